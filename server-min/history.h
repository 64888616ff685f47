/* history.h: what the server saw of each client's boot, in memory.
 *
 * An admin whose diskless machine does not come up wants to know where it
 * stopped without reading interleaved log lines keyed by MAC (DHCP) or
 * IP:port (TFTP, HTTP). So every stage netbootd serves is an event on the
 * client's record, keyed by MAC: the proxy offer (arch, file), the NBP,
 * the script or plan (profile), the kernel, the initramfs, the modloop and
 * the apkovl, and failures (what and why). Fetching the modloop or the
 * apkovl means the client "reached userspace": Alpine's init and its
 * OpenRC modloop service do that only once the kernel runs (DESIGN.md).
 *
 * Bounded both ways: at most max_clients records (the least recently seen
 * one is reused first) and max_events events each (a ring: the oldest
 * goes). Memory is max_clients * (sizeof(struct hist_client) +
 * max_events * sizeof(struct hist_event)) at most, allocated as clients
 * appear. The counters behind /metrics live here too, so a client forgotten
 * by the bound still counted.
 *
 * Pure: times are passed in (monotonic ms), so the unit test drives it
 * without a clock. Threads: the pure functions do not lock; the netbootd
 * hooks (history_note_*) take the history's mutex themselves, and a reader
 * in another thread (status.c) holds history_lock while it walks. The history_* glue at the end ties
 * TFTP and HTTP peers to MACs (clients_mac_of: the neighbour table, else
 * DHCP) and is what tftp.c, http.c, proxydhcp.c and content.c call.
 */
#ifndef NETBOOTD_HISTORY_H
#define NETBOOTD_HISTORY_H

#include <stdint.h>
#include <netinet/in.h>

/* The stages, in boot order. A failure is an event with failed = 1 at the
 * stage it failed in. */
enum hist_stage {
	HS_OFFER,       /* proxyDHCP answered: power-on */
	HS_NBP,         /* the network boot program (undionly.kpxe, alpineboot.efi) */
	HS_SCRIPT,      /* boot.ipxe or boot.plan rendered */
	HS_KERNEL,
	HS_INITRAMFS,
	HS_MODLOOP,
	HS_APKOVL,
	HS_USERSPACE,   /* modloop or apkovl fetched */
	HS_N,
	HS_OTHER = HS_N,   /* a file that is none of the above */
};

enum hist_proto { HP_NONE, HP_DHCP, HP_TFTP, HP_HTTP, HP_N };

#define HIST_WHAT_MAX   128
#define HIST_PATH_MAX   160
#define HIST_NAME_MAX   64
#define HIST_DEFAULT_CLIENTS 1024
#define HIST_DEFAULT_EVENTS  32

struct hist_event {
	uint64_t t_ms;             /* monotonic */
	uint64_t bytes;
	uint32_t ms;               /* how long the transfer took */
	uint8_t stage;             /* enum hist_stage or HS_OTHER */
	uint8_t proto;             /* enum hist_proto */
	uint8_t failed;
	char what[HIST_WHAT_MAX];  /* file, profile, or why it failed */
};

/* The files of a client's plan, from its last rendered script or plan,
 * server-relative ("boot/vmlinuz-lts"); "" when unknown. The apkovl may
 * hold Alpine's {MAC} or {UUID}. */
enum { HF_KERNEL, HF_INITRAMFS, HF_MODLOOP, HF_APKOVL, HF_N };

struct hist_client {
	uint8_t mac[6];
	struct in_addr ip;          /* last seen; INADDR_ANY when none (history_bind_ip) */
	uint64_t ip_ms;             /* when ip was bound */
	int arch;                   /* RFC 4578 option 93, -1 unknown */
	unsigned boots;             /* boots seen (a new offer after the NBP) */
	uint64_t power_on_ms;       /* this boot's first event */
	uint64_t seen_ms;           /* the last event */
	uint32_t reached;           /* bit per stage reached in this boot */
	uint64_t stage_ms[HS_N];    /* when, valid where reached has the bit */
	uint8_t last_stage;         /* the furthest stage of this boot */
	uint8_t failed_stage;       /* HS_N: no failure in this boot */
	char failure[HIST_WHAT_MAX];
	char profile[HIST_NAME_MAX];
	char nbp[HIST_PATH_MAX];    /* the file of the last offer */
	char file[HF_N][HIST_PATH_MAX];
	/* events: a ring of the history's max_events */
	unsigned n_ev, ev_next;
	struct hist_event *ev;
	/* private: recency list and MAC hash */
	struct hist_client *newer, *older, *hnext, *inext;
};

#define HIST_BUCKETS 8
/* Upper bounds (seconds) of the boot duration histograms' buckets;
 * +Inf is implied. QEMU under TCG takes 30-60 s to userspace, real
 * hardware 15-40 s, a stuck boot minutes. */
extern const double hist_bucket_s[HIST_BUCKETS];

struct hist_histogram {
	uint64_t bucket[HIST_BUCKETS];   /* non-cumulative counts */
	uint64_t count;
	double sum_s;
};

struct hist_metrics {
	uint64_t stage_total[HS_N];       /* boots that reached each stage */
	uint64_t failed_total[HS_N + 1];  /* failures by stage (HS_OTHER too) */
	uint64_t transfers[HP_N];         /* ended transfers, by protocol */
	uint64_t transfer_failed[HP_N];
	uint64_t bytes[HP_N];
	uint64_t evicted;                 /* records reused for another MAC */
	uint64_t unknown_peer;            /* transfers no MAC could be tied to */
	struct hist_histogram to_kernel, to_userspace;   /* from power-on */
};

struct history;

/* 0 and *ret, or -EINVAL (a bound is 0) / -ENOMEM. */
int history_new(unsigned max_clients, unsigned max_events, struct history **ret);
void history_free(struct history *h);
/* The history's mutex, for a reader in another thread than the hooks'
 * (status.c walks it while the worker loops record). */
void history_lock(const struct history *h);
void history_unlock(const struct history *h);

/* The record of mac, created (reusing the least recently seen one when
 * full) when missing; NULL only when out of memory. */
struct hist_client *history_client(struct history *h, const uint8_t mac[6], uint64_t now_ms);
/* The record of mac, or NULL. */
const struct hist_client *history_find(const struct history *h, const uint8_t mac[6]);

/* c was seen at ip (INADDR_ANY: nothing is learned). */
void history_bind_ip(struct history *h, struct hist_client *c, struct in_addr ip, uint64_t now_ms);
/* The record most recently bound to ip, or NULL. */
const struct hist_client *history_by_ip(const struct history *h, struct in_addr ip);

/* Add ev to c, and to the stage times and counters: the first time a
 * boot reaches a stage counts it; a successful modloop or apkovl also
 * reaches HS_USERSPACE. */
void history_add(struct history *h, struct hist_client *c, const struct hist_event *ev);

/* A proxy offer: a new boot when c was past its offer (it reached the
 * NBP or further), then the HS_OFFER event. */
void history_offer(struct history *h, struct hist_client *c, int arch, const char *file,
		   uint64_t now_ms);

/* Which stage path (server-relative, no query) is for c: its plan's
 * files first, the offered NBP, then names (vmlinuz-*, initramfs-*,
 * modloop-*, *.apkovl.tar.gz, *.efi, *.kpxe). HS_OTHER when none. */
enum hist_stage history_classify(const struct hist_client *c, const char *path);

/* Walk the records, most recently seen first. */
const struct hist_client *history_first(const struct history *h);
const struct hist_client *history_next(const struct hist_client *c);
/* The i-th event of c, oldest first, i < c->n_ev. */
const struct hist_event *history_event(const struct history *h, const struct hist_client *c,
				       unsigned i);

unsigned history_count(const struct history *h);
unsigned history_max_clients(const struct history *h);
unsigned history_max_events(const struct history *h);
const struct hist_metrics *history_metrics(const struct history *h);

const char *history_stage_name(unsigned stage);   /* "kernel", ... "other" */
const char *history_proto_name(unsigned proto);   /* "dhcp", "tftp", "http", "-" */

/* --- netbootd's hooks (nb->history NULL: they do nothing) --- */
struct netbootd;
struct nb_client;

/* Make nb->history with [server] history-clients/-events (defaults
 * HIST_DEFAULT_*) and note when serving began. 0, or -ENOMEM logged. */
int history_start(struct netbootd *nb);
/* proxyDHCP sent an offer to mac for file. */
void history_note_offer(struct netbootd *nb, const uint8_t mac[6], struct in_addr ip,
			int arch, const char *file);
/* content.c rendered doc (boot.ipxe, boot.plan) for c, asked by peer
 * (may be NULL): resolve c's plan once and remember its files and
 * profile on the record, and that c is at peer's address. */
void history_note_render(struct netbootd *nb, const struct nb_client *c, const char *doc,
			 const struct sockaddr_in *peer);
/* A TFTP or HTTP transfer of path (as asked, a query is cut) to peer
 * ended: why NULL when it was served in full, else what went wrong. */
void history_note_transfer(struct netbootd *nb, enum hist_proto proto,
			   const struct sockaddr_in *peer, const char *path,
			   uint64_t bytes, double seconds, const char *why);

#endif
