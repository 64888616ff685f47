/* netbootd.h: what the daemon's parts share.
 *
 * main.c parses the command line and netbootd.conf, fills one struct
 * netbootd, starts each protocol (each binds its sockets in *_start), drops
 * privileges, then runs the loop. A protocol module sees only this struct
 * and its own state; it never reaches into another module.
 */
#ifndef NETBOOTD_H
#define NETBOOTD_H

#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "embed/config.h"
#include "server-min/event.h"

/* Malformed input is dropped and counted; the counts are logged at exit and
 * shown on /status. */
struct netbootd_stats {
	uint64_t dhcp_answered, dhcp_ignored, dhcp_malformed;
	uint64_t tftp_started, tftp_done, tftp_failed, tftp_malformed;
	uint64_t http_requests, http_malformed;
};

struct netbootd {
	struct ev_loop *loop;
	const struct nb_config *config;   /* netbootd.conf, defaults when none */
	int root_fd;                      /* O_PATH|O_DIRECTORY of --root */
	const char *root;                 /* --root as given, for messages */
	int ipxe_fd;                      /* the distribution's iPXE dir, or -1 */
	int efi_fd;                       /* where our alpineboot.efi was installed, or -1 */
	struct in_addr addr;              /* our IPv4 address */
	char ifname[IF_NAMESIZE];         /* "" when no --interface */
	uint16_t http_port, tftp_port;
	int dhcp_on, tftp_on, http_on;
	char http_base[64];               /* "http://ADDR" or "http://ADDR:PORT" */
	struct netbootd_stats stats;
};

struct proxydhcp;
struct tftp_server;
struct http_server;

/* Each binds its sockets and registers them with nb->loop.
 * 0, or -errno after logging what failed. *_stop closes everything. */
int proxydhcp_start(struct netbootd *nb, struct proxydhcp **ret);
void proxydhcp_stop(struct proxydhcp *d);
int tftp_start(struct netbootd *nb, struct tftp_server **ret);
void tftp_stop(struct tftp_server *t);
int http_start(struct netbootd *nb, struct http_server **ret);
void http_stop(struct http_server *h);

#endif
