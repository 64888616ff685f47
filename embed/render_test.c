/* render_test.c: golden files for nb_render (resolve + iPXE script, boot.plan
 * and command line), embed/testdata/NAME.conf -> NAME-TAG.{ipxe,plan,cmdline}.
 *
 * The goldens were read line by line against Alpine's contract and iPXE's
 * command set (docs/boot-plan.md, ipxe_script.c) before being committed; a
 * change in rendering shows up as a diff here. NB_UPDATE_GOLDEN=1 rewrites
 * them (then review the diff in git).
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
#include "embed/ipxe_script.h"
#include "embed/render.h"
#include "plan/plan.h"

static struct nb_config cfg;
static char out[65536], want[65536];

struct golden {
	int line;
	const char *conf;        /* embed/testdata/CONF.conf */
	const char *tag;         /* output name: CONF-TAG.ext */
	struct nb_client c;
	const char *server;
};

static const struct golden goldens[] = {
	{ __LINE__, "default", "bios", { .mac = { 0x52, 0x54, 0, 0xaa, 0, 1 }, .has_mac = 1, .arch = 0 },
	  "http://198.18.0.1" },
	{ __LINE__, "site", "lab", { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 0 },
	  "http://198.18.0.1" },
	{ __LINE__, "site", "other", { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x57 }, .has_mac = 1, .arch = 7 },
	  "http://198.18.0.1:8080" },
};

static const struct { enum nb_format fmt; const char *ext; } formats[] = {
	{ NB_FMT_IPXE, "ipxe" },
	{ NB_FMT_PLAN, "plan" },
	{ NB_FMT_CMDLINE, "cmdline" },
};

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return (size_t)-1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static void test_goldens(void **state)
{
	int update = getenv("NB_UPDATE_GOLDEN") != NULL;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		const struct golden *g = &goldens[i];
		char path[256], err[NB_ERR_MAX];
		size_t n;

		snprintf(path, sizeof(path), "embed/testdata/%s.conf", g->conf);
		n = slurp(path, want, sizeof(want));
		if (n == (size_t)-1)
			FAIL_AT(g->line, "cannot read %s (run from the top of the tree)\n", path);
		if (nb_config_parse(&cfg, path, want, n, err) != 0)
			FAIL_AT(g->line, "%s\n", err);
		for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
			size_t len;
			int rc = nb_render(&cfg, &g->c, g->server, formats[k].fmt,
					   out, sizeof(out), &len);

			if (rc != 0)
				FAIL_AT(g->line, "render %s: %d\n", formats[k].ext, rc);
			snprintf(path, sizeof(path), "embed/testdata/%s-%s.%s",
				 g->conf, g->tag, formats[k].ext);
			if (update) {
				FILE *f = fopen(path, "wb");

				assert_non_null(f);
				assert_int_equal(fwrite(out, 1, len, f), len);
				assert_int_equal(fclose(f), 0);
				continue;
			}
			n = slurp(path, want, sizeof(want));
			if (n != len || memcmp(out, want, len) != 0)
				FAIL_AT(g->line, "%s differs from the rendering:\n%s\n", path, out);
		}
	}
}

/* Too small an output buffer: -ENOSPC, for every format. */
static void test_nospace(void **state)
{
	static const struct nb_client c = { .arch = -1 };
	char small[32];
	size_t k, len;

	(void)state;
	nb_config_defaults(&cfg);
	for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
		assert_int_equal(nb_render(&cfg, &c, "http://s", formats[k].fmt,
					   small, sizeof(small), &len), -ENOSPC);
}

/* The script renderer on plans the resolver would not make. */
static void test_ipxe_edges(void **state)
{
	static struct nb_plan p;
	static const char plan_text[] =
		"nbplan 1\nserver http://s\ntitle T\ntimeout 0\n"
		"entry boot B\nkernel http://s/k\ninitrd http://s/i\ncmdline a=b\nend\n";
	size_t len;

	(void)state;
	assert_int_equal(nb_plan_parse(&p, plan_text, sizeof(plan_text) - 1), 0);
	/* No fallback entries: a failed boot drops to the shell, no menu. */
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), 0);
	assert_non_null(strstr(out, "# boot.ipxe for an unknown client"));
	assert_non_null(strstr(out, "kernel http://s/k a=b initrd=i || goto failed\n"));
	assert_non_null(strstr(out, "# no fallback entries configured\nshell\n"));
	assert_null(strstr(out, "choose"));
	/* timeout 0: the menu waits for a key (no --timeout). */
	p.n_entry = 2;
	memset(&p.entry[1], 0, sizeof(p.entry[1]));
	p.entry[1].action = NB_ACT_REBOOT;
	strcpy(p.entry[1].label, "Reboot");
	p.default_entry = 1;
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), 0);
	assert_non_null(strstr(out, "item reboot Reboot\nchoose --default reboot target || goto shell\n"));
	/* firmware has no iPXE command: no item for it. */
	p.entry[1].action = NB_ACT_FIRMWARE;
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), 0);
	assert_null(strstr(out, "item "));
	/* What iPXE would expand or split is refused, wherever it hides. */
	p.entry[1].action = NB_ACT_REBOOT;
	strcpy(p.entry[1].label, "Re${boot}");
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), -EINVAL);
	strcpy(p.entry[1].label, "Reboot");
	strcpy(p.title, "line\nbreak");
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), -EINVAL);
	strcpy(p.title, "T");
	strcpy(p.entry[0].kernel.url, "http://s/${k}");
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), -EINVAL);
	strcpy(p.entry[0].kernel.url, "http://s/k");
	strcpy(p.entry[0].cmdline, "a=$b");
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), -EINVAL);
	strcpy(p.entry[0].cmdline, "a=b");
	p.entry[0].action = NB_ACT_SHELL;
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), -EINVAL);
	p.n_entry = 0;
	assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), -EINVAL);
}

/* Render-time safety: a plan from anywhere (not only from config.c) is
 * refused when any field would change an iPXE line (embed/safe.c). */
static void test_ipxe_refuses_injection(void **state)
{
	static struct nb_plan p;
	static const char plan_text[] =
		"nbplan 1\nserver http://s\ntitle T\ntimeout 0\n"
		"entry boot B\nkernel http://s/k\ninitrd http://s/i\ncmdline a=b\n"
		"entry reboot Reboot\nend\n";
	static const struct {
		int line;
		int field;            /* 0 title, 1 label, 2 kernel, 3 initrd, 4 cmdline */
		const char *value;
	} t[] = {
		{ __LINE__, 0, "Office ; shell" },
		{ __LINE__, 0, "-x" },
		{ __LINE__, 1, "a || b" },
		{ __LINE__, 1, "#c" },
		{ __LINE__, 1, "it's" },
		{ __LINE__, 2, "http://s/k;shell" },
		{ __LINE__, 2, "http://s/k#x" },
		{ __LINE__, 2, "http://s/k x" },
		{ __LINE__, 3, "http://s/i&&shell" },
		{ __LINE__, 4, "console=tty0 && shell" },
		{ __LINE__, 4, "a || b" },
		{ __LINE__, 4, "#c" },
		{ __LINE__, 4, "a\\b" },
		{ __LINE__, 4, "a=\"b c\"" },
		{ __LINE__, 4, "a=${x}" },
		{ __LINE__, 4, "a\tb" },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *f;
		size_t cap;
		int rc;

		assert_int_equal(nb_plan_parse(&p, plan_text, sizeof(plan_text) - 1), 0);
		assert_int_equal(nb_ipxe_render(&p, NULL, out, sizeof(out), &len), 0);
		switch (t[i].field) {
		case 0: f = p.title; cap = sizeof(p.title); break;
		case 1: f = p.entry[1].label; cap = sizeof(p.entry[1].label); break;
		case 2: f = p.entry[0].kernel.url; cap = sizeof(p.entry[0].kernel.url); break;
		case 3: f = p.entry[0].initrd[0].url; cap = sizeof(p.entry[0].initrd[0].url); break;
		default: f = p.entry[0].cmdline; cap = sizeof(p.entry[0].cmdline); break;
		}
		snprintf(f, cap, "%s", t[i].value);
		p.entry[0].cmdline_extra = (unsigned)strlen(p.entry[0].cmdline);
		rc = nb_ipxe_render(&p, NULL, out, sizeof(out), &len);
		if (rc != -EINVAL)
			FAIL_AT(t[i].line, "rendered (rc %d):\n%s\n", rc, out);
	}
}

/* nb_render checks the resolved plan in every format: an unsafe server
 * base (the one value not from the config) fails the render. */
static void test_render_refuses_unsafe_base(void **state)
{
	static const struct nb_client c = { .arch = -1 };
	static const char *const bases[] = {
		"http://s;shell", "http://s/#x", "http://s&&x", "http://s/${x}",
	};
	size_t b, k, len;

	(void)state;
	nb_config_defaults(&cfg);
	for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
			if (nb_render(&cfg, &c, bases[b], formats[k].fmt, out,
				      sizeof(out), &len) != -EINVAL)
				fail_msg("%s rendered as %s", bases[b], formats[k].ext);
	for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
		assert_int_equal(nb_render(&cfg, &c, "http://198.18.0.1:8080",
					   formats[k].fmt, out, sizeof(out), &len), 0);
}

/* A document asked for another host (redact): no cmdline= words, no
 * hostname=; kernel, initrds, modloop, apkovl, BOOTIF and repos stay. */
static void test_redact(void **state)
{
	static const char text[] =
		"[profile default]\n"
		"apkovl = ovl/{MAC}.apkovl.tar.gz\n"
		"cmdline = ssh_key=http://k.example/admin.pub pkgs=openssh console=ttyS0\n"
		"[client 52:54:00:12:34:56]\n"
		"hostname = kiosk-7\n";
	static const char *const kept[] = {
		"http://198.18.0.1/boot/vmlinuz-lts", "http://198.18.0.1/boot/initramfs-lts",
		"modloop=http://198.18.0.1/boot/modloop-lts",
		"apkovl=http://198.18.0.1/ovl/{MAC}.apkovl.tar.gz",
		"BOOTIF=01-52-54-00-12-34-56", "alpine_repo=", "ip=dhcp",
	};
	static const char *const private[] = {
		"ssh_key=", "pkgs=", "console=ttyS0", "hostname=", "kiosk-7",
	};
	struct nb_client c = { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
			       .has_mac = 1, .arch = 0 };
	char err[NB_ERR_MAX];
	size_t k, i, len;

	(void)state;
	assert_int_equal(nb_config_parse(&cfg, "t.conf", text, sizeof(text) - 1, err), 0);
	for (c.redact = 0; c.redact <= 1; c.redact++) {
		for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
			assert_int_equal(nb_render(&cfg, &c, "http://198.18.0.1",
						   formats[k].fmt, out, sizeof(out), &len), 0);
			/* The cmdline format is the command line alone. */
			for (i = formats[k].fmt == NB_FMT_CMDLINE ? 2 : 0;
			     i < sizeof(kept) / sizeof(kept[0]); i++)
				if (strstr(out, kept[i]) == NULL)
					fail_msg("redact %d %s: no %s in\n%s", c.redact,
						 formats[k].ext, kept[i], out);
			for (i = 0; i < sizeof(private) / sizeof(private[0]); i++)
				if ((strstr(out, private[i]) != NULL) == c.redact)
					fail_msg("redact %d %s: %s %s in\n%s", c.redact,
						 formats[k].ext, private[i],
						 c.redact ? "still" : "missing", out);
		}
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_goldens),
	cmocka_unit_test(test_nospace),
	cmocka_unit_test(test_ipxe_edges),
	cmocka_unit_test(test_ipxe_refuses_injection),
	cmocka_unit_test(test_render_refuses_unsafe_base),
	cmocka_unit_test(test_redact),
};

TEST_MAIN(tests, NULL)
