/* cidr.h: lists of IPv4 networks in CIDR notation (RFC 4632 sec. 3.1),
 * for [server] status-allow (who may read /status, /status.json and
 * /metrics; docs/status.md).
 *
 * Freestanding like the rest of the core: the config parser validates the
 * list where it reads it, so a bad entry is "FILE:LINE: what is wrong".
 */
#ifndef NB_CIDR_H
#define NB_CIDR_H

#include <stddef.h>
#include <stdint.h>

#define NB_CIDR_MAX 16

struct nb_cidr {
	uint32_t net;       /* host byte order, host bits zero */
	uint8_t prefix;     /* 0..32 */
};

struct nb_cidr_list {
	uint8_t n;
	int8_t set;         /* 0: unset, the default applies */
	struct nb_cidr item[NB_CIDR_MAX];
};

/* "A.B.C.D[/N] ..." separated by spaces, or the one word "none" (an
 * empty, set list: nobody). NULL and *out filled, or why it is wrong
 * (*out untouched). A bare address is /32; host bits must be zero, so
 * "198.18.0.1/15" is refused rather than silently widened. */
const char *nb_cidr_list_parse(struct nb_cidr_list *out, const char *v, size_t n);

/* 1 when addr (host byte order) is in one of l's networks, else 0. */
int nb_cidr_list_match(const struct nb_cidr_list *l, uint32_t addr);

#endif
