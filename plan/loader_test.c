/* loader_test.c: plan entry -> the kernel command line a loader passes
 * (nb_cmdline_loader: initrd= names, BOOTIF= of the booting NIC), and the
 * argument walker it uses to see whether the plan set BOOTIF already. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "plan/cmdline.h"
#include "plan/plan.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0xab };

/* extra: where the user's extras start in cmdline, -1 for none. */
static void entry_x(struct nb_entry *e, const char *cmdline, int extra,
		    const char *initrd1, const char *initrd2)
{
	memset(e, 0, sizeof *e);
	e->action = NB_ACT_BOOT;
	snprintf(e->cmdline, sizeof e->cmdline, "%s", cmdline);
	e->cmdline_extra = extra < 0 ? (unsigned)strlen(cmdline) : (unsigned)extra;
	snprintf(e->kernel.url, sizeof e->kernel.url, "http://198.18.0.1/boot/vmlinuz-lts");
	if (initrd1)
		snprintf(e->initrd[e->n_initrd++].url, NB_URL_MAX, "%s", initrd1);
	if (initrd2)
		snprintf(e->initrd[e->n_initrd++].url, NB_URL_MAX, "%s", initrd2);
}

static void entry(struct nb_entry *e, const char *cmdline, const char *initrd1,
		  const char *initrd2)
{
	entry_x(e, cmdline, -1, initrd1, initrd2);
}

static const struct {
	const char *cmdline, *initrd1, *initrd2;
	int with_mac;
	int ret;
	const char *want;
	int line;
} cases[] = {
#define C(c, i1, i2, m, r, w) { c, i1, i2, m, r, w, __LINE__ }
	C("ip=dhcp modules=loop,squashfs alpine_repo=http://198.18.0.1/alpine/v3.20/main",
	  "http://198.18.0.1/boot/initramfs-lts", NULL, 1, 0,
	  "ip=dhcp modules=loop,squashfs alpine_repo=http://198.18.0.1/alpine/v3.20/main "
	  "initrd=initramfs-lts BOOTIF=01-52-54-00-12-34-ab"),
	/* The plan's own BOOTIF wins; ours is not added. */
	C("ip=dhcp BOOTIF=01-aa-bb-cc-dd-ee-ff", "http://198.18.0.1/i", NULL, 1, 0,
	  "ip=dhcp BOOTIF=01-aa-bb-cc-dd-ee-ff initrd=i"),
	/* Substrings do not count: BOOTIF inside another argument or a URL. */
	C("apkovl=http://h/BOOTIF=x xBOOTIF=1", NULL, NULL, 1, 0,
	  "apkovl=http://h/BOOTIF=x xBOOTIF=1 BOOTIF=01-52-54-00-12-34-ab"),
	/* ...nor inside a quoted argument. */
	C("x=\"a BOOTIF=1\"", NULL, NULL, 1, 0, "x=\"a BOOTIF=1\" BOOTIF=01-52-54-00-12-34-ab"),
	C("quiet", "http://198.18.0.1/a/initramfs-virt", "http://198.18.0.1/b/extra.cpio?v=2", 0, 0,
	  "quiet initrd=initramfs-virt initrd=extra.cpio"),
	C("", NULL, NULL, 0, 0, ""),
	C("", NULL, NULL, 1, 0, "BOOTIF=01-52-54-00-12-34-ab"),
	C("a", "http://198.18.0.1/dir/", NULL, 0, -EINVAL, NULL),
};

static void test_build(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct nb_entry e;
		char out[NB_CMDLINE_LOADER_MAX];
		size_t len = 0;
		entry(&e, cases[i].cmdline, cases[i].initrd1, cases[i].initrd2);
		int r = nb_cmdline_loader(&e, cases[i].with_mac ? MAC : NULL, out, sizeof out, &len);
		if (r != cases[i].ret)
			fail_msg("line %d: ret %d want %d", cases[i].line, r, cases[i].ret);
		if (r == 0) {
			if (strcmp(out, cases[i].want) != 0)
				fail_msg("line %d: got '%s'", cases[i].line, out);
			assert_int_equal(len, strlen(out));
		}
	}
}

/* initrd= goes before the user's extras, as in the iPXE script. */
static void test_extras(void **state)
{
	(void)state;
	struct nb_entry e;
	char out[256];
	size_t len;

	entry_x(&e, "ip=dhcp modloop=http://h/m quiet console=ttyS0", 27, "http://h/boot/initramfs-virt", NULL);
	assert_int_equal(nb_cmdline_loader(&e, MAC, out, sizeof out, &len), 0);
	assert_string_equal(out, "ip=dhcp modloop=http://h/m initrd=initramfs-virt quiet console=ttyS0 "
			    "BOOTIF=01-52-54-00-12-34-ab");
	entry_x(&e, "ip=dhcp quiet", 3, NULL, NULL);     /* offset inside an argument */
	assert_int_equal(nb_cmdline_loader(&e, NULL, out, sizeof out, &len), -EINVAL);
}

static void test_space(void **state)
{
	(void)state;
	struct nb_entry e;
	char out[16];
	size_t len;

	entry(&e, "0123456789", "http://h/abc", NULL);
	assert_int_equal(nb_cmdline_loader(&e, NULL, out, sizeof out, &len), -E2BIG);
	assert_int_equal(nb_cmdline_loader(&e, NULL, out, 0, &len), -E2BIG);
	entry(&e, "0123456789", NULL, NULL);
	assert_int_equal(nb_cmdline_loader(&e, NULL, out, 11, &len), 0);   /* exactly fits */
	assert_int_equal(nb_cmdline_loader(&e, NULL, out, 10, &len), -E2BIG);
	/* The longest line plan/ accepts plus BOOTIF fits NB_CMDLINE_LOADER_MAX; one
	 * initrd= more than plan/ allows is refused, not cut. */
	memset(&e, 0, sizeof e);
	memset(e.cmdline, 'a', NB_CMDLINE_MAX - 1 - 10);
	e.cmdline_extra = NB_CMDLINE_MAX - 1 - 10;
	snprintf(e.initrd[0].url, NB_URL_MAX, "http://h/b");
	e.n_initrd = 1;
	char big[NB_CMDLINE_LOADER_MAX];
	assert_int_equal(nb_cmdline_loader(&e, MAC, big, sizeof big, &len), 0);
	assert_int_equal(len, NB_CMDLINE_MAX - 1 + 27);
	snprintf(e.initrd[0].url, NB_URL_MAX, "http://h/bb");       /* 1023 bytes: fits */
	assert_int_equal(nb_cmdline_loader(&e, MAC, big, sizeof big, &len), 0);
	snprintf(e.initrd[0].url, NB_URL_MAX, "http://h/bbb");      /* 1024: does not */
	assert_int_equal(nb_cmdline_loader(&e, MAC, big, sizeof big, &len), -E2BIG);
}

/* A boot.plan as netbootd renders it (netboot-embed render --format plan),
 * parsed by nb_plan_parse, to the line the kernel gets. */
static const char plan_text[] =
	"nbplan 1\n"
	"server http://198.18.0.1\n"
	"title Alpine virt v3.20\n"
	"timeout 10\n"
	"default 1\n"
	"max-file-size 536870912\n"
	"entry boot Alpine virt v3.20\n"
	"kernel http://198.18.0.1/boot/vmlinuz-virt\n"
	"initrd http://198.18.0.1/boot/initramfs-virt\n"
	"cmdline modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-virt "
	"ip=dhcp BOOTIF=01-52-54-00-4e-e0-01\n"
	"extra console=ttyS0\n"
	"entry retry Retry\n"
	"end\n";

static void test_plan_text(void **state)
{
	(void)state;
	static struct nb_plan plan;
	char out[NB_CMDLINE_LOADER_MAX];
	size_t len;

	assert_int_equal(nb_plan_parse(&plan, plan_text, sizeof plan_text - 1), 0);
	assert_int_equal(plan.n_entry, 2);
	assert_int_equal(nb_cmdline_loader(&plan.entry[0], MAC, out, sizeof out, &len), 0);
	/* The plan's BOOTIF stays the only one; initrd= before the extras. */
	assert_string_equal(out, "modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-virt "
			    "ip=dhcp BOOTIF=01-52-54-00-4e-e0-01 initrd=initramfs-virt console=ttyS0");
	assert_int_equal(len, strlen(out));
}

static void test_next_arg(void **state)
{
	(void)state;
	const char *s = "  a  b=\"c d\"\te ";
	const char *want[] = { "a", "b=\"c d\"", "e" };
	size_t pos = 0, len, n = 0;
	const char *a;

	while (nb_cmdline_next_arg(s, strlen(s), &pos, &a, &len)) {
		assert_true(n < 3);
		assert_int_equal(len, strlen(want[n]));
		assert_memory_equal(a, want[n], len);
		n++;
	}
	assert_int_equal(n, 3);
	assert_true(nb_cmdline_has("a BOOTIF", 8, "BOOTIF"));
	assert_false(nb_cmdline_has("a BOOTIFX=1", 11, "BOOTIF"));
	assert_false(nb_cmdline_has("a BOOTIF=1", 5, "BOOTIF"));   /* len honoured */
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_build),
	cmocka_unit_test(test_extras),
	cmocka_unit_test(test_space),
	cmocka_unit_test(test_plan_text),
	cmocka_unit_test(test_next_arg),
};

TEST_MAIN(tests, NULL)
