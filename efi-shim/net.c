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
 *
 * EDK2's PXE Dhcp() accepts only offers that name a boot file (a PXE
 * server, like netbootd's proxyDHCP, must answer). On a LAN with a plain
 * DHCP server only it fails with EFI_NO_RESPONSE; then the firmware's
 * IPv4 configuration (Ip4Config2, DHCP policy) gets the address, the PXE
 * base code is told it with SetStationIp so Mtftp still works, and the
 * server comes from the stamped plan.
 */
#include "efi-shim/net.h"
#include "plan/mac.h"

#define IP4CONFIG_WAIT_MS 20000      /* DHCP through Ip4Config2: lease or give up */

static EFI_GUID ip4config2_guid = EFI_IP4_CONFIG2_PROTOCOL_GUID;

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
	char mac[18];

	/* Lower-case and colon-separated, as netbootd logs MACs. */
	nb_mac_format(n->mac, ':', mac);
	LOG(L"net: %s, mac %a, ip %d.%d.%d.%d/%d.%d.%d.%d", how, n->has_mac ? mac : "unknown",
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

/* The PXE base code instance on an IPv6 child: not ours (we boot IPv4). */
static int is_ipv6_child(EFI_HANDLE h)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(h), *last = NULL;

	for (unsigned i = 0; dp && !IsDevicePathEnd(dp) && i < 64; i++) {
		last = dp;
		dp = NextDevicePathNode(dp);
	}
	return last && DevicePathType(last) == MESSAGING_DEVICE_PATH &&
	       DevicePathSubType(last) == MSG_IPv6_DP;
}

/* DHCP through the firmware's IPv4 configuration of the NIC below pxe_handle,
 * polled until it has an address, at most IP4CONFIG_WAIT_MS; then the PXE
 * base code is started (if it is not) and told the address, so that Mtftp
 * works. EDK2's DHCP4 service lets one child at a time be configured: the
 * PXE base code must not be in the middle of its own Dhcp() meanwhile. */
static EFI_STATUS ip4config_dhcp(EFI_HANDLE pxe_handle, EFI_PXE_BASE_CODE_PROTOCOL *pxe)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(pxe_handle);
	EFI_IP4_CONFIG2_PROTOCOL *cfg;
	EFI_IP4_CONFIG2_POLICY policy = Ip4Config2PolicyDhcp;
	/* The interface info is followed by its route table: room for 64 routes
	 * (EDK2 fills nothing when the buffer is too small for all of it). */
	union {
		EFI_IP4_CONFIG2_INTERFACE_INFO info;
		UINT8 room[sizeof(EFI_IP4_CONFIG2_INTERFACE_INFO) + 64 * sizeof(EFI_IP4_ROUTE_TABLE)];
	} u;
	EFI_IP4_CONFIG2_INTERFACE_INFO *info = &u.info;
	EFI_IP_ADDRESS ip, mask;
	EFI_HANDLE h = NULL;
	EFI_STATUS st;
	UINT64 deadline;

	st = dp ? BS->LocateDevicePath(&ip4config2_guid, &dp, &h) : EFI_NOT_FOUND;
	if (!EFI_ERROR(st))
		st = BS->HandleProtocol(h, &ip4config2_guid, (void **)&cfg);
	if (EFI_ERROR(st)) {
		ERR(L"net: no IPv4 configuration protocol on this NIC: %s", efi_status_str(st));
		return st;
	}
	st = cfg->SetData(cfg, Ip4Config2DataTypePolicy, sizeof policy, &policy);
	if (EFI_ERROR(st) && st != EFI_NOT_READY) {
		ERR(L"net: Ip4Config2 DHCP policy: %s", efi_status_str(st));
		return st;
	}
	LOG(L"net: DHCP through the firmware's IPv4 configuration...");
	deadline = clock_ms() + IP4CONFIG_WAIT_MS;
	for (unsigned i = 0; i < 100000; i++) {
		UINTN size = sizeof u;
		ZeroMem(&u, sizeof u);
		st = cfg->GetData(cfg, Ip4Config2DataTypeInterfaceInfo, &size, &u);
		if (!EFI_ERROR(st) &&
		    (info->StationAddress.Addr[0] | info->StationAddress.Addr[1] |
		     info->StationAddress.Addr[2] | info->StationAddress.Addr[3]))
			break;
		if (clock_ms() > deadline) {
			ERR(L"net: no DHCP lease within %d s", IP4CONFIG_WAIT_MS / 1000);
			return EFI_TIMEOUT;
		}
		BS->Stall(100000);
	}
	ZeroMem(&ip, sizeof ip);
	ZeroMem(&mask, sizeof mask);
	CopyMem(ip.v4.Addr, info->StationAddress.Addr, 4);
	CopyMem(mask.v4.Addr, info->SubnetMask.Addr, 4);
	if (!pxe->Mode->Started) {
		st = pxe->Start(pxe, FALSE);
		if (EFI_ERROR(st) && st != EFI_ALREADY_STARTED) {
			ERR(L"net: PXE Start: %s (TFTP will not work)", efi_status_str(st));
			return EFI_SUCCESS;
		}
	}
	st = pxe->SetStationIp(pxe, &ip, &mask);
	if (EFI_ERROR(st))
		ERR(L"net: PXE SetStationIp: %s (TFTP will not work)", efi_status_str(st));
	return EFI_SUCCESS;
}

/* From disk: bring every NIC's network stack up, then get a lease on the
 * first NIC that can: PXE Dhcp() first, so that a proxyDHCP (netbootd) can
 * name the server; when no PXE server answers, the firmware's IPv4
 * configuration. PXE Dhcp() ends by itself (EDK2: about 60 s without a
 * PXE offer, its RFC 2131 retransmission schedule), a cost paid only where
 * nobody answers PXE; Ip4Config2 is waited for with a deadline. */
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
		UINT64 t0;

		if (is_ipv6_child(h[i]))
			continue;
		st = BS->HandleProtocol(h[i], &PxeBaseCodeProtocol, (void **)&pxe);
		if (EFI_ERROR(st))
			continue;
		if (pxe->Mode->Started && pxe->Mode->DhcpAckReceived)
			goto found;
		if (!pxe->Mode->Started) {
			st = pxe->Start(pxe, FALSE);
			if (EFI_ERROR(st) && st != EFI_ALREADY_STARTED) {
				ERR(L"net: NIC %d: PXE Start: %s", (int)i, efi_status_str(st));
				last = st;
				continue;
			}
		}
		LOG(L"net: NIC %d: PXE DHCP...", (int)i);
		t0 = clock_ms();
		st = pxe->Dhcp(pxe, FALSE);
		if (!EFI_ERROR(st))
			goto found;
		ERR(L"net: NIC %d: PXE DHCP: %s after %ld ms (no PXE server answered?)",
		    (int)i, efi_status_str(st), clock_ms() - t0);
		last = st;
		pxe->Stop(pxe);                   /* frees its DHCP4 child for Ip4Config2 */
		if (!EFI_ERROR(ip4config_dhcp(h[i], pxe)))
			goto found;
		continue;
found:
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
	log_found(&n, n.pxe_booted ? L"loaded by PXE" :
		  n.pxe->Mode->DhcpAckReceived ? L"PXE DHCP" : L"DHCP (Ip4Config2)");
	*ret = n;
	return EFI_SUCCESS;
}
