/* event.c: an event loop of netbootd: epoll for sockets, a binary heap
 * for timers (after redis ae, with caller-owned timers). One per worker
 * thread (workers.c); a loop is only ever touched by its own thread.
 *
 * Registrations live in a table indexed by fd. Each epoll event carries the
 * fd and the registration's generation, so an event that was already
 * fetched for an fd that a callback earlier in the same batch unregistered
 * (and perhaps reused through accept) is recognised as stale and skipped
 * instead of reaching a freed transfer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "server-min/event.h"

#define EV_BATCH 256

struct ev_reg {
	ev_io_fn *fn;
	void *arg;
	uint32_t gen;     /* bumped on every ev_add and ev_del */
	uint32_t events;
};

struct ev_loop {
	int epfd;
	struct ev_reg *reg;
	size_t n_reg;
	struct ev_timer **heap;
	size_t n_heap, cap_heap;
	uint64_t now_ms;
};

static uint64_t ev_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int ev_loop_new(struct ev_loop **ret_loop)
{
	struct ev_loop *l;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int r = -errno;
		free(l);
		return r;
	}
	l->now_ms = ev_clock_ms();
	*ret_loop = l;
	return 0;
}

void ev_loop_free(struct ev_loop *loop)
{
	if (!loop)
		return;
	close(loop->epfd);
	free(loop->reg);
	free(loop->heap);
	free(loop);
}

static int ev_reg_reserve(struct ev_loop *loop, int fd)
{
	size_t want = (size_t)fd + 1, n;
	struct ev_reg *r;

	if (want <= loop->n_reg)
		return 0;
	n = loop->n_reg ? loop->n_reg : 64;
	while (n < want)
		n *= 2;
	r = realloc(loop->reg, n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	memset(r + loop->n_reg, 0, (n - loop->n_reg) * sizeof(*r));
	loop->reg = r;
	loop->n_reg = n;
	return 0;
}

static int ev_ctl(struct ev_loop *loop, int op, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };

	ev.data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)loop->reg[fd].gen << 32;
	return epoll_ctl(loop->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

int ev_add(struct ev_loop *loop, int fd, uint32_t events, ev_io_fn *fn, void *arg)
{
	int r;

	if (fd < 0 || !fn)
		return -EINVAL;
	r = ev_reg_reserve(loop, fd);
	if (r < 0)
		return r;
	if (loop->reg[fd].fn)
		return -EEXIST;
	loop->reg[fd].gen++;
	r = ev_ctl(loop, EPOLL_CTL_ADD, fd, events);
	if (r < 0)
		return r;
	loop->reg[fd].fn = fn;
	loop->reg[fd].arg = arg;
	loop->reg[fd].events = events;
	return 0;
}

int ev_mod(struct ev_loop *loop, int fd, uint32_t events, ev_io_fn *fn, void *arg)
{
	int r;

	if (fd < 0 || (size_t)fd >= loop->n_reg || !loop->reg[fd].fn)
		return -ENOENT;
	if (events != loop->reg[fd].events) {
		r = ev_ctl(loop, EPOLL_CTL_MOD, fd, events);
		if (r < 0)
			return r;
		loop->reg[fd].events = events;
	}
	if (fn) {
		loop->reg[fd].fn = fn;
		loop->reg[fd].arg = arg;
	}
	return 0;
}

void ev_del(struct ev_loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->n_reg || !loop->reg[fd].fn)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	loop->reg[fd].fn = NULL;
	loop->reg[fd].arg = NULL;
	loop->reg[fd].gen++;
}

/* --- timers: a binary min-heap on due_ms; each timer knows its slot. ---- */

static void heap_set(struct ev_loop *loop, size_t i, struct ev_timer *t)
{
	loop->heap[i] = t;
	t->slot = (int)i;
}

static void heap_up(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (loop->heap[p]->due_ms <= t->due_ms)
			break;
		heap_set(loop, i, loop->heap[p]);
		i = p;
	}
	heap_set(loop, i, t);
}

static void heap_down(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= loop->n_heap)
			break;
		if (c + 1 < loop->n_heap && loop->heap[c + 1]->due_ms < loop->heap[c]->due_ms)
			c++;
		if (t->due_ms <= loop->heap[c]->due_ms)
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, t);
}

void ev_timer_init(struct ev_timer *t, ev_timer_fn *fn, void *arg)
{
	t->due_ms = 0;
	t->fn = fn;
	t->arg = arg;
	t->slot = -1;
}

void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t)
{
	size_t i;

	if (t->slot < 0)
		return;
	i = (size_t)t->slot;
	t->slot = -1;
	loop->n_heap--;
	if (i == loop->n_heap)
		return;
	{
		struct ev_timer *m = loop->heap[loop->n_heap];
		heap_set(loop, i, m);
		heap_up(loop, i);
		heap_down(loop, (size_t)m->slot);
	}
}

void ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t ms)
{
	ev_timer_cancel(loop, t);
	if (loop->n_heap == loop->cap_heap) {
		size_t n = loop->cap_heap ? loop->cap_heap * 2 : 256;
		struct ev_timer **h = realloc(loop->heap, n * sizeof(*h));
		/* A few kilobytes: when even that fails, the daemon cannot keep
		 * its promise that every transfer ends, so it stops here. */
		if (!h)
			abort();
		loop->heap = h;
		loop->cap_heap = n;
	}
	t->due_ms = loop->now_ms + ms;
	heap_set(loop, loop->n_heap++, t);
	heap_up(loop, loop->n_heap - 1);
}

uint64_t ev_now_ms(struct ev_loop *loop)
{
	return loop->now_ms;
}

static void ev_fire_timers(struct ev_loop *loop)
{
	/* Bounded: a timer re-armed with 0 ms from its own callback waits for
	 * the next iteration instead of spinning here. */
	size_t budget = loop->n_heap;

	while (budget-- > 0 && loop->n_heap > 0 && loop->heap[0]->due_ms <= loop->now_ms) {
		struct ev_timer *t = loop->heap[0];
		ev_timer_cancel(loop, t);
		t->fn(loop, t->arg);
	}
}

int ev_run(struct ev_loop *loop, volatile sig_atomic_t *stop)
{
	struct epoll_event evs[EV_BATCH];

	/* An atomic read: another thread (main.c's workers) may set it. */
	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		int timeout = -1, n;

		loop->now_ms = ev_clock_ms();
		if (loop->n_heap > 0) {
			uint64_t due = loop->heap[0]->due_ms;
			timeout = due <= loop->now_ms ? 0 :
				  (due - loop->now_ms > 60000 ? 60000 : (int)(due - loop->now_ms));
		}
		n = epoll_wait(loop->epfd, evs, EV_BATCH, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		loop->now_ms = ev_clock_ms();
		for (int i = 0; i < n; i++) {
			int fd = (int)(uint32_t)evs[i].data.u64;
			uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
			struct ev_reg *r;

			if ((size_t)fd >= loop->n_reg)
				continue;
			r = &loop->reg[fd];
			if (!r->fn || r->gen != gen)
				continue;   /* unregistered earlier in this batch */
			r->fn(loop, fd, evs[i].events, r->arg);
		}
		ev_fire_timers(loop);
	}
	return 0;
}
