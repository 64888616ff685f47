/* fuzz_config.c: libFuzzer target for the netbootd.conf parser.
 *
 * The input is a whole config file. What parses is resolved and rendered
 * for a few clients in every format, and each boot.plan rendered must parse
 * back and format to the same bytes: a parser that accepts a value the
 * renderers cannot carry fails here, not only one that over-reads.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed/config.h"
#include "embed/render.h"
#include "plan/plan.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NB_ERR_MAX];
	size_t i;

	if (nb_config_parse(&cfg, "fuzz.conf", (const char *)data, size, err) != 0) {
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			abort();    /* every error names file and line */
		return 0;
	}
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
