/* config_files.c: netbootd.conf and the files it includes, read into one
 * new struct nb_config.
 *
 * A site's inventory tool (Ansible, Terraform, a CMDB export) writes one
 * file per host; "include = clients.d/ *.conf" (without the space) takes
 * them all:
 *   - a pattern is relative to the folder of the file that names it;
 *   - matches are read in byte order of their names (our own sort, not
 *     the locale's), so the result does not depend on the environment;
 *   - a pattern that matches nothing is fine (an empty inventory) as long
 *     as its folder exists: a typo in the folder is an error, not a site
 *     that silently answers no one;
 *   - a name without * ? [ must exist;
 *   - includes nest at most NB_INCLUDE_DEPTH deep, and a file that is
 *     already being read (a loop) is refused, as is a file read twice
 *     (two patterns that overlap): its sections would all be duplicates;
 *   - errors name the included file and its line.
 * The result is whole or nothing: a reload (SIGHUP) parses into a new
 * config and swaps only a complete one.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embed/config_int.h"

/* err, cut to NB_ERR_MAX: a long path must not hide the line number's
 * file, but a cut message is still better than none. */
__attribute__((format(printf, 2, 3)))
static void errf(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, NB_ERR_MAX, fmt, ap);
	va_end(ap);
}

struct nb_loader {
	const struct nb_config_fs *fs;
	unsigned depth;                            /* 0: the main file */
	uint64_t stack[NB_INCLUDE_DEPTH + 1][2];   /* files being read */
	uint64_t (*seen)[2];                       /* every file read */
	size_t n_seen, cap_seen;
	struct nb_index seen_ix;
};

/* ---- files read once --------------------------------------------------- */

static uint32_t id_hash(const uint64_t id[2])
{
	uint32_t h = 2166136261u;
	const uint8_t *b = (const uint8_t *)id;
	size_t i;

	for (i = 0; i < 2 * sizeof(uint64_t); i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

struct id_q {
	const struct nb_loader *ld;
	const uint64_t *id;
};

static int id_eq(const void *ctx, uint32_t idx)
{
	const struct id_q *q = ctx;

	return q->ld->seen[idx][0] == q->id[0] && q->ld->seen[idx][1] == q->id[1];
}

static int id_seen(const struct nb_loader *ld, const uint64_t id[2])
{
	struct id_q q = { ld, id };

	return nb_index_find(&ld->seen_ix, id_hash(id), id_eq, &q) != UINT32_MAX;
}

/* Remember id (not the unknown {0, 0}). 0 or -ENOMEM. */
static int id_add(struct nb_loader *ld, const uint64_t id[2])
{
	if ((id[0] | id[1]) == 0)
		return 0;
	if (ld->n_seen >= ld->cap_seen) {
		size_t ncap = ld->cap_seen ? ld->cap_seen * 2 : 64;
		uint64_t (*s)[2] = realloc(ld->seen, ncap * sizeof(*s));

		if (s == NULL)
			return -ENOMEM;
		ld->seen = s;
		ld->cap_seen = ncap;
	}
	ld->seen[ld->n_seen][0] = id[0];
	ld->seen[ld->n_seen][1] = id[1];
	return nb_index_add(&ld->seen_ix, id_hash(id), (uint32_t)ld->n_seen++);
}

static void loader_free(struct nb_loader *ld)
{
	free(ld->seen);
	nb_index_free(&ld->seen_ix);
}

/* ---- the real files --------------------------------------------------- */

int nb_read_file(const char *path, size_t max, char **ret_text,
		 size_t *ret_len, uint64_t ret_id[2])
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = -EFBIG;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*ret_text = buf;
	*ret_len = got;
	if (ret_id != NULL) {
		ret_id[0] = (uint64_t)st.st_dev;
		ret_id[1] = (uint64_t)st.st_ino;
	}
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

static int real_read(void *ctx, const char *path, size_t max, char **ret_text,
		     size_t *ret_len, uint64_t ret_id[2])
{
	(void)ctx;
	return nb_read_file(path, max, ret_text, ret_len, ret_id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 0 when the folder part of pattern exists, else -ENOENT or -ENOTDIR. */
static int folder_exists(const char *pattern)
{
	const char *slash = strrchr(pattern, '/');
	char dir[4096];
	struct stat st;

	if (slash == NULL)
		return 0;
	if ((size_t)(slash - pattern) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, pattern, (size_t)(slash - pattern));
	dir[slash - pattern] = '\0';
	if (dir[0] == '\0')
		return 0;                          /* "/x*": the root */
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int real_glob(void *ctx, const char *pattern, char ***ret_paths,
		     size_t *ret_n)
{
	glob_t g;
	char **paths = NULL;
	size_t i, n = 0;
	int r;

	(void)ctx;
	memset(&g, 0, sizeof(g));
	r = glob(pattern, GLOB_ERR | GLOB_NOSORT, NULL, &g);
	if (r == GLOB_NOMATCH) {
		globfree(&g);
		if ((r = folder_exists(pattern)) < 0)
			return r;
		*ret_paths = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r != 0) {
		globfree(&g);
		/* GLOB_ERR stops at a folder it cannot open: say which kind. */
		if (r == GLOB_ABORTED && (r = folder_exists(pattern)) < 0)
			return r;
		return r == GLOB_NOSPACE ? -ENOMEM : -EIO;
	}
	if ((paths = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof(*paths))) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (n = 0; n < g.gl_pathc; n++)
		if ((paths[n] = strdup(g.gl_pathv[n])) == NULL) {
			r = -ENOMEM;
			goto out;
		}
	/* Byte order, whatever LC_COLLATE says. */
	qsort(paths, n, sizeof(*paths), cmp_str);
	*ret_paths = paths;
	*ret_n = n;
	paths = NULL;
	r = 0;
out:
	if (paths != NULL) {
		for (i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	globfree(&g);
	return r;
}

static const struct nb_config_fs real_fs = { real_read, real_glob, NULL };

/* ---- one file ---------------------------------------------------------- */

static int add_file_name(struct nb_config *cfg, const char *path, uint32_t *ret_idx)
{
	uint32_t off;
	int r;

	if (cfg->n_file >= NB_MAX_FILES)
		return -EMFILE;
	if (cfg->n_file >= cfg->cap_file) {
		size_t ncap = cfg->cap_file ? cfg->cap_file * 2 : 16;
		uint32_t *f = realloc(cfg->file, ncap * sizeof(*f));

		if (f == NULL)
			return -ENOMEM;
		cfg->file = f;
		cfg->cap_file = ncap;
	}
	if ((r = nb_text_add(cfg, path, strlen(path), &off)) < 0)
		return r;
	cfg->file[cfg->n_file] = off;
	*ret_idx = cfg->n_file++;
	return 0;
}

/* Parse text as file path, one level deeper than now. */
static int parse_file(struct nb_loader *ld, struct nb_config *cfg, const char *path,
		      const char *text, size_t len, const uint64_t id[2], char *err)
{
	uint32_t idx;
	int r;

	if ((r = add_file_name(cfg, path, &idx)) < 0 || (r = id_add(ld, id)) < 0) {
		errf(err, "%s: %s", path, r == -EMFILE ?
			 "more than 1000000 files included" : strerror(-r));
		return r;
	}
	ld->stack[ld->depth][0] = id[0];
	ld->stack[ld->depth][1] = id[1];
	return nb_parse_text(ld, cfg, idx, text, len, err);
}

/* FILE:LINE of the include line, then what is wrong. */
static int include_fail(struct nb_config *cfg, uint32_t file_idx, unsigned line,
			char *err, int r, const char *fmt, const char *arg,
			const char *why)
{
	char what[NB_ERR_MAX];

	errf(what, fmt, arg, why);
	errf(err, "%s:%u: %s", cfg->text + cfg->file[file_idx], line, what);
	return r;
}

/* One included file: read, refuse a loop, parse one level deeper. */
static int include_one(struct nb_loader *ld, struct nb_config *cfg,
		       uint32_t file_idx, unsigned line, const char *path, char *err)
{
	uint64_t id[2] = { 0, 0 };
	char *text = NULL;
	size_t len = 0;
	unsigned d;
	int r;

	if ((r = ld->fs->read(ld->fs->ctx, path, NB_FILE_MAX, &text, &len, id)) < 0)
		return include_fail(cfg, file_idx, line, err, r, "include %s: %s",
				    path, r == -EFBIG ? "over 256 MiB" : strerror(-r));
	for (d = 0; d <= ld->depth; d++)
		if (ld->stack[d][0] == id[0] && ld->stack[d][1] == id[1] &&
		    (id[0] | id[1]) != 0) {
			free(text);
			return include_fail(cfg, file_idx, line, err, -ELOOP,
					    "include %s: a loop (that file is being read already)%s",
					    path, "");
		}
	if ((id[0] | id[1]) != 0 && id_seen(ld, id)) {
		free(text);
		return include_fail(cfg, file_idx, line, err, -EEXIST,
				    "include %s: read already (each file is read once)%s",
				    path, "");
	}
	ld->depth++;
	r = parse_file(ld, cfg, path, text, len, id, err);
	ld->depth--;
	free(text);
	return r;
}

/* pattern relative to the folder of the file that names it. */
static int join_path(const char *parent, const char *pat, size_t n, char *out,
		     size_t cap)
{
	const char *slash = strrchr(parent, '/');
	size_t dn = pat[0] == '/' || slash == NULL ? 0 : (size_t)(slash - parent) + 1;

	if (dn + n + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(out, parent, dn);
	memcpy(out + dn, pat, n);
	out[dn + n] = '\0';
	return 0;
}

int nb_include(struct nb_loader *ld, struct nb_config *cfg, uint32_t file_idx,
	       unsigned line, const char *pattern, size_t n, char *err)
{
	char path[4096];
	char **paths = NULL;
	size_t i, count = 0;
	int r;

	for (i = 0; i < n; i++)
		if ((unsigned char)pattern[i] < ' ' || pattern[i] == 0x7f)
			return include_fail(cfg, file_idx, line, err, -EINVAL,
					    "include: control character in the name%s%s", "", "");
	if (ld->depth >= NB_INCLUDE_DEPTH)
		return include_fail(cfg, file_idx, line, err, -ELOOP,
				    "include: nested deeper than %s files%s", "8", "");
	if (join_path(cfg->text + cfg->file[file_idx], pattern, n, path,
		      sizeof(path)) < 0)
		return include_fail(cfg, file_idx, line, err, -ENAMETOOLONG,
				    "include: name too long%s%s", "", "");
	if (strpbrk(path, "*?[") == NULL)
		return include_one(ld, cfg, file_idx, line, path, err);

	if ((r = ld->fs->glob(ld->fs->ctx, path, &paths, &count)) < 0)
		return include_fail(cfg, file_idx, line, err, r, "include %s: %s", path,
				    r == -ENOENT ? "no such folder" : strerror(-r));
	for (i = 0, r = 0; i < count; i++) {
		if (r == 0)
			r = include_one(ld, cfg, file_idx, line, paths[i], err);
		free(paths[i]);
	}
	free(paths);
	return r;
}

/* ---- whole configs ----------------------------------------------------- */

void nb_config_release(struct nb_config *cfg)
{
	free(cfg->profile);
	free(cfg->client);
	free(cfg->file);
	free(cfg->text);
	free(cfg->server_kv);
	nb_index_free(&cfg->by_section);
	nb_index_free(&cfg->by_name);
	memset(cfg, 0, sizeof(*cfg));
}

void nb_config_free(struct nb_config *cfg)
{
	if (cfg == NULL)
		return;
	nb_config_release(cfg);
	free(cfg);
}

void nb_config_defaults(struct nb_config *cfg)
{
	nb_config_release(cfg);
}

/* A new config from text (already read) or, when text is NULL, from the
 * file at path. 0 and *ret_cfg, or -errno and err. */
static int load(const char *path, const char *text, size_t len,
		const struct nb_config_fs *fs, struct nb_config **ret_cfg, char *err)
{
	struct nb_loader ld = { .fs = fs };
	uint64_t id[2] = { 0, 0 };
	char *own = NULL;
	struct nb_config *cfg;
	int r;

	err[0] = '\0';
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		errf(err, "%s: cannot read: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	if (text == NULL) {
		r = fs->read(fs->ctx, path, NB_FILE_MAX, &own, &len, id);
		if (r < 0) {
			errf(err, "%s: cannot read: %s", path,
				 r == -EFBIG ? "over 256 MiB" : strerror(-r));
			goto fail;
		}
		text = own;
	}
	if ((r = parse_file(&ld, cfg, path, text, len, id, err)) < 0 ||
	    (r = nb_parse_finish(cfg, err)) < 0)
		goto fail;
	free(own);
	loader_free(&ld);
	*ret_cfg = cfg;
	return 0;
fail:
	free(own);
	loader_free(&ld);
	nb_config_free(cfg);
	return r;
}

int nb_config_load_fs(const char *path, const struct nb_config_fs *fs,
		      struct nb_config **ret_cfg, char err[NB_ERR_MAX])
{
	struct nb_config *cfg;

	if (path != NULL)
		return load(path, NULL, 0, fs, ret_cfg, err);
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		errf(err, "(defaults): %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	*ret_cfg = cfg;
	return 0;
}

int nb_config_load(const char *path, struct nb_config **ret_cfg,
		   char err[NB_ERR_MAX])
{
	return nb_config_load_fs(path, &real_fs, ret_cfg, err);
}

int nb_config_parse_fs(struct nb_config *cfg, const char *name,
		       const char *text, size_t len,
		       const struct nb_config_fs *fs, char err[NB_ERR_MAX])
{
	struct nb_config *fresh;
	int r;

	if ((r = load(name, text, len, fs, &fresh, err)) < 0)
		return r;
	nb_config_release(cfg);
	*cfg = *fresh;
	free(fresh);
	return 0;
}

int nb_config_parse(struct nb_config *cfg, const char *name,
		    const char *text, size_t len, char err[NB_ERR_MAX])
{
	return nb_config_parse_fs(cfg, name, text, len, &real_fs, err);
}
