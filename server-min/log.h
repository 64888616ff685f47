/* log.h: one line per event on stderr, never blocking.
 *
 * Format: "netbootd: LEVEL PROTO CLIENT message" where PROTO is dhcp, tftp,
 * http or main, and CLIENT a MAC (dhcp) or IP:port (tftp, http) or "-".
 * Tests grep these lines, so each module documents its lines in
 * docs/netbootd.8 and keeps them stable.
 */
#ifndef NETBOOTD_LOG_H
#define NETBOOTD_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Lines wait here while stderr does not take data (log.c says why). */
#define LOG_BUF_SIZE (256 * 1024)

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* "error", "warn", "info", "debug" -> 0; anything else -EINVAL. */
int log_level_parse(const char *name, enum log_level *ret_level);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *proto, const char *client,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Where lines go: stderr unless a test says otherwise. Empties the ring. */
void log_set_fd(int fd);

/* fn(arg) runs when the first line starts waiting in the ring: main.c arms
 * a timer there that calls log_flush until it returns 0. */
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

#endif
