#!/bin/bash
# 17. What the admin sees of two boots (docs/status.md): two SeaBIOS
# clients boot at the same time; c1 has all its files and reaches Alpine
# userspace, c2's modloop is missing (no apkovl either, so nothing else
# would take it to userspace). /status.json must then show c1 at
# "userspace" and c2 with a modloop failure, each with the time of each
# stage; /metrics (checked by promtool) counts both boots; and headless
# Chromium loads /status: its DOM names both MACs with their stages, and a
# screenshot is kept as $(B)/status-17.png. The documents are read from the
# server's own host: the default status-allow.
. "$(dirname "$0")/../rig.sh"
rig_init 17-status-two-clients
MAC1=52:54:00:4e:17:01
MAC2=52:54:00:4e:17:02
PROMTOOL=${PROMTOOL:-$RIG_B/prometheus/usr/bin/promtool}
[ -x "$PROMTOOL" ] || rig_die "no $PROMTOOL (make $PROMTOOL)"
CHROMIUM=$(command -v chromium || command -v chromium-browser) || rig_die "no chromium (make deps)"
rig_guest_files virt ml-alpha ovl-alpha "alpine-base" "$MAC1.tar.gz"
rig_guest_files lts ml-beta ovl-beta "alpine-base"
rm "$RIG_ROOT/boot/modloop-lts"
{
	printf '[server]\ncheck = off\n\n'
	rig_profile alpha apkovl="apkovl/{MAC}.tar.gz"
	rig_profile beta flavor=lts apkovl=           # no apkovl: c2 cannot reach userspace
	rig_client $MAC1 alpha
	rig_client $MAC2 beta
} | rig_config
rig_start
rig_vm c1 bios virtio-net-pci $MAC1
rig_vm c2 bios virtio-net-pci $MAC2
rig_wait_result c1
rig_result_has c1 "modloop=ok:ml-alpha"
rig_wait_result c2
rig_result_has c2 "modloop=fail:download"

# curl in the server's namespace: the server's own host.
srv_get() { ip netns exec "$RIG_NS" env -u http_proxy -u HTTP_PROXY -u all_proxy \
	curl -s --max-time 10 -f "http://$RIG_SRV$1"; }
srv_get /status.json >"$RIG_DIR/status.json" && rig_ok "/status.json served to this host" ||
	rig_fail "/status.json served to this host"
cp "$RIG_DIR/status.json" "$RIG_B/status-17.json" 2>/dev/null
if python3 - "$RIG_DIR/status.json" "$MAC1" "$MAC2" >"$RIG_DIR/status.check" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {c["mac"]: c for c in d["clients"]}
c1, c2 = by[sys.argv[2]], by[sys.argv[3]]
for c in (c1, c2):
    print(json.dumps({k: c[k] for k in ("mac", "profile", "last_stage", "stages", "failure")}))
# QEMU's BIOS NIC ROM is iPXE: offered boot.ipxe at once, it has no NBP
# to fetch, so "nbp" may be absent; every other stage is there, in order.
order = ("offer", "script", "kernel", "initramfs")
for c in (c1, c2):
    for s in order:
        assert s in c["stages"], (c["mac"], s, c["stages"])
    t = [c["stages"][s]["after_s"] for s in order]
    assert t == sorted(t) and t[0] == 0, (c["mac"], t)
assert c1["last_stage"] == "userspace" and c1["failure"] is None, c1
assert "modloop" in c1["stages"] and "apkovl" in c1["stages"], c1["stages"]
assert c1["profile"] == "alpha" and c2["profile"] == "beta", (c1["profile"], c2["profile"])
assert c2["last_stage"] == "initramfs", c2["last_stage"]
assert "userspace" not in c2["stages"], c2["stages"]
assert c2["failure"]["stage"] == "modloop" and "404" in c2["failure"]["why"], c2["failure"]
PY
then rig_ok "/status.json: c1 reached userspace, c2 failed at its modloop (404), each stage timed"
else rig_fail "/status.json: c1 reached userspace, c2 failed at its modloop (404), each stage timed"
fi
cat "$RIG_DIR/status.check"

srv_get /metrics >"$RIG_DIR/metrics"
"$PROMTOOL" check metrics <"$RIG_DIR/metrics" && rig_ok "/metrics passes promtool check metrics" ||
	rig_fail "/metrics passes promtool check metrics"
m() { awk -v k="$1" '$1 == k { print $2 }' "$RIG_DIR/metrics"; }
[ "$(m 'netbootd_boots_total{stage="kernel"}')" = 2 ] && rig_ok "/metrics: 2 boots reached the kernel" ||
	rig_fail "/metrics: 2 boots reached the kernel ($(m 'netbootd_boots_total{stage="kernel"}'))"
[ "$(m 'netbootd_boots_total{stage="userspace"}')" = 1 ] && rig_ok "/metrics: 1 reached userspace" ||
	rig_fail "/metrics: 1 reached userspace"
[ "$(m 'netbootd_boot_failures_total{stage="modloop"}')" -ge 1 ] && rig_ok "/metrics: the modloop failure" ||
	rig_fail "/metrics: the modloop failure"
[ "$(m netbootd_boot_kernel_seconds_count)" = 2 ] && rig_ok "/metrics: 2 power-on-to-kernel times" ||
	rig_fail "/metrics: 2 power-on-to-kernel times"

# Headless Chromium from Debian, as root in the server's namespace (the
# flags keep it off every network but this one).
chrome() {
	local prof; prof=$(mktemp -d "$RIG_DIR/chrome.XXXXXX")
	timeout 60 ip netns exec "$RIG_NS" "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$prof" "$@" \
		2>>"$RIG_DIR/chromium.err"
}
chrome --dump-dom "http://$RIG_SRV/status" >"$RIG_DIR/status.dom"
for mac in $MAC1 $MAC2; do
	grep -q "<tr id=\"mac-$mac\">" "$RIG_DIR/status.dom" && rig_ok "Chromium's DOM has a row for $mac" ||
		rig_fail "Chromium's DOM has a row for $mac"
done
grep -q "<tr id=\"mac-$MAC1\">.*data-stage=\"userspace\">userspace +" "$RIG_DIR/status.dom" &&
	rig_ok "Chromium's DOM: $MAC1 reached userspace" || rig_fail "Chromium's DOM: $MAC1 reached userspace"
grep -q "<tr id=\"mac-$MAC2\">.*data-stage=\"kernel\">kernel +.*class=\"fail\" data-stage=\"modloop-failed\">modloop failed: boot/modloop-lts: HTTP 404" \
	"$RIG_DIR/status.dom" && rig_ok "Chromium's DOM: $MAC2's kernel, then its modloop failure" ||
	rig_fail "Chromium's DOM: $MAC2's kernel, then its modloop failure"
rm -f "$RIG_B/status-17.png"
chrome --screenshot="$RIG_B/status-17.png" --window-size=1280,800 "http://$RIG_SRV/status" >/dev/null
[ -s "$RIG_B/status-17.png" ] && rig_ok "screenshot of /status in $RIG_B/status-17.png" ||
	{ rig_fail "screenshot of /status"; tail -n 20 "$RIG_DIR/chromium.err"; }
rig_done
