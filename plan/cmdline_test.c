/* cmdline_test.c: golden strings for the Alpine command line (cmdline.c).
 *
 * Each row is one nb_cmdline_in and the exact line expected, checked
 * against Alpine's contract by hand (DESIGN.md): argument order, BOOTIF
 * form 01-aa-..., apkovl omitted when none, alpine_repo one URL per repo.
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

#include "plan/cmdline.h"

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
static const char *const names1[] = { "initramfs-lts" };
static const char *const names2[] = { "initramfs-virt", "extra.cpio" };

#define M "https://dl-cdn.alpinelinux.org/alpine"
#define S "http://198.18.0.1"

struct row {
	int line;
	struct nb_cmdline_in in;
	int rc;
	const char *want;
};

/* IN() gives every row the same defaults and lets the row override some:
 * a designated initializer naming a field twice is the point here. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define IN(...) (struct nb_cmdline_in){ .modules = "", .modloop = S "/boot/modloop-lts", \
	.apkovl = "", .mirror = M, .branch = "v3.20", .repos = "main community", \
	.ip = "dhcp", .extra = "", __VA_ARGS__ }

static const struct row rows[] = {
	{ __LINE__, IN(.branch = "v3.20"), 0,
	  "modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-lts "
	  "alpine_repo=" M "/v3.20/main," M "/v3.20/community ip=dhcp" },
	{ __LINE__, IN(.mac = mac1, .apkovl = S "/ovl/{MAC}.apkovl.tar.gz",
		       .modules = "virtio_net,e1000"), 0,
	  "modules=loop,squashfs,virtio_net,e1000 modloop=http://198.18.0.1/boot/modloop-lts "
	  "apkovl=http://198.18.0.1/ovl/{MAC}.apkovl.tar.gz "
	  "alpine_repo=" M "/v3.20/main," M "/v3.20/community ip=dhcp "
	  "BOOTIF=01-52-54-00-ab-cd-ef" },
	{ __LINE__, IN(.initrd_names = names1, .n_initrd_names = 1,
		       .extra = "console=ttyS0 quiet", .repos = "main"), 0,
	  "modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-lts "
	  "alpine_repo=" M "/v3.20/main ip=dhcp initrd=initramfs-lts console=ttyS0 quiet" },
	{ __LINE__, IN(.initrd_names = names2, .n_initrd_names = 2, .branch = "edge",
		       .ip = "198.18.0.9::198.18.0.1:255.255.255.0::eth0:none",
		       .mirror = "http://m.example/alpine", .repos = "main community testing"), 0,
	  "modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-lts "
	  "alpine_repo=http://m.example/alpine/edge/main,http://m.example/alpine/edge/community,"
	  "http://m.example/alpine/edge/testing "
	  "ip=198.18.0.9::198.18.0.1:255.255.255.0::eth0:none "
	  "initrd=initramfs-virt initrd=extra.cpio" },
	/* Refused: what would split an argument or break a quote. */
	{ __LINE__, IN(.modloop = "http://x/modloop lts"), -EINVAL, NULL },
	{ __LINE__, IN(.apkovl = "http://x/\"a\""), -EINVAL, NULL },
	{ __LINE__, IN(.mirror = "http://x/'alpine'"), -EINVAL, NULL },
	{ __LINE__, IN(.ip = "dhcp\n"), -EINVAL, NULL },
	{ __LINE__, IN(.modloop = ""), -EINVAL, NULL },
	{ __LINE__, IN(.repos = ""), -EINVAL, NULL },
	{ __LINE__, IN(.extra = "console=ttyS0  quiet"), -EINVAL, NULL },
	{ __LINE__, IN(.extra = "x=${net0/mac}"), -EINVAL, NULL },
	{ __LINE__, IN(.initrd_names = (const char *const[]){ "a b" }, .n_initrd_names = 1),
	  -EINVAL, NULL },
};

static void test_golden(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[NB_CMDLINE_MAX] = "untouched";
		size_t len = 999, off = 999;
		int rc = nb_cmdline_build(&rows[i].in, out, sizeof(out), &len, &off);

		if (rc != rows[i].rc)
			FAIL_AT(rows[i].line, "rc %d, want %d\n", rc, rows[i].rc);
		if (rc < 0) {
			if (strcmp(out, "untouched") || len != 999)
				FAIL_AT(rows[i].line, "output touched on error\n");
			continue;
		}
		if (strcmp(out, rows[i].want))
			FAIL_AT(rows[i].line, "\n  got  '%s'\n  want '%s'\n", out, rows[i].want);
		if (len != strlen(rows[i].want))
			FAIL_AT(rows[i].line, "len %zu\n", len);
		/* The extras are last: they start strlen(extra) before the end. */
		if (off != len - strlen(rows[i].in.extra))
			FAIL_AT(rows[i].line, "extra offset %zu\n", off);
	}
}

/* Over-long lines: -E2BIG, never a cut line. */
static void test_too_long(void **state)
{
	char extra[NB_CMDLINE_MAX];
	char out[NB_CMDLINE_MAX] = "untouched";
	struct nb_cmdline_in in = IN(.extra = extra);
	char small[64];

	(void)state;
	memset(extra, 'x', sizeof(extra) - 1);
	extra[sizeof(extra) - 1] = '\0';
	memcpy(extra, "a=", 2);
	assert_int_equal(nb_cmdline_build(&in, out, sizeof(out), NULL, NULL), -E2BIG);
	assert_string_equal(out, "untouched");
	/* Fits NB_CMDLINE_MAX but not the caller's buffer. */
	in.extra = "";
	assert_int_equal(nb_cmdline_build(&in, small, sizeof(small), NULL, NULL), -E2BIG);
}

/* nb_cmdline_entry: initrd= goes before the extras, same as the builder. */
static void test_entry(void **state)
{
	struct nb_entry e;
	char direct[NB_CMDLINE_MAX], via[NB_CMDLINE_MAX];
	struct nb_cmdline_in in = IN(.extra = "console=ttyS0 quiet", .mac = mac1);
	size_t off, len;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(nb_cmdline_build(&in, e.cmdline, sizeof(e.cmdline), NULL, &off), 0);
	e.cmdline_extra = (unsigned)off;
	in.initrd_names = names2;
	in.n_initrd_names = 2;
	assert_int_equal(nb_cmdline_build(&in, direct, sizeof(direct), NULL, NULL), 0);
	assert_int_equal(nb_cmdline_entry(&e, names2, 2, via, sizeof(via), &len), 0);
	assert_string_equal(via, direct);
	assert_int_equal(len, strlen(direct));
	/* No names: the line as stored. */
	assert_int_equal(nb_cmdline_entry(&e, NULL, 0, via, sizeof(via), NULL), 0);
	assert_string_equal(via, e.cmdline);
	/* No extras. */
	in = IN();
	assert_int_equal(nb_cmdline_build(&in, e.cmdline, sizeof(e.cmdline), NULL, &off), 0);
	e.cmdline_extra = (unsigned)off;
	assert_int_equal(nb_cmdline_entry(&e, names1, 1, via, sizeof(via), NULL), 0);
	assert_string_equal(via, "modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-lts "
			    "alpine_repo=" M "/v3.20/main," M "/v3.20/community ip=dhcp initrd=initramfs-lts");
	/* A broken offset (from a hostile plan) is refused. */
	e.cmdline_extra = 5;
	assert_int_equal(nb_cmdline_entry(&e, names1, 1, via, sizeof(via), NULL), -EINVAL);
	e.cmdline_extra = (unsigned)sizeof(e.cmdline) + 1;
	assert_int_equal(nb_cmdline_entry(&e, names1, 1, via, sizeof(via), NULL), -EINVAL);
}

static void test_basename(void **state)
{
	char n[16];

	(void)state;
	assert_int_equal(nb_url_basename("http://s/boot/initramfs-lts", n, sizeof(n)), 0);
	assert_string_equal(n, "initramfs-lts");
	assert_int_equal(nb_url_basename("http://s/i.gz?mac=1/2", n, sizeof(n)), 0);
	assert_string_equal(n, "i.gz");
	assert_int_equal(nb_url_basename("http://s/boot/", n, sizeof(n)), -EINVAL);
	assert_int_equal(nb_url_basename("http://s/a-very-long-file-name", n, sizeof(n)), -E2BIG);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_golden),
	cmocka_unit_test(test_too_long),
	cmocka_unit_test(test_entry),
	cmocka_unit_test(test_basename),
};

TEST_MAIN(tests, NULL)
