#!/bin/bash
# efi-shim/fetch-gnu-efi-arm64.sh OUT: Debian's gnu-efi for arm64, the files
# alpineboot-arm64.efi is linked with, unpacked under OUT (the build tree)
# and never installed on the host (its files would collide with the amd64
# gnu-efi's /usr/include/efi):
#
#   OUT/deb/gnu-efi_*_arm64.deb   the package (a cache: fetched once)
#   OUT/usr/lib/                  crt0-efi-aarch64.o, elf_aarch64_efi.lds,
#                                 libefi.a, libgnuefi.a
#   OUT/usr/include/efi/          headers, with aarch64/ for efibind.h
#
# gnu-efi is the same source for every architecture, but its crt0, linker
# script and libraries are per-architecture binaries: only the arm64
# package has the aarch64 ones. `apt-get download gnu-efi:arm64` needs arm64
# as a foreign dpkg architecture (make deps adds it; so does
# tests-qemu/guest/fetch-arm64.sh); that only lets apt see the arm64
# indexes. Unpacking goes to a temporary folder that replaces OUT/usr only
# when every needed file is there, so an interrupted run leaves no half tree
# for make to take as done.
set -euo pipefail
OUT=${1:?usage: fetch-gnu-efi-arm64.sh OUT}
mkdir -p "$OUT/deb"
OUT=$(cd "$OUT" && pwd)
say() { echo "fetch-gnu-efi-arm64: $*"; }

NEED="usr/lib/crt0-efi-aarch64.o usr/lib/elf_aarch64_efi.lds usr/lib/libefi.a
      usr/lib/libgnuefi.a usr/include/efi/efi.h usr/include/efi/aarch64/efibind.h"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
	apt-get update -q
fi
deb=$(ls "$OUT"/deb/gnu-efi_*_arm64.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	apt-cache show gnu-efi:arm64 >/dev/null 2>&1 || apt-get update -q
	(cd "$OUT/deb" && apt-get download -q gnu-efi:arm64)
	deb=$(ls "$OUT"/deb/gnu-efi_*_arm64.deb | head -n1)
fi

tmp=$(mktemp -d "$OUT/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
for f in $NEED; do
	[ -f "$tmp/$f" ] || { say "${deb##*/} has no $f" >&2; exit 1; }
done
rm -rf "${OUT:?}/usr"
mv "$tmp/usr" "$OUT/usr"
say "${deb##*/} unpacked in $OUT/usr"
