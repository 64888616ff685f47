/* dhcp_test.c: the BOOTP/DHCP parser, the proxyDHCP decision, the boot file
 * choice and the reply builder (dhcp_proto.c).
 *
 * Requests are written byte by byte at the offsets of RFC 2131 figure 1 by
 * this file's own encoder, not by dhcp_build_*, so that a wrong offset in
 * the library cannot hide behind the same mistake in the test. Tables carry
 * __LINE__ so a failing row names itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "server-min/dhcp_proto.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t uuid1[17] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				   13, 14, 15, 16 };
static const char vc_bios[] = "PXEClient:Arch:00000:UNDI:002001";

/* --- an independent little encoder ---------------------------------------- */

struct pkt {
	uint8_t b[1024];
	size_t len;        /* end of the options written so far */
};

static void pkt_init(struct pkt *p, uint8_t op)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = op;
	p->b[1] = 1;                 /* ethernet */
	p->b[2] = 6;
	p->b[4] = 0xde; p->b[5] = 0xad; p->b[6] = 0xbe; p->b[7] = 0xef;
	memcpy(p->b + 28, mac1, 6);
	p->b[236] = 99; p->b[237] = 130; p->b[238] = 83; p->b[239] = 99;
	p->len = 240;
}

static void pkt_opt(struct pkt *p, uint8_t code, const void *data, size_t len)
{
	p->b[p->len++] = code;
	p->b[p->len++] = (uint8_t)len;
	memcpy(p->b + p->len, data, len);
	p->len += len;
}

static void pkt_u8(struct pkt *p, uint8_t code, uint8_t v)
{
	pkt_opt(p, code, &v, 1);
}

static void pkt_end(struct pkt *p)
{
	p->b[p->len++] = 255;
}

/* Arch 0xffff: no option 93. */
#define NO_ARCH 0xffff
static void pkt_pxe(struct pkt *p, uint8_t type, const char *vc, uint16_t arch)
{
	pkt_init(p, BOOTREQUEST);
	pkt_u8(p, 53, type);
	if (vc)
		pkt_opt(p, 60, vc, strlen(vc));
	if (arch != NO_ARCH) {
		uint8_t a[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };
		pkt_opt(p, 93, a, 2);
	}
}

/* Option code of m is there and holds exactly len bytes of data. */
static void expect_opt(const struct dhcp_msg *m, uint8_t code, const void *data,
		       size_t len)
{
	const struct dhcp_opt *o = dhcp_opt_get(m, code);

	assert_non_null(o);
	assert_int_equal(o->len, len);
	assert_memory_equal(o->data, data, len);
}

/* A DISCOVER from vc and arch with option code (0: none) of len bytes,
 * which must parse; into m. */
static void discover_parsed(struct dhcp_msg *m, const char *vc, uint16_t arch,
			    uint8_t code, const void *body, size_t len)
{
	struct pkt p;

	pkt_pxe(&p, DHCPDISCOVER, vc, arch);
	if (code)
		pkt_opt(&p, code, body, len);
	assert_int_equal(dhcp_parse(p.b, p.len, m), 0);
}

/* A DISCOVER with option 52 = v (RFC 2132 sec. 9.3) and END; the fields
 * are the caller's to fill. */
static void pkt_overload(struct pkt *p, uint8_t v)
{
	pkt_pxe(p, DHCPDISCOVER, vc_bios, 0);
	pkt_u8(p, 52, v);
	pkt_end(p);
}

/* --- parsing --------------------------------------------------------------- */

/* Every header field lands where RFC 2131 puts it, every option is found. */
static void parse_every_field(void **state)
{
	struct pkt p;
	struct dhcp_msg m;
	uint16_t arch = 0;

	(void)state;
	pkt_init(&p, BOOTREQUEST);
	p.b[3] = 2;                                   /* hops */
	p.b[8] = 0x01; p.b[9] = 0x02;                 /* secs */
	p.b[10] = 0x80;                               /* broadcast flag */
	p.b[12] = 198; p.b[13] = 18; p.b[14] = 0; p.b[15] = 2;    /* ciaddr */
	p.b[16] = 198; p.b[17] = 18; p.b[18] = 0; p.b[19] = 3;    /* yiaddr */
	p.b[20] = 198; p.b[21] = 18; p.b[22] = 0; p.b[23] = 4;    /* siaddr */
	p.b[24] = 198; p.b[25] = 18; p.b[26] = 0; p.b[27] = 5;    /* giaddr */
	memcpy(p.b + 44, "srv", 3);
	memcpy(p.b + 108, "pxelinux.0", 10);
	pkt_u8(&p, 53, DHCPDISCOVER);
	pkt_opt(&p, 60, vc_bios, strlen(vc_bios));
	pkt_opt(&p, 93, "\x00\x07", 2);
	pkt_opt(&p, 97, uuid1, sizeof(uuid1));
	pkt_opt(&p, 94, "\x01\x02\x01", 3);
	p.b[p.len++] = 0;                             /* a PAD between options */
	pkt_opt(&p, 77, "iPXE", 4);
	pkt_end(&p);

	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.hdr.op, BOOTREQUEST);
	assert_int_equal(m.hdr.htype, 1);
	assert_int_equal(m.hdr.hlen, 6);
	assert_int_equal(m.hdr.hops, 2);
	assert_int_equal(m.hdr.xid, 0xdeadbeef);
	assert_int_equal(m.hdr.secs, 0x0102);
	assert_int_equal(m.hdr.flags, DHCP_FLAG_BROADCAST);
	assert_int_equal(ntohl(m.hdr.ciaddr.s_addr), 0xc6120002);
	assert_int_equal(ntohl(m.hdr.yiaddr.s_addr), 0xc6120003);
	assert_int_equal(ntohl(m.hdr.siaddr.s_addr), 0xc6120004);
	assert_int_equal(ntohl(m.hdr.giaddr.s_addr), 0xc6120005);
	assert_memory_equal(m.hdr.chaddr, mac1, 6);
	assert_string_equal(m.sname, "srv");
	assert_string_equal(m.file, "pxelinux.0");
	assert_int_equal(m.overload, 0);
	assert_int_equal(m.msg_type, DHCPDISCOVER);

	expect_opt(&m, 60, vc_bios, strlen(vc_bios));
	expect_opt(&m, 97, uuid1, 17);
	assert_non_null(dhcp_opt_get(&m, 94));
	assert_null(dhcp_opt_get(&m, 54));
	assert_null(dhcp_opt_get(&m, 0));
	assert_null(dhcp_opt_get(&m, 255));
	assert_int_equal(dhcp_client_arch(&m, &arch), 0);
	assert_int_equal(arch, 7);
	assert_true(dhcp_is_pxeclient(&m));
	assert_true(dhcp_is_ipxe(&m));
}

/* A mutation applied to a valid PXE DISCOVER, and what the parser says. */
struct bad_case {
	int line;
	const char *what;
	void (*mutate)(struct pkt *p);
	int err;
};

static void m_empty(struct pkt *p) { p->len = 0; }
static void m_239(struct pkt *p) { p->len = 239; }
static void m_hlen17(struct pkt *p) { p->b[2] = 17; }
static void m_hlen16(struct pkt *p) { p->b[2] = 16; }
static void m_cookie(struct pkt *p) { p->b[239] = 98; }
static void m_header_cut(struct pkt *p) { p->b[p->len++] = 12; }
static void m_body_cut(struct pkt *p)
{
	p->b[p->len++] = 12;
	p->b[p->len++] = 5;
	p->b[p->len++] = 'a';
}
static void m_body_exact(struct pkt *p)
{
	p->b[p->len++] = 12;
	p->b[p->len++] = 2;
	p->b[p->len++] = 'a';
	p->b[p->len++] = 'b';
}
static void m_type_len2(struct pkt *p)
{
	pkt_init(p, BOOTREQUEST);
	pkt_opt(p, 53, "\x01\x01", 2);
}
static void m_type_0(struct pkt *p) { p->b[242] = 0; }
static void m_type_19(struct pkt *p) { p->b[242] = 19; }
static void m_type_18(struct pkt *p) { p->b[242] = 18; }
static void m_no_end(struct pkt *p) { (void)p; }
static void m_end(struct pkt *p) { pkt_end(p); }
static void m_pads(struct pkt *p)
{
	memset(p->b + p->len, 0, 40);
	p->len += 40;
}
static void m_end_then_junk(struct pkt *p)
{
	pkt_end(p);
	p->b[p->len++] = 12;            /* after END: never read */
	p->b[p->len++] = 200;
}
static void m_overload_len0(struct pkt *p) { pkt_opt(p, 52, "", 0); }
static void m_overload_4(struct pkt *p) { pkt_u8(p, 52, 4); }
static void m_overload_file_cut(struct pkt *p)
{
	pkt_u8(p, 52, 1);
	pkt_end(p);
	p->b[108 + 126] = 12;            /* header at 126, length at 127 ... */
	p->b[108 + 127] = 3;             /* ... body would run past file[] */
}
static void m_overload_sname_cut(struct pkt *p)
{
	pkt_u8(p, 52, 2);
	pkt_end(p);
	p->b[44 + 63] = 12;              /* header without its length byte */
}

static const struct bad_case bad_cases[] = {
	{ __LINE__, "empty", m_empty, -EBADMSG },
	{ __LINE__, "one byte short of the cookie", m_239, -EBADMSG },
	{ __LINE__, "hlen 17", m_hlen17, -EBADMSG },
	{ __LINE__, "hlen 16 is fine", m_hlen16, 0 },
	{ __LINE__, "wrong magic cookie", m_cookie, -EPROTONOSUPPORT },
	{ __LINE__, "option code without length", m_header_cut, -EBADMSG },
	{ __LINE__, "option body past the end", m_body_cut, -EBADMSG },
	{ __LINE__, "option body ends exactly at the end", m_body_exact, 0 },
	{ __LINE__, "option 53 of length 2", m_type_len2, -EBADMSG },
	{ __LINE__, "message type 0", m_type_0, -EBADMSG },
	{ __LINE__, "message type 19", m_type_19, -EBADMSG },
	{ __LINE__, "message type 18", m_type_18, 0 },
	{ __LINE__, "no END option", m_no_end, 0 },
	{ __LINE__, "END option", m_end, 0 },
	{ __LINE__, "PAD run", m_pads, 0 },
	{ __LINE__, "bytes after END are not read", m_end_then_junk, 0 },
	{ __LINE__, "overload of length 0", m_overload_len0, -EBADMSG },
	{ __LINE__, "overload value 4", m_overload_4, -EBADMSG },
	{ __LINE__, "overloaded file: body past the field", m_overload_file_cut, -EBADMSG },
	{ __LINE__, "overloaded sname: header cut", m_overload_sname_cut, -EBADMSG },
};

static void parse_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct pkt p;
		struct dhcp_msg m;
		int r;

		pkt_pxe(&p, DHCPDISCOVER, vc_bios, 0);
		c->mutate(&p);
		/* A sentinel: ret_msg must stay untouched on failure. */
		memset(&m, 0xa5, sizeof(m));
		r = dhcp_parse(p.b, p.len, &m);
		if (r != c->err)
			fail_msg("%s:%d %s: got %d, want %d", __FILE__, c->line,
				 c->what, r, c->err);
		if (r < 0 && m.hdr.op != 0xa5)
			fail_msg("%s:%d %s: output changed on failure", __FILE__,
				 c->line, c->what);
	}
}

/* Overload: options continue in file, then sname; the vendor area's copy
 * of a code wins; the fields are then not file names. */
static void parse_overload(void **state)
{
	struct pkt p;
	struct dhcp_msg m;
	const struct dhcp_opt *o;

	(void)state;
	pkt_overload(&p, 3);
	/* file: option 97 and a second 60 (ignored: first wins), then END */
	memcpy(p.b + 108, "\x3c\x03" "abc" "\x61\x02\x00\x09" "\xff", 10);
	/* sname: option 77 "iPXE" */
	memcpy(p.b + 44, "\x4d\x04" "iPXE" "\xff", 7);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.overload, 3);
	assert_string_equal(m.file, "");
	assert_string_equal(m.sname, "");
	o = dhcp_opt_get(&m, 97);
	assert_non_null(o);
	assert_int_equal(o->len, 2);
	assert_true(dhcp_is_pxeclient(&m));
	assert_true(dhcp_is_ipxe(&m));

	/* overload 1: sname stays a name */
	pkt_overload(&p, 1);
	memcpy(p.b + 44, "bootsrv", 7);
	memcpy(p.b + 108, "\xff", 1);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_string_equal(m.sname, "bootsrv");
	assert_string_equal(m.file, "");

	/* option 52 inside the overloaded fields points at itself: malformed
	 * (RFC 2132 sec. 9.3), in file and in sname alike */
	pkt_overload(&p, 3);
	memcpy(p.b + 108, "\x34\x01\x03\xff", 4);
	memcpy(p.b + 44, "\xff", 1);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), -EBADMSG);
	memcpy(p.b + 108, "\xff", 1);
	memcpy(p.b + 44, "\x34\x01\x01\xff", 4);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), -EBADMSG);
	/* in a field that is not overloaded it is just name bytes */
	pkt_overload(&p, 1);
	memcpy(p.b + 108, "\xff", 1);
	memcpy(p.b + 44, "\x34\x01\x01\xff", 4);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
}

/* A 128-byte file field without NUL is still read as a bounded string. */
static void parse_unterminated_fields(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	(void)state;
	pkt_pxe(&p, DHCPDISCOVER, vc_bios, 0);
	memset(p.b + 44, 's', 64);
	memset(p.b + 108, 'f', 128);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_int_equal(strlen(m.sname), 64);
	assert_int_equal(strlen(m.file), 128);
}

struct arch_case {
	int line;
	const char *body;
	size_t len;
	int err;
	uint16_t arch;
};

static const struct arch_case arch_cases[] = {
	{ __LINE__, "\x00\x00", 2, 0, 0 },
	{ __LINE__, "\x00\x07", 2, 0, 7 },
	{ __LINE__, "\x00\x09\x00\x07", 4, 0, 9 },    /* first one counts */
	{ __LINE__, "\x01\x02", 2, 0, 0x102 },
	{ __LINE__, "", 0, -EBADMSG, 0 },
	{ __LINE__, "\x00", 1, -EBADMSG, 0 },
	{ __LINE__, "\x00\x07\x00", 3, -EBADMSG, 0 },
};

static void client_arch(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(arch_cases); i++) {
		const struct arch_case *c = &arch_cases[i];
		struct dhcp_msg m;
		uint16_t arch = 0xbeef;
		int r;

		discover_parsed(&m, vc_bios, NO_ARCH, 93, c->body, c->len);
		r = dhcp_client_arch(&m, &arch);
		if (r != c->err || (r == 0 && arch != c->arch) ||
		    (r < 0 && arch != 0xbeef))
			fail_msg("%s:%d: got %d arch %u", __FILE__, c->line, r, arch);
	}
}

struct class_case {
	int line;
	uint8_t code;           /* 77 or 175; 0: none */
	const char *body;
	size_t len;
	int ipxe;
};

static const struct class_case class_cases[] = {
	{ __LINE__, 0, "", 0, 0 },
	{ __LINE__, 77, "iPXE", 4, 1 },                  /* what iPXE sends */
	{ __LINE__, 77, "\x04iPXE", 5, 1 },              /* RFC 3004 */
	{ __LINE__, 77, "\x03" "foo" "\x04iPXE", 9, 1 }, /* RFC 3004, second */
	{ __LINE__, 77, "\x05iPXE", 5, 0 },              /* instance too long */
	{ __LINE__, 77, "\x00\x04iPXE", 6, 0 },          /* zero-length instance */
	{ __LINE__, 77, "ipxe", 4, 0 },                  /* case matters */
	{ __LINE__, 77, "iPXEx", 5, 0 },
	{ __LINE__, 77, "", 0, 0 },
	{ __LINE__, 175, "\x15\x01\x01", 3, 1 },         /* any 175 */
	{ __LINE__, 175, "", 0, 1 },
};

static void ipxe_detection(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(class_cases); i++) {
		const struct class_case *c = &class_cases[i];
		struct dhcp_msg m;

		discover_parsed(&m, vc_bios, 0, c->code, c->body, c->len);
		if (dhcp_is_ipxe(&m) != c->ipxe)
			fail_msg("%s:%d: is_ipxe %d", __FILE__, c->line, !c->ipxe);
	}
}

static void vendor_class(void **state)
{
	static const struct { const char *vc; int pxe; } t[] = {
		{ "PXEClient", 1 },
		{ "PXEClient:Arch:00007:UNDI:003016", 1 },
		{ "PXEClien", 0 },
		{ "pxeclient", 0 },
		{ "HTTPClient:Arch:00016", 0 },
		{ "udhcp 1.35.0", 0 },
		{ NULL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct dhcp_msg m;

		discover_parsed(&m, t[i].vc, 0, 0, NULL, 0);
		if (dhcp_is_pxeclient(&m) != t[i].pxe)
			fail_msg("vendor class %s", t[i].vc ? t[i].vc : "(none)");
	}
}

static void mac_format(void **state)
{
	struct dhcp_hdr h;
	char s[DHCP_MAC_STR_MAX];

	(void)state;
	memset(&h, 0, sizeof(h));
	memcpy(h.chaddr, mac1, 6);
	h.hlen = 6;
	dhcp_format_mac(&h, s);
	assert_string_equal(s, "52:54:00:12:34:56");
	h.hlen = 0;
	dhcp_format_mac(&h, s);
	assert_string_equal(s, "-");
	memset(h.chaddr, 0xff, 16);
	h.hlen = 16;
	dhcp_format_mac(&h, s);
	assert_int_equal(strlen(s), 47);
	h.hlen = 200;                    /* never trusted past 16 */
	dhcp_format_mac(&h, s);
	assert_int_equal(strlen(s), 47);
}

/* --- the proxy decision ------------------------------------------------------ */

#define SELF  "198.18.0.1"
#define OTHER "198.18.0.254"

enum sid { SID_NONE, SID_SELF, SID_OTHER, SID_BAD };

struct classify_case {
	int line;
	const char *what;
	uint8_t op, type;        /* type 0: no option 53 */
	const char *vc;
	uint16_t arch;
	enum sid sid;
	int via_4011;
	int ipxe;                /* add user class "iPXE" */
	int err;
	uint8_t reply;
	int http;                /* expected r.http */
};

static const struct classify_case classify_cases[] = {
	{ __LINE__, "BIOS DISCOVER", 1, DHCPDISCOVER, vc_bios, 0, SID_NONE, 0, 0, 0, DHCPOFFER, 0 },
	{ __LINE__, "UEFI DISCOVER", 1, DHCPDISCOVER, "PXEClient:Arch:00007:UNDI:003016", 7, SID_NONE, 0, 0, 0, DHCPOFFER, 0 },
	{ __LINE__, "iPXE DISCOVER", 1, DHCPDISCOVER, vc_bios, 0, SID_NONE, 0, 1, 0, DHCPOFFER, 0 },
	{ __LINE__, "bare PXEClient", 1, DHCPDISCOVER, "PXEClient", 9, SID_NONE, 0, 0, 0, DHCPOFFER, 0 },
	{ __LINE__, "no option 60", 1, DHCPDISCOVER, NULL, 0, SID_NONE, 0, 0, -ENOMSG, 0, 0 },
	{ __LINE__, "other vendor class", 1, DHCPDISCOVER, "MSFT 5.0", 0, SID_NONE, 0, 0, -ENOMSG, 0, 0 },
	{ __LINE__, "no option 93", 1, DHCPDISCOVER, vc_bios, NO_ARCH, SID_NONE, 0, 0, -ENOENT, 0, 0 },
	{ __LINE__, "DISCOVER on 4011", 1, DHCPDISCOVER, vc_bios, 0, SID_NONE, 1, 0, -EOPNOTSUPP, 0, 0 },
	{ __LINE__, "REQUEST on 67 naming us", 1, DHCPREQUEST, vc_bios, 0, SID_SELF, 0, 0, 0, DHCPACK, 0 },
	{ __LINE__, "REQUEST on 67 naming another", 1, DHCPREQUEST, vc_bios, 0, SID_OTHER, 0, 0, -EXDEV, 0, 0 },
	{ __LINE__, "REQUEST on 67 naming none", 1, DHCPREQUEST, vc_bios, 0, SID_NONE, 0, 0, -EXDEV, 0, 0 },
	{ __LINE__, "REQUEST on 4011 naming none", 1, DHCPREQUEST, vc_bios, 7, SID_NONE, 1, 0, 0, DHCPACK, 0 },
	{ __LINE__, "REQUEST on 4011 naming us", 1, DHCPREQUEST, vc_bios, 0, SID_SELF, 1, 1, 0, DHCPACK, 0 },
	{ __LINE__, "REQUEST on 4011 naming another", 1, DHCPREQUEST, vc_bios, 0, SID_OTHER, 1, 0, -EXDEV, 0, 0 },
	{ __LINE__, "REQUEST with 3-byte 54", 1, DHCPREQUEST, vc_bios, 0, SID_BAD, 1, 0, -EBADMSG, 0, 0 },
	{ __LINE__, "REQUEST without 60", 1, DHCPREQUEST, NULL, 0, SID_SELF, 1, 0, -ENOMSG, 0, 0 },
	{ __LINE__, "RELEASE", 1, DHCPRELEASE, vc_bios, 0, SID_SELF, 0, 0, -EOPNOTSUPP, 0, 0 },
	{ __LINE__, "DECLINE", 1, DHCPDECLINE, vc_bios, 0, SID_SELF, 0, 0, -EOPNOTSUPP, 0, 0 },
	{ __LINE__, "INFORM", 1, DHCPINFORM, vc_bios, 0, SID_NONE, 0, 0, -EOPNOTSUPP, 0, 0 },
	{ __LINE__, "INFORM on 4011", 1, DHCPINFORM, vc_bios, 0, SID_NONE, 1, 0, -EOPNOTSUPP, 0, 0 },
	{ __LINE__, "OFFER from a server", 2, DHCPOFFER, "PXEClient", 0, SID_OTHER, 0, 0, -EPROTO, 0, 0 },
	{ __LINE__, "BOOTREPLY carrying DISCOVER", 2, DHCPDISCOVER, vc_bios, 0, SID_NONE, 0, 0, -EPROTO, 0, 0 },
	{ __LINE__, "plain BOOTP", 1, 0, vc_bios, 0, SID_NONE, 0, 0, -EPROTO, 0, 0 },
	{ __LINE__, "op 0", 0, DHCPDISCOVER, vc_bios, 0, SID_NONE, 0, 0, -EPROTO, 0, 0 },
	/* UEFI HTTP Boot, EDK2 HttpBootDxe's vendor class */
	{ __LINE__, "HTTP x64 DISCOVER", 1, DHCPDISCOVER, "HTTPClient:Arch:00016:UNDI:003001", 16, SID_NONE, 0, 0, 0, DHCPOFFER, 1 },
	{ __LINE__, "HTTP arm64 DISCOVER", 1, DHCPDISCOVER, "HTTPClient:Arch:00019:UNDI:003001", 19, SID_NONE, 0, 0, 0, DHCPOFFER, 1 },
	{ __LINE__, "bare HTTPClient", 1, DHCPDISCOVER, "HTTPClient", 16, SID_NONE, 0, 0, 0, DHCPOFFER, 1 },
	{ __LINE__, "HTTPClien (short)", 1, DHCPDISCOVER, "HTTPClien", 16, SID_NONE, 0, 0, -ENOMSG, 0, 0 },
	{ __LINE__, "httpclient (case)", 1, DHCPDISCOVER, "httpclient", 16, SID_NONE, 0, 0, -ENOMSG, 0, 0 },
	{ __LINE__, "HTTPClient REQUEST naming another", 1, DHCPREQUEST, "HTTPClient", 16, SID_OTHER, 0, 0, -EXDEV, 0, 0 },
	{ __LINE__, "HTTPClient without 93", 1, DHCPDISCOVER, "HTTPClient", NO_ARCH, SID_NONE, 0, 0, -ENOENT, 0, 0 },
};

static void classify(void **state)
{
	struct in_addr self;

	(void)state;
	inet_pton(AF_INET, SELF, &self);
	for (size_t i = 0; i < ARRAY_SIZE(classify_cases); i++) {
		const struct classify_case *c = &classify_cases[i];
		struct dhcp_pxe_req r = { .reply_type = 0xee, .arch = 0xbeef };
		struct in_addr a;
		struct dhcp_msg m;
		struct pkt p;
		int err;

		pkt_init(&p, c->op);
		if (c->type)
			pkt_u8(&p, 53, c->type);
		if (c->vc)
			pkt_opt(&p, 60, c->vc, strlen(c->vc));
		if (c->arch != NO_ARCH) {
			uint8_t b[2] = { (uint8_t)(c->arch >> 8), (uint8_t)c->arch };
			pkt_opt(&p, 93, b, 2);
		}
		if (c->sid == SID_SELF || c->sid == SID_OTHER) {
			inet_pton(AF_INET, c->sid == SID_SELF ? SELF : OTHER, &a);
			pkt_opt(&p, 54, &a.s_addr, 4);
		} else if (c->sid == SID_BAD)
			pkt_opt(&p, 54, "\xc6\x12\x00", 3);
		if (c->ipxe)
			pkt_opt(&p, 77, "iPXE", 4);
		pkt_end(&p);
		assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
		err = dhcp_pxe_classify(&m, self, c->via_4011, &r);
		if (err != c->err)
			fail_msg("%s:%d %s: got %d (%s), want %d", __FILE__, c->line,
				 c->what, err, dhcp_pxe_why(err), c->err);
		if (err == 0 && (r.reply_type != c->reply || r.ipxe != c->ipxe ||
				 r.arch != c->arch || r.http != c->http ||
				 !r.has_mac || memcmp(r.mac, mac1, 6) != 0))
			fail_msg("%s:%d %s: reply %u ipxe %u arch %u", __FILE__,
				 c->line, c->what, r.reply_type, r.ipxe, r.arch);
		if (err < 0 && (r.reply_type != 0xee || r.arch != 0xbeef))
			fail_msg("%s:%d %s: output changed on failure", __FILE__,
				 c->line, c->what);
		assert_string_not_equal(dhcp_pxe_why(err), "");
	}
}

/* --- boot file choice --------------------------------------------------------- */

struct file_case {
	int line;
	uint16_t arch;
	int ipxe;
	const char *ipxe_tmpl;   /* NULL: the default */
	size_t cap;
	int err;
	const char *file;
	int http;
	int no_mac;              /* chaddr is not an Ethernet MAC */
};

#define IPXE_DEFAULT "${server}/boot.ipxe?mac={mac}"
#define BASE "http://198.18.0.1"
#define MAC1 "52-54-00-12-34-56"

#define L70 "0123456789012345678901234567890123456789012345678901234567890123456789"
#define LONG250 L70 L70 L70 "0123456789012345678901234567890123456789"

static const struct file_case file_cases[] = {
	{ __LINE__, 0, 0, NULL, 256, 0, "undionly.kpxe", 0, 0 },
	{ __LINE__, 7, 0, NULL, 256, 0, "alpineboot.efi", 0, 0 },
	{ __LINE__, 9, 0, NULL, 256, 0, "alpineboot.efi", 0, 0 },
	{ __LINE__, 6, 0, NULL, 256, -EAFNOSUPPORT, NULL, 0, 0 },     /* IA32 UEFI */
	{ __LINE__, 10, 0, NULL, 256, -EAFNOSUPPORT, NULL, 0, 0 },    /* ARM32 UEFI */
	{ __LINE__, 11, 0, NULL, 256, 0, "alpineboot-arm64.efi", 0, 0 },
	{ __LINE__, 16, 0, NULL, 256, -EAFNOSUPPORT, NULL, 0, 0 },    /* 16 without HTTPClient */
	/* HTTPClient: a URL, by arch */
	{ __LINE__, 16, 0, NULL, 256, 0, BASE "/alpineboot.efi", 1, 0 },
	{ __LINE__, 19, 0, NULL, 256, 0, BASE "/alpineboot-arm64.efi", 1, 0 },
	{ __LINE__, 15, 0, NULL, 256, -EAFNOSUPPORT, NULL, 1, 0 },    /* x86 HTTP: no loader */
	{ __LINE__, 7, 0, NULL, 256, -EAFNOSUPPORT, NULL, 1, 0 },
	/* iPXE: the booting NIC's MAC, on every arch */
	{ __LINE__, 0, 1, NULL, 256, 0, BASE "/boot.ipxe?mac=" MAC1, 0, 0 },
	{ __LINE__, 7, 1, NULL, 256, 0, BASE "/boot.ipxe?mac=" MAC1, 0, 0 },
	{ __LINE__, 11, 1, NULL, 256, 0, BASE "/boot.ipxe?mac=" MAC1, 0, 0 },
	{ __LINE__, 0, 1, NULL, 256, -EADDRNOTAVAIL, NULL, 0, 1 },
	{ __LINE__, 0, 1, "${server}/x", 256, 0, BASE "/x", 0, 1 },   /* no {mac}: fine */
	/* iPXE's own settings pass through */
	{ __LINE__, 0, 1, "${server}/boot.ipxe?mac=${net0/mac:hexhyp}", 256, 0,
	  BASE "/boot.ipxe?mac=${net0/mac:hexhyp}", 0, 0 },
	{ __LINE__, 0, 1, "x?a=${mac}&b={mac}", 256, 0, "x?a=${mac}&b=" MAC1, 0, 0 },
	{ __LINE__, 0, 1, "{mac}{mac}", 256, 0, MAC1 MAC1, 0, 0 },
	{ __LINE__, 0, 1, "{MAC}{mac", 256, 0, "{MAC}{mac", 0, 0 },
	{ __LINE__, 0, 1, "${server}/a${server}", 256, 0, BASE "/a" BASE, 0, 0 },
	{ __LINE__, 0, 1, "${serve}/x", 256, 0, "${serve}/x", 0, 0 },
	{ __LINE__, 0, 1, "", 256, -EAFNOSUPPORT, NULL, 0, 0 },
	{ __LINE__, 0, 1, IPXE_DEFAULT, 20, -ENAMETOOLONG, NULL, 0, 0 },
	{ __LINE__, 0, 1, "${server}" LONG250, 256, -ENAMETOOLONG, NULL, 0, 0 }, /* 17 + 250 */
	{ __LINE__, 0, 1, LONG250 "{mac}", 256, -ENAMETOOLONG, NULL, 0, 0 },     /* 250 + 17 */
	{ __LINE__, 0, 1, LONG250 "01234", 256, 0, LONG250 "01234", 0, 0 },     /* 255 */
	{ __LINE__, 0, 1, LONG250 "012345", 256, -ENAMETOOLONG, NULL, 0, 0 },   /* 256 */
	{ __LINE__, 0, 0, NULL, 13, -ENAMETOOLONG, NULL, 0, 0 },       /* no room for NUL */
	{ __LINE__, 0, 0, NULL, 14, 0, "undionly.kpxe", 0, 0 },
};

static void boot_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(file_cases); i++) {
		const struct file_case *c = &file_cases[i];
		const struct dhcp_boot_files f = {
			.bios = "undionly.kpxe", .efi64 = "alpineboot.efi",
			.arm64 = "alpineboot-arm64.efi",
			.ipxe = c->ipxe_tmpl ? c->ipxe_tmpl : IPXE_DEFAULT,
			.http_x64 = "${server}/alpineboot.efi",
			.http_arm64 = "${server}/alpineboot-arm64.efi",
			.http_base = BASE,
		};
		struct dhcp_pxe_req r = {
			.reply_type = DHCPOFFER, .arch = c->arch,
			.ipxe = (uint8_t)c->ipxe, .http = (uint8_t)c->http,
			.has_mac = !c->no_mac,
		};
		char out[256];
		int err;

		memcpy(r.mac, mac1, 6);
		memset(out, 'x', sizeof(out));
		err = dhcp_pxe_boot_file(&r, &f, out, c->cap);
		if (err != c->err)
			fail_msg("%s:%d: got %d, want %d", __FILE__, c->line, err, c->err);
		if (err == 0 && strcmp(out, c->file) != 0)
			fail_msg("%s:%d: got %s", __FILE__, c->line, out);
		if (err < 0 && out[0] != 'x')
			fail_msg("%s:%d: output changed on failure", __FILE__, c->line);
	}
}

/* --- the reply ------------------------------------------------------------ */

static void build_reply(const char *file, uint8_t type, int with_uuid,
			uint8_t *out, size_t *ret_len, struct dhcp_msg *ret_req)
{
	struct in_addr self;
	struct dhcp_pxe_req r;
	struct pkt p;

	inet_pton(AF_INET, SELF, &self);
	pkt_pxe(&p, type == DHCPOFFER ? DHCPDISCOVER : DHCPREQUEST, vc_bios, 7);
	p.b[10] = 0x80;
	p.b[12] = 198; p.b[13] = 18; p.b[14] = 0; p.b[15] = 2;   /* ciaddr */
	if (with_uuid)
		pkt_opt(&p, 97, uuid1, sizeof(uuid1));
	pkt_end(&p);
	/* the request must outlive the parsed struct: copy it somewhere static */
	static struct pkt keep;
	keep = p;
	assert_int_equal(dhcp_parse(keep.b, keep.len, ret_req), 0);
	assert_int_equal(dhcp_pxe_classify(ret_req, self, 1, &r), type == DHCPACK ? 0 : -EOPNOTSUPP);
	if (type == DHCPOFFER)
		assert_int_equal(dhcp_pxe_classify(ret_req, self, 0, &r), 0);
	assert_int_equal(dhcp_pxe_reply(ret_req, &r, self, file, out, DHCP_REPLY_MAX, ret_len), 0);
}

/* Every field of the reply, read back both raw and through the parser. */
static void reply_fields(void **state)
{
	static const uint8_t vendor[] = { 6, 1, 8, 255 };
	uint8_t out[DHCP_REPLY_MAX];
	struct dhcp_msg req, m;
	size_t len = 0;

	(void)state;
	for (int ack = 0; ack < 2; ack++) {
		build_reply("alpineboot.efi", ack ? DHCPACK : DHCPOFFER, 1, out, &len, &req);
		assert_true(len >= DHCP_BOOTP_MIN_LEN);
		assert_int_equal(out[len - 1] == 255 || out[len - 1] == 0, 1);
		/* raw offsets, RFC 2131 figure 1 */
		assert_int_equal(out[0], BOOTREPLY);
		assert_int_equal(out[1], 1);
		assert_int_equal(out[2], 6);
		assert_memory_equal(out + 4, "\xde\xad\xbe\xef", 4);
		assert_memory_equal(out + 10, "\x80\x00", 2);
		assert_memory_equal(out + 12, ack ? "\xc6\x12\x00\x02" : "\0\0\0\0", 4);
		assert_memory_equal(out + 16, "\0\0\0\0", 4);             /* yiaddr */
		assert_memory_equal(out + 20, "\xc6\x12\x00\x01", 4);     /* siaddr */
		assert_memory_equal(out + 28, mac1, 6);
		assert_string_equal((const char *)out + 44, SELF);
		assert_string_equal((const char *)out + 108, "alpineboot.efi");
		assert_memory_equal(out + 236, "\x63\x82\x53\x63", 4);
		assert_int_equal(out[240], 53);                            /* first */
		assert_int_equal(out[242], ack ? DHCPACK : DHCPOFFER);

		assert_int_equal(dhcp_parse(out, len, &m), 0);
		assert_int_equal(m.msg_type, ack ? DHCPACK : DHCPOFFER);
		assert_int_equal(m.hdr.xid, req.hdr.xid);
		expect_opt(&m, 54, "\xc6\x12\x00\x01", 4);
		expect_opt(&m, 60, "PXEClient", 9);
		expect_opt(&m, 97, uuid1, 17);
		expect_opt(&m, 43, vendor, sizeof(vendor));
		expect_opt(&m, 66, SELF, strlen(SELF));
		expect_opt(&m, 67, "alpineboot.efi", strlen("alpineboot.efi"));
		/* never a lease */
		static const uint8_t lease_opts[] = { 1, 3, 6, 50, 51, 58, 59 };
		for (size_t i = 0; i < sizeof(lease_opts); i++)
			assert_null(dhcp_opt_get(&m, lease_opts[i]));
	}
	/* no UUID asked, none given */
	build_reply("undionly.kpxe", DHCPOFFER, 0, out, &len, &req);
	assert_int_equal(dhcp_parse(out, len, &m), 0);
	assert_null(dhcp_opt_get(&m, 97));
}

/* A name longer than the file field goes in option 67 only. */
static void reply_long_file(void **state)
{
	uint8_t out[DHCP_REPLY_MAX];
	struct dhcp_msg req, m;
	struct dhcp_pxe_req r = { .reply_type = DHCPOFFER, .arch = 0, .ipxe = 1 };
	struct in_addr self;
	const struct dhcp_opt *o;
	char name[300];
	size_t len;

	(void)state;
	inet_pton(AF_INET, SELF, &self);
	memset(name, 'a', sizeof(name));
	name[127] = 0;                   /* 127 chars: still fits with NUL */
	build_reply(name, DHCPOFFER, 0, out, &len, &req);
	assert_string_equal((const char *)out + 108, name);
	name[127] = 'a';
	name[128] = 0;                   /* 128: option 67 only */
	assert_int_equal(dhcp_pxe_reply(&req, &r, self, name, out, sizeof(out), &len), 0);
	assert_int_equal(dhcp_parse(out, len, &m), 0);
	assert_string_equal(m.file, "");
	o = dhcp_opt_get(&m, 67);
	assert_non_null(o);
	assert_int_equal(o->len, 128);
	name[128] = 'a';
	name[255] = 0;                   /* 255: the most one option holds */
	assert_int_equal(dhcp_pxe_reply(&req, &r, self, name, out, sizeof(out), &len), 0);
	name[255] = 'a';
	name[256] = 0;
	len = 4242;
	assert_int_equal(dhcp_pxe_reply(&req, &r, self, name, out, sizeof(out), &len),
			 -ENAMETOOLONG);
	assert_int_equal(len, 4242);
	/* too small a buffer */
	assert_int_equal(dhcp_pxe_reply(&req, &r, self, "x", out, 280, &len), -ENOSPC);
	assert_int_equal(dhcp_pxe_reply(&req, &r, self, "x", out, 100, &len), -ENOSPC);
	assert_int_equal(len, 4242);
}

static void builder_limits(void **state)
{
	uint8_t buf[260];
	struct dhcp_builder b;
	struct dhcp_hdr h;
	size_t len = 7;

	(void)state;
	memset(&h, 0, sizeof(h));
	dhcp_build_start(&b, buf, 239, &h);
	assert_int_equal(b.err, -ENOSPC);
	assert_int_equal(dhcp_build_finish(&b, 0, &len), -ENOSPC);
	assert_int_equal(len, 7);

	/* 260 = 240 + 20: an 17-byte option fits with END, an 18-byte not */
	dhcp_build_start(&b, buf, sizeof(buf), &h);
	dhcp_build_opt(&b, 12, "01234567890123456", 17);
	assert_int_equal(b.err, 0);
	assert_int_equal(dhcp_build_finish(&b, 0, &len), 0);
	assert_int_equal(len, 260);
	assert_int_equal(buf[259], 255);

	dhcp_build_start(&b, buf, sizeof(buf), &h);
	dhcp_build_opt(&b, 12, "012345678901234567", 18);
	assert_int_equal(b.err, -ENOSPC);
	dhcp_build_opt_u8(&b, 53, 1);    /* sticky: stays failed */
	assert_int_equal(dhcp_build_finish(&b, 0, &len), -ENOSPC);

	dhcp_build_start(&b, buf, sizeof(buf), &h);
	dhcp_build_opt(&b, 0, "", 0);    /* PAD and END are not options */
	assert_int_equal(b.err, -EINVAL);

	dhcp_build_start(&b, buf, sizeof(buf), &h);
	dhcp_build_opt_u8(&b, 53, 1);
	assert_int_equal(dhcp_build_finish(&b, 300, &len), -ENOSPC);   /* pad > cap */
}

/* --- chaddr, UUID text -------------------------------------------------------- */

struct chaddr_case {
	int line;
	uint8_t htype, hlen;
	uint8_t mac[6];
	int ok;
};

static const struct chaddr_case chaddr_cases[] = {
	{ __LINE__, 1, 6, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 1 },
	{ __LINE__, 1, 6, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 1 },
	{ __LINE__, 1, 6, { 0, 0, 0, 0, 0, 0 }, 0 },                   /* zero */
	{ __LINE__, 1, 6, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0 }, /* broadcast */
	{ __LINE__, 1, 6, { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 0 }, /* multicast */
	{ __LINE__, 1, 6, { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, 0 }, /* IPv6 mcast */
	{ __LINE__, 1, 0, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 0 }, /* hlen 0 */
	{ __LINE__, 1, 16, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 0 },
	{ __LINE__, 6, 6, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 0 }, /* IEEE 802 */
	{ __LINE__, 32, 0, { 0 }, 0 },                                 /* InfiniBand */
};

static void chaddr_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(chaddr_cases); i++) {
		const struct chaddr_case *c = &chaddr_cases[i];
		struct dhcp_hdr h;

		memset(&h, 0, sizeof(h));
		h.htype = c->htype;
		h.hlen = c->hlen;
		memcpy(h.chaddr, c->mac, 6);
		if (dhcp_chaddr_ok(&h) != c->ok)
			fail_msg("%s:%d: got %d", __FILE__, c->line, !c->ok);
	}
}

static void uuid_text(void **state)
{
	static const uint8_t bad_type[17] = { 1 };
	char out[DHCP_UUID_STR_MAX];
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_pxe(&p, DHCPDISCOVER, vc_bios, 0);
	pkt_opt(&p, 97, uuid1, sizeof(uuid1));
	pkt_end(&p);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_int_equal(dhcp_uuid_text(&m, out), 0);
	assert_string_equal(out, "01020304-0506-0708-090a-0b0c0d0e0f10");

	pkt_pxe(&p, DHCPDISCOVER, vc_bios, 0);
	pkt_end(&p);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	strcpy(out, "untouched");
	assert_int_equal(dhcp_uuid_text(&m, out), -ENOENT);
	pkt_pxe(&p, DHCPDISCOVER, vc_bios, 0);
	pkt_opt(&p, 97, bad_type, sizeof(bad_type));
	pkt_end(&p);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_int_equal(dhcp_uuid_text(&m, out), -EBADMSG);
	pkt_pxe(&p, DHCPDISCOVER, vc_bios, 0);
	pkt_opt(&p, 97, uuid1, 16);                   /* one byte short */
	pkt_end(&p);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), 0);
	assert_int_equal(dhcp_uuid_text(&m, out), -EBADMSG);
	assert_string_equal(out, "untouched");
}

/* The HTTP Boot answer: what EDK2's HttpBootParseDhcp4Packet needs for a
 * "ProxyIpUri" offer (yiaddr 0, 60 starting HTTPClient, a URL in 67), and
 * nothing PXE. */
static void reply_http(void **state)
{
	static const char url[] = "http://198.18.0.1/alpineboot.efi";
	uint8_t out[DHCP_REPLY_MAX];
	struct dhcp_msg req, m;
	struct dhcp_pxe_req r;
	struct in_addr self;
	struct pkt p;
	size_t len;

	(void)state;
	inet_pton(AF_INET, SELF, &self);
	pkt_pxe(&p, DHCPDISCOVER, "HTTPClient:Arch:00016:UNDI:003001", 16);
	pkt_opt(&p, 97, uuid1, sizeof(uuid1));
	pkt_end(&p);
	assert_int_equal(dhcp_parse(p.b, p.len, &req), 0);
	assert_int_equal(dhcp_pxe_classify(&req, self, 0, &r), 0);
	assert_int_equal(r.http, 1);
	assert_int_equal(dhcp_pxe_reply(&req, &r, self, url, out, sizeof(out), &len), 0);
	assert_int_equal(dhcp_parse(out, len, &m), 0);
	assert_int_equal(m.msg_type, DHCPOFFER);
	assert_memory_equal(out + 16, "\0\0\0\0", 4);             /* yiaddr */
	assert_memory_equal(out + 20, "\xc6\x12\x00\x01", 4);     /* siaddr */
	assert_string_equal(m.file, url);
	assert_string_equal(m.sname, "");
	expect_opt(&m, 60, "HTTPClient", 10);
	expect_opt(&m, 67, url, strlen(url));
	expect_opt(&m, 54, "\xc6\x12\x00\x01", 4);
	assert_non_null(dhcp_opt_get(&m, 97));
	assert_null(dhcp_opt_get(&m, 43));
	assert_null(dhcp_opt_get(&m, 66));
	assert_null(dhcp_opt_get(&m, 51));
}

/* The repeat table: seen within the window, not after; distinct keys; a
 * flood of keys does not grow anything and old keys fall out. */
static void recent_table(void **state)
{
	static struct dhcp_recent r;
	uint32_t k;

	(void)state;
	dhcp_recent_init(&r, 42);
	assert_int_equal(dhcp_recent_check(&r, "abc", 3, 1000, 500), 0);
	assert_int_equal(dhcp_recent_check(&r, "abc", 3, 1000, 500), 1);
	assert_int_equal(dhcp_recent_check(&r, "abc", 3, 1499, 500), 1);
	assert_int_equal(dhcp_recent_check(&r, "abd", 3, 1499, 500), 0);
	assert_int_equal(dhcp_recent_check(&r, "ab", 2, 1499, 500), 0);
	/* the window runs from the first sighting: 1500 is a new one */
	assert_int_equal(dhcp_recent_check(&r, "abc", 3, 1500, 500), 0);
	assert_int_equal(dhcp_recent_check(&r, "abc", 3, 1999, 500), 1);
	/* time 0 still counts as noted */
	dhcp_recent_init(&r, 1);
	assert_int_equal(dhcp_recent_check(&r, "x", 1, 0, 500), 0);
	assert_int_equal(dhcp_recent_check(&r, "x", 1, 0, 500), 1);
	/* many keys: each first sighting is new, and "x" gets evicted at
	 * some point (direct-mapped), never a false repeat */
	for (k = 0; k < 10 * DHCP_RECENT_SLOTS; k++)
		if (dhcp_recent_check(&r, &k, sizeof(k), 10, 500) != 0)
			fail_msg("key %u taken for a repeat", k);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_every_field),
	cmocka_unit_test(parse_malformed),
	cmocka_unit_test(parse_overload),
	cmocka_unit_test(parse_unterminated_fields),
	cmocka_unit_test(client_arch),
	cmocka_unit_test(ipxe_detection),
	cmocka_unit_test(vendor_class),
	cmocka_unit_test(mac_format),
	cmocka_unit_test(classify),
	cmocka_unit_test(boot_file),
	cmocka_unit_test(reply_fields),
	cmocka_unit_test(reply_long_file),
	cmocka_unit_test(builder_limits),
	cmocka_unit_test(chaddr_check),
	cmocka_unit_test(uuid_text),
	cmocka_unit_test(reply_http),
	cmocka_unit_test(recent_table),
};

TEST_MAIN(tests, NULL)
