#!/bin/bash
# bench/loss.sh: TFTP through random loss, netbootd against tftp-hpa's
# in.tftpd (issue 15 item 5).
#
# nftables in each namespace of a pair of its own (bench/lib.sh) drops
# `numgen random mod 100 < N` of the incoming UDP packets, for each N in
# BENCH_LOSS (percent, each way): DATA on the client's side, ACKs on the
# server's. The two request ports are spared, so what is measured is
# recovery inside a transfer. Per loss rate, the same client against each
# server: a 100 KB NBP and a 4 MiB file in lockstep at blksize 1468 (curl),
# and the 4 MiB file asking windowsize 16 (atftp; in.tftpd has no
# windowsize, so it answers lockstep, which is what such a client gets
# from it). Client-measured wall time, median of BENCH_LOSS_REPS, each
# transfer capped at BENCH_LOSS_CAP seconds and then reported as "> CAP s".
# Every copy is checked (SHA-256).
#
# For each loss rate and server, its transfers (3 files x REPS) run at
# once, then the other server's: they wait on timers, not on the CPU (a
# loss costs a timeout), and the reference's capped minutes would
# otherwise not fit make bench's 25. Running at once is no advantage to
# either server; it is conservative for netbootd, whose lockstep transfers
# at 1% are partly bound by the CPU.
#
#   NETBOOTD=build/netbootd bench/loss.sh OUTDIR
#
# Writes OUTDIR/loss.tsv (server, loss, file, client, rep, seconds, intact)
# and OUTDIR/loss.md, the section bench/report.sh appends to results.md.
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NETBOOTD=${NETBOOTD:-build/netbootd}
LOSS=${BENCH_LOSS:-"1 5"}
REPS=${BENCH_LOSS_REPS:-3}
CAP=${BENCH_LOSS_CAP:-60}
OUTDIR=${1:?usage: loss.sh OUTDIR}
P_NBD=3069 P_HPA=1069
B_ADDRS=1

[ -x "$NETBOOTD" ] || b_die "no $NETBOOTD (make build/netbootd)"
for t in curl atftp in.tftpd nft; do
	command -v $t >/dev/null || b_die "$t missing (make deps)"
done
mkdir -p "$OUTDIR"
OUTDIR=$(realpath "$OUTDIR")
b_init loss
b_netns_up
ROOT=$B_DIR/root
b_file "$ROOT/nbp" 102400
b_file "$ROOT/big4" $((4 * 1048576))
chmod -R a+rX "$B_DIR"
declare -A SHA
for f in nbp big4; do SHA[$f]=$(sha256sum "$ROOT/$f" | cut -d' ' -f1); done

b_start netbootd "$OUTDIR/loss-netbootd.log" "$NETBOOTD" --interface nbs0 --root "$ROOT" \
	--no-dhcp --no-http --tftp-port $P_NBD
b_wait_listen u $P_NBD
# shellcheck disable=SC2046
b_start tftp-hpa "$OUTDIR/loss-tftpd-hpa.out" in.tftpd \
	$(grep -v '^#' bench/conf/tftpd-hpa.args) --address "$B_SRV_IP:$P_HPA" "$ROOT"
b_wait_listen u $P_HPA

# loss_set PCT: replace the rules in both namespaces (0: none). ACK 0 and
# ACK 1 (UDP payload 00 04 00 0x) are spared on the server's side for both
# servers: netbootd frees a transfer whose first ACK never came after 3 s
# (hostile-LAN rule) while curl retries that ACK after 5 s to a closed
# port and fails (docs/tftp.md, Loss recovery).
loss_set() {
	local ns spare
	for ns in "$B_NS_SRV" "$B_NS_CLI"; do
		ip netns exec "$ns" nft delete table inet loss 2>/dev/null
		[ "$1" -gt 0 ] || continue
		spare=; [ "$ns" = "$B_NS_SRV" ] && spare="@th,64,32 != 0x00040000 @th,64,32 != 0x00040001"
		ip netns exec "$ns" nft -f - <<EOF_NFT
table inet loss {
	chain in {
		type filter hook input priority 0;
		udp dport != { $P_NBD, $P_HPA } $spare numgen random mod 100 < $1 drop
	}
}
EOF_NFT
	done
}

# one PORT FILE CLIENT OUT: one capped transfer; echo "SECONDS INTACT".
one() {
	local t0 t1 ok=0
	rm -f "$4"
	t0=$(date +%s%N)
	case $3 in
	curl) b_cli curl -s --max-time "$CAP" --tftp-blksize 1468 -o "$4" \
		"tftp://$B_SRV_IP:$1/$2" ;;
	atftp-w16) b_cli timeout "$CAP" atftp --option "blksize 1468" --option "windowsize 16" \
		-g -r "$2" -l "$4" $B_SRV_IP "$1" >/dev/null 2>&1 ;;
	esac
	t1=$(date +%s%N)
	[ -f "$4" ] && [ "$(sha256sum "$4" | cut -d' ' -f1)" = "${SHA[$2]}" ] && ok=1
	awk -v ns=$((t1 - t0)) -v ok=$ok 'BEGIN { printf "%.3f %d\n", ns / 1e9, ok }'
}

CFGS=("nbp curl" "big4 curl" "big4 atftp-w16")
: >"$OUTDIR/loss.tsv"
for pct in $LOSS; do
	loss_set "$pct"
	for srv in "netbootd $P_NBD" "tftp-hpa $P_HPA"; do
		b_log "loss $pct%: ${srv% *}, ${#CFGS[@]} transfers x $REPS at once"
		pids=()
		for cfg in "${CFGS[@]}"; do
			for rep in $(seq 1 "$REPS"); do
				set -- $cfg
				tag="${srv% *}-$pct-$1-$2-$rep"
				# shellcheck disable=SC2086
				one ${srv#* } "$1" "$2" "$B_DIR/got-$tag" >"$B_DIR/res-$tag" &
				pids+=($!)
			done
		done
		# these transfers only: a bare wait would wait for the servers too
		wait "${pids[@]}"
		for cfg in "${CFGS[@]}"; do
			for rep in $(seq 1 "$REPS"); do
				set -- $cfg
				tag="${srv% *}-$pct-$1-$2-$rep"
				read -r secs ok <"$B_DIR/res-$tag"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${srv% *}" "$pct" "$1" "$2" \
					"$rep" "$secs" "$ok" >>"$OUTDIR/loss.tsv"
				b_log "loss $pct%: ${srv% *} $1 $2 run $rep: $secs s intact=$ok"
			done
		done
	done
done
loss_set 0

# --- the section of results.md -------------------------------------------------
# median of the runs per (server, loss, file, client), rows in the order
# they ran; a run that did not bring the file intact within the cap counts
# as over it.
awk -F'\t' -v cap="$CAP" -v reps="$REPS" '
	{ k = $2 SUBSEP $3 SUBSEP $4; if (!(k in keys)) order[++nk] = k; keys[k] = 1
	  v = ($7 == 1 && $6 < cap) ? $6 : cap + 1
	  n[$1, k]++; x[$1, k, n[$1, k]] = v; bad[$1, k] += ($7 != 1) }
	function med(s, k,   m, i, j, t, a) {
		m = n[s, k]; if (!m) return -1
		for (i = 1; i <= m; i++) a[i] = x[s, k, i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((m + 1) / 2)]
	}
	function show(v) { return v > cap ? sprintf("> %d s", cap) : sprintf("%.2f s", v) }
	END {
		print "\n## TFTP through random loss (bench/loss.sh)\n"
		printf "nftables drops `numgen random mod 100 < N` of incoming UDP in each namespace "
		printf "(each way), request ports and ACK 0/1 spared; client wall time, median of %d ", reps
		printf "(a server'"'"'s transfers of one loss rate run at once), "
		printf "each transfer capped at %d s. lockstep: curl --tftp-blksize 1468; ", cap
		printf "w16: atftp blksize 1468 windowsize 16 (in.tftpd has no windowsize: lockstep).\n\n"
		print "| loss each way | file | client | netbootd | tftp-hpa | tftp-hpa / netbootd | netbootd runs not intact |"
		print "| --- | --- | --- | --- | --- | --- | --- |"
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, f, SUBSEP)
			a = med("netbootd", k); b = med("tftp-hpa", k)
			r = (a > 0 && a <= cap) ? sprintf("%s%.1fx", b > cap ? "> " : "", b / a) : "-"
			printf "| %s%% | %s | %s | %s | %s | %s | %d |\n", f[1], f[2],
				f[3] == "curl" ? "lockstep (curl)" : "w16 (atftp)", show(a), show(b), r,
				bad["netbootd", k]
		}
	}' "$OUTDIR/loss.tsv" >"$OUTDIR/loss.md"
cat "$OUTDIR/loss.md"
