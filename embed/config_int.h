/* config_int.h: what the parts of the config loader share among
 * themselves (config.c parses, config_files.c reads files and includes,
 * config_index.c finds sections). Not for other callers.
 */
#ifndef NB_CONFIG_INT_H
#define NB_CONFIG_INT_H

#include "embed/config.h"

/* ---- config_index.c --------------------------------------------------- */

/* Hash of a client section's kind and key, and of a profile name. */
uint32_t nb_section_hash(const struct nb_client_conf *cc);
uint32_t nb_name_hash(const char *name);

/* Add idx under hash h. 0 or -ENOMEM. */
int nb_index_add(struct nb_index *ix, uint32_t h, uint32_t idx);

/* The first index under hash h for which eq(ctx, idx) holds, or
 * UINT32_MAX. */
uint32_t nb_index_find(const struct nb_index *ix, uint32_t h,
		       int (*eq)(const void *ctx, uint32_t idx), const void *ctx);

void nb_index_free(struct nb_index *ix);

/* Same kind and key (not content). */
int nb_same_section(const struct nb_client_conf *a,
		    const struct nb_client_conf *b);

/* ---- config.c --------------------------------------------------------- */

struct nb_loader;

/* One file's text into cfg, read from name (its index in cfg->file is
 * file_idx); include = lines go to nb_include(). 0, or -errno with err
 * filled. */
int nb_parse_text(struct nb_loader *ld, struct nb_config *cfg, uint32_t file_idx,
		  const char *text, size_t len, char *err);

/* After every file: profile= references. 0 or -EINVAL with err. */
int nb_parse_finish(struct nb_config *cfg, char *err);

/* Append n bytes and a NUL to cfg->text: 0 and *ret_off, or -ENOMEM /
 * -E2BIG (over 4 GiB of names and keys). */
int nb_text_add(struct nb_config *cfg, const char *s, size_t n, uint32_t *ret_off);

/* ---- config_files.c --------------------------------------------------- */

/* include = pattern, written at line of cfg->file[file_idx]. 0, or -errno
 * with err "FILE:LINE: ..." filled. */
int nb_include(struct nb_loader *ld, struct nb_config *cfg, uint32_t file_idx,
	       unsigned line, const char *pattern, size_t n, char *err);

#endif
