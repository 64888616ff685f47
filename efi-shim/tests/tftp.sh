#!/bin/bash
# alpineboot.efi without HTTP: netbootd serves TFTP only (http = off), so
# every EFI_HTTP request is refused and the plan, kernel and initramfs come
# through the PXE base code's Mtftp from the same server and paths. The
# guest then cannot fetch modloop/apkovl (HTTP), which is not this test's
# business: it checks that the kernel started with the plan's line.
. "$(dirname "$0")/../../tests-qemu/rig.sh"
rig_init efi-tftp
MAC=52:54:00:4e:e3:01
rig_efi_app
rig_guest_files virt ml-t ovl-t "alpine-base"
SC_SERVER=("http = off")
rig_std_config apkovl=
rig_start
rig_vm c1 uefi virtio-net-pci,romfile= $MAC
rig_expect_serial c1 'alpineboot: error: http: GET http://[0-9.]+/boot.plan\?mac=52-54-00-4e-e3-01: request: ' \
	"c1: HTTP refused, said so" 180
rig_expect_serial c1 'alpineboot: fetched plan .* via tftp' "c1: plan over TFTP" 30
rig_expect_serial c1 'alpineboot: fetched kernel http://[0-9.]+/boot/vmlinuz-virt: 8[0-9]+ bytes in .* via tftp' \
	"c1: kernel over TFTP" 60
rig_expect_serial c1 'alpineboot: fetched initrd http://[0-9.]+/boot/initramfs-virt: .* via tftp' \
	"c1: initramfs over TFTP" 30
rig_expect_serial c1 'EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path' "c1: kernel started" 30
rig_wait_result c1
rig_cmdline_has c1 BOOTIF=01-52-54-00-4e-e3-01
rig_cmdline_has c1 initrd=initramfs-virt
rig_cmdline_has c1 console=ttyS0
# The query travels in the TFTP name (plan/query.h): the server reads the
# MAC from it, not from its neighbour table.
rig_log_has 'info tftp [0-9.:]+ sent boot.plan\?mac=52-54-00-4e-e3-01 [0-9]+ bytes' \
	"boot.plan?mac= over TFTP, the same request as over HTTP"
rig_log_has 'info tftp [0-9.:]+ sent boot/vmlinuz-virt [0-9]+ bytes .* blksize=1468' "kernel over TFTP, blksize 1468"
rig_log_has 'info tftp [0-9.:]+ sent boot/initramfs-virt [0-9]+ bytes' "initramfs over TFTP"
rig_done
