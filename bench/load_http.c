/* load_http.c: one HTTP/1.1 GET per connection (RFC 9110, RFC 9112), the
 * way Alpine's initramfs fetches with busybox wget and iPXE fetches its
 * script: connect, send the request with "Connection: close", read the
 * head, then exactly Content-Length bytes of body.
 *
 * Only a 200 with a Content-Length counts; anything else, a connection
 * closed early, or no progress for http_idle_ms fails the boot. The body
 * is discarded in the kernel (recv with MSG_TRUNC on a TCP socket drops the
 * bytes without copying them), so the generator stays cheap next to the
 * servers it measures; the first bytes of a boot script are kept to check
 * that it is one ("#!ipxe").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench/load_parse.h"
#include "bench/nbload.h"

#define RECV_CHUNK (1u << 20)
#define RECVS_PER_WAKEUP 16

void nbl_http_close(struct nbl_client *c)
{
	if (c->http.fd >= 0) {
		close(c->http.fd);
		c->http.fd = -1;
	}
}

static void arm(struct nbl_client *c)
{
	c->deadline_us = nbl_now_us() + (uint64_t)c->g->http_idle_ms * 1000u;
}

void nbl_http_begin(struct nbl_client *c, const char *url, int want_script)
{
	struct nbl_http *h = &c->http;
	struct sockaddr_in sa, me = { .sin_family = AF_INET, .sin_addr = c->ip };
	const char *path;
	char host[64];
	int n;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	h->want_script = want_script;
	if (nbl_parse_url(url, c->server, c->g->http_port, &sa, &path, host,
			  sizeof(host)) < 0) {
		nbl_fail(c, "bad URL \"%s\"", url);
		return;
	}
	n = snprintf(h->req, sizeof(h->req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Wget\r\n"
		     "Connection: close\r\n\r\n", path, host);
	if (n < 0 || (size_t)n >= sizeof(h->req)) {
		nbl_fail(c, "URL too long");
		return;
	}
	h->req_len = (size_t)n;

	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0) {
		nbl_fail(c, "socket: %s", strerror(errno));
		return;
	}
	/* Many clients share one address: let the kernel pick a free port
	 * at connect time rather than at bind time. */
	{
		int one = 1;

		setsockopt(h->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			   sizeof(one));
	}
	if (c->ip.s_addr && bind(h->fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		nbl_fail(c, "bind %s: %s", inet_ntoa(c->ip), strerror(errno));
		return;
	}
	if (connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EINPROGRESS) {
		nbl_fail(c, "connect %s: %s", url, strerror(errno));
		return;
	}
	if (nbl_watch(c->g, h->fd, EPOLLOUT, c) < 0) {
		nbl_fail(c, "epoll: %s", strerror(errno));
		return;
	}
	arm(c);
}

void nbl_http_timeout(struct nbl_client *c)
{
	struct nbl_http *h = &c->http;

	nbl_fail(c, "no progress for %u s (%s, %llu of %llu body bytes)",
		 c->g->http_idle_ms / 1000,
		 !h->connected ? "connecting" : h->in_body ? "body" : "head",
		 (unsigned long long)h->body_got, (unsigned long long)h->body_len);
}

/* The head is complete in h->head[0..end): status 200 and a
 * Content-Length, or the boot fails. 0 or -EBADMSG (already reported). */
static int check_head(struct nbl_client *c, size_t end)
{
	struct nbl_http *h = &c->http;
	uint64_t clen;
	int status, r;

	r = nbl_parse_http_head(h->head, end, &status, &clen);
	if (r == -ENOENT) {
		nbl_fail(c, "no Content-Length");
		return -EBADMSG;
	}
	if (r < 0) {
		nbl_fail(c, "malformed response head");
		return -EBADMSG;
	}
	if (status != 200) {
		nbl_fail(c, "HTTP status %d", status);
		return -EBADMSG;
	}
	h->body_len = clen;
	return 0;
}

static void body_bytes(struct nbl_client *c, const char *p, size_t n)
{
	struct nbl_http *h = &c->http;

	if (h->want_script && h->body_start_len < sizeof(h->body_start) && p) {
		size_t k = sizeof(h->body_start) - h->body_start_len;

		if (k > n)
			k = n;
		memcpy(h->body_start + h->body_start_len, p, k);
		h->body_start_len += k;
	}
	h->body_got += n;
	c->g->bytes_http += n;
}

/* The body is complete: check it, end the step. */
static void body_done(struct nbl_client *c)
{
	struct nbl_http *h = &c->http;

	if (h->want_script &&
	    (h->body_start_len < 6 || memcmp(h->body_start, "#!ipxe", 6))) {
		nbl_fail(c, "script does not start with #!ipxe");
		return;
	}
	if (!h->want_script && c->steps[c->step] == NBL_SCRIPT && !h->body_len) {
		nbl_fail(c, "empty boot plan");
		return;
	}
	nbl_step_done(c);
}

static void read_head(struct nbl_client *c)
{
	struct nbl_http *h = &c->http;
	ssize_t n;
	char *end;
	size_t hend, extra;

	n = recv(h->fd, h->head + h->head_len, sizeof(h->head) - 1 - h->head_len, 0);
	if (n == 0) {
		nbl_fail(c, "connection closed before the response head");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			nbl_fail(c, "recv: %s", strerror(errno));
		return;
	}
	h->head_len += (size_t)n;
	h->head[h->head_len] = '\0';
	end = strstr(h->head, "\r\n\r\n");
	if (!end) {
		if (h->head_len >= sizeof(h->head) - 1)
			nbl_fail(c, "response head over %zu bytes", sizeof(h->head));
		return;
	}
	hend = (size_t)(end - h->head) + 4;
	extra = h->head_len - hend;
	if (check_head(c, hend) < 0)
		return;
	h->in_body = 1;
	if (extra > h->body_len) {
		nbl_fail(c, "more bytes than Content-Length");
		return;
	}
	body_bytes(c, h->head + hend, extra);
	if (h->body_got == h->body_len)
		body_done(c);
}

/* Connected: did the SYN have to be resent? A listen backlog that is full
 * drops the SYN (the kernel's ListenDrops) and the client resends it after
 * 1 s, so a server at its accept cap shows here, apart from data loss. */
static void count_syn_retrans(struct nbl_client *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c->http.fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    ti.tcpi_total_retrans > 0)
		c->g->http_syn_retrans++;
}

void nbl_http_io(struct nbl_client *c, uint32_t events)
{
	struct nbl_http *h = &c->http;

	if (!h->connected) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err) {
			nbl_fail(c, "connect: %s", strerror(err));
			return;
		}
		if (!(events & (EPOLLOUT | EPOLLIN)))
			return;
		h->connected = 1;
		count_syn_retrans(c);
	}
	if (h->req_sent < h->req_len) {
		ssize_t n = send(h->fd, h->req + h->req_sent, h->req_len - h->req_sent,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				nbl_fail(c, "send: %s", strerror(errno));
			return;
		}
		h->req_sent += (size_t)n;
		arm(c);
		if (h->req_sent == h->req_len &&
		    nbl_rewatch(c->g, h->fd, EPOLLIN, c) < 0)
			nbl_fail(c, "epoll: %s", strerror(errno));
		return;
	}
	if (!h->in_body) {
		read_head(c);
		if (c->state != NBL_RUNNING || !h->in_body || h->fd < 0)
			return;
		arm(c);
		return;
	}
	for (int i = 0; i < RECVS_PER_WAKEUP && h->fd >= 0; i++) {
		uint64_t left = h->body_len - h->body_got;
		size_t want = left < RECV_CHUNK ? (size_t)left : RECV_CHUNK;
		char small[sizeof(h->body_start)];
		int script = h->want_script && h->body_start_len < sizeof(small);
		ssize_t n;

		if (want == 0) {
			/* Content-Length 0 ends at the head; not reached. */
			body_done(c);
			return;
		}
		if (script && want > sizeof(small))
			want = sizeof(small);
		n = recv(h->fd, script ? small : NULL, want,
			 script ? 0 : MSG_TRUNC);
		if (n == 0) {
			nbl_fail(c, "connection closed at %llu of %llu body bytes",
				 (unsigned long long)h->body_got,
				 (unsigned long long)h->body_len);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				nbl_fail(c, "recv: %s", strerror(errno));
			break;
		}
		body_bytes(c, script ? small : NULL, (size_t)n);
		if (h->body_got == h->body_len) {
			body_done(c);
			return;
		}
	}
	if (c->state == NBL_RUNNING)
		arm(c);
}
