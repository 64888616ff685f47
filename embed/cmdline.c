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
#include "embed/cmdline.h"
#include "embed/mac.h"
#include "embed/str.h"

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
		char mac[18];

		nb_mac_format(in->mac, '-', mac);
		nb_buf_puts(&b, " BOOTIF=01-");
		nb_buf_puts(&b, mac);
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
