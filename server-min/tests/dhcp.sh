#!/bin/bash
# dhcp.sh: netbootd's proxyDHCP against our PXE test client and a real
# busybox udhcpc, in a private namespace pair (issue 2).
#
# Each nb-dhcptest call sends one request and checks every field of the
# answer (op, xid, chaddr, yiaddr 0, siaddr, options 53 54 60 97 43 66 67,
# file, sname, no lease options, broadcast or unicast; for UEFI HTTP Boot
# option 60 HTTPClient, a URL, no 43/66/sname) or, with
# --expect silence, that nothing answers within its bounded wait.
# netbootd runs at debug level so each silence is matched by the log line
# that says why it kept quiet: the request did reach it.
cd "$(dirname "$0")/../.." || exit 1
. server-min/tests/lib.sh

DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
t_init dhcp
[ -x "$DHCPTEST" ] || { echo "dhcp: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
command -v udhcpc >/dev/null || { echo "dhcp: no udhcpc (apt-get install udhcpc)"; exit 1; }
t_netns_pair || exit 1
t_start_netbootd --root "$T_ROOT" --no-tftp --no-http --log-level debug || exit 1

# iPXE is sent the script of the NIC that is booting: the chaddr of its
# DHCP request, not iPXE's ${net0/mac} (issue 10).
ipxe_file() { echo "http://198.18.0.1/boot.ipxe?mac=$(echo "$1" | tr : -)"; }
ANSWERS=0

# dt MAC ARGS...: one request from the client namespace; prints its report.
dt() {
	local mac=$1; shift
	t_cli "$DHCPTEST" --interface nbc0 --mac "$mac" --timeout 2000 "$@"
}
# answer WHAT MAC ARGS...: expect an answer with every field right;
# silence WHAT MAC ARGS...: expect none within 1 s.
answer() {
	local what=$1; shift
	t_check "$what" dt "$@" --expect-server $SRV_IP && ANSWERS=$((ANSWERS + 1))
}
silence() {
	local what=$1; shift
	t_check "$what" dt "$@" --timeout 1000 --expect silence
}

# --- answered ---------------------------------------------------------------
answer "BIOS PXE DISCOVER: broadcast offer of undionly.kpxe" \
	52:54:00:00:00:01 --arch 0 --expect offer --expect-file undionly.kpxe \
	--expect-dest broadcast
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:01 offer arch=0 file=undionly\.kpxe$'

answer "UEFI arch 7 DISCOVER: offer of alpineboot.efi" \
	52:54:00:00:00:07 --arch 7 --vendor PXEClient:Arch:00007:UNDI:003016 \
	--expect offer --expect-file alpineboot.efi --expect-dest broadcast
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:07 offer arch=7 file=alpineboot\.efi$'

answer "UEFI arch 9 DISCOVER: offer of alpineboot.efi" \
	52:54:00:00:00:09 --arch 9 --expect offer --expect-file alpineboot.efi
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:09 offer arch=9 file=alpineboot\.efi$'

answer "iPXE (user class) DISCOVER: offer of the boot.ipxe URL with its chaddr" \
	52:54:00:00:01:00 --arch 0 --user-class iPXE --expect offer \
	--expect-file "$(ipxe_file 52:54:00:00:01:00)"
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:01:00 offer arch=0 file=http://198\.18\.0\.1/boot\.ipxe\?mac=52-54-00-00-01-00$'

answer "iPXE (option 175) UEFI DISCOVER: offer of the boot.ipxe URL" \
	52:54:00:00:01:07 --arch 7 --opt175 --expect offer \
	--expect-file "$(ipxe_file 52:54:00:00:01:07)"
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:01:07 offer arch=7 file=http://198\.18\.0\.1/boot\.ipxe\?mac=52-54-00-00-01-07$'

answer "iPXE on arm64 (arch 11): the same boot.ipxe" \
	52:54:00:00:01:0b --arch 11 --user-class iPXE --expect offer \
	--expect-file "$(ipxe_file 52:54:00:00:01:0b)"

answer "arm64 UEFI PXE (arch 11): offer of alpineboot-arm64.efi" \
	52:54:00:00:00:0b --arch 11 --vendor PXEClient:Arch:00011:UNDI:003016 \
	--expect offer --expect-file alpineboot-arm64.efi --expect-dest broadcast
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:0b offer arch=11 file=alpineboot-arm64\.efi$'

# UEFI HTTP Boot (EDK2 HttpBootDxe): HTTPClient in, HTTPClient and a URL out.
answer "UEFI HTTP Boot x64 (HTTPClient, arch 16): URL of alpineboot.efi" \
	52:54:00:00:00:10 --arch 16 --vendor HTTPClient:Arch:00016:UNDI:003001 \
	--expect offer --expect-file http://198.18.0.1/alpineboot.efi --expect-dest broadcast
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:10 offer arch=16 http file=http://198\.18\.0\.1/alpineboot\.efi$'

answer "UEFI HTTP Boot arm64 (HTTPClient, arch 19): URL of alpineboot-arm64.efi" \
	52:54:00:00:00:13 --arch 19 --vendor HTTPClient:Arch:00019:UNDI:003001 \
	--expect offer --expect-file http://198.18.0.1/alpineboot-arm64.efi
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:13 offer arch=19 http file=http://198\.18\.0\.1/alpineboot-arm64\.efi$'

answer "DISCOVER without UUID: offer without option 97" \
	52:54:00:00:00:02 --arch 0 --uuid none --expect offer --expect-file undionly.kpxe

answer "DISCOVER from a client with an address, no broadcast flag: unicast offer" \
	52:54:00:00:00:03 --arch 0 --ciaddr $CLI_IP --no-broadcast-flag \
	--expect offer --expect-file undionly.kpxe --expect-dest unicast

# 4011 answers only a MAC offered to on 67 (a forged source gets nothing):
# the DISCOVER first, as every PXE client does.
answer "DISCOVER before the 4011 REQUEST" 52:54:00:00:00:17 --arch 7 \
	--expect offer --expect-file alpineboot.efi
answer "REQUEST to 4011 (OVMF style, no option 54): unicast ACK" \
	52:54:00:00:00:17 --type request --to $SRV_IP --port 4011 --arch 7 \
	--ciaddr $CLI_IP --no-broadcast-flag --expect ack \
	--expect-file alpineboot.efi --expect-dest unicast
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:00:17 ack arch=7 file=alpineboot\.efi$'

answer "DISCOVER (iPXE) before the 4011 REQUEST" 52:54:00:00:01:17 --arch 0 \
	--user-class iPXE --expect offer --expect-file "$(ipxe_file 52:54:00:00:01:17)"
answer "REQUEST to 4011 naming us (iPXE style): unicast ACK" \
	52:54:00:00:01:17 --type request --to $SRV_IP --port 4011 --arch 0 \
	--user-class iPXE --server-id $SRV_IP --ciaddr $CLI_IP --expect ack \
	--expect-file "$(ipxe_file 52:54:00:00:01:17)" --expect-dest unicast
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:01:17 ack arch=0 file=http://'

answer "REQUEST on 67 naming us: broadcast ACK" \
	52:54:00:00:00:67 --type request --server-id $SRV_IP --arch 0 \
	--expect ack --expect-file undionly.kpxe --expect-dest broadcast

# A relay's giaddr is on the clients' subnet, not ours: 198.18.1.2 in the
# client namespace, routed through 198.18.0.2.
ip -n "$NS_CLI" addr add 198.18.1.2/24 dev nbc0
ip -n "$NS_SRV" route add 198.18.1.0/24 via $CLI_IP
answer "DISCOVER through a relay agent: offer to giaddr:67" \
	52:54:00:00:00:05 --arch 0 --giaddr 198.18.1.2 --to $SRV_IP \
	--expect offer --expect-file undionly.kpxe --expect-dest unicast
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:00:05 offer sent to 198\.18\.1\.2:67 '

# --- silent ----------------------------------------------------------------
silence "non-PXE DISCOVER (no option 60): silence" \
	52:54:00:00:02:01 --vendor none --arch none
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:02:01 ignored type=1 port=67: not a PXE client'

silence "DISCOVER with vendor class MSFT 5.0: silence" \
	52:54:00:00:02:02 --vendor "MSFT 5.0" --arch 0

silence "PXEClient without option 93: silence" \
	52:54:00:00:02:03 --arch none --vendor PXEClient
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:02:03 ignored .*no client architecture'

silence "RELEASE: silence" 52:54:00:00:02:04 --type release --server-id $SRV_IP \
	--ciaddr $CLI_IP --to $SRV_IP
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:02:04 ignored type=7 port=67: message type not answered'

silence "DECLINE: silence" 52:54:00:00:02:05 --type decline --server-id $SRV_IP
silence "INFORM: silence" 52:54:00:00:02:06 --type inform --ciaddr $CLI_IP

silence "REQUEST on 67 naming another server: silence" \
	52:54:00:00:02:07 --type request --server-id 198.18.0.254 --arch 0
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:02:07 ignored type=3 port=67: request for another server'

silence "REQUEST to 4011 naming another server: silence" \
	52:54:00:00:02:08 --type request --to $SRV_IP --port 4011 \
	--server-id 198.18.0.254 --ciaddr $CLI_IP --arch 7

silence "ARM 32-bit UEFI (arch 10): no loader, silence" \
	52:54:00:00:02:09 --arch 10
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:02:09 ignored arch=10: 32-bit ARM UEFI has no loader'

silence "x86 32-bit UEFI HTTP Boot (arch 15): no loader, silence" \
	52:54:00:00:02:0a --arch 15 --vendor HTTPClient:Arch:00015:UNDI:003001
t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:02:0a ignored arch=15 ipxe=0 http=1: no boot file'

silence "IA32 UEFI PXE (arch 6): no loader, silence" 52:54:00:00:02:0c --arch 6

# --- malformed: dropped, counted, and the server keeps answering ------------
silence "truncated DISCOVER (option runs past the end): silence" \
	52:54:00:00:03:01 --arch 0 --truncate 250
t_log_has '^[0-9T:.Z-]+ netbootd: warn dhcp 198\.18\.0\.2:68 malformed packet \(250 bytes\): bad header or options; dropped, 1 malformed in all'
silence "DISCOVER cut inside the header: silence" 52:54:00:00:03:02 --truncate 100
# 100 datagrams of random bytes, 1..239 long (shorter than header + cookie),
# half to 67 and half to 4011; each is one write to bash's /dev/udp.
t_cli bash -c 'for i in $(seq 1 50); do
	for port in 67 4011; do
		head -c $((RANDOM % 239 + 1)) /dev/urandom >/dev/udp/'$SRV_IP'/$port
	done
done'
t_check "100 junk datagrams sent" [ $? -eq 0 ]
answer "after malformed packets: BIOS DISCOVER still answered" \
	52:54:00:00:00:04 --arch 0 --expect offer --expect-file undionly.kpxe

# --- a real DHCP client gets nothing from us --------------------------------
# busybox udhcpc: 3 DISCOVERs 1 s apart, then gives up (-n). Its script is
# /bin/true: nothing on the client is changed.
cli_mac=$(t_cli cat /sys/class/net/nbc0/address)
t_cli timeout 20 udhcpc -i nbc0 -n -q -t 3 -T 1 -A 1 -s /bin/true >"$T_DIR/udhcpc.out" 2>&1
rc=$?
t_check "udhcpc gets no lease from netbootd (exit $rc, want 1)" [ $rc -eq 1 ]
t_check "udhcpc broadcast its DISCOVERs" grep -q 'broadcasting discover' "$T_DIR/udhcpc.out"
t_check "udhcpc reports no lease" grep -q 'no lease' "$T_DIR/udhcpc.out"
t_log_has "^[0-9T:.Z-]+ netbootd: debug dhcp $cli_mac ignored type=1 port=67: not a PXE client" \
	"netbootd saw udhcpc's DISCOVER and ignored it"
t_log_lacks "^[0-9T:.Z-]+ netbootd: info dhcp $cli_mac (offer|ack)" "no offer to udhcpc"
# Even claiming to be PXEClient, without option 93 it is not a PXE ROM.
t_cli timeout 20 udhcpc -i nbc0 -n -q -t 2 -T 1 -A 1 -s /bin/true \
	-V PXEClient:Arch:00000:UNDI:002001 >"$T_DIR/udhcpc2.out" 2>&1
rc=$?
t_check "udhcpc -V PXEClient (no option 93) gets no lease (exit $rc)" [ $rc -eq 1 ]
t_log_has "^[0-9T:.Z-]+ netbootd: debug dhcp $cli_mac ignored type=1 port=67: no client architecture" \
	"netbootd ignored udhcpc's PXEClient DISCOVER: no option 93"
t_log_lacks "^[0-9T:.Z-]+ netbootd: info dhcp $cli_mac (offer|ack)" "still no offer to udhcpc"

# A late answer would slip past a bounded wait; the log would still show it.
t_log_lacks '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:0[23]:[0-9a-f]{2} (offer|ack)' \
	"no answer to any of the silent cases, however late"

# --- counters, then a clean exit -------------------------------------------
t_stop_netbootd
rc=$?
t_check "netbootd exits 0 on SIGTERM (got $rc)" [ $rc -eq 0 ]
t_log_has "stopping: dhcp answered=$ANSWERS ignored=[1-9][0-9]* malformed=102;" \
	"counters: answered=$ANSWERS, some ignored, malformed=102"

# --- the mapping is configurable (netbootd.conf [server] boot-*) ------------
cat >"$T_DIR/netbootd.conf" <<'EOF'
[server]
boot-bios = ipxe/undionly.kpxe
boot-efi64 = efi/grubx64.efi
boot-ipxe = ${server}/menu.ipxe?mac=${net0/mac:hexhyp}&x=1
boot-arm64 = ipxe-arm64.efi
boot-http-x64 = http://198.18.0.9/x64/{mac}.efi
EOF
# Also: sockets are bound before root is given up, so answers keep flowing
# after --user.
t_start_netbootd --root "$T_ROOT" --no-tftp --no-http --http-port 8080 \
	--config "$T_DIR/netbootd.conf" --user nobody || exit 1
t_log_has 'main - ready .* user=nobody' "netbootd dropped root to nobody"
answer "configured BIOS file" 52:54:00:00:04:00 --arch 0 --expect offer \
	--expect-file ipxe/undionly.kpxe
answer "configured UEFI file" 52:54:00:00:04:07 --arch 7 --expect offer \
	--expect-file efi/grubx64.efi
answer "configured iPXE URL, \${server} with the HTTP port" 52:54:00:00:04:01 \
	--arch 0 --user-class iPXE --expect offer \
	--expect-file 'http://198.18.0.1:8080/menu.ipxe?mac=${net0/mac:hexhyp}&x=1'
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:04:01 offer arch=0 file=http://198\.18\.0\.1:8080/menu\.ipxe\?mac=\$\{net0/mac:hexhyp\}&x=1$'
answer "configured arm64 file" 52:54:00:00:04:0b --arch 11 --expect offer \
	--expect-file ipxe-arm64.efi
answer "configured HTTP Boot URL with {mac}" 52:54:00:00:04:10 --arch 16 \
	--vendor HTTPClient:Arch:00016:UNDI:003001 --expect offer \
	--expect-file http://198.18.0.9/x64/52-54-00-00-04-10.efi
t_stop_netbootd
rc=$?
t_check "netbootd (configured) exits 0 on SIGTERM (got $rc)" [ $rc -eq 0 ]

# --- the checker itself can fail --------------------------------------------
# An ordinary DHCP server (dnsmasq handing out leases) in netbootd's place:
# nb-dhcptest must refuse its offer field by field, and must notice that
# "silence" was broken. --no-ping: offer at once, not after a ping probe.
DNSMASQ_PID=
dnsmasq_stop() {
	[ -n "$DNSMASQ_PID" ] || return 0
	kill -TERM "$DNSMASQ_PID" 2>/dev/null
	wait "$DNSMASQ_PID" 2>/dev/null
	DNSMASQ_PID=
}
trap 'dnsmasq_stop; t_cleanup' EXIT
ip netns exec "$NS_SRV" dnsmasq --keep-in-foreground --no-daemon --conf-file=/dev/null --port=0 \
	--user=root --group=root --interface=nbs0 --bind-interfaces \
	--dhcp-range=198.18.0.100,198.18.0.200,255.255.255.0,10m \
	--dhcp-leasefile="$T_DIR/dnsmasq.leases" --pid-file= --no-ping \
	--log-dhcp --log-facility=- >"$T_DIR/dnsmasq.log" 2>&1 &
DNSMASQ_PID=$!
for i in $(seq 1 50); do
	grep -q 'started' "$T_DIR/dnsmasq.log" && break
	kill -0 "$DNSMASQ_PID" 2>/dev/null || break
	sleep 0.1
done
t_check "dnsmasq (a lease-giving server) started" grep -q started "$T_DIR/dnsmasq.log"
dt 52:54:00:00:05:00 --arch 0 --expect offer --expect-server $SRV_IP \
	>"$T_DIR/lease.out" 2>&1
rc=$?
t_check "nb-dhcptest rejects a lease offer (exit $rc, want 1)" [ $rc -eq 1 ]
for f in yiaddr opt60 opt43 opt67 opt1 opt51; do
	t_check "nb-dhcptest flags $f of a lease offer" \
		grep -Eq "^  $f .* FAIL$" "$T_DIR/lease.out"
done
dt 52:54:00:00:05:01 --arch 0 --vendor none --timeout 3000 --expect silence \
	>"$T_DIR/silence.out" 2>&1
rc=$?
t_check "nb-dhcptest --expect silence fails when answered (exit $rc, want 1)" [ $rc -eq 1 ]
dnsmasq_stop

t_done
