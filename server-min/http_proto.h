/* http_proto.h: the pure half of netbootd's HTTP/1.1 server (RFC 9110, 9112).
 *
 * No sockets, no files, no clock: bytes in, a parsed request or an HTTP
 * status out; a response head formatted into a caller's buffer. http.c owns
 * the connections and calls these. Kept apart so that the unit tests and the
 * fuzzer reach every branch without a network.
 */
#ifndef NETBOOTD_HTTP_PROTO_H
#define NETBOOTD_HTTP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Bounds on what a client may send before we answer (RFC 9112 sec. 3 leaves
 * them to the server). A request line longer than HTTP_LINE_MAX gets 414, a
 * head (request line + header fields) longer than HTTP_HEAD_MAX gets 431
 * (RFC 6585 sec. 5), and so does a head of more than HTTP_FIELDS_MAX header
 * lines (iPXE sends 3, curl 3, busybox wget 4, EFI_HTTP_PROTOCOL 3). */
#define HTTP_LINE_MAX     8192
#define HTTP_HEAD_MAX     16384
#define HTTP_FIELDS_MAX   100    /* header lines; more gets 431 */
#define HTTP_PATH_MAX     1024   /* decoded path; longer gets 414 */
#define HTTP_QUERY_MAX    1024   /* raw query; longer gets 414 */
#define HTTP_RANGE_MAX    128    /* a Range value we keep; longer is ignored */
#define HTTP_DATE_LEN     29     /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* RFC 9110 sec. 9.3 (and RFC 5789 for PATCH). Anything else is
 * HTTP_M_UNKNOWN and gets 501; a known method other than GET and HEAD
 * gets 405 with Allow. */
enum http_method {
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_CONNECT,
	HTTP_M_OPTIONS,
	HTTP_M_TRACE,
	HTTP_M_PATCH,
	HTTP_M_UNKNOWN,
};

struct http_request {
	enum http_method method;
	char method_name[16];         /* as sent (truncated), for the log */
	int minor;                    /* HTTP/1.minor: 0 or 1 */
	char path[HTTP_PATH_MAX];     /* percent-decoded once, NUL-free */
	char query[HTTP_QUERY_MAX];   /* raw text after '?', not decoded */
	int has_query;
	int keep_alive;               /* version default + Connection tokens */
	int has_host;
	int has_range;
	char range[HTTP_RANGE_MAX];   /* the Range value, OWS trimmed */
	int has_if_range;
	char if_range[HTTP_DATE_LEN + 1];
	int has_ims;
	time_t if_modified_since;
	int has_content_length;
	uint64_t content_length;
	size_t head_len;              /* bytes of buf this request used */
};

/* Where the scan of a head that is still arriving stopped, so that each
 * byte is looked at once however the head is split into reads (a head sent
 * line by line must not cost a re-scan from byte 0 per line). */
enum http_scan_phase {
	SCAN_LEADING,        /* empty lines before the request line */
	SCAN_REQUEST_LINE,
	SCAN_FIELDS,
};
struct http_scan {
	enum http_scan_phase phase;
	size_t start;        /* first byte of the request line */
	size_t line;         /* first byte of the line being scanned */
	size_t seen;         /* bytes before this were searched for LF */
	size_t line_end;     /* the request line's LF */
	size_t end;          /* one past the blank line, once complete */
	unsigned empty;      /* empty lines skipped before the request line */
	unsigned fields;     /* header lines complete so far */
};

/* Before the first byte of each request. */
void http_scan_init(struct http_scan *s);

/* Parse one request head at the start of buf, len bytes of which have
 * arrived; s remembers how far earlier calls got, so buf must hold the same
 * bytes as before with more appended. A complete head is parsed once.
 * 0: *ret_req filled, ret_req->head_len bytes consumed.
 * -EAGAIN: no complete head yet and none of the bounds is exceeded; call
 * again with s when more bytes arrive.
 * Otherwise the request is malformed and the connection must be answered
 * with http_error_status() of the return value and then closed:
 *   -EINVAL (400), -ENAMETOOLONG (414), -EMSGSIZE (431),
 *   -EPROTONOSUPPORT (505), -ENOTSUP (501, a Transfer-Encoding we do not
 *   decode).
 * *why, when why is not NULL, names the defect for the log on error.
 * *ret_req is untouched unless 0 is returned. */
int http_request_parse_more(struct http_scan *s, const uint8_t *buf, size_t len,
			    struct http_request *ret_req, const char **why);

/* The same for a buffer seen for the first time (a fresh struct http_scan). */
int http_request_parse(const uint8_t *buf, size_t len,
		       struct http_request *ret_req, const char **why);

/* The HTTP status for a negative return of http_request_parse (400 for
 * anything unexpected). */
int http_error_status(int err);

/* Resolve a Range value (RFC 9110 sec. 14.1.2: "bytes=a-b", "bytes=a-",
 * "bytes=-n", one range only) against a representation of size bytes.
 * 0: *ret_first..*ret_last (inclusive) is the part to send with 206.
 * -ERANGE: well-formed but unsatisfiable: answer 416.
 * -EINVAL: not a single byte range we understand; RFC 9110 sec. 14.2 lets
 *          us ignore the header and send 200 with the whole file.
 * Outputs untouched unless 0 is returned. */
int http_range_parse(const char *val, size_t len, uint64_t size,
		     uint64_t *ret_first, uint64_t *ret_last);

/* The representation a GET or HEAD selected, as http_conditional sees it. */
struct http_rep {
	uint64_t size;
	int has_mtime;       /* a file: Last-Modified is sent and dates can
			      * match; 0 for a document rendered for this
			      * request, which no date revalidates */
	time_t mtime;
};

/* RFC 9110 sec. 13.2.2, the order in which a server evaluates the
 * preconditions of a GET or HEAD, for the ones we parse: If-Modified-Since
 * (step 4), then Range under If-Range (step 5). We send no ETag, so there is
 * no entity tag to test, and boot clients send neither If-Match nor
 * If-Unmodified-Since, which we do not parse: steps 1 to 3 (and 412) never
 * apply. Returns the status to answer with:
 *   304  the file has not changed since If-Modified-Since;
 *   416  a Range that is well-formed but past the end (sec. 15.5.17);
 *   206  *ret_first..*ret_last (inclusive) of the file;
 *   200  the whole representation: *ret_first = 0, *ret_last = size - 1
 *        (0 for an empty one). A Range we do not serve, or one whose
 *        If-Range does not match, also gives 200 (sec. 13.1.5, 14.2).
 * Outputs untouched for 304 and 416. */
int http_conditional(const struct http_request *req, const struct http_rep *rep,
		     uint64_t *ret_first, uint64_t *ret_last);

/* IMF-fixdate (RFC 9110 sec. 5.6.7), the only date form we send and the one
 * every current client sends back. 0 and *ret_t, or -EINVAL. */
int http_date_parse(const char *s, size_t len, time_t *ret_t);
/* Format t as IMF-fixdate; out must hold HTTP_DATE_LEN + 1 bytes. */
void http_date_format(time_t t, char out[HTTP_DATE_LEN + 1]);

/* "GET", "HEAD", ... for a method; "?" for HTTP_M_UNKNOWN. */
const char *http_method_name(enum http_method m);
/* The reason phrase of a status we send, or NULL for one we never send. */
const char *http_status_text(int status);
/* A media type chosen by the path's extension; application/octet-stream
 * when none matches. */
const char *http_content_type(const char *path);

/* What goes into a response head. Fields with has_* = 0 are left out. */
struct http_head {
	int status;
	time_t now;                   /* Date */
	const char *content_type;     /* NULL: none */
	uint64_t content_length;      /* sent unless omit_length */
	int omit_length;              /* 304: no Content-Length at all */
	int has_last_modified;
	time_t last_modified;
	int has_content_range;        /* 206: bytes first-last/size */
	uint64_t range_first, range_last;
	int unsatisfied_range;        /* 416: bytes * /size */
	uint64_t full_size;           /* the size in Content-Range */
	int accept_ranges;            /* "Accept-Ranges: bytes" */
	int allow;                    /* 405: "Allow: GET, HEAD" */
	int keep_alive;               /* Connection: keep-alive or close */
	int minor;                    /* the client's HTTP/1.minor */
};

/* Format a response head, blank line included, into out (cap bytes).
 * 0 and *ret_len, -EINVAL for a status without a reason phrase, -ENOSPC
 * when cap is too small. */
int http_head_format(const struct http_head *h, char *out, size_t cap,
		     size_t *ret_len);

#endif
