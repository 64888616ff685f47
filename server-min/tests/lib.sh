# server-min/tests/lib.sh: the small harness of netbootd's protocol tests.
#
# A test is a bash script that sources this file, makes a private network
# namespace pair (server side, client side, a veth between them, addresses
# from 198.18.0.0/15), starts netbootd in the server namespace, drives real
# clients from the client namespace, and states what it expects:
#
#   . "$(dirname "$0")/lib.sh"
#   t_init tftp                 # names the test; cleanup on any exit
#   t_netns_pair                # $NS_SRV 198.18.0.1/24 nbs0, $NS_CLI 198.18.0.2/24 nbc0
#   t_start_netbootd --root "$T_ROOT"   # waits for its "ready" log line
#   t_cli curl -s ...           # run a command in the client namespace
#   t_check "what" cmd args...  # one named assertion: pass if cmd exits 0
#   t_log_has 'regex'           # assertion on the server's log
#   t_done                      # prints "N passed, M failed", exit status
#
# Nothing leaves the namespaces; everything is torn down on exit, Ctrl-C
# included. Every wait is bounded.

set -u
T_NAME=
T_PASS=0
T_FAIL=0
T_DIR=
T_ROOT=
NS_SRV=
NS_CLI=
T_NBD_PID=
T_LOG=
NETBOOTD=${NETBOOTD:-build/san/netbootd}
SRV_IP=198.18.0.1
CLI_IP=198.18.0.2
CLI2_IP=198.18.0.3     # "another host": a second address in the client namespace

t_init() {
	T_NAME=$1
	T_DIR=$(mktemp -d "/tmp/nbtest-$T_NAME.XXXXXX")
	T_ROOT=$T_DIR/root
	T_LOG=$T_DIR/netbootd.log
	mkdir -p "$T_ROOT"
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
	[ "$(id -u)" -eq 0 ] || { echo "$T_NAME: needs root (network namespaces)"; exit 1; }
	[ -x "$NETBOOTD" ] || { echo "$T_NAME: no netbootd at $NETBOOTD"; exit 1; }
}

t_cleanup() {
	t_stop_netbootd
	[ -n "$NS_SRV" ] && ip netns del "$NS_SRV" 2>/dev/null
	[ -n "$NS_CLI" ] && ip netns del "$NS_CLI" 2>/dev/null
	[ -n "$T_DIR" ] && rm -rf "$T_DIR"
	return 0
}

t_ok()   { T_PASS=$((T_PASS + 1)); echo "ok   - $*"; }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }

# t_check "description" command args...: pass when the command exits 0.
t_check() {
	local what=$1; shift
	if "$@"; then t_ok "$what"; else t_fail "$what"; fi
}

# Two namespaces joined by a veth pair, so clients send real packets through
# a real interface (broadcasts included) and nothing reaches the host's
# network. Names carry the PID: tests may run side by side.
t_netns_pair() {
	NS_SRV=nbs-$T_NAME-$$
	NS_CLI=nbc-$T_NAME-$$
	ip netns add "$NS_SRV"
	ip netns add "$NS_CLI"
	ip -n "$NS_SRV" link add nbs0 type veth peer name nbc0 netns "$NS_CLI"
	ip -n "$NS_SRV" addr add $SRV_IP/24 dev nbs0
	ip -n "$NS_CLI" addr add $CLI_IP/24 dev nbc0
	ip -n "$NS_CLI" addr add $CLI2_IP/24 dev nbc0
	ip -n "$NS_SRV" link set lo up
	ip -n "$NS_CLI" link set lo up
	ip -n "$NS_SRV" link set nbs0 up
	ip -n "$NS_CLI" link set nbc0 up
	# A veth is up at once, but give DAD-less IPv4 a moment to settle.
	local i
	for i in $(seq 1 50); do
		ip netns exec "$NS_CLI" ping -c1 -W1 $SRV_IP >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "$T_NAME: veth pair did not come up"; return 1
}

t_srv() { ip netns exec "$NS_SRV" "$@"; }
t_cli() { ip netns exec "$NS_CLI" "$@"; }

# t_start_netbootd ARGS...: start netbootd in the server namespace with
# --interface nbs0, log to $T_LOG, wait (at most 10 s) for its ready line.
t_start_netbootd() {
	: >"$T_LOG"
	ip netns exec "$NS_SRV" "$NETBOOTD" --interface nbs0 "$@" 2>>"$T_LOG" &
	T_NBD_PID=$!
	local i
	for i in $(seq 1 100); do
		grep -q 'main - ready' "$T_LOG" && return 0
		kill -0 "$T_NBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "$T_NAME: netbootd did not become ready; its log:"; cat "$T_LOG"
	T_NBD_PID=
	return 1
}

# Stop netbootd with SIGTERM, wait at most 5 s; its exit status is returned
# (0 expected: it exits cleanly on SIGTERM).
t_stop_netbootd() {
	[ -n "$T_NBD_PID" ] || return 0
	local pid=$T_NBD_PID rc=0 i
	T_NBD_PID=
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null; rc=124
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return $rc
}

# t_log_has 'ERE' [description]: one assertion on the server log. Waits up to
# 3 s, since log lines for a finished transfer may trail the client's exit.
t_log_has() {
	local re=$1 what=${2:-"log has /$1/"} i
	for i in $(seq 1 30); do
		grep -Eq -- "$re" "$T_LOG" && { t_ok "$what"; return 0; }
		sleep 0.1
	done
	t_fail "$what"; echo "--- server log:"; tail -n 40 "$T_LOG"; return 1
}

t_log_lacks() {
	local re=$1 what=${2:-"log lacks /$1/"}
	if grep -Eq -- "$re" "$T_LOG"; then
		t_fail "$what"; grep -E -- "$re" "$T_LOG" | head -5
	else t_ok "$what"; fi
}

# A file of random bytes, its SHA-256 echoed.
t_random_file() {
	local path=$1 mib=$2
	head -c $((mib * 1024 * 1024)) /dev/urandom >"$path"
	sha256sum "$path" | cut -d' ' -f1
}

t_sha() { sha256sum "$1" | cut -d' ' -f1; }

# The hostile suites (tests/hostile-*.sh) are tables of cases; after each
# attack a normal client on the other address ($CLI2_IP) must still be
# served. t_served PROTO FILE [what]: fetch FILE (beneath $T_ROOT) over
# PROTO (http or tftp) from $CLI2_IP with curl, within T_SERVED_LIMIT
# seconds (generous: a loaded machine must not fail it), check its SHA-256
# against the file in the root, and record the time to T_SERVED_TIMES so the
# suite can report the times a normal client actually waited.
T_SERVED_LIMIT=${T_SERVED_LIMIT:-10}
T_SERVED_TIMES=
t_served() {
	local proto=$1 file=$2 what=${3:-"a normal client on $CLI2_IP gets $2 over $1"}
	local url out t0 t1 ms
	case $proto in
	http) url="http://$SRV_IP:${T_HTTP_PORT:-80}/$file" ;;
	tftp) url="tftp://$SRV_IP:${T_TFTP_PORT:-69}/$file" ;;
	*) t_fail "$what (unknown protocol $proto)"; return 1 ;;
	esac
	out=$T_DIR/served.$$
	t0=$(date +%s%N)
	ip netns exec "$NS_CLI" curl -s -o "$out" --interface "$CLI2_IP" \
		--max-time "$T_SERVED_LIMIT" "$url"
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	if [ -f "$out" ] && [ "$(t_sha "$out")" = "$(t_sha "$T_ROOT/$file")" ]; then
		T_SERVED_TIMES="$T_SERVED_TIMES $ms"
		t_ok "$what (${ms} ms)"
	else
		t_fail "$what (nothing intact after ${ms} ms)"
	fi
	rm -f "$out"
}

# t_case NAME CMD...: one row of a hostile table: run the attack (a shell
# function or command that makes its own assertions), then nothing else;
# the caller follows with t_served. Prints a header so the log reads as a
# table.
t_case() {
	local name=$1; shift
	echo "--- case: $name"
	"$@"
}

# The slowest and median wait of a normal client, for the closing report.
t_served_report() {
	[ -n "$T_SERVED_TIMES" ] || return 0
	echo "$T_NAME: normal client waits (ms), sorted:" \
		"$(printf '%s\n' $T_SERVED_TIMES | sort -n | tr '\n' ' ')"
}

t_done() {
	if [ -n "$T_NBD_PID" ]; then
		t_stop_netbootd; local rc=$?
		if [ $rc -ne 0 ]; then t_fail "netbootd exits 0 on SIGTERM (got $rc)"
		else t_ok "netbootd exits 0 on SIGTERM"; fi
	fi
	t_served_report
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] && [ "$T_PASS" -gt 0 ]
}
