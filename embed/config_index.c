/* config_index.c: client sections and profiles found in O(1).
 *
 * A site's inventory is thousands of [client MAC] sections, and every
 * proxyDHCP answer, boot.ipxe and boot.plan looks one up: nb_config_match
 * (embed/resolve.c) probes this table a handful of times (exact MAC, UUID,
 * each prefix length present, arch) instead of walking every section.
 *
 * Open addressing with linear probing, at most half full. Each slot keeps
 * 32 bits of the hash beside the index, so growing never rehashes a key
 * and a probe compares a section only when the hashes agree. The keys are
 * the admin's (the config), not the network's: a client chooses which key
 * is looked up, never which slots are taken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "embed/config_int.h"

#define INDEX_MIN 64

/* FNV-1a, 32 bits (http://www.isthe.com/chongo/tech/comp/fnv/). */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

#define FNV_BASIS 2166136261u

uint32_t nb_section_hash(const struct nb_client_conf *cc)
{
	uint8_t kind = (uint8_t)cc->match;
	uint32_t h = fnv(FNV_BASIS, &kind, 1);

	switch (cc->match) {
	case NB_MATCH_MAC:
		return fnv(h, cc->mac, 6);
	case NB_MATCH_PREFIX:
		h = fnv(h, &cc->prefix_len, 1);
		return fnv(h, cc->mac, cc->prefix_len);
	case NB_MATCH_UUID:
		return fnv(h, cc->uuid, strlen(cc->uuid));
	case NB_MATCH_ARCH:
		return fnv(h, &cc->arch, sizeof(cc->arch));
	}
	return h;
}

uint32_t nb_name_hash(const char *name)
{
	return fnv(FNV_BASIS, name, strlen(name));
}

int nb_same_section(const struct nb_client_conf *a,
		    const struct nb_client_conf *b)
{
	if (a->match != b->match)
		return 0;
	switch (a->match) {
	case NB_MATCH_MAC:
		return !memcmp(a->mac, b->mac, 6);
	case NB_MATCH_PREFIX:
		return a->prefix_len == b->prefix_len &&
		       !memcmp(a->mac, b->mac, a->prefix_len);
	case NB_MATCH_UUID:
		return !strcmp(a->uuid, b->uuid);
	case NB_MATCH_ARCH:
		return a->arch == b->arch;
	}
	return 0;
}

static void put(uint64_t *slot, size_t cap, uint64_t v)
{
	size_t i = (size_t)(v >> 32) & (cap - 1);

	while (slot[i] != 0)
		i = (i + 1) & (cap - 1);
	slot[i] = v;
}

/* Twice the room, every entry moved by its kept hash. 0 or -ENOMEM. */
static int grow(struct nb_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : INDEX_MIN, i;
	uint64_t *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -ENOMEM;
	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i] != 0)
			put(slot, cap, ix->slot[i]);
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

int nb_index_add(struct nb_index *ix, uint32_t h, uint32_t idx)
{
	int r;

	if ((ix->n + 1) * 2 > ix->cap && (r = grow(ix)) < 0)
		return r;
	put(ix->slot, ix->cap, (uint64_t)h << 32 | ((uint64_t)idx + 1));
	ix->n++;
	return 0;
}

uint32_t nb_index_find(const struct nb_index *ix, uint32_t h,
		       int (*eq)(const void *ctx, uint32_t idx), const void *ctx)
{
	size_t i;

	if (ix->cap == 0)
		return UINT32_MAX;
	/* At most half full: an empty slot ends every probe. */
	for (i = h & (ix->cap - 1); ix->slot[i] != 0; i = (i + 1) & (ix->cap - 1)) {
		uint64_t v = ix->slot[i];
		uint32_t idx = (uint32_t)(v & 0xffffffffu) - 1;

		if ((uint32_t)(v >> 32) == h && eq(ctx, idx))
			return idx;
	}
	return UINT32_MAX;
}

void nb_index_free(struct nb_index *ix)
{
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

/* ---- the lookups callers use ------------------------------------------ */

struct section_q {
	const struct nb_config *cfg;
	const struct nb_client_conf *like;
};

static int section_eq(const void *ctx, uint32_t idx)
{
	const struct section_q *q = ctx;

	return nb_same_section(&q->cfg->client[idx], q->like);
}

const struct nb_client_conf *nb_config_section(const struct nb_config *cfg,
					       const struct nb_client_conf *like)
{
	struct section_q q = { cfg, like };
	uint32_t i = nb_index_find(&cfg->by_section, nb_section_hash(like),
				   section_eq, &q);

	return i == UINT32_MAX ? NULL : &cfg->client[i];
}

struct name_q {
	const struct nb_config *cfg;
	const char *name;
};

static int name_eq(const void *ctx, uint32_t idx)
{
	const struct name_q *q = ctx;

	return !strcmp(q->cfg->profile[idx].name, q->name);
}

const struct nb_named_profile *nb_config_profile(const struct nb_config *cfg,
						 const char *name)
{
	struct name_q q = { cfg, name };
	uint32_t i = nb_index_find(&cfg->by_name, nb_name_hash(name), name_eq, &q);

	return i == UINT32_MAX ? NULL : &cfg->profile[i];
}
