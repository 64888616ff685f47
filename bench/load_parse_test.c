/* load_parse_test.c: table-driven tests of the load generator's parsers
 * (load_parse.c). Each row names its line, so a failure points at it.
 * Packets are C literals with explicit NULs; PKT() keeps their exact
 * length (the literal's own final NUL is not part of the packet).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "bench/load_parse.h"
#include "plan/test_util.h"

#define PKT(s) (const uint8_t *)(s), sizeof(s) - 1

/* A table row that names its line; the fields by name after it. */
#define ROW(...) { .line = __LINE__, __VA_ARGS__ }

/* t walks the rows of a case table. */
#define EACH(t, cases) \
	for (const __typeof__(*(cases)) *t = (cases); \
	     t < (cases) + sizeof(cases) / sizeof(*(cases)); t++)

/* The row's return code, or the test fails there. 1 when the row expects
 * (and got) success: its outputs are then to be checked; 0 when it
 * expects an error: its outputs must be untouched. */
static int rc_is(int line, int rc, int want)
{
	if (rc != want)
		FAIL_AT(line, "rc %d, want %d\n", rc, want);
	return rc == 0;
}

/* --- OACK --------------------------------------------------------------- */

struct oack_case {
	int line;
	const char *pkt;
	size_t len;
	uint32_t ask_blksize, ask_windowsize;
	int rc;
	uint32_t blksize, windowsize;
	uint64_t tsize;
};

#define OACK(p, ab, aw, ...) \
	{ .line = __LINE__, .pkt = p, .len = sizeof(p) - 1, .ask_blksize = ab, \
	  .ask_windowsize = aw, __VA_ARGS__ }

static const struct oack_case oack_cases[] = {
	/* what tftp-hpa and netbootd send */
	OACK("\0\6blksize\0001468\0tsize\00074213\0", 1468, 4, 0, 1468, 0, 74213),
	OACK("\0\6blksize\0001468\0windowsize\00016\0", 1468, 16, 0, 1468, 16, 0),
	OACK("\0\6BLKSIZE\000512\0", 1468, 1, 0, 512, 0, 0),     /* RFC 2347: case-insensitive */
	OACK("\0\6", 1468, 1, 0, 0, 0, 0),                       /* nothing granted */
	/* a server may lower, never raise, what we asked */
	OACK("\0\6blksize\0001469\0", 1468, 1, -EBADMSG),
	OACK("\0\6blksize\0007\0", 1468, 1, -EBADMSG),
	OACK("\0\6windowsize\00017\0", 1468, 16, -EBADMSG),
	OACK("\0\6windowsize\0000\0", 1468, 16, -EBADMSG),
	/* windowsize we did not ask for (asked 1: no option sent) */
	OACK("\0\6windowsize\0004\0", 1468, 1, -EBADMSG),
	OACK("\0\6timeout\0005\0", 1468, 1, -EBADMSG),
	/* malformed: not an OACK, value missing, no NUL, not a number */
	OACK("\0\3blksize\0001468\0", 1468, 1, -EBADMSG),
	OACK("\0", 1468, 1, -EBADMSG),
	OACK("\0\6blksize\0", 1468, 1, -EBADMSG),
	OACK("\0\6blksize\0001468", 1468, 1, -EBADMSG),
	OACK("\0\6blksize", 1468, 1, -EBADMSG),
	OACK("\0\6blksize\0001x\0", 1468, 1, -EBADMSG),
	OACK("\0\6blksize\0\0", 1468, 1, -EBADMSG),
	OACK("\0\6\0001468\0", 1468, 1, -EBADMSG),
	OACK("\0\6tsize\000184467440737095516160\0", 1468, 1, -EBADMSG),
};

static void test_oack(void **state)
{
	(void)state;
	EACH(t, oack_cases) {
		struct nbl_oack o = { 7, 7, 7 };

		if (!rc_is(t->line, nbl_parse_oack((const uint8_t *)t->pkt, t->len, t->ask_blksize,
						   t->ask_windowsize, &o), t->rc)) {
			if (o.blksize != 7 || o.windowsize != 7 || o.tsize != 7)
				FAIL_AT(t->line, "output touched on failure\n");
		} else if (o.blksize != t->blksize || o.windowsize != t->windowsize ||
			   o.tsize != t->tsize) {
			FAIL_AT(t->line, "got %u/%u/%llu\n", o.blksize, o.windowsize,
				(unsigned long long)o.tsize);
		}
	}
}

/* --- PXE boot menu (option 43) ------------------------------------------ */

struct menu_case {
	int line;
	const char *opt;
	size_t len;
	int rc;
	uint16_t type;
};

#define MENU(p, ...) { .line = __LINE__, .opt = p, .len = sizeof(p) - 1, __VA_ARGS__ }

static const struct menu_case menu_cases[] = {
	/* dnsmasq 2.90's proxy offer: discovery control, prompt, boot
	 * servers, menu (type 0x8000 "Network boot"), end */
	MENU("\x06\x01\x03\x0a\x04\x00PXE\x08\x07\x80\x00\x01\xc6\x12\x00\x01"
	     "\x09\x0f\x80\x00\x0cNetwork boot\xff", 0, 0x8000),
	MENU("\x00\x00\x09\x03\x12\x34\x00", 0, 0x1234),           /* pads first */
	MENU("\x06\x01\x08\xff", -ENOENT),                        /* netbootd: no menu */
	MENU("", -ENOENT),
	MENU("\x09\x02\x80\x00", -ENOENT),                        /* item too short */
	MENU("\x09\x05\x80\x00", -EBADMSG),                       /* runs past len */
	MENU("\x06", -EBADMSG),                                   /* header cut */
	MENU("\x06\x01\x08\xff\x09\x03\x00\x01\x00", -ENOENT),      /* after END */
};

static void test_menu(void **state)
{
	(void)state;
	EACH(t, menu_cases) {
		uint16_t type = 0xbeef;

		if (rc_is(t->line, nbl_pxe_menu_first((const uint8_t *)t->opt, t->len, &type), t->rc)) {
			if (type != t->type)
				FAIL_AT(t->line, "type %#x, want %#x\n", type, t->type);
		} else if (type != 0xbeef) {
			FAIL_AT(t->line, "output touched on failure\n");
		}
	}
}

/* --- iPXE URL expansion ------------------------------------------------- */

struct url_case {
	int line;
	const char *in;
	size_t cap;
	int rc;
	const char *out;
};

static const struct url_case url_cases[] = {
	/* netbootd's default boot_ipxe */
	ROW("http://198.18.0.1/boot.ipxe?mac=${net0/mac:hexhyp}", 128, 0,
	    "http://198.18.0.1/boot.ipxe?mac=02-6e-62-00-01-2c"),
	ROW("m=${mac}&h=${mac:hexhyp}", 128, 0, "m=02:6e:62:00:01:2c&h=02-6e-62-00-01-2c"),
	ROW("${net0/mac}", 128, 0, "02:6e:62:00:01:2c"),
	ROW("u=${uuid}", 128, 0, "u=00112233-4455-6677-8899-aabbccddeeff"),
	ROW("plain", 128, 0, "plain"),
	ROW("$ and { alone", 128, 0, "$ and { alone"),
	ROW("", 1, 0, ""),
	/* what we cannot know */
	ROW("${hostname}", 128, -EINVAL, NULL),
	ROW("${net0/mac", 128, -EINVAL, NULL),
	ROW("${}", 128, -EINVAL, NULL),
	/* room: "abc" needs 4, a MAC 18 */
	ROW("abc", 4, 0, "abc"),
	ROW("abc", 3, -EINVAL, NULL),
	ROW("${mac}", 17, -EINVAL, NULL),
	ROW("${mac}", 18, 0, "02:6e:62:00:01:2c"),
	ROW("x", 0, -EINVAL, NULL),
};

static void test_expand(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x6e, 0x62, 0x00, 0x01, 0x2c };
	static const uint8_t uuid[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};

	(void)state;
	EACH(t, url_cases) {
		char out[128];

		memset(out, 'X', sizeof(out));
		if (rc_is(t->line, nbl_expand_ipxe_url(t->in, mac, uuid, out, t->cap), t->rc) &&
		    strcmp(out, t->out))
			FAIL_AT(t->line, "\"%s\", want \"%s\"\n", out, t->out);
		if (t->cap < sizeof(out) && out[t->cap] != 'X')
			FAIL_AT(t->line, "wrote past cap\n");
	}
}

/* --- URLs --------------------------------------------------------------- */

struct parse_url_case {
	int line;
	const char *url;
	int rc;
	const char *addr;
	uint16_t port;
	const char *path, *host;
};

static const struct parse_url_case parse_url_cases[] = {
	ROW("http://198.18.0.1/boot.ipxe?mac=x", 0, "198.18.0.1", 80, "/boot.ipxe?mac=x", "198.18.0.1"),
	ROW("http://198.18.0.1:8080/a", 0, "198.18.0.1", 8080, "/a", "198.18.0.1:8080"),
	ROW("/boot/vmlinuz-lts", 0, "198.18.0.9", 80, "/boot/vmlinuz-lts", "198.18.0.9"),
	ROW("http://198.18.0.1", -EINVAL),                  /* no path */
	ROW("http:///x", -EINVAL),                          /* no host */
	ROW("http://boot.example/x", -EINVAL),              /* names need DNS */
	ROW("http://198.18.0.1:0/x", -EINVAL),
	ROW("http://198.18.0.1:65536/x", -EINVAL),
	ROW("http://198.18.0.1:/x", -EINVAL),
	ROW("http://198.18.0.1:8x/x", -EINVAL),
	ROW("https://198.18.0.1/x", -EINVAL),
	ROW("tftp://198.18.0.1/x", -EINVAL),
	ROW("boot.ipxe", -EINVAL),
};

static void test_parse_url(void **state)
{
	struct in_addr def;

	(void)state;
	inet_pton(AF_INET, "198.18.0.9", &def);
	EACH(t, parse_url_cases) {
		struct sockaddr_in sa = { 0 };
		const char *path = NULL;
		char host[64] = "", addr[INET_ADDRSTRLEN];

		if (!rc_is(t->line, nbl_parse_url(t->url, def, 80, &sa, &path, host, sizeof(host)),
			   t->rc)) {
			if (path || sa.sin_port)
				FAIL_AT(t->line, "output touched on failure\n");
			continue;
		}
		inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));
		if (strcmp(addr, t->addr) || ntohs(sa.sin_port) != t->port ||
		    strcmp(path, t->path) || strcmp(host, t->host))
			FAIL_AT(t->line, "%s:%u %s host %s\n", addr, ntohs(sa.sin_port),
				path, host);
	}
}

/* --- HTTP response heads ------------------------------------------------ */

struct head_case {
	int line;
	const char *head;
	int rc, status;
	uint64_t clen;
};

static const struct head_case head_cases[] = {
	ROW("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 8000000\r\n\r\n", 0, 200, 8000000),
	ROW("HTTP/1.1 200 OK\r\ncontent-length:42\r\n\r\n", 0, 200, 42),
	ROW("HTTP/1.0 200 OK\r\nContent-Length: \t 7 \t\r\n\r\n", 0, 200, 7),
	ROW("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", 0, 503, 0),
	ROW("HTTP/1.1 200\r\nContent-Length: 1\r\n\r\n", 0, 200, 1),   /* no reason */
	ROW("HTTP/1.1 200 OK\nContent-Length: 3\n\n", 0, 200, 3),      /* bare LF */
	/* a header after the blank line is body, not head */
	ROW("HTTP/1.1 200 OK\r\n\r\nContent-Length: 3\r\n", -ENOENT),
	ROW("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", -ENOENT),
	ROW("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n", -EBADMSG),
	ROW("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", -EBADMSG),
	ROW("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", -EBADMSG),
	ROW("HTTP/2 200\r\nContent-Length: 1\r\n\r\n", -EBADMSG),
	ROW("HTTP/1.1 2000 OK\r\nContent-Length: 1\r\n\r\n", -EBADMSG),
	ROW("HTTP/1.1 20 OK\r\nContent-Length: 1\r\n\r\n", -EBADMSG),
	ROW("ICY 200 OK\r\nContent-Length: 1\r\n\r\n", -EBADMSG),
	ROW("", -EBADMSG),
};

static void test_head(void **state)
{
	(void)state;
	EACH(t, head_cases) {
		int status = -1;
		uint64_t clen = 99;

		if (rc_is(t->line, nbl_parse_http_head(t->head, strlen(t->head), &status, &clen),
			  t->rc)) {
			if (status != t->status || clen != t->clen)
				FAIL_AT(t->line, "status %d length %llu\n", status,
					(unsigned long long)clen);
		} else if (status != -1 || clen != 99) {
			FAIL_AT(t->line, "output touched on failure\n");
		}
	}
	/* Not NUL-terminated: the parser must stop at len. */
	{
		static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 57";
		int status;
		uint64_t clen;

		assert_int_equal(nbl_parse_http_head(head, sizeof(head) - 2, &status,
						     &clen), 0);
		assert_int_equal(clen, 5);
		assert_int_equal(nbl_parse_http_head(head, 12, &status, &clen), -ENOENT);
		assert_int_equal(nbl_parse_http_head(head, 11, &status, &clen), -EBADMSG);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_oack),
	cmocka_unit_test(test_menu),
	cmocka_unit_test(test_expand),
	cmocka_unit_test(test_parse_url),
	cmocka_unit_test(test_head),
};

TEST_MAIN(tests, NULL)
