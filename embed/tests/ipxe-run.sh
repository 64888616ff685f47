#!/bin/bash
# embed/tests/ipxe-run.sh: rendered boot.ipxe scripts in Debian 12's own
# iPXE (1.0.0+git-20190125), under QEMU/SeaBIOS, no network.
#
# 1. Every command the renderer emits (first word of each script line in the
#    golden files and in a fresh rendering) is in that iPXE's `help` list.
#    ipxe.lkrn is the BIOS build from the same Debian config as
#    undionly.kpxe, whose compressed image `strings` cannot read.
# 2. A rendered script runs: it echoes what it boots, tries its first
#    download (the kernel; it fails, there is no network), takes the
#    "|| goto failed" path, draws the fallback menu with every item, and on
#    the menu timeout runs the default item, here `reboot`, which ends QEMU
#    (-no-reboot): proof that menu/item/choose/goto ${target}/reboot work.
# The script reaches iPXE as the initrd of ipxe.lkrn, which runs it.
#
# usage: embed/tests/ipxe-run.sh [NETBOOT_EMBED]
set -u
NE=${1:-build/san/netboot-embed}
LKRN=/usr/lib/ipxe/ipxe.lkrn
# The count, its closing line and the clean-up on exit come from the
# protocol tests' harness; this test makes no namespaces (no t_init).
# shellcheck source=server-min/tests/lib.sh
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=ipxe-run
T_DIR=$(mktemp -d /tmp/nbipxe.XXXXXX)
T=$T_DIR
trap t_cleanup EXIT

has()  {  # what pattern file
	if grep -aqF -- "$2" "$3"; then t_ok "$1"; else t_fail "$1"; echo "--- $3:"; tail -c 3000 "$3" | cat -v; fi
}

[ -x "$NE" ] || { echo "ipxe-run: no $NE"; exit 1; }
[ -f "$LKRN" ] || { echo "ipxe-run: no $LKRN (Debian package ipxe)"; exit 1; }

# Run one iPXE script; serial console to $2. Bounded: 120 s.
run_ipxe() {  # script serial-log
	timeout 120 qemu-system-x86_64 -accel tcg -m 256 -nographic -monitor none \
		-kernel "$LKRN" -initrd "$1" -net none -no-reboot \
		-chardev file,id=ser,path="$2" -serial chardev:ser
}

# --- 1. the command set ---------------------------------------------------------
printf '#!ipxe\necho probe-start\nhelp\necho probe-end\nreboot\n' > "$T/probe.ipxe"
run_ipxe "$T/probe.ipxe" "$T/probe.log"
has "iPXE ran the probe script" "Available commands:" "$T/probe.log"

cat > "$T/r.conf" <<'CONF'
[profile default]
timeout = 1
default = reboot
mirror = http://198.18.0.1/alpine
mirror = https://dl-cdn.alpinelinux.org/alpine
apkovl = ovl/{MAC}.apkovl.tar.gz
fallback = retry mirrors branch:edge flavor no-apkovl shell reboot exit
CONF
"$NE" render --config "$T/r.conf" --server http://198.18.0.1 \
	--mac 52:54:00:12:34:56 --format ipxe > "$T/r.ipxe" || { t_fail "render"; exit 1; }

cmds=$(cat embed/testdata/*.ipxe "$T/r.ipxe" |
	awk '$0 !~ /^(#|:|$)/ { print $1 }' | sort -u)
avail=$(tr -s ' \r' '\n\n' < "$T/probe.log" | sort -u)
for c in $cmds; do
	if printf '%s\n' "$avail" | grep -qx -- "$c"; then t_ok "iPXE 2019 has '$c'"
	else t_fail "iPXE 2019 lacks '$c', which the renderer uses"; fi
done

# --- 2. a rendered script, run ---------------------------------------------------
run_ipxe "$T/r.ipxe" "$T/run.log"
rc=$?
has "script echoes what it boots" "netboot: booting Alpine lts latest-stable" "$T/run.log"
has "script reaches its first download (the kernel)" "http://198.18.0.1/boot/vmlinuz-lts..." "$T/run.log"
has "a failed download takes the fallback path" "netboot: boot failed" "$T/run.log"
has "menu title drawn" "Alpine lts latest-stable: boot failed" "$T/run.log"
for item in "Retry" "Alpine lts latest-stable, mirror dl-cdn.alpinelinux.org" \
	    "Alpine lts edge (other branch)" "Alpine virt latest-stable (other flavor)" \
	    "Alpine lts latest-stable, without apkovl" "iPXE / boot shell" "Reboot" \
	    "Exit to firmware"; do
	has "menu item: $item" "$item" "$T/run.log"
done
if [ "$rc" -eq 0 ]; then t_ok "menu timeout ran the default item, reboot (QEMU exited)"
else t_fail "QEMU did not exit by reboot (status $rc)"; fi

t_done
