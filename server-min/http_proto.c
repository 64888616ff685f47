/* http_proto.c: HTTP/1.1 request parsing and response heads (RFC 9110,
 * RFC 9112), no I/O.
 *
 * Strict where leniency has bitten servers before (request smuggling):
 * Transfer-Encoding together with Content-Length is refused (RFC 9112
 * sec. 6.1), as are differing Content-Length values, whitespace between a
 * field name and its colon (sec. 5.1), obs-fold continuation lines
 * (sec. 5.2) and a bare CR (sec. 2.2). Lenient where real clients need it: a
 * bare LF ends a line (sec. 2.2), a few empty lines before the request line
 * are skipped (sec. 2.2), the absolute-form target is accepted (sec. 3.2.2).
 *
 * The path is percent-decoded exactly once, and %00 is refused so that a
 * decoded path is always a C string equal to what was sent. Whether the path
 * may be served is not decided here: content_open() does that for HTTP and
 * TFTP alike.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/str.h"
#include "server-min/http_proto.h"

/* RFC 9110 sec. 9.3; PATCH from RFC 5789 sec. 2. */
static const struct {
	const char *name;
	enum http_method method;
} http_methods[] = {
	{ "GET",     HTTP_M_GET },      /* RFC 9110 sec. 9.3.1 */
	{ "HEAD",    HTTP_M_HEAD },     /* sec. 9.3.2 */
	{ "POST",    HTTP_M_POST },     /* sec. 9.3.3 */
	{ "PUT",     HTTP_M_PUT },      /* sec. 9.3.4 */
	{ "DELETE",  HTTP_M_DELETE },   /* sec. 9.3.5 */
	{ "CONNECT", HTTP_M_CONNECT },  /* sec. 9.3.6 */
	{ "OPTIONS", HTTP_M_OPTIONS },  /* sec. 9.3.7 */
	{ "TRACE",   HTTP_M_TRACE },    /* sec. 9.3.8 */
	{ "PATCH",   HTTP_M_PATCH },    /* RFC 5789 sec. 2 */
};

/* Every status netbootd sends, with the section that defines it. */
static const struct {
	int status;
	const char *text;
} http_statuses[] = {
	{ 200, "OK" },                              /* RFC 9110 sec. 15.3.1 */
	{ 206, "Partial Content" },                 /* sec. 15.3.7 */
	{ 304, "Not Modified" },                    /* sec. 15.4.5 */
	{ 400, "Bad Request" },                     /* sec. 15.5.1 */
	{ 403, "Forbidden" },                       /* sec. 15.5.4 */
	{ 404, "Not Found" },                       /* sec. 15.5.5 */
	{ 405, "Method Not Allowed" },              /* sec. 15.5.6 */
	{ 408, "Request Timeout" },                 /* sec. 15.5.9 */
	{ 414, "URI Too Long" },                    /* sec. 15.5.15 */
	{ 416, "Range Not Satisfiable" },           /* sec. 15.5.17 */
	{ 431, "Request Header Fields Too Large" }, /* RFC 6585 sec. 5 */
	{ 500, "Internal Server Error" },           /* RFC 9110 sec. 15.6.1 */
	{ 501, "Not Implemented" },                 /* sec. 15.6.2 */
	{ 503, "Service Unavailable" },             /* sec. 15.6.4 */
	{ 505, "HTTP Version Not Supported" },      /* sec. 15.6.6 */
};

/* Parser errors and the status each is answered with. */
static const struct {
	int err;
	int status;
} http_error_statuses[] = {
	{ -EINVAL,          400 },
	{ -ENAMETOOLONG,    414 },
	{ -EMSGSIZE,        431 },
	{ -ENOTSUP,         501 },
	{ -EPROTONOSUPPORT, 505 },
};

/* What a netboot root holds; clients (iPXE, wget in Alpine's initramfs,
 * EFI_HTTP_PROTOCOL) ignore the type, browsers and curl users do not. */
static const struct {
	const char *ext;
	const char *type;
} http_types[] = {
	{ ".ipxe", "text/plain; charset=utf-8" },
	{ ".plan", "text/plain; charset=utf-8" },
	{ ".txt",  "text/plain; charset=utf-8" },
	{ ".cfg",  "text/plain; charset=utf-8" },
	{ ".conf", "text/plain; charset=utf-8" },
	{ ".html", "text/html; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".gz",   "application/gzip" },
	{ ".tar",  "application/x-tar" },
	{ ".iso",  "application/x-iso9660-image" },
};

static const char day_names[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* Empty lines tolerated before a request line (RFC 9112 sec. 2.2: "SHOULD
 * ignore at least one"); a client sending more is not a client. */
#define HTTP_LEADING_EMPTY_MAX 4

/* tchar, RFC 9110 sec. 5.6.2. */
static int is_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_vchar(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive compare of buf[0..len) with the C string s. */
static int token_eq(const uint8_t *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(buf[i]) != lower((uint8_t)s[i]))
			return 0;
	return 1;
}

/* token = 1*tchar (RFC 9110 sec. 5.6.2): 1 when buf[0..len) is one. */
static int is_token(const uint8_t *buf, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_tchar(buf[i]))
			return 0;
	return 1;
}

static void trim_ows(const uint8_t **p, size_t *len)
{
	while (*len > 0 && ((*p)[0] == ' ' || (*p)[0] == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
		(*len)--;
}

/* Find the LF ending the line at buf[from], looking at most max bytes.
 * The index of the LF, or -1. */
static long find_lf(const uint8_t *buf, size_t len, size_t from, size_t max)
{
	const uint8_t *lf;
	size_t avail;

	if (from >= len)
		return -1;
	avail = len - from;
	if (avail > max)
		avail = max;
	lf = memchr(buf + from, '\n', avail);
	return lf ? (long)(lf - buf) : -1;
}

/* The line buf[start..lf) without its CR; a CR anywhere else is an error
 * (RFC 9112 sec. 2.2). 0 and *ret_len, or -EINVAL. */
static int line_len(const uint8_t *buf, size_t start, size_t lf, size_t *ret_len)
{
	size_t n = lf - start;

	if (n > 0 && buf[start + n - 1] == '\r')
		n--;
	if (memchr(buf + start, '\r', n) != NULL)
		return -EINVAL;
	*ret_len = n;
	return 0;
}

static int fail(const char **why, const char *what, int err)
{
	if (why)
		*why = what;
	return err;
}

/* Percent-decode src[0..len) once into out (cap bytes, NUL-terminated). */
static int decode_path(const uint8_t *src, size_t len, char *out, size_t cap,
		       const char **why)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = src[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return fail(why, "truncated percent escape", -EINVAL);
			hi = nb_hex_digit((char)src[i + 1]);
			lo = nb_hex_digit((char)src[i + 2]);
			if (hi < 0 || lo < 0)
				return fail(why, "bad percent escape", -EINVAL);
			c = (uint8_t)(hi << 4 | lo);
			if (c == 0)
				return fail(why, "%00 in path", -EINVAL);
			i += 2;
		}
		if (o + 1 >= cap)
			return fail(why, "path too long", -ENAMETOOLONG);
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* request-target (RFC 9112 sec. 3.2) into req->path and req->query. */
static int parse_target(const uint8_t *t, size_t len, struct http_request *req,
			const char **why)
{
	const uint8_t *q;
	size_t plen;

	for (size_t i = 0; i < len; i++)
		if (!is_vchar(t[i]))
			return fail(why, "bad byte in target", -EINVAL);

	/* absolute-form: a server MUST accept it (sec. 3.2.2); the authority
	 * is ignored, we serve one site. */
	if (len >= 7 && (token_eq(t, 7, "http://") ||
			 (len >= 8 && token_eq(t, 8, "https://")))) {
		size_t skip = lower(t[4]) == 's' ? 8 : 7;
		const uint8_t *slash = memchr(t + skip, '/', len - skip);
		const uint8_t *qm = memchr(t + skip, '?', len - skip);

		if (slash == NULL || (qm != NULL && qm < slash)) {
			/* "http://host" or "http://host?q": path is "/" */
			req->path[0] = '/';
			req->path[1] = '\0';
			if (qm == NULL)
				return 0;
			len -= (size_t)(qm - t);
			t = qm;
			goto query;
		}
		len -= (size_t)(slash - t);
		t = slash;
	} else if (len == 1 && t[0] == '*') {
		/* asterisk-form, OPTIONS only (sec. 3.2.4) */
		if (req->method != HTTP_M_OPTIONS)
			return fail(why, "'*' target", -EINVAL);
		strcpy(req->path, "*");
		return 0;
	} else if (len == 0 || t[0] != '/') {
		/* authority-form belongs to CONNECT, which gets 405 anyway */
		if (req->method != HTTP_M_CONNECT)
			return fail(why, "target is not a path", -EINVAL);
		strcpy(req->path, "*");
		return 0;
	}

	q = memchr(t, '?', len);
	plen = q ? (size_t)(q - t) : len;
	/* A fragment is never sent (RFC 9110 sec. 7.1); refuse rather than
	 * guess which part the client meant. */
	if (memchr(t, '#', len) != NULL)
		return fail(why, "'#' in target", -EINVAL);
	{
		int r = decode_path(t, plen, req->path, sizeof(req->path), why);
		if (r < 0)
			return r;
	}
	if (q == NULL)
		return 0;
	t = q;
	len -= plen;
query:
	/* t[0] is '?' */
	if (len - 1 >= sizeof(req->query))
		return fail(why, "query too long", -ENAMETOOLONG);
	memcpy(req->query, t + 1, len - 1);
	req->query[len - 1] = '\0';
	req->has_query = 1;
	return 0;
}

/* request-line = method SP request-target SP HTTP-version (sec. 3). */
static int parse_request_line(const uint8_t *l, size_t len,
			      struct http_request *req, const char **why)
{
	const uint8_t *sp1, *sp2, *v;
	size_t mlen, vlen;

	sp1 = memchr(l, ' ', len);
	if (sp1 == NULL)
		return fail(why, "no space in request line", -EINVAL);
	mlen = (size_t)(sp1 - l);
	if (!is_token(l, mlen))
		return fail(why, mlen ? "bad byte in method" : "empty method", -EINVAL);
	{
		size_t keep = mlen < sizeof(req->method_name) ?
			mlen : sizeof(req->method_name) - 1;
		memcpy(req->method_name, l, keep);
		req->method_name[keep] = '\0';
	}
	req->method = HTTP_M_UNKNOWN;
	/* Methods are case-sensitive (RFC 9110 sec. 9.1): "get" is unknown. */
	for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++)
		if (strlen(http_methods[i].name) == mlen &&
		    memcmp(http_methods[i].name, l, mlen) == 0)
			req->method = http_methods[i].method;

	sp2 = memchr(sp1 + 1, ' ', len - mlen - 1);
	if (sp2 == NULL)
		return fail(why, "no HTTP version", -EINVAL);
	v = sp2 + 1;
	vlen = (size_t)(l + len - v);
	/* HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (sec. 2.3) */
	if (vlen != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return fail(why, "bad HTTP version", -EINVAL);
	if (v[5] != '1')
		return fail(why, "HTTP major version not 1", -EPROTONOSUPPORT);
	/* 1.2 and later minors are answered as 1.1 (RFC 9110 sec. 2.5). */
	req->minor = v[7] == '0' ? 0 : 1;

	return parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), req, why);
}

/* Connection: a comma-separated list of tokens (RFC 9110 sec. 7.6.1). */
static void parse_connection(const uint8_t *v, size_t len, int *close_seen,
			     int *ka_seen)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i, n;
		const uint8_t *tok;

		while (i < len && v[i] != ',')
			i++;
		tok = v + start;
		n = i - start;
		trim_ows(&tok, &n);
		if (token_eq(tok, n, "close"))
			*close_seen = 1;
		else if (token_eq(tok, n, "keep-alive"))
			*ka_seen = 1;
		i++;   /* past the comma */
	}
}

/* State that lives only while one head is parsed. */
struct fields_seen {
	int hosts;
	int ranges;
	int has_te;
	int close_seen, ka_seen;
};

static int parse_field(const uint8_t *l, size_t len, struct http_request *req,
		       struct fields_seen *s, const char **why)
{
	const uint8_t *colon, *v;
	size_t nlen, vlen;

	if (l[0] == ' ' || l[0] == '\t')
		return fail(why, "obs-fold line", -EINVAL);
	colon = memchr(l, ':', len);
	if (colon == NULL)
		return fail(why, "header without colon", -EINVAL);
	nlen = (size_t)(colon - l);
	/* Also refuses "Name :" (RFC 9112 sec. 5.1: MUST answer 400). */
	if (!is_token(l, nlen))
		return fail(why, nlen ? "bad byte in header name" : "empty header name",
			    -EINVAL);
	v = colon + 1;
	vlen = len - nlen - 1;
	for (size_t i = 0; i < vlen; i++)
		if ((v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
			return fail(why, "control byte in header value", -EINVAL);
	trim_ows(&v, &vlen);

	if (token_eq(l, nlen, "host")) {
		s->hosts++;
	} else if (token_eq(l, nlen, "connection")) {
		parse_connection(v, vlen, &s->close_seen, &s->ka_seen);
	} else if (token_eq(l, nlen, "content-length")) {
		uint64_t n;

		/* 1*DIGIT (RFC 9110 sec. 8.6), any value a uint64_t holds */
		if (nb_parse_u64((const char *)v, vlen, UINT64_MAX, &n) < 0)
			return fail(why, "bad Content-Length", -EINVAL);
		if (req->has_content_length && req->content_length != n)
			return fail(why, "conflicting Content-Length", -EINVAL);
		req->has_content_length = 1;
		req->content_length = n;
	} else if (token_eq(l, nlen, "transfer-encoding")) {
		s->has_te = 1;
	} else if (token_eq(l, nlen, "range")) {
		s->ranges++;
		if (vlen < sizeof(req->range)) {
			memcpy(req->range, v, vlen);
			req->range[vlen] = '\0';
			req->has_range = 1;
		}
	} else if (token_eq(l, nlen, "if-range")) {
		req->has_if_range = 1;
		/* Only a date can match (we send no ETag); anything else
		 * stays "" and never matches. */
		if (vlen == HTTP_DATE_LEN) {
			memcpy(req->if_range, v, vlen);
			req->if_range[vlen] = '\0';
		}
	} else if (token_eq(l, nlen, "if-modified-since")) {
		time_t t;

		/* An invalid date is ignored (RFC 9110 sec. 13.1.3). */
		if (http_date_parse((const char *)v, vlen, &t) == 0) {
			req->has_ims = 1;
			req->if_modified_since = t;
		}
	}
	return 0;
}

void http_scan_init(struct http_scan *s)
{
	memset(s, 0, sizeof(*s));
}

/* Find the end of the head, resuming where the last call stopped: every
 * byte is searched for its LF once, however the head was split into reads
 * (a head sent line by line, or byte by byte, costs what one read costs).
 * 0 with s->end set when the blank line arrived, -EAGAIN, or an error. */
static int head_scan(struct http_scan *s, const uint8_t *buf, size_t len,
		     const char **why)
{
	size_t llen;
	long lf;
	int r;

	/* Empty lines before the request line. A lone CR at the end may yet
	 * become one: wait for the next byte. */
	while (s->phase == SCAN_LEADING) {
		size_t st = s->start;

		if (st >= len || (buf[st] == '\r' && st + 1 >= len))
			return -EAGAIN;
		if (buf[st] == '\n')
			s->start = st + 1;
		else if (buf[st] == '\r' && buf[st + 1] == '\n')
			s->start = st + 2;
		else {
			s->phase = SCAN_REQUEST_LINE;
			s->line = s->seen = st;
			break;
		}
		if (++s->empty > HTTP_LEADING_EMPTY_MAX)
			return fail(why, "empty lines before request", -EINVAL);
	}

	if (s->phase == SCAN_REQUEST_LINE) {
		/* Bounded on its own, 414 beyond (RFC 9112 sec. 3). */
		lf = find_lf(buf, len, s->seen, s->start + HTTP_LINE_MAX + 2 - s->seen);
		if (lf < 0) {
			if (len - s->start >= HTTP_LINE_MAX + 2)
				return fail(why, "request line too long", -ENAMETOOLONG);
			s->seen = len;
			return -EAGAIN;
		}
		r = line_len(buf, s->start, (size_t)lf, &llen);
		if (r < 0)
			return fail(why, "bare CR in request line", r);
		if (llen > HTTP_LINE_MAX)
			return fail(why, "request line too long", -ENAMETOOLONG);
		if (llen == 0)
			return fail(why, "empty request line", -EINVAL);
		s->line_end = (size_t)lf;
		s->line = s->seen = (size_t)lf + 1;
		s->phase = SCAN_FIELDS;
	}

	/* Header lines, up to the blank one, within HTTP_HEAD_MAX bytes and
	 * HTTP_FIELDS_MAX lines (431 beyond either, RFC 6585 sec. 5). */
	for (;;) {
		if (s->line >= HTTP_HEAD_MAX || s->seen >= HTTP_HEAD_MAX)
			return fail(why, "header section too large", -EMSGSIZE);
		lf = find_lf(buf, len, s->seen, HTTP_HEAD_MAX - s->seen);
		if (lf < 0) {
			if (len >= HTTP_HEAD_MAX)
				return fail(why, "header section too large",
					    -EMSGSIZE);
			s->seen = len;
			return -EAGAIN;
		}
		r = line_len(buf, s->line, (size_t)lf, &llen);
		if (r < 0)
			return fail(why, "bare CR in header", r);
		if (llen == 0) {
			s->end = (size_t)lf + 1;
			return 0;
		}
		if (++s->fields > HTTP_FIELDS_MAX)
			return fail(why, "too many header fields", -EMSGSIZE);
		s->line = s->seen = (size_t)lf + 1;
	}
}

/* The head buf[0..s->end) is complete: parse it, once, front to back. */
static int head_parse(const struct http_scan *s, const uint8_t *buf,
		      struct http_request *ret_req, const char **why)
{
	struct http_request req;
	struct fields_seen hs = { 0 };
	size_t pos, flen;
	long lf;
	int r;

	memset(&req, 0, sizeof(req));
	r = parse_request_line(buf + s->start, s->line_end - s->start -
			       (buf[s->line_end - 1] == '\r'), &req, why);
	if (r < 0)
		return r;

	pos = s->line_end + 1;
	while (pos < s->end) {
		lf = find_lf(buf, s->end, pos, s->end - pos);
		/* head_scan checked every line up to end: LF, no bare CR. */
		flen = (size_t)lf - pos - (buf[lf - 1] == '\r');
		if (flen == 0)
			break;
		r = parse_field(buf + pos, flen, &req, &hs, why);
		if (r < 0)
			return r;
		pos = (size_t)lf + 1;
	}

	if (req.minor == 1 && hs.hosts == 0)
		return fail(why, "HTTP/1.1 without Host", -EINVAL);   /* sec. 3.2 */
	if (hs.hosts > 1)
		return fail(why, "more than one Host", -EINVAL);
	req.has_host = hs.hosts == 1;
	/* Two Range fields: ignore both rather than pick one. */
	if (hs.ranges > 1)
		req.has_range = 0;
	if (hs.has_te) {
		/* RFC 9112 sec. 6.1: both present is a smuggling attempt or a
		 * broken proxy; either way the framing is unknown. */
		if (req.has_content_length)
			return fail(why, "Transfer-Encoding with Content-Length",
				    -EINVAL);
		if (req.minor == 0)
			return fail(why, "Transfer-Encoding in HTTP/1.0",
				    -EINVAL);
		return fail(why, "Transfer-Encoding not supported", -ENOTSUP);
	}
	if (req.minor == 1)
		req.keep_alive = !hs.close_seen;
	else
		req.keep_alive = hs.ka_seen && !hs.close_seen;
	req.head_len = s->end;
	*ret_req = req;
	return 0;
}

int http_request_parse_more(struct http_scan *s, const uint8_t *buf, size_t len,
			    struct http_request *ret_req, const char **why)
{
	int r = head_scan(s, buf, len, why);

	if (r < 0)
		return r;
	return head_parse(s, buf, ret_req, why);
}

int http_request_parse(const uint8_t *buf, size_t len,
		       struct http_request *ret_req, const char **why)
{
	struct http_scan s;

	http_scan_init(&s);
	return http_request_parse_more(&s, buf, len, ret_req, why);
}

int http_error_status(int err)
{
	for (size_t i = 0; i < sizeof(http_error_statuses) /
			sizeof(http_error_statuses[0]); i++)
		if (http_error_statuses[i].err == err)
			return http_error_statuses[i].status;
	return 400;
}

/* Digits, saturating at UINT64_MAX: "bytes=0-99999999999999999999999" is a
 * valid range ending at the last byte. 0 and *ret_v, -EINVAL when empty or
 * not a digit. */
static int parse_pos(const char *s, size_t len, uint64_t *ret_v)
{
	uint64_t v;
	int r = nb_parse_u64(s, len, UINT64_MAX, &v);

	if (r == -ERANGE) {
		/* too many digits, or too large: digits saturate */
		for (size_t i = 0; i < len; i++)
			if (!nb_is_digit(s[i]))
				return -EINVAL;
		v = UINT64_MAX;
	} else if (r < 0) {
		return -EINVAL;
	}
	*ret_v = v;
	return 0;
}

int http_range_parse(const char *val, size_t len, uint64_t size,
		     uint64_t *ret_first, uint64_t *ret_last)
{
	const uint8_t *p = (const uint8_t *)val;
	const char *spec, *dash;
	size_t n;
	uint64_t first, last;

	/* range-unit is case-insensitive (RFC 9110 sec. 14.1). */
	if (len < 6 || !token_eq(p, 6, "bytes="))
		return -EINVAL;
	p += 6;
	n = len - 6;
	trim_ows(&p, &n);
	spec = (const char *)p;
	/* One range only: a multi-range answer (multipart/byteranges) buys a
	 * boot client nothing, and sec. 14.2 lets us ignore the header. */
	if (n == 0 || memchr(spec, ',', n) != NULL)
		return -EINVAL;
	dash = memchr(spec, '-', n);
	if (dash == NULL)
		return -EINVAL;

	if (dash == spec) {
		/* suffix-range "-n" (sec. 14.1.2) */
		uint64_t suffix;

		if (parse_pos(dash + 1, n - 1, &suffix) < 0)
			return -EINVAL;
		if (suffix == 0 || size == 0)
			return -ERANGE;
		first = suffix >= size ? 0 : size - suffix;
		last = size - 1;
	} else {
		size_t flen = (size_t)(dash - spec), llen = n - flen - 1;

		if (parse_pos(spec, flen, &first) < 0)
			return -EINVAL;
		if (llen == 0) {
			last = UINT64_MAX;
		} else {
			if (parse_pos(dash + 1, llen, &last) < 0)
				return -EINVAL;
			/* last < first makes the range invalid, not
			 * unsatisfiable (sec. 14.1.1): ignore it. */
			if (last < first)
				return -EINVAL;
		}
		if (first >= size)
			return -ERANGE;
		if (last > size - 1)
			last = size - 1;
	}
	*ret_first = first;
	*ret_last = last;
	return 0;
}

int http_conditional(const struct http_request *req, const struct http_rep *rep,
		     uint64_t *ret_first, uint64_t *ret_last)
{
	uint64_t first, last;
	char lm[HTTP_DATE_LEN + 1];
	int r;

	/* Step 4: the client's copy is current. */
	if (rep->has_mtime && req->has_ims && rep->mtime <= req->if_modified_since)
		return 304;
	/* Step 5: a Range counts only when If-Range, if any, names our
	 * Last-Modified exactly (a date is a weak validator otherwise, sec.
	 * 13.1.5); a rendered document has no date to match. */
	if (req->has_range && req->has_if_range) {
		if (!rep->has_mtime)
			goto whole;
		http_date_format(rep->mtime, lm);
		if (strcmp(req->if_range, lm) != 0)
			goto whole;
	}
	if (req->has_range) {
		r = http_range_parse(req->range, strlen(req->range), rep->size,
				     &first, &last);
		if (r == -ERANGE)
			return 416;
		if (r == 0) {
			*ret_first = first;
			*ret_last = last;
			return 206;
		}
		/* -EINVAL: not a range we serve; the whole of it. */
	}
whole:
	*ret_first = 0;
	*ret_last = rep->size ? rep->size - 1 : 0;
	return 200;
}

static int two_digits(const char *s, int *ret_v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -EINVAL;
	*ret_v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT
 *             "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 sec. 5.6.7) */
int http_date_parse(const char *s, size_t len, time_t *ret_t)
{
	struct tm tm;
	int mday, mon = -1, year_hi, year_lo, hh, mm, ss, day_ok = 0;
	time_t t;

	if (len != HTTP_DATE_LEN)
		return -EINVAL;
	for (int i = 0; i < 7; i++)
		if (memcmp(s, day_names[i], 3) == 0)
			day_ok = 1;
	if (!day_ok || memcmp(s + 3, ", ", 2) != 0 || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    memcmp(s + 25, " GMT", 4) != 0)
		return -EINVAL;
	for (int i = 0; i < 12; i++)
		if (memcmp(s + 8, month_names[i], 3) == 0)
			mon = i;
	if (mon < 0 || two_digits(s + 5, &mday) < 0 ||
	    two_digits(s + 12, &year_hi) < 0 || two_digits(s + 14, &year_lo) < 0 ||
	    two_digits(s + 17, &hh) < 0 || two_digits(s + 20, &mm) < 0 ||
	    two_digits(s + 23, &ss) < 0)
		return -EINVAL;
	/* 60 seconds: a leap second is a valid time-of-day (sec. 5.6.7). */
	/* Before 1970 is no file's mtime here, and http_date_format would
	 * not give it back. */
	if (mday < 1 || mday > 31 || hh > 23 || mm > 59 || ss > 60 ||
	    year_hi * 100 + year_lo < 1970)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year_hi * 100 + year_lo - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = mday;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*ret_t = t;
	return 0;
}

/* v as exactly n decimal digits (v < 10^n is the caller's promise). */
static void put_digits(char *out, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void http_date_format(time_t t, char out[HTTP_DATE_LEN + 1])
{
	struct tm tm;

	/* Not strftime: %a and %b follow the locale, HTTP dates do not.
	 * A time gmtime cannot express, or one past year 9999, is sent as
	 * the epoch rather than as a malformed date. */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
	    tm.tm_year < 0) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	memcpy(out, day_names[tm.tm_wday], 3);
	memcpy(out + 3, ", ", 2);
	put_digits(out + 5, (unsigned)tm.tm_mday, 2);
	out[7] = ' ';
	memcpy(out + 8, month_names[tm.tm_mon], 3);
	out[11] = ' ';
	put_digits(out + 12, (unsigned)tm.tm_year + 1900, 4);
	out[16] = ' ';
	put_digits(out + 17, (unsigned)tm.tm_hour, 2);
	out[19] = ':';
	put_digits(out + 20, (unsigned)tm.tm_min, 2);
	out[22] = ':';
	put_digits(out + 23, (unsigned)tm.tm_sec, 2);
	memcpy(out + 25, " GMT", 5);   /* with the NUL */
}

const char *http_method_name(enum http_method m)
{
	for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++)
		if (http_methods[i].method == m)
			return http_methods[i].name;
	return "?";
}

const char *http_status_text(int status)
{
	for (size_t i = 0; i < sizeof(http_statuses) / sizeof(http_statuses[0]); i++)
		if (http_statuses[i].status == status)
			return http_statuses[i].text;
	return NULL;
}

const char *http_content_type(const char *path)
{
	size_t plen = strlen(path);

	for (size_t i = 0; i < sizeof(http_types) / sizeof(http_types[0]); i++) {
		size_t elen = strlen(http_types[i].ext);

		if (plen > elen && strcmp(path + plen - elen, http_types[i].ext) == 0)
			return http_types[i].type;
	}
	return "application/octet-stream";
}

int http_head_format(const struct http_head *h, char *out, size_t cap,
		     size_t *ret_len)
{
	const char *text = http_status_text(h->status);
	char date[HTTP_DATE_LEN + 1];
	size_t n = 0;
	int w;

	if (text == NULL)
		return -EINVAL;

/* Append to out; any truncation is -ENOSPC. */
#define APPEND(...) do {						\
		w = snprintf(out + n, cap - n, __VA_ARGS__);		\
		if (w < 0 || (size_t)w >= cap - n)			\
			return -ENOSPC;					\
		n += (size_t)w;						\
	} while (0)

	if (cap == 0)
		return -ENOSPC;
	/* We always speak 1.1, whatever minor the client used (RFC 9110
	 * sec. 2.5); Connection below tells a 1.0 client what to expect. */
	APPEND("HTTP/1.1 %d %s\r\n", h->status, text);
	http_date_format(h->now, date);
	APPEND("Date: %s\r\nServer: netbootd\r\n", date);
	if (h->content_type)
		APPEND("Content-Type: %s\r\n", h->content_type);
	if (!h->omit_length)
		APPEND("Content-Length: %llu\r\n",
		       (unsigned long long)h->content_length);
	if (h->has_last_modified) {
		http_date_format(h->last_modified, date);
		APPEND("Last-Modified: %s\r\n", date);
	}
	if (h->has_content_range)
		APPEND("Content-Range: bytes %llu-%llu/%llu\r\n",
		       (unsigned long long)h->range_first,
		       (unsigned long long)h->range_last,
		       (unsigned long long)h->full_size);
	else if (h->unsatisfied_range)
		APPEND("Content-Range: bytes */%llu\r\n",
		       (unsigned long long)h->full_size);
	if (h->accept_ranges)
		APPEND("Accept-Ranges: bytes\r\n");
	if (h->allow)
		APPEND("Allow: GET, HEAD\r\n");
	if (!h->keep_alive)
		APPEND("Connection: close\r\n");
	else if (h->minor == 0)
		APPEND("Connection: keep-alive\r\n");
	APPEND("\r\n");
#undef APPEND
	*ret_len = n;
	return 0;
}
