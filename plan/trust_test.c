/* trust_test.c: alpineboot.efi's Secure Boot decisions (plan/trust.c),
 * one table row per (stamp, Secure Boot state, fetched plan) and the
 * outcome the loader must reach; plans signed with libsodium as netbootd
 * signs them.
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

#define NB_TEST_KEYS
#include "plan/test_util.h"

#include "plan/plan.h"
#include "plan/plansig.h"
#include "plan/trust.h"

static const char body[] =
	"nbplan 1\nserver http://198.18.0.1\n"
	"entry boot Pinned\n"
	"kernel http://198.18.0.1/boot/vmlinuz-lts sha256="
	"1111111111111111111111111111111111111111111111111111111111111111\n"
	"initrd http://198.18.0.1/boot/initramfs-lts sha256="
	"2222222222222222222222222222222222222222222222222222222222222222\n"
	"cmdline ip=dhcp\n"
	"entry boot Kernel pinned only\n"
	"kernel http://198.18.0.1/boot/vmlinuz-virt sha256="
	"1111111111111111111111111111111111111111111111111111111111111111\n"
	"initrd http://198.18.0.1/boot/initramfs-virt\n"
	"cmdline ip=dhcp\n"
	"entry reboot Reboot\n"
	"end\n";


enum form { UNSIGNED, SIGNED, OTHER_KEY, FORGED, MALFORMED };

static size_t make(char *out, size_t cap, enum form f)
{
	size_t n = strlen(body), line = 0;
	uint8_t sig[64];

	memcpy(out, body, n);
	if (f == UNSIGNED)
		return n;
	crypto_sign_detached(sig, NULL, (const uint8_t *)out, n, f == OTHER_KEY ? sk2 : sk);
	assert_int_equal(nb_plan_sig_line(out + n, cap - n, sig, f == OTHER_KEY ? pk2 : pk,
					  &line), 0);
	if (f == FORGED)
		out[30] ^= 1;                 /* in the server URL */
	if (f == MALFORMED)
		out[n + 20] = 'x';            /* not a hex digit */
	return n + line;
}

static void test_table(void **state)
{
	static const struct {
		int key, require, sb;        /* the stamp's plan-key and require-signature; Secure Boot */
		enum form f;
		int want;
	} rows[] = {
		/* Nothing stamped, Secure Boot off: today's behaviour. */
		{ 0, 0, 0, UNSIGNED, 0 },
		{ 0, 0, 0, SIGNED, 0 },
		/* A key, not required: signed plans checked, unsigned taken. */
		{ 1, 0, 0, SIGNED, 0 },
		{ 1, 0, 0, UNSIGNED, 0 },
		{ 1, 0, 0, OTHER_KEY, -EKEYREJECTED },
		{ 1, 0, 0, FORGED, -EACCES },
		{ 1, 0, 0, MALFORMED, -EINVAL },
		/* Required by the stamp. */
		{ 1, 1, 0, SIGNED, 0 },
		{ 1, 1, 0, UNSIGNED, -ENOENT },
		{ 1, 1, 0, FORGED, -EACCES },
		{ 0, 1, 0, SIGNED, -ENOKEY },
		/* Required by Secure Boot, whatever the stamp says. */
		{ 1, 0, 1, SIGNED, 0 },
		{ 1, 0, 1, UNSIGNED, -ENOENT },
		{ 1, 0, 1, OTHER_KEY, -EKEYREJECTED },
		{ 0, 0, 1, SIGNED, -ENOKEY },
		{ 0, 0, 1, UNSIGNED, -ENOKEY },
	};
	static struct nb_plan stamp, plan;
	struct nb_trust t;
	char text[4096];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = make(text, sizeof(text), rows[i].f), use = 99999;
		const char *note = NULL;
		int r;

		memset(&stamp, 0, sizeof(stamp));
		if (rows[i].key) {
			memcpy(stamp.plan_key, pk, 32);
			stamp.has_plan_key = 1;
		}
		stamp.require_signature = rows[i].require;
		nb_trust_init(&t, &stamp, rows[i].sb);
		r = nb_trust_plan(&t, text, len, &use, &note);
		if (r != rows[i].want || note == NULL) {
			print_error("row %zu: got %d, want %d (%s)\n", i, r, rows[i].want,
				    note ? note : "no note");
			fail();
		}
		if (r == 0) {
			/* What is accepted parses, and is exactly the signed part. */
			assert_true(use <= len);
			assert_int_equal(nb_plan_parse(&plan, text, use), 0);
			if (rows[i].f == SIGNED && rows[i].key)
				assert_int_equal(use, strlen(body));
		} else {
			assert_int_equal(use, 99999);
		}
	}
}

static void test_no_stamp(void **state)
{
	struct nb_trust t;
	const char *note;
	char text[4096];
	size_t len = make(text, sizeof(text), UNSIGNED), use;

	(void)state;
	nb_trust_init(&t, NULL, 0);
	assert_int_equal(nb_trust_plan(&t, text, len, &use, &note), 0);
	nb_trust_init(&t, NULL, 1);
	assert_int_equal(nb_trust_plan(&t, text, len, &use, &note), -ENOKEY);
}

/* Entries: pins required only when signatures are. */
static void test_entries(void **state)
{
	static struct nb_plan plan, stamp;
	struct nb_trust t;

	(void)state;
	assert_int_equal(nb_plan_parse(&plan, body, strlen(body)), 0);
	nb_trust_init(&t, NULL, 0);
	assert_int_equal(nb_trust_entry(&t, &plan.entry[0]), 1);
	assert_int_equal(nb_trust_entry(&t, &plan.entry[1]), 1);
	memcpy(stamp.plan_key, pk, 32);
	stamp.has_plan_key = 1;
	nb_trust_init(&t, &stamp, 1);
	assert_int_equal(nb_trust_entry(&t, &plan.entry[0]), 1);
	assert_int_equal(nb_trust_entry(&t, &plan.entry[1]), 0);   /* initrd unpinned */
	assert_int_equal(nb_trust_entry(&t, &plan.entry[2]), 1);   /* reboot */
	plan.entry[0].kernel.has_sha256 = 0;
	assert_int_equal(nb_trust_entry(&t, &plan.entry[0]), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_table),
	cmocka_unit_test(test_no_stamp),
	cmocka_unit_test(test_entries),
};

TEST_MAIN(tests, keys_setup)
