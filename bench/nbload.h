/* nbload.h: the load generator's shared state (bench/nbload.c and the three
 * protocol stages it drives).
 *
 * One simulated client is one struct nbl_client. It walks a fixed list of
 * steps, the ones a diskless PC takes from power-on to Alpine userspace:
 *
 *   BIOS (arch 0)   PXE DHCP -> TFTP NBP -> iPXE DHCP -> HTTP script ->
 *                   HTTP kernel, initramfs -> HTTP modloop, apkovl
 *   UEFI (arch 7)   PXE DHCP (+ REQUEST to 4011) -> TFTP NBP ->
 *                   HTTP boot.plan -> HTTP kernel, initramfs, modloop, apkovl
 *
 * Each step is one of three kinds (DHCP, TFTP, HTTP); the kind's module
 * owns the sockets of that step and calls nbl_step_done() or nbl_fail()
 * exactly once. Everything runs on one epoll loop in one thread, so the
 * generator itself is cheap next to the server it measures.
 */
#ifndef NBLOAD_H
#define NBLOAD_H

#include <stdint.h>
#include <netinet/in.h>

/* What every client does, in order; the names are the CSV columns. */
enum nbl_step {
	NBL_PXE_DHCP,     /* DISCOVER -> proxy OFFER [-> REQUEST 4011 -> ACK] */
	NBL_NBP,          /* TFTP the network boot program the proxy named */
	NBL_IPXE_DHCP,    /* iPXE's own DISCOVER -> script URL (BIOS flow) */
	NBL_SCRIPT,       /* HTTP boot.ipxe (BIOS) or boot.plan (UEFI) */
	NBL_KERNEL,
	NBL_INITRD,
	NBL_MODLOOP,
	NBL_APKOVL,
	NBL_TFTP_FILE,    /* tftp mode: one named file, nothing else */
	NBL_STEP_COUNT
};

enum nbl_state { NBL_WAITING, NBL_RUNNING, NBL_OK, NBL_FAILED };

/* One TFTP download as the client sees it (RFC 1350, 2347-2349, 7440). */
struct nbl_tftp {
	int fd;
	struct sockaddr_in peer;   /* port 69 until the server's TID is known */
	int have_tid;
	uint32_t blksize, windowsize;      /* asked, then granted */
	uint32_t ask_blksize, ask_windowsize;
	uint16_t last;             /* last block received in order */
	uint32_t in_window;        /* in-order blocks since our last ACK */
	uint64_t bytes, tsize;     /* tsize 0: server did not say */
	int nacked;                /* already re-ACKed since the last progress */
	char path[256];
};

/* One HTTP/1.1 GET, one connection, as Alpine's wget does it. */
struct nbl_http {
	int fd;
	int connected;
	char req[512];
	size_t req_len, req_sent;
	char head[4096];           /* response head, then a little body */
	size_t head_len;
	int in_body;
	uint64_t body_len, body_got;
	int want_script;           /* keep the first bytes of the body */
	char body_start[16];
	size_t body_start_len;
};

struct nbl;

struct nbl_client {
	struct nbl *g;
	int id;
	uint16_t arch;             /* option 93: 0 BIOS, 7 UEFI x86-64 */
	uint8_t mac[6];
	uint8_t uuid[16];
	uint32_t xid;
	struct in_addr ip;         /* its own address, as the site DHCP gave */
	enum nbl_state state;
	const enum nbl_step *steps; /* the flow, NBL_STEP_COUNT-terminated */
	int step;                  /* index into steps */
	uint64_t start_us, step_start_us;
	uint64_t step_us[NBL_STEP_COUNT]; /* duration of each step done */
	uint64_t end_us;
	uint64_t deadline_us;      /* current wait; 0: none */
	int tries;                 /* retransmissions in the current wait */
	uint32_t retrans;          /* total, for the CSV */
	/* What DHCP told us. */
	struct in_addr server;     /* next-server / option 54 */
	char bootfile[256];
	char script_url[512];
	int dhcp_phase;            /* 0 DISCOVER sent, 1 REQUEST 4011 sent */
	int send_again;            /* the last send found our buffer full */
	uint16_t boot_item;        /* PXE menu item for the 4011 REQUEST, 0 none */
	struct nbl_tftp tftp;
	struct nbl_http http;
	char err[160];
};

/* Command-line settings and the run's shared state. */
struct nbl {
	int epfd;
	int dhcp_fd;               /* port 68, shared by every client */
	char ifname[16];
	struct in_addr server;     /* --server: where TFTP/HTTP go by default */
	uint16_t http_port, tftp_port;
	uint32_t nbp_blksize_bios, nbp_blksize_efi;
	uint32_t nbp_windowsize_bios, nbp_windowsize_efi;
	const char *http_path[NBL_STEP_COUNT]; /* kernel, initrd, modloop, apkovl */
	char *files_copy;          /* --files, split in place */
	const char *plan_path;     /* UEFI second stage */
	const char *tftp_file;     /* tftp mode */
	uint32_t tftp_blksize, tftp_windowsize;
	uint32_t ack_delay_us;     /* tftp mode: the client's turnaround */
	int pxe_request;           /* -1 auto, 0 never, 1 always */
	uint32_t tftp_timeout_ms;
	int tftp_retries;
	uint32_t http_idle_ms;
	uint32_t client_deadline_ms;
	struct nbl_client *clients;
	int nclients;
	int active;                /* clients neither OK nor FAILED */
	int verbose;               /* every failure on stderr */
	uint64_t bytes_tftp, bytes_http;
	uint64_t dhcp_dropped;     /* replies not for any client of ours */
	uint32_t retrans_dhcp, retrans_tftp; /* by kind, for the summary */
	/* What a server's cap looks like from the client, counted apart from
	 * loss (issue 15 item 3): an RRQ resent because nothing answered it
	 * (netbootd drops a request at its transfer cap without a word), a
	 * TFTP ERROR that ended a transfer, and an HTTP connect whose SYN had
	 * to be resent (a full listen backlog drops the SYN). On a clean veth
	 * these have no other cause; under loss, RRQ and SYN losses add in. */
	uint32_t retrans_tftp_rrq, tftp_errors, http_syn_retrans;
};

uint64_t nbl_now_us(void);

/* Register fd with the loop for events; data is the client. 0 or -errno. */
int nbl_watch(struct nbl *g, int fd, uint32_t events, struct nbl_client *c);
int nbl_rewatch(struct nbl *g, int fd, uint32_t events, struct nbl_client *c);

/* The current step finished; go to the next or end the boot. */
void nbl_step_done(struct nbl_client *c);
/* The boot failed: record why, free the step's sockets. */
void nbl_fail(struct nbl_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *nbl_step_name(enum nbl_step s);

/* DHCP (load_dhcp.c). The socket is shared, so replies come in through
 * nbl_dhcp_input and are matched to their client by xid and MAC. */
int nbl_dhcp_open(struct nbl *g);
void nbl_dhcp_begin(struct nbl_client *c);
void nbl_dhcp_input(struct nbl *g);
void nbl_dhcp_timeout(struct nbl_client *c);

/* TFTP (load_tftp.c). */
void nbl_tftp_begin(struct nbl_client *c, const char *path,
		    uint32_t blksize, uint32_t windowsize);
void nbl_tftp_input(struct nbl_client *c);
void nbl_tftp_timeout(struct nbl_client *c);
void nbl_tftp_close(struct nbl_client *c);

/* HTTP (load_http.c). url: "http://host[:port]/path" or "/path" on
 * --server. want_script: the body must start with "#!ipxe" or "#!" (a plan
 * is checked for being non-empty only). */
void nbl_http_begin(struct nbl_client *c, const char *url, int want_script);
void nbl_http_io(struct nbl_client *c, uint32_t events);
void nbl_http_timeout(struct nbl_client *c);
void nbl_http_close(struct nbl_client *c);

#endif
