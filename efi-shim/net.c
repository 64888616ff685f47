/* net.c: find the NIC, our IPv4 address and the boot server.
 *
 * PXE-loaded (the normal case): the firmware's PXE base code is on our
 * LoadedImage->DeviceHandle and its Mode holds the DHCP ACK, the proxyDHCP
 * offer (netbootd) and maybe a PXE reply from port 4011. Those name the
 * server that gave us our own image, so it is the server to ask for the
 * plan. Started from disk ("flash"): connect every NIC's drivers, then run
 * DHCP through the first PXE base code that gets a lease.
 *
 * EDK2 (OVMF) installs the PXE base code on a per-IP-version child of the
 * NIC handle (device path .../MAC(..)/IPv4(..)); the HTTP service binding
 * and SNP sit on the NIC handle itself. We keep both handles.
 */
#include "efi-shim/net.h"

static void ip_copy(UINT8 dst[4], const UINT8 *src)
{
	for (int i = 0; i < 4; i++)
		dst[i] = src[i];
}

static int ip_zero(const UINT8 *ip)
{
	return (ip[0] | ip[1] | ip[2] | ip[3]) == 0;
}

/* The boot server: PXE reply (port 4011), else the proxy offer, else the
 * DHCP ACK's siaddr, the order PXE 2.1 gives them precedence in. */
static void pick_server(struct net *n)
{
	EFI_PXE_BASE_CODE_MODE *m = n->pxe->Mode;

	if (m->PxeReplyReceived && !ip_zero(m->PxeReply.Dhcpv4.BootpSiAddr))
		ip_copy(n->server, m->PxeReply.Dhcpv4.BootpSiAddr);
	else if (m->ProxyOfferReceived && !ip_zero(m->ProxyOffer.Dhcpv4.BootpSiAddr))
		ip_copy(n->server, m->ProxyOffer.Dhcpv4.BootpSiAddr);
	else if (m->DhcpAckReceived && !ip_zero(m->DhcpAck.Dhcpv4.BootpSiAddr))
		ip_copy(n->server, m->DhcpAck.Dhcpv4.BootpSiAddr);
	else
		return;
	n->has_server = 1;
}

/* Fill the rest of *n from the PXE base code's mode and the NIC's SNP. */
static void read_mode(struct net *n)
{
	EFI_PXE_BASE_CODE_MODE *m = n->pxe->Mode;
	EFI_DEVICE_PATH *dp;
	EFI_SIMPLE_NETWORK *snp = NULL;
	EFI_STATUS st;

	ip_copy(n->ip, m->StationIp.v4.Addr);
	ip_copy(n->mask, m->SubnetMask.v4.Addr);
	n->has_ip = !ip_zero(n->ip);
	pick_server(n);

	n->path = DevicePathFromHandle(n->pxe_handle);
	dp = n->path;
	if (dp) {
		st = BS->LocateDevicePath(&SimpleNetworkProtocol, &dp, &n->nic_handle);
		if (!EFI_ERROR(st))
			BS->HandleProtocol(n->nic_handle, &SimpleNetworkProtocol, (void **)&snp);
	}
	if (!n->nic_handle)
		n->nic_handle = n->pxe_handle;
	if (snp && snp->Mode && snp->Mode->HwAddressSize >= 6) {
		for (int i = 0; i < 6; i++)
			n->mac[i] = snp->Mode->CurrentAddress.Addr[i];
		n->has_mac = 1;
	} else if (m->DhcpAckReceived && m->DhcpAck.Dhcpv4.BootpHwAddrLen == 6) {
		for (int i = 0; i < 6; i++)
			n->mac[i] = m->DhcpAck.Dhcpv4.BootpHwAddr[i];
		n->has_mac = 1;
	}
}

static void log_found(const struct net *n, const CHAR16 *how)
{
	LOG(L"net: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, ip %d.%d.%d.%d/%d.%d.%d.%d",
	    how, n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5],
	    n->ip[0], n->ip[1], n->ip[2], n->ip[3], n->mask[0], n->mask[1], n->mask[2], n->mask[3]);
	if (n->has_server)
		LOG(L"net: boot server %d.%d.%d.%d", n->server[0], n->server[1], n->server[2], n->server[3]);
}

/* PXE-loaded: the base code on our own device handle, already configured. */
static EFI_STATUS from_loaded_image(EFI_HANDLE image, struct net *n)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	if (!li->DeviceHandle)
		return EFI_NOT_FOUND;
	st = BS->HandleProtocol(li->DeviceHandle, &PxeBaseCodeProtocol, (void **)&n->pxe);
	if (EFI_ERROR(st))
		return st;
	if (!n->pxe->Mode->Started || !n->pxe->Mode->DhcpAckReceived)
		return EFI_NOT_READY;
	n->pxe_handle = li->DeviceHandle;
	n->pxe_booted = 1;
	return EFI_SUCCESS;
}

/* From disk: bring every NIC's network stack up, then DHCP on each PXE
 * base code until one gets a lease. The firmware's Dhcp() has its own
 * bounded retransmission schedule (RFC 2131 section 4.1, about 30 s in
 * EDK2's PxeBcDxe), so this cannot hang. */
static EFI_STATUS from_dhcp(struct net *n)
{
	EFI_HANDLE *h = NULL;
	UINTN count = 0;
	EFI_STATUS st, last = EFI_NOT_FOUND;

	st = BS->LocateHandleBuffer(ByProtocol, &SimpleNetworkProtocol, NULL, &count, &h);
	if (!EFI_ERROR(st)) {
		for (UINTN i = 0; i < count; i++)
			BS->ConnectController(h[i], NULL, NULL, TRUE);
		FreePool(h);
	}
	h = NULL;
	st = BS->LocateHandleBuffer(ByProtocol, &PxeBaseCodeProtocol, NULL, &count, &h);
	if (EFI_ERROR(st)) {
		ERR(L"net: no network card with a PXE base code: %s", efi_status_str(st));
		return st;
	}
	for (UINTN i = 0; i < count && i < 16; i++) {
		EFI_PXE_BASE_CODE_PROTOCOL *pxe;
		st = BS->HandleProtocol(h[i], &PxeBaseCodeProtocol, (void **)&pxe);
		if (EFI_ERROR(st))
			continue;
		if (pxe->Mode->UsingIpv6)
			continue;
		if (!pxe->Mode->Started) {
			st = pxe->Start(pxe, FALSE);
			if (EFI_ERROR(st) && st != EFI_ALREADY_STARTED) {
				ERR(L"net: NIC %d: PXE Start: %s", (int)i, efi_status_str(st));
				last = st;
				continue;
			}
		}
		if (!pxe->Mode->DhcpAckReceived) {
			LOG(L"net: NIC %d: DHCP...", (int)i);
			st = pxe->Dhcp(pxe, FALSE);
			if (EFI_ERROR(st)) {
				ERR(L"net: NIC %d: DHCP: %s", (int)i, efi_status_str(st));
				last = st;
				continue;
			}
		}
		n->pxe = pxe;
		n->pxe_handle = h[i];
		FreePool(h);
		return EFI_SUCCESS;
	}
	FreePool(h);
	return last;
}

EFI_STATUS net_init(EFI_HANDLE image, struct net *ret)
{
	struct net n;
	EFI_STATUS st;

	ZeroMem(&n, sizeof n);
	st = from_loaded_image(image, &n);
	if (EFI_ERROR(st)) {
		st = from_dhcp(&n);
		if (EFI_ERROR(st)) {
			ERR(L"net: no network: %s", efi_status_str(st));
			return st;
		}
	}
	read_mode(&n);
	if (!n.has_ip) {
		ERR(L"net: the PXE base code has no IPv4 address");
		return EFI_NO_MAPPING;
	}
	log_found(&n, n.pxe_booted ? L"loaded by PXE" : L"DHCP");
	*ret = n;
	return EFI_SUCCESS;
}
