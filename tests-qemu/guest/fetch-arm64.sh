#!/bin/bash
# tests-qemu/guest/fetch-arm64.sh OUT: the foreign packages the arm64 boot
# test needs, downloaded and unpacked under OUT (the build tree), never
# installed on the host:
#
#   OUT/deb/                 the .debs (a cache: nothing is fetched twice)
#   OUT/pkg/kernel/          boot/ and lib/modules/ of Debian 12's arm64 kernel (the linux-image-X-arm64
#                            that linux-image-arm64 depends on right now)
#   OUT/pkg/busybox/         bin/busybox of busybox-static:arm64 (the guest's
#                            userland)
#   OUT/pkg/ipxe/            ipxe-arm64.efi of Debian trixie's ipxe (all):
#                            bookworm's ipxe has no arm64 build
#   OUT/ipxe-arm64.efi       copied out of it, for the scenario's TFTP root
#
# arm64 packages come from the host's own mirror once `dpkg
# --add-architecture arm64` (idempotent; it only lets apt see arm64 indexes)
# and `apt-get update` have run. Trixie is never added to the host's sources:
# its ipxe comes through a sources list, index and cache kept in OUT/apt-trixie
# (-o Dir::Etc::SourceList=...), on the mirror the host already uses, so the
# host's apt state is untouched. Needs root for the first two steps only.
set -euo pipefail
OUT=${1:?usage: fetch-arm64.sh OUT}
mkdir -p "$OUT/deb" "$OUT/pkg"
OUT=$(cd "$OUT" && pwd)
say() { echo "fetch-arm64: $*"; }

# The host's Debian mirror: the first URI ending in /debian in its sources,
# deb822 (*.sources, "URIs:") or one-line (*.list, "deb [opts] URI suite").
host_mirror() {
	{
		sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' || true
		sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
		true                   # a missing sources.list is no error
	} | grep -E '^https?://[^ ]*/debian/?$' | head -n1 | sed 's,/$,,'
}

# unpack DEB DIR PATH...: DEB's PATHs (as in the package) into OUT/pkg/DIR,
# the rest of it thrown away. Not only to save space: a package's foo.d/
# folders under $(B) would be taken for make's dependency files.
unpack() {
	local deb=$1 dir=$2 tmp p; shift 2
	tmp=$(mktemp -d "$OUT/pkg/.unpack.XXXXXX")
	dpkg-deb -x "$deb" "$tmp"
	rm -rf "${OUT:?}/pkg/$dir"
	for p in "$@"; do
		[ -e "$tmp/$p" ] || { rm -rf "$tmp"; say "${deb##*/} has no $p" >&2; return 1; }
		mkdir -p "$OUT/pkg/$dir/$(dirname "$p")"
		mv "$tmp/$p" "$OUT/pkg/$dir/$p"
	done
	rm -rf "$tmp"
	say "$dir: ${deb##*/}"
}

# fetch_arm64 PKG: one arm64 .deb into OUT/deb (kept); prints its path.
fetch_arm64() {
	local pkg=$1 deb
	deb=$(ls "$OUT"/deb/"${pkg}"_*_arm64.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		(cd "$OUT/deb" && apt-get download -q "$pkg:arm64") >&2
		deb=$(ls "$OUT"/deb/"${pkg}"_*_arm64.deb | head -n1)
	fi
	echo "$deb"
}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
	apt-get update -q
fi
if ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then
	apt-get update -q          # arm64 added by hand, indexes not fetched yet
fi

# The kernel package the metapackage points at today (as guest/build.sh does
# for amd64).
kpkg=$(apt-cache depends linux-image-arm64:arm64 |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-arm64\)\(:arm64\)\?$/\1/p' | head -n1)
[ -n "$kpkg" ] || { say "cannot resolve linux-image-arm64's kernel package" >&2; exit 1; }
deb=$(fetch_arm64 "$kpkg")
unpack "$deb" kernel boot lib/modules
deb=$(fetch_arm64 busybox-static)
unpack "$deb" busybox bin/busybox

# Trixie's ipxe, through an apt configuration of our own.
deb=$(ls "$OUT"/deb/ipxe_*_all.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	mirror=$(host_mirror)
	[ -n "$mirror" ] || { say "no Debian mirror in /etc/apt/sources.list(.d)" >&2; exit 1; }
	a=$OUT/apt-trixie
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" \
		>"$a/sources.list"
	opts=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
	      -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache"
	      -o APT::Architectures=amd64 -o APT::Architecture=amd64
	      -o APT::Sandbox::User=root -q)
	say "trixie's ipxe from $mirror"
	apt-get "${opts[@]}" update
	(cd "$OUT/deb" && apt-get "${opts[@]}" download ipxe)
	deb=$(ls "$OUT"/deb/ipxe_*_all.deb | head -n1)
fi
unpack "$deb" ipxe usr/lib/ipxe/ipxe-arm64.efi
cp "$OUT/pkg/ipxe/usr/lib/ipxe/ipxe-arm64.efi" "$OUT/ipxe-arm64.efi"
say "ipxe-arm64.efi: $(stat -c %s "$OUT/ipxe-arm64.efi") bytes"
