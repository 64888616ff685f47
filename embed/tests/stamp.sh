#!/bin/bash
# embed/tests/stamp.sh: netboot-embed stamp/show on real PE images.
#
# Builds a small PE32+ EFI application with gcc + objcopy (the way efi-shim
# builds alpineboot.efi: an ELF shared object turned into efi-app-x86_64)
# and, when efi-shim has built one, uses the real alpineboot.efi as well.
# For each: stamping keeps the file's size, section table (objdump -h) and
# sbverify --list output, changes bytes only inside .nbplan, and `show`
# prints exactly what `render --format plan` prints. Images that must be
# refused (no section, no magic, section too small, signed, not PE) are
# refused with exit 1 and left byte-identical.
#
# alpineboot-arm64.efi, when built, goes through the same round trip found
# the other way: its gnu-efi header names no .nbplan section, so stamp looks
# for the magic on a page of its own; a second such page, or none, is
# refused.
#
# usage: embed/tests/stamp.sh [NETBOOT_EMBED] [EFI_IMAGE] [EFI_ARM64_IMAGE]
set -u
NE=${1:-build/san/netboot-embed}
EFI=${2:-build/efi-shim/alpineboot.efi}
EFI_ARM64=${3:-$(dirname "$EFI")/alpineboot-arm64.efi}
# The count, its closing line and the clean-up on exit come from the
# protocol tests' harness; this test makes no namespaces (no t_init).
# shellcheck source=server-min/tests/lib.sh
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=stamp
T_DIR=$(mktemp -d /tmp/nbstamp.XXXXXX)
T=$T_DIR
trap t_cleanup EXIT

[ -x "$NE" ] || { echo "stamp.sh: no $NE"; exit 1; }

cat > "$T/site.conf" <<'CONF'
[server]
listen = 198.18.0.1
[profile default]
apkovl = ovl/${mac}.apkovl.tar.gz
cmdline = console=ttyS0
CONF

# A PE image with a .nbplan section of SIZE bytes starting with MAGIC.
mkpe() {  # name size magic; NOSECT=" " leaves .nbplan out
	local name=$1 size=$2 magic=$3
	cat > "$T/$name.c" <<C
__attribute__((section(".nbplan"), used, aligned(16)))
const unsigned char nbplan[$size] = "$magic";
int _start(void) { return nbplan[0]; }
C
	gcc -O2 -fpic -ffreestanding -nostdlib -shared -Wl,-Bsymbolic \
	    -o "$T/$name.so" "$T/$name.c" &&
	objcopy -j .text -j .data ${NOSECT:--j .nbplan} --target=efi-app-x86_64 \
	    --subsystem=10 "$T/$name.so" "$T/$name.efi"
}

# File offset and size of .nbplan per objdump -h (hex).
section() {  # image -> "OFFSET SIZE" in decimal
	local off size
	read -r size off < <(objdump -h "$1" | awk '$2 == ".nbplan" { print $3, $6 }')
	[ -n "${off:-}" ] && echo $((16#$off)) $((16#$size))
}

# stamp_once LABEL IMAGE OFF SIZE WHERE: stamp IMAGE for 52:54:00:12:34:56
# (the original kept as $T/orig.efi): it exits 0, keeps the size, changes
# bytes only in OFF..OFF+SIZE (WHERE names that place), and `show` prints
# what `render --format plan` prints (kept as $T/want.plan, $T/got.plan).
stamp_once() {
	local label=$1 img=$2 off=$3 size=$4 where=$5 first last n
	cp "$img" "$T/orig.efi"
	t_check "$label: stamp exits 0" \
		"$NE" stamp "$img" --config "$T/site.conf" --mac 52:54:00:12:34:56
	t_check "$label: size unchanged" \
		test "$(stat -c %s "$img")" = "$(stat -c %s "$T/orig.efi")"
	# cmp -l prints 1-based offsets of differing bytes.
	read -r first last n < <(cmp -l "$T/orig.efi" "$img" |
		awk 'NR == 1 { f = $1 } { l = $1 } END { print f + 0, l + 0, NR }')
	t_check "$label: bytes changed only inside $where ($n bytes, $first..$last)" \
		test "$n" -gt 0 -a "$first" -gt "$off" -a "$last" -le $((off + size))
	"$NE" render --config "$T/site.conf" --mac 52:54:00:12:34:56 --format plan > "$T/want.plan"
	"$NE" show "$img" > "$T/got.plan"
	t_check "$label: show prints the rendered plan" cmp -s "$T/want.plan" "$T/got.plan"
}

# restamp LABEL IMAGE: stamping for another client replaces, never appends.
restamp() {
	local label=$1 img=$2
	"$NE" stamp "$img" --config "$T/site.conf" --mac 52:54:00:00:00:02 2>/dev/null
	t_check "$label: restamp replaces the plan" \
		sh -c "'$NE' show '$img' | grep -q 52-54-00-00-00-02 && ! '$NE' show '$img' | grep -q 52-54-00-12-34-56"
}

round_trip() {  # label image
	local label=$1 img=$2 off size
	read -r off size < <(section "$img")
	[ -n "${off:-}" ] || { t_fail "$label: no .nbplan in objdump -h"; return; }
	objdump -h "$img" > "$T/h.before"
	sbverify --list "$img" > "$T/sb.before" 2>&1
	stamp_once "$label" "$img" "$off" "$size" .nbplan
	objdump -h "$img" > "$T/h.after"
	t_check "$label: objdump -h unchanged" cmp -s "$T/h.before" "$T/h.after"
	sbverify --list "$img" > "$T/sb.after" 2>&1
	t_check "$label: sbverify --list unchanged" cmp -s "$T/sb.before" "$T/sb.after"
	t_check "$label: the plan carries this MAC's apkovl" \
		grep -q 'apkovl=http://198.18.0.1/ovl/52-54-00-12-34-56.apkovl.tar.gz' "$T/got.plan"
	# Header: length field = plan size, little-endian at +16.
	len=$(od -An -tu4 -j $((off + 16)) -N4 "$img" | tr -d ' ')
	t_check "$label: stamp length field = $(stat -c %s "$T/want.plan")" \
		test "$len" = "$(stat -c %s "$T/want.plan")"
	restamp "$label" "$img"
}

refused() {  # label image
	local label=$1 img=$2 sum rc
	sum=$(sha256sum < "$img")
	"$NE" stamp "$img" --config "$T/site.conf" --mac 52:54:00:12:34:56 2> "$T/err"
	rc=$?
	t_check "$label: refused with exit 1 ($(head -c 80 "$T/err"))" test "$rc" -eq 1
	t_check "$label: file untouched" test "$(sha256sum < "$img")" = "$sum"
}

mkpe good 16384 ALPINEBOOTSTAMP1 || { echo "stamp.sh: cannot build a PE"; exit 1; }
round_trip "small PE" "$T/good.efi"

NOSECT=" " mkpe nosect 16384 ALPINEBOOTSTAMP1
refused "no .nbplan" "$T/nosect.efi"
mkpe nomagic 16384 SOMETHINGELSE123
refused "no magic" "$T/nomagic.efi"
mkpe small 4096 ALPINEBOOTSTAMP1
refused "section too small" "$T/small.efi"
head -c 4096 /dev/urandom > "$T/notpe.efi"
refused "not PE" "$T/notpe.efi"
printf 'MZ' > "$T/tiny.efi"
refused "2-byte file" "$T/tiny.efi"
# A truncated image: headers promise a section past the end of the file.
mkpe trunc 16384 ALPINEBOOTSTAMP1
head -c 2048 "$T/trunc.efi" > "$T/trunc2.efi"
refused "truncated image" "$T/trunc2.efi"
if command -v sbsign > /dev/null && command -v openssl > /dev/null; then
	openssl req -new -x509 -newkey rsa:2048 -nodes -subj /CN=stamp-test \
		-keyout "$T/k.pem" -out "$T/c.pem" -days 1 2> /dev/null
	mkpe tosign 16384 ALPINEBOOTSTAMP1
	sbsign --key "$T/k.pem" --cert "$T/c.pem" --output "$T/signed.efi" \
		"$T/tosign.efi" 2> /dev/null
	refused "signed image" "$T/signed.efi"
fi

t_check "show on an unstamped image fails" sh -c "! '$NE' show '$T/nomagic.efi' 2>/dev/null"
mkpe fresh 16384 ALPINEBOOTSTAMP1
t_check "show on a never-stamped image says so" \
	sh -c "'$NE' show '$T/fresh.efi' 2>&1 | grep -q 'not stamped'"

# A stamped image whose length field runs past the section (plan/stamp.c
# decodes it for netboot-embed and alpineboot.efi alike): show refuses it.
mkpe corrupt 16384 ALPINEBOOTSTAMP1
"$NE" stamp "$T/corrupt.efi" --config "$T/site.conf" 2> /dev/null
off=$(grep -abo ALPINEBOOTSTAMP1 "$T/corrupt.efi" | head -n 1 | cut -d: -f1)
printf '\377\377\000\000' | dd of="$T/corrupt.efi" bs=1 seek=$((off + 16)) conv=notrunc 2> /dev/null
t_check "show on a stamp whose length runs past the section says corrupt" \
	sh -c "! '$NE' show '$T/corrupt.efi' > /dev/null 2> '$T/corrupt.err' && grep -q 'is corrupt' '$T/corrupt.err'"

if [ -f "$EFI" ]; then
	cp "$EFI" "$T/alpineboot.efi"
	round_trip "alpineboot.efi" "$T/alpineboot.efi"
else
	echo "note: $EFI not built; the real-image round trip ran on the small PE only"
fi

# The stamp by its magic: page-aligned file offsets only (the .rodata copy
# of the magic, if any, is not one).
round_trip_page() {  # label image
	local label=$1 img=$2 off
	off=$(grep -abo ALPINEBOOTSTAMP1 "$img" | awk -F: '$1 % 4096 == 0 {print $1}')
	t_check "$label: the magic starts exactly one page (at $(echo $off))" \
		test "$(echo $off | wc -w)" -eq 1
	[ "$(echo $off | wc -w)" -eq 1 ] || return
	stamp_once "$label" "$img" "$off" 16384 "the stamp page"
	restamp "$label" "$img"
	# Offset 4096 is the first page of the header's ".text" section.
	cp "$T/orig.efi" "$T/twice.efi"
	printf ALPINEBOOTSTAMP1 | dd of="$T/twice.efi" bs=1 seek=4096 conv=notrunc 2> /dev/null
	refused "$label, the magic on a second page" "$T/twice.efi"
	grep -q 'more than one page' "$T/err" && t_ok "$label: says the magic is on more than one page" ||
		t_fail "$label: says the magic is on more than one page"
	cp "$T/orig.efi" "$T/gone.efi"
	dd if=/dev/zero of="$T/gone.efi" bs=1 seek="$off" count=16 conv=notrunc 2> /dev/null
	refused "$label without the magic" "$T/gone.efi"
}
if [ -f "$EFI_ARM64" ]; then
	cp "$EFI_ARM64" "$T/alpineboot-arm64.efi"
	round_trip_page "alpineboot-arm64.efi" "$T/alpineboot-arm64.efi"
else
	echo "note: $EFI_ARM64 not built (make efi-arm64); its stamp round trip did not run"
fi

t_done
