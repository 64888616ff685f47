/* workers.h: netbootd's worker loops, one thread each (workers.c says
 * why and how).
 *
 * Life: workers_new (copies worker 0's struct netbootd for the others, a
 * loop each), workers_start_servers (binds TFTP and HTTP once per worker,
 * in worker order: the order the kernel indexes the SO_REUSEPORT groups
 * by), drop privileges, workers_run (threads 1..n-1; worker 0 is the
 * caller's own loop), ..., workers_stop (join), workers_free.
 */
#ifndef NETBOOTD_WORKERS_H
#define NETBOOTD_WORKERS_H

#include "server-min/netbootd.h"

struct workers;

/* nb0->n_workers loops: worker 0 is nb0 itself (its loop already made);
 * the others get a copy of it with a loop and stats of their own. Sets
 * nb0->all. 0 and *ret, or -errno after a log line. */
int workers_new(struct netbootd *nb0, struct workers **ret);

/* TFTP and HTTP (when on) for every worker. 0, or -errno (logged by the
 * module). */
int workers_start_servers(struct workers *ws);

/* Start threads 1..n-1, with SIGTERM and SIGINT blocked in them: those
 * belong to worker 0's loop (main.c). 0, or -errno after a log line. */
int workers_run(struct workers *ws);

/* After a reload changed worker 0's config, protect, filecheck, limits
 * and answer_known: every other loop takes them over between its events;
 * returns once all have (the old config may be freed then: 0), or after
 * 10 s without (-ETIMEDOUT: keep the old one, a loop may still read it). */
int workers_publish(struct workers *ws);

/* Stop and join threads 1..n-1 (worker 0's loop has returned). */
void workers_stop(struct workers *ws);

/* Stop every worker's TFTP and HTTP server, free the loops of 1..n-1. */
void workers_free(struct workers *ws);

#endif
