#!/bin/bash
# 3. OVMF, virtio-net: the firmware's own PXE (OVMF's VirtioNetDxe and
# PxeBcDxe) gets an address from the site DHCP and alpineboot.efi from
# netbootd's proxyDHCP (arch 7), TFTPs it; alpineboot.efi fetches its plan
# (boot.plan for this MAC) and kernel + initramfs over HTTP, hands the
# initrd over by LoadFile2 and starts the kernel's EFI stub.
#
# romfile= (empty, rig_scenario's default): without it QEMU adds Debian's
# efi-virtio.rom, whose iPXE EFI driver takes the PXE boot option before
# OVMF's own PXE does, and the client would come as iPXE (scenario 4 shows
# that path).
. "$(dirname "$0")/../rig.sh"
SC_FW=uefi SC_PATH=pxe SC_MAC=52:54:00:4e:03:01
SC_WORLD="alpine-base openssh"
rig_scenario
