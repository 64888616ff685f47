/* status.h: what netbootd shows of itself: GET /status (HTML, readable
 * without JavaScript), /status.json (the same data) and /metrics
 * (Prometheus text exposition format 0.0.4). docs/status.md.
 *
 * The renderers are pure: they take a struct status_view (a snapshot of
 * counters, config and the boot history) and write a document, so the
 * unit test checks them without a server. status_open is the glue http.c
 * calls: who may read (status-allow), then the snapshot, then the render.
 */
#ifndef NETBOOTD_STATUS_H
#define NETBOOTD_STATUS_H

#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "server-min/netbootd.h"

enum status_doc { STATUS_HTML, STATUS_JSON, STATUS_METRICS };

/* What http.c alone knows: its connection gauges and refusals. */
struct status_http {
	uint64_t connections, refused_per_ip, evicted, timeouts;
};

#define STATUS_CONF_MAX 24

struct status_view {
	const char *version;
	uint64_t now_ms, now_wall_ms;           /* monotonic, and ms since 1970 */
	uint64_t start_ms, start_wall_ms;
	struct { const char *key; char value[160]; } conf[STATUS_CONF_MAX];
	unsigned n_conf;
	const struct netbootd_stats *stats;
	struct status_http http;
	uint64_t log_dropped;
	const struct history *history;          /* may be NULL */
	const struct filecheck_report *files;   /* may be NULL (check = off) */
	/* Which loop served what (netbootd_worker_requests_total); 0: none
	 * shown. stats above are the totals over every worker. */
	unsigned n_workers;
	struct { uint64_t tftp, http; } worker[NETBOOTD_WORKERS_MAX];
};

/* The counters of every loop added up (nb->all, the main loop's too; nb's
 * own when NULL): what /status and the exit line show. Reads atomics: any
 * thread. */
void netbootd_stats_total(const struct netbootd *nb, struct netbootd_stats *ret);

/* "/status" and friends: 0 and *ret_doc, or -ENOENT for another path. */
int status_doc_of(const char *path, enum status_doc *ret_doc);
const char *status_content_type(enum status_doc doc);

/* Write doc for v to out. 0, or -EIO when out failed. */
int status_render(enum status_doc doc, const struct status_view *v, FILE *out);

/* 1 when addr may read the status documents: [server] status-allow, or
 * when it is unset this host only (127.0.0.0/8 and nb->addr). */
int status_allowed(const struct netbootd *nb, struct in_addr addr);

struct content;
/* The document for path as a rendered content (c.mem owned by it).
 * 0 and *ret; -ENOENT not a status path; -EACCES addr is not allowed;
 * -ENOMEM. */
int status_open(const struct netbootd *nb, const char *path, struct in_addr addr,
		const struct status_http *hs, struct content *ret, enum status_doc *ret_doc);

#endif
