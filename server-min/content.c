/* content.c: what a client may download, for TFTP and HTTP alike.
 *
 * Three sources, tried in this order:
 *   1. rendered: boot.ipxe, boot.plan and boot.cmdline, made for the asking
 *      client by the embed/ core (MAC from ?mac=, else the kernel's
 *      neighbour table, else netbootd's DHCP records);
 *   2. root: a regular file beneath --root;
 *   3. dist: the distribution's iPXE binaries (undionly.kpxe, snponly.efi,
 *      ipxe.efi) and our alpineboot.efi when the root has no copy, so an
 *      admin never copies boot loaders around.
 *
 * Safety lives here, once: the client's path is checked as text first (no
 * "..", no backslash, no control bytes), then looked up with openat2()
 * RESOLVE_BENEATH and O_PATH, which opens nothing for I/O: no FIFO writer
 * is released, no device driver's open() runs. Only when fstat() on that
 * descriptor says "regular file" is the very same inode opened for reading,
 * through /proc/self/fd/N, and checked again (dev, ino). Nothing is ever
 * created or written.
 *
 * Protected files (docs/security.md): a client's apkovl holds its
 * /etc/shadow and SSH host keys, so beneath the protected prefixes a file is
 * served only to the machine its name points at (a MAC or a UUID in the
 * name), or, when the name carries neither, only to a host netbootd
 * answered in DHCP within CONTENT_ANSWERED_MS. Everyone else gets -EPERM,
 * and the log says who asked for what and why it was refused.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "embed/config.h"
#include "embed/config_model.h"
#include "embed/render.h"
#include "plan/mac.h"
#include "plan/plan.h"
#include "embed/resolve.h"
#include "server-min/history.h"
#include "plan/str.h"
#include "server-min/clients.h"
#include "server-min/content.h"
#include "server-min/log.h"
#include "server-min/plansign.h"
#include "server-min/util.h"

#define CONTENT_PATH_MAX 1024
/* A rendered document: an iPXE script with a full fallback menu stays far
 * below this; boot.plan is bounded by NB_PLAN_TEXT_MAX. */
#define CONTENT_RENDER_MAX 65536
/* A protected file without a MAC or UUID in its name goes to hosts we
 * answered in DHCP this recently: a PXE boot to Alpine's userspace, which
 * fetches the apkovl, takes a minute or two on real hardware and about a
 * minute under emulation; 15 minutes leaves room for slow firmware and a
 * retry from the fallback menu, and still closes the door soon after. */
#define CONTENT_ANSWERED_MS (15 * 60 * 1000)

static const char *const dist_names[] = {
	"undionly.kpxe", "undionly.kkpxe", "snponly.efi", "ipxe.efi", "ipxe.pxe",
	"ipxe.lkrn",
};

struct rendered_name {
	const char *name;
	enum nb_format fmt;
};

static const struct rendered_name rendered_names[] = {
	{ "boot.ipxe", NB_FMT_IPXE },
	{ "boot.plan", NB_FMT_PLAN },
	{ "boot.cmdline", NB_FMT_CMDLINE },
};

/* Copy path into out without leading slashes, collapsing "//" and "./",
 * refusing "..", backslashes (a TFTP client on Windows means a separator,
 * and we will not guess) and control bytes. 0 or -EACCES. */
static int content_clean_path(const char *path, char out[CONTENT_PATH_MAX])
{
	size_t o = 0;
	const char *p = path;

	while (*p) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)seg[i];
			if (ch < 0x20 || ch == 0x7f || ch == '\\')
				return -EACCES;
		}
		if (n == 1 && seg[0] == '.')
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			return -EACCES;
		if (o + n + 2 > CONTENT_PATH_MAX)
			return -EACCES;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
	}
	if (o == 0)
		return -EACCES;   /* the root itself is a directory */
	out[o] = '\0';
	return 0;
}

/* Value of key in a query "a=1&b=2"; copies at most cap-1 bytes. */
static int query_get(const char *query, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = query;

	while (p && *p) {
		const char *end = strchr(p, '&');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t v = n - klen - 1;
			if (v >= cap)
				return -E2BIG;
			memcpy(out, p + klen + 1, v);
			out[v] = '\0';
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

/* Whether two UUIDs in text are the same machine. Firmware does not agree
 * on the byte order of option 97: SMBIOS 2.6+ stores the first three fields
 * little-endian and some PXE stacks copy those bytes as they are, while
 * Linux (and so Alpine's {UUID}) prints them in RFC 4122 order. Both forms
 * count; a host able to forge one could forge the other. */
static int uuid_same(const char *a, const char *b)
{
	static const uint8_t swap[] = { 6, 7, 4, 5, 2, 3, 0, 1, 8, 11, 12, 9, 10, 13, 16, 17, 14, 15 };
	char sw[37];

	if (strcasecmp(a, b) == 0)
		return 1;
	if (strlen(a) != 36 || strlen(b) != 36)
		return 0;
	memcpy(sw, a, 37);
	for (size_t i = 0; i < sizeof(swap); i++)
		sw[i] = a[swap[i]];
	return strcasecmp(sw, b) == 0;
}

/* The client a rendered document is for: the MAC from ?mac=, else the
 * asker's own (neighbour table, else DHCP records); UUID and arch from the
 * query. A document asked for another machine than the asker (?mac= or
 * ?uuid= that are not the asker's) is rendered without its extras: they
 * may carry ssh_key= or a console password, and refusing outright would
 * break clients behind a DHCP relay, where the neighbour table shows the
 * router's MAC. 0, or -EACCES for a malformed query. */
static int render_client(struct netbootd *nb, const char *query, const struct sockaddr_in *peer,
			 struct nb_client *c, const char **ret_from, const char **ret_why)
{
	uint8_t own[6];
	enum clients_from from;
	const struct client_seen *rec;
	int have_own;
	char val[64];

	have_own = peer && clients_mac_source(nb->clients, peer->sin_addr, own, &from) == 0;
	*ret_from = "none";
	*ret_why = NULL;
	if (query && query_get(query, "mac", val, sizeof(val)) == 0) {
		if (nb_mac_parse(val, strlen(val), c->mac) < 0)
			return -EACCES;
		c->has_mac = 1;
		*ret_from = "query";
		if (!have_own)
			*ret_why = "the asker's MAC is unknown";
		else if (memcmp(own, c->mac, 6) != 0)
			*ret_why = "the asker's MAC is another";
	} else if (have_own) {
		memcpy(c->mac, own, 6);
		c->has_mac = 1;
		*ret_from = from == CLIENTS_FROM_NEIGHBOUR ? "neighbour" : "dhcp";
	}
	if (query && query_get(query, "uuid", val, sizeof(val)) == 0) {
		if (strlen(val) >= sizeof(c->uuid))
			return -EACCES;
		memcpy(c->uuid, val, strlen(val) + 1);
		rec = have_own ? clients_by_mac(nb->clients, own) : NULL;
		if (!*ret_why && (!rec || !uuid_same(rec->uuid, val)))
			*ret_why = "the asker's DHCP record lacks this UUID";
	}
	if (query && query_get(query, "arch", val, sizeof(val)) == 0) {
		uint64_t a;
		if (nb_parse_u64(val, strlen(val), 0xffff, &a) < 0)
			return -EACCES;
		c->arch = (int)a;
	}
	c->redact = *ret_why != NULL;
	return 0;
}

static int content_render(struct netbootd *nb, const struct rendered_name *doc, const char *query,
			  const struct sockaddr_in *peer, struct content *ret)
{
	struct nb_client client = { .arch = -1 };
	const char *from, *why;
	char who[NB_PEER_TEXT_MAX], mac[18] = "-";
	size_t len;
	char *buf;
	int r;

	nb_peer_text(peer, who);
	r = render_client(nb, query, peer, &client, &from, &why);
	if (r < 0)
		return r;
	if (client.has_mac)
		nb_mac_format(client.mac, ':', mac);
	/* answer = known: a machine no section names gets nothing from us,
	 * the same as its DHCP requests. */
	if (nb->answer_known && !nb_config_knows(nb->config, &client)) {
		log_info("main", who, "not rendering %s for mac=%s mac-from=%s: not a known client "
			 "(answer = known)", doc->name, mac, from);
		return -ENOENT;
	}
	buf = malloc(CONTENT_RENDER_MAX);
	if (!buf)
		return -ENOMEM;
	r = nb_render(nb->config, &client, nb->http_base, doc->fmt, buf, CONTENT_RENDER_MAX, &len);
	/* plan-key: the signature is the plan's last line (plan/plansig.h). */
	if (r == 0 && doc->fmt == NB_FMT_PLAN && plansign_enabled())
		r = plansign_sign(buf, CONTENT_RENDER_MAX, &len);
	if (r < 0) {
		log_error("main", who, "cannot render %s: %s", doc->name, strerror(-r));
		free(buf);
		return r == -ENOMEM ? -ENOMEM : -ENOENT;
	}
	log_info("main", who, "rendered %s for mac=%s mac-from=%s%s%s", doc->name, mac, from,
		 why ? " redacted: " : "", why ? why : "");
	history_note_render(nb, &client, doc->name, peer);
	ret->fd = -1;
	ret->mem = buf;
	ret->size = len;
	ret->mtime = time(NULL);
	ret->source = "rendered";
	return 0;
}

/* A MAC in a file name as Alpine's {MAC} expands it ("aa:bb:cc:dd:ee:ff",
 * or with dashes, any case) and not part of a longer run of hex digits.
 * 1 and ret_mac, or 0. */
static int name_mac(const char *s, uint8_t ret_mac[6])
{
	size_t n = strlen(s);

	for (size_t i = 0; i + 17 <= n; i++) {
		if (i > 0 && nb_hex_digit(s[i - 1]) >= 0)
			continue;
		if (i + 17 < n && nb_hex_digit(s[i + 17]) >= 0)
			continue;
		if (nb_mac_parse(s + i, 17, ret_mac) == 0)
			return 1;
	}
	return 0;
}

/* A UUID (8-4-4-4-12 hex digits) in a file name, as Alpine's {UUID}
 * expands it. 1 and ret_uuid (lower case), or 0. */
static int name_uuid(const char *s, char ret_uuid[37])
{
	static const uint8_t dash[] = { 8, 13, 18, 23 };
	size_t n = strlen(s);

	for (size_t i = 0; i + 36 <= n; i++) {
		size_t k, d = 0;

		if (i > 0 && nb_hex_digit(s[i - 1]) >= 0)
			continue;
		if (i + 36 < n && nb_hex_digit(s[i + 36]) >= 0)
			continue;
		for (k = 0; k < 36; k++) {
			if (d < sizeof(dash) && k == dash[d]) {
				if (s[i + k] != '-')
					break;
				d++;
			} else if (nb_hex_digit(s[i + k]) < 0) {
				break;
			}
		}
		if (k < 36)
			continue;
		for (k = 0; k < 36; k++)
			ret_uuid[k] = (char)tolower((unsigned char)s[i + k]);
		ret_uuid[36] = '\0';
		return 1;
	}
	return 0;
}

static int is_protected(const struct netbootd *nb, const char *clean)
{
	for (unsigned i = 0; i < nb->n_protect; i++)
		if (strncmp(clean, nb->protect[i], strlen(nb->protect[i])) == 0)
			return 1;
	return 0;
}

/* Whether the asker may have a file beneath a protected prefix (see the
 * top of this file). 0, or -EPERM after a log line that says why. */
static int content_check_protected(struct netbootd *nb, const char *clean,
				   const struct sockaddr_in *peer)
{
	uint8_t own[6], want[6];
	char uuid[37], who[NB_PEER_TEXT_MAX], mac[18] = "unknown";
	const struct client_seen *rec;
	const char *why;
	int have_own;

	if (!is_protected(nb, clean))
		return 0;
	have_own = peer && clients_mac_of(nb->clients, peer->sin_addr, own) == 0;
	if (have_own)
		nb_mac_format(own, ':', mac);
	if (name_uuid(clean, uuid)) {
		rec = have_own ? clients_by_mac(nb->clients, own) : NULL;
		if (rec && uuid_same(rec->uuid, uuid))
			return 0;
		why = "its UUID is not in the asker's DHCP record";
	} else if (name_mac(clean, want)) {
		if (have_own && memcmp(own, want, 6) == 0)
			return 0;
		why = have_own ? "its MAC is not the asker's" : "the asker's MAC is unknown";
	} else {
		if (peer && clients_answered_recently(nb->clients, peer->sin_addr,
						      ev_now_ms(nb->loop), CONTENT_ANSWERED_MS))
			return 0;
		why = "no MAC or UUID in its name and no DHCP answer to the asker in 15 minutes";
	}
	nb_peer_text(peer, who);
	log_warn("main", who, "refused protected %s to mac=%s: %s", clean, mac, why);
	return -EPERM;
}

/* Look path up beneath dirfd without opening it for I/O: O_PATH, with
 * openat2 RESOLVE_BENEATH; on kernels before 5.6, a walk that refuses
 * every symlink, which is stricter but never wrong. An O_PATH descriptor,
 * or -errno. */
static int content_path_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno != ENOSYS)
		return -errno;
	{
		char copy[CONTENT_PATH_MAX];
		char *save = NULL, *seg;
		int cur = dup(dirfd);

		if (cur < 0)
			return -errno;
		snprintf(copy, sizeof(copy), "%s", path);
		seg = strtok_r(copy, "/", &save);
		while (seg) {
			char *next = strtok_r(NULL, "/", &save);
			int nfd = openat(cur, seg, O_PATH | O_NOFOLLOW | O_CLOEXEC |
					 (next ? O_DIRECTORY : 0));
			int err = errno;
			close(cur);
			if (nfd < 0)
				return err == ELOOP ? -EXDEV : -err;
			cur = nfd;
			seg = next;
		}
		return cur;
	}
}

/* Open for reading the regular file that pathfd (O_PATH) names, and
 * nothing else: the magic link /proc/self/fd/N reaches that very inode (a
 * process may always open its own descriptors, even after setuid), and
 * dev/ino are checked again on what was opened. Consumes pathfd. An fd,
 * or -errno (-EACCES: not a regular file). */
static int content_reopen(int pathfd, const struct stat *want)
{
	char proc[32];
	struct stat st;
	int fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		fd = -errno;
	close(pathfd);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_dev != want->st_dev || st.st_ino != want->st_ino) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/* pathfd (O_PATH, consumed) to a struct content, regular files only. */
static int content_from_path(int pathfd, const char *name, const char *source,
			     const struct sockaddr_in *peer, struct content *ret)
{
	struct stat st;
	char who[NB_PEER_TEXT_MAX];
	int fd;

	if (fstat(pathfd, &st) < 0) {
		fd = -errno;
		close(pathfd);
		return fd;
	}
	if (!S_ISREG(st.st_mode)) {
		close(pathfd);
		nb_peer_text(peer, who);
		log_warn("main", who, "refused %s: %s, not a regular file", name, nb_file_kind(st.st_mode));
		return -EACCES;
	}
	if (plansign_is_key(&st)) {
		close(pathfd);
		nb_peer_text(peer, who);
		log_warn("main", who, "refused %s: it is the plan-key secret key", name);
		return -EACCES;
	}
	fd = content_reopen(pathfd, &st);
	if (fd < 0)
		return fd;
	ret->fd = fd;
	ret->mem = NULL;
	ret->size = (uint64_t)st.st_size;
	ret->mtime = st.st_mtime;
	ret->source = source;
	return 0;
}

/* The distribution's boot loaders, and ours, when the root has no copy. */
static int content_open_dist(const struct netbootd *nb, const char *name,
			     const struct sockaddr_in *peer, struct content *ret)
{
	int dirfd = -1, fd;
	const char *source = NULL;

	for (size_t i = 0; i < sizeof(dist_names) / sizeof(dist_names[0]); i++)
		if (strcmp(name, dist_names[i]) == 0) {
			dirfd = nb->ipxe_fd;
			source = "ipxe-dist";
		}
	if (strcmp(name, "alpineboot.efi") == 0 ||
	    strcmp(name, "alpineboot-arm64.efi") == 0) {    /* arch 11, 19 */
		dirfd = nb->efi_fd;
		source = "efi-dist";
	}
	if (dirfd < 0)
		return -ENOENT;
	fd = openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -ENOENT;
	return content_from_path(fd, name, source, peer, ret);
}

int content_open(struct netbootd *nb, const char *path, const char *query,
		 const struct sockaddr_in *peer, struct content *ret)
{
	char clean[CONTENT_PATH_MAX];
	int r, fd;

	r = content_clean_path(path, clean);
	if (r < 0)
		return r;
	if (query && !query[0])
		query = NULL;
	for (size_t i = 0; i < sizeof(rendered_names) / sizeof(rendered_names[0]); i++)
		if (strcmp(clean, rendered_names[i].name) == 0) {
			/* An admin's own file under the root wins, except an
			 * unsigned boot.plan where plans are signed. */
			fd = content_path_beneath(nb->root_fd, clean);
			if (fd >= 0 && rendered_names[i].fmt == NB_FMT_PLAN && plansign_enabled()) {
				close(fd);
				fd = -1;
			}
			if (fd >= 0)
				return content_from_path(fd, clean, "root", peer, ret);
			return content_render(nb, &rendered_names[i], query, peer, ret);
		}

	/* Before any lookup, so a refused asker cannot tell whether the file
	 * exists. */
	r = content_check_protected(nb, clean, peer);
	if (r < 0)
		return r;
	fd = content_path_beneath(nb->root_fd, clean);
	if (fd >= 0)
		return content_from_path(fd, clean, "root", peer, ret);
	if (fd == -EXDEV || fd == -ELOOP) {
		char who[NB_PEER_TEXT_MAX];
		nb_peer_text(peer, who);
		log_warn("main", who, "refused %s: a symlink that leaves the root", clean);
		return -EACCES;
	}
	if (fd == -ENOTDIR)
		fd = -ENOENT;     /* a path through a regular file */
	if (fd != -ENOENT)
		return fd;
	return content_open_dist(nb, clean, peer, ret);
}

/* The folder of a server-relative apkovl template: "${server}/ovl/{MAC}.tar.gz"
 * and "ovl/{MAC}.tar.gz" give "ovl/", a fixed "site.tar.gz" gives itself.
 * 1 and out; 0 when the template names another server; -EINVAL when it is
 * a template at the top of the root, which no prefix short of the whole
 * root covers; -ENAMETOOLONG. */
static int apkovl_prefix(const char *t, char out[NB_PROTECT_LEN])
{
	size_t end, cut = 0;

	if (strncmp(t, "${server}", 9) == 0)
		t += 9;
	else if (strstr(t, "://"))
		return 0;
	while (*t == '/')
		t++;
	end = strcspn(t, "{$?");
	for (size_t i = 0; i < end; i++)
		if (t[i] == '/')
			cut = i + 1;
	if (cut == 0) {
		if (t[end] != '\0')
			return -EINVAL;
		cut = end;
	}
	if (cut == 0)
		return 0;
	if (cut >= NB_PROTECT_LEN)
		return -ENAMETOOLONG;
	memcpy(out, t, cut);
	out[cut] = '\0';
	return 1;
}

static int protect_add(struct netbootd *nb, const char *prefix)
{
	while (*prefix == '/')
		prefix++;
	for (unsigned i = 0; i < nb->n_protect; i++)
		if (strcmp(nb->protect[i], prefix) == 0)
			return 0;
	if (nb->n_protect >= NETBOOTD_PROTECT_MAX)
		return -E2BIG;
	snprintf(nb->protect[nb->n_protect++], NB_PROTECT_LEN, "%s", prefix);
	return 0;
}

static int protect_apkovl(struct netbootd *nb, const struct nb_profile *p, const char *where)
{
	char prefix[NB_PROTECT_LEN];
	int r;

	if (!(p->set & NB_SET_APKOVL) || !p->apkovl[0])
		return 0;
	r = apkovl_prefix(p->apkovl, prefix);
	if (r == -EINVAL)
		fprintf(stderr, "netbootd: %s: apkovl = %s: a template at the top of the root "
			"cannot be protected; put overlays in a folder or set protect = in [server]\n",
			where, p->apkovl);
	else if (r == -ENAMETOOLONG)
		fprintf(stderr, "netbootd: %s: apkovl = %s: folder too long to protect\n",
			where, p->apkovl);
	if (r <= 0)
		return r;
	r = protect_add(nb, prefix);
	if (r < 0)
		fprintf(stderr, "netbootd: %s: more than %d apkovl folders to protect; "
			"set protect = in [server]\n", where, NETBOOTD_PROTECT_MAX);
	return r;
}

static int protect_collect(struct netbootd *nb)
{
	const struct nb_config *cfg = nb->config;
	const struct nb_server_conf *srv = nb_config_server(cfg);
	char where[NB_NAME_MAX + 16];
	struct nb_profile *p;
	int r;

	if (srv->protect_set) {
		for (unsigned i = 0; i < srv->n_protect; i++)
			if ((r = protect_add(nb, srv->protect[i])) < 0)
				return r;
		return 0;
	}
	/* A section's keys laid alone over an empty profile: only the
	 * sections that give apkovl = are looked at (one file per host with
	 * only hostname = costs nothing here). */
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	r = 0;
	for (unsigned i = 0; i < cfg->n_profile && r == 0; i++) {
		if (!(cfg->profile[i].keys.set & NB_SET_APKOVL))
			continue;
		memset(p, 0, sizeof(*p));
		nb_section_apply(cfg, &cfg->profile[i].keys, p);
		snprintf(where, sizeof(where), "[profile %s]", cfg->profile[i].name);
		r = protect_apkovl(nb, p, where);
	}
	for (unsigned i = 0; i < cfg->n_client && r == 0; i++) {
		if (!(cfg->client[i].keys.set & NB_SET_APKOVL))
			continue;
		memset(p, 0, sizeof(*p));
		nb_section_apply(cfg, &cfg->client[i].keys, p);
		snprintf(where, sizeof(where), "client section %u", i + 1);
		r = protect_apkovl(nb, p, where);
	}
	free(p);
	return r;
}

int content_protect_init(struct netbootd *nb)
{
	int r;

	nb->n_protect = 0;
	r = protect_collect(nb);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < nb->n_protect; i++)
		log_info("main", "-", "protected: %s", nb->protect[i][0] ? nb->protect[i] : "(everything)");
	if (nb->n_protect && !nb->dhcp_on)
		log_warn("main", "-", "proxyDHCP is off: protected files without a MAC or UUID in "
			 "their name are refused to everyone");
	return 0;
}

void content_close(struct content *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->mem);
	c->fd = -1;
	c->mem = NULL;
}
