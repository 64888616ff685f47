/* net.h: the NIC we boot from, our address and the boot server. */
#ifndef EFI_SHIM_NET_H
#define EFI_SHIM_NET_H

#include "efi-shim/fw.h"
#include "plan/plan.h"

struct net {
	EFI_HANDLE pxe_handle;            /* carries EFI_PXE_BASE_CODE_PROTOCOL */
	EFI_PXE_BASE_CODE_PROTOCOL *pxe;  /* NULL: none on this NIC, so no TFTP */
	EFI_DEVICE_PATH *path;            /* of the handle we came through: finds the NIC's other services */
	EFI_HANDLE nic_handle;            /* the NIC (SNP) itself */
	UINT8 mac[6];
	UINT8 ip[4], mask[4], server[4];
	int has_mac, has_ip, has_server;
	int pxe_booted;                   /* the firmware loaded us over PXE */
	int http_booted;                  /* ... or by UEFI HTTP Boot from base */
	char base[NB_URL_MAX];            /* HTTP Boot: "http://host[:port]" of our own URI */
	int http_unavailable;             /* no HTTP service: do not try again */
};

/* What the stamped plan says about the network, for a loader that no
 * NIC loaded (started from disk). NULL fields: not known. */
struct net_hint {
	const UINT8 *mac;                 /* the NIC to use (plan "nic") */
	const UINT8 *server;              /* the boot server's IPv4 address */
};

/* Find the network. Loaded by PXE: that NIC and its PXE base code, no
 * DHCP. Loaded by UEFI HTTP Boot: that NIC, its MAC and our URI's server
 * from the device path, the address the firmware's HTTP Boot configured.
 * From disk: nic_from_disk() (nics.c) with the hint. Logs which NIC and
 * why ("alpineboot: using NIC aa:bb:..  (why)") or what failed.
 * EFI_SUCCESS and *ret filled (ret->has_server is 0 when no PXE server
 * answered: the stamped plan names the server then). */
EFI_STATUS net_init(EFI_HANDLE image, const struct net_hint *hint, struct net *ret);

/* From disk (nics.c): connect every controller, then bring up the NIC
 * the hint names, else the one whose lease reaches the hinted server,
 * else the first whose PXE DHCP is answered. On EFI_SUCCESS n->pxe (maybe
 * NULL), n->pxe_handle, n->nic_handle, n->path, n->mac and n->ip/mask are
 * set, and *ret_why says why this NIC. */
EFI_STATUS nic_from_disk(const struct net_hint *hint, struct net *n, const CHAR16 **ret_why);

#endif
