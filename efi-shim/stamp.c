/* stamp.c: the reserved ".nbplan" section (layout and codec: plan/stamp.h).
 *
 * netboot-embed rewrites these NB_STAMP_SIZE bytes in the finished PE file,
 * so the array must reach the image as initialised data in a section of
 * its own (rules.mk copies it with objcopy -j .nbplan), aligned to a page
 * because PE sections are. The compiler must not constant-fold reads of
 * it: it sees zeros that will not be zeros at run time, hence the laundered
 * pointer below.
 */
#include <stdint.h>

#include "plan/stamp.h"
#include "efi-shim/stamp.h"

__attribute__((section(NB_STAMP_SECTION), used, aligned(4096)))
static uint8_t nb_stamp[NB_STAMP_SIZE] = NB_STAMP_MAGIC;

int stamp_plan_text(const char **ret_text, size_t *ret_len)
{
	const uint8_t *s = nb_stamp;

	__asm__("" : "+r"(s));          /* opaque: the bytes were rewritten after the build */
	return nb_stamp_decode(s, NB_STAMP_SIZE, ret_text, ret_len);
}
