/* workers.c: netbootd on every core: one event loop per worker thread.
 *
 * Why: one loop saturates one core in the kernel's sendfile path during a
 * boot storm while nginx runs a worker per core (issue 15). So each worker
 * runs its own loop in a thread of its own, with its own HTTP listener and
 * TFTP port-69 socket, all bound with SO_REUSEPORT, and its own struct
 * http_server and struct tftp_server: the protocols keep their state in
 * those, so nothing of a transfer is shared and the per-packet and
 * per-sendfile paths take no lock.
 *
 * The main thread's loop (main.c's struct, "nb0") keeps proxyDHCP, the
 * signals, the log pump and reloads, and with workers > 1 nothing else:
 * a DHCP answer must never wait behind a loop's round of sendfile calls
 * (iPXE asks again after 1 s; measured, with proxyDHCP on a serving loop a
 * storm of 1000 drew 232 and 501 DHCP retransmissions, on its own loop 0).
 * With workers = 1 nb0 is the one worker, as before threads: no thread.
 *
 * Steering: a classic BPF program on each reuseport group
 * (SO_ATTACH_REUSEPORT_CBPF) picks the socket by the client's IPv4 source
 * address modulo the number of workers, so every packet and connection of
 * one address reaches the same worker. The per-source rules then hold
 * exactly without sharing anything: http-per-ip and tftp-per-ip, "one
 * transfer per IP:port", the repeat rules and the rate-limited log lines.
 * The kernel indexes a group's sockets in the order they joined it (UDP at
 * bind, TCP at listen), which is why workers_start_servers binds worker 0's
 * sockets first, then worker 1's, and so on.
 *
 * The global caps (TFTP transfers, HTTP connections) stay the process's:
 * each server counts its own and adds to one atomic per protocol (tftp.c
 * xfers_all, http.c conns_all), once per transfer or connection, never per
 * packet. A loop at the HTTP cap closes its own longest-idle connection
 * for a newcomer, as the single loop did.
 *
 * Shared, each behind its own mutex taken once per event (never per
 * packet): the MAC <-> IP table (clients.c, written by proxyDHCP on the
 * main loop, read by every worker), the boot history (history.c) and the log ring
 * (log.c, once per line). Counters are per worker (struct netbootd_stats,
 * atomics) and summed by the reader (status.c netbootd_stats_total).
 *
 * Reload (SIGHUP, handled on the main loop): main.c parses and installs the
 * new config in nb0, then workers_publish bumps an epoch and wakes every
 * worker thread through its eventfd; each copies the reloadable
 * fields between two events (so never in the middle of one) and says so;
 * only when all have does main.c free the old config and file check.
 *
 * Stop: SIGTERM reaches the main loop only (blocked in the threads);
 * workers_stop sets each thread's flag, wakes it and joins it. The
 * servers are stopped afterwards from the main thread, every socket closed.
 *
 * Privileges are dropped before any thread starts: capset(2) acts on the
 * calling thread only, and a thread inherits its creator's credentials.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "server-min/log.h"
#include "server-min/netbootd.h"
#include "server-min/workers.h"

#define WORKERS_PUBLISH_WAIT_S 10

struct worker {
	struct workers *ws;
	struct netbootd nb;            /* unused when the worker is nb0 (t0 = 1) */
	struct tftp_server *tftp;
	struct http_server *http;
	pthread_t thread;
	int started;                   /* thread created */
	int mailbox;                   /* eventfd: stop or reload; -1 without a thread */
	volatile sig_atomic_t stop;    /* set with __atomic_store_n */
	unsigned epoch;                /* the reload this loop has taken over */
	int gone;                      /* its loop has returned */
};

struct workers {
	unsigned n;
	unsigned t0;                   /* the first worker with a thread: 1 or 0 */
	struct netbootd *nb0;
	pthread_mutex_t lock;          /* epoch, and each worker's epoch and gone */
	pthread_cond_t cond;
	unsigned epoch;
	struct netbootd *all[NETBOOTD_WORKERS_MAX + 1];   /* netbootd.h */
	struct worker w[];
};

/* --- sockets ------------------------------------------------------------ */

int netbootd_reuseport(const struct netbootd *nb, int fd)
{
	int one = 1;

	if (nb->n_workers <= 1)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ? -errno : 0;
}

int netbootd_steer(const struct netbootd *nb, int fd)
{
	/* A = the IPv4 source address (offset 12 of the IP header, RFC 791
	 * sec. 3.1); return A % n: the index of the socket in the group. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_NET_OFF + 12),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, nb->n_workers),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (nb->n_workers <= 1)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)) < 0)
		return -errno;
	return 0;
}

/* --- life --------------------------------------------------------------- */

int workers_new(struct netbootd *nb0, struct workers **ret)
{
	unsigned n = nb0->n_workers;
	struct workers *ws;
	int r;

	if (n < 1 || n > NETBOOTD_WORKERS_MAX)
		return -EINVAL;
	ws = calloc(1, sizeof(*ws) + n * sizeof(ws->w[0]));
	if (!ws)
		return -ENOMEM;
	ws->n = n;
	ws->t0 = n == 1 ? 1 : 0;
	ws->nb0 = nb0;
	pthread_mutex_init(&ws->lock, NULL);
	pthread_cond_init(&ws->cond, NULL);
	/* One loop: nb0 serves everything, no thread. More: nb0's loop keeps
	 * proxyDHCP and the signals only, all[n] (netbootd.h). */
	ws->all[0] = nb0;
	ws->w[0].ws = ws;
	ws->w[0].mailbox = -1;
	if (n > 1)
		ws->all[n] = nb0;
	for (unsigned i = ws->t0; i < n; i++) {
		struct worker *w = &ws->w[i];

		w->ws = ws;
		w->mailbox = -1;
		w->nb = *nb0;
		w->nb.loop = NULL;
		memset(&w->nb.stats, 0, sizeof(w->nb.stats));
		w->nb.worker = i;
		ws->all[i] = &w->nb;
	}
	nb0->worker = n > 1 ? n : 0;
	for (unsigned i = ws->t0; i < n; i++) {
		struct worker *w = &ws->w[i];

		r = ev_loop_new(&w->nb.loop);
		if (r < 0)
			goto fail;
		w->mailbox = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->mailbox < 0) {
			r = -errno;
			goto fail;
		}
	}
	nb0->all = n > 1 ? ws->all : NULL;
	for (unsigned i = ws->t0; i < n; i++)
		ws->all[i]->all = nb0->all;
	*ret = ws;
	return 0;
fail:
	log_error("main", "-", "worker loops: %s", strerror(-r));
	nb0->all = NULL;
	workers_free(ws);
	return r;
}

int workers_start_servers(struct workers *ws)
{
	struct netbootd *nb0 = ws->nb0;
	int r;

	for (unsigned i = 0; nb0->tftp_on && i < ws->n; i++) {
		r = tftp_start(ws->all[i], &ws->w[i].tftp);
		if (r < 0)
			return r;
	}
	for (unsigned i = 0; nb0->http_on && i < ws->n; i++) {
		r = http_start(ws->all[i], &ws->w[i].http);
		if (r < 0)
			return r;
		ws->all[i]->http = ws->w[i].http;
	}
	return 0;
}

/* The reloadable part of nb0, read under ws->lock while the main loop
 * waits in workers_publish (so it does not change meanwhile). */
static void adopt(struct netbootd *nb, const struct netbootd *nb0)
{
	nb->config = nb0->config;
	memcpy(nb->protect, nb0->protect, sizeof(nb->protect));
	nb->n_protect = nb0->n_protect;
	nb->filecheck = nb0->filecheck;
	nb->limits = nb0->limits;
	nb->answer_known = nb0->answer_known;
}

/* The mailbox: a stop (the loop sees its flag after this callback) or a
 * reload to take over. */
static void on_mailbox(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct worker *w = arg;
	struct workers *ws = w->ws;
	uint64_t v;

	(void)loop;
	(void)events;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&ws->lock);
	if (w->epoch != ws->epoch) {
		adopt(&w->nb, ws->nb0);
		w->epoch = ws->epoch;
		pthread_cond_broadcast(&ws->cond);
	}
	pthread_mutex_unlock(&ws->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int r;

	r = ev_run(w->nb.loop, &w->stop);
	if (r < 0)
		log_error("main", "-", "worker %u: event loop failed: %s", w->nb.worker,
			  strerror(-r));
	pthread_mutex_lock(&w->ws->lock);
	w->gone = 1;
	pthread_cond_broadcast(&w->ws->cond);
	pthread_mutex_unlock(&w->ws->lock);
	return NULL;
}

int workers_run(struct workers *ws)
{
	sigset_t block, old;
	int r = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (unsigned i = ws->t0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];

		r = ev_add(w->nb.loop, w->mailbox, EPOLLIN, on_mailbox, w);
		if (r == 0)
			r = -pthread_create(&w->thread, NULL, worker_main, w);
		if (r < 0) {
			log_error("main", "-", "worker %u: %s", i, strerror(-r));
			break;
		}
		w->started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static void poke(int fd)
{
	uint64_t one = 1;

	/* Full (2^64 - 2 pending) cannot happen; the read empties it. */
	(void)!write(fd, &one, sizeof(one));
}

static int all_adopted(const struct workers *ws)
{
	for (unsigned i = ws->t0; i < ws->n; i++)
		if (ws->w[i].started && !ws->w[i].gone && ws->w[i].epoch != ws->epoch)
			return 0;
	return 1;
}

int workers_publish(struct workers *ws)
{
	struct timespec until;
	int r = 0;

	if (!ws || ws->n <= 1)
		return 0;
	pthread_mutex_lock(&ws->lock);
	ws->epoch++;
	pthread_mutex_unlock(&ws->lock);
	for (unsigned i = ws->t0; i < ws->n; i++)
		if (ws->w[i].started)
			poke(ws->w[i].mailbox);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WORKERS_PUBLISH_WAIT_S;
	pthread_mutex_lock(&ws->lock);
	while (!all_adopted(ws) && r == 0)
		r = -pthread_cond_timedwait(&ws->cond, &ws->lock, &until);
	if (all_adopted(ws))
		r = 0;
	pthread_mutex_unlock(&ws->lock);
	return r;
}

void workers_stop(struct workers *ws)
{
	if (!ws)
		return;
	for (unsigned i = ws->t0; i < ws->n; i++) {
		if (!ws->w[i].started)
			continue;
		__atomic_store_n(&ws->w[i].stop, 1, __ATOMIC_RELEASE);
		poke(ws->w[i].mailbox);
	}
	for (unsigned i = ws->t0; i < ws->n; i++) {
		if (!ws->w[i].started)
			continue;
		pthread_join(ws->w[i].thread, NULL);
		ws->w[i].started = 0;
	}
}

void workers_free(struct workers *ws)
{
	if (!ws)
		return;
	workers_stop(ws);
	for (unsigned i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];

		if (w->http)
			http_stop(w->http);
		if (w->tftp)
			tftp_stop(w->tftp);
		ws->all[i]->http = NULL;
	}
	for (unsigned i = ws->t0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];

		if (w->mailbox >= 0) {
			if (w->nb.loop)
				ev_del(w->nb.loop, w->mailbox);
			close(w->mailbox);
		}
		ev_loop_free(w->nb.loop);
	}
	ws->nb0->all = NULL;
	pthread_cond_destroy(&ws->cond);
	pthread_mutex_destroy(&ws->lock);
	free(ws);
}
