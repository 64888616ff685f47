#!/bin/bash
# docs/tests/guides.sh: every command and config snippet of docs/guides/,
# read from the markdown (docs/tests/lib.sh) and run as written, and the
# claims the guides make about ports and binding, measured.
#
#   dnsmasq.md   the boot snippet: dnsmasq --test, then dnsmasq serving it
#                to udhcpc asking as BIOS, x64 UEFI (7, 9), iPXE (bare and
#                RFC 3004 user class) and a plain host; the last-match rule;
#                dnsmasq and netbootd on one host (bind-interfaces or not)
#   kea.md       kea-dhcp4 -t, then Kea serving the same clients; Kea and
#                netbootd on one host, both start orders
#   no-proxy.md  netbootd --no-dhcp (no udp 67, TFTP and HTTP answer); the
#                udhcpc check block, run in the client's namespace
#   firewall.md  the host ruleset with netbootd behind it (proxyDHCP, TFTP,
#                HTTP through it; without its established rule TFTP fails),
#                the router ruleset between a client and a server subnet
#                (TFTP through the helper; without the helper it fails)
#
# Addresses: the guides' 192.0.2.0/24 is read as 198.18.0.0/24 (netbootd
# 192.0.2.10 = 198.18.0.10), printed where it is applied. systemctl is a
# stand-in that starts the daemon in the test's namespace with the file the
# guide wrote, and says so.
. "$(dirname "$0")/lib.sh"
G=$D_TOP/docs/guides
SRV_IP=198.18.0.10

if [ "${1:-}" != --inside ]; then
	d_init guides
	d_pair
	# A routed path for firewall.md: rcli 198.18.1.2 - rtr - rsrv 198.18.0.10.
	d_ns rcli; NS_RCLI=$REPLY
	d_ns rtr;  NS_RTR=$REPLY
	d_ns rsrv; NS_RSRV=$REPLY
	ip -n "$NS_RCLI" link add eth0 type veth peer name r1 netns "$NS_RTR"
	ip -n "$NS_RSRV" link add eth0 type veth peer name r0 netns "$NS_RTR"
	ip -n "$NS_RCLI" addr add 198.18.1.2/24 dev eth0
	ip -n "$NS_RTR" addr add 198.18.1.1/24 dev r1
	ip -n "$NS_RTR" addr add 198.18.0.1/24 dev r0
	ip -n "$NS_RSRV" addr add "$SRV_IP/24" dev eth0
	for l in "$NS_RCLI eth0" "$NS_RTR r1" "$NS_RTR r0" "$NS_RSRV eth0"; do
		set -- $l; ip -n "$1" link set "$2" up
	done
	ip -n "$NS_RCLI" route add default via 198.18.1.1
	ip -n "$NS_RSRV" route add default via 198.18.0.1
	ip netns exec "$NS_RTR" sysctl -qw net.ipv4.ip_forward=1
	export D_DIR NS_SRV NS_CLI NS_RCLI NS_RTR NS_RSRV B
	ip netns exec "$NS_SRV" unshare -m bash "$0" --inside
	exit $?
fi

# --- inside: the server's network and mount namespaces ----------------------
D_NAME=guides
D_DAEMONS=$D_DIR/daemons
stop_daemons() {
	local f
	for f in "$D_DAEMONS"/*.pid; do
		[ -e "$f" ] || continue
		kill -TERM "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	sleep 0.3
}
trap 'stop_daemons; for p in "${D_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait' EXIT
d_sandbox
mkdir -p "$D_DAEMONS" /srv/netboot/boot
ln -s "$D_B/san/netbootd" /usr/local/sbin/netbootd
head -c 65536 /dev/urandom >/srv/netboot/boot/vmlinuz-lts
: >/etc/netbootd.conf
KEA=$D_B/kea
KEA_LIB=$(dirname "$(find "$KEA" -name 'libkea-dhcpsrv.so*' | head -n1)")
export LD_LIBRARY_PATH=$KEA_LIB
export KEA_PIDFILE_DIR=$D_DIR/kea-run KEA_LOCKFILE_DIR=$D_DIR/kea-run KEA_LFC_EXECUTABLE=$KEA/usr/sbin/kea-lfc
mkdir -p "$KEA_PIDFILE_DIR"
d_note "kea-dhcp4: unpacked in $KEA (docs/rules.mk), not installed"

# systemctl restart dnsmasq|kea-dhcp4-server: the daemon in this namespace.
SI=$D_DIR/standin
mkdir -p "$SI"
cat >"$SI/systemctl" <<EOS
#!/bin/bash
[ "\$1" = restart ] || { echo "systemctl stand-in: restart only" >&2; exit 1; }
[ -e "$D_DAEMONS/\$2.pid" ] && { kill -TERM "\$(cat "$D_DAEMONS/\$2.pid")"; sleep 0.5; }
case \$2 in
dnsmasq)
	echo "     not run here: systemctl restart dnsmasq (no systemd); stand-in: dnsmasq with /etc/dnsmasq.d/*.conf and the test's own range 198.18.0.100-200 on eth0" >&2
	dnsmasq --keep-in-foreground --conf-dir=/etc/dnsmasq.d,*.conf --port=0 \\
		--interface=eth0 --bind-interfaces --dhcp-range=198.18.0.100,198.18.0.200,255.255.255.0,1h \\
		--dhcp-leasefile=$D_DIR/dnsmasq.leases --log-dhcp --log-facility=$D_DIR/dnsmasq.log \\
		--pid-file= --user=root --group=root </dev/null >/dev/null 2>&1 &
	echo \$! >"$D_DAEMONS/dnsmasq.pid" ;;
kea-dhcp4-server)
	echo "     not run here: systemctl restart kea-dhcp4-server (no systemd); stand-in: kea-dhcp4 -c /etc/kea/kea-dhcp4.conf" >&2
	kea-dhcp4 -c /etc/kea/kea-dhcp4.conf </dev/null >>$D_DIR/kea.out 2>&1 &
	echo \$! >"$D_DAEMONS/kea-dhcp4-server.pid" ;;
*) echo "systemctl stand-in: unknown unit \$2" >&2; exit 1 ;;
esac
sleep 1
kill -0 "\$(cat "$D_DAEMONS/\$2.pid")"
EOS
chmod +x "$SI/systemctl"
export PATH=$SI:/usr/local/sbin:$KEA/usr/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cli() { ip netns exec "$NS_CLI" "$@"; }
# 192.0.2.x in a guide -> 198.18.0.x here.
addr_sub() { sed 's/192\.0\.2\./198.18.0./g'; }
URL='http://198.18.0.10/boot.ipxe?mac=${netX/mac:hexhyp}'

# expect_boot WHAT WANT-FILE WANT-SIADDR UDHCPC-ARGS...: one DHCP exchange.
expect_boot() {
	local what=$1 file=$2 sia=$3 got; shift 3
	got=$(d_udhcpc "$NS_CLI" "$@")
	case $got in
	*" siaddr=$sia file=$file") d_ok "$what: file=$file${sia:+ next-server=$sia}" ;;
	*) d_fail "$what: want file=$file next-server=$sia, got: ${got:-nothing}" ;;
	esac
}
UC_IPXE="-x 0x4d:69505845"          # user class "iPXE", bare as iPXE sends it
UC_3004="-x 0x4d:0469505845"        # the same as an RFC 3004 instance

clients() {   # $1: which server, for the messages; $2: siaddr for iPXE
	expect_boot "$1: BIOS PXE (arch 0)" undionly.kpxe 198.18.0.10 -x 0x5d:0000 -V PXEClient:Arch:00000:UNDI:002001
	expect_boot "$1: x64 UEFI PXE (arch 7)" alpineboot.efi 198.18.0.10 -x 0x5d:0007 -V PXEClient:Arch:00007:UNDI:003016
	expect_boot "$1: x64 UEFI PXE (arch 9)" alpineboot.efi 198.18.0.10 -x 0x5d:0009
	expect_boot "$1: iPXE on BIOS (user class iPXE, arch 0)" "$URL" "$2" -x 0x5d:0000 $UC_IPXE
	expect_boot "$1: iPXE on UEFI (user class iPXE, arch 7)" "$URL" "$2" -x 0x5d:0007 $UC_IPXE
	expect_boot "$1: a plain host: no boot file" "" "$3"
}

# The netbootd --no-dhcp line of a guide, run as written.
noproxy_netbootd() {
	local file=$1 name=$2 pid
	d_block "$file" "$name" || return
	printf '%s\n' "$BLOCK" | sed 's/^/     $ /'
	(cd / && exec bash -c "$BLOCK") 2>"$D_DIR/$name.log" &
	pid=$!
	if d_wait_log "$D_DIR/$name.log" 'main - ready' 10; then d_ok "$name: netbootd ready"
	else d_fail "$name: netbootd ready"; cat "$D_DIR/$name.log"; kill "$pid"; return; fi
	if ss -Huln 'sport = :67' | grep -q .; then d_fail "$name: udp 67 not bound"; ss -uln
	else d_ok "$name: udp 67 not bound"; fi
	d_check "$name: TFTP undionly.kpxe" d_tftp_get "$NS_CLI" "$SRV_IP" undionly.kpxe "$D_DIR/u"
	d_check "$name: HTTP boot.ipxe for ?mac=" \
		cli timeout 10 curl -sf -o /dev/null "http://$SRV_IP/boot.ipxe?mac=52-54-00-12-34-56"
	kill -TERM "$pid"; wait "$pid"
	d_check "$name: netbootd exits 0 on SIGTERM" test $? -eq 0
}

# === dnsmasq.md ============================================================
d_block "$G/dnsmasq.md" dnsmasq-boot || exit 1
mkdir -p /etc/dnsmasq.d
printf '%s\n' "$BLOCK" | addr_sub >/etc/dnsmasq.d/netboot.conf
d_note "/etc/dnsmasq.d/netboot.conf: the guide's block, 192.0.2.x read as 198.18.0.x"
d_block "$G/dnsmasq.md" dnsmasq-check || exit 1
d_run_block "$BLOCK" && d_ok "dnsmasq check block ran (dnsmasq --test, restart)" ||
	{ d_fail "dnsmasq check block ran"; cat "$D_DIR/dnsmasq.log" 2>/dev/null; }
clients dnsmasq 198.18.0.10 198.18.0.10
expect_boot "dnsmasq: iPXE user class as an RFC 3004 instance" "$URL" 198.18.0.10 -x 0x5d:0000 $UC_3004

# no-proxy.md's udhcpc check, as written, in the client's namespace.
d_block "$G/no-proxy.md" noproxy-udhcpc || exit 1
printf '%s\n' "$BLOCK" | sed 's/^/     $ /'
cli timeout 120 bash -e -c "$BLOCK" >"$D_DIR/show.out" 2>/dev/null
sed 's/^/     /' "$D_DIR/show.out"
mapfile -t shown <"$D_DIR/show.out"
d_check "no-proxy.md check block: BIOS line shows undionly.kpxe" \
	test "${shown[0]#*: }" = "next-server=198.18.0.10 file=undionly.kpxe"
d_check "no-proxy.md check block: UEFI line shows alpineboot.efi" \
	test "${shown[1]#*: }" = "next-server=198.18.0.10 file=alpineboot.efi"
d_check "no-proxy.md check block: iPXE line shows the boot.ipxe URL" \
	test "${shown[2]#*: }" = "next-server=198.18.0.10 file=$URL"
stop_daemons

noproxy_netbootd "$G/dnsmasq.md" dnsmasq-netbootd
noproxy_netbootd "$G/no-proxy.md" noproxy-netbootd

# The last matching dhcp-boot line wins (dnsmasq.md says so).
for order in "ipxe bios" "bios ipxe"; do
	{
		echo "dhcp-userclass=set:ipxe,iPXE"
		echo "dhcp-match=set:bios,option:client-arch,0"
		for t in $order; do
			case $t in
			ipxe) echo "dhcp-boot=tag:ipxe,FROM-IPXE-LINE" ;;
			bios) echo "dhcp-boot=tag:bios,FROM-BIOS-LINE,,198.18.0.10" ;;
			esac
		done
	} >/etc/dnsmasq.d/netboot.conf
	systemctl restart dnsmasq 2>/dev/null
	last=${order##* }
	want=$([ "$last" = ipxe ] && echo FROM-IPXE-LINE || echo FROM-BIOS-LINE)
	got=$(d_udhcpc "$NS_CLI" -x 0x5d:0000 $UC_IPXE)
	case $got in *"file=$want") d_ok "dnsmasq: lines '$order': an iPXE BIOS client gets the last ($want)" ;;
	*) d_fail "dnsmasq: lines '$order': want the last ($want), got ${got:-nothing}" ;; esac
	stop_daemons
done

# dnsmasq and netbootd on one host.
# unicast_goes_to WHO WHY: a unicast REQUEST to port 67 (a lease renewal)
# reaches one socket only: WHO's log gets it, the other's does not.
unicast_goes_to() {
	local n0 q0 n1 q1
	n0=$(grep -c 'ignored type=3' "$D_DIR/nb67.log"); q0=$(grep -c 'DHCPREQUEST(eth0)' "$D_DIR/dq.log")
	cli "$D_B/nb-dhcptest" --interface eth0 --type request --to "$SRV_IP" --ciaddr 198.18.0.150 \
		--vendor none --arch none --timeout 1000 --quiet >/dev/null 2>&1
	sleep 0.5
	n1=$(grep -c 'ignored type=3' "$D_DIR/nb67.log"); q1=$(grep -c 'DHCPREQUEST(eth0)' "$D_DIR/dq.log")
	n1=$((n1 - n0)); q1=$((q1 - q0))
	case $1 in
	dnsmasq) d_check "one host, $2: a unicast renewal reaches dnsmasq only (dnsmasq $q1, netbootd $n1)" test $q1 -eq 1 -a $n1 -eq 0 ;;
	netbootd) d_check "one host, $2: a unicast renewal reaches netbootd only, which ignores it (dnsmasq $q1, netbootd $n1)" test $q1 -eq 0 -a $n1 -eq 1 ;;
	esac
}
printf 'dhcp-range=198.18.0.100,198.18.0.200,255.255.255.0,1h\n' >"$D_DIR/plain.conf"
DQ=(dnsmasq --keep-in-foreground --conf-file="$D_DIR/plain.conf" --port=0 --interface=eth0
	--dhcp-leasefile="$D_DIR/dq.leases" --log-dhcp --log-facility="$D_DIR/dq.log" --pid-file=
	--user=root --group=root)
netbootd --root /srv/netboot --interface eth0 --no-tftp --no-http --log-level debug 2>"$D_DIR/nb67.log" &
nbpid=$!
d_wait_log "$D_DIR/nb67.log" 'main - ready' 10
"${DQ[@]}" --bind-interfaces </dev/null >/dev/null 2>&1 &
dqpid=$!
sleep 1
if kill -0 $dqpid 2>/dev/null && kill -0 $nbpid 2>/dev/null; then
	d_ok "one host: dnsmasq with bind-interfaces binds udp 67 beside netbootd"
	# udhcpc takes whichever offer comes first; the servers' logs say who
	# answered what.
	d_udhcpc "$NS_CLI" -x 0x5d:0000 -V PXEClient:Arch:00000:UNDI:002001 >/dev/null
	d_check "one host: dnsmasq offered the PXE client an address (its log)" \
		d_wait_log "$D_DIR/dq.log" "DHCPOFFER\\(eth0\\) 198\\.18\\.0\\.[0-9]+ $CLI_MAC" 5
	d_check "one host: and netbootd's proxy offer (its log)" \
		d_wait_log "$D_DIR/nb67.log" "info dhcp $CLI_MAC offer arch=0 file=undionly.kpxe" 5
	unicast_goes_to dnsmasq "dnsmasq bound last"
else d_fail "one host: dnsmasq with bind-interfaces binds udp 67 beside netbootd"; fi
kill $dqpid 2>/dev/null; wait $dqpid 2>/dev/null
kill $nbpid; wait $nbpid 2>/dev/null
# The other order: dnsmasq first, then netbootd.
"${DQ[@]}" --bind-interfaces </dev/null >/dev/null 2>&1 &
dqpid=$!
sleep 1
netbootd --root /srv/netboot --interface eth0 --no-tftp --no-http --log-level debug 2>>"$D_DIR/nb67.log" &
nbpid=$!
sleep 1
unicast_goes_to netbootd "netbootd bound last"
kill $dqpid $nbpid; wait $dqpid $nbpid 2>/dev/null
netbootd --root /srv/netboot --interface eth0 --no-tftp --no-http 2>/dev/null &
nbpid=$!
sleep 1
timeout 5 "${DQ[@]}" </dev/null >/dev/null 2>&1
d_check "one host: dnsmasq without bind-interfaces cannot bind after netbootd (exit 2)" test $? -eq 2
kill $nbpid; wait $nbpid 2>/dev/null
"${DQ[@]}" </dev/null >/dev/null 2>&1 &
dqpid=$!
sleep 1
timeout 5 netbootd --root /srv/netboot --interface eth0 --no-tftp --no-http 2>/dev/null
d_check "one host: netbootd cannot bind after dnsmasq without bind-interfaces (exit 1)" test $? -eq 1
kill $dqpid; wait $dqpid 2>/dev/null

# === kea.md ================================================================
d_block "$G/kea.md" kea-conf || exit 1
mkdir -p /etc/kea
printf '%s\n' "$BLOCK" | addr_sub | sed "s#/var/lib/kea/#$D_DIR/#" >/etc/kea/kea-dhcp4.conf
d_note "/etc/kea/kea-dhcp4.conf: the guide's block, 192.0.2.x read as 198.18.0.x, the lease file in the test's folder"
d_block "$G/kea.md" kea-check || exit 1
d_run_block "$BLOCK" >"$D_DIR/kea-check.out" 2>&1 && d_ok "kea check block ran (kea-dhcp4 -t, restart)" ||
	{ d_fail "kea check block ran"; tail -n 20 "$D_DIR/kea-check.out"; }
grep -E '^ +(\$|not run here)' "$D_DIR/kea-check.out"
clients kea "" ""
stop_daemons
noproxy_netbootd "$G/kea.md" kea-netbootd
# Kea and netbootd on one host, both orders (kea.md says neither shares).
kea-dhcp4 -c /etc/kea/kea-dhcp4.conf </dev/null >"$D_DIR/kea1.out" 2>&1 &
kpid=$!
sleep 2
timeout 5 netbootd --root /srv/netboot --interface eth0 --no-tftp --no-http 2>/dev/null
d_check "one host: netbootd cannot bind udp 67 after Kea (exit 1)" test $? -eq 1
kill $kpid; wait $kpid 2>/dev/null
netbootd --root /srv/netboot --interface eth0 --no-tftp --no-http 2>/dev/null &
nbpid=$!
sleep 1
timeout 5 kea-dhcp4 -c /etc/kea/kea-dhcp4.conf </dev/null >"$D_DIR/kea2.out" 2>&1
d_check "one host: Kea after netbootd opens no DHCP socket (DHCPSRV_OPEN_SOCKET_FAIL)" \
	grep -q DHCPSRV_OPEN_SOCKET_FAIL "$D_DIR/kea2.out"
kill $nbpid; wait $nbpid 2>/dev/null

# === firewall.md: on the netbootd host =====================================
d_block "$G/firewall.md" fw-host || exit 1
printf '%s\n' "$BLOCK" >"$D_DIR/fw-host.nft"
d_check "fw-host: nft -f loads the ruleset" nft -f "$D_DIR/fw-host.nft"
netbootd --root /srv/netboot --interface eth0 2>"$D_DIR/fw.log" &
nbpid=$!
d_wait_log "$D_DIR/fw.log" 'main - ready' 10
d_check "fw-host: proxyDHCP answers through it" \
	cli "$D_B/nb-dhcptest" --interface eth0 --arch 0 --expect offer --expect-file undionly.kpxe --quiet
d_check "fw-host: TFTP (the ACKs to the transfer port) through it" \
	d_tftp_get "$NS_CLI" "$SRV_IP" undionly.kpxe "$D_DIR/u"
d_check "fw-host: HTTP through it" cli timeout 10 curl -sf -o /dev/null "http://$SRV_IP/boot/vmlinuz-lts"
nft flush ruleset
grep -v 'ct state established,related accept' "$D_DIR/fw-host.nft" >"$D_DIR/fw-host-noest.nft"
nft -f "$D_DIR/fw-host-noest.nft"
if d_tftp_get "$NS_CLI" "$SRV_IP" undionly.kpxe "$D_DIR/u2"; then
	d_fail "fw-host: without 'ct state established,related accept' TFTP fails (it did not)"
else d_ok "fw-host: without 'ct state established,related accept' TFTP fails (the rule matters)"; fi
nft flush ruleset
kill $nbpid; wait $nbpid 2>/dev/null

# === firewall.md: on a router ==============================================
d_block "$G/firewall.md" fw-router || exit 1
printf '%s\n' "$BLOCK" | addr_sub >"$D_DIR/fw-router.nft"
d_note "fw-router: the guide's block, 192.0.2.10 read as 198.18.0.10, on a router between 198.18.1.0/24 and 198.18.0.0/24"
d_check "fw-router: nft -f loads the ruleset on the router" ip netns exec "$NS_RTR" nft -f "$D_DIR/fw-router.nft"
ip netns exec "$NS_RSRV" netbootd --root /srv/netboot --interface eth0 --no-dhcp 2>"$D_DIR/fwr.log" &
nbpid=$!
d_wait_log "$D_DIR/fwr.log" 'main - ready' 10
d_check "fw-router: TFTP from the client subnet, through the helper" \
	d_tftp_get "$NS_RCLI" "$SRV_IP" undionly.kpxe "$D_DIR/r"
d_check "fw-router: HTTP from the client subnet" \
	ip netns exec "$NS_RCLI" timeout 10 curl -sf -o /dev/null "http://$SRV_IP/boot/vmlinuz-lts"
ip netns exec "$NS_RTR" nft flush ruleset
grep -v 'ct helper set' "$D_DIR/fw-router.nft" >"$D_DIR/fw-router-nohelper.nft"
ip netns exec "$NS_RTR" nft -f "$D_DIR/fw-router-nohelper.nft"
if d_tftp_get "$NS_RCLI" "$SRV_IP" undionly.kpxe "$D_DIR/r2"; then
	d_fail "fw-router: without the helper TFTP fails (it did not)"
else d_ok "fw-router: without the helper TFTP fails (the helper matters)"; fi
kill $nbpid; wait $nbpid 2>/dev/null

d_coverage "$G"/*.md
d_done
