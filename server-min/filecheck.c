/* filecheck.c: check the served files against each other (filecheck.h).
 *
 * Alpine's contract (docs/architecture.md): OpenRC's modloop service
 * loop-mounts modloop= and needs modules/$(uname -r) inside it, and
 * alpine_repo= becomes /etc/apk/repositories. A kernel of one release with
 * a modloop of another boots, then has no drivers; repositories of another
 * branch install packages built for other libraries. Neither shows on the
 * server, so this file looks before a client does.
 *
 * Where the facts come from, each read through a parser that checks every
 * offset against the bytes it has:
 *   - the kernel's release: the x86 boot protocol's setup header
 *     (Documentation/arch/x86/boot.rst: "HdrS" at 0x202, kernel_version at
 *     0x20e, a pointer to a NUL-terminated string at +0x200). arm64 Image
 *     and EFI zboot kernels have no such header: there the "Linux version "
 *     banner is searched where it lies uncompressed, else the check says it
 *     was skipped;
 *   - the modloop's modules/<release>/: libsquashfs (squashfs-tools-ng),
 *     which reads Alpine's xz modloops as well as the tests' gzip ones.
 *     A build without it (make NO_SQUASHFS=1) skips that check, with a
 *     warning;
 *   - the release of the files: /etc/alpine-release in the initramfs, a
 *     gzip'd cpio "newc" archive (cpio(5)), through zlib's gzread.
 * Files are opened beneath the root only (openat2 RESOLVE_BENEATH), as the
 * server opens them for clients, and only regular files are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_SQUASHFS
#include <sqfs/compressor.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>
#endif

#include "embed/config.h"
#include "embed/render.h"
#include "plan/plan.h"
#include "embed/resolve.h"
#include "server-min/filecheck.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"
#include "server-min/util.h"

/* The x86 boot protocol (Linux Documentation/arch/x86/boot.rst). */
#define BZ_HDRS_OFF      0x202   /* "HdrS" */
#define BZ_KVER_OFF      0x20e   /* u16: kernel_version - 0x200 */
#define BZ_KVER_BASE     0x200
#define KERNEL_SCAN_MAX  (256ull * 1024 * 1024) /* an uncompressed Image */
#define SCAN_CHUNK       (1024 * 1024)
#define RELEASE_MAX      64
/* cpio(5) "newc": 6-byte magic, 13 fields of 8 hex digits. */
#define CPIO_HDR         110
#define CPIO_NAME_MAX    4096
#define CPIO_ENTRIES_MAX 1000000
#define CPIO_BYTES_MAX   (1024ull * 1024 * 1024)
#define LISTED_MAX       160     /* modules/ names quoted in a message */
/* Distinct sets of files checked (add_plan drops repeats): a site's
 * thousands of sections share a few. */
#define SETS_MAX         1024

static const char banner[] = "Linux version ";
static const char alpine_release_path[] = "etc/alpine-release";

const char *filecheck_level_name(enum filecheck_level level)
{
	static const char *const names[] = { "ok", "warn", "error" };

	return (unsigned)level < 3 ? names[level] : "?";
}

void filecheck_format(const struct filecheck_item *it, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s: %s: %s: %s", filecheck_level_name(it->level),
		 it->file, it->what, it->msg);
}

/* --- parsers of untrusted bytes ------------------------------------------ */

/* A kernel release as uname -r prints it: starts with a digit, then
 * letters, digits and ._+-~ only. Its length, or 0 when s is not one. */
static size_t release_len(const uint8_t *s, size_t max)
{
	size_t n;

	if (max == 0 || s[0] < '0' || s[0] > '9')
		return 0;
	for (n = 0; n < max; n++) {
		uint8_t c = s[n];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
		      c == '+' || c == '-' || c == '~'))
			break;
	}
	return n;
}

static int put_release(const uint8_t *s, size_t n, char *ret, size_t cap)
{
	if (n + 1 > cap)
		return -E2BIG;
	memcpy(ret, s, n);
	ret[n] = '\0';
	return 0;
}

static int bzimage_release(const uint8_t *buf, size_t len, char *ret, size_t cap)
{
	size_t off, n;

	if (len < BZ_KVER_OFF + 2 || memcmp(buf + BZ_HDRS_OFF, "HdrS", 4) != 0)
		return -ENOENT;
	off = (size_t)(buf[BZ_KVER_OFF] | buf[BZ_KVER_OFF + 1] << 8);
	if (off == 0 || off + BZ_KVER_BASE >= len)
		return -ENOENT;
	off += BZ_KVER_BASE;
	n = release_len(buf + off, len - off);
	/* The release ends at a space or the NUL within what was read: one
	 * that runs into the end of the buffer may be longer. */
	if (n == 0 || off + n >= len || (buf[off + n] != ' ' && buf[off + n] != '\0'))
		return -ENOENT;
	return put_release(buf + off, n, ret, cap);
}

static int banner_release(const uint8_t *buf, size_t len, char *ret, size_t cap)
{
	const size_t bl = sizeof(banner) - 1;
	const uint8_t *p = buf, *end = buf + len;

	while ((size_t)(end - p) > bl) {
		const uint8_t *hit = memmem(p, (size_t)(end - p), banner, bl);
		size_t n, rest;

		if (hit == NULL)
			break;
		rest = (size_t)(end - hit) - bl;
		n = release_len(hit + bl, rest);
		/* A banner followed by its end in this buffer, then a space:
		 * "Linux version 6.6.14-0-virt (buildozer@...". */
		if (n > 0 && n < rest && hit[bl + n] == ' ')
			return put_release(hit + bl, n, ret, cap);
		p = hit + 1;
	}
	return -ENOENT;
}

int filecheck_kernel_release(const uint8_t *buf, size_t len, char *ret, size_t cap)
{
	int r = bzimage_release(buf, len, ret, cap);

	if (r != -ENOENT)
		return r;
	return banner_release(buf, len, ret, cap);
}

int filecheck_repo_branch(const char *url, char *ret, size_t cap)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	while ((p = strchr(p, '/')) != NULL) {
		const char *seg = ++p;
		size_t n = strcspn(seg, "/?#");
		int ok = (n == 4 && !memcmp(seg, "edge", 4)) ||
			 (n == 13 && !memcmp(seg, "latest-stable", 13));

		if (!ok && n >= 4 && seg[0] == 'v') {
			size_t i, dots = 0;

			ok = seg[1] >= '0' && seg[1] <= '9';
			for (i = 1; ok && i < n; i++) {
				if (seg[i] == '.')
					dots++;
				else if (seg[i] < '0' || seg[i] > '9')
					ok = 0;
			}
			ok = ok && dots == 1 && seg[n - 1] != '.';
		}
		if (ok) {
			if (n + 1 > cap)
				return -E2BIG;
			memcpy(ret, seg, n);
			ret[n] = '\0';
			return 0;
		}
	}
	return -ENOENT;
}

/* The walk over a cpio archive reads through one of these: a buffer in
 * tests and fuzzing, a gzip stream for real initramfs files. */
struct reader {
	/* Exactly n bytes into buf: 0, or -EINVAL at the end of data. */
	int (*read)(struct reader *r, void *buf, size_t n);
	int (*skip)(struct reader *r, uint64_t n);
	const uint8_t *buf;
	size_t len, pos;
	void *gz;
};

static int mem_read(struct reader *r, void *buf, size_t n)
{
	if (n > r->len - r->pos)
		return -EINVAL;
	memcpy(buf, r->buf + r->pos, n);
	r->pos += n;
	return 0;
}

static int mem_skip(struct reader *r, uint64_t n)
{
	if (n > r->len - r->pos)
		return -EINVAL;
	r->pos += (size_t)n;
	return 0;
}

static int hex8(const char *s, uint32_t *ret)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

static int is_release_name(const char *name, size_t n)
{
	const size_t want = sizeof(alpine_release_path) - 1;

	/* "./etc/alpine-release" and "etc/alpine-release" alike. */
	for (;;) {
		if (n >= 2 && name[0] == '.' && name[1] == '/') {
			name += 2;
			n -= 2;
		} else if (n >= 1 && name[0] == '/') {
			name++;
			n--;
		} else {
			break;
		}
	}
	return n == want && !memcmp(name, alpine_release_path, want);
}

/* The first line of the entry's data (n bytes at the reader) into ret. */
static int read_release_line(struct reader *rd, uint32_t n, char *ret, size_t cap)
{
	char line[RELEASE_MAX];
	size_t take = n < sizeof(line) - 1 ? n : sizeof(line) - 1, i;
	int r = rd->read(rd, line, take);

	if (r < 0)
		return r;
	for (i = 0; i < take && line[i] != '\n' && line[i] != '\r'; i++)
		if (line[i] < ' ' || line[i] > '~')
			return -EINVAL;
	if (i == 0)
		return -EINVAL;
	if (i + 1 > cap)
		return -E2BIG;
	memcpy(ret, line, i);
	ret[i] = '\0';
	return 0;
}

/* Entry after entry until TRAILER!!! or the end of data. What may follow
 * the trailer (Debian puts an uncompressed microcode archive first and the
 * compressed rest after it) would need another decompressor: not ours. */
static int cpio_walk(struct reader *rd, char *ret, size_t cap)
{
	char hdr[CPIO_HDR], name[CPIO_NAME_MAX];
	uint64_t seen = 0;
	unsigned entries;

	for (entries = 0; entries < CPIO_ENTRIES_MAX; entries++) {
		uint32_t namesize, filesize;
		uint64_t pad;

		if (rd->read(rd, hdr, CPIO_HDR) < 0)
			return entries ? -ENOENT : -EINVAL;
		if (memcmp(hdr, "07070", 5) != 0 || (hdr[5] != '1' && hdr[5] != '2') ||
		    hex8(hdr + 54, &filesize) < 0 || hex8(hdr + 94, &namesize) < 0 ||
		    namesize == 0 || namesize > CPIO_NAME_MAX)
			return -EINVAL;
		if (rd->read(rd, name, namesize) < 0 || name[namesize - 1] != '\0')
			return -EINVAL;
		/* Header and name pad to 4 bytes, the data too. */
		pad = (4 - (CPIO_HDR + namesize) % 4) % 4;
		if (pad && rd->skip(rd, pad) < 0)
			return -EINVAL;
		if (is_release_name(name, namesize - 1))
			return read_release_line(rd, filesize, ret, cap);
		if (!strcmp(name, "TRAILER!!!"))
			return -ENOENT;   /* a second archive would be compressed anew */
		seen += CPIO_HDR + namesize + filesize;
		if (seen > CPIO_BYTES_MAX)
			return -ENOENT;
		if (rd->skip(rd, (uint64_t)filesize + (4 - filesize % 4) % 4) < 0)
			return -ENOENT;
	}
	return -ENOENT;
}

int filecheck_cpio_release(const uint8_t *buf, size_t len, char *ret, size_t cap)
{
	struct reader rd = { .read = mem_read, .skip = mem_skip, .buf = buf, .len = len };

	return cpio_walk(&rd, ret, cap);
}

/* --- the report ------------------------------------------------------------ */

static void count(struct filecheck_report *rep, enum filecheck_level level, int d)
{
	if (level == FILECHECK_WARN)
		rep->n_warn += (unsigned)d;
	else if (level == FILECHECK_ERROR)
		rep->n_error += (unsigned)d;
}

static int add_item(struct filecheck_report *rep, const char *file, const char *what,
		    enum filecheck_level level, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_item(struct filecheck_report *rep, const char *file, const char *what,
		    enum filecheck_level level, const char *fmt, ...)
{
	struct filecheck_item it = { .what = what, .level = level };
	va_list ap;
	unsigned i;

	snprintf(it.file, sizeof(it.file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(it.msg, sizeof(it.msg), fmt, ap);
	va_end(ap);
	/* Many sections share a profile's files: each finding once, and a
	 * file's existence once, whoever named it first. */
	for (i = 0; i < rep->n_item; i++) {
		struct filecheck_item *old = &rep->item[i];

		if (strcmp(old->file, it.file) || strcmp(old->what, what))
			continue;
		if (!strcmp(what, "exists") && level > old->level) {
			count(rep, old->level, -1);
			count(rep, level, 1);
			*old = it;
			return 0;
		}
		if (!strcmp(what, "exists") ||
		    (old->level == level && !strcmp(old->msg, it.msg)))
			return 0;
	}
	if (rep->n_item == rep->cap) {
		unsigned cap = rep->cap ? rep->cap * 2 : 16;
		struct filecheck_item *n = realloc(rep->item, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		rep->item = n;
		rep->cap = cap;
	}
	rep->item[rep->n_item++] = it;
	count(rep, level, 1);
	return 0;
}

void filecheck_report_free(struct filecheck_report *r)
{
	if (r == NULL)
		return;
	free(r->item);
	free(r);
}

/* --- reading files beneath the root ---------------------------------------- */

/* The regular file path names beneath root_fd, opened for reading the way
 * content.c opens what it serves: O_PATH with RESOLVE_BENEATH (nothing is
 * opened for I/O yet, no FIFO writer released, no driver's open run), then
 * fstat, then the same inode through /proc/self/fd. An fd and *ret_st, or
 * -errno with *ret_why saying what the file is instead. */
static int open_beneath(int root_fd, const char *path, struct stat *ret_st,
			const char **ret_why)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char proc[32];
	struct stat st, again;
	int pfd, fd;

	*ret_why = NULL;
	pfd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (pfd < 0)
		return errno == EXDEV ? (*ret_why = "outside the root", -EXDEV) : -errno;
	if (fstat(pfd, &st) < 0) {
		int r = -errno;

		close(pfd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		*ret_why = nb_file_kind(st.st_mode);
		close(pfd);
		return -EACCES;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	close(pfd);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &again) < 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
		close(fd);
		*ret_why = "replaced while being checked";
		return -EAGAIN;
	}
	*ret_st = again;
	return fd;
}

static ssize_t pread_full(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The kernel's release: the setup header in the first chunk, else the
 * banner anywhere in the first 256 MiB, read in 1 MiB chunks that overlap
 * by a banner's length plus a release. 0 and *ret_how, or -errno. */
static int kernel_release_fd(int fd, uint64_t size, char *ret, size_t cap,
			     const char **ret_how)
{
	const size_t overlap = sizeof(banner) + RELEASE_MAX;
	uint8_t *buf = malloc(SCAN_CHUNK);
	uint64_t off = 0;
	int r = -ENOENT;

	if (buf == NULL)
		return -ENOMEM;
	while (off < size && off < KERNEL_SCAN_MAX) {
		ssize_t n = pread_full(fd, buf, SCAN_CHUNK, (off_t)off);

		if (n <= 0) {
			r = n < 0 ? (int)n : -ENOENT;
			break;
		}
		r = off == 0 ? bzimage_release(buf, (size_t)n, ret, cap) : -ENOENT;
		if (r != -ENOENT) {
			*ret_how = "bzImage header";
			break;
		}
		r = banner_release(buf, (size_t)n, ret, cap);
		if (r != -ENOENT) {
			*ret_how = "banner";
			break;
		}
		if ((size_t)n < SCAN_CHUNK)
			break;
		off += SCAN_CHUNK - overlap;
	}
	free(buf);
	return r;
}

#ifdef HAVE_ZLIB
static int gz_read(struct reader *r, void *buf, size_t n)
{
	int got = gzread((gzFile)r->gz, buf, (unsigned)n);

	return got >= 0 && (size_t)got == n ? 0 : -EINVAL;
}

static int gz_skip(struct reader *r, uint64_t n)
{
	if (n > CPIO_BYTES_MAX)
		return -EINVAL;
	return gzseek((gzFile)r->gz, (z_off_t)n, SEEK_CUR) < 0 ? -EINVAL : 0;
}

/* /etc/alpine-release of an initramfs: gzip'd cpio, or a plain one (gzread
 * passes bytes that are not gzip through as they are). */
static int initramfs_release_fd(int fd, char *ret, size_t cap)
{
	struct reader rd = { .read = gz_read, .skip = gz_skip };
	int dfd = dup(fd), r;

	if (dfd < 0)
		return -errno;
	rd.gz = gzdopen(dfd, "rb");
	if (rd.gz == NULL) {
		close(dfd);
		return -ENOMEM;
	}
	r = cpio_walk(&rd, ret, cap);
	gzclose((gzFile)rd.gz);
	return r;
}
#else
static int initramfs_release_fd(int fd, char *ret, size_t cap)
{
	(void)fd, (void)ret, (void)cap;
	return -ENOTSUP;
}
#endif

/* --- the modloop ------------------------------------------------------------- */

struct modloop_info {
	int has_modules;             /* a modules/ directory at the top */
	int has_release;             /* modules/<release>/ */
	char listed[LISTED_MAX];     /* "6.6.14-0-lts, 6.6.13-0-lts" */
};

#ifdef HAVE_SQUASHFS
/* libsquashfs reads through this: pread on our descriptor, read only. */
struct fd_file {
	sqfs_file_t base;
	int fd;
	uint64_t size;
};

static void fd_file_destroy(sqfs_object_t *obj)
{
	free(obj);
}

static sqfs_object_t *fd_file_copy(const sqfs_object_t *obj)
{
	struct fd_file *c = malloc(sizeof(*c));

	if (c != NULL)
		memcpy(c, obj, sizeof(*c));
	return (sqfs_object_t *)c;
}

static int fd_file_read_at(sqfs_file_t *f, sqfs_u64 off, void *buf, size_t n)
{
	const struct fd_file *ff = (const struct fd_file *)f;

	if (off > ff->size || n > ff->size - off)
		return SQFS_ERROR_OUT_OF_BOUNDS;
	return pread_full(ff->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : SQFS_ERROR_IO;
}

static int fd_file_write_at(sqfs_file_t *f, sqfs_u64 off, const void *buf, size_t n)
{
	(void)f, (void)off, (void)buf, (void)n;
	return SQFS_ERROR_IO;
}

static sqfs_u64 fd_file_size(const sqfs_file_t *f)
{
	return ((const struct fd_file *)f)->size;
}

static int fd_file_truncate(sqfs_file_t *f, sqfs_u64 n)
{
	(void)f, (void)n;
	return SQFS_ERROR_IO;
}

static int is_dir(const sqfs_inode_generic_t *ino)
{
	return ino->base.type == SQFS_INODE_DIR || ino->base.type == SQFS_INODE_EXT_DIR;
}

/* modules/'s entries: note them (for the message) and whether release is
 * one of them, a directory. Bounded by the listing's own size and 4096. */
static int list_modules(sqfs_dir_reader_t *rd, const sqfs_inode_generic_t *mods,
			const char *release, struct modloop_info *ret)
{
	size_t used = 0;
	int i, r;

	r = sqfs_dir_reader_open_dir(rd, mods, 0);
	if (r != 0)
		return -EINVAL;
	for (i = 0; i < 4096; i++) {
		sqfs_dir_entry_t *ent = NULL;
		size_t n;

		r = sqfs_dir_reader_read(rd, &ent);
		if (r != 0)
			return r > 0 ? 0 : -EINVAL;
		n = (size_t)ent->size + 1;
		if (n == strlen(release) && !memcmp(ent->name, release, n) &&
		    (ent->type == SQFS_INODE_DIR || ent->type == SQFS_INODE_EXT_DIR))
			ret->has_release = 1;
		if (used + n + 3 < sizeof(ret->listed)) {
			if (used)
				used += (size_t)snprintf(ret->listed + used, 3, ", ");
			memcpy(ret->listed + used, ent->name, n);
			used += n;
			ret->listed[used] = '\0';
		}
		sqfs_free(ent);
	}
	return 0;
}

static int modloop_read(int fd, uint64_t size, const char *release,
			struct modloop_info *ret, const char **ret_why)
{
	struct fd_file *f = calloc(1, sizeof(*f));
	sqfs_compressor_config_t ccfg;
	sqfs_compressor_t *cmp = NULL;
	sqfs_dir_reader_t *rd = NULL;
	sqfs_inode_generic_t *root = NULL, *mods = NULL;
	sqfs_super_t super;
	int r = -EINVAL;

	if (f == NULL)
		return -ENOMEM;
	f->base.base.destroy = fd_file_destroy;
	f->base.base.copy = fd_file_copy;
	f->base.read_at = fd_file_read_at;
	f->base.write_at = fd_file_write_at;
	f->base.get_size = fd_file_size;
	f->base.truncate = fd_file_truncate;
	f->fd = fd;
	f->size = size;
	*ret_why = "not a squashfs image";
	if (sqfs_super_read(&super, &f->base) != 0)
		goto out;
	*ret_why = "its compressor is not one libsquashfs reads";
	if (sqfs_compressor_config_init(&ccfg, (SQFS_COMPRESSOR)super.compression_id,
					super.block_size, SQFS_COMP_FLAG_UNCOMPRESS) != 0 ||
	    sqfs_compressor_create(&ccfg, &cmp) != 0)
		goto out;
	*ret_why = "corrupt squashfs";
	if ((super.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) && cmp->read_options(cmp, &f->base) != 0)
		goto out;
	rd = sqfs_dir_reader_create(&super, cmp, &f->base, 0);
	if (rd == NULL || sqfs_dir_reader_get_root_inode(rd, &root) != 0)
		goto out;
	*ret_why = NULL;
	r = 0;
	if (sqfs_dir_reader_find_by_path(rd, root, "modules", &mods) != 0 || !is_dir(mods))
		goto out;
	ret->has_modules = 1;
	r = list_modules(rd, mods, release, ret);
	if (r < 0)
		*ret_why = "corrupt squashfs (modules/ unreadable)";
out:
	sqfs_free(mods);
	sqfs_free(root);
	sqfs_destroy(rd);
	sqfs_destroy(cmp);
	sqfs_destroy(f);
	return r;
}
#endif

/* --- what the config serves --------------------------------------------------- */

/* The files one boot entry names beneath the root ("" when the URL is not
 * under our http base), and the branch its repositories name. */
struct fset {
	char kernel[FILECHECK_FILE_MAX];
	char initrd[NB_PLAN_MAX_INITRDS][FILECHECK_FILE_MAX];
	unsigned n_initrd;
	char modloop[FILECHECK_FILE_MAX];
	char branch[NB_BRANCH_MAX];
	int check_branch;
	int fallback;               /* a fallback menu entry, not the boot */
	char who[160];              /* the section (and entry) that named it first */
};

/* url below base ("http://HOST[:PORT]/path") to "path". 1 and ret, or 0
 * when the URL is elsewhere (a mirror) or too long to be ours. */
static int local_path(const char *url, const char *base, char *ret, size_t cap)
{
	size_t bl = strlen(base), n;

	if (strncmp(url, base, bl) != 0 || url[bl] != '/')
		return 0;
	url += bl;
	while (*url == '/')
		url++;
	n = strcspn(url, "?#");
	if (n == 0 || n >= cap)
		return 0;
	memcpy(ret, url, n);
	ret[n] = '\0';
	return 1;
}

/* The last value of key= among the command line's words (the kernel
 * passes them to init in order; a later word wins in Alpine's scripts). */
static int cmdline_value(const char *cmdline, const char *key, char *ret, size_t cap)
{
	size_t kl = strlen(key);
	const char *p = cmdline;
	int found = 0;

	while (*p) {
		size_t n = strcspn(p, " ");

		if (n > kl && !strncmp(p, key, kl) && n - kl < cap) {
			memcpy(ret, p + kl, n - kl);
			ret[n - kl] = '\0';
			found = 1;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return found;
}

static void entry_set(const struct nb_entry *e, const char *base, struct fset *s)
{
	char url[NB_CMDLINE_MAX], *comma;
	unsigned i;

	memset(s, 0, sizeof(*s));
	if (!local_path(e->kernel.url, base, s->kernel, sizeof(s->kernel)))
		s->kernel[0] = '\0';
	for (i = 0; i < e->n_initrd && i < NB_PLAN_MAX_INITRDS; i++)
		if (local_path(e->initrd[i].url, base, s->initrd[s->n_initrd], FILECHECK_FILE_MAX))
			s->n_initrd++;
	if (cmdline_value(e->cmdline, "modloop=", url, sizeof(url)))
		local_path(url, base, s->modloop, sizeof(s->modloop));
	/* alpine_repo=URL[,URL...]: the first that names a branch. */
	if (cmdline_value(e->cmdline, "alpine_repo=", url, sizeof(url))) {
		char *u = url;

		do {
			comma = strchr(u, ',');
			if (comma)
				*comma = '\0';
			if (filecheck_repo_branch(u, s->branch, sizeof(s->branch)) == 0)
				break;
			u = comma + 1;
		} while (comma);
	}
}

static int same_set(const struct fset *a, const struct fset *b)
{
	unsigned i;

	if (strcmp(a->kernel, b->kernel) || strcmp(a->modloop, b->modloop) ||
	    strcmp(a->branch, b->branch) || a->n_initrd != b->n_initrd ||
	    a->check_branch != b->check_branch || a->fallback != b->fallback)
		return 0;
	for (i = 0; i < a->n_initrd; i++)
		if (strcmp(a->initrd[i], b->initrd[i]))
			return 0;
	return 1;
}

struct sets {
	struct fset v[SETS_MAX];
	unsigned n;
};

/* Every boot entry of the plan: the boot itself and the fallbacks with
 * other files (the other flavor). A branch fallback with the same files
 * is the admin's way out, not a mismatch to report. */
static void add_plan(struct sets *ss, const struct nb_plan *plan, const char *base,
		     const char *who)
{
	unsigned i, j;

	for (i = 0; i < plan->n_entry && ss->n < SETS_MAX; i++) {
		const struct nb_entry *e = &plan->entry[i];
		struct fset *s = &ss->v[ss->n];

		if (e->action != NB_ACT_BOOT)
			continue;
		entry_set(e, base, s);
		s->check_branch = i == 0 || strcmp(e->kernel.url, plan->entry[0].kernel.url) != 0;
		s->fallback = i != 0;
		if (i == 0)
			snprintf(s->who, sizeof(s->who), "%s", who);
		else
			snprintf(s->who, sizeof(s->who), "the fallback \"%.60s\" of %s", e->label, who);
		for (j = 0; j < ss->n && !same_set(&ss->v[j], s); j++)
			;
		if (j == ss->n)
			ss->n++;
	}
}

/* A client that the one section in the copy names: its MAC, the prefix
 * padded with zeros, its UUID, or its arch. */
static void section_client(const struct nb_client_conf *cc, struct nb_client *c)
{
	memset(c, 0, sizeof(*c));
	c->arch = -1;
	switch (cc->match) {
	case NB_MATCH_MAC:
	case NB_MATCH_PREFIX:
		memcpy(c->mac, cc->mac, 6);
		c->has_mac = 1;
		break;
	case NB_MATCH_UUID:
		snprintf(c->uuid, sizeof(c->uuid), "%s", cc->uuid);
		break;
	case NB_MATCH_ARCH:
		c->arch = cc->arch;
		break;
	}
}

/* Resolve the default profile, each [profile NAME] and each [client]
 * section, each alone (nb_resolve_section), so the match precedence cannot
 * hide one behind another. A profile is resolved as if a section by arch
 * named it. */
static int collect(const struct nb_config *cfg, const char *base, struct sets *ss,
		   struct filecheck_report *rep)
{
	struct nb_plan *plan = malloc(sizeof(*plan));
	struct nb_client_conf as_profile;
	unsigned k, total = 1 + cfg->n_profile + cfg->n_client;
	int r = 0;

	if (plan == NULL)
		return -ENOMEM;
	for (k = 0; k < total && r == 0; k++) {
		const struct nb_client_conf *cc = NULL;
		struct nb_client c = { .arch = -1 };
		char who[80];
		const char *file;
		size_t fn;

		snprintf(who, sizeof(who), "the default profile");
		if (k >= 1 && k <= cfg->n_profile) {
			memset(&as_profile, 0, sizeof(as_profile));
			as_profile.match = NB_MATCH_ARCH;
			as_profile.profile = k - 1;
			as_profile.profile_name = NB_NO_PROFILE;
			cc = &as_profile;
			c.arch = 0;
			snprintf(who, sizeof(who), "[profile %s]", cfg->profile[k - 1].name);
		} else if (k > cfg->n_profile) {
			cc = &cfg->client[k - 1 - cfg->n_profile];
			section_client(cc, &c);
			/* The file's tail names it well enough to find. */
			file = nb_config_file(cfg, &cc->at);
			fn = strlen(file);
			snprintf(who, sizeof(who), "[client] of %s%.50s:%u",
				 fn > 50 ? "..." : "", fn > 50 ? file + fn - 50 : file,
				 cc->at.line);
		}
		if (nb_resolve_section(cfg, cc, &c, base, plan) < 0)
			r = add_item(rep, "-", "check", FILECHECK_WARN,
				     "%s not checked: it resolves only for a given client (${mac} in a path?)",
				     who);
		else
			add_plan(ss, plan, base, who);
	}
	free(plan);
	return r;
}

/* --- the checks -------------------------------------------------------------- */

struct ctx {
	struct filecheck_report *rep;
	int root_fd;
	const struct fset *s;
};

/* An fd for the file, after an "exists" item either way; -1 when it is
 * missing or not a regular file (an error item says which). */
static int check_exists(struct ctx *x, const char *path, const char *role, uint64_t *ret_size)
{
	const char *why;
	struct stat st = { 0 };
	int fd = open_beneath(x->root_fd, path, &st, &why);

	if (fd < 0) {
		if (fd == -ENOENT)
			why = "missing";
		/* A fallback with missing files fails only when chosen. */
		add_item(x->rep, path, "exists", x->s->fallback ? FILECHECK_WARN : FILECHECK_ERROR,
			 "%s named by %s: %s", role, x->s->who, why ? why : strerror(-fd));
		return -1;
	}
	*ret_size = (uint64_t)st.st_size;
	add_item(x->rep, path, "exists", FILECHECK_OK, "%s, %llu bytes", role,
		 (unsigned long long)st.st_size);
	return fd;
}

static void check_modloop(struct ctx *x, int fd, uint64_t size, const char *krel)
{
	const char *ml = x->s->modloop, *k = x->s->kernel;
#ifdef HAVE_SQUASHFS
	struct modloop_info mi = { 0 };
	const char *why = NULL;

	if (modloop_read(fd, size, krel, &mi, &why) < 0 || why != NULL) {
		add_item(x->rep, ml, "release", FILECHECK_ERROR, "%s: OpenRC's modloop "
			 "service cannot mount it", why ? why : "unreadable");
		return;
	}
	if (!mi.has_modules)
		add_item(x->rep, ml, "release", FILECHECK_ERROR, "no modules/ directory; "
			 "kernel %s is %s", k, krel);
	else if (!mi.has_release)
		add_item(x->rep, ml, "release", FILECHECK_ERROR, "has modules/%s but kernel %s "
			 "is %s: no modules/%s/, the client boots without drivers",
			 mi.listed[0] ? mi.listed : "(empty)", k, krel, krel);
	else
		add_item(x->rep, ml, "release", FILECHECK_OK, "modules/%s/ matches kernel %s",
			 krel, k);
#else
	(void)fd, (void)size;
	add_item(x->rep, ml, "release", FILECHECK_WARN, "built without libsquashfs: "
		 "modules/%s/ (kernel %s) not checked", krel, k);
#endif
}

/* Kernel release against the modloop's modules/<release>/. */
static void check_release(struct ctx *x)
{
	char krel[RELEASE_MAX] = "";
	const char *how = NULL;
	uint64_t ksize = 0, msize = 0;
	int kfd = -1, mfd = -1, r = -ENOENT;

	if (x->s->kernel[0])
		kfd = check_exists(x, x->s->kernel, "kernel", &ksize);
	if (x->s->modloop[0])
		mfd = check_exists(x, x->s->modloop, "modloop", &msize);
	if (kfd >= 0) {
		r = kernel_release_fd(kfd, ksize, krel, sizeof(krel), &how);
		if (r == 0)
			add_item(x->rep, x->s->kernel, "release", FILECHECK_OK, "%s (%s)", krel, how);
		else
			add_item(x->rep, x->s->kernel, "release", FILECHECK_WARN, "release not "
				 "found (no bzImage header, no uncompressed \"Linux version\" "
				 "banner): the modloop check was skipped");
	}
	if (r == 0 && mfd >= 0)
		check_modloop(x, mfd, msize, krel);
	if (kfd >= 0)
		close(kfd);
	if (mfd >= 0)
		close(mfd);
}

/* "3.19.1" -> "v3.19"; a pre-release ("3.21_alpha20240807") is edge. */
static void release_branch(const char *rel, char *ret, size_t cap)
{
	const char *dot = strchr(rel, '.');
	size_t n;

	if (strchr(rel, '_') != NULL || dot == NULL) {
		snprintf(ret, cap, "edge");
		return;
	}
	n = (size_t)(dot - rel) + 1 + strspn(dot + 1, "0123456789");
	snprintf(ret, cap, "v%.*s", (int)n, rel);
}

/* The repositories' branch against the release of the initramfs. */
static void check_branch(struct ctx *x, const char *initrd, int ifd)
{
	char rel[RELEASE_MAX] = "", rb[NB_BRANCH_MAX + 8];
	const char *b = x->s->branch;
	int r = ifd >= 0 ? initramfs_release_fd(ifd, rel, sizeof(rel)) : -ENOENT;

	if (r == 0)
		release_branch(rel, rb, sizeof(rb));
	if (r == 0 && !strcmp(b, "latest-stable"))
		add_item(x->rep, initrd, "branch", FILECHECK_WARN, "repositories follow "
			 "latest-stable, the files are Alpine %s: pin branch = %s", rel, rb);
	else if (r == 0 && strcmp(b, rb) != 0)
		add_item(x->rep, initrd, "branch", FILECHECK_ERROR, "repositories name %s but "
			 "the files are Alpine %s (%s, /etc/alpine-release)", b, rel, rb);
	else if (r == 0)
		add_item(x->rep, initrd, "branch", FILECHECK_OK, "Alpine %s matches "
			 "repositories %s", rel, b);
	else if (!strcmp(b, "latest-stable"))
		add_item(x->rep, initrd, "branch", FILECHECK_WARN, "repositories follow "
			 "latest-stable beside files served from here: pin branch = v3.NN "
			 "of the files");
	else
		add_item(x->rep, initrd, "branch", FILECHECK_OK, "repositories %s; the "
			 "files' release is not known (%s), not compared", b,
			 r == -ENOTSUP ? "built without zlib" :
			 r == -ENOENT ? "no /etc/alpine-release in it" : "not a gzip'd cpio");
}

static void check_set(struct ctx *x)
{
	const struct fset *s = x->s;
	unsigned i;

	check_release(x);
	for (i = 0; i < s->n_initrd; i++) {
		uint64_t size;
		int fd = check_exists(x, s->initrd[i], "initramfs", &size);

		if (i == 0 && fd >= 0 && s->check_branch && s->branch[0])
			check_branch(x, s->initrd[0], fd);
		if (fd >= 0)
			close(fd);
	}
	if (s->n_initrd == 0 && s->kernel[0] && s->check_branch &&
	    !strcmp(s->branch, "latest-stable"))
		add_item(x->rep, s->kernel, "branch", FILECHECK_WARN, "repositories follow "
			 "latest-stable beside a kernel served from here: pin branch = v3.NN");
}

int filecheck_run(const struct nb_config *cfg, int root_fd, const char *http_base,
		  struct filecheck_report **ret)
{
	struct filecheck_report *rep = calloc(1, sizeof(*rep));
	struct sets *ss = calloc(1, sizeof(*ss));
	unsigned i;
	int r = -ENOMEM;

	if (rep == NULL || ss == NULL)
		goto fail;
	r = collect(cfg, http_base, ss, rep);
	if (r < 0)
		goto fail;
	for (i = 0; i < ss->n; i++) {
		struct ctx x = { .rep = rep, .root_fd = root_fd, .s = &ss->v[i] };

		check_set(&x);
	}
	free(ss);
	*ret = rep;
	return 0;
fail:
	free(ss);
	filecheck_report_free(rep);
	return r;
}

/* --- netbootd ---------------------------------------------------------------- */

int filecheck_print(const struct filecheck_report *rep, const char *config_name)
{
	char line[FILECHECK_FILE_MAX + FILECHECK_MSG_MAX + 32];
	unsigned i;

	for (i = 0; i < rep->n_item; i++) {
		if (rep->item[i].level == FILECHECK_OK)
			continue;
		filecheck_format(&rep->item[i], line, sizeof(line));
		printf("%s\n", line);
	}
	if (rep->n_error == 0)
		return 0;
	printf("%s: %u error%s, %u warning%s in the served files\n",
	       config_name ? config_name : "(no config)", rep->n_error,
	       rep->n_error == 1 ? "" : "s", rep->n_warn, rep->n_warn == 1 ? "" : "s");
	return 1;
}

static void report_log(const struct filecheck_report *rep)
{
	char line[FILECHECK_FILE_MAX + FILECHECK_MSG_MAX + 32];
	unsigned i;

	for (i = 0; i < rep->n_item; i++) {
		const struct filecheck_item *it = &rep->item[i];

		filecheck_format(it, line, sizeof(line));
		if (it->level == FILECHECK_ERROR)
			log_error("main", "-", "check %s", line);
		else if (it->level == FILECHECK_WARN)
			log_warn("main", "-", "check %s", line);
		else
			log_debug("main", "-", "check %s", line);
	}
}

int filecheck_netbootd(struct netbootd *nb, int check_only, const char *config_name)
{
	int mode = nb_config_server(nb->config)->check;
	struct filecheck_report *rep = NULL;
	int r;

	if (mode == NB_CHECK_OFF) {
		if (!check_only)
			log_info("main", "-", "check off: the served files are not checked");
		return 0;
	}
	r = filecheck_run(nb->config, nb->root_fd, nb->http_base, &rep);
	if (r < 0) {
		log_error("main", "-", "check: %s", strerror(-r));
		return 1;
	}
	filecheck_report_free(nb->filecheck);
	nb->filecheck = rep;
	if (check_only)
		return filecheck_print(rep, config_name);
	report_log(rep);
	log_info("main", "-", "check done: %u items, %u warnings, %u errors%s", rep->n_item,
		 rep->n_warn, rep->n_error,
		 rep->n_error && mode == NB_CHECK_STRICT ? "; check = strict: not starting" : "");
	return rep->n_error && mode == NB_CHECK_STRICT ? 1 : 0;
}
