/* content.h: what a client may download, for TFTP and HTTP alike.
 *
 * One entry point decides: a rendered per-client document (boot.ipxe,
 * boot.plan, boot.cmdline), a regular file beneath --root, or the
 * distribution's copy of an iPXE binary. Both protocols call it, so the
 * safety rules (nothing outside the root, nothing but regular files ever
 * opened for I/O, protected files only to their owner) live in one place.
 */
#ifndef NETBOOTD_CONTENT_H
#define NETBOOTD_CONTENT_H

#include <stdint.h>
#include <time.h>
#include <netinet/in.h>

#include "server-min/netbootd.h"

struct content {
	int fd;              /* an open regular file, or -1 for mem */
	char *mem;           /* a rendered document (owned), or NULL */
	uint64_t size;
	time_t mtime;
	const char *source;  /* "root", "ipxe-dist", "efi-dist" or "rendered", for the log */
};

/* path: as the client sent it, without the query (HTTP: after
 * percent-decoding; TFTP: the name before its first '?', which is how
 * alpineboot.efi asks for "boot.plan?mac=..."); query: the part after '?',
 * or NULL; only rendered documents read it; peer: the client, used to find
 * its MAC in the kernel's neighbour table when the query names none.
 * 0 and *ret filled; -ENOENT no such file (or a rendered document for a
 * client that "answer = known" ignores); -EACCES refused (escapes the root,
 * not a regular file, bad name); -EPERM a protected file the asker does
 * not own (logged with the reason); -ENOMEM. *ret untouched on error. */
int content_open(struct netbootd *nb, const char *path, const char *query,
		 const struct sockaddr_in *peer, struct content *ret);
void content_close(struct content *c);

/* Fill nb->protect from nb->config: [server] protect when set, else the
 * folders of the server-relative apkovl settings of every profile and
 * client section. Call once before serving. 0, or -EINVAL / -E2BIG /
 * -ENAMETOOLONG after a "netbootd: ..." line on stderr (a config error). */
int content_protect_init(struct netbootd *nb);

#endif
