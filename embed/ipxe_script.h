/* ipxe_script.h: a plan as an iPXE script (GET /boot.ipxe). */
#ifndef NB_IPXE_SCRIPT_H
#define NB_IPXE_SCRIPT_H

#include <stddef.h>

#include "embed/render.h"
#include "plan/plan.h"

/* Render plan for client c (c may be NULL) into out (cap bytes,
 * NUL-terminated). 0 and *ret_len; -ENOSPC when out is too small; -EINVAL
 * when a field cannot be written into a script line safely (nb_safe_plan(),
 * embed/safe.h: a newline, a '$' iPXE would expand, "||", '#', ...). */
int nb_ipxe_render(const struct nb_plan *plan, const struct nb_client *c,
		   char *out, size_t cap, size_t *ret_len);

#endif
