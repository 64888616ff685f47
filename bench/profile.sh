#!/bin/bash
# bench/profile.sh: `make bench-profile`. Where a storm's time goes: the
# BIOS storm of BENCH_PROFILE_N clients (1000) for each stack, as in
# `make bench` (bench/run.sh, part 1), with a system-wide `perf record`
# (cpu-clock, call graphs) of BENCH_PERF seconds (8) from the storm's 2nd
# second. Writes build/bench-profile/profile.md: for each stack, every
# process's share of the machine's samples (kernel and user), and the
# system calls that hold the most samples below them (children). The
# storms under perf are slower than in `make bench`; read the shares, not
# the times.
#
# Why: on a 2-core machine the bare-veth storm is bound by CPU, and which
# process spends it, in which system call, says what a server can still
# change (its own code, its system calls) and what it cannot (the kernel's
# TCP path for the bytes both stacks send).
cd "$(dirname "$0")/.." || exit 1
RAW=${BENCH_RAW:-$PWD/build/bench-profile}
export BENCH_RAW=$RAW BENCH_ONLY=storm BENCH_STORM=${BENCH_PROFILE_N:-1000} \
	BENCH_STORM_UEFI="" BENCH_PERF=${BENCH_PERF:-8}
command -v perf >/dev/null || { echo "profile: no perf (make deps)" >&2; exit 1; }
bench/run.sh || exit 1

# summary DATA: the markdown tables of one perf file.
summary() {
	echo "| process | share of samples | in the kernel | in its own code and libraries |"
	echo "|---|---:|---:|---:|"
	perf report -i "$1" --no-children --sort comm,dso -g none -q 2>/dev/null |
		awk 'NF >= 3 { p = $1; sub(/%/, "", p); c = $2; t[c] += p
			if ($3 == "[kernel.kallsyms]") k[c] += p }
		END { for (c in t) if (t[c] >= 0.5)
			printf "| %s | %.1f %% | %.1f %% | %.1f %% |\n", c, t[c], k[c], t[c] - k[c] }' |
		sort -t'|' -k3 -g -r
	echo
	echo "| process | system call (its samples and those of what it called) | share |"
	echo "|---|---|---:|"
	perf report -i "$1" --children --sort comm,sym -g none -q 2>/dev/null |
		awk '$5 ~ /^__x64_sys_|^asm_exc_page_fault$/ { p = $1; sub(/%/, "", p)
			if (p >= 0.5) { s = $5; sub(/^__x64_sys_/, "", s)
				printf "| %s | %s | %.1f %% |\n", $3, s, p } }' | head -12
}

{
	echo "# Where a storm's CPU goes"
	echo
	echo "\`make bench-profile\`: BIOS storm of $BENCH_STORM clients per stack on the"
	echo "bare veth, \`perf record -e cpu-clock -a -g\` for $BENCH_PERF s from the"
	echo "storm's 2nd second. Shares of all samples on the machine ($(nproc) CPUs)."
	echo "The storms ran slower than in \`make bench\` (perf watches them)."
	for f in "$RAW"/perf-*.data; do
		[ -s "$f" ] || continue
		t=${f##*/perf-}
		echo
		echo "## ${t%.data}"
		echo
		summary "$f"
	done
	echo
	echo "Storm rows of this run (storm.tsv): stack N ok failed p50_ms p99_ms max_ms cpu_s ..."
	echo
	sed 's/^/    /' "$RAW/storm.tsv"
} >"$RAW/profile.md"
echo "profile: $RAW/profile.md"
cat "$RAW/profile.md"
