#!/bin/bash
# 10. Issue 10, UEFI with QEMU's iPXE EFI ROM left in: OVMF, two virtio NICs
# (Debian's efi-virtio.rom on both, as a Proxmox UEFI VM has them), booting
# from the SECOND (bootindex on it only); the first, ahead on the PCI bus, on
# another network with its own DHCP (QEMU's restricted user network). iPXE's
# EFI driver binds both NICs (net0 = the first) and boots through the second:
# boot.ipxe for the second NIC's MAC, BOOTIF= of the second NIC, the guest on
# eth1 with an address from the boot LAN.
. "$(dirname "$0")/../rig.sh"
rig_init 10-uefi-ipxe-two-nics
MAC1=52:54:00:4e:0a:01          # first NIC, the other network
MAC2=52:54:00:4e:0a:02          # second NIC, boots, on the boot LAN
rig_guest_files virt ml-10 ovl-10 "alpine-base"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 uefi virtio-net-pci $MAC2 --other-nic virtio-net-pci $MAC1
rig_expect_alpine c1 $MAC2 virt ml-10 ovl-10 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_result_has c1 "nics=eth0@$MAC1,eth1@$MAC2"
rig_result_has c1 iface=eth1
rig_expect_serial c1 'netboot: booting Alpine virt v3.20' "c1: iPXE (EFI) runs boot.ipxe" 1
rig_log_has "info dhcp $MAC2 offer arch=7 file=http://$RIG_SRV/boot.ipxe" "proxy offer to iPXE (EFI) on the second NIC: boot.ipxe"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52[-:]54[-:]00[-:]4e[-:]0a[-:]02 200" "boot.ipxe for the booting NIC's MAC"
rig_log_lacks "GET /boot.ipxe\\?mac=52[-:]54[-:]00[-:]4e[-:]0a[-:]01" "no boot.ipxe for the other NIC's MAC"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_log_has "info http [0-9.:]+ GET /apkovl/virt.apkovl.tar.gz 200" "apkovl over HTTP"
rig_done
