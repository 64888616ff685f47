/* tftp.c: the read-only TFTP server of netbootd.
 *
 * RFC 1350 with options (RFC 2347), blksize (RFC 2348), timeout and tsize
 * (RFC 2349) and windowsize (RFC 7440). Packets are parsed and built by
 * tftp_proto.c; this file owns sockets, timers and transfers.
 *
 * Shape, after OpenBSD tftpd: requests arrive on one socket (--tftp-port);
 * each accepted read request becomes one struct tftp_xfer with its own UDP
 * socket on an ephemeral port (the server's "transfer ID", RFC 1350 sec. 4)
 * and its own timer. A transfer is allocated in xfer_new() and freed in
 * xfer_free() only; every way out (done, timeout, client error, I/O error,
 * server stop) goes through xfer_end(), which logs the one line per
 * transfer and frees it.
 *
 * Decisions and the clients that forced them:
 * - The transfer socket is bound but not connected. A connected socket
 *   would make the kernel drop a packet from another port (or answer it
 *   with ICMP), but RFC 1350 sec. 4 wants ERROR 5 sent to that port while
 *   the transfer goes on. The path MTU is read from a short-lived connected
 *   probe socket instead (IP_MTU), falling back to the interface MTU.
 * - blksize is clamped to the path MTU minus IP (20), UDP (8) and TFTP (4)
 *   headers: 1468 on Ethernet. Fragmented DATA is lost whole when one
 *   fragment is, and PXE ROMs reassemble badly or not at all.
 * - Loss recovery (issue 15): once the client has ACKed, our timer runs
 *   on an adaptive timeout from the measured round trip (RFC 6298: SRTT
 *   and RTTVAR, Karn's rule: no sample from a block sent twice; a 20 ms
 *   floor for a LAN, the client's `timeout` option, else 8 s, as ceiling;
 *   doubling on each expiry without progress), so a lost DATA or ACK
 *   costs tens of milliseconds, not a second. An expiry resends the
 *   window from the first unacknowledged block (RFC 7440). We give up
 *   after as long without progress as the old fixed ladder took
 *   (31 s, or 6 rounds of the client's timeout).
 * - A duplicate ACK (of the block already acknowledged) resends the
 *   window at most once per RTO, counted from when its first block last
 *   went out; never one resend per duplicate (Sorcerer's Apprentice,
 *   RFC 1123 sec. 4.2.3.1: that doubles every packet from then on).
 * - An ACK in the middle of the window (the client saw a gap) restarts the
 *   window after it, as RFC 7440 sec. 4 describes. A window is granted at
 *   most 128 KiB in flight (tftp_negotiate): more overflows the client's
 *   socket buffer every time (atftp, blksize 65464, over loopback).
 * - Block numbers are 16 bits on the wire and 64 bits here: the wire number
 *   is the low half, so files past 65535 blocks wrap to 0 and go on (what
 *   tftp-hpa, curl and iPXE expect; "rollover to 0", not to 1).
 * - netascii is converted on the fly (LF -> CR LF, CR -> CR NUL). Its size
 *   on the wire differs from the file's, so tsize is not acknowledged in
 *   netascii mode (RFC 2349 lets the server ignore it).
 * - No reflection amplifier, no slot held by forged requests: a request's
 *   source address may be forged, so a transfer starts XFER_UNVERIFIED
 *   and stays so until the client ACKs our first answer (OACK or DATA 1)
 *   on the transfer's port, which only the real owner of the address can
 *   know. Meanwhile our timer sends nothing and runs on our own short
 *   round (TFTP_UNVERIFIED_MS; the client's `timeout` option applies only
 *   once it has answered: 255 s asked by a forger would hold the slot for
 *   12 minutes), and after TFTP_UNVERIFIED_ROUNDS silent rounds the
 *   transfer is freed. A repeated request gets the first answer again at
 *   most once per round, so one forged packet draws at most one packet.
 *   Every client that works repeats its RRQ when nothing came back
 *   (RFC 1350 sec. 2: the requester times out); after the transfer was
 *   freed its repeat starts a new one. Once it has answered, our timer
 *   retransmits as usual and a repeated RRQ is ignored.
 * - One transfer per client IP:port. An RRQ for another file from the
 *   IP:port of an unverified transfer replaces it (the client moved on);
 *   of a verified one it is dropped: a forged RRQ must not end a transfer
 *   whose client proved its address.
 * - At most limits.tftp_per_ip transfers per client IP ([server]
 *   tftp-per-ip): one host cannot take the global cap's slots from the
 *   others. Over it the request is dropped silently, counted, and logged at
 *   most once a second: silence reflects nothing toward a forged victim
 *   address, and a PXE ROM repeats a request that got no answer.
 * - A file that shrinks while it is sent (a read short of the size fstat
 *   gave, which tsize may have promised) ends the transfer with an ERROR,
 *   never with a short final block the client would take as the end.
 * - A write request gets ERROR 2 and nothing is created: the server is
 *   read-only. Unknown files get ERROR 1, refused ones ERROR 2; the error
 *   is one small packet for one request, never a default file.
 * - At TFTP_MAX_XFERS running transfers new requests are dropped (not
 *   refused): a PXE ROM retries its RRQ, it does not retry after an ERROR.
 *   Each transfer holds two descriptors (socket, file), so the cap is also
 *   bounded by RLIMIT_NOFILE, whose soft limit we raise toward the hard one
 *   first (a login shell's 1024 would not carry 512 transfers and HTTP).
 * - A window (octet mode, windowsize > 1) goes out in one sendmmsg, one
 *   message per block, its data read with one pread into the server's
 *   batch buffer (the kernel copies it, so one buffer serves every
 *   transfer of the single-threaded loop): per block we saved a pread and
 *   a sendto system call (issue 15). Lockstep and netascii go block by
 *   block as before (one block a round trip; netascii's sizes depend on
 *   the bytes).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "plan/mac.h"
#include "server-min/clients.h"
#include "server-min/content.h"
#include "server-min/event.h"
#include "server-min/history.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"
#include "server-min/tftp_proto.h"
#include "server-min/util.h"

/* The whole server's transfers, over every worker loop (xfers_all): a
 * boot storm of 1000 PXE ROMs must not be dropped at the cap (at 512, 797
 * RRQs of such a storm were retransmitted, issue 15). 2 descriptors each:
 * 4096 of the 16384 main.c asks for (xfers_by_nofile). */
#define TFTP_MAX_XFERS      2048
#define TFTP_NOFILE_WANT    8192   /* soft RLIMIT_NOFILE we ask for */
#define TFTP_NOFILE_SHARE   4      /* TFTP takes 1/4 of it: 2 fds each */
/* Before its first ACK a transfer runs on our round, never the client's
 * timeout, and is freed after this many silent rounds: 7 s in all, more
 * than the 5 s after which curl, tftp-hpa and atftp repeat a lost first
 * ACK (tests/tftp-loss.sh, first_ack_lost). */
#define TFTP_UNVERIFIED_MS      1000
#define TFTP_UNVERIFIED_ROUNDS  7
/* More doublings than any RTO needs to reach its ceiling (20 ms to 255 s
 * takes 14): only keeps the counter bounded. */
#define TFTP_BACKOFF_MAX        16
#define TFTP_WARN_EVERY_MS      1000   /* at most one drop warning per second */
#define TFTP_RX_BUDGET      64     /* packets per socket per wakeup */
#define TFTP_REQ_BUF        2048   /* RRQs beyond this are malformed */
/* Receive buffer of the request socket: a boot storm (hundreds of PXE ROMs
 * powered on together) arrives in one burst, and Linux's default 208 KiB
 * holds only about 300 small datagrams. */
#define TFTP_REQ_RCVBUF     (2 * 1024 * 1024)
#define TFTP_XFER_BUF       1024   /* ACKs and ERRORs from the client */
#define TFTP_IPUDP_HDR      28     /* IPv4 without options + UDP */
/* Block start states kept: the current window plus one, for any window
 * we grant (TFTP_WINDOWSIZE_GRANT). */
#define TFTP_RING           128
_Static_assert(TFTP_RING > TFTP_WINDOWSIZE_GRANT + 1, "ring must hold a window and one");
/* One sendmmsg: at most a whole granted window, and at most this many
 * payload bytes (a window of 64 blocks of 1468, or 16 of 8192; bigger
 * blocks go a few at a time). */
#define TFTP_BATCH_BLOCKS   TFTP_WINDOWSIZE_GRANT
#define TFTP_BATCH_BYTES    (128 * 1024)
_Static_assert(TFTP_BATCH_BYTES >= TFTP_BLKSIZE_MAX, "a batch holds the biggest block");

/* Every phase of a transfer. Transitions happen in xfer_set_state() only,
 * as xfer_next[] allows:
 *
 *   UNVERIFIED --first ACK--> DATA --ACK of the last block--> SENT
 *   UNVERIFIED --ERROR right after our OACK--> PROBED (edk2's tsize probe)
 *   UNVERIFIED, DATA --ERROR--> ABORTED
 *   UNVERIFIED, DATA --give up, read error, replaced, stopping--> FAILED
 *   UNVERIFIED --ACK of a one-block file--> SENT
 *
 * The last four are ends: xfer_end() enters one, logs it as xfer_ends[]
 * says and frees the transfer in the same call. (want_out is no phase: it
 * mirrors what epoll watches, so that we call epoll_ctl only on a change.) */
enum xfer_state {
	XFER_UNVERIFIED,  /* first answer sent (OACK, or DATA 1 when no option
	                   * was accepted); no ACK yet, so the source address
	                   * may be forged: our timer sends nothing */
	XFER_DATA,        /* the client ACKed: window after `acked` being sent,
	                   * our adaptive timer resends */
	XFER_SENT,        /* end: the client acknowledged the last block */
	XFER_PROBED,      /* end: ERROR right after our OACK, no failure */
	XFER_ABORTED,     /* end: the client sent ERROR */
	XFER_FAILED,      /* end: we gave up or could not go on */
	XFER_STATES
};

#define XS(s) (1u << (s))
#define XS_ENDS (XS(XFER_SENT) | XS(XFER_PROBED) | XS(XFER_ABORTED) | XS(XFER_FAILED))
static const unsigned xfer_next[XFER_STATES] = {
	[XFER_UNVERIFIED] = XS(XFER_DATA) | XS_ENDS,
	[XFER_DATA]       = XS(XFER_SENT) | XS(XFER_ABORTED) | XS(XFER_FAILED),
};

/* How each end is logged and counted. */
static const struct {
	const char *verb;
	int failure;   /* counted in tftp_failed, noted in the history */
} xfer_ends[XFER_STATES] = {
	[XFER_SENT]    = { "sent", 0 },
	[XFER_PROBED]  = { "aborted", 0 },
	[XFER_ABORTED] = { "aborted", 1 },
	[XFER_FAILED]  = { "failed", 1 },
};

/* Where block n starts: in the source (off, plus a netascii pair's second
 * byte still to go out) and on the wire (payload bytes before it). */
struct block_start {
	uint64_t off;
	uint64_t wire;
	uint8_t pending;
};

struct tftp_server {
	struct netbootd *nb;
	int fd;
	unsigned active;
	unsigned max_xfers;           /* TFTP_MAX_XFERS, or less if fds are few */
	uint64_t cap_warned_ms;       /* last "too many transfers" log */
	uint64_t per_ip_warned_ms;    /* last "over the per-IP limit" log */
	/* dropped or ignored requests, logged when the server stops */
	uint64_t n_cap, n_per_ip, n_repeat, n_busy, n_replaced;
	struct tftp_xfer *xfers;      /* running transfers */
	/* xfer_send_batch's scratch, used only within one call */
	struct mmsghdr msgs[TFTP_BATCH_BLOCKS];
	struct iovec iov[TFTP_BATCH_BLOCKS][2];
	uint8_t hdrs[TFTP_BATCH_BLOCKS][TFTP_HDR];
	uint8_t batch[TFTP_BATCH_BYTES];
};

struct tftp_xfer {
	struct tftp_server *srv;
	struct tftp_xfer *prev, *next;
	enum xfer_state state;
	int fd;                       /* our transfer ID */
	struct sockaddr_in peer;      /* the client's transfer ID */
	char client[NB_PEER_TEXT_MAX];
	char mac[18];                 /* the client's MAC for the log, "" unknown */
	char name[TFTP_FILENAME_MAX]; /* as requested, printable, for the log */
	enum tftp_mode mode;
	struct content content;
	struct tftp_params params;
	struct ev_timer timer;
	struct timespec started;
	uint64_t acked;               /* highest block acknowledged (0: none) */
	uint64_t next_send;           /* next block to send */
	uint64_t sent_hi;             /* highest block sent so far */
	uint64_t last;                /* the final, short block; 0: not yet known */
	unsigned retries;             /* timer expiries since the last progress
	                               * (unverified: silent rounds) */
	unsigned backoff;             /* RTO doublings; kept until a fresh sample
	                               * (Karn, RFC 6298 sec. 5.7: an ACK of a resent
	                               * block says nothing of the round trip) */
	uint64_t answered_ms;         /* unverified: when the first answer last went out */
	uint64_t answered_us;         /* ...on the fine clock, for the first RTT sample */
	unsigned answers;             /* first answers sent (Karn: sample only after one) */
	struct tftp_rto rto;          /* round-trip estimate (RFC 6298) */
	uint64_t giveup_ms;           /* without progress this long: give up */
	uint64_t progress_ms;         /* when acked last moved (or the first ACK) */
	uint64_t head_sent_ms;        /* when block acked + 1 last went out */
	uint64_t timed_block;         /* block whose ACK we time; 0: none */
	uint64_t timed_us;            /* ...when it went out */
	uint64_t resent;              /* blocks sent more than once */
	int want_out;                 /* epoll watches EPOLLOUT too (after EAGAIN) */
	struct block_start ring[TFTP_RING];
	uint8_t *pkt;                 /* TFTP_HDR + blksize */
	uint8_t *scratch;             /* netascii source bytes, blksize */
	uint8_t buf[];
};

static void xfer_io(struct ev_loop *loop, int fd, uint32_t events, void *arg);
static void xfer_timeout(struct ev_loop *loop, void *arg);

/* Transfers of every worker loop's server (workers.c): TFTP_MAX_XFERS is
 * the process's cap, as it was with one loop. One uncontended atomic add
 * per transfer, none per packet. */
static _Atomic unsigned xfers_all;

/* The MAC behind peer, for the log ("" when unknown). A read of the
 * neighbour table: at the start of a transfer (and at its end if that
 * found nothing), never per packet, and not for requests dropped at a cap
 * (a flood must not cost a file read each). */
static void peer_mac(const struct netbootd *nb, const struct sockaddr_in *peer, char out[18])
{
	uint8_t mac[6];

	out[0] = '\0';
	if (nb->clients && clients_mac_of(nb->clients, peer->sin_addr, mac) == 0)
		nb_mac_format(mac, ':', out);
}

/* Request file names are the client's bytes: keep them printable in logs. */
static void fmt_name(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = ((unsigned char)in[i] >= 0x21 && (unsigned char)in[i] < 0x7f) ?
			 in[i] : '?';
	out[i] = '\0';
}

/* The fine clock for round-trip samples: a LAN's round trip is well under
 * the loop's millisecond. */
static uint64_t now_us(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

static int same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

/* A new UDP socket on our address, ephemeral port: a new transfer ID. */
static int open_tid(const struct netbootd *nb)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr = nb->addr,
		.sin_port = 0,
	};
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void send_error(int fd, const struct sockaddr_in *to, enum tftp_err code,
		       const char *msg)
{
	uint8_t pkt[TFTP_HDR + 64];
	int n;

	n = tftp_build_error(pkt, sizeof(pkt), code, msg);
	if (n > 0)
		(void)sendto(fd, pkt, (size_t)n, 0, (const struct sockaddr *)to, sizeof(*to));
}

/* Largest blksize that fits the path to peer unfragmented. */
static uint32_t path_max_blksize(const struct netbootd *nb, const struct sockaddr_in *peer)
{
	int mtu = 0, fd;
	socklen_t sl = sizeof(mtu);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		if (connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) < 0 ||
		    getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &sl) < 0)
			mtu = 0;
		if (mtu == 0 && nb->ifname[0]) {
			struct ifreq ifr;

			memset(&ifr, 0, sizeof(ifr));
			snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nb->ifname);
			if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
				mtu = ifr.ifr_mtu;
		}
		close(fd);
	}
	if (mtu <= TFTP_IPUDP_HDR + TFTP_HDR + TFTP_BLKSIZE_MIN)
		mtu = 1500;   /* Ethernet, when nothing better is known */
	return (uint32_t)(mtu - TFTP_IPUDP_HDR - TFTP_HDR);
}

/* Up to len source bytes at off, never past the size fstat gave when the
 * file was opened (so tsize stays true if the file grows). Short only at
 * that size. Bytes read, -ENODATA when the file ends before it (it shrank:
 * a short block now would tell the client "end of file"), or -errno. */
static ssize_t source_read(struct tftp_xfer *t, uint64_t off, uint8_t *out, size_t len)
{
	size_t got = 0;

	if (off >= t->content.size)
		return 0;
	if (len > t->content.size - off)
		len = (size_t)(t->content.size - off);
	if (t->content.mem) {
		memcpy(out, t->content.mem + off, len);
		return (ssize_t)len;
	}
	while (got < len) {
		ssize_t n = pread(t->content.fd, out + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;   /* the file shrank under us */
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Fill t->pkt with block n from its start state; record where block n+1
 * starts and, for a short block, that n is the last. Payload length or
 * -errno. */
static ssize_t block_fill(struct tftp_xfer *t, uint64_t n)
{
	const struct block_start *bs = &t->ring[n % TFTP_RING];
	struct block_start *next = &t->ring[(n + 1) % TFTP_RING];
	uint32_t bsz = t->params.blksize;
	uint8_t *out = t->pkt + TFTP_HDR;
	uint8_t pending = bs->pending;
	size_t used, len;
	ssize_t r;

	if (t->mode == TFTP_MODE_OCTET) {
		r = source_read(t, bs->off, out, bsz);
		if (r < 0)
			return r;
		used = len = (size_t)r;
	} else {
		/* each source byte becomes one or two: bsz of them fill a block */
		r = source_read(t, bs->off, t->scratch, bsz);
		if (r < 0)
			return r;
		len = tftp_netascii_encode(t->scratch, (size_t)r, &used, out, bsz, &pending);
	}
	next->off = bs->off + used;
	next->wire = bs->wire + len;
	next->pending = pending;
	if (len < bsz)
		t->last = n;
	(void)tftp_build_data_hdr(t->pkt, TFTP_HDR, (uint16_t)n);
	return (ssize_t)len;
}

/* Payload bytes the client has acknowledged. */
static uint64_t xfer_bytes(const struct tftp_xfer *t)
{
	return t->ring[(t->acked + 1) % TFTP_RING].wire;
}

static void xfer_free(struct tftp_xfer *t)
{
	struct tftp_server *srv = t->srv;

	ev_timer_cancel(srv->nb->loop, &t->timer);
	ev_del(srv->nb->loop, t->fd);
	close(t->fd);
	content_close(&t->content);
	if (t->prev)
		t->prev->next = t->next;
	else
		srv->xfers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	srv->active--;
	xfers_all--;
	srv->nb->stats.tftp_active--;
	free(t);
}

/* The one place a transfer changes phase (see enum xfer_state). */
static void xfer_set_state(struct tftp_xfer *t, enum xfer_state to)
{
	if (!(xfer_next[t->state] & XS(to))) {
		/* a bug, not the client's doing: say so, keep the phase */
		logm_error("tftp", t->client, t->mac, "no transition from state %d to %d",
			   (int)t->state, (int)to);
		return;
	}
	t->state = to;
}

/* The one way out of a transfer: enter the end `to`, log its line, count
 * it, free it. why: NULL for XFER_SENT. */
static void xfer_end(struct tftp_xfer *t, enum xfer_state to, enum log_level lvl,
		     const char *why)
{
	struct netbootd_stats *st = &t->srv->nb->stats;
	double s = nb_elapsed_s(&t->started);
	uint64_t bytes = xfer_bytes(t);
	double rate = s > 0 ? (double)bytes / s / 1e6 : 0;
	const char *verb = xfer_ends[to].verb ? xfer_ends[to].verb : "ended";
	char tail[128];

	/* logged and counted as `to` says even if the table refused it (a
	 * bug, logged there): the transfer is freed either way */
	xfer_set_state(t, to);
	/* edk2's tsize probe (XFER_PROBED) is no transfer of the boot's */
	if (to != XFER_PROBED)
		history_note_transfer(t->srv->nb, HP_TFTP, &t->peer, t->name, bytes, s, why);
	if (to == XFER_SENT)
		st->tftp_done++;
	else if (xfer_ends[to].failure)
		st->tftp_failed++;

	/* A request is often the first packet from its address (the client
	 * resolved only ours), so the neighbour table learns it from our
	 * answers: one more look at the end when the start found nothing. */
	if (!t->mac[0])
		peer_mac(t->srv->nb, &t->peer, t->mac);
	snprintf(tail, sizeof(tail), "blksize=%u windowsize=%u mode=%s resent=%llu",
		 t->params.blksize, t->params.windowsize, tftp_mode_name(t->mode),
		 (unsigned long long)t->resent);
	if (!why)
		log_msg_mac(lvl, "tftp", t->client, t->mac, "%s %s %llu bytes in %.3f s (%.1f MB/s) %s",
			    verb, t->name, (unsigned long long)bytes, s, rate,
			    tail);
	else
		log_msg_mac(lvl, "tftp", t->client, t->mac,
			    "%s %s after %llu bytes in %.3f s (%.1f MB/s): %s %s",
			    verb, t->name, (unsigned long long)bytes, s, rate,
			    why, tail);
	xfer_free(t);
}

/* Blocks first..first+count-1 went out: the bookkeeping of retransmission.
 * The first block of a window dates the duplicate-ACK gate; one block in
 * flight at a time is timed for the RTT, and (Karn's rule) its timing is
 * dropped when a copy of it, or of a block before it, goes out again:
 * the ACK could then answer either copy. */
static void xfer_sent(struct tftp_xfer *t, uint64_t first, uint64_t count)
{
	uint64_t hi = first + count - 1;

	if (count == 0)
		return;
	if (first == t->acked + 1)
		t->head_sent_ms = ev_now_ms(t->srv->nb->loop);
	if (first <= t->sent_hi) {
		uint64_t again = hi <= t->sent_hi ? count : t->sent_hi - first + 1;

		t->resent += again;
		if (t->timed_block && first <= t->timed_block)
			t->timed_block = 0;
	}
	if (hi > t->sent_hi) {
		if (!t->timed_block) {
			t->timed_block = hi;
			t->timed_us = now_us();
		}
		t->sent_hi = hi;
	}
}

static void xfer_want_out(struct tftp_xfer *t, int on)
{
	if (t->want_out == on)
		return;
	if (ev_mod(t->srv->nb->loop, t->fd, on ? EPOLLIN | EPOLLOUT : EPOLLIN, NULL, NULL) == 0)
		t->want_out = on;
}

/* Octet blocks from next_send, at most up to limit, in one pread and one
 * sendmmsg: the ring and t->last are kept as block_fill keeps them (in
 * octet mode block n starts at (n - 1) * blksize, on the wire too).
 * Blocks sent (>= 0), or -errno: -EAGAIN when the socket is full, the
 * read's error otherwise. */
static int xfer_send_batch(struct tftp_xfer *t, uint64_t limit)
{
	struct tftp_server *srv = t->srv;
	uint32_t bsz = t->params.blksize;
	const struct block_start *bs = &t->ring[t->next_send % TFTP_RING];
	uint64_t n = t->next_send;
	size_t k = 0, max = TFTP_BATCH_BYTES / bsz, got;
	ssize_t r;
	int sent;

	if (max > TFTP_BATCH_BLOCKS)
		max = TFTP_BATCH_BLOCKS;
	if (max > limit - n + 1)
		max = (size_t)(limit - n + 1);
	r = source_read(t, bs->off, srv->batch, max * bsz);
	if (r < 0)
		return (int)r;
	got = (size_t)r;
	for (;;) {
		size_t at = k * bsz, len = got > at ? got - at : 0;
		struct block_start *next = &t->ring[(n + k + 1) % TFTP_RING];

		if (len > bsz)
			len = bsz;
		(void)tftp_build_data_hdr(srv->hdrs[k], TFTP_HDR, (uint16_t)(n + k));
		srv->iov[k][0] = (struct iovec){ srv->hdrs[k], TFTP_HDR };
		srv->iov[k][1] = (struct iovec){ srv->batch + at, len };
		srv->msgs[k].msg_hdr = (struct msghdr){
			.msg_name = &t->peer, .msg_namelen = sizeof(t->peer),
			.msg_iov = srv->iov[k], .msg_iovlen = 2,
		};
		next->off = next->wire = bs->off + at + len;
		next->pending = 0;
		k++;
		if (len < bsz) {
			t->last = n + k - 1;   /* short (maybe empty): the end */
			break;
		}
		if (k == max)
			break;
	}
	do
		sent = sendmmsg(t->fd, srv->msgs, (unsigned)k, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : 0;
	return sent;
}

/* xfer_pump for windows: a batch at a time until the window is out. */
static int xfer_pump_batch(struct tftp_xfer *t, uint64_t limit)
{
	while (t->next_send <= limit && (!t->last || t->next_send <= t->last)) {
		int sent = xfer_send_batch(t, limit);

		if (sent == -EAGAIN) {
			xfer_want_out(t, 1);
			return 0;
		}
		if (sent < 0)
			return sent;
		if (sent == 0)
			break;   /* ENOBUFS and the like: as if lost, the timer resends */
		xfer_sent(t, t->next_send, (uint64_t)sent);
		t->next_send += (uint64_t)sent;
	}
	xfer_want_out(t, 0);
	return 0;
}

/* Send blocks from next_send up to the end of the window (or the file).
 * 0, also when the socket is full (we continue on EPOLLOUT, or the timer
 * resends); -errno when reading the file fails. */
static int xfer_pump(struct tftp_xfer *t)
{
	uint64_t limit = t->acked + t->params.windowsize;

	if (t->mode == TFTP_MODE_OCTET && t->params.windowsize > 1)
		return xfer_pump_batch(t, limit);
	while (t->next_send <= limit && (!t->last || t->next_send <= t->last)) {
		ssize_t len = block_fill(t, t->next_send);

		if (len < 0)
			return (int)len;
		if (sendto(t->fd, t->pkt, TFTP_HDR + (size_t)len, 0,
			   (struct sockaddr *)&t->peer, sizeof(t->peer)) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				xfer_want_out(t, 1);
				return 0;
			}
			if (errno == EINTR)
				continue;
			/* ENOBUFS and the like: as if lost, the timer resends */
			break;
		}
		xfer_sent(t, t->next_send, 1);
		t->next_send++;
	}
	xfer_want_out(t, 0);
	return 0;
}

static void xfer_send_oack(struct tftp_xfer *t)
{
	uint8_t pkt[128];
	int n = tftp_build_oack(pkt, sizeof(pkt), &t->params);

	if (n > 0)
		(void)sendto(t->fd, pkt, (size_t)n, 0, (struct sockaddr *)&t->peer,
			     sizeof(t->peer));
}

/* Unverified: our own short round (a forger may ask timeout 255).
 * Verified: the adaptive RTO, doubled per expiry without progress, and
 * never past the moment we give up. */
static void xfer_arm(struct tftp_xfer *t)
{
	uint64_t now = ev_now_ms(t->srv->nb->loop), end, ms;

	if (t->state == XFER_UNVERIFIED) {
		ms = TFTP_UNVERIFIED_MS;
	} else {
		ms = tftp_rto_ms(&t->rto, t->backoff);
		end = t->progress_ms + t->giveup_ms;
		if (now + ms > end)
			ms = end > now ? end - now : 0;
	}
	ev_timer_arm(t->srv->nb->loop, &t->timer, ms);
}

/* Reading the file failed: tell the client (an ERROR, never a short block
 * it would take for the end), log, free. */
static void xfer_fail_read(struct tftp_xfer *t, int err)
{
	char why[96];

	if (err == -ENODATA) {
		send_error(t->fd, &t->peer, TFTP_ERR_UNDEF, "File changed during transfer");
		snprintf(why, sizeof(why), "file shrank below %llu bytes during the transfer",
			 (unsigned long long)t->content.size);
	} else {
		send_error(t->fd, &t->peer, TFTP_ERR_UNDEF, "Read error");
		snprintf(why, sizeof(why), "read error: %s", strerror(-err));
	}
	xfer_end(t, XFER_FAILED, LOG_LVL_ERROR, why);
}

/* Send what the window allows; the timer is re-armed only once the client
 * has answered (an unverified transfer keeps its rounds, or a forger that
 * repeats its RRQ would hold the slot forever). 1 when t was freed. */
static int xfer_go(struct tftp_xfer *t)
{
	int r = xfer_pump(t);

	if (r < 0) {
		xfer_fail_read(t, r);
		return 1;
	}
	if (t->state == XFER_DATA)
		xfer_arm(t);
	return 0;
}

/* The first answer to a request, again or for the first time: the OACK,
 * or DATA 1 when no option was accepted. Never arms the timer. 1 when t
 * was freed. */
static int xfer_answer(struct tftp_xfer *t)
{
	t->answered_ms = ev_now_ms(t->srv->nb->loop);
	t->answered_us = now_us();
	t->answers++;
	if (t->params.oack) {
		xfer_send_oack(t);
		return 0;
	}
	t->next_send = 1;
	return xfer_go(t);
}

/* The client answered on our port for the first time: its address is its
 * own. The OACK's round trip is the first RTT sample when it went out once. */
static void xfer_verified(struct tftp_xfer *t)
{
	xfer_set_state(t, XFER_DATA);
	if (t->params.oack && t->answers == 1) {
		tftp_rto_sample(&t->rto, now_us() - t->answered_us);
		t->backoff = 0;
	}
	t->retries = 0;
	t->progress_ms = ev_now_ms(t->srv->nb->loop);
}

/* The window's first unacknowledged block onward again: the timer's
 * expiry, or a duplicate ACK past its gate. 1 when t was freed. */
static int xfer_resend(struct tftp_xfer *t)
{
	t->next_send = t->acked + 1;
	return xfer_go(t);
}

/* An ACK that does not move the window: a duplicate of the block already
 * acknowledged may resend, time-gated (tftp_dup_ack_resend); any other is
 * stale or bogus and changes nothing. 1 when t was freed. */
static int xfer_dup_ack(struct tftp_xfer *t, uint16_t block)
{
	uint64_t now = ev_now_ms(t->srv->nb->loop);

	if (t->state != XFER_DATA || block != (uint16_t)t->acked)
		return 0;
	if (!tftp_dup_ack_resend(now, t->head_sent_ms, tftp_rto_ms(&t->rto, 0)))
		return 0;
	return xfer_resend(t);
}

/* 1 when t was freed. */
static int xfer_ack(struct tftp_xfer *t, uint16_t block)
{
	uint64_t n;

	if (t->state == XFER_UNVERIFIED && t->params.oack) {
		if (block != 0)
			return 0;          /* stray: only ACK 0 answers an OACK */
		xfer_verified(t);          /* it knows our port: the address is its own */
		return xfer_go(t);
	}
	if (!tftp_ack_block(t->acked, t->sent_hi, block, &n))
		return xfer_dup_ack(t, block);
	if (t->state == XFER_UNVERIFIED)
		xfer_verified(t);
	if (t->timed_block && n >= t->timed_block) {
		tftp_rto_sample(&t->rto, now_us() - t->timed_us);
		t->timed_block = 0;
		t->backoff = 0;
	}
	t->acked = n;
	t->retries = 0;
	t->progress_ms = ev_now_ms(t->srv->nb->loop);
	if (t->last && t->acked >= t->last) {
		xfer_end(t, XFER_SENT, LOG_LVL_INFO, NULL);
		return 1;
	}
	t->next_send = t->acked + 1;   /* RFC 7440: the next window starts here */
	return xfer_go(t);
}

/* One packet on the transfer socket. 1 when t was freed. */
static int xfer_input(struct tftp_xfer *t, const uint8_t *buf, size_t len,
		      const struct sockaddr_in *from)
{
	char msg[64], why[128];
	uint16_t block, code;

	if (!same_peer(from, &t->peer)) {
		/* RFC 1350 sec. 4: answer the stranger, keep the transfer.
		 * One small packet per packet; both fit a minimum Ethernet
		 * frame, so nothing is amplified. */
		if (len >= TFTP_HDR)
			send_error(t->fd, from, TFTP_ERR_BADID, NULL);
		return 0;
	}
	switch (tftp_opcode(buf, len)) {
	case TFTP_OP_ACK:
		if (tftp_parse_ack(buf, len, &block) < 0)
			break;
		return xfer_ack(t, block);
	case TFTP_OP_ERROR:
		if (tftp_parse_error(buf, len, &code, msg, sizeof(msg)) < 0)
			break;
		snprintf(why, sizeof(why), "client sent ERROR %u (%s)", (unsigned)code, msg);
		/* An abort right after our OACK is how edk2 (OVMF) and Intel
		 * PXE ROMs learn a file's size: ask tsize, abort, ask again.
		 * Not a failure worth counting. */
		xfer_end(t, t->state == XFER_UNVERIFIED && t->params.oack ?
			 XFER_PROBED : XFER_ABORTED, LOG_LVL_INFO, why);
		return 1;
	default:
		break;
	}
	t->srv->nb->stats.tftp_malformed++;
	logm_debug("tftp", t->client, t->mac, "dropped malformed packet of %zu bytes", len);
	return 0;
}

/* One datagram of at most size bytes: 1, *from and *ret_len; 0 when it is
 * to be skipped (not IPv4, from port 0: nowhere to answer; or too long,
 * then counted as malformed); -1 when the socket is drained (EAGAIN, or a
 * queued ICMP error: nothing to do). */
static int recv_dgram(struct tftp_server *srv, int fd, uint8_t *buf, size_t size,
		      struct sockaddr_in *from, size_t *ret_len)
{
	socklen_t fl = sizeof(*from);
	ssize_t n;

	do
		n = recvfrom(fd, buf, size, MSG_TRUNC, (struct sockaddr *)from, &fl);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (fl != sizeof(*from) || from->sin_family != AF_INET || from->sin_port == 0)
		return 0;
	if ((size_t)n > size) {
		srv->nb->stats.tftp_malformed++;
		return 0;
	}
	*ret_len = (size_t)n;
	return 1;
}

static void xfer_io(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct tftp_xfer *t = arg;

	(void)loop;
	if (events & EPOLLOUT) {
		if (xfer_go(t))
			return;
	}
	if (!(events & (EPOLLIN | EPOLLERR)))
		return;
	for (int i = 0; i < TFTP_RX_BUDGET; i++) {
		uint8_t buf[TFTP_XFER_BUF];
		struct sockaddr_in from;
		size_t n;
		int r = recv_dgram(t->srv, fd, buf, sizeof(buf), &from, &n);

		if (r < 0)
			return;
		if (r > 0 && xfer_input(t, buf, n, &from))
			return;
	}
}

static void xfer_timeout(struct ev_loop *loop, void *arg)
{
	struct tftp_xfer *t = arg;
	char why[96];

	t->retries++;
	if (t->state == XFER_UNVERIFIED) {
		/* not a word from the client yet: send nothing unasked */
		if (t->retries >= TFTP_UNVERIFIED_ROUNDS)
			xfer_end(t, XFER_FAILED, LOG_LVL_INFO, "client never answered");
		else
			xfer_arm(t);
		return;
	}
	if (ev_now_ms(loop) - t->progress_ms >= t->giveup_ms) {
		snprintf(why, sizeof(why), "timeout after %u retries, %.1f s without progress",
			 t->retries - 1, (double)t->giveup_ms / 1000);
		xfer_end(t, XFER_FAILED, LOG_LVL_WARN, why);
		return;
	}
	if (t->backoff < TFTP_BACKOFF_MAX)
		t->backoff++;
	(void)xfer_resend(t);
}

/* Scan once: the peer's own transfer (or NULL) and how many its IP holds. */
static struct tftp_xfer *xfer_find(struct tftp_server *srv, const struct sockaddr_in *peer,
				   unsigned *ret_per_ip)
{
	struct tftp_xfer *found = NULL;
	unsigned n = 0;

	for (struct tftp_xfer *t = srv->xfers; t; t = t->next) {
		if (t->peer.sin_addr.s_addr != peer->sin_addr.s_addr)
			continue;
		n++;
		if (t->peer.sin_port == peer->sin_port)
			found = t;
	}
	*ret_per_ip = n;
	return found;
}

/* Map content_open's answer to the ERROR the client gets. */
static void refuse(int fd, const struct sockaddr_in *peer, const char *client,
		   const char *mac, const char *name, int err)
{
	enum tftp_err code;
	const char *why;

	if (tftp_refusal(err, &code, &why) == 0) {
		send_error(fd, peer, code, NULL);
		logm_info("tftp", client, mac, "refused %s: %s (ERROR %d)", name, why, (int)code);
		return;
	}
	send_error(fd, peer, TFTP_ERR_UNDEF, "Server error");
	logm_error("tftp", client, mac, "refused %s: %s (ERROR 0)", name, strerror(-err));
}

/* A dropped request: counted, and a warning at most once a second, so a
 * flood cannot flood the log. */
static void drop_warn(struct tftp_server *srv, uint64_t *last_ms, const char *client,
		      const char *name, const char *why)
{
	uint64_t now = ev_now_ms(srv->nb->loop);

	if (*last_ms == 0 || now - *last_ms >= TFTP_WARN_EVERY_MS) {
		*last_ms = now;
		log_warn("tftp", client, "dropped request for %s: %s", name, why);
	}
}

/* Take one of the whole server's transfer slots before the work of
 * starting a transfer: read and raised in one atomic step, so two worker
 * loops cannot both take the last one (tftp_admit's look at xfers_all is
 * only a snapshot). 0, or -EBUSY at the cap. xfer_free gives it back;
 * handle_rrq does when the start fails. */
static int slot_take(const struct tftp_server *srv)
{
	if (atomic_fetch_add(&xfers_all, 1) < srv->max_xfers)
		return 0;
	atomic_fetch_sub(&xfers_all, 1);
	return -EBUSY;
}

/* Before starting anything: what to do with a request while others run
 * (tftp_admit). 1 when the request is handled (dropped, or answered from
 * the peer's running transfer); 0 when a new transfer should start. */
static int admit(struct tftp_server *srv, const char *name, const struct sockaddr_in *peer,
		 const char *client)
{
	struct netbootd *nb = srv->nb;
	struct tftp_admit_in in = { .round_ms = TFTP_UNVERIFIED_MS };
	struct tftp_xfer *t;
	char why[TFTP_FILENAME_MAX + 64];

	t = xfer_find(srv, peer, &in.per_ip);
	if (t) {
		in.peer_xfer = 1;
		in.peer_verified = t->state != XFER_UNVERIFIED;
		in.same_file = strcmp(name, t->name) == 0;
		in.since_answer_ms = ev_now_ms(nb->loop) - t->answered_ms;
	}
	in.per_ip_max = nb->limits.tftp_per_ip ? nb->limits.tftp_per_ip : NETBOOTD_TFTP_PER_IP;
	in.active = xfers_all;
	in.active_max = srv->max_xfers;
	switch (tftp_admit(&in)) {
	case TFTP_ADMIT_START:
		if (slot_take(srv) == 0)
			return 0;
		in.active = srv->max_xfers;   /* another loop took the last */
		goto full;
	case TFTP_ADMIT_REPLACE:
		srv->n_replaced++;
		snprintf(why, sizeof(why), "replaced by a request for %s", name);
		xfer_end(t, XFER_FAILED, LOG_LVL_INFO, why);
		if (slot_take(srv) == 0)
			return 0;
		in.active = srv->max_xfers;   /* another loop took the last */
		goto full;
	case TFTP_ADMIT_ANSWER_AGAIN:
		logm_debug("tftp", client, t->mac, "repeated request for %s: first answer again", name);
		(void)xfer_answer(t);
		return 1;
	case TFTP_ADMIT_REPEAT:
		srv->n_repeat++;
		logm_debug("tftp", client, t->mac, "ignored repeated request for %s", name);
		return 1;
	case TFTP_ADMIT_PEER_BUSY:
		srv->n_busy++;
		logm_debug("tftp", client, t->mac, "ignored request for %s: its transfer of %s runs",
			  name, t->name);
		return 1;
	case TFTP_ADMIT_PER_IP:
		srv->n_per_ip++;
		snprintf(why, sizeof(why), "%u transfers of this address running (tftp-per-ip)",
			 in.per_ip);
		drop_warn(srv, &srv->per_ip_warned_ms, client, name, why);
		return 1;
	case TFTP_ADMIT_FULL:
	full:
		srv->n_cap++;
		snprintf(why, sizeof(why), "%u transfers running", in.active);
		drop_warn(srv, &srv->cap_warned_ms, client, name, why);
		return 1;
	}
	return 1;
}

/* The one place a transfer is made: its struct, watched socket, list
 * entry. Takes fd and *c on success; 0 and *ret, or -errno (fd and *c are
 * then still the caller's). */
static int xfer_new(struct tftp_server *srv, const struct tftp_request *req,
		    const struct sockaddr_in *peer, const char *client, const char *name,
		    int fd, const struct content *c, struct tftp_xfer **ret)
{
	struct netbootd *nb = srv->nb;
	struct tftp_params params;
	struct tftp_xfer *t;
	size_t extra;
	int r;

	tftp_negotiate(req, path_max_blksize(nb, peer), req->mode == TFTP_MODE_OCTET,
		       c->size, &params);
	extra = TFTP_HDR + params.blksize +
		(req->mode == TFTP_MODE_NETASCII ? params.blksize : 0);
	t = calloc(1, sizeof(*t) + extra);
	if (!t)
		return -ENOMEM;
	t->srv = srv;
	t->state = XFER_UNVERIFIED;
	t->fd = fd;
	t->peer = *peer;
	snprintf(t->client, sizeof(t->client), "%s", client);
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->mode = req->mode;
	t->content = *c;
	t->params = params;
	tftp_rto_init(&t->rto, params.timeout);
	t->giveup_ms = tftp_giveup_ms(params.timeout);
	t->pkt = t->buf;
	t->scratch = req->mode == TFTP_MODE_NETASCII ? t->buf + TFTP_HDR + params.blksize : NULL;
	t->next_send = 1;
	/* ring[1] = {0, 0, 0}: block 1 starts at the file's start (calloc) */
	clock_gettime(CLOCK_MONOTONIC, &t->started);
	ev_timer_init(&t->timer, xfer_timeout, t);
	r = ev_add(nb->loop, fd, EPOLLIN, xfer_io, t);
	if (r < 0) {
		free(t);
		return r;
	}
	t->next = srv->xfers;
	if (srv->xfers)
		srv->xfers->prev = t;
	srv->xfers = t;
	srv->active++;   /* xfers_all: the slot admit took (slot_take) */
	nb->stats.tftp_started++;
	nb->stats.tftp_active++;
	*ret = t;
	return 0;
}

/* A read request from peer: admit it, open the file, start. */
static void handle_rrq(struct tftp_server *srv, const struct tftp_request *req,
		       const struct sockaddr_in *peer, const char *client)
{
	struct netbootd *nb = srv->nb;
	char path[TFTP_FILENAME_MAX], name[TFTP_FILENAME_MAX], mac[18];
	const char *query = NULL;
	struct content c;
	struct tftp_xfer *t;
	char *q;
	int fd, r;

	fmt_name(req->filename, name, sizeof(name));
	if (admit(srv, name, peer, client))
		return;
	peer_mac(nb, peer, mac);
	fd = open_tid(nb);
	if (fd < 0) {
		logm_error("tftp", client, mac, "no socket for %s: %s", name, strerror(-fd));
		goto out_slot;
	}
	/* "boot.plan?mac=..." over TFTP: the same query as over HTTP */
	snprintf(path, sizeof(path), "%s", req->filename);
	q = strchr(path, '?');
	if (q) {
		*q = '\0';
		query = q + 1;
	}
	r = content_open(nb, path, query, peer, &c);
	if (r < 0) {
		refuse(fd, peer, client, mac, name, r);
		history_note_transfer(nb, HP_TFTP, peer, name, 0, 0, strerror(-r));
		goto out_close;
	}
	r = xfer_new(srv, req, peer, client, name, fd, &c, &t);
	if (r < 0) {
		logm_error("tftp", client, mac, "cannot start %s: %s", name, strerror(-r));
		send_error(fd, peer, TFTP_ERR_UNDEF, "Server error");
		goto out_content;
	}
	snprintf(t->mac, sizeof(t->mac), "%s", mac);
	logm_debug("tftp", client, mac, "start %s (%s, %llu bytes) blksize=%u windowsize=%u timeout=%u",
		  name, c.source ? c.source : "?", (unsigned long long)c.size,
		  t->params.blksize, t->params.windowsize, t->params.timeout);
	/* RFC 2347: an OACK only when an option was accepted; else DATA 1.
	 * Either way the transfer waits unverified for its first ACK. */
	if (xfer_answer(t) == 0)
		xfer_arm(t);
	return;

out_content:
	content_close(&c);
out_close:
	close(fd);
out_slot:
	atomic_fetch_sub(&xfers_all, 1);
}

/* One packet on the request socket. */
static void server_input(struct tftp_server *srv, const uint8_t *buf, size_t len,
			 const struct sockaddr_in *from)
{
	struct tftp_request req;
	char client[NB_PEER_TEXT_MAX], name[TFTP_FILENAME_MAX];
	int op = tftp_opcode(buf, len), r, fd;

	nb_peer_text(from, client);
	if (op != TFTP_OP_RRQ && op != TFTP_OP_WRQ)
		goto malformed;   /* DATA/ACK/ERROR/OACK have no business on port 69 */
	r = tftp_parse_request(buf, len, &req);
	if (r == -EBADMSG)
		goto malformed;

	if (r == -EPROTONOSUPPORT || req.op == TFTP_OP_WRQ) {
		/* refusals come from a new transfer ID, as any answer would */
		fd = open_tid(srv->nb);
		if (fd < 0)
			return;
		if (r == -EPROTONOSUPPORT) {
			send_error(fd, from, TFTP_ERR_BADOP, "Unknown mode");
			log_info("tftp", client, "refused request: unknown mode (ERROR 4)");
		} else {
			fmt_name(req.filename, name, sizeof(name));
			send_error(fd, from, TFTP_ERR_ACCESS, "Read-only server");
			log_info("tftp", client, "refused write %s: read-only server (ERROR 2)", name);
		}
		close(fd);
		return;
	}
	handle_rrq(srv, &req, from, client);
	return;

malformed:
	srv->nb->stats.tftp_malformed++;
	log_debug("tftp", client, "dropped malformed request of %zu bytes", len);
}

static void server_io(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct tftp_server *srv = arg;

	(void)loop;
	(void)events;
	for (int i = 0; i < TFTP_RX_BUDGET; i++) {
		uint8_t buf[TFTP_REQ_BUF];
		struct sockaddr_in from;
		size_t n;
		int r = recv_dgram(srv, fd, buf, sizeof(buf), &from, &n);

		if (r < 0)
			return;
		if (r > 0)
			server_input(srv, buf, n, &from);
	}
}

/* How many transfers the descriptor limit carries, after raising the soft
 * limit as far as the hard one allows. */
static unsigned xfers_by_nofile(void)
{
	struct rlimit rl;
	rlim_t per;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return TFTP_MAX_XFERS;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < TFTP_NOFILE_WANT) {
		struct rlimit want = rl;

		want.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > TFTP_NOFILE_WANT) ?
				TFTP_NOFILE_WANT : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return TFTP_MAX_XFERS;
	per = rl.rlim_cur / TFTP_NOFILE_SHARE / 2;
	if (per < 1)
		per = 1;
	return per < TFTP_MAX_XFERS ? (unsigned)per : TFTP_MAX_XFERS;
}

int tftp_start(struct netbootd *nb, struct tftp_server **ret)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr = nb->addr,
		.sin_port = htons(nb->tftp_port),
	};
	struct tftp_server *srv;
	char where[NB_PEER_TEXT_MAX];
	int r;

	nb_peer_text(&sin, where);
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->nb = nb;
	srv->max_xfers = xfers_by_nofile();
	srv->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0) {
		r = -errno;
		log_error("tftp", "-", "socket: %s", strerror(-r));
		goto err_free;
	}
	r = netbootd_reuseport(nb, srv->fd);
	if (r < 0) {
		log_error("tftp", "-", "SO_REUSEPORT: %s", strerror(-r));
		goto err_close;
	}
	if (bind(srv->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		r = -errno;
		log_error("tftp", "-", "bind %s: %s", where, strerror(-r));
		goto err_close;
	}
	r = netbootd_steer(nb, srv->fd);
	if (r < 0) {
		log_error("tftp", "-", "steering by address: %s", strerror(-r));
		goto err_close;
	}
	/* FORCE passes net.core.rmem_max as root; otherwise take what is allowed */
	{
		int rcv = TFTP_REQ_RCVBUF;

		if (setsockopt(srv->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
			(void)setsockopt(srv->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	}
	r = ev_add(nb->loop, srv->fd, EPOLLIN, server_io, srv);
	if (r < 0) {
		log_error("tftp", "-", "watching %s: %s", where, strerror(-r));
		goto err_close;
	}
	log_info("tftp", "-", "listening on %s (at most %u transfers)", where, srv->max_xfers);
	*ret = srv;
	return 0;

err_close:
	close(srv->fd);
err_free:
	free(srv);
	return r;
}

void tftp_stop(struct tftp_server *srv)
{
	if (!srv)
		return;
	while (srv->xfers)
		xfer_end(srv->xfers, XFER_FAILED, LOG_LVL_WARN, "server stopping");
	log_info("tftp", "-", "requests dropped: %llu at the cap, %llu over tftp-per-ip, "
		 "%llu for another file while a verified transfer ran; "
		 "%llu repeats ignored, %llu unverified transfers replaced",
		 (unsigned long long)srv->n_cap, (unsigned long long)srv->n_per_ip,
		 (unsigned long long)srv->n_busy, (unsigned long long)srv->n_repeat,
		 (unsigned long long)srv->n_replaced);
	ev_del(srv->nb->loop, srv->fd);
	close(srv->fd);
	free(srv);
}
