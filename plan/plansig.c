/* plansig.c: the signature line of a signed boot.plan (plan/plansig.h,
 * docs/boot-plan.md "Signature").
 *
 * The text comes from the network, so the line is found and parsed
 * strictly: the last line, exactly "signature ed25519 HEX128 keyid HEX16",
 * one optional "\n" (or "\r\n") after it. Anything else in that place
 * means "not signed", and nb_plan_parse then refuses the stray line after
 * "end" on its own, so a plan cannot carry a signature that is ignored.
 */
#include "plan/ed25519.h"
#include "plan/plansig.h"
#include "plan/sha512.h"
#include "plan/str.h"

void nb_plan_keyid(const uint8_t pub[32], uint8_t ret_keyid[NB_PLAN_KEYID_LEN])
{
	uint8_t h[64];

	nb_sha512(pub, 32, h);
	nb_memcpy(ret_keyid, h, NB_PLAN_KEYID_LEN);
}

int nb_plan_sig_find(const char *text, size_t len, size_t *ret_signed_len,
		     uint8_t ret_sig[64], uint8_t ret_keyid[NB_PLAN_KEYID_LEN])
{
	static const size_t pre = sizeof(NB_PLAN_SIG_PREFIX) - 1;
	uint8_t sig[64], keyid[NB_PLAN_KEYID_LEN];
	size_t end = len, start;
	const char *l;

	if (end > 0 && text[end - 1] == '\n')
		end--;
	if (end > 0 && text[end - 1] == '\r')
		end--;
	for (start = end; start > 0 && text[start - 1] != '\n'; start--)
		;
	l = text + start;
	if (!nb_has_prefix(l, end - start, "signature "))
		return -NB_ENOENT;
	if (end - start != NB_PLAN_SIG_LINE_MAX - 1 ||
	    !nb_has_prefix(l, end - start, NB_PLAN_SIG_PREFIX) ||
	    nb_hex_parse(l + pre, 128, sig, 64) < 0 ||
	    !nb_tok_eq(l + pre + 128, 7, " keyid ") ||
	    nb_hex_parse(l + pre + 135, 16, keyid, NB_PLAN_KEYID_LEN) < 0)
		return -NB_EINVAL;
	*ret_signed_len = start;
	nb_memcpy(ret_sig, sig, 64);
	nb_memcpy(ret_keyid, keyid, NB_PLAN_KEYID_LEN);
	return 0;
}

int nb_plan_verify(const char *text, size_t len, const uint8_t pub[32],
		   size_t *ret_signed_len)
{
	uint8_t sig[64], keyid[NB_PLAN_KEYID_LEN], want[NB_PLAN_KEYID_LEN];
	size_t n;
	int r;

	if ((r = nb_plan_sig_find(text, len, &n, sig, keyid)) < 0)
		return r;
	nb_plan_keyid(pub, want);
	if (nb_memcmp(keyid, want, NB_PLAN_KEYID_LEN) != 0)
		return -NB_EKEYREJECTED;
	if (nb_ed25519_verify(sig, (const uint8_t *)text, n, pub) != 0)
		return -NB_EACCES;
	*ret_signed_len = n;
	return 0;
}

int nb_plan_sig_line(char *out, size_t cap, const uint8_t sig[64],
		     const uint8_t pub[32], size_t *ret_len)
{
	uint8_t keyid[NB_PLAN_KEYID_LEN];
	struct nb_buf b;

	nb_plan_keyid(pub, keyid);
	nb_buf_init(&b, out, cap);
	nb_buf_puts(&b, NB_PLAN_SIG_PREFIX);
	nb_buf_hex(&b, sig, 64);
	nb_buf_puts(&b, " keyid ");
	nb_buf_hex(&b, keyid, NB_PLAN_KEYID_LEN);
	nb_buf_putc(&b, '\n');
	return nb_buf_finish(&b, ret_len);
}
