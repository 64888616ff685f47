/* fetch.h: download one file of a plan, HTTP first, then TFTP.
 *
 * A struct download is one transfer: the transports (http.c, tftp.c) ask
 * it for a buffer once they know what the server claims (dl_begin, which
 * applies bounds.c), write into dl->buf and report progress. fetch()
 * owns it from start to end and checks the pin at the end.
 */
#ifndef EFI_SHIM_FETCH_H
#define EFI_SHIM_FETCH_H

#include "efi-shim/fw.h"
#include "efi-shim/net.h"
#include "efi-shim/url.h"

struct download {
	const char *url;          /* for messages */
	const char *what;         /* "kernel", "initrd", "plan" */
	UINT64 max, pinned;       /* bounds.c inputs */
	UINT8 *buf;               /* AllocatePages memory, cap bytes usable */
	UINT64 cap, len;
	UINTN pages;
	UINT64 t0_ms, last_ms;    /* progress */
	unsigned http_code;       /* last HTTP status, 0 when none */
};

/* A finished file. */
struct blob {
	UINT8 *buf;
	UINT64 len;
	UINTN pages;
};

/* The server claims `declared` bytes (valid when has_declared): check it
 * against the bounds and allocate. EFI_SUCCESS; EFI_BAD_BUFFER_SIZE over
 * the limit or against the pin (logged); EFI_OUT_OF_RESOURCES. */
EFI_STATUS dl_begin(struct download *d, UINT64 declared, int has_declared);

/* n more bytes arrived at d->buf + d->len: count them, print progress at
 * most once a second. EFI_BAD_BUFFER_SIZE when they overrun the limit. */
EFI_STATUS dl_advance(struct download *d, UINT64 n);

/* Fetch url into *ret. pin: the plan's size/sha256 for it (NULL: none);
 * max: the plan's max_file_size. Logs progress and, on failure, what failed
 * from where with the EFI status in words. */
EFI_STATUS fetch(struct net *net, const char *url, const char *what,
		 const struct nb_file *pin, UINT64 max, struct blob *ret);

void blob_free(struct blob *b);

/* Transports: EFI_SUCCESS with d->len bytes in d->buf, or an error already
 * logged. EFI_UNSUPPORTED from http_get means the firmware has no HTTP. */
EFI_STATUS http_get(struct net *net, const struct url *u, struct download *d);
EFI_STATUS tftp_get(struct net *net, const UINT8 server[4], const char *name,
		    struct download *d);

#endif
