#!/bin/sh
# check-image.sh ELF PE [SECTIONS]: the post-link check of alpineboot.efi.
# SECTIONS: the names objcopy copied into the PE (rules.mk).
#
# Fails (and so fails the build) unless:
#  - the linked ELF has no undefined symbols (firmware has no dynamic linker:
#    an unresolved call would jump to address 0 at boot);
#  - its only dynamic relocations are R_X86_64_RELATIVE, the one kind
#    gnu-efi's _relocate applies (anything else would be silently skipped);
#  - the PE is PE32+ (optional header magic 0x20b) with subsystem 10,
#    EFI application (PE/COFF spec, "Windows Subsystem");
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
set -eu
elf=$1 pe=$2
copied=${3:-}
fail() { echo "check-image: $pe: $*" >&2; exit 1; }

undef=$(nm -u "$elf")
[ -z "$undef" ] || fail "undefined symbols: $(echo $undef)"

bad=$(readelf -rW "$elf" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_X86_64_/ && $3 != "R_X86_64_RELATIVE" {print $3}' | sort -u)
[ -z "$bad" ] || fail "relocations gnu-efi cannot apply: $(echo $bad)"

hdr=$(objdump -p "$pe")
echo "$hdr" | grep -Eq '^Magic[[:space:]]+020b' || fail "not PE32+ (optional header magic is not 020b)"
echo "$hdr" | grep -Eq '^Subsystem[[:space:]]+0000000a' || fail "subsystem is not 10 (EFI application)"

sec=$(objdump -h "$pe" | awk '$2 == ".nbplan" {print $3}')
[ -n "$sec" ] || fail "no .nbplan stamp section"
[ $((0x$sec)) -eq 16384 ] || fail ".nbplan is $((0x$sec)) bytes, not 16384"
for s in .reloc .dynamic; do
	objdump -h "$pe" | awk -v s="$s" '$2 == s {f=1} END {exit !f}' || fail "no $s section"
done
if [ -n "$copied" ]; then
	# readelf -SW: "[Nr] Name Type Address Off Size ES Flg ...", with "[ N]"
	# for one-digit numbers: strip the bracket so fields do not shift.
	lost=$(readelf -SW "$elf" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk -v keep=" $copied .hash .gnu.hash .dynstr .eh_frame .note.gnu.build-id " \
		    '$4 ~ /^[0-9a-f]+$/ && $7 ~ /A/ && $5 !~ /^0+$/ && index(keep, " " $1 " ") == 0 {print $1}')
	[ -z "$lost" ] || fail "allocated sections objcopy does not copy: $(echo $lost)"
fi
for sym in _start efi_main; do
	nm "$elf" | awk -v s="$sym" '$3 == s && $2 ~ /^[Tt]$/ {f=1} END {exit !f}' || fail "no $sym in .text"
done
entry=$(objdump -f "$elf" | awk '/start address/ {print $3}')
start=$(nm "$elf" | awk '$3 == "_start" {print $1}')
[ $((entry)) -eq $((0x$start)) ] || fail "entry point $entry is not _start"
magic=$(objdump -s -j .nbplan "$pe" | awk 'NR==5 {print $2 $3 $4 $5}')
[ "$magic" = "414c50494e45424f4f545354414d5031" ] || fail ".nbplan does not start with ALPINEBOOTSTAMP1"
echo "check-image: $pe: PE32+, subsystem 10, no undefined symbols, relocations RELATIVE only," \
     ".reloc .dynamic _start efi_main present, .nbplan ok"
