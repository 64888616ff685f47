/* tftp.c: read one file through the PXE base code's Mtftp()
 * (UEFI 2.10 section 24.3; TFTP RFC 1350 with the blksize and tsize
 * options of RFC 2348 and RFC 2349, which the firmware negotiates).
 *
 * First the size (tsize), bounded before anything is allocated, then the
 * read into a buffer of exactly that size: Mtftp returns
 * EFI_BUFFER_TOO_SMALL rather than overrun it, so a server that lied about
 * tsize cannot make us write past the limit. Mtftp blocks until done; its
 * retransmissions and timeouts are the firmware's own, bounded per packet.
 * Window size (RFC 7440) is the firmware's choice too: EDK2 takes it from
 * a build-time PCD (OVMF asks netbootd for 4), the API has no field.
 */
#include "efi-shim/fetch.h"

/* The largest block that fits a 1500-byte Ethernet frame:
 * 1500 - 20 (IPv4) - 8 (UDP) - 4 (TFTP header). */
#define TFTP_BLKSIZE 1468

static void tftp_error(struct net *net, const char *name, const UINT8 ip[4], EFI_STATUS st)
{
	EFI_PXE_BASE_CODE_MODE *m = net->pxe->Mode;

	/* The text only: EDK2 leaves TftpError.ErrorCode 0 (seen with OVMF). */
	if (st == EFI_TFTP_ERROR && m->TftpErrorReceived)
		ERR(L"tftp: %d.%d.%d.%d:%a: server says \"%a\"", ip[0], ip[1], ip[2], ip[3],
		    name, m->TftpError.ErrorString);
	else
		ERR(L"tftp: %d.%d.%d.%d:%a: %s", ip[0], ip[1], ip[2], ip[3], name,
		    efi_status_str(st));
}

EFI_STATUS tftp_get(struct net *net, const UINT8 server[4], const char *name,
		    struct download *d)
{
	EFI_PXE_BASE_CODE_PROTOCOL *pxe = net->pxe;
	EFI_IP_ADDRESS ip;
	UINT64 size = 0;
	UINTN blksize = TFTP_BLKSIZE;
	EFI_STATUS st;

	ZeroMem(&ip, sizeof ip);
	CopyMem(ip.v4.Addr, server, 4);
	st = pxe->Mtftp(pxe, EFI_PXE_BASE_CODE_TFTP_GET_FILE_SIZE, NULL, FALSE, &size,
			&blksize, &ip, (UINT8 *)name, NULL, FALSE);
	if (st == EFI_TFTP_ERROR) {
		tftp_error(net, name, server, st);     /* not found, access denied */
		return EFI_NOT_FOUND;
	}
	/* A server without tsize: allocate the limit and let Mtftp stop at it. */
	st = EFI_ERROR(st) ? dl_begin(d, 0, 0) : dl_begin(d, size, 1);
	if (EFI_ERROR(st))
		return st;
	LOG(L"tftp: %d.%d.%d.%d:%a: reading %ld bytes, blksize %d", server[0], server[1],
	    server[2], server[3], name, d->cap, (int)blksize);

	size = d->cap;
	blksize = TFTP_BLKSIZE;
	st = pxe->Mtftp(pxe, EFI_PXE_BASE_CODE_TFTP_READ_FILE, d->buf, FALSE, &size,
			&blksize, &ip, (UINT8 *)name, NULL, FALSE);
	if (st == EFI_BUFFER_TOO_SMALL) {
		ERR(L"tftp: %a: larger than the %ld bytes allowed", name, d->cap);
		return EFI_BAD_BUFFER_SIZE;
	}
	if (EFI_ERROR(st)) {
		tftp_error(net, name, server, st);
		return st;
	}
	return dl_advance(d, size);
}
