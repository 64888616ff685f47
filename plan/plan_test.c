/* plan_test.c: boot.plan format/parse (plan.c) and resolution (resolve.c).
 *
 * Round trips: every plan the resolver makes formats, parses back to the
 * same struct and formats to the same bytes. Parse rows: each malformed
 * text and the error it must give.
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

#include "plan/test_util.h"

#include "embed/config.h"
#include "embed/resolve.h"
#include "plan/str.h"

static struct nb_config cfg;
static struct nb_plan plan, plan2;
static char text[NB_PLAN_TEXT_MAX], text2[NB_PLAN_TEXT_MAX];

static const struct nb_client mac_client = {
	.mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 0,
};

static void load(const char *conf)
{
	char err[NB_ERR_MAX];

	if (nb_config_parse(&cfg, "t.conf", conf, strlen(conf), err) != 0) {
		print_error("%s\n", err);
		fail();
	}
}

/* ---- resolution --------------------------------------------------------- */

static void test_defaults(void **state)
{
	const struct nb_entry *e;

	(void)state;
	load("");
	assert_int_equal(nb_resolve(&cfg, &mac_client, "http://198.18.0.1", &plan), 0);
	assert_int_equal(plan.version, 1);
	assert_string_equal(plan.server, "http://198.18.0.1");
	assert_int_equal(plan.timeout_s, 10);
	e = &plan.entry[0];
	assert_int_equal(e->action, NB_ACT_BOOT);
	assert_string_equal(e->kernel.url, "http://198.18.0.1/boot/vmlinuz-lts");
	assert_int_equal(e->n_initrd, 1);
	assert_string_equal(e->initrd[0].url, "http://198.18.0.1/boot/initramfs-lts");
	assert_string_equal(e->cmdline,
		"modules=loop,squashfs modloop=http://198.18.0.1/boot/modloop-lts "
		"alpine_repo=https://dl-cdn.alpinelinux.org/alpine/latest-stable/main,"
		"https://dl-cdn.alpinelinux.org/alpine/latest-stable/community "
		"ip=dhcp BOOTIF=01-52-54-00-12-34-56");
	assert_int_equal(e->cmdline_extra, strlen(e->cmdline));
	/* Default fallback with one mirror and no apkovl: retry, the other
	 * flavor, shell, reboot, exit; the default item is retry. */
	assert_int_equal(plan.n_entry, 6);
	assert_int_equal(plan.entry[1].action, NB_ACT_RETRY);
	assert_string_equal(plan.entry[2].kernel.url, "http://198.18.0.1/boot/vmlinuz-virt");
	assert_int_equal(plan.entry[3].action, NB_ACT_SHELL);
	assert_int_equal(plan.entry[4].action, NB_ACT_REBOOT);
	assert_int_equal(plan.entry[5].action, NB_ACT_EXIT);
	assert_int_equal(plan.default_entry, 1);
	/* No MAC known: no BOOTIF=. */
	assert_int_equal(nb_resolve(&cfg, NULL, "http://198.18.0.1:8080", &plan), 0);
	assert_null(strstr(plan.entry[0].cmdline, "BOOTIF="));
	assert_string_equal(plan.entry[0].kernel.url, "http://198.18.0.1:8080/boot/vmlinuz-lts");
}

static const char layered[] =
	"[profile default]\n"
	"branch = v3.20\n"
	"mirror = http://m1.example/alpine\n"
	"mirror = http://m2.example/alpine\n"
	"apkovl = ovl/${mac}.apkovl.tar.gz\n"
	"cmdline = console=ttyS0\n"
	"[profile lab]\n"
	"flavor = virt\n"
	"kernel = http://files.example/${arch}/vmlinuz-${flavor}\n"
	"fallback = retry mirrors branch:edge no-apkovl\n"
	"default = branch:edge\n"
	"[client 52:54:00:12:34:56]\n"
	"profile = lab\n"
	"hostname = vm1\n"
	"[client uuid=0e0b7c5a-1111-2222-3333-444455556666]\n"
	"apkovl = none\n"
	"branch = edge\n"
	"[client arch=11]\n"
	"timeout = 3\n";

struct res_row {
	int line;
	struct nb_client c;
	const char *kernel;      /* entry 0 */
	const char *has;         /* a piece entry 0's command line must hold */
	const char *lacks;       /* and one it must not */
	unsigned n_entry, timeout;
};

static const struct res_row res_rows[] = {
	/* MAC match: default layer, profile lab, client keys. */
	{ __LINE__, { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 7,
		      .uuid = "0e0b7c5a-1111-2222-3333-444455556666" },
	  "http://files.example/x86_64/vmlinuz-virt",
	  "apkovl=http://s/ovl/52-54-00-12-34-56.apkovl.tar.gz alpine_repo=http://m1.example/alpine/v3.20/main",
	  "initrd=", 5, 10 },
	/* UUID match (upper case from the wire): apkovl switched off. */
	{ __LINE__, { .mac = { 2, 0, 0, 0, 0, 1 }, .has_mac = 1, .arch = 11,
		      .uuid = "0E0B7C5A-1111-2222-3333-444455556666" },
	  "http://s/boot/vmlinuz-lts", "alpine_repo=http://m1.example/alpine/edge/main", "apkovl=",
	  7, 10 },     /* retry, mirror 2, virt, shell, reboot, exit: no apkovl to drop */
	/* Arch match only. */
	{ __LINE__, { .mac = { 2, 0, 0, 0, 0, 2 }, .has_mac = 1, .arch = 11 },
	  "http://s/boot/vmlinuz-lts", "ip=dhcp BOOTIF=01-02-00-00-00-00-02 console=ttyS0",
	  "hostname=", 8, 3 },   /* retry, mirror 2, virt, no-apkovl, shell, reboot, exit */
	/* Nothing matches: [profile default] only. */
	{ __LINE__, { .mac = { 2, 0, 0, 0, 0, 3 }, .has_mac = 1, .arch = 0 },
	  "http://s/boot/vmlinuz-lts", "apkovl=http://s/ovl/02-00-00-00-00-03.apkovl.tar.gz", "hostname=",
	  8, 10 },
};

static void test_resolution(void **state)
{
	size_t i;

	(void)state;
	load(layered);
	for (i = 0; i < sizeof(res_rows) / sizeof(res_rows[0]); i++) {
		const struct res_row *r = &res_rows[i];
		int rc = nb_resolve(&cfg, &r->c, "http://s", &plan);

		if (rc != 0)
			FAIL_AT(r->line, "rc %d\n", rc);
		if (strcmp(plan.entry[0].kernel.url, r->kernel))
			FAIL_AT(r->line, "kernel %s\n", plan.entry[0].kernel.url);
		if (!strstr(plan.entry[0].cmdline, r->has))
			FAIL_AT(r->line, "cmdline %s\n  lacks %s\n", plan.entry[0].cmdline, r->has);
		if (strstr(plan.entry[0].cmdline, r->lacks))
			FAIL_AT(r->line, "cmdline %s\n  has %s\n", plan.entry[0].cmdline, r->lacks);
		if (plan.n_entry != r->n_entry)
			FAIL_AT(r->line, "%u entries\n", plan.n_entry);
		if (plan.timeout_s != r->timeout)
			FAIL_AT(r->line, "timeout %u\n", plan.timeout_s);
	}
}

/* The lab client's menu, entry by entry. */
static void test_fallback_entries(void **state)
{
	(void)state;
	load(layered);
	assert_int_equal(nb_resolve(&cfg, &res_rows[0].c, "http://s", &plan), 0);
	assert_int_equal(plan.n_entry, 5);
	assert_int_equal(plan.entry[1].action, NB_ACT_RETRY);
	assert_string_equal(plan.entry[2].label, "Alpine virt v3.20, mirror m2.example");
	assert_non_null(strstr(plan.entry[2].cmdline, "alpine_repo=http://m2.example/alpine/v3.20/main,"));
	assert_string_equal(plan.entry[3].label, "Alpine virt edge (other branch)");
	assert_non_null(strstr(plan.entry[3].cmdline, "/alpine/edge/community "));
	assert_string_equal(plan.entry[4].label, "Alpine virt v3.20, without apkovl");
	assert_null(strstr(plan.entry[4].cmdline, "apkovl="));
	assert_string_equal(plan.entry[4].cmdline + plan.entry[4].cmdline_extra,
			    "hostname=vm1 console=ttyS0");
	assert_int_equal(plan.default_entry, 3);    /* default = branch:edge */
}

static void test_resolve_errors(void **state)
{
	struct nb_client nomac = { .arch = -1 };
	char longbase[300];

	(void)state;
	/* ${mac} but no MAC known. */
	load("[profile default]\napkovl = ovl/${mac}.tar.gz\n");
	assert_int_equal(nb_resolve(&cfg, &nomac, "http://s", &plan), -EINVAL);
	/* Alpine's own {MAC} needs no MAC on the server. */
	load("[profile default]\napkovl = ovl/{MAC}.tar.gz\n");
	assert_int_equal(nb_resolve(&cfg, &nomac, "http://s", &plan), 0);
	/* More pins than initrds. */
	load("[profile default]\ninitrd-sha256 = "
	     "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	     "initrd-sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
	assert_int_equal(nb_resolve(&cfg, &nomac, "http://s", &plan), -EINVAL);
	/* A URL over NB_URL_MAX once the server is prefixed. */
	memset(longbase, 'a', sizeof(longbase) - 1);
	memcpy(longbase, "http://", 7);
	longbase[sizeof(longbase) - 1] = '\0';
	load("");
	assert_int_equal(nb_resolve(&cfg, &nomac, longbase, &plan), -E2BIG);
}

static void test_pins(void **state)
{
	(void)state;
	load("[profile default]\n"
	     "kernel-sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	     "initrd-sha256 = ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n");
	assert_int_equal(nb_resolve(&cfg, &mac_client, "http://s", &plan), 0);
	assert_true(plan.entry[0].kernel.has_sha256);
	assert_int_equal(plan.entry[0].kernel.sha256[1], 0x11);
	assert_true(plan.entry[0].initrd[0].has_sha256);
	/* The other flavor's files are other files: not pinned. */
	assert_int_equal(plan.entry[2].action, NB_ACT_BOOT);
	assert_false(plan.entry[2].kernel.has_sha256);
	assert_false(plan.entry[2].initrd[0].has_sha256);
}

/* ---- format / parse ----------------------------------------------------- */

static void round_trip(const struct nb_plan *p)
{
	size_t len, len2;

	assert_int_equal(nb_plan_format(p, text, sizeof(text), &len), 0);
	assert_int_equal(len, strlen(text));
	assert_int_equal(nb_plan_parse(&plan2, text, len), 0);
	assert_memory_equal(p, &plan2, sizeof(plan2));
	assert_int_equal(nb_plan_format(&plan2, text2, sizeof(text2), &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
}

static void test_round_trip(void **state)
{
	(void)state;
	load("");
	memset(&plan, 0, sizeof(plan));
	assert_int_equal(nb_resolve(&cfg, &mac_client, "http://198.18.0.1", &plan), 0);
	round_trip(&plan);
	load(layered);
	memset(&plan, 0, sizeof(plan));
	assert_int_equal(nb_resolve(&cfg, &res_rows[0].c, "http://s", &plan), 0);
	/* sizes are not in the config: set some to cover them. */
	plan.entry[0].kernel.size = 10485760;
	plan.entry[0].initrd[0].size = 1;
	round_trip(&plan);
	load("[profile default]\n"
	     "kernel-sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	     "initrd = boot/a\ninitrd = boot/b\n"
	     "initrd-sha256 = ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n"
	     "fallback = none\n");
	memset(&plan, 0, sizeof(plan));
	assert_int_equal(nb_resolve(&cfg, &mac_client, "http://s", &plan), 0);
	assert_int_equal(plan.n_entry, 1);
	round_trip(&plan);
	/* A stamp for one client names its NIC (netboot-embed stamp --nic). */
	memcpy(plan.nic, mac_client.mac, 6);
	plan.has_nic = 1;
	round_trip(&plan);
	assert_non_null(strstr(text, "\nnic 52:54:00:"));
}

/* "nic": parsed into nic[] and has_nic, any case and separator (bad
 * MACs: parse_rows). */
static void test_nic(void **state)
{
	static const char t[] = "nbplan 1\nserver http://s\nnic 52-54-00-AA-bb-01\n"
		"entry boot B\nkernel http://s/k\ninitrd http://s/i\nend\n";
	static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x01 };

	(void)state;
	assert_int_equal(nb_plan_parse(&plan, t, strlen(t)), 0);
	assert_int_equal(plan.has_nic, 1);
	assert_memory_equal(plan.nic, want, 6);
}

#define HDR "nbplan 1\nserver http://s\n"
#define BOOT "entry boot B\nkernel http://s/k\ninitrd http://s/i\ncmdline a=b\n"

static const struct { int line; const char *text; int rc; } parse_rows[] = {
	{ __LINE__, HDR BOOT "end\n", 0 },
	{ __LINE__, HDR BOOT "end", 0 },
	{ __LINE__, HDR "# comment\n\n" BOOT "x-future key\nend\n", 0 },
	{ __LINE__, HDR BOOT "entry retry R\nentry firmware F\nend\n", 0 },
	{ __LINE__, "nbplan 1\r\nserver http://s\r\n" BOOT "end\r\n", 0 },
	{ __LINE__, HDR "entry boot B\nkernel http://s/k size=5 sha256=" \
	  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff future=1\n" \
	  "initrd http://s/i\nend\n", 0 },
	{ __LINE__, "", -EINVAL },
	{ __LINE__, "nbplan 2\nserver http://s\n" BOOT "end\n", -EINVAL },
	{ __LINE__, "server http://s\n" BOOT "end\n", -EINVAL },
	{ __LINE__, HDR BOOT, -EINVAL },                           /* no end: truncated */
	{ __LINE__, HDR BOOT "end\nentry exit E\n", -EINVAL },     /* after end */
	{ __LINE__, HDR BOOT "end x\n", -EINVAL },
	{ __LINE__, "nbplan 1\n" BOOT "end\n", -EINVAL },          /* no server */
	{ __LINE__, HDR "end\n", -EINVAL },                        /* no entry */
	{ __LINE__, HDR "entry retry R\n" BOOT "end\n", -EINVAL }, /* entry 0 not boot */
	{ __LINE__, HDR "entry boot B\ninitrd http://s/i\nend\n", -EINVAL },  /* no kernel */
	{ __LINE__, HDR "entry boot B\nkernel http://s/k\nend\n", -EINVAL },  /* no initrd */
	{ __LINE__, HDR "entry boot B\nkernel http://s/k\nkernel http://s/k\ninitrd http://s/i\nend\n", -EINVAL },
	{ __LINE__, HDR "entry poweroff P\n" BOOT "end\n", -EINVAL },
	{ __LINE__, HDR "entry boot\n" "end\n", -EINVAL },         /* no label */
	{ __LINE__, HDR BOOT "kernel ftp://s/k\nend\n", -EINVAL },
	{ __LINE__, HDR "entry boot B\nkernel http://s/k size=x\ninitrd http://s/i\nend\n", -EINVAL },
	{ __LINE__, HDR "entry boot B\nkernel http://s/k sha256=00\ninitrd http://s/i\nend\n", -EINVAL },
	{ __LINE__, HDR "entry boot B\nkernel http://s/k  size=1\ninitrd http://s/i\nend\n", -EINVAL },
	{ __LINE__, HDR BOOT "timeout 5\nend\n", -EINVAL },        /* header key after entry */
	{ __LINE__, HDR "server http://t\n" BOOT "end\n", -EINVAL }, /* header key twice */
	{ __LINE__, HDR "title a\ntitle b\n" BOOT "end\n", -EINVAL },
	{ __LINE__, HDR "nic 52:54:00:00:00:01\n" BOOT "end\n", 0 },
	{ __LINE__, HDR "nic 52:54:00:00:00\n" BOOT "end\n", -EINVAL },   /* five octets */
	{ __LINE__, HDR "nic zz:54:00:00:00:01\n" BOOT "end\n", -EINVAL },
	{ __LINE__, HDR BOOT "nic 52:54:00:00:00:01\nend\n", -EINVAL }, /* after an entry */
	{ __LINE__, HDR "nic 52:54:00:00:00:01\nnic 52:54:00:00:00:02\n" BOOT "end\n", -EINVAL },
	{ __LINE__, HDR "timeout 3601\n" BOOT "end\n", -E2BIG },
	{ __LINE__, HDR "default 1\n" BOOT "end\n", -EINVAL },     /* no entry 1 */
	{ __LINE__, HDR "default 99\n" BOOT "end\n", -E2BIG },
	{ __LINE__, HDR "entry shell S\nkernel http://s/k\n" "end\n", -EINVAL },
	{ __LINE__, HDR BOOT "cmdline again\nend\n", -EINVAL },
	{ __LINE__, HDR BOOT "extra x\nextra y\nend\n", -EINVAL },
	{ __LINE__, HDR "title bad\x01title\n" BOOT "end\n", -EINVAL },
	{ __LINE__, HDR "entry boot B\nkernel http://s/k\ninitrd http://s/1\ninitrd http://s/2\n"
	  "initrd http://s/3\ninitrd http://s/4\ninitrd http://s/5\nend\n", -E2BIG },
};

static void test_parse_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const char *t = parse_rows[i].text;
		/* An exact-size copy: ASan catches any read past len. */
		size_t n = strlen(t);
		char *exact = malloc(n ? n : 1);
		int rc;

		assert_non_null(exact);
		memcpy(exact, t, n);
		rc = nb_plan_parse(&plan, exact, n);
		free(exact);
		if (rc != parse_rows[i].rc)
			FAIL_AT(parse_rows[i].line, "rc %d, want %d\n", rc, parse_rows[i].rc);
	}
}

/* Limits: 16 entries parse, 17 do not; a cmdline+extra over
 * NB_CMDLINE_MAX - 1 is -E2BIG. */
static void test_parse_limits(void **state)
{
	char *t = text;
	size_t n = 0;
	unsigned i;
	char big[NB_CMDLINE_MAX];

	(void)state;
	n += (size_t)sprintf(t + n, HDR BOOT);
	for (i = 1; i < NB_PLAN_MAX_ENTRIES; i++)
		n += (size_t)sprintf(t + n, "entry exit E%u\n", i);
	assert_int_equal(nb_plan_parse(&plan, t, n + (size_t)sprintf(t + n, "end\n")), 0);
	assert_int_equal(plan.n_entry, NB_PLAN_MAX_ENTRIES);
	n += (size_t)sprintf(t + n, "entry exit one too many\nend\n");
	assert_int_equal(nb_plan_parse(&plan, t, n), -E2BIG);

	memset(big, 'x', 600);
	big[600] = '\0';
	n = (size_t)sprintf(t, HDR "entry boot B\nkernel http://s/k\ninitrd http://s/i\n"
			    "cmdline a=%s\nextra b=%s\nend\n", big, big);
	assert_int_equal(nb_plan_parse(&plan, t, n), -E2BIG);
	n = (size_t)sprintf(t, HDR "entry boot B\nkernel http://s/k\ninitrd http://s/i\n"
			    "cmdline a=%s\nextra b=%.400s\nend\n", big, big);
	assert_int_equal(nb_plan_parse(&plan, t, n), 0);
	assert_int_equal(plan.entry[0].cmdline_extra, 603);
	assert_int_equal(strlen(plan.entry[0].cmdline), 603 + 402);
}

static void test_format_nospace(void **state)
{
	char small[64] = "";
	size_t len = 7;

	(void)state;
	load("");
	assert_int_equal(nb_resolve(&cfg, &mac_client, "http://s", &plan), 0);
	assert_int_equal(nb_plan_format(&plan, small, sizeof(small), &len), -ENOSPC);
	assert_int_equal(len, 7);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_defaults),
	cmocka_unit_test(test_resolution),
	cmocka_unit_test(test_fallback_entries),
	cmocka_unit_test(test_resolve_errors),
	cmocka_unit_test(test_pins),
	cmocka_unit_test(test_round_trip),
	cmocka_unit_test(test_nic),
	cmocka_unit_test(test_parse_rows),
	cmocka_unit_test(test_parse_limits),
	cmocka_unit_test(test_format_nospace),
};

TEST_MAIN(tests, NULL)
