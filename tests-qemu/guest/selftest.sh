#!/bin/bash
# tests-qemu/guest/selftest.sh: the test guest alone, without netbootd.
#
# Boots build/guest's kernel and initramfs directly (qemu -kernel -initrd
# -append) on the rig's bridge, with the site DHCP server and busybox httpd
# serving the modloop and apkovl, and checks the guest's NBRESULT line. When
# a boot scenario fails, this tells whether the guest or the server is at
# fault. Not part of `make check` (the scenarios cover the guest); run it
# with `make qemu-guest-selftest`.
#
# GUEST_ARCH=arm64: the arm64 guest ($(B)/guest-arm64) on qemu-system-aarch64
# -M virt with AAVMF, which starts -kernel through its EFI stub; this is the
# check that guest/fetch-arm64.sh and build.sh made a guest that boots.
. "$(dirname "$0")/../rig.sh"
fw=bios nic=virtio-net-pci
if [ "${GUEST_ARCH:-amd64}" = arm64 ]; then
	RIG_GUEST=$RIG_B/guest-arm64 RIG_TTY=ttyAMA0 fw=arm64 nic=virtio-net-pci,romfile=
	RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT_ARM64:-300}   # about 15 s when it works
	rig_need "$QEMU_ARM64"
fi
rig_init guest-selftest-${GUEST_ARCH:-amd64}
rig_guest_files virt ml-selftest ovl-selftest "alpine-base openssh"
rig_net
ip netns exec "$RIG_NS" busybox httpd -f -p "$RIG_SRV:80" -h "$RIG_ROOT" &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; rig_cleanup' EXIT

u=http://$RIG_SRV
cmd="console=$RIG_TTY modules=loop,squashfs,virtio_net ip=dhcp BOOTIF=01-52-54-00-4e-42-01"
cmd="$cmd modloop=$u/boot/modloop-virt apkovl=$u/apkovl/virt.apkovl.tar.gz"
cmd="$cmd alpine_repo=$u/alpine/v3.20/main,$u/alpine/v3.20/community"
rig_vm g1 $fw $nic 52:54:00:4e:42:01 \
	-kernel "$RIG_GUEST/vmlinuz" -initrd "$RIG_GUEST/initramfs" -append "$cmd"
rig_wait_result g1
rig_result_has g1 mac=52:54:00:4e:42:01
rig_result_match g1 addr "${RIG_NET//./\\.}\\.(1[0-9][0-9]|200)"
rig_expect_serial g1 "nbguest: init started, kernel $(cat "$RIG_GUEST/kernel-release")" \
	"g1: the guest's own kernel ($(cat "$RIG_GUEST/kernel-release")) runs its /init" 1
rig_result_has g1 modloop=ok:ml-selftest
rig_result_has g1 apkovl=ok:ovl-selftest
rig_result_has g1 world=alpine-base,openssh
rig_result_has g1 "repos=$u/alpine/v3.20/main,$u/alpine/v3.20/community"
rig_cmdline_has g1 ip=dhcp
if grep -q "DHCPACK.*52:54:00:4e:42:01" "$RIG_DIR/dnsmasq.log"; then rig_ok "site DHCP leased to g1"
else rig_fail "site DHCP leased to g1"; cat "$RIG_DIR/dnsmasq.log"; fi
rig_done
