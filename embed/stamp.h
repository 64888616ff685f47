/* stamp.h: the reserved section of alpineboot.efi that netboot-embed fills
 * (CONTRACT between embed/ and efi-shim/).
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

#define NB_STAMP_SECTION  ".nbplan"
#define NB_STAMP_SIZE     16384
#define NB_STAMP_MAGIC    "ALPINEBOOTSTAMP1"   /* 16 bytes, no NUL */
#define NB_STAMP_HDR      24

#endif
