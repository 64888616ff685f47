/* util.h: the few hosted helpers several of netbootd's files need (one
 * copy each instead of one per protocol): what a non-regular file is, a
 * peer's "IP:port" for log lines, the http:// base of our URLs, seconds
 * since a monotonic start.
 *
 * Static inline so that every test and fuzz target that links one user
 * gets them without another source in its list.
 */
#ifndef NETBOOTD_UTIL_H
#define NETBOOTD_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

/* Room for "255.255.255.255:65535" and its NUL. */
#define NB_PEER_TEXT_MAX 32

/* What a file that is not a regular one is, for "refused NAME: WHAT"
 * (content.c) and the served-files check (filecheck.c). */
static inline const char *nb_file_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symlink";
	return "not a regular file";
}

/* "IP:port" of peer (network byte order inside), or "-" when NULL, into
 * out; out, to use in a log call. */
static inline const char *nb_peer_text(const struct sockaddr_in *peer,
				       char out[NB_PEER_TEXT_MAX])
{
	char ip[INET_ADDRSTRLEN] = "-";

	if (peer == NULL) {
		snprintf(out, NB_PEER_TEXT_MAX, "-");
		return out;
	}
	inet_ntop(AF_INET, &peer->sin_addr, ip, sizeof(ip));
	snprintf(out, NB_PEER_TEXT_MAX, "%s:%u", ip, ntohs(peer->sin_port));
	return out;
}

/* "http://HOST" or, on another port than 80, "http://HOST:PORT": the base
 * of every URL netbootd hands out (${server}). 0, or -ENAMETOOLONG when it
 * does not fit in cap bytes. */
static inline int nb_http_base(char *out, size_t cap, const char *host,
			       unsigned port)
{
	int n = port == 80 ? snprintf(out, cap, "http://%s", host) :
			     snprintf(out, cap, "http://%s:%u", host, port);

	return n > 0 && (size_t)n < cap ? 0 : -ENAMETOOLONG;
}

/* Seconds from t0 (CLOCK_MONOTONIC) to now, for log lines and history. */
static inline double nb_elapsed_s(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

#endif
