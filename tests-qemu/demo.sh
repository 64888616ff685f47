#!/bin/bash
# tests-qemu/demo.sh: `make demo`. One diskless VM network-boots through
# netbootd on the test rig (tests-qemu/rig.sh) with its serial console on
# this terminal: firmware, PXE, alpineboot.efi or iPXE, the kernel, and the
# guest's report of what it got. FIRMWARE=uefi (default, OVMF) or bios
# (SeaBIOS). Everything is torn down at the end; Ctrl-A x leaves early.
set -u
FIRMWARE=${FIRMWARE:-uefi}
. "$(dirname "$0")/rig.sh"
NETBOOTD=${DEMO_NETBOOTD:-$RIG_B/netbootd}     # the plain build, as a site runs it
rig_init demo
MAC=52:54:00:de:00:01

case $FIRMWARE in
uefi)
	fw_secs=30
	[ -f "$RIG_EFI" ] || rig_die "no $RIG_EFI (make all)"
	cp "$RIG_EFI" "$RIG_ROOT/alpineboot.efi" ;;
bios) fw_secs=10 ;;
*) rig_die "FIRMWARE=$FIRMWARE: uefi or bios" ;;
esac

rig_guest_files virt demo-modloop demo-apkovl "alpine-base openssh"
rig_config <<'EOF_CONF'
# What `make demo` serves: Alpine's netboot layout under the root
# (boot/vmlinuz-virt, boot/initramfs-virt, boot/modloop-virt; here the test
# guest stands in for Alpine) and one overlay.
[profile default]
title = make demo: Alpine (virt) from netbootd
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF

cat <<EOT
== make demo: $FIRMWARE client $MAC, netbootd on $RIG_SRV, site DHCP (dnsmasq) on $RIG_ROUTER
== netbootd.conf:
$(sed 's/^/   /' "$RIG_CONF")
== the VM's serial console follows (Ctrl-A x quits); under TCG the
== firmware takes about $fw_secs s before anything netboots.
EOT
rig_start
# UEFI: romfile= leaves out QEMU's iPXE EFI ROM, which would take the PXE
# boot before OVMF's own (docs/testing.md): the demo shows alpineboot.efi.
nic=virtio-net-pci
[ "$FIRMWARE" = uefi ] && nic=virtio-net-pci,romfile=
RIG_CONSOLE=1 rig_vm demo "$FIRMWARE" $nic $MAC
echo
echo "== netbootd's log:"
sed 's/^/   /' "$RIG_LOG"
if grep -aq '^NBRESULT ' "$RIG_DIR/demo.serial"; then
	echo "== the guest booted and reported:"
	res=$(grep -a '^NBRESULT ' "$RIG_DIR/demo.serial" | tail -n1 | tr -d '\r')
	echo "${res% cmdline=*}" | tr ' ' '\n' | sed '1d; s/^/   /'
	echo "   cmdline=${res#* cmdline=}"
	rc=0
else
	echo "== the guest did not report (see its console above)"; rc=1
fi
rig_done >/dev/null
exit $rc
