/* clients.h: what netbootd has learned of each client from DHCP.
 *
 * One table, keyed by MAC, filled by proxydhcp.c from the requests it sees
 * (chaddr, the address the client asks for in option 50 or uses as ciaddr,
 * the source address of a request on port 4011, the UUID of option 97, the
 * arch of option 93) and read by everything that must tie a TFTP or HTTP
 * peer to a machine: protected files (content.c), log lines, the boot
 * history. Bounded: the least recently seen client is forgotten first.
 *
 * Which MAC is behind an IP: the kernel's neighbour table first (what the
 * wire says now), then the addresses seen in DHCP. Both can be spoofed by a
 * host on the same segment (L2 spoofing); docs/security.md says so.
 *
 * Thread-safe: every call takes the table's mutex for its lookup.
 */
#ifndef NETBOOTD_CLIENTS_H
#define NETBOOTD_CLIENTS_H

#include <stdint.h>
#include <netinet/in.h>

#define CLIENTS_DEFAULT_CAP 65536

struct client_seen {
	uint8_t mac[6];
	struct in_addr ip;        /* INADDR_ANY until one is seen */
	char uuid[40];            /* lower case, "" when none was sent */
	int arch;                 /* RFC 4578 option 93, -1 when none */
	uint64_t seen_ms;         /* last request, monotonic ms */
	uint64_t answered_ms;     /* last time we answered it, 0 = never */
};

struct clients;

/* 0 and *ret, or -ENOMEM. cap: how many MACs are remembered. */
int clients_new(unsigned cap, struct clients **ret);
void clients_free(struct clients *c);

/* Record a DHCP request from mac. ip: the address it has or asks for
 * (INADDR_ANY when none); uuid may be NULL or ""; arch -1 when unknown;
 * answered: whether we replied. */
void clients_note_dhcp(struct clients *c, const uint8_t mac[6], struct in_addr ip,
		       const char *uuid, int arch, int answered, uint64_t now_ms);

/* A copy of the record for mac, or NULL. The copy is the calling thread's
 * own and valid until its next clients_by_mac (the table itself is shared
 * by the worker loops and may change at once). */
const struct client_seen *clients_by_mac(const struct clients *c, const uint8_t mac[6]);

/* The MAC behind ip: the kernel's neighbour table (/proc/net/arp), else the
 * newest DHCP record with that address. 0 and ret_mac, or -ENOENT. */
int clients_mac_of(const struct clients *c, struct in_addr ip, uint8_t ret_mac[6]);

/* Where clients_mac_of found the MAC, for the log ("mac-from=..."). */
enum clients_from { CLIENTS_FROM_NEIGHBOUR, CLIENTS_FROM_DHCP };

/* clients_mac_of, also saying where the MAC came from. 0, ret_mac and
 * *ret_from, or -ENOENT (both untouched). */
int clients_mac_source(const struct clients *c, struct in_addr ip, uint8_t ret_mac[6],
		       enum clients_from *ret_from);

/* 1 when we answered a DHCP request of the client now at ip within the last
 * within_ms, else 0. */
int clients_answered_recently(const struct clients *c, struct in_addr ip,
			      uint64_t now_ms, uint64_t within_ms);

#endif
