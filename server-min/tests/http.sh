#!/bin/bash
# server-min/tests/http.sh: netbootd's HTTP/1.1 against real clients.
#
# curl for what a client does (downloads checked by SHA-256, HEAD, ranges,
# conditional GET, keep-alive), bash's /dev/tcp for what no well-behaved
# client sends (raw heads, a slow trickle), tests/http_hostile.c for
# thousands of idle connections from many addresses. The attacks of a
# hostile LAN host have their own suite, tests/hostile-http.sh.
# Everything runs in a private namespace pair; see lib.sh. The server's
# timeouts (header 10 s, idle 10 s, stall 30 s) are waited out side by side,
# so the whole test takes about 40 s; no assertion is about time.
. "$(dirname "$0")/lib.sh"

HOSTILE=${HOSTILE:-build/test/http_hostile}
t_init http
[ -x "$HOSTILE" ] || { echo "http: no $HOSTILE (make $HOSTILE)"; exit 1; }
t_netns_pair || exit 1

URL=http://$SRV_IP
BIG=$T_ROOT/boot/vmlinuz-test
mkdir -p "$T_ROOT/boot"
BIG_SHA=$(t_random_file "$BIG" 40)
BIG_SIZE=$((40 * 1024 * 1024))
printf 'hello, netboot\n' >"$T_ROOT/small.txt"
# Outside the root: every traversal below aims at this file.
SECRET_MARK="secret-$$-not-for-clients"
echo "$SECRET_MARK" >"$T_DIR/secret"
ln -s ../secret "$T_ROOT/link-out"        # a symlink inside the root, pointing out
ln -s / "$T_ROOT/slash"                   # a directory symlink to /
ln -s small.txt "$T_ROOT/link-in"         # a symlink that stays inside: allowed

t_start_netbootd --root "$T_ROOT" --no-dhcp --no-tftp || exit 1

. "$(dirname "$0")/http_lib.sh"
# hdrs CURL-ARGS...: the answer's head, without CRs.
hdrs() { c -D - -o /dev/null "$@" | tr -d '\r'; }

# --- downloads ---------------------------------------------------------------
c -o "$T_DIR/got" "$URL/boot/vmlinuz-test"
t_check "GET 40 MiB: SHA-256 matches" [ "$(t_sha "$T_DIR/got")" = "$BIG_SHA" ]
t_log_has "info http $CLI_IP:[0-9]+ GET /boot/vmlinuz-test 200 $BIG_SIZE bytes in [0-9.]+ s \([0-9.]+ MB/s\)" \
	"log: one line for the 40 MiB GET with bytes, seconds, rate"
rm -f "$T_DIR/got"

# busybox wget is what Alpine's initramfs and OpenRC fetch modloop and
# apkovl with.
t_cli busybox wget -q -O "$T_DIR/got" "$URL/boot/vmlinuz-test"
t_check "busybox wget 40 MiB: SHA-256 matches" [ "$(t_sha "$T_DIR/got")" = "$BIG_SHA" ]
rm -f "$T_DIR/got"
t_check "busybox wget of a missing file fails" \
	bash -c "! ip netns exec '$NS_CLI' busybox wget -q -O /dev/null '$URL/boot/nothing' 2>/dev/null"
t_log_has "info http $CLI_IP:[0-9]+ GET /boot/nothing 404" "log: the 404"

c -o "$T_DIR/link" "$URL/link-in"
t_check "a symlink inside the root is served" cmp -s "$T_DIR/link" "$T_ROOT/small.txt"

# Rendered per client by content_open (embed/), and the distribution's iPXE.
IPXE=$(c -D "$T_DIR/ipxe.head" "$URL/boot.ipxe?mac=52-54-00-12-34-56")
t_check "boot.ipxe is rendered: an iPXE script" [ "$(head -n 1 <<<"$IPXE")" = '#!ipxe' ]
t_check "boot.ipxe carries the client's MAC" grep -q 'BOOTIF=01-52-54-00-12-34-56' <<<"$IPXE"
t_check "a rendered document has no Last-Modified" \
	bash -c "! grep -qi '^Last-Modified' '$T_DIR/ipxe.head'"
t_log_has "info http $CLI_IP:[0-9]+ GET /boot.ipxe\?mac=52-54-00-12-34-56 200 [1-9][0-9]* bytes" \
	"log: the rendered script with its query"
if [ -f /usr/lib/ipxe/undionly.kpxe ]; then
	c -o "$T_DIR/undi" "$URL/undionly.kpxe"
	t_check "undionly.kpxe from the distribution when the root has none" \
		cmp -s "$T_DIR/undi" /usr/lib/ipxe/undionly.kpxe
fi

# Many clients at once: 200 parallel downloads, each intact, 100 from each
# of two addresses (one address may hold 128 connections).
head -c $((1024 * 1024)) "$BIG" >"$T_ROOT/one-mib"
ONE_SHA=$(t_sha "$T_ROOT/one-mib")
mkdir -p "$T_DIR/par"
PAR1=(); PAR2=()
for i in $(seq 1 100); do
	PAR1+=(-o "$T_DIR/par/$i" "$URL/one-mib")
	PAR2+=(-o "$T_DIR/par/$((i + 100))" "$URL/one-mib")
done
c -Z --parallel-max 100 --interface $CLI_IP "${PAR1[@]}" 2>/dev/null &
c -Z --parallel-max 100 --interface $CLI2_IP "${PAR2[@]}" 2>/dev/null
wait $!
good=0; for i in $(seq 1 200); do
	[ -f "$T_DIR/par/$i" ] && [ "$(t_sha "$T_DIR/par/$i")" = "$ONE_SHA" ] && good=$((good + 1))
done
t_check "200 parallel downloads, all intact ($good of 200)" [ "$good" = 200 ]
rm -rf "$T_DIR/par"

# --- HEAD, Last-Modified, conditional GET --------------------------------------
HEAD_OUT=$(c -I "$URL/boot/vmlinuz-test" | tr -d '\r')
LM=$(TZ=UTC LC_ALL=C date -r "$BIG" '+%a, %d %b %Y %H:%M:%S GMT')
t_check "HEAD: 200" grep -q '^HTTP/1.1 200 OK$' <<<"$HEAD_OUT"
t_check "HEAD: Content-Length of the file" grep -qx "Content-Length: $BIG_SIZE" <<<"$HEAD_OUT"
t_check "HEAD: Last-Modified is the file's mtime" grep -qx "Last-Modified: $LM" <<<"$HEAD_OUT"
t_check "HEAD: Accept-Ranges" grep -qx 'Accept-Ranges: bytes' <<<"$HEAD_OUT"
t_log_has "info http $CLI_IP:[0-9]+ HEAD /boot/vmlinuz-test 200 0 bytes" "log: HEAD sends no body"
t_check "If-Modified-Since the mtime: 304" \
	[ "$(code -H "If-Modified-Since: $LM" "$URL/boot/vmlinuz-test")" = 304 ]
t_check "If-Modified-Since long ago: 200" \
	[ "$(code -H 'If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT' "$URL/small.txt")" = 200 ]

# --- ranges (RFC 9110 sec. 14) ------------------------------------------------
range_is() {   # range_is CURL-RANGE EXPECTED-FILE-SLICE-COMMAND...
	local r=$1; shift
	c -r "$r" -o "$T_DIR/part" "$URL/boot/vmlinuz-test" &&
		cmp -s "$T_DIR/part" <("$@")
}
t_check "Range 0-99: first 100 bytes" range_is 0-99 head -c 100 "$BIG"
t_check "Range 1000-1999: the middle" range_is 1000-1999 \
	bash -c "tail -c +1001 '$BIG' | head -c 1000"
t_check "Range 41943000-: the last 40 bytes" range_is 41943000- tail -c 40 "$BIG"
t_check "Range -500: the last 500 bytes" range_is -500 tail -c 500 "$BIG"
PART=$(hdrs -r 10-19 "$URL/boot/vmlinuz-test")
t_check "206 with Content-Range" grep -qx "Content-Range: bytes 10-19/$BIG_SIZE" <<<"$PART"
t_check "206 status line" grep -q '^HTTP/1.1 206 Partial Content$' <<<"$PART"
t_log_has "GET /boot/vmlinuz-test 206 10 bytes" "log: a range counts its bytes"
R416=$(hdrs -r 50000000- "$URL/boot/vmlinuz-test")
t_check "Range past the end: 416" grep -q '^HTTP/1.1 416 ' <<<"$R416"
t_check "416 says the size" grep -qx "Content-Range: bytes \*/$BIG_SIZE" <<<"$R416"
t_check "Range with If-Range of another date: whole file, 200" \
	[ "$(code -r 0-1 -H 'If-Range: Sun, 06 Nov 1994 08:49:37 GMT' "$URL/small.txt")" = 200 ]
t_check "Range with If-Range of the mtime: 206" \
	[ "$(code -r 0-1 -H "If-Range: $LM" "$URL/boot/vmlinuz-test")" = 206 ]

# --- keep-alive ---------------------------------------------------------------
KA=$(c -v -o /dev/null -o /dev/null "$URL/small.txt" "$URL/boot/vmlinuz-test" 2>&1)
t_check "keep-alive: curl re-uses the connection for a second URL" \
	grep -q 'Re-using existing connection' <<<"$KA"
PORTS=$(grep -E "http $CLI_IP:[0-9]+ GET /(small.txt|boot/vmlinuz-test) 200" "$T_LOG" |
	tail -n 2 | awk '{print $4}' | sort -u | wc -l)
t_check "keep-alive: both requests came from one client port" [ "$PORTS" = 1 ]
PIPE=$(raw 'GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
t_check "pipelined: two answers on one connection, then close" \
	[ "$(grep -c '^HTTP/1.1 200 OK' <<<"$PIPE")" = 2 ]
H10=$(hdrs --http1.0 "$URL/small.txt")
t_check "HTTP/1.0 without keep-alive: Connection: close" grep -qx 'Connection: close' <<<"$H10"

# --- methods --------------------------------------------------------------------
POST=$(hdrs -X POST "$URL/small.txt")
t_check "POST: 405" grep -q '^HTTP/1.1 405 ' <<<"$POST"
t_check "405 carries Allow: GET, HEAD" grep -qx 'Allow: GET, HEAD' <<<"$POST"
t_check "DELETE: 405" [ "$(code -X DELETE "$URL/small.txt")" = 405 ]
t_check "unknown method BREW: 501" [ "$(code -X BREW "$URL/small.txt")" = 501 ]
t_log_has "info http $CLI_IP:[0-9]+ BREW /small.txt 501" "log: the 501 names the method"

# --- bounds and framing -------------------------------------------------------
LONG=$(head -c 9000 /dev/zero | tr '\0' a)
t_check "request line over 8 KiB: 414" [ "$(code "$URL/$LONG")" = 414 ]
PAD=$(head -c 1000 /dev/zero | tr '\0' p)
HDRS=(); for i in $(seq 1 20); do HDRS+=(-H "X-Pad-$i: $PAD"); done
t_check "headers over 16 KiB: 431" [ "$(code "${HDRS[@]}" "$URL/small.txt")" = 431 ]
TECL=$(raw 'GET /small.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello')
t_check "Transfer-Encoding with Content-Length: 400" grep -q '^HTTP/1.1 400 ' <<<"$TECL"
t_check "... and the connection is closed" grep -q '^Connection: close' <<<"$TECL"
t_log_has "warn http $CLI_IP:[0-9]+ malformed request \(Transfer-Encoding with Content-Length\): 400" \
	"log: the malformed request and its defect"
t_check "HTTP/1.1 without Host: 400" grep -q '^HTTP/1.1 400 ' <<<"$(raw 'GET / HTTP/1.1\r\n\r\n')"
t_check "HTTP/2.0 request line: 505" grep -q '^HTTP/1.1 505 ' <<<"$(raw 'GET / HTTP/2.0\r\n\r\n')"
t_check "%00 in the path: 400" grep -q '^HTTP/1.1 400 ' <<<"$(raw 'GET /small.txt%00.png HTTP/1.1\r\nHost: a\r\n\r\n')"

# --- traversal: refused, and never the secret ------------------------------------
refused() {   # refused PATH: 403 or 404, and the answer lacks the secret
	local out st
	out=$(c --path-as-is -w '\n%{http_code}' "$URL$1")
	st=${out##*$'\n'}
	[[ $st == 403 || $st == 404 ]] && ! grep -q "$SECRET_MARK" <<<"$out" &&
		! grep -q '^root:' <<<"$out"
}
for p in '/../secret' '/%2e%2e/secret' '/..%2fsecret' '/%2e%2e%5csecret' \
	 '/boot/../../secret' '/..\secret' '/etc/passwd' '/link-out' \
	 '/slash/etc/passwd' '//etc/passwd'; do
	t_check "traversal refused: $p" refused "$p"
done
t_check "traversal with .. is 403" [ "$(code --path-as-is "$URL/../secret")" = 403 ]
t_check "a symlink out of the root is 403" [ "$(code "$URL/link-out")" = 403 ]
t_log_has "info http $CLI_IP:[0-9]+ GET /../secret 403" "log: the refusal"

# --- /metrics (its own test: tests/status.sh) ---------------------------------------
t_check "/metrics counts requests" [ "$(metric 'netbootd_requests_total{proto="http"}')" -ge 1 ]
t_check "/metrics counts malformed requests" \
	[ "$(metric 'netbootd_errors_total{kind="http_malformed"}')" -ge 5 ]
t_check "/metrics has the tftp counters too" [ -n "$(metric 'netbootd_requests_total{proto="tftp"}')" ]
t_check "/status is refused to a host on the LAN (403)" [ "$(code "$URL/status")" = 403 ]

# --- clients that stop: idle keep-alive (10 s), a body nobody reads (30 s) ---
# Started first, checked after the slow client below, so the waits overlap.
# An idle connection after one answer: the server closes it, cat sees EOF.
ip netns exec "$NS_CLI" timeout 40 bash -c 'exec 3<>/dev/tcp/'$SRV_IP'/80 || exit 1
	printf "GET /small.txt HTTP/1.1\r\nHost: idle\r\n\r\n" >&3
	exec cat <&3 >'"$T_DIR/idle.out" &
IDLE=$!
# A 40 MiB request whose answer is never read.
ip netns exec "$NS_CLI" timeout 60 bash -c 'exec 3<>/dev/tcp/'$SRV_IP'/80 || exit 1
	printf "GET /boot/vmlinuz-test HTTP/1.1\r\nHost: stall\r\n\r\n" >&3
	exec sleep 55' &
STALL=$!
trap 'kill $IDLE $STALL 2>/dev/null; t_cleanup' EXIT

# --- a slow client is cut, and delays nobody --------------------------------------------
# Half a head, then one more header byte a second: the header clock is not
# reset by the trickle. Meanwhile a 40 MiB download must finish; the log
# order shows it did while the slow client was still connected.
t_cli timeout 30 bash -c 'exec 3<>/dev/tcp/'$SRV_IP'/80 || exit 1
	printf "GET /small.txt HTTP/1.1\r\nHost: slow\r\nX-Slow: " >&3
	for i in $(seq 1 25); do printf a >&3 2>/dev/null || break; sleep 1; done &
	cat <&3 >'"$T_DIR/slow.out"'; kill $! 2>/dev/null' &
SLOW=$!
held=   # until the server holds the slow connection (and the asking one)
for i in $(seq 1 50); do
	[ "$(metric 'netbootd_active_transfers{proto="http"}')" -ge 2 ] 2>/dev/null &&
		{ held=1; break; }
	sleep 0.1
done
t_check "the slow client is connected" [ -n "$held" ]
c -o "$T_DIR/got2" "$URL/boot/vmlinuz-test"
t_check "a download during the slow client: SHA-256 matches" [ "$(t_sha "$T_DIR/got2")" = "$BIG_SHA" ]
wait $SLOW
t_check "the slow client got 408" grep -q '^HTTP/1.1 408 ' "$T_DIR/slow.out"
t_log_has "warn http $CLI_IP:[0-9]+ header timeout: [0-9]+ bytes of a request in 10 s, closed" \
	"log: header timeout"
DL_LINE=$(grep -n "GET /boot/vmlinuz-test 200 $BIG_SIZE" "$T_LOG" | tail -n 1 | cut -d: -f1)
TO_LINE=$(grep -n 'header timeout' "$T_LOG" | tail -n 1 | cut -d: -f1)
t_check "the download finished before the slow client was cut" [ "${DL_LINE:-0}" -lt "${TO_LINE:-0}" ]

wait $IDLE
t_check "an idle keep-alive connection is closed by the server" [ $? -eq 0 ]
t_check "... after its one answer" [ "$(grep -c '^HTTP/1.1 200 OK' "$T_DIR/idle.out")" = 1 ]
# 30 s without progress, then closed; at most 45 s
t_check "a client that does not read its body is dropped (log: stalled)" stalled_logged $CLI_IP 45
STALL_BYTES=$(grep -Eo 'stalled: no progress in 30 s after [0-9]+' "$T_LOG" | grep -Eo '[0-9]+$' | tail -n 1)
t_check "... having sent only part of it ($STALL_BYTES bytes)" [ "${STALL_BYTES:-$BIG_SIZE}" -lt "$BIG_SIZE" ]
kill $STALL 2>/dev/null; wait $STALL 2>/dev/null

# --- the connection cap --------------------------------------------------------------
# 4096 idle connections from 33 addresses (under the 128 per address) fill
# netbootd. The next client is not refused (a 503 fails a boot) and does not
# wait for the idle ones to time out: the connection that has waited
# longest for a request is closed to make room, and the newcomer is served.
HOLD_SRCS=
for i in $(seq 10 42); do
	ip -n "$NS_CLI" addr add 198.18.0.$i/24 dev nbc0
	HOLD_SRCS=$HOLD_SRCS${HOLD_SRCS:+,}198.18.0.$i
done
t_cli prlimit --nofile=10000 "$HOSTILE" -s "$HOLD_SRCS" $SRV_IP hold 4096 15 \
	>"$T_DIR/cap.hold" 2>&1 &
CAP_HOLD=$!
for i in $(seq 1 300); do grep -q '^held' "$T_DIR/cap.hold" && break; sleep 0.1; done
full=
for i in $(seq 1 100); do   # until the server holds them all
	# 4096 less those closed to make room for these /status requests
	[ "$(metric 'netbootd_active_transfers{proto="http"}')" -ge 4090 ] 2>/dev/null && { full=1; break; }
	sleep 0.1
done
t_check "4096 connections from 33 addresses fill the server" [ -n "$full" ]
sleep 1.2   # the held ones have now waited longer than a newcomer is protected
t_check "connection 4097 is served at the cap: 200" [ "$(code --max-time 10 "$URL/small.txt")" = 200 ]
t_log_has "warn http [0-9.:]+ connection cap 4096 reached: closed this connection, idle the longest, for a new one" \
	"log: the longest-idle connection made room"
wait $CAP_HOLD
t_check "the holder saw its oldest connections closed, none refused ($(tail -n 1 "$T_DIR/cap.hold"))" \
	grep -Eq '^connected 4096 refused 0 closed [1-9]' "$T_DIR/cap.hold"

# --- out of descriptors ----------------------------------------------------------------
# A second netbootd limited to 40 descriptors: when accept fails with
# EMFILE it stops listening for a moment instead of spinning on the queued
# connection, and serves again once descriptors are free.
LOG2=$T_DIR/netbootd-fd.log
# Not through t_srv: a function in the background is a subshell, and $!
# must be netbootd itself (ip netns exec and prlimit exec it in place).
ip netns exec "$NS_SRV" prlimit --nofile=40 "$NETBOOTD" --interface nbs0 \
	--root "$T_ROOT" --no-dhcp --no-tftp --http-port 8080 2>"$LOG2" &
FD_PID=$!
trap 'kill -KILL $FD_PID 2>/dev/null; t_cleanup' EXIT
for i in $(seq 1 100); do grep -q 'main - ready' "$LOG2" && break; sleep 0.1; done
t_cli timeout 30 bash -c '
	for i in $(seq 1 60); do exec {fd}<>/dev/tcp/'$SRV_IP'/8080 || exit 1; done
	sleep 1
' 2>/dev/null
t_check "EMFILE: accept pauses and says so" grep -q 'warn http - accept: Too many open files; pausing 500 ms' "$LOG2"
ok=
for i in $(seq 1 50); do
	[ "$(code --max-time 2 "http://$SRV_IP:8080/small.txt")" = 200 ] && { ok=1; break; }
	sleep 0.2
done
t_check "EMFILE: served again once descriptors are free" [ -n "$ok" ]
kill -TERM $FD_PID
fd_rc=124
for i in $(seq 1 50); do
	kill -0 $FD_PID 2>/dev/null || { wait $FD_PID; fd_rc=$?; break; }
	sleep 0.1
done
t_check "the descriptor-limited netbootd exits 0 on SIGTERM" [ "$fd_rc" = 0 ]

t_done
