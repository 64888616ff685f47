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
# first just because it comes first. The stamp names no MAC.
. "$(dirname "$0")/../rig.sh"
# EDK2's PXE DHCP on the other network waits about 60 s for a PXE offer
# that never comes; do not wait the full 240 s for a boot that went wrong.
RIG_VM_TIMEOUT=200
SC_FW=uefi SC_PATH=flash SC_MAC=52:54:00:4e:0d:02 SC_NIC=virtio-net-pci,romfile=,bootindex=2
SC_OTHER="virtio-net-pci,romfile=,bootindex=1 52:54:00:4e:0d:01"
SC_VM=(--no-nic-boot)
rig_scenario
