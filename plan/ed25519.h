/* ed25519.h: Ed25519 signature verification (RFC 8032 section 5.1.7),
 * freestanding, for signed boot plans (docs/boot-plan.md "Signature").
 *
 * alpineboot.efi checks the plan netbootd signed with the key stamped into
 * its own (Secure Boot signed) image; Debian's OVMF has no
 * EFI_PKCS7_VERIFY_PROTOCOL, and plan/ has no libc, so the verifier is
 * ours. It accepts exactly what libsodium's crypto_sign_verify_detached
 * accepts (plan/ed25519_test.c cross-checks them, plan/fuzz_ed25519.c
 * fuzzes the difference): S must be below the group order L, R and the
 * public key must not be of small order, the key must be a canonical
 * encoding of a curve point. Not constant time: it handles public data.
 */
#ifndef NB_ED25519_H
#define NB_ED25519_H

#include <stddef.h>
#include <stdint.h>

/* 0 when sig is pub's signature of the len bytes at msg; -EINVAL (a
 * malformed key or signature) or -EACCES (well formed, but not a valid
 * signature) otherwise. */
int nb_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		      const uint8_t pub[32]);

#endif
