/* wire_test.c: the two small codecs of the contract, both directions.
 *
 * The stamp section (plan/stamp.h): what netboot-embed writes,
 * alpineboot.efi reads back, and what either refuses. The plan request
 * (plan/query.h): the URL alpineboot.efi builds is the one netbootd's
 * parser reads, and the parser keeps the server's long-standing rules
 * (first key wins, unknown keys skipped, bad known values refused).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "plan/query.h"
#include "plan/stamp.h"
#include "plan/str.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static void test_errno_values(void **state)
{
	(void)state;
	/* plan/ spells errno values itself (no <errno.h> in firmware). */
	assert_int_equal(NB_ENOENT, ENOENT);
	assert_int_equal(NB_E2BIG, E2BIG);
	assert_int_equal(NB_EACCES, EACCES);
	assert_int_equal(NB_EINVAL, EINVAL);
	assert_int_equal(NB_ENOSPC, ENOSPC);
	assert_int_equal(NB_ERANGE, ERANGE);
}

static void test_stamp_round_trip(void **state)
{
	static uint8_t sec[NB_STAMP_SIZE];
	static char big[NB_STAMP_TEXT_MAX + 1];
	const char text[] = "nbplan 1\nend\n";
	const char *got = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(nb_stamp_encode(sec, text, strlen(text)), 0);
	assert_memory_equal(sec, NB_STAMP_MAGIC, 16);
	assert_int_equal(sec[16], strlen(text));       /* u32 LE */
	assert_int_equal(sec[17] | sec[18] | sec[19] | sec[20], 0);
	assert_true(nb_stamp_is_section(sec, sizeof(sec)));
	assert_int_equal(nb_stamp_decode(sec, sizeof(sec), &got, &len), 0);
	assert_ptr_equal(got, (const char *)sec + NB_STAMP_HDR);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(got, text, len);
	assert_int_equal(sec[NB_STAMP_HDR + len], 0);  /* zero after the text */

	/* The largest text fits exactly; one byte more is refused, sec kept. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(nb_stamp_encode(sec, big, NB_STAMP_TEXT_MAX), 0);
	assert_int_equal(nb_stamp_decode(sec, sizeof(sec), &got, &len), 0);
	assert_int_equal(len, NB_STAMP_TEXT_MAX);
	assert_int_equal(nb_stamp_encode(sec, text, NB_STAMP_TEXT_MAX + 1), -E2BIG);
	assert_int_equal(nb_stamp_decode(sec, sizeof(sec), &got, &len), 0);
	assert_int_equal(len, NB_STAMP_TEXT_MAX);
}

static void test_stamp_refused(void **state)
{
	static uint8_t sec[NB_STAMP_SIZE];
	const char *got = "untouched";
	size_t len = 7;

	(void)state;
	/* Unstamped: the magic and length 0, as the image is built. */
	assert_int_equal(nb_stamp_encode(sec, NULL, 0), 0);
	assert_int_equal(nb_stamp_decode(sec, sizeof(sec), &got, &len), -ENOENT);
	/* A length past the section. */
	sec[16] = 0xff;
	sec[17] = 0xff;
	assert_int_equal(nb_stamp_decode(sec, sizeof(sec), &got, &len), -EINVAL);
	/* A short buffer, or a wrong magic. */
	assert_int_equal(nb_stamp_encode(sec, "x", 1), 0);
	assert_int_equal(nb_stamp_decode(sec, NB_STAMP_SIZE - 1, &got, &len), -EINVAL);
	assert_false(nb_stamp_is_section(sec, NB_STAMP_SIZE - 1));
	sec[0] ^= 1;
	assert_false(nb_stamp_is_section(sec, sizeof(sec)));
	assert_int_equal(nb_stamp_decode(sec, sizeof(sec), &got, &len), -EINVAL);
	assert_string_equal(got, "untouched");
	assert_int_equal(len, 7);
}

static const struct qrow {
	int line;
	const char *q;
	int rc;
	int has_mac, arch;
	const char *uuid;
} qrows[] = {
	{ __LINE__, "", 0, 0, -1, "" },
	{ __LINE__, "mac=52-54-00-ab-cd-ef", 0, 1, -1, "" },
	{ __LINE__, "mac=52:54:00:AB:CD:EF&arch=7", 0, 1, 7, "" },
	{ __LINE__, "arch=11&uuid=1d7c-x&mac=52-54-00-ab-cd-ef", 0, 1, 11, "1d7c-x" },
	/* Unknown keys and pairs without '=' are skipped. */
	{ __LINE__, "v=2&mac&x=1&&mac=52-54-00-ab-cd-ef", 0, 1, -1, "" },
	/* The first of a key counts, later ones are not even read. */
	{ __LINE__, "arch=9&arch=junk", 0, 0, 9, "" },
	/* Prefixes of a key are other keys. */
	{ __LINE__, "macx=1&ma=2&archy=3", 0, 0, -1, "" },
	/* Bad values of known keys are refused. */
	{ __LINE__, "mac=", -EINVAL, 0, 0, NULL },
	{ __LINE__, "mac=52-54-00-ab-cd", -EINVAL, 0, 0, NULL },
	{ __LINE__, "mac=52-54:00-ab-cd-ef", -EINVAL, 0, 0, NULL },
	{ __LINE__, "arch=65536", -EINVAL, 0, 0, NULL },
	{ __LINE__, "arch=-1", -EINVAL, 0, 0, NULL },
	{ __LINE__, "arch=", -EINVAL, 0, 0, NULL },
	{ __LINE__, "uuid=0123456789012345678901234567890123456789", -EINVAL, 0, 0, NULL },
	{ __LINE__, "uuid=012345678901234567890123456789012345678", 0, 0, -1,
	  "012345678901234567890123456789012345678" },
};

static void test_query_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(qrows) / sizeof(qrows[0]); i++) {
		const struct qrow *w = &qrows[i];
		struct nb_query q;
		int r;

		memset(&q, 0x5a, sizeof(q));
		r = nb_query_parse(w->q, strlen(w->q), &q);
		if (r != w->rc)
			fail_msg("row at line %d: rc %d, want %d", w->line, r, w->rc);
		if (r < 0) {
			assert_int_equal(q.arch, 0x5a5a5a5a);    /* untouched */
			continue;
		}
		if (q.has_mac != w->has_mac || q.arch != w->arch ||
		    strcmp(q.uuid, w->uuid) != 0)
			fail_msg("row at line %d: mac %d arch %d uuid '%s'", w->line,
				 q.has_mac, q.arch, q.uuid);
		if (q.has_mac)
			assert_memory_equal(q.mac, MAC, 6);
	}
}

/* len bounds the read: a NUL-free buffer whose bytes after len are junk. */
static void test_query_len(void **state)
{
	const char s[] = "arch=12&mac=zz";
	struct nb_query q;

	(void)state;
	assert_int_equal(nb_query_parse(s, 7, &q), 0);
	assert_int_equal(q.arch, 12);
	assert_int_equal(q.has_mac, 0);
	assert_int_equal(nb_query_parse(s, sizeof(s) - 1, &q), -EINVAL);
}

/* What the client builds is what the server reads, over HTTP and TFTP. */
static void test_query_url(void **state)
{
	char out[NB_QUERY_URL_MAX];
	struct nb_query q;
	const char *qm;
	size_t len;

	(void)state;
	assert_int_equal(nb_query_url("http://198.18.0.1", NB_PLAN_NAME, MAC, -1,
				      out, sizeof(out), &len), 0);
	assert_string_equal(out, "http://198.18.0.1/boot.plan?mac=52-54-00-ab-cd-ef");
	assert_int_equal(len, strlen(out));
	qm = strchr(out, '?');
	assert_int_equal(nb_query_parse(qm + 1, strlen(qm + 1), &q), 0);
	assert_true(q.has_mac);
	assert_memory_equal(q.mac, MAC, 6);
	assert_int_equal(q.arch, -1);

	assert_int_equal(nb_query_url("", NB_PLAN_NAME, MAC, 7, out, sizeof(out), &len), 0);
	assert_string_equal(out, "boot.plan?mac=52-54-00-ab-cd-ef&arch=7");
	assert_int_equal(nb_query_url("http://h:8080", "boot.ipxe", NULL, 16, out,
				      sizeof(out), NULL), 0);
	assert_string_equal(out, "http://h:8080/boot.ipxe?arch=16");
	assert_int_equal(nb_query_url("http://h", NB_PLAN_NAME, NULL, -1, out,
				      sizeof(out), NULL), 0);
	assert_string_equal(out, "http://h/boot.plan");
	/* Exactly fits, then one byte short: refused and out untouched. */
	assert_int_equal(nb_query_url("http://h", NB_PLAN_NAME, NULL, -1, out, 19, NULL), 0);
	strcpy(out, "kept");
	assert_int_equal(nb_query_url("http://h", NB_PLAN_NAME, NULL, -1, out, 18, NULL),
			 -E2BIG);
	assert_string_equal(out, "kept");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_errno_values),
	cmocka_unit_test(test_stamp_round_trip),
	cmocka_unit_test(test_stamp_refused),
	cmocka_unit_test(test_query_parse),
	cmocka_unit_test(test_query_len),
	cmocka_unit_test(test_query_url),
};

TEST_MAIN(tests, NULL)
