/* plansig_test.c: the signature line of a signed boot.plan (plansig.c) and
 * the stamped plan's plan-key / require-signature (plan.c).
 *
 * Plans are signed here with libsodium, as netbootd signs them, and
 * checked with plan/'s verifier, as alpineboot.efi checks them. Each row
 * of the hostile table is a change a host on the LAN could make; each must
 * be refused with the error that names it, and nb_plan_parse must agree.
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

static const char plan_text[] =
	"nbplan 1\n"
	"server http://198.18.0.1\n"
	"title Lab\n"
	"timeout 5\n"
	"default 0\n"
	"max-file-size 536870912\n"
	"entry boot Lab\n"
	"kernel http://198.18.0.1/boot/vmlinuz-virt sha256="
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	"initrd http://198.18.0.1/boot/initramfs-virt\n"
	"cmdline modules=loop,squashfs ip=dhcp\n"
	"entry reboot Reboot\n"
	"end\n";

static struct nb_plan plan, plan2;

/* plan_text signed by sk (and pk) into out; its length. */
static size_t sign_with(char *out, size_t cap, const uint8_t *key, const uint8_t *pub)
{
	size_t n = strlen(plan_text), line;
	uint8_t sig[64];

	assert_true(n + NB_PLAN_SIG_LINE_MAX < cap);
	memcpy(out, plan_text, n);
	crypto_sign_detached(sig, NULL, (const uint8_t *)out, n, key);
	assert_int_equal(nb_plan_sig_line(out + n, cap - n, sig, pub, &line), 0);
	assert_int_equal(line, NB_PLAN_SIG_LINE_MAX);
	return n + line;
}

static void test_good(void **state)
{
	char text[4096];
	size_t len, signed_len = 0;

	(void)state;
	len = sign_with(text, sizeof(text), sk, pk);
	assert_int_equal(nb_plan_verify(text, len, pk, &signed_len), 0);
	assert_int_equal(signed_len, strlen(plan_text));
	/* The signed plan parses to the unsigned one. */
	assert_int_equal(nb_plan_parse(&plan, text, len), 0);
	assert_int_equal(nb_plan_parse(&plan2, plan_text, strlen(plan_text)), 0);
	assert_memory_equal(&plan, &plan2, sizeof(plan));
	/* Without the final newline, and with CR LF. */
	assert_int_equal(nb_plan_verify(text, len - 1, pk, &signed_len), 0);
	text[len - 1] = '\r';
	text[len] = '\n';
	assert_int_equal(nb_plan_verify(text, len + 1, pk, &signed_len), 0);
	assert_int_equal(nb_plan_parse(&plan, text, len + 1), 0);
	/* The part it reports is exactly what libsodium signed. */
	{
		uint8_t sig[64], keyid[NB_PLAN_KEYID_LEN];

		assert_int_equal(nb_plan_sig_find(text, len + 1, &signed_len, sig, keyid), 0);
		assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text,
							     signed_len, pk), 0);
	}
}

static void test_unsigned(void **state)
{
	size_t signed_len = 7;

	(void)state;
	assert_int_equal(nb_plan_verify(plan_text, strlen(plan_text), pk, &signed_len), -ENOENT);
	assert_int_equal(signed_len, 7);
	assert_int_equal(nb_plan_parse(&plan, plan_text, strlen(plan_text)), 0);
	assert_int_equal(nb_plan_verify("", 0, pk, &signed_len), -ENOENT);
}

/* Every single-byte change anywhere in the signed part is caught: as a
 * bad signature, or (the LF before the signature line) as no signature. */
static void test_every_byte(void **state)
{
	char text[4096];
	size_t len, i, n = strlen(plan_text), signed_len;

	(void)state;
	len = sign_with(text, sizeof(text), sk, pk);
	for (i = 0; i < n; i++) {
		text[i] ^= 0x01;
		int r = nb_plan_verify(text, len, pk, &signed_len);

		if (r != -EACCES && !(i == n - 1 && r == -ENOENT)) {
			print_error("a change at byte %zu of the plan was not caught\n", i);
			fail();
		}
		text[i] ^= 0x01;
	}
}

static void test_hostile(void **state)
{
	static const struct { const char *what; int want; int parse_ok; } rows[] = {
		{ "another key", -EKEYREJECTED, 1 },
		{ "keyid of ours, signature by another", -EACCES, 1 },
		{ "a line added after the signature", -ENOENT, 0 },
		{ "an empty line after the signature", -ENOENT, 0 },
		{ "signature digit not hex", -EINVAL, 0 },
		{ "signature one digit short", -EINVAL, 0 },
		{ "signature ed448", -EINVAL, 0 },
		{ "signature before end", -ENOENT, 1 },
		{ "entry appended before signature", -EACCES, 1 },
	};
	char text[4096], other[4096];
	size_t len, olen, n = strlen(plan_text), signed_len, r;

	(void)state;
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		len = sign_with(text, sizeof(text), sk, pk);
		switch (r) {
		case 0:
			len = sign_with(text, sizeof(text), sk2, pk2);
			break;
		case 1:
			olen = sign_with(other, sizeof(other), sk2, pk2);
			memcpy(text + n + 18, other + n + 18, 128);   /* keep our keyid */
			(void)olen;
			break;
		case 2:
			memcpy(text + len, "entry exit Exit\n", 16);
			len += 16;
			break;
		case 3:
			text[len++] = '\n';
			break;
		case 4:
			text[n + 30] = 'g';
			break;
		case 5:
			memmove(text + n + 30, text + n + 31, len - n - 31);
			len--;
			break;
		case 6:
			memcpy(text + n + 10, "ed448  ", 7);
			break;
		case 7:
			/* "end" moved after the signature line. */
			memmove(text + n - 4, text + n, len - n);
			memcpy(text + len - 4, "end\n", 4);
			break;
		case 8:
			memmove(text + n - 4 + 16, text + n - 4, len - n + 4);
			memcpy(text + n - 4, "entry exit Exit\n", 16);
			len += 16;
			break;
		}
		signed_len = 12345;
		if (nb_plan_verify(text, len, pk, &signed_len) != rows[r].want ||
		    signed_len != 12345) {
			print_error("row '%s': nb_plan_verify gave %d\n", rows[r].what,
				    nb_plan_verify(text, len, pk, &signed_len));
			fail();
		}
		if ((nb_plan_parse(&plan, text, len) == 0) != rows[r].parse_ok) {
			print_error("row '%s': nb_plan_parse %s it\n", rows[r].what,
				    rows[r].parse_ok ? "refused" : "accepted");
			fail();
		}
	}
}

/* plan-key and require-signature: parse, format, parse again. */
static void test_stamp_fields(void **state)
{
	char text[4096], out[4096];
	size_t n;
	int i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "nbplan 1\nserver http://198.18.0.1\nplan-key ");
	for (i = 0; i < 32; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%02x", pk[i]);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\nrequire-signature yes\n%s",
			      strstr(plan_text, "entry boot"));
	assert_int_equal(nb_plan_parse(&plan, text, n), 0);
	assert_int_equal(plan.has_plan_key, 1);
	assert_memory_equal(plan.plan_key, pk, 32);
	assert_int_equal(plan.require_signature, 1);
	assert_int_equal(nb_plan_format(&plan, out, sizeof(out), &n), 0);
	assert_non_null(strstr(out, "\nrequire-signature yes\n"));
	assert_int_equal(nb_plan_parse(&plan2, out, n), 0);
	assert_memory_equal(&plan, &plan2, sizeof(plan));
	/* Bad values are refused, not ignored. */
	assert_int_equal(nb_plan_parse(&plan, "nbplan 1\nserver http://x\nplan-key 00\n"
				       "entry boot a\nkernel http://x/k\ninitrd http://x/i\nend\n", 73),
			 -EINVAL);
	strcpy(text, "nbplan 1\nserver http://x\nrequire-signature maybe\n"
	       "entry boot a\nkernel http://x/k\ninitrd http://x/i\nend\n");
	assert_int_equal(nb_plan_parse(&plan, text, strlen(text)), -EINVAL);
	strcpy(text, "nbplan 1\nserver http://x\nrequire-signature no\n"
	       "entry boot a\nkernel http://x/k\ninitrd http://x/i\nend\n");
	assert_int_equal(nb_plan_parse(&plan, text, strlen(text)), 0);
	assert_int_equal(plan.require_signature, 0);
	assert_int_equal(plan.has_plan_key, 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_good),
	cmocka_unit_test(test_unsigned),
	cmocka_unit_test(test_every_byte),
	cmocka_unit_test(test_hostile),
	cmocka_unit_test(test_stamp_fields),
};

TEST_MAIN(tests, keys_setup)
