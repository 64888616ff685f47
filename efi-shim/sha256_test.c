/* sha256_test.c: SHA-256 against the NIST FIPS 180-4 example vectors
 * (csrc.nist.gov "SHA256.pdf", "SHA2_Additional.pdf"), including the
 * one-million-'a' message, and fed in odd chunk sizes so the block
 * buffering is exercised on every boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "efi-shim/sha256.h"

static void hex(const uint8_t d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static const struct {
	const char *msg;
	const char *digest;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	/* 55 and 56 bytes: the padding boundary (length fits / does not fit). */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
};

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		uint8_t d[32];
		char h[65];
		sha256(vectors[i].msg, strlen(vectors[i].msg), d);
		hex(d, h);
		assert_string_equal(h, vectors[i].digest);
	}
}

static void test_million_a(void **state)
{
	(void)state;
	struct sha256 s;
	uint8_t d[32];
	char h[65], chunk[1000];

	memset(chunk, 'a', sizeof chunk);
	sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof chunk);
	sha256_final(&s, d);
	hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Same message, every chunk size 1..130: one answer. */
static void test_chunking(void **state)
{
	(void)state;
	uint8_t msg[1000], ref[32], d[32];

	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	sha256(msg, sizeof msg, ref);
	for (size_t step = 1; step <= 130; step++) {
		struct sha256 s;
		sha256_init(&s);
		for (size_t off = 0; off < sizeof msg; off += step)
			sha256_update(&s, msg + off, off + step > sizeof msg ? sizeof msg - off : step);
		sha256_final(&s, d);
		assert_memory_equal(d, ref, 32);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_vectors),
	cmocka_unit_test(test_million_a),
	cmocka_unit_test(test_chunking),
};

TEST_MAIN(tests, NULL)
