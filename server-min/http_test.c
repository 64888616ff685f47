/* http_test.c: table-driven tests of http_proto.c (request parser, Range,
 * dates, response heads). Each table row carries its source line so that a
 * failure names the row, iPXE-style. Dates are checked against libc's
 * strftime/strptime in the C locale, the reference implementation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "server-min/http_proto.h"

#define ROW __LINE__

static int parse_str(const char *s, struct http_request *req, const char **why)
{
	return http_request_parse((const uint8_t *)s, strlen(s), req, why);
}

/* --- whole requests ------------------------------------------------------ */

struct req_case {
	int line;
	const char *in;
	int ret;                 /* 0, -EAGAIN or the error */
	enum http_method method;
	const char *path;
	const char *query;       /* NULL: none */
	int keep_alive;
	int minor;
};

#define RQ(in, m, path, query, ka, minor) \
	{ __LINE__, in, 0, m, path, query, ka, minor }
#define RQ_ERR(in, err) { __LINE__, in, err, HTTP_M_UNKNOWN, NULL, NULL, 0, 0 }

static const struct req_case req_cases[] = {
	RQ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/", NULL, 1, 1),
	RQ("HEAD /boot/vmlinuz-lts HTTP/1.1\r\nHost: x\r\n\r\n",
	  HTTP_M_HEAD, "/boot/vmlinuz-lts", NULL, 1, 1),
	/* iPXE asks for the per-MAC script this way */
	RQ("GET /boot.ipxe?mac=52-54-00-12-34-56 HTTP/1.1\r\nHost: 198.18.0.1\r\n"
	  "Connection: keep-alive\r\n\r\n", HTTP_M_GET, "/boot.ipxe",
	  "mac=52-54-00-12-34-56", 1, 1),
	RQ("GET /a?b=%41 HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/a",
	  "b=%41", 1, 1),
	RQ("GET /a? HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/a", "", 1, 1),
	/* percent-decoding, once */
	RQ("GET /%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET,
	  "/../x", NULL, 1, 1),
	RQ("GET /..%2fetc HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET,
	  "/../etc", NULL, 1, 1),
	RQ("GET /%252e HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/%2e",
	  NULL, 1, 1),
	RQ("GET /a%20b%5C HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET,
	  "/a b\\", NULL, 1, 1),
	RQ_ERR("GET /%00x HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /%0 HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	/* absolute-form (RFC 9112 sec. 3.2.2) */
	RQ("GET http://198.18.0.1/boot.plan?mac=1 HTTP/1.1\r\nHost: x\r\n\r\n",
	  HTTP_M_GET, "/boot.plan", "mac=1", 1, 1),
	RQ("GET HTTP://host HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/",
	  NULL, 1, 1),
	RQ("GET http://host?q HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/",
	  "q", 1, 1),
	RQ_ERR("GET x HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET * HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_OPTIONS, "*",
	  NULL, 1, 1),
	RQ("CONNECT host:443 HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_CONNECT,
	  "*", NULL, 1, 1),
	/* methods: known ones parse (the server answers 405), others too (501) */
	RQ("POST /x HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_POST, "/x", NULL, 1, 1),
	RQ("DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_DELETE, "/x", NULL, 1, 1),
	RQ("BREW /x HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_UNKNOWN, "/x", NULL, 1, 1),
	RQ("get /x HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_UNKNOWN, "/x", NULL, 1, 1),
	RQ_ERR("G(T /x HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR(" /x HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	/* versions and keep-alive defaults (RFC 9112 sec. 9.3) */
	RQ("GET /x HTTP/1.0\r\n\r\n", HTTP_M_GET, "/x", NULL, 0, 0),
	RQ("GET /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", HTTP_M_GET,
	  "/x", NULL, 1, 0),
	RQ("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	  HTTP_M_GET, "/x", NULL, 0, 1),
	RQ("GET /x HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n",
	  HTTP_M_GET, "/x", NULL, 0, 1),
	RQ("GET /x HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\n\r\n",
	  HTTP_M_GET, "/x", NULL, 1, 1),
	RQ("GET /x HTTP/1.9\r\nHost: x\r\n\r\n", HTTP_M_GET, "/x", NULL, 1, 1),
	RQ_ERR("GET /x HTTP/2.0\r\nHost: x\r\n\r\n", -EPROTONOSUPPORT),
	RQ_ERR("GET /x HTTP/0.9\r\n\r\n", -EPROTONOSUPPORT),
	RQ_ERR("GET /x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x http/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.10\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET  /x HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1 \r\nHost: x\r\n\r\n", -EINVAL),
	/* Host (RFC 9112 sec. 3.2) */
	RQ_ERR("GET /x HTTP/1.1\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -EINVAL),
	RQ("GET /x HTTP/1.1\r\nhOsT:\r\n\r\n", HTTP_M_GET, "/x", NULL, 1, 1),
	/* line endings (RFC 9112 sec. 2.2) */
	RQ("GET /x HTTP/1.1\nHost: x\n\n", HTTP_M_GET, "/x", NULL, 1, 1),
	RQ("\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_M_GET, "/x",
	  NULL, 1, 1),
	RQ_ERR("\r\n\r\n\r\n\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x\r HTTP/1.1\r\nHost: x\r\n\r\n", -EINVAL),
	RQ_ERR("\r", -EAGAIN),
	/* header syntax (RFC 9112 sec. 5) */
	RQ_ERR("GET /x HTTP/1.1\r\nHost : x\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nX: a\001b\r\n\r\n", -EINVAL),
	RQ("GET /x HTTP/1.1\r\nHost: x\r\nX: a\tb\r\n\r\n", HTTP_M_GET, "/x",
	  NULL, 1, 1),
	RQ("GET /x HTTP/1.1\r\nHost: x\r\nUser-Agent: iPXE/1.21.1+ (g4bd0)\r\n\r\n",
	  HTTP_M_GET, "/x", NULL, 1, 1),
	/* framing (RFC 9112 sec. 6) */
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	  "Content-Length: 5\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
	  -ENOTSUP),
	RQ_ERR("GET /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	  "Content-Length: 6\r\n\r\n", -EINVAL),
	RQ("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	  "Content-Length: 5\r\n\r\n", HTTP_M_GET, "/x", NULL, 1, 1),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1,1\r\n\r\n", -EINVAL),
	RQ_ERR("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
	  -EINVAL),
	/* incomplete heads */
	RQ_ERR("", -EAGAIN),
	RQ_ERR("GET / HTTP/1.1", -EAGAIN),
	RQ_ERR("GET / HTTP/1.1\r\nHost: x\r\n", -EAGAIN),
	RQ_ERR("GET / HTTP/1.1\r\nHost: x\r\n\r", -EAGAIN),
};

static void test_requests(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		const struct req_case *c = &req_cases[i];
		struct http_request req;
		const char *why = NULL;
		int r;

		memset(&req, 0xa5, sizeof(req));
		r = parse_str(c->in, &req, &why);
		if (r != c->ret) {
			print_error("http_test.c:%d: got %d (%s), want %d\n", c->line,
				    r, why ? why : "", c->ret);
			fail();
		}
		if (r != 0) {
			/* ret_req untouched on failure */
			assert_int_equal(((uint8_t *)&req)[0], 0xa5);
			if (r != -EAGAIN && why == NULL) {
				print_error("http_test.c:%d: no reason\n", c->line);
				fail();
			}
			continue;
		}
		if (req.method != c->method || strcmp(req.path, c->path) != 0 ||
		    req.keep_alive != c->keep_alive || req.minor != c->minor ||
		    req.has_query != (c->query != NULL) ||
		    (c->query && strcmp(req.query, c->query) != 0) ||
		    req.head_len != strlen(c->in)) {
			print_error("http_test.c:%d: got method %d path '%s' query %d '%s' "
				    "ka %d minor %d head_len %zu\n", c->line,
				    req.method, req.path, req.has_query,
				    req.has_query ? req.query : "", req.keep_alive,
				    req.minor, req.head_len);
			fail();
		}
	}
}

/* The fields a server acts on, beyond the request line. */
static void test_fields(void **state)
{
	struct http_request req;
	const char *in = "GET /f HTTP/1.1\r\nHost: h\r\nRange:  bytes=0-99 \r\n"
		"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		"If-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		"Content-Length: 0\r\n\r\nGET /next";

	(void)state;
	assert_int_equal(parse_str(in, &req, NULL), 0);
	assert_int_equal(req.has_host, 1);
	assert_int_equal(req.has_range, 1);
	assert_string_equal(req.range, "bytes=0-99");
	assert_int_equal(req.has_ims, 1);
	assert_int_equal(req.if_modified_since, 784111777);
	assert_int_equal(req.has_if_range, 1);
	assert_string_equal(req.if_range, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(req.has_content_length, 1);
	assert_int_equal(req.content_length, 0);
	/* a pipelined request stays for the next call */
	assert_int_equal(req.head_len, strlen(in) - strlen("GET /next"));

	/* An invalid date is ignored, not an error (RFC 9110 sec. 13.1.3);
	 * two Range fields cancel each other. */
	assert_int_equal(parse_str("GET /f HTTP/1.1\r\nHost: h\r\n"
				   "If-Modified-Since: yesterday\r\n"
				   "Range: bytes=0-1\r\nRange: bytes=2-3\r\n\r\n",
				   &req, NULL), 0);
	assert_int_equal(req.has_ims, 0);
	assert_int_equal(req.has_range, 0);
	assert_int_equal(req.has_if_range, 0);
}

/* Bounds: 414 for the request line, 431 for the head; both exactly at the
 * limit still parse. */
static void test_bounds(void **state)
{
	size_t cap = HTTP_HEAD_MAX + 64;
	char *buf = malloc(cap);
	struct http_request req;
	const char *why;
	size_t n;

	(void)state;
	assert_non_null(buf);

	/* request line of exactly HTTP_LINE_MAX bytes: fine, path too long */
	n = 0;
	memcpy(buf, "GET /", 5);
	n = 5;
	memset(buf + n, 'a', HTTP_LINE_MAX - 5 - 9);
	n += HTTP_LINE_MAX - 5 - 9;
	memcpy(buf + n, " HTTP/1.1", 9);
	n += 9;
	assert_int_equal(n, HTTP_LINE_MAX);
	memcpy(buf + n, "\r\nHost: x\r\n\r\n", 13);
	assert_int_equal(http_request_parse((uint8_t *)buf, n + 13, &req, &why),
			 -ENAMETOOLONG);   /* the path, past HTTP_PATH_MAX */
	assert_string_equal(why, "path too long");

	/* one byte more in the line: 414 for the line itself */
	memmove(buf + 6, buf + 5, n + 13 - 5);
	assert_int_equal(http_request_parse((uint8_t *)buf, n + 14, &req, &why),
			 -ENAMETOOLONG);
	assert_string_equal(why, "request line too long");
	/* ...even before its end arrives */
	assert_int_equal(http_request_parse((uint8_t *)buf, HTTP_LINE_MAX + 2,
					    &req, &why), -ENAMETOOLONG);
	assert_int_equal(http_request_parse((uint8_t *)buf, HTTP_LINE_MAX + 1,
					    &req, &why), -EAGAIN);

	/* a query over HTTP_QUERY_MAX */
	n = (size_t)snprintf(buf, cap, "GET /?%0*d HTTP/1.1\r\nHost: x\r\n\r\n",
			     HTTP_QUERY_MAX, 0);
	assert_int_equal(http_request_parse((uint8_t *)buf, n, &req, &why),
			 -ENAMETOOLONG);

	/* a head of exactly HTTP_HEAD_MAX bytes parses (in lines of 200
	 * bytes: under the HTTP_FIELDS_MAX cap) */
	n = (size_t)snprintf(buf, cap, "GET / HTTP/1.1\r\nHost: x\r\n");
	while (n + 200 + 2 <= HTTP_HEAD_MAX) {
		memcpy(buf + n, "X: ", 3);
		memset(buf + n + 3, 'v', 195);
		memcpy(buf + n + 198, "\r\n", 2);
		n += 200;
	}
	{
		size_t pad = HTTP_HEAD_MAX - n - 2 - 5;   /* "Y: " + "\r\n" */
		memcpy(buf + n, "Y: ", 3);
		memset(buf + n + 3, 'p', pad);
		memcpy(buf + n + 3 + pad, "\r\n\r\n", 4);
		n += 3 + pad + 4;
	}
	assert_int_equal(n, HTTP_HEAD_MAX);
	assert_int_equal(http_request_parse((uint8_t *)buf, n, &req, &why), 0);
	assert_int_equal(req.head_len, HTTP_HEAD_MAX);

	/* one byte more: 431, and the same with the end not yet seen */
	memmove(buf + 20, buf + 19, n - 19);
	assert_int_equal(http_request_parse((uint8_t *)buf, n + 1, &req, &why),
			 -EMSGSIZE);
	assert_int_equal(http_request_parse((uint8_t *)buf, HTTP_HEAD_MAX, &req,
					    &why), -EMSGSIZE);
	assert_int_equal(http_request_parse((uint8_t *)buf, HTTP_HEAD_MAX - 1,
					    &req, &why), -EAGAIN);
	free(buf);
}

/* Fed byte by byte (a slow client), a head is incomplete until its last
 * byte, then parses the same as in one piece. */
static void test_incremental(void **state)
{
	const char *in = "GET /boot/initramfs-virt HTTP/1.1\r\nHost: a\r\n"
		"Range: bytes=-5\r\n\r\n";
	struct http_request req;
	struct http_scan s;

	(void)state;
	for (size_t n = 0; n < strlen(in); n++)
		assert_int_equal(http_request_parse((const uint8_t *)in, n, &req,
						    NULL), -EAGAIN);
	assert_int_equal(parse_str(in, &req, NULL), 0);
	assert_string_equal(req.path, "/boot/initramfs-virt");
	assert_string_equal(req.range, "bytes=-5");

	/* The same with the scan kept between calls, as http.c does. */
	http_scan_init(&s);
	for (size_t n = 0; n < strlen(in); n++)
		assert_int_equal(http_request_parse_more(&s, (const uint8_t *)in,
							 n, &req, NULL), -EAGAIN);
	assert_int_equal(http_request_parse_more(&s, (const uint8_t *)in,
						 strlen(in), &req, NULL), 0);
	assert_string_equal(req.range, "bytes=-5");
}

/* Feed in[] to a kept scan in pieces ending at the cut points (ascending,
 * the last one strlen(in)): the first result that is not -EAGAIN, and the
 * request it gave. */
static int parse_split(const char *in, const size_t *cuts, size_t ncuts,
		       struct http_request *req, const char **why)
{
	struct http_scan s;
	int r = -EAGAIN;

	http_scan_init(&s);
	for (size_t i = 0; i < ncuts && r == -EAGAIN; i++)
		r = http_request_parse_more(&s, (const uint8_t *)in, cuts[i],
					    req, why);
	return r;
}

static int same_request(const struct http_request *a, const struct http_request *b)
{
	return a->method == b->method && strcmp(a->path, b->path) == 0 &&
	       a->has_query == b->has_query &&
	       (!a->has_query || strcmp(a->query, b->query) == 0) &&
	       a->keep_alive == b->keep_alive && a->minor == b->minor &&
	       a->has_range == b->has_range && a->head_len == b->head_len &&
	       a->has_content_length == b->has_content_length;
}

/* Every row of req_cases, fed 1 byte at a time and in random pieces (fixed
 * seed: a failure is reproducible), gives what the whole input gives: the
 * same status, the same reason, the same request. */
static void test_split_points(void **state)
{
	static size_t cuts[HTTP_HEAD_MAX + 1];
	unsigned seed = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		const struct req_case *c = &req_cases[i];
		size_t len = strlen(c->in);
		struct http_request whole, split;
		const char *why_whole = NULL, *why_split = NULL;
		int rw = parse_str(c->in, &whole, &why_whole);

		for (int round = 0; round < 50; round++) {
			size_t n = 0;
			int r;

			/* round 0: every byte; then random cut points */
			for (size_t at = 1; at <= len; at++) {
				seed = seed * 1103515245u + 12345u;
				if (round == 0 || at == len || (seed >> 16) % 4 == 0)
					cuts[n++] = at;
			}
			if (len == 0)
				cuts[n++] = 0;
			r = parse_split(c->in, cuts, n, &split, &why_split);
			if (r != rw || (r < 0 && r != -EAGAIN &&
					strcmp(why_whole, why_split) != 0) ||
			    (r == 0 && !same_request(&whole, &split))) {
				print_error("http_test.c:%d: round %d: split gives %d (%s), "
					    "whole %d (%s)\n", c->line, round, r,
					    why_split ? why_split : "", rw,
					    why_whole ? why_whole : "");
				fail();
			}
		}
	}
}

/* HTTP_FIELDS_MAX header lines parse; one more is 431, also when it comes
 * line by line. */
static void test_fields_cap(void **state)
{
	char *buf = malloc(HTTP_HEAD_MAX);
	struct http_request req;
	struct http_scan s;
	const char *why = NULL;
	size_t n, last_line = 0;
	int r = -EAGAIN;

	(void)state;
	assert_non_null(buf);
	n = (size_t)snprintf(buf, HTTP_HEAD_MAX, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 1; i < HTTP_FIELDS_MAX; i++)
		n += (size_t)snprintf(buf + n, HTTP_HEAD_MAX - n, "X-%d: y\r\n", i);
	memcpy(buf + n, "\r\n", 2);
	assert_int_equal(http_request_parse((uint8_t *)buf, n + 2, &req, &why), 0);

	last_line = n;
	n += (size_t)snprintf(buf + n, HTTP_HEAD_MAX - n, "X-more: y\r\n\r\n");
	assert_int_equal(http_request_parse((uint8_t *)buf, n, &req, &why), -EMSGSIZE);
	assert_string_equal(why, "too many header fields");
	assert_int_equal(http_error_status(-EMSGSIZE), 431);

	/* Line by line: -EAGAIN up to the 100th, 431 at the 101st. */
	http_scan_init(&s);
	for (size_t at = 1; at <= n && r == -EAGAIN; at++)
		if (buf[at - 1] == '\n') {
			r = http_request_parse_more(&s, (uint8_t *)buf, at, &req, &why);
			if (at <= last_line)
				assert_int_equal(r, -EAGAIN);
		}
	assert_int_equal(r, -EMSGSIZE);
	free(buf);
}

static void test_error_status(void **state)
{
	(void)state;
	assert_int_equal(http_error_status(-EINVAL), 400);
	assert_int_equal(http_error_status(-ENAMETOOLONG), 414);
	assert_int_equal(http_error_status(-EMSGSIZE), 431);
	assert_int_equal(http_error_status(-ENOTSUP), 501);
	assert_int_equal(http_error_status(-EPROTONOSUPPORT), 505);
	assert_int_equal(http_error_status(-EIO), 400);
}

/* --- Range (RFC 9110 sec. 14) -------------------------------------------- */

struct range_case {
	int line;
	const char *val;
	uint64_t size;
	int ret;
	uint64_t first, last;
};

#define RG(val, size, first, last) { __LINE__, val, size, 0, first, last }
#define RG_ERR(val, size, err) { __LINE__, val, size, err, 0, 0 }

static const struct range_case range_cases[] = {
	RG("bytes=0-499", 10000, 0, 499),
	RG("bytes=500-999", 10000, 500, 999),
	RG("bytes=9500-", 10000, 9500, 9999),
	RG("bytes=-500", 10000, 9500, 9999),
	RG("bytes=-20000", 10000, 0, 9999),
	RG("bytes=0-0", 1, 0, 0),
	RG("bytes=0-99999", 10, 0, 9),
	RG("bytes=0-99999999999999999999999999", 10, 0, 9),
	RG("BYTES=1-2", 10, 1, 2),
	RG("bytes= 1-2 ", 10, 1, 2),
	RG("bytes=9-", 10, 9, 9),
	/* unsatisfiable: 416 */
	RG_ERR("bytes=10-", 10, -ERANGE),
	RG_ERR("bytes=10-20", 10, -ERANGE),
	RG_ERR("bytes=99999999999999999999999-", 10, -ERANGE),
	RG_ERR("bytes=-0", 10, -ERANGE),
	RG_ERR("bytes=-5", 0, -ERANGE),
	RG_ERR("bytes=0-", 0, -ERANGE),
	/* not understood: ignored, 200 */
	RG_ERR("bytes=5-4", 10, -EINVAL),
	RG_ERR("bytes=0-1,3-4", 10, -EINVAL),
	RG_ERR("bytes=", 10, -EINVAL),
	RG_ERR("bytes=-", 10, -EINVAL),
	RG_ERR("bytes=a-b", 10, -EINVAL),
	RG_ERR("bytes=1-b", 10, -EINVAL),
	RG_ERR("bytes=1", 10, -EINVAL),
	RG_ERR("bytes=+1-2", 10, -EINVAL),
	RG_ERR("bytes=1 -2", 10, -EINVAL),
	RG_ERR("items=0-1", 10, -EINVAL),
	RG_ERR("bytes", 10, -EINVAL),
	RG_ERR("", 10, -EINVAL),
};

static void test_ranges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
		const struct range_case *c = &range_cases[i];
		uint64_t first = 77, last = 77;
		int r = http_range_parse(c->val, strlen(c->val), c->size, &first,
					 &last);

		if (r != c->ret || (r == 0 && (first != c->first || last != c->last)) ||
		    (r != 0 && (first != 77 || last != 77))) {
			print_error("http_test.c:%d: got %d %llu-%llu\n", c->line, r,
				    (unsigned long long)first,
				    (unsigned long long)last);
			fail();
		}
	}
}

/* --- preconditions and Range (RFC 9110 sec. 13.2.2) ----------------------- */

/* Sun, 06 Nov 1994 08:49:37 GMT, the example date of RFC 9110 sec. 5.6.7 */
#define T94 784111777
#define D94 "Sun, 06 Nov 1994 08:49:37 GMT"
#define D95 "Mon, 06 Nov 1995 08:49:37 GMT"
#define D93 "Sat, 06 Nov 1993 08:49:37 GMT"

struct cond_case {
	int line;
	const char *fields;      /* header lines after Host */
	struct http_rep rep;
	int status;
	uint64_t first, last;    /* 200 and 206 */
};

#define FILE_(size) { size, 1, T94 }
#define RENDERED(size) { size, 0, T94 }
#define CD(fields, rep, status, first, last) \
	{ __LINE__, fields, rep, status, first, last }

#define IMS(date) "If-Modified-Since: " date "\r\n"
#define RANGE(r) "Range: bytes=" r "\r\n"
#define IF_RANGE(v) "If-Range: " v "\r\n"

static const struct cond_case cond_cases[] = {
	CD("", FILE_(10), 200, 0, 9),
	CD("", FILE_(0), 200, 0, 0),
	/* step 4: If-Modified-Since */
	CD(IMS(D94), FILE_(10), 304, 0, 0),
	CD(IMS(D95), FILE_(10), 304, 0, 0),
	CD(IMS(D93), FILE_(10), 200, 0, 9),
	CD(IMS("yesterday"), FILE_(10), 200, 0, 9),
	CD(IMS(D95), RENDERED(10), 200, 0, 9),
	/* ... before Range: a current copy is not sent a part */
	CD(IMS(D94) RANGE("0-1"), FILE_(10), 304, 0, 0),
	CD(IMS(D93) RANGE("0-1"), FILE_(10), 206, 0, 1),
	/* step 5: Range */
	CD(RANGE("2-5"), FILE_(10), 206, 2, 5),
	CD(RANGE("-3"), RENDERED(10), 206, 7, 9),
	CD(RANGE("10-"), FILE_(10), 416, 0, 0),
	CD(RANGE("0-"), FILE_(0), 416, 0, 0),
	CD(RANGE("0-1,4-5"), FILE_(10), 200, 0, 9),
	CD("Range: items=0-1\r\n", FILE_(10), 200, 0, 9),
	/* If-Range: only our exact Last-Modified keeps the Range */
	CD(RANGE("2-5") IF_RANGE(D94), FILE_(10), 206, 2, 5),
	CD(RANGE("2-5") IF_RANGE(D93), FILE_(10), 200, 0, 9),
	CD(RANGE("2-5") IF_RANGE("\"etag\""), FILE_(10), 200, 0, 9),
	CD(RANGE("2-5") IF_RANGE(D94), RENDERED(10), 200, 0, 9),
	CD(RANGE("10-") IF_RANGE(D93), FILE_(10), 200, 0, 9),
	CD(IF_RANGE(D94), FILE_(10), 200, 0, 9),
};

static void test_conditional(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cond_cases) / sizeof(cond_cases[0]); i++) {
		const struct cond_case *c = &cond_cases[i];
		struct http_request req;
		uint64_t first = 77, last = 77;
		char in[512];
		int r;

		snprintf(in, sizeof(in), "GET /f HTTP/1.1\r\nHost: x\r\n%s\r\n",
			 c->fields);
		if (parse_str(in, &req, NULL) != 0) {
			print_error("http_test.c:%d: request does not parse\n", c->line);
			fail();
		}
		r = http_conditional(&req, &c->rep, &first, &last);
		if (r != c->status ||
		    ((r == 200 || r == 206) && (first != c->first || last != c->last)) ||
		    ((r == 304 || r == 416) && (first != 77 || last != 77))) {
			print_error("http_test.c:%d: got %d %llu-%llu\n", c->line, r,
				    (unsigned long long)first, (unsigned long long)last);
			fail();
		}
	}
}

/* --- dates ----------------------------------------------------------------- */

static void test_dates(void **state)
{
	static const time_t times[] = {
		0, 784111777, 951782400 /* 2000-02-29 */, 1700000000,
		2147483647, 4102444800 /* 2100-01-01 */, 253402300799 /* 9999 */,
	};
	static const char *const bad[] = {
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sunday, 06-Nov-94 08:49:37 GMT",   /* RFC 850: not accepted */
		"Sun Nov  6 08:49:37 1994",         /* asctime: not accepted */
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nox 1994 08:49:37 GMT",
		"Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 19a4 08:49:37 GMT",
		"Sun, 06 Nov 0997 08:49:37 GMT",     /* before 1970 */
		"",
	};
	char out[HTTP_DATE_LEN + 1], ref[64];
	time_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		struct tm tm, back;

		http_date_format(times[i], out);
		gmtime_r(&times[i], &tm);
		strftime(ref, sizeof(ref), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		assert_string_equal(out, ref);
		assert_int_equal(http_date_parse(out, strlen(out), &t), 0);
		assert_int_equal(t, times[i]);
		/* strptime agrees on the fields */
		memset(&back, 0, sizeof(back));
		assert_non_null(strptime(out, "%a, %d %b %Y %H:%M:%S GMT", &back));
		assert_int_equal(timegm(&back), times[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 42;
		assert_int_equal(http_date_parse(bad[i], strlen(bad[i]), &t), -EINVAL);
		assert_int_equal(t, 42);
	}
}

/* --- tables and heads ------------------------------------------------------ */

static void test_tables(void **state)
{
	(void)state;
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(416), "Range Not Satisfiable");
	assert_string_equal(http_status_text(431), "Request Header Fields Too Large");
	assert_null(http_status_text(418));
	assert_string_equal(http_method_name(HTTP_M_HEAD), "HEAD");
	assert_string_equal(http_method_name(HTTP_M_UNKNOWN), "?");
	assert_string_equal(http_content_type("/boot.ipxe"),
			    "text/plain; charset=utf-8");
	assert_string_equal(http_content_type("/x.apkovl.tar.gz"), "application/gzip");
	assert_string_equal(http_content_type("/boot/vmlinuz-lts"),
			    "application/octet-stream");
	assert_string_equal(http_content_type(".gz"), "application/octet-stream");
}

struct head_case {
	int line;
	struct http_head h;
	const char *want;
};

static const struct head_case head_cases[] = {
	{ ROW, { .status = 200, .now = 784111777, .content_type = "text/plain",
		 .content_length = 12, .has_last_modified = 1, .last_modified = 0,
		 .accept_ranges = 1, .keep_alive = 1, .minor = 1 },
	  "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	  "Server: netbootd\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
	  "Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
	  "Accept-Ranges: bytes\r\n\r\n" },
	{ ROW, { .status = 206, .now = 0, .content_length = 500,
		 .has_content_range = 1, .range_first = 9500, .range_last = 9999,
		 .full_size = 10000, .keep_alive = 1, .minor = 0 },
	  "HTTP/1.1 206 Partial Content\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
	  "Server: netbootd\r\nContent-Length: 500\r\n"
	  "Content-Range: bytes 9500-9999/10000\r\nConnection: keep-alive\r\n\r\n" },
	{ ROW, { .status = 416, .now = 0, .unsatisfied_range = 1, .full_size = 10,
		 .keep_alive = 0, .minor = 1 },
	  "HTTP/1.1 416 Range Not Satisfiable\r\n"
	  "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\nServer: netbootd\r\n"
	  "Content-Length: 0\r\nContent-Range: bytes */10\r\n"
	  "Connection: close\r\n\r\n" },
	{ ROW, { .status = 304, .now = 0, .omit_length = 1, .content_length = 9,
		 .has_last_modified = 1, .last_modified = 0, .keep_alive = 1,
		 .minor = 1 },
	  "HTTP/1.1 304 Not Modified\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
	  "Server: netbootd\r\nLast-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n" },
	{ ROW, { .status = 405, .now = 0, .allow = 1, .keep_alive = 0, .minor = 1 },
	  "HTTP/1.1 405 Method Not Allowed\r\n"
	  "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\nServer: netbootd\r\n"
	  "Content-Length: 0\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n" },
};

static void test_heads(void **state)
{
	char out[1024];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(head_cases) / sizeof(head_cases[0]); i++) {
		const struct head_case *c = &head_cases[i];

		n = 0;
		if (http_head_format(&c->h, out, sizeof(out), &n) != 0 ||
		    n != strlen(c->want) || memcmp(out, c->want, n) != 0) {
			print_error("http_test.c:%d: got '%.*s'\n", c->line, (int)n, out);
			fail();
		}
		/* every cap below the length is -ENOSPC, never a short head */
		for (size_t cap = 0; cap <= strlen(c->want); cap++) {
			size_t keep = 1234;
			assert_int_equal(http_head_format(&c->h, out, cap, &keep),
					 -ENOSPC);
			assert_int_equal(keep, 1234);
		}
	}
	{
		struct http_head h = { .status = 418 };
		assert_int_equal(http_head_format(&h, out, sizeof(out), &n), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_split_points),
		cmocka_unit_test(test_fields_cap),
		cmocka_unit_test(test_error_status),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_heads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
