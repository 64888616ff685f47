/* cmdline.c: the Alpine kernel command line, built in exactly one place.
 *
 * What the arguments mean (Alpine mkinitfs initramfs-init and
 * mkinitfs-bootparam(7); OpenRC's modloop service):
 *   modules=      modules the initramfs loads; loop and squashfs are needed
 *                 to mount the modloop, extras (e.g. a NIC driver) follow.
 *   modloop=      read after switch-root by the modloop service, which
 *                 wgets it and loop-mounts it at /.modloop.
 *   apkovl=       the overlay the initramfs wgets; {MAC} and {UUID} in it
 *                 are replaced by the initramfs itself. Omitted when none:
 *                 an empty apkovl= would make it look for one.
 *   alpine_repo=  comma separated, written to /etc/apk/repositories.
 *   ip=           dhcp, or client:server:gw:mask:host:dev:autoconf:dns:dns.
 *   BOOTIF=       01-aa-bb-cc-dd-ee-ff: which NIC, so multi-NIC clients
 *                 bring up the port they booted from.
 *   initrd=       UEFI only: the EFI stub's own initrd loading; harmless
 *                 elsewhere.
 *   extras        console=, ssh_key=, pkgs=, hostname=...: last, so they
 *                 read as the user wrote them.
 * The kernel splits its command line on spaces and honours double quotes;
 * iPXE splits script lines on spaces and expands ${...}. Values with a
 * space, quote or '$' cannot pass both intact, so they are refused here.
 */
#include "plan/cmdline.h"
#include "plan/mac.h"
#include "plan/str.h"

/* A value that must stay one argument. */
static int word_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == '\'' ||
		    s[i] == '$' || s[i] == '\\')
			return 0;
	return i > 0;
}

/* Several arguments separated by single spaces. */
static int words_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ' && i > 0 && s[i + 1] != ' ' && s[i + 1] != '\0')
			continue;
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == '\'' ||
		    s[i] == '$' || s[i] == '\\')
			return 0;
	}
	return 1;
}

/* BOOTIF=01-aa-bb-..: ARP hardware type 1 (Ethernet, RFC 826 / IANA
 * hardware types) and the MAC, the form pxelinux made common and Alpine's
 * initramfs-init reads. */
static void put_bootif(struct nb_buf *b, const uint8_t mac[6])
{
	char m[18];

	nb_mac_format(mac, '-', m);
	nb_buf_puts(b, "BOOTIF=01-");
	nb_buf_puts(b, m);
}

static void put_repos(struct nb_buf *b, const struct nb_cmdline_in *in)
{
	const char *r = in->repos;
	int first = 1;

	nb_buf_puts(b, " alpine_repo=");
	while (*r != '\0') {
		size_t n;

		while (*r == ' ')
			r++;
		for (n = 0; r[n] != '\0' && r[n] != ' '; n++)
			;
		if (n == 0)
			break;
		if (!first)
			nb_buf_putc(b, ',');
		first = 0;
		nb_buf_puts(b, in->mirror);
		nb_buf_putc(b, '/');
		nb_buf_puts(b, in->branch);
		nb_buf_putc(b, '/');
		nb_buf_putn(b, r, n);
		r += n;
	}
}

int nb_cmdline_build(const struct nb_cmdline_in *in, char *out, size_t cap,
		     size_t *ret_len, size_t *ret_extra_off)
{
	char line[NB_CMDLINE_MAX];
	struct nb_buf b;
	size_t extra_off, len;
	unsigned i;

	if (!word_ok(in->modloop) || !word_ok(in->mirror) ||
	    !word_ok(in->branch) || !word_ok(in->ip) ||
	    (in->apkovl[0] != '\0' && !word_ok(in->apkovl)) ||
	    (in->modules[0] != '\0' && !word_ok(in->modules)) ||
	    !words_ok(in->repos) || in->repos[0] == '\0' ||
	    !words_ok(in->extra))
		return -NB_EINVAL;
	for (i = 0; i < in->n_initrd_names; i++)
		if (!word_ok(in->initrd_names[i]))
			return -NB_EINVAL;

	nb_buf_init(&b, line, sizeof(line));
	nb_buf_puts(&b, "modules=loop,squashfs");
	if (in->modules[0] != '\0') {
		nb_buf_putc(&b, ',');
		nb_buf_puts(&b, in->modules);
	}
	nb_buf_puts(&b, " modloop=");
	nb_buf_puts(&b, in->modloop);
	if (in->apkovl[0] != '\0') {
		nb_buf_puts(&b, " apkovl=");
		nb_buf_puts(&b, in->apkovl);
	}
	put_repos(&b, in);
	nb_buf_puts(&b, " ip=");
	nb_buf_puts(&b, in->ip);
	if (in->mac != NULL) {
		nb_buf_putc(&b, ' ');
		put_bootif(&b, in->mac);
	}
	for (i = 0; i < in->n_initrd_names; i++) {
		nb_buf_puts(&b, " initrd=");
		nb_buf_puts(&b, in->initrd_names[i]);
	}
	extra_off = b.len;
	if (in->extra[0] != '\0') {
		nb_buf_putc(&b, ' ');
		extra_off = b.len;
		nb_buf_puts(&b, in->extra);
	}
	if (nb_buf_finish(&b, &len) || len + 1 > cap)
		return -NB_E2BIG;
	nb_memcpy(out, line, len + 1);
	if (ret_len)
		*ret_len = len;
	if (ret_extra_off)
		*ret_extra_off = extra_off;
	return 0;
}

int nb_cmdline_entry(const struct nb_entry *e, const char *const *names,
		     unsigned n, char *out, size_t cap, size_t *ret_len)
{
	char line[NB_CMDLINE_MAX];
	struct nb_buf b;
	size_t len = nb_strnlen(e->cmdline, sizeof(e->cmdline));
	size_t off = e->cmdline_extra;
	unsigned i;

	if (len == sizeof(e->cmdline) || off > len ||
	    (off > 0 && off < len && e->cmdline[off - 1] != ' '))
		return -NB_EINVAL;
	for (i = 0; i < n; i++)
		if (!word_ok(names[i]))
			return -NB_EINVAL;

	nb_buf_init(&b, line, sizeof(line));
	/* The extras start after a separating space; initrd= goes before it. */
	nb_buf_putn(&b, e->cmdline, off < len && off > 0 ? off - 1 : off);
	for (i = 0; i < n; i++) {
		if (b.len > 0)
			nb_buf_putc(&b, ' ');
		nb_buf_puts(&b, "initrd=");
		nb_buf_puts(&b, names[i]);
	}
	if (off < len) {
		if (b.len > 0)
			nb_buf_putc(&b, ' ');
		nb_buf_putn(&b, e->cmdline + off, len - off);
	}
	if (nb_buf_finish(&b, &len) || len + 1 > cap)
		return -NB_E2BIG;
	nb_memcpy(out, line, len + 1);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int nb_url_basename(const char *url, char *ret, size_t cap)
{
	size_t i, start = 0, end;

	for (end = 0; url[end] != '\0' && url[end] != '?' && url[end] != '#'; end++)
		if (url[end] == '/')
			start = end + 1;
	if (end == start)
		return -NB_EINVAL;
	for (i = start; i < end; i++)
		if (url[i] <= ' ' || url[i] > '~' || url[i] == '"' || url[i] == '\'')
			return -NB_EINVAL;
	return nb_strlcpy(ret, cap, url + start, end - start);
}

int nb_cmdline_loader(const struct nb_entry *e, const uint8_t *mac,
		      char *out, size_t cap, size_t *ret_len)
{
	char names[NB_PLAN_MAX_INITRDS][NB_URL_MAX];
	const char *name_ptr[NB_PLAN_MAX_INITRDS];
	char line[NB_CMDLINE_LOADER_MAX];
	unsigned i, n = e->n_initrd < NB_PLAN_MAX_INITRDS ? e->n_initrd
							  : NB_PLAN_MAX_INITRDS;
	struct nb_buf b;
	size_t len;
	int r;

	for (i = 0; i < n; i++) {
		if (nb_url_basename(e->initrd[i].url, names[i], sizeof(names[i])) < 0)
			return -NB_EINVAL;
		name_ptr[i] = names[i];
	}
	r = nb_cmdline_entry(e, name_ptr, n, line, NB_CMDLINE_MAX, &len);
	if (r < 0)
		return r == -NB_E2BIG ? r : -NB_EINVAL;
	/* A plan rendered per MAC already names the NIC; a stamped plan
	 * cannot, so the loader adds the one it booted from. */
	if (mac != NULL && !nb_cmdline_has(line, len, "BOOTIF")) {
		nb_buf_init(&b, line + len, sizeof(line) - len);
		if (len > 0)
			nb_buf_putc(&b, ' ');
		put_bootif(&b, mac);
		len += b.len;
		if (b.overflow)
			return -NB_E2BIG;
	}
	if (len + 1 > cap)
		return -NB_E2BIG;
	nb_memcpy(out, line, len + 1);
	if (ret_len)
		*ret_len = len;
	return 0;
}

static int arg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int nb_cmdline_next_arg(const char *s, size_t len, size_t *pos,
			const char **ret_arg, size_t *ret_len)
{
	size_t i = *pos, start;
	int quoted = 0;

	while (i < len && s[i] != '\0' && arg_space(s[i]))
		i++;
	if (i >= len || s[i] == '\0') {
		*pos = i;
		return 0;
	}
	for (start = i; i < len && s[i] != '\0'; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && arg_space(s[i]))
			break;
	}
	*ret_arg = s + start;
	*ret_len = i - start;
	*pos = i;
	return 1;
}

int nb_cmdline_has(const char *s, size_t len, const char *name)
{
	size_t pos = 0, alen, nlen = nb_strlen(name);
	const char *a;

	while (nb_cmdline_next_arg(s, len, &pos, &a, &alen))
		if (alen >= nlen && nb_memcmp(a, name, nlen) == 0 &&
		    (alen == nlen || a[nlen] == '='))
			return 1;
	return 0;
}
