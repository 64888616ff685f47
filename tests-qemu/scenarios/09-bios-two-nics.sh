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
rig_init 09-bios-two-nics
MAC1=52:54:00:4e:09:01          # first NIC, the other network
MAC2=52:54:00:4e:09:02          # second NIC, boots, on the boot LAN
rig_guest_files virt ml-09 ovl-09 "alpine-base"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 bios virtio-net-pci $MAC2 --other-nic virtio-net-pci $MAC1
rig_expect_alpine c1 $MAC2 virt ml-09 ovl-09 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_result_has c1 "nics=eth0@$MAC1,eth1@$MAC2"
rig_result_has c1 iface=eth1
rig_expect_serial c1 'netboot: booting Alpine virt v3.20' "c1: iPXE runs boot.ipxe" 1
rig_log_has "info dhcp $MAC2 offer arch=0 file=http://$RIG_SRV/boot.ipxe" "proxy offer to the second NIC's iPXE: boot.ipxe"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52[-:]54[-:]00[-:]4e[-:]09[-:]02 200" "boot.ipxe for the booting NIC's MAC"
rig_log_lacks "GET /boot.ipxe\\?mac=52[-:]54[-:]00[-:]4e[-:]09[-:]01" "no boot.ipxe for the other NIC's MAC"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_log_has "info http [0-9.:]+ GET /apkovl/virt.apkovl.tar.gz 200" "apkovl over HTTP"
rig_done
