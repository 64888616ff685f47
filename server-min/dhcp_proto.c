/* dhcp_proto.c: BOOTP/DHCP packets, parsed and built (see dhcp_proto.h).
 *
 * The parser never reads past len: the fixed header is checked once, then
 * the option walk checks the remaining length before each option header and
 * each body, as dnsmasq's option_find1() does. Option overload (RFC 2132
 * sec. 9.3) is followed: some PXE ROMs and relays move options into the
 * file and sname fields when the vendor area is full.
 *
 * The proxyDHCP rules implemented by dhcp_pxe_classify and dhcp_pxe_reply
 * follow PXE 2.1 sec. 2.2 ("proxyDHCP"): answer only PXE clients, never
 * offer an address, say "PXEClient" in option 60 so the client knows this
 * is a boot-server offer, echo the machine UUID (option 97), and set
 * discovery control so the ROM fetches the named file at once instead of
 * running boot-server discovery or showing a menu.
 *
 * UEFI HTTP Boot (UEFI 2.x sec. 24.7) is answered the same way, as a proxy:
 * EDK2's HttpBootDxe (NetworkPkg/HttpBootDxe/HttpBootDhcp4.c) files an offer
 * with yiaddr 0, option 60 starting "HTTPClient" and a URL with an IP host
 * in option 67 (or the file field) as "ProxyIpUri", and boots from it when
 * the site's DHCP server gives only an address. It reads nothing PXE (no
 * option 43, no siaddr), so those are left out of an HTTP answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "server-min/dhcp_proto.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Offsets in the fixed header, RFC 2131 figure 1. */
enum {
	OFF_OP = 0, OFF_HTYPE = 1, OFF_HLEN = 2, OFF_HOPS = 3, OFF_XID = 4,
	OFF_SECS = 8, OFF_FLAGS = 10, OFF_CIADDR = 12, OFF_YIADDR = 16,
	OFF_SIADDR = 20, OFF_GIADDR = 24, OFF_CHADDR = 28, OFF_SNAME = 44,
	OFF_FILE = 108, OFF_COOKIE = 236, OFF_OPTIONS = 240,
};

/* RFC 2132 sec. 9.6 and later additions (RFC 3203, 4388, 6926): 1..18. */
#define DHCP_MSG_TYPE_MAX 18

static const char pxeclient[] = "PXEClient";   /* PXE 2.1 sec. 2.2.1 */
static const char httpclient[] = "HTTPClient"; /* UEFI 2.x sec. 24.7.2 */
static const char ipxe_class[] = "iPXE";       /* iPXE src/net/udp/dhcp.c */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static struct in_addr get_addr(const uint8_t *p)
{
	struct in_addr a;

	memcpy(&a.s_addr, p, 4);   /* already network order */
	return a;
}

/* Walk one option area [p, p + len), recording the first occurrence of
 * each code. A missing END is tolerated: the area simply ends (dnsmasq does
 * the same; some embedded clients omit it). -EBADMSG on an overrun, and on
 * an option 52 inside file or sname (overloaded != 0): RFC 2132 sec. 9.3
 * allows it only in the options field, and one there points at itself. */
static int walk_options(struct dhcp_msg *m, const uint8_t *p, size_t len,
			int overloaded)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i], olen;

		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			return 0;
		if (len - i < 2)
			return -EBADMSG;     /* no room for the length byte */
		olen = p[i + 1];
		if (len - i - 2 < olen)
			return -EBADMSG;     /* body runs past the area */
		if (overloaded && code == DHCP_OPT_OVERLOAD)
			return -EBADMSG;
		if (!m->opt[code].present) {
			m->opt[code].data = p + i + 2;
			m->opt[code].len = olen;
			m->opt[code].present = 1;
		}
		i += 2 + (size_t)olen;
	}
	return 0;
}

/* Copy a fixed-size field as a string, stopping at the first NUL. */
static void field_str(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i] != 0; i++)
		dst[i] = (char)src[i];
	dst[i] = 0;
}

/* The file or sname field (size bytes at p in the packet, header copy in
 * hdr_field): options when option 52 says it is overloaded (RFC 2132
 * sec. 9.3), else its text into text. 0 or walk_options()'s -EBADMSG. */
static int take_field(struct dhcp_msg *m, int overloaded, const uint8_t *p,
		      char *text, const uint8_t *hdr_field, size_t size)
{
	if (overloaded)
		return walk_options(m, p, size, 1);
	field_str(text, hdr_field, size);
	return 0;
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *ret_msg)
{
	struct dhcp_msg m;
	const struct dhcp_opt *o;
	int r;

	if (len < DHCP_MIN_LEN)
		return -EBADMSG;
	memset(&m, 0, sizeof(m));
	m.hdr.op = buf[OFF_OP];
	m.hdr.htype = buf[OFF_HTYPE];
	m.hdr.hlen = buf[OFF_HLEN];
	m.hdr.hops = buf[OFF_HOPS];
	m.hdr.xid = get_be32(buf + OFF_XID);
	m.hdr.secs = get_be16(buf + OFF_SECS);
	m.hdr.flags = get_be16(buf + OFF_FLAGS);
	m.hdr.ciaddr = get_addr(buf + OFF_CIADDR);
	m.hdr.yiaddr = get_addr(buf + OFF_YIADDR);
	m.hdr.siaddr = get_addr(buf + OFF_SIADDR);
	m.hdr.giaddr = get_addr(buf + OFF_GIADDR);
	memcpy(m.hdr.chaddr, buf + OFF_CHADDR, sizeof(m.hdr.chaddr));
	memcpy(m.hdr.sname, buf + OFF_SNAME, sizeof(m.hdr.sname));
	memcpy(m.hdr.file, buf + OFF_FILE, sizeof(m.hdr.file));
	if (m.hdr.hlen > sizeof(m.hdr.chaddr))
		return -EBADMSG;
	if (get_be32(buf + OFF_COOKIE) != DHCP_MAGIC)
		return -EPROTONOSUPPORT;

	r = walk_options(&m, buf + OFF_OPTIONS, len - OFF_OPTIONS, 0);
	if (r < 0)
		return r;

	o = &m.opt[DHCP_OPT_OVERLOAD];
	if (o->present) {
		if (o->len != 1 || o->data[0] < 1 || o->data[0] > 3)
			return -EBADMSG;
		m.overload = o->data[0];
	}
	/* RFC 2131 sec. 4.1: file first, then sname. */
	if ((r = take_field(&m, m.overload & 1, buf + OFF_FILE, m.file,
			    m.hdr.file, sizeof(m.hdr.file))) < 0 ||
	    (r = take_field(&m, m.overload & 2, buf + OFF_SNAME, m.sname,
			    m.hdr.sname, sizeof(m.hdr.sname))) < 0)
		return r;

	o = &m.opt[DHCP_OPT_MSG_TYPE];
	if (o->present) {
		if (o->len != 1 || o->data[0] < 1 || o->data[0] > DHCP_MSG_TYPE_MAX)
			return -EBADMSG;
		m.msg_type = o->data[0];
	}
	*ret_msg = m;
	return 0;
}

const struct dhcp_opt *dhcp_opt_get(const struct dhcp_msg *m, uint8_t code)
{
	return m->opt[code].present ? &m->opt[code] : NULL;
}

int dhcp_client_arch(const struct dhcp_msg *m, uint16_t *ret_arch)
{
	const struct dhcp_opt *o = dhcp_opt_get(m, DHCP_OPT_CLIENT_ARCH);

	if (!o)
		return -ENOENT;
	/* RFC 4578 sec. 2.1: a list of 16-bit types; the first is the one
	 * the client is running as. */
	if (o->len == 0 || o->len % 2 != 0)
		return -EBADMSG;
	*ret_arch = get_be16(o->data);
	return 0;
}

static int vendor_class_is(const struct dhcp_msg *m, const char *want)
{
	const struct dhcp_opt *o = dhcp_opt_get(m, DHCP_OPT_VENDOR_CLASS);
	size_t n = strlen(want);

	return o && o->len >= n && memcmp(o->data, want, n) == 0;
}

int dhcp_is_pxeclient(const struct dhcp_msg *m)
{
	return vendor_class_is(m, pxeclient);
}

int dhcp_is_httpclient(const struct dhcp_msg *m)
{
	return vendor_class_is(m, httpclient);
}

int dhcp_chaddr_ok(const struct dhcp_hdr *h)
{
	static const uint8_t zero[6];

	if (h->htype != 1 || h->hlen != 6)    /* RFC 1700: 1 = Ethernet */
		return 0;
	if (memcmp(h->chaddr, zero, 6) == 0)
		return 0;
	/* IEEE 802: the low bit of the first octet marks a group address;
	 * no NIC sends from one (ff:ff:ff:ff:ff:ff included). */
	return !(h->chaddr[0] & 1);
}

int dhcp_uuid_text(const struct dhcp_msg *m, char ret[DHCP_UUID_STR_MAX])
{
	const struct dhcp_opt *o = dhcp_opt_get(m, DHCP_OPT_CLIENT_UUID);
	char out[DHCP_UUID_STR_MAX];
	size_t i, n = 0;

	if (!o)
		return -ENOENT;
	/* RFC 4578 sec. 2.3: type 0 followed by the 16-byte UUID. */
	if (o->len != 17 || o->data[0] != 0)
		return -EBADMSG;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		snprintf(out + n, sizeof(out) - n, "%02x", o->data[1 + i]);
		n += 2;
	}
	memcpy(ret, out, sizeof(out));
	return 0;
}

int dhcp_is_ipxe(const struct dhcp_msg *m)
{
	const struct dhcp_opt *o;
	size_t n = sizeof(ipxe_class) - 1, i;

	if (dhcp_opt_get(m, DHCP_OPT_IPXE_ENCAP))
		return 1;
	o = dhcp_opt_get(m, DHCP_OPT_USER_CLASS);
	if (!o)
		return 0;
	/* iPXE sends the bare string, not RFC 3004's length-prefixed list. */
	if (o->len == n && memcmp(o->data, ipxe_class, n) == 0)
		return 1;
	/* RFC 3004 sec. 4: instances of (length, data), length >= 1. */
	for (i = 0; i < o->len;) {
		size_t l = o->data[i];

		if (l == 0 || o->len - i - 1 < l)
			return 0;
		if (l == n && memcmp(o->data + i + 1, ipxe_class, n) == 0)
			return 1;
		i += 1 + l;
	}
	return 0;
}

void dhcp_format_mac(const struct dhcp_hdr *h, char out[DHCP_MAC_STR_MAX])
{
	size_t n = h->hlen < sizeof(h->chaddr) ? h->hlen : sizeof(h->chaddr);
	size_t i, o = 0;

	if (n == 0) {
		strcpy(out, "-");
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(out + o, DHCP_MAC_STR_MAX - o, "%s%02x",
			 i ? ":" : "", h->chaddr[i]);
		o += i ? 3 : 2;
	}
}

/* --- building ------------------------------------------------------------ */

void dhcp_build_start(struct dhcp_builder *b, uint8_t *buf, size_t cap,
		      const struct dhcp_hdr *h)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	if (cap < DHCP_MIN_LEN) {
		b->err = -ENOSPC;
		return;
	}
	memset(buf, 0, DHCP_MIN_LEN);
	buf[OFF_OP] = h->op;
	buf[OFF_HTYPE] = h->htype;
	buf[OFF_HLEN] = h->hlen;
	buf[OFF_HOPS] = h->hops;
	put_be32(buf + OFF_XID, h->xid);
	put_be16(buf + OFF_SECS, h->secs);
	put_be16(buf + OFF_FLAGS, h->flags);
	memcpy(buf + OFF_CIADDR, &h->ciaddr.s_addr, 4);
	memcpy(buf + OFF_YIADDR, &h->yiaddr.s_addr, 4);
	memcpy(buf + OFF_SIADDR, &h->siaddr.s_addr, 4);
	memcpy(buf + OFF_GIADDR, &h->giaddr.s_addr, 4);
	memcpy(buf + OFF_CHADDR, h->chaddr, sizeof(h->chaddr));
	memcpy(buf + OFF_SNAME, h->sname, sizeof(h->sname));
	memcpy(buf + OFF_FILE, h->file, sizeof(h->file));
	put_be32(buf + OFF_COOKIE, DHCP_MAGIC);
	b->len = DHCP_MIN_LEN;
}

void dhcp_build_opt(struct dhcp_builder *b, uint8_t code, const void *data,
		    size_t len)
{
	if (b->err)
		return;
	if (len > 255 || code == DHCP_OPT_PAD || code == DHCP_OPT_END) {
		b->err = -EINVAL;
		return;
	}
	/* +1 keeps room for END. */
	if (b->cap - b->len < 2 + len + 1) {
		b->err = -ENOSPC;
		return;
	}
	b->buf[b->len] = code;
	b->buf[b->len + 1] = (uint8_t)len;
	if (len)
		memcpy(b->buf + b->len + 2, data, len);
	b->len += 2 + len;
}

void dhcp_build_opt_u8(struct dhcp_builder *b, uint8_t code, uint8_t v)
{
	dhcp_build_opt(b, code, &v, 1);
}

int dhcp_build_finish(struct dhcp_builder *b, size_t pad_to, size_t *ret_len)
{
	size_t n;

	if (b->err)
		return b->err;
	if (b->cap - b->len < 1)
		return -ENOSPC;
	b->buf[b->len++] = DHCP_OPT_END;
	n = b->len;
	if (pad_to > n) {
		if (pad_to > b->cap)
			return -ENOSPC;
		memset(b->buf + n, 0, pad_to - n);
		n = pad_to;
	}
	*ret_len = n;
	return 0;
}

/* --- proxyDHCP ------------------------------------------------------------ */

int dhcp_pxe_classify(const struct dhcp_msg *m, struct in_addr self,
		      int via_4011, struct dhcp_pxe_req *ret_req)
{
	const struct dhcp_opt *sid;
	struct dhcp_pxe_req r;
	int err;

	if (m->hdr.op != BOOTREQUEST || m->msg_type == 0)
		return -EPROTO;
	switch (m->msg_type) {
	case DHCPDISCOVER:
		/* PXE 2.1: port 4011 takes REQUESTs only. */
		if (via_4011)
			return -EOPNOTSUPP;
		r.reply_type = DHCPOFFER;
		break;
	case DHCPREQUEST:
		r.reply_type = DHCPACK;
		break;
	default:
		return -EOPNOTSUPP;
	}
	r.http = (uint8_t)dhcp_is_httpclient(m);
	if (!r.http && !dhcp_is_pxeclient(m))
		return -ENOMSG;
	err = dhcp_client_arch(m, &r.arch);
	if (err < 0)
		return err;
	if (r.reply_type == DHCPACK) {
		/* On 67 a REQUEST belongs to the address server unless it
		 * names us; on 4011 it is ours unless it names someone else
		 * (PXE ROMs and OVMF leave 54 out there, iPXE puts ours in). */
		sid = dhcp_opt_get(m, DHCP_OPT_SERVER_ID);
		if (sid) {
			if (sid->len != 4)
				return -EBADMSG;
			if (memcmp(sid->data, &self.s_addr, 4) != 0)
				return -EXDEV;
		} else if (!via_4011)
			return -EXDEV;
	}
	r.ipxe = (uint8_t)dhcp_is_ipxe(m);
	r.has_mac = (uint8_t)dhcp_chaddr_ok(&m->hdr);
	memcpy(r.mac, m->hdr.chaddr, sizeof(r.mac));
	*ret_req = r;
	return 0;
}

static const struct {
	int err;
	const char *why;
} why_table[] = {
	{ -EPROTO, "not a DHCP request" },
	{ -ENOMSG, "not a PXE client (no option 60 PXEClient or HTTPClient)" },
	{ -ENOENT, "no client architecture (option 93)" },
	{ -EBADMSG, "malformed" },
	{ -EOPNOTSUPP, "message type not answered by a proxy" },
	{ -EXDEV, "request for another server" },
	{ -EPROTONOSUPPORT, "BOOTP without DHCP cookie" },
	{ -EAFNOSUPPORT, "no boot file for this architecture" },
	{ -ENAMETOOLONG, "boot file name too long" },
	{ -EADDRNOTAVAIL, "boot file uses {mac} but chaddr is no MAC" },
};

const char *dhcp_pxe_why(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(why_table); i++)
		if (why_table[i].err == err)
			return why_table[i].why;
	return "error";
}

/* The configured name for this client kind, or NULL. iPXE first: it asks
 * again once running, whatever the firmware that loaded it. */
static const char *boot_template(const struct dhcp_pxe_req *r,
				 const struct dhcp_boot_files *f)
{
	if (r->http) {
		/* UEFI 2.x sec. 24.7: HTTP Boot names its arch in 93 too. No
		 * 32-bit loader exists (arch 15, 18): no answer. */
		if (r->arch == DHCP_ARCH_X64_UEFI_HTTP)
			return f->http_x64;
		if (r->arch == DHCP_ARCH_ARM64_UEFI_HTTP)
			return f->http_arm64;
		return NULL;
	}
	if (r->ipxe)
		return f->ipxe;
	switch (r->arch) {
	case DHCP_ARCH_X86_BIOS:
		return f->bios;
	case DHCP_ARCH_X64_UEFI:
	case DHCP_ARCH_EBC:
		return f->efi64;
	case DHCP_ARCH_ARM64_UEFI:
		return f->arm64;
	default:
		return NULL;
	}
}

/* Append s (n bytes) to out[256] at *len. -ENAMETOOLONG when it is full. */
static int put(char *out, size_t *len, const char *s, size_t n)
{
	if (n >= 256 - *len)
		return -ENAMETOOLONG;
	memcpy(out + *len, s, n);
	*len += n;
	return 0;
}

int dhcp_pxe_boot_file(const struct dhcp_pxe_req *r,
		       const struct dhcp_boot_files *f, char *ret, size_t cap)
{
	static const char var_server[] = "${server}";
	static const char var_mac[] = "{mac}";
	const char *tmpl = boot_template(r, f), *p;
	const char *base = f->http_base ? f->http_base : "";
	char out[256], mac[18];
	size_t n = 0;
	int err = 0;

	if (!tmpl || !*tmpl)
		return -EAFNOSUPPORT;
	for (p = tmpl; *p && !err;) {
		if (strncmp(p, var_server, sizeof(var_server) - 1) == 0) {
			err = put(out, &n, base, strlen(base));
			p += sizeof(var_server) - 1;
		} else if (strncmp(p, var_mac, sizeof(var_mac) - 1) == 0 &&
			   (p == tmpl || p[-1] != '$')) {
			if (!r->has_mac)
				return -EADDRNOTAVAIL;
			snprintf(mac, sizeof(mac), "%02x-%02x-%02x-%02x-%02x-%02x",
				 r->mac[0], r->mac[1], r->mac[2], r->mac[3],
				 r->mac[4], r->mac[5]);
			err = put(out, &n, mac, 17);
			p += sizeof(var_mac) - 1;
		} else
			err = put(out, &n, p++, 1);
	}
	/* One option 67 holds 255 bytes; splitting it (RFC 3396) is not worth
	 * it for a file name. */
	if (err < 0 || n > 255 || n >= cap)
		return -ENAMETOOLONG;
	memcpy(ret, out, n);
	ret[n] = 0;
	return 0;
}

int dhcp_pxe_reply(const struct dhcp_msg *req, const struct dhcp_pxe_req *r,
		   struct in_addr server, const char *boot_file,
		   uint8_t *buf, size_t cap, size_t *ret_len)
{
	/* PXE 2.1 table 2-1: option 43 with discovery control only. */
	static const uint8_t vendor[] = {
		PXE_SUBOPT_DISCOVERY_CONTROL, 1, PXE_DISCOVERY_BOOTFILE_DIRECT,
		DHCP_OPT_END,
	};
	struct dhcp_builder b;
	struct dhcp_hdr h;
	const struct dhcp_opt *uuid;
	char addr[INET_ADDRSTRLEN];
	size_t flen = strlen(boot_file);

	if (flen > 255)
		return -ENAMETOOLONG;
	if (!inet_ntop(AF_INET, &server, addr, sizeof(addr)))
		return -EINVAL;

	memset(&h, 0, sizeof(h));
	h.op = BOOTREPLY;
	h.htype = req->hdr.htype;
	h.hlen = req->hdr.hlen;
	h.xid = req->hdr.xid;
	h.flags = req->hdr.flags;
	/* RFC 2131 table 3: ciaddr is echoed in an ACK, zero in an OFFER. */
	if (r->reply_type == DHCPACK)
		h.ciaddr = req->hdr.ciaddr;
	h.siaddr = server;          /* TFTP server, PXE ROMs read it here */
	h.giaddr = req->hdr.giaddr;
	memcpy(h.chaddr, req->hdr.chaddr, sizeof(h.chaddr));
	memcpy(h.sname, addr, strlen(addr));
	/* The file field needs its NUL for ROMs that strcpy it. */
	if (flen < sizeof(h.file))
		memcpy(h.file, boot_file, flen);
	if (r->http)
		memset(h.sname, 0, sizeof(h.sname));   /* no TFTP server here */

	dhcp_build_start(&b, buf, cap, &h);
	/* 53 first, 54 second: some old PXE ROMs expect that order. */
	dhcp_build_opt_u8(&b, DHCP_OPT_MSG_TYPE, r->reply_type);
	dhcp_build_opt(&b, DHCP_OPT_SERVER_ID, &server.s_addr, 4);
	if (r->http)
		dhcp_build_opt(&b, DHCP_OPT_VENDOR_CLASS, httpclient,
			       sizeof(httpclient) - 1);
	else
		dhcp_build_opt(&b, DHCP_OPT_VENDOR_CLASS, pxeclient,
			       sizeof(pxeclient) - 1);
	uuid = dhcp_opt_get(req, DHCP_OPT_CLIENT_UUID);
	if (uuid)
		dhcp_build_opt(&b, DHCP_OPT_CLIENT_UUID, uuid->data, uuid->len);
	if (!r->http) {
		dhcp_build_opt(&b, DHCP_OPT_VENDOR, vendor, sizeof(vendor));
		dhcp_build_opt(&b, DHCP_OPT_TFTP_SERVER, addr, strlen(addr));
	}
	dhcp_build_opt(&b, DHCP_OPT_BOOTFILE, boot_file, flen);
	return dhcp_build_finish(&b, DHCP_BOOTP_MIN_LEN, ret_len);
}

/* --- recently seen --------------------------------------------------------- */

void dhcp_recent_init(struct dhcp_recent *r, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	r->seed = seed;
}

/* FNV-1a over the seed and the key, then the splitmix64 finalizer so that
 * the low bits (the slot) depend on every input bit. Not a MAC: nobody
 * outside sees a hash, the seed is only there against aimed collisions. */
static uint64_t recent_hash(uint64_t seed, const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

int dhcp_recent_check(struct dhcp_recent *r, const void *key, size_t len,
		      uint64_t now_ms, uint64_t window_ms)
{
	uint64_t h = recent_hash(r->seed, key, len);
	size_t i = (size_t)(h % DHCP_RECENT_SLOTS);
	uint64_t t = now_ms ? now_ms : 1;    /* 0 marks an empty slot */

	if (r->slot[i].t_ms && r->slot[i].hash == h &&
	    t - r->slot[i].t_ms < window_ms)
		return 1;
	r->slot[i].hash = h;
	r->slot[i].t_ms = t;
	return 0;
}
