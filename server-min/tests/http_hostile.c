/* http_hostile.c: the misbehaving HTTP clients of tests/hostile-http.sh and
 * tests/http.sh, on real sockets, each bounded in count and time.
 *
 *   http_hostile [-s SRC[,SRC...]] [-p PORT] SERVER CMD ARGS...
 *
 *   hold N SECONDS [GAP_MS]
 *       open N connections, spread round-robin over the SRC addresses, and
 *       hold them for SECONDS; with GAP_MS, send a tiny request on each
 *       every GAP_MS and read the answers. Prints "held H" once every
 *       connect finished (H: connected and not yet closed by the server),
 *       then at the end "connected C refused R closed K answered A", where
 *       refused counts connections the server closed within 1 s without
 *       answering a request of ours (a 503 counts as refused too). "held"
 *       comes a second after the last connect; SECONDS counts from the
 *       first.
 *   lines LINE_LEN TOTAL GAP_MS
 *       one request whose head (about TOTAL bytes) goes out one header line
 *       of LINE_LEN bytes per send, GAP_MS apart; prints the status line.
 *   trickle GAP_MS MAX_S
 *       a head one byte every GAP_MS; prints "closed after S s status X"
 *       (X: the status of an answer, 0 for none) when the server closes.
 *   keepalive N GAP_MS
 *       up to N tiny requests on one connection, each after the answer to
 *       the last, GAP_MS apart; prints "answered A close_at C eof E":
 *       C is the number of the answer that said "Connection: close" (0 for
 *       none), E is 1 when the server then closed.
 *   slowread PATH RATE SECONDS
 *       GET PATH with a small receive buffer, then read RATE bytes a second
 *       for at most SECONDS; prints "read B eof E".
 *   silent SECONDS
 *       connect, send nothing; prints "closed after S s" or "open".
 *   noread PATH SECONDS
 *       GET PATH, then read nothing for SECONDS; prints "done".
 *
 * Exit status 0 when the run went as far as its printout says, 2 on bad
 * arguments or when a socket could not be made at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SRC   512
#define MAX_CONNS 8192
#define TINY_REQ  "GET /small.txt HTTP/1.1\r\nHost: h\r\n\r\n"

static struct in_addr srcs[MAX_SRC];
static int n_srcs;
static struct sockaddr_in server;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "http_hostile: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* A socket from source i (round-robin), connect started or done; -1. */
static int open_conn(int i, int nonblock, int rcvbuf)
{
	int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int one = 1;

	if (fd < 0)
		return -1;
	struct timeval tv = { 5, 0 };   /* a blocking connect gives up */

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (n_srcs > 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr = srcs[i % n_srcs] };
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			goto fail;
	}
	if (connect(fd, (struct sockaddr *)&server, sizeof(server)) < 0 &&
	    errno != EINPROGRESS)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* A blocking connection from the first source, rcvbuf as for open_conn;
 * exit 2 when it cannot be made at all (no run to report). */
static int open_one(int rcvbuf)
{
	int fd = open_conn(0, 0, rcvbuf);

	if (fd < 0) {
		fprintf(stderr, "http_hostile: cannot connect: %s\n", strerror(errno));
		exit(2);
	}
	return fd;
}

/* open_one, then "GET path" sent on it. */
static int open_get(const char *path, int rcvbuf)
{
	char req[512];
	int fd = open_one(rcvbuf);

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", path);
	send(fd, req, strlen(req), MSG_NOSIGNAL);
	return fd;
}

/* Read one answer's head and body (Content-Length framed) from a blocking
 * fd. The status, or 0 on EOF/error; *close_seen when it said so. */
static int read_answer(int fd, int *close_seen)
{
	char buf[8192];
	size_t len = 0;
	char *end = NULL, *cl;
	long body = 0, have;
	int status = 0;

	while (end == NULL) {
		ssize_t n;

		if (len + 1 >= sizeof(buf))
			return 0;
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (n <= 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	sscanf(buf, "HTTP/1.%*d %d", &status);
	*close_seen = strstr(buf, "Connection: close") != NULL &&
		strstr(buf, "Connection: close") < end;
	cl = strstr(buf, "Content-Length: ");
	if (cl && cl < end)
		body = strtol(cl + 16, NULL, 10);
	have = (long)(len - (size_t)(end + 4 - buf));
	while (have < body) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0)
			return 0;
		have += n;
	}
	return status;
}

/* What hold keeps of its connections. */
enum hold_state { HOLD_OPEN, HOLD_REFUSED, HOLD_CLOSED };
struct hold {
	long n;
	int fds[MAX_CONNS];
	double t_open[MAX_CONNS];
	enum hold_state state[MAX_CONNS];
	struct pollfd pfd[MAX_CONNS];
	int connected, refused, closed, answered;
};

/* Open h->n connections; those not made within secs of t0 count as
 * refused. */
static void hold_connect(struct hold *h, double t0, long secs)
{
	for (long i = 0; i < h->n; i++) {
		h->fds[i] = -1;
		/* connects this slow: the rest count as refused */
		if (now_s() - t0 <= (double)secs) {
			h->fds[i] = open_conn((int)i, 0, 0);
			h->t_open[i] = now_s();
		}
		if (h->fds[i] < 0) {
			h->state[i] = HOLD_REFUSED;
			h->refused++;
			continue;
		}
		h->state[i] = HOLD_OPEN;
		h->connected++;
		fcntl(h->fds[i], F_SETFL, O_NONBLOCK);
	}
}

/* Connection i is readable: answers to our tiny requests are counted; an
 * end within 1 s of connecting, or a 503, is a refusal, a later end a
 * close. */
static void hold_recv(struct hold *h, long i)
{
	char buf[4096];
	ssize_t r = recv(h->fds[i], buf, sizeof(buf), 0);

	if (r > 0 && strncmp(buf, "HTTP/1.1 503", 12) != 0) {
		for (char *p = buf; (p = memmem(p, (size_t)(buf + r - p),
					       "HTTP/1.1 ", 9)) != NULL; p += 9)
			h->answered++;
		return;
	}
	if (r < 0 && errno == EAGAIN)
		return;
	if (now_s() - h->t_open[i] < 1.0 || r > 0) {
		h->state[i] = HOLD_REFUSED;
		h->refused++;
	} else {
		h->state[i] = HOLD_CLOSED;
		h->closed++;
	}
	close(h->fds[i]);
}

static int cmd_hold(char **argv)
{
	static struct hold h;
	long secs, gap = 0;
	int said_held = 0;
	double t0 = now_s(), next_send, t_held;

	h.n = num(argv[0], 1, MAX_CONNS);
	secs = num(argv[1], 1, 600);
	if (argv[2] != NULL)   /* main's argv ends with NULL */
		gap = num(argv[2], 1, 600000);
	hold_connect(&h, t0, secs);
	next_send = gap ? now_s() + (double)gap / 1000 : 1e18;
	t_held = now_s() + 1.0;
	while (now_s() - t0 < (double)secs) {
		/* A second after the last connect the server has refused what
		 * it refuses: say what is held. */
		if (!said_held && now_s() >= t_held) {
			int held = 0;

			for (long i = 0; i < h.n; i++)
				held += h.state[i] == HOLD_OPEN;
			printf("held %d\n", held);
			said_held = 1;
		}
		for (long i = 0; i < h.n; i++) {
			h.pfd[i].fd = h.state[i] == HOLD_OPEN ? h.fds[i] : -1;
			h.pfd[i].events = POLLIN;
		}
		if (poll(h.pfd, (nfds_t)h.n, 100) < 0 && errno != EINTR)
			break;
		for (long i = 0; i < h.n; i++)
			if (h.state[i] == HOLD_OPEN &&
			    (h.pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				hold_recv(&h, i);
		if (now_s() >= next_send) {
			for (long i = 0; i < h.n; i++)
				if (h.state[i] == HOLD_OPEN)
					send(h.fds[i], TINY_REQ, sizeof(TINY_REQ) - 1,
					     MSG_NOSIGNAL);
			next_send = now_s() + (double)gap / 1000;
		}
	}
	printf("connected %d refused %d closed %d answered %d\n", h.connected,
	       h.refused, h.closed, h.answered);
	return 0;
}

static int cmd_lines(char **argv)
{
	long line_len, total, gap;
	char line[4096];
	int fd, close_seen = 0, status;
	long sent = 0;

	line_len = num(argv[0], 8, (long)sizeof(line) - 1);
	total = num(argv[1], 0, 1 << 24);
	gap = num(argv[2], 0, 10000);
	fd = open_one(0);
	send(fd, "GET /small.txt HTTP/1.1\r\nHost: h\r\n", 34, MSG_NOSIGNAL);
	memset(line, 'a', (size_t)line_len);
	memcpy(line, "X-L: ", 5);
	memcpy(line + line_len - 2, "\r\n", 2);
	for (long i = 0; sent < total && i < 100000; i++) {
		if (send(fd, line, (size_t)line_len, MSG_NOSIGNAL) < 0)
			break;
		sent += line_len;
		if (gap)
			sleep_ms(gap);
	}
	send(fd, "\r\n", 2, MSG_NOSIGNAL);
	status = read_answer(fd, &close_seen);
	printf("status %d sent %ld\n", status, sent);
	close(fd);
	return 0;
}

/* Wait up to ms for fd to be readable; 1 readable, 0 not. */
static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

static int cmd_trickle(char **argv)
{
	static const char head[] = "GET /small.txt HTTP/1.1\r\nHost: h\r\nX-Slow: "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	long gap, max_s;
	double t0 = now_s();
	int fd, status = 0;
	size_t i = 0;

	gap = num(argv[0], 1, 60000);
	max_s = num(argv[1], 1, 600);
	fd = open_one(0);
	while (now_s() - t0 < (double)max_s) {
		if (readable(fd, (int)gap)) {
			char buf[512];
			ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

			if (n > 0) {
				buf[n] = '\0';
				sscanf(buf, "HTTP/1.%*d %d", &status);
				continue;
			}
			printf("closed after %.1f s status %d\n", now_s() - t0, status);
			return 0;
		}
		if (i < sizeof(head) - 1 &&
		    send(fd, head + i, 1, MSG_NOSIGNAL) == 1)
			i++;
	}
	printf("open after %.1f s\n", now_s() - t0);
	return 0;
}

static int cmd_keepalive(char **argv)
{
	long n, gap;
	int fd, answered = 0, close_at = 0, eof = 0;

	n = num(argv[0], 1, 100000);
	gap = num(argv[1], 0, 60000);
	fd = open_one(0);
	for (long i = 0; i < n; i++) {
		int close_seen = 0;

		if (send(fd, TINY_REQ, sizeof(TINY_REQ) - 1, MSG_NOSIGNAL) < 0)
			break;
		if (read_answer(fd, &close_seen) == 0)
			break;
		answered++;
		if (close_seen) {
			close_at = answered;
			break;
		}
		if (gap)
			sleep_ms(gap);
	}
	if (readable(fd, 5000)) {
		char c;

		eof = recv(fd, &c, 1, 0) <= 0;
	}
	printf("answered %d close_at %d eof %d\n", answered, close_at, eof);
	close(fd);
	return 0;
}

static int cmd_slowread(char **argv)
{
	char buf[65536];
	long rate, secs, got = 0;
	double t0 = now_s();
	int fd, eof = 0;

	rate = num(argv[1], 1, (long)sizeof(buf));
	secs = num(argv[2], 1, 600);
	fd = open_get(argv[0], 4096);
	while (!eof && now_s() - t0 < (double)secs) {
		long want = rate;

		while (want > 0 && readable(fd, 0)) {
			ssize_t n = recv(fd, buf, (size_t)want, 0);

			if (n <= 0) {
				eof = 1;
				break;
			}
			got += n;
			want -= n;
		}
		sleep_ms(1000);
	}
	printf("read %ld eof %d\n", got, eof);
	close(fd);
	return 0;
}

static int cmd_silent(char **argv)
{
	double t0 = now_s();
	long secs;
	int fd;

	secs = num(argv[0], 1, 600);
	fd = open_one(0);
	if (readable(fd, (int)(secs * 1000))) {
		char c;

		if (recv(fd, &c, 1, 0) <= 0) {
			printf("closed after %.1f s\n", now_s() - t0);
			return 0;
		}
	}
	printf("open\n");
	return 0;
}

static int cmd_noread(char **argv)
{
	long secs;
	int fd;

	secs = num(argv[1], 1, 600);
	fd = open_get(argv[0], 0);
	sleep_ms(secs * 1000);
	printf("done\n");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	/* The commands and how many arguments each needs at least (the
	 * usage at the top of this file). */
	static const struct {
		const char *name;
		int (*fn)(char **argv);
		int min_args;
	} cmds[] = {
		{ "hold", cmd_hold, 2 }, { "lines", cmd_lines, 3 },
		{ "trickle", cmd_trickle, 2 }, { "keepalive", cmd_keepalive, 2 },
		{ "slowread", cmd_slowread, 3 }, { "silent", cmd_silent, 1 },
		{ "noread", cmd_noread, 2 },
	};
	int opt, port = 80;

	while ((opt = getopt(argc, argv, "+s:p:")) != -1) {
		if (opt == 's') {
			for (char *tok = strtok(optarg, ","); tok && n_srcs < MAX_SRC;
			     tok = strtok(NULL, ","))
				if (inet_pton(AF_INET, tok, &srcs[n_srcs++]) != 1)
					return 2;
		} else if (opt == 'p') {
			port = (int)num(optarg, 1, 65535);
		} else {
			return 2;
		}
	}
	if (argc - optind < 2)
		goto usage;
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, argv[optind], &server.sin_addr) != 1)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, argv[optind + 1]) == 0 &&
		    argc - optind - 2 >= cmds[i].min_args)
			return cmds[i].fn(argv + optind + 2);
usage:
	fprintf(stderr, "usage: http_hostile [-s SRC,...] [-p PORT] SERVER "
		"hold|lines|trickle|keepalive|slowread|silent|noread ARGS...\n");
	return 2;
}
