/* event_test.c: the event loop's timers and fd dispatch, on real fds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "server-min/event.h"

struct order {
	int fired[16];
	int n;
	volatile sig_atomic_t *stop;
	int stop_after;
};

struct tctx {
	struct order *o;
	int id;
};

static void on_timer(struct ev_loop *loop, void *arg)
{
	struct tctx *c = arg;

	(void)loop;
	c->o->fired[c->o->n++] = c->id;
	if (c->o->n == c->o->stop_after)
		*c->o->stop = 1;
}

/* Timers fire in due order whatever the order they were armed in, and a
 * cancelled one never fires. */
static void timers_fire_in_order(void **state)
{
	struct ev_loop *loop;
	volatile sig_atomic_t stop = 0;
	struct order o = { .stop = &stop, .stop_after = 4 };
	static const unsigned due[] = { 30, 10, 50, 20, 40 };
	struct ev_timer t[5];
	struct tctx c[5];

	(void)state;
	assert_int_equal(ev_loop_new(&loop), 0);
	for (int i = 0; i < 5; i++) {
		c[i] = (struct tctx){ &o, i };
		ev_timer_init(&t[i], on_timer, &c[i]);
		ev_timer_arm(loop, &t[i], due[i]);
	}
	ev_timer_cancel(loop, &t[3]);      /* the 20 ms one */
	ev_timer_cancel(loop, &t[3]);      /* twice is a no-op */
	assert_int_equal(ev_run(loop, &stop), 0);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.fired[0], 1);
	assert_int_equal(o.fired[1], 0);
	assert_int_equal(o.fired[2], 4);
	assert_int_equal(o.fired[3], 2);
	ev_loop_free(loop);
}

/* Re-arming moves a timer; arming many and cancelling half keeps the heap
 * consistent: every survivor fires exactly once, no cancelled one fires. */
enum { CHURN_N = 300 };
static int churn_count[CHURN_N];

static void on_churn(struct ev_loop *loop, void *arg)
{
	(void)loop;
	churn_count[(int)(intptr_t)arg]++;
}

static void on_sentinel(struct ev_loop *loop, void *arg)
{
	(void)loop;
	*(volatile sig_atomic_t *)arg = 1;
}

static void heap_survives_churn(void **state)
{
	struct ev_loop *loop;
	volatile sig_atomic_t stop = 0;
	static struct ev_timer t[CHURN_N];
	struct ev_timer sentinel;

	(void)state;
	assert_int_equal(ev_loop_new(&loop), 0);
	for (int i = 0; i < CHURN_N; i++) {
		ev_timer_init(&t[i], on_churn, (void *)(intptr_t)i);
		ev_timer_arm(loop, &t[i], (uint64_t)((i * 7919) % 50));
	}
	for (int i = 0; i < CHURN_N; i += 2)
		ev_timer_cancel(loop, &t[i]);
	for (int i = 1; i < CHURN_N; i += 4)
		ev_timer_arm(loop, &t[i], 5);
	ev_timer_init(&sentinel, on_sentinel, (void *)&stop);
	ev_timer_arm(loop, &sentinel, 120);
	assert_int_equal(ev_run(loop, &stop), 0);
	for (int i = 0; i < CHURN_N; i++)
		assert_int_equal(churn_count[i], i % 2 ? 1 : 0);
	ev_loop_free(loop);
}

struct io_ctx {
	int seen;
	int fd[2];
	struct ev_loop *loop;
	volatile sig_atomic_t *stop;
};

/* The first callback unregisters the other fd, which is also readable in
 * the same epoll batch: its stale event must not be delivered. */
static void on_readable(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct io_ctx *c = arg;
	char b;

	(void)events;
	c->seen++;
	if (read(fd, &b, 1) != 1)
		fail();
	ev_del(loop, c->fd[0]);
	ev_del(loop, c->fd[1]);
	*c->stop = 1;
}

static void stale_events_are_skipped(void **state)
{
	struct ev_loop *loop;
	volatile sig_atomic_t stop = 0;
	int a[2], b[2];
	struct io_ctx ctx = { .stop = &stop };

	(void)state;
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(ev_loop_new(&loop), 0);
	assert_int_equal(ev_add(loop, a[0], EPOLLIN, on_readable, &ctx), 0);
	assert_int_equal(ev_add(loop, b[0], EPOLLIN, on_readable, &ctx), 0);
	assert_int_equal(ev_add(loop, b[0], EPOLLIN, on_readable, &ctx), -EEXIST);
	/* Both readable before the loop runs: one epoll batch holds both.
	 * Whichever callback runs first unregisters both fds. */
	ctx.fd[0] = a[0];
	ctx.fd[1] = b[0];
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "y", 1), 1);
	assert_int_equal(ev_run(loop, &stop), 0);
	assert_int_equal(ctx.seen, 1);
	ev_loop_free(loop);
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(timers_fire_in_order),
	cmocka_unit_test(heap_survives_churn),
	cmocka_unit_test(stale_events_are_skipped),
};

TEST_MAIN(tests, NULL)
