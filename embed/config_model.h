/* config_model.h: struct nb_config, what netbootd.conf holds once parsed.
 *
 * Hosted (libc, malloc): the config lives on the server side only
 * (netbootd, netboot-embed); alpineboot.efi links plan/ alone and only ever
 * sees one resolved plan. A site's whole inventory fits: profiles and
 * client sections are growing arrays, bounded only by sanity caps far above
 * any real site (NB_MAX_CLIENTS), and found through hash tables
 * (embed/config_index.c), so a lookup costs the same with 10 sections or
 * 1,000,000.
 *
 * A section's keys are kept as written (checked once at load, in
 * cfg->text) rather than as a struct nb_profile, which is kilobytes: a
 * [client] section of one host costs about a hundred bytes. The resolver
 * applies them through the same key table the parser used
 * (nb_section_apply), layering built-in defaults, [profile default], the
 * client's profile=, the client's own keys. Format: docs/netbootd.conf.5.
 */
#ifndef NB_CONFIG_MODEL_H
#define NB_CONFIG_MODEL_H

#include "plan/plan.h"

/* Sanity caps, not sizes: memory grows with the config. */
#define NB_MAX_CLIENTS    1000000
#define NB_MAX_PROFILES   100000
#define NB_MAX_FILES      1000000     /* files read, the main one included */
#define NB_FILE_MAX       (256u * 1024 * 1024)   /* bytes of one file */
#define NB_INCLUDE_DEPTH  8           /* include in include ... */
/* What one profile holds. The boot menu is what alpineboot.efi takes
 * (NB_PLAN_MAX_ENTRIES): mirror and branch entries beyond it are left out
 * of the menu (embed/resolve.c), never refused. */
#define NB_MAX_MIRRORS    16
#define NB_MAX_ALT_BRANCH 16
#define NB_MAX_REPOS      16
#define NB_NAME_MAX       32
#define NB_BRANCH_MAX     24
#define NB_EXTRA_MAX      512

/* Which keys a profile or client section gave. */
enum {
	NB_SET_TITLE         = 1u << 0,
	NB_SET_FLAVOR        = 1u << 1,
	NB_SET_BRANCH        = 1u << 2,
	NB_SET_MIRROR        = 1u << 3,
	NB_SET_REPOS         = 1u << 4,
	NB_SET_KERNEL        = 1u << 5,
	NB_SET_INITRD        = 1u << 6,
	NB_SET_MODLOOP       = 1u << 7,
	NB_SET_APKOVL        = 1u << 8,
	NB_SET_IP            = 1u << 9,
	NB_SET_MODULES       = 1u << 10,
	NB_SET_HOSTNAME      = 1u << 11,
	NB_SET_CMDLINE       = 1u << 12,
	NB_SET_TIMEOUT       = 1u << 13,
	NB_SET_DEFAULT       = 1u << 14,
	NB_SET_FALLBACK      = 1u << 15,
	NB_SET_KERNEL_SHA    = 1u << 16,
	NB_SET_INITRD_SHA    = 1u << 17,
	NB_SET_MAX_SIZE      = 1u << 18,
};

/* Fallback menu items a profile offers (fallback = ...). */
enum {
	NB_FB_RETRY     = 1u << 0,
	NB_FB_MIRRORS   = 1u << 1,   /* every mirror after the first */
	NB_FB_FLAVOR    = 1u << 2,   /* lts <-> virt */
	NB_FB_NOAPKOVL  = 1u << 3,
	NB_FB_SHELL     = 1u << 4,
	NB_FB_REBOOT    = 1u << 5,
	NB_FB_EXIT      = 1u << 6,
	NB_FB_BRANCH    = 1u << 7,   /* alt_branch[] is not empty */
};

struct nb_url_list {
	char v[NB_MAX_MIRRORS][NB_URL_MAX];
	unsigned n;
};

/* initrd =: what alpineboot.efi loads, so the loader's count. */
struct nb_initrd_list {
	char v[NB_PLAN_MAX_INITRDS][NB_URL_MAX];
	unsigned n;
};

struct nb_sha_list {
	uint8_t v[NB_PLAN_MAX_INITRDS][32];
	unsigned n;
};

struct nb_fallback {
	uint32_t items;                              /* NB_FB_* */
	char branch[NB_MAX_ALT_BRANCH][NB_BRANCH_MAX];
	unsigned n_branch;
};

/* One client's effective settings, built per request by the resolver
 * (embed/resolve.c) on its stack; never stored per section. */
struct nb_profile {
	uint32_t set;                    /* NB_SET_* */
	char title[NB_LABEL_MAX];
	char flavor[8];                  /* "lts" | "virt" */
	char branch[NB_BRANCH_MAX];      /* "latest-stable" | "edge" | "v3.NN" */
	struct nb_url_list mirror;       /* in order of preference */
	char repos[256];                 /* "main community" */
	char kernel[NB_URL_MAX];         /* path below the server or http:// URL */
	struct nb_initrd_list initrd;
	char modloop[NB_URL_MAX];
	char apkovl[NB_URL_MAX];         /* "" = none */
	char ip[128];                    /* "dhcp" or the static form */
	char modules[128];               /* extra modules, comma separated */
	char hostname[64];
	char cmdline[NB_EXTRA_MAX];      /* user extras, appended last */
	unsigned timeout_s;
	char default_item[NB_BRANCH_MAX + 8];
	struct nb_fallback fallback;
	uint8_t kernel_sha256[32];
	struct nb_sha_list initrd_sha256;
	uint64_t max_file_size;
};

/* A section's own keys: "KEY\0VALUE\0" pairs at cfg->text + off, len bytes,
 * in the order written, each already checked by the parser. */
struct nb_keys {
	uint32_t off, len;
	uint32_t set;                    /* NB_SET_* the section gives */
};

/* Where a section starts: cfg->file[file] names the file. */
struct nb_where {
	uint32_t file, line;
};

struct nb_named_profile {
	char name[NB_NAME_MAX];
	struct nb_where at;
	struct nb_keys keys;
};

/* How a [client ...] section names its clients. The precedence between
 * kinds is nb_config_match()'s (embed/resolve.c), not this order. */
enum nb_match {
	NB_MATCH_MAC,      /* [client aa:bb:cc:dd:ee:ff] */
	NB_MATCH_UUID,     /* [client uuid=...] */
	NB_MATCH_ARCH,     /* [client arch=N] */
	NB_MATCH_PREFIX,   /* [client aa:bb:cc:*]: the first prefix_len octets */
};

#define NB_NO_PROFILE UINT32_MAX

struct nb_client_conf {
	enum nb_match match;
	uint8_t mac[6];                  /* MAC, or the prefix and zeros */
	uint8_t prefix_len;              /* NB_MATCH_PREFIX: 1..5 octets */
	int arch;                        /* RFC 4578 client arch */
	char uuid[37];                   /* lower case; "" unless NB_MATCH_UUID */
	struct nb_where at;
	uint32_t profile;                /* index in cfg->profile, or NB_NO_PROFILE
					  * (the default profile) */
	uint32_t profile_line;           /* where profile = stands (same file) */
	uint32_t profile_name;           /* offset in cfg->text, or NB_NO_PROFILE */
	struct nb_keys keys;             /* this client's own keys */
};

/* Open-addressing hash of section indices (embed/config_index.c). */
struct nb_index {
	uint64_t *slot;                  /* hash << 32 | (index + 1); 0 = empty */
	size_t cap;                      /* a power of two, or 0 */
	size_t n;
};

/* A [server] key as written. embed/ keeps it; its meaning (which keys,
 * their values, the defaults) is netbootd's: server-min/config_load.c
 * config_server_apply() fills nb_config.server from these. */
struct nb_server_kv {
	struct nb_where at;
	uint32_t key;                    /* in text: the key, NUL, the value, NUL */
	uint32_t section;                /* the how-manyth [server] header (1...) */
};

struct nb_config {
	struct nb_server_conf server;    /* config_server_apply() fills it */
	struct nb_server_kv *server_kv;  /* in file order, includes expanded */
	unsigned n_server_kv, n_server_section;
	size_t cap_server_kv;
	struct nb_named_profile *profile;
	unsigned n_profile;
	struct nb_client_conf *client;   /* in file order, includes expanded */
	unsigned n_client;
	uint32_t *file;                  /* offsets in text: the files read */
	unsigned n_file;
	char *text;                      /* names and section keys */
	size_t text_len;
	/* capacities of the arrays above */
	size_t cap_profile, cap_client, cap_file, cap_text;
	struct nb_index by_section;      /* client sections by kind and key */
	struct nb_index by_name;         /* profiles by name */
	unsigned n_arch, n_prefix;       /* sections of those kinds */
	uint8_t prefix_lens;             /* bit L: a prefix section of L octets */
};

#endif
