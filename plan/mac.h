/* mac.h: MAC addresses in the text forms the contract uses: config files,
 * the plan URL's ?mac= (plan/url.h) and BOOTIF= (plan/cmdline.h). */
#ifndef NB_MAC_H
#define NB_MAC_H

#include <stddef.h>
#include <stdint.h>

/* Parse a MAC in "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff" form (any case).
 * 0 or -EINVAL; ret_mac untouched on error. */
int nb_mac_parse(const char *s, size_t len, uint8_t ret_mac[6]);

/* "aa-bb-cc-dd-ee-ff" (sep '-') or "aa:bb:cc:dd:ee:ff" (sep ':'), lower
 * case, NUL-terminated, into out[18]. */
void nb_mac_format(const uint8_t mac[6], char sep, char out[18]);

#endif
