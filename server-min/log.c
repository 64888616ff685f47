/* log.c: one line per event on stderr, "netbootd: LEVEL PROTO CLIENT msg".
 *
 * Logging must never stall the loop: stderr may be a pipe to a supervisor
 * or a terminal that stopped reading (a stopped `less`, a wedged journald),
 * and a blocking write there would freeze every transfer. So a line goes
 * out at once only when poll() says stderr takes data now; otherwise it
 * waits in a bounded ring (LOG_BUF_SIZE) that the loop flushes when stderr
 * can take more (log_flush, from a timer main.c arms through the pending
 * hook). A line that does not fit is dropped and counted, and the count is
 * logged once writing resumes. O_NONBLOCK is never set: stderr's open file
 * description is shared with whoever started us, and changing its flags
 * would change them for that process too.
 *
 * Each write is whole lines of at most PIPE_BUF bytes, which a pipe takes
 * atomically once poll() reports it writable, so lines never interleave
 * mid-line with other writers on the same stream.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server-min/log.h"

#define LOG_LINE_MAX 1024

static enum log_level log_current = LOG_LVL_INFO;

static const char *const log_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN]  = "warn",
	[LOG_LVL_INFO]  = "info",
	[LOG_LVL_DEBUG] = "debug",
};

/* The ring in front of the output. One per process, like stderr itself. */
static struct {
	int fd;
	char buf[LOG_BUF_SIZE];
	size_t head, len;           /* oldest byte, bytes held */
	uint64_t dropped;           /* lines dropped since the last report */
	log_hook_fn *hook;
	void *hook_arg;
} lb = { .fd = STDERR_FILENO };

int log_level_parse(const char *name, enum log_level *ret_level)
{
	for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*ret_level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_level(enum log_level level)
{
	log_current = level;
}

int log_enabled(enum log_level level)
{
	return level <= log_current;
}

void log_set_fd(int fd)
{
	lb.fd = fd;
	lb.head = lb.len = 0;
	lb.dropped = 0;
}

void log_set_pending_hook(log_hook_fn *fn, void *arg)
{
	lb.hook = fn;
	lb.hook_arg = arg;
}

size_t log_pending(void)
{
	return lb.len;
}

uint64_t log_dropped(void)
{
	return lb.dropped;
}

/* 1 when the output takes data now, 0 when it would block, -EPIPE when it
 * is gone (reader closed, descriptor invalid). */
static int out_ready(void)
{
	struct pollfd p = { .fd = lb.fd, .events = POLLOUT };
	int n = poll(&p, 1, 0);

	if (n < 0)
		return errno == EINTR ? 0 : -EPIPE;
	if (n == 0)
		return 0;
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -EPIPE;
	return (p.revents & POLLOUT) ? 1 : 0;
}

static int ring_append(const char *p, size_t n)
{
	size_t tail, first;
	int was_empty = lb.len == 0;

	if (n > sizeof(lb.buf) - lb.len)
		return -ENOSPC;
	tail = (lb.head + lb.len) % sizeof(lb.buf);
	first = sizeof(lb.buf) - tail < n ? sizeof(lb.buf) - tail : n;
	memcpy(lb.buf + tail, p, first);
	memcpy(lb.buf, p + first, n - first);
	lb.len += n;
	if (was_empty && lb.hook)
		lb.hook(lb.hook_arg);
	return 0;
}

/* The output is gone: what is held will never be written. */
static void ring_discard(void)
{
	for (size_t i = 0; i < lb.len; i++)
		if (lb.buf[(lb.head + i) % sizeof(lb.buf)] == '\n')
			lb.dropped++;
	lb.head = lb.len = 0;
}

/* Format one line; its length (with the newline), or 0 to skip it. */
static size_t format_line(char line[LOG_LINE_MAX], enum log_level level, const char *proto,
			  const char *client, const char *fmt, va_list ap)
{
	int n, m;

	n = snprintf(line, LOG_LINE_MAX, "netbootd: %s %s %s ", log_names[level],
		     proto, client ? client : "-");
	if (n < 0 || n >= LOG_LINE_MAX)
		return 0;
	m = vsnprintf(line + n, LOG_LINE_MAX - (size_t)n, fmt, ap);
	if (m < 0)
		return 0;
	n += m;
	if (n >= LOG_LINE_MAX - 1)
		n = LOG_LINE_MAX - 2;   /* truncated: still one line */
	line[n++] = '\n';
	return (size_t)n;
}

/* Once the ring has drained, say how many lines were lost. */
static void report_dropped(void)
{
	char line[128];
	int n;

	if (lb.dropped == 0 || lb.len != 0)
		return;
	n = snprintf(line, sizeof(line), "netbootd: warn main - %llu log lines dropped: "
		     "stderr was not taking data\n", (unsigned long long)lb.dropped);
	lb.dropped = 0;
	if (n > 0 && (size_t)n < sizeof(line))
		ring_append(line, (size_t)n);
}

int log_flush(void)
{
	char chunk[PIPE_BUF];

	while (lb.len > 0) {
		size_t n = lb.len < sizeof(chunk) ? lb.len : sizeof(chunk);
		size_t first = sizeof(lb.buf) - lb.head < n ? sizeof(lb.buf) - lb.head : n;
		ssize_t w;
		int r = out_ready();

		if (r < 0) {
			ring_discard();
			lb.dropped = 0;   /* nobody to tell */
			return 0;
		}
		if (r == 0)
			return 1;
		memcpy(chunk, lb.buf + lb.head, first);
		memcpy(chunk + first, lb.buf, n - first);
		while (n > 1 && chunk[n - 1] != '\n')
			n--;          /* whole lines only, when there is one */
		if (chunk[n - 1] != '\n')
			n = lb.len < sizeof(chunk) ? lb.len : sizeof(chunk);
		w = write(lb.fd, chunk, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 1;
			ring_discard();
			lb.dropped = 0;
			return 0;
		}
		lb.head = (lb.head + (size_t)w) % sizeof(lb.buf);
		lb.len -= (size_t)w;
		if (lb.len == 0)
			lb.head = 0;
		report_dropped();
	}
	return 0;
}

void log_flush_wait(int timeout_ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (log_flush()) {
		struct pollfd p = { .fd = lb.fd, .events = POLLOUT };
		long spent;

		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return;
		if (poll(&p, 1, (int)(timeout_ms - spent)) == 0)
			return;
	}
}

void log_msg(enum log_level level, const char *proto, const char *client,
	     const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	size_t n;
	ssize_t w = 0;
	int r;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	n = format_line(line, level, proto, client, fmt, ap);
	va_end(ap);
	if (n == 0)
		return;
	if (lb.len > 0)
		log_flush();           /* keep the order: older lines first */
	if (lb.len == 0 && lb.dropped == 0) {
		r = out_ready();
		if (r < 0)
			return;        /* the output is gone */
		if (r > 0) {
			w = write(lb.fd, line, n);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				return;
			if (w < 0)
				w = 0;
			if ((size_t)w == n)
				return;
		}
	}
	if (ring_append(line + w, n - (size_t)w) < 0)
		lb.dropped++;
}
