/* http_fuzz.c: libFuzzer target for http_proto.c.
 *
 * The input is a request head as a client would send it. Whatever parses is
 * then pushed through the rest of the pure API the server would use on it:
 * the RFC 9110 sec. 13.2.2 decision (http_conditional: If-Modified-Since,
 * Range, If-Range) against a few sizes and dates, the date, the response
 * head. ASan
 * and UBSan catch an over-read or overflow; the asserts catch a parser that
 * claims more bytes than it was given or a range outside the file.
 *
 * Each input is also fed to a kept struct http_scan in pieces, cut where a
 * hash of the input says (as TCP may cut a head anywhere), and must parse
 * exactly as it does in one piece: same status, same reason, same request.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "server-min/http_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse data in pieces whose ends come from an LCG seeded by the input. */
static int parse_split(const uint8_t *data, size_t size,
		       struct http_request *ret_req, const char **why)
{
	struct http_scan s;
	uint32_t x = 2166136261u;
	size_t at = 0;
	int r;

	for (size_t i = 0; i < size && i < 64; i++)
		x = (x ^ data[i]) * 16777619u;
	http_scan_init(&s);
	do {
		x = x * 1103515245u + 12345u;
		at += 1 + (x >> 16) % 64;
		if (at > size)
			at = size;
		r = http_request_parse_more(&s, data, at, ret_req, why);
	} while (r == -EAGAIN && at < size);
	return r;
}

/* The split parse must agree with the one-piece parse r, req, why. */
static void check_split(const uint8_t *data, size_t size, int r,
			const struct http_request *req, const char *why)
{
	struct http_request sreq;
	const char *swhy = NULL;
	int sr = parse_split(data, size, &sreq, &swhy);

	assert(sr == r);
	if (r < 0 && r != -EAGAIN)
		assert(strcmp(why, swhy) == 0);
	if (r == 0)
		assert(sreq.head_len == req->head_len &&
		       sreq.method == req->method &&
		       strcmp(sreq.path, req->path) == 0 &&
		       sreq.keep_alive == req->keep_alive &&
		       sreq.has_range == req->has_range);
}

/* What http.c does with a parsed request's preconditions and Range, for
 * files of a few sizes and dates and for a rendered document: a status of
 * the four, a part inside the file, a head that formats. */
static void check_conditional(const struct http_request *req)
{
	static const uint64_t sizes[] = { 0, 1, 499, 41943040, UINT64_MAX };
	const time_t mtimes[] = { 0, 784111777, req->if_modified_since };
	char head[1024];
	size_t n;

	/* k % 4 == 3: a rendered document, no date */
	for (size_t k = 0; k < 4 * sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t j = k % 4;
		struct http_rep rep = { sizes[k / 4], j < 3, j < 3 ? mtimes[j] : 0 };
		struct http_head h = {
			.now = req->if_modified_since, .has_last_modified = rep.has_mtime,
			.last_modified = rep.mtime, .full_size = rep.size,
			.keep_alive = req->keep_alive, .minor = req->minor,
		};
		uint64_t first = 1, last = 0;

		h.status = http_conditional(req, &rep, &first, &last);
		assert(h.status == 200 || h.status == 206 || h.status == 304 ||
		       h.status == 416);
		assert(h.status != 304 || (rep.has_mtime && req->has_ims));
		assert(h.status != 206 || (req->has_range && first <= last &&
					   last < rep.size));
		assert(h.status != 200 ||
		       (first == 0 && last == (rep.size ? rep.size - 1 : 0)));
		h.has_content_range = h.status == 206;
		h.unsatisfied_range = h.status == 416;
		h.omit_length = h.status == 304;
		h.range_first = first;
		h.range_last = last;
		h.content_length = h.status == 206 ? last - first + 1 : rep.size;
		assert(http_head_format(&h, head, sizeof(head), &n) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	const char *why = NULL;
	int r;

	r = http_request_parse(data, size, &req, &why);
	check_split(data, size, r, &req, why);
	if (r == -EAGAIN)
		return 0;
	if (r < 0) {
		assert(why != NULL);
		assert(http_status_text(http_error_status(r)) != NULL);
		return 0;
	}
	assert(req.head_len > 0 && req.head_len <= size);
	assert(req.head_len <= HTTP_HEAD_MAX);
	assert(strlen(req.path) < sizeof(req.path));
	(void)http_content_type(req.path);
	(void)http_method_name(req.method);
	check_conditional(&req);
	if (req.has_ims) {
		char date[HTTP_DATE_LEN + 1];
		time_t t;

		http_date_format(req.if_modified_since, date);
		assert(http_date_parse(date, strlen(date), &t) == 0);
		assert(t == req.if_modified_since);
	}
	return 0;
}
