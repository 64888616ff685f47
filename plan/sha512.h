/* sha512.h: SHA-512 (FIPS 180-4), freestanding, for Ed25519 (plan/ed25519.h).
 *
 * alpineboot.efi verifies a signed boot.plan with no libc and no firmware
 * crypto protocol, so plan/ carries its own hash. Incremental, so a
 * verifier can hash R || A || message without copying them together.
 */
#ifndef NB_SHA512_H
#define NB_SHA512_H

#include <stddef.h>
#include <stdint.h>

struct nb_sha512 {
	uint64_t h[8];
	uint64_t len;        /* bytes hashed so far */
	uint8_t buf[128];
	unsigned n;          /* bytes waiting in buf */
};

void nb_sha512_init(struct nb_sha512 *c);
void nb_sha512_update(struct nb_sha512 *c, const void *data, size_t len);
/* Writes the digest; c must be initialised again before reuse. */
void nb_sha512_final(struct nb_sha512 *c, uint8_t out[64]);
/* The digest of len bytes in one call. */
void nb_sha512(const void *data, size_t len, uint8_t out[64]);

#endif
