#!/bin/bash
# 5b. "Flash" with no proxyDHCP at all: alpineboot.efi stamped with the
# server address (netboot-embed stamp) as EFI/BOOT/BOOTX64.EFI on a FAT
# disk image (mtools). The disk boots first and the VM never PXE-boots;
# netbootd runs with --no-dhcp, so nothing on the LAN names the boot
# server: alpineboot.efi brings the network up itself (DHCP from the site
# server through the firmware's stack), takes the server from its stamp,
# and fetches its plan from there. The overlay is named by {MAC}: with
# --no-dhcp netbootd answers no DHCP, so a protected overlay without a MAC
# or UUID in its name goes to nobody.
. "$(dirname "$0")/../rig.sh"
# Fixed, this boots in about 30 s; broken, do not wait the full 240 s.
RIG_VM_TIMEOUT=150
SC_FW=uefi SC_PATH=flash SC_MAC=52:54:00:4e:05:02
SC_APKOVL="apkovl/{MAC}.tar.gz" SC_ARGS=(--no-dhcp) SC_STAMP=(--mac $SC_MAC)
rig_scenario
