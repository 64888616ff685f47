/* stamp.h: the reserved section of alpineboot.efi that netboot-embed fills
 * (CONTRACT between netboot-embed and alpineboot.efi; both call the codec
 * below, so the layout is written down in one place).
 *
 * alpineboot.efi carries a section named NB_STAMP_SECTION of exactly
 * NB_STAMP_SIZE bytes of initialised data:
 *
 *   offset 0   16 bytes  NB_STAMP_MAGIC
 *   offset 16  u32 LE    length of the text that follows (0 = not stamped)
 *   offset 20  u32 LE    flags, 0
 *   offset 24  text      a boot.plan (docs/boot-plan.md), not NUL-terminated
 *   rest       zero
 *
 * Stamping rewrites these bytes in place: the PE image never grows, no
 * header changes, so an image's other sections stay byte-identical.
 */
#ifndef NB_STAMP_H
#define NB_STAMP_H

#include <stddef.h>
#include <stdint.h>

#define NB_STAMP_SECTION  ".nbplan"
#define NB_STAMP_SIZE     16384
#define NB_STAMP_MAGIC    "ALPINEBOOTSTAMP1"   /* 16 bytes, no NUL */
#define NB_STAMP_MAGIC_LEN 16
#define NB_STAMP_HDR      24
#define NB_STAMP_TEXT_MAX (NB_STAMP_SIZE - NB_STAMP_HDR)

/* 1 when the size bytes at sec are a stamp section (size NB_STAMP_SIZE or
 * more, starting with the magic), stamped or not; else 0. */
int nb_stamp_is_section(const uint8_t *sec, size_t size);

/* Fill ret_sec (NB_STAMP_SIZE bytes) with the header and len bytes of text,
 * zero after it. len 0 makes an unstamped section. 0, or -E2BIG when len
 * exceeds NB_STAMP_TEXT_MAX (ret_sec untouched). */
int nb_stamp_encode(uint8_t ret_sec[NB_STAMP_SIZE], const char *text, size_t len);

/* The text inside the size bytes at sec: 0, *ret_text (pointing into sec)
 * and *ret_len; -ENOENT when the section was never stamped (length 0);
 * -EINVAL when it is not a stamp section or its length runs past it. */
int nb_stamp_decode(const uint8_t *sec, size_t size, const char **ret_text,
		    size_t *ret_len);

#endif
