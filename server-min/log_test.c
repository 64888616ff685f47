/* log_test.c: the log never blocks: a pipe whose reader stalls fills the
 * ring, further lines are dropped and counted, and once the reader drains
 * the pipe every kept line arrives whole and in order, followed by the
 * "N log lines dropped" line with the exact count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server-min/log.h"

/* Read everything the pipe holds now (the read end is ours alone, so it
 * may be non-blocking). Appends to *buf. */
static void drain(int rd, char **buf, size_t *len, size_t *cap)
{
	for (;;) {
		ssize_t n;

		if (*cap - *len < 65536) {
			*cap = *cap * 2 + 65536;
			*buf = realloc(*buf, *cap);
			assert_non_null(*buf);
		}
		n = read(rd, *buf + *len, *cap - *len - 1);
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	(*buf)[*len] = '\0';
}

static int hook_calls;
static void count_hook(void *arg)
{
	(void)arg;
	hook_calls++;
}

static void test_direct_line(void **state)
{
	int p[2];
	char got[256];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	log_set_fd(p[1]);
	log_set_level(LOG_LVL_INFO);
	log_info("http", "198.18.0.2:1000", "GET /%s %d", "x", 200);
	log_debug("http", "-", "not shown at info");
	n = read(p[0], got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "netbootd: info http 198.18.0.2:1000 GET /x 200\n");
	assert_int_equal(log_pending(), 0);
	close(p[0]);
	close(p[1]);
}

/* 3000 lines of about 200 bytes: 600 KB, far over the pipe and the ring. */
#define N_LINES 3000

static void test_stalled_reader(void **state)
{
	int p[2], fl_before;
	char *buf = NULL;
	size_t len = 0, cap = 0, kept = 0;
	char pad[160];
	unsigned long long reported = 0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	fl_before = fcntl(p[1], F_GETFL);
	log_set_fd(p[1]);
	hook_calls = 0;
	log_set_pending_hook(count_hook, NULL);
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	/* A blocking write would hang here; SIGALRM fails the test instead. */
	alarm(10);
	for (int i = 0; i < N_LINES; i++)
		log_info("main", "-", "line %05d %s", i, pad);
	alarm(0);
	assert_true(log_pending() > LOG_BUF_SIZE - 1024);
	assert_true(log_dropped() > 0);
	assert_int_equal(hook_calls, 1);   /* once, when the ring stopped being empty */
	/* The descriptor's flags, shared with whoever started us, are untouched. */
	assert_int_equal(fcntl(p[1], F_GETFL), fl_before);

	/* The reader wakes up: drain and flush in turns, bounded. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (int round = 0; round < 100000; round++) {
		drain(p[0], &buf, &len, &cap);
		if (!log_flush()) {
			drain(p[0], &buf, &len, &cap);
			break;
		}
	}
	assert_int_equal(log_pending(), 0);
	assert_int_equal(log_dropped(), 0);

	/* Kept lines are whole, numbered 0..kept-1 without a gap; then the
	 * count of the others. */
	for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		int num;
		*nl = '\0';
		if (sscanf(line, "netbootd: info main - line %d ", &num) == 1) {
			assert_int_equal(num, (int)kept);
			assert_int_equal(strlen(line), strlen("netbootd: info main - line 00000 ") + strlen(pad));
			kept++;
		} else {
			assert_int_equal(sscanf(line, "netbootd: warn main - %llu log lines dropped", &reported), 1);
			assert_null(strchr(nl + 1, '\n'));   /* the last line */
		}
	}
	assert_true(kept > 0 && kept < N_LINES);
	assert_int_equal(reported, N_LINES - kept);

	/* Writing resumed: the next line goes straight through. */
	log_info("main", "-", "after");
	len = 0;
	drain(p[0], &buf, &len, &cap);
	assert_string_equal(buf, "netbootd: info main - after\n");
	log_set_pending_hook(NULL, NULL);
	free(buf);
	close(p[0]);
	close(p[1]);
}

/* The reader goes away: lines are discarded, nothing hangs or crashes. */
static void test_reader_gone(void **state)
{
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	log_set_fd(p[1]);
	close(p[0]);
	alarm(10);
	for (int i = 0; i < 1000; i++)
		log_info("main", "-", "into the void %d", i);
	assert_int_equal(log_flush(), 0);
	log_flush_wait(100);
	alarm(0);
	assert_int_equal(log_pending(), 0);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_line),
		cmocka_unit_test(test_stalled_reader),
		cmocka_unit_test(test_reader_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
