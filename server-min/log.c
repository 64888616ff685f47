/* log.c: one line per event on stderr (or --log-file),
 * "[TIME ]netbootd: LEVEL PROTO CLIENT msg[ mac=MAC]", or with
 * --log-format json one JSON object per line with the same fields.
 *
 * TIME is RFC 3339 in UTC with milliseconds (2026-12-02T05:01:02.123Z),
 * left out when stderr is the journal, which stamps lines itself (main.c
 * decides: log_stderr_is_journal). It goes before "netbootd:" so the fields
 * after it keep their places. The MAC comes last, as "mac=...", so one
 * `grep MAC` finds a client's whole boot; a line whose CLIENT already is
 * that MAC (dhcp) does not repeat it.
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
 *
 * Threads: every worker loop (main.c) logs. One mutex covers the ring and
 * the output descriptor, taken once per line (a line is built before it,
 * on the caller's stack), so lines from several threads never interleave
 * and keep the order in which they took the lock. Which loop handled what
 * shows in /metrics (netbootd_worker_*), not here: the line format is a
 * contract tests and admins grep.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server-min/log.h"

/* A whole line, JSON escapes included; at most PIPE_BUF (4096 on Linux)
 * so that one write() of it is atomic on a pipe. */
#define LOG_LINE_MAX 2048
#define LOG_MSG_MAX  1024

/* Read by every thread, set by a reload: an atomic, relaxed (a line at the
 * old level just after a reload is fine). */
static enum log_level log_current = LOG_LVL_INFO;

static enum log_format log_fmt = LOG_FMT_TEXT;
static int log_stamps;                 /* the time prefix of text lines */

static const char *const format_names[] = {
	[LOG_FMT_TEXT] = "text",
	[LOG_FMT_JSON] = "json",
};

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
	char path[PATH_MAX];        /* --log-file, "" for stderr */
	pthread_mutex_t lock;       /* all of the above (see the top) */
} lb = { .fd = STDERR_FILENO, .lock = PTHREAD_MUTEX_INITIALIZER };

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

int log_format_parse(const char *name, enum log_format *ret_format)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*ret_format = (enum log_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_format(enum log_format format)
{
	log_fmt = format;
}

void log_set_timestamps(int on)
{
	log_stamps = on;
}

/* systemd sets JOURNAL_STREAM=DEV:INO for a stderr connected to the
 * journal (systemd.exec(5)); it is inherited by children whose stderr may
 * be something else, hence the fstat comparison it asks for. */
int log_stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (!v || !*v)
		return 0;
	dev = strtoull(v, &end, 10);
	if (*end != ':')
		return 0;
	ino = strtoull(end + 1, &end, 10);
	if (*end != '\0' || fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static int open_log_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);

	return fd < 0 ? -errno : fd;
}

int log_open_file(const char *path)
{
	int fd;

	if (strlen(path) >= sizeof(lb.path))
		return -ENAMETOOLONG;
	fd = open_log_file(path);
	if (fd < 0)
		return fd;
	pthread_mutex_lock(&lb.lock);
	if (lb.path[0])
		close(lb.fd);
	snprintf(lb.path, sizeof(lb.path), "%s", path);
	lb.fd = fd;
	pthread_mutex_unlock(&lb.lock);
	return 0;
}

/* Lines still in the ring go to the old file while it takes them (a file
 * always does), the rest to the new one. */
static int flush_locked(void);

/* lb.path changes only in log_open_file, before the worker loops start. */
int log_reopen_file(void)
{
	int fd;

	if (!lb.path[0])
		return -ENOENT;
	fd = open_log_file(lb.path);
	if (fd < 0)
		return fd;
	pthread_mutex_lock(&lb.lock);
	flush_locked();
	close(lb.fd);
	lb.fd = fd;
	pthread_mutex_unlock(&lb.lock);
	return 0;
}

const char *log_file_path(void)
{
	return lb.path;
}

void log_set_level(enum log_level level)
{
	__atomic_store_n(&log_current, level, __ATOMIC_RELAXED);
}

int log_enabled(enum log_level level)
{
	return level <= __atomic_load_n(&log_current, __ATOMIC_RELAXED);
}

void log_set_fd(int fd)
{
	pthread_mutex_lock(&lb.lock);
	if (lb.path[0])
		close(lb.fd);          /* ours, from log_open_file */
	lb.path[0] = '\0';
	lb.fd = fd;
	lb.head = lb.len = 0;
	lb.dropped = 0;
	pthread_mutex_unlock(&lb.lock);
}

void log_set_pending_hook(log_hook_fn *fn, void *arg)
{
	pthread_mutex_lock(&lb.lock);
	lb.hook = fn;
	lb.hook_arg = arg;
	pthread_mutex_unlock(&lb.lock);
}

size_t log_pending(void)
{
	size_t n;

	pthread_mutex_lock(&lb.lock);
	n = lb.len;
	pthread_mutex_unlock(&lb.lock);
	return n;
}

uint64_t log_dropped(void)
{
	uint64_t n;

	pthread_mutex_lock(&lb.lock);
	n = lb.dropped;
	pthread_mutex_unlock(&lb.lock);
	return n;
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

/* RFC 3339, UTC, milliseconds: "2026-12-02T05:01:02.123Z". out: at least
 * LOG_TIME_LEN + 1 bytes. Its length, or 0 when it does not fit. */
size_t log_format_time(const struct timespec *ts, char *out, size_t cap)
{
	struct tm tm;
	int n;

	if (!gmtime_r(&ts->tv_sec, &tm))
		return 0;
	n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     ts->tv_nsec / 1000000);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Bytes in one well-formed UTF-8 sequence at s (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* s as the inside of a JSON string (RFC 8259 section 7): '"', '\\' and
 * control characters escaped, valid UTF-8 kept, any other byte (a client's
 * file name may hold anything) as U+FFFD, so that every line is valid JSON
 * in valid UTF-8. Never splits an escape or a character: stops where the
 * next one would not fit. The length written (out NUL-terminated). */
size_t log_json_escape(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (cap == 0)
		return 0;
	while (*p) {
		char e[8];
		size_t n = 0, u;

		if (*p == '"' || *p == '\\') {
			e[n++] = '\\';
			e[n++] = (char)*p;
			u = 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[*p >> 4];
			e[5] = hex[*p & 15];
			n = 6;
			u = 1;
		} else if (*p < 0x80) {
			e[n++] = (char)*p;
			u = 1;
		} else if ((u = utf8_len(p)) > 0) {
			memcpy(e, p, u);
			n = u;
		} else {
			memcpy(e, "\\ufffd", 6);
			n = 6;
			u = 1;
		}
		if (o + n >= cap)
			break;
		memcpy(out + o, e, n);
		o += n;
		p += u;
	}
	out[o] = '\0';
	return o;
}

/* The JSON object of one line, "\n" included. */
static size_t json_line(char line[LOG_LINE_MAX], const char *stamp, enum log_level level,
			const char *proto, const char *client, const char *mac, const char *msg)
{
	char c[128];
	size_t n;
	int k;

	log_json_escape(client, c, sizeof(c));
	k = snprintf(line, LOG_LINE_MAX, "{\"time\":\"%s\",\"level\":\"%s\",\"proto\":\"%s\","
		     "\"client\":\"%s\"%s%s%s,\"msg\":\"", stamp, log_names[level], proto, c,
		     mac ? ",\"mac\":\"" : "", mac ? mac : "", mac ? "\"" : "");
	if (k < 0 || k >= LOG_LINE_MAX - 4)
		return 0;
	n = (size_t)k;
	/* room for the closing "}\n */
	n += log_json_escape(msg, line + n, LOG_LINE_MAX - n - 3);
	memcpy(line + n, "\"}\n", 3);
	return n + 3;
}

/* One finished message as a whole line in the current format; its length
 * (with the newline), or 0 to skip it. mac: NULL or "" when unknown. */
static size_t build_line(char line[LOG_LINE_MAX], enum log_level level, const char *proto,
			 const char *client, const char *mac, const char *msg)
{
	char stamp[40] = "";
	struct timespec ts;
	int n;

	if (!client)
		client = "-";
	if (mac && !mac[0])
		mac = NULL;
	if ((log_stamps || log_fmt == LOG_FMT_JSON) && clock_gettime(CLOCK_REALTIME, &ts) == 0)
		log_format_time(&ts, stamp, sizeof(stamp));
	if (log_fmt == LOG_FMT_JSON)
		return json_line(line, stamp, level, proto, client, mac, msg);
	if (mac && strcmp(mac, client) == 0)
		mac = NULL;                /* dhcp: CLIENT is the MAC already */
	n = snprintf(line, LOG_LINE_MAX, "%s%snetbootd: %s %s %s %s%s%s", stamp,
		     log_stamps && stamp[0] ? " " : "", log_names[level], proto, client, msg,
		     mac ? " mac=" : "", mac ? mac : "");
	if (n < 0)
		return 0;
	if (n >= LOG_LINE_MAX - 1)
		n = LOG_LINE_MAX - 2;   /* truncated: still one line */
	line[n++] = '\n';
	return (size_t)n;
}

/* Once the ring has drained, say how many lines were lost. */
static void report_dropped(void)
{
	char msg[128], line[LOG_LINE_MAX];
	size_t n;

	if (lb.dropped == 0 || lb.len != 0)
		return;
	snprintf(msg, sizeof(msg), "%llu log lines dropped: %s was not taking data",
		 (unsigned long long)lb.dropped, lb.path[0] ? "the log file" : "stderr");
	lb.dropped = 0;
	n = build_line(line, LOG_LVL_WARN, "main", "-", NULL, msg);
	if (n > 0)
		ring_append(line, n);
}

int log_flush(void)
{
	int r;

	pthread_mutex_lock(&lb.lock);
	r = flush_locked();
	pthread_mutex_unlock(&lb.lock);
	return r;
}

static int flush_locked(void)
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
		struct pollfd p = { .events = POLLOUT };
		long spent;

		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return;
		pthread_mutex_lock(&lb.lock);
		p.fd = lb.fd;
		pthread_mutex_unlock(&lb.lock);
		if (poll(&p, 1, (int)(timeout_ms - spent)) == 0)
			return;
	}
}

static void log_vmsg(enum log_level level, const char *proto, const char *client,
		     const char *mac, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX], line[LOG_LINE_MAX];
	size_t n;
	ssize_t w = 0;
	int r;

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		return;
	n = build_line(line, level, proto, client, mac, msg);
	if (n == 0)
		return;
	pthread_mutex_lock(&lb.lock);
	if (lb.len > 0)
		flush_locked();        /* keep the order: older lines first */
	if (lb.len == 0 && lb.dropped == 0) {
		r = out_ready();
		if (r < 0)
			goto out;      /* the output is gone */
		if (r > 0) {
			w = write(lb.fd, line, n);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				goto out;
			if (w < 0)
				w = 0;
			if ((size_t)w == n)
				goto out;
		}
	}
	if (ring_append(line + w, n - (size_t)w) < 0)
		lb.dropped++;
out:
	pthread_mutex_unlock(&lb.lock);
}

void log_msg(enum log_level level, const char *proto, const char *client,
	     const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vmsg(level, proto, client, NULL, fmt, ap);
	va_end(ap);
}

void log_msg_mac(enum log_level level, const char *proto, const char *client,
		 const char *mac, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vmsg(level, proto, client, mac, fmt, ap);
	va_end(ap);
}
