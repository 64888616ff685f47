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
rig_init 01-bios-virtio
MAC=52:54:00:4e:01:01
rig_guest_files virt ml-01 ovl-01 "alpine-base openssh"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 bios virtio-net-pci $MAC
rig_expect_alpine c1 $MAC virt ml-01 ovl-01 apkovl/virt.apkovl.tar.gz "alpine-base openssh" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'netboot: booting Alpine virt v3.20' "c1: iPXE runs boot.ipxe" 1
rig_expect_serial c1 'Command line: .*modloop=' "c1: the kernel starts" 1
rig_log_has "info dhcp $MAC offer arch=0 file=http://$RIG_SRV/boot.ipxe" "proxy offer to the iPXE ROM: boot.ipxe"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-[0-9a-f-]+ 200" "boot.ipxe served for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/initramfs-virt 200" "initramfs over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_log_has "info http [0-9.:]+ GET /apkovl/virt.apkovl.tar.gz 200" "apkovl over HTTP"
rig_done
