#!/bin/bash
# hostile-dhcp.sh: netbootd's proxyDHCP on a hostile LAN (issue 9).
#
# A table of attacks, each run against build/san/netbootd in a private
# namespace pair (lib.sh) and each followed by a normal PXE client (our
# nb-dhcptest with its own MAC) that must still be answered within 10 s:
#   - a flood of DISCOVERs from thousands of random MACs: answered (there is
#     no per-source limit), memory stays bounded;
#   - exact copies of one request: one answer; a real retransmission 1 s
#     later is answered again;
#   - answer = known: an unknown MAC gets nothing and one log line for many
#     packets; a known MAC, a MAC-prefix section and a UUID section are
#     answered; a section by arch alone does not make a client known;
#   - malformed packets (truncated options, option overload pointing at
#     itself, an option longer than the packet, bad magic cookie, hlen 17,
#     zero and broadcast chaddr): no answer, counted;
#   - relayed requests with a forged giaddr (on our own link, hops 0 or 17,
#     multicast): no answer; a plausible relay is answered at giaddr:67;
#   - port 4011 from a forged source (not its ciaddr) or from a MAC never
#     offered to on 67: no answer;
#   - a DHCPREQUEST naming another server: no answer.
# netbootd runs at debug level: every silence is matched by the log line
# that says why, so a silence cannot come from a lost packet.
#
# Usage: NETBOOTD=build/san/netbootd DHCPTEST=build/nb-dhcptest hostile-dhcp.sh
cd "$(dirname "$0")/../.." || exit 1
. server-min/tests/lib.sh

DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
FLOOD=${FLOOD:-5000}            # random MACs in the flood case
FLOOD_RSS_MAX_KIB=$((32 * 1024)) # growth allowed for the flood (ASan build)
t_init hostile-dhcp
[ -x "$DHCPTEST" ] || { echo "hostile-dhcp: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
t_netns_pair || exit 1
# A relay's subnet behind the client namespace.
ip -n "$NS_CLI" addr add 198.18.1.2/24 dev nbc0
ip -n "$NS_SRV" route add 198.18.1.0/24 via $CLI_IP

NORMAL_MAC=52:54:00:aa:00:01    # listed in the answer = known config too
MALFORMED=0                     # expected dhcp_malformed at the end

dt() { t_cli "$DHCPTEST" --interface nbc0 --expect-server $SRV_IP "$@"; }
answered() {
	local what=$1; shift
	t_check "$what" dt --timeout 3000 --quiet "$@"
}
silent() {
	local what=$1; shift
	t_check "$what" dt --timeout 1000 --quiet --expect silence "$@"
}

# The normal client after every case: a BIOS PXE DISCOVER from its own MAC,
# answered within 10 s (generous; the time is recorded for the report).
T_NORMAL_TIMES=
normal() {
	local t0 t1 ms
	t0=$(date +%s%N)
	if dt --mac $NORMAL_MAC --arch 0 --expect offer --expect-file undionly.kpxe \
		--timeout 10000 --quiet >/dev/null; then
		t1=$(date +%s%N); ms=$(( (t1 - t0) / 1000000 ))
		T_NORMAL_TIMES="$T_NORMAL_TIMES $ms"
		t_ok "normal PXE client $NORMAL_MAC answered (${ms} ms)"
	else
		t_fail "normal PXE client $NORMAL_MAC not answered within 10 s"
	fi
}
row() { t_case "$@"; normal; }
# malformed WHAT KIND NB-DHCPTEST-ARGS...: a row whose packet netbootd must
# drop and count as malformed, so the count expected at the end goes up.
malformed() {
	local what=$1; shift
	row "malformed: $what" case_malformed "$@"
	MALFORMED=$((MALFORMED + 1))
}

# log_count 'ERE': how many lines of the server log match.
log_count() { grep -Ec -- "$1" "$T_LOG"; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$T_NBD_PID/status"; }

# --- the cases ----------------------------------------------------------------

case_flood() {
	local before after out
	before=$(rss_kib)
	out=$(dt --flood "$FLOOD" --arch 0 --timeout 2000)
	echo "$out" | tail -n 2
	after=$(rss_kib)
	echo "    netbootd VmRSS ${before} KiB -> ${after} KiB"
	t_check "flood of $FLOOD random MACs sent" grep -q "sent $FLOOD of $FLOOD" <<<"$out"
	t_check "memory growth $((after - before)) KiB < $FLOOD_RSS_MAX_KIB KiB" \
		[ $((after - before)) -lt $FLOOD_RSS_MAX_KIB ]
	FLOOD_ANSWERS=$(sed -n 's/.* \([0-9]*\) answer(s)$/\1/p' <<<"$out")
}

case_copies() {
	t_check "50 identical copies: exactly 1 answer" \
		dt --count 50 --xid 0x5eed0001 --mac 52:54:00:00:10:01 --arch 0 \
		--expect-answers 1 --timeout 1500
	t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:10:01 ignored: the same request again within 500 ms' \
		"the copies are logged as repeats"
}

case_retransmit() {
	# iPXE retransmits after 1 s with the same xid; PXE ROMs after 4 s.
	answered "first try (xid 0x5eed0002)" --xid 0x5eed0002 --mac 52:54:00:00:10:02 \
		--arch 0 --expect offer
	sleep 1
	answered "the same bytes 1 s later: a retransmission, answered" \
		--xid 0x5eed0002 --mac 52:54:00:00:10:02 --arch 0 --expect offer
}

case_malformed() {
	local kind=$1; shift
	silent "malformed ($kind): no answer" --mac 52:54:00:00:20:01 --arch 0 "$@"
}

case_relay() {
	local what=$1 want=$2 re=$3; shift 3
	if [ "$want" = answer ]; then
		answered "$what" --to $SRV_IP --mac 52:54:00:00:30:01 --arch 0 \
			--expect offer --expect-dest unicast "$@"
	else
		silent "$what" --to $SRV_IP --mac 52:54:00:00:30:02 --arch 0 "$@"
	fi
	[ -n "$re" ] && t_log_has "$re"
}

case_4011_forged_source() {
	# 52:54:00:00:40:01 was offered to, but this REQUEST comes from .3 and
	# says ciaddr .2: the answer would go to an address that did not ask.
	answered "DISCOVER of 52:54:00:00:40:01" --mac 52:54:00:00:40:01 --arch 7 --expect offer
	silent "4011 REQUEST from $CLI2_IP naming ciaddr $CLI_IP" --mac 52:54:00:00:40:01 \
		--type request --to $SRV_IP --port 4011 --arch 7 --ciaddr $CLI_IP \
		--source $CLI2_IP --no-broadcast-flag
	t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:40:01 ignored type=3 from 198\.18\.0\.3:68: port 4011 request not sent from its ciaddr'
	answered "the same REQUEST from its own ciaddr: ACK" --mac 52:54:00:00:40:01 \
		--type request --to $SRV_IP --port 4011 --arch 7 --ciaddr $CLI_IP \
		--no-broadcast-flag --expect ack --expect-dest unicast
}

case_4011_never_offered() {
	silent "4011 REQUEST from a MAC never offered to" --mac 52:54:00:00:40:02 \
		--type request --to $SRV_IP --port 4011 --arch 7 --ciaddr $CLI_IP \
		--no-broadcast-flag
	t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:40:02 ignored type=3 .*MAC not offered to on 67'
}

case_other_server() {
	silent "REQUEST on 67 naming 198.18.0.254" --mac 52:54:00:00:50:01 \
		--type request --server-id 198.18.0.254 --arch 0
	silent "REQUEST on 4011 naming 198.18.0.254" --mac 52:54:00:00:50:01 \
		--type request --to $SRV_IP --port 4011 --server-id 198.18.0.254 \
		--ciaddr $CLI_IP --arch 7
	t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:50:01 ignored type=3 port=67: request for another server'
	t_log_has '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:50:01 ignored type=3 port=4011: request for another server'
}

# --- part 1: answer = all -------------------------------------------------------
t_start_netbootd --root "$T_ROOT" --no-tftp --no-http --log-level debug || exit 1
normal

row "flood: $FLOOD DISCOVERs from random MACs" case_flood
row "exact copies: 50 identical packets" case_copies
row "a real retransmission is not a copy" case_retransmit

malformed "options cut short" truncated --truncate 250
malformed "option overload pointing at itself" overload-self --mangle overload-self
malformed "an option longer than the packet" huge-opt --mangle huge-opt
malformed "hlen 17" hlen17 --mangle hlen17
malformed "zero chaddr" zero-mac --mangle zero-mac
malformed "broadcast chaddr" bcast-mac --mangle bcast-mac
# A wrong magic cookie is BOOTP, not DHCP: ignored (counted), never answered.
row "bad magic cookie" case_malformed cookie --mangle cookie

row "relay: giaddr on our own link" case_relay "giaddr $CLI2_IP (our link): no answer" \
	silence 'ignored type=1 from .*: giaddr on our own link' --giaddr $CLI2_IP
row "relay: hops 0" case_relay "relayed with hops 0: no answer" \
	silence 'ignored type=1 from .*: relayed request with hops 0 or over 16' \
	--giaddr 198.18.1.2 --hops 0
row "relay: hops 17" case_relay "relayed with hops 17: no answer" silence '' \
	--giaddr 198.18.1.2 --hops 17
row "relay: multicast giaddr" case_relay "giaddr 224.0.0.1: no answer" \
	silence 'giaddr is not a unicast address' --giaddr 224.0.0.1
row "relay: a plausible relay" case_relay "relay 198.18.1.2, hops 1: offer to giaddr:67" \
	answer '^[0-9T:.Z-]+ netbootd: debug dhcp 52:54:00:00:30:01 offer sent to 198\.18\.1\.2:67 ' \
	--giaddr 198.18.1.2

row "4011 from a forged source" case_4011_forged_source
row "4011 from a MAC never offered to" case_4011_never_offered
row "REQUEST naming another server" case_other_server

t_log_lacks '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:(20|30):02 (offer|ack)' \
	"no answer to any malformed or forged request, however late"
t_stop_netbootd
rc=$?
t_check "netbootd exits 0 on SIGTERM (got $rc)" [ $rc -eq 0 ]
t_log_has "stopping: dhcp answered=[0-9]+ ignored=[0-9]+ malformed=$MALFORMED;" \
	"exactly $MALFORMED malformed packets counted"
t_log_has 'dhcp - stopping: repeats=(49|[5-9][0-9]|[1-9][0-9]{2,}) ' "49 or more repeats counted"
t_log_has 'relay-refused=4 4011-refused=2$' "4 relays and 2 port-4011 requests refused"

# --- part 2: answer = known -----------------------------------------------------
cat >"$T_DIR/known.conf" <<EOF
[server]
answer = known
check = off

[client $NORMAL_MAC]
[client 52:54:00:00:60:01]
[client 52:54:00:61:*]
[client uuid=01234567-89ab-cdef-0123-456789abcdef]
[client arch=0]
EOF
if ! t_srv "$NETBOOTD" --config "$T_DIR/known.conf" --root "$T_ROOT" \
	--interface nbs0 --check-config >"$T_DIR/check.out" 2>&1; then
	t_fail "known.conf parses (answer = known and [client aa:bb:cc:*] come with the embed/ config work): $(cat "$T_DIR/check.out")"
	t_done; exit
fi
: >"$T_LOG"
t_start_netbootd --root "$T_ROOT" --no-tftp --no-http --log-level debug \
	--config "$T_DIR/known.conf" || exit 1
normal

case_unknown() {
	local i n
	for i in $(seq 1 20); do
		dt --mac 52:54:00:00:60:99 --arch 0 --timeout 200 --quiet --expect silence \
			>/dev/null || { t_fail "unknown MAC answered (packet $i)"; return; }
	done
	t_ok "20 DISCOVERs from an unknown MAC: no answer"
	n=$(log_count '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:60:99 not answered: answer = known')
	t_check "one log line for 20 packets (got $n)" [ "$n" -eq 1 ]
}
row "answer = known: an unknown MAC" case_unknown
row "answer = known: a known MAC" answered "[client 52:54:00:00:60:01]: offer" \
	--mac 52:54:00:00:60:01 --arch 7 --expect offer --expect-file alpineboot.efi
row "answer = known: a MAC prefix" answered "[client 52:54:00:61:*]: offer" \
	--mac 52:54:00:61:00:07 --arch 0 --expect offer
row "answer = known: a UUID" answered "[client uuid=...]: offer" \
	--mac 52:54:00:00:62:01 --uuid 0123456789abcdef0123456789abcdef --arch 0 --expect offer
row "answer = known: arch alone does not know a client" silent \
	"[client arch=0] only: no answer" --mac 52:54:00:00:63:01 --arch 0
t_log_has '^[0-9T:.Z-]+ netbootd: info dhcp 52:54:00:00:63:01 not answered'

# A flood of unknown MACs: the log stays at 10 lines a second.
case_unknown_flood() {
	local out n
	out=$(dt --flood 2000 --arch 0 --timeout 1000)
	echo "$out" | tail -n 1
	t_check "2000 unknown MACs: no answer" grep -q ' 0 answer(s)$' <<<"$out"
	n=$(log_count 'not answered: answer = known')
	# 2 before, then at most 10 a second for the few seconds the flood takes
	t_check "at most a few dozen log lines for 2000 unknown MACs (got $n)" [ "$n" -le 60 ]
}
row "answer = known: a flood of unknown MACs" case_unknown_flood

t_stop_netbootd
rc=$?
t_check "netbootd (answer = known) exits 0 on SIGTERM (got $rc)" [ $rc -eq 0 ]
t_log_has 'dhcp - stopping: repeats=[0-9]+ unknown=(20[0-9][0-9]) ' "every unknown request counted"

echo "hostile-dhcp: flood of $FLOOD random MACs: ${FLOOD_ANSWERS:-?} answers seen by the flooder"
echo "hostile-dhcp: normal client waits (ms), sorted:" \
	"$(printf '%s\n' $T_NORMAL_TIMES | sort -n | tr '\n' ' ')"
t_done
