/* event.h: an event loop of netbootd (epoll + a timer heap).
 *
 * Modelled on redis ae: a handful of functions, no locks: each worker
 * thread runs its own loop and no other thread touches it. Every socket is
 * non-blocking and registered here with the callback that handles it; the
 * armed callback *is* the state of that socket. Timers are owned by the
 * caller (embedded in its per-transfer struct), so arming and cancelling
 * never allocate and a freed transfer cannot leave a dangling timer as long
 * as its free path cancels it.
 */
#ifndef NETBOOTD_EVENT_H
#define NETBOOTD_EVENT_H

#include <stdint.h>
#include <signal.h>

struct ev_loop;

/* events: EPOLLIN / EPOLLOUT / EPOLLERR / EPOLLHUP bits as delivered. */
typedef void ev_io_fn(struct ev_loop *loop, int fd, uint32_t events, void *arg);
typedef void ev_timer_fn(struct ev_loop *loop, void *arg);

struct ev_timer {
	uint64_t due_ms;   /* absolute, ev_now_ms() clock */
	ev_timer_fn *fn;
	void *arg;
	int slot;          /* index in the loop's heap, -1 when not armed */
};

/* 0 or -errno. */
int ev_loop_new(struct ev_loop **ret_loop);
void ev_loop_free(struct ev_loop *loop);

/* Register fd for events (EPOLLIN, EPOLLOUT, ...). 0 or -errno. */
int ev_add(struct ev_loop *loop, int fd, uint32_t events, ev_io_fn *fn, void *arg);
/* Change the event mask, or the callback too (fn may be NULL: keep). */
int ev_mod(struct ev_loop *loop, int fd, uint32_t events, ev_io_fn *fn, void *arg);
/* Unregister; safe to call from inside fd's own callback. Does not close. */
void ev_del(struct ev_loop *loop, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_fn *fn, void *arg);
/* (Re)arm t to fire once, ms milliseconds from now. */
void ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t ms);
/* Disarm; a no-op when not armed. */
void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t);

/* Monotonic milliseconds, cached per loop iteration. */
uint64_t ev_now_ms(struct ev_loop *loop);

/* Run until *stop becomes non-zero (set from a signal handler, or by
 * another thread with __atomic_store_n and a wake-up of the loop).
 * 0 on a requested stop, -errno when epoll itself fails. */
int ev_run(struct ev_loop *loop, volatile sig_atomic_t *stop);

#endif
