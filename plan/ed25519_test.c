/* ed25519_test.c: plan/sha512.c and plan/ed25519.c on the host.
 *
 * SHA-512 against the FIPS 180-4 example vectors (NIST CSRC "Examples with
 * intermediate values", SHA-512) and libsodium on every length up to 600;
 * Ed25519 against RFC 8032 section 7.1 (TEST 1, 2, 3, 1024, SHA(abc)),
 * whose data libsodium re-derives here (the seed signs to the published
 * signature), then against libsodium's crypto_sign_verify_detached on
 * thousands of random keys and messages, each also tampered (a flipped bit
 * in the signature, the message or the key): ours accepts exactly what
 * libsodium accepts. The edge cases it rejects by rule (S >= L, keys and
 * R of small order, non-canonical keys) are rows of their own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "plan/test_util.h"

#include "plan/ed25519.h"
#include "plan/sha512.h"

#define CROSS_KEYS 2000

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2, i;

	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* ---- SHA-512 ------------------------------------------------------------ */

static void test_sha512_fips(void **state)
{
	static const struct { const char *msg; const char *digest; } rows[] = {
		{ "abc",
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
		{ "",
		  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
		  "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
		  "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
	};
	uint8_t want[64], got[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unhex(rows[i].digest, want, sizeof(want));
		nb_sha512(rows[i].msg, strlen(rows[i].msg), got);
		if (memcmp(want, got, 64) != 0) {
			print_error("SHA-512 row %zu ('%.20s...') differs\n", i, rows[i].msg);
			fail();
		}
	}
}

/* One million 'a', fed in uneven pieces through the incremental API. */
static void test_sha512_million(void **state)
{
	static const char *digest =
		"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
	uint8_t want[64], got[64], a[997];
	struct nb_sha512 c;
	size_t done = 0;

	(void)state;
	memset(a, 'a', sizeof(a));
	nb_sha512_init(&c);
	while (done < 1000000) {
		size_t n = 1 + done % sizeof(a);

		if (n > 1000000 - done)
			n = 1000000 - done;
		nb_sha512_update(&c, a, n);
		done += n;
	}
	nb_sha512_final(&c, got);
	unhex(digest, want, sizeof(want));
	assert_memory_equal(want, got, 64);
}

/* Every length across the block and padding boundaries, against libsodium. */
static void test_sha512_lengths(void **state)
{
	uint8_t buf[600], want[64], got[64];
	size_t n;

	(void)state;
	randombytes_buf(buf, sizeof(buf));
	for (n = 0; n <= sizeof(buf); n++) {
		crypto_hash_sha512(want, buf, n);
		nb_sha512(buf, n, got);
		if (memcmp(want, got, 64) != 0) {
			print_error("SHA-512 of %zu bytes differs from libsodium\n", n);
			fail();
		}
	}
}

/* ---- Ed25519: RFC 8032 section 7.1 -------------------------------------- */

#include "plan/ed25519_rfc8032.h"

static void test_rfc8032(void **state)
{
	static uint8_t msg[1024];
	uint8_t seed[32], pub[32], sig[64], sk[64], pk2[32], sig2[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		unhex(rfc8032[i].secret, seed, sizeof(seed));
		unhex(rfc8032[i].public, pub, sizeof(pub));
		n = unhex(rfc8032[i].message, msg, sizeof(msg));
		unhex(rfc8032[i].signature, sig, sizeof(sig));
		assert_int_equal(n, rfc8032[i].message_len);
		/* The published data is what libsodium derives. */
		assert_int_equal(crypto_sign_seed_keypair(pk2, sk, seed), 0);
		assert_memory_equal(pk2, pub, 32);
		assert_int_equal(crypto_sign_detached(sig2, NULL, msg, n, sk), 0);
		assert_memory_equal(sig2, sig, 64);
		if (nb_ed25519_verify(sig, msg, n, pub) != 0) {
			print_error("RFC 8032 %s does not verify\n", rfc8032[i].name);
			fail();
		}
		/* One flipped bit anywhere: refused. */
		sig[i * 7 % 64] ^= 0x10;
		assert_int_not_equal(nb_ed25519_verify(sig, msg, n, pub), 0);
		sig[i * 7 % 64] ^= 0x10;
		if (n > 0) {
			msg[n - 1] ^= 1;
			assert_int_not_equal(nb_ed25519_verify(sig, msg, n, pub), 0);
			msg[n - 1] ^= 1;
		}
		pub[5] ^= 0x80;
		assert_int_not_equal(nb_ed25519_verify(sig, msg, n, pub), 0);
	}
}

/* ---- Ed25519: rules libsodium enforces ---------------------------------- */

/* S + L for a valid S: the same point, but S not canonical. */
static void test_s_not_canonical(void **state)
{
	static const uint8_t L[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2,
		0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	};
	uint8_t pk[32], sk[64], sig[64], msg[3] = "nbp";
	unsigned carry = 0;
	int i;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	assert_int_equal(nb_ed25519_verify(sig, msg, sizeof(msg), pk), 0);
	for (i = 0; i < 32; i++) {
		carry += sig[32 + i] + L[i];
		sig[32 + i] = (uint8_t)carry;
		carry >>= 8;
	}
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg), pk), -1);
	assert_int_equal(nb_ed25519_verify(sig, msg, sizeof(msg), pk), -EINVAL);
	memcpy(sig + 32, L, 32);
	assert_int_equal(nb_ed25519_verify(sig, msg, sizeof(msg), pk), -EINVAL);
}

/* The encodings of the points of order 1, 2, 4 and 8 (and y = p, p + 1):
 * as keys and as R, with either sign bit, refused; so is y >= p as a key. */
static void test_small_order(void **state)
{
	static const char *const enc[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t pk[32], sk[64], sig[64], bad[32], msg[4] = "plan";
	size_t i;
	int sign;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++)
		for (sign = 0; sign < 2; sign++) {
			uint8_t s2[64];

			unhex(enc[i], bad, sizeof(bad));
			bad[31] |= (uint8_t)(sign << 7);
			assert_int_equal(nb_ed25519_verify(sig, msg, sizeof(msg), bad), -EINVAL);
			assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg), bad), -1);
			memcpy(s2, sig, 64);
			memcpy(s2, bad, 32);
			assert_int_not_equal(nb_ed25519_verify(s2, msg, sizeof(msg), pk), 0);
			assert_int_equal(crypto_sign_verify_detached(s2, msg, sizeof(msg), pk), -1);
		}
	/* y = p + 2 .. 2^255 - 1 as a key: not canonical. */
	memset(bad, 0xff, 32);
	bad[31] = 0x7f;
	for (i = 0xef; i <= 0xff; i++) {
		bad[0] = (uint8_t)i;
		assert_int_equal(nb_ed25519_verify(sig, msg, sizeof(msg), bad), -EINVAL);
	}
}

/* ---- Ed25519: ours against libsodium ------------------------------------ */

static int agree(const uint8_t sig[64], const uint8_t *msg, size_t n,
		 const uint8_t pk[32])
{
	int ours = nb_ed25519_verify(sig, msg, n, pk) == 0;
	int theirs = crypto_sign_verify_detached(sig, msg, n, pk) == 0;

	if (ours != theirs) {
		print_error("ours %s, libsodium %s (message of %zu bytes)\n",
			    ours ? "accepts" : "rejects", theirs ? "accepts" : "rejects", n);
		return 0;
	}
	return 1;
}

static void test_cross_libsodium(void **state)
{
	static uint8_t msg[300];
	uint8_t pk[32], sk[64], sig[64], junk[96];
	unsigned i, accepted = 0, refused = 0;

	(void)state;
	for (i = 0; i < CROSS_KEYS; i++) {
		size_t n = randombytes_uniform(sizeof(msg) + 1);
		uint32_t bit = randombytes_random();

		crypto_sign_keypair(pk, sk);
		randombytes_buf(msg, n);
		crypto_sign_detached(sig, NULL, msg, n, sk);
		assert_true(agree(sig, msg, n, pk));
		assert_int_equal(nb_ed25519_verify(sig, msg, n, pk), 0);
		accepted++;

		sig[bit % 64] ^= (uint8_t)(1u << (bit >> 8) % 8);
		assert_true(agree(sig, msg, n, pk));
		sig[bit % 64] ^= (uint8_t)(1u << (bit >> 8) % 8);
		if (n > 0) {
			msg[bit % n] ^= (uint8_t)(1u << (bit >> 16) % 8);
			assert_true(agree(sig, msg, n, pk));
			assert_int_not_equal(nb_ed25519_verify(sig, msg, n, pk), 0);
			msg[bit % n] ^= (uint8_t)(1u << (bit >> 16) % 8);
		}
		pk[bit % 32] ^= (uint8_t)(1u << (bit >> 24) % 8);
		assert_true(agree(sig, msg, n, pk));
		assert_int_not_equal(nb_ed25519_verify(sig, msg, n, pk), 0);
		/* Random bytes as signature and key. */
		randombytes_buf(junk, sizeof(junk));
		assert_true(agree(junk, msg, n, junk + 64));
		refused += 3;
	}
	print_message("cross-check: %u valid signatures accepted and %u tampered ones "
		      "judged alike by both\n", accepted, refused);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_sha512_fips),
	cmocka_unit_test(test_sha512_million),
	cmocka_unit_test(test_sha512_lengths),
	cmocka_unit_test(test_rfc8032),
	cmocka_unit_test(test_s_not_canonical),
	cmocka_unit_test(test_small_order),
	cmocka_unit_test(test_cross_libsodium),
};

TEST_MAIN(tests, sodium_setup)
