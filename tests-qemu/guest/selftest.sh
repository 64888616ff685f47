#!/bin/bash
# tests-qemu/guest/selftest.sh: the test guest alone, without netbootd.
#
# Boots build/guest's kernel and initramfs directly (qemu -kernel -initrd
# -append) on the rig's bridge, with the site DHCP server and busybox httpd
# serving the modloop and apkovl, and checks the guest's NBRESULT line. When
# a boot scenario fails, this tells whether the guest or the server is at
# fault. Not part of `make check` (the scenarios cover the guest); run it
# with `make qemu-guest-selftest`.
. "$(dirname "$0")/../rig.sh"
rig_init guest-selftest
rig_guest_files virt ml-selftest ovl-selftest "alpine-base openssh"
rig_net
ip netns exec "$RIG_NS" busybox httpd -f -p "$RIG_SRV:80" -h "$RIG_ROOT" &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; rig_cleanup' EXIT

u=http://$RIG_SRV
cmd="console=ttyS0 modules=loop,squashfs,virtio_net ip=dhcp BOOTIF=01-52-54-00-4e-42-01"
cmd="$cmd modloop=$u/boot/modloop-virt apkovl=$u/apkovl/virt.apkovl.tar.gz"
cmd="$cmd alpine_repo=$u/alpine/v3.20/main,$u/alpine/v3.20/community"
rig_vm g1 bios virtio-net-pci 52:54:00:4e:42:01 \
	-kernel "$RIG_GUEST/vmlinuz" -initrd "$RIG_GUEST/initramfs" -append "$cmd"
rig_wait_result g1
rig_result_has g1 mac=52:54:00:4e:42:01
rig_result_has g1 modloop=ok:ml-selftest
rig_result_has g1 apkovl=ok:ovl-selftest
rig_result_has g1 world=alpine-base,openssh
rig_result_has g1 "repos=$u/alpine/v3.20/main,$u/alpine/v3.20/community"
rig_cmdline_has g1 ip=dhcp
if grep -q "DHCPACK.*52:54:00:4e:42:01" "$RIG_DIR/dnsmasq.log"; then rig_ok "site DHCP leased to g1"
else rig_fail "site DHCP leased to g1"; cat "$RIG_DIR/dnsmasq.log"; fi
rig_done
