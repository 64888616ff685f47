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
RIG_GUEST=$RIG_B/guest-arm64            # make build/guest-arm64/initramfs
RIG_TTY=ttyAMA0                         # the virt machine's PL011
RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT_ARM64:-300}
EFI_ARM64=$RIG_B/efi-shim/alpineboot-arm64.efi
rig_init 16-arm64-alpineboot
rig_need "$QEMU_ARM64"
[ -f "$AAVMF_CODE" ] && [ -f "$AAVMF_VARS" ] || rig_die "no AAVMF in /usr/share/AAVMF (make deps)"
[ -f "$EFI_ARM64" ] || rig_die "no $EFI_ARM64 (make efi-arm64)"
MAC=52:54:00:4e:16:01
rig_guest_files virt ml-16 ovl-16 "alpine-base"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyAMA0
EOF_CONF
rig_start
[ ! -e "$RIG_ROOT/alpineboot-arm64.efi" ] || rig_die "the root must not hold alpineboot-arm64.efi"
rig_vm c1 arm64 virtio-net-pci,romfile= $MAC
rig_expect_alpine c1 $MAC virt ml-16 ovl-16 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'alpineboot: ' "c1: alpineboot-arm64.efi ran" 1
rig_expect_serial c1 "nbguest: init started, kernel $(cat "$RIG_GUEST/kernel-release")" \
	"c1: the arm64 kernel runs the guest's /init" 1
rig_log_has "info dhcp $MAC (offer|ack) arch=11 file=alpineboot-arm64.efi" \
	"proxy answer to AAVMF's PXE (arch 11): alpineboot-arm64.efi"
rig_log_has "info tftp [0-9.:]+ sent alpineboot-arm64.efi $(stat -c %s "$EFI_ARM64") bytes" \
	"alpineboot-arm64.efi over TFTP, whole, from netbootd's efi dir"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=[0-9a-fA-F:-]+ 200" "boot.plan served for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/initramfs-virt 200" "initramfs over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_log_has "info http [0-9.:]+ GET /apkovl/virt.apkovl.tar.gz 200" "apkovl over HTTP"
rig_done
