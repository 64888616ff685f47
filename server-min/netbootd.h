/* netbootd.h: what the daemon's parts share.
 *
 * main.c parses the command line and netbootd.conf, fills one struct
 * netbootd per worker loop, starts each protocol (each binds its sockets in
 * *_start; TFTP and HTTP once per worker), drops privileges, then runs the
 * loops (workers.c). A protocol module sees only this struct
 * and its own state; it never reaches into another module.
 */
#ifndef NETBOOTD_H
#define NETBOOTD_H

#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "embed/config.h"
#include "server-min/event.h"

/* Malformed input is dropped and counted; the counts are logged at exit and
 * shown on /status. One set per worker loop, written by that loop only and
 * summed by the readers (status.c, the exit line): atomics, so a /status
 * served by another loop reads whole values; uncontended, so an increment
 * costs a few cycles. */
typedef _Atomic uint64_t nb_counter;

struct netbootd_stats {
	nb_counter dhcp_answered, dhcp_ignored, dhcp_malformed;
	/* parts of dhcp_ignored (docs/proxydhcp.md "On a hostile LAN") */
	nb_counter dhcp_repeats, dhcp_unknown, dhcp_relay_refused, dhcp_4011_refused;
	nb_counter tftp_started, tftp_done, tftp_failed, tftp_malformed;
	nb_counter http_requests, http_malformed;
	nb_counter tftp_active;      /* transfers in flight (/metrics) */
};

/* Per-source limits and client policy, merged by main.c from [server]
 * (netbootd.conf(5)) over these defaults. They leave room for several real
 * clients behind one address (NAT, a lab router, the bench's 4 simulated
 * clients per address, wrk's 100 connections) while one host cannot take
 * more than its share of the global caps. */
#define NETBOOTD_HTTP_PER_IP       128
#define NETBOOTD_HTTP_REQUESTS     1000
#define NETBOOTD_HTTP_IDLE_S       10
#define NETBOOTD_TFTP_PER_IP       32

struct netbootd_limits {
	unsigned http_per_ip;        /* open HTTP connections per client IP */
	unsigned http_requests;      /* requests served per keep-alive connection */
	unsigned http_idle_ms;       /* no byte from the client for this long: close */
	unsigned tftp_per_ip;        /* TFTP transfers in flight per client IP */
};

#ifndef NETBOOTD_VERSION
#define NETBOOTD_VERSION "0.1.0"
#endif

struct clients;   /* server-min/clients.h */
struct history;   /* server-min/history.h */
struct filecheck_report;   /* server-min/filecheck.h */

/* Protected path prefixes: [server] protect, else the apkovl folders. */
#define NETBOOTD_PROTECT_MAX (NB_PROTECT_MAX * 4)

/* [server] workers / --workers: event loops (threads), each with its own
 * HTTP and TFTP server; 0 (unset) means one per online CPU. */
#define NETBOOTD_WORKERS_MAX 64

/* One per event loop: main.c fills its own (the main loop: proxyDHCP,
 * signals) and workers.c copies it for each worker loop, each with its own
 * loop, stats and servers (with one worker, main.c's is the worker). The
 * pointers to shared parts (clients, history) are the same in every copy
 * and those parts lock themselves; what a reload changes (config, protect,
 * limits, filecheck) each loop takes over itself between events. */
struct netbootd {
	struct ev_loop *loop;             /* this worker's */
	const struct nb_config *config;   /* netbootd.conf, defaults when none */
	int root_fd;                      /* O_PATH|O_DIRECTORY of --root */
	const char *root;                 /* --root as given, for messages */
	int ipxe_fd;                      /* the distribution's iPXE dir, or -1 */
	int efi_fd;                       /* where our alpineboot.efi was installed, or -1 */
	struct in_addr addr;              /* our IPv4 address */
	char ifname[IF_NAMESIZE];         /* "" when no --interface */
	uint16_t http_port, tftp_port;
	int dhcp_on, tftp_on, http_on;
	char http_base[64];               /* "http://ADDR" or "http://ADDR:PORT" */
	struct netbootd_stats stats;
	struct netbootd_limits limits;
	char http_cc[16];                 /* TCP congestion control of HTTP; "" the host's */
	int answer_known;                 /* [server] answer = known */
	struct clients *clients;          /* MAC <-> IP seen in DHCP; never NULL while serving */
	char protect[NETBOOTD_PROTECT_MAX][NB_PROTECT_LEN];   /* content.c */
	unsigned n_protect;
	struct filecheck_report *filecheck;   /* the last file check (filecheck.h); NULL when off */
	struct history *history;          /* each client's boot (history.h); NULL when not serving */
	uint64_t start_ms;                /* monotonic, and wall clock (ms since 1970), */
	uint64_t start_wall_ms;           /* when serving began: /status's uptime */
	unsigned worker;                  /* this worker's index; n_workers: the main loop's */
	unsigned n_workers;               /* loops serving TFTP and HTTP, >= 1 */
	/* all[0 .. n_workers-1]: every worker's struct; all[n_workers]: the
	 * main loop's when it is no worker, else NULL. NULL: one loop, this. */
	struct netbootd *const *all;
	struct http_server *http;         /* this worker's, for the status totals */
};

struct proxydhcp;
struct tftp_server;
struct http_server;

/* Each binds its sockets and registers them with nb->loop.
 * 0, or -errno after logging what failed. *_stop closes everything. */
int proxydhcp_start(struct netbootd *nb, struct proxydhcp **ret);
void proxydhcp_stop(struct proxydhcp *d);
int tftp_start(struct netbootd *nb, struct tftp_server **ret);
void tftp_stop(struct tftp_server *t);
int http_start(struct netbootd *nb, struct http_server **ret);
void http_stop(struct http_server *h);

struct status_http;
/* Add this server's connection gauge and refusal counts to *sum (any
 * thread: the fields read are atomics). */
void http_counts(const struct http_server *h, struct status_http *sum);

/* SO_REUSEPORT when nb->n_workers > 1: set before bind() (workers.c). */
int netbootd_reuseport(const struct netbootd *nb, int fd);
/* After bind() (UDP) or listen() (TCP): every packet or connection from
 * one client address goes to the same worker's socket (workers.c). */
int netbootd_steer(const struct netbootd *nb, int fd);

#endif
