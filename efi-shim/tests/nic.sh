#!/bin/bash
# alpineboot.efi from disk, two NICs, the disk alone in the boot order
# (issue 10): OVMF connects no NIC then, so the loader must connect the
# controllers itself; the stamp names the second NIC (netboot-embed stamp
# --nic writes "nic"), so that NIC and no other is brought up, although
# the first NIC (QEMU's user network, with its own DHCP) comes first on the
# bus. Scenario 13 is the same machine without "nic" (the NIC is then
# chosen by where the stamped server is).
set -u
. "$(dirname "$0")/../../tests-qemu/rig.sh"
rig_init efi-nic
rig_need mkfs.fat mmd mcopy
RIG_VM_TIMEOUT=200
MAC1=52:54:00:4e:e4:01          # first NIC, the other network
MAC2=52:54:00:4e:e4:02          # second NIC, on the boot LAN, named by the stamp
rig_guest_files virt ml-e4 ovl-e4 "alpine-base"
rig_std_config
img=$RIG_DIR/flash.img
rig_flash_disk "$img" "$RIG_EFI" BOOTX64.EFI --mac $MAC2 --nic $MAC2
if "$RIG_EMBED" show "$RIG_DIR/BOOTX64.EFI" | grep -qx "nic $MAC2"; then rig_ok "the stamp names the NIC"
else rig_fail "the stamp names the NIC"; "$RIG_EMBED" show "$RIG_DIR/BOOTX64.EFI" | head -5; fi

rig_start
# No bootindex on either NIC: the disk is the only boot option OVMF has.
rig_disk_vm c1 uefi virtio-net-pci,romfile= $MAC2 "$img" \
	--other-nic virtio-net-pci,romfile= $MAC1 --no-nic-boot
rig_expect_boot c1 $MAC2
rig_result_has c1 "nics=eth0@$MAC1,eth1@$MAC2"
rig_result_has c1 iface=eth1
rig_expect_serial c1 "alpineboot: net: NIC $MAC1: PXE base code yes" "c1: the loader connected the first NIC" 1
rig_expect_serial c1 "alpineboot: net: NIC $MAC2: PXE base code yes" "c1: the loader connected the second NIC" 1
rig_expect_serial c1 "alpineboot: using NIC $MAC2 \\(named by the stamped plan\\)" "c1: says which NIC and why" 1
if grep -Eaq "alpineboot: .*NIC $MAC1: (DHCP lease|PXE DHCP)" "$RIG_DIR/c1.serial"; then
	rig_fail "c1: no DHCP on the NIC that is not booting"
else rig_ok "c1: no DHCP on the NIC that is not booting"; fi
rig_log_has "info dhcp $MAC2 (offer|ack) arch=7 " "the loader's PXE DHCP on the named NIC reached the proxy"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-e4-02 200" "boot.plan for the named NIC's MAC"
rig_log_lacks "GET /boot.plan\\?mac=52-54-00-4e-e4-01" "no boot.plan for the other NIC's MAC"
rig_done
