/* memfs.c: the config loader's files, from memory (memfs.h).
 *
 * read finds a name exactly (ids are the file's position, so the same
 * name is the same file); glob matches with fnmatch(3) the way glob(3)
 * does (FNM_PATHNAME | FNM_PERIOD), sorted byte-wise like the real one,
 * and says -ENOENT when no file lies in the pattern's folder at all.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "embed/memfs.h"

static int mem_read(void *ctx, const char *path, size_t max, char **ret_text,
		    size_t *ret_len, uint64_t ret_id[2])
{
	const struct memfs *m = ctx;
	size_t i;
	char *t;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->f[i].name, path) != 0)
			continue;
		if (m->f[i].len > max)
			return -EFBIG;
		if ((t = malloc(m->f[i].len + 1)) == NULL)
			return -ENOMEM;
		memcpy(t, m->f[i].text, m->f[i].len);
		t[m->f[i].len] = '\0';
		*ret_text = t;
		*ret_len = m->f[i].len;
		ret_id[0] = 1;
		ret_id[1] = i + 1;
		return 0;
	}
	return -ENOENT;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Does any file lie below the folder part of pattern? */
static int folder_exists(const struct memfs *m, const char *pattern)
{
	const char *slash = strrchr(pattern, '/');
	size_t i, dn;

	if (slash == NULL)
		return 1;
	dn = (size_t)(slash - pattern) + 1;
	for (i = 0; i < m->n; i++)
		if (strncmp(m->f[i].name, pattern, dn) == 0)
			return 1;
	return 0;
}

static int mem_glob(void *ctx, const char *pattern, char ***ret_paths,
		    size_t *ret_n)
{
	const struct memfs *m = ctx;
	char **paths;
	size_t i, n = 0;

	if (!folder_exists(m, pattern))
		return -ENOENT;
	if ((paths = calloc(m->n ? m->n : 1, sizeof(*paths))) == NULL)
		return -ENOMEM;
	for (i = 0; i < m->n; i++) {
		if (fnmatch(pattern, m->f[i].name, FNM_PATHNAME | FNM_PERIOD) != 0)
			continue;
		if ((paths[n] = strdup(m->f[i].name)) == NULL) {
			while (n > 0)
				free(paths[--n]);
			free(paths);
			return -ENOMEM;
		}
		n++;
	}
	qsort(paths, n, sizeof(*paths), cmp_str);
	*ret_paths = paths;
	*ret_n = n;
	return 0;
}

struct nb_config_fs memfs_ops(const struct memfs *m)
{
	struct nb_config_fs fs = { mem_read, mem_glob, (void *)m };

	return fs;
}
