/* load_tftp.c: a TFTP read, as a boot ROM does it (RFC 1350, RFC 2347
 * options, RFC 2348 blksize, RFC 2349 tsize, RFC 7440 windowsize).
 *
 * The RRQ asks for blksize, tsize and (when > 1) windowsize. A server that
 * ignores an option (tftp-hpa has no windowsize) is used the way it
 * answers: an OACK without windowsize means lockstep, DATA 1 without any
 * OACK means 512-byte blocks. The client ACKs every windowsize-th block and
 * the last one; a gap in a window is answered with one ACK of the last
 * block received in order (RFC 7440 sec. 4), a duplicate of that block is
 * ACKed again (its ACK was lost). On silence it repeats its last packet
 * after tftp_timeout_ms, doubling up to 8 s, at most tftp_retries times,
 * like iPXE's retry timer. Block numbers wrap past 65535 to 0, as
 * netbootd, tftp-hpa and dnsmasq all do. DATA from any port but the
 * server's TID gets ERROR 5 (RFC 1350 sec. 4) and changes nothing.
 *
 * --ack-delay-us holds each ACK back that long (one client only), to
 * model a LAN and a boot ROM that need time to answer.
 *
 * The data is counted, not kept: the generator measures servers, and a
 * SHA-256 per block would cost it more than the server spends sending.
 * The count is checked against tsize when the server stated one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench/load_parse.h"
#include "bench/nbload.h"
#include "server-min/tftp_proto.h"

#define TIMEOUT_MAX_MS 8000

void nbl_tftp_close(struct nbl_client *c)
{
	if (c->tftp.fd >= 0) {
		close(c->tftp.fd);   /* close also leaves the epoll set */
		c->tftp.fd = -1;
	}
}

static void arm(struct nbl_client *c)
{
	uint64_t ms = (uint64_t)c->g->tftp_timeout_ms << (c->tries < 4 ? c->tries : 4);

	if (ms > TIMEOUT_MAX_MS)
		ms = TIMEOUT_MAX_MS;
	c->deadline_us = nbl_now_us() + ms * 1000u;
}

static int send_to_peer(struct nbl_client *c, const void *buf, size_t len)
{
	ssize_t n = sendto(c->tftp.fd, buf, len, 0,
			   (struct sockaddr *)&c->tftp.peer, sizeof(c->tftp.peer));

	/* A full buffer is a lost packet; the timeout covers it. */
	if (n < 0 && errno != EAGAIN && errno != ENOBUFS)
		return -errno;
	return 0;
}

/* RRQ: filename, "octet", then our options (RFC 2347 sec. 2). */
static int send_rrq(struct nbl_client *c)
{
	struct nbl_tftp *t = &c->tftp;
	uint8_t pkt[600];
	int n;

	n = snprintf((char *)pkt + 2, sizeof(pkt) - 2,
		     "%s%coctet%cblksize%c%u%ctsize%c0%c",
		     t->path, 0, 0, 0, t->ask_blksize, 0, 0, 0);
	if (n < 0 || (size_t)n >= sizeof(pkt) - 2)
		return -ENAMETOOLONG;
	if (t->ask_windowsize > 1) {
		int m = snprintf((char *)pkt + 2 + n, sizeof(pkt) - 2 - (size_t)n,
				 "windowsize%c%u%c", 0, t->ask_windowsize, 0);

		if (m < 0 || (size_t)m >= sizeof(pkt) - 2 - (size_t)n)
			return -ENAMETOOLONG;
		n += m;
	}
	pkt[0] = 0;
	pkt[1] = TFTP_OP_RRQ;
	return send_to_peer(c, pkt, (size_t)n + 2);
}

static int send_ack(struct nbl_client *c, uint16_t block)
{
	uint8_t pkt[4] = { 0, TFTP_OP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	/* --ack-delay-us (tftp mode only, one client, so blocking is fine):
	 * the time a boot ROM or a LAN takes to turn a block into an ACK.
	 * On a veth both are near zero, which hides what windowsize is for. */
	if (c->g->ack_delay_us) {
		struct timespec ts = { 0, (long)c->g->ack_delay_us * 1000L };

		nanosleep(&ts, NULL);
	}

	return send_to_peer(c, pkt, sizeof(pkt));
}

void nbl_tftp_begin(struct nbl_client *c, const char *path,
		    uint32_t blksize, uint32_t windowsize)
{
	struct nbl_tftp *t = &c->tftp;
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr = c->ip };
	int buf = 1 << 20, r;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (snprintf(t->path, sizeof(t->path), "%s", path) >= (int)sizeof(t->path)) {
		nbl_fail(c, "file name too long");
		return;
	}
	t->ask_blksize = blksize;
	t->ask_windowsize = windowsize;
	t->blksize = TFTP_BLKSIZE_DEFAULT;     /* until an OACK says more */
	t->windowsize = 1;
	t->peer.sin_family = AF_INET;
	t->peer.sin_addr = c->server;
	t->peer.sin_port = htons(c->g->tftp_port);

	t->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		nbl_fail(c, "socket: %s", strerror(errno));
		return;
	}
	/* A window of 64 blocks of 1468 bytes is ~100 KB in flight. */
	setsockopt(t->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (bind(t->fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		nbl_fail(c, "bind %s: %s", inet_ntoa(c->ip), strerror(errno));
		return;
	}
	if (nbl_watch(c->g, t->fd, EPOLLIN, c) < 0) {
		nbl_fail(c, "epoll: %s", strerror(errno));
		return;
	}
	r = send_rrq(c);
	if (r < 0) {
		nbl_fail(c, "RRQ: %s", strerror(-r));
		return;
	}
	arm(c);
}

void nbl_tftp_timeout(struct nbl_client *c)
{
	struct nbl_tftp *t = &c->tftp;
	int r;

	if (++c->tries > c->g->tftp_retries) {
		nbl_fail(c, "%s: timed out after %d retries at block %u (%llu bytes)",
			 t->path, c->g->tftp_retries, t->last,
			 (unsigned long long)t->bytes);
		return;
	}
	c->retrans++;
	c->g->retrans_tftp++;
	if (!t->have_tid)
		c->g->retrans_tftp_rrq++;   /* no answer at all: a cap, or loss */
	/* Once the server has answered, say where we are: it resends the
	 * window after the block we name (RFC 7440 sec. 4). */
	t->in_window = 0;
	r = t->have_tid ? send_ack(c, t->last) : send_rrq(c);
	if (r < 0) {
		nbl_fail(c, "resend: %s", strerror(-r));
		return;
	}
	arm(c);
}

static void send_error5(struct nbl_client *c, const struct sockaddr_in *to)
{
	uint8_t pkt[64];
	int n = tftp_build_error(pkt, sizeof(pkt), TFTP_ERR_BADID, NULL);

	if (n > 0)
		(void)sendto(c->tftp.fd, pkt, (size_t)n, 0,
			     (const struct sockaddr *)to, sizeof(*to));
}

/* The server's first answer (OACK, or DATA 1 from a server that takes no
 * options) fixes its TID and what it granted. Returns 1 when the transfer
 * ended, 0 when the datagram is used up, -1 when it is DATA to go on with. */
static int first_answer(struct nbl_client *c, int op, const uint8_t *buf, size_t len,
			const struct sockaddr_in *from)
{
	struct nbl_tftp *t = &c->tftp;
	struct nbl_oack o;

	if (op != TFTP_OP_OACK && op != TFTP_OP_DATA)
		return 0;
	t->have_tid = 1;
	t->peer.sin_port = from->sin_port;
	if (op == TFTP_OP_DATA)
		return -1;    /* DATA 1 without an OACK: RFC 1350 defaults */
	if (nbl_parse_oack(buf, len, t->ask_blksize, t->ask_windowsize, &o) < 0) {
		nbl_fail(c, "%s: malformed OACK", t->path);
		return 1;
	}
	if (o.blksize)
		t->blksize = o.blksize;
	if (o.windowsize)
		t->windowsize = o.windowsize;
	t->tsize = o.tsize;
	c->tries = 0;
	arm(c);
	if (send_ack(c, 0) < 0) {
		nbl_fail(c, "ACK 0: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* A block other than the next one. A duplicate of the last good block in
 * lockstep: our ACK was lost, say it again. A gap in a window: tell the
 * sender where we are, once per stall (RFC 7440 sec. 4). 0, or -errno
 * when the ACK could not be sent. */
static int out_of_order(struct nbl_client *c, uint16_t block, uint16_t expect)
{
	struct nbl_tftp *t = &c->tftp;

	if (block == t->last && t->windowsize == 1)
		return send_ack(c, t->last);
	if (!t->nacked && (uint16_t)(block - expect) < 0x8000) {
		t->nacked = 1;
		t->in_window = 0;
		return send_ack(c, t->last);
	}
	return 0;
}

/* The last block arrived: ACK it once (a lost final ACK costs only the
 * server a retransmission, RFC 1350 sec. 6 "dallying") and check the count
 * against tsize. */
static void last_block(struct nbl_client *c, uint16_t block)
{
	struct nbl_tftp *t = &c->tftp;

	(void)send_ack(c, block);
	if (t->tsize && t->bytes != t->tsize) {
		nbl_fail(c, "%s: got %llu bytes, tsize said %llu", t->path,
			 (unsigned long long)t->bytes, (unsigned long long)t->tsize);
		return;
	}
	nbl_step_done(c);
}

/* One datagram: from the server's address only, from its TID once known
 * (else ERROR 5), then by opcode. Returns 1 when the transfer ended (done
 * or failed). */
static int handle(struct nbl_client *c, const uint8_t *buf, size_t len,
		  const struct sockaddr_in *from)
{
	struct nbl_tftp *t = &c->tftp;
	int op = tftp_opcode(buf, len), r;
	uint16_t block, expect;
	size_t data;

	if (from->sin_addr.s_addr != t->peer.sin_addr.s_addr)
		return 0;
	if (t->have_tid && from->sin_port != t->peer.sin_port) {
		send_error5(c, from);
		return 0;
	}
	if (op == TFTP_OP_ERROR) {
		uint16_t code = 0;
		char msg[80] = "";

		tftp_parse_error(buf, len, &code, msg, sizeof(msg));
		c->g->tftp_errors++;
		nbl_fail(c, "%s: ERROR %u \"%s\"", t->path, code, msg);
		return 1;
	}
	if (!t->have_tid && (r = first_answer(c, op, buf, len, from)) >= 0)
		return r;
	if (op != TFTP_OP_DATA || len < TFTP_HDR)
		return 0;    /* a late OACK or garbage: ignore */
	block = (uint16_t)(buf[2] << 8 | buf[3]);
	data = len - TFTP_HDR;
	expect = (uint16_t)(t->last + 1);
	if (block != expect) {
		if (out_of_order(c, block, expect) < 0)
			goto send_failed;
		return 0;
	}
	if (data > t->blksize) {
		nbl_fail(c, "%s: block %u has %zu bytes, blksize %u", t->path,
			 block, data, t->blksize);
		return 1;
	}
	t->last = block;
	t->bytes += data;
	c->g->bytes_tftp += data;
	t->nacked = 0;
	c->tries = 0;
	arm(c);
	if (data < t->blksize) {
		last_block(c, block);
		return 1;
	}
	if (++t->in_window >= t->windowsize) {
		t->in_window = 0;
		if (send_ack(c, block) < 0)
			goto send_failed;
	}
	return 0;

send_failed:
	nbl_fail(c, "%s: ACK: %s", t->path, strerror(errno));
	return 1;
}

void nbl_tftp_input(struct nbl_client *c)
{
	/* Bounded: at most a few windows per wakeup, then let others run. */
	for (int n = 0; n < 256 && c->tftp.fd >= 0; n++) {
		uint8_t buf[65536];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(c->tftp.fd, buf, sizeof(buf), 0,
				       (struct sockaddr *)&from, &fl);

		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				nbl_fail(c, "%s: recv: %s", c->tftp.path,
					 strerror(errno));
			return;
		}
		if (handle(c, buf, (size_t)len, &from))
			return;
	}
}
