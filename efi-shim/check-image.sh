#!/bin/sh
# check-image.sh ELF PE [SECTIONS]: the post-link check of alpineboot.efi
# (x86-64) and alpineboot-arm64.efi (AArch64; the ELF's machine says which).
# SECTIONS: the names objcopy copied into the PE (rules.mk, aarch64.mk).
#
# Fails (and so fails the build) unless:
#  - the linked ELF has no undefined symbols (firmware has no dynamic linker:
#    an unresolved call would jump to address 0 at boot);
#  - its only dynamic relocations are R_X86_64_RELATIVE (R_AARCH64_RELATIVE),
#    the one kind gnu-efi's _relocate applies (anything else would be
#    silently skipped);
#  - the PE is PE32+ (optional header magic 0x20b) for the ELF's machine
#    (COFF machine 0x8664 or 0xaa64) with subsystem 10, EFI application
#    (PE/COFF spec, "Machine Types", "Windows Subsystem");
#  - it carries the stamp section ".nbplan" of 16384 bytes starting with the
#    magic, as netboot-embed expects (plan/stamp.h);
#  - --gc-sections kept what nothing in our code references: the ".reloc"
#    base relocation section (crt0's; firmware relocates the image by it),
#    ".dynamic" (crt0's _relocate walks it), and the entry _start with
#    efi_main, which _start calls;
#  - every allocated section of the ELF with a size (.hash, .dynstr and the
#    like aside, which the PE does not need) is one objcopy copied: an
#    orphan such as .bss.NAME from -fdata-sections would otherwise be left
#    out and the code would use memory past the end of the image.
#
# AArch64 images are gnu-efi 3.0.15's: crt0's hand-made header, the
# object dumped with objcopy -O binary (efi-shim/aarch64.mk says why).
# Their header's section table has two entries, ".text" and ".data", so
# instead of the .nbplan and .reloc entries it checks that:
#  - the file is the image: its size is SizeOfImage, which is _edata
#    (file offset = RVA), and the entry point is _start;
#  - .nbplan (16384 bytes, the magic) lies page-aligned inside the header's
#    ".data" (_data.._edata), so the firmware loads it, and the magic
#    starts exactly one page of the file: where netboot-embed, finding no
#    .nbplan entry, looks for it;
#  - the header does not say "relocations stripped" (the firmware may then
#    load it anywhere; crt0's _relocate does the rest), .dynamic lies
#    before _edata.
set -eu
elf=$1 pe=$2
copied=${3:-}
fail() { echo "check-image: $pe: $*" >&2; exit 1; }

# The host's binutils read x86-64 only; the cross ones read their own.
case $(readelf -h "$elf" | sed -n 's/^ *Machine: *//p') in
Advanced\ Micro\ Devices\ X86-64) arch=x86_64 tp='' rel=R_X86_64_RELATIVE coff=8664 ;;
AArch64) arch=aarch64 tp=aarch64-linux-gnu- rel=R_AARCH64_RELATIVE coff=aa64 ;;
*) fail "$elf is neither x86-64 nor AArch64" ;;
esac
MAGIC=ALPINEBOOTSTAMP1
MAGIC_HEX=414c50494e45424f4f545354414d5031

undef=$(${tp}nm -u "$elf")
[ -z "$undef" ] || fail "undefined symbols: $(echo $undef)"

bad=$(readelf -rW "$elf" | awk -v ok="$rel" '/^[0-9a-f]+ +[0-9a-f]+ +R_/ && $3 != ok {print $3}' | sort -u)
[ -z "$bad" ] || fail "relocations gnu-efi cannot apply: $(echo $bad)"

# COFF machine: the 2 bytes after "PE\0\0" (e_lfanew at 0x3c).
lfanew=$(od -An -tu4 -j 60 -N4 "$pe" | tr -d ' ')
machine=$(od -An -tx2 -j $((lfanew + 4)) -N2 "$pe" | tr -d ' ')
[ "$machine" = "$coff" ] || fail "COFF machine is 0x$machine, not 0x$coff ($arch)"
hdr=$(${tp}objdump -p "$pe")
echo "$hdr" | grep -Eq '^Magic[[:space:]]+020b' || fail "not PE32+ (optional header magic is not 020b)"
echo "$hdr" | grep -Eq '^Subsystem[[:space:]]+0000000a' || fail "subsystem is not 10 (EFI application)"

sym() { ${tp}nm "$elf" | awk -v s="$1" '$3 == s {print $1}'; }
if [ $arch = x86_64 ]; then
	sec=$(objdump -h "$pe" | awk '$2 == ".nbplan" {print $3}')
	[ -n "$sec" ] || fail "no .nbplan stamp section"
	[ $((0x$sec)) -eq 16384 ] || fail ".nbplan is $((0x$sec)) bytes, not 16384"
	for s in .reloc .dynamic; do
		objdump -h "$pe" | awk -v s="$s" '$2 == s {f=1} END {exit !f}' || fail "no $s section"
	done
else
	# readelf -SW: "[Nr] Name Type Address Off Size ...": NAME ADDR SIZE.
	elfsec() { readelf -SW "$elf" | sed 's/^ *\[ *[0-9]*\] *//' | awk -v s="$1" '$1 == s {print $3, $5}'; }
	data=$((0x$(sym _data))) edata=$((0x$(sym _edata)))
	[ "$(stat -c %s "$pe")" -eq $edata ] || fail "file is $(stat -c %s "$pe") bytes, _edata is $edata"
	echo "$hdr" | grep -Eiq "^SizeOfImage[[:space:]]+0*$(printf %x $edata)\$" ||
		fail "SizeOfImage is not _edata ($edata)"
	echo "$hdr" | grep -Eiq "^AddressOfEntryPoint[[:space:]]+0*$(sym _start | sed 's/^0*//')\$" ||
		fail "AddressOfEntryPoint is not _start"
	chars=$(echo "$hdr" | sed -n 's/^Characteristics[[:space:]]*0x//p')
	[ $((0x$chars & 1)) -eq 0 ] || fail "header says relocations stripped"
	read -r addr size <<-EOF
	$(elfsec .nbplan)
	EOF
	[ -n "${addr:-}" ] || fail "no .nbplan stamp section in $elf"
	addr=$((0x$addr)) size=$((0x$size))
	[ $size -eq 16384 ] || fail ".nbplan is $size bytes, not 16384"
	[ $((addr % 4096)) -eq 0 ] && [ $addr -ge $data ] && [ $((addr + size)) -le $edata ] ||
		fail ".nbplan at $addr is not page-aligned inside .data ($data..$edata)"
	pages=$(grep -abo $MAGIC "$pe" | awk -F: '$1 % 4096 == 0 {print $1}')
	[ "$pages" = "$addr" ] || fail "the magic starts pages at [$(echo $pages)], not at .nbplan ($addr) alone"
	read -r addr size <<-EOF
	$(elfsec .dynamic)
	EOF
	[ -n "${addr:-}" ] && [ $((0x$addr + 0x$size)) -le $edata ] || fail "no .dynamic before _edata"
fi
if [ -n "$copied" ]; then
	# readelf -SW: "[Nr] Name Type Address Off Size ES Flg ...", with "[ N]"
	# for one-digit numbers: strip the bracket so fields do not shift.
	lost=$(readelf -SW "$elf" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk -v keep=" $copied .hash .gnu.hash .dynstr .dynsym .eh_frame .note.gnu.build-id " \
		    '$4 ~ /^[0-9a-f]+$/ && $7 ~ /A/ && $5 !~ /^0+$/ && index(keep, " " $1 " ") == 0 {print $1}')
	[ -z "$lost" ] || fail "allocated sections objcopy does not copy: $(echo $lost)"
fi
for s in _start efi_main; do
	${tp}nm "$elf" | awk -v s="$s" '$3 == s && $2 ~ /^[Tt]$/ {f=1} END {exit !f}' || fail "no $s in .text"
done
if [ $arch = x86_64 ]; then
	# objcopy takes the PE entry point from the ELF's. (AArch64: the
	# hand-made header's, checked above; crt0's _start is local there, so
	# the ELF's own entry is 0 and unused.)
	entry=$(objdump -f "$elf" | awk '/start address/ {print $3}')
	[ $((entry)) -eq $((0x$(sym _start))) ] || fail "entry point $entry is not _start"
	magic=$(objdump -s -j .nbplan "$pe" | awk 'NR==5 {print $2 $3 $4 $5}')
	[ "$magic" = "$MAGIC_HEX" ] || fail ".nbplan does not start with $MAGIC"
	echo "check-image: $pe: PE32+, subsystem 10, no undefined symbols, relocations RELATIVE only," \
	     ".reloc .dynamic _start efi_main present, .nbplan ok"
else
	echo "check-image: $pe: AArch64 PE32+ (gnu-efi header), subsystem 10, no undefined symbols," \
	     "relocations RELATIVE only, size = SizeOfImage, .dynamic _start efi_main present," \
	     ".nbplan page-aligned in .data, magic on one page only"
fi
