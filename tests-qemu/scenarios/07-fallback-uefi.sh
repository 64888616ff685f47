#!/bin/bash
# 7 (UEFI). Fallback in alpineboot.efi: the profile's kernel (lts) is
# missing on the server; the download fails, alpineboot's menu appears on
# the serial console, the test presses the digit of "other flavor" (QEMU
# monitor sendkey; OVMF's ConIn reads the PS/2 keyboard) and the guest
# boots virt.
. "$(dirname "$0")/../rig.sh"
rig_init 07-fallback-uefi
MAC=52:54:00:4e:07:02
rig_efi_app
rig_guest_files virt ml-virt ovl-07u "alpine-base"      # no boot/*-lts at all
rig_std_config flavor=lts fallback="retry flavor reboot" timeout=120
rig_start
rig_vm c1 uefi virtio-net-pci,romfile= $MAC
rig_expect_serial c1 'alpineboot: boot: Alpine lts v3.20' "c1: alpineboot boots entry 0 (lts)" 180
rig_expect_serial c1 'alpineboot: menu: ' "c1: the failed download opens the menu" 60
rig_expect_serial c1 '[0-9]\) Alpine virt v3.20 \(other flavor\)' "c1: the menu offers the other flavor" 10
digit=$(tr -d '\r' <"$RIG_DIR/c1.serial" |
	sed -n 's/.* \([0-9]\)) Alpine virt v3.20 (other flavor)$/\1/p' | tail -n1)
echo "     07-fallback-uefi: pressing $digit"
sleep 1
rig_keys c1 "${digit:-9}"
rig_expect_serial c1 'alpineboot: menu: chose [0-9]\) Alpine virt v3.20 \(other flavor\)' "c1: menu choice taken" 30
rig_expect_boot c1 $MAC
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-lts 404" "the lts kernel was asked for and missing"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "the virt kernel came after the menu"
rig_done
