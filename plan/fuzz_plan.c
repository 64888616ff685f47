/* fuzz_plan.c: libFuzzer target for the boot.plan parser, the text
 * alpineboot.efi takes from the network or from its stamp.
 *
 * What parses must satisfy the struct's invariants, format, and parse back
 * to the same struct (format(parse(x)) is a fixed point).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/cmdline.h"
#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nb_plan plan, plan2;
static char out[NB_PLAN_TEXT_MAX * 2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	unsigned i;

	if (nb_plan_parse(&plan, (const char *)data, size) != 0)
		return 0;
	if (plan.n_entry == 0 || plan.n_entry > NB_PLAN_MAX_ENTRIES ||
	    plan.default_entry >= plan.n_entry)
		abort();
	for (i = 0; i < plan.n_entry; i++) {
		const struct nb_entry *e = &plan.entry[i];
		static const char *const names[] = { "a", "b", "c", "d" };
		char line[NB_CMDLINE_MAX + 64];

		if (e->n_initrd > NB_PLAN_MAX_INITRDS ||
		    strnlen(e->cmdline, sizeof(e->cmdline)) == sizeof(e->cmdline) ||
		    e->cmdline_extra > strlen(e->cmdline))
			abort();
		if (e->action == NB_ACT_BOOT &&
		    nb_cmdline_entry(e, names, e->n_initrd, line, sizeof(line), NULL) < 0 &&
		    strlen(e->cmdline) + 4 * 10 < NB_CMDLINE_MAX)
			abort();   /* a parsed entry always yields a command line */
	}
	if (nb_plan_format(&plan, out, sizeof(out), &len) != 0)
		abort();
	if (nb_plan_parse(&plan2, out, len) != 0 ||
	    memcmp(&plan, &plan2, sizeof(plan)) != 0)
		abort();
	return 0;
}
