/* main.c: netbootd's life: parse, bind, drop privileges, one loop, exit.
 *
 * Command line (a contract; docs/netbootd.8):
 *   netbootd --root DIR [--listen ADDR] [--interface IFACE] [--config FILE]
 *            [--http-port N] [--tftp-port N] [--no-dhcp] [--no-tftp] [--no-http]
 *            [--workers N] [--user NAME] [--log-level LEVEL] [--log-file PATH] [--log-format text|json]
 *            [--check-config] [--version] [--help]
 *
 * Precedence: command line, then the [server] section of --config, then the
 * defaults. Anything wrong with a flag or the file is reported as
 * "FILE:LINE: what is wrong" (or "netbootd: ...") and exits 2 before a
 * single socket is bound. A bind failure exits 1. SIGTERM and SIGINT stop
 * the loop; every module closes its sockets; exit 0.
 *
 * SIGHUP re-reads --config (a closed terminal or a supervisor's reload must
 * not end every transfer): the new config is parsed beside the old one and
 * swapped in between events only when it is whole; a broken one is logged
 * as "FILE:LINE: ..." and the old one stays. SIGUSR1 reopens --log-file
 * (logrotate). Both arrive through a signalfd in the loop, so they act
 * between events, never inside one.
 *
 * --workers N ([server] workers; default one per online CPU): TFTP and
 * HTTP run in N event loops, one thread each (workers.c); proxyDHCP, the
 * signals and the log pump stay on the main thread's loop. N = 1 is the
 * single loop of old, serving everything, without a thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <ifaddrs.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <dirent.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "embed/config.h"
#include "plan/str.h"
#include "server-min/clients.h"
#include "server-min/config_load.h"
#include "server-min/content.h"
#include "server-min/filecheck.h"
#include "server-min/history.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"
#include "server-min/util.h"
#include "server-min/plansign.h"
#include "server-min/status.h"
#include "server-min/workers.h"

#define NETBOOTD_VERSION "0.1.0"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char usage_text[] =
	"usage: netbootd --root DIR [--listen ADDR] [--interface IFACE] [--config FILE]\n"
	"                [--http-port N] [--tftp-port N] [--no-dhcp] [--no-tftp] [--no-http]\n"
	"                [--workers N] [--user NAME] [--log-level error|warn|info|debug]\n"
	"                [--log-file PATH] [--log-format text|json]\n"
	"                [--check-config] [--version] [--help]\n"
	"\n"
	"Serves network boot for diskless Alpine Linux clients: proxyDHCP (udp 67,\n"
	"4011), TFTP (udp 69) and HTTP (tcp 80) from one process, beside the site's\n"
	"own DHCP server. See netbootd(8) and netbootd.conf(5).\n";

/* Where distribution boot loaders live: Debian first, then Alpine. */
static const char *const ipxe_dirs[] = { "/usr/lib/ipxe", "/usr/share/ipxe" };
/* NETBOOTD_LIBDIR: $(PREFIX)/lib/netbootd of the build (packaging/rules.mk),
 * where `make install` puts alpineboot*.efi; the usual two follow. */
#ifndef NETBOOTD_LIBDIR
#define NETBOOTD_LIBDIR "/usr/local/lib/netbootd"
#endif
static const char *const efi_dirs[] = {
	NETBOOTD_LIBDIR, "/usr/local/lib/netbootd", "/usr/lib/netbootd",
};

enum opt_id {
	OPT_ROOT = 'r', OPT_LISTEN = 'l', OPT_IFACE = 'i', OPT_CONFIG = 'c',
	OPT_HELP = 'h', OPT_VERSION = 'V',
	OPT_HTTP_PORT = 256, OPT_TFTP_PORT, OPT_NO_DHCP, OPT_NO_TFTP, OPT_NO_HTTP,
	OPT_USER, OPT_LOG_LEVEL, OPT_CHECK, OPT_LOG_FILE, OPT_LOG_FORMAT, OPT_WORKERS,
};

static const struct option long_opts[] = {
	{ "root",         required_argument, NULL, OPT_ROOT },
	{ "listen",       required_argument, NULL, OPT_LISTEN },
	{ "interface",    required_argument, NULL, OPT_IFACE },
	{ "config",       required_argument, NULL, OPT_CONFIG },
	{ "http-port",    required_argument, NULL, OPT_HTTP_PORT },
	{ "tftp-port",    required_argument, NULL, OPT_TFTP_PORT },
	{ "no-dhcp",      no_argument,       NULL, OPT_NO_DHCP },
	{ "no-tftp",      no_argument,       NULL, OPT_NO_TFTP },
	{ "no-http",      no_argument,       NULL, OPT_NO_HTTP },
	{ "workers",      required_argument, NULL, OPT_WORKERS },
	{ "user",         required_argument, NULL, OPT_USER },
	{ "log-level",    required_argument, NULL, OPT_LOG_LEVEL },
	{ "log-file",     required_argument, NULL, OPT_LOG_FILE },
	{ "log-format",   required_argument, NULL, OPT_LOG_FORMAT },
	{ "check-config", no_argument,       NULL, OPT_CHECK },
	{ "version",      no_argument,       NULL, OPT_VERSION },
	{ "help",         no_argument,       NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* A port from the command line: digits only, 1-65535 (the embed core's
 * bounded parser, as for the config file). 0 and *ret, or -EINVAL. */
static int parse_port(const char *s, uint16_t *ret)
{
	uint64_t v;

	if (nb_parse_u64(s, strlen(s), 65535, &v) < 0 || v == 0)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

static int copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return -E2BIG;
	memcpy(dst, src, n + 1);
	return 0;
}

/* The first IPv4 address of ifname, or the interface that holds addr. */
static int find_iface(const char *ifname, struct in_addr *addr, char ret_ifname[IF_NAMESIZE])
{
	struct ifaddrs *ifa, *i;
	int r = -ENOENT;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		struct sockaddr_in *sin = (struct sockaddr_in *)i->ifa_addr;
		if (!sin || sin->sin_family != AF_INET)
			continue;
		if (ifname[0] && strcmp(i->ifa_name, ifname) == 0) {
			if (addr->s_addr == INADDR_ANY)
				*addr = sin->sin_addr;
			else if (addr->s_addr != sin->sin_addr.s_addr)
				continue;
			r = 0;
			break;
		}
		if (!ifname[0] && addr->s_addr == sin->sin_addr.s_addr) {
			snprintf(ret_ifname, IF_NAMESIZE, "%s", i->ifa_name);
			r = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return r;
}

/* The service user when none is named: a dedicated one if the system has
 * it, else the traditional nobody. */
static const char *const default_users[] = { "netbootd", "nobody" };

/* Leave every capability: effective, permitted, inheritable (capset) and
 * ambient (prctl). Raw syscalls: netbootd links libc only. 0 or -errno. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	/* Read back: a kernel or a seccomp filter that ignored us must not
	 * leave us serving with a capability. */
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	if (data[0].effective || data[0].permitted || data[1].effective || data[1].permitted ||
	    data[0].inheritable || data[1].inheritable)
		return -EPERM;
	return 0;
}

/* Started as root: become user (its uid, gid, no supplementary groups);
 * setuid() to a non-root uid clears the capability sets. */
static int become_user(const char *user)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		log_error("main", "-", "no such user: %s", user);
		return -ENOENT;
	}
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		int r = -errno;
		log_error("main", "-", "cannot drop privileges to %s: %s", user, strerror(-r));
		return r;
	}
	/* Make sure there is no way back. */
	if (setuid(0) == 0 && pw->pw_uid != 0) {
		log_error("main", "-", "could regain root after dropping to %s", user);
		return -EPERM;
	}
	return 0;
}

/* After binding: serve as user (or the default service user) holding no
 * capability. Only "root", asked for by name, keeps root, with a warning.
 * Started unprivileged (say with AmbientCapabilities=CAP_NET_BIND_SERVICE),
 * stay who we are and give up the capability that bound the ports.
 * 0 and ret_name (the user we serve as), or -errno after a log line. */
static int drop_privileges(const char *user, char ret_name[64])
{
	struct passwd *pw;
	int r;

	if (geteuid() == 0 && strcmp(user, "root") == 0) {
		log_warn("main", "-", "--user root: serving as root with every capability; "
			 "any flaw in netbootd is then a root compromise");
		snprintf(ret_name, 64, "root");
		return 0;
	}
	if (geteuid() == 0) {
		for (size_t i = 0; !user[0] && i < sizeof(default_users) / sizeof(default_users[0]); i++)
			if (getpwnam(default_users[i]))
				user = default_users[i];
		if (!user[0]) {
			log_error("main", "-", "no netbootd or nobody user to drop root to; give --user");
			return -ENOENT;
		}
		r = become_user(user);
		if (r < 0)
			return r;
		snprintf(ret_name, 64, "%s", user);
	} else {
		pw = getpwuid(geteuid());
		if (user[0] && (!pw || strcmp(pw->pw_name, user) != 0)) {
			log_error("main", "-", "cannot become %s: not started as root", user);
			return -EPERM;
		}
		if (pw)
			snprintf(ret_name, 64, "%s", pw->pw_name);
		else
			snprintf(ret_name, 64, "%u", (unsigned)geteuid());
	}
	r = drop_capabilities();
	if (r < 0)
		log_error("main", "-", "cannot drop capabilities: %s", strerror(-r));
	return r;
}

/* Descriptors inherited from whoever started us (a shell's open files, a
 * supervisor's sockets) would be held for the daemon's whole life and
 * reachable by any flaw: close all but 0-2 before anything is opened.
 * close_range (Linux 5.9), else a walk over /proc/self/fd. */
static void close_inherited(void)
{
	DIR *d;
	struct dirent *e;
	int fds[256], n = 0;

	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
	d = opendir("/proc/self/fd");
	if (!d)
		return;
	while ((e = readdir(d)) && n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		int fd = atoi(e->d_name);
		if (fd > 2 && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* Lines that wait for a slow stderr (log.c) go out from the main loop.
 * A line may start waiting in any worker's thread: the hook only pokes an
 * eventfd (safe from any thread, and under the log's mutex), whose
 * callback in the main loop arms the flush timer. */
#define LOG_FLUSH_MS 50

struct log_pump {
	struct ev_loop *loop;
	struct ev_timer timer;
	int fd;                  /* eventfd, or -1 */
};

static void on_log_timer(struct ev_loop *loop, void *arg)
{
	struct log_pump *p = arg;

	if (log_flush())
		ev_timer_arm(loop, &p->timer, LOG_FLUSH_MS);
}

static void on_log_pending(void *arg)
{
	struct log_pump *p = arg;
	uint64_t one = 1;

	(void)!write(p->fd, &one, sizeof(one));
}

static void on_log_poke(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct log_pump *p = arg;
	uint64_t v;

	(void)events;
	if (read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v) && p->timer.slot < 0)
		ev_timer_arm(loop, &p->timer, LOG_FLUSH_MS);
}

/* 0, or -errno after a log line. */
static int log_pump_start(struct log_pump *p, struct ev_loop *loop)
{
	int r;

	p->loop = loop;
	ev_timer_init(&p->timer, on_log_timer, p);
	p->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->fd < 0) {
		r = -errno;
		log_error("main", "-", "eventfd: %s", strerror(-r));
		return r;
	}
	r = ev_add(loop, p->fd, EPOLLIN, on_log_poke, p);
	if (r < 0) {
		log_error("main", "-", "event loop: %s", strerror(-r));
		close(p->fd);
		p->fd = -1;
		return r;
	}
	log_set_pending_hook(on_log_pending, p);
	return 0;
}

static void log_pump_stop(struct log_pump *p)
{
	if (!p->loop)
		return;
	log_set_pending_hook(NULL, NULL);
	ev_timer_cancel(p->loop, &p->timer);
	if (p->fd >= 0) {
		ev_del(p->loop, p->fd);
		close(p->fd);
		p->fd = -1;
	}
}

/* A storm of clients holds a socket and a file per HTTP connection and per
 * TFTP transfer: the default soft limit of 1024 descriptors would cap
 * netbootd well below what it is built for. Raise it toward the hard limit;
 * the modules size their caps from what we got. */
#define NOFILE_WANT 16384

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= NOFILE_WANT)
		return;
	rl.rlim_cur = rl.rlim_max < NOFILE_WANT ? rl.rlim_max : NOFILE_WANT;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("main", "-", "cannot raise the descriptor limit: %s", strerror(errno));
}

static int open_first_dir(const char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fd = open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* alpineboot.efi next to a netbootd run from the build tree (make demo,
 * the tests), else where `make install` would put it. */
static int open_efi_dir(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	static const char *const rel[] = { "efi-shim", "../efi-shim" };
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* build/netbootd -> build/efi-shim; build/san/netbootd ->
		 * build/efi-shim too: build/san/efi-shim also exists, holding
		 * the sanitized objects of efi-shim's host tests, so a folder
		 * counts only when it holds a loader. */
		for (size_t i = 0; slash && i < sizeof(rel) / sizeof(rel[0]); i++) {
			int fd;

			snprintf(dir, sizeof(dir), "%s/%s", exe, rel[i]);
			fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (faccessat(fd, "alpineboot.efi", F_OK, 0) == 0 ||
			    faccessat(fd, "alpineboot-arm64.efi", F_OK, 0) == 0)
				return fd;
			close(fd);
		}
	}
	return open_first_dir(efi_dirs, sizeof(efi_dirs) / sizeof(efi_dirs[0]));
}

static int flag_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "netbootd: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return 2;
}

/* What the command line says besides [server]'s keys. */
struct run_opts {
	const char *config;            /* --config, or NULL */
	const char *log_file;          /* --log-file, or NULL: stderr */
	enum log_format log_format;
	int check;                     /* --check-config */
};

/* The command line into cli and o. -1 to go on, else the exit status
 * (after --help, --version, or a bad flag reported as "netbootd: ..."). */
static int parse_args(int argc, char **argv, struct nb_server_conf *cli, struct run_opts *o)
{
	enum log_level level;
	uint64_t u;
	int opt;

	while ((opt = getopt_long(argc, argv, "r:l:i:c:hV", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ROOT:
			if (copy_str(cli->root, sizeof(cli->root), optarg) < 0)
				return flag_error("--root: path too long: %s", optarg);
			break;
		case OPT_LISTEN:
			if (copy_str(cli->listen, sizeof(cli->listen), optarg) < 0)
				return flag_error("--listen: not an IPv4 address: %s", optarg);
			break;
		case OPT_IFACE:
			if (copy_str(cli->interface, sizeof(cli->interface), optarg) < 0)
				return flag_error("--interface: name too long: %s", optarg);
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_HTTP_PORT:
			if (parse_port(optarg, &cli->http_port) < 0)
				return flag_error("--http-port: not a port (1-65535): %s", optarg);
			break;
		case OPT_TFTP_PORT:
			if (parse_port(optarg, &cli->tftp_port) < 0)
				return flag_error("--tftp-port: not a port (1-65535): %s", optarg);
			break;
		case OPT_WORKERS:
			if (nb_parse_u64(optarg, strlen(optarg), NETBOOTD_WORKERS_MAX, &u) < 0 || u == 0)
				return flag_error("--workers: loops, 1 to 64: %s", optarg);
			cli->workers = (uint32_t)u;
			break;
		case OPT_NO_DHCP: cli->dhcp = 0; break;
		case OPT_NO_TFTP: cli->tftp = 0; break;
		case OPT_NO_HTTP: cli->http = 0; break;
		case OPT_USER:
			if (copy_str(cli->user, sizeof(cli->user), optarg) < 0)
				return flag_error("--user: name too long: %s", optarg);
			break;
		case OPT_LOG_LEVEL:
			if (copy_str(cli->log_level, sizeof(cli->log_level), optarg) < 0 ||
			    log_level_parse(optarg, &level) < 0)
				return flag_error("--log-level: one of error, warn, info, debug: %s", optarg);
			break;
		case OPT_LOG_FILE: o->log_file = optarg; break;
		case OPT_LOG_FORMAT:
			if (log_format_parse(optarg, &o->log_format) < 0)
				return flag_error("--log-format: text or json: %s", optarg);
			break;
		case OPT_CHECK: o->check = 1; break;
		case OPT_VERSION:
			printf("netbootd %s\n", NETBOOTD_VERSION);
			return 0;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind < argc)
		return flag_error("unexpected argument: %s (see --help)", argv[optind]);
	return -1;
}

/* netbootd.conf, or the defaults when none is given. 0 and *ret_cfg, or 2
 * after "FILE:LINE: what is wrong" on stderr. */
static int load_config(const char *path, struct nb_config **ret_cfg)
{
	char err[NB_ERR_MAX];

	if (config_load(path, ret_cfg, err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	return 0;
}

/* What a reload may change, merged over the defaults: the log level (the
 * command line still wins), client policy and per-source limits. 0, or
 * -EINVAL when the level named is not one. */
static int merge_policy(struct netbootd *nb, const struct nb_server_conf *cli)
{
	const struct nb_server_conf *file = nb_config_server(nb->config);
	const char *level_name;
	enum log_level level;

	level_name = cli->log_level[0] ? cli->log_level : (file->log_level[0] ? file->log_level : "info");
	if (log_level_parse(level_name, &level) < 0)
		return -EINVAL;
	log_set_level(level);
	nb->answer_known = file->answer == 1;
	nb->limits.http_per_ip = file->http_per_ip ? file->http_per_ip : NETBOOTD_HTTP_PER_IP;
	nb->limits.http_requests = file->http_requests ? file->http_requests : NETBOOTD_HTTP_REQUESTS;
	nb->limits.http_idle_ms = 1000 * (file->http_idle_s ? file->http_idle_s : NETBOOTD_HTTP_IDLE_S);
	nb->limits.tftp_per_ip = file->tftp_per_ip ? file->tftp_per_ip : NETBOOTD_TFTP_PER_IP;
	return 0;
}

/* The first line of a /proc/sys file, or "?". */
static void proc_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, n, "?");
	if (f == NULL)
		return;
	if (!fgets(buf, (int)n, f))
		snprintf(buf, n, "?");
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* Is name one of the words of list (nb_word_next's words)? */
static int in_word_list(const char *list, const char *name)
{
	size_t pos = 0, wn, n = strlen(name);
	const char *w;

	while ((wn = nb_word_next(list, strlen(list), &pos, 0, &w)) > 0)
		if (wn == n && memcmp(w, name, n) == 0)
			return 1;
	return 0;
}

/* [server] http-congestion, decided before the loops copy *nb. Unset or
 * "system": the host's default, as for any server. A name: that one on
 * every HTTP connection; a site whose host runs BBR (v1) and whose storms
 * cross a shallow switch queue sets cubic (docs/http.md, "Congestion
 * control", has the measurements). netbootd sets it on each connection
 * after root is gone, so the name must be one the host allows to users
 * (net.ipv4.tcp_allowed_congestion_control). 0, or -1 after an error line. */
static int http_cc_setup(struct netbootd *nb)
{
	const char *want = nb_config_server(nb->config)->http_congestion;
	const char *why = NULL;
	char host[64], allowed[256], avail[256];

	nb->http_cc[0] = 0;
	if (!nb->http_on)
		return 0;
	proc_line("/proc/sys/net/ipv4/tcp_congestion_control", host, sizeof(host));
	if (want[0] == 0 || strcmp(want, "system") == 0) {
		log_info("http", "-", "TCP congestion control: the host's default, %s", host);
		return 0;
	}
	proc_line("/proc/sys/net/ipv4/tcp_allowed_congestion_control", allowed, sizeof(allowed));
	proc_line("/proc/sys/net/ipv4/tcp_available_congestion_control", avail, sizeof(avail));
	if (!in_word_list(allowed, want))
		why = in_word_list(avail, want) ? "not allowed without privileges" :
						  "no such congestion control in this kernel";
	if (why) {
		log_error("main", "-", "[server] http-congestion = %s: %s (allowed here: %s; "
			  "\"system\" keeps the host's default)", want, why, allowed);
		return -1;
	}
	snprintf(nb->http_cc, sizeof(nb->http_cc), "%s", want);
	log_info("http", "-", "TCP congestion control: %s (the host's default: %s)", want, host);
	return 0;
}

/* One loop per online CPU, at most NETBOOTD_WORKERS_MAX. */
static unsigned default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > NETBOOTD_WORKERS_MAX ? NETBOOTD_WORKERS_MAX : (unsigned)n;
}

/* The command line wins over the file, the file over the defaults.
 * 0 and *ret_root, *ret_user; or 2 after "netbootd: ...". */
static int merge_settings(struct netbootd *nb, const struct nb_server_conf *cli,
			  const char **ret_root, const char **ret_user)
{
	const struct nb_server_conf *file = nb_config_server(nb->config);
	const char *listen, *root;

	root = cli->root[0] ? cli->root : file->root;
	if (merge_policy(nb, cli) < 0)
		return flag_error("log-level: one of error, warn, info, debug: %s", file->log_level);
	nb->http_port = cli->http_port ? cli->http_port : (file->http_port ? file->http_port : 80);
	nb->tftp_port = cli->tftp_port ? cli->tftp_port : (file->tftp_port ? file->tftp_port : 69);
	nb->dhcp_on = cli->dhcp >= 0 ? cli->dhcp : (file->dhcp >= 0 ? file->dhcp : 1);
	nb->tftp_on = cli->tftp >= 0 ? cli->tftp : (file->tftp >= 0 ? file->tftp : 1);
	nb->http_on = cli->http >= 0 ? cli->http : (file->http >= 0 ? file->http : 1);
	nb->n_workers = cli->workers ? cli->workers : (file->workers ? file->workers : default_workers());
	snprintf(nb->ifname, sizeof(nb->ifname), "%s", cli->interface[0] ? cli->interface : file->interface);
	listen = cli->listen[0] ? cli->listen : file->listen;
	if (listen[0] && inet_pton(AF_INET, listen, &nb->addr) != 1)
		return flag_error("--listen: not an IPv4 address: %s", listen);
	if (!root[0])
		return flag_error("%s", "--root is required (or root= in [server])");
	if (!nb->ifname[0] && nb->addr.s_addr == INADDR_ANY)
		return flag_error("%s", "give --interface or --listen (the address clients reach)");
	if (!nb->dhcp_on && !nb->tftp_on && !nb->http_on)
		return flag_error("%s", "--no-dhcp, --no-tftp and --no-http: nothing left to serve");
	*ret_root = root;
	*ret_user = cli->user[0] ? cli->user : file->user;
	return 0;
}

/* Our address and interface, and the http base built from them. 0, or 2
 * after "netbootd: ..." when no interface fits. */
static int resolve_address(struct netbootd *nb, char addr_text[INET_ADDRSTRLEN])
{
	if (find_iface(nb->ifname, &nb->addr, nb->ifname) < 0) {
		inet_ntop(AF_INET, &nb->addr, addr_text, INET_ADDRSTRLEN);
		if (nb->ifname[0])
			fprintf(stderr, "netbootd: interface %s has no IPv4 address%s%s\n", nb->ifname,
				nb->addr.s_addr ? " " : "", nb->addr.s_addr ? addr_text : "");
		else
			fprintf(stderr, "netbootd: no interface holds %s\n", addr_text);
		return 2;
	}
	inet_ntop(AF_INET, &nb->addr, addr_text, INET_ADDRSTRLEN);
	/* 64 bytes hold any "http://A.B.C.D:PORT"; a failure is a bug. */
	if (nb_http_base(nb->http_base, sizeof(nb->http_base), addr_text, nb->http_port) < 0) {
		fprintf(stderr, "netbootd: http base for %s does not fit\n", addr_text);
		return 2;
	}
	return 0;
}

/* SIGHUP and SIGUSR1 are blocked from the start and read from a signalfd
 * once the loop runs: one that arrives while we start up waits there
 * instead of killing us (SIGHUP's default action). */
static void block_reload_signals(sigset_t *ret_set)
{
	sigemptyset(ret_set);
	sigaddset(ret_set, SIGHUP);
	sigaddset(ret_set, SIGUSR1);
	sigprocmask(SIG_BLOCK, ret_set, NULL);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* What the signalfd's callback needs. */
struct reloader {
	struct netbootd *nb;
	struct nb_config *cfg;                /* the one in force (nb->config) */
	const struct nb_server_conf *cli;     /* the command line still wins */
	const char *path;                     /* --config, or NULL */
	int fd;                               /* the signalfd, or -1 */
	struct workers *ws;                   /* the other loops to tell */
};

/* SIGHUP: parse beside the config in force, then swap between events.
 * Nothing holds a pointer into the old config across events (documents are
 * rendered per request from nb->config), so once every worker loop has
 * taken the new one over (workers_publish) freeing the old is safe; what
 * was computed from it at start (protected prefixes, the file check,
 * limits, the log level) is computed again. Any error leaves everything as
 * it was. */
static void reload(struct reloader *rl)
{
	struct netbootd *nb = rl->nb, tmp;
	struct nb_config *cfg;
	struct filecheck_report *old_check;
	char err[NB_ERR_MAX];
	unsigned restart, changes;

	if (!rl->path) {
		log_info("main", "-", "reload: no --config; nothing to read");
		return;
	}
	if (config_load(rl->path, &cfg, err) < 0) {
		log_error("main", "-", "reload refused: %s; the running config stays", err);
		return;
	}
	restart = config_keep_restart_only(rl->cfg, cfg);
	tmp = *nb;            /* protect[] and the file check of the new config */
	tmp.config = cfg;
	tmp.filecheck = NULL;
	if (content_protect_init(&tmp) < 0) {
		log_error("main", "-", "reload refused: %s: protect: see the line above; "
			  "the running config stays", rl->path);
		goto out_free;
	}
	if (filecheck_netbootd(&tmp, 0, rl->path) != 0) {
		log_error("main", "-", "reload refused: %s: check = strict and the served "
			  "files have errors (above); the running config stays", rl->path);
		goto out_free;
	}
	changes = config_log_changes(rl->cfg, cfg);
	nb->config = cfg;
	memcpy(nb->protect, tmp.protect, sizeof(nb->protect));
	nb->n_protect = tmp.n_protect;
	old_check = nb->filecheck;
	nb->filecheck = tmp.filecheck;
	if (merge_policy(nb, rl->cli) < 0)
		log_warn("main", "-", "reload: log-level %s unknown: level unchanged",
			 nb_config_server(cfg)->log_level);
	if (workers_publish(rl->ws) == 0) {
		filecheck_report_free(old_check);
		nb_config_free(rl->cfg);
	} else {
		/* A loop that did not answer may still read them: keep both. */
		log_error("main", "-", "reload: a worker loop did not take the new "
			  "config over within 10 s; the old one is kept in memory");
	}
	rl->cfg = cfg;
	log_info("main", "-", "reloaded %s: %u change%s, %u needing a restart", rl->path,
		 changes, changes == 1 ? "" : "s", restart);
	return;
out_free:
	filecheck_report_free(tmp.filecheck);
	nb_config_free(cfg);
}

static void reopen_log(void)
{
	int r;

	if (!log_file_path()[0]) {
		log_info("main", "-", "SIGUSR1: the log is stderr; nothing to reopen");
		return;
	}
	r = log_reopen_file();
	if (r < 0)
		log_error("main", "-", "cannot reopen the log file %s: %s; still writing "
			  "to the old one", log_file_path(), strerror(-r));
	else
		log_info("main", "-", "log file reopened: %s", log_file_path());
}

static void on_signalfd(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)loop;
	(void)events;
	/* Bounded: the kernel keeps one pending instance per signal. */
	for (int i = 0; i < 16 && read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si); i++) {
		if (si.ssi_signo == SIGHUP)
			reload(arg);
		else if (si.ssi_signo == SIGUSR1)
			reopen_log();
	}
}

/* 0, or -errno after a log line. */
static int watch_reload_signals(struct reloader *rl, const sigset_t *set)
{
	int r;

	rl->fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (rl->fd < 0) {
		r = -errno;
		log_error("main", "-", "signalfd: %s", strerror(-r));
		return r;
	}
	r = ev_add(rl->nb->loop, rl->fd, EPOLLIN, on_signalfd, rl);
	if (r < 0) {
		log_error("main", "-", "event loop: %s", strerror(-r));
		close(rl->fd);
		rl->fd = -1;
	}
	return r;
}

static void log_ready(const struct netbootd *nb, const char *addr_text, const char *user_name)
{
	char tftp_text[8];

	snprintf(tftp_text, sizeof(tftp_text), "%u", nb->tftp_port);
	log_info("main", "-", "ready addr=%s interface=%s workers=%u root=%s dhcp=%s tftp=%s "
		 "http=%s%s user=%s",
		 addr_text, nb->ifname[0] ? nb->ifname : "-", nb->n_workers, nb->root,
		 nb->dhcp_on ? "67,4011" : "off",
		 nb->tftp_on ? tftp_text : "off",
		 nb->http_on ? nb->http_base : "off",
		 nb->ipxe_fd >= 0 ? "" : " (no distribution iPXE found)", user_name);
}

static void log_stopping(const struct netbootd *nb)
{
	struct netbootd_stats t;
	const struct netbootd_stats *st = &t;

	netbootd_stats_total(nb, &t);
	log_info("main", "-", "stopping: dhcp answered=%llu ignored=%llu malformed=%llu; "
		 "tftp started=%llu done=%llu failed=%llu malformed=%llu; "
		 "http requests=%llu malformed=%llu",
		 (unsigned long long)st->dhcp_answered, (unsigned long long)st->dhcp_ignored,
		 (unsigned long long)st->dhcp_malformed, (unsigned long long)st->tftp_started,
		 (unsigned long long)st->tftp_done, (unsigned long long)st->tftp_failed,
		 (unsigned long long)st->tftp_malformed, (unsigned long long)st->http_requests,
		 (unsigned long long)st->http_malformed);
}

/* Bind everything (worker by worker: workers.h), then give up root, then
 * start the other loops and serve on this one until a signal.
 * 0 after a requested stop, 1 on any failure (logged). */
static int serve(struct netbootd *nb, const char *user, const char *addr_text,
		 struct reloader *rl, const sigset_t *reload_set)
{
	struct proxydhcp *dhcp = NULL;
	struct workers *ws = NULL;
	struct log_pump pump = { .loop = NULL, .fd = -1 };
	char user_name[64] = "";
	int r, rc = 1;

	nb->ipxe_fd = open_first_dir(ipxe_dirs, sizeof(ipxe_dirs) / sizeof(ipxe_dirs[0]));
	nb->efi_fd = open_efi_dir();
	r = clients_new(CLIENTS_DEFAULT_CAP, &nb->clients);
	if (r < 0) {
		log_error("main", "-", "client table: %s", strerror(-r));
		return 1;
	}
	r = ev_loop_new(&nb->loop);
	if (r < 0) {
		log_error("main", "-", "event loop: %s", strerror(-r));
		goto out_clients;
	}
	if (log_pump_start(&pump, nb->loop) < 0)
		goto out;
	if (history_start(nb) < 0)
		goto out;
	install_signals();
	raise_nofile();
	if (watch_reload_signals(rl, reload_set) < 0)
		goto out;
	if (http_cc_setup(nb) < 0)
		goto out;
	if (workers_new(nb, &ws) < 0)
		goto out;
	rl->ws = ws;
	if (nb->dhcp_on && proxydhcp_start(nb, &dhcp) < 0)
		goto out;
	if (workers_start_servers(ws) < 0)
		goto out;
	if (drop_privileges(user, user_name) < 0)
		goto out;
	if (workers_run(ws) < 0)
		goto out;
	log_ready(nb, addr_text, user_name);
	r = ev_run(nb->loop, &stop_requested);
	if (r < 0) {
		log_error("main", "-", "event loop failed: %s", strerror(-r));
		goto out;
	}
	workers_stop(ws);
	log_stopping(nb);
	rc = 0;
out:
	workers_free(ws);    /* stops the other loops first, if running */
	rl->ws = NULL;
	if (dhcp)
		proxydhcp_stop(dhcp);
	if (rl->fd >= 0) {
		ev_del(nb->loop, rl->fd);
		close(rl->fd);
		rl->fd = -1;
	}
	log_pump_stop(&pump);
	ev_loop_free(nb->loop);
	nb->loop = NULL;
	history_free(nb->history);
	nb->history = NULL;
out_clients:
	clients_free(nb->clients);
	nb->clients = NULL;
	return rc;
}

/* Where lines go and how they look, before the first one. The time prefix
 * is left to the journal when stderr is the journal. 0, or 2 after
 * "netbootd: ..." on stderr. */
static int setup_log(const struct run_opts *o)
{
	int r;

	log_set_format(o->log_format);
	log_set_timestamps(o->log_file || !log_stderr_is_journal());
	if (!o->log_file)
		return 0;
	r = log_open_file(o->log_file);
	if (r < 0) {
		fprintf(stderr, "netbootd: --log-file %s: %s\n", o->log_file, strerror(-r));
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nb_server_conf cli = { .dhcp = -1, .tftp = -1, .http = -1 };
	struct netbootd nb = { .root_fd = -1, .ipxe_fd = -1, .efi_fd = -1 };
	struct run_opts o = { .log_format = LOG_FMT_TEXT };
	struct reloader rl = { .nb = &nb, .cli = &cli, .fd = -1 };
	const char *root = NULL, *user = NULL;
	char addr_text[INET_ADDRSTRLEN], root_buf[sizeof(cli.root)], user_buf[sizeof(cli.user)];
	sigset_t reload_set;
	int rc;

	/* Before anything is opened: nothing inherited, and no exec of ours
	 * can ever gain privileges (setuid binaries, file capabilities). */
	close_inherited();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fprintf(stderr, "netbootd: cannot set no_new_privs: %s\n", strerror(errno));
		return 1;
	}
	block_reload_signals(&reload_set);
	rc = parse_args(argc, argv, &cli, &o);
	if (rc >= 0)
		return rc;
	rl.path = o.config;
	rc = load_config(o.config, &rl.cfg);
	if (rc != 0)
		return rc;
	nb.config = rl.cfg;
	rc = merge_settings(&nb, &cli, &root, &user);
	/* While still root: the key is 0600 and never readable after, so a
	 * reload keeps the key read here. */
	if (rc == 0 && rl.cfg->server.plan_key[0] && plansign_load(rl.cfg->server.plan_key) < 0)
		rc = 2;
	if (rc != 0)
		goto out_cfg;
	/* copies: a reload frees the config they point into */
	snprintf(root_buf, sizeof(root_buf), "%s", root);
	snprintf(user_buf, sizeof(user_buf), "%s", user);
	nb.root = root_buf;
	nb.root_fd = open(root_buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nb.root_fd < 0) {
		fprintf(stderr, "netbootd: --root %s: %s\n", root_buf, strerror(errno));
		rc = 2;
		goto out_cfg;
	}
	rc = resolve_address(&nb, addr_text);
	if (rc == 0 && !o.check)
		rc = setup_log(&o);
	if (rc == 0)
		rc = filecheck_netbootd(&nb, o.check, o.config);
	if (rc == 0 && o.check)
		printf("%s: ok\n", o.config ? o.config : "(no config)");
	else if (rc == 0)
		rc = content_protect_init(&nb) < 0 ? 2 : serve(&nb, user_buf, addr_text, &rl, &reload_set);
	if (nb.efi_fd >= 0)
		close(nb.efi_fd);
	if (nb.ipxe_fd >= 0)
		close(nb.ipxe_fd);
	close(nb.root_fd);
	filecheck_report_free(nb.filecheck);
	log_flush_wait(1000);
out_cfg:
	nb_config_free(rl.cfg);
	return rc;
}
