#!/usr/bin/env bash
# cli.sh: netbootd's command line and life cycle (docs/netbootd.8).
# Bad flags and config lines exit 2 with "FILE:LINE: what is wrong" before
# anything is bound; --check-config binds nothing; SIGTERM exits 0 with its
# sockets closed; root is dropped after binding, to --user or by default.
# (SIGHUP and SIGUSR1: tests/reload.sh.)
. "$(dirname "$0")/lib.sh"
t_init cli
t_netns_pair

# run_srv EXPECTED-STATUS OUTPUT-REGEX ARGS...: netbootd in the server
# namespace, bounded by timeout; asserts its exit status and stderr.
run_srv() {
	local want=$1 re=$2 rc out; shift 2
	out=$(ip netns exec "$NS_SRV" timeout 10 "$NETBOOTD" "$@" 2>&1); rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq -- "$re" <<<"$out"; then
		t_ok "netbootd $* -> exit $want, /$re/"
	else
		t_fail "netbootd $* -> exit $rc (want $want): $out"
	fi
}

# Nothing may be listening after a refused start: the ports stay free.
ports_free() { ! t_srv ss -Hlnu 'sport = :67 or sport = :69 or sport = :4011' | grep -q . &&
	       ! t_srv ss -Hlnt 'sport = :80' | grep -q .; }

run_srv 0 '^usage: netbootd --root DIR' --help
run_srv 0 '^netbootd [0-9]+\.[0-9]+' --version
run_srv 2 'usage' --bogus-flag
run_srv 2 'root is required' --interface nbs0
run_srv 2 'give --interface or --listen' --root "$T_ROOT"
run_srv 2 '--http-port: not a port' --root "$T_ROOT" --interface nbs0 --http-port 70000
run_srv 2 '--tftp-port: not a port' --root "$T_ROOT" --interface nbs0 --tftp-port -1
run_srv 2 '--log-level: one of' --root "$T_ROOT" --interface nbs0 --log-level loud
run_srv 2 '--listen: not an IPv4 address' --root "$T_ROOT" --listen 300.1.1.1
run_srv 2 'interface nope0 has no IPv4' --root "$T_ROOT" --interface nope0
run_srv 2 'no interface holds 198.18.7.7' --root "$T_ROOT" --listen 198.18.7.7
run_srv 2 'root /nonexistent' --root /nonexistent --interface nbs0
run_srv 2 'nothing left to serve' --root "$T_ROOT" --interface nbs0 --no-dhcp --no-tftp --no-http
run_srv 2 'unexpected argument' --root "$T_ROOT" --interface nbs0 extra
run_srv 2 '--log-format: text or json' --root "$T_ROOT" --interface nbs0 --log-format xml
run_srv 2 "--log-file $T_DIR/no/such/dir/log: No such file" --root "$T_ROOT" --interface nbs0 \
	--log-file "$T_DIR/no/such/dir/log"

# Config errors name the file and the line.
printf '[server]\nhttp-port = 80\n\n[profile a]\nflavor = bogus\n' >"$T_DIR/bad.conf"
run_srv 2 "^$T_DIR/bad.conf:5: " --root "$T_ROOT" --interface nbs0 --config "$T_DIR/bad.conf"
printf '[server]\nno-such-key = 1\n' >"$T_DIR/bad2.conf"
run_srv 2 "^$T_DIR/bad2.conf:2: " --root "$T_ROOT" --interface nbs0 --config "$T_DIR/bad2.conf"
run_srv 2 'cannot read' --root "$T_ROOT" --interface nbs0 --config "$T_DIR/missing.conf"
t_check "a refused start bound nothing" ports_free

# check = off: the root holds no kernel; tests/filecheck.sh tests the check.
printf '[server]\nroot = %s\ninterface = nbs0\nhttp-port = 8080\ncheck = off\n' "$T_ROOT" >"$T_DIR/good.conf"
run_srv 0 "good.conf: ok" --config "$T_DIR/good.conf" --check-config
t_check "--check-config bound nothing" ports_free

# Config values apply, the command line wins: HTTP on 8080 from the file,
# TFTP off from the command line.
echo hello >"$T_ROOT/hello.txt"
t_start_netbootd --config "$T_DIR/good.conf" --no-tftp --user nobody
t_check "http on the config's port 8080" \
	test "$(t_cli curl -s --max-time 5 http://$SRV_IP:8080/hello.txt)" = hello
t_check "tftp off from the command line" \
	bash -c "! ip netns exec $NS_SRV ss -Hlnu 'sport = :69' | grep -q ."
t_check "runs as nobody after binding" \
	test "$(ps -o user= -p "$T_NBD_PID")" = nobody
t_log_has 'main - ready addr=198\.18\.0\.1 interface=nbs0 .*tftp=off http=http://198\.18\.0\.1:8080 user=nobody'
t_check "SIGTERM: exit 0" t_stop_netbootd
t_check "SIGTERM: sockets closed" ports_free
t_log_has 'main - stopping: dhcp answered=[0-9]+'

# Without --user, root is dropped all the same: to netbootd if that user
# exists, else nobody; no capability is kept.
want_user=nobody
getent passwd netbootd >/dev/null && want_user=netbootd
t_start_netbootd --root "$T_ROOT" --no-dhcp --no-tftp
t_check "runs as $want_user without --user" test "$(ps -o user= -p "$T_NBD_PID")" = "$want_user"
t_check "holds no capability" grep -Eq '^CapEff:[[:space:]]+0+$' "/proc/$T_NBD_PID/status"
t_log_has "main - ready .* user=$want_user\$"
t_check "SIGTERM: exit 0" t_stop_netbootd
# [server] http-congestion (docs/http.md, "Congestion control"): the
# namespace's default (reno here) unless the config names one, which every
# HTTP connection then runs; a name the kernel lacks stops the start before
# binding, with the reason and what the host allows; a name that cannot be
# one is a config error with FILE:LINE.
t_srv sysctl -qw net.ipv4.tcp_congestion_control=reno
# cc_of_connection: the congestion control ss shows on netbootd's side of
# a kept-alive connection once its answer has gone out (netbootd sets it
# after accept; before that the socket has the namespace's default). The
# client holds the connection open for 5 s after its request.
cc_of_connection() {
	t_cli bash -c "exec 3<>/dev/tcp/$SRV_IP/80 &&
		printf 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n' >&3 && sleep 5" &
	local pid=$! i cc= out=
	for i in $(seq 1 40); do
		out=$(t_srv ss -Htni state established '( sport = :80 )')
		cc=$(grep 'data_segs_out:' <<<"$out" |
			grep -oE '(^|[[:space:]])(cubic|reno|bbr)([[:space:]]|$)' | tr -d '[:space:]' | head -1)
		[ -n "$cc" ] && break
		sleep 0.1
	done
	[ -n "$cc" ] || echo "cc_of_connection: ss showed: ${out:-nothing}" >&2
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	echo "$cc"
}
t_start_netbootd --root "$T_ROOT" --no-dhcp --no-tftp
t_log_has "http - TCP congestion control: the host's default, reno"
cc=$(cc_of_connection)
t_check "unset: an HTTP connection runs the namespace's default, reno (${cc:-none seen})" \
	test "$cc" = reno
t_check "SIGTERM: exit 0" t_stop_netbootd
printf '[server]\nhttp-congestion = cubic\n' >"$T_DIR/cc-cubic.conf"
t_start_netbootd --root "$T_ROOT" --no-dhcp --no-tftp --config "$T_DIR/cc-cubic.conf"
t_log_has "http - TCP congestion control: cubic \(the host's default: reno\)"
cc=$(cc_of_connection)
t_check "http-congestion = cubic: an HTTP connection runs cubic (${cc:-none seen})" \
	test "$cc" = cubic
t_check "SIGTERM: exit 0" t_stop_netbootd
printf '[server]\nhttp-congestion = nosuchcc\n' >"$T_DIR/cc-none.conf"
run_srv 1 'http-congestion = nosuchcc: no such congestion control in this kernel \(allowed here: [a-z0-9_ ]+' \
	--root "$T_ROOT" --interface nbs0 --no-dhcp --no-tftp --config "$T_DIR/cc-none.conf"
t_check "the refused congestion control left nothing bound" ports_free
printf '[server]\nhttp-congestion = Cubic!\n' >"$T_DIR/cc-syntax.conf"
run_srv 2 'cc-syntax.conf:2: .*not a congestion control name' \
	--root "$T_ROOT" --interface nbs0 --config "$T_DIR/cc-syntax.conf"

# A user that does not exist: exit 1 after binding, with the reason.
run_srv 1 'no such user: no-such-user' --root "$T_ROOT" --interface nbs0 --no-dhcp --no-tftp \
	--user no-such-user
t_check "the refused user left nothing bound" ports_free
t_done
