#!/bin/bash
# 10. Issue 10, UEFI with QEMU's iPXE EFI ROM left in: OVMF, two virtio NICs
# (Debian's efi-virtio.rom on both, as a Proxmox UEFI VM has them), booting
# from the SECOND (bootindex on it only); the first, ahead on the PCI bus, on
# another network with its own DHCP (QEMU's restricted user network). iPXE's
# EFI driver binds both NICs (net0 = the first) and boots through the second:
# boot.ipxe for the second NIC's MAC, BOOTIF= of the second NIC, the guest on
# eth1 with an address from the boot LAN.
. "$(dirname "$0")/../rig.sh"
SC_FW=uefi SC_PATH=ipxe SC_NIC=virtio-net-pci SC_MAC=52:54:00:4e:0a:02   # boots, on the boot LAN
SC_OTHER="virtio-net-pci 52:54:00:4e:0a:01"                              # the other network
rig_scenario
