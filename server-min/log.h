/* log.h: one line per event on stderr or --log-file, never blocking.
 *
 * Format: "[TIME ]netbootd: LEVEL PROTO CLIENT message[ mac=MAC]" where
 * TIME is RFC 3339 UTC with milliseconds (off by default; main.c turns it
 * on unless stderr is the journal), PROTO is dhcp, tftp, http or main,
 * CLIENT a MAC (dhcp) or IP:port (tftp, http) or "-", and MAC the client's
 * when known. --log-format json: {"time","level","proto","client","mac",
 * "msg"} per line, mac only when known. Tests grep these lines, so each
 * module documents its lines in docs/netbootd.8 and keeps them stable.
 */
#ifndef NETBOOTD_LOG_H
#define NETBOOTD_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Lines wait here while stderr does not take data (log.c says why). */
#define LOG_BUF_SIZE (256 * 1024)

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
enum log_format { LOG_FMT_TEXT, LOG_FMT_JSON };

/* "2026-12-02T05:01:02.123Z" */
#define LOG_TIME_LEN 24

/* "error", "warn", "info", "debug" -> 0; anything else -EINVAL. */
int log_level_parse(const char *name, enum log_level *ret_level);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

/* "text", "json" -> 0; anything else -EINVAL. */
int log_format_parse(const char *name, enum log_format *ret_format);
void log_set_format(enum log_format format);
/* 1: text lines start with the time. */
void log_set_timestamps(int on);
/* 1 when stderr is the journal: JOURNAL_STREAM names its device and inode
 * (systemd.exec(5)); the journal stamps lines itself. */
int log_stderr_is_journal(void);

void log_msg(enum log_level level, const char *proto, const char *client,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same, about a client whose MAC ("52:54:00:12:34:56") is known; mac
 * NULL or "" when it is not. */
void log_msg_mac(enum log_level level, const char *proto, const char *client,
		 const char *mac, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* --log-file: open path (O_APPEND|O_CREAT, mode 0640) and write there from
 * now on. 0 or -errno (the output is then unchanged). */
int log_open_file(const char *path);
/* SIGUSR1: open the same path again (after logrotate moved it away), as
 * whoever we are now. 0; -ENOENT when there is no log file; or -errno from
 * open, the old file then still in use. */
int log_reopen_file(void);
/* The --log-file path, "" when the log is stderr. */
const char *log_file_path(void);

/* Helpers, public for tests. ts as RFC 3339 UTC with milliseconds; its
 * length, or 0 when cap is too small. */
size_t log_format_time(const struct timespec *ts, char *out, size_t cap);
/* s as the inside of a JSON string, valid UTF-8 (other bytes become
 * U+FFFD), truncated on a character boundary to fit cap with its NUL.
 * The length written. */
size_t log_json_escape(const char *s, char *out, size_t cap);

/* Where lines go: stderr unless a test says otherwise. Empties the ring. */
void log_set_fd(int fd);

/* fn(arg) runs when the first line starts waiting in the ring: main.c arms
 * a timer there that calls log_flush until it returns 0. It runs in the
 * thread that logged, with the log's mutex held: it must not log, and it
 * must be safe from any thread (main.c pokes an eventfd). */
typedef void log_hook_fn(void *arg);
void log_set_pending_hook(log_hook_fn *fn, void *arg);

/* Write what the output takes now, without blocking. 1 while lines still
 * wait, 0 when the ring is empty (the "N log lines dropped" line, if any,
 * went out). When the output is gone (reader closed), waiting lines are
 * discarded. */
int log_flush(void);

/* At exit: flush, waiting at most timeout_ms for the output. */
void log_flush_wait(int timeout_ms);

/* Bytes waiting, and lines dropped since the last report (tests). */
size_t log_pending(void);
uint64_t log_dropped(void);

#define log_error(p, c, ...) log_msg(LOG_LVL_ERROR, p, c, __VA_ARGS__)
#define log_warn(p, c, ...)  log_msg(LOG_LVL_WARN, p, c, __VA_ARGS__)
#define log_info(p, c, ...)  log_msg(LOG_LVL_INFO, p, c, __VA_ARGS__)
#define log_debug(p, c, ...) log_msg(LOG_LVL_DEBUG, p, c, __VA_ARGS__)

/* The same with the client's MAC (text, or "" / NULL when unknown). */
#define logm_error(p, c, m, ...) log_msg_mac(LOG_LVL_ERROR, p, c, m, __VA_ARGS__)
#define logm_warn(p, c, m, ...)  log_msg_mac(LOG_LVL_WARN, p, c, m, __VA_ARGS__)
#define logm_info(p, c, m, ...)  log_msg_mac(LOG_LVL_INFO, p, c, m, __VA_ARGS__)
#define logm_debug(p, c, m, ...) log_msg_mac(LOG_LVL_DEBUG, p, c, m, __VA_ARGS__)

#endif
