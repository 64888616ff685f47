/* cidr.c: parse and match IPv4 CIDR lists (embed/cidr.h). */
#include "embed/cidr.h"
#include "plan/str.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

static const char *parse_one(struct nb_cidr *ret, const char *s, size_t n)
{
	size_t slash = 0;
	uint64_t prefix = 32;
	uint32_t a;

	while (slash < n && s[slash] != '/')
		slash++;
	if (nb_ipv4_parse(s, slash, &a) < 0)
		return "status-allow: expected A.B.C.D or A.B.C.D/N";
	if (slash < n && nb_parse_u64(s + slash + 1, n - slash - 1, 32, &prefix) < 0)
		return "status-allow: the prefix length after '/' is 0 to 32";
	if (a & ~mask_of((unsigned)prefix))
		return "status-allow: host bits set after the prefix (write the network, e.g. 198.18.0.0/15)";
	ret->net = a;
	ret->prefix = (uint8_t)prefix;
	return NULL;
}

const char *nb_cidr_list_parse(struct nb_cidr_list *out, const char *v, size_t n)
{
	struct nb_cidr_list l;
	size_t pos = 0, wn;
	const char *w, *why;

	nb_memset(&l, 0, sizeof(l));
	l.set = 1;
	if (nb_tok_eq(v, n, "none")) {
		*out = l;
		return NULL;
	}
	while ((wn = nb_word_next(v, n, &pos, 0, &w)) > 0) {
		if (l.n >= NB_CIDR_MAX)
			return "status-allow: at most 16 networks";
		if ((why = parse_one(&l.item[l.n], w, wn)) != NULL)
			return why;
		l.n++;
	}
	if (l.n == 0)
		return "status-allow: networks (A.B.C.D/N ...) or none";
	*out = l;
	return NULL;
}

int nb_cidr_list_match(const struct nb_cidr_list *l, uint32_t addr)
{
	for (unsigned i = 0; i < l->n; i++)
		if ((addr & mask_of(l->item[i].prefix)) == l->item[i].net)
			return 1;
	return 0;
}
