/* mac.h: MAC address text forms (nb_mac_parse itself is in plan.h). */
#ifndef NB_MAC_H
#define NB_MAC_H

#include <stdint.h>

/* "aa-bb-cc-dd-ee-ff" (sep '-') or "aa:bb:cc:dd:ee:ff" (sep ':'), lower
 * case, NUL-terminated, into out[18]. */
void nb_mac_format(const uint8_t mac[6], char sep, char out[18]);

#endif
