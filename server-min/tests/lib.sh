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
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/lib.sh"
T_NAME=
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
	tl_traps t_cleanup
	tl_need_root "$T_NAME" "network namespaces" || exit 1
	[ -x "$NETBOOTD" ] || { echo "$T_NAME: no netbootd at $NETBOOTD"; exit 1; }
}

t_cleanup() {
	t_stop_netbootd
	tl_ns_del "$NS_SRV" "$NS_CLI"
	[ -n "$T_DIR" ] && rm -rf "$T_DIR"
	return 0
}

# Two namespaces joined by a veth pair, so clients send real packets through
# a real interface (broadcasts included) and nothing reaches the host's
# network. Names carry the PID: tests may run side by side.
t_netns_pair() {
	NS_SRV=nbs-$T_NAME-$$
	NS_CLI=nbc-$T_NAME-$$
	tl_ns_add "$NS_SRV" "$NS_CLI" || return 1
	tl_veth "$NS_SRV" nbs0 "$NS_CLI" nbc0 || return 1
	ip -n "$NS_SRV" addr add $SRV_IP/24 dev nbs0
	ip -n "$NS_CLI" addr add $CLI_IP/24 dev nbc0
	ip -n "$NS_CLI" addr add $CLI2_IP/24 dev nbc0
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
	tl_netbootd "$NS_SRV" "$T_LOG" --interface nbs0 "$@" || {
		echo "$T_NAME: netbootd did not become ready"; T_NBD_PID=; return 1; }
	T_NBD_PID=$TL_PID
}

# Stop netbootd with SIGTERM, wait at most 5 s; its exit status is returned
# (0 expected: it exits cleanly on SIGTERM).
t_stop_netbootd() {
	[ -n "$T_NBD_PID" ] || return 0
	local pid=$T_NBD_PID
	T_NBD_PID=
	tl_stop "$pid"
}

# t_log_has 'ERE' [description]: one assertion on the server log. Waits up to
# 3 s, since log lines for a finished transfer may trail the client's exit.
t_log_has() { t_expect_log "$T_LOG" "$1" "${2:-"log has /$1/"}" 30; }
t_log_lacks() { t_expect_no_log "$T_LOG" "$1" "${2:-"log lacks /$1/"}"; }

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
		local pid=$T_NBD_PID
		T_NBD_PID=
		t_netbootd_exits "$pid" "$T_LOG"
	fi
	t_served_report
	t_summary "$T_NAME"
}
