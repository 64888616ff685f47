#!/bin/bash
# 11. Issue 10, alpineboot.efi: OVMF's own PXE (romfile= on both NICs, so
# OVMF's VirtioNetDxe drives them), two virtio NICs, booting from the SECOND
# (bootindex on it only); the first, ahead on the PCI bus, on another
# network with its own DHCP (QEMU's restricted user network). alpineboot.efi
# must use the NIC it was loaded from: boot.plan for the second NIC's MAC,
# BOOTIF= of the second NIC, the guest on eth1 with an address from the
# boot LAN.
. "$(dirname "$0")/../rig.sh"
SC_FW=uefi SC_PATH=pxe SC_MAC=52:54:00:4e:0b:02               # boots, on the boot LAN
SC_OTHER="virtio-net-pci,romfile= 52:54:00:4e:0b:01"          # the other network
SC_SERIAL=('alpineboot: starting the kernel' "c1: alpineboot.efi starts the kernel")
rig_scenario
