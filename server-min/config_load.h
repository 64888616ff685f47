/* config_load.h: reading netbootd.conf, at start and again on SIGHUP.
 *
 * A reload parses the file into a new struct nb_config beside the one in
 * force; main.c swaps the pointer between events only when the new one is
 * whole, so a config with an error changes nothing.
 */
#ifndef NETBOOTD_CONFIG_LOAD_H
#define NETBOOTD_CONFIG_LOAD_H

#include "embed/config.h"

/* path parsed into a new config (the defaults when path is NULL).
 * 0 and *ret_cfg (free() it); or -errno with err holding
 * "FILE:LINE: what is wrong" or "FILE: cannot read: why". */
int config_load(const char *path, struct nb_config **ret_cfg, char err[NB_ERR_MAX]);

/* The [server] keys embed/ kept as written (cfg->server_kv), checked
 * against netbootd's table and applied over its defaults into
 * cfg->server (nb_config_server()). config_load() calls it; so do
 * netboot-embed and the tests that parse text themselves. 0, or -EINVAL
 * with err "FILE:LINE: what is wrong" (cfg->server untouched). */
int config_server_apply(struct nb_config *cfg, char err[NB_ERR_MAX]);

/* [server] keys that a running netbootd cannot change (its sockets, root,
 * user): each one the file changed is logged as "needs a restart" and
 * copied from old into cfg, so the running value stays. The count. */
unsigned config_keep_restart_only(const struct nb_config *old, struct nb_config *cfg);

/* One log line per profile or client section added, removed or changed,
 * and per reloadable [server] key changed. The count of lines. */
unsigned config_log_changes(const struct nb_config *old, const struct nb_config *cfg);

#endif
