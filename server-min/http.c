/* http.c: netbootd's HTTP/1.1 server (RFC 9110, RFC 9112): GET and HEAD of
 * what content_open() offers, keep-alive, single byte ranges, and the status
 * documents of status.c (/status, /status.json, /metrics).
 *
 * Who talks to it: iPXE (boot.ipxe, kernel, initramfs), alpineboot.efi
 * through the firmware's EFI_HTTP_PROTOCOL (boot.plan, kernel, initramfs),
 * and busybox wget in Alpine's initramfs and OpenRC (modloop, apkovl). All
 * of them send small heads and read large bodies, so the server is shaped
 * like that: one fixed input buffer per connection for the head, bodies
 * from files with sendfile(2) (zero copy), rendered documents from memory.
 *
 * One struct http_conn per TCP connection, allocated in conn_new() and freed
 * in conn_free() only. Its one state field names the phase it is in, and
 * conn_set_state() is the only place that changes it (see the diagram
 * above enum conn_state); each phase fixes what the socket waits for, what
 * the connection's one timer means, and which function handles each.
 *
 * A hostile host on the LAN (docs/http.md, "Limits"):
 *   - holds connections: at most nb->limits.http_per_ip per client address
 *     (more are answered 503 and closed at once); at the global cap the
 *     connection that has waited longest for a request is closed to make
 *     room (nginx does the same with its idle keep-alive connections), so
 *     many addresses holding idle connections cannot lock others out;
 *   - keeps one connection forever with a tiny request now and then: after
 *     nb->limits.http_requests answers the connection is closed;
 *   - sends nothing: no byte for nb->limits.http_idle_ms while no response
 *     is in flight closes it (a response in flight is never cut by this);
 *   - trickles a head (slowloris): a head must be complete
 *     HTTP_HEADER_TIMEOUT_MS after its first byte (or after accept) however
 *     slowly it comes; then 408 and close;
 *   - stops reading its body: dropped after HTTP_SEND_TIMEOUT_MS without
 *     progress (it goes on ACKing our zero-window probes); a path that
 *     drops our segments instead (a full switch queue in a boot storm, TCP
 *     retransmitting on a backed-off timer) is given up to
 *     HTTP_SEND_LOSS_ROUNDS rounds, since clients wait that long;
 *   - sends a head line by line: the scan resumes where it stopped
 *     (struct http_scan), so this costs what one read costs.
 * Refusals and timeouts are counted (/metrics) and logged at most once a
 * second per reason, never once per connection: a flood must not become a
 * log flood. Each callback sends at most HTTP_SEND_BUDGET bytes, so one fast
 * download cannot starve the loop's other clients.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "plan/mac.h"
#include "server-min/clients.h"
#include "server-min/content.h"
#include "server-min/event.h"
#include "server-min/history.h"
#include "server-min/http_proto.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"
#include "server-min/status.h"
#include "server-min/util.h"

/* A boot storm of 1000 clients opens a few connections each (script,
 * kernel, initramfs, then modloop and apkovl from Alpine's init). Past the
 * cap we stop accepting: clients wait in the listen backlog, which TCP lets
 * them do, instead of getting a 503 that iPXE and wget count as a failed
 * boot (docs/benchmarks.md). The kernel clamps the backlog to somaxconn.
 * HTTP_CONN_MAX is the whole server's, over every worker loop (conns_all);
 * the backlog is per listener, so per worker. */
#define HTTP_CONN_MAX           4096
#define HTTP_BACKLOG            4096
#define HTTP_ACCEPT_BATCH       64
#define HTTP_HEADER_TIMEOUT_MS  10000
#define HTTP_SEND_TIMEOUT_MS    30000
/* Rounds of the send clock a connection may spend with TCP retransmitting
 * into a lossy path (conn_send_timeout) before it is closed: 4 x 30 s. */
#define HTTP_SEND_LOSS_ROUNDS   4
#define HTTP_LINGER_MS          2000
#define HTTP_LINGER_BYTES       (64 * 1024)
#define HTTP_ACCEPT_RETRY_MS    500
#define HTTP_SEND_BUDGET        (1024 * 1024)
#define HTTP_HEAD_OUT_MAX       1024
#define HTTP_SMALL_MAX          1024
#define HTTP_LOG_PATH_MAX       200
/* Per-address connection counts: a chained hash of the addresses that have
 * a connection open, so at most HTTP_CONN_MAX records. */
#define HTTP_PEER_BUCKETS       1024
/* At the cap, only a connection that has waited this long for a request is
 * closed for a newcomer: in a boot storm a client that just connected is
 * about to send its request and keeps its slot. */
#define HTTP_EVICT_MIN_MS       1000
#define HTTP_LOG_EVERY_MS       1000

/* Events that a flood repeats: logged once a second each, with a count. */
enum rate_reason {
	RATE_PER_IP,
	RATE_EVICT,
	RATE_CAP,
	RATE_HEADER_TIMEOUT,
	RATE_MAX,
};

struct rate_log {
	uint64_t last_ms;
	unsigned suppressed;
};

struct http_peer {
	struct http_peer *next;
	struct in_addr addr;
	unsigned conns;
};

/* The phases of a connection. conn_set_state() is the only writer of
 * cn->state; conn_phases[] below says, for each phase, what epoll waits for,
 * whether the connection is in the server's wait list (waiting for a
 * request, so the first to give up its slot at the cap), what the timer
 * means, and which phases may follow. Any other move is a bug.
 *
 *                        accept
 *                          |
 *                          v
 *                         NEW
 *                          |
 *                          v               first byte
 *                     READING_HEAD <--------------------- IDLE
 *                      |   |   ^                           ^
 *           head late, |   |   | keep-alive, the next      | keep-alive,
 *     bytes held: 408  |   |   | head already buffered     | nothing buffered
 *                      |   |   |                           |
 *       head complete  |   v   |                           |
 *       or malformed   | SENDING_HEAD                      |
 *                      |   |   |                           |
 *           head sent  |   v   |                           |
 *                      | SENDING_BODY ---------------------+
 *                      |   |
 *       last response  |   |
 *                      v   v
 *                    LINGERING
 *
 * (on the left, "408" labels the outer column, the rest the inner one),
 * and from every phase to CLOSED (conn_free: the connection is gone) on a socket error,
 * the client's close, a timeout with nothing to answer, eviction at the
 * cap, the end of LINGERING, or server stop.
 *
 *   NEW           calloc'd and registered (for EPOLLIN), not yet started
 *   IDLE          kept alive between requests, no byte of the next one
 *                 yet; timer: http_idle_ms since the last response
 *   READING_HEAD  a head has begun (on a new connection: accept begins it)
 *                 and is not complete; timer: the earlier of http_idle_ms
 *                 since the last byte and HTTP_HEADER_TIMEOUT_MS since the
 *                 head began (slowloris)
 *   SENDING_HEAD  the response head, with a memory body right behind it;
 *                 timer: HTTP_SEND_TIMEOUT_MS without progress
 *   SENDING_BODY  the rest of the body (sendfile for files); the same
 *                 progress timer runs on
 *   LINGERING     our side is shut; the client's remaining bytes are read
 *                 and dropped for a moment so the kernel does not answer
 *                 them with a RST that could destroy the response still in
 *                 flight (the "lingering close" of RFC 9112 sec. 9.6);
 *                 timer: HTTP_LINGER_MS, then CLOSED
 *   CLOSED        freed; never stored, only a target
 */
enum conn_state {
	CONN_NEW,
	CONN_IDLE,
	CONN_READING_HEAD,
	CONN_SENDING_HEAD,
	CONN_SENDING_BODY,
	CONN_LINGERING,
	CONN_CLOSED,
	CONN_STATES,
};

struct http_server {
	struct netbootd *nb;
	int fd;
	int full;                      /* at the cap: not accepting */
	int fd_paused;                 /* out of descriptors: resume timer armed */
	struct ev_timer resume;        /* accept again after EMFILE */
	struct ev_timer recheck;       /* full: look for an idle one to close */
	LIST_HEAD(, http_conn) conns;  /* all connections, for http_stop */
	_Atomic unsigned n_conns;      /* atomic: /status of another loop reads it */
	/* Connections waiting for a request, longest waiting first. */
	struct http_conn *wait_head, *wait_tail;
	struct http_peer *peers[HTTP_PEER_BUCKETS];
	struct rate_log rate[RATE_MAX];
	_Atomic uint64_t refused_per_ip, evicted, timeouts;   /* as n_conns */
};

/* Open connections over every worker loop's server: the cap is the
 * process's, and a loop at it closes its own longest-idle connection for a
 * newcomer, as one loop did. One uncontended atomic add per connection,
 * none per request or byte. */
static _Atomic unsigned conns_all;

struct http_conn {
	struct http_server *srv;
	LIST_ENTRY(http_conn) link;        /* in srv->conns */
	int fd;
	enum conn_state state;
	struct sockaddr_in peer;
	char client[NB_PEER_TEXT_MAX];     /* "IP:PORT" for the log */
	char mac[18];                      /* the client's MAC for the log, "" unknown */
	int mac_looked;                    /* conn_mac's memo: mac[] is final */
	struct ev_timer timer;             /* meaning depends on state */
	struct http_peer *pe;              /* this address's connection count */
	struct http_conn *wprev, *wnext;   /* srv's wait list (IDLE, READING_HEAD) */
	uint64_t wait_since;               /* ms: when it began to wait */
	uint64_t head_t0;                  /* ms: READING_HEAD's header clock */
	uint64_t last_rx;                  /* ms: the client's last byte */
	struct http_scan scan;             /* how far in[] has been scanned */
	unsigned requests;                 /* answered on this connection */
	int keep_alive;                    /* after the current response */
	int minor;                         /* the client's HTTP/1.minor */
	size_t req_len;                    /* bytes of in[] the request used */

	/* The response in flight. */
	char head[HTTP_HEAD_OUT_MAX];
	size_t head_len, head_off;
	struct content c;                  /* c.fd >= 0 or c.mem: an open body */
	const char *mem;                   /* memory body: c.mem or small */
	uint64_t body_off, body_end;       /* [off, end) still to send */
	char small[HTTP_SMALL_MAX];        /* error texts */

	/* For the one log line per request. */
	struct timespec t0;
	char method[16];
	char path[HTTP_LOG_PATH_MAX];
	int status;
	const char *why;                   /* malformed: the defect, else NULL */
	uint64_t sent;                     /* body bytes handed to the kernel */
	unsigned loss_rounds;              /* send clock rounds spent in TCP loss */
	size_t linger_bytes;

	size_t in_len;
	uint8_t in[HTTP_HEAD_MAX];
};

/* The MAC behind this connection, for the log ("" when unknown): the
 * neighbour table is a file read, so it is read once per connection, at
 * its first log line (by then the handshake has resolved the peer), and
 * never for connections refused at a cap. */
static const char *conn_mac(struct http_conn *cn)
{
	uint8_t mac[6];

	if (!cn->mac_looked) {
		cn->mac_looked = 1;
		if (cn->srv->nb->clients &&
		    clients_mac_of(cn->srv->nb->clients, cn->peer.sin_addr, mac) == 0)
			nb_mac_format(mac, ':', cn->mac);
	}
	return cn->mac;
}


static void conn_process(struct http_conn *cn);

/* The client's path (and query) for the log: printable ASCII only, so a
 * hostile name cannot forge log lines or send terminal escapes. */
static void log_path(char *out, size_t cap, const struct http_request *req)
{
	const char *parts[2] = { req->path, req->has_query ? req->query : NULL };
	size_t o = 0;

	for (int p = 0; p < 2 && parts[p]; p++) {
		if (p == 1 && o + 1 < cap)
			out[o++] = '?';
		for (const char *s = parts[p]; *s && o + 5 < cap; s++) {
			unsigned char ch = (unsigned char)*s;

			if (ch > 0x20 && ch < 0x7f && ch != '\\') {
				out[o++] = (char)ch;
			} else {
				snprintf(out + o, cap - o, "\\x%02x", ch);
				o += 4;
			}
		}
	}
	out[o] = '\0';
}

static void http_accept_again(struct http_server *srv);

/* 1 when a line for reason may be logged now, with *ret_more the events
 * left unlogged since the last one; 0 (and one more suppressed) if not. */
static int rate_ok(struct http_server *srv, enum rate_reason why,
		   unsigned *ret_more)
{
	struct rate_log *rl = &srv->rate[why];
	uint64_t now = ev_now_ms(srv->nb->loop);

	if (rl->last_ms != 0 && now - rl->last_ms < HTTP_LOG_EVERY_MS) {
		rl->suppressed++;
		return 0;
	}
	*ret_more = rl->suppressed;
	rl->suppressed = 0;
	rl->last_ms = now ? now : 1;
	return 1;
}

static struct http_peer **peer_slot(struct http_server *srv, struct in_addr a)
{
	/* Fibonacci hashing: neighbouring addresses spread over buckets. */
	uint32_t h = (uint32_t)(ntohl(a.s_addr) * 2654435761u) >> 22;
	struct http_peer **pp = &srv->peers[h % HTTP_PEER_BUCKETS];

	while (*pp && (*pp)->addr.s_addr != a.s_addr)
		pp = &(*pp)->next;
	return pp;
}

/* The record of address a, created with no connections when missing;
 * NULL when out of memory. */
static struct http_peer *peer_get(struct http_server *srv, struct in_addr a)
{
	struct http_peer **pp = peer_slot(srv, a);

	if (*pp == NULL) {
		*pp = calloc(1, sizeof(**pp));
		if (*pp)
			(*pp)->addr = a;
	}
	return *pp;
}

/* One connection of pe's address ended; its record goes with the last. */
static void peer_put(struct http_server *srv, struct http_peer *pe)
{
	struct http_peer **pp;

	if (--pe->conns > 0)
		return;
	pp = peer_slot(srv, pe->addr);
	*pp = pe->next;
	free(pe);
}

#define TO(st) (1u << (st))

static void conn_free(struct http_conn *cn);
static void conn_read(struct http_conn *cn);
static void conn_send(struct http_conn *cn);
static void conn_drain(struct http_conn *cn);
static void conn_read_timeout(struct http_conn *cn);
static void conn_send_timeout(struct http_conn *cn);

/* enum conn_state, one row each: the diagram above as data. NEW and
 * CLOSED never see an event: conn_new leaves NEW before returning to the
 * loop, and CLOSED is freed. */
static const struct conn_phase {
	const char *name;     /* for the log of a bug */
	uint32_t events;      /* what epoll waits for on the socket */
	int waiting;          /* in srv's wait list: waiting for a request */
	void (*on_io)(struct http_conn *cn);      /* the socket is ready */
	void (*on_timer)(struct http_conn *cn);   /* the phase's timer fired */
	unsigned next;        /* TO() of each phase that may follow */
} conn_phases[CONN_STATES] = {
	/* conn_new registers the socket for EPOLLIN before starting it. */
	[CONN_NEW] = { "new", EPOLLIN, 0, conn_free, conn_free,
		TO(CONN_READING_HEAD) | TO(CONN_CLOSED) },
	[CONN_IDLE] = { "idle", EPOLLIN, 1, conn_read, conn_read_timeout,
		TO(CONN_READING_HEAD) | TO(CONN_CLOSED) },
	[CONN_READING_HEAD] = { "reading-head", EPOLLIN, 1, conn_read, conn_read_timeout,
		TO(CONN_SENDING_HEAD) | TO(CONN_LINGERING) | TO(CONN_CLOSED) },
	[CONN_SENDING_HEAD] = { "sending-head", EPOLLOUT, 0, conn_send, conn_send_timeout,
		TO(CONN_SENDING_BODY) | TO(CONN_CLOSED) },
	[CONN_SENDING_BODY] = { "sending-body", EPOLLOUT, 0, conn_send, conn_send_timeout,
		TO(CONN_IDLE) | TO(CONN_READING_HEAD) | TO(CONN_LINGERING) | TO(CONN_CLOSED) },
	[CONN_LINGERING] = { "lingering", EPOLLIN, 0, conn_drain, conn_free,
		TO(CONN_CLOSED) },
	[CONN_CLOSED] = { "closed", 0, 0, conn_free, conn_free, 0 },
};

/* The wait list: IDLE and READING_HEAD connections in the order they began
 * to wait for a request, so the one at the head is the first to give up its
 * slot. Only conn_set_state and conn_free call these. */
static void wait_add(struct http_conn *cn)
{
	struct http_server *srv = cn->srv;

	cn->wait_since = ev_now_ms(srv->nb->loop);
	cn->wnext = NULL;
	cn->wprev = srv->wait_tail;
	if (srv->wait_tail)
		srv->wait_tail->wnext = cn;
	else
		srv->wait_head = cn;
	srv->wait_tail = cn;
}

static void wait_del(struct http_conn *cn)
{
	struct http_server *srv = cn->srv;

	if (cn->wprev)
		cn->wprev->wnext = cn->wnext;
	else
		srv->wait_head = cn->wnext;
	if (cn->wnext)
		cn->wnext->wprev = cn->wprev;
	else
		srv->wait_tail = cn->wprev;
}

/* READING_HEAD: fire at the earlier of "no byte for the idle time" and
 * "the head is late". */
static void conn_arm_read_timer(struct http_conn *cn)
{
	struct ev_loop *loop = cn->srv->nb->loop;
	uint64_t now = ev_now_ms(loop);
	uint64_t due = cn->last_rx + cn->srv->nb->limits.http_idle_ms;

	if (cn->head_t0 + HTTP_HEADER_TIMEOUT_MS < due)
		due = cn->head_t0 + HTTP_HEADER_TIMEOUT_MS;
	ev_timer_arm(loop, &cn->timer, due > now ? due - now : 0);
}

/* CLOSED, from any phase: the one way a connection ends. */
static void conn_free(struct http_conn *cn)
{
	struct http_server *srv = cn->srv;

	ev_timer_cancel(srv->nb->loop, &cn->timer);
	if (conn_phases[cn->state].waiting)
		wait_del(cn);
	peer_put(srv, cn->pe);
	ev_del(srv->nb->loop, cn->fd);
	close(cn->fd);
	content_close(&cn->c);
	LIST_REMOVE(cn, link);
	srv->n_conns--;
	conns_all--;
	free(cn);
	if (srv->full && conns_all < HTTP_CONN_MAX)
		http_accept_again(srv);
}

/* Enter phase to: the wait list, the epoll interest and the timer follow
 * (conn_phases[] and the list above enum conn_state). The caller has set
 * what the phase needs (a formatted head, the body's bounds). 0, or -1
 * when cn is gone: to is CLOSED, shutdown or epoll failed, or the move is
 * not in the table (a bug, logged); the caller must not touch cn then. */
static int conn_set_state(struct http_conn *cn, enum conn_state to)
{
	const struct conn_phase *from = &conn_phases[cn->state];
	const struct conn_phase *ph = &conn_phases[to];
	struct ev_loop *loop = cn->srv->nb->loop;
	int r;

	if (!(from->next & TO(to))) {
		logm_error("http", cn->client, conn_mac(cn), "bug: no move from %s to "
			   "%s; connection dropped", from->name, ph->name);
		to = CONN_CLOSED;
	}
	if (to == CONN_CLOSED) {
		conn_free(cn);
		return -1;
	}
	if (from->waiting && !ph->waiting)
		wait_del(cn);
	else if (!from->waiting && ph->waiting)
		wait_add(cn);
	cn->state = to;
	switch (to) {
	case CONN_IDLE:
		cn->last_rx = ev_now_ms(loop);
		ev_timer_arm(loop, &cn->timer, cn->srv->nb->limits.http_idle_ms);
		break;
	case CONN_READING_HEAD:
		/* The head clock starts at accept or at the first byte of a
		 * kept-alive connection's next request; later bytes never
		 * reset it, however slowly they come. */
		cn->last_rx = cn->head_t0 = ev_now_ms(loop);
		conn_arm_read_timer(cn);
		break;
	case CONN_SENDING_HEAD:
		ev_timer_arm(loop, &cn->timer, HTTP_SEND_TIMEOUT_MS);
		break;
	case CONN_SENDING_BODY:
		break;   /* the progress timer of SENDING_HEAD runs on */
	case CONN_LINGERING:
		cn->linger_bytes = 0;
		if (shutdown(cn->fd, SHUT_WR) < 0) {
			conn_free(cn);
			return -1;
		}
		ev_timer_arm(loop, &cn->timer, HTTP_LINGER_MS);
		break;
	default:
		break;
	}
	if (from->events == ph->events)
		return 0;
	r = ev_mod(loop, cn->fd, ph->events, NULL, NULL);
	if (r < 0) {
		logm_warn("http", cn->client, conn_mac(cn), "epoll: %s; connection dropped",
			  strerror(-r));
		conn_free(cn);
		return -1;
	}
	return 0;
}

static void conn_drain(struct http_conn *cn)
{
	uint8_t sink[4096];
	ssize_t n;

	n = recv(cn->fd, sink, sizeof(sink), 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		cn->linger_bytes += (size_t)n;
	if (n <= 0 || cn->linger_bytes > HTTP_LINGER_BYTES)
		conn_free(cn);
}

/* The boot history (history.h): a GET that ended, with why when it did
 * not end well; a status of 400 and up is a failure too. Malformed
 * requests and HEAD name no file a boot needs. */
static void conn_history(struct http_conn *cn, double s, const char *why)
{
	char what[32];
	enum status_doc doc;

	if (cn->why || strcmp(cn->method, "GET") != 0 || status_doc_of(cn->path, &doc) == 0)
		return;
	if (!why && cn->status >= 400) {
		snprintf(what, sizeof(what), "HTTP %d %s", cn->status,
			 http_status_text(cn->status));
		why = what;
	}
	history_note_transfer(cn->srv->nb, HP_HTTP, &cn->peer, cn->path, cn->sent, s, why);
}

/* The end of every response sent in full: one log line, then keep the
 * connection for the next request or close it. */
static void conn_finish(struct http_conn *cn)
{
	double s = nb_elapsed_s(&cn->t0);
	double rate = s > 0 ? (double)cn->sent / s / 1e6 : 0;

	if (cn->why)
		logm_warn("http", cn->client, conn_mac(cn),
			 "malformed request (%s): %d %llu bytes in %.3f s",
			 cn->why, cn->status, (unsigned long long)cn->sent, s);
	else
		logm_info("http", cn->client, conn_mac(cn), "%s %s %d %llu bytes in %.3f s (%.1f MB/s)",
			 cn->method, cn->path, cn->status,
			 (unsigned long long)cn->sent, s, rate);
	conn_history(cn, s, NULL);
	content_close(&cn->c);
	cn->mem = NULL;
	cn->requests++;
	if (!cn->keep_alive) {
		conn_set_state(cn, CONN_LINGERING);
		return;
	}

	/* Keep-alive: bytes of a pipelined next request may already be here.
	 * The idle clock starts now: the client was busy reading. */
	memmove(cn->in, cn->in + cn->req_len, cn->in_len - cn->req_len);
	cn->in_len -= cn->req_len;
	cn->req_len = 0;
	http_scan_init(&cn->scan);
	if (conn_set_state(cn, cn->in_len > 0 ? CONN_READING_HEAD : CONN_IDLE) < 0)
		return;
	/* No EPOLLIN will announce bytes we already hold. Parsing them here
	 * does not recurse: a response only goes out from the next EPOLLOUT. */
	if (cn->in_len > 0)
		conn_process(cn);
}

/* SENDING_HEAD: one sendmsg of what is left of the head, with a memory
 * body right behind it; SENDING_BODY once the head is out. Bytes sent, or
 * -errno. */
static ssize_t conn_send_head(struct http_conn *cn)
{
	size_t hleft = cn->head_len - cn->head_off;
	struct iovec iov[2] = {
		{ cn->head + cn->head_off, hleft },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 1 };
	int flags = MSG_NOSIGNAL;
	ssize_t n;

	if (cn->mem && cn->body_off < cn->body_end) {
		/* head and a memory body in one segment */
		iov[1].iov_base = (void *)(cn->mem + cn->body_off);
		iov[1].iov_len = (size_t)(cn->body_end - cn->body_off);
		mh.msg_iovlen = 2;
	} else if (cn->body_off < cn->body_end) {
		/* a file follows: let TCP fill the segment */
		flags |= MSG_MORE;
	}
	n = sendmsg(cn->fd, &mh, flags);
	if (n < 0)
		return -errno;
	if ((size_t)n < hleft) {
		cn->head_off += (size_t)n;
		return n;
	}
	cn->head_off = cn->head_len;
	cn->body_off += (uint64_t)((size_t)n - hleft);
	cn->sent += (uint64_t)((size_t)n - hleft);
	conn_set_state(cn, CONN_SENDING_BODY);   /* same events: cannot fail */
	return n;
}

/* SENDING_BODY: one send of the memory body or one sendfile of at most
 * budget bytes of the file. Bytes sent, or -errno; -ENODATA when the file
 * ended before the length the head promised. */
static ssize_t conn_send_body(struct http_conn *cn, size_t budget)
{
	uint64_t left = cn->body_end - cn->body_off;
	off_t off = (off_t)cn->body_off;
	ssize_t n;

	if (cn->mem)
		n = send(cn->fd, cn->mem + cn->body_off, (size_t)left, MSG_NOSIGNAL);
	else
		n = sendfile(cn->fd, cn->c.fd, &off,
			     left < budget ? (size_t)left : budget);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENODATA;   /* only sendfile: the file shrank */
	cn->body_off += (uint64_t)n;
	cn->sent += (uint64_t)n;
	return n;
}

/* conn_send could not go on: wait for EPOLLOUT, or the response ends here. */
static void conn_send_failed(struct http_conn *cn, int err, int progress)
{
	if (err == -EAGAIN || err == -EINTR) {
		if (progress)
			ev_timer_arm(cn->srv->nb->loop, &cn->timer, HTTP_SEND_TIMEOUT_MS);
		return;
	}
	if (err == -ENODATA) {
		/* The length we promised cannot be kept, so the client must
		 * see the connection end early. */
		logm_warn("http", cn->client, conn_mac(cn),
			  "%s %s %d failed after %llu bytes: file shrank",
			  cn->method, cn->path, cn->status, (unsigned long long)cn->sent);
		conn_history(cn, nb_elapsed_s(&cn->t0), "file shrank");
	} else {
		logm_info("http", cn->client, conn_mac(cn), "%s %s %d aborted after "
			  "%llu bytes in %.3f s: %s", cn->method, cn->path, cn->status,
			  (unsigned long long)cn->sent, nb_elapsed_s(&cn->t0), strerror(-err));
		conn_history(cn, nb_elapsed_s(&cn->t0), strerror(-err));
	}
	conn_free(cn);
}

/* SENDING_HEAD and SENDING_BODY: send what the phase says, up to
 * HTTP_SEND_BUDGET bytes per call, then let the loop serve the others
 * (EPOLLOUT brings us back). */
static void conn_send(struct http_conn *cn)
{
	size_t budget = HTTP_SEND_BUDGET;
	int progress = 0;
	ssize_t n;

	while (budget > 0) {
		if (cn->state == CONN_SENDING_BODY && cn->body_off >= cn->body_end) {
			conn_finish(cn);
			return;
		}
		if (cn->state == CONN_SENDING_HEAD)
			n = conn_send_head(cn);
		else
			n = conn_send_body(cn, budget);
		if (n < 0) {
			conn_send_failed(cn, (int)n, progress);
			return;
		}
		progress = 1;
		cn->loss_rounds = 0;
		budget -= (size_t)n < budget ? (size_t)n : budget;
	}
	ev_timer_arm(cn->srv->nb->loop, &cn->timer, HTTP_SEND_TIMEOUT_MS);
}

/* Start a response: format the head, choose the body, wait for EPOLLOUT.
 * body: NULL for a file body from cn->c, else memory; [off, end) of it is
 * sent (nothing for HEAD: the caller passes off == end). */
static void conn_respond(struct http_conn *cn, struct http_head *h,
			 const char *mem, uint64_t off, uint64_t end)
{
	int r;

	h->now = time(NULL);
	h->keep_alive = cn->keep_alive;
	h->minor = cn->minor;
	r = http_head_format(h, cn->head, sizeof(cn->head), &cn->head_len);
	if (r < 0) {
		/* Only a bug gets here: every status we use has a text and
		 * the head has room for every field. */
		logm_error("http", cn->client, conn_mac(cn), "cannot format a %d head: %s",
			  h->status, strerror(-r));
		conn_free(cn);
		return;
	}
	cn->status = h->status;
	cn->head_off = 0;
	cn->mem = mem;
	cn->body_off = off;
	cn->body_end = end;
	cn->sent = 0;
	conn_set_state(cn, CONN_SENDING_HEAD);
}

/* A status with a one-line text body ("404 Not Found"). */
static void conn_respond_error(struct http_conn *cn, int status, int head_only)
{
	struct http_head h = {
		.status = status,
		.content_type = "text/plain; charset=utf-8",
		.allow = status == 405,
	};
	int n;

	n = snprintf(cn->small, sizeof(cn->small), "%d %s\n", status,
		     http_status_text(status));
	h.content_length = (uint64_t)n;
	conn_respond(cn, &h, cn->small, 0, head_only ? 0 : (uint64_t)n);
}

/* GET /status, /status.json, /metrics (status.h), to status-allow only:
 * 403 for everyone else, whatever the path, so the refusal says nothing. */
static void conn_respond_status(struct http_conn *cn, const char *path, int head_only)
{
	struct http_server *srv = cn->srv;
	const struct netbootd *nb = srv->nb;
	struct status_http hs = { 0 };
	struct http_head h = { .status = 200 };
	enum status_doc doc;
	int r;

	for (unsigned i = 0; nb->all && i < nb->n_workers; i++)
		http_counts(nb->all[i]->http, &hs);
	if (!nb->all)
		http_counts(srv, &hs);
	r = status_open(srv->nb, path, cn->peer.sin_addr, &hs, &cn->c, &doc);
	if (r < 0) {
		conn_respond_error(cn, r == -EACCES ? 403 : 503, head_only);
		return;
	}
	h.content_type = status_content_type(doc);
	h.content_length = cn->c.size;
	conn_respond(cn, &h, cn->c.mem, 0, head_only ? 0 : cn->c.size);
}

/* content_open's errors, as statuses. */
static int content_status(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		return 404;
	case -EACCES:
	case -EPERM:
		return 403;
	case -ENAMETOOLONG:
		return 414;
	case -ENOMEM:
	case -EMFILE:
	case -ENFILE:
		return 503;
	default:
		return 500;
	}
}

/* GET or HEAD of what content_open offers: open it, let RFC 9110 sec.
 * 13.2.2 (http_conditional) choose among 200, 206, 304 and 416, respond. */
static void conn_respond_content(struct http_conn *cn, const struct http_request *req,
				 int head_only)
{
	struct http_head h = { .accept_ranges = 1 };
	struct http_rep rep;
	uint64_t first, last;
	int r;

	r = content_open(cn->srv->nb, req->path, req->has_query ? req->query : "",
			 &cn->peer, &cn->c);
	if (r < 0) {
		int status = content_status(r);

		if (status == 500)
			logm_warn("http", cn->client, conn_mac(cn), "%s: %s", cn->path, strerror(-r));
		else if (r == -EPERM)
			/* content.c: a client's private file (its apkovl)
			 * asked for by another address. */
			logm_warn("http", cn->client, conn_mac(cn), "%s: protected, and this "
				 "client is not its owner: 403", cn->path);
		conn_respond_error(cn, status, head_only);
		return;
	}
	rep.size = cn->c.size;
	/* A rendered document is made for this request: no date to
	 * revalidate against, and If-Range can never match it. */
	rep.has_mtime = cn->c.mem == NULL;
	rep.mtime = cn->c.mtime;
	h.content_type = http_content_type(req->path);
	h.has_last_modified = rep.has_mtime;
	h.last_modified = rep.mtime;
	h.status = http_conditional(req, &rep, &first, &last);
	switch (h.status) {
	case 304:
		h.omit_length = 1;
		conn_respond(cn, &h, NULL, 0, 0);
		return;
	case 416:
		h.unsatisfied_range = 1;
		h.full_size = rep.size;
		conn_respond(cn, &h, NULL, 0, 0);
		return;
	case 206:
		h.has_content_range = 1;
		h.range_first = first;
		h.range_last = last;
		h.full_size = rep.size;
		break;
	}
	h.content_length = rep.size ? last - first + 1 : 0;
	if (head_only || rep.size == 0)
		conn_respond(cn, &h, cn->c.mem, 0, 0);
	else
		conn_respond(cn, &h, cn->c.mem, first, last + 1);
}

/* A well-formed request: note it for the log, decide whether the
 * connection stays open, then respond by method and path. */
static void conn_handle(struct http_conn *cn, const struct http_request *req)
{
	int head_only = req->method == HTTP_M_HEAD;
	enum status_doc sdoc;

	snprintf(cn->method, sizeof(cn->method), "%s", req->method_name);
	log_path(cn->path, sizeof(cn->path), req);
	cn->minor = req->minor;
	cn->req_len = req->head_len;
	/* A body we do not read would be taken for the next request. */
	cn->keep_alive = req->keep_alive &&
		!(req->has_content_length && req->content_length > 0);
	/* The last request this connection may make is told so (RFC 9112
	 * sec. 9.6): one host cannot keep a slot forever with a tiny request
	 * now and then. */
	if (cn->requests + 1 >= cn->srv->nb->limits.http_requests)
		cn->keep_alive = 0;

	if (req->method == HTTP_M_UNKNOWN) {
		cn->keep_alive = 0;
		conn_respond_error(cn, 501, 0);
	} else if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD) {
		cn->keep_alive = 0;
		conn_respond_error(cn, 405, 0);
	} else if (status_doc_of(req->path, &sdoc) == 0) {
		conn_respond_status(cn, req->path, head_only);
	} else {
		conn_respond_content(cn, req, head_only);
	}
}

/* Parse what is buffered; answer when a head is complete or malformed. */
static void conn_process(struct http_conn *cn)
{
	struct netbootd_stats *st = &cn->srv->nb->stats;
	struct http_request req;
	const char *why = NULL;
	int r;

	r = http_request_parse_more(&cn->scan, cn->in, cn->in_len, &req, &why);
	if (r == -EAGAIN)
		return;
	clock_gettime(CLOCK_MONOTONIC, &cn->t0);
	cn->why = NULL;
	st->http_requests++;
	if (r < 0) {
		st->http_malformed++;
		cn->why = why ? why : "malformed";
		cn->keep_alive = 0;
		cn->minor = 1;
		cn->req_len = cn->in_len;
		conn_respond_error(cn, http_error_status(r), 0);
		return;
	}
	conn_handle(cn, &req);
}

static void conn_read(struct http_conn *cn)
{
	ssize_t n;

	n = recv(cn->fd, cn->in + cn->in_len, sizeof(cn->in) - cn->in_len, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		logm_debug("http", cn->client, conn_mac(cn), "recv: %s", strerror(errno));
		conn_free(cn);
		return;
	}
	if (n == 0) {
		/* The client closed: normal between requests, an abandoned
		 * request otherwise (nothing to answer). */
		if (cn->in_len > 0)
			logm_info("http", cn->client, conn_mac(cn),
				 "closed by client with %zu bytes of a request",
				 cn->in_len);
		conn_free(cn);
		return;
	}
	if (cn->state == CONN_IDLE) {
		if (conn_set_state(cn, CONN_READING_HEAD) < 0)
			return;
	} else {
		cn->last_rx = ev_now_ms(cn->srv->nb->loop);
		conn_arm_read_timer(cn);
	}
	cn->in_len += (size_t)n;
	/* The scan resumes where it stopped: cheap for any split. A full
	 * buffer always parses (to 414 or 431). */
	conn_process(cn);
}

static void conn_io(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct http_conn *cn = arg;

	(void)loop;
	(void)fd;
	(void)events;   /* errors and hang-ups surface in recv/send */
	conn_phases[cn->state].on_io(cn);
}

/* IDLE or READING_HEAD and the timer fired: the client has sent nothing
 * for the idle time, or (READING_HEAD) its head is late (slowloris). */
static void conn_read_timeout(struct http_conn *cn)
{
	struct http_server *srv = cn->srv;
	uint64_t now = ev_now_ms(srv->nb->loop);
	unsigned more;

	srv->timeouts++;
	if (!(cn->state == CONN_READING_HEAD &&
	      now >= cn->head_t0 + HTTP_HEADER_TIMEOUT_MS)) {
		logm_debug("http", cn->client, conn_mac(cn), "nothing for %u s with %zu bytes "
			  "of a request: closed", srv->nb->limits.http_idle_ms / 1000,
			  cn->in_len);
	} else if (rate_ok(srv, RATE_HEADER_TIMEOUT, &more)) {
		logm_warn("http", cn->client, conn_mac(cn),
			 "header timeout: %zu bytes of a request in %d s, closed "
			 "(%u more since the last such line)",
			 cn->in_len, HTTP_HEADER_TIMEOUT_MS / 1000, more);
	}
	if (cn->in_len > 0) {
		/* Best effort, one try: the client is not reading its socket
		 * well, if at all. */
		int n = snprintf(cn->head, sizeof(cn->head),
				 "HTTP/1.1 408 Request Timeout\r\n"
				 "Content-Length: 0\r\nConnection: close\r\n\r\n");
		if (send(cn->fd, cn->head, (size_t)n,
			 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			logm_debug("http", cn->client, conn_mac(cn), "408: %s", strerror(errno));
		/* Closing with its trickle unread would send a RST that can
		 * destroy the 408 before it is read. */
		conn_set_state(cn, CONN_LINGERING);
		return;
	}
	conn_free(cn);
}

/* Is TCP retransmitting data the path lost, rather than probing a window
 * the client keeps shut? A client that stops reading ACKs our zero-window
 * probes (tcpi_probes counts them, the state stays Open); segments lost on
 * the way put the connection in Recovery or Loss, with RTO rounds
 * (tcpi_retransmits) on a doubling timer that can exceed a whole send
 * clock round. */
static int conn_tcp_in_loss(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	return ti.tcpi_probes == 0 &&
	       (ti.tcpi_ca_state == TCP_CA_Loss || ti.tcpi_ca_state == TCP_CA_Recovery ||
		ti.tcpi_retransmits > 0);
}

/* SENDING_HEAD or SENDING_BODY and no progress for HTTP_SEND_TIMEOUT_MS:
 * a client that stopped reading, closed; or a lossy path, waited for up to
 * HTTP_SEND_LOSS_ROUNDS rounds in all. */
static void conn_send_timeout(struct http_conn *cn)
{
	if (++cn->loss_rounds < HTTP_SEND_LOSS_ROUNDS && conn_tcp_in_loss(cn->fd)) {
		if (cn->loss_rounds == 1)
			logm_info("http", cn->client, conn_mac(cn), "%s %s %d no progress in %d s "
				  "after %llu bytes: TCP is retransmitting (a lossy path), waiting "
				  "up to %d s", cn->method, cn->path, cn->status,
				  HTTP_SEND_TIMEOUT_MS / 1000, (unsigned long long)cn->sent,
				  HTTP_SEND_LOSS_ROUNDS * HTTP_SEND_TIMEOUT_MS / 1000);
		ev_timer_arm(cn->srv->nb->loop, &cn->timer, HTTP_SEND_TIMEOUT_MS);
		return;
	}
	logm_warn("http", cn->client, conn_mac(cn),
		  "%s %s %d stalled: no progress in %d s after %llu bytes, closed",
		  cn->method, cn->path, cn->status,
		  cn->loss_rounds * HTTP_SEND_TIMEOUT_MS / 1000, (unsigned long long)cn->sent);
	conn_history(cn, nb_elapsed_s(&cn->t0), "stalled");
	conn_free(cn);
}

/* The socket and the timer go to what the phase names (conn_phases[]). */
static void conn_timeout(struct ev_loop *loop, void *arg)
{
	struct http_conn *cn = arg;

	(void)loop;
	conn_phases[cn->state].on_timer(cn);
}

/* An address over its share: one try at a 503 (RFC 9110 sec. 15.6.4) so a
 * real client behind it learns why, then close. No state is kept. */
static void refuse_per_ip(struct http_server *srv, int fd, struct in_addr a)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n";
	char ip[INET_ADDRSTRLEN];
	unsigned more;

	srv->refused_per_ip++;
	if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("http", "-", "503: %s", strerror(errno));
	close(fd);
	if (rate_ok(srv, RATE_PER_IP, &more)) {
		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		log_warn("http", ip, "over %u connections from one address: "
			 "refused with 503 (%u more refusals since the last such line)",
			 srv->nb->limits.http_per_ip, more);
	}
}

static void conn_new(struct http_server *srv, int fd,
		     const struct sockaddr_in *peer)
{
	struct http_conn *cn;
	struct http_peer *pe;
	int one = 1, r;

	pe = peer_get(srv, peer->sin_addr);
	if (pe == NULL) {
		log_warn("http", "-", "out of memory for a connection");
		close(fd);
		return;
	}
	if (pe->conns >= srv->nb->limits.http_per_ip) {
		refuse_per_ip(srv, fd, peer->sin_addr);
		return;
	}
	cn = calloc(1, sizeof(*cn));
	if (cn == NULL) {
		log_warn("http", "-", "out of memory for a connection");
		goto fail_peer;
	}
	cn->srv = srv;
	cn->fd = fd;
	cn->peer = *peer;
	cn->c.fd = -1;
	nb_peer_text(peer, cn->client);
	/* Heads and small bodies go out as one writev; no reason to let
	 * Nagle hold the last segment of a response. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (srv->nb->http_cc[0])   /* tried at start (main.c http_cc_setup) */
		setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, srv->nb->http_cc,
			   (socklen_t)strlen(srv->nb->http_cc));
	ev_timer_init(&cn->timer, conn_timeout, cn);
	r = ev_add(srv->nb->loop, fd, conn_phases[CONN_NEW].events, conn_io, cn);
	if (r < 0) {
		logm_warn("http", cn->client, conn_mac(cn), "epoll: %s", strerror(-r));
		goto fail_free;
	}
	pe->conns++;
	cn->pe = pe;
	http_scan_init(&cn->scan);
	/* A new connection's head clock runs from accept. */
	conn_set_state(cn, CONN_READING_HEAD);   /* same events: cannot fail */
	LIST_INSERT_HEAD(&srv->conns, cn, link);
	srv->n_conns++;
	conns_all++;
	return;

fail_free:
	free(cn);
fail_peer:
	close(fd);
	if (pe->conns == 0) {
		pe->conns = 1;   /* peer_put frees an unused record */
		peer_put(srv, pe);
	}
}

/* At the cap: close the connection that has waited longest for a request,
 * if it has waited long enough to be idle rather than about to ask.
 * 1 when a slot was freed. */
static int http_evict(struct http_server *srv)
{
	struct http_conn *cn = srv->wait_head;
	unsigned more;

	if (cn == NULL || ev_now_ms(srv->nb->loop) - cn->wait_since < HTTP_EVICT_MIN_MS)
		return 0;
	srv->evicted++;
	if (rate_ok(srv, RATE_EVICT, &more))
		logm_warn("http", cn->client, conn_mac(cn), "connection cap %d reached: closed "
			 "this connection, idle the longest, for a new one "
			 "(%u more since the last such line)", HTTP_CONN_MAX, more);
	conn_free(cn);
	return 1;
}

/* Listen again after the cap or a descriptor shortage; the queued clients
 * are accepted on the next turn of the loop. */
static void http_accept_again(struct http_server *srv)
{
	struct ev_loop *loop = srv->nb->loop;

	if (srv->fd_paused)
		return;   /* the resume timer will do it */
	if (ev_mod(loop, srv->fd, EPOLLIN, NULL, NULL) < 0) {
		srv->fd_paused = 1;
		ev_timer_arm(loop, &srv->resume, HTTP_ACCEPT_RETRY_MS);
		return;
	}
	if (srv->full) {
		log_debug("http", "-", "below the connection cap again: accepting");
		srv->full = 0;
	}
}

/* Full of connections none of which has waited long enough to be closed
 * for a newcomer: listen again once the longest waiting one has, and let
 * on_accept decide. */
static void on_recheck(struct ev_loop *loop, void *arg)
{
	struct http_server *srv = arg;

	(void)loop;
	if (srv->full)
		http_accept_again(srv);
}

static void http_pause_full(struct http_server *srv)
{
	struct ev_loop *loop = srv->nb->loop;
	uint64_t now = ev_now_ms(loop), wait = HTTP_EVICT_MIN_MS;
	unsigned more;

	if (ev_mod(loop, srv->fd, 0, NULL, NULL) < 0)
		return;
	srv->full = 1;
	if (srv->wait_head && srv->wait_head->wait_since + HTTP_EVICT_MIN_MS > now)
		wait = srv->wait_head->wait_since + HTTP_EVICT_MIN_MS - now;
	ev_timer_arm(loop, &srv->recheck, wait);
	if (rate_ok(srv, RATE_CAP, &more))
		log_warn("http", "-", "connection cap %d reached, all busy: new "
			 "connections wait in the backlog (%u more since the "
			 "last such line)", HTTP_CONN_MAX, more);
}

static void on_resume(struct ev_loop *loop, void *arg)
{
	struct http_server *srv = arg;

	(void)loop;
	srv->fd_paused = 0;
	if (conns_all < HTTP_CONN_MAX)
		http_accept_again(srv);
}

static void on_accept(struct ev_loop *loop, int lfd, uint32_t events, void *arg)
{
	struct http_server *srv = arg;

	(void)events;
	for (int i = 0; i < HTTP_ACCEPT_BATCH; i++) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		int fd;

		if (conns_all >= HTTP_CONN_MAX && !http_evict(srv)) {
			/* Full of busy connections: the next clients wait
			 * in the backlog until one ends (conn_free listens
			 * again) or one has waited long enough for a request
			 * to be closed (the recheck timer). */
			http_pause_full(srv);
			return;
		}
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN)
				return;
			/* Out of descriptors or memory: the pending
			 * connection stays queued and would wake us at once,
			 * forever. Stop listening for a moment instead. */
			log_warn("http", "-", "accept: %s; pausing %d ms",
				 strerror(errno), HTTP_ACCEPT_RETRY_MS);
			if (ev_mod(loop, lfd, 0, NULL, NULL) == 0) {
				srv->fd_paused = 1;
				ev_timer_arm(loop, &srv->resume, HTTP_ACCEPT_RETRY_MS);
			}
			return;
		}
		conn_new(srv, fd, &peer);
	}
}

int http_start(struct netbootd *nb, struct http_server **ret)
{
	struct http_server *srv;
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(nb->http_port),
		.sin_addr = nb->addr,
	};
	char where[INET_ADDRSTRLEN + 8], ip[INET_ADDRSTRLEN];
	int one = 1, r;

	inet_ntop(AF_INET, &nb->addr, ip, sizeof(ip));
	snprintf(where, sizeof(where), "%s:%u", ip, nb->http_port);
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL) {
		log_error("http", "-", "out of memory");
		return -ENOMEM;
	}
	srv->nb = nb;
	ev_timer_init(&srv->resume, on_resume, srv);
	ev_timer_init(&srv->recheck, on_recheck, srv);
	srv->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0) {
		r = -errno;
		log_error("http", "-", "socket: %s", strerror(-r));
		goto fail_free;
	}
	/* A restart must not wait out TIME_WAIT of the last run's clients. */
	if (setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		r = -errno;
		log_error("http", "-", "SO_REUSEADDR: %s", strerror(-r));
		goto fail_close;
	}
	r = netbootd_reuseport(nb, srv->fd);
	if (r < 0) {
		log_error("http", "-", "SO_REUSEPORT: %s", strerror(-r));
		goto fail_close;
	}
	if (bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		log_error("http", "-", "bind %s: %s", where, strerror(-r));
		goto fail_close;
	}
	if (listen(srv->fd, HTTP_BACKLOG) < 0) {
		r = -errno;
		log_error("http", "-", "listen %s: %s", where, strerror(-r));
		goto fail_close;
	}
	r = netbootd_steer(nb, srv->fd);
	if (r < 0) {
		log_error("http", "-", "steering by address: %s", strerror(-r));
		goto fail_close;
	}
	r = ev_add(nb->loop, srv->fd, EPOLLIN, on_accept, srv);
	if (r < 0) {
		log_error("http", "-", "epoll: %s", strerror(-r));
		goto fail_close;
	}
	log_info("http", "-", "listening on %s (at most %d connections, %u per "
		 "address, %u requests each, idle %u ms)", where, HTTP_CONN_MAX,
		 nb->limits.http_per_ip, nb->limits.http_requests,
		 nb->limits.http_idle_ms);
	*ret = srv;
	return 0;

fail_close:
	close(srv->fd);
fail_free:
	free(srv);
	return r;
}

void http_counts(const struct http_server *srv, struct status_http *sum)
{
	if (srv == NULL)
		return;
	sum->connections += srv->n_conns;
	sum->refused_per_ip += srv->refused_per_ip;
	sum->evicted += srv->evicted;
	sum->timeouts += srv->timeouts;
}

void http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	while (!LIST_EMPTY(&srv->conns))
		conn_free(LIST_FIRST(&srv->conns));
	ev_timer_cancel(srv->nb->loop, &srv->resume);
	ev_timer_cancel(srv->nb->loop, &srv->recheck);
	ev_del(srv->nb->loop, srv->fd);
	close(srv->fd);
	free(srv);   /* every peer record went with its last connection */
}
