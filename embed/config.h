/* config.h: netbootd.conf, the model (CONTRACT: server-min/ and efi-shim/
 * rely on the names in this file; extend, do not rename).
 *
 * Freestanding: fixed-size storage, no malloc, no libc. The same object
 * file is linked into netbootd, netboot-embed and alpineboot.efi.
 * Format and defaults: docs/netbootd.conf.5.
 */
#ifndef NB_CONFIG_H
#define NB_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "embed/cidr.h"

#define NB_ERR_MAX 256          /* "FILE:LINE: what is wrong" */
#define NB_PROTECT_MAX 8        /* protect = prefixes */
#define NB_PROTECT_LEN 64

/* [server] section. Every field has an "unset" value so that the command
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
	/* Who may read /status, /status.json, /metrics (docs/status.md);
	 * unset: loopback only. The boot history's bounds; 0 unset. */
	struct nb_cidr_list status_allow;
	uint32_t history_clients;
	uint32_t history_events;
};

/* [server] check = (server-min/filecheck.h); unset means warn. */
enum { NB_CHECK_UNSET, NB_CHECK_OFF, NB_CHECK_WARN, NB_CHECK_STRICT };

struct nb_config;   /* profiles and clients: defined below by embed/ */

/* Parse text (len bytes) read from a file called name. On error: -EINVAL
 * and err filled with "name:LINE: what is wrong"; *cfg then holds garbage.
 * An empty text yields the defaults. 0 on success. */
int nb_config_parse(struct nb_config *cfg, const char *name,
		    const char *text, size_t len, char err[NB_ERR_MAX]);

/* The defaults of an empty file. */
void nb_config_defaults(struct nb_config *cfg);

/* The [server] section of a parsed config. */
const struct nb_server_conf *nb_config_server(const struct nb_config *cfg);

#include "embed/config_model.h"   /* struct nb_config itself */

#endif
