#!/bin/bash
# 1. SeaBIOS, virtio-net. The NIC's PXE ROM gets an address from the site
# DHCP and its boot file from netbootd's proxyDHCP, fetches boot.ipxe
# rendered for its MAC, then kernel and initramfs over HTTP; the guest
# fetches modloop and apkovl from netbootd.
#
# QEMU's PXE ROM *is* iPXE (Debian's ipxe-qemu, 2019): its first DHCP
# already says "iPXE", so netbootd sends it straight to boot.ipxe and
# undionly.kpxe is never fetched. A PC's vendor PXE ROM gets undionly.kpxe
# first (the netbootd protocol tests cover that answer and the TFTP).
. "$(dirname "$0")/../rig.sh"
SC_FW=bios SC_PATH=ipxe SC_NIC=virtio-net-pci SC_MAC=52:54:00:4e:01:01
SC_WORLD="alpine-base openssh"
rig_scenario
