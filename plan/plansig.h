/* plansig.h: the signature line of a signed boot.plan (CONTRACT between
 * netbootd, which signs, and alpineboot.efi and netboot-embed, which
 * verify; docs/boot-plan.md "Signature").
 *
 * A signed plan is a plan whose last line is
 *
 *   signature ed25519 <128 hex digits: the 64-byte signature> keyid <16 hex digits>
 *
 * followed by one optional newline and nothing else. The signature covers
 * every byte before that line (the plan through its "end\n"), so plan and
 * signature are one document: a client can never combine them from two
 * renders. keyid is the first 8 bytes of SHA-512 of the public key: it
 * tells "signed with another key" from "tampered" in a message, and
 * decides nothing (the signature does).
 * Freestanding: no libc.
 */
#ifndef NB_PLANSIG_H
#define NB_PLANSIG_H

#include <stddef.h>
#include <stdint.h>

#define NB_PLAN_SIG_PREFIX "signature ed25519 "
/* "signature ed25519 " + 128 + " keyid " + 16 + "\n" */
#define NB_PLAN_SIG_LINE_MAX (18 + 128 + 7 + 16 + 1)
#define NB_PLAN_KEYID_LEN 8
/* Linux's number, like the others in plan/str.h. */
#define NB_EKEYREJECTED 129

/* The key id of a public key (see above). */
void nb_plan_keyid(const uint8_t pub[32], uint8_t ret_keyid[NB_PLAN_KEYID_LEN]);

/* Split text into the signed part and its signature line. 0 with
 * *ret_signed_len, ret_sig, ret_keyid; -ENOENT when the last line is not a
 * signature line (an unsigned plan); -EINVAL when it is one but malformed.
 * Outputs untouched on failure. */
int nb_plan_sig_find(const char *text, size_t len, size_t *ret_signed_len,
		     uint8_t ret_sig[64], uint8_t ret_keyid[NB_PLAN_KEYID_LEN]);

/* Whether text is a plan signed by pub. 0 and *ret_signed_len (parse only
 * those bytes: nb_plan_parse(plan, text, *ret_signed_len)); -ENOENT
 * unsigned; -EINVAL a malformed signature line; -EKEYREJECTED signed with
 * another key (keyid differs); -EACCES the signature does not verify.
 * *ret_signed_len untouched on failure. */
int nb_plan_verify(const char *text, size_t len, const uint8_t pub[32],
		   size_t *ret_signed_len);

/* The signature line for sig, made by pub, into out (cap bytes,
 * NUL-terminated). 0 and *ret_len, or -ENOSPC. */
int nb_plan_sig_line(char *out, size_t cap, const uint8_t sig[64],
		     const uint8_t pub[32], size_t *ret_len);

#endif
