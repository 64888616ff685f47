#!/bin/bash
# bench/report.sh RAW OUT SECONDS SCALE REPS HTTP_SECONDS NBD_HWM_KB LAN_REPS
#                 ACK_DELAY_US:
# turn bench/run.sh's raw rows into OUT/results.md (tables, ratios against
# the issue's targets, machine, versions, commands) and OUT/bench.png
# (gnuplot), plus the plot's data files OUT/*.dat.
#
# Inputs (tab-separated, written by run.sh):
#   storm.tsv  stack N ok failed p50_ms p99_ms max_ms cpu_s peak_kb idle_kb
#              dhcp_retransmits tftp_retransmits wall_s peak_pss_kb
#              tftp_bytes http_bytes tftp_rrq_retransmits tftp_errors
#              http_syn_retransmits cap_tftp cap_http listen_drops
#              udp_rcvbuf_errors machine_busy_s
#   shaped.tsv like storm.tsv, then rate_bps qdisc_bytes qdisc_drops
#   http-shaped.tsv  server connections rate_bps MBps (wrk through the bucket)
#   tftp.tsv, tftp-lan.tsv
#              server blksize windowsize_asked windowsize_granted MBps ok
#              retransmits
#   http.tsv   server connections requests_per_s MBps errors
#   storm-inventory.tsv  like storm.tsv, column 1 the config (empty,
#              netbootd = the inventory)
#   inventory.tsv  config clients seconds peak_rss_kb (--check-config)
# Medians over repetitions; ratios are netbootd over the reference (or the
# reference over netbootd for times and memory, so that > 1 favours
# netbootd everywhere).

set -u
RAW=$1 OUT=$2 SECS=$3 SCALE=$4 REPS=$5 HTTP_SECONDS=$6 NBD_HWM=${7:-}
LAN_REPS=${8:-2} ACK_DELAY_US=${9:-200}
MD=$OUT/results.md

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
# ratio A B: A / B with two decimals, "-" when B is 0 or empty.
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
sec() { awk -v v="${1:-0}" 'BEGIN { printf "%.2f", v / 1000 }'; }
mib() { awk -v v="${1:-0}" 'BEGIN { printf "%.1f", v / 1024 }'; }
row() { awk -F'\t' -v s="$1" -v n="$2" '$1 == s && $2 == n' "$RAW/storm.tsv"; }
col() { cut -f"$1" <<<"$2"; }
# cpu_gb ROW: server CPU seconds per GB (10^9 bytes) the clients received
# (TFTP + HTTP payload, nbload's count, columns 15 and 16): the cost of
# serving a byte, comparable across N, flows and payload scales.
# "-" for rows of a run before these columns or with nothing served.
cpu_gb() { awk -v c="$(col 8 "$1")" -v t="$(col 15 "$1")" -v h="$(col 16 "$1")" \
	'BEGIN { b = t + h; if (c == "" || b <= 0) print "-"; else printf "%.2f", c / (b / 1e9) }'; }
gb() { awk -v t="$(col 15 "$1")" -v h="$(col 16 "$1")" \
	'BEGIN { b = t + h; if (b <= 0) print "-"; else printf "%.3f", b / 1e9 }'; }
yes_no() { [ "$1" = 1 ] && echo "**met**" || echo "**not met**"; }
# dash V: V, or "-" when empty (a row from a run before that column).
dash() { echo "${1:--}"; }
# caps ROW: the storm table's "cap refusals" cell: TFTP / HTTP requests the
# server itself refused at a cap ("-": the stack has no such cap or count).
caps() { echo "$(dash "$(col 20 "$1")") / $(dash "$(col 21 "$1")")"; }

# storm_header, storm_line ROW: a storm table's head; one stack's line.
storm_header() {
	echo "| N | stack | ok | failed | p50 s | p99 s | max s | server CPU s | machine CPU s | GB served | CPU s / GB | peak RSS MiB | peak PSS MiB | retransmits DHCP / TFTP | cap refusals TFTP / HTTP |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
}
storm_line() {
	echo "| $(col 2 "$1") | $(col 1 "$1") | $(col 3 "$1") | $(col 4 "$1") | $(sec "$(col 5 "$1")") | $(sec "$(col 6 "$1")") | $(sec "$(col 7 "$1")") | $(col 8 "$1") | $(dash "$(col 24 "$1")") | $(gb "$1") | $(cpu_gb "$1") | $(mib "$(col 9 "$1")") | $(mib "$(col 14 "$1")") | $(col 11 "$1") / $(col 12 "$1") | $(caps "$1") |"
}

# storm_table TSV [ratios]: head, both stacks' lines for each N, and with
# "ratios" a line of reference / netbootd ratios after each N.
storm_table() {
	local n st r a b
	storm_header
	for n in $(cut -f2 "$1" | awk '!seen[$1]++'); do
		for st in netbootd reference; do
			r=$(awk -F'\t' -v s=$st -v n="$n" '$1 == s && $2 == n' "$1")
			[ -n "$r" ] && storm_line "$r"
		done
		[ "${2:-}" = ratios ] || continue
		a=$(awk -F'\t' -v n="$n" '$1 == "netbootd" && $2 == n' "$1")
		b=$(awk -F'\t' -v n="$n" '$1 == "reference" && $2 == n' "$1")
		echo "| $n | **ratio** (ref / netbootd) | | | $(ratio "$(col 5 "$b")" "$(col 5 "$a")")x | $(ratio "$(col 6 "$b")" "$(col 6 "$a")")x | $(ratio "$(col 7 "$b")" "$(col 7 "$a")")x | $(ratio "$(col 8 "$b")" "$(col 8 "$a")")x | $(ratio "$(col 24 "$b")" "$(col 24 "$a")")x | | $(ratio "$(cpu_gb "$b")" "$(cpu_gb "$a")")x | $(ratio "$(col 9 "$b")" "$(col 9 "$a")")x | $(ratio "$(col 14 "$b")" "$(col 14 "$a")")x | | |"
	done
}

# caps_table TSV: what caps and full buffers cost each storm: the
# clients' view (nbload) beside the server's and the kernel's counts.
caps_table() {
local r n
echo "| N | stack | DHCP resent | TFTP resent | of which RRQ unanswered | TFTP ERRORs | HTTP connects with SYN resent | refused at a cap TFTP / HTTP | kernel drops: listen queue / UDP buffer |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
while IFS= read -r r; do
	n=$(col 2 "$r")
	[ -n "$(col 25 "$r")" ] && n="$n at $(rate_name "$(col 25 "$r")")"
	echo "| $n | $(col 1 "$r") | $(col 11 "$r") | $(col 12 "$r") | $(dash "$(col 17 "$r")") | $(dash "$(col 18 "$r")") | $(dash "$(col 19 "$r")") | $(caps "$r") | $(dash "$(col 22 "$r")") / $(dash "$(col 23 "$r")") |"
done <"$1"
}

# frac ROW: payload (TFTP + HTTP, nbload's count) per wall second as a
# fraction of the bucket's rate (column 25, bit/s); qfrac ROW: the same
# for the bytes the qdisc itself sent (column 26: headers, ACKs and
# retransmissions included, what the wire carried).
frac() { awk -v t="$(col 15 "$1")" -v h="$(col 16 "$1")" -v w="$(col 13 "$1")" -v r="$(col 25 "$1")" \
	'BEGIN { if (w <= 0 || r <= 0) print "-"; else printf "%.3f", (t + h) * 8 / w / r }'; }
qfrac() { awk -v q="$(col 26 "$1")" -v w="$(col 13 "$1")" -v r="$(col 25 "$1")" \
	'BEGIN { if (w <= 0 || r <= 0) print "-"; else printf "%.3f", q * 8 / w / r }'; }
rate_name() { awk -v r="$1" 'BEGIN { printf "%g Gbit/s", r / 1e9 }'; }
srow() { awk -F'\t' -v s="$1" -v r="$2" -v n="$3" '$1 == s && $25 == r && $2 == n' "$RAW/shaped.tsv"; }

# shaped_section: part 5's tables (run.sh shaped_storms, shaped_http).
shaped_section() {
local rate n st r a b
[ -s "$RAW/shaped.tsv" ] || return 0
echo
echo "## Shaped wire"
echo
echo "The BIOS storm again, through a token bucket (tc tbf) on the server side's"
echo "egress, nbs0 (bench/shape.sh: burst 2 ms of the rate, a queue of 10 ms at"
echo "1 Gbit/s and 2 ms at 10 Gbit/s); requests and ACKs come back unshaped. \"of rate\":"
echo "payload the clients received (TFTP + HTTP) per second of the storm's wall time,"
echo "over the rate. With a 1500-byte MTU a TCP segment carries 1448 bytes of"
echo "payload in 1514 that the bucket counts, so 0.956 is the ceiling; \"wire\" is"
echo "the bytes the qdisc sent (headers and retransmissions included) over the rate."
echo
echo "| rate | N | stack | ok | failed | p50 s | p99 s | max s | wall s | GB served | of rate | wire | qdisc drops | server CPU s | cap refusals TFTP / HTTP |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for rate in $(cut -f25 "$RAW/shaped.tsv" | awk '!seen[$1]++'); do
	for n in $(awk -F'\t' -v r="$rate" '$25 == r {print $2}' "$RAW/shaped.tsv" | awk '!seen[$1]++'); do
		for st in netbootd reference; do
			r=$(srow $st "$rate" "$n")
			[ -n "$r" ] || continue
			echo "| $(rate_name "$rate") | $n | $st | $(col 3 "$r") | $(col 4 "$r") | $(sec "$(col 5 "$r")") | $(sec "$(col 6 "$r")") | $(sec "$(col 7 "$r")") | $(col 13 "$r") | $(gb "$r") | $(frac "$r") | $(qfrac "$r") | $(col 27 "$r") | $(col 8 "$r") | $(caps "$r") |"
		done
		a=$(srow netbootd "$rate" "$n") b=$(srow reference "$rate" "$n")
		echo "| $(rate_name "$rate") | $n | **ratio** (ref / netbootd; of rate: netbootd / ref) | | | $(ratio "$(col 5 "$b")" "$(col 5 "$a")")x | $(ratio "$(col 6 "$b")" "$(col 6 "$a")")x | $(ratio "$(col 7 "$b")" "$(col 7 "$a")")x | $(ratio "$(col 13 "$b")" "$(col 13 "$a")")x | | $(ratio "$(frac "$a")" "$(frac "$b")")x | | | $(ratio "$(col 8 "$b")" "$(col 8 "$a")")x | |"
	done
done
echo
echo "What the caps and full buffers cost in these storms:"
echo
caps_table "$RAW/shaped.tsv"
[ -s "$RAW/http-shaped.tsv" ] || return 0
echo
echo "### HTTP alone through 10 Gbit/s"
echo
echo "wrk, 100 keep-alive connections, the 20 MiB file, ${HTTP_SECONDS} s per run, median of"
echo "$REPS runs interleaved, through the same bucket: nginx alone against netbootd."
echo "wrk reads every body into user space, nbload drops it in the kernel: where"
echo "both servers land at the same figure, wrk (the client) is the limit."
echo
echo "| server | MB/s | of rate |"
echo "|---|---:|---:|"
for st in netbootd nginx; do
	v=$(awk -F'\t' -v s=$st '$1 == s {print $4}' "$RAW/http-shaped.tsv" | median)
	echo "| $st | $v | $(awk -v v="$v" 'BEGIN { printf "%.3f", v * 8e6 / 1e10 }') |"
done
}

# shaped_targets: the issue's rows for part 5, in the targets table.
shaped_targets() {
local a b fa fb ok hn hg best rs okh
[ -s "$RAW/shaped.tsv" ] || return 0
a=$(srow netbootd 1000000000 200)
if [ -n "$a" ]; then
	fa=$(frac "$a")
	ok=$(awk -v f="$fa" -v x="$(col 4 "$a")" 'BEGIN { print (f != "-" && f >= 0.95 && x == 0) ? 1 : 0 }')
	echo "| shaped 1 Gbit/s, N = 200: netbootd >= 95% of line rate | payload ${fa} of the rate (ceiling 0.956 at MTU 1500), wire $(qfrac "$a"); reference $(frac "$(srow reference 1000000000 200)") | $(yes_no "$ok") |"
fi
hn=$(awk -F'\t' '$1 == "netbootd" {print $4}' "$RAW/http-shaped.tsv" 2>/dev/null | median)
hg=$(awk -F'\t' '$1 == "nginx" {print $4}' "$RAW/http-shaped.tsv" 2>/dev/null | median)
if [ -s "$RAW/http-shaped.tsv" ]; then
	best=$(awk -v a="$hn" -v b="$hg" 'BEGIN { print (a > b) ? a : b }')
	rs=$(ratio "$hn" "$best")
	okh=$(awk -v r="$rs" 'BEGIN { print (r != "-" && r >= 0.9) ? 1 : 0 }')
	echo "| shaped 10 Gbit/s: netbootd >= 0.9x the best of nginx alone and netbootd (wrk, 100 connections) | netbootd $hn MB/s, nginx $hg MB/s: ${rs}x of the best | $(yes_no "$okh") |"
fi
for n in $(awk -F'\t' '$25 == 10000000000 {print $2}' "$RAW/shaped.tsv" | awk '!seen[$1]++'); do
	a=$(srow netbootd 10000000000 "$n") b=$(srow reference 10000000000 "$n")
	fa=$(frac "$a") fb=$(frac "$b")
	best=$(awk -v a="$fa" -v b="$fb" 'BEGIN { print (a > b) ? a : b }')
	rs=$(ratio "$fa" "$best")
	ok=$(awk -v r="$rs" -v x="$(col 4 "$a")" 'BEGIN { print (r != "-" && r >= 0.9 && x == 0) ? 1 : 0 }')
	echo "| shaped 10 Gbit/s, storm of $n: netbootd >= 0.9x the best of both stacks | netbootd ${fa}, reference ${fb} of the rate: ${rs}x of the best | $(yes_no "$ok") |"
done
}

# tftp_table TSV DAT: one row per server/blksize/windowsize, medians.
tftp_table() {
local tsv=$1 dat=$2 srv bs ws v g bad h rt note k
: >"$dat"
echo "| server | blksize | windowsize asked | granted | MB/s | vs tftp-hpa | client retransmits (all runs) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r srv bs ws; do
	v=$(awk -F'\t' -v s="$srv" -v b="$bs" -v w="$ws" '$1==s && $2==b && $3==w {print $5}' "$tsv" | median)
	g=$(awk -F'\t' -v s="$srv" -v b="$bs" -v w="$ws" '$1==s && $2==b && $3==w {print $4}' "$tsv" | median)
	bad=$(awk -F'\t' -v s="$srv" -v b="$bs" -v w="$ws" '$1==s && $2==b && $3==w && $6!=1' "$tsv" | wc -l)
	h=$(awk -F'\t' -v b="$bs" '$1=="tftp-hpa" && $2==b {print $5}' "$tsv" | median)
	rt=$(awk -F'\t' -v s="$srv" -v b="$bs" -v w="$ws" '$1==s && $2==b && $3==w {n += $7} END {print n + 0}' "$tsv")
	note=; [ "$bad" -gt 0 ] && note=" ($bad failed)"
	echo "| $srv | $bs | $ws | $g | $v$note | $(ratio "$v" "$h")x | $rt |"
	case $srv in netbootd) k=1 ;; tftp-hpa) k=2 ;; *) k=3 ;; esac
	printf '"%s %s/%s"\t%s\t%s\n' "$srv" "$bs" "$ws" "$v" "$k" >>"$dat"
done < <(cut -f1-3 "$tsv" | awk '!seen[$0]++')
}
{
echo "# netbootd benchmarks"
echo
echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), in $SECS s."
echo "Reference stack: dnsmasq $(dnsmasq --version | awk 'NR==1 {print $3}') (proxy-DHCP),"
echo "tftp-hpa $(in.tftpd -V 2>&1 | awk 'NR==1 {sub(/,$/, "", $2); print $2}'), nginx $(nginx -v 2>&1 | sed 's|.*/||') (sendfile);"
echo "configs in \`bench/conf/\`. Same files, same client, same namespace pair (veth),"
echo "side by side in one run. Absolute numbers are noisy on this shared machine:"
echo "read the ratios."
echo
echo "## Boot storm"
echo
echo "N clients power on at once and boot the BIOS way (\`bench/nbload.h\`): proxyDHCP"
echo "DISCOVER -> TFTP \`undionly.kpxe\` (blksize 1432, lockstep) -> iPXE DHCP -> HTTP"
echo "\`boot.ipxe\` -> kernel ($((8000000 / SCALE)) B) + initramfs ($((20000000 / SCALE)) B) -> modloop"
echo "($((50000000 / SCALE)) B) + apkovl (100000 B), one HTTP connection per file. Times are"
echo "per-client completion (power-on to apkovl) in seconds; CPU is user+system seconds"
echo "of the server processes (all of them, children included) during the storm; RSS"
echo "is the peak of the summed RSS of all server processes. Each stack starts fresh"
echo "for each N. Retransmits: DHCP / TFTP packets the clients had to resend."
echo "GB served: TFTP + HTTP payload bytes the clients received (10^9 bytes, as"
echo "counted by nbload); CPU s / GB: server CPU seconds divided by that, the cost"
echo "of a byte served, comparable across N and flows."
echo
storm_table "$RAW/storm.tsv" ratios
echo
echo "Retransmissions split by cause where the client or the server can tell:"
echo "an RRQ resent because nothing answered it is what netbootd's transfer cap"
echo "looks like (it drops the request without a word), a resent SYN what a full"
echo "listen queue looks like; \"refused at a cap\" is the server's own count"
echo "(netbootd: its stop line for TFTP, /metrics for HTTP; nginx: \"worker_connections"
echo "are not enough\" lines; tftp-hpa and dnsmasq have no cap a storm reaches: -);"
echo "kernel drops are the server namespace's ListenDrops and UDP RcvbufErrors"
echo "during the storm."
echo
caps_table "$RAW/storm.tsv"
if [ -s "$RAW/storm-uefi.tsv" ]; then
	echo
	echo "UEFI clients (arch 7), each stack's own path: netbootd gives alpineboot.efi"
	echo "(TFTP, blksize 1468, windowsize 4 as EDK2 asks), which fetches \`boot.plan\`;"
	echo "the hand-built stack gives the distribution's snponly.efi (iPXE; tftp-hpa has"
	echo "no windowsize, so lockstep), which does iPXE's DHCP and the script. Then the"
	echo "same four downloads."
	echo
	storm_table "$RAW/storm-uefi.tsv"
fi

# Part 4: the same storm with a site's inventory as config (issue 14).
if [ -s "$RAW/storm-inventory.tsv" ] || [ -s "$RAW/inventory.tsv" ]; then
	inv_n=$(awk -F'\t' '$1 == "netbootd" {print $2}' "$RAW/inventory.tsv")
	echo
	echo "### With a site's inventory"
	echo
	echo "netbootd alone, the same storm with an empty config and with ${inv_n:-?} \`[client MAC]\`"
	echo "sections (one \`hostname =\` each) in 1,000 files taken by \`include = clients.d/*.conf\`;"
	echo "the storm's own MACs are among them, so every request is a hit in the table."
	echo
	echo "| N | config | ok | failed | p50 s | p99 s | max s | wall s | server CPU s | GB served | CPU s / GB | peak RSS MiB |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	while IFS= read -r r; do
		c=$(col 1 "$r")
		[ "$c" = netbootd ] && c="$inv_n clients"
		echo "| $(col 2 "$r") | $c | $(col 3 "$r") | $(col 4 "$r") | $(sec "$(col 5 "$r")") | $(sec "$(col 6 "$r")") | $(sec "$(col 7 "$r")") | $(col 13 "$r") | $(col 8 "$r") | $(gb "$r") | $(cpu_gb "$r") | $(mib "$(col 9 "$r")") |"
	done <"$RAW/storm-inventory.tsv"
	echo
	echo "The config alone, \`netbootd --check-config\` (GNU time: elapsed, peak RSS):"
	echo
	echo "| config | clients | seconds | peak RSS MiB |"
	echo "|---|---:|---:|---:|"
	while IFS=$'\t' read -r c n secs rss; do
		[ "$c" = parse-only ] && c="parse only (check = off)" || c="parse and the served files' check"
		echo "| $c | $n | $secs | $(mib "$rss") |"
	done <"$RAW/inventory.tsv"
fi

# Where the time of the largest storm went: per step, over the clients
# that booted (the CSVs nbload wrote).
big=$(cut -f2 "$RAW/storm.tsv" | sort -n | tail -1)
if [ -f "$RAW/storm-netbootd-$big.csv" ] && [ -f "$RAW/storm-reference-$big.csv" ]; then
	echo
	echo "Where the time goes at N = $big: seconds per step, over the clients that booted."
	echo
	echo "| step | netbootd p50 | netbootd p99 | reference p50 | reference p99 |"
	echo "|---|---:|---:|---:|---:|"
	for c in 5 6 7 8 9 10 11 12; do
		name=$(head -1 "$RAW/storm-netbootd-$big.csv" | cut -d, -f$c | sed 's/_ms$//')
		line="| $name"
		for st in netbootd reference; do
			for p in 50 99; do
				v=$(tail -n +2 "$RAW/storm-$st-$big.csv" | awk -F, '$3 == 1' | cut -d, -f$c | sort -g |
					awk -v p=$p '{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
						r = int((NR * p + 99) / 100); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }')
				line="$line | $v"
			done
		done
		echo "$line |"
	done
	for st in netbootd reference; do
		errs=$(tail -n +2 "$RAW/storm-$st-$big.csv" | awk -F, '$3 == 0' | sed 's/.*,"//; s/"$//' |
			sort | uniq -c | sort -rn | head -4 | awk '{ n = $1; $1 = ""; printf "%s x%s; ", substr($0, 2), n }')
		[ -n "$errs" ] && echo && echo "Failures, $st: $errs"
	done
fi
shaped_section
echo
echo "## TFTP: one 40 MiB transfer"
echo
echo "nbload as the client; median MB/s (10^6 B/s) of $REPS runs, interleaved across servers."
echo "\"granted\" is the windowsize the server's OACK agreed to (tftp-hpa and dnsmasq"
echo "ignore the option, so the transfer runs lockstep). Ratio: against tftp-hpa at"
echo "the same blksize."
echo
tftp_table "$RAW/tftp.tsv" "$OUT/tftp.dat"
echo
echo "### With a LAN-like turnaround: ${ACK_DELAY_US} us before each ACK"
echo
echo "The client holds each ACK back ${ACK_DELAY_US} us (nbload --ack-delay-us), as a switched LAN"
echo "and a boot ROM do; blksize 1468, median of $LAN_REPS runs. This is what windowsize"
echo "is for: a lockstep transfer waits one turnaround per block, a window of W per W blocks."
echo
tftp_table "$RAW/tftp-lan.tsv" "$OUT/tftp-lan.dat"

echo
echo "## HTTP: a 20 MiB file"
echo
echo "wrk (keep-alive), ${HTTP_SECONDS} s per run, median of $REPS runs, interleaved."
echo
echo "| connections | netbootd req/s | netbootd MB/s | nginx req/s | nginx MB/s | ratio (MB/s) | errors |"
echo "|---:|---:|---:|---:|---:|---:|---|"
: >"$OUT/http.dat"
for c in $(cut -f2 "$RAW/http.tsv" | awk '!seen[$1]++'); do
	nr=$(awk -F'\t' -v c="$c" '$1=="netbootd" && $2==c {print $3}' "$RAW/http.tsv" | median)
	nm=$(awk -F'\t' -v c="$c" '$1=="netbootd" && $2==c {print $4}' "$RAW/http.tsv" | median)
	gr=$(awk -F'\t' -v c="$c" '$1=="nginx" && $2==c {print $3}' "$RAW/http.tsv" | median)
	gm=$(awk -F'\t' -v c="$c" '$1=="nginx" && $2==c {print $4}' "$RAW/http.tsv" | median)
	errs=$(awk -F'\t' -v c="$c" '$2==c && $5!="" {print $1": "$5}' "$RAW/http.tsv" | sort -u | tr '\n' ';')
	echo "| $c | $nr | $nm | $gr | $gm | $(ratio "$nm" "$gm")x | ${errs:-none} |"
	printf '%s\t%s\t%s\n' "$c" "$nm" "$gm" >>"$OUT/http.dat"
done
echo
echo "## Memory"
echo
idle_n=$(awk -F'\t' '$1=="netbootd" {print $10}' "$RAW/storm.tsv" | median)
idle_r=$(awk -F'\t' '$1=="reference" {print $10}' "$RAW/storm.tsv" | median)
peak_n=$(awk -F'\t' '$1=="netbootd" {print $9}' "$RAW/storm.tsv" | sort -g | tail -1)
peak_r=$(awk -F'\t' '$1=="reference" {print $9}' "$RAW/storm.tsv" | sort -g | tail -1)
pss_n=$(awk -F'\t' '$1=="netbootd" {print $14}' "$RAW/storm.tsv" | sort -g | tail -1)
pss_r=$(awk -F'\t' '$1=="reference" {print $14}' "$RAW/storm.tsv" | sort -g | tail -1)
echo "RSS of netbootd vs the sum over the reference stack's processes (dnsmasq,"
echo "in.tftpd and the children it forks per transfer, nginx master and workers)."
echo "Idle: median over the storm runs, sampled before the load; peak: the largest"
echo "over the storm runs. Summed RSS counts the pages a forked tftp-hpa child"
echo "shares with its parent once per child; PSS divides shared pages among their"
echo "sharers, so the PSS row is the fairer total for a forking server."
echo
echo "| | netbootd MiB | reference MiB | ratio (ref / netbootd) |"
echo "|---|---:|---:|---:|"
echo "| idle | $(mib "$idle_n") | $(mib "$idle_r") | $(ratio "$idle_r" "$idle_n")x |"
echo "| peak (storm) | $(mib "$peak_n") | $(mib "$peak_r") | $(ratio "$peak_r" "$peak_n")x |"
echo "| peak PSS (storm) | $(mib "$pss_n") | $(mib "$pss_r") | $(ratio "$pss_r" "$pss_n")x |"
[ -n "$NBD_HWM" ] && echo "| netbootd VmHWM after the TFTP and HTTP runs | $(mib "$NBD_HWM") | | |"
echo
echo "## Targets (issues 6 and 15)"
echo
# storm_target TSV FLOW: issue 15's storm row for the largest N of TSV: no
# failures, p99 and last completion both >= 1.5x sooner than the reference.
storm_target() {
	local tsv=$1 flow=$2 n a b p99 max ok
	[ -s "$tsv" ] || return 0
	n=$(cut -f2 "$tsv" | sort -n | tail -1)
	a=$(awk -F'\t' -v n="$n" '$1 == "netbootd" && $2 == n' "$tsv")
	b=$(awk -F'\t' -v n="$n" '$1 == "reference" && $2 == n' "$tsv")
	p99=$(ratio "$(col 6 "$b")" "$(col 6 "$a")")
	max=$(ratio "$(col 7 "$b")" "$(col 7 "$a")")
	ok=$(awk -v f="$(col 4 "$a")" -v p="$p99" -v m="$max" \
		'BEGIN { print (f == 0 && p != "-" && m != "-" && p >= 1.5 && m >= 1.5) ? 1 : 0 }')
	echo "| $flow storm of $n: no failures, p99 and max >= 1.5x sooner than the reference | $(col 4 "$a") failed; p99 ${p99}x, max ${max}x sooner | $(yes_no "$ok") |"
}
# cpu_target: server CPU per GB no more than the reference's, largest BIOS storm.
cpu_target() {
	local n a b r ok
	n=$(cut -f2 "$RAW/storm.tsv" | sort -n | tail -1)
	a=$(row netbootd "$n") b=$(row reference "$n")
	r=$(ratio "$(cpu_gb "$a")" "$(cpu_gb "$b")")
	ok=$(awk -v r="$r" 'BEGIN { print (r != "-" && r <= 1) ? 1 : 0 }')
	echo "| server CPU per GB <= the reference's (storm of $n) | $(cpu_gb "$a") vs $(cpu_gb "$b") s/GB (${r}x) | $(yes_no "$ok") |"
}
w64=$(awk -F'\t' '$1=="netbootd" && $3==64 && $2==1468 {print $5}' "$RAW/tftp.tsv" | median)
w16=$(awk -F'\t' '$1=="netbootd" && $3==16 && $2==1468 {print $5}' "$RAW/tftp-lan.tsv" | median)
h1468=$(awk -F'\t' '$1=="tftp-hpa" && $2==1468 {print $5}' "$RAW/tftp-lan.tsv" | median)
r16=$(ratio "$w16" "$h1468")
v16=$(ratio "$(awk -F'\t' '$1=="netbootd" && $3==16 && $2==1468 {print $5}' "$RAW/tftp.tsv" | median)" \
	"$(awk -F'\t' '$1=="tftp-hpa" && $2==1468 {print $5}' "$RAW/tftp.tsv" | median)")
ok2=$(awk -v r="$v16" 'BEGIN { print (r != "-" && r >= 5) ? 1 : 0 }')
lock=1 lockdesc=
for bs in 512 1432 1468; do
	n1=$(awk -F'\t' -v b=$bs '$1=="netbootd" && $3==1 && $2==b {print $5}' "$RAW/tftp.tsv" | median)
	h1=$(awk -F'\t' -v b=$bs '$1=="tftp-hpa" && $2==b {print $5}' "$RAW/tftp.tsv" | median)
	r=$(ratio "$n1" "$h1"); lockdesc="$lockdesc $bs: ${r}x;"
	awk -v r="$r" 'BEGIN { exit !(r != "-" && r >= 1) }' || lock=0
done
lanlock=$(ratio "$(awk -F'\t' '$1=="netbootd" && $3==1 {print $5}' "$RAW/tftp-lan.tsv" | median)" \
	"$(awk -F'\t' '$1=="tftp-hpa" {print $5}' "$RAW/tftp-lan.tsv" | median)")
h100n=$(awk -F'\t' '$1=="netbootd" && $2==100 {print $4}' "$RAW/http.tsv" | median)
h100g=$(awk -F'\t' '$1=="nginx" && $2==100 {print $4}' "$RAW/http.tsv" | median)
rh=$(ratio "$h100n" "$h100g")
ok3=$(awk -v r="$rh" 'BEGIN { print (r != "-" && r >= 0.9) ? 1 : 0 }')
rm_=$(ratio "$peak_n" "$peak_r")
ok4=$(awk -v r="$rm_" 'BEGIN { print (r != "-" && r <= 0.25) ? 1 : 0 }')
echo "| target | measured | |"
echo "|---|---|---|"
storm_target "$RAW/storm.tsv" BIOS
storm_target "$RAW/storm-uefi.tsv" UEFI
cpu_target
echo "| TFTP windowsize 64 at blksize 1468, bare veth: >= 2x main at f1e120c (108-218 MB/s there) | ${w64:-?} MB/s | compare by hand: the old figure is from another run |"
echo "| TFTP windowsize 16 >= 5x tftp-hpa (blksize 1468), bare veth | ${v16}x on the bare veth; ${r16}x with a ${ACK_DELAY_US} us turnaround | $(yes_no "$ok2") (bare veth) |"
echo "| TFTP lockstep no slower than tftp-hpa | bare veth, per blksize:$lockdesc with the ${ACK_DELAY_US} us turnaround: ${lanlock}x | $(yes_no "$lock") (bare veth) |"
echo "| HTTP at 100 connections >= 0.9x nginx | ${rh}x | $(yes_no "$ok3") |"
echo "| peak RSS <= 1/4 of the reference stack's | $(ratio "$peak_n" "$peak_r")x of it (PSS: $(ratio "$pss_n" "$pss_r")x) | $(yes_no "$ok4") |"
shaped_targets
echo
echo "## Machine"
echo
echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores (shared with other jobs)"
echo "- RAM: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); kernel $(uname -r)"
echo "- OS: $(. /etc/os-release; echo "$PRETTY_NAME"); compiler: $(cc --version | head -1)"
dirty=; [ -n "$(git status --short server-min embed 2>/dev/null)" ] && dirty=" plus uncommitted changes in server-min/ or embed/"
echo "- netbootd: git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty (build/netbootd, -O2); wrk $(wrk -v 2>&1 | awk 'NR==1 {print $2}')"
echo "- load average (1, 5, 15 min) at the start: $(cat "$RAW/load-start" 2>/dev/null || echo '?'); at the end: $(cat "$RAW/load-end" 2>/dev/null || echo '?') (other jobs share the machine)"
echo
echo "## Reproduce"
echo
echo "- everything: \`make bench\` (root; within 25 minutes). A quick look: \`make bench BENCH_QUICK=1\` (about 3); one part: \`make bench BENCH_ONLY=shaped\`."
echo "- one storm, in a namespace pair set up as in bench/lib.sh:"
echo "  \`nbload storm --interface nbc0 --server 198.18.0.1 --clients 1000 --arch bios --addr-base 198.18.2.1 --addrs 250 --files $( [ "$SCALE" = 1 ] && echo /boot/vmlinuz-lts,/boot/initramfs-lts,/boot/modloop-lts,/alpine.apkovl.tar.gz)\`"
echo "- one TFTP figure: \`nbload tftp --server 198.18.0.1 --tftp-port PORT --file big40 --blksize 1468 --windowsize 16\`"
echo "- one HTTP figure: \`wrk -t2 -c100 -d${HTTP_SECONDS}s http://198.18.0.1:PORT/big20\`"
echo "- server command lines: see \`bench/run.sh\` (start_*); raw rows and per-client CSVs: \`build/bench/\` of the run (\`make bench-publish\` copies only this file, bench.png and *.dat)."
} >"$MD"
# TFTP through random loss: bench/loss.sh writes its own section.
[ -s "$RAW/loss.md" ] && cat "$RAW/loss.md" >>"$MD"

# --- plot ------------------------------------------------------------------
awk -F'\t' '$1=="netbootd" {n[$2]=$5/1000" "$7/1000} $1=="reference" {r[$2]=$5/1000" "$7/1000}
	END { for (k in n) print k, n[k], (k in r) ? r[k] : "NaN NaN" }' "$RAW/storm.tsv" |
	sort -n >"$OUT/storm.dat"
# A run of part 4 alone (BENCH_ONLY=inventory) has nothing to plot.
[ -s "$OUT/storm.dat" ] && [ -s "$OUT/http.dat" ] || exit 0
gnuplot <<EOF
set terminal pngcairo size 1400,900 font ",10"
set output "$OUT/bench.png"
set multiplot layout 2,2 title "netbootd vs dnsmasq + tftp-hpa + nginx ($(date -u +%Y-%m-%d))"
set title "Boot storm: completion time"
set xlabel "clients"; set ylabel "seconds"; set logscale x; set key top left
set yrange [0:*]
set grid
plot "$OUT/storm.dat" using 1:2 with linespoints lw 2 title "netbootd p50", \
     "" using 1:3 with linespoints lw 2 dt 2 title "netbootd max", \
     "" using 1:4 with linespoints lw 2 title "reference p50", \
     "" using 1:5 with linespoints lw 2 dt 2 title "reference max"
unset logscale x
set title "TFTP 40 MiB, bare veth (server blksize/windowsize)"
set xlabel ""; set ylabel "MB/s"; set style fill solid 0.6; set boxwidth 0.7
set xtics rotate by -60 font ",8"; unset key
set yrange [0:*]
plot "$OUT/tftp.dat" using 0:2:3:xtic(1) with boxes lc variable
set title "TFTP 40 MiB, blksize 1468, ${ACK_DELAY_US} us ACK turnaround"
plot "$OUT/tftp-lan.dat" using 0:2:3:xtic(1) with boxes lc variable
set title "HTTP 20 MiB (wrk)"
set xlabel "connections"; set ylabel "MB/s"; set xtics norotate font ",10"; set key top left
set style data histogram; set style histogram clustered
plot "$OUT/http.dat" using 2:xtic(1) title "netbootd", "" using 3 title "nginx"
unset multiplot
EOF
