/* cidr_fuzz.c: [server] status-allow on hostile bytes (embed/cidr.c).
 * Invariants: a refusal leaves the output untouched; an accepted list
 * has at most NB_CIDR_MAX networks, each with no host bits, and each
 * network's own address matches it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed/cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_cidr_list l, before;

	memset(&l, 0xa5, sizeof(l));
	before = l;
	if (nb_cidr_list_parse(&l, (const char *)data, size) != NULL) {
		if (memcmp(&l, &before, sizeof(l)) != 0)
			abort();
		return 0;
	}
	if (!l.set || l.n > NB_CIDR_MAX)
		abort();
	for (unsigned i = 0; i < l.n; i++) {
		uint32_t m = l.item[i].prefix ? 0xffffffffu << (32 - l.item[i].prefix) : 0;

		if (l.item[i].prefix > 32 || (l.item[i].net & ~m) ||
		    !nb_cidr_list_match(&l, l.item[i].net | ~m))
			abort();
	}
	return 0;
}
