#!/bin/bash
# 3. OVMF, virtio-net: the firmware's own PXE (OVMF's VirtioNetDxe and
# PxeBcDxe) gets an address from the site DHCP and alpineboot.efi from
# netbootd's proxyDHCP (arch 7), TFTPs it; alpineboot.efi fetches its plan
# (boot.plan for this MAC) and kernel + initramfs over HTTP, hands the
# initrd over by LoadFile2 and starts the kernel's EFI stub.
#
# romfile= (empty): without it QEMU adds Debian's efi-virtio.rom, whose
# iPXE EFI driver takes the PXE boot option before OVMF's own PXE does, and
# the client would come as iPXE (scenario 4 shows that path).
. "$(dirname "$0")/../rig.sh"
rig_init 03-uefi-virtio
MAC=52:54:00:4e:03:01
rig_efi_app
rig_guest_files virt ml-03 ovl-03 "alpine-base openssh"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 uefi virtio-net-pci,romfile= $MAC
rig_expect_alpine c1 $MAC virt ml-03 ovl-03 apkovl/virt.apkovl.tar.gz "alpine-base openssh" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'alpineboot: ' "c1: alpineboot.efi ran" 1
rig_expect_serial c1 'Command line: .*modloop=' "c1: the kernel starts" 1
rig_log_has "info dhcp $MAC (offer|ack) arch=7 file=alpineboot.efi" "proxy answer: alpineboot.efi for x64 UEFI"
rig_log_has "info tftp [0-9.:]+ sent alpineboot.efi [0-9]+ bytes" "alpineboot.efi over TFTP"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=[0-9a-fA-F:-]+ 200" "boot.plan served for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/initramfs-virt 200" "initramfs over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_done
