#!/bin/bash
# alpineboot.efi's menu, PXE-loaded by OVMF through netbootd. A key during
# the countdown opens the menu (any key: space here, QEMU's keyboard,
# which OVMF's ConIn reads like the serial console).
#   c1: "iPXE / boot shell": Debian's snponly.efi, fetched from the server
#       and chained with our NIC as its device, drives the same NIC, comes
#       to netbootd as iPXE and boots the guest through boot.ipxe.
#   c2: "Exit to firmware", reached with End, Up, Enter: alpineboot returns
#       and the firmware goes on to its next boot option (our timer is gone:
#       no crash).
. "$(dirname "$0")/../../tests-qemu/rig.sh"
rig_init efi-menu
rig_efi_app
rig_guest_files virt ml-m ovl-m "alpine-base"
rig_std_config
rig_start

# item NAME 'LABEL-ERE': the digit the menu shows for LABEL.
item() {
	tr -d '\r' <"$RIG_DIR/$1.serial" | sed -n "s/.* \([0-9]\)) $2\$/\1/p" | tail -n1
}

# One VM at a time: the countdown is 3 s, the menu's 10 s.
open_menu() {
	rig_expect_serial $1 'alpineboot: booting Alpine virt v3.20 in [0-9]+ s, press any key for the menu' \
		"$1: countdown for entry 0" 180
	rig_keys $1 spc
	rig_expect_serial $1 'alpineboot: menu: Alpine virt v3.20' "$1: a key opens the menu" 15
}

rig_vm c1 uefi virtio-net-pci,romfile= 52:54:00:4e:e2:01
open_menu c1

rig_expect_serial c1 '[0-9]\) iPXE / boot shell' "c1: the menu offers the shell" 5
sleep 1
rig_keys c1 "$(item c1 'iPXE \/ boot shell')"
rig_expect_serial c1 'alpineboot: menu: chose [0-9]\) iPXE / boot shell' "c1: shell chosen" 15
rig_expect_serial c1 'alpineboot: fetched ipxe http://[0-9.]+/snponly.efi' "c1: snponly.efi fetched" 30
rig_expect_serial c1 'net0: 52:54:00:4e:e2:01 using SNP' "c1: iPXE drives our NIC through SNP" 60
rig_wait_result c1
rig_cmdline_has c1 BOOTIF=01-52-54-00-4e-e2-01
rig_log_has 'info http [0-9.:]+ GET /snponly.efi 200' "snponly.efi over HTTP"
rig_log_has 'info http [0-9.:]+ GET /boot.ipxe\?mac=52-54-00-4e-e2-01 200' "then boot.ipxe for c1"

rig_vm c2 uefi virtio-net-pci,romfile= 52:54:00:4e:e2:02
open_menu c2
rig_expect_serial c2 '[0-9]\) Exit to firmware' "c2: the menu offers exit" 5
# By arrows this time: End selects the last item (firmware setup), Up the
# one before it, Enter takes it.
rig_expect_serial c2 '[0-9]\) Reboot into firmware setup' "c2: firmware setup is the last item" 5
sleep 1
rig_keys c2 end up ret
rig_expect_serial c2 'alpineboot: returning to the firmware' "c2: exit chosen" 15
# The firmware's boot manager speaks again after our last line.
after_exit() {
	tr -d '\r' <"$RIG_DIR/c2.serial" |
		awk '/alpineboot: returning to the firmware/ {r = 1} r && /BdsDxe: / {f = 1} END {exit !f}'
}
for i in $(seq 1 300); do after_exit && break; sleep 0.2; done
after_exit && rig_ok "c2: the firmware goes on to its next boot option" ||
	rig_fail "c2: the firmware goes on to its next boot option"
rig_done
