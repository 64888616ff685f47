#!/bin/bash
# 5b. "Flash" with no proxyDHCP at all: alpineboot.efi stamped with the server address (netboot-embed
# stamp) as EFI/BOOT/BOOTX64.EFI on a FAT disk image (mtools). The disk
# boots first and the VM never PXE-boots; netbootd runs with --no-dhcp, so
# nothing on the LAN names the boot server: alpineboot.efi brings the
# network up itself (DHCP from the site server through the firmware's
# stack), takes the server from its stamp, and fetches its plan from there.
. "$(dirname "$0")/../rig.sh"
rig_init 05b-uefi-flash-stamp-only
rig_need mkfs.fat mmd mcopy
# Fixed, this boots in about 30 s; broken, do not wait the full 240 s.
RIG_VM_TIMEOUT=150
MAC=52:54:00:4e:05:02
# The overlay by {MAC}: with --no-dhcp netbootd answers no DHCP, so a
# protected overlay without a MAC or UUID in its name goes to nobody.
rig_guest_files virt ml-05b ovl-05b "alpine-base" "$MAC.tar.gz"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/{MAC}.tar.gz
cmdline = console=ttyS0
EOF_CONF

[ -f "$RIG_EFI" ] || rig_die "no $RIG_EFI (make all)"
[ -x "$RIG_EMBED" ] || rig_die "no $RIG_EMBED (make all)"
app=$RIG_DIR/BOOTX64.EFI
cp "$RIG_EFI" "$app"
"$RIG_EMBED" stamp "$app" --config "$RIG_CONF" --server "http://$RIG_SRV" --mac $MAC ||
	rig_die "netboot-embed stamp failed"
if "$RIG_EMBED" show "$app" | grep -qx "server http://$RIG_SRV"; then rig_ok "stamp carries the server"
else rig_fail "stamp carries the server"; "$RIG_EMBED" show "$app"; fi
[ "$(stat -c %s "$app")" -eq "$(stat -c %s "$RIG_EFI")" ] && rig_ok "stamping kept the image size" ||
	rig_fail "stamping kept the image size"
img=$RIG_DIR/flash.img
mkfs.fat -C -n NBFLASH "$img" 32768 >/dev/null
mmd -i "$img" ::EFI ::EFI/BOOT
mcopy -i "$img" "$app" ::EFI/BOOT/BOOTX64.EFI

rig_start --no-dhcp
rig_vm c1 uefi virtio-net-pci,romfile= $MAC \
	-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-pci,drive=d0,bootindex=0
rig_expect_alpine c1 $MAC virt ml-05b ovl-05b "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'alpineboot: ' "c1: alpineboot.efi ran from the disk" 1
rig_expect_serial c1 'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan' "c1: plan fetched from the stamped server" 1
rig_log_lacks "tftp .*alpineboot.efi" "alpineboot.efi was not fetched over the network"
rig_log_lacks "info dhcp " "no proxyDHCP answer (netbootd --no-dhcp)"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-05-02 200" "boot.plan for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_done
