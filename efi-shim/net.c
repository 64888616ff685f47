/* net.c: find the NIC, our IPv4 address and the boot server, on each of
 * the three ways alpineboot.efi can be started (issue 10: the NIC that
 * booted is the NIC that is configured, and nothing waits on the others).
 *
 * PXE-loaded (the normal case): the firmware's PXE base code is on our
 * LoadedImage->DeviceHandle and its Mode holds the DHCP ACK, the proxyDHCP
 * offer (netbootd) and maybe a PXE reply from port 4011. Those name the
 * server that gave us our own image, so it is the server to ask for the
 * plan. No DHCP of ours at all.
 *
 * Loaded by UEFI HTTP Boot (UEFI 2.10 section 24.7; EDK2 HttpBootDxe):
 * there is no PXE base code on our device handle. Its device path is
 * .../MAC(..)/IPv4(..)/Uri(http://SRV/alpineboot.efi): the MAC node names
 * the NIC, the URI node the server ("http://SRV" is the plan's base), and
 * EDK2 writes the address its DHCP got into the IPv4 node (else we ask
 * the NIC's Ip4Config2). Files then come over HTTP only.
 *
 * Started from disk ("flash"): nics.c picks the NIC.
 *
 * EDK2 (OVMF) installs the PXE base code on a per-IP-version child of the
 * NIC handle (device path .../MAC(..)/IPv4(..)); the HTTP service binding
 * and SNP sit on the NIC handle itself. We keep both handles.
 */
#include "efi-shim/net.h"
#include "efi-shim/url.h"
#include "plan/mac.h"
#include "plan/str.h"

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
	EFI_PXE_BASE_CODE_MODE *m = n->pxe ? n->pxe->Mode : NULL;
	EFI_DEVICE_PATH *dp;
	EFI_SIMPLE_NETWORK *snp = NULL;
	EFI_STATUS st;

	if (ip_zero(n->ip) && m) {
		ip_copy(n->ip, m->StationIp.v4.Addr);
		ip_copy(n->mask, m->SubnetMask.v4.Addr);
	}
	n->has_ip = !ip_zero(n->ip);
	if (m && !n->has_server)
		pick_server(n);
	if (n->has_mac)
		return;                           /* nics.c or the device path said */
	if (!n->path)
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
	} else if (m && m->DhcpAckReceived && m->DhcpAck.Dhcpv4.BootpHwAddrLen == 6) {
		for (int i = 0; i < 6; i++)
			n->mac[i] = m->DhcpAck.Dhcpv4.BootpHwAddr[i];
		n->has_mac = 1;
	}
}

static void log_found(const struct net *n, const CHAR16 *how, const CHAR16 *why)
{
	char mac[18];

	/* Lower-case and colon-separated, as netbootd logs MACs. */
	nb_mac_format(n->mac, ':', mac);
	LOG(L"using NIC %a (%s)", n->has_mac ? mac : "unknown", why);
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
	n->path = DevicePathFromHandle(li->DeviceHandle);
	n->pxe_booted = 1;
	return EFI_SUCCESS;
}

/* "http://host[:port]" of an HTTP Boot URI node into n->base, and the
 * server's address when host is one. 0, or -1 when the URI is not an
 * http:// URL we can use (https://, too long). */
static int uri_base(const URI_DEVICE_PATH *node, struct net *n)
{
	UINTN len = DevicePathNodeLength(&node->Header);
	const char *uri = (const char *)node->Uri;
	struct url u;
	struct nb_buf b;

	if (len <= sizeof node->Header)
		return -1;
	len -= sizeof node->Header;
	while (len > 0 && uri[len - 1] == 0)
		len--;
	if (url_parse(uri, (size_t)len, &u) < 0)
		return -1;
	nb_buf_init(&b, n->base, sizeof n->base);
	nb_buf_puts(&b, "http://");
	nb_buf_puts(&b, u.host);
	if (u.port != 80) {
		nb_buf_putc(&b, ':');
		nb_buf_putu(&b, u.port);
	}
	if (u.has_ip) {
		ip_copy(n->server, u.ip);
		n->has_server = 1;
	}
	return 0;
}

#define IPV4_NODE_MIN (__builtin_offsetof(IPv4_DEVICE_PATH, SubnetMask) + sizeof(EFI_IPv4_ADDRESS))

/* The address HTTP Boot configured: the IPv4 node EDK2 fills in, else
 * the NIC's Ip4Config2 (firmware that configures through it). */
static void http_boot_address(const IPv4_DEVICE_PATH *ip4, struct net *n)
{
	union {
		EFI_IP4_CONFIG2_INTERFACE_INFO info;
		UINT8 room[sizeof(EFI_IP4_CONFIG2_INTERFACE_INFO) + 64 * sizeof(EFI_IP4_ROUTE_TABLE)];
	} u;
	EFI_IP4_CONFIG2_PROTOCOL *cfg;
	UINTN size = sizeof u;

	/* SubnetMask came with UEFI 2.0: only in a node long enough for it.
	 * Not sizeof: EDK2's node is packed, 27 bytes; gnu-efi's struct is
	 * padded to 28 (same offsets). */
	if (ip4 && (UINTN)DevicePathNodeLength(&ip4->Header) >= IPV4_NODE_MIN &&
	    !ip_zero(ip4->LocalIpAddress.Addr)) {
		ip_copy(n->ip, ip4->LocalIpAddress.Addr);
		ip_copy(n->mask, ip4->SubnetMask.Addr);
		return;
	}
	if (!n->nic_handle ||
	    EFI_ERROR(BS->HandleProtocol(n->nic_handle, &ip4config2_guid, (void **)&cfg)))
		return;
	ZeroMem(&u, sizeof u);
	if (EFI_ERROR(cfg->GetData(cfg, Ip4Config2DataTypeInterfaceInfo, &size, &u)))
		return;
	ip_copy(n->ip, u.info.StationAddress.Addr);
	ip_copy(n->mask, u.info.SubnetMask.Addr);
}

/* Loaded by UEFI HTTP Boot: our device handle's path ends in a URI node. */
static EFI_STATUS from_http_boot(EFI_HANDLE dev, struct net *n)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(dev), *p, *rest;
	const URI_DEVICE_PATH *uri = NULL;
	const MAC_ADDR_DEVICE_PATH *mac = NULL;
	const IPv4_DEVICE_PATH *ip4 = NULL;

	for (p = dp; p && !IsDevicePathEnd(p); p = NextDevicePathNode(p)) {
		if (DevicePathType(p) == MESSAGING_DEVICE_PATH && DevicePathSubType(p) == MSG_URI_DP)
			uri = (const URI_DEVICE_PATH *)p;
		else if (DevicePathType(p) == MESSAGING_DEVICE_PATH &&
			 DevicePathSubType(p) == MSG_MAC_ADDR_DP)
			mac = (const MAC_ADDR_DEVICE_PATH *)p;
		else if (DevicePathType(p) == MESSAGING_DEVICE_PATH &&
			 DevicePathSubType(p) == MSG_IPv4_DP)
			ip4 = (const IPv4_DEVICE_PATH *)p;
		if ((UINTN)DevicePathNodeLength(p) < sizeof(EFI_DEVICE_PATH_PROTOCOL))
			break;                        /* malformed: do not loop on it */
	}
	if (!uri)
		return EFI_NOT_FOUND;
	if (uri_base(uri, n) < 0) {
		ERR(L"net: loaded by HTTP Boot from a URI that is not a usable http:// URL");
		return EFI_UNSUPPORTED;
	}
	n->http_booted = 1;
	n->path = dp;
	rest = dp;
	if (EFI_ERROR(BS->LocateDevicePath(&SimpleNetworkProtocol, &rest, &n->nic_handle)))
		n->nic_handle = dev;
	if (mac) {
		CopyMem(n->mac, mac->MacAddress.Addr, 6);
		n->has_mac = 1;
	}
	http_boot_address(ip4, n);
	return EFI_SUCCESS;
}

EFI_STATUS net_init(EFI_HANDLE image, const struct net_hint *hint, struct net *ret)
{
	struct net n;
	EFI_LOADED_IMAGE *li = NULL;
	const CHAR16 *how, *why = L"";
	EFI_STATUS st;

	ZeroMem(&n, sizeof n);
	st = from_loaded_image(image, &n);
	if (EFI_ERROR(st))
		ZeroMem(&n, sizeof n);        /* a PXE base code that never got a lease */
	if (!EFI_ERROR(st)) {
		how = L"loaded by PXE";
		why = L"the firmware loaded alpineboot.efi through it over PXE";
	} else if (!EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li)) &&
		   li->DeviceHandle && !EFI_ERROR(from_http_boot(li->DeviceHandle, &n))) {
		how = L"loaded by UEFI HTTP Boot";
		why = L"the firmware loaded alpineboot.efi through it by HTTP Boot";
	} else {
		ZeroMem(&n, sizeof n);
		st = nic_from_disk(hint, &n, &why);
		if (EFI_ERROR(st)) {
			ERR(L"net: no network: %s", efi_status_str(st));
			return st;
		}
		how = n.pxe && n.pxe->Mode->DhcpAckReceived ? L"PXE DHCP" : L"DHCP (Ip4Config2)";
	}
	read_mode(&n);
	if (!n.has_ip) {
		ERR(L"net: no IPv4 address on this NIC");
		return EFI_NO_MAPPING;
	}
	log_found(&n, how, why);
	if (n.http_booted)
		LOG(L"net: server %a (from the HTTP Boot URI)", n.base);
	*ret = n;
	return EFI_SUCCESS;
}
