/* net.h: the NIC we boot from, our address and the boot server. */
#ifndef EFI_SHIM_NET_H
#define EFI_SHIM_NET_H

#include "efi-shim/fw.h"

struct net {
	EFI_HANDLE pxe_handle;            /* carries EFI_PXE_BASE_CODE_PROTOCOL */
	EFI_PXE_BASE_CODE_PROTOCOL *pxe;
	EFI_DEVICE_PATH *path;            /* of pxe_handle: finds the NIC's other services */
	EFI_HANDLE nic_handle;            /* the NIC (SNP) itself, parent of pxe_handle */
	UINT8 mac[6];
	UINT8 ip[4], mask[4], server[4];
	int has_mac, has_ip, has_server;
	int pxe_booted;                   /* the firmware loaded us over PXE */
	int http_unavailable;             /* no HTTP service: do not try again */
};

/* Find the network: the PXE base code we were loaded through, or else the
 * first NIC that gets a DHCP lease through the firmware (PXE Dhcp(), else
 * Ip4Config2). Logs what it found or what failed. EFI_SUCCESS and *ret
 * filled (ret->has_server is 0 when no PXE server answered: the stamped
 * plan names the server then). */
EFI_STATUS net_init(EFI_HANDLE image, struct net *ret);

#endif
