/* fetch.c: one download, HTTP first, then TFTP (see fetch.h).
 *
 * HTTP goes through the firmware's EFI_HTTP_PROTOCOL (Debian's OVMF has it,
 * many real boards too); where it is missing or the server does not answer
 * HTTP, the same path is asked of the TFTP server through the PXE base code
 * (netbootd serves both from one tree). Memory comes from AllocatePages:
 * kernels and initramfs are tens of megabytes, beyond what a pool
 * allocation is meant for.
 */
#include <errno.h>

#include "efi-shim/bounds.h"
#include "efi-shim/fetch.h"
#include "plan/str.h"

#define PROGRESS_EVERY_MS 1000

static void free_buf(struct download *d)
{
	if (d->buf)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(UINTN)d->buf, d->pages);
	d->buf = NULL;
	d->pages = 0;
	d->cap = d->len = 0;
}

EFI_STATUS dl_begin(struct download *d, UINT64 declared, int has_declared)
{
	EFI_PHYSICAL_ADDRESS addr;
	UINT64 limit;
	EFI_STATUS st;
	int r;

	r = fetch_bound(d->max, d->pinned, declared, has_declared, &limit);
	if (r == -EFBIG) {
		ERR(L"%a %a: size %ld is over the plan's limit of %ld bytes", d->what, d->url,
		    has_declared ? declared : d->pinned, d->max ? d->max : FETCH_DEFAULT_MAX);
		return EFI_BAD_BUFFER_SIZE;
	}
	if (r < 0) {
		ERR(L"%a %a: server says %ld bytes, the plan pins %ld", d->what, d->url,
		    declared, d->pinned);
		return EFI_BAD_BUFFER_SIZE;
	}
	free_buf(d);
	/* One page at least: an empty file still gets a valid buffer. */
	d->pages = (UINTN)EFI_SIZE_TO_PAGES(limit ? limit : 1);
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, d->pages, &addr);
	if (EFI_ERROR(st)) {
		ERR(L"%a %a: cannot allocate %ld bytes: %s", d->what, d->url, limit,
		    efi_status_str(st));
		d->pages = 0;
		return st;
	}
	d->buf = (UINT8 *)(UINTN)addr;
	d->cap = limit;
	d->len = 0;
	d->t0_ms = d->last_ms = clock_ms();
	return EFI_SUCCESS;
}

/* "12.3 MB/s" from bytes and milliseconds, integer math only. */
static void rate(UINT64 bytes, UINT64 ms, UINT64 *ret_whole, UINT64 *ret_tenth)
{
	UINT64 r10;

	if (ms == 0)
		ms = 1;
	r10 = bytes * 10 / 1000 / ms;          /* tenths of MB/s, MB = 10^6 */
	*ret_whole = r10 / 10;
	*ret_tenth = r10 % 10;
}

EFI_STATUS dl_advance(struct download *d, UINT64 n)
{
	UINT64 now = clock_ms(), w, t;

	if (fetch_accept(d->len, n, d->cap) < 0) {
		ERR(L"%a %a: more data than the %ld bytes announced", d->what, d->url, d->cap);
		return EFI_BAD_BUFFER_SIZE;
	}
	d->len += n;
	if (now - d->last_ms >= PROGRESS_EVERY_MS) {
		d->last_ms = now;
		rate(d->len, now - d->t0_ms, &w, &t);
		LOG(L"  %a: %ld of %ld bytes, %ld.%ld MB/s", d->what, d->len, d->cap, w, t);
	}
	return EFI_SUCCESS;
}

static void finished(const struct download *d, const CHAR16 *via)
{
	UINT64 ms = clock_ms() - d->t0_ms, w, t;

	rate(d->len, ms, &w, &t);
	LOG(L"fetched %a %a: %ld bytes in %ld.%03ld s (%ld.%ld MB/s) via %s", d->what, d->url,
	    d->len, ms / 1000, ms % 1000, w, t, via);
}

static EFI_STATUS verify(const struct download *d, const struct nb_file *pin)
{
	UINT8 digest[32];
	char got[65], want[65];
	struct nb_buf b;
	int r;

	if (!pin || (!pin->size && !pin->has_sha256))
		return EFI_SUCCESS;
	r = fetch_verify(pin, d->buf, d->len, digest);
	if (r == -EBADMSG) {
		ERR(L"%a %a: got %ld bytes, the plan pins %ld: refusing to boot it", d->what,
		    d->url, d->len, pin->size);
		return EFI_CRC_ERROR;
	}
	if (r < 0) {
		nb_buf_init(&b, got, sizeof got);
		nb_buf_hex(&b, digest, 32);
		nb_buf_init(&b, want, sizeof want);
		nb_buf_hex(&b, pin->sha256, 32);
		ERR(L"%a %a: SHA-256 mismatch: refusing to boot it", d->what, d->url);
		ERR(L"  got  %a", got);
		ERR(L"  want %a", want);
		return EFI_CRC_ERROR;
	}
	if (pin->has_sha256)
		LOG(L"%a: sha256 verified", d->what);
	return EFI_SUCCESS;
}

EFI_STATUS fetch(struct net *net, const char *url, const char *what,
		 const struct nb_file *pin, UINT64 max, struct blob *ret)
{
	struct download d;
	struct url u;
	char name[NB_URL_MAX];
	const CHAR16 *via = L"http";
	const UINT8 *server;
	EFI_STATUS st = EFI_UNSUPPORTED;
	UINTN len = 0;

	while (len < NB_URL_MAX && url[len])
		len++;
	ZeroMem(&d, sizeof d);
	d.url = url;
	d.what = what;
	d.max = max;
	d.pinned = pin ? pin->size : 0;
	if (url_parse(url, len, &u) < 0) {
		ERR(L"%a: not an http:// URL the plan may use: %a", what, url);
		return EFI_INVALID_PARAMETER;
	}

	if (!net->http_unavailable) {
		st = http_get(net, &u, &d);
		if (st == EFI_UNSUPPORTED)
			net->http_unavailable = 1;
	}
	if (EFI_ERROR(st)) {
		/* TFTP: same path on the same host, or the PXE server for names. */
		server = u.has_ip ? u.ip : (net->has_server ? net->server : NULL);
		if (!net->pxe) {
			/* HTTP Boot leaves no PXE base code on our NIC. */
			ERR(L"%a %a: no TFTP fallback (no PXE base code on this NIC)", what, url);
			free_buf(&d);
			return st;
		}
		if (!server || url_tftp_name(&u, name, sizeof name) < 0) {
			ERR(L"%a %a: no TFTP fallback for this URL", what, url);
			free_buf(&d);
			return st;
		}
		via = L"tftp";
		free_buf(&d);
		d.http_code = 0;
		st = tftp_get(net, server, name, &d);
	}
	if (EFI_ERROR(st)) {
		free_buf(&d);
		return st;
	}
	finished(&d, via);
	st = verify(&d, pin);
	if (EFI_ERROR(st)) {
		free_buf(&d);
		return st;
	}
	ret->buf = d.buf;
	ret->len = d.len;
	ret->pages = d.pages;
	return EFI_SUCCESS;
}

void blob_free(struct blob *b)
{
	if (b->buf)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(UINTN)b->buf, b->pages);
	b->buf = NULL;
	b->len = 0;
	b->pages = 0;
}
