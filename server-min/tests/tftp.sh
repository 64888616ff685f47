#!/usr/bin/env bash
# server-min/tests/tftp.sh: netbootd's TFTP server against real clients.
#
# In a private namespace pair (lib.sh): a 40 MiB random file comes down
# intact (SHA-256) through curl at blksize 512, 1432 and 1468, tftp-hpa's
# tftp (plain RFC 1350, 512) and atftp (blksize 1468, windowsize 16, tsize);
# netascii through tftp-hpa; traversal attempts and a symlink out of the root
# never yield the outside file; a write request creates nothing; unknown
# files get ERROR 1. tftp_probe, our misbehaving client, checks what real
# clients never do: duplicate ACKs, a stranger's port, silence, an ACK in
# mid-window, malformed requests. Throughput is printed per client, blksize
# and windowsize (measured by the server, under whatever build NETBOOTD is).
#
# Usage: NETBOOTD=build/san/netbootd PROBE=build/test/tftp_probe tftp.sh
. "$(dirname "$0")/lib.sh"

PROBE=${PROBE:-build/test/tftp_probe}
BIG_MIB=40
BIG_BYTES=$((BIG_MIB * 1024 * 1024))

t_init tftp
[ -x "$PROBE" ] || { echo "tftp: no probe at $PROBE"; exit 1; }
for c in curl tftp atftp; do
	command -v $c >/dev/null || { echo "tftp: $c missing (make deps)"; exit 1; }
done
PROBE=$(realpath "$PROBE")
t_netns_pair

# --- the root --------------------------------------------------------------
BIG_SHA=$(t_random_file "$T_ROOT/big" $BIG_MIB)
# one name per transfer, so each log line can be told apart
for n in curl-512 curl-1432 curl-1468 curl-65464 hpa-512 atftp-1468 atftp-1468-w16 atftp-512-w16 lo-w64 lo-curl; do
	ln "$T_ROOT/big" "$T_ROOT/big-$n"
done
head -c 1300 /dev/urandom >"$T_ROOT/small"            # 3 blocks of 512
for n in sas wrongport silent oack oneshot ghost flood; do cp "$T_ROOT/small" "$T_ROOT/small-$n"; done
head -c 4000 /dev/urandom >"$T_ROOT/eight"            # 8 blocks of 512
printf 'line one\nline two\r\nbare cr\r end\n\n' >"$T_ROOT/text.txt"
head -c $((1024 * 1024)) /dev/urandom >"$T_ROOT/mid"
MID_SHA=$(t_sha "$T_ROOT/mid")
mkdir -p "$T_ROOT/boot"
# outside the root: what traversal would reach
echo OUTSIDE-SECRET >"$T_DIR/x"
ln -s "$T_DIR/x" "$T_ROOT/escape"
ln -s ../x "$T_ROOT/escape-rel"
OUT=$T_DIR/out
mkdir -p "$OUT"

# The global cap is 2048 transfers, less when descriptors are few (8 per
# transfer of RLIMIT_NOFILE): a hard limit of 4096 makes it the 512 the cap
# case below fills with 520 requests.
ulimit -n 4096
t_start_netbootd --root "$T_ROOT" --no-dhcp --no-http --log-level debug || exit 1

RATES=()
# rate NAME CLIENT: the server's MB/s for transfer of NAME, into RATES
rate() {
	local name=$1 what=$2 line
	line=$(grep -E "tftp [0-9.:]+ sent $name [0-9]+ bytes" "$T_LOG" | tail -n1)
	RATES+=("$(printf '%-44s %s' "$what" "$(sed -E 's/.* in ([0-9.]+ s) \(([0-9.]+ MB\/s)\).*/\2  (\1)/' <<<"$line")")")
}

big_ok() {   # big_ok FILE desc
	local got
	got=$(t_sha "$1" 2>/dev/null)
	t_check "$2: 40 MiB intact (sha256)" [ "$got" = "$BIG_SHA" ]
}

# A client that asks once and never answers (what a forged source address
# looks like): its slot is freed after 7 rounds of 1 s; asserted at the end.
probe() { t_cli "$PROBE" $SRV_IP 69 "$@"; }
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
got=$(probe raw "0001$(hex small-ghost)00$(hex octet)00" 2>&1)
t_check "RRQ as raw bytes: DATA 1 ($got)" grep -q '^reply DATA 1 len=512$' <<<"$got"

# --- 40 MiB through each client --------------------------------------------
# curl at 512: 81920 blocks, so the block number wraps past 65535 to 0.
for bs in 512 1432 1468; do
	t_cli curl -sS --max-time 120 --tftp-blksize $bs -o "$OUT/c$bs" "tftp://$SRV_IP/big-curl-$bs"
	big_ok "$OUT/c$bs" "curl --tftp-blksize $bs"
	t_log_has "sent big-curl-$bs $BIG_BYTES bytes in .* blksize=$bs windowsize=1 mode=octet" \
		"log: curl blksize $bs transfer line"
	rate "big-curl-$bs" "curl blksize=$bs"
done
# more than the veth's MTU allows: answered with 1468, never fragmented
t_cli curl -sS --max-time 120 --tftp-blksize 65464 -o "$OUT/c65464" "tftp://$SRV_IP/big-curl-65464"
big_ok "$OUT/c65464" "curl --tftp-blksize 65464"
t_log_has "sent big-curl-65464 $BIG_BYTES bytes .* blksize=1468 windowsize=1" \
	"blksize 65464 clamped to the path MTU (1500 - 32 = 1468)"
rate "big-curl-65464" "curl blksize=65464 (granted 1468)"

# tftp-hpa: no options at all, plain RFC 1350
t_cli timeout 180 tftp -v -m binary $SRV_IP -c get big-hpa-512 "$OUT/h512" >"$OUT/hpa.txt" 2>&1
big_ok "$OUT/h512" "tftp-hpa -m binary"
t_log_has "sent big-hpa-512 $BIG_BYTES bytes .* blksize=512 windowsize=1 mode=octet" \
	"log: tftp-hpa transfer line"
rate "big-hpa-512" "tftp-hpa (no options, 512)"

t_cli timeout 180 atftp --option "blksize 1468" --option "tsize" \
	-g -r big-atftp-1468 -l "$OUT/a1468" $SRV_IP >/dev/null 2>&1
big_ok "$OUT/a1468" "atftp blksize 1468 tsize"
rate "big-atftp-1468" "atftp blksize=1468"
t_cli timeout 180 atftp --option "blksize 1468" --option "windowsize 16" --option "tsize" \
	-g -r big-atftp-1468-w16 -l "$OUT/a1468w16" $SRV_IP >"$OUT/atftp.txt" 2>&1
big_ok "$OUT/a1468w16" "atftp blksize 1468 windowsize 16 tsize"
t_log_has "sent big-atftp-1468-w16 $BIG_BYTES bytes .* blksize=1468 windowsize=16 mode=octet" \
	"log: atftp windowsize 16 transfer line"
rate "big-atftp-1468-w16" "atftp blksize=1468 windowsize=16"

# 81920 blocks of 512 in windows of 16: the wrap past 65535 inside a window
t_cli timeout 180 atftp --option "blksize 512" --option "windowsize 16" \
	-g -r big-atftp-512-w16 -l "$OUT/a512w16" $SRV_IP >/dev/null 2>&1
big_ok "$OUT/a512w16" "atftp blksize 512 windowsize 16 (block numbers wrap)"
t_log_has "sent big-atftp-512-w16 $BIG_BYTES bytes .* blksize=512 windowsize=16" \
	"log: atftp blksize 512 windowsize 16 transfer line"
rate "big-atftp-512-w16" "atftp blksize=512 windowsize=16"

# Over loopback (client in the server's namespace, MTU 65536) blksize 65464
# fits; a window of them is cut to 128 KiB in flight (2 blocks) so it fits
# the client's socket buffer.
t_srv timeout 120 atftp --option "blksize 65464" --option "windowsize 64" \
	-g -r big-lo-w64 -l "$OUT/lo-w64" $SRV_IP >/dev/null 2>&1
big_ok "$OUT/lo-w64" "loopback atftp blksize 65464 windowsize 64"
t_log_has "sent big-lo-w64 $BIG_BYTES bytes .* blksize=65464 windowsize=2 mode=octet" \
	"windowsize 64 at blksize 65464 granted as 2 (128 KiB in flight)"
rate "big-lo-w64" "atftp loopback blksize=65464 windowsize=2"
t_srv curl -sS --max-time 120 --tftp-blksize 65464 -o "$OUT/lo-c" "tftp://$SRV_IP/big-lo-curl"
big_ok "$OUT/lo-c" "loopback curl --tftp-blksize 65464"
t_log_has "sent big-lo-curl $BIG_BYTES bytes .* blksize=65464 windowsize=1" \
	"loopback: blksize 65464 granted in full"
rate "big-lo-curl" "curl loopback blksize=65464"

# --- many at once: one slow loop must not serialise them --------------------
pids=()
for i in $(seq 1 40); do
	t_cli curl -sS --max-time 120 --tftp-blksize 1468 -o "$OUT/par$i" "tftp://$SRV_IP/mid" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
bad=0
for i in $(seq 1 40); do [ "$(t_sha "$OUT/par$i")" = "$MID_SHA" ] || bad=$((bad + 1)); done
t_check "40 parallel curl transfers of 1 MiB all intact ($bad bad)" [ $bad -eq 0 ]

# --- netascii ---------------------------------------------------------------
# tftp-hpa's default mode is netascii; it turns CR LF back into LF and
# CR NUL into CR, so the round trip gives the file back byte for byte.
t_cli timeout 30 tftp $SRV_IP -c get text.txt "$OUT/text.txt" >/dev/null 2>&1
t_check "netascii round trip through tftp-hpa" cmp -s "$OUT/text.txt" "$T_ROOT/text.txt"
# on the wire every LF and every CR gains a byte
wire=$(( $(wc -c <"$T_ROOT/text.txt") + $(tr -cd '\n\r' <"$T_ROOT/text.txt" | wc -c) ))
t_log_has "sent text.txt $wire bytes .* mode=netascii" "log: netascii line counts wire bytes ($wire)"

# --- what content_open serves besides files: dist iPXE, rendered scripts ---
t_cli curl -sS --max-time 30 -o "$OUT/undionly.kpxe" "tftp://$SRV_IP/undionly.kpxe"
t_check "undionly.kpxe (not under the root) is the distribution's copy" \
	cmp -s "$OUT/undionly.kpxe" /usr/lib/ipxe/undionly.kpxe
t_log_has "sent undionly.kpxe $(stat -c %s /usr/lib/ipxe/undionly.kpxe) bytes" "log: undionly.kpxe line"
# curl drops a URL's query; tftp-hpa sends the name as given
t_cli timeout 30 tftp -m binary $SRV_IP -c get 'boot.ipxe?mac=52-54-00-00-00-01' "$OUT/b.ipxe" >/dev/null 2>&1
t_check "boot.ipxe?mac=... over TFTP: an iPXE script" grep -q '^#!ipxe' "$OUT/b.ipxe"
t_check "...rendered for the MAC in the query" grep -qi '52:54:00:00:00:01' "$OUT/b.ipxe"
t_cli timeout 30 tftp $SRV_IP -c get 'boot.ipxe?mac=52-54-00-00-00-01' "$OUT/b-ascii.ipxe" >/dev/null 2>&1
t_check "rendered script in netascii mode: same text after the round trip" \
	cmp -s "$OUT/b.ipxe" "$OUT/b-ascii.ipxe"

# --- options: OACK only for what was asked ----------------------------------
probe_is() {   # probe_is "desc" 'expected ERE' probe-args...
	local what=$1 re=$2 got; shift 2
	got=$(probe "$@" 2>&1)
	if grep -Eq -- "$re" <<<"$got"; then t_ok "$what"; else t_fail "$what (got: $got)"; fi
}
probe_is "no options: DATA 1 at once, no OACK" '^reply DATA 1 len=512$' oack small-oack
probe_is "unknown option only: no OACK" '^reply DATA 1 len=512$' oack small-oack foo bar
probe_is "blksize asked: OACK with blksize only" '^reply OACK blksize 1024 $' oack small-oack blksize 1024
probe_is "tsize asked: OACK with the file size" '^reply OACK tsize 1300 $' oack small-oack tsize 0
probe_is "blksize above the path MTU: OACK 1468" '^reply OACK blksize 1468 $' oack small-oack blksize 65464
probe_is "blksize 7 (below RFC 2348's 8): ignored" '^reply DATA 1 len=512$' oack small-oack blksize 7
probe_is "timeout echoed" '^reply OACK timeout 7 $' oack small-oack timeout 7
probe_is "timeout 0 (outside 1..255): ignored" '^reply DATA 1 len=512$' oack small-oack timeout 0
probe_is "windowsize 1000 granted as 64" '^reply OACK windowsize 64 $' oack small-oack windowsize 1000
probe_is "all four in the RFC order" '^reply OACK blksize 1432 timeout 3 tsize 1300 windowsize 8 $' \
	oack small-oack tsize 0 windowsize 8 timeout 3 blksize 1432

# --- the protocol's hard cases ----------------------------------------------
# One resend per duplicate would be dups + 1 copies of DATA 2; the timer
# (20 ms doubling) and the once-per-RTO gate give a handful in 1.5 s.
got=$(probe sas small-sas 2>&1)
n=$(sed -n 's/^sas data2 count=\([0-9]*\) dups=100$/\1/p' <<<"$got")
t_check "100 duplicate ACK 1 in a burst: ${n:-no} copies of DATA 2, at least 1, at most 25 (Sorcerer's Apprentice)" \
	test -n "$n" -a "${n:-0}" -ge 1 -a "${n:-99}" -le 25
t_check "that transfer still completes (1300 bytes)" grep -q '^sas done bytes=1300$' <<<"$got"
t_log_has "sent small-sas 1300 bytes" "log: sas transfer done"

got=$(probe wrongport small-wrongport 2>&1)
t_check "packet from a wrong port gets ERROR 5" \
	grep -q '^stranger ERROR 5 Unknown transfer ID$' <<<"$got"
t_check "the transfer goes on (1300 bytes)" grep -q '^wrongport done bytes=1300$' <<<"$got"

got=$(probe window eight 2>&1)
t_check "windowsize 4 acknowledged" grep -q '^window OACK timeout 10 windowsize 4 $' <<<"$got"
t_check "first window is blocks 1-4" grep -q '^window first 1 2 3 4$' <<<"$got"
t_check "nothing beyond the window before its ACK" grep -q '^window extra none$' <<<"$got"
t_check "ACK 2 in mid-window: next window is 3-6 (RFC 7440)" \
	grep -q '^window after-ack2 3 4 5 6$' <<<"$got"
t_log_has "aborted eight after 1024 bytes .*client sent ERROR 0 \(probe done\)" \
	"log: client abort line with bytes acknowledged"

# timeout 1 asked: resends from 20 ms doubling to the 1 s ceiling, given up
# after 6 s without progress (6 rounds of the client's timeout, as before)
got=$(probe silent small-silent 2>&1)
n=$(sed -n 's/^silent data1 count=\([0-9]*\)$/\1/p' <<<"$got")
t_check "silent client: DATA 1 resent with backoff, a bounded number of times (${n:-no} copies, 3..20)" \
	test -n "$n" -a "${n:-0}" -ge 3 -a "${n:-99}" -le 20
t_log_has "failed small-silent after 0 bytes .*timeout after [0-9]+ retries, 6.0 s without progress" \
	"log: gave up after the client's 6 rounds without progress"

got=$(probe oneshot small-oneshot 2>&1)
t_check "client that never answered: one DATA 1 per RRQ, no timer resend" \
	grep -q '^oneshot data1 count=1$' <<<"$got"
t_check "its RRQ repeated after 4 s (slot freed at 3 s) gets DATA 1 again" \
	grep -q '^oneshot again DATA 1 len=512$' <<<"$got"

# --- refusals ---------------------------------------------------------------
t_cli timeout 10 tftp -m binary $SRV_IP -c get nothere "$OUT/nothere" >"$OUT/nf.txt" 2>&1
t_check "unknown file: tftp-hpa reports ERROR 1" grep -q 'Error code 1: File not found' "$OUT/nf.txt"
t_log_has "refused nothere: not found \(ERROR 1\)" "log: not found line"
t_cli curl -sS --max-time 10 -o "$OUT/nf-curl" "tftp://$SRV_IP/nothere" 2>/dev/null
t_check "unknown file: curl fails (exit 68, TFTP not found)" [ $? -eq 68 ]

probe_is "a directory is refused (ERROR 2)" '^reply ERROR 2 ' oack boot
probe_is "unknown mode (mail) gets ERROR 4" '^reply ERROR 4 ' raw 0001626967006d61696c00
probe_is "malformed request (no mode) is dropped: no answer" '^reply none$' raw 0001626967
probe_is "DATA sent to port 69 is dropped: no answer" '^reply none$' raw 00030001414141
probe_is "one byte is dropped: no answer" '^reply none$' raw 00
t_log_has "dropped malformed request of 5 bytes" "log: malformed request counted and dropped"

# traversal: none of these may ever return the outside file
for name in '../x' '/../x' '..\x' '%2e%2e/x' '/etc/passwd' 'escape' 'escape-rel' 'boot/../../x'; do
	f="$OUT/trav-$(echo "$name" | tr -c 'a-z0-9' _)"
	t_cli timeout 10 tftp -m binary $SRV_IP -c get "$name" "$f" >"$f.err" 2>&1
	if grep -q OUTSIDE "$f" 2>/dev/null || grep -q root: "$f" 2>/dev/null; then
		t_fail "tftp-hpa get '$name': outside content served"
	elif grep -Eq 'Error code (1|2):' "$f.err"; then
		t_ok "tftp-hpa get '$name': refused ($(grep -o 'Error code [0-9]*: [A-Za-z ]*' "$f.err"))"
	else
		t_fail "tftp-hpa get '$name': no error ($(cat "$f.err"))"
	fi
done
for name in '../x' '%2e%2e/x' '..%5cx' 'escape' '%2fetc%2fpasswd'; do
	f="$OUT/travc-$(echo "$name" | tr -c 'a-z0-9' _)"
	t_cli curl -s --max-time 10 -o "$f" "tftp://$SRV_IP/$name"
	rc=$?
	if grep -q OUTSIDE "$f" 2>/dev/null || grep -q root: "$f" 2>/dev/null; then
		t_fail "curl tftp://.../$name: outside content served"
	else
		t_check "curl tftp://.../$name: refused (curl exit $rc)" [ $rc -ne 0 ]
	fi
done
t_log_has 'refused escape: access violation \(ERROR 2\)' "log: symlink out of the root refused"
t_log_lacks 'sent (\.\./x|escape|/etc/passwd)' "log: no traversal transfer ever sent"

# write requests: refused, nothing created, through two clients
echo upload >"$OUT/up.txt"
t_cli timeout 10 tftp -m binary $SRV_IP -c put "$OUT/up.txt" newfile >"$OUT/put.txt" 2>&1
t_check "WRQ (tftp-hpa): ERROR 2" grep -q 'Error code 2' "$OUT/put.txt"
t_cli timeout 10 atftp -p -l "$OUT/up.txt" -r newfile2 $SRV_IP >/dev/null 2>&1
t_check "WRQ (atftp): client fails" [ $? -ne 0 ]
t_check "WRQ: nothing created in the root" test ! -e "$T_ROOT/newfile" -a ! -e "$T_ROOT/newfile2"
t_log_has "refused write newfile: read-only server \(ERROR 2\)" "log: write refusal line"

t_log_has "failed small-ghost after 0 bytes .*client never answered" \
	"log: the silent requester's slot was freed"

# --- the cap on concurrent transfers ----------------------------------------
# 520 clients on 20 addresses (26 each, under tftp-per-ip's default 32) ask
# at once and never answer: 512 get DATA 1, the rest are dropped (not
# refused: a PXE ROM repeats its request), then all abort.
for i in $(seq 1 20); do echo "addr add 198.18.1.$i/32 dev nbc0"; done | t_cli ip -batch -
t_srv ip route add 198.18.1.0/24 dev nbs0
got=$(probe flood small-flood 520 198.18.1.1 20 2>&1)
t_check "520 requests at once: 512 transfers, 8 dropped ($got)" \
	grep -q '^flood answered=512 unanswered=8$' <<<"$got"
t_log_has "dropped request for small-flood: 512 transfers running" "log: the cap's warn line"
got=$(probe oack small-flood 2>&1)
t_check "slots free again after the aborts" grep -q '^reply DATA 1 len=512$' <<<"$got"

# Loss (1% and 5% each way, nftables) has its own test: tests/tftp-loss.sh.

# --- numbers for the lead ---------------------------------------------------
echo "--- throughput ($BIG_MIB MiB over a veth, server $(basename "$(dirname "$NETBOOTD")")/$(basename "$NETBOOTD"), server-measured):"
for r in "${RATES[@]}"; do echo "    $r"; done

t_done
