#!/bin/bash
# 2. SeaBIOS, e1000 (QEMU's pxe-e1000.rom; the guest uses the e1000 driver).
# Otherwise as scenario 1: PXE ROM -> undionly.kpxe -> boot.ipxe -> guest.
. "$(dirname "$0")/../rig.sh"
rig_init 02-bios-e1000
MAC=52:54:00:4e:02:01
rig_guest_files virt ml-02 ovl-02 "alpine-base openssh"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 bios e1000 $MAC
rig_expect_alpine c1 $MAC virt ml-02 ovl-02 apkovl/virt.apkovl.tar.gz "alpine-base openssh" \
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
