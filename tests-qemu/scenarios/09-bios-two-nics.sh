#!/bin/bash
# 9. Issue 10, BIOS: SeaBIOS, two virtio NICs, both with QEMU's iPXE ROM,
# booting from the SECOND (bootindex on it only). The first NIC is cabled to
# another network with a DHCP server of its own (QEMU's restricted user
# network, 198.19.0.0/24) and comes first on the PCI bus, so it is iPXE's
# net0 and the guest's eth0. The NIC that booted must be the NIC that is
# configured: boot.ipxe is asked for with the second NIC's MAC, BOOTIF=
# names it, and the guest brings up eth1 with an address from the boot LAN,
# from where modloop and apkovl come.
#
# With a boot URL carrying ${net0/mac}, boot.ipxe is rendered for the first
# NIC: BOOTIF= names eth0, the guest gets a 198.19.0.x address there and
# cannot fetch modloop or apkovl (the failure issue 10 reports).
. "$(dirname "$0")/../rig.sh"
SC_FW=bios SC_PATH=ipxe SC_NIC=virtio-net-pci SC_MAC=52:54:00:4e:09:02   # boots, on the boot LAN
SC_OTHER="virtio-net-pci 52:54:00:4e:09:01"                              # the other network
rig_scenario
