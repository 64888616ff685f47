/* config.h: netbootd.conf, the model (CONTRACT: server-min/ relies on the
 * names in this file; extend, do not rename).
 *
 * Server side only (netbootd, netboot-embed), hosted: the config grows
 * with the site's inventory (embed/config_model.h). alpineboot.efi never
 * links it. Format and defaults: docs/netbootd.conf.5.
 */
#ifndef NB_CONFIG_H
#define NB_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "embed/cidr.h"

#define NB_ERR_MAX 256          /* "FILE:LINE: what is wrong" */
#define NB_PROTECT_MAX 8        /* protect = prefixes */
#define NB_PROTECT_LEN 64

/* [server] section: netbootd's own settings. embed/ keeps the section's
 * keys as written (struct nb_server_kv); their meaning (which keys, their
 * checks, the defaults) is netbootd's, in server-min/config_load.c, which
 * fills this struct. Every field has an "unset" value so that the command
 * line can override the file and the file can override the defaults. */
struct nb_server_conf {
	char listen[16];          /* dotted quad; "" = unset */
	char interface[16];       /* IFNAMSIZ; "" = unset */
	char root[256];           /* "" = unset */
	char user[32];            /* "" = unset */
	char log_level[8];        /* "" = unset */
	uint16_t http_port;       /* 0 = unset */
	uint16_t tftp_port;       /* 0 = unset */
	int8_t dhcp, tftp, http;  /* -1 unset, 0 off, 1 on */
	/* Boot file per client kind (proxyDHCP option 67 / file field).
	 * Each may contain netbootd's ${server} (http base) and {mac} (the
	 * DHCP request's chaddr, 52-54-00-12-34-56) and iPXE's own ${...}
	 * settings, which iPXE expands itself (docs/proxydhcp.md). */
	char boot_bios[128];      /* default "undionly.kpxe" */
	char boot_efi64[128];     /* default "alpineboot.efi" */
	char boot_ipxe[256];      /* default "${server}/boot.ipxe?mac={mac}" */
	char boot_arm64[128];     /* arch 11; default "alpineboot-arm64.efi" */
	char boot_http_x64[256];  /* HTTPClient arch 16; default "${server}/alpineboot.efi" */
	char boot_http_arm64[256];/* HTTPClient arch 19; default "${server}/alpineboot-arm64.efi" */
	/* Client policy and per-source limits (the hostile-LAN rules,
	 * netbootd.conf(5) "[server] KEYS"). */
	int8_t answer;            /* -1 unset, 0 all, 1 known */
	char protect[NB_PROTECT_MAX][NB_PROTECT_LEN];   /* path prefixes */
	uint8_t n_protect;
	int8_t protect_set;       /* 0 unset: the profiles' apkovl folders */
	uint32_t http_per_ip;     /* HTTP connections per client IP; 0 unset */
	uint32_t http_requests;   /* requests per keep-alive connection; 0 unset */
	uint32_t http_idle_s;     /* idle seconds before a connection is closed; 0 unset */
	uint32_t tftp_per_ip;     /* TFTP transfers per client IP; 0 unset */
	int8_t check;             /* NB_CHECK_*: the served files' check */
	char plan_key[256];       /* secret key that signs boot.plan; "" = unsigned (server-min/plansign.h) */
	/* Who may read /status, /status.json, /metrics (docs/status.md);
	 * unset: loopback only. The boot history's bounds; 0 unset. */
	struct nb_cidr_list status_allow;
	uint32_t history_clients;
	uint32_t history_events;
	uint32_t workers;         /* event loops (threads) serving TFTP and HTTP; 0 unset */
	/* TCP congestion control of HTTP connections; "" unset and "system":
	 * the host's default. */
	char http_congestion[16];
};

/* [server] check = (server-min/filecheck.h); unset means warn. */
enum { NB_CHECK_UNSET, NB_CHECK_OFF, NB_CHECK_WARN, NB_CHECK_STRICT };

struct nb_config;   /* profiles and clients: defined below by embed/ */

/* The files a config reads, so tests and the fuzz target can hand the
 * loader files that live in memory (embed/config_files.c has the real
 * ones: open(2), glob(3)). */
struct nb_config_fs {
	/* The whole regular file at path, at most max bytes: 0, *ret_text
	 * (malloc'd, len bytes and a NUL), *ret_len and *ret_id (equal for
	 * the same file under two names); or -errno. */
	int (*read)(void *ctx, const char *path, size_t max, char **ret_text,
		    size_t *ret_len, uint64_t ret_id[2]);
	/* The paths pattern matches, sorted byte-wise: 0, *ret_paths
	 * (malloc'd, each malloc'd) and *ret_n, 0 when none match; -ENOENT
	 * when the pattern's directory does not exist; or -errno. */
	int (*glob)(void *ctx, const char *pattern, char ***ret_paths,
		    size_t *ret_n);
	void *ctx;
};

/* The whole regular file at path, at most max bytes, read through one
 * fd (open, then fstat: no stat-then-open race): 0, *ret_text (malloc'd,
 * *ret_len bytes and a NUL) and, when ret_id is not NULL, the file's
 * device and inode; or -errno (-EISDIR, -EINVAL for other non-regular
 * files, -EFBIG over max). The real files' read for nb_config_fs, and
 * netboot-embed's reader. */
int nb_read_file(const char *path, size_t max, char **ret_text,
		 size_t *ret_len, uint64_t ret_id[2]);

/* path and every file it includes, parsed into a new config (the defaults
 * when path is NULL). 0 and *ret_cfg (nb_config_free() it); or -errno with
 * err holding "FILE:LINE: what is wrong" (FILE the included file where the
 * error is) or "FILE: cannot read: why". Nothing is returned on error, so
 * a reload swaps in a whole new config or none. */
int nb_config_load(const char *path, struct nb_config **ret_cfg,
		   char err[NB_ERR_MAX]);

/* nb_config_load through fs instead of the real files. */
int nb_config_load_fs(const char *path, const struct nb_config_fs *fs,
		      struct nb_config **ret_cfg, char err[NB_ERR_MAX]);

/* What nb_config_load returned. NULL is fine. */
void nb_config_free(struct nb_config *cfg);

/* Parse text (len bytes) read from a file called name into *cfg, which is
 * zeroed storage (static, calloc) or a config nb_config_parse or
 * nb_config_defaults filled before: what it held is released first, and
 * only on success (on error *cfg is as it was). include = lines read the
 * real files relative to name's folder. On error: -EINVAL or -errno, err
 * filled with "name:LINE: what is wrong". An empty text yields the
 * defaults. 0 on success. */
int nb_config_parse(struct nb_config *cfg, const char *name,
		    const char *text, size_t len, char err[NB_ERR_MAX]);

/* nb_config_parse with includes read through fs. */
int nb_config_parse_fs(struct nb_config *cfg, const char *name,
		       const char *text, size_t len,
		       const struct nb_config_fs *fs, char err[NB_ERR_MAX]);

/* The defaults of an empty file, in zeroed storage or a config filled
 * before (released first). */
void nb_config_defaults(struct nb_config *cfg);

/* Free what *cfg holds (not cfg itself) and zero it. */
void nb_config_release(struct nb_config *cfg);

/* The [server] section of a parsed config, as config_server_apply()
 * (server-min/config_load.c) filled it; all zero before. */
const struct nb_server_conf *nb_config_server(const struct nb_config *cfg);

struct nb_where;

/* "FILE:LINE: what" into err, then ": 'v'" (printable, at most 64 bytes)
 * when v is not NULL: the one form of every config error, for the keys
 * embed/ checks and those netbootd does. -EINVAL. */
int nb_config_error(const struct nb_config *cfg, const struct nb_where *at,
		    const char *what, const char *v, size_t n, char err[NB_ERR_MAX]);

#include "embed/config_model.h"   /* struct nb_config itself */


/* The file a section stands in, as the including file named it. */
const char *nb_config_file(const struct nb_config *cfg,
			   const struct nb_where *at);

/* [profile name], or NULL. O(1). */
const struct nb_named_profile *nb_config_profile(const struct nb_config *cfg,
						 const char *name);

/* The section with the same kind and key as like (its match, mac,
 * prefix_len, uuid, arch), or NULL. O(1). */
const struct nb_client_conf *nb_config_section(const struct nb_config *cfg,
					       const struct nb_client_conf *like);

/* A [client] section's header as netbootd.conf(5) spells it, for log
 * lines and listings: "aa:bb:cc:dd:ee:ff", "aa:bb:cc:*", "uuid=U" or
 * "arch=N". */
void nb_section_name(const struct nb_client_conf *cc, char out[64]);

/* The profile= a client section names, or NULL. */
const char *nb_client_profile_name(const struct nb_config *cfg,
				   const struct nb_client_conf *cc);

/* 1 when two sections (of two configs, say before and after a reload)
 * give the same keys with the same values in the same order, profile=
 * included; where they stand in their files does not count. */
int nb_keys_equal(const struct nb_config *a, const struct nb_keys *ka,
		  const struct nb_config *b, const struct nb_keys *kb);

/* Lay a section's own keys over dst, later keys winning like later
 * layers: each key given replaces that field (a list key such as mirror =
 * replaces the whole list) and sets its NB_SET_* bit. */
void nb_section_apply(const struct nb_config *cfg, const struct nb_keys *keys,
		      struct nb_profile *dst);

#endif
