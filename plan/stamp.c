/* stamp.c: the stamp section codec (layout in plan/stamp.h).
 *
 * The decoder reads an image the admin may have edited or truncated, so it
 * checks the magic and bounds the length by the bytes it was given, not by
 * what the header claims. Integers are little-endian on every host, as the
 * PE image they live in.
 */
#include "plan/stamp.h"
#include "plan/str.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int nb_stamp_is_section(const uint8_t *sec, size_t size)
{
	return size >= NB_STAMP_SIZE &&
	       nb_memcmp(sec, NB_STAMP_MAGIC, NB_STAMP_MAGIC_LEN) == 0;
}

int nb_stamp_encode(uint8_t ret_sec[NB_STAMP_SIZE], const char *text, size_t len)
{
	if (len > NB_STAMP_TEXT_MAX)
		return -NB_E2BIG;
	nb_memset(ret_sec, 0, NB_STAMP_SIZE);
	nb_memcpy(ret_sec, NB_STAMP_MAGIC, NB_STAMP_MAGIC_LEN);
	put_le32(ret_sec + 16, (uint32_t)len);
	put_le32(ret_sec + 20, 0);      /* flags: none defined */
	if (len > 0)
		nb_memcpy(ret_sec + NB_STAMP_HDR, text, len);
	return 0;
}

int nb_stamp_decode(const uint8_t *sec, size_t size, const char **ret_text,
		    size_t *ret_len)
{
	uint32_t len;

	if (!nb_stamp_is_section(sec, size))
		return -NB_EINVAL;
	len = get_le32(sec + 16);
	if (len == 0)
		return -NB_ENOENT;
	if (len > NB_STAMP_TEXT_MAX)
		return -NB_EINVAL;
	*ret_text = (const char *)sec + NB_STAMP_HDR;
	*ret_len = len;
	return 0;
}
