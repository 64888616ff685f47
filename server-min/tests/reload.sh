#!/usr/bin/env bash
# reload.sh: SIGHUP re-reads the config without touching transfers in
# flight; a broken config is refused with FILE:LINE and the old one stays;
# SIGUSR1 reopens --log-file after logrotate moved it; log lines carry an
# RFC 3339 time (not when stderr is the journal), JSON with --log-format
# json, and the client's MAC (docs/netbootd.8 "SIGNALS", "LOG").
. "$(dirname "$0")/lib.sh"
DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
t_init reload
[ -x "$DHCPTEST" ] || { echo "reload: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
t_netns_pair
# netbootd reads its config again as nobody: the path must let it in.
chmod 0755 "$T_DIR" "$T_ROOT"
CONF=$T_DIR/netbootd.conf
CLI_MAC=$(ip -n "$NS_CLI" -o link show nbc0 | grep -Eo 'link/ether [0-9a-f:]+' | cut -d' ' -f2)
TIME_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'

BIG_SHA=$(t_random_file "$T_ROOT/big.bin" 40)
SMALL_SHA=$(t_random_file "$T_ROOT/small.bin" 8)
chmod 0644 "$T_ROOT"/*.bin

# conf TITLE CMDLINE [EXTRA...]: a config readable by nobody.
conf() {
	{
		printf '[profile default]\ntitle = %s\ncmdline = %s\n' "$1" "$2"
		shift 2
		printf '%s\n' "$@"
	} >"$CONF.new"
	chmod 0644 "$CONF.new"
	mv "$CONF.new" "$CONF"
}
# start_logged LOGFILE READY-ERE ARGS...: netbootd whose lines go elsewhere
# than t_start_netbootd looks (a --log-file, JSON); waits at most 10 s.
start_logged() {
	local file=$1 re=$2 i; shift 2
	: >"$T_LOG"
	ip netns exec "$NS_SRV" "$NETBOOTD" --interface nbs0 "$@" 2>>"$T_LOG" &
	T_NBD_PID=$!
	for i in $(seq 1 100); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		kill -0 "$T_NBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "reload: netbootd did not become ready:"; cat "$T_LOG" "$file"
	return 1
}
script() { t_cli curl -s --max-time 10 "http://$SRV_IP/boot.ipxe?mac=$CLI_MAC"; }

conf "Reload One" "reloadtest=1" "" "[profile spare]" "title = Spare" \
	"" "[client 52:54:00:77:00:01]" "cmdline = gone=1"
t_start_netbootd --root "$T_ROOT" --config "$CONF" --user nobody
PID=$T_NBD_PID
t_check "the first config is in force" bash -c "$(declare -f script t_cli); NS_CLI=$NS_CLI SRV_IP=$SRV_IP CLI_MAC=$CLI_MAC; script | grep -q 'reloadtest=1'"

# A client that did DHCP: its MAC is the one lines must carry.
t_check "the client's PXE DISCOVER is answered" \
	t_cli "$DHCPTEST" --interface nbc0 --mac "$CLI_MAC" --arch 7 --timeout 3000 --expect offer

# Slow the server's side to 30 Mbit/s: 40 MiB take some 11 s, so both
# signals below surely land mid-transfer.
t_srv tc qdisc add dev nbs0 root tbf rate 30mbit burst 32kbit latency 400ms
t_cli curl -s -o "$T_DIR/big.out" --max-time 60 "http://$SRV_IP/big.bin" &
HTTP_PID=$!
t_cli curl -s -o "$T_DIR/small.out" --max-time 60 --tftp-blksize 1468 \
	--interface "$CLI2_IP" "tftp://$SRV_IP/small.bin" &
TFTP_PID=$!
for i in $(seq 1 100); do
	[ "$(stat -c %s "$T_DIR/big.out" 2>/dev/null || echo 0)" -gt 1048576 ] &&
		[ "$(stat -c %s "$T_DIR/small.out" 2>/dev/null || echo 0)" -gt 65536 ] && break
	sleep 0.1
done

# running PID FILE FULLSIZE: the client still runs and has not all of it.
running() { kill -0 "$1" 2>/dev/null && [ "$(stat -c %s "$2")" -lt "$3" ]; }
BIG_SIZE=$((40 * 1024 * 1024)); SMALL_SIZE=$((8 * 1024 * 1024))

# 1. A good config: title and cmdline change, a profile and a client are
# added, one of each removed; a restart-only key changes.
conf "Reload Two" "reloadtest=2" "" "[profile extra]" "title = Extra" \
	"" "[client 52:54:00:77:00:02]" "cmdline = new=1" "" "[server]" "http-port = 8080"
t_check "HTTP transfer running at the good SIGHUP" running $HTTP_PID "$T_DIR/big.out" $BIG_SIZE
t_check "TFTP transfer running at the good SIGHUP" running $TFTP_PID "$T_DIR/small.out" $SMALL_SIZE
kill -HUP "$PID"
t_log_has "main - reloaded $CONF: [0-9]+ changes, 1 needing a restart"
t_check "HTTP transfer still running after it" running $HTTP_PID "$T_DIR/big.out" $BIG_SIZE
t_check "TFTP transfer still running after it" running $TFTP_PID "$T_DIR/small.out" $SMALL_SIZE
t_log_has "main - reload: profile default changed"
t_log_has "main - reload: profile extra added"
t_log_has "main - reload: profile spare removed"
t_log_has "main - reload: client 52:54:00:77:00:02 added"
t_log_has "main - reload: client 52:54:00:77:00:01 removed"
t_log_has "warn main - reload: \[server\] http-port changed: needs a restart"
t_check "the new title is rendered" bash -c "$(declare -f script t_cli); NS_CLI=$NS_CLI SRV_IP=$SRV_IP CLI_MAC=$CLI_MAC; script | grep -q 'Reload Two'"
t_check "the new cmdline is rendered" bash -c "$(declare -f script t_cli); NS_CLI=$NS_CLI SRV_IP=$SRV_IP CLI_MAC=$CLI_MAC; script | grep -q 'reloadtest=2'"
t_check "the reload checked the served files again" \
	test "$(grep -c 'main - check done' "$T_LOG")" -eq 2
t_check "HTTP still on port 80 (restart-only)" \
	bash -c "! ip netns exec $NS_SRV ss -Hlnt 'sport = :8080' | grep -q ."

# 2. A broken config: refused with FILE:LINE, the running one stays.
printf '[profile default]\ntitle = Reload Three\ncmdline = reloadtest=3\nflavor = bogus\n' >"$CONF"
t_check "HTTP transfer running at the broken SIGHUP" running $HTTP_PID "$T_DIR/big.out" $BIG_SIZE
kill -HUP "$PID"
t_log_has "error main - reload refused: $CONF:4: .*; the running config stays"
t_check "HTTP transfer still running after it" running $HTTP_PID "$T_DIR/big.out" $BIG_SIZE
t_check "the running config stayed" bash -c "$(declare -f script t_cli); NS_CLI=$NS_CLI SRV_IP=$SRV_IP CLI_MAC=$CLI_MAC; script | grep -q 'reloadtest=2'"

# Both transfers end intact, in the same process.
for i in $(seq 1 600); do
	kill -0 $HTTP_PID 2>/dev/null || kill -0 $TFTP_PID 2>/dev/null || break
	sleep 0.1
done
wait $HTTP_PID; HTTP_RC=$?
wait $TFTP_PID; TFTP_RC=$?
t_check "the HTTP transfer completed intact (curl $HTTP_RC)" \
	test "$HTTP_RC" -eq 0 -a "$(t_sha "$T_DIR/big.out")" = "$BIG_SHA"
t_check "the TFTP transfer completed intact (curl $TFTP_RC)" \
	test "$TFTP_RC" -eq 0 -a "$(t_sha "$T_DIR/small.out")" = "$SMALL_SHA"
t_check "the same process throughout" kill -0 "$PID"
t_check "started once" test "$(grep -c 'main - ready' "$T_LOG")" -eq 1
t_srv tc qdisc del dev nbs0 root

# 3. Lines: an RFC 3339 time first; TFTP lines of the client name its MAC.
t_log_has "^$TIME_RE netbootd: info main - ready "
t_log_has "^$TIME_RE netbootd: info tftp $CLI2_IP:[0-9]+ sent small\.bin $SMALL_SIZE bytes .* mac=$CLI_MAC\$"
t_log_has "^$TIME_RE netbootd: info http $CLI_IP:[0-9]+ GET /big\.bin 200 $BIG_SIZE bytes .* mac=$CLI_MAC\$"
t_log_has "^$TIME_RE netbootd: info dhcp $CLI_MAC offer "
t_check "SIGTERM: exit 0" t_stop_netbootd

# 4. SIGUSR1 reopens --log-file after logrotate moved it (as nobody: the
# folder is nobody's).
LOGDIR=$T_DIR/logs
mkdir "$LOGDIR"; chown nobody "$LOGDIR"
t_check "--log-file holds the ready line" start_logged "$LOGDIR/netbootd.log" 'main - ready' \
	--root "$T_ROOT" --user nobody --log-file "$LOGDIR/netbootd.log"
t_check "nothing on stderr" test ! -s "$T_LOG"
t_check "--log-file is mode 0640" test "$(stat -c %a "$LOGDIR/netbootd.log")" = 640
mv "$LOGDIR/netbootd.log" "$LOGDIR/netbootd.log.1"
kill -USR1 "$T_NBD_PID"
for i in $(seq 1 100); do [ -e "$LOGDIR/netbootd.log" ] && break; sleep 0.1; done
t_check "SIGUSR1 made a new log file" test -f "$LOGDIR/netbootd.log"
t_cli curl -s -o /dev/null --max-time 10 "http://$SRV_IP/small.bin"
for i in $(seq 1 30); do grep -q 'GET /small.bin 200' "$LOGDIR/netbootd.log" && break; sleep 0.1; done
t_check "new lines go to the new file" grep -q 'GET /small.bin 200' "$LOGDIR/netbootd.log"
t_check "the new file says it was reopened" grep -Eq "^$TIME_RE netbootd: info main - log file reopened" "$LOGDIR/netbootd.log"
t_check "the moved file has no line after the move" bash -c "! grep -q 'GET /small.bin' '$LOGDIR/netbootd.log.1'"
t_check "SIGTERM: exit 0" t_stop_netbootd

# 5. --log-format json: every line one JSON object with the fields.
t_check "JSON: ready" start_logged "$T_LOG" '"msg":"ready ' --root "$T_ROOT" --log-format json
t_check "the client's PXE DISCOVER is answered (json)" \
	t_cli "$DHCPTEST" --interface nbc0 --mac "$CLI_MAC" --arch 7 --timeout 3000 --expect offer
t_cli curl -s -o /dev/null --max-time 10 "tftp://$SRV_IP/small.bin"
t_cli curl -s -o /dev/null --max-time 10 "http://$SRV_IP/no%22such%0afile"
t_check "SIGTERM: exit 0" t_stop_netbootd
t_check "every line parses as JSON with time, level, proto, client, msg" python3 -c '
import json, re, sys
n = 0
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l); n += 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]), o
    assert o["level"] in ("error", "warn", "info", "debug") and o["proto"] and o["client"], o
    assert isinstance(o["msg"], str), o
assert n >= 4, n' "$T_LOG"
t_check "a JSON TFTP line carries the MAC" python3 -c '
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
assert any(o["proto"] == "tftp" and o.get("mac") == sys.argv[2] and "sent small.bin" in o["msg"]
           for o in ls), ls' "$T_LOG" "$CLI_MAC"
t_check "a JSON HTTP line carries the MAC" python3 -c '
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
assert any(o["proto"] == "http" and o.get("mac") == sys.argv[2] and o["msg"].startswith("GET /no\"such")
           for o in ls), ls' "$T_LOG" "$CLI_MAC"
t_check "a JSON DHCP line carries the MAC" python3 -c '
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
assert any(o["proto"] == "dhcp" and o.get("mac") == sys.argv[2] for o in ls), ls' "$T_LOG" "$CLI_MAC"

# 6. stderr is the journal (JOURNAL_STREAM names its dev:ino): no time
# prefix; a JOURNAL_STREAM naming something else changes nothing.
: >"$T_LOG"
JOURNAL_STREAM=$(stat -c %d:%i "$T_LOG") t_start_netbootd --root "$T_ROOT" --no-dhcp
t_log_has "^netbootd: info main - ready " "journal: lines start with netbootd:"
t_check "journal: no line has a time" bash -c "! grep -Eq '^$TIME_RE' '$T_LOG'"
t_check "SIGTERM: exit 0" t_stop_netbootd
JOURNAL_STREAM=1:1 t_start_netbootd --root "$T_ROOT" --no-dhcp
t_log_has "^$TIME_RE netbootd: info main - ready " "another JOURNAL_STREAM: the time stays"
t_done
