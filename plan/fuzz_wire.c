/* fuzz_wire.c: libFuzzer target for the small parsers of the contract that
 * read bytes from the network or from an image: the plan request's query
 * (netbootd, from any host on the LAN), the stamp section (an image handed
 * to netboot-embed or booted by alpineboot.efi) and the command-line
 * argument walker (plan text). Each must stay within len, and what it
 * returns must be what its header promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "plan/cmdline.h"
#include "plan/query.h"
#include "plan/stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_query(const char *s, size_t size)
{
	char url[NB_QUERY_URL_MAX];
	struct nb_query q, again;
	size_t n;

	if (nb_query_parse(s, size, &q) < 0)
		return;
	if (q.arch < -1 || q.arch > 0xffff || q.has_mac > 1 ||
	    strnlen(q.uuid, sizeof(q.uuid)) == sizeof(q.uuid))
		__builtin_trap();
	/* What parses rebuilds into a URL that parses to the same. */
	if (nb_query_url("", NB_PLAN_NAME, q.has_mac ? q.mac : NULL, q.arch,
			 url, sizeof(url), &n) < 0)
		__builtin_trap();
	n = strlen(NB_PLAN_NAME);
	if (url[n] == '?' && nb_query_parse(url + n + 1, strlen(url + n + 1), &again) < 0)
		__builtin_trap();
	if (url[n] == '?' && (again.has_mac != q.has_mac || again.arch != q.arch ||
			      (q.has_mac && memcmp(again.mac, q.mac, 6) != 0)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *text, *arg;
	size_t len, pos = 0, alen;

	check_query(s, size);
	if (nb_stamp_decode(data, size, &text, &len) == 0 &&
	    (text != s + NB_STAMP_HDR || len > NB_STAMP_TEXT_MAX || len + NB_STAMP_HDR > size))
		__builtin_trap();
	(void)nb_cmdline_has(s, size, "BOOTIF");
	for (unsigned i = 0; i <= size && nb_cmdline_next_arg(s, size, &pos, &arg, &alen); i++)
		if (arg < s || arg + alen > s + size || alen == 0)
			__builtin_trap();
	return 0;
}
