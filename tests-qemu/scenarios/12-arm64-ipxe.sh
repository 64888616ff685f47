#!/bin/bash
# 12. arm64 UEFI (qemu-system-aarch64 -M virt -cpu cortex-a57, AAVMF), one
# virtio NIC (romfile=: QEMU's ROMs are x86 code), no loader of ours yet:
# AAVMF's own PXE says arch 11 (RFC 4578: ARM 64-bit UEFI); netbootd's
# proxyDHCP names boot-arm64 = ipxe-arm64.efi (Debian trixie's iPXE, fetched
# by guest/fetch-arm64.sh, served from the root over TFTP); that iPXE says
# "iPXE" in its own DHCP, is sent to boot.ipxe, and boots the arm64 guest
# (Debian's arm64 kernel, busybox-static:arm64) through its EFI loader.
#
# Everything is emulated (TCG, another architecture), yet it boots in about
# 30 s like the x86 scenarios; its own VM timeout, RIG_VM_TIMEOUT_ARM64,
# leaves room for a slower host. Needs `boot-arm64` in [server]
# (netbootd's arch-11 boot file).
. "$(dirname "$0")/../rig.sh"
RIG_GUEST=$RIG_B/guest-arm64            # make build/guest-arm64/initramfs
RIG_TTY=ttyAMA0                         # the virt machine's PL011
RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT_ARM64:-300}   # about 30 s when it works
rig_init 12-arm64-ipxe
rig_need "$QEMU_ARM64"
[ -f "$AAVMF_CODE" ] && [ -f "$AAVMF_VARS" ] || rig_die "no AAVMF in /usr/share/AAVMF (make deps)"
[ -f "$RIG_GUEST/ipxe-arm64.efi" ] || rig_die "no $RIG_GUEST/ipxe-arm64.efi (make $B/guest-arm64/initramfs)"
MAC=52:54:00:4e:0c:01
cp "$RIG_GUEST/ipxe-arm64.efi" "$RIG_ROOT/ipxe-arm64.efi"
rig_guest_files virt ml-12 ovl-12 "alpine-base"
rig_config <<'EOF_CONF'
[server]
boot-arm64 = ipxe-arm64.efi

[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyAMA0
EOF_CONF
rig_start
rig_vm c1 arm64 virtio-net-pci,romfile= $MAC
rig_expect_alpine c1 $MAC virt ml-12 ovl-12 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 "nbguest: init started, kernel $(cat "$RIG_GUEST/kernel-release")" "c1: the arm64 kernel runs the guest's /init" 1
rig_expect_serial c1 'netboot: booting Alpine virt v3.20' "c1: iPXE (arm64) runs boot.ipxe" 1
rig_log_has "info dhcp $MAC (offer|ack) arch=11 file=ipxe-arm64.efi" "proxy answer to AAVMF's PXE (arch 11): ipxe-arm64.efi"
rig_log_has "info tftp [0-9.:]+ sent ipxe-arm64.efi [0-9]+ bytes" "ipxe-arm64.efi over TFTP"
rig_log_has "info dhcp $MAC offer arch=11 file=http://$RIG_SRV/boot.ipxe" "proxy offer to iPXE (arm64): boot.ipxe"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52[-:]54[-:]00[-:]4e[-:]0c[-:]01 200" "boot.ipxe for its MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_done
