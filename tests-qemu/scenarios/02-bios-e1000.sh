#!/bin/bash
# 2. SeaBIOS, e1000 (QEMU's pxe-e1000.rom; the guest uses the e1000 driver),
# two VMs side by side:
#   c1  as scenario 1: the NIC ROM (iPXE) -> boot.ipxe -> guest;
#   c2  the vendor-PXE-ROM path, by hand: at the ROM's iPXE prompt we
#       chain undionly.kpxe over TFTP, as a PC's own PXE ROM would on
#       netbootd's answer; netbootd serves Debian's copy (/usr/lib/ipxe),
#       and that iPXE, running on the ROM's UNDI, goes on to boot.ipxe.
. "$(dirname "$0")/../rig.sh"
rig_init 02-bios-e1000
MAC=52:54:00:4e:02:01
MAC2=52:54:00:4e:02:02
rig_guest_files virt ml-02 ovl-02 "alpine-base openssh"
rig_std_config
rig_start
rig_vm c1 bios e1000 $MAC
rig_vm c2 bios e1000 $MAC2
# The ROM's "Press Ctrl-B to configure" (SeaBIOS option ROM init) comes
# first; iPXE's own "Press Ctrl-B for the iPXE command line" at boot time is
# the one rig_ipxe_shell waits for.
rig_expect_ipxe_shell c2
rig_type c2 dhcp
rig_expect_serial c2 'Configuring \(net0.*ok' "c2: DHCP in the shell" 60 &&
	{ sleep 1; rig_type c2 "chain tftp://$RIG_SRV/undionly.kpxe"; }
rig_expect_serial c2 'undionly.kpxe\.\.\. ok' "c2: undionly.kpxe loaded over TFTP" 60
rig_expect_serial c2 'net0: 52:54:00:4e:02:02 using undionly' "c2: undionly.kpxe drives the NIC through the ROM's UNDI" 60

rig_expect_boot c1 $MAC
rig_expect_boot c2 $MAC2
# c2's own iPXE (the ROM's, at the shell's "dhcp") and then undionly.kpxe
# ask as iPXE: both are offered boot.ipxe like c1.
rig_expect_path c1 bios ipxe $MAC
rig_expect_path c2 bios ipxe $MAC2
rig_log_has "info tftp [0-9.:]+ sent undionly.kpxe [0-9]+ bytes" "c2: undionly.kpxe (the distribution's) over TFTP"
rig_expect_files virt apkovl/virt.apkovl.tar.gz
rig_done
