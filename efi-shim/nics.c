/* nics.c: which NIC a loader started from disk boots through (issue 10:
 * "the NIC that booted is the NIC that is configured"; from disk no NIC
 * booted, so it is the one the boot server is reached through).
 *
 * First every controller is connected, as EDK2's BDS "connect all" does:
 * OVMF connects no NIC whose device is not in the boot order, and then
 * there is no SNP, no PXE base code and no IPv4 stack to find (seen with
 * the flash disk alone in the boot order). Then, in this order:
 *   1. the NIC the stamped plan names ("nic aa:bb:..", docs/boot-plan.md);
 *   2. a NIC whose PXE DHCP was already answered (the firmware tried it);
 *   3. the only NIC;
 *   4. with the server's IPv4 address stamped: DHCP through the firmware's
 *      IPv4 configuration (Ip4Config2) on every NIC at once, and the first
 *      NIC whose lease puts the server on its subnet; else, when every NIC
 *      has answered or the wait is over, the first NIC with a lease;
 *      the winner that reaches the server then does PXE DHCP alone, so
 *      that netbootd's proxyDHCP sees (and answers) the boot NIC;
 *   5. without it: PXE DHCP on one NIC after the other, the first that a
 *      PXE server (netbootd's proxyDHCP) answers; each NIC nobody answers
 *      costs EDK2's full PXE DHCP schedule, about 60 s; when none is
 *      answered, step 4's race without a server: the first lease.
 * Step 4 is why a client with a second network (scenario 13: QEMU's user
 * network first on the bus and in the boot order) boots as fast as one
 * with a single NIC: no NIC's DHCP waits for another's.
 *
 * One NIC brought up alone (1-3, 5) tries PXE DHCP first, so a proxyDHCP
 * can name the server, then Ip4Config2 (a LAN with a plain DHCP server
 * only: EDK2's PXE Dhcp() insists on an offer naming a boot file and fails
 * with EFI_NO_RESPONSE). EDK2's DHCP4 service lets one child at a time be
 * configured, so the PXE base code is stopped before Ip4Config2 runs, and
 * afterwards told the address with SetStationIp so that Mtftp works.
 */
#include "efi-shim/net.h"
#include "plan/mac.h"

#define MAX_NICS          8
#define MAX_HANDLES       4096     /* bounds the connect-all walk */
#define IP4CONFIG_WAIT_MS 20000    /* DHCP through Ip4Config2: lease or give up */
#define POLL_MS           100

static EFI_GUID ip4config2_guid = EFI_IP4_CONFIG2_PROTOCOL_GUID;

struct nic {
	EFI_HANDLE handle;                /* SNP */
	EFI_DEVICE_PATH *path;
	UINT8 mac[6];
	EFI_HANDLE pxe_handle;            /* its IPv4 PXE base code, NULL: none */
	EFI_PXE_BASE_CODE_PROTOCOL *pxe;
	EFI_IP4_CONFIG2_PROTOCOL *cfg;    /* NULL: no IPv4 stack */
	UINT8 ip[4], mask[4];
	int leased, dhcp_started;
};

static void mac_str(const UINT8 mac[6], char out[18])
{
	nb_mac_format(mac, ':', out);
}

/* Connect every handle's drivers, recursively (EDK2 BdsLibConnectAll). */
static void connect_all(void)
{
	EFI_HANDLE *h = NULL;
	UINTN count = 0;

	if (EFI_ERROR(BS->LocateHandleBuffer(AllHandles, NULL, NULL, &count, &h)))
		return;
	for (UINTN i = 0; i < count && i < MAX_HANDLES; i++)
		BS->ConnectController(h[i], NULL, NULL, TRUE);
	FreePool(h);
}

static int last_node_is(EFI_DEVICE_PATH *dp, UINT8 type, UINT8 subtype)
{
	EFI_DEVICE_PATH *last = NULL;

	for (unsigned i = 0; dp && !IsDevicePathEnd(dp) && i < 64; i++) {
		last = dp;
		dp = NextDevicePathNode(dp);
	}
	return last && DevicePathType(last) == type && DevicePathSubType(last) == subtype;
}

/* Is path the NIC's path plus one IPv4 node? Compared as bytes: EDK2's
 * PxeBcDxe also installs an SNP on its child (for NBPs that want one on
 * their device handle), so LocateDevicePath(SNP) finds the child itself. */
static int is_ipv4_child_of(EFI_DEVICE_PATH *path, EFI_DEVICE_PATH *nic_path)
{
	UINTN nic_len = DevicePathSize(nic_path) - END_DEVICE_PATH_LENGTH;
	EFI_DEVICE_PATH *tail;

	if (DevicePathSize(path) <= nic_len + END_DEVICE_PATH_LENGTH ||
	    CompareMem(path, nic_path, nic_len) != 0)
		return 0;
	tail = (EFI_DEVICE_PATH *)((UINT8 *)path + nic_len);
	return DevicePathType(tail) == MESSAGING_DEVICE_PATH &&
	       DevicePathSubType(tail) == MSG_IPv4_DP && IsDevicePathEnd(NextDevicePathNode(tail));
}

/* The IPv4 PXE base code on a child of nic (EDK2: .../MAC(..)/IPv4(..)). */
static void find_pxe(struct nic *nic)
{
	EFI_HANDLE *h = NULL;
	UINTN count = 0;

	if (EFI_ERROR(BS->LocateHandleBuffer(ByProtocol, &PxeBaseCodeProtocol, NULL, &count, &h)))
		return;
	for (UINTN i = 0; i < count && i < MAX_HANDLES; i++) {
		EFI_DEVICE_PATH *dp = DevicePathFromHandle(h[i]);

		if (!dp || !is_ipv4_child_of(dp, nic->path))
			continue;
		if (!EFI_ERROR(BS->HandleProtocol(h[i], &PxeBaseCodeProtocol, (void **)&nic->pxe))) {
			nic->pxe_handle = h[i];
			break;
		}
	}
	FreePool(h);
}

/* The NICs: SNP handles whose device path ends in a MAC node (not the
 * VLAN children EDK2 also gives an SNP), in handle order. */
static unsigned find_nics(struct nic *nics)
{
	EFI_HANDLE *h = NULL;
	UINTN count = 0;
	unsigned n = 0;
	char mac[18];

	if (EFI_ERROR(BS->LocateHandleBuffer(ByProtocol, &SimpleNetworkProtocol, NULL, &count, &h)))
		return 0;
	for (UINTN i = 0; i < count && n < MAX_NICS; i++) {
		struct nic *c = &nics[n];
		EFI_SIMPLE_NETWORK *snp;

		ZeroMem(c, sizeof *c);
		c->handle = h[i];
		c->path = DevicePathFromHandle(h[i]);
		if (!c->path || !last_node_is(c->path, MESSAGING_DEVICE_PATH, MSG_MAC_ADDR_DP))
			continue;
		if (EFI_ERROR(BS->HandleProtocol(h[i], &SimpleNetworkProtocol, (void **)&snp)) ||
		    !snp->Mode || snp->Mode->HwAddressSize < 6)
			continue;
		CopyMem(c->mac, snp->Mode->CurrentAddress.Addr, 6);
		if (EFI_ERROR(BS->HandleProtocol(h[i], &ip4config2_guid, (void **)&c->cfg)))
			c->cfg = NULL;
		find_pxe(c);
		mac_str(c->mac, mac);
		LOG(L"net: NIC %a: PXE base code %a, IPv4 configuration %a", mac,
		    c->pxe ? "yes" : "no", c->cfg ? "yes" : "no");
		n++;
	}
	FreePool(h);
	return n;
}


/* Set the DHCP policy: EDK2 starts DHCP on it in the background (SetData
 * says EFI_NOT_READY while it runs). A PXE base code that is started
 * without a lease holds the NIC's DHCP4 child: stop it first. */
static void start_ip4config(struct nic *c)
{
	EFI_IP4_CONFIG2_POLICY policy = Ip4Config2PolicyDhcp;
	EFI_STATUS st;
	char mac[18];

	if (!c->cfg)
		return;
	if (c->pxe && c->pxe->Mode->Started && !c->pxe->Mode->DhcpAckReceived)
		c->pxe->Stop(c->pxe);
	st = c->cfg->SetData(c->cfg, Ip4Config2DataTypePolicy, sizeof policy, &policy);
	if (EFI_ERROR(st) && st != EFI_NOT_READY) {
		mac_str(c->mac, mac);
		ERR(L"net: NIC %a: Ip4Config2 DHCP policy: %s", mac, efi_status_str(st));
		return;
	}
	c->dhcp_started = 1;
}

/* Has Ip4Config2 got an address on c yet? Then c->ip/mask, c->leased. */
static int poll_lease(struct nic *c)
{
	/* The interface info is followed by its route table: room for 64 routes
	 * (EDK2 fills nothing when the buffer is too small for all of it). */
	union {
		EFI_IP4_CONFIG2_INTERFACE_INFO info;
		UINT8 room[sizeof(EFI_IP4_CONFIG2_INTERFACE_INFO) + 64 * sizeof(EFI_IP4_ROUTE_TABLE)];
	} u;
	UINTN size = sizeof u;
	const UINT8 *a;
	char mac[18];

	if (c->leased || !c->dhcp_started)
		return c->leased;
	ZeroMem(&u, sizeof u);
	if (EFI_ERROR(c->cfg->GetData(c->cfg, Ip4Config2DataTypeInterfaceInfo, &size, &u)))
		return 0;
	a = u.info.StationAddress.Addr;
	if ((a[0] | a[1] | a[2] | a[3]) == 0)
		return 0;
	CopyMem(c->ip, a, 4);
	CopyMem(c->mask, u.info.SubnetMask.Addr, 4);
	c->leased = 1;
	mac_str(c->mac, mac);
	LOG(L"net: NIC %a: DHCP lease %d.%d.%d.%d/%d.%d.%d.%d", mac, a[0], a[1], a[2], a[3],
	    c->mask[0], c->mask[1], c->mask[2], c->mask[3]);
	return 1;
}

static int on_subnet(const struct nic *c, const UINT8 server[4])
{
	for (int i = 0; i < 4; i++)
		if ((c->ip[i] & c->mask[i]) != (server[i] & c->mask[i]))
			return 0;
	return 1;
}

/* Ip4Config2 DHCP on nics[0..n) at once, polled until one reaches server
 * (NULL: any lease will do), every NIC has a lease, or the deadline.
 * The index of the NIC to use, -1 when none got a lease. */
static int lease_race(struct nic *nics, unsigned n, const UINT8 *server, int *ret_reaches)
{
	UINT64 deadline = clock_ms() + IP4CONFIG_WAIT_MS;
	unsigned pending;

	for (unsigned i = 0; i < n; i++)
		start_ip4config(&nics[i]);
	LOG(L"net: DHCP through the firmware's IPv4 configuration on %d NIC(s)...", (int)n);
	for (unsigned round = 0; round < IP4CONFIG_WAIT_MS / POLL_MS + 10; round++) {
		pending = 0;
		for (unsigned i = 0; i < n; i++) {
			if (!poll_lease(&nics[i])) {
				pending += nics[i].dhcp_started;
				continue;
			}
			if (!server || on_subnet(&nics[i], server)) {
				*ret_reaches = server != NULL;
				return (int)i;
			}
		}
		if (pending == 0 || clock_ms() > deadline)
			break;
		BS->Stall(POLL_MS * 1000);
	}
	*ret_reaches = 0;
	for (unsigned i = 0; i < n; i++)
		if (nics[i].leased)
			return (int)i;
	ERR(L"net: no DHCP lease within %d s", IP4CONFIG_WAIT_MS / 1000);
	return -1;
}

/* The race's other NICs: back to the static policy, EDK2's default. That
 * ends their DHCP (they are not booting), and the policy, which EDK2 keeps
 * in a non-volatile variable per NIC, is left as it was found. */
static void stop_losers(struct nic *nics, unsigned n, int pick)
{
	EFI_IP4_CONFIG2_POLICY policy = Ip4Config2PolicyStatic;

	for (unsigned i = 0; i < n; i++)
		if ((int)i != pick && nics[i].dhcp_started)
			nics[i].cfg->SetData(nics[i].cfg, Ip4Config2DataTypePolicy, sizeof policy,
					     &policy);
}

/* After an Ip4Config2 lease: start the PXE base code (if any) and tell it
 * the address, so Mtftp works. A failure costs TFTP only. */
static void pxe_take_address(struct nic *c)
{
	EFI_IP_ADDRESS ip, mask;
	EFI_STATUS st;

	if (!c->pxe)
		return;
	ZeroMem(&ip, sizeof ip);
	ZeroMem(&mask, sizeof mask);
	CopyMem(ip.v4.Addr, c->ip, 4);
	CopyMem(mask.v4.Addr, c->mask, 4);
	if (!c->pxe->Mode->Started) {
		st = c->pxe->Start(c->pxe, FALSE);
		if (EFI_ERROR(st) && st != EFI_ALREADY_STARTED) {
			ERR(L"net: PXE Start: %s (TFTP will not work)", efi_status_str(st));
			return;
		}
	}
	st = c->pxe->SetStationIp(c->pxe, &ip, &mask);
	if (EFI_ERROR(st))
		ERR(L"net: PXE SetStationIp: %s (TFTP will not work)", efi_status_str(st));
}

/* One NIC alone: PXE DHCP (a proxyDHCP may name the server), else, unless
 * pxe_only, Ip4Config2. EFI_SUCCESS with an address in c. */
static EFI_STATUS bring_up(struct nic *c, int pxe_only)
{
	EFI_PXE_BASE_CODE_PROTOCOL *pxe = c->pxe;
	EFI_STATUS st;
	char mac[18];
	UINT64 t0;
	int dummy;

	mac_str(c->mac, mac);
	if (pxe && pxe->Mode->Started && pxe->Mode->DhcpAckReceived)
		return EFI_SUCCESS;
	if (pxe) {
		st = pxe->Mode->Started ? EFI_SUCCESS : pxe->Start(pxe, FALSE);
		if (EFI_ERROR(st) && st != EFI_ALREADY_STARTED) {
			ERR(L"net: NIC %a: PXE Start: %s", mac, efi_status_str(st));
		} else {
			LOG(L"net: NIC %a: PXE DHCP...", mac);
			t0 = clock_ms();
			st = pxe->Dhcp(pxe, FALSE);
			if (!EFI_ERROR(st))
				return EFI_SUCCESS;
			ERR(L"net: NIC %a: PXE DHCP: %s after %ld ms (no PXE server answered?)", mac,
			    efi_status_str(st), clock_ms() - t0);
			pxe->Stop(pxe);            /* frees its DHCP4 child for Ip4Config2 */
		}
	}
	if (pxe_only)
		return EFI_NO_RESPONSE;
	if (!c->cfg) {
		ERR(L"net: NIC %a: no IPv4 configuration protocol", mac);
		return EFI_UNSUPPORTED;
	}
	if (lease_race(c, 1, NULL, &dummy) < 0)
		return EFI_TIMEOUT;
	pxe_take_address(c);
	return EFI_SUCCESS;
}

/* The race's winner, now known to be the boot NIC: DHCP once more, by
 * PXE, on it alone. netbootd's proxyDHCP then answers this MAC, which is
 * how it names the client in its status and binds it for protected files
 * without a MAC in their name (docs/security.md); the race's plain DHCP
 * (Ip4Config2) is invisible to it. The lease is given up first (the
 * static policy stops Ip4Config2's DHCP4 child, which PXE needs). When
 * no PXE server answers, Ip4Config2 again: bring_up(). */
static EFI_STATUS pxe_on_winner(struct nic *c)
{
	EFI_IP4_CONFIG2_POLICY policy = Ip4Config2PolicyStatic;
	EFI_STATUS st;

	c->cfg->SetData(c->cfg, Ip4Config2DataTypePolicy, sizeof policy, &policy);
	c->leased = c->dhcp_started = 0;
	ZeroMem(c->ip, 4);
	st = bring_up(c, 0);
	if (EFI_ERROR(st))
		ERR(L"net: no lease on the boot NIC the second time: %s", efi_status_str(st));
	return st;
}

/* The NIC nics[i] into *n. The address: PXE's when its DHCP was answered,
 * else the Ip4Config2 lease. */
static void take(const struct nic *c, struct net *n)
{
	n->nic_handle = c->handle;
	n->path = c->pxe_handle ? DevicePathFromHandle(c->pxe_handle) : c->path;
	n->pxe = c->pxe;
	n->pxe_handle = c->pxe_handle;
	CopyMem(n->mac, c->mac, 6);
	n->has_mac = 1;
	if (c->pxe && c->pxe->Mode->DhcpAckReceived) {
		CopyMem(n->ip, c->pxe->Mode->StationIp.v4.Addr, 4);
		CopyMem(n->mask, c->pxe->Mode->SubnetMask.v4.Addr, 4);
	} else {
		CopyMem(n->ip, c->ip, 4);
		CopyMem(n->mask, c->mask, 4);
	}
}

/* Steps 1-3 of the header: a NIC chosen before any DHCP, or -1. */
static int preferred(struct nic *nics, unsigned count, const struct net_hint *hint,
		     const CHAR16 **ret_why)
{
	char mac[18];

	if (hint && hint->mac) {
		for (unsigned i = 0; i < count; i++)
			if (CompareMem(nics[i].mac, hint->mac, 6) == 0) {
				*ret_why = L"named by the stamped plan";
				return (int)i;
			}
		mac_str(hint->mac, mac);
		ERR(L"net: the stamped plan names NIC %a, which this machine does not have", mac);
	}
	for (unsigned i = 0; i < count; i++)
		if (nics[i].pxe && nics[i].pxe->Mode->Started && nics[i].pxe->Mode->DhcpAckReceived) {
			*ret_why = L"its PXE DHCP was already answered";
			return (int)i;
		}
	if (count == 1) {
		*ret_why = L"the only NIC";
		return 0;
	}
	return -1;
}

EFI_STATUS nic_from_disk(const struct net_hint *hint, struct net *n, const CHAR16 **ret_why)
{
	struct nic nics[MAX_NICS];
	unsigned count;
	int pick, reaches;
	EFI_STATUS st;

	connect_all();
	count = find_nics(nics);
	if (count == 0) {
		ERR(L"net: no network card (no SNP on any handle after connecting all drivers)");
		return EFI_NOT_FOUND;
	}
	pick = preferred(nics, count, hint, ret_why);
	if (pick >= 0) {
		st = bring_up(&nics[pick], 0);
		if (EFI_ERROR(st))
			return st;
		take(&nics[pick], n);
		return EFI_SUCCESS;
	}
	if (!hint || !hint->server) {
		for (unsigned i = 0; i < count; i++) {
			if (nics[i].pxe && !EFI_ERROR(bring_up(&nics[i], 1))) {
				*ret_why = L"the first whose PXE DHCP a PXE server answered";
				take(&nics[i], n);
				return EFI_SUCCESS;
			}
		}
	}
	pick = lease_race(nics, count, hint ? hint->server : NULL, &reaches);
	stop_losers(nics, count, pick);
	if (pick < 0)
		return EFI_TIMEOUT;
	*ret_why = reaches ? L"the stamped server is on its subnet"
		 : hint && hint->server ? L"the first with a lease; the stamped server is on no NIC's subnet"
					: L"no PXE server answered; the first with a lease";
	if (reaches && nics[pick].pxe) {
		st = pxe_on_winner(&nics[pick]);
		if (EFI_ERROR(st))
			return st;
	} else {
		pxe_take_address(&nics[pick]);
	}
	take(&nics[pick], n);
	return EFI_SUCCESS;
}
