#!/bin/bash
# 12. arm64 UEFI (qemu-system-aarch64 -M virt -cpu cortex-a57, AAVMF), one
# virtio NIC (romfile=: QEMU's ROMs are x86 code), no loader of ours:
# AAVMF's own PXE says arch 11 (RFC 4578: ARM 64-bit UEFI); netbootd's
# proxyDHCP names boot-arm64 = ipxe-arm64.efi (Debian trixie's iPXE, fetched
# by guest/fetch-arm64.sh, served from the root over TFTP); that iPXE says
# "iPXE" in its own DHCP, is sent to boot.ipxe, and boots the arm64 guest
# (Debian's arm64 kernel, busybox-static:arm64) through its EFI loader.
#
# Everything is emulated (TCG, another architecture), yet it boots in about
# 30 s like the x86 scenarios; its own VM timeout, RIG_VM_TIMEOUT_ARM64,
# leaves room for a slower host.
. "$(dirname "$0")/../rig.sh"
SC_FW=arm64 SC_PATH=ipxe SC_MAC=52:54:00:4e:0c:01
SC_SERVER=("boot-arm64 = ipxe-arm64.efi")     # netbootd's arch-11 boot file
sc_setup() {
	[ -f "$RIG_GUEST/ipxe-arm64.efi" ] || rig_die "no $RIG_GUEST/ipxe-arm64.efi (make $B/guest-arm64/initramfs)"
	cp "$RIG_GUEST/ipxe-arm64.efi" "$RIG_ROOT/ipxe-arm64.efi"
}
SC_LOG=("info dhcp $SC_MAC (offer|ack) arch=11 file=ipxe-arm64.efi" "proxy answer to AAVMF's PXE (arch 11): ipxe-arm64.efi"
	"info tftp [0-9.:]+ sent ipxe-arm64.efi [0-9]+ bytes" "ipxe-arm64.efi over TFTP")
rig_scenario
