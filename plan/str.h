/* str.h: the few string and number helpers the freestanding core needs.
 *
 * The embed/ core is linked into netbootd (hosted), netboot-embed (hosted)
 * and alpineboot.efi (no libc at all), so it carries its own. Error values
 * are negative errno numbers; the core cannot include <errno.h> when built
 * with -nostdinc, so they are spelled here with Linux's (and every Unix's)
 * numbers. embed/str_test.c checks they equal <errno.h> on the host.
 */
#ifndef NB_STR_H
#define NB_STR_H

#include <stddef.h>
#include <stdint.h>

#define NB_ENOENT   2
#define NB_E2BIG    7
#define NB_EACCES  13
#define NB_EINVAL  22
#define NB_ENOSPC  28
#define NB_ERANGE  34

size_t nb_strlen(const char *s);
size_t nb_strnlen(const char *s, size_t max);
void *nb_memcpy(void *dst, const void *src, size_t n);
void *nb_memset(void *dst, int c, size_t n);
int nb_memcmp(const void *a, const void *b, size_t n);
int nb_strcmp(const char *a, const char *b);
/* 1 when the len bytes at s spell exactly the NUL-terminated lit. */
int nb_tok_eq(const char *s, size_t len, const char *lit);
/* 1 when s starts with prefix. */
int nb_has_prefix(const char *s, size_t len, const char *prefix);

/* Copy len bytes of src into dst (cap bytes) and NUL-terminate.
 * 0, or -E2BIG when it does not fit (dst untouched). */
int nb_strlcpy(char *dst, size_t cap, const char *src, size_t len);

/* An append-only text buffer that stays NUL-terminated and remembers
 * overflow, so a renderer can write freely and check once at the end. */
struct nb_buf {
	char *p;
	size_t cap;      /* bytes at p, including room for the NUL */
	size_t len;
	int overflow;
};

void nb_buf_init(struct nb_buf *b, char *p, size_t cap);
void nb_buf_putn(struct nb_buf *b, const char *s, size_t n);
void nb_buf_puts(struct nb_buf *b, const char *s);
void nb_buf_putc(struct nb_buf *b, char c);
void nb_buf_putu(struct nb_buf *b, uint64_t v);
void nb_buf_hex(struct nb_buf *b, const uint8_t *p, size_t n);
/* 0 and *ret_len, or -ENOSPC when anything did not fit. */
int nb_buf_finish(const struct nb_buf *b, size_t *ret_len);

/* The next word of v[0..n) at or after *pos, words separated by spaces
 * and tabs (and commas too when comma is set): its length, with *ret_w
 * at it and *pos past it; 0 when no word is left. */
size_t nb_word_next(const char *v, size_t n, size_t *pos, int comma,
		    const char **ret_w);

/* Decimal digits only, no sign, no spaces, value <= max.
 * 0 and *ret, -EINVAL (not a number), -ERANGE (over max). */
int nb_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *ret);
/* A dotted quad, each part 0..255 in decimal without sign or leading
 * zero (inet_aton's octal and hex forms are refused: "010.0.0.1" would
 * mean 8.0.0.1). 0 and *ret (host byte order), or -EINVAL. The one IPv4
 * parser: [server] listen and status-allow, alpineboot.efi's URLs. */
int nb_ipv4_parse(const char *s, size_t n, uint32_t *ret);
/* The value of one hex digit (either case), or -1. */
int nb_hex_digit(char c);
/* Exactly 2*n hex digits into n bytes. 0 or -EINVAL; ret untouched on error. */
int nb_hex_parse(const char *s, size_t len, uint8_t *ret, size_t n);

/* The big-endian 64-bit number at p (SHA-512's words, plan key ids). */
static inline uint64_t nb_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline int nb_is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int nb_is_space(char c) { return c == ' ' || c == '\t'; }
static inline int nb_is_lower(char c) { return c >= 'a' && c <= 'z'; }
static inline int nb_is_alnum(char c)
{
	return nb_is_digit(c) || nb_is_lower(c) || (c >= 'A' && c <= 'Z');
}

#endif
