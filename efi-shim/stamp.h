/* stamp.h: the boot plan netboot-embed stamped into this image. */
#ifndef EFI_SHIM_STAMP_H
#define EFI_SHIM_STAMP_H

#include <stddef.h>

/* The stamped boot.plan text: 0 and *ret_text and *ret_len; -ENOENT when the
 * image was never stamped; -EINVAL when the section is corrupt. */
int stamp_plan_text(const char **ret_text, size_t *ret_len);

#endif
