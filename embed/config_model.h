/* config_model.h: struct nb_config, what netbootd.conf holds once parsed.
 *
 * Fixed-size and freestanding like the rest of the core. A profile is a set
 * of boot settings; each field counts only when its NB_SET_* bit is on, so a
 * client section can override just the fields it names and the resolver
 * (embed/resolve.c) layers: built-in defaults, [profile default], the
 * client's profile=, the client's own keys. Format: docs/netbootd.conf.5.
 */
#ifndef NB_CONFIG_MODEL_H
#define NB_CONFIG_MODEL_H

#include "plan/plan.h"

#define NB_MAX_PROFILES   16
#define NB_MAX_CLIENTS    64
#define NB_MAX_MIRRORS    4
#define NB_MAX_ALT_BRANCH 4
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

struct nb_sha_list {
	uint8_t v[NB_PLAN_MAX_INITRDS][32];
	unsigned n;
};

struct nb_fallback {
	uint32_t items;                              /* NB_FB_* */
	char branch[NB_MAX_ALT_BRANCH][NB_BRANCH_MAX];
	unsigned n_branch;
};

struct nb_profile {
	uint32_t set;                    /* NB_SET_* */
	char title[NB_LABEL_MAX];
	char flavor[8];                  /* "lts" | "virt" */
	char branch[NB_BRANCH_MAX];      /* "latest-stable" | "edge" | "v3.NN" */
	struct nb_url_list mirror;       /* in order of preference */
	char repos[64];                  /* "main community" */
	char kernel[NB_URL_MAX];         /* path below the server or http:// URL */
	struct nb_url_list initrd;       /* (NB_PLAN_MAX_INITRDS == NB_MAX_MIRRORS) */
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

struct nb_named_profile {
	char name[NB_NAME_MAX];
	unsigned line;                   /* where it was defined */
	struct nb_profile p;
};

/* How a [client ...] section names its clients. The precedence between
 * kinds is nb_config_match()'s (embed/resolve.c), not this order. */
enum nb_match {
	NB_MATCH_MAC,      /* [client aa:bb:cc:dd:ee:ff] */
	NB_MATCH_UUID,     /* [client uuid=...] */
	NB_MATCH_ARCH,     /* [client arch=N] */
	NB_MATCH_PREFIX,   /* [client aa:bb:cc:*]: the first prefix_len octets */
};

struct nb_client_conf {
	enum nb_match match;
	uint8_t mac[6];                  /* MAC, or the prefix and zeros */
	unsigned prefix_len;             /* NB_MATCH_PREFIX: 1..5 octets */
	unsigned line;                   /* where the section starts */
	char uuid[40];                   /* lower case */
	int arch;                        /* RFC 4578 client arch */
	char profile[NB_NAME_MAX];       /* "" = the default profile */
	unsigned profile_line;           /* for "no such profile" errors */
	struct nb_profile over;          /* this client's own keys */
};

struct nb_config {
	struct nb_server_conf server;
	struct nb_named_profile profile[NB_MAX_PROFILES];
	unsigned n_profile;
	struct nb_client_conf client[NB_MAX_CLIENTS];
	unsigned n_client;
};

#endif
