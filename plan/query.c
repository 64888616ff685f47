/* query.c: the plan request's query (plan/query.h), built and parsed here
 * so that the client that writes it and the server that reads it cannot
 * disagree.
 *
 * The query is RFC 3986 section 3.4 text split at '&' into key=value
 * pairs, the application/x-www-form-urlencoded shape without
 * percent-decoding: none of our values need escapes, and a value that
 * would need one is malformed. Every read is bounded by len.
 */
#include "plan/mac.h"
#include "plan/query.h"
#include "plan/str.h"

/* The keys a plan request may carry; index = what set_key() does. */
enum { KEY_MAC, KEY_ARCH, KEY_UUID, N_KEYS };
static const char *const query_keys[N_KEYS] = {
	[KEY_MAC] = "mac",
	[KEY_ARCH] = "arch",
	[KEY_UUID] = "uuid",
};

static int set_key(struct nb_query *q, unsigned key, const char *v, size_t n)
{
	uint64_t a;

	if (n > NB_QUERY_VALUE_MAX)
		return -NB_EINVAL;
	switch (key) {
	case KEY_MAC:
		if (nb_mac_parse(v, n, q->mac) < 0)
			return -NB_EINVAL;
		q->has_mac = 1;
		return 0;
	case KEY_ARCH:
		if (nb_parse_u64(v, n, 0xffff, &a) < 0)
			return -NB_EINVAL;
		q->arch = (int)a;
		return 0;
	default:
		/* The server has always taken any bytes here; NUL would cut
		 * the string short, so only that is refused. */
		if (nb_strnlen(v, n) != n ||
		    nb_strlcpy(q->uuid, sizeof(q->uuid), v, n))
			return -NB_EINVAL;
		return 0;
	}
}

int nb_query_parse(const char *s, size_t len, struct nb_query *ret_q)
{
	struct nb_query q;
	unsigned seen = 0, k;
	size_t i = 0;
	int r;

	nb_memset(&q, 0, sizeof(q));
	q.arch = -1;
	while (i < len) {
		size_t start = i, kn;

		while (i < len && s[i] != '&')
			i++;
		for (kn = 0; start + kn < i && s[start + kn] != '='; kn++)
			;
		for (k = 0; k < N_KEYS; k++)
			if (nb_tok_eq(s + start, kn, query_keys[k]))
				break;
		/* "key" without '=' is no pair; later duplicates are ignored,
		 * as the server's first-match lookup always did. */
		if (k < N_KEYS && start + kn < i && !(seen & (1u << k))) {
			seen |= 1u << k;
			r = set_key(&q, k, s + start + kn + 1, i - start - kn - 1);
			if (r < 0)
				return r;
		}
		if (i < len)
			i++;            /* the '&' */
	}
	nb_memcpy(ret_q, &q, sizeof(q));
	return 0;
}

int nb_query_url(const char *base, const char *name, const uint8_t *mac,
		 int arch, char *out, size_t cap, size_t *ret_len)
{
	char url[NB_QUERY_URL_MAX];
	struct nb_buf b;
	char sep = '?';
	size_t len;

	nb_buf_init(&b, url, sizeof(url));
	if (base[0] != '\0') {
		nb_buf_puts(&b, base);
		nb_buf_putc(&b, '/');
	}
	nb_buf_puts(&b, name);
	if (mac != NULL) {
		char m[18];

		nb_mac_format(mac, '-', m);
		nb_buf_putc(&b, sep);
		nb_buf_puts(&b, "mac=");
		nb_buf_puts(&b, m);
		sep = '&';
	}
	if (arch >= 0) {
		nb_buf_putc(&b, sep);
		nb_buf_puts(&b, "arch=");
		nb_buf_putu(&b, (uint64_t)arch);
	}
	if (nb_buf_finish(&b, &len) || len + 1 > cap)
		return -NB_E2BIG;
	nb_memcpy(out, url, len + 1);
	if (ret_len)
		*ret_len = len;
	return 0;
}
