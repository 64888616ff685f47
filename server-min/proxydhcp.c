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
 * only about 2 s for proxy offers, PXE ROMs about 4 s in total). Nothing is
 * kept per client: the decision is a pure function of the packet
 * (dhcp_proto.c), the state here is two sockets and counters.
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
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server-min/dhcp_proto.h"
#include "server-min/event.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"

/* Packets read per wake-up before yielding to the other sockets. */
#define RX_BURST 64
/* Requests bigger than this are not DHCP we care about (RFC 2131 allows
 * larger with option 57, but PXE clients send about 400 bytes). */
#define RX_MAX 1500
/* At most one "malformed" log line per this many ms: the count is kept
 * exactly in nb->stats, the log only has to show that it happens. */
#define MALFORMED_LOG_MS 1000

struct proxydhcp {
	struct netbootd *nb;
	int fd67, fd4011;
	uint64_t malformed_logged_ms;   /* when the last such line went out */
	uint64_t malformed_quiet;       /* not logged since */
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

/* "a.b.c.d:port" */
#define SIN_STR_MAX (INET_ADDRSTRLEN + 6)
static const char *sin_str(const struct sockaddr_in *s, char out[SIN_STR_MAX])
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
	snprintf(out, SIN_STR_MAX, "%s:%u", a, ntohs(s->sin_port));
	return out;
}

static void note_malformed(struct proxydhcp *d, const struct rx_info *rx,
			   size_t len, const char *why)
{
	char who[SIN_STR_MAX];
	uint64_t now = ev_now_ms(d->nb->loop);

	d->nb->stats.dhcp_malformed++;
	if (d->malformed_logged_ms && now - d->malformed_logged_ms < MALFORMED_LOG_MS) {
		d->malformed_quiet++;
		return;
	}
	log_warn("dhcp", sin_str(&rx->src, who), "malformed packet (%zu bytes): %s; dropped, "
		 "%llu malformed in all, %llu not logged", len, why,
		 (unsigned long long)d->nb->stats.dhcp_malformed,
		 (unsigned long long)d->malformed_quiet);
	d->malformed_logged_ms = now ? now : 1;
	d->malformed_quiet = 0;
}

/* One request: parse, decide, answer or drop. Never more than one reply. */
static void handle_packet(struct proxydhcp *d, const uint8_t *buf, size_t len,
			  const struct rx_info *rx)
{
	struct netbootd *nb = d->nb;
	const struct nb_server_conf *sc = nb_config_server(nb->config);
	const struct dhcp_boot_files files = {
		.bios = sc->boot_bios, .efi64 = sc->boot_efi64,
		.ipxe = sc->boot_ipxe, .http_base = nb->http_base,
	};
	uint8_t out[DHCP_REPLY_MAX];
	char mac[DHCP_MAC_STR_MAX], file[256], dest[SIN_STR_MAX];
	struct dhcp_pxe_req req;
	struct sockaddr_in to;
	struct dhcp_msg m;
	size_t out_len;
	int r;

	r = dhcp_parse(buf, len, &m);
	if (r == -EBADMSG) {
		note_malformed(d, rx, len, "bad header or options");
		return;
	}
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		return;
	}
	dhcp_format_mac(&m.hdr, mac);
	r = dhcp_pxe_classify(&m, nb->addr, rx->via_4011, &req);
	if (r == -EBADMSG) {
		note_malformed(d, rx, len, "bad option 93 or 54");
		return;
	}
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		log_debug("dhcp", mac, "ignored type=%d port=%d: %s", m.msg_type,
			  rx->via_4011 ? DHCP_PXE_PORT : DHCP_SERVER_PORT,
			  dhcp_pxe_why(r));
		return;
	}
	r = dhcp_pxe_boot_file(&req, &files, file, sizeof(file));
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		/* An unknown architecture is normal on a shared LAN; a name
		 * that does not fit is the admin's to fix. */
		log_msg(r == -ENAMETOOLONG ? LOG_LVL_WARN : LOG_LVL_DEBUG, "dhcp",
			mac, "ignored arch=%u ipxe=%u: %s", req.arch, req.ipxe,
			dhcp_pxe_why(r));
		return;
	}
	r = dhcp_pxe_reply(&m, &req, nb->addr, file, out, sizeof(out), &out_len);
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		log_error("dhcp", mac, "cannot build reply: %s", strerror(-r));
		return;
	}
	to = reply_dest(&m, rx);
	r = send_reply(d, rx, &to, out, out_len);
	if (r < 0) {
		nb->stats.dhcp_ignored++;
		log_warn("dhcp", mac, "send %s to %s: %s",
			 reply_names[req.reply_type], sin_str(&to, dest),
			 strerror(-r));
		return;
	}
	nb->stats.dhcp_answered++;
	log_info("dhcp", mac, "%s arch=%u file=%s", reply_names[req.reply_type],
		 req.arch, file);
	log_debug("dhcp", mac, "%s sent to %s (%zu bytes)",
		  reply_names[req.reply_type], sin_str(&to, dest), out_len);
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

int proxydhcp_start(struct netbootd *nb, struct proxydhcp **ret)
{
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
	if (!d)
		return;
	ev_del(d->nb->loop, d->fd67);
	ev_del(d->nb->loop, d->fd4011);
	close(d->fd67);
	close(d->fd4011);
	free(d);
}
