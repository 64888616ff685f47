/* query.h: how a client asks for its plan (CONTRACT between netbootd and
 * alpineboot.efi, and anything else that fetches boot.plan or boot.ipxe).
 *
 *   http://SERVER/boot.plan?mac=aa-bb-cc-dd-ee-ff[&arch=N][&uuid=U]
 *   TFTP RRQ      "boot.plan?mac=aa-bb-cc-dd-ee-ff[&arch=N][&uuid=U]"
 *
 * One meaning over both transports: the server splits the name at the first
 * '?' for TFTP exactly as HTTP splits its request target. nb_query_parse
 * reads the query by netbootd's rules (server-min/content.c, which still
 * has its own reader; moving it onto this one is a small follow-up). Without mac= the server falls back to its
 * MAC<->IP table, which a client behind a relay or a stale neighbour entry
 * defeats, so a client that knows its MAC always sends it.
 * Keys (unknown ones are skipped, the first of each key counts):
 *   mac   the booting NIC, '-' or ':' separated, any case (plan/mac.h)
 *   arch  RFC 4578 client system architecture, decimal, 0..65535
 *   uuid  SMBIOS system UUID as text, under NB_QUERY_UUID_MAX bytes
 */
#ifndef NB_QUERY_H
#define NB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#define NB_PLAN_NAME       "boot.plan"
#define NB_QUERY_UUID_MAX  40        /* == sizeof(struct nb_client.uuid) */
#define NB_QUERY_VALUE_MAX 63        /* longer values are refused */
#define NB_QUERY_URL_MAX   320       /* NB_URL_MAX base + name + query */

struct nb_query {
	uint8_t mac[6];
	int has_mac;
	char uuid[NB_QUERY_UUID_MAX];    /* "" when absent */
	int arch;                        /* -1 when absent */
};

/* Parse the query (the bytes after '?', without it) of len bytes.
 * 0 and *ret_q; -EINVAL when a known key has a malformed or over-long value
 * (*ret_q untouched). An empty query is valid and yields nothing. */
int nb_query_parse(const char *s, size_t len, struct nb_query *ret_q);

/* Write "BASE/NAME[?mac=..][&arch=N]" into out (cap bytes, NUL-terminated):
 * base "http://host[:port]" without a trailing '/', or "" for a bare TFTP
 * name. mac NULL and arch < 0 leave the key out.
 * 0 and *ret_len (may be NULL), -E2BIG when it does not fit (out untouched). */
int nb_query_url(const char *base, const char *name, const uint8_t *mac,
		 int arch, char *out, size_t cap, size_t *ret_len);

#endif
