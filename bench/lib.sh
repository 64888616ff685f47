# bench/lib.sh: namespaces, files and servers for the benchmarks (sourced by
# bench/run.sh and bench/smoke.sh).
#
# Two network namespaces joined by a veth pair: servers in $B_NS_SRV on
# nbs0 198.18.0.1/16, the load generator in $B_NS_CLI on nbc0 198.18.1.1/16
# plus $B_ADDRS client addresses from 198.18.2.1 on. Nothing leaves them.
# Names carry the PID so runs can go side by side; b_cleanup (on EXIT)
# stops what we started, by PID, and deletes the namespaces.
#
# The kernel's neighbour table limit (net.ipv4.neigh.default.gc_thresh3,
# 1024) is global, not per namespace, and we leave the host's settings
# alone: so clients share addresses (client i uses address i % B_ADDRS)
# rather than each having its own.

set -u
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/lib.sh"
B_SRV_IP=198.18.0.1
B_CLI_IP=198.18.1.1
B_ADDR_BASE=198.18.2.1
B_ADDRS=${B_ADDRS:-250}
B_NS_SRV=
B_NS_CLI=
B_DIR=
B_PIDS=()

b_log() { printf '%s bench: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
b_die() { b_log "error: $*"; exit 1; }

b_cleanup() {
	local p
	for p in "${B_PIDS[@]}"; do tl_stop "$p"; done
	B_PIDS=()
	tl_ns_del "$B_NS_SRV" "$B_NS_CLI"
	[ -n "$B_DIR" ] && [ -z "${B_KEEP:-}" ] && rm -rf "$B_DIR"
	return 0
}

# b_init NAME: work dir, cleanup trap, root check.
b_init() {
	tl_need_root bench "network namespaces" || exit 1
	B_DIR=$(mktemp -d "/tmp/nbbench-$1.XXXXXX")
	tl_traps b_cleanup
}

b_srv() { ip netns exec "$B_NS_SRV" "$@"; }
b_cli() { ip netns exec "$B_NS_CLI" "$@"; }

b_netns_up() {
	local i a
	B_NS_SRV=nbbs-$$
	B_NS_CLI=nbbc-$$
	tl_ns_add "$B_NS_SRV" "$B_NS_CLI" || b_die "ip netns add"
	tl_veth "$B_NS_SRV" nbs0 "$B_NS_CLI" nbc0 || b_die "veth pair"
	ip -n "$B_NS_SRV" addr add $B_SRV_IP/16 dev nbs0
	ip -n "$B_NS_CLI" addr add $B_CLI_IP/16 dev nbc0
	# Client addresses, in one batch: 198.18.2.1, .2, ... (a /16 is on-link).
	for i in $(seq 0 $((B_ADDRS - 1))); do
		a=$(( (2 << 8) + 1 + i ))
		echo "addr add 198.18.$((a >> 8)).$((a & 255))/16 dev nbc0"
	done | ip -n "$B_NS_CLI" -batch - || b_die "client addresses"
	# Ephemeral ports for 1000 clients' connections from few addresses.
	b_cli sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
	for i in $(seq 1 50); do
		b_cli cat /sys/class/net/nbc0/operstate 2>/dev/null | grep -q up &&
		b_srv cat /sys/class/net/nbs0/operstate 2>/dev/null | grep -q up &&
			return 0
		sleep 0.1
	done
	b_die "veth pair did not come up"
}

# b_file PATH BYTES: random content, made once per run.
b_file() {
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom >"$1"
}

# b_start NAME LOG CMD...: start a server in the server namespace in the
# background; its PID in $B_LAST_PID and in the cleanup list.
b_start() {
	local name=$1 log=$2; shift 2
	ip netns exec "$B_NS_SRV" "$@" >>"$log" 2>&1 &
	B_LAST_PID=$!
	B_PIDS+=("$B_LAST_PID")
	b_log "started $name (pid $B_LAST_PID)"
}

# b_stop PID: SIGTERM, wait at most 5 s, then SIGKILL. Returns the exit
# status (124 when it had to be killed).
b_stop() {
	local pid=$1 rc=0 p keep=()
	tl_stop "$pid" || rc=$?
	for p in "${B_PIDS[@]}"; do [ "$p" != "$pid" ] && keep+=("$p"); done
	B_PIDS=("${keep[@]}")
	return $rc
}

# b_wait_udp PORT / b_wait_tcp PORT: until something listens in the server
# namespace, at most 10 s.
b_wait_listen() {
	local proto=$1 port=$2 i
	for i in $(seq 1 100); do
		b_srv ss -Hln"$proto" "sport = :$port" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	b_die "nothing listens on $proto port $port"
}

# b_wait_log FILE REGEX: until the line appears, at most 10 s.
b_wait_log() {
	tl_wait_log "$1" "$2" 100 && return 0
	b_log "no /$2/ in $1:"; tail -20 "$1" >&2
	return 1
}

# machine_busy: CPU seconds the whole machine has spent busy since boot
# (user, nice, system, irq, softirq of /proc/stat's cpu line; idle, iowait
# and steal left out). The difference over a storm is every process's and
# every softirq's share, whoever the kernel bills it to: on a veth the
# receiver's TCP work often runs in the sender's system time.
machine_busy() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {
		printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / hz; exit }' /proc/stat
}
