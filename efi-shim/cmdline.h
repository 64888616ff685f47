/* cmdline.h: the kernel command line alpineboot.efi hands to the EFI stub.
 * Pure C, host-tested in cmdline_test.c.
 *
 * The Alpine arguments themselves are built once, by embed/ on the server
 * (or by netboot-embed into the stamped plan): entry->cmdline. This adds
 * only what depends on the machine running now: BOOTIF= when the plan left
 * it out, and one initrd= per initramfs (harmless with the LoadFile2
 * initrd, see initrd.c, but it documents in /proc/cmdline what was loaded).
 */
#ifndef EFI_SHIM_CMDLINE_H
#define EFI_SHIM_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "embed/plan.h"

/* The longest line we build: the plan's (initrd= included, embed/ keeps
 * that under NB_CMDLINE_MAX) plus " BOOTIF=01-aa-bb-cc-dd-ee-ff". */
#define CMDLINE_MAX (NB_CMDLINE_MAX + 32)

/* Walk the arguments of a kernel command line as the kernel's own
 * next_arg() does: separated by spaces, double quotes group.
 * *pos: where to continue (start at 0). 1 and the argument in
 * *ret_arg and *ret_len; 0 at the end. */
int cmdline_next_arg(const char *s, size_t len, size_t *pos,
		     const char **ret_arg, size_t *ret_len);

/* Is there an argument named `name` ("BOOTIF") in s? Matches whole
 * arguments "name" or "name=...", never substrings. */
int cmdline_has(const char *s, size_t len, const char *name);

/* Build the full UTF-8 line for entry e into out (cap bytes, NUL-terminated).
 * mac: the booting NIC, or NULL when unknown.
 * 0 and *ret_len; -ENOSPC; -EINVAL an initrd URL without a file name or a
 * cmdline_extra offset that does not fit the line. */
int cmdline_build(const struct nb_entry *e, const uint8_t *mac,
		  char *out, size_t cap, size_t *ret_len);

/* The same, converted for LoadOptions: UCS-2, NUL-terminated, in out
 * (cap units). 0 and *ret_units (without NUL), -ENOSPC, -EINVAL. */
int cmdline_build_ucs2(const struct nb_entry *e, const uint8_t *mac,
		       uint16_t *out, size_t cap, size_t *ret_units);

#endif
