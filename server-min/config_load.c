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

#include "plan/mac.h"
#include "server-min/config_load.h"
#include "server-min/log.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

int config_load(const char *path, struct nb_config **ret_cfg, char err[NB_ERR_MAX])
{
	/* The file and every file it includes, whole or nothing (embed/). */
	return nb_config_load(path, ret_cfg, err);
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
