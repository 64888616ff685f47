#!/bin/bash
# 5. "Flash": alpineboot.efi stamped with the server address (netboot-embed
# stamp) as EFI/BOOT/BOOTX64.EFI on a FAT disk image (mtools). The disk
# boots first and the VM never PXE-boots: alpineboot.efi brings the network
# up itself (DHCP through the firmware's stack; netbootd's proxyDHCP
# answers it as at any site) and boots its plan. 05b is the same with the
# proxyDHCP off, where only the stamp names the server.
. "$(dirname "$0")/../rig.sh"
rig_init 05-uefi-flash
rig_need mkfs.fat mmd mcopy
MAC=52:54:00:4e:05:01
rig_guest_files virt ml-05 ovl-05 "alpine-base"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
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

rig_start
rig_vm c1 uefi virtio-net-pci,romfile= $MAC \
	-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-pci,drive=d0,bootindex=0
rig_expect_alpine c1 $MAC virt ml-05 ovl-05 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'alpineboot: ' "c1: alpineboot.efi ran from the disk" 1
rig_expect_serial c1 'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan' "c1: plan fetched from netbootd" 1
rig_log_lacks "tftp .*alpineboot.efi" "alpineboot.efi was not fetched over the network"
rig_log_has "info dhcp $MAC (offer|ack) arch=7 " "the app's own DHCP (PXEClient, arch 7) reached the proxy"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-05-01 200" "boot.plan for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_done
