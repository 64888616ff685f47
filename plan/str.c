/* str.c: string and number helpers of the freestanding core (see str.h).
 *
 * Plain loops, no libc. The compiler may still turn a loop into a call to
 * memcpy/memset; the hosted side has libc's, alpineboot.efi brings its own
 * (efi-shim/libc.c), and embed/freestanding-check.sh allows exactly those.
 */
#include "plan/str.h"

size_t nb_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t nb_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

void *nb_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

void *nb_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

int nb_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

int nb_strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int nb_tok_eq(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lit[i] == '\0' || lit[i] != s[i])
			return 0;
	return lit[len] == '\0';
}

int nb_has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++)
		if (i >= len || s[i] != prefix[i])
			return 0;
	return 1;
}

int nb_strlcpy(char *dst, size_t cap, const char *src, size_t len)
{
	if (cap == 0 || len > cap - 1)
		return -NB_E2BIG;
	nb_memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

void nb_buf_init(struct nb_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->overflow = cap == 0;
	if (cap > 0)
		p[0] = '\0';
}

void nb_buf_putn(struct nb_buf *b, const char *s, size_t n)
{
	if (b->overflow)
		return;
	if (n > b->cap - 1 - b->len) {
		b->overflow = 1;
		return;
	}
	nb_memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void nb_buf_puts(struct nb_buf *b, const char *s)
{
	nb_buf_putn(b, s, nb_strlen(s));
}

void nb_buf_putc(struct nb_buf *b, char c)
{
	nb_buf_putn(b, &c, 1);
}

void nb_buf_putu(struct nb_buf *b, uint64_t v)
{
	char d[20];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	nb_buf_putn(b, d + i, sizeof(d) - i);
}

void nb_buf_hex(struct nb_buf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		nb_buf_putc(b, hex[p[i] >> 4]);
		nb_buf_putc(b, hex[p[i] & 15]);
	}
}

int nb_buf_finish(const struct nb_buf *b, size_t *ret_len)
{
	if (b->overflow)
		return -NB_ENOSPC;
	if (ret_len)
		*ret_len = b->len;
	return 0;
}

static int word_sep(char c, int comma)
{
	return nb_is_space(c) || (comma && c == ',');
}

size_t nb_word_next(const char *v, size_t n, size_t *pos, int comma,
		    const char **ret_w)
{
	size_t i = *pos, s;

	while (i < n && word_sep(v[i], comma))
		i++;
	for (s = i; i < n && !word_sep(v[i], comma); i++)
		;
	*pos = i;
	*ret_w = v + s;
	return i - s;
}

int nb_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return len == 0 ? -NB_EINVAL : -NB_ERANGE;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (!nb_is_digit(s[i]))
			return -NB_EINVAL;
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -NB_ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int nb_ipv4_parse(const char *s, size_t n, uint32_t *ret)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t st = i;
		uint64_t x;

		while (i < n && nb_is_digit(s[i]))
			i++;
		if (i == st || i - st > 3 || (i - st > 1 && s[st] == '0'))
			return -NB_EINVAL;
		if (nb_parse_u64(s + st, i - st, 255, &x) < 0)
			return -NB_EINVAL;
		a = a << 8 | (uint32_t)x;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return -NB_EINVAL;
			i++;
		}
	}
	if (i != n)
		return -NB_EINVAL;
	*ret = a;
	return 0;
}

int nb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nb_hex_parse(const char *s, size_t len, uint8_t *ret, size_t n)
{
	size_t i;

	if (len != 2 * n)
		return -NB_EINVAL;
	for (i = 0; i < len; i++)
		if (nb_hex_digit(s[i]) < 0)
			return -NB_EINVAL;
	for (i = 0; i < n; i++)
		ret[i] = (uint8_t)(nb_hex_digit(s[2 * i]) << 4 | nb_hex_digit(s[2 * i + 1]));
	return 0;
}
