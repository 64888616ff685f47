/* sha256.h: SHA-256 (FIPS 180-4), freestanding: no libc, no allocation.
 * Used to verify downloads the plan pins; host-tested against the NIST
 * vectors in sha256_test.c. */
#ifndef EFI_SHIM_SHA256_H
#define EFI_SHIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t total;         /* bytes hashed so far */
	uint8_t block[64];
	size_t fill;            /* bytes waiting in block[] */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t ret_digest[SHA256_DIGEST_SIZE]);

/* One-shot convenience. */
void sha256(const void *data, size_t len, uint8_t ret_digest[SHA256_DIGEST_SIZE]);

#endif
