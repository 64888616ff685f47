#!/usr/bin/env bash
# server-min/tests/workers.sh: netbootd with two worker loops (workers.c)
# against real clients on real sockets.
#
# What must hold with `workers = 2`:
#   - steering by address: every connection and TFTP request of one client
#     address reaches the same loop (198.18.0.2 and .4 the even worker 0,
#     .3 and .5 the odd worker 1, by IPv4 source modulo 2), seen in
#     /metrics' per-worker counters. Plain SO_REUSEPORT hashing would spread
#     12 connections of one address over both loops (all on one by chance:
#     1 in 2048), so these checks fail without the steering program;
#   - per-source limits over all loops: one address gets exactly
#     http-per-ip connections and tftp-per-ip transfers, no more;
#   - a client mix (curl HTTP on four addresses, tftp-hpa, atftp and curl
#     TFTP) all intact, transfers handled by both loops;
#   - one boot whose DHCP went to the main loop (proxyDHCP's, no worker)
#     and whose TFTP and HTTP went to worker 1 shows all its stages in
#     /status.json;
#   - SIGHUP mid-transfer: the transfers stay intact and the new config
#     (a cmdline, http-per-ip) is in force in both loops;
#   - totals on /metrics are the sum of the loops'; SIGTERM exits 0.
# Also: `workers` out of range is a config error (FILE:LINE, exit 2) and
# `--workers 1` serves from one loop.
#
# Usage: NETBOOTD=build/san/netbootd DHCPTEST=build/nb-dhcptest
#        HOSTILE=build/test/http_hostile PROBE=build/test/tftp_probe workers.sh
. "$(dirname "$0")/lib.sh"

DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
HOSTILE=${HOSTILE:-build/test/http_hostile}
PROBE=${PROBE:-build/test/tftp_probe}
t_init workers
for x in "$DHCPTEST" "$HOSTILE" "$PROBE"; do
	[ -x "$x" ] || { echo "workers: no $x (make $x)"; exit 1; }
done
for c in curl tftp atftp; do
	command -v $c >/dev/null || { echo "workers: $c missing (make deps)"; exit 1; }
done
HOSTILE=$(realpath "$HOSTILE")
PROBE=$(realpath "$PROBE")
t_netns_pair || exit 1
A0=198.18.0.2; A1=198.18.0.3; B0=198.18.0.4; B1=198.18.0.5   # worker 0, 1, 0, 1
ip -n "$NS_CLI" addr add $B0/24 dev nbc0
ip -n "$NS_CLI" addr add $B1/24 dev nbc0
CMAC=$(ip -n "$NS_CLI" -o link show nbc0 | grep -Eo 'link/ether [0-9a-f:]+' | cut -d' ' -f2)
URL=http://$SRV_IP

mkdir -p "$T_ROOT/boot"
BIG_SHA=$(t_random_file "$T_ROOT/big.bin" 8)
head -c 300000 /dev/urandom >"$T_ROOT/boot/vmlinuz-virt"
head -c 500000 /dev/urandom >"$T_ROOT/boot/initramfs-virt"
head -c 200000 /dev/urandom >"$T_ROOT/boot/modloop-virt"
head -c 70000 /dev/urandom >"$T_ROOT/undionly.kpxe"
head -c 1300 /dev/urandom >"$T_ROOT/small"
echo ok >"$T_ROOT/small.txt"
CONF=$T_DIR/netbootd.conf
chmod 755 "$T_DIR"   # a reload reads it as the service user
# conf CMDLINE HTTP_PER_IP: the config, with the marker and limit given
conf() {
	cat >"$CONF" <<CONF
[server]
workers = 2
http-per-ip = $2
tftp-per-ip = 2
status-allow = 198.18.0.0/24
check = off

[profile default]
flavor = virt
kernel = boot/vmlinuz-virt
initrd = boot/initramfs-virt
modloop = boot/modloop-virt
cmdline = $1
CONF
	chmod 644 "$CONF"
}

cu() { local ip=$1; shift; t_cli env -u http_proxy -u HTTP_PROXY -u all_proxy \
	curl -s --max-time 20 --interface "$ip" "$@"; }
# metrics: /metrics, as the server's own address (worker 1) sees it
metrics() { t_srv env -u http_proxy -u HTTP_PROXY -u all_proxy \
	curl -s --max-time 5 "$URL/metrics" >"$T_DIR/metrics"; }
m() { awk -v k="$1" '$1 == k { print $2 }' "$T_DIR/metrics"; }
wk() { m "netbootd_worker_requests_total{worker=\"$1\",proto=\"$2\"}"; }

# --- config errors, and one loop -------------------------------------------------
BAD=$T_DIR/bad.conf
for v in 0 65 two; do
	printf '[server]\n\nworkers = %s\n' "$v" >"$BAD"
	out=$("$NETBOOTD" --root "$T_ROOT" --config "$BAD" --check-config 2>&1); rc=$?
	t_check "workers = $v is refused: exit 2, FILE:LINE ($out)" \
		bash -c '[ "$1" = 2 ] && grep -q "bad.conf:3: workers" <<<"$2"' _ "$rc" "$out"
done
out=$("$NETBOOTD" --root "$T_ROOT" --listen 127.0.0.1 --workers 0 2>&1); rc=$?
t_check "--workers 0 is refused: exit 2 ($out)" bash -c '[ "$1" = 2 ] && grep -q -- "--workers" <<<"$2"' _ "$rc" "$out"

t_start_netbootd --root "$T_ROOT" --workers 1 --no-dhcp || exit 1
t_check "--workers 1: ready with one loop" grep -q 'main - ready .* workers=1 ' "$T_LOG"
t_check "--workers 1: one TFTP and one HTTP socket" \
	[ "$(grep -c -E '(tftp|http) - listening on' "$T_LOG")" = 2 ]
cu $A1 -o "$T_DIR/one" "$URL/big.bin"
t_check "--workers 1: HTTP intact" [ "$(t_sha "$T_DIR/one")" = "$BIG_SHA" ]
t_stop_netbootd
t_check "--workers 1: exit 0 on SIGTERM" [ $? = 0 ]

# --- two loops -------------------------------------------------------------------
conf "marker=one" 4
t_start_netbootd --root "$T_ROOT" --config "$CONF" || exit 1
PID=$T_NBD_PID
t_check "ready with two loops" grep -q 'main - ready .* workers=2 ' "$T_LOG"
t_check "two TFTP port-69 sockets and two HTTP listeners (SO_REUSEPORT)" \
	[ "$(grep -c -E '(tftp|http) - listening on' "$T_LOG")" = 4 ]
t_check "three threads: the main loop (proxyDHCP) and two workers" \
	[ "$(ls /proc/$PID/task | wc -l)" -ge 3 ]
# The TFTP cap is the process's: 2048, or 1/8 of the descriptors netbootd
# can raise its soft limit to (16384 at most) when that is less.
hard=$(ulimit -Hn); [ "$hard" = unlimited ] && hard=16384
soft=$(( hard < 16384 ? hard : 16384 )); cap=$(( soft / 8 < 2048 ? soft / 8 : 2048 ))
t_check "both TFTP sockets announce the whole server's cap ($cap)" \
	[ "$(grep -c "tftp - listening on .* (at most $cap transfers)" "$T_LOG")" = 2 ]

# --- steering: one address, one loop ------------------------------------------------
metrics; h0=$(wk 0 http); h1=$(wk 1 http); f0=$(wk 0 tftp); f1=$(wk 1 tftp)
for i in $(seq 1 12); do cu $A0 -o /dev/null "$URL/small.txt"; done
for i in $(seq 1 6); do cu $A0 -o /dev/null "tftp://$SRV_IP/small"; done
metrics
t_check "12 connections from $A0: all on worker 0 ($h0 -> $(wk 0 http))" \
	[ "$(wk 0 http)" = $((h0 + 12)) ]
t_check "6 TFTP requests from $A0: all on worker 0 ($f0 -> $(wk 0 tftp), worker 1 $f1 -> $(wk 1 tftp))" \
	bash -c "[ $(wk 0 tftp) = $((f0 + 6)) ] && [ $(wk 1 tftp) = $f1 ]"
h0=$(wk 0 http); f0=$(wk 0 tftp); f1=$(wk 1 tftp)
for i in $(seq 1 12); do cu $A1 -o /dev/null "$URL/small.txt"; done
for i in $(seq 1 6); do cu $B1 -o /dev/null "tftp://$SRV_IP/small"; done
metrics
t_check "12 connections from $A1: none on worker 0 ($h0 -> $(wk 0 http))" [ "$(wk 0 http)" = "$h0" ]
t_check "6 TFTP requests from $B1: all on worker 1 ($f1 -> $(wk 1 tftp))" \
	bash -c "[ $(wk 1 tftp) = $((f1 + 6)) ] && [ $(wk 0 tftp) = $f0 ]"

# --- per-source limits over both loops ------------------------------------------------
out=$(t_cli "$HOSTILE" -s $A0 $SRV_IP hold 10 3 2>&1 | tail -n 1)
t_check "http-per-ip = 4: 10 connections of $A0 get exactly 4 ($out)" \
	grep -Eq '^connected 10 refused 6 ' <<<"$out"
out=$(t_cli "$HOSTILE" -s $A1 $SRV_IP hold 10 3 2>&1 | tail -n 1)
t_check "...and of $A1 (worker 1) exactly 4 ($out)" grep -Eq '^connected 10 refused 6 ' <<<"$out"
out=$(t_cli "$PROBE" $SRV_IP 69 spoof small 12 $B0 1 2500)
t_check "tftp-per-ip = 2: 12 ports of $B0 get exactly 2 transfers ($out)" \
	grep -Eq '^spoof answered=2 unanswered=10 ' <<<"$out"
out=$(t_cli "$PROBE" $SRV_IP 69 spoof small 12 $B1 1 2500)
t_check "...and of $B1 (worker 1) exactly 2 ($out)" grep -Eq '^spoof answered=2 unanswered=10 ' <<<"$out"
sleep 8   # the unverified slots of those addresses are freed after 7 rounds

# --- a client mix -------------------------------------------------------------------
metrics; h0=$(wk 0 http); h1=$(wk 1 http); f0=$(wk 0 tftp); f1=$(wk 1 tftp)
pids=()
for a in $A0 $A1 $B0 $B1; do
	cu $a -o "$T_DIR/mix.$a" "$URL/big.bin" & pids+=($!)
done
cu $A1 -o "$T_DIR/mix.tftp.$A1" --tftp-blksize 1468 "tftp://$SRV_IP/big.bin" & pids+=($!)
cu $B1 -o "$T_DIR/mix.tftp.$B1" "tftp://$SRV_IP/big.bin" & pids+=($!)
t_cli timeout 60 tftp -m binary $SRV_IP -c get big.bin "$T_DIR/mix.hpa" >/dev/null 2>&1 & pids+=($!)
t_cli timeout 60 atftp --option "blksize 1468" --option "windowsize 16" \
	-g -r big.bin -l "$T_DIR/mix.atftp" $SRV_IP >/dev/null 2>&1 & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
for f in mix.$A0 mix.$A1 mix.$B0 mix.$B1 mix.tftp.$A1 mix.tftp.$B1 mix.hpa mix.atftp; do
	t_check "mix: $f intact" [ "$(t_sha "$T_DIR/$f" 2>/dev/null)" = "$BIG_SHA" ]
done
metrics
t_check "mix: both loops served HTTP (worker 0 +$(( $(wk 0 http) - h0 )), worker 1 +$(( $(wk 1 http) - h1 )))" \
	bash -c "[ $(wk 0 http) -ge $((h0 + 2)) ] && [ $(wk 1 http) -ge $((h1 + 2)) ]"
t_check "mix: both loops served TFTP (worker 0 +$(( $(wk 0 tftp) - f0 )), worker 1 +$(( $(wk 1 tftp) - f1 )))" \
	bash -c "[ $(wk 0 tftp) -ge $((f0 + 2)) ] && [ $(wk 1 tftp) -ge $((f1 + 2)) ]"
t_check "/metrics: the HTTP total is the sum of the loops'" \
	[ "$(m 'netbootd_requests_total{proto="http"}')" = $(( $(wk 0 http) + $(wk 1 http) )) ]
t_check "/metrics: the TFTP transfers done are the sum of both loops'" \
	[ "$(m 'netbootd_requests_total{proto="tftp"}')" -ge $(( $(wk 0 tftp) + $(wk 1 tftp) )) ]

# --- one boot over two loops: DHCP on the main loop, the rest on worker 1 -----------
t_check "PXE DISCOVER from $CMAC is offered (proxyDHCP: the main loop)" \
	t_cli "$DHCPTEST" --interface nbc0 --mac "$CMAC" --arch 0 --timeout 3000 \
	--expect offer --expect-file undionly.kpxe
t_check "the NBP over TFTP from $A1" cu $A1 -f -o "$T_DIR/nbp" "tftp://$SRV_IP/undionly.kpxe"
cu $A1 "$URL/boot.ipxe?mac=$CMAC" >"$T_DIR/script"
t_check "boot.ipxe from $A1 carries the first cmdline" grep -q 'marker=one' "$T_DIR/script"
for f in vmlinuz-virt initramfs-virt modloop-virt; do
	t_check "$f from $A1" cu $A1 -f -o /dev/null "$URL/boot/$f"
done
cu $A1 "$URL/status.json" >"$T_DIR/status.json"
t_check "/status.json: $CMAC's stages from both loops, up to userspace" \
	python3 - "$CMAC" "$T_DIR/status.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[2]))
c = [x for x in d["clients"] if x["mac"] == sys.argv[1]]
assert len(c) == 1, d["clients"]
c = c[0]
for s in ("offer", "nbp", "script", "kernel", "initramfs", "modloop", "userspace"):
    assert s in c["stages"], (s, c["stages"])
assert c["last_stage"] == "userspace", c
assert c["ip"] == "198.18.0.3", c
PY

# --- SIGHUP mid-transfer -----------------------------------------------------------
t_srv tc qdisc add dev nbs0 root tbf rate 20mbit burst 32kbit latency 400ms
cu $A1 -o "$T_DIR/slow.http" --max-time 60 "$URL/big.bin" & HP=$!
cu $A0 -o "$T_DIR/slow.tftp" --max-time 60 --tftp-blksize 1468 "tftp://$SRV_IP/big.bin" & TP=$!
for i in $(seq 1 100); do
	[ "$(stat -c %s "$T_DIR/slow.http" 2>/dev/null || echo 0)" -gt 262144 ] &&
		[ "$(stat -c %s "$T_DIR/slow.tftp" 2>/dev/null || echo 0)" -gt 262144 ] && break
	sleep 0.1
done
running() { kill -0 "$1" 2>/dev/null && [ "$(stat -c %s "$2")" -lt $((8 * 1024 * 1024)) ]; }
t_check "HTTP transfer (worker 1) running at SIGHUP" running $HP "$T_DIR/slow.http"
t_check "TFTP transfer (worker 0) running at SIGHUP" running $TP "$T_DIR/slow.tftp"
conf "marker=two" 2
kill -HUP "$PID"
t_log_has "main - reloaded $CONF: [0-9]+ changes, 0 needing a restart" "the reload is logged"
t_srv tc qdisc del dev nbs0 root
wait $HP; wait $TP
t_check "HTTP transfer across the reload: intact" [ "$(t_sha "$T_DIR/slow.http")" = "$BIG_SHA" ]
t_check "TFTP transfer across the reload: intact" [ "$(t_sha "$T_DIR/slow.tftp")" = "$BIG_SHA" ]
t_check "worker 0 ($A0) renders the new cmdline" bash -c \
	"$(declare -f cu t_cli); NS_CLI=$NS_CLI; cu $A0 '$URL/boot.ipxe?mac=$CMAC' | grep -q marker=two"
t_check "worker 1 ($A1) renders the new cmdline" bash -c \
	"$(declare -f cu t_cli); NS_CLI=$NS_CLI; cu $A1 '$URL/boot.ipxe?mac=$CMAC' | grep -q marker=two"
out=$(t_cli "$HOSTILE" -s $B0 $SRV_IP hold 5 3 2>&1 | tail -n 1)
t_check "worker 0 holds the new http-per-ip = 2 ($out)" grep -Eq '^connected 5 refused 3 ' <<<"$out"
out=$(t_cli "$HOSTILE" -s $B1 $SRV_IP hold 5 3 2>&1 | tail -n 1)
t_check "worker 1 holds the new http-per-ip = 2 ($out)" grep -Eq '^connected 5 refused 3 ' <<<"$out"

# --- the end -----------------------------------------------------------------------
metrics
HT=$(m 'netbootd_requests_total{proto="http"}')
t_check "netbootd is still running" kill -0 "$PID"
t_stop_netbootd
t_check "SIGTERM: exit 0 with both loops stopped" [ $? = 0 ]
t_check "the exit line counts both loops' requests (>= $HT)" bash -c \
	"n=\$(sed -n 's/.*main - stopping: .*http requests=\([0-9]*\).*/\1/p' '$T_LOG'); [ \"\$n\" -ge $HT ]"
t_log_lacks '(ERROR|WARNING): (AddressSanitizer|ThreadSanitizer|LeakSanitizer)|runtime error' "no sanitizer report"
t_done
