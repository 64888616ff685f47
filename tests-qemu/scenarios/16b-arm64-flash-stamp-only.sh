#!/bin/bash
# 16b. arm64 "flash" with no proxyDHCP: alpineboot-arm64.efi stamped with
# the server address (netboot-embed stamp, which finds the stamp by its
# magic: the arm64 image's gnu-efi header names no .nbplan section) as
# EFI/BOOT/BOOTAA64.EFI, the removable-media name UEFI gives AArch64, on a
# FAT disk image (mtools). AAVMF boots the disk first and never PXE-boots;
# netbootd runs with --no-dhcp, so only the stamp names the boot server:
# this is the proof that the arm64 loader reads its stamp at run time.
# Otherwise as 05b (x86-64). Run alone with its own VM timeout,
# RIG_VM_TIMEOUT_ARM64.
. "$(dirname "$0")/../rig.sh"
SC_FW=arm64 SC_PATH=flash SC_MAC=52:54:00:4e:16:02
SC_APKOVL="apkovl/{MAC}.tar.gz" SC_ARGS=(--no-dhcp) SC_STAMP=(--mac $SC_MAC)
rig_scenario
