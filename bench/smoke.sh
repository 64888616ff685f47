#!/bin/bash
# bench/smoke.sh: `make check`'s proof that the load generator works: five
# clients (BIOS and UEFI mixed) boot through netbootd, start to finish,
# in a namespace pair of their own. Asserts the boots and netbootd's log
# lines; never a time (timings belong to `make bench`).
#
#   NETBOOTD=build/san/netbootd NBLOAD=build/nbload bench/smoke.sh

cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NETBOOTD=${NETBOOTD:-build/san/netbootd}
NBLOAD=${NBLOAD:-build/nbload}
N=5
B_ADDRS=5
pass=0 fail=0

ok()   { pass=$((pass + 1)); echo "ok   - $*"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $*"; }
# count LOG ERE: matching lines
count() { grep -Ec -- "$2" "$1"; }
check_count() {   # description min regex
	local n; n=$(count "$log" "$3")
	if [ "$n" -ge "$2" ]; then ok "$1 ($n)"; else bad "$1: $n lines, want >= $2"; fi
}

[ -x "$NETBOOTD" ] || { echo "bench-smoke: no $NETBOOTD"; exit 1; }
[ -x "$NBLOAD" ] || { echo "bench-smoke: no $NBLOAD"; exit 1; }
b_init smoke
b_netns_up
root=$B_DIR/root log=$B_DIR/netbootd.log
mkdir -p "$root/boot"
cp /usr/lib/ipxe/undionly.kpxe "$root/" || b_die "no /usr/lib/ipxe/undionly.kpxe (package ipxe)"
b_file "$root/alpineboot.efi" 200000
b_file "$root/boot/vmlinuz-lts" 1000000
b_file "$root/boot/initramfs-lts" 2000000
b_file "$root/boot/modloop-lts" 3000000
b_file "$root/alpine.apkovl.tar.gz" 100000

# The root holds random stand-ins for the boot files: the served-files
# check (netbootd.conf(5) "check") would rightly warn about them, and this
# test counts warnings as failures, so it is off here.
printf '[server]\ncheck = off\n' >"$B_DIR/netbootd.conf"
b_start netbootd "$log" "$NETBOOTD" --interface nbs0 --root "$root" --config "$B_DIR/netbootd.conf"
nbd=$B_LAST_PID
b_wait_log "$log" 'main - ready' || b_die "netbootd did not start"

out=$(b_cli timeout 120 "$NBLOAD" storm --interface nbc0 --server $B_SRV_IP \
	--clients $N --arch mix --addr-base $B_ADDR_BASE --addrs $B_ADDRS \
	--deadline 100 --csv "$B_DIR/clients.csv" \
	--files /boot/vmlinuz-lts,/boot/initramfs-lts,/boot/modloop-lts,/alpine.apkovl.tar.gz)
rc=$?
echo "$out"
[ $rc -eq 0 ] && ok "nbload exits 0" || bad "nbload exits $rc"
echo "$out" | grep -q "clients=$N ok=$N failed=0 " && ok "$N of $N clients booted" ||
	bad "not all $N clients booted"
# Every client fetched every file: 5 payload steps (3 UEFI) + 1 NBP each.
expect_http=$(( 3 * 5 + 2 * 5 ))   # ids 0,2,4 BIOS: script + 4 files; 1,3 UEFI: plan + 4
echo "$out" | grep -q "http_bytes=0 " && bad "no HTTP bytes" || ok "HTTP bytes counted"

check_count "proxy offers to BIOS clients" 3 'info dhcp 02:6e:62:00:00:0[024] offer arch=0 file=undionly.kpxe'
check_count "proxy offers to UEFI clients" 2 'info dhcp 02:6e:62:00:00:0[13] offer arch=7 file=alpineboot.efi'
check_count "4011 ACKs to UEFI clients" 2 'info dhcp 02:6e:62:00:00:0[13] ack arch=7'
check_count "iPXE gets the script URL" 3 'info dhcp .* file=http://198.18.0.1/boot.ipxe'
check_count "NBP sent over TFTP, lockstep blksize 1432" 3 'info tftp .* sent undionly.kpxe .* blksize=1432 windowsize=1'
check_count "NBP sent over TFTP, EDK2 window blksize 1468" 2 'info tftp .* sent alpineboot.efi .* blksize=1468 windowsize=4'
check_count "HTTP 200s" $expect_http 'info http .* GET .* 200 '
check_count "modloop fetched" $N 'info http .* GET /boot/modloop-lts 200 '
check_count "apkovl fetched" $N 'info http .* GET /alpine.apkovl.tar.gz 200 '
n=$(count "$log" ' (warn|error) ')
[ "$n" -eq 0 ] && ok "no warnings or errors in netbootd's log" ||
	{ bad "$n warn/error lines"; grep -E ' (warn|error) ' "$log" | head -5; }
b_stop $nbd && ok "netbootd exits 0 on SIGTERM" || bad "netbootd exit status $?"
[ $fail -eq 0 ] || { echo "--- netbootd log:"; tail -30 "$log"; }
echo "bench-smoke: $pass passed, $fail failed"
[ $fail -eq 0 ]
