/* mac.c: MAC addresses as people and firmware write them.
 *
 * Accepted: six pairs of hex digits separated all by ':' or all by '-'
 * (Linux, Windows, iPXE's ${net0/mac:hexhyp}), any case. Nothing else: a
 * config that names a client must name it unambiguously.
 */
#include "plan/mac.h"
#include "plan/str.h"

int nb_mac_parse(const char *s, size_t len, uint8_t ret_mac[6])
{
	uint8_t mac[6];
	char sep;
	size_t i;

	if (len != 17)
		return -NB_EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -NB_EINVAL;
	for (i = 0; i < 6; i++) {
		if (i > 0 && s[3 * i - 1] != sep)
			return -NB_EINVAL;
		if (nb_hex_parse(s + 3 * i, 2, &mac[i], 1))
			return -NB_EINVAL;
	}
	nb_memcpy(ret_mac, mac, 6);
	return 0;
}

void nb_mac_format(const uint8_t mac[6], char sep, char out[18])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 6; i++) {
		out[3 * i] = hex[mac[i] >> 4];
		out[3 * i + 1] = hex[mac[i] & 15];
		out[3 * i + 2] = i < 5 ? sep : '\0';
	}
}
