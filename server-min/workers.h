/* workers.h: netbootd's worker loops, one thread each (workers.c says
 * why and how).
 *
 * Life: workers_new (a copy of main.c's struct netbootd per worker, each
 * with a loop and stats of its own; with one worker, main.c's own struct
 * is the worker), workers_start_servers (binds TFTP and HTTP once per
 * worker, in worker order: the order the kernel indexes the SO_REUSEPORT
 * groups by), drop privileges, workers_run (the threads), the main loop
 * (proxyDHCP, signals), workers_stop (join), workers_free.
 */
#ifndef NETBOOTD_WORKERS_H
#define NETBOOTD_WORKERS_H

#include "server-min/netbootd.h"

struct workers;

/* nb0->n_workers loops. One: nb0 itself (its loop already made), no
 * thread. More: each a copy of nb0 with a loop and stats of its own, run by
 * a thread; nb0's loop keeps proxyDHCP. Sets nb0->all (netbootd.h). 0 and
 * *ret, or -errno after a log line. */
int workers_new(struct netbootd *nb0, struct workers **ret);

/* TFTP and HTTP (when on) for every worker. 0, or -errno (logged by the
 * module). */
int workers_start_servers(struct workers *ws);

/* Start the worker threads (none for one worker), with SIGTERM and
 * SIGINT blocked in them: those belong to the main loop (main.c). 0, or
 * -errno after a log line. */
int workers_run(struct workers *ws);

/* After a reload changed nb0's config, protect, filecheck, limits and
 * answer_known: every worker thread takes them over between its events;
 * returns once all have (the old config may be freed then: 0), or after
 * 10 s without (-ETIMEDOUT: keep the old one, a loop may still read it). */
int workers_publish(struct workers *ws);

/* Stop and join the worker threads (the main loop has returned). */
void workers_stop(struct workers *ws);

/* Stop every worker's TFTP and HTTP server, free the threads' loops. */
void workers_free(struct workers *ws);

#endif
