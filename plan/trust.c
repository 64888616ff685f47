/* trust.c: alpineboot.efi's decisions about fetched plans under Secure
 * Boot (plan/trust.h). Kept apart from efi-shim/ so every rule is tested
 * on the host (plan/trust_test.c) with plans signed by libsodium.
 */
#include "plan/plansig.h"
#include "plan/str.h"
#include "plan/trust.h"

#define NB_ENOKEY 126   /* Linux's ENOKEY, like the numbers in plan/str.h */

void nb_trust_init(struct nb_trust *ret, const struct nb_plan *stamp, int secure_boot)
{
	nb_memset(ret, 0, sizeof(*ret));
	ret->secure_boot = secure_boot != 0;
	ret->require = ret->secure_boot;
	if (stamp == NULL)
		return;
	if (stamp->has_plan_key) {
		nb_memcpy(ret->key, stamp->plan_key, 32);
		ret->has_key = 1;
	}
	if (stamp->require_signature)
		ret->require = 1;
}

int nb_trust_plan(const struct nb_trust *t, const char *text, size_t len,
		  size_t *ret_len, const char **ret_note)
{
	size_t n;
	int r;

	if (!t->has_key) {
		if (t->require) {
			*ret_note = t->secure_boot ?
				"Secure Boot is on and this image has no plan-key stamped" :
				"require-signature is stamped without a plan-key";
			return -NB_ENOKEY;
		}
		*ret_len = len;
		*ret_note = "not checked: no plan-key stamped";
		return 0;
	}
	r = nb_plan_verify(text, len, t->key, &n);
	if (r == 0) {
		*ret_len = n;
		*ret_note = "signature good";
		return 0;
	}
	if (r == -NB_ENOENT && !t->require) {
		*ret_len = len;
		*ret_note = "not signed; accepted: require-signature is off and Secure Boot is off";
		return 0;
	}
	*ret_note = r == -NB_ENOENT ? (t->secure_boot ? "not signed, and Secure Boot is on" :
				       "not signed, and require-signature is stamped") :
		    r == -NB_EKEYREJECTED ? "signed by another key" :
		    r == -NB_EACCES ? "bad signature: changed or forged" :
		    "malformed signature line";
	return r;
}

int nb_trust_entry(const struct nb_trust *t, const struct nb_entry *e)
{
	unsigned i;

	if (!t->require || e->action != NB_ACT_BOOT)
		return 1;
	if (!e->kernel.has_sha256 || e->n_initrd == 0)
		return 0;
	for (i = 0; i < e->n_initrd && i < NB_PLAN_MAX_INITRDS; i++)
		if (!e->initrd[i].has_sha256)
			return 0;
	return 1;
}
