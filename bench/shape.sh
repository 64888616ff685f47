# shellcheck shell=bash
# bench/shape.sh: a shaped wire and the server namespace's drop counters,
# for bench/run.sh (sourced after bench/lib.sh, which it uses: b_srv).
#
# The veth of bench/lib.sh moves bytes as fast as two cores copy them;
# real sites have a 1 or 10 Gbit/s link. shape_on puts a token bucket
# (tc-tbf(8); this kernel has no sch_netem) on the server side's egress,
# nbs0 in the server namespace: everything the servers send (OFFERs, TFTP
# DATA, HTTP bodies) goes through it, the clients' requests and ACKs come
# back unshaped, as on a switch port whose server link is the bottleneck.
#
# Parameters, per rate (docs/benchmarks.md, "Shaped wire"):
#   burst   2 ms of the rate (250 KB at 1 Gbit/s, 2.5 MB at 10 Gbit/s).
#           At least one 64 KiB GSO packet (tbf would otherwise cut each
#           into MTU segments in software), and enough tokens to carry
#           over a late dequeue timer on this loaded two-core machine:
#           tokens above the burst are lost, so a burst of a fraction of
#           a millisecond measured the scheduler, not the wire.
#   latency the queue a switch port gives a congested link: 10 ms at
#           1 Gbit/s (1.25 MB), 2 ms at 10 Gbit/s (2.5 MB), the order of
#           an access switch's and a top-of-rack switch's shared buffer
#           for one port. A packet that finds it full is dropped, which
#           is the loss a storm meets at a real switch.

# shape_params RATE: "burst latency" for tc, for a rate of 1gbit or 10gbit.
shape_params() {
	case $1 in
	1gbit)  echo "250000 10ms" ;;
	10gbit) echo "2500000 2ms" ;;
	*) return 1 ;;
	esac
}

# shape_bps RATE: the rate in bits per second (the denominator of the
# storm's "fraction of the rate").
shape_bps() {
	case $1 in
	1gbit) echo 1000000000 ;;
	10gbit) echo 10000000000 ;;
	*) return 1 ;;
	esac
}

# shape_on RATE: replace nbs0's root qdisc by the token bucket.
shape_on() {
	local p
	p=$(shape_params "$1") || b_die "no shaping parameters for $1 (1gbit, 10gbit)"
	set -- "$1" $p
	b_srv tc qdisc replace dev nbs0 root tbf rate "$1" burst "$2" latency "$3" ||
		b_die "tc tbf on nbs0 (rate $1) failed"
}

# shape_off: back to the veth's own (no queue at all).
shape_off() {
	b_srv tc qdisc del dev nbs0 root 2>/dev/null
	return 0
}

# shape_stats: "bytes drops" the root qdisc sent and dropped so far.
shape_stats() {
	b_srv tc -s qdisc show dev nbs0 root 2>/dev/null |
		awk '/Sent/ { b = $2; d = $7; sub(/,$/, "", d) } END { printf "%.0f %.0f\n", b, d }'
}

# ns_drops: "listen_drops udp_rcvbuf_errors" of the server namespace so
# far: SYNs and handshakes dropped at a full accept queue (TcpExt
# ListenDrops, which includes ListenOverflows), datagrams dropped at a full
# socket receive buffer (Udp RcvbufErrors). The counters are the
# namespace's own, so the clients' side does not add in.
ns_drops() {
	b_srv cat /proc/net/netstat /proc/net/snmp 2>/dev/null | awk '
		$1 == "TcpExt:" && !tk { for (i = 2; i <= NF; i++) th[i] = $i; tk = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (th[i] == "ListenDrops") ld = $i }
		$1 == "Udp:" && !uk { for (i = 2; i <= NF; i++) uh[i] = $i; uk = 1; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) if (uh[i] == "RcvbufErrors") ur = $i }
		END { printf "%.0f %.0f\n", ld, ur }'
}

# nbd_cap_refusals LOG FROM_LINE METRICS: "tftp http" requests netbootd
# refused at a cap during one start: the TFTP requests its stop line
# counts as dropped at the transfer cap or over tftp-per-ip (summed over
# every such line after FROM_LINE: one per TFTP loop), and the HTTP
# connections its /metrics (the file METRICS, fetched before the stop)
# counts as refused per address or evicted at the global cap. "-" where
# the log or the metrics do not say (another version of netbootd).
nbd_cap_refusals() {
	local t h
	t=$(tail -n +"$(($2 + 1))" "$1" | sed -n \
		's/.*requests dropped: \([0-9]*\) at the cap, \([0-9]*\) over tftp-per-ip.*/\1 \2/p' |
		awk '{ n += $1 + $2; k++ } END { print k ? n : "-" }')
	h=$(awk '/^netbootd_errors_total\{kind="http_(refused_per_ip|evicted)"\}/ { n += $2; k++ }
		END { print k ? n : "-" }' "$3" 2>/dev/null)
	echo "$t ${h:--}"
}
