/* cmdline.c: finish the kernel command line of a plan entry (cmdline.h).
 *
 * Argument splitting follows the kernel's lib/cmdline.c next_arg(): spaces
 * separate, a double quote toggles grouping. Checks are on whole
 * arguments, so "xBOOTIF=1" or a BOOTIF inside an apkovl URL does not
 * count as the plan having set BOOTIF.
 */
#include <errno.h>

#include "embed/cmdline.h"
#include "efi-shim/cmdline.h"
#include "efi-shim/ucs2.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int cmdline_next_arg(const char *s, size_t len, size_t *pos,
		     const char **ret_arg, size_t *ret_len)
{
	size_t i = *pos, start;
	int quoted = 0;

	while (i < len && s[i] && is_space(s[i]))
		i++;
	if (i >= len || !s[i]) {
		*pos = i;
		return 0;
	}
	start = i;
	for (; i < len && s[i]; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && is_space(s[i]))
			break;
	}
	*ret_arg = s + start;
	*ret_len = i - start;
	*pos = i;
	return 1;
}

int cmdline_has(const char *s, size_t len, const char *name)
{
	size_t pos = 0, alen, nlen = 0;
	const char *a;

	while (name[nlen])
		nlen++;
	while (cmdline_next_arg(s, len, &pos, &a, &alen)) {
		size_t k = 0;
		while (k < nlen && k < alen && a[k] == name[k])
			k++;
		if (k == nlen && (alen == nlen || a[nlen] == '='))
			return 1;
	}
	return 0;
}

/* Appends to a bounded buffer; once full, stays failed. */
struct sbuf {
	char *p;
	size_t cap, len;
	int full;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
	if (b->full || n >= b->cap - b->len) {
		b->full = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		b->p[b->len++] = s[i];
	b->p[b->len] = 0;
}

int cmdline_build(const struct nb_entry *e, const uint8_t *mac,
		  char *out, size_t cap, size_t *ret_len)
{
	static const char hexdig[] = "0123456789abcdef";
	char names[NB_PLAN_MAX_INITRDS][NB_URL_MAX];
	const char *name_ptr[NB_PLAN_MAX_INITRDS];
	unsigned n = e->n_initrd < NB_PLAN_MAX_INITRDS ? e->n_initrd : NB_PLAN_MAX_INITRDS;
	char line[NB_CMDLINE_MAX];
	struct sbuf b = { out, cap, 0, 0 };
	size_t len;
	int r;

	if (cap == 0)
		return -ENOSPC;
	/* initrd= names, then the plan's line with them inserted before the
	 * user's extras: embed/'s nb_cmdline_entry, the same call the iPXE
	 * script renderer makes, so both loaders give the kernel one line. */
	for (unsigned i = 0; i < n; i++) {
		if (nb_url_basename(e->initrd[i].url, names[i], sizeof names[i]) < 0 ||
		    names[i][0] == 0)
			return -EINVAL;
		name_ptr[i] = names[i];
	}
	r = nb_cmdline_entry(e, name_ptr, n, line, sizeof line, &len);
	if (r == -E2BIG)
		return -ENOSPC;
	if (r < 0)
		return -EINVAL;
	out[0] = 0;
	put(&b, line, len);

	/* BOOTIF=01-aa-bb-..: ARP hardware type 1 (Ethernet) and the MAC, the
	 * form pxelinux made common and Alpine's initramfs-init reads. The
	 * server adds it to per-MAC plans; a stamped plan cannot know it. */
	if (mac && !cmdline_has(line, len, "BOOTIF")) {
		char bootif[32];
		size_t k = 0;
		for (const char *p = "BOOTIF=01"; *p; p++)
			bootif[k++] = *p;
		for (int i = 0; i < 6; i++) {
			bootif[k++] = '-';
			bootif[k++] = hexdig[mac[i] >> 4];
			bootif[k++] = hexdig[mac[i] & 15];
		}
		if (b.len)
			put(&b, " ", 1);
		put(&b, bootif, k);
	}
	if (b.full)
		return -ENOSPC;
	*ret_len = b.len;
	return 0;
}

int cmdline_build_ucs2(const struct nb_entry *e, const uint8_t *mac,
		       uint16_t *out, size_t cap, size_t *ret_units)
{
	char line[CMDLINE_MAX];
	size_t len;
	int r;

	r = cmdline_build(e, mac, line, sizeof line, &len);
	if (r < 0)
		return r;
	return ucs2_from_utf8((const uint8_t *)line, len, out, cap, ret_units);
}
