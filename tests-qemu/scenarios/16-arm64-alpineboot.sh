#!/bin/bash
# 16. arm64 UEFI through our own loader: AAVMF (qemu-system-aarch64 -M
# virt -cpu cortex-a57, TCG) PXE-boots its virtio NIC and says arch 11
# (RFC 4578: ARM 64-bit UEFI); netbootd's proxyDHCP names its default
# arch-11 boot file, alpineboot-arm64.efi, which netbootd serves from its
# efi dir (build/efi-shim beside the netbootd binary: nothing is copied into
# the root, so this is the path an installed netbootd takes). The loader
# fetches boot.plan for its MAC and the arm64 kernel + initramfs over HTTP,
# hands the initrd over by LoadFile2 and starts the kernel's EFI stub; the
# arm64 guest's /init then does what Alpine's would (NIC by BOOTIF, address,
# modloop, apkovl) and reports on ttyAMA0.
#
# Scenario 12 is the same client through iPXE; this one is the issue 10
# item 3 path: the image efi-shim/aarch64.mk builds. romfile= (empty):
# QEMU's NIC ROMs are x86 code. Run alone with its own VM timeout,
# RIG_VM_TIMEOUT_ARM64: about 40 s here when it works.
. "$(dirname "$0")/../rig.sh"
SC_FW=arm64 SC_PATH=pxe SC_MAC=52:54:00:4e:16:01
sc_setup() {
	[ -f "$RIG_EFI_ARM64" ] || rig_die "no $RIG_EFI_ARM64 (make efi-arm64)"
	[ ! -e "$RIG_ROOT/alpineboot-arm64.efi" ] || rig_die "the root must not hold alpineboot-arm64.efi"
}
rig_scenario
