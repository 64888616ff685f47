#!/bin/bash
# 13. Issue 10 on the "flash" path: alpineboot.efi stamped with the server
# and started from a FAT disk (as 05), in a VM with two virtio NICs (OVMF's
# own drivers, romfile=): the first, ahead on the PCI bus, on another
# network with its own DHCP (QEMU's restricted user network), the second on
# the boot LAN. Boot order: the disk, then the other network's NIC, then
# the boot LAN's, so OVMF connects them in that order and the other
# network's NIC is the first one alpineboot.efi finds. (With the disk alone
# in the boot order OVMF connects no NIC at all.) No NIC booted here, so
# "the NIC that booted" is the one the boot server is reached through: the
# plan, BOOTIF= and the guest must all be on the second NIC, never on the
# first just because it comes first.
. "$(dirname "$0")/../rig.sh"
rig_init 13-uefi-flash-two-nics
rig_need mkfs.fat mmd mcopy
# EDK2's PXE DHCP on the other network waits about 60 s for a PXE offer
# that never comes; do not wait the full 240 s for a boot that went wrong.
RIG_VM_TIMEOUT=200
MAC1=52:54:00:4e:0d:01          # first NIC, the other network
MAC2=52:54:00:4e:0d:02          # second NIC, on the boot LAN
rig_guest_files virt ml-13 ovl-13 "alpine-base"
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
"$RIG_EMBED" stamp "$app" --config "$RIG_CONF" --server "http://$RIG_SRV" ||
	rig_die "netboot-embed stamp failed"
img=$RIG_DIR/flash.img
mkfs.fat -C -n NBFLASH "$img" 32768 >/dev/null
mmd -i "$img" ::EFI ::EFI/BOOT
mcopy -i "$img" "$app" ::EFI/BOOT/BOOTX64.EFI

rig_start
rig_vm c1 uefi virtio-net-pci,romfile=,bootindex=2 $MAC2 \
	--other-nic virtio-net-pci,romfile=,bootindex=1 $MAC1 --no-nic-boot \
	-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-pci,drive=d0,bootindex=0
rig_expect_alpine c1 $MAC2 virt ml-13 ovl-13 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_result_has c1 "nics=eth0@$MAC1,eth1@$MAC2"
rig_result_has c1 iface=eth1
rig_expect_serial c1 'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan' "c1: plan fetched from netbootd" 1
rig_log_lacks "tftp .*alpineboot.efi" "alpineboot.efi was not fetched over the network"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52[-:]54[-:]00[-:]4e[-:]0d[-:]02 200" "boot.plan for the second NIC's MAC"
rig_log_lacks "GET /boot.plan\\?mac=52[-:]54[-:]00[-:]4e[-:]0d[-:]01" "no boot.plan for the other NIC's MAC"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_done
