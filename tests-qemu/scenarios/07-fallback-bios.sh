#!/bin/bash
# 7 (BIOS). Fallback: the profile's kernel (lts) is missing on the server.
# boot.ipxe, running in Debian's iPXE, reaches its first download, fails,
# and shows its menu on serial; the test picks "other flavor" with the
# keyboard (QEMU monitor sendkey) and the guest boots virt. This is also
# the issue-3 check that a rendered boot.ipxe parses in the iPXE Debian 12
# ships (1.0.0+git-20190125).
. "$(dirname "$0")/../rig.sh"
rig_init 07-fallback-bios
MAC=52:54:00:4e:07:01
rig_guest_files virt ml-virt ovl-07 "alpine-base"      # no boot/*-lts at all
# Menu: Retry (default), Alpine virt (other flavor), Reboot.
rig_std_config flavor=lts fallback="retry flavor reboot" timeout=120
rig_start
rig_vm c1 bios virtio-net-pci $MAC
rig_expect_serial c1 'netboot: booting Alpine lts v3.20' "c1: boot.ipxe runs entry 0 (lts)" 150
rig_expect_serial c1 'netboot: boot failed' "c1: the missing kernel fails the boot" 60
rig_expect_serial c1 'Alpine lts v3.20: boot failed' "c1: the fallback menu is drawn" 30
rig_expect_serial c1 'other flavor' "c1: the menu offers the other flavor" 5
sleep 1                               # let iPXE finish drawing before keys
rig_keys c1 down ret
rig_expect_serial c1 'netboot: booting Alpine virt v3.20 \(other flavor\)' "c1: menu choice taken" 60
rig_expect_boot c1 $MAC
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-lts 404" "the lts kernel was asked for and missing"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "the virt kernel came after the menu"
rig_done
