/* log.c: one line per event on stderr, "netbootd: LEVEL PROTO CLIENT msg".
 *
 * stderr is unbuffered and each line goes out in one write(2), so lines from
 * a busy loop never interleave mid-line with anything else on the same
 * stream (a supervisor, the test harness reading the file).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "server-min/log.h"

static enum log_level log_current = LOG_LVL_INFO;

static const char *const log_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN]  = "warn",
	[LOG_LVL_INFO]  = "info",
	[LOG_LVL_DEBUG] = "debug",
};

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

void log_msg(enum log_level level, const char *proto, const char *client,
	     const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n, m;

	if (!log_enabled(level))
		return;
	n = snprintf(line, sizeof(line), "netbootd: %s %s %s ", log_names[level],
		     proto, client ? client : "-");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;   /* truncated: still one line */
	line[n++] = '\n';
	/* A short write to stderr is not worth a retry loop in a daemon. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
