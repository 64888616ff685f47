/* config_load.c: netbootd.conf from the file into a struct nb_config, and
 * what a reload changed.
 *
 * The file is read whole (bounded) and handed to the embed core's parser
 * (docs/netbootd.conf.5). On SIGHUP it is read as the service user, root
 * having been dropped long before: netbootd.8 says it must be readable so.
 *
 * Sections are compared by identity (a profile's name, a client's match
 * key) and then by content; the line numbers where they stand are left out,
 * so a comment added above a section does not make it "changed".
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed/cidr.h"
#include "embed/keys.h"
#include "plan/mac.h"
#include "plan/str.h"
#include "server-min/config_load.h"
#include "server-min/log.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

int config_load(const char *path, struct nb_config **ret_cfg, char err[NB_ERR_MAX])
{
	struct nb_config *cfg;
	int r;

	/* The file and every file it includes, whole or nothing (embed/),
	 * then the [server] keys' meaning (below). */
	if ((r = nb_config_load(path, &cfg, err)) < 0)
		return r;
	if ((r = config_server_apply(cfg, err)) < 0) {
		nb_config_free(cfg);
		return r;
	}
	*ret_cfg = cfg;
	return 0;
}

/* The [server] keys a reload compares, by their names in netbootd.conf(5).
 * restart: bound sockets, the root's descriptor, the uid we run as and the
 * protocols started are fixed once serving. */
struct server_key {
	const char *name;
	size_t off, len;
	int restart;
};

#define SK(name, field, restart) \
	{ name, offsetof(struct nb_server_conf, field), \
	  sizeof(((struct nb_server_conf *)0)->field), restart }

static const struct server_key server_keys[] = {
	SK("listen", listen, 1),
	SK("interface", interface, 1),
	SK("root", root, 1),
	SK("user", user, 1),
	SK("http-port", http_port, 1),
	SK("tftp-port", tftp_port, 1),
	SK("dhcp", dhcp, 1),
	SK("tftp", tftp, 1),
	SK("http", http, 1),
	SK("log-level", log_level, 0),
	SK("boot-bios", boot_bios, 0),
	SK("boot-efi64", boot_efi64, 0),
	SK("boot-ipxe", boot_ipxe, 0),
	SK("boot-arm64", boot_arm64, 0),
	SK("boot-http-x64", boot_http_x64, 0),
	SK("boot-http-arm64", boot_http_arm64, 0),
	SK("answer", answer, 0),
	SK("protect", protect, 0),
	SK("protect", n_protect, 0),
	SK("protect", protect_set, 0),
	SK("http-per-ip", http_per_ip, 0),
	SK("http-requests", http_requests, 0),
	SK("http-idle", http_idle_s, 0),
	SK("tftp-per-ip", tftp_per_ip, 0),
	SK("check", check, 0),
	/* read as root at start; the service user cannot read it again */
	SK("plan-key", plan_key, 1),
	/* the loops and their sockets are made once, before root is gone */
	SK("workers", workers, 1),
	/* probed once at start, after root is gone (main.c) */
	SK("http-congestion", http_congestion, 1),
	SK("status-allow", status_allow, 0),
	/* the history's tables are sized once */
	SK("history-clients", history_clients, 1),
	SK("history-events", history_events, 1),
};

#define N_SERVER_KEYS (sizeof(server_keys) / sizeof(server_keys[0]))

static int key_differs(const struct server_key *k, const struct nb_server_conf *a,
		       const struct nb_server_conf *b)
{
	return memcmp((const char *)a + k->off, (const char *)b + k->off, k->len) != 0;
}

unsigned config_keep_restart_only(const struct nb_config *old, struct nb_config *cfg)
{
	const struct nb_server_conf *o = nb_config_server(old);
	struct nb_server_conf *n = &cfg->server;
	unsigned count = 0;

	for (size_t i = 0; i < N_SERVER_KEYS; i++) {
		const struct server_key *k = &server_keys[i];
		if (!k->restart || !key_differs(k, o, n))
			continue;
		log_warn("main", "-", "reload: [server] %s changed: needs a restart; "
			 "the running value stays", k->name);
		memcpy((char *)n + k->off, (const char *)o + k->off, k->len);
		count++;
	}
	return count;
}

/* Content (its keys, profile= among them), without where it stands. */
static int same_client(const struct nb_config *old, const struct nb_client_conf *a,
		       const struct nb_config *cfg, const struct nb_client_conf *b)
{
	return nb_keys_equal(old, &a->keys, cfg, &b->keys);
}

/* O(1) lookups (embed/config_index.c): a reload of 100,000 clients. */
#define find_profile(cfg, name) nb_config_profile(cfg, name)
#define find_client(cfg, like) nb_config_section(cfg, like)

static unsigned log_profile_changes(const struct nb_config *old, const struct nb_config *cfg)
{
	unsigned count = 0;

	for (unsigned i = 0; i < cfg->n_profile; i++) {
		const struct nb_named_profile *p = &cfg->profile[i], *was = find_profile(old, p->name);
		if (!was)
			log_info("main", "-", "reload: profile %s added", p->name);
		else if (!nb_keys_equal(old, &was->keys, cfg, &p->keys))
			log_info("main", "-", "reload: profile %s changed", p->name);
		else
			continue;
		count++;
	}
	for (unsigned i = 0; i < old->n_profile; i++) {
		if (find_profile(cfg, old->profile[i].name))
			continue;
		log_info("main", "-", "reload: profile %s removed", old->profile[i].name);
		count++;
	}
	return count;
}

static unsigned log_client_changes(const struct nb_config *old, const struct nb_config *cfg)
{
	unsigned count = 0;
	char key[64];

	for (unsigned i = 0; i < cfg->n_client; i++) {
		const struct nb_client_conf *c = &cfg->client[i], *was = find_client(old, c);
		nb_section_name(c, key);
		if (!was)
			log_info("main", "-", "reload: client %s added", key);
		else if (!same_client(old, was, cfg, c))
			log_info("main", "-", "reload: client %s changed", key);
		else
			continue;
		count++;
	}
	for (unsigned i = 0; i < old->n_client; i++) {
		if (find_client(cfg, &old->client[i]))
			continue;
		nb_section_name(&old->client[i], key);
		log_info("main", "-", "reload: client %s removed", key);
		count++;
	}
	return count;
}

unsigned config_log_changes(const struct nb_config *old, const struct nb_config *cfg)
{
	const struct nb_server_conf *o = nb_config_server(old), *n = nb_config_server(cfg);
	const char *last = "";
	unsigned count = 0;

	for (size_t i = 0; i < N_SERVER_KEYS; i++) {
		const struct server_key *k = &server_keys[i];
		/* protect spans three fields: one line */
		if (k->restart || !key_differs(k, o, n) || strcmp(last, k->name) == 0)
			continue;
		log_info("main", "-", "reload: [server] %s changed", k->name);
		last = k->name;
		count++;
	}
	count += log_profile_changes(old, cfg);
	count += log_client_changes(old, cfg);
	return count;
}

/* ---- the [server] section's meaning ------------------------------------ */

/* embed/ keeps [server] keys as written (struct nb_server_kv); what they
 * mean is netbootd's: this table (the same rows as embed/config.c's
 * profile keys, embed/keys.h), the checks and the defaults. netboot-embed
 * links this file too, so both tools refuse a bad value alike. */

static int ifname_char(char c)
{
	return nb_name_char(c) || c == ':' || c == '@';
}

static int printable_char(char c)
{
	return c >= ' ' && c <= '~';
}

static int user_char(char c)
{
	return nb_is_alnum(c) || c == '_' || c == '-';
}

/* The kernel's congestion control names: tcp_available_congestion_control. */
static int cc_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Boot file names and the iPXE URL go into DHCP option 67 as they are;
 * iPXE expands ${...} in the URL itself, so only the character set is
 * checked. */
static int bootfile_char(char c)
{
	return c > ' ' && c <= '~' && c != '"' && c != '\'' && c != '\\';
}

/* listen = the same dotted quad as status-allow's (embed/cidr.c). */
static const char *p_ipv4(void *field, size_t size, const char *v, size_t n)
{
	uint32_t a;

	if (nb_ipv4_parse(v, n, &a) < 0)
		return "listen: a dotted-quad IPv4 address";
	return nb_put_str(field, size, v, n);
}

/* The secret key netbootd signs boot.plan with (docs/secure-boot.md):
 * read at start, before privileges are dropped, so an absolute path that
 * does not depend on the working directory. */
static const char *p_plan_key(void *field, size_t size, const char *v, size_t n)
{
	size_t i;

	if (n == 0 || v[0] != '/')
		return "plan-key: an absolute path to a key from netboot-embed keygen";
	for (i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~')
			return "plan-key: printable path without spaces";
	return nb_put_str(field, size, v, n);
}

static const char *p_loglevel(void *field, size_t size, const char *v, size_t n)
{
	if (!nb_tok_eq(v, n, "error") && !nb_tok_eq(v, n, "warn") &&
	    !nb_tok_eq(v, n, "info") && !nb_tok_eq(v, n, "debug"))
		return "log-level: error, warn, info or debug";
	return nb_put_str(field, size, v, n);
}

static const char *p_port(void *field, size_t size, const char *v, size_t n)
{
	uint64_t x;

	(void)size;
	if (nb_parse_u64(v, n, 65535, &x) || x == 0)
		return "port: 1 to 65535";
	*(uint16_t *)field = (uint16_t)x;
	return NULL;
}

static const char *p_bool(void *field, size_t size, const char *v, size_t n)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	(void)size;
	for (i = 0; i < 4; i++) {
		if (nb_tok_eq(v, n, yes[i])) {
			*(int8_t *)field = 1;
			return NULL;
		}
		if (nb_tok_eq(v, n, no[i])) {
			*(int8_t *)field = 0;
			return NULL;
		}
	}
	return "yes/no, true/false, on/off or 1/0";
}

/* answer = all | known: whether netbootd answers every PXE client or only
 * those a [client] section names (nb_config_knows()). */
static const char *p_answer(void *field, size_t size, const char *v, size_t n)
{
	(void)size;
	if (nb_tok_eq(v, n, "all"))
		*(int8_t *)field = 0;
	else if (nb_tok_eq(v, n, "known"))
		*(int8_t *)field = 1;
	else
		return "answer: all or known";
	return NULL;
}

/* check = strict | warn | off: what netbootd does when the files it
 * serves do not belong together (server-min/filecheck.h). */
static const char *p_check(void *field, size_t size, const char *v, size_t n)
{
	(void)size;
	if (nb_tok_eq(v, n, "off"))
		*(int8_t *)field = NB_CHECK_OFF;
	else if (nb_tok_eq(v, n, "warn"))
		*(int8_t *)field = NB_CHECK_WARN;
	else if (nb_tok_eq(v, n, "strict"))
		*(int8_t *)field = NB_CHECK_STRICT;
	else
		return "check: strict, warn or off";
	return NULL;
}

/* One protect prefix: a path relative to the root as a request names it,
 * so no leading '/', no empty, "." or ".." parts (a request path never has
 * them once netbootd has checked it, so such a prefix would protect
 * nothing), printable and without backslash or quotes. */
static const char *check_protect(const char *v, size_t n)
{
	size_t i, s = 0;

	if (n >= NB_PROTECT_LEN)
		return "protect: a prefix is at most 63 characters";
	if (v[0] == '/')
		return "protect: prefixes are relative to the root (no leading '/')";
	for (i = 0; i <= n; i++) {
		if (i < n && (v[i] <= ' ' || v[i] > '~' || v[i] == '\\' ||
			      v[i] == '"' || v[i] == '\''))
			return "protect: control character, quote or backslash";
		if (i < n && v[i] != '/')
			continue;
		if (i == n && s == n)
			break;              /* "ovl/": the trailing slash */
		if (i == s || nb_tok_eq(v + s, i - s, ".") ||
		    nb_tok_eq(v + s, i - s, ".."))
			return "protect: no empty, '.' or '..' path parts";
		s = i + 1;
	}
	return NULL;
}

/* protect = PREFIX ...: the whole [server] struct, to set the count and
 * protect_set with the list. */
static const char *p_protect(void *field, size_t size, const char *v, size_t n)
{
	struct nb_server_conf *sc = field;
	char list[NB_PROTECT_MAX][NB_PROTECT_LEN];
	size_t pos = 0, wn, count = 0;
	const char *w, *why;

	(void)size;
	while ((wn = nb_word_next(v, n, &pos, 0, &w)) > 0) {
		if ((why = check_protect(w, wn)) != NULL)
			return why;
		if (count >= NB_PROTECT_MAX)
			return "protect: at most 8 prefixes";
		nb_strlcpy(list[count++], NB_PROTECT_LEN, w, wn);
	}
	if (count == 0)
		return "protect: at least one prefix (e.g. ovl/)";
	nb_memcpy(sc->protect, list, sizeof(list));
	sc->n_protect = (uint8_t)count;
	sc->protect_set = 1;
	return NULL;
}

/* The status pages and the boot history (docs/status.md). */
static const char *p_status_allow(void *field, size_t size, const char *v, size_t n)
{
	(void)size;
	return nb_cidr_list_parse(field, v, n);
}

/* The rows (the reload table's SK above is done with; these are the
 * parser's, as embed/keys.h has them). Bits: duplicates in one [server]
 * section. */
#undef SK
#define SK(name, fn, f, bit) \
	{ name, fn, NB_FIELD(nb_server_conf, f), bit, 0, NB_NO_SAFE, 0, 0, NULL, NULL }
/* Number keys: the range and what is counted, for the error message. The
 * [server] limits use 0 for "unset" (netbootd's defaults are in
 * server-min/main.c and docs/netbootd.conf.5), so their ranges start at 1. */
#define SN(name, f, bit, lo, hi, unit) \
	{ name, NULL, NB_FIELD(nb_server_conf, f), bit, 0, NB_NO_SAFE, lo, hi, unit, NULL }
#define ST(name, f, bit, ...) \
	{ name, NULL, NB_FIELD(nb_server_conf, f), bit, 0, NB_NO_SAFE, 0, 0, NULL, \
	  &(const struct nb_text_rule){ __VA_ARGS__ } }
#define BOOTFILE 1, 0, bootfile_char, "empty value", \
	"space, quote or control character"

static const struct nb_key server_conf_keys[] = {
	SK("listen", p_ipv4, listen, 1u << 0),
	ST("interface", interface, 1u << 1, 1, 15, ifname_char,
	   "interface: 1 to 15 characters", "interface: not an interface name"),
	ST("root", root, 1u << 2, 0, 0, printable_char, "value too long",
	   "root: printable path"),
	ST("user", user, 1u << 3, 1, 31, user_char, "user: 1 to 31 characters",
	   "user: not a user name"),
	SK("log-level", p_loglevel, log_level, 1u << 4),
	SK("http-port", p_port, http_port, 1u << 5),
	SK("tftp-port", p_port, tftp_port, 1u << 6),
	SK("dhcp", p_bool, dhcp, 1u << 7),
	SK("tftp", p_bool, tftp, 1u << 8),
	SK("http", p_bool, http, 1u << 9),
	ST("boot-bios", boot_bios, 1u << 10, BOOTFILE),
	ST("boot-efi64", boot_efi64, 1u << 11, BOOTFILE),
	ST("boot-ipxe", boot_ipxe, 1u << 12, BOOTFILE),
	SK("answer", p_answer, answer, 1u << 13),
	{ "protect", p_protect, 0, sizeof(struct nb_server_conf), 1u << 14, 0,
	  NB_NO_SAFE, 0, 0, NULL, NULL },
	SN("http-per-ip", http_per_ip, 1u << 15, 1, 65536, "connections"),
	SN("http-requests", http_requests, 1u << 16, 1, 1000000, "requests"),
	SN("http-idle", http_idle_s, 1u << 17, 1, 3600, "seconds"),
	SN("tftp-per-ip", tftp_per_ip, 1u << 18, 1, 65536, "transfers"),
	ST("boot-arm64", boot_arm64, 1u << 19, BOOTFILE),
	ST("boot-http-x64", boot_http_x64, 1u << 20, BOOTFILE),
	ST("boot-http-arm64", boot_http_arm64, 1u << 21, BOOTFILE),
	SK("check", p_check, check, 1u << 22),
	SK("plan-key", p_plan_key, plan_key, 1u << 23),
	SK("status-allow", p_status_allow, status_allow, 1u << 24),
	SN("history-clients", history_clients, 1u << 25, 1, 1000000, "clients"),
	SN("history-events", history_events, 1u << 26, 1, 1000,
	   "events per client"),
	/* event loops (workers.c); 64 is NETBOOTD_WORKERS_MAX */
	SN("workers", workers, 1u << 27, 1, 64, "event loops"),
	ST("http-congestion", http_congestion, 1u << 28, 1, 15, cc_char,
	   "http-congestion: 1 to 15 characters",
	   "http-congestion: not a congestion control name (a-z, 0-9, _)"),
};

#define N_SERVER_CONF_KEYS (sizeof(server_conf_keys) / sizeof(server_conf_keys[0]))

/* Every key unset, the boot files' defaults. */
static void server_defaults(struct nb_server_conf *s)
{
	memset(s, 0, sizeof(*s));
	s->dhcp = s->tftp = s->http = -1;
	s->answer = -1;
	nb_strlcpy(s->boot_bios, sizeof(s->boot_bios), "undionly.kpxe", 13);
	nb_strlcpy(s->boot_efi64, sizeof(s->boot_efi64), "alpineboot.efi", 14);
	/* {mac}: the booting NIC, not iPXE's ${net0/mac} (issue 10). */
	nb_strlcpy(s->boot_ipxe, sizeof(s->boot_ipxe),
		   "${server}/boot.ipxe?mac={mac}", 29);
	nb_strlcpy(s->boot_arm64, sizeof(s->boot_arm64),
		   "alpineboot-arm64.efi", 20);
	nb_strlcpy(s->boot_http_x64, sizeof(s->boot_http_x64),
		   "${server}/alpineboot.efi", 24);
	nb_strlcpy(s->boot_http_arm64, sizeof(s->boot_http_arm64),
		   "${server}/alpineboot-arm64.efi", 30);
}

int config_server_apply(struct nb_config *cfg, char err[NB_ERR_MAX])
{
	struct nb_server_conf sc;
	char why_num[NB_KEY_WHY_MAX];
	uint32_t seen = 0, section = 0;

	server_defaults(&sc);
	for (unsigned i = 0; i < cfg->n_server_kv; i++) {
		const struct nb_server_kv *kv = &cfg->server_kv[i];
		const char *k = cfg->text + kv->key, *v;
		size_t kn = strlen(k), vn;
		const struct nb_key *key;
		const char *why;

		v = k + kn + 1;
		vn = strlen(v);
		if (kv->section != section) {
			section = kv->section;
			seen = 0;
		}
		key = nb_key_find(server_conf_keys, N_SERVER_CONF_KEYS, k, kn);
		if (key == NULL)
			return nb_config_error(cfg, &kv->at, "unknown key in [server]",
					       k, kn, err);
		if (seen & key->bit)
			return nb_config_error(cfg, &kv->at, "duplicate key", k, kn, err);
		if ((why = nb_key_parse(key, &sc, v, vn, why_num)) != NULL)
			return nb_config_error(cfg, &kv->at, why, v, vn, err);
		seen |= key->bit;
	}
	cfg->server = sc;
	return 0;
}
