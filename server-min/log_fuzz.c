/* log_fuzz: a client's bytes (a TFTP file name, an HTTP path) as the
 * message of a JSON log line. Whatever they are, the escaped text must be a
 * valid JSON string body (RFC 8259 section 7) in valid UTF-8 (checked here
 * by glibc's own decoder, not by log.c's), never longer than asked, never
 * cut inside an escape; and a whole --log-format json line must end as
 * one object. */
#include <assert.h>
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "server-min/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The body of a JSON string: no raw control byte, no bare quote, only
 * the escapes log.c writes, and UTF-8 that glibc decodes. */
static void check_body(const char *s, size_t n)
{
	mbstate_t st;
	size_t i = 0;

	memset(&st, 0, sizeof(st));
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		assert(c >= 0x20 && c != 0x7f && c != '"');
		if (c == '\\') {
			assert(i + 1 < n);
			if (s[i + 1] == 'u') {
				assert(i + 5 < n && is_hex(s[i + 2]) && is_hex(s[i + 3]) &&
				       is_hex(s[i + 4]) && is_hex(s[i + 5]));
				i += 6;
			} else {
				assert(s[i + 1] == '"' || s[i + 1] == '\\');
				i += 2;
			}
			continue;
		}
		{
			wchar_t wc;
			size_t k = mbrtowc(&wc, s + i, n - i, &st);
			assert(k != (size_t)-1 && k != (size_t)-2 && k > 0);
			assert(!(wc >= 0xd800 && wc <= 0xdfff) && wc <= 0x10ffff);
			i += k;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fds[2] = { -1, -1 };
	char in[2048], out[8192], line[8192];
	size_t cap, n;
	ssize_t got;

	if (fds[0] < 0) {
		assert(setlocale(LC_ALL, "C.UTF-8"));
		assert(pipe(fds) == 0);
		log_set_fd(fds[1]);
		log_set_format(LOG_FMT_JSON);
	}
	if (size < 1)
		return 0;
	cap = (size_t)data[0] * 8 + 1;         /* 1 .. 2041 */
	n = size - 1 < sizeof(in) - 1 ? size - 1 : sizeof(in) - 1;
	memcpy(in, data + 1, n);
	in[n] = '\0';

	n = log_json_escape(in, out, cap);
	assert(n < cap && out[n] == '\0' && strlen(out) == n);
	check_body(out, n);
	if (strlen(in) * 6 < cap)              /* room for everything: nothing cut */
		assert(n >= strlen(in));

	/* A whole line: starts and ends as one object. The pipe is empty
	 * (each line is read back at once), so the write went through. */
	log_msg_mac(LOG_LVL_INFO, "tftp", in, "52:54:00:12:34:56", "refused %s", in);
	got = read(fds[0], line, sizeof(line) - 1);
	assert(got > 0);
	line[got] = '\0';
	assert(strncmp(line, "{\"time\":\"", 9) == 0);
	assert(got >= 3 && strcmp(line + got - 3, "\"}\n") == 0);
	assert(memchr(line, '\n', (size_t)got) == line + got - 1);
	return 0;
}
