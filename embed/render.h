/* render.h: the server's side of a plan, policy rather than contract.
 *
 * Who is asking (struct nb_client) and how the answer is rendered
 * (nb_render): netbootd and netboot-embed only. alpineboot.efi never sees
 * these; it links plan/ alone (plan/plan.h is the contract).
 */
#ifndef NB_RENDER_H
#define NB_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "plan/mac.h"
#include "plan/plan.h"

/* Who is asking: what the server knows of a client. */
struct nb_client {
	uint8_t mac[6];
	int has_mac;
	char uuid[40];          /* SMBIOS UUID, "" when unknown */
	int arch;               /* RFC 4578 client arch, -1 when unknown */
	/* 1: the document is for another host than the one asking; leave
	 * out the profile's cmdline= words and hostname= (embed/resolve.c). */
	int redact;
};

enum nb_format { NB_FMT_IPXE, NB_FMT_PLAN, NB_FMT_CMDLINE };

struct nb_config;   /* embed/config.h */

/* Resolve cfg for client c and render in fmt. http_base: "http://ADDR[:PORT]"
 * of the server, used for relative paths. 0 and *ret_len (out NUL-terminated),
 * -ENOSPC when out is too small, -EINVAL when the resolved plan is invalid. */
int nb_render(const struct nb_config *cfg, const struct nb_client *c,
	      const char *http_base, enum nb_format fmt,
	      char *out, size_t cap, size_t *ret_len);

#endif
