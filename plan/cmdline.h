/* cmdline.h: the Alpine kernel command line (CONTRACT with efi-shim/).
 *
 * nb_cmdline_build is the one place that knows what Alpine's initramfs-init
 * and OpenRC's modloop service read (docs/boot-plan.md, DESIGN.md
 * "Alpine's contract"). Its output goes into each boot entry of a plan
 * without initrd=, with entry->cmdline_extra marking where the user's
 * extras begin. nb_cmdline_entry turns a plan entry into the final line
 * for a loader, inserting initrd=NAME for each initrd before the extras:
 * iPXE's script renderer and alpineboot.efi both call it, so the order of
 * arguments is the same on every path. nb_cmdline_loader is that plus what
 * only the running machine knows (BOOTIF= of the booting NIC when the plan
 * has none: a stamped plan cannot know it), alpineboot.efi's whole line.
 */
#ifndef NB_CMDLINE_H
#define NB_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

/* The longest line nb_cmdline_loader builds: an entry's (initrd= included,
 * under NB_CMDLINE_MAX) plus " BOOTIF=01-aa-bb-cc-dd-ee-ff". */
#define NB_CMDLINE_LOADER_MAX (NB_CMDLINE_MAX + 32)

struct nb_cmdline_in {
	const char *modules;        /* extra modules "a,b" or "" */
	const char *modloop;        /* absolute URL */
	const char *apkovl;         /* absolute URL, "" = none */
	const char *mirror;         /* e.g. "https://dl-cdn.alpinelinux.org/alpine" */
	const char *branch;         /* "v3.20", "edge", "latest-stable" */
	const char *repos;          /* "main community" */
	const char *ip;             /* "dhcp" or the static form */
	const uint8_t *mac;         /* BOOTIF= when not NULL */
	const char *const *initrd_names;   /* initrd=NAME each; n may be 0 */
	unsigned n_initrd_names;
	const char *extra;          /* user arguments, appended last; "" = none */
};

/* Build, in this order: modules=loop,squashfs[,extras] modloop=URL
 * [apkovl=URL] alpine_repo=MIRROR/BRANCH/REPO[,...] ip=... [BOOTIF=01-..]
 * [initrd=NAME ...] [extras]. 0, *ret_len and *ret_extra_off (offset of the
 * extras in out; == *ret_len when none; either pointer may be NULL);
 * -EINVAL when a value holds a space, quote or control character (it would
 * split or break the line), -E2BIG when the line exceeds cap - 1 or
 * NB_CMDLINE_MAX - 1 bytes. out is untouched on error. */
int nb_cmdline_build(const struct nb_cmdline_in *in, char *out, size_t cap,
		     size_t *ret_len, size_t *ret_extra_off);

/* The final line of a plan entry: e->cmdline with " initrd=NAME" for each
 * name inserted at e->cmdline_extra. names may be NULL when n is 0.
 * 0 and *ret_len, -EINVAL (bad name or offset), -E2BIG; out untouched on
 * error. */
int nb_cmdline_entry(const struct nb_entry *e, const char *const *names,
		     unsigned n, char *out, size_t cap, size_t *ret_len);

/* The final line of a plan entry for a loader that fetched its initrds
 * itself: nb_cmdline_entry with initrd=NAME named after each initrd URL,
 * then BOOTIF=01-aa-.. for mac (NULL: unknown) unless the line already has
 * a BOOTIF argument. 0 and *ret_len (may be NULL), -EINVAL (an initrd URL
 * without a file name, a bad extras offset), -E2BIG; out untouched on
 * error. */
int nb_cmdline_loader(const struct nb_entry *e, const uint8_t *mac,
		      char *out, size_t cap, size_t *ret_len);

/* Walk the arguments of a kernel command line as the kernel's own
 * next_arg() (lib/cmdline.c) does: spaces separate, double quotes group.
 * *pos: where to continue (start at 0). 1 and the argument in *ret_arg
 * and *ret_len; 0 at the end. Stops at len or a NUL. */
int nb_cmdline_next_arg(const char *s, size_t len, size_t *pos,
			const char **ret_arg, size_t *ret_len);

/* 1 when s (len bytes) has an argument "name" or "name=...", whole
 * arguments only, never substrings; else 0. */
int nb_cmdline_has(const char *s, size_t len, const char *name);

/* The file name part of a URL (after the last '/', before any '?'), the
 * name iPXE gives a downloaded image. 0 and ret[cap], or -E2BIG/-EINVAL. */
int nb_url_basename(const char *url, char *ret, size_t cap);

#endif
