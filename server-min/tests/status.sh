#!/bin/bash
# server-min/tests/status.sh: the boot history as /status, /status.json
# and /metrics show it, against real clients on real sockets.
#
# One simulated boot from the client namespace's MAC: a PXE DISCOVER
# (nb-dhcptest), the NBP over TFTP (curl), boot.ipxe, kernel and
# initramfs over HTTP, the modloop first missing (404), then there. The
# documents must show each stage, the failure and "reached userspace";
# /metrics must pass `promtool check metrics`. status-allow lets 198.18.0.3
# read and refuses 198.18.0.2 (both in the client namespace). A flood of
# DHCP MACs past history-clients keeps the history at its bound. A
# malformed status-allow is a config error with FILE:LINE, exit 2.
. "$(dirname "$0")/lib.sh"

DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
PROMTOOL=${PROMTOOL:-build/prometheus/usr/bin/promtool}
t_init status
[ -x "$DHCPTEST" ] || { echo "status: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
[ -x "$PROMTOOL" ] || { echo "status: no $PROMTOOL (make $PROMTOOL)"; exit 1; }
t_netns_pair || exit 1

URL=http://$SRV_IP
CMAC=$(ip -n "$NS_CLI" -o link show nbc0 | grep -o 'link/ether [0-9a-f:]*' | awk '{print $2}')
mkdir -p "$T_ROOT/boot"
head -c 300000 /dev/urandom >"$T_ROOT/boot/vmlinuz-virt"
head -c 500000 /dev/urandom >"$T_ROOT/boot/initramfs-virt"
head -c 200000 /dev/urandom >"$T_DIR/modloop-virt"      # put in place later
head -c 70000 /dev/urandom >"$T_ROOT/undionly.kpxe"
CONF=$T_DIR/netbootd.conf
cat >"$CONF" <<CONF
[server]
status-allow = 198.18.0.3/32 127.0.0.0/8
history-clients = 4
history-events = 16
check = off

[profile default]
kernel = boot/vmlinuz-virt
initrd = boot/initramfs-virt
modloop = boot/modloop-virt
CONF

# --- config errors ------------------------------------------------------------
BAD=$T_DIR/bad.conf
for v in "198.18.0.1/15" "198.18.0.0/33" "localhost" ""; do
	printf '[server]\n\nstatus-allow = %s\n' "$v" >"$BAD"
	out=$("$NETBOOTD" --root "$T_ROOT" --config "$BAD" --check-config 2>&1); rc=$?
	t_check "status-allow = '$v' is refused: exit 2, FILE:LINE ($out)" \
		bash -c '[ "$1" = 2 ] && grep -q "bad.conf:3: status-allow" <<<"$2"' _ "$rc" "$out"
done
printf '[server]\nhistory-clients = 0\n' >"$BAD"
"$NETBOOTD" --root "$T_ROOT" --config "$BAD" --check-config >/dev/null 2>&1
t_check "history-clients = 0 is refused (exit 2)" [ $? = 2 ]

t_start_netbootd --root "$T_ROOT" --config "$CONF" || exit 1

# curl from an address: cu IP ARGS...
cu() { local ip=$1; shift; t_cli env -u http_proxy -u HTTP_PROXY -u all_proxy \
	curl -s --max-time 10 --interface "$ip" "$@"; }
code() { local ip=$1; shift; cu "$ip" -o /dev/null -w '%{http_code}' "$@"; }

# --- one boot ------------------------------------------------------------------
t_check "PXE DISCOVER from $CMAC is offered undionly.kpxe" \
	t_cli "$DHCPTEST" --interface nbc0 --mac "$CMAC" --arch 0 --timeout 3000 \
	--expect offer --expect-file undionly.kpxe
t_check "the NBP over TFTP" cu $CLI_IP -o "$T_DIR/nbp" "tftp://$SRV_IP/undionly.kpxe"
t_check "boot.ipxe for this MAC" bash -c "$(declare -f cu t_cli); NS_CLI=$NS_CLI; \
	cu $CLI_IP '$URL/boot.ipxe?mac=$CMAC' | grep -q vmlinuz-virt"
t_check "kernel" cu $CLI_IP -o /dev/null -f "$URL/boot/vmlinuz-virt"
t_check "initramfs" cu $CLI_IP -o /dev/null -f "$URL/boot/initramfs-virt"
t_check "a missing modloop is 404" [ "$(code $CLI_IP "$URL/boot/modloop-virt")" = 404 ]
cp "$T_DIR/modloop-virt" "$T_ROOT/boot/modloop-virt"
t_check "the modloop, once there" cu $CLI_IP -o /dev/null -f "$URL/boot/modloop-virt"

# --- who may read --------------------------------------------------------------
for p in /status /status.json /metrics; do
	t_check "$p is 200 for $CLI2_IP (status-allow)" [ "$(code $CLI2_IP "$URL$p")" = 200 ]
	t_check "$p is 403 for $CLI_IP (not in status-allow)" [ "$(code $CLI_IP "$URL$p")" = 403 ]
done
t_check "/status is HTML" bash -c "[ \"\$(ip netns exec $NS_CLI curl -s -o /dev/null \
	--interface $CLI2_IP -w '%{content_type}' $URL/status)\" = 'text/html; charset=utf-8' ]"

# --- what they show ------------------------------------------------------------
cu $CLI2_IP "$URL/status.json" >"$T_DIR/status.json"
t_check "/status.json: $CMAC reached userspace with each stage's time, and its modloop 404" \
	python3 - "$T_DIR/status.json" "$CMAC" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [x for x in d["clients"] if x["mac"] == sys.argv[2]]
assert len(c) == 1, d["clients"]
c = c[0]
print(json.dumps({k: c[k] for k in ("mac", "ip", "profile", "last_stage", "stages", "failure")}, indent=1))
assert c["last_stage"] == "userspace", c
for s in ("offer", "nbp", "script", "kernel", "initramfs", "modloop", "userspace"):
    assert s in c["stages"] and c["stages"][s]["after_s"] >= 0, (s, c["stages"])
assert c["stages"]["kernel"]["after_s"] <= c["stages"]["userspace"]["after_s"]
assert c["failure"]["stage"] == "modloop" and "404" in c["failure"]["why"], c["failure"]
assert c["ip"] == "198.18.0.2" and c["profile"] == "default", c
ev = [e for e in c["events"] if e["stage"] == "kernel"]
assert ev and ev[0]["bytes"] == 300000 and ev[0]["proto"] == "http", ev
assert d["config"]["status-allow"] == "198.18.0.3/32 127.0.0.0/8", d["config"]
PY
cu $CLI2_IP "$URL/status" >"$T_DIR/status.html"
t_check "/status names the client and its last stage" \
	grep -q "<code>$CMAC</code>.*>userspace<" "$T_DIR/status.html"
t_check "/status shows the failure in red" \
	grep -q 'class="fail" data-stage="modloop-failed">modloop failed: boot/modloop-virt: HTTP 404' \
	"$T_DIR/status.html"
cu $CLI2_IP "$URL/metrics" >"$T_DIR/metrics"
t_check "/metrics passes promtool check metrics" "$PROMTOOL" check metrics <"$T_DIR/metrics"
m() { awk -v k="$1" '$1 == k { print $2 }' "$T_DIR/metrics"; }
t_check "/metrics: one boot reached userspace" [ "$(m 'netbootd_boots_total{stage="userspace"}')" = 1 ]
t_check "/metrics: one modloop failure" [ "$(m 'netbootd_boot_failures_total{stage="modloop"}')" = 1 ]
t_check "/metrics: a power-on to userspace duration" [ "$(m netbootd_boot_userspace_seconds_count)" = 1 ]
t_check "/metrics: TFTP bytes of the NBP" [ "$(m 'netbootd_sent_bytes_total{proto="tftp"}')" = 70000 ]
t_check "/metrics: the HEAD of /status has no body" \
	[ "$(cu $CLI2_IP -I "$URL/status" | tr -d '\r' | grep -c '^Content-Type: text/html')" = 1 ]

# --- the bound -----------------------------------------------------------------
for i in $(seq 10 19); do
	t_cli "$DHCPTEST" --interface nbc0 --mac "52:54:00:00:99:$i" --arch 0 --timeout 2000 \
		--expect offer >/dev/null 2>&1
done
cu $CLI2_IP "$URL/metrics" >"$T_DIR/metrics"
t_check "10 more MACs: the history holds history-clients = 4" \
	[ "$(m netbootd_history_clients)" = 4 ]
t_check "... and counts what it evicted ($(m netbootd_history_evicted_total))" \
	[ "$(m netbootd_history_evicted_total)" -ge 7 ]
t_check "/status.json lists 4 clients, the newest first" python3 -c '
import json, sys
c = json.load(sys.stdin)["clients"]
assert len(c) == 4 and c[0]["mac"] == "52:54:00:00:99:19", [x["mac"] for x in c]' \
	< <(cu $CLI2_IP "$URL/status.json")
t_check "netbootd is still running" kill -0 "$T_NBD_PID"
t_done
