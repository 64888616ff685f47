/* bounds.c: size limits and pin checks for downloads (see bounds.h). */
#include <errno.h>

#include "efi-shim/bounds.h"
#include "efi-shim/sha256.h"

int fetch_bound(uint64_t max, uint64_t pinned, uint64_t declared,
		int has_declared, uint64_t *ret_limit)
{
	uint64_t limit = max ? max : FETCH_DEFAULT_MAX;

	if (pinned > limit)
		return -EFBIG;
	if (has_declared) {
		if (declared > limit)
			return -EFBIG;
		if (pinned && declared != pinned)
			return -EBADMSG;
		*ret_limit = declared;
		return 0;
	}
	*ret_limit = pinned ? pinned : limit;
	return 0;
}

int fetch_accept(uint64_t got, uint64_t more, uint64_t limit)
{
	if (got > limit || more > limit - got)
		return -EFBIG;
	return 0;
}

int fetch_verify(const struct nb_file *pin, const uint8_t *buf, uint64_t len,
		 uint8_t ret_digest[32])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	unsigned diff = 0;

	if (pin->size && pin->size != len)
		return -EBADMSG;
	if (!pin->has_sha256)
		return 0;
	sha256(buf, (size_t)len, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		diff |= (unsigned)(d[i] ^ pin->sha256[i]);
	if (ret_digest)
		for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
			ret_digest[i] = d[i];
	return diff ? -EILSEQ : 0;
}
