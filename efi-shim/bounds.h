/* bounds.h: how big a download may be, and whether what arrived is what the
 * plan pinned. Pure C, host-tested in bounds_test.c.
 *
 * Sizes from the wire (HTTP Content-Length, TFTP tsize) are claims: they
 * are believed only below the plan's max_file_size, so a lying server can
 * never make us allocate more than the plan allows.
 */
#ifndef EFI_SHIM_BOUNDS_H
#define EFI_SHIM_BOUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

/* Used when the plan sets no max_file_size (a stamped plan may not). */
#define FETCH_DEFAULT_MAX  (512ULL << 20)

/* The most bytes a download may bring.
 * max: the plan's max_file_size (0 = FETCH_DEFAULT_MAX); pinned: the plan's
 * size for this file (0 = not pinned); declared: what the server claims,
 * valid when has_declared.
 * 0 and *ret_limit (the buffer to allocate): pinned if set, else declared if
 * known, else max. -EFBIG when pinned or declared exceed max; -EBADMSG when
 * declared and pinned disagree. *ret_limit untouched on error. */
int fetch_bound(uint64_t max, uint64_t pinned, uint64_t declared,
		int has_declared, uint64_t *ret_limit);

/* May `more` bytes follow `got` under `limit`? 0 or -EFBIG (overflow-safe). */
int fetch_accept(uint64_t got, uint64_t more, uint64_t limit);

/* Check a finished download against its pin: 0; -EBADMSG size differs;
 * -EILSEQ SHA-256 differs (ret_digest gets the digest we computed, so the
 * message can show both). ret_digest may be NULL. */
int fetch_verify(const struct nb_file *pin, const uint8_t *buf, uint64_t len,
		 uint8_t ret_digest[32]);

#endif
