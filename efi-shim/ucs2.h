/* ucs2.h: UTF-8 (and so ASCII) to UCS-2, the string form UEFI uses for
 * LoadOptions, URLs and console text. Pure C, host-tested. */
#ifndef EFI_SHIM_UCS2_H
#define EFI_SHIM_UCS2_H

#include <stddef.h>
#include <stdint.h>

/* Convert len bytes of UTF-8 at buf into out (cap UCS-2 units including the
 * terminating 0). Stops early at a NUL byte.
 * 0 and *ret_len (units written, without the terminator);
 * -EINVAL malformed UTF-8 (overlong, truncated, surrogate) or a character
 *  above U+FFFF, which UCS-2 cannot hold;
 * -ENOSPC out too small. out is untouched on error. */
int ucs2_from_utf8(const uint8_t *buf, size_t len, uint16_t *out, size_t cap,
		   size_t *ret_len);

/* The reverse for text we print or send: UCS-2 to ASCII, anything outside
 * 0x20..0x7e replaced by '?'. Always NUL-terminates when cap > 0.
 * Returns the number of bytes written without the NUL. */
size_t ucs2_to_ascii(const uint16_t *s, char *out, size_t cap);

#endif
