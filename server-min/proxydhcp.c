/* proxydhcp.c: netbootd's proxyDHCP server (PXE 2.1 sec. 2.2, RFC 2131,
 * RFC 4578).
 *
 * The site's own DHCP server hands out addresses; we only tell PXE clients
 * where to boot from. Two sockets:
 *  - UDP 67 on INADDR_ANY, bound to --interface: DISCOVERs are broadcast,
 *    so this socket must see them whatever their destination address.
 *    Answered with an OFFER (a REQUEST naming us, with an ACK).
 *  - UDP 4011 on our address: the PXE "boot server" port. OVMF and iPXE
 *    unicast a REQUEST here after the address exchange and wait for the ACK.
 *
 * Every packet is answered or dropped inside its receive callback, so a
 * reply leaves within the loop iteration that read the request (iPXE waits
 * only about 2 s for proxy offers, PXE ROMs about 4 s in total). The
 * answer itself is a pure function of the packet (dhcp_proto.c); what is
 * kept here is bounded and exists for the hostile LAN (docs/proxydhcp.md):
 *  - the MAC<->IP table (clients.c) is fed from every well-formed request;
 *  - answer = known: only clients a [client] section names by MAC, MAC
 *    prefix or UUID are answered; the others are logged once per MAC per
 *    minute, from a fixed table, and at most IGNORED_LOG_PER_S lines a
 *    second whatever the number of MACs;
 *  - exact repeats (the same bytes within REPEAT_WINDOW_MS) are answered
 *    once: no real client retransmits that fast, a flood of copies gets one
 *    answer instead of one broadcast each;
 *  - chaddr must be a station MAC; a relayed request must name a relay
 *    (giaddr) off our own link, with hops <= 16; a request on 4011 must
 *    come from its own ciaddr, from a MAC we answered on 67 shortly before.
 *    Each reply is at most one packet of about the request's size, so
 *    whatever a forged source makes us send is bounded by what was sent.
 *
 * Replies go where RFC 2131 sec. 4.1 says: to the relay (giaddr) when there
 * is one, broadcast when the client asked for it or has no address yet,
 * else unicast to ciaddr; on 4011 back to the sender's address and port.
 * IP_PKTINFO pins the outgoing interface and source address to those the
 * request came in on, so broadcasts leave on the right port of a multi-homed
 * host even without --interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ifaddrs.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "embed/resolve.h"
#include "server-min/clients.h"
#include "server-min/dhcp_proto.h"
#include "server-min/event.h"
#include "server-min/history.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"
#include "server-min/util.h"

/* Packets read per wake-up before yielding to the other sockets. */
#define RX_BURST 64
/* Requests bigger than this are not DHCP we care about (RFC 2131 allows
 * larger with option 57, but PXE clients send about 400 bytes). */
#define RX_MAX 1500
/* At most one "malformed" log line per this many ms: the count is kept
 * exactly in nb->stats, the log only has to show that it happens. */
#define MALFORMED_LOG_MS 1000
/* The same request bytes again within this window are a copy, not a
 * retransmission: the fastest real retransmission is iPXE's at 1 s
 * (config/dhcp.h: DHCP_DISC_START_TIMEOUT_SEC, PXEBS_START_TIMEOUT_SEC);
 * PXE 2.1 ROMs wait 4 s, RFC 2131 sec. 4.1 says 4 s +- 1. Half of the
 * fastest leaves room for timer jitter, and a client whose `secs` did not
 * move between tries is still answered. */
#define REPEAT_WINDOW_MS 500
/* answer = known: one line per ignored MAC per this long ... */
#define IGNORED_LOG_WINDOW_MS 60000
/* ... and never more than this many such lines a second (a flood of fresh
 * MACs would otherwise be a line per packet). */
#define IGNORED_LOG_PER_S 10
/* A REQUEST on 4011 is answered when we answered this MAC on 67 within
 * this long: PXE ROMs and iPXE go to 4011 seconds after the proxy offer. */
#define PXE_4011_AFTER_OFFER_MS (10 * 60 * 1000)
/* RFC 1542 sec. 4.1.1: relays discard requests with more hops than this. */
#define RELAY_HOPS_MAX 16

struct proxydhcp {
	struct netbootd *nb;
	int fd67, fd4011;
	struct in_addr net, mask;       /* our own link, for relay checks */
	uint64_t malformed_logged_ms;   /* when the last such line went out */
	uint64_t malformed_quiet;       /* not logged since */
	uint64_t ignored_log_sec;       /* the second of the last ignored line */
	unsigned ignored_log_n;         /* lines in that second */
	uint64_t ignored_quiet;         /* ignored clients not logged since */
	struct dhcp_recent repeat;      /* requests answered recently */
	struct dhcp_recent ignored_log; /* MACs logged as ignored recently */
};

/* Where a received packet came from and on which interface. */
struct rx_info {
	struct sockaddr_in src;
	int ifindex;                    /* 0 when unknown */
	int via_4011;
};

static const char *const reply_names[] = {
	[DHCPOFFER] = "offer",
	[DHCPACK] = "ack",
};

#define DHCP_RCVBUF (4 * 1024 * 1024)

static int open_socket(const struct netbootd *nb, struct in_addr addr,
		       uint16_t port, int *ret_fd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr = addr };
	int one = 1, rcvbuf = DHCP_RCVBUF, fd, r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* SO_REUSEADDR: a DHCP server on the same host may hold 67 too; both
	 * then see the broadcasts. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		goto fail;
	/* A room of clients powered on together sends its DISCOVERs within a
	 * millisecond: 1000 of them overflow the default 208 KB buffer and
	 * each lost one costs its client a 4 s PXE retransmission
	 * (docs/benchmarks.md). FORCE works as root, before we drop it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (nb->ifname[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, nb->ifname,
		       (socklen_t)strlen(nb->ifname)) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	*ret_fd = fd;
	return 0;
fail:
	r = -errno;
	close(fd);
	return r;
}

/* RFC 2131 sec. 4.1, "the server sends ..." paragraph; PXE 2.1 for 4011. */
static struct sockaddr_in reply_dest(const struct dhcp_msg *m,
				     const struct rx_info *rx)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	if (rx->via_4011 && rx->src.sin_addr.s_addr != htonl(INADDR_ANY))
		return rx->src;
	if (!rx->via_4011 && m->hdr.giaddr.s_addr != htonl(INADDR_ANY)) {
		to.sin_addr = m->hdr.giaddr;
		to.sin_port = htons(DHCP_SERVER_PORT);
		return to;
	}
	to.sin_port = htons(DHCP_CLIENT_PORT);
	if ((m->hdr.flags & DHCP_FLAG_BROADCAST) ||
	    m->hdr.ciaddr.s_addr == htonl(INADDR_ANY))
		to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	else
		to.sin_addr = m->hdr.ciaddr;
	return to;
}

/* Send from our address out of the interface the request arrived on.
 * 0 or -errno. A full socket buffer drops the reply: the client retries. */
static int send_reply(struct proxydhcp *d, const struct rx_info *rx,
		      const struct sockaddr_in *to, const uint8_t *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = sizeof(*to),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct in_pktinfo *pi;
	struct cmsghdr *c;
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	if (rx->ifindex > 0) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		pi = (struct in_pktinfo *)CMSG_DATA(c);
		pi->ipi_ifindex = rx->ifindex;
		pi->ipi_spec_dst = d->nb->addr;
	}
	n = sendmsg(rx->via_4011 ? d->fd4011 : d->fd67, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	return 0;
}

static void note_malformed(struct proxydhcp *d, const struct rx_info *rx,
			   size_t len, const char *why)
{
	char who[NB_PEER_TEXT_MAX];
	uint64_t now = ev_now_ms(d->nb->loop);

	d->nb->stats.dhcp_malformed++;
	if (d->malformed_logged_ms && now - d->malformed_logged_ms < MALFORMED_LOG_MS) {
		d->malformed_quiet++;
		return;
	}
	log_warn("dhcp", nb_peer_text(&rx->src, who), "malformed packet (%zu bytes): %s; dropped, "
		 "%llu malformed in all, %llu not logged", len, why,
		 (unsigned long long)d->nb->stats.dhcp_malformed,
		 (unsigned long long)d->malformed_quiet);
	d->malformed_logged_ms = now ? now : 1;
	d->malformed_quiet = 0;
}

/* A relayed request (giaddr set) is answered to giaddr:67, unicast. Any
 * host can write any giaddr, so only what a relay could have sent is
 * answered: hops 1..16 (a relay counts itself, RFC 1542 sec. 4.1.1), and a
 * giaddr that is a unicast address off our own link (a client on our link
 * reaches us by broadcast; a giaddr on it is forged or misconfigured).
 * 0 to go on, -EPERM with *why set to drop. */
static int relay_ok(const struct proxydhcp *d, const struct dhcp_msg *m,
		    const char **why)
{
	uint32_t g = ntohl(m->hdr.giaddr.s_addr);

	if (g == 0)
		return 0;
	if (m->hdr.hops == 0 || m->hdr.hops > RELAY_HOPS_MAX) {
		*why = "relayed request with hops 0 or over 16";
		return -EPERM;
	}
	if ((g >> 24) == 0 || (g >> 24) == 127 || g >= 0xe0000000u) {
		*why = "giaddr is not a unicast address";
		return -EPERM;
	}
	if ((m->hdr.giaddr.s_addr & d->mask.s_addr) == d->net.s_addr) {
		*why = "giaddr on our own link";
		return -EPERM;
	}
	return 0;
}

/* Port 4011 is unicast from a client that has its address: PXE ROMs,
 * OVMF and iPXE put that address in ciaddr and send from it, after our
 * offer on 67. A source other than ciaddr, or a MAC we never offered to,
 * is someone else's packet: its answer would go to a forged address. */
static int pxe4011_ok(const struct proxydhcp *d, const struct dhcp_msg *m,
		      const struct rx_info *rx, uint64_t now, const char **why)
{
	const struct client_seen *cs;

	if (!rx->via_4011)
		return 0;
	if (m->hdr.ciaddr.s_addr == 0 ||
	    m->hdr.ciaddr.s_addr != rx->src.sin_addr.s_addr) {
		*why = "port 4011 request not sent from its ciaddr";
		return -EPERM;
	}
	cs = clients_by_mac(d->nb->clients, m->hdr.chaddr);
	if (!cs || !cs->answered_ms || now - cs->answered_ms > PXE_4011_AFTER_OFFER_MS) {
		*why = "port 4011 request from a MAC not offered to on 67";
		return -EPERM;
	}
	return 0;
}

/* answer = known: 1 when a [client] section names this client by MAC, MAC
 * prefix or UUID (nb_config_knows, the one matcher). */
static int policy_knows(const struct proxydhcp *d, const struct dhcp_msg *m,
			const struct dhcp_pxe_req *req, const char *uuid)
{
	struct nb_client c;

	if (!d->nb->answer_known)
		return 1;
	memset(&c, 0, sizeof(c));
	memcpy(c.mac, m->hdr.chaddr, 6);
	c.has_mac = 1;
	snprintf(c.uuid, sizeof(c.uuid), "%s", uuid);
	c.arch = req->arch;
	return nb_config_knows(d->nb->config, &c);
}

/* The "not answered" line for an unknown client: once per MAC per minute
 * and at most IGNORED_LOG_PER_S a second, the rest counted. */
static void log_unknown(struct proxydhcp *d, const struct dhcp_msg *m,
			const char *mac, const char *uuid, uint64_t now)
{
	d->nb->stats.dhcp_unknown++;
	d->nb->stats.dhcp_ignored++;
	if (dhcp_recent_check(&d->ignored_log, m->hdr.chaddr, 6, now,
			      IGNORED_LOG_WINDOW_MS))
		return;
	if (now / 1000 != d->ignored_log_sec) {
		d->ignored_log_sec = now / 1000;
		d->ignored_log_n = 0;
	}
	if (d->ignored_log_n >= IGNORED_LOG_PER_S) {
		d->ignored_quiet++;
		return;
	}
	d->ignored_log_n++;
	logm_info("dhcp", mac, mac, "not answered: answer = known and no [client] "
		 "section names this MAC or UUID %s (logged once a minute; "
		 "%llu unknown in all, %llu not logged)", uuid[0] ? uuid : "-",
		 (unsigned long long)d->nb->stats.dhcp_unknown,
		 (unsigned long long)d->ignored_quiet);
}

/* The address the client has or asks for: option 50, else ciaddr, else
 * on 4011 where it sent from. */
static struct in_addr client_ip(const struct dhcp_msg *m, const struct rx_info *rx)
{
	const struct dhcp_opt *o = dhcp_opt_get(m, DHCP_OPT_REQUESTED_IP);
	struct in_addr a = { .s_addr = htonl(INADDR_ANY) };

	if (o && o->len == 4)
		memcpy(&a.s_addr, o->data, 4);
	else if (m->hdr.ciaddr.s_addr)
		a = m->hdr.ciaddr;
	else if (rx->via_4011)
		a = rx->src.sin_addr;
	return a;
}

/* 1 when these very bytes, on this port, were answered moments ago. */
static int is_repeat(struct proxydhcp *d, const uint8_t *buf, size_t len,
		     const struct rx_info *rx, uint64_t now)
{
	uint8_t key[1 + RX_MAX];

	key[0] = (uint8_t)rx->via_4011;
	memcpy(key + 1, buf, len);
	return dhcp_recent_check(&d->repeat, key, 1 + len, now, REPEAT_WINDOW_MS);
}

/* Build and send the reply. 0, or -errno after logging. */
static int answer(struct proxydhcp *d, const struct dhcp_msg *m,
		  const struct dhcp_pxe_req *req, const struct rx_info *rx,
		  const char *mac, const char *file)
{
	uint8_t out[DHCP_REPLY_MAX];
	char dest[NB_PEER_TEXT_MAX];
	struct sockaddr_in to;
	size_t out_len;
	int r;

	r = dhcp_pxe_reply(m, req, d->nb->addr, file, out, sizeof(out), &out_len);
	if (r < 0) {
		logm_error("dhcp", mac, mac, "cannot build reply: %s", strerror(-r));
		return r;
	}
	to = reply_dest(m, rx);
	r = send_reply(d, rx, &to, out, out_len);
	if (r < 0) {
		logm_warn("dhcp", mac, mac, "send %s to %s: %s",
			 reply_names[req->reply_type], nb_peer_text(&to, dest),
			 strerror(-r));
		return r;
	}
	logm_info("dhcp", mac, mac, "%s arch=%u %sfile=%s", reply_names[req->reply_type],
		 req->arch, req->http ? "http " : "", file);
	history_note_offer(d->nb, m->hdr.chaddr, client_ip(m, rx), req->arch, file);
	logm_debug("dhcp", mac, mac, "%s sent to %s (%zu bytes)",
		  reply_names[req->reply_type], nb_peer_text(&to, dest), out_len);
	return 0;
}

/* A well-formed request from a station MAC: decide and maybe answer.
 * 1 answered, 0 not, -1 not and its addresses are not to be believed
 * (a forged relay or 4011 source). */
static int decide(struct proxydhcp *d, const uint8_t *buf, size_t len,
		  const struct dhcp_msg *m, const struct rx_info *rx,
		  const char *mac, const char *uuid, uint64_t now)
{
	struct netbootd *nb = d->nb;
	const struct nb_server_conf *sc = nb_config_server(nb->config);
	const struct dhcp_boot_files files = {
		.bios = sc->boot_bios, .efi64 = sc->boot_efi64,
		.arm64 = sc->boot_arm64, .ipxe = sc->boot_ipxe,
		.http_x64 = sc->boot_http_x64, .http_arm64 = sc->boot_http_arm64,
		.http_base = nb->http_base,
	};
	const char *why = NULL;
	struct dhcp_pxe_req req;
	char file[256];
	int r;

	r = dhcp_pxe_classify(m, nb->addr, rx->via_4011, &req);
	if (r == -EBADMSG) {
		note_malformed(d, rx, len, "bad option 93 or 54");
		return 0;
	}
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		logm_debug("dhcp", mac, mac, "ignored type=%d port=%d: %s", m->msg_type,
			  rx->via_4011 ? DHCP_PXE_PORT : DHCP_SERVER_PORT,
			  dhcp_pxe_why(r));
		return 0;
	}
	if (relay_ok(d, m, &why) < 0) {
		d->nb->stats.dhcp_relay_refused++;
	} else if (pxe4011_ok(d, m, rx, now, &why) < 0) {
		d->nb->stats.dhcp_4011_refused++;
	}
	if (why) {
		char from[NB_PEER_TEXT_MAX];

		nb->stats.dhcp_ignored++;
		logm_debug("dhcp", mac, mac, "ignored type=%d from %s: %s", m->msg_type,
			  nb_peer_text(&rx->src, from), why);
		return -1;
	}
	if (!policy_knows(d, m, &req, uuid)) {
		log_unknown(d, m, mac, uuid, now);
		return 0;
	}
	if (req.arch == DHCP_ARCH_ARM32_UEFI && !req.ipxe) {
		nb->stats.dhcp_ignored++;
		logm_debug("dhcp", mac, mac, "ignored arch=10: 32-bit ARM UEFI has no "
			  "loader here (alpineboot is x64 and arm64 only)");
		return 0;
	}
	r = dhcp_pxe_boot_file(&req, &files, file, sizeof(file));
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		/* An unknown architecture is normal on a shared LAN; a name
		 * that does not fit is the admin's to fix. */
		log_msg_mac(r == -ENAMETOOLONG ? LOG_LVL_WARN : LOG_LVL_DEBUG, "dhcp",
			mac, mac, "ignored arch=%u ipxe=%u http=%u: %s", req.arch,
			req.ipxe, req.http, dhcp_pxe_why(r));
		return 0;
	}
	if (is_repeat(d, buf, len, rx, now)) {
		d->nb->stats.dhcp_repeats++;
		nb->stats.dhcp_ignored++;
		logm_debug("dhcp", mac, mac, "ignored: the same request again within %d ms "
			  "(%llu repeats in all)", REPEAT_WINDOW_MS,
			  (unsigned long long)d->nb->stats.dhcp_repeats);
		return 0;
	}
	if (answer(d, m, &req, rx, mac, file) < 0) {
		nb->stats.dhcp_ignored++;
		return 0;
	}
	nb->stats.dhcp_answered++;
	return 1;
}

/* One datagram: parse, check the sender's MAC, decide, record the client.
 * Never more than one reply. */
static void handle_packet(struct proxydhcp *d, const uint8_t *buf, size_t len,
			  const struct rx_info *rx)
{
	struct netbootd *nb = d->nb;
	uint64_t now = ev_now_ms(nb->loop);
	char mac[DHCP_MAC_STR_MAX], uuid[DHCP_UUID_STR_MAX] = "";
	const struct dhcp_opt *arch;
	struct dhcp_msg m;
	int r, answered;

	r = dhcp_parse(buf, len, &m);
	if (r == -EBADMSG) {
		note_malformed(d, rx, len, "bad header or options");
		return;
	}
	if (r < 0 || m.hdr.op != BOOTREQUEST) {
		nb->stats.dhcp_ignored++;
		return;
	}
	if (!dhcp_chaddr_ok(&m.hdr)) {
		note_malformed(d, rx, len, "chaddr is not a station MAC");
		return;
	}
	if (dhcp_uuid_text(&m, uuid) == -EBADMSG)
		uuid[0] = 0;   /* a bad 97 is not ours to judge: no UUID */
	dhcp_format_mac(&m.hdr, mac);
	answered = decide(d, buf, len, &m, rx, mac, uuid, now);
	if (answered < 0)
		return;
	arch = dhcp_opt_get(&m, DHCP_OPT_CLIENT_ARCH);
	clients_note_dhcp(nb->clients, m.hdr.chaddr, client_ip(&m, rx), uuid,
			  arch && arch->len >= 2 ? arch->data[0] << 8 | arch->data[1] : -1,
			  answered, now);
}

static void on_readable(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct proxydhcp *d = arg;
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	uint8_t buf[RX_MAX];
	struct rx_info rx;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t n;

	(void)loop;
	(void)events;
	for (int i = 0; i < RX_BURST; i++) {
		memset(&rx, 0, sizeof(rx));
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &rx.src;
		mh.msg_namelen = sizeof(rx.src);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("dhcp", "-", "recvmsg: %s", strerror(errno));
			return;
		}
		rx.via_4011 = fd == d->fd4011;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				rx.ifindex = ((struct in_pktinfo *)CMSG_DATA(c))->ipi_ifindex;
		/* A truncated datagram is not a request we can trust. */
		if (mh.msg_flags & MSG_TRUNC) {
			note_malformed(d, &rx, (size_t)n, "larger than the receive buffer");
			continue;
		}
		handle_packet(d, buf, (size_t)n, &rx);
	}
}

/* Our own link (address and netmask of nb->addr), for relay_ok. When the
 * address is not found the link is just our address. */
static void own_link(struct proxydhcp *d)
{
	struct ifaddrs *ifa, *i;

	d->mask.s_addr = htonl(INADDR_BROADCAST);
	d->net = d->nb->addr;
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *a = (const void *)i->ifa_addr;
		const struct sockaddr_in *n = (const void *)i->ifa_netmask;

		if (!a || !n || a->sin_family != AF_INET ||
		    a->sin_addr.s_addr != d->nb->addr.s_addr)
			continue;
		d->mask = n->sin_addr;
		d->net.s_addr = a->sin_addr.s_addr & n->sin_addr.s_addr;
		break;
	}
	freeifaddrs(ifa);
}

int proxydhcp_start(struct netbootd *nb, struct proxydhcp **ret)
{
	uint64_t seed[2];
	struct in_addr any = { .s_addr = htonl(INADDR_ANY) };
	struct proxydhcp *d;
	char addr[INET_ADDRSTRLEN];
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->nb = nb;
	d->fd67 = d->fd4011 = -1;
	inet_ntop(AF_INET, &nb->addr, addr, sizeof(addr));
	/* Unpredictable table slots; without entropy the tables still work,
	 * only aimed collisions get easier. */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed[0] = seed[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^
				    ev_now_ms(nb->loop);
	dhcp_recent_init(&d->repeat, seed[0]);
	dhcp_recent_init(&d->ignored_log, seed[1]);
	own_link(d);

	r = open_socket(nb, any, DHCP_SERVER_PORT, &d->fd67);
	if (r < 0) {
		log_error("dhcp", "-", "udp 0.0.0.0:%d%s%s: %s", DHCP_SERVER_PORT,
			  nb->ifname[0] ? " on " : "", nb->ifname, strerror(-r));
		goto fail_free;
	}
	r = open_socket(nb, nb->addr, DHCP_PXE_PORT, &d->fd4011);
	if (r < 0) {
		log_error("dhcp", "-", "udp %s:%d: %s", addr, DHCP_PXE_PORT,
			  strerror(-r));
		goto fail_67;
	}
	r = ev_add(nb->loop, d->fd67, EPOLLIN, on_readable, d);
	if (r < 0) {
		log_error("dhcp", "-", "event loop: %s", strerror(-r));
		goto fail_4011;
	}
	r = ev_add(nb->loop, d->fd4011, EPOLLIN, on_readable, d);
	if (r < 0) {
		log_error("dhcp", "-", "event loop: %s", strerror(-r));
		goto fail_del67;
	}
	if (!nb->ifname[0])
		log_warn("dhcp", "-", "no --interface: port 67 listens on every "
			 "interface");
	log_info("dhcp", "-", "proxyDHCP on udp 0.0.0.0:%d%s%s and %s:%d",
		 DHCP_SERVER_PORT, nb->ifname[0] ? " dev " : "", nb->ifname,
		 addr, DHCP_PXE_PORT);
	*ret = d;
	return 0;

fail_del67:
	ev_del(nb->loop, d->fd67);
fail_4011:
	close(d->fd4011);
fail_67:
	close(d->fd67);
fail_free:
	free(d);
	return r;
}

void proxydhcp_stop(struct proxydhcp *d)
{
	const struct netbootd_stats *st;

	if (!d)
		return;
	st = &d->nb->stats;
	log_info("dhcp", "-", "stopping: repeats=%llu unknown=%llu relay-refused=%llu "
		 "4011-refused=%llu", (unsigned long long)st->dhcp_repeats,
		 (unsigned long long)st->dhcp_unknown,
		 (unsigned long long)st->dhcp_relay_refused,
		 (unsigned long long)st->dhcp_4011_refused);
	ev_del(d->nb->loop, d->fd67);
	ev_del(d->nb->loop, d->fd4011);
	close(d->fd67);
	close(d->fd4011);
	free(d);
}
