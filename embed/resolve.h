/* resolve.h: from netbootd.conf and a client to the plan it boots.
 *
 * Layering, later wins field by field: nb_profile_defaults(), then
 * [profile default] when the file has one, then the profile the client's
 * section names (profile=), then the client section's own keys. The client
 * section is the most specific one that matches: MAC, else SMBIOS UUID,
 * else client arch.
 */
#ifndef NB_RESOLVE_H
#define NB_RESOLVE_H

#include "embed/config.h"
#include "embed/plan.h"

/* The built-in defaults: flavor lts, branch latest-stable, mirror
 * https://dl-cdn.alpinelinux.org/alpine, repos main community, kernel
 * boot/vmlinuz-${flavor}, initrd boot/initramfs-${flavor}, modloop
 * boot/modloop-${flavor}, no apkovl, ip=dhcp, timeout 10 s, fallback
 * "retry mirrors flavor no-apkovl shell reboot exit", default retry. */
void nb_profile_defaults(struct nb_profile *ret);

/* Copy into dst every field src has set (src->set), and set those bits. */
void nb_profile_merge(struct nb_profile *dst, const struct nb_profile *src);

/* The effective profile for client c (see above). 0 or -EINVAL when a
 * referenced profile is missing (nb_config_parse already refuses that). */
int nb_resolve_profile(const struct nb_config *cfg, const struct nb_client *c,
		       struct nb_profile *ret);

/* The whole plan: entry 0 boots, the rest is the fallback menu.
 * 0, -EINVAL (a value the command line cannot carry, ${mac} without a MAC),
 * -E2BIG (a URL or command line over its limit). Like nb_plan_parse,
 * *ret_plan holds garbage after an error: it is 45 KiB, too big to build
 * in a copy on every caller's stack. */
int nb_resolve(const struct nb_config *cfg, const struct nb_client *c,
	       const char *http_base, struct nb_plan *ret_plan);

/* Alpine's name of the client's architecture (RFC 4578 / IANA Processor
 * Architecture Types): "x86_64" for BIOS and x64 UEFI and when unknown. */
const char *nb_arch_name(int arch);

#endif
