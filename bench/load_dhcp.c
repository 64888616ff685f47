/* load_dhcp.c: the DHCP side of a simulated client, as a PXE ROM and then
 * iPXE do it (PXE 2.1 sec. 2.2, RFC 2131, RFC 4578).
 *
 * PXE step:  DISCOVER (broadcast, options 60 "PXEClient:Arch:0000N:UNDI:
 *            002001", 93, 94, 97, 55, 57) -> the proxy's OFFER. When the
 *            offer names no boot file but carries a PXE boot menu (option
 *            43 sub-option 9, what dnsmasq's pxe-service sends), or when the
 *            client is UEFI (EDK2 asks the proxy again on 4011 for a
 *            "BINL" offer), a REQUEST goes unicast to the proxy's port 4011
 *            and the ACK names the file.
 * iPXE step: DISCOVER again with user class "iPXE" (77) and option 175, as
 *            iPXE does, then, as iPXE does, a REQUEST to the proxy's 4011;
 *            the ACK's boot file is the script URL.
 *
 * Packets are built and parsed by server-min/dhcp_proto.c, the code the
 * server uses, so a mismatch between them would show in its unit tests
 * rather than here. All clients share one socket on port 68 (real clients
 * each own port 68 on their own machine); replies are matched by xid and
 * MAC. Broadcast DISCOVERs leave through --interface (SO_BINDTODEVICE);
 * REQUESTs to 4011 carry the client's own address as source (IP_PKTINFO),
 * as they would from a client that already has its lease.
 *
 * Retransmission: the PXE 2.1 schedule, 4, 8, 16, 32 s, each +-1 s at
 * random as RFC 2131 sec. 4.1 asks, for the ROM; iPXE's own is shorter
 * (dhcp.c: starts at 1 s, doubles).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench/load_parse.h"
#include "bench/nbload.h"
#include "server-min/dhcp_proto.h"

static const uint32_t pxe_timeouts_ms[] = { 4000, 8000, 16000, 32000 };
static const uint32_t ipxe_timeouts_ms[] = { 1000, 2000, 4000, 8000 };
#define TRIES 4

/* What PXE ROMs ask for (Intel PXE 2.1 ROMs and iPXE alike): mask, router,
 * DNS, vendor-specific, server id, vendor class, TFTP server, boot file,
 * UUID, and the PXE-reserved 128-135. */
static const uint8_t param_list[] = {
	1, 3, 6, 43, 54, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135,
};

/* xid carries the client's index in its low 20 bits, so a reply finds its
 * client without a search; the rest is random per run. */
#define XID_INDEX_BITS 20

int nbl_dhcp_open(struct nbl *g)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT),
	};
	int fd, one = 1, buf = 4 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		goto fail_fd;
	/* 1000 offers may arrive within a millisecond, and 1000 DISCOVERs
	 * leave within one: real clients each have a NIC of their own, so
	 * neither buffer may be what drops a packet here. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, g->ifname,
		       (socklen_t)strlen(g->ifname)) < 0)
		goto fail_fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail_fd;
	if (nbl_watch(g, fd, EPOLLIN, NULL) < 0)
		goto fail_fd;
	g->dhcp_fd = fd;
	return 0;

fail_fd:
	close(fd);
fail:
	fprintf(stderr, "nbload: DHCP socket on %s port 68: %s\n", g->ifname,
		strerror(errno));
	return -errno;
}

/* Build and send the current message of c: DISCOVER (phase 0) or the 4011
 * REQUEST (phase 1). 0 or -errno. */
/* The DISCOVER (phase 0) or the REQUEST to 4011 (phase 1) this client's
 * firmware sends, into pkt. 0 and *ret_len, or -ENOSPC. */
static int dhcp_build(const struct nbl_client *c, uint8_t *pkt, size_t cap, size_t *ret_len)
{
	int ipxe = c->steps[c->step] == NBL_IPXE_DHCP;
	struct dhcp_hdr h = {
		.op = BOOTREQUEST, .htype = 1, .hlen = 6, .xid = c->xid,
		/* PXE ROMs set it: they cannot take a unicast before they
		 * have an address. */
		.flags = DHCP_FLAG_BROADCAST,
	};
	uint8_t arch[2] = { (uint8_t)(c->arch >> 8), (uint8_t)c->arch };
	uint8_t maxsz[2] = { 1464 >> 8, 1464 & 0xff };
	uint8_t ndi[3] = { 1, 2, 1 };              /* UNDI 2.1 */
	uint8_t uuid[17] = { 0 };                  /* type 0 + GUID */
	char vclass[40];
	struct dhcp_builder b;

	memcpy(h.chaddr, c->mac, 6);
	memcpy(uuid + 1, c->uuid, 16);
	if (c->dhcp_phase == 1)
		h.ciaddr = c->ip;
	snprintf(vclass, sizeof(vclass), "PXEClient:Arch:%05u:UNDI:002001", c->arch);

	dhcp_build_start(&b, pkt, cap, &h);
	dhcp_build_opt_u8(&b, DHCP_OPT_MSG_TYPE,
			  c->dhcp_phase == 1 ? DHCPREQUEST : DHCPDISCOVER);
	dhcp_build_opt(&b, DHCP_OPT_MAX_SIZE, maxsz, sizeof(maxsz));
	dhcp_build_opt(&b, DHCP_OPT_PARAM_LIST, param_list, sizeof(param_list));
	dhcp_build_opt(&b, DHCP_OPT_CLIENT_UUID, uuid, sizeof(uuid));
	dhcp_build_opt(&b, DHCP_OPT_CLIENT_NDI, ndi, sizeof(ndi));
	dhcp_build_opt(&b, DHCP_OPT_CLIENT_ARCH, arch, sizeof(arch));
	dhcp_build_opt(&b, DHCP_OPT_VENDOR_CLASS, vclass, strlen(vclass));
	if (ipxe) {
		/* iPXE 1.21: user class "iPXE", and option 175 with its
		 * version (sub-option 235) and HTTP feature (19). */
		static const uint8_t encap[] = { 19, 1, 1, 235, 3, 1, 21, 1 };

		dhcp_build_opt(&b, DHCP_OPT_USER_CLASS, "iPXE", 4);
		dhcp_build_opt(&b, DHCP_OPT_IPXE_ENCAP, encap, sizeof(encap));
	}
	if (c->dhcp_phase == 1 && c->boot_item) {
		/* PXE 2.1 sub-option 71 PXE_BOOT_ITEM: type, layer 0. */
		uint8_t item[7] = { 71, 4, (uint8_t)(c->boot_item >> 8),
				    (uint8_t)c->boot_item, 0, 0, 255 };

		dhcp_build_opt(&b, DHCP_OPT_VENDOR, item, sizeof(item));
	}
	if (dhcp_build_finish(&b, DHCP_BOOTP_MIN_LEN, ret_len) < 0)
		return -ENOSPC;
	return 0;
}

/* The REQUEST to the proxy's port 4011 goes from the client's own address
 * (IP_PKTINFO), as each real client has one: the shared socket is bound
 * to none. */
static ssize_t send_from_client(const struct nbl_client *c, const uint8_t *pkt, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = c->server,
				  .sin_port = htons(DHCP_PXE_PORT) };
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = { 0 };
	struct iovec iov = { .iov_base = (void *)pkt, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in_pktinfo pi = { .ipi_spec_dst = c->ip };

	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (!c->ip.s_addr)
		mh.msg_control = NULL, mh.msg_controllen = 0;
	return sendmsg(c->g->dhcp_fd, &mh, 0);
}

/* This client's current DHCP packet: broadcast DISCOVER, or the REQUEST
 * to 4011. 0 or -errno. */
static int dhcp_send(struct nbl_client *c)
{
	uint8_t pkt[576];
	size_t len;
	ssize_t sent;
	int r = dhcp_build(c, pkt, sizeof(pkt), &len);

	if (r < 0)
		return r;
	if (c->dhcp_phase == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_BROADCAST),
					  .sin_port = htons(DHCP_SERVER_PORT) };

		sent = sendto(c->g->dhcp_fd, pkt, len, 0, (struct sockaddr *)&to,
			      sizeof(to));
	} else {
		sent = send_from_client(c, pkt, len);
	}
	if (sent < 0)
		return -errno;
	return 0;
}

static void arm(struct nbl_client *c)
{
	int rom = c->steps[c->step] == NBL_PXE_DHCP && !c->dhcp_phase;
	uint64_t ms = rom ? pxe_timeouts_ms[c->tries] : ipxe_timeouts_ms[c->tries];

	/* RFC 2131 sec. 4.1: each wait "randomized by the value of a uniform
	 * random number chosen from the range -1 to +1" second. Without it
	 * a storm's clients would all resend in the same millisecond, which
	 * real machines, each with its own clock, do not. */
	if (rom)
		ms = ms - 1000 + (uint64_t)(random() % 2001);
	c->deadline_us = nbl_now_us() + ms * 1000u;
}

/* Our own full send buffer is not the network losing a packet: try again
 * in a moment, without counting it. */
#define SEND_AGAIN_US 2000

static void send_and_arm(struct nbl_client *c)
{
	int r = dhcp_send(c);

	if (r == -EAGAIN || r == -ENOBUFS) {
		c->send_again = 1;
		c->deadline_us = nbl_now_us() + SEND_AGAIN_US;
		return;
	}
	if (r < 0) {
		nbl_fail(c, "send: %s", strerror(-r));
		return;
	}
	arm(c);
}

void nbl_dhcp_begin(struct nbl_client *c)
{
	c->send_again = 0;
	c->dhcp_phase = 0;
	c->boot_item = 0;
	send_and_arm(c);
}

void nbl_dhcp_timeout(struct nbl_client *c)
{
	if (c->send_again) {
		c->send_again = 0;
		send_and_arm(c);
		return;
	}
	if (++c->tries >= TRIES) {
		nbl_fail(c, "no answer to %d %s", TRIES,
			 c->dhcp_phase ? "REQUESTs on 4011" : "DISCOVERs");
		return;
	}
	c->retrans++;
	c->g->retrans_dhcp++;
	send_and_arm(c);
}

/* The first item of the PXE boot menu in option 43, or 0. */
static uint16_t first_menu_item(const struct dhcp_opt *o)
{
	uint16_t type = 0;

	if (!o || !o->present || nbl_pxe_menu_first(o->data, o->len, &type) < 0)
		return 0;
	return type;
}

/* The boot file of a reply: option 67, else the file field. */
static void reply_bootfile(const struct dhcp_msg *m, char *out, size_t cap)
{
	const struct dhcp_opt *o = dhcp_opt_get(m, DHCP_OPT_BOOTFILE);
	size_t n;

	if (o && o->len) {
		n = o->len < cap - 1 ? o->len : cap - 1;
		memcpy(out, o->data, n);
		out[n] = '\0';
		/* Some servers count the NUL in the option. */
		out[strnlen(out, n)] = '\0';
	} else {
		snprintf(out, cap, "%s", m->file);
	}
}

static void handle_reply(struct nbl_client *c, const struct dhcp_msg *m,
			 struct in_addr from)
{
	const struct dhcp_opt *sid = dhcp_opt_get(m, DHCP_OPT_SERVER_ID);
	int ipxe = c->steps[c->step] == NBL_IPXE_DHCP;
	int want = c->dhcp_phase == 1 ? DHCPACK : DHCPOFFER;
	char file[256];

	if (m->msg_type != want || !dhcp_is_pxeclient(m))
		return;        /* not the proxy's answer to this message */
	if (m->hdr.siaddr.s_addr)
		c->server = m->hdr.siaddr;
	else if (sid && sid->len == 4)
		memcpy(&c->server, sid->data, 4);
	else
		c->server = from;
	reply_bootfile(m, file, sizeof(file));

	/* iPXE always follows a ProxyDHCP offer with a ProxyDHCPREQUEST to
	 * the proxy's port 4011 and takes the file from the answer (dhcp.c,
	 * the "ProxyDHCP" state), naming a boot item when there is a menu. */
	if (ipxe && c->dhcp_phase == 0 && c->g->pxe_request != 0) {
		c->boot_item = first_menu_item(dhcp_opt_get(m, DHCP_OPT_VENDOR));
		c->dhcp_phase = 1;
		c->tries = 0;
		send_and_arm(c);
		return;
	}
	if (ipxe) {
		if (strncmp(file, "http://", 7)) {
			nbl_fail(c, "iPXE DHCP answer names no http:// script "
				 "(boot file \"%s\")", file);
			return;
		}
		snprintf(c->script_url, sizeof(c->script_url), "%s", file);
		nbl_step_done(c);
		return;
	}
	if (c->dhcp_phase == 0) {
		/* No file in the offer: ask the proxy on 4011, naming the
		 * first menu item if there is a menu (PXE 2.1 boot server
		 * discovery), none if not (a "BINL" proxy, as dnsmasq is
		 * for UEFI clients). */
		int ask = c->g->pxe_request == 1 ||
			  (c->g->pxe_request == -1 && (c->arch != 0 || !file[0]));

		c->boot_item = first_menu_item(dhcp_opt_get(m, DHCP_OPT_VENDOR));
		snprintf(c->bootfile, sizeof(c->bootfile), "%s", file);
		if (ask) {
			c->dhcp_phase = 1;
			c->tries = 0;
			send_and_arm(c);
			return;
		}
		if (!file[0]) {
			nbl_fail(c, "proxy offer names no boot file");
			return;
		}
		nbl_step_done(c);
		return;
	}
	if (!file[0]) {
		nbl_fail(c, "4011 ACK names no boot file");
		return;
	}
	snprintf(c->bootfile, sizeof(c->bootfile), "%s", file);
	nbl_step_done(c);
}

void nbl_dhcp_input(struct nbl *g)
{
	/* Bounded: at most one socket buffer's worth per call. */
	for (int n = 0; n < 4096; n++) {
		uint8_t buf[1500];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct dhcp_msg m;
		struct nbl_client *c;
		uint32_t idx;
		ssize_t len;

		len = recvfrom(g->dhcp_fd, buf, sizeof(buf), 0,
			       (struct sockaddr *)&from, &fl);
		if (len < 0)
			return;   /* EAGAIN, or an error we cannot act on */
		if (dhcp_parse(buf, (size_t)len, &m) < 0 ||
		    m.hdr.op != BOOTREPLY || m.hdr.hlen != 6) {
			g->dhcp_dropped++;
			continue;
		}
		idx = m.hdr.xid & ((1u << XID_INDEX_BITS) - 1);
		if (idx >= (uint32_t)g->nclients) {
			g->dhcp_dropped++;
			continue;
		}
		c = &g->clients[idx];
		if (c->xid != m.hdr.xid || memcmp(m.hdr.chaddr, c->mac, 6) ||
		    c->state != NBL_RUNNING ||
		    (c->steps[c->step] != NBL_PXE_DHCP &&
		     c->steps[c->step] != NBL_IPXE_DHCP)) {
			g->dhcp_dropped++;   /* late duplicate, or not ours */
			continue;
		}
		handle_reply(c, &m, from.sin_addr);
	}
}
