#!/bin/bash
# 5. "Flash": alpineboot.efi stamped with the server address (netboot-embed
# stamp) as EFI/BOOT/BOOTX64.EFI on a FAT disk image (mtools). The disk
# boots first and the VM never PXE-boots: alpineboot.efi brings the network
# up itself (DHCP through the firmware's stack; netbootd's proxyDHCP
# answers it as at any site) and boots its plan. 05b is the same with the
# proxyDHCP off, where only the stamp names the server.
. "$(dirname "$0")/../rig.sh"
SC_FW=uefi SC_PATH=flash SC_MAC=52:54:00:4e:05:01
SC_STAMP=(--mac $SC_MAC)
SC_LOG=("info dhcp $SC_MAC (offer|ack) arch=7 " "the app's own DHCP (PXEClient, arch 7) reached the proxy")
rig_scenario
