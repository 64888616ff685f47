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

#include "embed/config.h"
#include "embed/ipxe_script.h"
#include "embed/plan.h"

#define FAIL_AT(line, ...) do { \
	print_error("table row at %s:%d: ", __FILE__, line); \
	print_error(__VA_ARGS__); \
	fail(); \
} while (0)

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_nospace),
		cmocka_unit_test(test_ipxe_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
