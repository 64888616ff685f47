/* load_parse.c: the generator's parsers (load_parse.h), pure functions.
 *
 * Servers under test may be broken or hostile in the ways the benchmark is
 * meant to find, so nothing here trusts a length or a terminator: every
 * read is checked against len first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "bench/load_parse.h"

#define TFTP_OP_OACK 6          /* RFC 2347 */
#define TFTP_BLKSIZE_MIN 8      /* RFC 2348 */
#define PXE_BOOT_MENU 9         /* PXE 2.1 option 43 sub-option */

/* A NUL-terminated decimal number of at most 20 digits in s[0..len).
 * 0 and *ret; -EBADMSG. */
static int parse_number(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -EBADMSG;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

int nbl_parse_oack(const uint8_t *buf, size_t len, uint32_t ask_blksize,
		   uint32_t ask_windowsize, struct nbl_oack *ret)
{
	struct nbl_oack o = { 0 };
	size_t i = 2;

	if (len < 2 || buf[0] != 0 || buf[1] != TFTP_OP_OACK)
		return -EBADMSG;
	while (i < len) {
		const uint8_t *name = buf + i, *val, *nul;
		size_t nlen, vlen;
		uint64_t v;

		nul = memchr(name, 0, len - i);
		if (!nul || nul == name)
			return -EBADMSG;
		nlen = (size_t)(nul - name);
		i += nlen + 1;
		if (i >= len)
			return -EBADMSG;     /* a name without a value */
		val = buf + i;
		nul = memchr(val, 0, len - i);
		if (!nul)
			return -EBADMSG;
		vlen = (size_t)(nul - val);
		i += vlen + 1;
		if (parse_number((const char *)val, vlen, &v) < 0)
			return -EBADMSG;
		if (nlen == 7 && !strncasecmp((const char *)name, "blksize", 7)) {
			if (v < TFTP_BLKSIZE_MIN || v > ask_blksize)
				return -EBADMSG;
			o.blksize = (uint32_t)v;
		} else if (nlen == 10 &&
			   !strncasecmp((const char *)name, "windowsize", 10)) {
			if (ask_windowsize <= 1 || v < 1 || v > ask_windowsize)
				return -EBADMSG;
			o.windowsize = (uint32_t)v;
		} else if (nlen == 5 && !strncasecmp((const char *)name, "tsize", 5)) {
			o.tsize = v;
		} else {
			return -EBADMSG;     /* we never asked for it */
		}
	}
	*ret = o;
	return 0;
}

int nbl_pxe_menu_first(const uint8_t *opt43, size_t len, uint16_t *ret_type)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = opt43[i], sublen;

		if (code == 255)
			break;
		if (code == 0) {          /* pad */
			i++;
			continue;
		}
		if (i + 2 > len)
			return -EBADMSG;
		sublen = opt43[i + 1];
		if (sublen > len - i - 2)
			return -EBADMSG;
		if (code == PXE_BOOT_MENU) {
			if (sublen < 3)
				return -ENOENT;
			*ret_type = (uint16_t)(opt43[i + 2] << 8 | opt43[i + 3]);
			return 0;
		}
		i += 2u + sublen;
	}
	return -ENOENT;
}

/* iPXE settings a boot URL may carry, and how each is written. */
enum url_fmt { FMT_HEXHYP, FMT_COLON, FMT_UUID };
static const struct {
	const char *name;
	enum url_fmt fmt;
} url_settings[] = {
	{ "net0/mac:hexhyp", FMT_HEXHYP },
	{ "mac:hexhyp", FMT_HEXHYP },
	{ "net0/mac", FMT_COLON },
	{ "mac", FMT_COLON },
	{ "uuid", FMT_UUID },
};

int nbl_expand_ipxe_url(const char *in, const uint8_t mac[6],
			const uint8_t uuid[16], char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return -EINVAL;
	while (*in) {
		char val[40];
		const char *end;
		size_t nlen, vlen, k;

		if (in[0] != '$' || in[1] != '{') {
			if (o + 1 >= cap)
				return -EINVAL;
			out[o++] = *in++;
			continue;
		}
		end = strchr(in + 2, '}');
		if (!end)
			return -EINVAL;
		nlen = (size_t)(end - in - 2);
		for (k = 0; k < sizeof(url_settings) / sizeof(*url_settings); k++)
			if (strlen(url_settings[k].name) == nlen &&
			    !strncmp(in + 2, url_settings[k].name, nlen))
				break;
		if (k == sizeof(url_settings) / sizeof(*url_settings))
			return -EINVAL;
		switch (url_settings[k].fmt) {
		case FMT_HEXHYP:
			snprintf(val, sizeof(val), "%02x-%02x-%02x-%02x-%02x-%02x",
				 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
			break;
		case FMT_COLON:
			snprintf(val, sizeof(val), "%02x:%02x:%02x:%02x:%02x:%02x",
				 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
			break;
		case FMT_UUID:
			snprintf(val, sizeof(val),
				 "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
				 "%02x%02x-%02x%02x%02x%02x%02x%02x",
				 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4],
				 uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
				 uuid[10], uuid[11], uuid[12], uuid[13],
				 uuid[14], uuid[15]);
			break;
		}
		vlen = strlen(val);
		if (o + vlen >= cap)
			return -EINVAL;
		memcpy(out + o, val, vlen);
		o += vlen;
		in = end + 1;
	}
	out[o] = '\0';
	return 0;
}

int nbl_parse_url(const char *url, struct in_addr def_addr, uint16_t def_port,
		  struct sockaddr_in *ret_sa, const char **ret_path,
		  char *host, size_t host_cap)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_addr = def_addr,
		.sin_port = htons(def_port),
	};
	const char *h, *slash, *colon, *path;
	char addr[INET_ADDRSTRLEN];
	size_t hlen, alen;

	if (host_cap == 0)
		return -EINVAL;
	if (url[0] == '/') {
		if (!inet_ntop(AF_INET, &def_addr, addr, sizeof(addr)) ||
		    strlen(addr) >= host_cap)
			return -EINVAL;
		strcpy(host, addr);
		*ret_sa = sa;
		*ret_path = url;
		return 0;
	}
	if (strncmp(url, "http://", 7))
		return -EINVAL;
	h = url + 7;
	slash = strchr(h, '/');
	if (!slash)
		return -EINVAL;
	hlen = (size_t)(slash - h);
	if (hlen == 0 || hlen >= host_cap)
		return -EINVAL;
	colon = memchr(h, ':', hlen);
	alen = colon ? (size_t)(colon - h) : hlen;
	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, h, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -EINVAL;
	if (colon) {
		uint64_t port;

		if (parse_number(colon + 1, (size_t)(slash - colon - 1), &port) < 0 ||
		    port == 0 || port > 65535)
			return -EINVAL;
		sa.sin_port = htons((uint16_t)port);
	}
	path = slash;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*ret_sa = sa;
	*ret_path = path;
	return 0;
}

/* The next line of head[*pos..len), without its CR LF. */
static int next_line(const char *head, size_t len, size_t *pos,
		     const char **ret_line, size_t *ret_len)
{
	size_t start = *pos, i = start;

	if (start >= len)
		return -ENOENT;
	while (i < len && head[i] != '\n')
		i++;
	*ret_line = head + start;
	*ret_len = i - start;
	if (*ret_len && head[i - 1] == '\r')
		(*ret_len)--;
	*pos = i < len ? i + 1 : len;
	return 0;
}

int nbl_parse_http_head(const char *head, size_t len, int *ret_status,
			uint64_t *ret_content_length)
{
	const char *line;
	size_t pos = 0, llen;
	uint64_t clen = 0;
	int status, have_len = 0;

	/* "HTTP/1.x NNN" (RFC 9112 sec. 4) */
	if (next_line(head, len, &pos, &line, &llen) < 0 || llen < 12 ||
	    strncmp(line, "HTTP/1.", 7) || line[7] < '0' || line[7] > '9' ||
	    line[8] != ' ' || line[9] < '1' || line[9] > '5' ||
	    line[10] < '0' || line[10] > '9' || line[11] < '0' || line[11] > '9' ||
	    (llen > 12 && line[12] != ' '))
		return -EBADMSG;
	status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	while (next_line(head, len, &pos, &line, &llen) == 0 && llen > 0) {
		size_t v, e;

		if (llen < 15 || strncasecmp(line, "Content-Length:", 15))
			continue;
		/* optional whitespace around the value (RFC 9110 sec. 5.5) */
		for (v = 15; v < llen && (line[v] == ' ' || line[v] == '\t'); v++)
			;
		for (e = llen; e > v && (line[e - 1] == ' ' || line[e - 1] == '\t'); e--)
			;
		if (parse_number(line + v, e - v, &clen) < 0)
			return -EBADMSG;
		have_len = 1;
	}
	if (!have_len)
		return -ENOENT;
	*ret_status = status;
	*ret_content_length = clen;
	return 0;
}
