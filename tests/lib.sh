# shellcheck shell=bash
# shellcheck disable=SC2034  # TL_PID, T_TAG: set here, read by the harnesses
# tests/lib.sh: the one shell test library of netboot. The protocol tests
# (server-min/tests/lib.sh), the QEMU rig (tests-qemu/rig.sh) and the
# benchmarks (bench/lib.sh) source it and keep only what is theirs.
#
# What lives here, once:
#   t_ok / t_fail / t_check / t_summary   the pass/fail count and its lines
#       ("ok   - [$T_TAG: ]what", "FAIL - ..."; "NAME: N passed, M failed")
#   t_expect_log / t_expect_no_log        one assertion on a log file
#   tl_wait_log FILE ERE TENTHS [PID]     a bounded wait for a log line
#   tl_need_root NAME WHY / tl_traps FN   the checks and traps every test has
#   tl_ns_add NS... / tl_ns_del NS...     network namespaces (lo up)
#   tl_veth NS-A IF-A NS-B IF-B           a veth pair between them, both up
#   tl_netbootd NS LOG ARGS...            start netbootd, wait for its ready
#       line (10 s at most); its PID in $TL_PID
#   tl_stop PID                           SIGTERM, 5 s, SIGKILL; exit status
#   t_netbootd_exits PID LOG              the clean-exit assertion
#
# Every wait is bounded in count and time; nothing here leaves the
# namespaces the caller made. Functions return 0 or 1 and never exit, so
# each harness decides how a failed set-up ends its test.

set -u
T_PASS=${T_PASS:-0}
T_FAIL=${T_FAIL:-0}
T_TAG=${T_TAG:-}                 # put before each ok/FAIL line's text
TL_PID=

t_ok()   { T_PASS=$((T_PASS + 1)); echo "ok   - ${T_TAG:+$T_TAG: }$*"; }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - ${T_TAG:+$T_TAG: }$*"; }

# t_check "description" command args...: pass when the command exits 0.
t_check() {
	local what=$1; shift
	if "$@"; then t_ok "$what"; else t_fail "$what"; fi
}

# t_summary NAME: the closing line; 0 when something passed and nothing
# failed (a test that asserted nothing has not passed).
t_summary() {
	echo "$1: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] && [ "$T_PASS" -gt 0 ]
}

# tl_wait_log FILE ERE TENTHS [PID]: until FILE has a line matching ERE, at
# most TENTHS tenths of a second; gives up early once PID (the writer) is
# gone. 0 when the line is there.
tl_wait_log() {
	local file=$1 re=$2 n=$3 pid=${4:-} i
	for ((i = 0; i < n; i++)); do
		grep -Eaq -- "$re" "$file" 2>/dev/null && return 0
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -Eaq -- "$re" "$file" 2>/dev/null
}

# t_expect_log FILE ERE WHAT TENTHS: one assertion; a log line for a
# finished transfer may trail the client's exit, so it waits (bounded).
# On failure the log's tail says why.
t_expect_log() {
	local file=$1 re=$2 what=$3 n=$4
	if tl_wait_log "$file" "$re" "$n"; then t_ok "$what"; return 0; fi
	t_fail "$what"; echo "--- $(basename "$file") (last 40 lines):"; tail -n 40 "$file"
	return 1
}

# t_expect_no_log FILE ERE WHAT: the log has no such line (now).
t_expect_no_log() {
	local file=$1 re=$2 what=$3
	if grep -Eaq -- "$re" "$file"; then
		t_fail "$what"; grep -Ea -- "$re" "$file" | head -n 5; return 1
	fi
	t_ok "$what"
}

# tl_need_root NAME WHY: namespaces and tap devices need root.
tl_need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	echo "$1: needs root ($2)" >&2; return 1
}

# tl_traps FUNCTION: FUNCTION on every exit, Ctrl-C and kill included.
tl_traps() {
	# shellcheck disable=SC2064  # the function's name, now: that is the point
	trap "$1" EXIT
	trap 'exit 130' INT TERM HUP
}

# tl_ns_add NS...: new namespaces with their loopback up.
tl_ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || { echo "cannot create namespace $ns" >&2; return 1; }
		ip -n "$ns" link set lo up
	done
}

tl_ns_del() {
	local ns
	for ns in "$@"; do [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; done
	return 0
}

# tl_veth NS-A IF-A NS-B IF-B: a veth pair, IF-A in NS-A and IF-B in
# NS-B, both up (no addresses: the caller's network plan).
tl_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# tl_netbootd NS LOG ARGS...: $NETBOOTD in namespace NS, its log (stderr)
# appended to LOG, in the background; waits at most 10 s for its ready
# line. 0 with the PID in $TL_PID; else 1, the log shown, $TL_PID empty.
tl_netbootd() {
	local ns=$1 log=$2; shift 2
	TL_PID=
	[ -x "$NETBOOTD" ] || { echo "no netbootd at $NETBOOTD (make all)" >&2; return 1; }
	: >"$log"
	ip netns exec "$ns" "$NETBOOTD" "$@" 2>>"$log" &
	local pid=$!
	if tl_wait_log "$log" 'main - ready' 100 "$pid"; then TL_PID=$pid; return 0; fi
	echo "netbootd did not become ready; its log:"; cat "$log"
	tl_stop "$pid"
	return 1
}

# tl_stop PID: SIGTERM, at most 5 s to go, then SIGKILL. Returns the
# process's exit status, 124 when it had to be killed.
tl_stop() {
	local pid=$1 rc=0 i
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return $rc
}

# t_netbootd_exits PID LOG: stop netbootd; one assertion that it exits 0
# on SIGTERM (a clean shutdown: sanitizers report at exit).
t_netbootd_exits() {
	local rc=0
	tl_stop "$1" || rc=$?
	if [ $rc -eq 0 ]; then t_ok "netbootd exits 0 on SIGTERM"; return 0; fi
	t_fail "netbootd exits 0 on SIGTERM (got $rc)"; tail -n 20 "$2"
	return 1
}
