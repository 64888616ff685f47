/* ucs2.c: UTF-8 to UCS-2 (RFC 3629 for the decoding rules).
 *
 * The kernel command line reaches the EFI stub as UCS-2 LoadOptions; the
 * stub converts it back to UTF-8 (drivers/firmware/efi/libstub
 * efi_convert_cmdline), so anything we cannot represent must be refused
 * here rather than mangled. Two passes: validate and count, then write,
 * so out is untouched on error.
 */
#include <errno.h>

#include "efi-shim/ucs2.h"

/* Decode one character at buf[i..len); 0 and *ret_cp, *ret_n, or -EINVAL. */
static int utf8_next(const uint8_t *buf, size_t len, size_t i,
		     uint32_t *ret_cp, size_t *ret_n)
{
	uint8_t c = buf[i];
	uint32_t cp, min;
	size_t n;

	if (c < 0x80) {
		*ret_cp = c;
		*ret_n = 1;
		return 0;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else
		return -EINVAL;                 /* continuation byte or 0xf8.. */
	if (len - i < n)
		return -EINVAL;                 /* truncated */
	for (size_t k = 1; k < n; k++) {
		if ((buf[i + k] & 0xc0) != 0x80)
			return -EINVAL;
		cp = cp << 6 | (buf[i + k] & 0x3f);
	}
	if (cp < min)
		return -EINVAL;                 /* overlong form */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return -EINVAL;                 /* surrogates are not characters */
	if (cp > 0xffff)
		return -EINVAL;                 /* UCS-2 stops at the BMP */
	*ret_cp = cp;
	*ret_n = n;
	return 0;
}

int ucs2_from_utf8(const uint8_t *buf, size_t len, uint16_t *out, size_t cap,
		   size_t *ret_len)
{
	size_t i, units = 0;
	uint32_t cp;
	size_t n;
	int r;

	for (i = 0; i < len && buf[i] != 0; i += n) {
		r = utf8_next(buf, len, i, &cp, &n);
		if (r < 0)
			return r;
		units++;
	}
	if (cap == 0 || units > cap - 1)
		return -ENOSPC;
	units = 0;
	for (i = 0; i < len && buf[i] != 0; i += n) {
		(void)utf8_next(buf, len, i, &cp, &n);
		out[units++] = (uint16_t)cp;
	}
	out[units] = 0;
	*ret_len = units;
	return 0;
}

size_t ucs2_to_ascii(const uint16_t *s, char *out, size_t cap)
{
	size_t n = 0;

	if (cap == 0)
		return 0;
	for (; s[n] != 0 && n < cap - 1; n++)
		out[n] = (s[n] >= 0x20 && s[n] <= 0x7e) ? (char)s[n] : '?';
	out[n] = 0;
	return n;
}
