/* nbload.c: a boot-storm load generator for network boot servers.
 *
 * Simulates N diskless clients powering on together and doing what their
 * firmware, iPXE and Alpine's initramfs do (nbload.h lists the steps), with
 * the parameters real clients use: PXE ROMs fetch the NBP over TFTP with
 * blksize 1432 in lockstep (iPXE and most ROMs), EDK2 with blksize 1468 and
 * windowsize 4; DHCP retransmits on the PXE 2.1 schedule (4, 8, 16, 32 s);
 * TFTP retransmits on timeout; HTTP is one GET per connection, as busybox
 * wget does. It records each client's time per step; any error or timeout
 * is a failed boot. It does not care which server answers: netbootd and
 * dnsmasq + tftp-hpa + nginx are driven the same way (bench/run.sh).
 *
 *   nbload storm --interface IF --server ADDR --clients N [options]
 *   nbload tftp  --server ADDR --file PATH [--blksize B] [--windowsize W]
 *                [--tftp-port N] [--ack-delay-us US]
 *
 * Output: one summary line on stdout ("nbload: storm ..." or
 * "nbload: tftp ..."), per-client rows with --csv, the first errors on
 * stderr. Exit 0 when every client booted, 1 when any failed, 2 on a usage
 * error. Every wait is bounded: per-packet timeouts with bounded retries,
 * and a deadline per client (--deadline, default 600 s).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "bench/load_parse.h"
#include "bench/nbload.h"

/* The flows (nbload.h). Steps whose HTTP path is not configured are
 * skipped at run time. */
static const enum nbl_step flow_bios[] = {
	NBL_PXE_DHCP, NBL_NBP, NBL_IPXE_DHCP, NBL_SCRIPT,
	NBL_KERNEL, NBL_INITRD, NBL_MODLOOP, NBL_APKOVL, NBL_STEP_COUNT,
};
static const enum nbl_step flow_efi[] = {
	NBL_PXE_DHCP, NBL_NBP, NBL_SCRIPT,
	NBL_KERNEL, NBL_INITRD, NBL_MODLOOP, NBL_APKOVL, NBL_STEP_COUNT,
};
/* UEFI with the distribution's iPXE as NBP (snponly.efi), as the
 * hand-built stack serves UEFI clients: then iPXE's own DHCP and script. */
static const enum nbl_step flow_efi_ipxe[] = {
	NBL_PXE_DHCP, NBL_NBP, NBL_IPXE_DHCP, NBL_SCRIPT,
	NBL_KERNEL, NBL_INITRD, NBL_MODLOOP, NBL_APKOVL, NBL_STEP_COUNT,
};
static const enum nbl_step flow_tftp[] = { NBL_TFTP_FILE, NBL_STEP_COUNT };

static const char *const step_names[NBL_STEP_COUNT] = {
	[NBL_PXE_DHCP] = "pxe_dhcp", [NBL_NBP] = "nbp",
	[NBL_IPXE_DHCP] = "ipxe_dhcp", [NBL_SCRIPT] = "script",
	[NBL_KERNEL] = "kernel", [NBL_INITRD] = "initrd",
	[NBL_MODLOOP] = "modloop", [NBL_APKOVL] = "apkovl",
	[NBL_TFTP_FILE] = "tftp",
};

/* Errors printed to stderr; the rest are only counted (a storm of 1000
 * identical timeouts says nothing more than the first few). */
#define ERRORS_SHOWN 10
static int errors_shown;

const char *nbl_step_name(enum nbl_step s)
{
	return s < NBL_STEP_COUNT ? step_names[s] : "?";
}

uint64_t nbl_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int nbl_watch(struct nbl *g, int fd, uint32_t events, struct nbl_client *c)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	return epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int nbl_rewatch(struct nbl *g, int fd, uint32_t events, struct nbl_client *c)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	return epoll_ctl(g->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

static void close_step(struct nbl_client *c)
{
	nbl_tftp_close(c);
	nbl_http_close(c);
	c->deadline_us = 0;
}

static void finish(struct nbl_client *c, enum nbl_state st)
{
	close_step(c);
	c->state = st;
	c->end_us = nbl_now_us();
	c->g->active--;
}

void nbl_fail(struct nbl_client *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->state != NBL_RUNNING)
		return;
	n = snprintf(c->err, sizeof(c->err), "%s: ",
		     nbl_step_name(c->steps[c->step]));
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(c->err))
		vsnprintf(c->err + n, sizeof(c->err) - (size_t)n, fmt, ap);
	va_end(ap);
	if (errors_shown++ < ERRORS_SHOWN || c->g->verbose)
		fprintf(stderr, "nbload: client %d failed: %s\n", c->id, c->err);
	finish(c, NBL_FAILED);
}

/* "aa-bb-cc-dd-ee-ff", iPXE's ${net0/mac:hexhyp}. */
static void mac_hexhyp(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x-%02x-%02x-%02x-%02x-%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static void begin_step(struct nbl_client *c)
{
	struct nbl *g = c->g;
	enum nbl_step s = c->steps[c->step];
	char url[640], hyp[18];

	c->step_start_us = nbl_now_us();
	c->tries = 0;
	switch (s) {
	case NBL_PXE_DHCP:
	case NBL_IPXE_DHCP:
		nbl_dhcp_begin(c);
		break;
	case NBL_NBP:
		if (c->arch == 0)
			nbl_tftp_begin(c, c->bootfile, g->nbp_blksize_bios,
				       g->nbp_windowsize_bios);
		else
			nbl_tftp_begin(c, c->bootfile, g->nbp_blksize_efi,
				       g->nbp_windowsize_efi);
		break;
	case NBL_TFTP_FILE:
		nbl_tftp_begin(c, g->tftp_file, g->tftp_blksize, g->tftp_windowsize);
		break;
	case NBL_SCRIPT:
		/* After iPXE's DHCP: the script it was told; else a plan. */
		if (c->script_url[0]) {
			if (nbl_expand_ipxe_url(c->script_url, c->mac, c->uuid,
						url, sizeof(url)) < 0) {
				nbl_fail(c, "cannot expand script URL \"%s\"",
					 c->script_url);
				return;
			}
			nbl_http_begin(c, url, 1);
		} else {
			mac_hexhyp(c->mac, hyp);
			snprintf(url, sizeof(url), "%s?mac=%s", g->plan_path, hyp);
			nbl_http_begin(c, url, 0);
		}
		break;
	case NBL_KERNEL:
	case NBL_INITRD:
	case NBL_MODLOOP:
	case NBL_APKOVL:
		nbl_http_begin(c, g->http_path[s], 0);
		break;
	case NBL_STEP_COUNT:
		break;
	}
}

/* The next step that has something to do, or NBL_STEP_COUNT. */
static void advance(struct nbl_client *c)
{
	for (;;) {
		enum nbl_step s = c->steps[c->step];

		if (s == NBL_STEP_COUNT) {
			finish(c, NBL_OK);
			return;
		}
		if (s >= NBL_KERNEL && s <= NBL_APKOVL && !c->g->http_path[s]) {
			c->step++;
			continue;
		}
		begin_step(c);
		return;
	}
}

void nbl_step_done(struct nbl_client *c)
{
	enum nbl_step s = c->steps[c->step];

	close_step(c);
	c->step_us[s] = nbl_now_us() - c->step_start_us;
	c->step++;
	advance(c);
}

static void client_start(struct nbl_client *c)
{
	c->state = NBL_RUNNING;
	c->start_us = nbl_now_us();
	c->g->active++;
	advance(c);
}

/* Which protocol module owns a step's sockets and timers. */
enum nbl_kind { NBL_KIND_DHCP, NBL_KIND_TFTP, NBL_KIND_HTTP };

static enum nbl_kind step_kind(enum nbl_step s)
{
	if (s == NBL_PXE_DHCP || s == NBL_IPXE_DHCP)
		return NBL_KIND_DHCP;
	if (s == NBL_NBP || s == NBL_TFTP_FILE)
		return NBL_KIND_TFTP;
	return NBL_KIND_HTTP;
}

static void client_timeout(struct nbl_client *c)
{
	static void (*const on_timeout[])(struct nbl_client *) = {
		[NBL_KIND_DHCP] = nbl_dhcp_timeout,
		[NBL_KIND_TFTP] = nbl_tftp_timeout,
		[NBL_KIND_HTTP] = nbl_http_timeout,
	};

	on_timeout[step_kind(c->steps[c->step])](c);
}

/* DHCP replies arrive on the shared socket (nbl_dhcp_input), never here. */
static void client_io(struct nbl_client *c, uint32_t events)
{
	if (c->state != NBL_RUNNING)
		return;
	switch (step_kind(c->steps[c->step])) {
	case NBL_KIND_TFTP: nbl_tftp_input(c); break;
	case NBL_KIND_HTTP: nbl_http_io(c, events); break;
	case NBL_KIND_DHCP: break;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n), n > 0. */
static uint64_t pct(const uint64_t *v, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

static void write_csv(const struct nbl *g, const char *path)
{
	FILE *f = fopen(path, "w");
	int i, s;

	if (!f) {
		fprintf(stderr, "nbload: %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "client,arch,ok,total_ms");
	for (s = 0; s < NBL_STEP_COUNT; s++)
		fprintf(f, ",%s_ms", step_names[s]);
	fprintf(f, ",retransmits,error\n");
	for (i = 0; i < g->nclients; i++) {
		const struct nbl_client *c = &g->clients[i];

		fprintf(f, "%d,%u,%d,%.1f", c->id, c->arch, c->state == NBL_OK,
			(double)(c->end_us - c->start_us) / 1000.0);
		for (s = 0; s < NBL_STEP_COUNT; s++)
			fprintf(f, ",%.1f", (double)c->step_us[s] / 1000.0);
		fprintf(f, ",%u,\"%s\"\n", c->retrans, c->err);
	}
	fclose(f);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: nbload storm --interface IF --server ADDR --clients N [options]\n"
"       nbload tftp --server ADDR --file PATH [--blksize B] [--windowsize W]\n"
"                   [--tftp-port N] [--ack-delay-us US]\n"
"options:\n"
"  --arch bios|efi|mix       client firmware (default bios)\n"
"  --addr-base ADDR          first client address (default: kernel's choice)\n"
"  --addrs K                 client i uses addr-base + i %% K (default 1)\n"
"  --ramp-ms MS              spread client starts over MS (default 0)\n"
"  --files K,I,M,A           HTTP paths of kernel, initramfs, modloop, apkovl\n"
"                            (empty entry: skip that step)\n"
"  --plan PATH               UEFI second stage (default /boot.plan)\n"
"  --efi-ipxe                UEFI clients get iPXE as NBP and follow the\n"
"                            BIOS flow from iPXE's DHCP on (no plan)\n"
"  --pxe-request auto|always|never   REQUEST to 4011 after the proxy offer\n"
"                            (auto: UEFI clients, and offers without a file)\n"
"  --nbp-bios B,W --nbp-efi B,W      NBP TFTP blksize,windowsize\n"
"                            (default 1432,1 and 1468,4)\n"
"  --http-port N --tftp-port N       (default 80, 69)\n"
"  --tftp-timeout-ms MS --tftp-retries N  (default 1000, 6)\n"
"  --deadline S              per-client limit (default 600)\n"
"  --csv FILE                one row per client\n"
"  --verbose                 every failure on stderr, not only the first 10\n");
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_pair(const char *s, uint32_t *ret_a, uint32_t *ret_b)
{
	unsigned a, b;
	char tail;

	if (sscanf(s, "%u,%u%c", &a, &b, &tail) != 2 || a < 8 || a > 65464 ||
	    b < 1 || b > 65535)
		return -EINVAL;
	*ret_a = a;
	*ret_b = b;
	return 0;
}

/* "K,I,M,A" into http_path; strings point into a copy kept for the run. */
static int parse_files(struct nbl *g, const char *arg)
{
	static const enum nbl_step order[] = {
		NBL_KERNEL, NBL_INITRD, NBL_MODLOOP, NBL_APKOVL,
	};
	char *copy = strdup(arg), *p, *field;
	size_t i = 0;

	if (!copy)
		return -ENOMEM;
	for (p = copy; i < 4; i++) {
		field = strsep(&p, ",");
		if (!field)
			break;
		g->http_path[order[i]] = *field ? field : NULL;
	}
	if (p) {
		free(copy);
		return -EINVAL;
	}
	free(g->files_copy);
	g->files_copy = copy;   /* the paths point into it */
	return 0;
}

/* What the command line says beyond struct nbl. */
struct nbl_args {
	int tftp_mode;
	const char *csv, *arch;    /* arch: "bios", "efi" or "mix" */
	struct in_addr base;       /* first client address, 0: kernel's choice */
	unsigned long n, naddrs, ramp_ms;
	int efi_ipxe;
};

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "server", required_argument, NULL, 's' },
	{ "clients", required_argument, NULL, 'n' },
	{ "arch", required_argument, NULL, 'a' },
	{ "addr-base", required_argument, NULL, 'b' },
	{ "addrs", required_argument, NULL, 'k' },
	{ "ramp-ms", required_argument, NULL, 'r' },
	{ "files", required_argument, NULL, 'f' },
	{ "plan", required_argument, NULL, 'p' },
	{ "efi-ipxe", no_argument, NULL, 'X' },
	{ "pxe-request", required_argument, NULL, 'q' },
	{ "nbp-bios", required_argument, NULL, 'B' },
	{ "nbp-efi", required_argument, NULL, 'E' },
	{ "http-port", required_argument, NULL, 'H' },
	{ "tftp-port", required_argument, NULL, 'T' },
	{ "tftp-timeout-ms", required_argument, NULL, 'o' },
	{ "tftp-retries", required_argument, NULL, 'R' },
	{ "deadline", required_argument, NULL, 'd' },
	{ "csv", required_argument, NULL, 'c' },
	{ "file", required_argument, NULL, 'F' },
	{ "blksize", required_argument, NULL, 'z' },
	{ "windowsize", required_argument, NULL, 'w' },
	{ "ack-delay-us", required_argument, NULL, 'D' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The numeric settings of struct nbl: the range each takes, where it
 * goes (offset, and 2 for a uint16_t or 4 for a 32-bit field) and the
 * unit it is kept in (the deadline is given in seconds, kept in ms). */
static const struct {
	int opt;
	unsigned long min, max;
	size_t off;
	unsigned width;
	uint32_t scale;
} num_opts[] = {
	{ 'H', 1, 65535, offsetof(struct nbl, http_port), 2, 1 },
	{ 'T', 1, 65535, offsetof(struct nbl, tftp_port), 2, 1 },
	{ 'o', 10, 60000, offsetof(struct nbl, tftp_timeout_ms), 4, 1 },
	{ 'R', 0, 100, offsetof(struct nbl, tftp_retries), 4, 1 },
	{ 'd', 1, 86400, offsetof(struct nbl, client_deadline_ms), 4, 1000 },
	{ 'z', 8, 65464, offsetof(struct nbl, tftp_blksize), 4, 1 },
	{ 'w', 1, 65535, offsetof(struct nbl, tftp_windowsize), 4, 1 },
	{ 'D', 0, 100000, offsetof(struct nbl, ack_delay_us), 4, 1 },
};

_Static_assert(sizeof(int) == sizeof(uint32_t), "tftp_retries is written as 32 bits");

/* A numeric option into g: 1 when opt is one (0 not one), -EINVAL when
 * its value is out of range. int tftp_retries shares the 32-bit path:
 * its values (0..100) are the same in either type. */
static int apply_num(struct nbl *g, int opt, const char *arg)
{
	for (size_t i = 0; i < sizeof(num_opts) / sizeof(*num_opts); i++) {
		unsigned long v;
		uint16_t v16;
		uint32_t v32;

		if (num_opts[i].opt != opt)
			continue;
		if (parse_uint(arg, num_opts[i].max, &v) < 0 || v < num_opts[i].min)
			return -EINVAL;
		v16 = (uint16_t)v;
		v32 = (uint32_t)v * num_opts[i].scale;
		if (num_opts[i].width == 2)
			memcpy((char *)g + num_opts[i].off, &v16, sizeof(v16));
		else
			memcpy((char *)g + num_opts[i].off, &v32, sizeof(v32));
		return 1;
	}
	return 0;
}

/* One option into g or a. 0, or -EINVAL for a bad value. */
static int apply_opt(struct nbl *g, struct nbl_args *a, int opt, const char *arg,
		     int *have_server)
{
	int bad = 0, r = apply_num(g, opt, arg);

	if (r != 0)
		return r < 0 ? r : 0;
	switch (opt) {
	case 'i':
		if (strlen(arg) >= sizeof(g->ifname))
			return -EINVAL;
		strcpy(g->ifname, arg);
		break;
	case 's':
		bad = inet_pton(AF_INET, arg, &g->server) != 1;
		*have_server = 1;
		break;
	case 'n': bad = parse_uint(arg, 100000, &a->n) < 0 || a->n == 0; break;
	case 'a':
		a->arch = arg;
		bad = strcmp(arg, "bios") && strcmp(arg, "efi") && strcmp(arg, "mix");
		break;
	case 'b': bad = inet_pton(AF_INET, arg, &a->base) != 1; break;
	case 'k': bad = parse_uint(arg, 65536, &a->naddrs) < 0 || !a->naddrs; break;
	case 'r': bad = parse_uint(arg, 3600000, &a->ramp_ms) < 0; break;
	case 'f': bad = parse_files(g, arg) < 0; break;
	case 'p': g->plan_path = arg; break;
	case 'X': a->efi_ipxe = 1; break;
	case 'q':
		if (!strcmp(arg, "auto"))
			g->pxe_request = -1;
		else if (!strcmp(arg, "always"))
			g->pxe_request = 1;
		else if (!strcmp(arg, "never"))
			g->pxe_request = 0;
		else
			bad = 1;
		break;
	case 'B':
		bad = parse_pair(arg, &g->nbp_blksize_bios, &g->nbp_windowsize_bios) < 0;
		break;
	case 'E':
		bad = parse_pair(arg, &g->nbp_blksize_efi, &g->nbp_windowsize_efi) < 0;
		break;
	case 'c': a->csv = arg; break;
	case 'F': g->tftp_file = arg; break;
	case 'v': g->verbose = 1; break;
	default: return -EINVAL;
	}
	return bad ? -EINVAL : 0;
}

/* The command line into g and a. 0 to run, 1 for --help (done), 2 for a
 * usage error (reported). */
static int parse_args(int argc, char **argv, struct nbl *g, struct nbl_args *a)
{
	int opt, longidx = 0, have_server = 0;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 1;
	}
	if (argc < 2 || (strcmp(argv[1], "storm") && strcmp(argv[1], "tftp"))) {
		usage(stderr);
		return 2;
	}
	a->tftp_mode = !strcmp(argv[1], "tftp");
	optind = 2;
	while ((opt = getopt_long(argc, argv, "vh", long_opts, &longidx)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (opt == '?') {
			usage(stderr);
			return 2;
		}
		if (apply_opt(g, a, opt, optarg, &have_server) < 0) {
			fprintf(stderr, "nbload: bad value for --%s: %s\n",
				long_opts[longidx].name, optarg ? optarg : "");
			return 2;
		}
	}
	if (optind != argc || !have_server || (a->tftp_mode && !g->tftp_file) ||
	    (!a->tftp_mode && (!g->ifname[0] || g->ack_delay_us))) {
		usage(stderr);
		return 2;
	}
	if (a->tftp_mode)
		a->n = 1;
	return 0;
}

/* Every client's identity and flow; none started yet. */
static void clients_init(struct nbl *g, const struct nbl_args *a)
{
	int i;

	srandom((unsigned)getpid() ^ (unsigned)nbl_now_us());
	for (i = 0; i < g->nclients; i++) {
		struct nbl_client *c = &g->clients[i];
		int efi = !strcmp(a->arch, "efi") || (!strcmp(a->arch, "mix") && (i & 1));

		c->g = g;
		c->id = i;
		c->arch = efi ? 7 : 0;
		c->steps = a->tftp_mode ? flow_tftp : !efi ? flow_bios :
			   a->efi_ipxe ? flow_efi_ipxe : flow_efi;
		/* Locally administered, unicast; the id in the low bytes. */
		c->mac[0] = 0x02; c->mac[1] = 0x6e; c->mac[2] = 0x62;
		c->mac[3] = (uint8_t)(i >> 16); c->mac[4] = (uint8_t)(i >> 8);
		c->mac[5] = (uint8_t)i;
		memcpy(c->uuid, c->mac, 6);
		c->uuid[15] = (uint8_t)i;
		/* load_dhcp.c finds the client by the xid's low 20 bits. */
		c->xid = ((uint32_t)random() << 20) | (uint32_t)i;
		c->ip.s_addr = a->base.s_addr ?
			htonl(ntohl(a->base.s_addr) + (uint32_t)((unsigned long)i % a->naddrs)) : 0;
		c->server = g->server;
		c->tftp.fd = -1;
		c->http.fd = -1;
	}
}

/* Timeouts and deadlines of the clients started so far. */
static void scan_timeouts(struct nbl *g, int started, uint64_t now)
{
	for (int j = 0; j < started; j++) {
		struct nbl_client *c = &g->clients[j];

		if (c->state != NBL_RUNNING)
			continue;
		if (now - c->start_us > g->client_deadline_ms * 1000ull)
			nbl_fail(c, "no boot within %u s", g->client_deadline_ms / 1000);
		else if (c->deadline_us && now >= c->deadline_us)
			client_timeout(c);
	}
}

/* Start the clients (all at once, or spread over ramp_ms) and run until
 * each has booted or failed. 0, or -errno when epoll fails. */
static int run(struct nbl *g, unsigned long ramp_ms)
{
	struct epoll_event evs[256];
	uint64_t t0 = nbl_now_us(), now, last_scan = 0;
	int started = 0;

	while (started < g->nclients || g->active > 0) {
		int nev, k;

		now = nbl_now_us();
		while (started < g->nclients &&
		       (ramp_ms == 0 ||
			now >= t0 + ramp_ms * 1000u * (uint64_t)started / (uint64_t)g->nclients))
			client_start(&g->clients[started++]);
		nev = epoll_wait(g->epfd, evs, 256, g->active ? 10 : 1);
		if (nev < 0 && errno != EINTR) {
			int r = -errno;

			fprintf(stderr, "nbload: epoll_wait: %s\n", strerror(errno));
			return r;
		}
		for (k = 0; k < nev; k++) {
			if (!evs[k].data.ptr)
				nbl_dhcp_input(g);
			else
				client_io(evs[k].data.ptr, evs[k].events);
		}
		/* A scan every 5 ms is plenty for waits of 1 s and up. */
		now = nbl_now_us();
		if (now - last_scan >= 5000) {
			last_scan = now;
			scan_timeouts(g, started, now);
		}
	}
	return 0;
}

/* The summary line; returns the number of failed clients. */
static int summarize(const struct nbl *g, const struct nbl_args *a, double wall_s)
{
	uint64_t *tot = calloc((size_t)g->nclients, sizeof(*tot));
	size_t nok = 0;
	int i, nfail = 0;

	for (i = 0; i < g->nclients; i++) {
		if (g->clients[i].state == NBL_OK) {
			if (tot)
				tot[nok] = g->clients[i].end_us - g->clients[i].start_us;
			nok++;
		} else {
			nfail++;
		}
	}
	if (a->tftp_mode) {
		const struct nbl_client *c = &g->clients[0];
		double s = (double)(c->end_us - c->start_us) / 1e6;

		printf("nbload: tftp ok=%d file=%s bytes=%llu blksize=%u windowsize=%u "
		       "seconds=%.3f MBps=%.2f retransmits=%u\n",
		       c->state == NBL_OK, g->tftp_file,
		       (unsigned long long)c->tftp.bytes, c->tftp.blksize,
		       c->tftp.windowsize, s,
		       s > 0 ? (double)c->tftp.bytes / s / 1e6 : 0.0, c->retrans);
	} else {
		int have = tot && nok;

		if (have)
			qsort(tot, nok, sizeof(*tot), cmp_u64);
		printf("nbload: storm clients=%d ok=%zu failed=%d arch=%s "
		       "p50_ms=%.0f p99_ms=%.0f max_ms=%.0f wall_s=%.3f "
		       "tftp_bytes=%llu http_bytes=%llu dhcp_retransmits=%u "
		       "tftp_retransmits=%u tftp_rrq_retransmits=%u tftp_errors=%u "
		       "http_syn_retransmits=%u\n",
		       g->nclients, nok, nfail, a->arch,
		       have ? (double)pct(tot, nok, 50) / 1000.0 : 0.0,
		       have ? (double)pct(tot, nok, 99) / 1000.0 : 0.0,
		       have ? (double)tot[nok - 1] / 1000.0 : 0.0, wall_s,
		       (unsigned long long)g->bytes_tftp,
		       (unsigned long long)g->bytes_http, g->retrans_dhcp,
		       g->retrans_tftp, g->retrans_tftp_rrq, g->tftp_errors,
		       g->http_syn_retrans);
	}
	free(tot);
	return nfail;
}

int main(int argc, char **argv)
{
	struct nbl g = {
		.epfd = -1, .dhcp_fd = -1, .http_port = 80, .tftp_port = 69,
		.nbp_blksize_bios = 1432, .nbp_windowsize_bios = 1,
		.nbp_blksize_efi = 1468, .nbp_windowsize_efi = 4,
		.plan_path = "/boot.plan", .pxe_request = -1,
		.tftp_timeout_ms = 1000, .tftp_retries = 6,
		.http_idle_ms = 30000, .client_deadline_ms = 600000,
		.tftp_blksize = 512, .tftp_windowsize = 1,
	};
	struct nbl_args a = { .arch = "bios", .n = 1, .naddrs = 1 };
	struct rlimit rl;
	uint64_t t0;
	int r, rc = 1;

	r = parse_args(argc, argv, &g, &a);
	if (r)
		return r == 1 ? 0 : 2;
	/* An ACK delay of 200 us should not become 250 us of timer slack. */
	if (g.ack_delay_us)
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	/* A storm of 1000 needs 1000 sockets and more: raise the soft limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	g.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (g.epfd < 0) {
		fprintf(stderr, "nbload: epoll: %s\n", strerror(errno));
		goto out;
	}
	g.clients = calloc(a.n, sizeof(*g.clients));
	if (!g.clients) {
		fprintf(stderr, "nbload: %lu clients: %s\n", a.n, strerror(errno));
		goto out;
	}
	g.nclients = (int)a.n;
	if (!a.tftp_mode && nbl_dhcp_open(&g) < 0)
		goto out;
	clients_init(&g, &a);

	t0 = nbl_now_us();
	if (run(&g, a.ramp_ms) < 0)
		goto out;
	if (a.csv)
		write_csv(&g, a.csv);
	rc = summarize(&g, &a, (double)(nbl_now_us() - t0) / 1e6) ? 1 : 0;

out:
	free(g.clients);
	free(g.files_copy);
	if (g.dhcp_fd >= 0)
		close(g.dhcp_fd);
	if (g.epfd >= 0)
		close(g.epfd);
	return rc;
}
