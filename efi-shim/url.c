/* url.c: split plan URLs (RFC 3986 section 3, the http scheme of RFC 9110
 * section 4.2.1) into what EFI_HTTP_PROTOCOL and the PXE base code's
 * Mtftp need: host, port, request target, TFTP file name.
 *
 * Only what a boot plan may contain: "http://", a host (an IPv4 address
 * or a name), an optional decimal port. No userinfo, no IPv6 literals, no
 * fragments: the server renders these URLs, anything else is a broken plan.
 */
#include <errno.h>

#include "efi-shim/url.h"
#include "plan/str.h"

/* Dotted quad (plan/str.c's parser: no sign, no leading zero) into
 * network byte order; 0 or -EINVAL. */
static int parse_ipv4(const char *s, size_t len, uint8_t ret_ip[4])
{
	uint32_t a;

	if (nb_ipv4_parse(s, len, &a) < 0)
		return -EINVAL;
	for (int k = 0; k < 4; k++)
		ret_ip[k] = (uint8_t)(a >> (24 - 8 * k));
	return 0;
}

int url_parse(const char *s, size_t len, struct url *ret)
{
	static const char scheme[] = "http://";
	struct url u;
	size_t i, host_start, host_end;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return -EINVAL;
	if (len < sizeof scheme - 1)
		return -EINVAL;
	for (i = 0; i < sizeof scheme - 1; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');       /* the scheme is case-insensitive */
		if (c != scheme[i])
			return -EINVAL;
	}
	host_start = i;
	while (i < len && s[i] != ':' && s[i] != '/' && s[i] != '?')
		i++;
	host_end = i;
	if (host_end == host_start)
		return -EINVAL;
	if (host_end - host_start >= sizeof u.host)
		return -E2BIG;
	for (size_t k = host_start; k < host_end; k++)
		if (s[k] == '@' || s[k] == '[')
			return -EINVAL;
	for (size_t k = 0; k < host_end - host_start; k++)
		u.host[k] = s[host_start + k];
	u.host[host_end - host_start] = 0;
	u.has_ip = parse_ipv4(s + host_start, host_end - host_start, u.ip) == 0;

	u.port = 80;
	if (i < len && s[i] == ':') {
		size_t start = ++i;
		uint64_t v;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (nb_parse_u64(s + start, i - start, 65535, &v) < 0 || v == 0)
			return -EINVAL;
		u.port = (uint16_t)v;
	}
	if (i < len && s[i] != '/' && s[i] != '?')
		return -EINVAL;

	/* The request target: the rest, with "/" supplied when the path is empty. */
	size_t t = 0;
	if (i == len || s[i] == '?')
		u.target[t++] = '/';
	if (len - i >= sizeof u.target - t)
		return -E2BIG;
	u.path_len = 0;
	for (; i < len; i++) {
		if (s[i] == '#')
			return -EINVAL;
		u.target[t++] = s[i];
	}
	u.target[t] = 0;
	while (u.path_len < t && u.target[u.path_len] != '?')
		u.path_len++;
	*ret = u;
	return 0;
}

int url_tftp_name(const struct url *u, char *out, size_t cap)
{
	size_t n = 0;

	while (u->target[1 + n])         /* the target starts with '/' */
		n++;
	if (u->path_len <= 1)
		return -EINVAL;
	if (n + 1 > cap)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++)
		out[i] = u->target[1 + i];
	out[n] = 0;
	return 0;
}

int url_basename(const struct url *u, char *out, size_t cap)
{
	size_t end = u->path_len, start = end;

	while (start > 0 && u->target[start - 1] != '/')
		start--;
	if (start == end)
		return -EINVAL;
	if (end - start + 1 > cap)
		return -ENOSPC;
	for (size_t i = start; i < end; i++)
		out[i - start] = u->target[i];
	out[end - start] = 0;
	return 0;
}
