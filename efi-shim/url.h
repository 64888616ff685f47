/* url.h: the http:// URLs of a boot plan, split for the two transports.
 * Pure C, host-tested in bounds_test.c. */
#ifndef EFI_SHIM_URL_H
#define EFI_SHIM_URL_H

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

struct url {
	char host[64];            /* as written, without the port */
	uint8_t ip[4];            /* host as an IPv4 address ... */
	int has_ip;               /* ... when it is a dotted quad */
	uint16_t port;            /* 80 when the URL names none */
	char target[NB_URL_MAX];  /* request target: path and query, starts with '/' */
	size_t path_len;          /* target[0..path_len) is the path without query */
};

/* Parse an absolute "http://host[:port][/path][?query]" URL of len bytes.
 * 0 and *ret; -EINVAL not such a URL (other scheme, bad port, empty host,
 * control characters or spaces); -E2BIG a part over its limit. */
int url_parse(const char *s, size_t len, struct url *ret);

/* The TFTP file name for u: its request target without the leading '/',
 * query included: netbootd splits a TFTP name at '?' as HTTP does, so
 * "boot.plan?mac=.." means the same over both (plan/query.h). 0, or
 * -ENOSPC when cap is too small, -EINVAL when the path is just "/". */
int url_tftp_name(const struct url *u, char *out, size_t cap);

/* The last path component of u ("initramfs-lts"), NUL-terminated in out.
 * 0, -ENOSPC, or -EINVAL when the path ends in '/'. */
int url_basename(const struct url *u, char *out, size_t cap);

#endif
