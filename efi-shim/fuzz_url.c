/* fuzz_url.c: libFuzzer target for the parsers alpineboot.efi runs on text
 * from the network or the plan: URL splitting (url.c) and UTF-8 to UCS-2
 * (ucs2.c). Each must stay within len and its output bounds whatever the
 * input. (The command-line walker moved to plan/, fuzzed by plan_fuzz_wire.) */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "efi-shim/ucs2.h"
#include "efi-shim/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct url u;
	char name[NB_URL_MAX];
	uint16_t out[256];
	size_t n;

	if (url_parse(s, size, &u) == 0) {
		if (strlen(u.target) >= sizeof u.target || u.target[0] != '/' ||
		    u.path_len > strlen(u.target) || u.port == 0)
			__builtin_trap();
		if (url_tftp_name(&u, name, sizeof name) == 0 &&
		    (strlen(name) >= sizeof name || strcmp(name, u.target + 1) != 0))
			__builtin_trap();
		if (url_basename(&u, name, sizeof name) == 0 && strchr(name, '/'))
			__builtin_trap();
	}
	if (ucs2_from_utf8(data, size, out, sizeof out / sizeof out[0], &n) == 0 &&
	    (n >= sizeof out / sizeof out[0] || out[n] != 0))
		__builtin_trap();
	return 0;
}
