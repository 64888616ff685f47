/* tftp_probe.c: a TFTP client that misbehaves on purpose, for tftp.sh.
 *
 * Real clients (curl, tftp-hpa, atftp) test the good path; this one sends
 * what they never would: duplicate ACKs (Sorcerer's Apprentice), packets
 * from a wrong port, silence until the server gives up, an ACK in the
 * middle of a window, raw malformed requests. It prints one line per fact
 * it observed; the shell test asserts on those lines. Every wait is bounded
 * by poll() timeouts and every loop by a count.
 *
 *   tftp_probe IP PORT oack FILE [NAME VALUE]...   first answer to an RRQ
 *   tftp_probe IP PORT sas FILE                    duplicate ACKs
 *   tftp_probe IP PORT wrongport FILE              ERROR 5 to a stranger
 *   tftp_probe IP PORT silent FILE                 count retransmissions
 *   tftp_probe IP PORT window FILE                 ACK in mid-window
 *   tftp_probe IP PORT oneshot FILE                no retransmit unasked
 *   tftp_probe IP PORT flood FILE N [BASE NADDR]   N requests at once
 *   tftp_probe IP PORT raw HEX                     any packet, first answer
 *
 * For the hostile suite (hostile-tftp.sh):
 *   tftp_probe IP PORT spoof FILE N BASE NADDR MS [NAME VALUE]...
 *       N requests from N ports on NADDR addresses from BASE that never
 *       answer (what forged sources look like); every packet each socket
 *       gets within MS is counted
 *   tftp_probe IP PORT repeat FILE N MS            one port asks N times
 *   tftp_probe IP PORT hold FILE N MS [STOPFILE]   N verified transfers that
 *       stall, one more request, then hold them MS (or until STOPFILE
 *       exists) before all abort
 *   tftp_probe IP PORT slow FILE MS                lockstep, MS per ACK
 *   tftp_probe IP PORT switch FILE1 FILE2 0|1      another file, same port,
 *       before (0) or after (1) the first transfer was ACKed
 *   tftp_probe IP PORT future FILE                 ACK for an unsent block
 *   tftp_probe IP PORT errmid FILE                 ERROR after DATA 2
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 70000

static struct sockaddr_in server;
static uint8_t rx[BUF];

/* A UDP socket on an ephemeral port of addr (network order; 0: any). */
static int udp_socket_on(uint32_t addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = addr };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("socket");
		exit(2);
	}
	return fd;
}

static int udp_socket(void)
{
	return udp_socket_on(0);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void send_to(int fd, const struct sockaddr_in *to, const void *p, size_t n)
{
	if (sendto(fd, p, n, 0, (const struct sockaddr *)to, sizeof(*to)) != (ssize_t)n) {
		perror("sendto");
		exit(2);
	}
}

/* One datagram within ms, its length; -1 on timeout. */
static ssize_t recv_within(int fd, int ms, struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return recvfrom(fd, rx, sizeof(rx), 0, (struct sockaddr *)from, &fl);
}

static unsigned op(void) { return (unsigned)(rx[0] << 8 | rx[1]); }
static unsigned blk(void) { return (unsigned)(rx[2] << 8 | rx[3]); }

static void send_rrq(int fd, const char *file, char **opts, int nopts)
{
	uint8_t p[1024];
	size_t n = 2;

	p[0] = 0;
	p[1] = 1;
	n += (size_t)sprintf((char *)p + n, "%s", file) + 1;
	n += (size_t)sprintf((char *)p + n, "octet") + 1;
	for (int i = 0; i < nopts && n < 900; i++)
		n += (size_t)sprintf((char *)p + n, "%.60s", opts[i]) + 1;
	send_to(fd, &server, p, n);
}

static void send_ack(int fd, const struct sockaddr_in *to, unsigned b)
{
	uint8_t p[4] = { 0, 4, (uint8_t)(b >> 8), (uint8_t)b };

	send_to(fd, to, p, 4);
}

static void send_abort(int fd, const struct sockaddr_in *to)
{
	static const uint8_t p[] = "\0\5\0\0probe done";

	send_to(fd, to, p, sizeof(p));
}

static void print_packet(const char *who, ssize_t n)
{
	if (n < 0) {
		printf("%s none\n", who);
	} else if (n >= 4 && op() == 3) {
		printf("%s DATA %u len=%zd\n", who, blk(), n - 4);
	} else if (n >= 4 && op() == 5) {
		printf("%s ERROR %u %.*s\n", who, blk(), (int)strnlen((char *)rx + 4, (size_t)n - 4),
		       (char *)rx + 4);
	} else if (n >= 2 && op() == 6) {
		printf("%s OACK ", who);
		for (ssize_t i = 2; i < n; i++)
			putchar(rx[i] ? rx[i] : ' ');
		putchar('\n');
	} else {
		printf("%s other len=%zd\n", who, n);
	}
}

/* Receive DATA and ACK each until the short block. Bytes, or -1. */
static long finish(int fd, struct sockaddr_in *peer, unsigned next, long bytes)
{
	struct sockaddr_in from;

	for (int i = 0; i < 100000; i++) {
		ssize_t n = recv_within(fd, 3000, &from);

		if (n < 4 || op() != 3)
			return -1;
		if (blk() != (next & 0xffff))
			continue;
		bytes += n - 4;
		send_ack(fd, &from, next);
		*peer = from;
		next++;
		if (n - 4 < 512)
			return bytes;
	}
	return -1;
}

/* A plain RRQ (no options) from fd, then DATA 1: its payload length and
 * *peer (the server's transfer ID), or -1 after saying so. */
static long first_data(int fd, const char *file, struct sockaddr_in *peer)
{
	ssize_t n;

	send_rrq(fd, file, NULL, 0);
	n = recv_within(fd, 3000, peer);
	if (n < 4 || op() != 3 || blk() != 1) {
		printf("no DATA 1\n");
		return -1;
	}
	return n - 4;
}

static int cmd_oack(const char *file, char **opts, int nopts)
{
	struct sockaddr_in from;
	int fd = udp_socket();
	ssize_t n;

	send_rrq(fd, file, opts, nopts);
	n = recv_within(fd, 3000, &from);
	print_packet("reply", n);
	if (n >= 4 && op() != 5)
		send_abort(fd, &from);
	return 0;
}

/* RRQ, ACK 0 to the OACK, DATA 1, ACK 1, then SAS_DUPS more ACK 1 in one
 * burst. The server resends DATA 2 on its own timer (adaptive, doubling)
 * and at most once per RTO on duplicates; a server that answered every
 * duplicate (the Sorcerer's Apprentice) would send SAS_DUPS + 1 of them.
 * Counted for 1.5 s; the test asserts far fewer than the duplicates. */
#define SAS_DUPS 100
static int cmd_sas(const char *file)
{
	char *opts[] = { "timeout", "10" };
	struct sockaddr_in from, peer;
	int fd = udp_socket(), count = 0;
	ssize_t n;
	long bytes;

	send_rrq(fd, file, opts, 2);
	n = recv_within(fd, 3000, &peer);
	if (n < 2 || op() != 6)
		return printf("no OACK\n"), 1;
	send_ack(fd, &peer, 0);
	n = recv_within(fd, 3000, &from);
	if (n < 4 || op() != 3 || blk() != 1)
		return printf("no DATA 1\n"), 1;
	bytes = n - 4;
	for (int i = 0; i < 1 + SAS_DUPS; i++)
		send_ack(fd, &peer, 1);
	for (long end = now_ms() + 1500, left; (left = end - now_ms()) > 0;) {
		n = recv_within(fd, (int)left, &from);
		if (n < 0)
			break;
		if (n >= 4 && op() == 3 && blk() == 2) {
			count++;
			if (count == 1)
				bytes += n - 4;
		}
	}
	printf("sas data2 count=%d dups=%d\n", count, SAS_DUPS);
	/* the file has more than two blocks: go on to the end */
	send_ack(fd, &peer, 2);
	bytes = finish(fd, &peer, 3, bytes);
	printf("sas done bytes=%ld\n", bytes);
	return 0;
}

/* The transfer runs from socket a; socket b, a stranger, ACKs too. */
static int cmd_wrongport(const char *file)
{
	struct sockaddr_in peer, from;
	int a = udp_socket(), b = udp_socket();
	ssize_t n;
	long bytes;

	bytes = first_data(a, file, &peer);
	if (bytes < 0)
		return 1;
	send_ack(b, &peer, 1);
	n = recv_within(b, 3000, &from);
	print_packet("stranger", n);
	send_ack(a, &peer, 1);
	bytes = finish(a, &peer, 2, bytes);
	printf("wrongport done bytes=%ld\n", bytes);
	return 0;
}

/* Never ACK: count DATA 1 until the server falls silent. */
static int cmd_silent(const char *file)
{
	char *opts[] = { "timeout", "1" };
	struct sockaddr_in from;
	int fd = udp_socket(), count = 0;
	ssize_t n;

	send_rrq(fd, file, opts, 2);
	n = recv_within(fd, 3000, &from);
	if (n < 2 || op() != 6)
		return printf("no OACK\n"), 1;
	send_ack(fd, &from, 0);
	for (int i = 0; i < 50; i++) {
		n = recv_within(fd, 3000, &from);
		if (n < 0)
			break;
		if (n >= 4 && op() == 3 && blk() == 1)
			count++;
	}
	printf("silent data1 count=%d\n", count);
	return 0;
}

/* Which DATA blocks below 16 from `from` arrive within ms, as a bit set;
 * bit 15 stands for any block of 15 or more. */
static unsigned window_blocks(int fd, int ms, unsigned from)
{
	struct sockaddr_in src;
	unsigned seen = 0;

	for (long end = now_ms() + ms, left; (left = end - now_ms()) > 0;) {
		ssize_t n = recv_within(fd, (int)left, &src);

		if (n < 0)
			break;
		if (n >= 4 && op() == 3 && blk() >= from)
			seen |= 1u << (blk() < 15 ? blk() : 15);
	}
	return seen;
}

/* windowsize 4: after DATA 1..4, ACK 2 says 3 and 4 were lost; the next
 * window must start at 3 (RFC 7440 sec. 4). */
static int cmd_window(const char *file)
{
	char *opts[] = { "windowsize", "4", "timeout", "10" };
	struct sockaddr_in from, peer;
	int fd = udp_socket();
	ssize_t n;

	send_rrq(fd, file, opts, 4);
	n = recv_within(fd, 3000, &peer);
	if (n < 2 || op() != 6)
		return printf("no OACK\n"), 1;
	print_packet("window", n);
	send_ack(fd, &peer, 0);
	printf("window first");
	for (int i = 0; i < 4; i++) {
		n = recv_within(fd, 3000, &from);
		printf(" %u", n >= 4 && op() == 3 ? blk() : 0);
	}
	putchar('\n');
	/* nothing beyond the window until we ACK (the server's timer may
	 * resend 1..4 meanwhile) */
	printf("window extra %s\n", window_blocks(fd, 1000, 5) ? "some" : "none");
	send_ack(fd, &peer, 2);
	/* blocks 3..6 and no further; stale copies of 1..4 may still come */
	printf("window after-ack2");
	for (unsigned b = 3, seen = window_blocks(fd, 1000, 3); b < 16; b++)
		if (seen & (1u << b))
			printf(" %u", b);
	putchar('\n');
	send_abort(fd, &peer);
	return 0;
}

/* A client that never answers (as a forged source address never does):
 * one DATA 1 per RRQ, none from the server's timer. */
static int cmd_oneshot(const char *file)
{
	struct sockaddr_in from, peer;
	int fd = udp_socket(), count = 0;
	ssize_t n;

	send_rrq(fd, file, NULL, 0);
	/* 4 s: the server's default timer (1 s, then 2 s) fires twice */
	for (int i = 0; i < 20; i++) {
		n = recv_within(fd, 4000, &from);
		if (n < 0)
			break;
		if (n >= 4 && op() == 3 && blk() == 1) {
			count++;
			peer = from;
		}
	}
	printf("oneshot data1 count=%d\n", count);
	send_rrq(fd, file, NULL, 0);
	n = recv_within(fd, 3000, &from);
	print_packet("oneshot again", n);
	if (count)
		send_abort(fd, &peer);
	return 0;
}

/* N clients ask at once from N ports: how many get DATA 1? Collected with
 * one poll over all sockets until 1.5 s pass without news. Then each
 * aborts, so the server's slots come free at once. */
static int cmd_flood(const char *file, int n, uint32_t base, int naddr)
{
	static struct pollfd pfd[1024];
	static struct sockaddr_in peer[1024];
	static int got[1024];
	int answered = 0;

	if (n < 1 || n > 1024)
		return 2;
	for (int i = 0; i < n; i++) {
		pfd[i].fd = naddr > 0 ? udp_socket_on(htonl(ntohl(base) + (uint32_t)(i % naddr))) :
					udp_socket();
		pfd[i].events = POLLIN;
		got[i] = 0;
		send_rrq(pfd[i].fd, file, NULL, 0);
	}
	for (int round = 0; round < 10000; round++) {
		int r = poll(pfd, (nfds_t)n, 1500);

		if (r <= 0)
			break;
		for (int i = 0; i < n; i++) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t len;

			if (!(pfd[i].revents & POLLIN))
				continue;
			len = recvfrom(pfd[i].fd, rx, sizeof(rx), 0, (struct sockaddr *)&from, &fl);
			if (!got[i] && len >= 4 && op() == 3 && blk() == 1) {
				got[i] = 1;
				peer[i] = from;
				answered++;
			}
		}
	}
	printf("flood answered=%d unanswered=%d\n", answered, n - answered);
	for (int i = 0; i < n; i++) {
		if (got[i])
			send_abort(pfd[i].fd, &peer[i]);
		close(pfd[i].fd);
	}
	return 0;
}

/* Forged requests: N ports on NADDR addresses ask and never answer. Every
 * packet each socket receives within ms is counted: what one forged
 * request draws toward the address it names. */
static int cmd_spoof(const char *file, int n, uint32_t base, int naddr, int ms,
		     char **opts, int nopts)
{
	static struct pollfd pfd[1024];
	static int pkts[1024];
	int answered = 0, max = 0, total = 0;
	long end;

	if (n < 1 || n > 1024 || naddr < 1 || ms < 0 || ms > 60000)
		return 2;
	for (int i = 0; i < n; i++) {
		pfd[i].fd = udp_socket_on(htonl(ntohl(base) + (uint32_t)(i % naddr)));
		pfd[i].events = POLLIN;
		pkts[i] = 0;
	}
	for (int i = 0; i < n; i++)
		send_rrq(pfd[i].fd, file, opts, nopts);
	end = now_ms() + ms;
	for (int round = 0; round < 100000 && now_ms() < end; round++) {
		int r = poll(pfd, (nfds_t)n, (int)(end - now_ms()) > 0 ? (int)(end - now_ms()) : 0);

		if (r <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);

			if (!(pfd[i].revents & POLLIN))
				continue;
			if (recvfrom(pfd[i].fd, rx, sizeof(rx), 0, (struct sockaddr *)&from, &fl) >= 0)
				pkts[i]++;
		}
	}
	for (int i = 0; i < n; i++) {
		answered += pkts[i] > 0;
		total += pkts[i];
		if (pkts[i] > max)
			max = pkts[i];
		close(pfd[i].fd);
	}
	printf("spoof answered=%d unanswered=%d max_per_rrq=%d total=%d\n",
	       answered, n - answered, max, total);
	return 0;
}

/* One port repeats its request n times at once and never answers: how
 * many packets come back within ms? */
static int cmd_repeat(const char *file, int n, int ms)
{
	struct sockaddr_in from;
	int fd = udp_socket(), got = 0;
	long end;

	if (n < 1 || n > 10000 || ms < 0 || ms > 60000)
		return 2;
	for (int i = 0; i < n; i++)
		send_rrq(fd, file, NULL, 0);
	end = now_ms() + ms;
	for (int i = 0; i < 100000 && now_ms() < end; i++) {
		long left = end - now_ms();

		if (recv_within(fd, left > 0 ? (int)left : 0, &from) >= 0)
			got++;
	}
	printf("repeat sent=%d received=%d\n", n, got);
	return 0;
}

/* n transfers from n ports of this address, each ACKed up to its OACK so
 * the server holds them verified, then stalled (timeout 10 asked: no
 * retransmission within the hold); one more request; hold ms; abort all. */
static int cmd_hold(const char *file, int n, int ms, const char *stopfile)
{
	static int fds[1024], answered[1024];
	static struct sockaddr_in peers[1024];
	char *opts[] = { "timeout", "10" };
	struct sockaddr_in from;
	int verified = 0, extra;
	ssize_t len;
	long end;

	if (n < 1 || n > 1000 || ms < 0 || ms > 60000)
		return 2;
	for (int i = 0; i < n; i++) {
		fds[i] = udp_socket();
		answered[i] = 0;
		send_rrq(fds[i], file, opts, 2);
		len = recv_within(fds[i], 3000, &peers[i]);
		if (len < 2 || op() != 6)
			continue;
		answered[i] = 1;
		send_ack(fds[i], &peers[i], 0);
		len = recv_within(fds[i], 3000, &from);
		if (len >= 4 && op() == 3 && blk() == 1)
			verified++;
	}
	extra = udp_socket();
	send_rrq(extra, file, opts, 2);
	len = recv_within(extra, 1500, &from);
	printf("hold verified=%d ", verified);
	print_packet("extra", len);
	end = now_ms() + ms;
	while (now_ms() < end && !(stopfile && access(stopfile, F_OK) == 0))
		(void)poll(NULL, 0, 100);
	for (int i = 0; i < n; i++) {
		if (answered[i])
			send_abort(fds[i], &peers[i]);
		close(fds[i]);
	}
	printf("hold released\n");
	return 0;
}

/* A lockstep client that waits ms before each ACK, so the test can change
 * the file under a running transfer. Ends at a short block (what the
 * client takes for the end of the file) or an ERROR. */
static int cmd_slow(const char *file, int ms)
{
	char *opts[] = { "tsize", "0", "timeout", "10" };
	struct sockaddr_in peer, from;
	int fd = udp_socket();
	unsigned next = 1;
	long bytes = 0;
	ssize_t n;

	send_rrq(fd, file, opts, 4);
	n = recv_within(fd, 3000, &peer);
	if (n < 2 || op() != 6)
		return printf("no OACK\n"), 1;
	print_packet("slow", n);
	send_ack(fd, &peer, 0);
	for (int i = 0; i < 100000; i++) {
		n = recv_within(fd, 15000, &from);
		if (n < 4) {
			printf("slow silence after bytes=%ld\n", bytes);
			return 0;
		}
		if (op() == 5) {
			printf("slow ERROR %u %.*s after bytes=%ld\n", blk(),
			       (int)strnlen((char *)rx + 4, (size_t)n - 4), (char *)rx + 4, bytes);
			return 0;
		}
		if (op() != 3 || blk() != (next & 0xffff))
			continue;
		bytes += n - 4;
		if (next == 1)
			printf("slow DATA 1\n");
		if (n - 4 < 512) {
			send_ack(fd, &from, next);
			printf("slow end bytes=%ld\n", bytes);
			return 0;
		}
		(void)poll(NULL, 0, ms);
		send_ack(fd, &from, next);
		next++;
	}
	return 1;
}

/* Another file from the port of a running transfer: before its first ACK
 * (verified 0) the new request replaces it; after (1) it is ignored and
 * the first transfer goes on. */
static int cmd_switch(const char *f1, const char *f2, int verified)
{
	struct sockaddr_in a, from;
	int fd = udp_socket();
	ssize_t n;
	long bytes;

	bytes = first_data(fd, f1, &a);
	if (bytes < 0)
		return 1;
	if (verified) {
		send_ack(fd, &a, 1);
		n = recv_within(fd, 3000, &from);
		if (n < 4 || op() != 3 || blk() != 2)
			return printf("no DATA 2\n"), 1;
		bytes += n - 4;
	}
	send_rrq(fd, f2, NULL, 0);
	/* 1.5 s for an answer from a new transfer ID; the old one may resend
	 * its last block meanwhile (its 1 s timer): not an answer */
	for (int i = 0; i < 10; i++) {
		n = recv_within(fd, 1500, &from);
		if (n < 0 || from.sin_port != a.sin_port)
			break;
	}
	print_packet("switch new", n);
	if (!verified) {
		if (n >= 4)
			send_abort(fd, &from);
		return 0;
	}
	send_ack(fd, &a, 2);
	bytes = finish(fd, &a, 3, bytes);
	printf("switch done bytes=%ld\n", bytes);
	return 0;
}

/* An ACK for a block never sent is ignored; the transfer goes on. */
static int cmd_future(const char *file)
{
	struct sockaddr_in peer, from;
	int fd = udp_socket();
	long bytes;

	bytes = first_data(fd, file, &peer);
	if (bytes < 0)
		return 1;
	send_ack(fd, &peer, 7);
	print_packet("future reply", recv_within(fd, 1500, &from));
	send_ack(fd, &peer, 1);
	bytes = finish(fd, &peer, 2, bytes);
	printf("future done bytes=%ld\n", bytes);
	return 0;
}

/* ERROR in the middle of a transfer: the server frees it. */
static int cmd_errmid(const char *file)
{
	struct sockaddr_in peer, from;
	int fd = udp_socket();
	ssize_t n;

	if (first_data(fd, file, &peer) < 0)
		return 1;
	send_ack(fd, &peer, 1);
	n = recv_within(fd, 3000, &from);
	print_packet("errmid", n);
	send_abort(fd, &peer);
	/* nothing after our ERROR: the transfer is gone */
	print_packet("errmid after", recv_within(fd, 2500, &from));
	return 0;
}

static int cmd_raw(const char *hex)
{
	uint8_t p[1024];
	size_t n = 0;
	struct sockaddr_in from;
	int fd = udp_socket();

	for (size_t i = 0; hex[i] && hex[i + 1] && n < sizeof(p); i += 2) {
		unsigned v;

		if (sscanf(hex + i, "%2x", &v) != 1)
			return printf("bad hex\n"), 2;
		p[n++] = (uint8_t)v;
	}
	send_to(fd, &server, p, n);
	print_packet("reply", recv_within(fd, 1500, &from));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5) {
		fprintf(stderr, "usage: tftp_probe IP PORT oack|sas|wrongport|silent|window|oneshot|"
			"flood|raw|spoof|repeat|hold|slow|switch|future|errmid ARG...\n");
		return 2;
	}
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1)
		return 2;
	if (!strcmp(argv[3], "oack"))
		return cmd_oack(argv[4], argv + 5, argc - 5);
	if (!strcmp(argv[3], "sas"))
		return cmd_sas(argv[4]);
	if (!strcmp(argv[3], "wrongport"))
		return cmd_wrongport(argv[4]);
	if (!strcmp(argv[3], "silent"))
		return cmd_silent(argv[4]);
	if (!strcmp(argv[3], "window"))
		return cmd_window(argv[4]);
	if (!strcmp(argv[3], "oneshot"))
		return cmd_oneshot(argv[4]);
	if (!strcmp(argv[3], "flood") && argc > 7) {
		struct in_addr base;

		if (inet_pton(AF_INET, argv[6], &base) != 1)
			return 2;
		return cmd_flood(argv[4], atoi(argv[5]), base.s_addr, atoi(argv[7]));
	}
	if (!strcmp(argv[3], "flood") && argc > 5)
		return cmd_flood(argv[4], atoi(argv[5]), 0, 0);
	if (!strcmp(argv[3], "spoof") && argc > 8) {
		struct in_addr base;

		if (inet_pton(AF_INET, argv[6], &base) != 1)
			return 2;
		return cmd_spoof(argv[4], atoi(argv[5]), base.s_addr, atoi(argv[7]), atoi(argv[8]),
				 argv + 9, argc - 9);
	}
	if (!strcmp(argv[3], "repeat") && argc > 6)
		return cmd_repeat(argv[4], atoi(argv[5]), atoi(argv[6]));
	if (!strcmp(argv[3], "hold") && argc > 6)
		return cmd_hold(argv[4], atoi(argv[5]), atoi(argv[6]), argc > 7 ? argv[7] : NULL);
	if (!strcmp(argv[3], "slow") && argc > 5)
		return cmd_slow(argv[4], atoi(argv[5]));
	if (!strcmp(argv[3], "switch") && argc > 6)
		return cmd_switch(argv[4], argv[5], atoi(argv[6]));
	if (!strcmp(argv[3], "future"))
		return cmd_future(argv[4]);
	if (!strcmp(argv[3], "errmid"))
		return cmd_errmid(argv[4]);
	if (!strcmp(argv[3], "raw"))
		return cmd_raw(argv[4]);
	return 2;
}
