#!/usr/bin/env bash
# server-min/tests/tftp-loss.sh: TFTP through a lossy link (issue 15 item 5).
#
# nftables in each namespace of the pair (lib.sh) drops `numgen random mod
# 100 < N` of the incoming UDP packets, N = 1 and 5: DATA and OACK on the
# client's side, ACKs on the server's. Dropped on input, so no sender sees
# an error from its own stack. Requests to port 69 are spared: what is
# tested is recovery inside a transfer (a lost first answer waits for the
# client's own RRQ repeat, by design: docs/tftp.md, "Loss recovery").
#
# Per loss rate, a 100 KB NBP and a 4 MiB file through curl (lockstep,
# blksize 1468), tftp-hpa's client (lockstep; it has no options, so 512)
# and atftp (blksize 1468, windowsize 16). Every copy must be intact
# (SHA-256) within a generous bound (120 s each; they take seconds), and
# the server must log the end of each. A lost final ACK is RFC 1350's known
# race (sec. 6: the client has every byte and leaves; nobody answers our
# resends of the last block), so the end is "sent", or "failed ... timeout"
# after the give-up time without progress (31 s, or 6 rounds of the
# client's timeout); both are waited for, bounded. The times are printed,
# never asserted beyond the bound.
#
# Usage: NETBOOTD=build/san/netbootd tftp-loss.sh
. "$(dirname "$0")/lib.sh"

NBP_BYTES=102400
BIG_BYTES=$((4 * 1024 * 1024))
LIMIT=120          # seconds per transfer: a bound, not a measure
CLIENTS="curl hpa atftp-w16"

t_init tftp-loss
for c in curl tftp atftp nft; do
	command -v $c >/dev/null || { echo "tftp-loss: $c missing (make deps)"; exit 1; }
done
t_netns_pair

head -c $NBP_BYTES /dev/urandom >"$T_ROOT/nbp"
head -c $BIG_BYTES /dev/urandom >"$T_ROOT/big"
# one name per transfer, so each log line can be told apart
for pct in 1 5; do
	for f in nbp big; do
		for c in $CLIENTS; do ln "$T_ROOT/$f" "$T_ROOT/$f-$c-$pct"; done
	done
done
OUT=$T_DIR/out
mkdir -p "$OUT"

t_start_netbootd --root "$T_ROOT" --no-dhcp --no-http --log-level debug || exit 1

# loss_on PCT: drop PCT in 100 incoming packets in both namespaces, port 69
# spared (dport on the server's side, sport on the client's). ACK 0 and
# ACK 1 are spared too ($SPARE_ACKS, the UDP payload's first 4 bytes): the
# client's first ACK is what verifies a transfer; one lost first ACK is
# tested on its own below (first_ack_lost), while here a second loss of
# the repeated first ACK (another 5 s) would outlast the unverified
# transfer's 7 s on purpose (docs/tftp.md, Loss recovery).
SPARE_ACKS="@th,64,32 != 0x00040000 @th,64,32 != 0x00040001"
loss_on() {
	local ns dir spare
	for ns in "$NS_SRV:dport" "$NS_CLI:sport"; do
		dir=${ns#*:}
		spare=; [ "$dir" = dport ] && spare=$SPARE_ACKS
		ip netns exec "${ns%%:*}" nft -f - <<EOF_NFT
table inet loss {
	chain in {
		type filter hook input priority 0;
		udp $dir != 69 $spare numgen random mod 100 < $1 counter drop
	}
}
EOF_NFT
	done
}

# loss_off: remove the rules; echo how many packets they dropped.
loss_off() {
	local n=0 ns c
	for ns in "$NS_SRV" "$NS_CLI"; do
		c=$(ip netns exec "$ns" nft list table inet loss | sed -n 's/.*packets \([0-9]*\).*/\1/p')
		n=$((n + ${c:-0}))
		ip netns exec "$ns" nft delete table inet loss
	done
	echo "$n"
}

# fetch CLIENT NAME OUT: one transfer, bounded by $LIMIT.
fetch() {
	case $1 in
	curl) t_cli curl -sS --max-time $LIMIT --tftp-blksize 1468 -o "$3" "tftp://$SRV_IP/$2" ;;
	hpa) t_cli timeout $LIMIT tftp -m binary $SRV_IP -c get "$2" "$3" >/dev/null 2>&1 ;;
	atftp-w16) t_cli timeout $LIMIT atftp --option "blksize 1468" --option "windowsize 16" \
			-g -r "$2" -l "$3" $SRV_IP >/dev/null 2>&1 ;;
	esac
}

TIMES=()
for pct in 1 5; do
	loss_on "$pct"
	for f in nbp big; do
		for c in $CLIENTS; do
			name=$f-$c-$pct
			t0=$(date +%s%N)
			fetch "$c" "$name" "$OUT/$name"
			ms=$(( ($(date +%s%N) - t0) / 1000000 ))
			TIMES+=("$(printf '%3s%% %-4s %-10s %6d ms' "$pct" "$f" "$c" "$ms")")
			t_check "$pct% loss: $c, $f ($(stat -c %s "$T_ROOT/$f") bytes) intact in $ms ms (bound ${LIMIT} s)" \
				test -f "$OUT/$name" -a "$(t_sha "$OUT/$name" 2>/dev/null)" = "$(t_sha "$T_ROOT/$f")"
		done
	done
	dropped=$(loss_off)
	t_check "$pct% loss was real: $dropped packets dropped" test "$dropped" -gt 0
done

# The client's first ACK lost exactly once (an nft quota: only the first
# matching packet is dropped): ACK 0 to curl's OACK, ACK 1 from tftp-hpa's
# client (it asks no options, so DATA 1 is the first answer). That ACK is
# what verifies a transfer; the client repeats it after its own timeout
# (5 s for both), so the unverified transfer must still be there then
# (TFTP_UNVERIFIED_ROUNDS in tftp.c) and go on.
first_ack_lost() {   # CLIENT ACK (the UDP payload's first 4 bytes)
	local name=first-$1 dropped
	ln "$T_ROOT/nbp" "$T_ROOT/$name"
	ip netns exec "$NS_SRV" nft -f - <<EOF_NFT
table inet first {
	chain in {
		type filter hook input priority 0;
		udp dport != 69 @th,64,32 $2 quota until 40 bytes counter drop
	}
}
EOF_NFT
	fetch "$1" "$name" "$OUT/$name"
	dropped=$(ip netns exec "$NS_SRV" nft list table inet first | sed -n 's/.*packets \([0-9]*\).*/\1/p')
	ip netns exec "$NS_SRV" nft delete table inet first
	t_check "$1: its first ACK ($2) dropped once (dropped: ${dropped:-0}), the file still arrives intact" \
		test "${dropped:-0}" -eq 1 -a -f "$OUT/$name" -a "$(t_sha "$OUT/$name" 2>/dev/null)" = "$(t_sha "$T_ROOT/nbp")"
}
first_ack_lost curl 0x00040000
first_ack_lost hpa 0x00040001

# Every transfer's end line: wait past the give-up time once for all
# (bounded), then assert each.
ends=0
for i in $(seq 1 450); do
	ends=$(grep -Ec "tftp [0-9.:]+ (sent [a-z]+-[a-z0-9-]+ [0-9]+ bytes|failed [a-z]+-[a-z0-9-]+ after [0-9]+ bytes .*timeout after)" "$T_LOG")
	[ "$ends" -ge 14 ] && break
	sleep 0.1
done
for pct in 1 5; do
	for f in nbp big; do
		for c in $CLIENTS; do
			name=$f-$c-$pct
			t_log_has "(sent $name [0-9]+ bytes|failed $name after [0-9]+ bytes .*timeout after)" \
				"log: $name ended (sent, or its final ACK lost after every byte)"
		done
	done
done
for c in curl hpa; do
	t_log_has "sent first-$c [0-9]+ bytes" "log: first-$c sent after the client repeated its first ACK"
done
# (A lost first answer may leave "client never answered" before the
# client's repeated request starts the transfer again: not asserted.)
t_log_lacks "failed [a-z]+-[a-z0-9-]+ after .*(read error|shrank|server stopping)" \
	"log: no transfer failed for another reason"

echo "--- transfer times (client-measured, build $(basename "$(dirname "$NETBOOTD")")/$(basename "$NETBOOTD")):"
for r in "${TIMES[@]}"; do echo "    $r"; done
grep -Eo "(sent|failed) [a-z]+-[a-z0-9-]+ .*resent=[0-9]+" "$T_LOG" |
	sed -E 's/^(sent|failed) ([^ ]+) .*resent=([0-9]+)/    \2: \1, resent \3/'

t_done
