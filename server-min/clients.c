/* clients.c: the MAC <-> IP bindings netbootd learns from DHCP (clients.h).
 *
 * A fixed pool of records allocated once, two chained hash tables over it
 * (by MAC, by IP) and a least-recently-seen list for eviction, so a flood of
 * made-up MACs costs a bounded amount of memory and every operation is O(1)
 * on average. Indices, not pointers: the pool is one calloc.
 *
 * Shared by every worker loop (main.c): proxyDHCP writes from one loop,
 * TFTP and HTTP read from all of them. So each public call takes the
 * table's mutex, once per DHCP request or per transfer, never per packet;
 * a record is handed out as a copy (clients_by_mac), never as a pointer
 * into the table another thread may be rewriting. The neighbour table is
 * read outside the lock: a file read must not hold up the other loops.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "plan/mac.h"
#include "plan/plan.h"
#include "server-min/clients.h"

#define NIL UINT32_MAX

struct slot {
	struct client_seen s;
	uint32_t mac_next, ip_next;    /* hash chains */
	uint32_t older, newer;         /* the LRU list */
	int used;
};

struct clients {
	struct slot *slot;
	uint32_t cap, n_used;
	uint32_t *mac_head, *ip_head;  /* nbucket each */
	uint32_t nbucket;              /* a power of two */
	uint32_t oldest, newest;
	pthread_mutex_t lock;          /* every public call, see the top */
};

static uint32_t hash_bytes(const uint8_t *p, size_t n, uint32_t mask)
{
	uint32_t h = 2166136261u;      /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h & mask;
}

static uint32_t mac_bucket(const struct clients *c, const uint8_t mac[6])
{
	return hash_bytes(mac, 6, c->nbucket - 1);
}

static uint32_t ip_bucket(const struct clients *c, struct in_addr ip)
{
	return hash_bytes((const uint8_t *)&ip.s_addr, 4, c->nbucket - 1);
}

int clients_new(unsigned cap, struct clients **ret)
{
	struct clients *c;

	if (cap == 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	c->cap = cap;
	c->nbucket = 1;
	while (c->nbucket < cap)
		c->nbucket <<= 1;
	c->slot = calloc(cap, sizeof(*c->slot));
	c->mac_head = malloc(c->nbucket * sizeof(*c->mac_head));
	c->ip_head = malloc(c->nbucket * sizeof(*c->ip_head));
	if (!c->slot || !c->mac_head || !c->ip_head) {
		clients_free(c);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < c->nbucket; i++)
		c->mac_head[i] = c->ip_head[i] = NIL;
	c->oldest = c->newest = NIL;
	*ret = c;
	return 0;
}

void clients_free(struct clients *c)
{
	if (!c)
		return;
	free(c->slot);
	free(c->mac_head);
	free(c->ip_head);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static uint32_t find_mac(const struct clients *c, const uint8_t mac[6])
{
	for (uint32_t i = c->mac_head[mac_bucket(c, mac)]; i != NIL; i = c->slot[i].mac_next)
		if (memcmp(c->slot[i].s.mac, mac, 6) == 0)
			return i;
	return NIL;
}

static void unlink_chain(uint32_t *head, struct slot *slot, uint32_t i, int by_ip)
{
	uint32_t *p = head;

	while (*p != NIL && *p != i)
		p = by_ip ? &slot[*p].ip_next : &slot[*p].mac_next;
	if (*p == i)
		*p = by_ip ? slot[i].ip_next : slot[i].mac_next;
}

static void lru_unlink(struct clients *c, uint32_t i)
{
	struct slot *s = &c->slot[i];

	if (s->older != NIL)
		c->slot[s->older].newer = s->newer;
	else
		c->oldest = s->newer;
	if (s->newer != NIL)
		c->slot[s->newer].older = s->older;
	else
		c->newest = s->older;
}

static void lru_push_newest(struct clients *c, uint32_t i)
{
	c->slot[i].older = c->newest;
	c->slot[i].newer = NIL;
	if (c->newest != NIL)
		c->slot[c->newest].newer = i;
	c->newest = i;
	if (c->oldest == NIL)
		c->oldest = i;
}

static void ip_unlink(struct clients *c, uint32_t i)
{
	if (c->slot[i].s.ip.s_addr != INADDR_ANY)
		unlink_chain(&c->ip_head[ip_bucket(c, c->slot[i].s.ip)], c->slot, i, 1);
}

/* A free slot: a never used one, else the least recently seen client's. */
static uint32_t take_slot(struct clients *c)
{
	uint32_t i;

	if (c->n_used < c->cap) {
		i = c->n_used++;
	} else {
		i = c->oldest;
		lru_unlink(c, i);
		unlink_chain(&c->mac_head[mac_bucket(c, c->slot[i].s.mac)], c->slot, i, 0);
		ip_unlink(c, i);
	}
	memset(&c->slot[i], 0, sizeof(c->slot[i]));
	c->slot[i].s.arch = -1;
	return i;
}

void clients_note_dhcp(struct clients *c, const uint8_t mac[6], struct in_addr ip,
		       const char *uuid, int arch, int answered, uint64_t now_ms)
{
	uint32_t i;
	struct client_seen *s;

	pthread_mutex_lock(&c->lock);
	i = find_mac(c, mac);

	if (i == NIL) {
		uint32_t b = mac_bucket(c, mac);
		i = take_slot(c);
		memcpy(c->slot[i].s.mac, mac, 6);
		c->slot[i].mac_next = c->mac_head[b];
		c->mac_head[b] = i;
		c->slot[i].used = 1;
	} else {
		lru_unlink(c, i);
	}
	lru_push_newest(c, i);
	s = &c->slot[i].s;
	if (ip.s_addr != INADDR_ANY && ip.s_addr != s->ip.s_addr) {
		uint32_t b = ip_bucket(c, ip);
		ip_unlink(c, i);
		s->ip = ip;
		c->slot[i].ip_next = c->ip_head[b];
		c->ip_head[b] = i;
	}
	if (uuid && uuid[0])
		snprintf(s->uuid, sizeof(s->uuid), "%s", uuid);
	if (arch >= 0)
		s->arch = arch;
	s->seen_ms = now_ms;
	if (answered)
		s->answered_ms = now_ms;
	pthread_mutex_unlock(&c->lock);
}

/* A copy per thread: the caller reads it after the lock is gone. */
static _Thread_local struct client_seen by_mac_copy;

const struct client_seen *clients_by_mac(const struct clients *c, const uint8_t mac[6])
{
	struct clients *m = (struct clients *)c;   /* the lock only */
	uint32_t i;

	if (!c)
		return NULL;
	pthread_mutex_lock(&m->lock);
	i = find_mac(c, mac);
	if (i != NIL)
		by_mac_copy = c->slot[i].s;
	pthread_mutex_unlock(&m->lock);
	return i == NIL ? NULL : &by_mac_copy;
}

/* The newest record that holds ip, or NIL. */
static uint32_t find_ip(const struct clients *c, struct in_addr ip)
{
	uint32_t best = NIL;

	for (uint32_t i = c->ip_head[ip_bucket(c, ip)]; i != NIL; i = c->slot[i].ip_next)
		if (c->slot[i].s.ip.s_addr == ip.s_addr &&
		    (best == NIL || c->slot[i].s.seen_ms > c->slot[best].s.seen_ms))
			best = i;
	return best;
}

/* The kernel's neighbour table: what the wire says now. /proc/self/net
 * rather than /proc/net, so it stays readable under systemd's
 * ProcSubset=pid. */
static int neighbour_mac(struct in_addr ip, uint8_t ret_mac[6])
{
	char want[INET_ADDRSTRLEN], line[256];
	FILE *f;
	int r = -ENOENT;

	if (!inet_ntop(AF_INET, &ip, want, sizeof(want)))
		return -ENOENT;
	f = fopen("/proc/self/net/arp", "re");
	if (!f)
		return -errno;
	/* IP address  HW type  Flags  HW address  Mask  Device */
	while (fgets(line, sizeof(line), f)) {
		char addr[64], flags[16], hw[64];
		unsigned long fl;
		if (sscanf(line, "%63s %*s %15s %63s", addr, flags, hw) != 3)
			continue;
		fl = strtoul(flags, NULL, 16);
		if (!(fl & 0x2))    /* ATF_COM: the entry is complete */
			continue;
		if (strcmp(addr, want) == 0 && nb_mac_parse(hw, strlen(hw), ret_mac) == 0) {
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

int clients_mac_source(const struct clients *c, struct in_addr ip, uint8_t ret_mac[6],
		       enum clients_from *ret_from)
{
	uint32_t i;

	if (neighbour_mac(ip, ret_mac) == 0) {
		*ret_from = CLIENTS_FROM_NEIGHBOUR;
		return 0;
	}
	if (!c)
		return -ENOENT;
	pthread_mutex_lock(&((struct clients *)c)->lock);
	i = find_ip(c, ip);
	if (i != NIL)
		memcpy(ret_mac, c->slot[i].s.mac, 6);
	pthread_mutex_unlock(&((struct clients *)c)->lock);
	if (i == NIL)
		return -ENOENT;
	*ret_from = CLIENTS_FROM_DHCP;
	return 0;
}

int clients_mac_of(const struct clients *c, struct in_addr ip, uint8_t ret_mac[6])
{
	enum clients_from from;

	return clients_mac_source(c, ip, ret_mac, &from);
}

int clients_answered_recently(const struct clients *c, struct in_addr ip,
			      uint64_t now_ms, uint64_t within_ms)
{
	uint8_t mac[6];
	const struct client_seen *s;

	if (!c || clients_mac_of(c, ip, mac) < 0)
		return 0;
	s = clients_by_mac(c, mac);
	return s && s->answered_ms && now_ms - s->answered_ms <= within_ms;
}
