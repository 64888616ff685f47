/* log.h: one line per event on stderr.
 *
 * Format: "netbootd: LEVEL PROTO CLIENT message" where PROTO is dhcp, tftp,
 * http or main, and CLIENT a MAC (dhcp) or IP:port (tftp, http) or "-".
 * Tests grep these lines, so each module documents its lines in
 * docs/netbootd.8 and keeps them stable.
 */
#ifndef NETBOOTD_LOG_H
#define NETBOOTD_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* "error", "warn", "info", "debug" -> 0; anything else -EINVAL. */
int log_level_parse(const char *name, enum log_level *ret_level);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *proto, const char *client,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_error(p, c, ...) log_msg(LOG_LVL_ERROR, p, c, __VA_ARGS__)
#define log_warn(p, c, ...)  log_msg(LOG_LVL_WARN, p, c, __VA_ARGS__)
#define log_info(p, c, ...)  log_msg(LOG_LVL_INFO, p, c, __VA_ARGS__)
#define log_debug(p, c, ...) log_msg(LOG_LVL_DEBUG, p, c, __VA_ARGS__)

#endif
