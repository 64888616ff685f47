#!/bin/bash
# bench/run.sh: `make bench`. netbootd against the stack people assemble by
# hand (dnsmasq proxy-DHCP + tftp-hpa + nginx; configs in bench/conf/), in
# the same run, on the same files, with the same client (build/nbload, wrk),
# in network namespaces of its own (bench/lib.sh). Writes
# build/bench/results.md (tables, ratios, machine, versions, commands),
# build/bench/bench.png, the plot's *.dat and the raw logs and per-client
# CSVs, all under the build folder: a run never touches git. `make
# bench-publish` copies the last results into bench/results/ on purpose.
#
# Parts, in order:
#   1. boot storm: N clients (BIOS flow, nbload.h) at once, for each N
#      each stack on its own, started fresh, watched by procwatch
#      (CPU seconds, peak RSS of the whole process tree, idle RSS);
#   2. TFTP: one 40 MiB transfer per blksize/windowsize, all servers up
#      side by side on their own ports, runs interleaved, median of REPS;
#      then at blksize 1468 with a LAN-like ACK delay, median of LAN_REPS;
#   3. HTTP: 20 MiB file with wrk at 1, 10, 100 connections, interleaved,
#      median of REPS;
#   4. a site's inventory (issue 14): netbootd's storm of INV_STORM clients
#      with a config of INVENTORY [client MAC] sections in 1,000 included
#      files (the storm's own MACs among them) against the same storm with
#      an empty config, and that config's parse time and peak RSS alone;
#   5. a shaped wire (issue 15): the BIOS storm through a token bucket on
#      the server's egress at 1 and 10 Gbit/s (bench/shape.sh), both
#      stacks; and wrk at 100 connections through the 10 Gbit/s bucket,
#      netbootd against nginx alone, in part 3's rounds.
# Every storm row also counts what a cap costs: requests the server
# refused at a cap (its own counters), the server namespace's kernel drops,
# and the clients' RRQs and SYNs that went unanswered (nbload).
#
# Knobs (environment): BENCH_STORM="1 50 200 1000", BENCH_STORM_UEFI="200"
# (each stack's UEFI path; needs build/efi-shim/alpineboot.efi), BENCH_SCALE=1 (divide
# the storm's HTTP payloads by it), BENCH_REPS=3, BENCH_LAN_REPS=3,
# BENCH_ACK_DELAY_US=200, BENCH_HTTP_SECONDS=5,
# BENCH_RAW=build/bench (raw rows, logs), BENCH_OUT=BENCH_RAW (results.md,
# bench.png, *.dat), NETBOOTD=build/netbootd, BENCH_INVENTORY=100000
# (0 leaves part 4 out), BENCH_INVENTORY_STORM=1000,
# BENCH_SHAPED="1gbit:50,200 10gbit:50,200,1000" (RATE:N,N... for part 5),
# BENCH_SHAPED_HTTP=1 (0: no wrk through the bucket), BENCH_ONLY="storm
# transfers inventory shaped" (the parts to run; e.g. BENCH_ONLY=shaped),
# BENCH_STACKS="netbootd reference" (the storms' stacks, in order),
# BENCH_NBD_ARGS (more netbootd arguments, e.g. "--workers 1"),
# BENCH_PERF=0 (seconds of perf record per storm; bench/profile.sh),
# BENCH_QUICK=1 (a subset, below).
# Bounded: every server start, client and wait has a timeout. The whole
# run is sized to finish within 25 minutes here (docs/benchmarks.md,
# "Time"); BENCH_QUICK=1 in about 3.

cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
. bench/shape.sh

NETBOOTD=${NETBOOTD:-build/netbootd}
NBLOAD=${NBLOAD:-build/nbload}
PROCWATCH=${PROCWATCH:-build/procwatch}
# BENCH_QUICK=1: a look in about 3 minutes rather than 20: storms of 50
# and 200, no UEFI storm, no inventory, one shaped row (1 Gbit/s, 50),
# one repetition of each TFTP and HTTP figure, 4 s of wrk. Each knob
# below still wins when given.
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_STORM:=50 200}" "${BENCH_STORM_UEFI:=}" "${BENCH_INVENTORY:=0}"
	: "${BENCH_SHAPED:=1gbit:50}" "${BENCH_SHAPED_HTTP:=0}"
	: "${BENCH_REPS:=1}" "${BENCH_LAN_REPS:=1}" "${BENCH_HTTP_SECONDS:=4}"
fi
STORM=${BENCH_STORM-"1 50 200 1000"}
STORM_UEFI=${BENCH_STORM_UEFI-"200"}
SHAPED=${BENCH_SHAPED-"1gbit:50,200 10gbit:50,200,1000"}
SHAPED_HTTP=${BENCH_SHAPED_HTTP:-1}
EFI_IMAGE=${EFI_IMAGE:-build/efi-shim/alpineboot.efi}
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-3}
LAN_REPS=${BENCH_LAN_REPS:-3}
ACK_DELAY_US=${BENCH_ACK_DELAY_US:-200}
HTTP_SECONDS=${BENCH_HTTP_SECONDS:-5}
INVENTORY=${BENCH_INVENTORY:-100000}
INV_STORM=${BENCH_INVENTORY_STORM:-1000}
ONLY=${BENCH_ONLY:-storm transfers inventory shaped loss}
STACKS=${BENCH_STACKS:-netbootd reference}
NBD_ARGS=${BENCH_NBD_ARGS:-}
want() { [[ " $ONLY " == *" $1 "* ]]; }
RAW=${BENCH_RAW:-$PWD/build/bench}
OUT=${BENCH_OUT:-$RAW}
IPXE_DIR=/usr/lib/ipxe

# Ports of the side-by-side phases (the storm uses the standard ones).
P_NBD_TFTP=3069 P_HPA=1069 P_DNSMASQ=69 P_NBD_HTTP=80 P_NGINX=8080

for t in "$NETBOOTD" "$NBLOAD" "$PROCWATCH"; do
	[ -x "$t" ] || b_die "$t not built (make all)"
done
for t in dnsmasq in.tftpd nginx wrk gnuplot ss tc curl; do
	command -v $t >/dev/null || b_die "$t missing (make deps)"
done
[ -f $IPXE_DIR/undionly.kpxe ] || b_die "no $IPXE_DIR/undionly.kpxe (package ipxe)"

T_START=$(date +%s)
mkdir -p "$(dirname "$RAW")"
cut -d' ' -f1-3 /proc/loadavg >"$RAW.load-start" 2>/dev/null
b_init bench
rm -rf "$RAW"; mkdir -p "$RAW" "$OUT"
mv "$RAW.load-start" "$RAW/load-start"
# A quick look is marked so that make bench-publish refuses it.
[ "${BENCH_QUICK:-0}" = 1 ] && echo "BENCH_QUICK=1" >"$RAW/quick"
b_netns_up
ROOT=$B_DIR/root

# --- the files: one root for every server --------------------------------
# Sizes of an Alpine 3.20 netboot set (vmlinuz-lts ~8 MB, initramfs-lts
# ~20 MB, modloop-lts ~50 MB, an apkovl ~100 KB), random bytes.
K=$((8000000 / SCALE)) I=$((20000000 / SCALE)) M=$((50000000 / SCALE)) A=100000
mkdir -p "$ROOT/boot"
cp $IPXE_DIR/undionly.kpxe $IPXE_DIR/snponly.efi "$ROOT/"
[ -f "$EFI_IMAGE" ] && cp "$EFI_IMAGE" "$ROOT/alpineboot.efi"
b_file "$ROOT/boot/vmlinuz-lts" $K
b_file "$ROOT/boot/initramfs-lts" $I
b_file "$ROOT/boot/modloop-lts" $M
b_file "$ROOT/alpine.apkovl.tar.gz" $A
b_file "$ROOT/big40" $((40 * 1048576))
b_file "$ROOT/big20" $((20 * 1048576))
# The script a site writes for iPXE by hand; netbootd renders its own.
cat >"$ROOT/boot.ipxe" <<EOF
#!ipxe
set base http://$B_SRV_IP
kernel \${base}/boot/vmlinuz-lts ip=dhcp BOOTIF=01-\${net0/mac:hexhyp} modules=loop,squashfs alpine_repo=http://dl-cdn.alpinelinux.org/alpine/v3.20/main modloop=\${base}/boot/modloop-lts apkovl=\${base}/alpine.apkovl.tar.gz
initrd \${base}/boot/initramfs-lts
boot
EOF
chmod -R a+rX "$B_DIR"
# Every server reads from the page cache, none from the disk.
cat "$ROOT"/boot/* "$ROOT"/big* >/dev/null
FILES=/boot/vmlinuz-lts,/boot/initramfs-lts,/boot/modloop-lts,/alpine.apkovl.tar.gz

# --- servers ---------------------------------------------------------------
STACK_PIDS=()

start_netbootd() {   # extra netbootd arguments; --config $NBD_CONFIG when set
	local before i
	# The log is appended to by every start: wait for this start's own
	# "ready" (a big config takes a moment to load and check), not for
	# the one an earlier start left there. At most 30 s.
	before=$(grep -c 'main - ready' "$RAW/netbootd.log" 2>/dev/null)
	# shellcheck disable=SC2086
	b_start netbootd "$RAW/netbootd.log" "$NETBOOTD" --interface nbs0 \
		--root "$ROOT" ${NBD_CONFIG:+--config "$NBD_CONFIG"} $NBD_ARGS "$@"
	STACK_PIDS=("$B_LAST_PID")
	for i in $(seq 1 300); do
		[ "$(grep -c 'main - ready' "$RAW/netbootd.log")" -gt "${before:-0}" ] && return 0
		kill -0 "$B_LAST_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -20 "$RAW/netbootd.log" >&2
	b_die "netbootd did not start"
}

start_nginx() {   # port
	mkdir -p "$RAW/nginx-tmp"
	sed -e "s|@ADDR@|$B_SRV_IP|; s|@PORT@|$1|; s|@ROOT@|$ROOT|; s|@DIR@|$RAW|g" \
		bench/conf/nginx.conf >"$RAW/nginx.conf"
	b_start nginx "$RAW/nginx.out" nginx -c "$RAW/nginx.conf"
	STACK_PIDS+=("$B_LAST_PID")
	b_wait_listen t "$1"
}

start_tftpd_hpa() {   # port
	# shellcheck disable=SC2046
	b_start tftp-hpa "$RAW/tftpd-hpa.out" in.tftpd \
		$(grep -v '^#' bench/conf/tftpd-hpa.args) --address "$B_SRV_IP:$1" "$ROOT"
	STACK_PIDS+=("$B_LAST_PID")
	b_wait_listen u "$1"
}

start_dnsmasq_proxy() {
	b_start dnsmasq "$RAW/dnsmasq.log" dnsmasq --keep-in-foreground \
		--conf-file=bench/conf/dnsmasq-proxy.conf --log-facility=- \
		--interface=nbs0 --pid-file="$RAW/dnsmasq.pid" \
		--dhcp-range=198.18.0.0,proxy,255.255.0.0 \
		"--pxe-service=tag:ipxe,x86PC,\"iPXE\",http://$B_SRV_IP/boot.ipxe" \
		"--pxe-service=tag:ipxe,X86-64_EFI,\"iPXE\",http://$B_SRV_IP/boot.ipxe"
	STACK_PIDS+=("$B_LAST_PID")
	b_wait_listen u 4011
}

start_dnsmasq_tftp() {
	b_start dnsmasq-tftp "$RAW/dnsmasq-tftp.log" dnsmasq --keep-in-foreground \
		--conf-file=bench/conf/dnsmasq-tftp.conf --log-facility=- \
		--listen-address=$B_SRV_IP --tftp-root="$ROOT" \
		--pid-file="$RAW/dnsmasq-tftp.pid"
	STACK_PIDS+=("$B_LAST_PID")
	b_wait_listen u 69
}

stop_stack() {
	local p
	for p in "${STACK_PIDS[@]}"; do b_stop "$p"; done
	STACK_PIDS=()
	sleep 0.5    # let sockets in TIME_WAIT and ARP settle between runs
}

# wrk_big20 PORT CONNECTIONS THREADS: wrk's output for HTTP_SECONDS of
# GETs of big20. --timeout: at 100 connections one 20 MiB response takes
# seconds; wrk's default of 2 s would count it lost.
wrk_big20() {
	b_cli timeout $((HTTP_SECONDS + 40)) wrk -t"$3" -c"$2" -d"${HTTP_SECONDS}s" \
		--timeout 30s "http://$B_SRV_IP:$1/big20" 2>&1
}

# wrk_mbs OUTPUT: wrk's Transfer/sec (1.95GB / 812.34MB / 100.5KB, powers
# of 1024) in MB/s (10^6).
wrk_mbs() {
	awk '/^Transfer\/sec:/ { v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[A-Za-z]+$/, "", v);
		m = (u=="GB") ? 1073.741824 : (u=="MB") ? 1.048576 : (u=="KB") ? 0.001024 : 0.000001;
		printf "%.1f", v*m }' <<<"$1"
}

# kv KEY LINE: the value of KEY=... in a summary line.
kv() { sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# --- 1. boot storm -----------------------------------------------------------
# BENCH_PERF=SECONDS (bench/profile.sh): a system-wide `perf record` of
# that many seconds in the middle of each storm, from its 2nd second, into
# $RAW/perf-TAG.data. Off by default: perf slows every stack it watches.
PERF_SECONDS=${BENCH_PERF:-0}
PERF_PID=
perf_begin() {   # tag
	[ "$PERF_SECONDS" -gt 0 ] || return 0
	(sleep 2; exec perf record -q -e cpu-clock -F 499 -a -g \
		-o "$RAW/perf-$1.data" -- sleep "$PERF_SECONDS") >/dev/null 2>&1 &
	PERF_PID=$!
}
perf_end() {
	[ -n "$PERF_PID" ] || return 0
	wait "$PERF_PID"
	PERF_PID=
}

# One row per stack and N in $RAW/storm.tsv.
storm_one() {   # stack N flow(bios|uefi) tsv [tag suffix]
	local stack=$1 n=$2 flow=$3 tsv=$4 tag pw out sum args lines=0 d0 d1 caps
	tag=$stack-$n; [ "$flow" = uefi ] && tag=$stack-uefi-$n
	tag=$tag${5:-}
	args=(--arch bios)
	if [ "$flow" = uefi ]; then
		# Each stack's own UEFI path: netbootd hands out alpineboot.efi,
		# which fetches a boot.plan; the hand-built stack hands out the
		# distribution's snponly.efi, i.e. iPXE, which then does what
		# it does on BIOS.
		args=(--arch efi)
		[ "$stack" = reference ] && args+=(--efi-ipxe)
	fi
	if [ "$stack" = netbootd ]; then
		[ -f "$RAW/netbootd.log" ] && lines=$(wc -l <"$RAW/netbootd.log")
		start_netbootd
	else
		[ -f "$RAW/nginx-error.log" ] && lines=$(wc -l <"$RAW/nginx-error.log")
		start_nginx 80; start_tftpd_hpa 69; start_dnsmasq_proxy
	fi
	"$PROCWATCH" --out "$RAW/pw-storm-$tag" "${STACK_PIDS[@]}" &
	pw=$!
	sleep 0.3    # the first sample: idle RSS
	b_log "storm: $stack, $n clients, $flow"
	d0=$(ns_drops) m0=$(machine_busy)
	perf_begin "$tag"
	out=$(b_cli timeout 420 "$NBLOAD" storm --interface nbc0 \
		--server $B_SRV_IP --clients "$n" "${args[@]}" \
		--addr-base $B_ADDR_BASE --addrs $B_ADDRS --deadline 300 \
		--files $FILES --csv "$RAW/storm-$tag.csv" \
		2>"$RAW/storm-$tag.err")
	d1=$(ns_drops) m1=$(machine_busy)
	perf_end
	kill -TERM $pw; wait $pw
	[ "$stack" = netbootd ] &&
		b_srv curl -s -m 5 -o "$RAW/metrics-$tag" "http://$B_SRV_IP/metrics"
	stop_stack
	caps=$(storm_caps "$stack" "$lines" "$tag")
	sum=$(cat "$RAW/pw-storm-$tag")
	b_log "$out"
	b_log "$sum machine_busy_s=$(awk -v a="$m0" -v b="$m1" 'BEGIN { printf "%.1f", b - a }')"
	b_log "cap refusals (TFTP HTTP) $caps; kernel drops (listen, UDP) before $d0, after $d1"
	[ -n "$out" ] || { b_log "nbload gave no summary:"; cat "$RAW/storm-$tag.err" >&2; }
	# Columns 15, 16: payload bytes the clients received over TFTP and
	# HTTP (nbload's count), the "served" of report.sh's CPU s per GB.
	# 17-19: what a cap looks like from the clients (RRQs resent with no
	# answer, TFTP ERRORs, connects whose SYN was resent); 20, 21: the
	# server's own count of requests refused at a cap (TFTP, HTTP);
	# 22, 23: the server namespace's kernel drops during the storm
	# (listen queue, UDP receive buffers); 24: the whole machine's busy
	# CPU seconds (bench/lib.sh machine_busy: on a veth the kernel bills
	# the receiver's TCP work to whichever process it interrupts, so a
	# stack's own CPU s tells only part of its cost).
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stack" "$n" \
		"$(kv ok "$out")" "$(kv failed "$out")" "$(kv p50_ms "$out")" \
		"$(kv p99_ms "$out")" "$(kv max_ms "$out")" "$(kv cpu_s "$sum")" \
		"$(kv peak_rss_kb "$sum")" "$(kv start_rss_kb "$sum")" \
		"$(kv dhcp_retransmits "$out")" "$(kv tftp_retransmits "$out")" \
		"$(kv wall_s "$out")" "$(kv peak_pss_kb "$sum")" \
		"$(kv tftp_bytes "$out")" "$(kv http_bytes "$out")" \
		"$(kv tftp_rrq_retransmits "$out")" "$(kv tftp_errors "$out")" \
		"$(kv http_syn_retransmits "$out")" $caps \
		"$(( ${d1% *} - ${d0% *} ))" "$(( ${d1#* } - ${d0#* } ))" \
		"$(awk -v a="$m0" -v b="$m1" 'BEGIN { printf "%.1f", b - a }')" >>"$tsv"
}

# storm_caps STACK LOG_LINES TAG: "tftp http" requests the stack refused at
# a cap during its storm. netbootd: its own counts (bench/shape.sh
# nbd_cap_refusals). The reference: tftp-hpa has no cap (a child per
# transfer), dnsmasq none that a storm reaches; nginx logs "worker
# connections are not enough" for each connection it cannot take.
storm_caps() {
	if [ "$1" = netbootd ]; then
		nbd_cap_refusals "$RAW/netbootd.log" "$2" "$RAW/metrics-$3"
	else
		echo "- $(tail -n +"$(($2 + 1))" "$RAW/nginx-error.log" 2>/dev/null |
			grep -c 'worker_connections are not enough')"
	fi
}

: >"$RAW/storm.tsv"
want storm || STORM="" STORM_UEFI=""
for n in $STORM; do
	for s in $STACKS; do storm_one "$s" "$n" bios "$RAW/storm.tsv"; done
done
: >"$RAW/storm-uefi.tsv"
if [ -f "$ROOT/alpineboot.efi" ] || [ -z "$STORM_UEFI" ]; then
	for n in $STORM_UEFI; do
		for s in $STACKS; do storm_one "$s" "$n" uefi "$RAW/storm-uefi.tsv"; done
	done
else
	b_log "no $EFI_IMAGE: the UEFI storm is left out"
fi

# --- 4. a site's inventory ----------------------------------------------------
# Client i of nbload storm has MAC 02:6e:62:HH:MM:LL (nbload.c): the config
# names clients 0..INVENTORY-1 that way, 100 hosts a file, with a hostname
# each, so every storm request is a hit in a table of INVENTORY sections.
: >"$RAW/storm-inventory.tsv"
: >"$RAW/inventory.tsv"
if want inventory && [ "$INVENTORY" -gt 0 ]; then
	inv=$RAW/inventory
	mkdir -p "$inv/clients.d"
	awk -v n="$INVENTORY" -v dir="$inv/clients.d" 'BEGIN {
		for (i = 0; i < n; i++) {
			f = sprintf("%s/%05d.conf", dir, int(i / 100));
			if (f != last) { if (last != "") close(last); last = f }
			printf("[client 02:6e:62:%02x:%02x:%02x]\nhostname = h%d\n\n",
			       int(i / 65536) % 256, int(i / 256) % 256, i % 256, i) > f
		}
	}'
	printf 'include = clients.d/*.conf\n' >"$inv/netbootd.conf"
	printf '[server]\ncheck = off\ninclude = clients.d/*.conf\n' >"$inv/parse-only.conf"
	: >"$inv/empty.conf"
	for c in parse-only netbootd; do
		/usr/bin/time -f '%e %M' -o "$RAW/inventory-$c.time" "$NETBOOTD" --check-config \
			--root "$ROOT" --listen 127.0.0.1 --config "$inv/$c.conf" \
			>"$RAW/inventory-$c.out" 2>&1 || b_log "check of $c: $(tail -1 "$RAW/inventory-$c.out")"
		read -r secs rss <"$RAW/inventory-$c.time"
		printf '%s\t%s\t%s\t%s\n' "$c" "$INVENTORY" "$secs" "$rss" >>"$RAW/inventory.tsv"
		b_log "inventory: --check-config ($c) with $INVENTORY clients: $secs s, $rss KiB"
	done
	for c in empty netbootd; do
		NBD_CONFIG=$inv/$c.conf
		storm_one netbootd "$INV_STORM" bios "$RAW/storm-inv-$c.tsv" "-inv-$c"
		sed "s/^netbootd\t/$c\t/" "$RAW/storm-inv-$c.tsv" >>"$RAW/storm-inventory.tsv"
	done
	NBD_CONFIG=
fi

# --- 5. a shaped wire ---------------------------------------------------------
# The BIOS storm again through a token bucket on the server's egress
# (bench/shape.sh: 1 or 10 Gbit/s), each stack fresh, netbootd then the
# reference for each rate and N. One row per stack, rate and N in
# $RAW/shaped.tsv: storm.tsv's columns, then the rate (bit/s) and the
# bytes and packets the qdisc sent and dropped during the storm.
shaped_storms() {
	local spec rate ns n st q0 q1 bps
	: >"$RAW/shaped.tsv"
	for spec in $SHAPED; do
		rate=${spec%%:*} ns=${spec#*:}
		bps=$(shape_bps "$rate") || b_die "BENCH_SHAPED: unknown rate $rate (1gbit, 10gbit)"
		shape_on "$rate"
		for n in ${ns//,/ }; do
			for st in $STACKS; do
				q0=$(shape_stats)
				: >"$RAW/shaped-one.tsv"
				storm_one "$st" "$n" bios "$RAW/shaped-one.tsv" "-$rate"
				q1=$(shape_stats)
				printf '%s\t%s\t%s\t%s\n' "$(cat "$RAW/shaped-one.tsv")" "$bps" \
					"$(( ${q1% *} - ${q0% *} ))" "$(( ${q1#* } - ${q0#* } ))" \
					>>"$RAW/shaped.tsv"
			done
		done
		shape_off
	done
	rm -f "$RAW/shaped-one.tsv"
}
want shaped && [ -n "$SHAPED" ] && shaped_storms

# --- 2. TFTP single transfers, 3. HTTP: everyone up at once ----------------
# (part 4 above runs right after the storms, beside them in the results)
want transfers || REPS=0 LAN_REPS=0
start_netbootd --no-dhcp --tftp-port $P_NBD_TFTP --http-port $P_NBD_HTTP
start_tftpd_hpa $P_HPA
start_dnsmasq_tftp
start_nginx $P_NGINX
ALL_PIDS=("${STACK_PIDS[@]}")

TFTP_CFGS=()
for bs in 512 1432 1468; do
	for ws in 1 4 16 64; do TFTP_CFGS+=("netbootd $P_NBD_TFTP $bs $ws"); done
	TFTP_CFGS+=("tftp-hpa $P_HPA $bs 1")
	TFTP_CFGS+=("dnsmasq $P_DNSMASQ $bs 1" "dnsmasq $P_DNSMASQ $bs 16")
done
# tftp_rounds TSV REPS LABEL CFG... [-- nbload args]: REPS rounds of one
# 40 MiB transfer per "server port blksize windowsize" CFG, a row each.
tftp_rounds() {
	local tsv=$1 reps=$2 label=$3 rep cfg out extra=() cfgs=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cfgs+=("$1"); shift; done
	[ $# -gt 0 ] && shift && extra=("$@")
	: >"$tsv"
	for rep in $(seq 1 "$reps"); do
		b_log "$label: round $rep of $reps (${#cfgs[@]} transfers of 40 MiB)"
		for cfg in "${cfgs[@]}"; do
			set -- $cfg
			out=$(b_cli timeout 120 "$NBLOAD" tftp --server $B_SRV_IP \
				--tftp-port "$2" --file big40 --blksize "$3" --windowsize "$4" \
				"${extra[@]}" 2>>"$RAW/tftp.err")
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$4" "$(kv windowsize "$out")" \
				"$(kv MBps "$out")" "$(kv ok "$out")" "$(kv retransmits "$out")" \
				>>"$tsv"
		done
	done
}
tftp_rounds "$RAW/tftp.tsv" "$REPS" tftp "${TFTP_CFGS[@]}"

# The same at blksize 1468 with the client holding each ACK back
# $ACK_DELAY_US us (nbload --ack-delay-us): a switched LAN plus a boot ROM's
# turnaround. On the bare veth both are near zero, lockstep is bound by CPU
# rather than by round trips, and windowsize has little to win (see
# docs/benchmarks.md); this is the case windowsize exists for.
LAN_CFGS=()
for ws in 1 4 16 64; do LAN_CFGS+=("netbootd $P_NBD_TFTP 1468 $ws"); done
LAN_CFGS+=("tftp-hpa $P_HPA 1468 1" "dnsmasq $P_DNSMASQ 1468 1")
tftp_rounds "$RAW/tftp-lan.tsv" "$LAN_REPS" "tftp with ${ACK_DELAY_US} us ACK delay" \
	"${LAN_CFGS[@]}" -- --ack-delay-us "$ACK_DELAY_US"

: >"$RAW/http.tsv"
for rep in $(seq 1 "$REPS"); do
	for c in 1 10 100; do
		for srv in "netbootd $P_NBD_HTTP" "nginx $P_NGINX"; do
			set -- $srv
			th=2; [ "$c" -eq 1 ] && th=1
			b_log "http: $1, $c connections, ${HTTP_SECONDS} s (round $rep)"
			out=$(wrk_big20 "$2" "$c" $th)
			echo "$out" >>"$RAW/wrk-$1-$c.txt"
			rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
			mbs=$(wrk_mbs "$out")
			errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
			printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$c" "${rps:-0}" "${mbs:-0}" "$errs" >>"$RAW/http.tsv"
		done
	done
done
# wrk through the 10 Gbit/s bucket: "nginx alone" against netbootd on a
# wire, the issue's "0.9x of the best of nginx alone and netbootd".
shaped_http() {
	local rep srv out mbs
	: >"$RAW/http-shaped.tsv"
	shape_on 10gbit
	for rep in $(seq 1 "$REPS"); do
		for srv in "netbootd $P_NBD_HTTP" "nginx $P_NGINX"; do
			set -- $srv
			b_log "http through 10gbit: $1, 100 connections, ${HTTP_SECONDS} s (round $rep)"
			out=$(wrk_big20 "$2" 100 2)
			echo "$out" >>"$RAW/wrk-shaped-$1.txt"
			mbs=$(wrk_mbs "$out")
			printf '%s\t%s\t%s\t%s\n' "$1" 100 10000000000 "${mbs:-0}" >>"$RAW/http-shaped.tsv"
		done
	done
	shape_off
}
[ "$SHAPED_HTTP" = 1 ] && want shaped && [ "$REPS" -gt 0 ] && shaped_http

"$PROCWATCH" --interval-ms 50 --out "$RAW/pw-end" "${ALL_PIDS[0]}" &
pw=$!; sleep 0.2; kill -TERM $pw; wait $pw
NBD_HWM_END=$(kv hwm_sum_kb "$(cat "$RAW/pw-end")")
stop_stack

# --- 5. TFTP through random loss: bench/loss.sh (knobs BENCH_LOSS="1 5",
# BENCH_LOSS_REPS=3, BENCH_LOSS_CAP=60), namespaces of its own, loss.md
want loss && { NETBOOTD=$NETBOOTD bench/loss.sh "$RAW" >"$RAW/loss.out" 2>&1 || b_log "loss: failed"; }

# --- report ------------------------------------------------------------------
T_END=$(date +%s)
cut -d' ' -f1-3 /proc/loadavg >"$RAW/load-end"
bench/report.sh "$RAW" "$OUT" "$((T_END - T_START))" "$SCALE" "$REPS" \
	"$HTTP_SECONDS" "$NBD_HWM_END" "$LAN_REPS" "$ACK_DELAY_US" || b_die "report failed"
b_log "done in $((T_END - T_START)) s: $OUT/results.md, $OUT/bench.png"
