/* test_util.h: what the cmocka unit tests of plan/, embed/, efi-shim/ and
 * server-min/ share (host builds only; include after <cmocka.h>).
 *
 * Tests are tables: a row that fails names its own line (FAIL_AT), and a
 * file ends with its list of tests and TEST_MAIN.
 */
#ifndef NB_TEST_UTIL_H
#define NB_TEST_UTIL_H

/* Fail the running test, naming the table row's line and what differs. */
#define FAIL_AT(line, ...) do { \
	print_error("table row at %s:%d: ", __FILE__, line); \
	print_error(__VA_ARGS__); \
	fail(); \
} while (0)

/* main(): run tests[] (a file-scope const struct CMUnitTest array) as one
 * group, after setup (a cmocka group setup, or NULL). */
#define TEST_MAIN(tests, setup) \
int main(void) \
{ \
	return cmocka_run_group_tests(tests, setup, NULL); \
}

#ifdef SODIUM_VERSION_STRING
/* Group setup for the tests that use libsodium as the reference. */
static inline int sodium_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

#ifdef NB_TEST_KEYS
/* Two Ed25519 key pairs from libsodium, the reference signer, made before
 * the tests run (the tests that define NB_TEST_KEYS sign with them). */
static uint8_t pk[32], sk[64], pk2[32], sk2[64];

static int keys_setup(void **state)
{
	if (sodium_setup(state) < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	return 0;
}
#endif
#endif

#endif
