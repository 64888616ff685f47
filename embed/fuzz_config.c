/* fuzz_config.c: libFuzzer target for the netbootd.conf parser and its
 * includes.
 *
 * The input is a whole config: a line "\x01NAME" starts another file
 * called NAME (in memory, embed/memfs.c), so includes, globs, loops and
 * depth are all reachable; the first file is etc/fuzz.conf. What parses is resolved and rendered
 * for a few clients in every format, and each boot.plan rendered must parse
 * back and format to the same bytes: a parser that accepts a value the
 * renderers cannot carry fails here, not only one that over-reads.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed/config.h"
#include "embed/memfs.h"
#include "embed/render.h"
#include "embed/resolve.h"
#include "plan/plan.h"
#include "server-min/config_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nb_config cfg;
static struct nb_plan plan;
static char out[65536], again[65536];

static const struct nb_client clients[] = {
	{ .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 0 },
	{ .uuid = "0e0b7c5a-1111-2222-3333-444455556666", .arch = 7 },
	{ .arch = -1 },
	/* A MAC only a prefix section can match, asked for by another host. */
	{ .mac = { 0x52, 0x54, 0, 0xaa, 0xbb, 0x01 }, .has_mac = 1, .arch = 11,
	  .redact = 1 },
};

#define FILES_MAX 16

static struct memfs_file files[FILES_MAX];
static char names[FILES_MAX][64];

/* Split data into files at "\x01NAME\n" lines. The count of files. */
static size_t split(const char *d, size_t size)
{
	size_t n = 0, i = 0, start = 0;

	snprintf(names[0], sizeof(names[0]), "etc/fuzz.conf");
	files[0] = (struct memfs_file){ names[0], d, 0 };
	while (i <= size) {
		if (i < size && !(d[i] == '\x01' && (i == 0 || d[i - 1] == '\n'))) {
			i++;
			continue;
		}
		files[n].len = i - start;
		if (i == size || n + 1 == FILES_MAX)
			break;
		{
			size_t e = i + 1, k;

			while (e < size && d[e] != '\n')
				e++;
			k = e - i - 1 < 60 ? e - i - 1 : 60;
			n++;
			snprintf(names[n], sizeof(names[n]), "etc/%.*s", (int)k, d + i + 1);
			i = start = e < size ? e + 1 : size;
			files[n] = (struct memfs_file){ names[n], d + start, 0 };
		}
	}
	return n + 1;
}

/* Every section found by its own key, every profile by its name. */
static void check_index(const struct nb_config *c)
{
	unsigned i;

	for (i = 0; i < c->n_client; i++)
		if (nb_config_section(c, &c->client[i]) != &c->client[i])
			abort();
	for (i = 0; i < c->n_profile; i++)
		if (nb_config_profile(c, c->profile[i].name) != &c->profile[i])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_config *c = NULL;
	struct memfs m;
	struct nb_config_fs fs;
	char err[NB_ERR_MAX];
	size_t i;

	m.f = files;
	m.n = split((const char *)data, size);
	fs = memfs_ops(&m);
	if (nb_config_load_fs("etc/fuzz.conf", &fs, &c, err) != 0) {
		if (strncmp(err, "etc/", 4) != 0 || strstr(err, ":") == NULL)
			abort();    /* every error names a file (and its line) */
		if (c != NULL)
			abort();    /* nothing returned on error */
		return 0;
	}
	/* netbootd's [server] keys, as netbootd and netboot-embed check them. */
	if (config_server_apply(c, err) != 0) {
		if (strncmp(err, "etc/", 4) != 0 || strstr(err, ":") == NULL)
			abort();
		nb_config_free(c);
		return 0;
	}
	check_index(c);
	nb_config_release(&cfg);
	cfg = *c;           /* the renders below read the static copy */
	free(c);
	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		size_t len, len2;

		(void)nb_render(&cfg, &clients[i], "http://198.18.0.1", NB_FMT_IPXE,
				out, sizeof(out), &len);
		(void)nb_render(&cfg, &clients[i], "http://198.18.0.1", NB_FMT_CMDLINE,
				out, sizeof(out), &len);
		if (nb_render(&cfg, &clients[i], "http://198.18.0.1", NB_FMT_PLAN,
			      out, sizeof(out), &len) != 0)
			continue;
		if (nb_plan_parse(&plan, out, len) != 0)
			abort();
		if (nb_plan_format(&plan, again, sizeof(again), &len2) != 0 ||
		    len2 != len || memcmp(out, again, len) != 0)
			abort();
	}
	return 0;
}
