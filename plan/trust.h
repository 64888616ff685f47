/* trust.h: what alpineboot.efi accepts from the network under Secure Boot
 * (docs/secure-boot.md), as pure functions the host can test.
 *
 * The stamped plan is part of the image the firmware verified (when the
 * image is signed), so its plan-key and require-signature are the
 * loader's trust settings; a fetched plan's own values are ignored.
 * Secure Boot on (the SecureBoot global variable is 1) forces
 * require-signature: then the firmware checked this very image.
 *
 * Rules, for a plan fetched from the server:
 *   - a valid signature by the stamped key: accepted (its signed part);
 *   - a signature that is bad, malformed or by another key: refused,
 *     whatever require-signature says;
 *   - no signature: refused when required, else accepted;
 *   - no plan-key stamped: refused when required (nothing to check
 *     with), else accepted unchecked.
 * And for booting an entry when required: the kernel and every initrd
 * must carry a SHA-256 pin (the firmware checks the kernel's signature in
 * LoadImage; the initramfs has no signature, only its pin).
 * Freestanding: no libc.
 */
#ifndef NB_TRUST_H
#define NB_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

struct nb_trust {
	uint8_t key[32];
	int has_key;
	int require;        /* require-signature, or Secure Boot on */
	int secure_boot;    /* for messages: why it is required */
};

/* The trust settings from the stamped plan (NULL: none stamped) and the
 * firmware's Secure Boot state. */
void nb_trust_init(struct nb_trust *ret, const struct nb_plan *stamp, int secure_boot);

/* Whether a fetched plan text may be used. 0 and *ret_len (the bytes to
 * give nb_plan_parse) and *ret_note (what was found, for the log), or a
 * negative errno (-ENOENT not signed, -EKEYREJECTED another key, -EACCES
 * bad signature, -EINVAL malformed signature line, -ENOKEY required but
 * no plan-key stamped) and *ret_note saying why it is refused. */
int nb_trust_plan(const struct nb_trust *t, const char *text, size_t len,
		  size_t *ret_len, const char **ret_note);

/* 1 when the entry may be booted under t, else 0. Only NB_ACT_BOOT
 * entries are checked; the others fetch nothing to boot. */
int nb_trust_entry(const struct nb_trust *t, const struct nb_entry *e);

#endif
