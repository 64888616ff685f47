#!/usr/bin/env bash
# hostile-core.sh: what a host on the segment cannot make netbootd do, for
# the parts every protocol shares (docs/security.md): open anything but a
# regular file beneath the root, hand one client's overlay to another, show
# a client's extras to another host, render for a client "answer = known"
# ignores, stall on a stderr nobody reads, or serve with privileges.
#
# A table of cases; after each one a normal client on $CLI2_IP must still
# be served (t_served). Hosts:
#   owner  198.18.0.2 on nbc0 (its MAC, $OWNER, comes from the neighbour table)
#   other  198.18.0.4 on nbc1, a macvlan on the same wire with its own MAC
#          ($OTHER), in a namespace of its own so ARP cannot mix the two up.
. "$(dirname "$0")/lib.sh"
DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
t_init hostile-core
[ -x "$DHCPTEST" ] || { echo "hostile-core: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
t_netns_pair

OTH_IP=198.18.0.4
OTHER=02:00:5e:4e:00:04
NS_OTH=nbo-hostile-core-$$
ip netns add "$NS_OTH"
ip -n "$NS_CLI" link add link nbc0 name nbc1 type macvlan mode bridge
ip -n "$NS_CLI" link set nbc1 address $OTHER netns "$NS_OTH"
ip -n "$NS_OTH" addr add $OTH_IP/24 dev nbc1
ip -n "$NS_OTH" link set lo up
ip -n "$NS_OTH" link set nbc1 up
t_oth() { ip netns exec "$NS_OTH" "$@"; }
OWNER=$(ip -n "$NS_CLI" -o link show nbc0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
OWNER_DASH_UP=$(tr 'a-f:' 'A-F-' <<<"$OWNER")
UUID=4e4f5645-0000-4000-8000-02005e4e0004
UUID_LE=45564f4e-0000-0040-8000-02005e4e0004   # first three fields byte-swapped (SMBIOS order)
SECRET=hostilecoresecret

WRITER=
STALLED_PID=
WAITERS=()
hc_cleanup() {
	local p
	for p in $WRITER "${WAITERS[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$NS_OTH" 2>/dev/null
	t_cleanup
}
trap hc_cleanup EXIT

for i in $(seq 1 50); do
	t_oth ping -c1 -W1 $SRV_IP >/dev/null 2>&1 && break
	sleep 0.1
done

# --- the root ---------------------------------------------------------------
t_random_file "$T_ROOT/served.bin" 1 >/dev/null
mkdir -p "$T_ROOT/ovl"
echo "owner overlay" >"$T_ROOT/ovl/$OWNER.apkovl.tar.gz"
echo "owner overlay, dashes" >"$T_ROOT/ovl/$OWNER_DASH_UP.tar.gz"
echo "uuid overlay" >"$T_ROOT/ovl/$UUID.apkovl.tar.gz"
echo "uuid overlay, smbios order" >"$T_ROOT/ovl/$UUID_LE.tar.gz"
echo "site overlay" >"$T_ROOT/ovl/site.apkovl.tar.gz"
mkfifo "$T_ROOT/fifo"
ln -s fifo "$T_ROOT/to-fifo"
mknod "$T_ROOT/null" c 1 3
ln -s /etc/passwd "$T_ROOT/passwd"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T_ROOT/sock"
echo inherited >"$T_DIR/inherited.txt"
cat >"$T_DIR/netbootd.conf" <<EOF
[profile default]
apkovl = \${server}/ovl/{MAC}.apkovl.tar.gz
cmdline = console=ttyS0 ssh_key=$SECRET
EOF

# http_code HOSTFN URL: the status a host gets (body to $T_DIR/body).
http_code() {
	local host=$1 url=$2
	$host curl -s -o "$T_DIR/body" -w '%{http_code}' --max-time 10 "http://$SRV_IP/$url"
}
# expect_http HOSTFN URL CODE: one assertion on the status.
expect_http() {
	local got
	got=$(http_code "$1" "$2")
	if [ "$got" = "$3" ]; then t_ok "$1 GET /$2 -> $3"
	else t_fail "$1 GET /$2 -> $got (want $3)"; fi
}
# tftp_refused FILE: a TFTP read of FILE fails and delivers nothing.
tftp_refused() {
	rm -f "$T_DIR/tftp.out"
	if t_cli curl -s --max-time 10 -o "$T_DIR/tftp.out" "tftp://$SRV_IP/$1"; then
		t_fail "tftp get $1 refused (it succeeded)"
	elif [ -s "$T_DIR/tftp.out" ]; then
		t_fail "tftp get $1 refused (but bytes arrived)"
	else t_ok "tftp get $1 refused"; fi
}

# The process netbootd runs as (ip netns exec execs it: same PID).
status_has() { grep -Eq "$2" "/proc/$1/status"; }

t_start_netbootd --root "$T_ROOT" --config "$T_DIR/netbootd.conf" 7<"$T_DIR/inherited.txt"

# --- the cases ------------------------------------------------------------
case_fifo_http() {
	( echo x >"$T_ROOT/fifo" ) &
	WRITER=$!
	expect_http t_cli fifo 403
	t_log_has "refused fifo: a FIFO, not a regular file"
	sleep 0.5
	t_check "the writer blocked on the FIFO is still blocked after HTTP" kill -0 "$WRITER"
}
case_fifo_tftp() {
	tftp_refused fifo
	sleep 0.5
	t_check "the writer blocked on the FIFO is still blocked after TFTP" kill -0 "$WRITER"
}
case_symlink_fifo() {
	expect_http t_cli to-fifo 403
	tftp_refused to-fifo
	t_log_has "refused to-fifo: a FIFO"
	t_check "the writer is still blocked after the symlink" kill -0 "$WRITER"
}
case_chardev() {
	expect_http t_cli null 403
	t_log_has "refused null: a character device"
}
case_socket() {
	expect_http t_cli sock 403
	t_log_has "refused sock: a socket"
}
case_symlink_out() {
	expect_http t_cli passwd 403
	t_check "no /etc/passwd in the body" bash -c "! grep -q '^root:' '$T_DIR/body'"
	t_log_has "refused passwd: a symlink that leaves the root"
}
case_overlay_mac() {
	expect_http t_oth "ovl/$OWNER.apkovl.tar.gz" 403
	t_log_has "refused protected ovl/$OWNER.apkovl.tar.gz to mac=$OTHER: its MAC is not the asker's"
	expect_http t_cli "ovl/$OWNER.apkovl.tar.gz" 200
	t_check "the owner gets its overlay" grep -qx "owner overlay" "$T_DIR/body"
	tftp_refused_oth() { ! t_oth curl -s --max-time 10 -o /dev/null "tftp://$SRV_IP/ovl/$OWNER.apkovl.tar.gz"; }
	t_check "the other host cannot have it over TFTP either" tftp_refused_oth
}
case_overlay_mac_dashes() {
	expect_http t_oth "ovl/$OWNER_DASH_UP.tar.gz" 403
	expect_http t_cli "ovl/$OWNER_DASH_UP.tar.gz" 200
	expect_http t_oth "ovl/no-such-$OWNER.tar.gz" 403   # refused before any lookup
}
case_overlay_noid_before() {
	expect_http t_oth ovl/site.apkovl.tar.gz 403
	t_log_has "refused protected ovl/site.apkovl.tar.gz to mac=$OTHER: no MAC or UUID"
	expect_http t_oth "ovl/$UUID.apkovl.tar.gz" 403
}
case_dhcp_then_overlays() {
	t_check "netbootd answers the other host's PXE DISCOVER" \
		t_oth "$DHCPTEST" --interface nbc1 --mac $OTHER --arch 7 --uuid "${UUID//-/}" \
		--timeout 3000 --expect offer >"$T_DIR/dhcptest.out" 2>&1
	expect_http t_oth ovl/site.apkovl.tar.gz 200
	expect_http t_oth "ovl/$UUID.apkovl.tar.gz" 200
	t_check "the UUID overlay's content" grep -qx "uuid overlay" "$T_DIR/body"
	expect_http t_oth "ovl/$UUID_LE.tar.gz" 200     # either byte order of option 97
	expect_http t_cli "ovl/$UUID_LE.tar.gz" 403
	expect_http t_cli "ovl/$UUID.apkovl.tar.gz" 403
	expect_http t_cli ovl/site.apkovl.tar.gz 403     # never answered in DHCP
}
case_redact() {
	expect_http t_cli "boot.ipxe?mac=$OWNER" 200
	t_check "the owner's own script carries its extras" grep -q "ssh_key=$SECRET" "$T_DIR/body"
	t_log_has "rendered boot.ipxe for mac=$OWNER mac-from=query$"
	expect_http t_oth "boot.ipxe?mac=$OWNER" 200
	t_check "another host's copy has no extras" bash -c "! grep -q '$SECRET' '$T_DIR/body'"
	t_log_has "rendered boot.ipxe for mac=$OWNER mac-from=query redacted: the asker's MAC is another"
	expect_http t_cli boot.plan 200
	t_log_has "rendered boot.plan for mac=$OWNER mac-from=neighbour"
}
case_privileges() {
	local pid=$T_NBD_PID
	t_check "runs with a non-zero uid" bash -c "! grep -Eq '^Uid:.*\\b0\\b' /proc/$pid/status"
	t_check "NoNewPrivs: 1" status_has "$pid" '^NoNewPrivs:[[:space:]]+1$'
	t_check "CapEff: 0" status_has "$pid" '^CapEff:[[:space:]]+0000000000000000$'
	t_check "CapPrm: 0" status_has "$pid" '^CapPrm:[[:space:]]+0000000000000000$'
	t_check "CapAmb: 0" status_has "$pid" '^CapAmb:[[:space:]]+0000000000000000$'
	t_check "the inherited fd 7 is closed" \
		bash -c "! ls -l /proc/$pid/fd | grep -q inherited.txt"
	t_log_has "main - ready .* user=(netbootd|nobody)$"
}

# attack PROTO NAME FUNCTION: the case, then a normal client on $CLI2_IP
# must still get served.bin over PROTO.
attack() { local proto=$1; shift; t_case "$@"; t_served "$proto" served.bin; }

# FUNCTION, the protocol the normal client uses after it, the case's name.
# Read on fd 3: the cases keep their own stdin.
while read -r -u 3 fn proto name; do attack "$proto" "$name" "$fn"; done 3<<'CASES'
case_fifo_http           http FIFO over HTTP
case_fifo_tftp           tftp FIFO over TFTP
case_symlink_fifo        http symlink to a FIFO
case_chardev             tftp character device
case_socket              http UNIX socket file
case_symlink_out         http symlink out of the root
case_overlay_mac         http overlay by MAC, other host
case_overlay_mac_dashes  tftp overlay by MAC, dashes, upper case
case_overlay_noid_before http overlays by UUID and without id, before DHCP
case_dhcp_then_overlays  http overlays after a DHCP answer
case_redact              http ?mac= of another client
case_privileges          tftp privileges while serving
CASES
kill "$WRITER" 2>/dev/null
t_check "netbootd exits 0 on SIGTERM" t_stop_netbootd

# --- answer = known: a client no section names gets no document ---------
cat >"$T_DIR/known.conf" <<EOF
[server]
answer = known

[client $OWNER]
cmdline = console=ttyS0
EOF
case_ignored() {
	expect_http t_cli "boot.ipxe?mac=02:00:5e:4e:09:09" 404
	expect_http t_cli "boot.plan?mac=02:00:5e:4e:09:09" 404
	t_log_has "not rendering boot.ipxe for mac=02:00:5e:4e:09:09 .*not a known client"
	expect_http t_oth boot.ipxe 404
	expect_http t_cli boot.ipxe 200
}
if t_start_netbootd --root "$T_ROOT" --config "$T_DIR/known.conf"; then
	attack http "answer = known ignores the unknown" case_ignored
else t_fail "netbootd starts with answer = known"; fi
t_check "netbootd exits 0 on SIGTERM" t_stop_netbootd

# --- a stderr nobody reads -------------------------------------------------
# netbootd's stderr is a FIFO this shell holds open without reading: the
# pipe (64 KiB) and the ring (256 KiB) fill with 404 lines, the loop keeps
# serving, and once the pipe is drained the lost lines are counted.
case_stalled_stderr() {
	local i pid drain
	mkfifo "$T_DIR/err"
	exec 9<>"$T_DIR/err"
	ip netns exec "$NS_SRV" "$NETBOOTD" --interface nbs0 --root "$T_ROOT" 2>"$T_DIR/err" &
	pid=$!
	WAITERS+=("$pid")
	for i in $(seq 1 50); do   # at most about 60 s
		t_cli curl -sfI -o /dev/null --max-time 1 "http://$SRV_IP/served.bin" && break
		sleep 0.1
	done
	# 6000 requests on keep-alive connections (curl's URL ranges): a 404
	# line each, some 500 KB of log.
	t_cli timeout 120 curl -s -o /dev/null --max-time 10 "http://$SRV_IP/no-such-file-[1-6000]"
	t_check "netbootd still runs with its stderr full" kill -0 "$pid"
	t_served http served.bin "a normal client is served while stderr is stalled"
	t_served tftp served.bin "and over TFTP"
	cat <&9 >"$T_DIR/drained" &
	drain=$!
	WAITERS+=("$drain")
	for i in $(seq 1 100); do
		grep -q "log lines dropped" "$T_DIR/drained" && break
		sleep 0.1
	done
	t_check "the drained log counts the dropped lines" \
		grep -Eq "warn main - [1-9][0-9]* log lines dropped" "$T_DIR/drained"
	t_check "the drained log is whole lines" \
		bash -c "! grep -Ev '^[0-9T:.Z-]+ netbootd: ' '$T_DIR/drained' | grep -q ."
	grep -E "log lines dropped" "$T_DIR/drained" | head -1
	STALLED_PID=$pid
}
attack http "stderr nobody reads" case_stalled_stderr
# lib.sh's stop: SIGTERM, at most 5 s, then SIGKILL (and a failure).
T_NBD_PID=$STALLED_PID
t_check "the stalled-stderr netbootd exits 0 on SIGTERM" t_stop_netbootd
exec 9<&-

# --- who it runs as ---------------------------------------------------------
case_user_root() {
	t_start_netbootd --root "$T_ROOT" --user root || return
	t_log_has "warn main - --user root: serving as root"
	t_check "--user root keeps uid 0" status_has "$T_NBD_PID" '^Uid:[[:space:]]+0[[:space:]]'
	t_check "no_new_privs even so" status_has "$T_NBD_PID" '^NoNewPrivs:[[:space:]]+1$'
}
attack http "--user root" case_user_root
t_check "netbootd exits 0 on SIGTERM" t_stop_netbootd

# Started unprivileged with only CAP_NET_BIND_SERVICE (as systemd's
# AmbientCapabilities= does): it binds 67, 69 and 80, then gives the
# capability up.
case_ambient() {
	chmod a+x "$T_DIR"
	: >"$T_LOG"
	ip netns exec "$NS_SRV" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=+net_bind_service --ambient-caps=+net_bind_service \
		"$NETBOOTD" --interface nbs0 --root "$T_ROOT" 2>>"$T_LOG" &
	T_NBD_PID=$!
	local i
	for i in $(seq 1 100); do grep -q 'main - ready' "$T_LOG" && break; sleep 0.1; done
	t_log_has "main - ready .*dhcp=67,4011 tftp=69 http=http://198\.18\.0\.1 user=nobody"
	t_check "CapEff: 0 after binding" status_has "$T_NBD_PID" '^CapEff:[[:space:]]+0000000000000000$'
	t_check "CapPrm: 0" status_has "$T_NBD_PID" '^CapPrm:[[:space:]]+0000000000000000$'
	t_check "CapAmb: 0" status_has "$T_NBD_PID" '^CapAmb:[[:space:]]+0000000000000000$'
	t_check "CapInh: 0" status_has "$T_NBD_PID" '^CapInh:[[:space:]]+0000000000000000$'
}
attack tftp "unprivileged with CAP_NET_BIND_SERVICE" case_ambient
t_done
