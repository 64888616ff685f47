/* dhcp_proto.h: BOOTP/DHCP packets, parsed and built; no sockets, no state.
 *
 * Pure functions shared by three programs: netbootd's proxyDHCP
 * (server-min/proxydhcp.c), our DHCP test client (server-min/tests/
 * nb-dhcptest.c) and the bench load generator. Nothing here allocates,
 * logs or touches the network, so every function is unit-tested and fuzzed
 * on the host.
 *
 * Wire format: RFC 2131 (fixed header, magic cookie), RFC 2132 (options,
 * option overload 52), RFC 1542 (300-byte minimum), RFC 4578 (PXE options
 * 93, 94, 97), PXE 2.1 (vendor class "PXEClient", option 43 sub-options),
 * UEFI 2.x sec. 24.7 (HTTP Boot: vendor class "HTTPClient", a URL as the
 * boot file).
 *
 * Return convention: 0 or a negative errno; outputs named ret_* are left
 * untouched on failure.
 */
#ifndef NETBOOTD_DHCP_PROTO_H
#define NETBOOTD_DHCP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define DHCP_SERVER_PORT   67     /* RFC 2131 sec. 4.1 */
#define DHCP_CLIENT_PORT   68
#define DHCP_PXE_PORT      4011   /* PXE 2.1: boot server / proxy REQUEST */

#define DHCP_HDR_LEN       236    /* op .. file, RFC 2131 figure 1 */
#define DHCP_MIN_LEN       240    /* header + magic cookie */
#define DHCP_BOOTP_MIN_LEN 300    /* RFC 1542 sec. 2.1: replies padded to this */
#define DHCP_REPLY_MAX     576    /* RFC 2131: every client accepts this much */
#define DHCP_MAGIC         0x63825363u

#define BOOTREQUEST 1
#define BOOTREPLY   2
#define DHCP_FLAG_BROADCAST 0x8000u   /* RFC 2131 figure 2 */

/* Option codes used here: RFC 2132, RFC 4578, iPXE (175). */
enum {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET_MASK = 1,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_VENDOR = 43,           /* PXE: encapsulated sub-options */
	DHCP_OPT_REQUESTED_IP = 50,
	DHCP_OPT_LEASE_TIME = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSG_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAM_LIST = 55,
	DHCP_OPT_MAX_SIZE = 57,
	DHCP_OPT_RENEWAL_TIME = 58,
	DHCP_OPT_REBINDING_TIME = 59,
	DHCP_OPT_VENDOR_CLASS = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_SERVER = 66,
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_USER_CLASS = 77,       /* RFC 3004; iPXE sends a bare "iPXE" */
	DHCP_OPT_CLIENT_ARCH = 93,      /* RFC 4578 sec. 2.1 */
	DHCP_OPT_CLIENT_NDI = 94,       /* RFC 4578 sec. 2.2 */
	DHCP_OPT_CLIENT_UUID = 97,      /* RFC 4578 sec. 2.3 */
	DHCP_OPT_IPXE_ENCAP = 175,      /* iPXE's own encapsulated options */
	DHCP_OPT_END = 255,
};

/* Message types, option 53: RFC 2132 sec. 9.6. */
enum {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE,
	DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

/* PXE 2.1 option 43 sub-options and the discovery control bit we send. */
#define PXE_SUBOPT_DISCOVERY_CONTROL 6
#define PXE_DISCOVERY_BOOTFILE_DIRECT 0x08   /* bit 3: boot the file, no menu */

/* Client system architecture, option 93 (IANA "Processor Architecture
 * Types", RFC 4578 sec. 2.1). */
enum {
	DHCP_ARCH_X86_BIOS = 0,
	DHCP_ARCH_X86_UEFI = 6,
	DHCP_ARCH_X64_UEFI = 7,
	DHCP_ARCH_EBC = 9,          /* sent by many x86-64 UEFI PXE stacks */
	DHCP_ARCH_ARM32_UEFI = 10,
	DHCP_ARCH_ARM64_UEFI = 11,
	DHCP_ARCH_X86_UEFI_HTTP = 15,
	DHCP_ARCH_X64_UEFI_HTTP = 16,
	DHCP_ARCH_ARM64_UEFI_HTTP = 19,
};

/* The fixed BOOTP header, in host byte order except the addresses. */
struct dhcp_hdr {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
};

/* One option as found in the packet; data points into the parsed buffer. */
struct dhcp_opt {
	const uint8_t *data;
	uint8_t len;
	uint8_t present;
};

/* A parsed packet. It points into the buffer given to dhcp_parse: keep that
 * buffer alive and unchanged while the struct is in use. */
struct dhcp_msg {
	struct dhcp_hdr hdr;
	int msg_type;            /* option 53, or 0 for a plain BOOTP packet */
	uint8_t overload;        /* option 52: 1 file, 2 sname, 3 both, else 0 */
	char sname[65];          /* NUL-terminated; "" when it carries options */
	char file[129];          /* NUL-terminated; "" when it carries options */
	struct dhcp_opt opt[256];
};

/* Parse buf. Options are walked the way dnsmasq's option_find1 does: the
 * remaining length is checked before every option header and every option
 * body. Option overload (52) is followed into file and sname. When a code
 * appears twice the first occurrence is kept (RFC 3396 concatenation is not
 * needed for anything a PXE client sends us).
 * 0: *ret_msg filled.
 * -EBADMSG: malformed (short, hlen > 16, an option running past its area,
 *           option 53 or 52 of the wrong length, an unknown message type).
 * -EPROTONOSUPPORT: a well-formed BOOTP packet without the DHCP cookie. */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *ret_msg);

/* The option, or NULL when absent. */
const struct dhcp_opt *dhcp_opt_get(const struct dhcp_msg *m, uint8_t code);

/* Option 93's first architecture. 0 and *ret_arch; -ENOENT absent;
 * -EBADMSG when its length is not a non-zero multiple of 2. */
int dhcp_client_arch(const struct dhcp_msg *m, uint16_t *ret_arch);

/* 1 when option 60 starts with "PXEClient" (PXE 2.1 sec. 2.2.1), else 0. */
int dhcp_is_pxeclient(const struct dhcp_msg *m);

/* 1 when option 60 starts with "HTTPClient" (UEFI 2.x sec. 24.7.2: what
 * EDK2's HttpBootDxe sends, "HTTPClient:Arch:00016:UNDI:003001"), else 0. */
int dhcp_is_httpclient(const struct dhcp_msg *m);

/* 1 when chaddr is a usable Ethernet station address: htype 1, hlen 6, not
 * all zeros, not a group address (the I/G bit, so broadcast too). A PXE
 * ROM always sends its NIC's own address; anything else is forged or
 * broken and would poison the MAC<->IP table. */
int dhcp_chaddr_ok(const struct dhcp_hdr *h);

/* Option 97 (RFC 4578 sec. 2.3: type 0, then 16 bytes) as text
 * "8-4-4-4-12" lower case, the bytes in the order they came (what iPXE
 * sends: RFC 4122 order, the same text as Linux's product_uuid).
 * 0, -ENOENT absent, -EBADMSG not type 0 with 16 bytes. */
#define DHCP_UUID_STR_MAX 37
int dhcp_uuid_text(const struct dhcp_msg *m, char ret[DHCP_UUID_STR_MAX]);

/* 1 when the client says it is iPXE: option 175 present, or user class 77
 * "iPXE" either bare (what iPXE sends) or as an RFC 3004 instance. */
int dhcp_is_ipxe(const struct dhcp_msg *m);

/* "aa:bb:cc:dd:ee:ff" from chaddr (hlen bytes, at most 16). */
#define DHCP_MAC_STR_MAX 48
void dhcp_format_mac(const struct dhcp_hdr *h, char out[DHCP_MAC_STR_MAX]);

/* --- building packets ----------------------------------------------------
 * A builder writes the header, then options one by one, then END and the
 * padding. The first failure sticks (b->err), so a caller may add several
 * options and check once, at dhcp_build_finish. */
struct dhcp_builder {
	uint8_t *buf;
	size_t cap, len;
	int err;                 /* 0 or the first -errno */
};

/* Header and magic cookie. -ENOSPC (sticky) when cap < DHCP_MIN_LEN. */
void dhcp_build_start(struct dhcp_builder *b, uint8_t *buf, size_t cap,
		      const struct dhcp_hdr *h);
/* One option; len <= 255. -ENOSPC (sticky) when it does not fit. */
void dhcp_build_opt(struct dhcp_builder *b, uint8_t code, const void *data,
		    size_t len);
/* Convenience for one-byte options (53, 52). */
void dhcp_build_opt_u8(struct dhcp_builder *b, uint8_t code, uint8_t v);
/* END, then zeros up to pad_to bytes (DHCP_BOOTP_MIN_LEN for replies,
 * 0 for none). 0 and *ret_len = bytes to send, or the sticky -errno. */
int dhcp_build_finish(struct dhcp_builder *b, size_t pad_to, size_t *ret_len);

/* --- the proxyDHCP decision (PXE 2.1 sec. 2.2, RFC 4578) ----------------- */

/* What a request deserves. */
struct dhcp_pxe_req {
	uint8_t reply_type;      /* DHCPOFFER or DHCPACK */
	uint16_t arch;           /* option 93 */
	uint8_t ipxe;            /* 1: the client is iPXE */
	uint8_t http;            /* 1: UEFI HTTP Boot (option 60 HTTPClient) */
	uint8_t mac[6];          /* chaddr, for {mac} in the boot file */
	uint8_t has_mac;         /* 0 when chaddr is not an Ethernet address */
};

/* Decide whether a proxyDHCP server at self answers m, received on port 67
 * (via_4011 = 0) or 4011 (via_4011 = 1).
 * 0: answer, *ret_req filled. Otherwise stay silent, and the value says why:
 * -EPROTO     not a BOOTREQUEST, or not DHCP at all (plain BOOTP)
 * -ENOMSG     no option 60 starting with "PXEClient" or "HTTPClient"
 * -ENOENT     no option 93 (client architecture)
 * -EBADMSG    option 93 malformed
 * -EOPNOTSUPP a message type a proxy never answers (RELEASE, DECLINE,
 *             INFORM, ...) or DISCOVER on 4011
 * -EXDEV      a REQUEST naming another server (option 54), or on port 67 a
 *             REQUEST naming none (it belongs to the address server). */
int dhcp_pxe_classify(const struct dhcp_msg *m, struct in_addr self,
		      int via_4011, struct dhcp_pxe_req *ret_req);

/* A short text for a dhcp_pxe_classify or dhcp_parse result, for logs. */
const char *dhcp_pxe_why(int err);

/* Boot files per client kind (netbootd.conf [server] boot-*). Every one may
 * hold two placeholders of netbootd's own:
 *   ${server}  http_base, "http://ADDR[:PORT]"
 *   {mac}      the request's chaddr as "52-54-00-12-34-56" (iPXE's hexhyp
 *              form), the NIC that is booting; not expanded right after a
 *              '$', so iPXE's own ${mac} and every other ${...} reach iPXE
 *              untouched.
 * NULL or "" means: no answer for that kind. */
struct dhcp_boot_files {
	const char *bios;        /* arch 0 */
	const char *efi64;       /* arch 7, 9 */
	const char *arm64;       /* arch 11 */
	const char *ipxe;        /* any arch, when the client is iPXE */
	const char *http_x64;    /* HTTPClient arch 16: a URL */
	const char *http_arm64;  /* HTTPClient arch 19: a URL */
	const char *http_base;   /* "http://ADDR[:PORT]" */
};

/* The boot file name for r into ret (cap bytes, NUL-terminated).
 * 0 on success; -EAFNOSUPPORT no file for that architecture (or the
 * configured name is empty); -EADDRNOTAVAIL the name uses {mac} and the
 * request has no Ethernet chaddr; -ENAMETOOLONG it would not fit in cap or
 * in one option (255). */
int dhcp_pxe_boot_file(const struct dhcp_pxe_req *r,
		       const struct dhcp_boot_files *f, char *ret, size_t cap);

/* Build the proxy reply (OFFER or ACK, r->reply_type) to req: yiaddr 0,
 * siaddr and option 54 server, option 97 echoed, the file in the BOOTP
 * file field when it fits and in option 67; no lease options. For PXE
 * also option 60 "PXEClient", option 43 with discovery control "boot the
 * file directly", sname and option 66 our address. For HTTP Boot
 * (r->http) option 60 "HTTPClient" and nothing PXE: EDK2 takes an offer
 * with yiaddr 0, "HTTPClient" and a URL in 67 as a proxy offer
 * (HttpBootDhcp4.c, HttpOfferTypeProxyIpUri). Padded to DHCP_BOOTP_MIN_LEN.
 * 0 and *ret_len; -ENOSPC buffer too small; -ENAMETOOLONG file > 255. */
int dhcp_pxe_reply(const struct dhcp_msg *req, const struct dhcp_pxe_req *r,
		   struct in_addr server, const char *boot_file,
		   uint8_t *buf, size_t cap, size_t *ret_len);

/* --- recently seen ------------------------------------------------------
 * A fixed table of keyed 64-bit hashes with the time each was noted:
 * "have I seen these bytes within the last window_ms?". Direct-mapped, so
 * memory is fixed whatever arrives; a flood of distinct keys only evicts,
 * it never grows anything. The seed keeps an outsider from aiming
 * collisions at a slot. Used by proxydhcp.c for exact repeats and for the
 * once-per-MAC-per-minute log line. */
#define DHCP_RECENT_SLOTS 4096
struct dhcp_recent {
	uint64_t seed;
	struct {
		uint64_t hash;
		uint64_t t_ms;       /* when noted; 0 = empty slot */
	} slot[DHCP_RECENT_SLOTS];
};

void dhcp_recent_init(struct dhcp_recent *r, uint64_t seed);
/* 1 when key was noted less than window_ms before now_ms (the time of
 * that first sighting is kept: a steady stream of the same key is let
 * through once per window). 0 otherwise, and key is now noted at now_ms.
 * now_ms must not go backwards. */
int dhcp_recent_check(struct dhcp_recent *r, const void *key, size_t len,
		      uint64_t now_ms, uint64_t window_ms);

#endif
