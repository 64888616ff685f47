#!/bin/bash
# 11. Issue 10, alpineboot.efi: OVMF's own PXE (romfile= on both NICs, so
# OVMF's VirtioNetDxe drives them), two virtio NICs, booting from the SECOND
# (bootindex on it only); the first, ahead on the PCI bus, on another
# network with its own DHCP (QEMU's restricted user network). alpineboot.efi
# must use the NIC it was loaded from: boot.plan for the second NIC's MAC,
# BOOTIF= of the second NIC, the guest on eth1 with an address from the
# boot LAN.
. "$(dirname "$0")/../rig.sh"
rig_init 11-uefi-pxe-two-nics
MAC1=52:54:00:4e:0b:01          # first NIC, the other network
MAC2=52:54:00:4e:0b:02          # second NIC, boots, on the boot LAN
rig_efi_app
rig_guest_files virt ml-11 ovl-11 "alpine-base"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 uefi virtio-net-pci,romfile= $MAC2 --other-nic virtio-net-pci,romfile= $MAC1
rig_expect_alpine c1 $MAC2 virt ml-11 ovl-11 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_result_has c1 "nics=eth0@$MAC1,eth1@$MAC2"
rig_result_has c1 iface=eth1
rig_expect_serial c1 'alpineboot: starting the kernel' "c1: alpineboot.efi starts the kernel" 1
rig_log_has "info dhcp $MAC2 (offer|ack) arch=7 file=alpineboot.efi" "proxy answer to OVMF's PXE on the second NIC: alpineboot.efi"
rig_log_has "info tftp [0-9.:]+ sent alpineboot.efi [0-9]+ bytes" "alpineboot.efi over TFTP"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52[-:]54[-:]00[-:]4e[-:]0b[-:]02 200" "boot.plan for the booting NIC's MAC"
rig_log_lacks "GET /boot.plan\\?mac=52[-:]54[-:]00[-:]4e[-:]0b[-:]01" "no boot.plan for the other NIC's MAC"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_log_has "info http [0-9.:]+ GET /apkovl/virt.apkovl.tar.gz 200" "apkovl over HTTP"
rig_done
