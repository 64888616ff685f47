#!/bin/bash
# tests-qemu/run.sh [NN ...]: run the boot scenarios (tests-qemu/scenarios/),
# all of them or those whose number or name is given, QEMU_JOBS at a time.
#
# Each scenario is its own script with its own namespaces, so they run side
# by side. Output of a scenario is printed whole when it ends (not
# interleaved), with its wall time; a failing one has already printed the
# last 40 lines of its serial console and server log. Exit 0 when all pass.
set -u
cd "$(dirname "$0")/.." || exit 1
JOBS=${QEMU_JOBS:-2}
out=$(mktemp -d /tmp/nbqemu-run.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM HUP

all=(tests-qemu/scenarios/[0-9]*.sh)
sel=()
if [ $# -eq 0 ]; then
	# QEMU_EXCLUDE: numbers left out of "all" (make qemu-boot leaves the
	# arm64 scenarios to make qemu-arm64, which runs them alone).
	for s in "${all[@]}"; do
		n=${s##*/}; n=${n%%-*}
		case " ${QEMU_EXCLUDE:-} " in *" $n "*) continue ;; esac
		sel+=("$s")
	done
else
	# A number (07, 05b) picks by prefix only: as a substring "10" would
	# also pick 02-bios-e1000. Anything else is a part of the name.
	for want in "$@"; do
		for s in "${all[@]}"; do
			if [[ $want =~ ^[0-9]+[a-z]?$ ]]; then
				case ${s##*/} in "$want"-*|"$want"[a-z]-*) sel+=("$s") ;; esac
			else
				case ${s##*/} in *"$want"*) sel+=("$s") ;; esac
			fi
		done
	done
fi
# Each once, in the order first asked for ("05" also picks 05b).
declare -A seen=()
uniq=()
for s in "${sel[@]}"; do [ -n "${seen[$s]:-}" ] || uniq+=("$s"); seen[$s]=1; done
sel=("${uniq[@]}")
[ ${#sel[@]} -gt 0 ] || { echo "run.sh: no scenario matches $*"; exit 1; }

run_one() {
	local s=$1 n=${1##*/} t0 rc
	n=${n%.sh}
	t0=$(date +%s)
	bash "$s" >"$out/$n.log" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" >"$out/$n.rc"
}

t0=$(date +%s)
for s in "${sel[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	echo "--- start ${s##*/}"
	run_one "$s" &
done
wait

pass=0 fail=0 failed= summary=
for s in "${sel[@]}"; do
	n=${s##*/}; n=${n%.sh}
	read -r rc secs <"$out/$n.rc" 2>/dev/null || { rc=1; secs=?; }
	echo "=== $n"
	cat "$out/$n.log"
	if [ "$rc" -eq 0 ]; then pass=$((pass + 1)); r=pass
	else fail=$((fail + 1)); failed="$failed $n"; r="FAIL (exit $rc)"; fi
	summary="$summary$(printf '  %-28s %4s s  %s' "$n" "$secs" "$r")"$'\n'
done
echo "=== boot scenarios (QEMU_JOBS=$JOBS, $(( $(date +%s) - t0 )) s in all)"
printf '%s' "$summary"
[ -z "$failed" ] || echo "FAILED:$failed"
echo "qemu-boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
