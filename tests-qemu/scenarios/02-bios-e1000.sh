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
rig_vm c2 bios e1000 $MAC2
# The ROM's "Press Ctrl-B to configure" (SeaBIOS option ROM init) comes
# first; iPXE's own "Press Ctrl-B for the iPXE command line" at boot time is
# the one rig_ipxe_shell waits for.
rig_ipxe_shell c2 && rig_ok "c2: into the ROM's iPXE shell" || { rig_fail "c2: into the ROM's iPXE shell"; rig_show c2; }
sleep 0.5
rig_type c2 dhcp
rig_expect_serial c2 'Configuring \(net0.*ok' "c2: DHCP in the shell" 60 &&
	{ sleep 1; rig_type c2 "chain tftp://$RIG_SRV/undionly.kpxe"; }
rig_expect_serial c2 'undionly.kpxe\.\.\. ok' "c2: undionly.kpxe loaded over TFTP" 60
rig_expect_serial c2 'net0: 52:54:00:4e:02:02 using undionly' "c2: undionly.kpxe drives the NIC through the ROM's UNDI" 60

rig_expect_alpine c1 $MAC virt ml-02 ovl-02 apkovl/virt.apkovl.tar.gz "alpine-base openssh" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_alpine c2 $MAC2 virt ml-02 ovl-02 apkovl/virt.apkovl.tar.gz "alpine-base openssh" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
for c in c1 c2; do
	rig_expect_serial $c 'netboot: booting Alpine virt v3.20' "$c: iPXE runs boot.ipxe" 1
	rig_expect_serial $c 'Command line: .*modloop=' "$c: the kernel starts" 1
done
rig_log_has "info dhcp $MAC offer arch=0 file=http://$RIG_SRV/boot.ipxe" "c1: proxy offer to the iPXE ROM: boot.ipxe"
rig_log_has "info tftp [0-9.:]+ sent undionly.kpxe [0-9]+ bytes" "c2: undionly.kpxe (the distribution's) over TFTP"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-4e-02-01 200" "boot.ipxe for c1"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-4e-02-02 200" "boot.ipxe for c2"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (clients reached userspace)"
rig_done
