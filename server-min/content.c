/* content.c: what a client may download, for TFTP and HTTP alike.
 *
 * Three sources, tried in this order:
 *   1. rendered: boot.ipxe and boot.plan, made for the asking client by the
 *      embed/ core (MAC from ?mac=, else from the kernel's neighbour table);
 *   2. root: a regular file beneath --root;
 *   3. dist: the distribution's iPXE binaries (undionly.kpxe, snponly.efi,
 *      ipxe.efi) and our alpineboot.efi when the root has no copy, so an
 *      admin never copies boot loaders around.
 *
 * Safety lives here, once: the client's path is checked as text first (no
 * "..", no backslash, no control bytes), then opened with openat2()
 * RESOLVE_BENEATH so no symlink can lead out of the root, then fstat()ed
 * on the very descriptor that will be read: regular files only. No
 * stat-then-open race, and nothing is ever created or written.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "embed/config.h"
#include "embed/plan.h"
#include "embed/str.h"
#include "server-min/clients.h"
#include "server-min/content.h"
#include "server-min/log.h"

#define CONTENT_PATH_MAX 1024
/* A rendered document: an iPXE script with a full fallback menu stays far
 * below this; boot.plan is bounded by NB_PLAN_TEXT_MAX. */
#define CONTENT_RENDER_MAX 65536

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

static int content_render(struct netbootd *nb, const struct rendered_name *doc, const char *query,
			  const struct sockaddr_in *peer, struct content *ret)
{
	struct nb_client client = { .arch = -1 };
	char val[64];
	size_t len;
	char *buf;
	int r;

	if (query && query_get(query, "mac", val, sizeof(val)) == 0) {
		if (nb_mac_parse(val, strlen(val), client.mac) < 0)
			return -EACCES;
		client.has_mac = 1;
	} else if (peer && clients_mac_of(nb->clients, peer->sin_addr, client.mac) == 0) {
		client.has_mac = 1;
	}
	if (query && query_get(query, "uuid", val, sizeof(val)) == 0) {
		if (strlen(val) >= sizeof(client.uuid))
			return -EACCES;
		memcpy(client.uuid, val, strlen(val) + 1);
	}
	if (query && query_get(query, "arch", val, sizeof(val)) == 0) {
		uint64_t a;
		if (nb_parse_u64(val, strlen(val), 0xffff, &a) < 0)
			return -EACCES;
		client.arch = (int)a;
	}
	buf = malloc(CONTENT_RENDER_MAX);
	if (!buf)
		return -ENOMEM;
	r = nb_render(nb->config, &client, nb->http_base, doc->fmt, buf, CONTENT_RENDER_MAX, &len);
	if (r < 0) {
		log_error("main", "-", "cannot render %s: %s", doc->name, strerror(-r));
		free(buf);
		return r == -ENOMEM ? -ENOMEM : -ENOENT;
	}
	ret->fd = -1;
	ret->mem = buf;
	ret->size = len;
	ret->mtime = time(NULL);
	ret->source = "rendered";
	return 0;
}

/* openat2 beneath dirfd; falls back to a walk that refuses every symlink on
 * kernels before 5.6, which is stricter but never wrong. */
static int content_open_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
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
			int nfd = openat(cur, seg, (next ? O_PATH | O_DIRECTORY : O_RDONLY | O_NONBLOCK) |
					 O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
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

static int content_from_fd(int fd, const char *source, struct content *ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EACCES;
	}
	ret->fd = fd;
	ret->mem = NULL;
	ret->size = (uint64_t)st.st_size;
	ret->mtime = st.st_mtime;
	ret->source = source;
	return 0;
}

/* The distribution's boot loaders, and ours, when the root has no copy. */
static int content_open_dist(const struct netbootd *nb, const char *name,
			     struct content *ret)
{
	int dirfd = -1, fd;
	const char *source = NULL;

	for (size_t i = 0; i < sizeof(dist_names) / sizeof(dist_names[0]); i++)
		if (strcmp(name, dist_names[i]) == 0) {
			dirfd = nb->ipxe_fd;
			source = "ipxe-dist";
		}
	if (strcmp(name, "alpineboot.efi") == 0) {
		dirfd = nb->efi_fd;
		source = "efi-dist";
	}
	if (dirfd < 0)
		return -ENOENT;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -ENOENT;
	return content_from_fd(fd, source, ret);
}

int content_open(struct netbootd *nb, const char *path, const char *query,
		 const struct sockaddr_in *peer, struct content *ret)
{
	char clean[CONTENT_PATH_MAX];
	int r, fd;

	r = content_clean_path(path, clean);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(rendered_names) / sizeof(rendered_names[0]); i++)
		if (strcmp(clean, rendered_names[i].name) == 0) {
			/* An admin's own file under the root wins. */
			fd = content_open_beneath(nb->root_fd, clean);
			if (fd >= 0)
				return content_from_fd(fd, "root", ret);
			return content_render(nb, &rendered_names[i], query, peer, ret);
		}

	fd = content_open_beneath(nb->root_fd, clean);
	if (fd >= 0)
		return content_from_fd(fd, "root", ret);
	if (fd == -EXDEV || fd == -ELOOP)
		return -EACCES;   /* a symlink that leaves the root */
	if (fd == -ENOTDIR)
		fd = -ENOENT;     /* a path through a regular file */
	if (fd != -ENOENT)
		return fd;
	return content_open_dist(nb, clean, ret);
}

void content_close(struct content *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->mem);
	c->fd = -1;
	c->mem = NULL;
}
