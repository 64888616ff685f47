/* memfs.h: files that live in memory, for the config loader's tests and
 * fuzz target (struct nb_config_fs, embed/config.h). */
#ifndef NB_MEMFS_H
#define NB_MEMFS_H

#include <stddef.h>

#include "embed/config.h"

struct memfs_file {
	const char *name;       /* "etc/netbootd.conf", "etc/clients.d/a.conf" */
	const char *text;
	size_t len;
};

struct memfs {
	const struct memfs_file *f;
	size_t n;
};

/* An nb_config_fs reading m (which must outlive it). */
struct nb_config_fs memfs_ops(const struct memfs *m);

#endif
