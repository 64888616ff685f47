#!/bin/bash
# server-min/tests/hostile-http.sh: netbootd's HTTP against a hostile host on
# the same LAN (docs/http.md, "Limits").
#
# A table of attacks, one row each: the attacker is $CLI_IP (and, for the
# global cap, many more addresses), the normal client is $CLI2_IP. Each row
# asserts what the server answered or did, then t_served: a normal client on
# the other address gets a file, intact, within 10 s. Raw connections come
# from tests/http_hostile.c ($HOSTILE) and bash's /dev/tcp; every loop is
# bounded in count and time, every wait has a generous upper bound.
#
# The limits come from [server] in --config (http-per-ip = 16,
# http-requests = 20, http-idle = 4). LIMITS="16 20 4" in the environment
# says the netbootd under test was built with those defaults (no --config).
. "$(dirname "$0")/lib.sh"

HOSTILE=${HOSTILE:-build/test/http_hostile}
t_init hostile-http
[ -x "$HOSTILE" ] || { echo "hostile-http: no $HOSTILE"; exit 1; }
t_netns_pair || exit 1

URL=http://$SRV_IP
mkdir -p "$T_ROOT/boot"
printf 'hello, netboot\n' >"$T_ROOT/small.txt"
t_random_file "$T_ROOT/boot/initramfs-test" 2 >/dev/null
t_random_file "$T_ROOT/boot/vmlinuz-test" 40 >/dev/null
SERVED=boot/initramfs-test
HEADER_S=10   # HTTP_HEADER_TIMEOUT_MS in http.c

CONF=$T_DIR/netbootd.conf
printf '[server]\nhttp-per-ip = 16\nhttp-requests = 20\nhttp-idle = 4\n' >"$CONF"
if [ -n "${LIMITS:-}" ]; then
	# LIMITS="PER_IP REQUESTS IDLE_S": a netbootd built with these defaults
	read -r PER_IP REQS IDLE <<<"$LIMITS"
	t_start_netbootd --root "$T_ROOT" --no-dhcp --no-tftp || exit 1
else
	PER_IP=16 REQS=20 IDLE=4
	t_start_netbootd --root "$T_ROOT" --no-dhcp --no-tftp --config "$CONF" || exit 1
fi
t_log_has "listening on $SRV_IP:80 \(at most 4096 connections, $PER_IP per address, $REQS requests each, idle $((IDLE * 1000)) ms\)" \
	"the limits in force are logged at start"

C_MAX_TIME=20
. "$(dirname "$0")/http_lib.sh"
hostile() { t_cli prlimit --nofile=10000 "$HOSTILE" "$@"; }
status_of() { metric "netbootd_errors_total{kind=\"$1\"}"; }
# The server's CPU time in ms, from the scheduler (ns, not 10 ms ticks).
cpu_ms() { awk '{print int($1 / 1000000)}' "/proc/$T_NBD_PID/schedstat"; }
# in_range VALUE MIN MAX (decimals allowed)
in_range() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }
# A client that never reads its 40 MiB answer: started now, checked last
# (30 s without progress, then freed). From a third address, so that the
# attacker's per-address count stays exact.
STALL_IP=198.18.0.4
ip -n "$NS_CLI" addr add $STALL_IP/24 dev nbc0
hostile -s $STALL_IP $SRV_IP noread /boot/vmlinuz-test 50 >/dev/null &
STALL=$!
# A client behind a path that drops everything the server sends for 35 s
# mid-download (a full switch queue in a storm): TCP retransmits on its
# doubling timer, the next try after the drop gets through at about 51 s,
# past one 30 s round of the send clock. It must be waited for, and the
# download finish intact: checked last, beside the stalled reader.
LOSS_IP=198.18.0.5
ip -n "$NS_CLI" addr add $LOSS_IP/24 dev nbc0
ip netns exec "$NS_CLI" nft -f - <<EOF_NFT || exit 1
table inet lossy {
	chain input {
		type filter hook input priority 0;
	}
}
EOF_NFT
t_cli curl -s --interface $LOSS_IP --limit-rate 2M --max-time 150 \
	-o "$T_DIR/lossy.bin" "$URL/boot/vmlinuz-test" 2>"$T_DIR/lossy.err" &
LOSSY=$!
(sleep 2
 ip netns exec "$NS_CLI" nft add rule inet lossy input \
	ip saddr $SRV_IP ip daddr $LOSS_IP tcp sport 80 counter drop
 sleep 35
 ip netns exec "$NS_CLI" nft list table inet lossy |
	sed -n 's/.*packets \([0-9]*\).*/\1/p' >"$T_DIR/lossy.dropped"
 ip netns exec "$NS_CLI" nft delete table inet lossy) &
LOSSY_NFT=$!
trap 'kill $STALL $LOSSY $LOSSY_NFT 2>/dev/null; t_cleanup' EXIT

# --- the rows ------------------------------------------------------------------

per_ip_hold() {
	local out=$T_DIR/hold.out st
	hostile -s $CLI_IP $SRV_IP hold $((PER_IP + 8)) 6 >"$out" &
	local pid=$!
	wait_line "$out" '^held' 20
	t_check "one address gets $PER_IP connections, the next 8 are refused ($(head -n 1 "$out"))" \
		grep -qx "held $PER_IP" "$out"
	# While it holds its maximum: another address is served, and the time
	# to its first byte is the figure for the report.
	TTFB_HELD=$(t_cli curl -s -o /dev/null --interface $CLI2_IP --max-time 10 \
		-w '%{time_starttransfer}' "$URL/$SERVED")
	t_check "while one host holds its maximum, another address gets its first byte within 10 s (${TTFB_HELD} s)" \
		in_range "${TTFB_HELD:-99}" 0 10
	st=$(t_cli curl -s -o /dev/null --interface $CLI_IP --max-time 10 -w '%{http_code}' "$URL/small.txt")
	t_check "the holder's next connection is refused (got '$st': 503 or closed)" \
		bash -c "[ '$st' = 503 ] || [ '$st' = 000 ]"
	wait $pid
	t_check "the refusals were answered at once ($(tail -n 1 "$out"))" \
		grep -Eq "^connected $((PER_IP + 8)) refused 8 " "$out"
	t_log_has "warn http $CLI_IP over $PER_IP connections from one address: refused with 503" \
		"log: the per-address refusal"
}

per_ip_log_bounded() {
	local before after
	before=$(grep -c 'refused with 503' "$T_LOG")
	hostile -s $CLI_IP $SRV_IP hold $((PER_IP + 300)) 2 >"$T_DIR/flood.out"
	after=$(grep -c 'refused with 503' "$T_LOG")
	t_check "300 refusals in about 2 s make at most 5 log lines ($((after - before)))" \
		[ $((after - before)) -le 5 ]
	t_check "/metrics counts every refusal ($(status_of http_refused_per_ip))" \
		[ "$(status_of http_refused_per_ip)" -ge 308 ]
}

keepalive_cap() {
	local out
	out=$(hostile -s $CLI_IP $SRV_IP keepalive $((REQS + 5)) 0)
	t_check "keep-alive: $REQS answers, the last with Connection: close, then closed ($out)" \
		[ "$out" = "answered $REQS close_at $REQS eof 1" ]
}

keepalive_many() {
	# The attack that held main shut, scaled: every allowed connection
	# sends a tiny request every second. All are answered; the normal
	# client is served meanwhile.
	local out=$T_DIR/ka.out
	hostile -s $CLI_IP $SRV_IP hold $PER_IP 5 1000 >"$out" &
	local pid=$!
	wait_line "$out" '^held' 20
	t_served http "$SERVED" "a normal client is served while $PER_IP connections trickle tiny requests"
	wait $pid
	t_check "the tiny requests were answered ($(tail -n 1 "$out"))" \
		grep -Eq "^connected $PER_IP refused 0 closed [0-9]+ answered [1-9][0-9]*$" "$out"
}

silent_client() {
	local out
	out=$(hostile -s $CLI_IP $SRV_IP silent 30)
	t_check "a client that connects and sends nothing is closed after about ${IDLE} s ($out)" \
		in_range "$(awk '{print $3}' <<<"$out")" $((IDLE - 1)) $((IDLE + 5))
}

idle_after_answer() {
	local t0 t1 out
	t0=$(date +%s%N)
	out=$(raw 'GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\n')
	t1=$(date +%s%N)
	t_check "an idle keep-alive connection is closed after about ${IDLE} s ($(( (t1 - t0) / 1000000 )) ms)" \
		in_range $(( (t1 - t0) / 1000000 )) $(((IDLE - 1) * 1000)) $(((IDLE + 5) * 1000))
	t_check "... after its one answer" [ "$(grep -c '^HTTP/1.1 200 OK' <<<"$out")" = 1 ]
}

slowloris_one() {
	local out
	out=$(hostile -s $CLI_IP $SRV_IP trickle 1000 40)
	t_check "a head trickling a byte a second is cut within ${HEADER_S} s with 408 ($out)" \
		bash -c "grep -q 'status 408' <<<'$out' && in_range() { awk -v v=\"\$1\" -v lo=\"\$2\" -v hi=\"\$3\" 'BEGIN { exit !(v >= lo && v <= hi) }'; } &&
			in_range '$(awk '{print $3}' <<<"$out")' $((HEADER_S - 1)) $((HEADER_S + 5))"
	t_log_has "warn http $CLI_IP:[0-9]+ header timeout: [0-9]+ bytes of a request in $HEADER_S s, closed" \
		"log: header timeout"
}

slowloris_many() {
	local pids=() i n=$((PER_IP < 40 ? PER_IP : 40)) closed=0
	for i in $(seq 1 $n); do
		hostile -s $CLI_IP $SRV_IP trickle 500 40 >"$T_DIR/sl.$i" &
		pids+=($!)
	done
	sleep 1
	t_served http "$SERVED" "a normal client is served while $n heads trickle in"
	wait "${pids[@]}"
	for i in $(seq 1 $n); do grep -q 'status 408' "$T_DIR/sl.$i" && closed=$((closed + 1)); done
	t_check "all $n trickling heads were cut with 408 ($closed)" [ $closed = $n ]
}

# lines_row LINE_LEN TOTAL GAP_MS STATUS VAR WHAT: a head of about TOTAL
# bytes sent one LINE_LEN-byte header line per segment is answered STATUS,
# costing the server under 1 s of CPU (kept in VAR for the report): the
# scan resumes where it stopped, nothing is re-read.
lines_row() {
	local t0 t1 out ms
	t0=$(cpu_ms)
	out=$(hostile -s $CLI_IP $SRV_IP lines "$1" "$2" "$3")
	t1=$(cpu_ms)
	ms=$((t1 - t0))
	printf -v "$5" %s "$ms"
	t_check "$6 ($out)" grep -q "^status $4 " <<<"$out"
	t_check "... costing the server under 1 s of CPU ($ms ms)" [ "$ms" -lt 1000 ]
}

# About 16 KiB of head in 95 lines of 168 bytes (under the 100-line cap).
lines_fitting() {
	lines_row 168 15960 2 200 CPU_LINES_MS "a 16 KiB head sent line by line parses"
}

# The same 16 KiB in 20-byte lines: 431 at the 101st line.
lines_many() {
	lines_row 20 16000 1 431 CPU_SHORT_MS "800 short header lines: 431"
	t_log_has "malformed request \(too many header fields\): 431" "log: too many header fields"
}

fields_cap_curl() {
	local h=() i
	for i in $(seq 1 101); do h+=(-H "X-$i: y"); done
	t_check "101 header fields from curl: 431" [ "$(code "${h[@]}" "$URL/small.txt")" = 431 ]
}

huge_line() {
	local long
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	t_check "a 9000-byte request line: 414" [ "$(code "$URL/$long")" = 414 ]
	t_check "a 20000-byte request line without its end: 414" \
		grep -q '^HTTP/1.1 414 ' <<<"$(raw "GET /$(head -c 20000 /dev/zero | tr '\0' a)")"
}

huge_head() {
	local pad h=() i
	pad=$(head -c 1000 /dev/zero | tr '\0' p)
	for i in $(seq 1 20); do h+=(-H "X-Pad-$i: $pad"); done
	t_check "a 20 KiB head: 431" [ "$(code "${h[@]}" "$URL/small.txt")" = 431 ]
}

pipelined() {
	local req='GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\n' all='' i
	for i in $(seq 1 49); do all=$all$req; done
	all=${all}'GET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
	# At most http-requests of them are answered on one connection.
	local want=$((REQS < 50 ? REQS : 50)) out
	out=$(raw "$all")
	t_check "50 pipelined requests in one write: $want answers, then close" \
		[ "$(grep -c '^HTTP/1.1 200 OK' <<<"$out")" = $want ]
	t_check "... the last says Connection: close" \
		[ "$(grep -E '^Connection: ' <<<"$out" | tail -n 1)" = 'Connection: close' ]
}

smuggle_te_cl() {
	local out
	out=$(raw 'GET /small.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n')
	t_check "Transfer-Encoding with Content-Length: 400 and close, nothing smuggled" \
		bash -c "grep -q '^HTTP/1.1 400 ' <<<'$out' && grep -qx 'Connection: close' <<<'$out' &&
			[ \$(grep -c '^HTTP/1.1' <<<'$out') = 1 ]"
	t_log_lacks "GET /smuggled" "the smuggled request never reached the server's handler"
}

smuggle_two_cl() {
	t_check "two different Content-Length: 400" \
		grep -q '^HTTP/1.1 400 ' <<<"$(raw 'GET /small.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello')"
	t_check "Transfer-Encoding chunked alone: 501" \
		grep -q '^HTTP/1.1 501 ' <<<"$(raw 'GET /small.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')"
}

range_abuse() {
	local many i size
	many=bytes=0-0; for i in $(seq 1 1000); do many=$many,$i-$i; done
	size=$(stat -c %s "$T_ROOT/$SERVED")
	t_check "1001 ranges in one Range (8 KiB): ignored, the whole file, 200 (a long Range is not kept)" \
		[ "$(c -o /dev/null -w '%{http_code} %{size_download}' -H "Range: $many" "$URL/$SERVED")" = "200 $size" ]
	t_check "overlapping ranges 0-,0-,0-: the whole file once, 200" \
		[ "$(c -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=0-,0-,0-' "$URL/$SERVED")" = "200 $size" ]
	t_check "a range past the end: 416" \
		[ "$(code -H 'Range: bytes=99999999999-' "$URL/$SERVED")" = 416 ]
	t_check "a 20-digit range end is clamped: 206 of the last bytes" \
		[ "$(c -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=2097000-99999999999999999999' "$URL/$SERVED")" = "206 152" ]
}

head_method() {
	local out
	out=$(c -I "$URL/$SERVED" | tr -d '\r')
	t_check "HEAD: 200 with the file's length and no body" \
		bash -c "grep -q '^HTTP/1.1 200 ' <<<'$out' && grep -qx 'Content-Length: 2097152' <<<'$out'"
	t_log_has "info http $CLI_IP:[0-9]+ HEAD /$SERVED 200 0 bytes" "log: HEAD sent no body"
}

slow_reader() {
	# Reads 64 KiB a second through a 4 KiB receive buffer for longer than
	# the idle time: the response is in flight, so the idle timer must not
	# cut it.
	local secs=$((IDLE + 5)) out
	out=$(hostile -s $CLI_IP $SRV_IP slowread /boot/vmlinuz-test 65536 $secs)
	t_check "a slow reader is not cut by the idle timer ($out in $secs s)" \
		bash -c "[ \$(awk '{print \$2}' <<<'$out') -gt $((65536 * (IDLE + 1))) ] && grep -q 'eof 0' <<<'$out'"
}

garbage() {
	t_check "binary garbage: 400 and close" \
		grep -q '^HTTP/1.1 400 ' <<<"$(raw '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n')"
	t_check "six empty lines before the request: 400" \
		grep -q '^HTTP/1.1 400 ' <<<"$(raw '\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n')"
	t_check "a bare CR in a header: 400" \
		grep -q '^HTTP/1.1 400 ' <<<"$(raw 'GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n')"
}

protected_file() {
	# content_open() says -EPERM for a client's private file asked for by
	# another address; until content.c does, a missing file is a 404 and
	# this row only checks that nothing else happens.
	local st
	st=$(code "$URL/apkovl/52-54-00-00-00-01.apkovl.tar.gz")
	t_check "someone else's apkovl is not served (got $st: 403 or 404)" \
		bash -c "[ '$st' = 403 ] || [ '$st' = 404 ]"
}

global_cap() {
	# 4100 connections from enough addresses to stay under the per-address
	# cap: the server fills to 4096; the oldest idle connection makes room
	# for each newcomer, so the normal client is served at once.
	local n=$((4100 / PER_IP + 1)) srcs= i a out=$T_DIR/cap.out
	ip -n "$NS_SRV" route add 198.18.1.0/24 dev nbs0
	ip -n "$NS_SRV" route add 198.18.2.0/24 dev nbs0
	for i in $(seq 1 $n); do
		a=198.18.$((1 + (i - 1) / 250)).$((1 + (i - 1) % 250))
		ip -n "$NS_CLI" addr add $a/32 dev nbc0
		srcs=$srcs${srcs:+,}$a
	done
	hostile -s "$srcs" $SRV_IP hold 4100 $((IDLE + 3)) >"$out" &
	local pid=$!
	wait_line "$out" '^held' 60
	t_check "4100 connections from $n addresses: the server is at its cap" \
		bash -c "ip netns exec $NS_SRV curl -s --max-time 5 $URL/metrics | grep -Eq '^netbootd_active_transfers\\{proto=\"http\"\\} 409[0-6]$'"
	sleep 1.2
	TTFB_CAP=$(t_cli curl -s -o /dev/null --interface $CLI2_IP --max-time 10 \
		-w '%{time_starttransfer}' "$URL/$SERVED")
	t_check "at the cap another address gets its first byte within 10 s (${TTFB_CAP} s)" \
		in_range "${TTFB_CAP:-99}" 0 10
	t_log_has "connection cap 4096 reached: closed this connection, idle the longest, for a new one" \
		"log: eviction at the cap"
	wait $pid
	t_check "/metrics counts evictions ($(status_of http_evicted))" [ "$(status_of http_evicted)" -ge 1 ]
}

stalled_reader() {
	# 30 s without progress, then freed; at most 45 s
	t_check "a client that stops reading mid-response is freed (log: stalled)" \
		stalled_logged $STALL_IP 45
	kill $STALL 2>/dev/null; wait $STALL 2>/dev/null
}

lossy_path() {
	local rc=0
	wait $LOSSY_NFT
	wait $LOSSY || rc=$?
	t_check "the path dropped what the server sent for 35 s ($(cat "$T_DIR/lossy.dropped") packets)" \
		[ "$(cat "$T_DIR/lossy.dropped")" -gt 0 ]
	t_check "a download through 35 s of total loss finishes (curl exit $rc)" [ "$rc" = 0 ]
	t_check "... intact (40 MiB, same SHA-256)" \
		[ "$(sha256sum <"$T_DIR/lossy.bin")" = "$(sha256sum <"$T_ROOT/boot/vmlinuz-test")" ]
	t_log_has "$LOSS_IP:[0-9]+ .*GET /boot/vmlinuz-test 200 no progress in 30 s after [0-9]+ bytes: TCP is retransmitting \\(a lossy path\\), waiting up to 120 s" \
		"log: the lossy path is told apart from a client that stopped reading"
	t_log_lacks "$LOSS_IP:[0-9]+ .*stalled" "... and its connection is not closed as stalled"
}

log_bounded() {
	local n
	n=$(wc -l <"$T_LOG")
	t_check "the whole suite left a bounded log ($n lines)" [ "$n" -lt 3000 ]
}

CASES=(
	per_ip_hold per_ip_log_bounded keepalive_cap keepalive_many
	silent_client idle_after_answer slowloris_one slowloris_many
	lines_fitting lines_many fields_cap_curl huge_line huge_head
	pipelined smuggle_te_cl smuggle_two_cl range_abuse head_method
	slow_reader garbage protected_file global_cap stalled_reader lossy_path
	log_bounded
)
for row in "${CASES[@]}"; do
	t_case "$row" "$row"
	t_served http "$SERVED"
done

echo "hostile-http: limits per-ip $PER_IP, requests $REQS, idle ${IDLE} s"
echo "hostile-http: first byte while one host holds its maximum: ${TTFB_HELD:-?} s; at the global cap: ${TTFB_CAP:-?} s"
echo "hostile-http: server CPU for a 16 KiB head line by line: ${CPU_LINES_MS:-?} ms (95 lines), ${CPU_SHORT_MS:-?} ms (800 short lines, 431)"
t_done
