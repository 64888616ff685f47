/* ucs2_test.c: UTF-8 -> UCS-2 table: valid text, every class of malformed
 * input (RFC 3629 section 3 and 10), and the capacity edge. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "efi-shim/ucs2.h"

static const struct {
	const char *in;
	size_t len;           /* 0: strlen(in) */
	int ret;
	uint16_t want[8];
	size_t want_len;
	int line;
} cases[] = {
#define OK(s, n, ...) { s, 0, 0, { __VA_ARGS__ }, n, __LINE__ }
#define BAD(s, r)     { s, 0, r, { 0 }, 0, __LINE__ }
	OK("", 0, 0),
	OK("ip=dhcp", 7, 'i', 'p', '=', 'd', 'h', 'c', 'p'),
	OK("\xc3\xa9t\xc3\xa9", 3, 0xe9, 't', 0xe9),           /* été */
	OK("\xe2\x82\xac", 1, 0x20ac),                          /* euro sign */
	OK("\xef\xbf\xbd", 1, 0xfffd),                          /* last BMP class */
	BAD("\xf0\x9f\x98\x80", -EINVAL),                       /* U+1F600: not UCS-2 */
	BAD("\xc0\xaf", -EINVAL),                               /* overlong '/' */
	BAD("\xe0\x80\xaf", -EINVAL),                           /* overlong, 3 bytes */
	BAD("\xed\xa0\x80", -EINVAL),                           /* surrogate D800 */
	BAD("\x80", -EINVAL),                                   /* lone continuation */
	BAD("\xc3", -EINVAL),                                   /* truncated */
	BAD("\xe2\x82", -EINVAL),                               /* truncated */
	BAD("\xc3\x28", -EINVAL),                               /* bad continuation */
	BAD("\xff", -EINVAL),
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint16_t out[16];
		size_t n = 999;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		memset(out, 0xaa, sizeof out);
		int r = ucs2_from_utf8((const uint8_t *)cases[i].in, len, out, 16, &n);
		if (r != cases[i].ret)
			fail_msg("line %d: ret %d, want %d", cases[i].line, r, cases[i].ret);
		if (r < 0) {
			assert_int_equal(n, 999);          /* untouched on error */
			assert_int_equal(out[0], 0xaaaa);
			continue;
		}
		if (n != cases[i].want_len)
			fail_msg("line %d: len %zu, want %zu", cases[i].line, n, cases[i].want_len);
		assert_memory_equal(out, cases[i].want, n * 2);
		assert_int_equal(out[n], 0);
	}
}

static void test_capacity(void **state)
{
	(void)state;
	uint16_t out[4];
	size_t n = 0;

	/* 3 characters need 4 units with the terminator. */
	assert_int_equal(ucs2_from_utf8((const uint8_t *)"abc", 3, out, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ucs2_from_utf8((const uint8_t *)"abcd", 4, out, 4, &n), -ENOSPC);
	assert_int_equal(ucs2_from_utf8((const uint8_t *)"", 0, out, 0, &n), -ENOSPC);
	/* Stops at an embedded NUL: what follows is not read. */
	assert_int_equal(ucs2_from_utf8((const uint8_t *)"ab\0\xff", 4, out, 4, &n), 0);
	assert_int_equal(n, 2);
}

static void test_to_ascii(void **state)
{
	(void)state;
	const uint16_t s[] = { 'o', 'k', 0xe9, '\n', 0 };
	char out[8];

	assert_int_equal(ucs2_to_ascii(s, out, sizeof out), 4);
	assert_string_equal(out, "ok??");
	assert_int_equal(ucs2_to_ascii(s, out, 3), 2);
	assert_string_equal(out, "ok");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_table),
	cmocka_unit_test(test_capacity),
	cmocka_unit_test(test_to_ascii),
};

TEST_MAIN(tests, NULL)
