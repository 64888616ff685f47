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
RIG_GUEST=$RIG_B/guest-arm64            # make build/guest-arm64/initramfs
RIG_TTY=ttyAMA0                         # the virt machine's PL011
RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT_ARM64:-300}
EFI_ARM64=$RIG_B/efi-shim/alpineboot-arm64.efi
rig_init 16b-arm64-flash-stamp-only
rig_need "$QEMU_ARM64" mkfs.fat mmd mcopy
[ -f "$AAVMF_CODE" ] && [ -f "$AAVMF_VARS" ] || rig_die "no AAVMF in /usr/share/AAVMF (make deps)"
[ -f "$EFI_ARM64" ] || rig_die "no $EFI_ARM64 (make efi-arm64)"
[ -x "$RIG_EMBED" ] || rig_die "no $RIG_EMBED (make all)"
MAC=52:54:00:4e:16:02
# The overlay by {MAC}: with --no-dhcp netbootd answers no DHCP, so a
# protected overlay without a MAC or UUID in its name goes to nobody.
rig_guest_files virt ml-16b ovl-16b "alpine-base" "$MAC.tar.gz"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/{MAC}.tar.gz
cmdline = console=ttyAMA0
EOF_CONF

app=$RIG_DIR/BOOTAA64.EFI
cp "$EFI_ARM64" "$app"
"$RIG_EMBED" stamp "$app" --config "$RIG_CONF" --server "http://$RIG_SRV" --mac $MAC ||
	rig_die "netboot-embed stamp failed"
if "$RIG_EMBED" show "$app" | grep -qx "server http://$RIG_SRV"; then rig_ok "stamp carries the server"
else rig_fail "stamp carries the server"; "$RIG_EMBED" show "$app"; fi
[ "$(stat -c %s "$app")" -eq "$(stat -c %s "$EFI_ARM64")" ] && rig_ok "stamping kept the image size" ||
	rig_fail "stamping kept the image size"
img=$RIG_DIR/flash.img
mkfs.fat -C -n NBFLASH "$img" 32768 >/dev/null
mmd -i "$img" ::EFI ::EFI/BOOT
mcopy -i "$img" "$app" ::EFI/BOOT/BOOTAA64.EFI

rig_start --no-dhcp
rig_vm c1 arm64 virtio-net-pci,romfile= $MAC \
	-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-pci,drive=d0,bootindex=0
rig_expect_alpine c1 $MAC virt ml-16b ovl-16b "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'alpineboot: ' "c1: alpineboot-arm64.efi ran from the disk" 1
rig_expect_serial c1 'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan' "c1: plan fetched from the stamped server" 1
rig_expect_serial c1 "nbguest: init started, kernel $(cat "$RIG_GUEST/kernel-release")" \
	"c1: the arm64 kernel runs the guest's /init" 1
rig_log_lacks "tftp .*alpineboot" "alpineboot-arm64.efi was not fetched over the network"
rig_log_lacks "info dhcp " "no proxyDHCP answer (netbootd --no-dhcp)"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-16-02 200" "boot.plan for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_done
