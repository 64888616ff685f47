/* http.c: GET one URL through the firmware's EFI_HTTP_PROTOCOL
 * (UEFI 2.10 section 29.6; EDK2's HttpDxe in OVMF).
 *
 * Shape of one transfer: a child of the NIC's HTTP service binding,
 * Configure with our PXE-given address (PXE booting leaves EDK2's
 * Ip4Config2 policy static and empty, so UseDefaultAddress would give
 * EFI_NO_MAPPING), Request, a Response for the headers only, then Response
 * calls for the body in chunks straight into the download buffer. Every
 * token is waited for with Poll() against a deadline: no wait without a
 * timeout. The body must be announced by Content-Length (netbootd always
 * sends it) and is believed only within the plan's limits (bounds.c).
 */
#include "efi-shim/fetch.h"
#include "efi-shim/ucs2.h"
#include "plan/str.h"

#define HTTP_TIMEOUT_MS   15000          /* no progress for this long: give up */
#define HTTP_CHUNK        (1U << 20)     /* body bytes per Response() call */
#define HTTP_MAX_CALLS    (1U << 22)     /* bounds the body loop by count too */

static EFI_GUID http_sb_guid = EFI_HTTP_SERVICE_BINDING_PROTOCOL_GUID;
static EFI_GUID http_guid = EFI_HTTP_PROTOCOL_GUID;

/* EFI_HTTP_STATUS_CODE is an enum; these are its numbers in enum order
 * (UEFI 2.10 section 29.6.2.2, EDK2 MdePkg/Include/Protocol/Http.h). */
static const UINT16 http_status_num[] = {
	0, 100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304,
	305, 307, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412,
	413, 414, 415, 416, 417, 500, 501, 502, 503, 504, 505, 308,
};

static unsigned status_number(EFI_HTTP_STATUS_CODE c)
{
	return c < sizeof http_status_num / sizeof http_status_num[0] ? http_status_num[c] : 0;
}

struct http_xfer {
	EFI_SERVICE_BINDING *sb;
	EFI_HANDLE child;
	EFI_HTTP_PROTOCOL *http;
	EFI_EVENT event;
	volatile BOOLEAN done;
};

static VOID EFIAPI on_done(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	*(volatile BOOLEAN *)ctx = TRUE;
}

/* Wait for the current token: EFI_SUCCESS when it completed (its own
 * status is in the token), EFI_TIMEOUT when the deadline passed first. */
static EFI_STATUS wait_token(struct http_xfer *x, EFI_HTTP_TOKEN *tok)
{
	UINT64 deadline = clock_ms() + HTTP_TIMEOUT_MS;
	UINTN polls = 0;

	while (!x->done) {
		x->http->Poll(x->http);
		if (clock_ms() > deadline || ++polls > 50000000) {
			x->http->Cancel(x->http, tok);
			return EFI_TIMEOUT;
		}
	}
	return EFI_SUCCESS;
}

/* Content-Length, RFC 9110 section 8.6: digits only, at most 2^64 - 1. */
static int content_length(const EFI_HTTP_MESSAGE *m, UINT64 *ret)
{
	static const char name[] = "content-length";

	for (UINTN i = 0; i < m->HeaderCount; i++) {
		const CHAR8 *n = m->Headers[i].FieldName, *v = m->Headers[i].FieldValue;
		UINTN k;
		if (!n || !v)
			continue;
		for (k = 0; name[k]; k++) {
			CHAR8 c = n[k];
			if (c >= 'A' && c <= 'Z')
				c = (CHAR8)(c - 'A' + 'a');
			if (c != (CHAR8)name[k])
				break;
		}
		if (name[k] || n[k])
			continue;
		while (*v == ' ' || *v == '\t')
			v++;
		const CHAR8 *d = v;
		uint64_t x;

		while (*v >= '0' && *v <= '9')
			v++;
		size_t dn = (size_t)(v - d);

		while (*v == ' ' || *v == '\t')
			v++;
		/* plan/str.c's parser: digits only, bounded, no overflow. */
		if (*v || nb_parse_u64((const char *)d, dn, UINT64_MAX, &x) < 0)
			return 0;
		*ret = x;
		return 1;
	}
	return 0;
}

static EFI_STATUS open_child(struct net *net, struct http_xfer *x)
{
	EFI_DEVICE_PATH *dp = net->path;
	EFI_HANDLE h = NULL;
	EFI_STATUS st;

	/* The service binding is on the NIC handle once HttpDxe is connected;
	 * connecting again is harmless and covers firmware that connects
	 * network drivers only on demand. */
	if (net->nic_handle)
		BS->ConnectController(net->nic_handle, NULL, NULL, TRUE);
	st = dp ? BS->LocateDevicePath(&http_sb_guid, &dp, &h) : EFI_NOT_FOUND;
	if (EFI_ERROR(st))
		st = BS->HandleProtocol(net->nic_handle, &http_sb_guid, (void **)&x->sb);
	else
		st = BS->HandleProtocol(h, &http_sb_guid, (void **)&x->sb);
	if (EFI_ERROR(st)) {
		LOG(L"http: the firmware has no HTTP service on this NIC (%s): using TFTP",
		    efi_status_str(st));
		return EFI_UNSUPPORTED;
	}
	st = x->sb->CreateChild(x->sb, &x->child);
	if (EFI_ERROR(st)) {
		ERR(L"http: CreateChild: %s", efi_status_str(st));
		return EFI_UNSUPPORTED;
	}
	st = BS->HandleProtocol(x->child, &http_guid, (void **)&x->http);
	if (EFI_ERROR(st)) {
		ERR(L"http: no HTTP protocol on the child: %s", efi_status_str(st));
		return EFI_UNSUPPORTED;
	}
	st = BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_done, (VOID *)&x->done, &x->event);
	if (EFI_ERROR(st)) {
		ERR(L"http: CreateEvent: %s", efi_status_str(st));
		return st;
	}
	return EFI_SUCCESS;
}

static void close_child(struct http_xfer *x)
{
	if (x->http)
		x->http->Configure(x->http, NULL);
	if (x->event)
		BS->CloseEvent(x->event);
	if (x->child)
		x->sb->DestroyChild(x->sb, x->child);
}

static EFI_STATUS configure(struct net *net, struct http_xfer *x)
{
	EFI_HTTPv4_ACCESS_POINT ap;
	EFI_HTTP_CONFIG_DATA cfg;
	EFI_STATUS st;

	ZeroMem(&ap, sizeof ap);
	ZeroMem(&cfg, sizeof cfg);
	cfg.HttpVersion = HttpVersion11;
	cfg.TimeOutMillisec = HTTP_TIMEOUT_MS;
	cfg.LocalAddressIsIPv6 = FALSE;
	cfg.AccessPoint.IPv4Node = &ap;
	ap.UseDefaultAddress = FALSE;
	CopyMem(&ap.LocalAddress, net->ip, 4);
	CopyMem(&ap.LocalSubnet, net->mask, 4);
	st = x->http->Configure(x->http, &cfg);
	if (!EFI_ERROR(st))
		return st;
	/* Firmware whose own IP configuration is up (started from disk after
	 * Ip4Config2 DHCP) may insist on its default address. */
	ap.UseDefaultAddress = TRUE;
	st = x->http->Configure(x->http, &cfg);
	if (EFI_ERROR(st))
		ERR(L"http: Configure: %s", efi_status_str(st));
	return st;
}

/* Run one token to completion: Request or Response, then wait. The
 * token's own status when it completed, else why it did not. */
static EFI_STATUS run_token(struct http_xfer *x, EFI_HTTP_TOKEN *tok, int response)
{
	EFI_STATUS st;

	tok->Event = x->event;
	tok->Status = EFI_NOT_READY;
	x->done = FALSE;
	st = response ? x->http->Response(x->http, tok) : x->http->Request(x->http, tok);
	if (!EFI_ERROR(st))
		st = wait_token(x, tok);
	if (!EFI_ERROR(st))
		st = tok->Status;
	return st;
}

/* "host[:port]" for the Host header (RFC 9110 section 7.2): HttpDxe sends
 * only the headers we give it. */
static void host_header(const struct url *u, char *out)
{
	size_t n = 0;
	char digits[6];
	int k = 0;

	for (const char *p = u->host; *p; p++)
		out[n++] = *p;
	if (u->port != 80) {
		for (unsigned v = u->port; v; v /= 10)
			digits[k++] = (char)('0' + v % 10);
		out[n++] = ':';
		while (k)
			out[n++] = digits[--k];
	}
	out[n] = 0;
}

static EFI_STATUS send_request(struct http_xfer *x, const struct url *u, struct download *d)
{
	EFI_HTTP_REQUEST_DATA req;
	EFI_HTTP_HEADER hdr[3];
	EFI_HTTP_MESSAGE msg;
	EFI_HTTP_TOKEN tok;
	CHAR16 url16[NB_URL_MAX];
	char host[sizeof u->host + 8];
	size_t units, ulen = 0;
	EFI_STATUS st;

	while (ulen < NB_URL_MAX && d->url[ulen])
		ulen++;
	if (ucs2_from_utf8((const uint8_t *)d->url, ulen, url16, NB_URL_MAX, &units) < 0) {
		ERR(L"http: URL not representable: %a", d->url);
		return EFI_INVALID_PARAMETER;
	}
	host_header(u, host);
	hdr[0].FieldName = (CHAR8 *)"Host";
	hdr[0].FieldValue = (CHAR8 *)host;
	hdr[1].FieldName = (CHAR8 *)"User-Agent";
	hdr[1].FieldValue = (CHAR8 *)"alpineboot/1";
	hdr[2].FieldName = (CHAR8 *)"Accept";
	hdr[2].FieldValue = (CHAR8 *)"*/*";
	req.Method = HttpMethodGet;
	req.Url = url16;
	ZeroMem(&msg, sizeof msg);
	msg.Data.Request = &req;
	msg.HeaderCount = 3;
	msg.Headers = hdr;
	tok.Message = &msg;
	st = run_token(x, &tok, 0);
	if (EFI_ERROR(st))
		ERR(L"http: GET %a: request: %s", d->url, efi_status_str(st));
	return st;
}

/* The status line and headers (Body NULL makes HttpDxe stop after the
 * header block). EFI_SUCCESS and *ret_len for a 200 with a valid
 * Content-Length; EFI_NOT_FOUND for a 404; other failures logged. */
static EFI_STATUS read_headers(struct http_xfer *x, struct download *d, UINT64 *ret_len)
{
	EFI_HTTP_RESPONSE_DATA resp;
	EFI_HTTP_MESSAGE msg;
	EFI_HTTP_TOKEN tok;
	EFI_STATUS st;
	unsigned code;

	ZeroMem(&msg, sizeof msg);
	ZeroMem(&resp, sizeof resp);
	msg.Data.Response = &resp;
	tok.Message = &msg;
	st = run_token(x, &tok, 1);
	code = status_number(resp.StatusCode);
	d->http_code = code;
	if (EFI_ERROR(st) && st != EFI_HTTP_ERROR) {
		ERR(L"http: GET %a: response: %s", d->url, efi_status_str(st));
	} else if (code != 200) {
		ERR(L"http: GET %a: HTTP %d%s", d->url, code,
		    code == 404 ? L" (not found on the server)" : L"");
		st = code == 404 ? EFI_NOT_FOUND : EFI_PROTOCOL_ERROR;
	} else if (!content_length(&msg, ret_len)) {
		ERR(L"http: GET %a: no valid Content-Length", d->url);
		st = EFI_PROTOCOL_ERROR;
	} else {
		st = EFI_SUCCESS;
	}
	/* The caller frees the header array (UEFI 2.10 section 29.6.2.2). */
	if (msg.Headers)
		FreePool(msg.Headers);
	return st;
}

/* The body, straight into d->buf, at most HTTP_CHUNK per Response(). */
static EFI_STATUS read_body(struct http_xfer *x, struct download *d)
{
	EFI_HTTP_MESSAGE msg;
	EFI_HTTP_TOKEN tok;
	EFI_STATUS st = EFI_SUCCESS;

	for (UINTN calls = 0; d->len < d->cap; calls++) {
		if (calls >= HTTP_MAX_CALLS)
			return EFI_TIMEOUT;
		ZeroMem(&msg, sizeof msg);
		msg.Body = d->buf + d->len;
		msg.BodyLength = (UINTN)(d->cap - d->len > HTTP_CHUNK ? HTTP_CHUNK : d->cap - d->len);
		tok.Message = &msg;
		st = run_token(x, &tok, 1);
		if (EFI_ERROR(st)) {
			ERR(L"http: GET %a: body after %ld of %ld bytes: %s", d->url, d->len, d->cap,
			    efi_status_str(st));
			return st;
		}
		st = dl_advance(d, msg.BodyLength);
		if (EFI_ERROR(st))
			return st;
	}
	return st;
}

EFI_STATUS http_get(struct net *net, const struct url *u, struct download *d)
{
	struct http_xfer x;
	UINT64 clen = 0;
	EFI_STATUS st;

	ZeroMem(&x, sizeof x);
	st = open_child(net, &x);
	if (EFI_ERROR(st))
		goto out;
	if (EFI_ERROR(configure(net, &x))) {
		st = EFI_UNSUPPORTED;
		goto out;
	}
	st = send_request(&x, u, d);
	if (EFI_ERROR(st))
		goto out;
	st = read_headers(&x, d, &clen);
	if (EFI_ERROR(st))
		goto out;
	st = dl_begin(d, clen, 1);
	if (EFI_ERROR(st))
		goto out;
	st = read_body(&x, d);
out:
	close_child(&x);
	return st;
}
