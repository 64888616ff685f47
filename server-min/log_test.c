/* log_test.c: the log never blocks: a pipe whose reader stalls fills the
 * ring, further lines are dropped and counted, and once the reader drains
 * the pipe every kept line arrives whole and in order, followed by the
 * "N log lines dropped" line with the exact count. Lines carry an RFC 3339
 * time and the client's MAC; JSON lines escape whatever a client sent;
 * --log-file is reopened after a rename. Worker threads logging at once
 * never interleave within a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The log writes into a new pipe p in format fmt. */
static void log_to_pipe(int p[2], enum log_format fmt)
{
	assert_int_equal(pipe(p), 0);
	log_set_fd(p[1]);
	log_set_format(fmt);
}

static void close_pipe(int p[2])
{
	close(p[0]);
	close(p[1]);
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
	log_to_pipe(p, LOG_FMT_TEXT);
	log_set_level(LOG_LVL_INFO);
	log_info("http", "198.18.0.2:1000", "GET /%s %d", "x", 200);
	log_debug("http", "-", "not shown at info");
	n = read(p[0], got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "netbootd: info http 198.18.0.2:1000 GET /x 200\n");
	assert_int_equal(log_pending(), 0);
	close_pipe(p);
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
	close_pipe(p);
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

/* Read one chunk the log wrote to the pipe. */
static void read_line(int rd, char *got, size_t cap)
{
	ssize_t n = read(rd, got, cap - 1);

	assert_true(n > 0);
	got[n] = '\0';
}

static void test_time_format(void **state)
{
	struct timespec ts = { .tv_sec = 1796187662, .tv_nsec = 123999999 };
	char out[LOG_TIME_LEN + 1];

	(void)state;
	/* 2026-12-02T05:01:02Z is 1796187662 (date -u -d @1796187662) */
	assert_int_equal(log_format_time(&ts, out, sizeof(out)), LOG_TIME_LEN);
	assert_string_equal(out, "2026-12-02T05:01:02.123Z");
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	assert_int_equal(log_format_time(&ts, out, sizeof(out)), LOG_TIME_LEN);
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	assert_int_equal(log_format_time(&ts, out, LOG_TIME_LEN), 0);   /* no room */
}

/* What a client can put in a file name, as JSON (RFC 8259 section 7). */
static const struct {
	const char *in, *want;
} escapes[] = {
	{ "plain /boot/vmlinuz-lts", "plain /boot/vmlinuz-lts" },
	{ "q\"uote", "q\\\"uote" },
	{ "back\\slash", "back\\\\slash" },
	{ "nl\ncr\rtab\t", "nl\\u000acr\\u000dtab\\u0009" },
	{ "\x01\x1f\x7f", "\\u0001\\u001f\\u007f" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "bad \xff\xfe", "bad \\ufffd\\ufffd" },
	{ "cut \xc3", "cut \\ufffd" },                  /* a lead byte at the end */
	{ "overlong \xc0\xaf \xe0\x80\xaf", "overlong \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd" },
	{ "surrogate \xed\xa0\x80", "surrogate \\ufffd\\ufffd\\ufffd" },
	{ "too big \xf4\x90\x80\x80", "too big \\ufffd\\ufffd\\ufffd\\ufffd" },
	{ "", "" },
};

static void test_json_escape(void **state)
{
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		size_t n = log_json_escape(escapes[i].in, out, sizeof(out));
		assert_string_equal(out, escapes[i].want);
		assert_int_equal(n, strlen(escapes[i].want));
	}
	/* Truncation never splits an escape or a character. */
	assert_int_equal(log_json_escape("ab\"c", out, 4), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(log_json_escape("a\xc3\xa9", out, 3), 1);
	assert_string_equal(out, "a");
	assert_int_equal(log_json_escape("\n", out, 6), 0);
	assert_string_equal(out, "");
	assert_int_equal(log_json_escape("\n", out, 7), 6);
}

static void test_text_time_and_mac(void **state)
{
	int p[2];
	char got[512], *rest;

	(void)state;
	log_to_pipe(p, LOG_FMT_TEXT);
	log_set_timestamps(1);
	log_msg_mac(LOG_LVL_INFO, "tftp", "198.18.0.3:1000", "52:54:00:12:34:56",
		    "sent %s", "undionly.kpxe");
	read_line(p[0], got, sizeof(got));
	/* 2026-12-02T05:01:02.123Z netbootd: ... */
	assert_true(strlen(got) > LOG_TIME_LEN + 1);
	assert_int_equal(got[4], '-');
	assert_int_equal(got[10], 'T');
	assert_int_equal(got[19], '.');
	assert_int_equal(got[LOG_TIME_LEN - 1], 'Z');
	assert_int_equal(got[LOG_TIME_LEN], ' ');
	rest = got + LOG_TIME_LEN + 1;
	assert_string_equal(rest, "netbootd: info tftp 198.18.0.3:1000 sent undionly.kpxe "
			    "mac=52:54:00:12:34:56\n");
	/* dhcp: the client is the MAC, not repeated; unknown MAC: no field */
	log_set_timestamps(0);
	log_msg_mac(LOG_LVL_INFO, "dhcp", "52:54:00:12:34:56", "52:54:00:12:34:56", "offer");
	read_line(p[0], got, sizeof(got));
	assert_string_equal(got, "netbootd: info dhcp 52:54:00:12:34:56 offer\n");
	log_msg_mac(LOG_LVL_INFO, "http", "198.18.0.3:1000", "", "GET / 200");
	read_line(p[0], got, sizeof(got));
	assert_string_equal(got, "netbootd: info http 198.18.0.3:1000 GET / 200\n");
	close_pipe(p);
}

static void test_json_line(void **state)
{
	int p[2];
	char got[4096], *rest;

	(void)state;
	log_to_pipe(p, LOG_FMT_JSON);
	log_msg_mac(LOG_LVL_WARN, "tftp", "198.18.0.3:1000", "52:54:00:12:34:56",
		    "refused %s", "a\"b\\c\n\xff");
	read_line(p[0], got, sizeof(got));
	assert_memory_equal(got, "{\"time\":\"", 9);
	assert_int_equal(got[9 + LOG_TIME_LEN], '"');
	rest = got + 9 + LOG_TIME_LEN;
	assert_string_equal(rest, "\",\"level\":\"warn\",\"proto\":\"tftp\",\"client\":\"198.18.0.3:1000\","
			    "\"mac\":\"52:54:00:12:34:56\",\"msg\":\"refused a\\\"b\\\\c\\u000a\\ufffd\"}\n");
	log_info("main", NULL, "no mac");
	read_line(p[0], got, sizeof(got));
	rest = got + 9 + LOG_TIME_LEN;
	assert_string_equal(rest, "\",\"level\":\"info\",\"proto\":\"main\",\"client\":\"-\","
			    "\"msg\":\"no mac\"}\n");
	/* A message of quotes twice the line's size: cut, still one object. */
	{
		char big[1023];
		memset(big, '"', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		log_info("main", "-", "%s", big);
		read_line(p[0], got, sizeof(got));
		assert_true(strlen(got) < 2048);
		assert_string_equal(got + strlen(got) - 3, "\"}\n");
		assert_int_equal(got[strlen(got) - 4], '"');   /* an escaped quote, \" */
		assert_int_equal(got[strlen(got) - 5], '\\');
	}
	log_set_format(LOG_FMT_TEXT);
	close_pipe(p);
}

static void test_reopen(void **state)
{
	char dir[] = "/tmp/log_test.XXXXXX", path[64], moved[64], got[256];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/netbootd.log", dir);
	snprintf(moved, sizeof(moved), "%s/netbootd.log.1", dir);
	assert_int_equal(log_reopen_file(), -ENOENT);     /* stderr: nothing to reopen */
	assert_int_equal(log_open_file(path), 0);
	assert_string_equal(log_file_path(), path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0027, 0);           /* 0640 at most */
	log_info("main", "-", "first");
	assert_int_equal(rename(path, moved), 0);
	log_info("main", "-", "second");                  /* still the moved file */
	assert_int_equal(log_reopen_file(), 0);
	log_info("main", "-", "third");
	f = fopen(moved, "r");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got) - 1, f), strlen("netbootd: info main - first\n") * 2 + 1);
	fclose(f);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	assert_string_equal(got, "netbootd: info main - third\n");
	fclose(f);
	log_set_fd(STDERR_FILENO);
	assert_string_equal(log_file_path(), "");
	unlink(path);
	unlink(moved);
	rmdir(dir);
}

/* Four threads log at once (the worker loops of workers.c) into a pipe a
 * fifth drains: every line arrives whole, each thread's in its order, and
 * the lines that arrived plus those the "N log lines dropped" lines count
 * are all of them. */
#define TH_N      4
#define TH_LINES  3000

static void *th_log(void *arg)
{
	int k = (int)(intptr_t)arg;

	for (int i = 0; i < TH_LINES; i++)
		log_info("main", "-", "t=%d i=%d %0200d", k, i, 0);
	return NULL;
}

struct th_reader {
	int fd;
	char *buf;
	size_t len, cap;
};

static void *th_read(void *arg)
{
	struct th_reader *r = arg;

	for (;;) {
		ssize_t n;

		if (r->cap - r->len < 65536) {
			r->cap = r->cap * 2 + 65536;
			r->buf = realloc(r->buf, r->cap);
			if (!r->buf)
				abort();
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	r->buf[r->len] = '\0';
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[TH_N], rd;
	struct th_reader r = { .fd = -1 };
	int p[2], next[TH_N] = { 0 }, lines = 0;
	uint64_t dropped;
	char *line, *save = NULL;

	(void)state;
	assert_int_equal(pipe(p), 0);
	r.fd = p[0];
	log_set_fd(p[1]);
	log_set_level(LOG_LVL_INFO);
	assert_int_equal(pthread_create(&rd, NULL, th_read, &r), 0);
	for (int k = 0; k < TH_N; k++)
		assert_int_equal(pthread_create(&th[k], NULL, th_log, (void *)(intptr_t)k), 0);
	for (int k = 0; k < TH_N; k++)
		pthread_join(th[k], NULL);
	log_flush_wait(5000);
	assert_int_equal(log_pending(), 0);
	dropped = log_dropped();   /* not yet reported in a line: 0 */
	log_set_fd(STDERR_FILENO);
	close(p[1]);
	pthread_join(rd, NULL);
	for (line = strtok_r(r.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int k, i, end = 0;

		unsigned long long d;

		if (sscanf(line, "netbootd: warn main - %llu log lines dropped", &d) == 1) {
			dropped += d;
			continue;
		}
		assert_int_equal(sscanf(line, "netbootd: info main - t=%d i=%d %*200[0]%n", &k, &i, &end), 2);
		assert_int_equal((size_t)end, strlen(line));   /* whole: nothing after */
		assert_true(k >= 0 && k < TH_N);
		assert_true(i >= next[k]);                      /* in order */
		next[k] = i + 1;
		lines++;
	}
	assert_int_equal((uint64_t)lines + dropped, (uint64_t)TH_N * TH_LINES);
	free(r.buf);
	close(p[0]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_direct_line),
	cmocka_unit_test(test_stalled_reader),
	cmocka_unit_test(test_reader_gone),
	cmocka_unit_test(test_time_format),
	cmocka_unit_test(test_json_escape),
	cmocka_unit_test(test_text_time_and_mac),
	cmocka_unit_test(test_json_line),
	cmocka_unit_test(test_reopen),
	cmocka_unit_test(test_threads),
};

TEST_MAIN(tests, NULL)
