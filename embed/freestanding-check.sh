#!/bin/sh
# embed/freestanding-check.sh: prove a set of sources needs no libc.
#
# Run on plan/ alone (plan-freestanding-check: what alpineboot.efi links,
# which also proves plan/ needs nothing from embed/). embed/ itself is
# hosted since the config grew to a site's inventory (malloc, glob(3)):
# it is server-side only. Each source is compiled the way
# a firmware build sees the world: no system
# headers (-nostdinc; only the compiler's own stddef.h/stdint.h), no
# builtins, no stack protector (there is no __stack_chk_guard in firmware).
# The objects are linked into one relocatable object and every symbol it
# still needs must be one of the few the compiler itself may emit calls to
# for struct copies and clears; alpineboot.efi provides those
# (efi-shim/libc.c).
#
# usage: embed/freestanding-check.sh CC OUTDIR SRC...
set -eu
CC=$1
OUT=$2
shift 2
ALLOWED="memcpy memset memmove memcmp"

mkdir -p "$OUT"
inc=$($CC -print-file-name=include)
objs=
for src in "$@"; do
	obj=$OUT/$(basename "$src" .c).o
	$CC -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Werror -O2 -ffreestanding -nostdinc \
	    -fno-builtin -fno-stack-protector -isystem "$inc" -I. \
	    -c "$src" -o "$obj"
	objs="$objs $obj"
done
# shellcheck disable=SC2086
ld -r -o "$OUT/core.o" $objs

bad=
for sym in $(nm -u "$OUT/core.o" | awk '{ print $NF }'); do
	case " $ALLOWED " in
	*" $sym "*) ;;
	*) bad="$bad $sym" ;;
	esac
done
if [ -n "$bad" ]; then
	echo "freestanding-check: these sources need symbols firmware lacks (or one outside the set):$bad"
	exit 1
fi
echo "freestanding-check: $# sources compile with -ffreestanding -nostdinc;" \
     "undefined symbols: $(nm -u "$OUT/core.o" | awk '{ printf "%s ", $NF }')(allowed: $ALLOWED)"
