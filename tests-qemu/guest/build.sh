#!/bin/bash
# tests-qemu/guest/build.sh OUT [ARCH]: the test guest of the boot tests.
#
#   OUT/vmlinuz        Debian's kernel, from linux-image-ARCH's dependency,
#                      fetched with apt-get download (cached in OUT/deb/),
#                      unpacked with dpkg-deb -x: never installed on the host
#   OUT/initramfs      gzip'd newc cpio: busybox-static, the modules the
#                      guest needs in load order, /init (tests-qemu/guest/init)
#   OUT/kernel-release the kernel's `uname -r`, for the modloop's modules/ dir
#
# ARCH: amd64 (default; the host's own busybox-static) or arm64 (kernel and
# busybox-static:arm64 from guest/fetch-arm64.sh, which also brings trixie's
# ipxe-arm64.efi into OUT). Alpine's own netboot files cannot be downloaded
# here; this guest honours the same kernel command line
# (docs/architecture.md), which is all the server sees.
set -euo pipefail
OUT=${1:?usage: build.sh OUT [amd64|arm64]}
ARCH=${2:-amd64}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/deb"

case $ARCH in
amd64)
	# The linux-image-X.Y.Z-N-amd64 that the metapackage depends on right now.
	pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
	[ -n "$pkg" ] || { echo "build.sh: cannot resolve linux-image-amd64's kernel package" >&2; exit 1; }
	deb=$(ls "$OUT"/deb/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		(cd "$OUT/deb" && apt-get download "$pkg")
		deb=$(ls "$OUT"/deb/"${pkg}"_*.deb | head -n1)
	fi
	busybox=/bin/busybox
	# NIC drivers the scenarios use (virtio-net, e1000; e1000e for q35's
	# default NIC), then loop and squashfs for the modloop.
	mods="virtio_pci virtio_net e1000 e1000e loop squashfs"
	;;
arm64)
	"$HERE/fetch-arm64.sh" "$OUT"
	deb=$(ls "$OUT"/deb/linux-image-*-arm64_*_arm64.deb | sort -V | tail -n1)
	busybox=$OUT/pkg/busybox/bin/busybox
	# QEMU's virt machine: virtio-net on PCI (PL011 serial is built in).
	mods="virtio_pci virtio_net loop squashfs"
	;;
*) echo "build.sh: ARCH is amd64 or arm64, not $ARCH" >&2; exit 1 ;;
esac

work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/k"
kv=$(ls "$work/k/lib/modules")
depmod -b "$work/k" "$kv"

r=$work/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/share/udhcpc,etc,proc,sys,dev,tmp,lib/modules}
cp "$busybox" "$r/bin/busybox"
# busybox-static: the guest has no libc of its own, so no ELF interpreter.
if readelf -l "$busybox" | grep 'program interpreter' >/dev/null; then
	echo "build.sh: $busybox is dynamic (install busybox-static)" >&2; exit 1
fi
ln -s busybox "$r/bin/sh"
install -m 0755 "$HERE/init" "$r/init"
install -m 0755 "$HERE/udhcpc.script" "$r/usr/share/udhcpc/default.script"

# The modules in $mods; --show-depends gives each module's dependencies
# first; keep the first occurrence of each.
: >"$r/lib/modules/load.order"
for m in $mods; do
	modprobe -d "$work/k" -S "$kv" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	name=${ko##*/}
	cp "$ko" "$r/lib/modules/$name"
	echo "$name" >>"$r/lib/modules/load.order"
done

(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$work/initramfs"
cp "$work/k/boot/vmlinuz-$kv" "$work/vmlinuz"
echo "$kv" >"$work/kernel-release"
mv "$work/initramfs" "$work/vmlinuz" "$work/kernel-release" "$OUT/"
echo "guest ($ARCH): kernel $kv, initramfs $(stat -c %s "$OUT/initramfs") bytes, modules: $(tr '\n' ' ' <"$r/lib/modules/load.order")"
