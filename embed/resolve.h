/* resolve.h: from netbootd.conf and a client to the plan it boots.
 *
 * Layering, later wins field by field: the built-in defaults, then
 * [profile default] when the file has one, then the profile the client's
 * section names (profile=), then the client section's own keys. The client
 * section is the most specific one that matches: MAC, else SMBIOS UUID,
 * else the longest MAC prefix, else client arch.
 */
#ifndef NB_RESOLVE_H
#define NB_RESOLVE_H

#include "embed/config.h"
#include "embed/render.h"
#include "plan/plan.h"

/* The one client section that applies to c, by the one precedence every
 * caller uses (docs/netbootd.conf.5): exact MAC, then UUID, then the
 * longest MAC prefix ([client 52:54:00:*]), then arch. NULL when none
 * does (the default profile applies). */
const struct nb_client_conf *nb_config_match(const struct nb_config *cfg,
					     const struct nb_client *c);

/* 1 when a section names this client by MAC, UUID or MAC prefix: the
 * clients "[server] answer = known" answers. A section by arch alone does
 * not make a client known. */
int nb_config_knows(const struct nb_config *cfg, const struct nb_client *c);

/* The whole plan: entry 0 boots, the rest is the fallback menu.
 * 0, -EINVAL (a value the command line cannot carry, ${mac} without a MAC),
 * -E2BIG (a URL or command line over its limit). Like nb_plan_parse,
 * *ret_plan holds garbage after an error: it is 45 KiB, too big to build
 * in a copy on every caller's stack. */
int nb_resolve(const struct nb_config *cfg, const struct nb_client *c,
	       const char *http_base, struct nb_plan *ret_plan);

/* nb_resolve as if section cc (NULL: none) were the one that matches c:
 * the file check (server-min/filecheck.c) resolves every section alone,
 * so the precedence cannot hide one behind another. Same returns. */
int nb_resolve_section(const struct nb_config *cfg,
		       const struct nb_client_conf *cc, const struct nb_client *c,
		       const char *http_base, struct nb_plan *ret_plan);

#endif
