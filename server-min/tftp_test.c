/* tftp_test.c: table-driven tests of tftp_proto.c.
 *
 * Each table row names the line it was written on, so a failure points at
 * the row. Packets are written as C string literals with explicit NULs;
 * PKT() keeps their exact length (sizeof - 1: the literal's own final NUL
 * is not part of the packet).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "server-min/tftp_proto.h"

#define PKT(s) (const uint8_t *)(s), sizeof(s) - 1
#define BIT(o) (1u << (o))
#define B_ BIT(TFTP_OPT_BLKSIZE)
#define T_ BIT(TFTP_OPT_TIMEOUT)
#define S_ BIT(TFTP_OPT_TSIZE)
#define W_ BIT(TFTP_OPT_WINDOWSIZE)
/* Every row of a table, c pointing at it. */
#define FOR_ROWS(c, table) \
	for (const __typeof__((table)[0]) *c = (table); c < (table) + sizeof(table) / sizeof((table)[0]); c++)

#define FAIL_AT(line, ...) do { \
	print_error("table row at %s:%d: ", __FILE__, line); \
	print_error(__VA_ARGS__); \
	fail(); \
} while (0)

/* --- opcode ------------------------------------------------------------- */

static void test_opcode(void **state)
{
	(void)state;
	assert_int_equal(tftp_opcode(NULL, 0), -EBADMSG);
	assert_int_equal(tftp_opcode((const uint8_t *)"\0", 1), -EBADMSG);
	assert_int_equal(tftp_opcode(PKT("\0\1")), TFTP_OP_RRQ);
	assert_int_equal(tftp_opcode(PKT("\0\6")), TFTP_OP_OACK);
	assert_int_equal(tftp_opcode(PKT("\xff\xff")), 65535);
}

/* --- requests ----------------------------------------------------------- */

struct req_case {
	int line;
	const char *pkt;
	size_t len;
	int rc;
	/* when rc == 0: */
	enum tftp_op op;
	enum tftp_mode mode;
	const char *filename;
	unsigned opts;
	uint32_t blksize, timeout, windowsize;
	uint64_t tsize;
};

#define REQ(p, ...) { __LINE__, p, sizeof(p) - 1, __VA_ARGS__ }
#define OK_RRQ(p, mode_, name, ...) REQ(p, 0, TFTP_OP_RRQ, mode_, name, __VA_ARGS__)
#define BAD(p, rc_) REQ(p, rc_, 0, 0, NULL, 0, 0, 0, 0, 0)
/* A read request for "f" in octet mode with options p: what it sets... */
#define OPT(p, ...) OK_RRQ("\0\1f\0octet\0" p, TFTP_MODE_OCTET, "f", __VA_ARGS__)
/* ...or options ignored, as if not sent */
#define IGNORED(p) OPT(p, 0, 0, 0, 0, 0)

static const struct req_case req_cases[] = {
	/* plain RFC 1350 */
	OK_RRQ("\0\1file\0octet\0", TFTP_MODE_OCTET, "file", 0, 0, 0, 0, 0),
	OK_RRQ("\0\1boot/vmlinuz-lts\0OCTET\0", TFTP_MODE_OCTET, "boot/vmlinuz-lts", 0, 0, 0, 0, 0),
	OK_RRQ("\0\1a\0netascii\0", TFTP_MODE_NETASCII, "a", 0, 0, 0, 0, 0),
	OK_RRQ("\0\1a\0NetASCII\0", TFTP_MODE_NETASCII, "a", 0, 0, 0, 0, 0),
	REQ("\0\2up\0octet\0", 0, TFTP_OP_WRQ, TFTP_MODE_OCTET, "up", 0, 0, 0, 0, 0),
	/* names are passed on as sent; content_open judges them */
	OK_RRQ("\0\1../x\0octet\0", TFTP_MODE_OCTET, "../x", 0, 0, 0, 0, 0),
	OK_RRQ("\0\1..\\x\0octet\0", TFTP_MODE_OCTET, "..\\x", 0, 0, 0, 0, 0),
	/* padding after the mode (some PXE ROMs) */
	IGNORED("\0\0\0"),
	/* options, RFC 2347/2348/2349/7440 */
	OPT("blksize\0" "1468\0", B_, 1468, 0, 0, 0),
	OPT("BlkSize\0" "8\0", B_, 8, 0, 0, 0),
	OPT("blksize\0" "65464\0", B_, 65464, 0, 0, 0),
	/* larger blksize asks are clamped (RFC 2348 lets us answer smaller) */
	OPT("blksize\0" "65465\0", B_, 65464, 0, 0, 0),
	OPT("blksize\0" "99999999999999999999\0", B_, 65464, 0, 0, 0),
	/* ...smaller, malformed or over-long ones ignored */
	IGNORED("blksize\0" "7\0"),
	IGNORED("blksize\0" "0\0"),
	IGNORED("blksize\0" "\0"),
	IGNORED("blksize\0" "12a\0"),
	IGNORED("blksize\0" "+512\0"),
	IGNORED("blksize\0" " 512\0"),
	IGNORED("blksize\0" "0x200\0"),
	IGNORED("blksize\0" "000000000000000000001468\0"),
	/* the first of two wins */
	OPT("blksize\0" "1024\0blksize\0" "2048\0", B_, 1024, 0, 0, 0),
	/* timeout 1..255, never clamped (RFC 2349: answer the same value) */
	OPT("timeout\0" "1\0", T_, 0, 1, 0, 0),
	OPT("timeout\0" "255\0", T_, 0, 255, 0, 0),
	IGNORED("timeout\0" "0\0"),
	IGNORED("timeout\0" "256\0"),
	/* tsize: 0 in a read request; any number accepted */
	OPT("tsize\0" "0\0", S_, 0, 0, 0, 0),
	OPT("tsize\0" "41943040\0", S_, 0, 0, 0, 41943040),
	IGNORED("tsize\0" "18446744073709551615\0"),
	/* windowsize 1..65535 */
	OPT("windowsize\0" "16\0", W_, 0, 0, 16, 0),
	OPT("windowsize\0" "65535\0", W_, 0, 0, 65535, 0),
	IGNORED("windowsize\0" "0\0"),
	IGNORED("windowsize\0" "65536\0"),
	/* all four, and an unknown one in the middle (RFC 2347: ignore it) */
	OPT("tsize\0" "0\0multicast\0\0blksize\0" "1432\0" "timeout\0" "3\0windowsize\0" "8\0",
	    B_ | T_ | S_ | W_, 1432, 3, 8, 0),
	/* malformed: dropped and counted by the caller */
	BAD("", -EBADMSG),
	BAD("\0", -EBADMSG),
	BAD("\0\1", -EBADMSG),
	BAD("\0\1file", -EBADMSG),
	BAD("\0\1file\0", -EBADMSG),
	BAD("\0\1file\0octet", -EBADMSG),
	BAD("\0\1\0octet\0", -EBADMSG),
	BAD("\0\3file\0octet\0", -EBADMSG),
	BAD("\0\4\0\1", -EBADMSG),
	BAD("\0\0file\0octet\0", -EBADMSG),
	BAD("\1\1file\0octet\0", -EBADMSG),
	BAD("\0\1f\0octet\0blksize\0", -EBADMSG),
	BAD("\0\1f\0octet\0blksize", -EBADMSG),
	BAD("\0\1f\0octet\0blksize\0" "512", -EBADMSG),
	/* unsupported modes */
	BAD("\0\1file\0mail\0", -EPROTONOSUPPORT),
	BAD("\0\1file\0binary\0", -EPROTONOSUPPORT),
	BAD("\0\1file\0\0", -EPROTONOSUPPORT),
	BAD("\0\1file\0octet \0", -EPROTONOSUPPORT),
};

static void test_parse_request_table(void **state)
{
	(void)state;
	FOR_ROWS(c, req_cases) {
		struct tftp_request r;
		int rc;

		memset(&r, 0x5a, sizeof(r));
		rc = tftp_parse_request((const uint8_t *)c->pkt, c->len, &r);
		if (rc != c->rc)
			FAIL_AT(c->line, "rc %d, want %d\n", rc, c->rc);
		if (rc != 0) {
			/* ret untouched on failure */
			const uint8_t *p = (const uint8_t *)&r;
			for (size_t k = 0; k < sizeof(r); k++)
				if (p[k] != 0x5a)
					FAIL_AT(c->line, "output touched on error\n");
			continue;
		}
		if (r.op != c->op || r.mode != c->mode || strcmp(r.filename, c->filename))
			FAIL_AT(c->line, "op %d mode %d name '%s'\n", r.op, r.mode, r.filename);
		if (r.opts != c->opts)
			FAIL_AT(c->line, "opts %#x, want %#x\n", r.opts, c->opts);
		if ((c->opts & BIT(TFTP_OPT_BLKSIZE)) && r.blksize != c->blksize)
			FAIL_AT(c->line, "blksize %u, want %u\n", r.blksize, c->blksize);
		if ((c->opts & BIT(TFTP_OPT_TIMEOUT)) && r.timeout != c->timeout)
			FAIL_AT(c->line, "timeout %u, want %u\n", r.timeout, c->timeout);
		if ((c->opts & BIT(TFTP_OPT_WINDOWSIZE)) && r.windowsize != c->windowsize)
			FAIL_AT(c->line, "windowsize %u, want %u\n", r.windowsize, c->windowsize);
		if ((c->opts & BIT(TFTP_OPT_TSIZE)) && r.tsize != c->tsize)
			FAIL_AT(c->line, "tsize %llu, want %llu\n",
				(unsigned long long)r.tsize, (unsigned long long)c->tsize);
	}
}

/* The longest name that fits, and one byte more. */
static void test_parse_request_name_length(void **state)
{
	uint8_t pkt[2 + TFTP_FILENAME_MAX + 1 + 6];
	struct tftp_request r;
	size_t n;

	(void)state;
	for (size_t name_len = TFTP_FILENAME_MAX - 1; name_len <= TFTP_FILENAME_MAX; name_len++) {
		pkt[0] = 0;
		pkt[1] = TFTP_OP_RRQ;
		memset(pkt + 2, 'a', name_len);
		pkt[2 + name_len] = 0;
		memcpy(pkt + 3 + name_len, "octet", 6);
		n = 3 + name_len + 6;
		if (name_len < TFTP_FILENAME_MAX) {
			assert_int_equal(tftp_parse_request(pkt, n, &r), 0);
			assert_int_equal(strlen(r.filename), name_len);
		} else {
			assert_int_equal(tftp_parse_request(pkt, n, &r), -EBADMSG);
		}
	}
}

/* Every prefix of a valid request with options is either malformed or a
 * valid request, and never reads past the prefix (ASan checks that: the
 * prefix is copied into a buffer of exactly its size). */
static void test_parse_request_prefixes(void **state)
{
	static const char full[] = "\0\1f\0octet\0blksize\0" "1468\0tsize\0" "0\0";
	struct tftp_request r;

	(void)state;
	for (size_t n = 0; n < sizeof(full); n++) {
		uint8_t *p = malloc(n ? n : 1);
		int rc;

		assert_non_null(p);
		memcpy(p, full, n);
		rc = tftp_parse_request(p, n, &r);
		if (n == 10 || n == 23 || n == 31)
			assert_int_equal(rc, 0);  /* ends right after a string pair */
		else
			assert_true(rc == -EBADMSG || rc == -EPROTONOSUPPORT);
		free(p);
	}
}

/* --- ACK and ERROR ------------------------------------------------------ */

static void test_parse_ack(void **state)
{
	uint16_t b = 7;

	(void)state;
	assert_int_equal(tftp_parse_ack(PKT("\0\4\0\1"), &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(tftp_parse_ack(PKT("\0\4\xff\xff"), &b), 0);
	assert_int_equal(b, 65535);
	assert_int_equal(tftp_parse_ack(PKT("\0\4\0\0pad"), &b), 0);
	assert_int_equal(b, 0);
	b = 7;
	assert_int_equal(tftp_parse_ack(PKT("\0\4\0"), &b), -EBADMSG);
	assert_int_equal(tftp_parse_ack(PKT(""), &b), -EBADMSG);
	assert_int_equal(tftp_parse_ack(PKT("\0\3\0\1"), &b), -EBADMSG);
	assert_int_equal(tftp_parse_ack(PKT("\1\4\0\1"), &b), -EBADMSG);
	assert_int_equal(b, 7);
}

static void test_parse_error(void **state)
{
	uint16_t code = 99;
	char msg[16];

	(void)state;
	assert_int_equal(tftp_parse_error(PKT("\0\5\0\1File not found\0"), &code, msg, sizeof(msg)), 0);
	assert_int_equal(code, 1);
	assert_string_equal(msg, "File not found");
	/* no final NUL: the message ends at len */
	assert_int_equal(tftp_parse_error(PKT("\0\5\0\x08no"), &code, msg, sizeof(msg)), 0);
	assert_int_equal(code, 8);
	assert_string_equal(msg, "no");
	/* control bytes made printable, long text truncated */
	assert_int_equal(tftp_parse_error(PKT("\0\5\0\0a\nb\x1b" "cdefghijklmnopqrstuvwxyz\0"),
					  &code, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "a?b?cdefghijklm");
	assert_int_equal(tftp_parse_error(PKT("\0\5\0\0"), &code, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_int_equal(tftp_parse_error(PKT("\0\5\0\3x"), &code, NULL, 0), 0);
	assert_int_equal(code, 3);
	code = 99;
	assert_int_equal(tftp_parse_error(PKT("\0\5\0"), &code, msg, sizeof(msg)), -EBADMSG);
	assert_int_equal(tftp_parse_error(PKT("\0\4\0\1"), &code, msg, sizeof(msg)), -EBADMSG);
	assert_int_equal(code, 99);
}

/* --- negotiation -------------------------------------------------------- */

struct neg_case {
	int line;
	unsigned opts;
	uint32_t blksize, timeout, windowsize;
	uint32_t max_blksize;
	int tsize_known;
	uint64_t tsize;
	/* want */
	unsigned oack;
	uint32_t w_blksize, w_timeout, w_windowsize;
	uint64_t w_tsize;
};

#define NEG(...) { __LINE__, __VA_ARGS__ }

static const struct neg_case neg_cases[] = {
	/* nothing asked: RFC 1350 defaults, no OACK */
	NEG(0, 0, 0, 0, 1468, 1, 100,             0, 512, 0, 1, 0),
	/* blksize within the path */
	NEG(B_, 1468, 0, 0, 1468, 1, 0,           B_, 1468, 0, 1, 0),
	NEG(B_, 1432, 0, 0, 1468, 1, 0,           B_, 1432, 0, 1, 0),
	NEG(B_, 512, 0, 0, 1468, 1, 0,            B_, 512, 0, 1, 0),
	/* above the path MTU: answered smaller (RFC 2348) */
	NEG(B_, 65464, 0, 0, 1468, 1, 0,          B_, 1468, 0, 1, 0),
	NEG(B_, 9000, 0, 0, 65504, 1, 0,          B_, 9000, 0, 1, 0),
	NEG(B_, 65464, 0, 0, 65504, 1, 0,         B_, 65464, 0, 1, 0),
	/* a path that cannot carry even 8 bytes: ignore the option */
	NEG(B_, 1468, 0, 0, 4, 1, 0,              0, 512, 0, 1, 0),
	/* tsize only when we know it (octet); never asked, never sent */
	NEG(S_, 0, 0, 0, 1468, 1, 41943040,       S_, 512, 0, 1, 41943040),
	NEG(S_, 0, 0, 0, 1468, 0, 41943040,       0, 512, 0, 1, 0),
	NEG(B_, 1468, 0, 0, 1468, 1, 41943040,    B_, 1468, 0, 1, 0),
	/* timeout echoed */
	NEG(T_, 0, 5, 0, 1468, 1, 0,              T_, 512, 5, 1, 0),
	/* windowsize granted up to TFTP_WINDOWSIZE_GRANT */
	NEG(W_, 0, 0, 16, 1468, 1, 0,             W_, 512, 0, 16, 0),
	NEG(W_, 0, 0, 1, 1468, 1, 0,              W_, 512, 0, 1, 0),
	NEG(W_, 0, 0, 65535, 1468, 1, 0,          W_, 512, 0, TFTP_WINDOWSIZE_GRANT, 0),
	/* ...and to TFTP_WINDOW_BYTES in flight: 131072 / 65464 = 2,
	 * / 8968 (jumbo frames) = 14, / 1468 = 89 -> 64 */
	NEG(B_ | W_, 65464, 0, 64, 65504, 1, 0,   B_ | W_, 65464, 0, 2, 0),
	NEG(B_ | W_, 65464, 0, 1, 65504, 1, 0,    B_ | W_, 65464, 0, 1, 0),
	NEG(B_ | W_, 8968, 0, 64, 8968, 1, 0,     B_ | W_, 8968, 0, 14, 0),
	NEG(B_ | W_, 1468, 0, 64, 1468, 1, 0,     B_ | W_, 1468, 0, 64, 0),
	NEG(B_ | T_ | S_ | W_, 1468, 2, 16, 1468, 1, 7,
	    B_ | T_ | S_ | W_, 1468, 2, 16, 7),
};

static void test_negotiate_table(void **state)
{
	(void)state;
	FOR_ROWS(c, neg_cases) {
		struct tftp_request r = {
			.op = TFTP_OP_RRQ, .mode = TFTP_MODE_OCTET, .opts = c->opts,
			.blksize = c->blksize, .timeout = c->timeout,
			.windowsize = c->windowsize,
		};
		struct tftp_params p;

		tftp_negotiate(&r, c->max_blksize, c->tsize_known, c->tsize, &p);
		if (p.oack != c->oack)
			FAIL_AT(c->line, "oack %#x, want %#x\n", p.oack, c->oack);
		if (p.blksize != c->w_blksize || p.timeout != c->w_timeout ||
		    p.windowsize != c->w_windowsize || p.tsize != c->w_tsize)
			FAIL_AT(c->line, "got blksize %u timeout %u windowsize %u tsize %llu\n",
				p.blksize, p.timeout, p.windowsize, (unsigned long long)p.tsize);
	}
}

/* --- builders ----------------------------------------------------------- */

static void test_build_oack(void **state)
{
	static const uint8_t want[] = "\0\6blksize\0" "1468\0tsize\0" "41943040\0";
	struct tftp_params p = {
		.blksize = 1468, .timeout = 9, .windowsize = 16, .tsize = 41943040,
		.oack = BIT(TFTP_OPT_BLKSIZE) | BIT(TFTP_OPT_TSIZE),
	};
	uint8_t buf[128];
	int n;

	(void)state;
	/* only the options in p.oack, in table order */
	n = tftp_build_oack(buf, sizeof(buf), &p);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	/* exactly enough room, then one byte less */
	assert_int_equal(tftp_build_oack(buf, sizeof(want) - 1, &p), n);
	assert_int_equal(tftp_build_oack(buf, sizeof(want) - 2, &p), -ENOBUFS);
	assert_int_equal(tftp_build_oack(buf, 1, &p), -ENOBUFS);

	p.oack = BIT(TFTP_OPT_TIMEOUT) | BIT(TFTP_OPT_WINDOWSIZE);
	n = tftp_build_oack(buf, sizeof(buf), &p);
	assert_int_equal(n, 2 + 8 + 2 + 11 + 3);
	assert_memory_equal(buf, "\0\6timeout\0" "9\0windowsize\0" "16\0", (size_t)n);
}

static void test_build_error(void **state)
{
	uint8_t buf[64];
	int n;

	(void)state;
	n = tftp_build_error(buf, sizeof(buf), TFTP_ERR_NOTFOUND, NULL);
	assert_int_equal(n, 4 + 14 + 1);
	assert_memory_equal(buf, "\0\5\0\1File not found\0", (size_t)n);
	n = tftp_build_error(buf, sizeof(buf), TFTP_ERR_BADID, NULL);
	assert_memory_equal(buf, "\0\5\0\5Unknown transfer ID\0", (size_t)n);
	n = tftp_build_error(buf, sizeof(buf), TFTP_ERR_ACCESS, "Read-only server");
	assert_memory_equal(buf, "\0\5\0\2Read-only server\0", (size_t)n);
	assert_int_equal(tftp_build_error(buf, 4 + 14 + 1, TFTP_ERR_NOTFOUND, NULL), 19);
	assert_int_equal(tftp_build_error(buf, 4 + 14, TFTP_ERR_NOTFOUND, NULL), -ENOBUFS);
	assert_int_equal(tftp_build_error(buf, 3, TFTP_ERR_NOTFOUND, ""), -ENOBUFS);
	assert_string_equal(tftp_err_text(8), "Option negotiation failed");
	assert_string_equal(tftp_err_text(999), "Undefined error");
}

static void test_build_data_hdr(void **state)
{
	uint8_t buf[4];

	(void)state;
	assert_int_equal(tftp_build_data_hdr(buf, 4, 0xbeef), 4);
	assert_memory_equal(buf, "\0\3\xbe\xef", 4);
	assert_int_equal(tftp_build_data_hdr(buf, 3, 1), -ENOBUFS);
}

/* --- ACK to block, across the 16-bit wrap --------------------------------- */

struct ack_case {
	int line;
	uint64_t acked, sent_hi;
	uint16_t wire;
	int rc;
	uint64_t block;
};

#define ACKC(...) { __LINE__, __VA_ARGS__ }

static const struct ack_case ack_cases[] = {
	/* lock-step */
	ACKC(0, 1, 1,           1, 1),
	ACKC(1, 1, 1,           0, 0),      /* duplicate: no resend */
	ACKC(0, 1, 2,           0, 0),      /* never sent */
	ACKC(0, 0, 0,           0, 0),      /* ACK 0 outside the OACK state */
	/* a window of 16: any block in it, nothing past it */
	ACKC(32, 48, 48,        1, 48),
	ACKC(32, 48, 40,        1, 40),     /* mid-window: client saw a gap */
	ACKC(32, 48, 33,        1, 33),
	ACKC(32, 48, 49,        0, 0),
	ACKC(32, 48, 32,        0, 0),
	ACKC(32, 48, 31,        0, 0),      /* older than acked */
	/* the wrap: block 65536 is 0 on the wire, 65537 is 1 */
	ACKC(65535, 65536, 0,   1, 65536),
	ACKC(65535, 65535, 0,   0, 0),
	ACKC(65530, 65545, 3,   1, 65539),
	ACKC(65530, 65545, 65534, 1, 65534),
	ACKC(65530, 65545, 65530, 0, 0),
	ACKC(65536, 65537, 1,   1, 65537),
	ACKC(65536, 65537, 0,   0, 0),
	ACKC(65536, 65537, 65535, 0, 0),    /* from before the wrap */
	/* far along: the second and third wraps work the same */
	ACKC(131071, 131072, 0, 1, 131072),
	ACKC(196600, 196616, 8, 1, 196616),
	/* inconsistent input never yields a block */
	ACKC(10, 5, 11,         0, 0),
};

static void test_ack_block_table(void **state)
{
	(void)state;
	FOR_ROWS(c, ack_cases) {
		uint64_t b = 12345;
		int rc = tftp_ack_block(c->acked, c->sent_hi, c->wire, &b);

		if (rc != c->rc)
			FAIL_AT(c->line, "rc %d, want %d\n", rc, c->rc);
		if (rc && b != c->block)
			FAIL_AT(c->line, "block %llu, want %llu\n", (unsigned long long)b,
				(unsigned long long)c->block);
		if (!rc && b != 12345)
			FAIL_AT(c->line, "output touched without a block\n");
	}
}

/* --- netascii ----------------------------------------------------------- */

struct ascii_case {
	int line;
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
};

#define ASC(i, o) { __LINE__, i, sizeof(i) - 1, o, sizeof(o) - 1 }

static const struct ascii_case ascii_cases[] = {
	ASC("", ""),
	ASC("abc", "abc"),
	ASC("\n", "\r\n"),
	ASC("\r", "\r\0"),
	ASC("a\nb\n", "a\r\nb\r\n"),
	ASC("dos\r\n", "dos\r\0\r\n"),
	ASC("\n\n\r\r", "\r\n\r\n\r\0\r\0"),
	ASC("\0\xff", "\0\xff"),
};

/* Encode in out-chunks of chunk bytes, as block_fill does with blksize. */
static size_t encode_chunked(const uint8_t *in, size_t in_len, uint8_t *out, size_t chunk)
{
	size_t off = 0, o = 0, used;
	uint8_t pending = TFTP_ASCII_PEND_NONE;

	for (int guard = 0; guard < 10000; guard++) {
		size_t n = tftp_netascii_encode(in + off, in_len - off, &used, out + o, chunk,
						&pending);
		off += used;
		o += n;
		if (n < chunk)
			break;    /* a short block ends the stream */
	}
	return o;
}

static void test_netascii_table(void **state)
{
	(void)state;
	FOR_ROWS(c, ascii_cases) {

		/* every block size from 1 up gives the same stream */
		for (size_t chunk = 1; chunk <= 9; chunk++) {
			uint8_t out[64];
			size_t n = encode_chunked((const uint8_t *)c->in, c->in_len, out, chunk);

			if (n != c->out_len || memcmp(out, c->out, n) != 0)
				FAIL_AT(c->line, "chunk %zu: %zu bytes, want %zu\n", chunk, n,
					c->out_len);
		}
	}
}

static void test_netascii_pending(void **state)
{
	uint8_t out[4], pending = TFTP_ASCII_PEND_NONE;
	size_t used, n;

	(void)state;
	/* "a\n" into 2 bytes: "a\r", LF pending, both input bytes consumed */
	n = tftp_netascii_encode((const uint8_t *)"a\nb", 3, &used, out, 2, &pending);
	assert_int_equal(n, 2);
	assert_int_equal(used, 2);
	assert_int_equal(pending, TFTP_ASCII_PEND_LF);
	assert_memory_equal(out, "a\r", 2);
	/* no room at all: nothing moves */
	n = tftp_netascii_encode((const uint8_t *)"b", 1, &used, out, 0, &pending);
	assert_int_equal(n, 0);
	assert_int_equal(used, 0);
	assert_int_equal(pending, TFTP_ASCII_PEND_LF);
	/* the pending LF goes out first */
	n = tftp_netascii_encode((const uint8_t *)"b", 1, &used, out, 4, &pending);
	assert_int_equal(n, 2);
	assert_int_equal(used, 1);
	assert_memory_equal(out, "\nb", 2);
	assert_int_equal(pending, TFTP_ASCII_PEND_NONE);
	/* CR at a block end leaves its NUL pending, even at end of input */
	n = tftp_netascii_encode((const uint8_t *)"\r", 1, &used, out, 1, &pending);
	assert_int_equal(n, 1);
	assert_int_equal(pending, TFTP_ASCII_PEND_NUL);
	n = tftp_netascii_encode(NULL, 0, &used, out, 4, &pending);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0);
	assert_int_equal(pending, TFTP_ASCII_PEND_NONE);
}

/* Against a reference decoder: random data survives encode then decode. */
static void test_netascii_roundtrip(void **state)
{
	enum { N = 4096 };
	uint8_t *in = malloc(N), *enc = malloc(2 * N + 16), *dec = malloc(N + 16);
	size_t n, d = 0;
	unsigned seed = 12345;

	(void)state;
	assert_non_null(in);
	assert_non_null(enc);
	assert_non_null(dec);
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		static const uint8_t special[4] = { '\r', '\n', '\0', 'x' };

		in[i] = (seed >> 16) % 5 == 0 ? special[(seed >> 8) & 3] : (uint8_t)(seed >> 16);
	}
	n = encode_chunked(in, N, enc, 512);
	for (size_t i = 0; i < n; i++) {
		if (enc[i] == '\r') {
			assert_true(i + 1 < n);
			assert_true(enc[i + 1] == '\n' || enc[i + 1] == '\0');
			dec[d++] = enc[i + 1] == '\n' ? '\n' : '\r';
			i++;
		} else {
			dec[d++] = enc[i];
		}
		assert_true(d <= N);
	}
	assert_int_equal(d, N);
	assert_memory_equal(dec, in, N);
	free(in);
	free(enc);
	free(dec);
}

/* --- admission ------------------------------------------------------------ */

struct admit_case {
	int line;
	struct tftp_admit_in in;
	enum tftp_admit want;
};

#define ADMIT(want_, ...) { __LINE__, { __VA_ARGS__ }, want_ }

static const struct admit_case admit_cases[] = {
	/* peer_xfer, verified, same_file, since_ms, round_ms, per_ip, max, active, max */
	ADMIT(TFTP_ADMIT_START,        0, 0, 0, 0, 1000, 0, 32, 0, 512),
	ADMIT(TFTP_ADMIT_START,        0, 0, 0, 0, 1000, 31, 32, 511, 512),
	ADMIT(TFTP_ADMIT_PER_IP,       0, 0, 0, 0, 1000, 32, 32, 0, 512),
	ADMIT(TFTP_ADMIT_PER_IP,       0, 0, 0, 0, 1000, 40, 32, 512, 512),
	ADMIT(TFTP_ADMIT_FULL,         0, 0, 0, 0, 1000, 0, 32, 512, 512),
	ADMIT(TFTP_ADMIT_PER_IP,       0, 0, 0, 0, 1000, 0, 0, 0, 512),
	/* the same request, unverified: once per round */
	ADMIT(TFTP_ADMIT_REPEAT,       1, 0, 1, 0, 1000, 1, 32, 1, 512),
	ADMIT(TFTP_ADMIT_REPEAT,       1, 0, 1, 999, 1000, 1, 32, 1, 512),
	ADMIT(TFTP_ADMIT_ANSWER_AGAIN, 1, 0, 1, 1000, 1000, 1, 32, 1, 512),
	ADMIT(TFTP_ADMIT_ANSWER_AGAIN, 1, 0, 1, 5000, 1000, 32, 32, 512, 512),
	/* ...verified: never (our timer retransmits) */
	ADMIT(TFTP_ADMIT_REPEAT,       1, 1, 1, 5000, 1000, 1, 32, 1, 512),
	/* another file from the same IP:port */
	ADMIT(TFTP_ADMIT_REPLACE,      1, 0, 0, 0, 1000, 32, 32, 512, 512),
	ADMIT(TFTP_ADMIT_PEER_BUSY,    1, 1, 0, 0, 1000, 1, 32, 1, 512),
};

static void test_admit_table(void **state)
{
	(void)state;
	FOR_ROWS(c, admit_cases) {
		enum tftp_admit got = tftp_admit(&c->in);

		if (got != c->want)
			FAIL_AT(c->line, "admit %d, want %d\n", (int)got, (int)c->want);
	}
}

static void test_refusal(void **state)
{
	enum tftp_err code = TFTP_ERR_COUNT;
	const char *why = NULL;

	(void)state;
	assert_int_equal(tftp_refusal(-ENOENT, &code, &why), 0);
	assert_int_equal(code, TFTP_ERR_NOTFOUND);
	assert_string_equal(why, "not found");
	assert_int_equal(tftp_refusal(-EACCES, &code, &why), 0);
	assert_int_equal(code, TFTP_ERR_ACCESS);
	/* content_open's "protected file, not the requester's": access violation */
	assert_int_equal(tftp_refusal(-EPERM, &code, &why), 0);
	assert_int_equal(code, TFTP_ERR_ACCESS);
	assert_string_equal(why, "protected file, not this client's");
	/* server errors are not refusals; outputs untouched */
	code = TFTP_ERR_COUNT;
	why = NULL;
	assert_int_equal(tftp_refusal(-ENOMEM, &code, &why), -ENOENT);
	assert_int_equal(tftp_refusal(-EIO, &code, &why), -ENOENT);
	assert_int_equal(tftp_refusal(0, &code, &why), -ENOENT);
	assert_int_equal(code, TFTP_ERR_COUNT);
	assert_null(why);
}

/* --- retransmission timeout (RFC 6298) ---------------------------------- */

#define RTO_SAMPLES_MAX 3

struct rto_case {
	int line;
	uint32_t timeout_s;                   /* negotiated option, 0: none */
	uint64_t samples_us[RTO_SAMPLES_MAX]; /* fed in order; 0 ends the list */
	unsigned backoff;
	uint64_t want_ms;
};

#define RTO(...) { __LINE__, __VA_ARGS__ }
#define NO_SAMPLE { 0 }

static const struct rto_case rto_cases[] = {
	/* timeout, samples, backoff, want */
	/* before any sample: 1 s (RFC 6298 sec. 2.1), doubling to the ceiling */
	RTO(0, NO_SAMPLE, 0, 1000),
	RTO(0, NO_SAMPLE, 3, 8000),
	RTO(0, NO_SAMPLE, 4, 8000),
	RTO(1, NO_SAMPLE, 0, 1000),
	RTO(1, NO_SAMPLE, 1, 1000),               /* the client's 1 s is the ceiling */
	/* a LAN: 100 us, RTO = 100 + max(G, 200) us, lifted to the floor */
	RTO(0, { 100 }, 0, TFTP_RTO_FLOOR_MS),
	RTO(0, { 100 }, 1, 2 * TFTP_RTO_FLOOR_MS),
	RTO(0, { 100 }, 5, 32 * TFTP_RTO_FLOOR_MS),
	RTO(0, { 100 }, 9, 8000),
	RTO(5, { 100 }, 8, 5000),                 /* 5120 capped at timeout 5 s */
	RTO(5, { 100 }, 30, 5000),                /* any backoff: still 5 s */
	RTO(255, { 100 }, 100, 255000),
	/* first sample R: SRTT = R, RTTVAR = R/2, RTO = 3R (sec. 2.2) */
	RTO(0, { 100000 }, 0, 300),
	/* then RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R */
	RTO(0, { 100000, 100000 }, 0, 250),
	RTO(0, { 10000, 30000 }, 0, 48),           /* 12500 + 4 * 8750 us, rounded up */
	RTO(0, { 10000, 30000 }, 1, 96),
	RTO(0, { 1000, 1000, 1000 }, 0, TFTP_RTO_FLOOR_MS),
	/* a stall of minutes is capped at the ceiling before it counts */
	RTO(0, { 600000000 }, 0, 8000),
	RTO(255, { 200000000 }, 0, 255000),
	RTO(10, { 2000000 }, 0, 6000),
};

static void test_rto_table(void **state)
{
	(void)state;
	FOR_ROWS(c, rto_cases) {
		struct tftp_rto r;
		uint64_t got;

		tftp_rto_init(&r, c->timeout_s);
		for (size_t k = 0; k < RTO_SAMPLES_MAX && c->samples_us[k]; k++)
			tftp_rto_sample(&r, c->samples_us[k]);
		got = tftp_rto_ms(&r, c->backoff);
		if (got != c->want_ms)
			FAIL_AT(c->line, "rto %llu ms, want %llu\n", (unsigned long long)got,
				(unsigned long long)c->want_ms);
	}
}

/* The give-up time stays what the fixed ladder gave: 31 s, or 6 rounds of
 * the client's timeout. */
static void test_giveup(void **state)
{
	(void)state;
	assert_int_equal(tftp_giveup_ms(0), 1000 + 2000 + 4000 + 8000 + 8000 + 8000);
	assert_int_equal(tftp_giveup_ms(1), 6000);
	assert_int_equal(tftp_giveup_ms(255), 6 * 255000);
}

struct dup_case {
	int line;
	uint64_t now_ms, head_sent_ms, rto_ms;
	int want;
};

#define DUP(...) { __LINE__, __VA_ARGS__ }

static const struct dup_case dup_cases[] = {
	/* now, head sent, rto, resend? */
	DUP(100, 80, 20, 1),     /* a whole RTO since the window's first block */
	DUP(100, 81, 20, 0),     /* a duplicate within the RTO: nothing */
	DUP(100, 100, 20, 0),    /* right after sending (the dup crossed it) */
	DUP(5000, 0, 1000, 1),
	DUP(5, 10, 20, 0),       /* a clock that went back: nothing */
};

static void test_dup_ack_table(void **state)
{
	(void)state;
	FOR_ROWS(c, dup_cases) {
		int got = tftp_dup_ack_resend(c->now_ms, c->head_sent_ms, c->rto_ms);

		if (got != c->want)
			FAIL_AT(c->line, "resend %d, want %d\n", got, c->want);
	}
}

/* However many duplicates arrive, at most one resend per RTO: 1000
 * duplicates, one a millisecond, for a second at RTO 20 ms draw 50. */
static void test_dup_ack_storm(void **state)
{
	uint64_t head = 0, rto = TFTP_RTO_FLOOR_MS;
	unsigned resends = 0;

	(void)state;
	for (uint64_t now = 1; now <= 1000; now++) {
		if (tftp_dup_ack_resend(now, head, rto)) {
			resends++;
			head = now;   /* the resend is the window's new first send */
		}
	}
	assert_int_equal(resends, 1000 / TFTP_RTO_FLOOR_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opcode),
		cmocka_unit_test(test_parse_request_table),
		cmocka_unit_test(test_parse_request_name_length),
		cmocka_unit_test(test_parse_request_prefixes),
		cmocka_unit_test(test_parse_ack),
		cmocka_unit_test(test_parse_error),
		cmocka_unit_test(test_negotiate_table),
		cmocka_unit_test(test_build_oack),
		cmocka_unit_test(test_build_error),
		cmocka_unit_test(test_build_data_hdr),
		cmocka_unit_test(test_ack_block_table),
		cmocka_unit_test(test_netascii_table),
		cmocka_unit_test(test_netascii_pending),
		cmocka_unit_test(test_netascii_roundtrip),
		cmocka_unit_test(test_admit_table),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_rto_table),
		cmocka_unit_test(test_giveup),
		cmocka_unit_test(test_dup_ack_table),
		cmocka_unit_test(test_dup_ack_storm),
	};

	return cmocka_run_group_tests_name("tftp_proto", tests, NULL, NULL);
}
