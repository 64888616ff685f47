/* bounds_test.c: download size bounds, pin checks and plan URL splitting. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "efi-shim/bounds.h"
#include "efi-shim/url.h"

#define MIB (1ULL << 20)

static const struct {
	uint64_t max, pinned, declared;
	int has_declared;
	int ret;
	uint64_t limit;
	int line;
} bound_cases[] = {
#define B(m, p, d, hd, r, l) { m, p, d, hd, r, l, __LINE__ }
	B(100 * MIB, 0, 0, 0, 0, 100 * MIB),            /* nothing known: the plan's max */
	B(0, 0, 0, 0, 0, FETCH_DEFAULT_MAX),            /* no max in the plan */
	B(100 * MIB, 0, 5 * MIB, 1, 0, 5 * MIB),         /* believe a claim under the max */
	B(100 * MIB, 0, 100 * MIB, 1, 0, 100 * MIB),     /* exactly the max */
	B(100 * MIB, 0, 100 * MIB + 1, 1, -EFBIG, 0),    /* a claim over it */
	B(100 * MIB, 0, UINT64_MAX, 1, -EFBIG, 0),       /* a lying Content-Length */
	B(0, 0, FETCH_DEFAULT_MAX + 1, 1, -EFBIG, 0),
	B(100 * MIB, 7, 0, 0, 0, 7),                     /* pinned: exactly that */
	B(100 * MIB, 7, 7, 1, 0, 7),
	B(100 * MIB, 7, 8, 1, -EBADMSG, 0),              /* server disagrees with the pin */
	B(100 * MIB, 101 * MIB, 0, 0, -EFBIG, 0),        /* plan contradicts itself */
	B(100 * MIB, 0, 0, 1, 0, 0),                     /* an empty file is a file */
};

static void test_bound(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bound_cases / sizeof bound_cases[0]; i++) {
		uint64_t lim = 12345;
		int r = fetch_bound(bound_cases[i].max, bound_cases[i].pinned,
				    bound_cases[i].declared, bound_cases[i].has_declared, &lim);
		if (r != bound_cases[i].ret)
			fail_msg("line %d: ret %d want %d", bound_cases[i].line, r, bound_cases[i].ret);
		if (r == 0 && lim != bound_cases[i].limit)
			fail_msg("line %d: limit %llu", bound_cases[i].line, (unsigned long long)lim);
		if (r < 0 && lim != 12345)
			fail_msg("line %d: limit touched on error", bound_cases[i].line);
	}
}

static void test_accept(void **state)
{
	(void)state;
	assert_int_equal(fetch_accept(0, 10, 10), 0);
	assert_int_equal(fetch_accept(5, 5, 10), 0);
	assert_int_equal(fetch_accept(5, 6, 10), -EFBIG);
	assert_int_equal(fetch_accept(11, 0, 10), -EFBIG);
	assert_int_equal(fetch_accept(1, UINT64_MAX, UINT64_MAX), -EFBIG);  /* no wrap */
	assert_int_equal(fetch_accept(UINT64_MAX, 0, UINT64_MAX), 0);
}

static void test_verify(void **state)
{
	(void)state;
	/* SHA-256("abc"), FIPS 180-4 example. */
	static const uint8_t abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
		0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
	struct nb_file pin;
	uint8_t d[32];

	memset(&pin, 0, sizeof pin);
	assert_int_equal(fetch_verify(&pin, (const uint8_t *)"abc", 3, NULL), 0);   /* nothing pinned */
	pin.size = 3;
	assert_int_equal(fetch_verify(&pin, (const uint8_t *)"abcd", 4, NULL), -EBADMSG);
	pin.has_sha256 = 1;
	memcpy(pin.sha256, abc, 32);
	assert_int_equal(fetch_verify(&pin, (const uint8_t *)"abc", 3, d), 0);
	assert_memory_equal(d, abc, 32);
	assert_int_equal(fetch_verify(&pin, (const uint8_t *)"abd", 3, d), -EILSEQ);
	assert_memory_not_equal(d, abc, 32);
	pin.size = 0;                                  /* hash only */
	assert_int_equal(fetch_verify(&pin, (const uint8_t *)"abc", 3, NULL), 0);
}

static const struct {
	const char *in;
	int ret;
	const char *host;
	int has_ip;
	uint16_t port;
	const char *target, *tftp, *base;
	int line;
} url_cases[] = {
#define U(s, r, h, ip, p, t, tf, b) { s, r, h, ip, p, t, tf, b, __LINE__ }
	U("http://198.18.0.1/boot/vmlinuz-lts", 0, "198.18.0.1", 1, 80,
	  "/boot/vmlinuz-lts", "boot/vmlinuz-lts", "vmlinuz-lts"),
	U("http://198.18.0.1:8080/boot.plan?mac=52-54-00-12-34-56", 0, "198.18.0.1", 1, 8080,
	  "/boot.plan?mac=52-54-00-12-34-56", "boot.plan?mac=52-54-00-12-34-56", "boot.plan"),
	/* The query travels over TFTP too: netbootd splits the name at '?'. */
	U("http://198.18.0.1/boot/initramfs-lts?v=2", 0, "198.18.0.1", 1, 80,
	  "/boot/initramfs-lts?v=2", "boot/initramfs-lts?v=2", "initramfs-lts"),
	U("HTTP://mirror.example/x", 0, "mirror.example", 0, 80, "/x", "x", "x"),
	U("http://198.18.0.1", 0, "198.18.0.1", 1, 80, "/", NULL, NULL),
	U("http://198.18.0.1?a=b", 0, "198.18.0.1", 1, 80, "/?a=b", NULL, NULL),
	U("http://1.2.3.256/x", 0, "1.2.3.256", 0, 80, "/x", "x", "x"),   /* a name, not an IP */
	/* inet_aton would read 010 as octal 8: not taken for an address */
	U("http://010.0.0.1/x", 0, "010.0.0.1", 0, 80, "/x", "x", "x"),
	U("http://198.18.0.1:65535/x", 0, "198.18.0.1", 1, 65535, "/x", "x", "x"),
	U("https://198.18.0.1/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("tftp://198.18.0.1/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http:///x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://h:0/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://h:65536/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://h:/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://h:80x/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://user@h/x", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://h/a b", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://h/a#frag", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http", -EINVAL, 0, 0, 0, 0, 0, 0),
	U("http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
	  -E2BIG, 0, 0, 0, 0, 0, 0),
};

/* r and name from a URL-to-name function: want, or -EINVAL when want is
 * NULL. */
static void expect_name(int r, const char *name, const char *want)
{
	if (want == NULL) {
		assert_int_equal(r, -EINVAL);
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(name, want);
}

static void test_url(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
		struct url u;
		char name[64];
		int r = url_parse(url_cases[i].in, strlen(url_cases[i].in), &u);
		if (r != url_cases[i].ret)
			fail_msg("line %d: ret %d want %d", url_cases[i].line, r, url_cases[i].ret);
		if (r < 0)
			continue;
		assert_string_equal(u.host, url_cases[i].host);
		assert_int_equal(u.has_ip, url_cases[i].has_ip);
		assert_int_equal(u.port, url_cases[i].port);
		assert_string_equal(u.target, url_cases[i].target);
		expect_name(url_tftp_name(&u, name, sizeof name), name,
			    url_cases[i].tftp);
		expect_name(url_basename(&u, name, sizeof name), name,
			    url_cases[i].base);
	}
}

static void test_url_limits(void **state)
{
	(void)state;
	struct url u;
	char name[4];
	char big[NB_URL_MAX + 32];

	assert_int_equal(url_parse("http://198.18.0.1/abcd", 22, &u), 0);
	assert_int_equal(u.ip[0], 198);
	assert_int_equal(u.ip[3], 1);
	assert_int_equal(url_tftp_name(&u, name, sizeof name), -ENOSPC);
	assert_int_equal(url_basename(&u, name, sizeof name), -ENOSPC);
	/* Length is honoured: no read past len even without a NUL. */
	assert_int_equal(url_parse("http://198.18.0.1/abcd", 17, &u), 0);
	assert_string_equal(u.target, "/");
	memset(big, 'a', sizeof big);
	memcpy(big, "http://h/", 9);
	assert_int_equal(url_parse(big, sizeof big, &u), -E2BIG);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_bound),
	cmocka_unit_test(test_accept),
	cmocka_unit_test(test_verify),
	cmocka_unit_test(test_url),
	cmocka_unit_test(test_url_limits),
};

TEST_MAIN(tests, NULL)
