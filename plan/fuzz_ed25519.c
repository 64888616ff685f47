/* fuzz_ed25519.c: libFuzzer target, our Ed25519 verifier against
 * libsodium's crypto_sign_verify_detached on fuzzer-made inputs.
 *
 * The two must agree on every input. Random bytes almost never make a
 * valid signature, so the first byte picks how the rest is read:
 *   even: sig (64) || pub (32) || message, verified as they are;
 *   odd:  seed (32) || mask (96) || message: libsodium makes the key pair
 *         from the seed and signs the message, then the mask is XORed over
 *         sig || pub, so the fuzzer explores signatures and keys a few
 *         bits away from valid ones (an all-zero mask checks a valid one).
 * Also the plan signature line (plan/plansig.h) on the same bytes: it
 * must not read past them, and what it accepts must be what the
 * verifier accepts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "plan/ed25519.h"
#include "plan/plansig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t sig[64], const uint8_t pub[32],
		  const uint8_t *msg, size_t n)
{
	int ours = nb_ed25519_verify(sig, msg, n, pub) == 0;
	int theirs = crypto_sign_verify_detached(sig, msg, n, pub) == 0;

	if (ours != theirs)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sig[64], pub[32], sk[64];
	size_t signed_len;
	unsigned i;

	if (sodium_init() < 0)
		abort();
	if (size >= 1 + 32 + 96 && (data[0] & 1)) {
		const uint8_t *msg = data + 129;
		size_t n = size - 129;

		crypto_sign_seed_keypair(pub, sk, data + 1);
		crypto_sign_detached(sig, NULL, msg, n, sk);
		for (i = 0; i < 64; i++)
			sig[i] ^= data[33 + i];
		for (i = 0; i < 32; i++)
			pub[i] ^= data[97 + i];
		check(sig, pub, msg, n);
	} else if (size >= 1 + 96) {
		memcpy(sig, data + 1, 64);
		memcpy(pub, data + 65, 32);
		check(sig, pub, data + 97, size - 97);
	}
	/* The whole input as a signed plan, under the key found above or zero. */
	if (size < 97)
		memset(pub, 0, sizeof(pub));
	if (nb_plan_verify((const char *)data, size, pub, &signed_len) == 0) {
		uint8_t keyid[NB_PLAN_KEYID_LEN];

		if (signed_len >= size ||
		    nb_plan_sig_find((const char *)data, size, &signed_len, sig, keyid) != 0 ||
		    crypto_sign_verify_detached(sig, data, signed_len, pub) != 0)
			abort();
	}
	return 0;
}
