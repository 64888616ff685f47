/* stamp.c: the reserved ".nbplan" section (contract: embed/stamp.h).
 *
 * netboot-embed rewrites these NB_STAMP_SIZE bytes in the finished PE file,
 * so the array must reach the image as initialised data in a section of
 * its own (rules.mk copies it with objcopy -j .nbplan), aligned to a page
 * because PE sections are. The compiler must not constant-fold reads of
 * it: it sees zeros that will not be zeros at run time, hence the laundered
 * pointer below.
 */
#include <errno.h>
#include <stdint.h>

#include "embed/stamp.h"
#include "efi-shim/stamp.h"

__attribute__((section(NB_STAMP_SECTION), used, aligned(4096)))
static uint8_t nb_stamp[NB_STAMP_SIZE] = NB_STAMP_MAGIC;

int stamp_plan_text(const char **ret_text, size_t *ret_len)
{
	const uint8_t *s = nb_stamp;
	static const char magic[] = NB_STAMP_MAGIC;
	uint32_t len;

	__asm__("" : "+r"(s));          /* opaque: the bytes were rewritten after the build */
	for (int i = 0; i < 16; i++)
		if (s[i] != (uint8_t)magic[i])
			return -EINVAL;
	len = (uint32_t)s[16] | (uint32_t)s[17] << 8 | (uint32_t)s[18] << 16 | (uint32_t)s[19] << 24;
	if (len == 0)
		return -ENOENT;
	if (len > NB_STAMP_SIZE - NB_STAMP_HDR)
		return -EINVAL;
	*ret_text = (const char *)s + NB_STAMP_HDR;
	*ret_len = len;
	return 0;
}
