# server-min/tests/http_lib.sh: the clients and probes both HTTP suites
# (http.sh, hostile-http.sh) use; sourced after lib.sh, once t_netns_pair
# has set $SRV_IP, $NS_SRV and $NS_CLI.

# c CURL-ARGS...: curl in the client namespace, quiet, no proxy from the
# environment, at most $C_MAX_TIME s (a 40 MiB download under ASan needs
# more than an attack row does).
C_MAX_TIME=${C_MAX_TIME:-60}
c() { t_cli env -u http_proxy -u HTTP_PROXY -u all_proxy curl -s --max-time "$C_MAX_TIME" "$@"; }
# code CURL-ARGS...: only the status.
code() { c -o /dev/null -w '%{http_code}' "$@"; }
# raw BYTES: one connection from $CLI_IP through bash's /dev/tcp (printf %b
# escapes), the whole answer without CRs until the server closes; timeout
# bounds it when it would not.
raw() {
	t_cli timeout 20 bash -c 'exec 3<>/dev/tcp/'$SRV_IP'/80 || exit 1
		printf "%b" "$1" >&3; cat <&3' raw "$1" | tr -d '\r'
}
# metric NAME{LABELS}: its value in /metrics, read from the server's own
# host (the default status-allow).
metric() {
	ip netns exec "$NS_SRV" env -u http_proxy -u HTTP_PROXY -u all_proxy \
		curl -s --max-time 5 "http://$SRV_IP/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}
# wait_line FILE ERE SECONDS: until FILE has a matching line; 1 if it has
# none by then.
wait_line() {
	local i
	for i in $(seq 1 $(($3 * 10))); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
# stalled_logged IP SECONDS: the log says a GET of /boot/vmlinuz-test from
# IP was dropped for making no progress in 30 s (http.c's
# HTTP_SEND_TIMEOUT_MS), within SECONDS.
stalled_logged() {
	wait_line "$T_LOG" "warn http $1:[0-9]+ GET /boot/vmlinuz-test 200 stalled: no progress in 30 s after [0-9]+ bytes, closed" "$2"
}
