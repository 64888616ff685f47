#!/usr/bin/env bash
# packaging/tests/init.sh: the service files. PID 1 here is not systemd and
# there is no OpenRC, so the files are checked and netbootd is run the way
# each would run it:
#   systemd  systemd-analyze verify in a root laid out by make install (plus
#            the host's targets and /bin/kill, as any Debian system has), the
#            security exposure level, the settings the design asks for; then
#            netbootd as the unit starts it: uid nobody, CAP_NET_BIND_SERVICE
#            alone (setpriv), in a network namespace, serving real clients.
#   OpenRC   sh -n and shellcheck; the script sourced under a stub of
#            openrc-run's functions (multi-instance: netbootd.IFACE gives
#            --interface IFACE); its start_pre and command line run for real
#            in a network namespace; reload's supervise-daemon call.
# Needs root (network namespaces, setpriv). Not run here: `systemctl start`,
# `rc-service netbootd start` (no systemd or OpenRC as PID 1).
. "$(dirname "$0")/../../server-min/tests/lib.sh"
B=${B:-build}
TOP=$(pwd)
NETBOOTD=$TOP/$B/netbootd
UNIT=init/systemd/netbootd.service
INITD=init/openrc/netbootd.initd
t_init init
W=$T_DIR
# netbootd as nobody reads its config and root from here.
chmod 711 "$W"

# --- systemd ------------------------------------------------------------------
R=$W/root
make --no-print-directory install install-systemd DESTDIR="$R" PREFIX=/usr SYSCONFDIR=/etc \
	UNITDIR=/lib/systemd/system B="$B" >"$W/make.log" 2>&1 || { cat "$W/make.log"; exit 1; }
mkdir -p "$R/bin"
cp /lib/systemd/system/*.target "$R/lib/systemd/system/"
cp /bin/kill "$R/bin/kill"
verify() { MANPATH=$R/usr/share/man systemd-analyze verify --root="$R" netbootd.service 2>&1; }
out=$(verify); rc=$?
[ -z "$out" ] || echo "$out"
t_check "systemd-analyze verify --root: the unit, its binaries and man pages" \
	test "$rc" -eq 0 -a -z "$out"
mv "$R/usr/sbin/netbootd" "$W/netbootd.moved"
t_check "systemd-analyze verify --root fails when ExecStart's binary is missing" \
	sh -c '! MANPATH=$1/usr/share/man systemd-analyze verify --root="$1" netbootd.service >/dev/null 2>&1' _ "$R"
mv "$W/netbootd.moved" "$R/usr/sbin/netbootd"

sec=$(systemd-analyze security --offline=yes "$UNIT" 2>&1 | sed -n 's/.*Overall exposure level for netbootd.service: //p')
echo "systemd-analyze security --offline=yes: $sec"
t_check "exposure level is OK or better ($sec)" \
	sh -c 'case "$1" in *PERFECT*|*SAFE*|*OK*) exit 0 ;; *) exit 1 ;; esac' _ "$sec"

# What the design asks of the unit, line for line.
for line in 'Type=exec' 'User=netbootd' 'AmbientCapabilities=CAP_NET_BIND_SERVICE' \
	'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' 'NoNewPrivileges=yes' \
	'ProtectSystem=strict' 'PrivateTmp=yes' 'ExecReload=/bin/kill -HUP $MAINPID' \
	'ConditionPathExists=/etc/netbootd.conf' 'RestrictAddressFamilies=AF_INET AF_NETLINK'; do
	t_check "unit has $line" grep -qxF -- "$line" "$UNIT"
done

# --- OpenRC: syntax and lint --------------------------------------------------
t_check "sh -n $INITD" sh -n "$INITD"
t_check "sh -n init/openrc/netbootd.confd" sh -n init/openrc/netbootd.confd
t_check "shellcheck $INITD (SC2034 off file-wide: openrc-run reads those variables)" \
	shellcheck -s sh "$INITD"
t_check "shellcheck init/openrc/netbootd.confd" shellcheck -s sh init/openrc/netbootd.confd

# --- OpenRC: the script under a stub of openrc-run ------------------------------
# openrc-run sources conf.d, then the script, with RC_SVCNAME set, and
# provides ebegin/eend/eerror and the depend() keywords. The stub records
# what the script calls in $W/calls.
cat >"$W/stub.sh" <<'STUB'
calls=${STUB_CALLS:?}
ebegin() { echo "ebegin $*" >>"$calls"; }
eend() { echo "eend $*" >>"$calls"; return "${1:-0}"; }
eerror() { echo "eerror $*" >>"$calls"; }
ewarn() { echo "ewarn $*" >>"$calls"; }
need() { echo "need $*" >>"$calls"; }
use() { echo "use $*" >>"$calls"; }
after() { echo "after $*" >>"$calls"; }
STUB
export STUB_CALLS=$W/calls

# openrc NAME 'CONF ASSIGNMENTS' 'SHELL CODE': source the script as openrc-run
# would for service NAME, then run the code.
openrc() {
	RC_SVCNAME=$1 sh -c '. "$1"; eval "$2"; . "$3"; eval "$4"' _ \
		"$W/stub.sh" "$2" "$TOP/$INITD" "$3"
}
# The words of command_args, one space apart: compared whole, not searched.
args_of() { openrc "$1" "$2" 'set -- $command_args; echo "$*"'; }

check_args() {
	local name=$1 conf=$2 want=$3 got
	got=$(args_of "$name" "$conf")
	if [ "$got" = "$want" ]; then t_ok "$name ${conf:+($conf) }runs netbootd $want"
	else t_fail "$name ${conf:+($conf) }runs netbootd $want (got: $got)"; fi
}
C=/etc/netbootd.conf
check_args netbootd '' "--config $C --user netbootd"
check_args netbootd.eth1 '' "--config $C --interface eth1 --user netbootd"
check_args netbootd.eth1 'NETBOOTD_INTERFACE=eth0' "--config $C --interface eth1 --user netbootd"
check_args netbootd 'NETBOOTD_INTERFACE=eth2 NETBOOTD_ROOT=/srv/nb' \
	"--config $C --root /srv/nb --interface eth2 --user netbootd"
check_args netbootd.br-lan "NETBOOTD_USER= NETBOOTD_OPTS='--log-level debug' NETBOOTD_CONFIG=/etc/nb.conf" \
	"--config /etc/nb.conf --interface br-lan --log-level debug"

t_check "supervised by supervise-daemon, pidfile per instance" \
	test "$(openrc netbootd.eth1 '' 'echo "$supervisor $pidfile"')" = "supervise-daemon /run/netbootd.eth1.pid"
t_check "reload is an extra started command" \
	test "$(openrc netbootd '' 'echo "$extra_started_commands"')" = reload
: >"$STUB_CALLS"; openrc netbootd '' depend
t_check "depend: need net" grep -qx 'need net' "$STUB_CALLS"
: >"$STUB_CALLS"
openrc netbootd "NETBOOTD_CONFIG=$W/absent.conf" start_pre >/dev/null 2>&1; rc=$?
t_check "start_pre refuses a missing config" test "$rc" -ne 0
t_check "start_pre says to copy the example" grep -q 'netbootd.conf.example' "$STUB_CALLS"

# --- OpenRC: the script's command line, run for real -------------------------
t_netns_pair
head -c 1048576 /dev/urandom >"$T_ROOT/blob"
printf '[server]\nroot = %s\n' "$T_ROOT" >"$W/openrc.conf"
# openrc-run runs start_pre, then supervise-daemon execs $command $command_args.
openrc_env="NETBOOTD_CONFIG=$W/openrc.conf NETBOOTD_USER=nobody"
t_check "start_pre passes for netbootd.nbs0 (netbootd --check-config)" \
	t_srv env RC_SVCNAME=netbootd.nbs0 sh -c '. "$1"; eval "$2"; . "$3"; command=$4; start_pre' _ \
	"$W/stub.sh" "$openrc_env" "$TOP/$INITD" "$NETBOOTD"

# start_bg CMD...: netbootd in the server namespace, wait (10 s at most)
# for its ready line, as t_start_netbootd does without adding arguments.
start_bg() {
	: >"$T_LOG"
	# Not through t_srv: $! must be netbootd itself (ip netns exec execs it).
	ip netns exec "$NS_SRV" "$@" 2>>"$T_LOG" &
	T_NBD_PID=$!
	local i
	for i in $(seq 1 100); do
		grep -q 'main - ready' "$T_LOG" && return 0
		kill -0 "$T_NBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "netbootd did not become ready:"; cat "$T_LOG"; T_NBD_PID=; return 1
}
uid_of() { awk '/^Uid:/ { print $3 }' "/proc/$1/status"; }

read -r -a words <<<"$(args_of netbootd.nbs0 "$openrc_env")"
if start_bg "$NETBOOTD" "${words[@]}"; then
	t_log_has 'ready addr=198\.18\.0\.1 interface=nbs0 .* user=nobody$' \
		"netbootd.nbs0 serves nbs0 and drops to the configured user"
	t_check "the process runs as nobody (uid 65534)" test "$(uid_of "$T_NBD_PID")" = 65534
	t_served http blob
	t_served tftp blob
	: >"$STUB_CALLS"
	t_check "reload checks the config, then asks supervise-daemon for SIGHUP" \
		t_srv env RC_SVCNAME=netbootd.nbs0 sh -c \
		'. "$1"; eval "$2"; . "$3"; command=$4; supervisor=sd_stub; sd_stub() { echo "supervise-daemon $*" >>"$STUB_CALLS"; }; reload' _ \
		"$W/stub.sh" "$openrc_env" "$TOP/$INITD" "$NETBOOTD"
	t_check "reload: supervise-daemon netbootd.nbs0 --signal HUP --pidfile /run/netbootd.nbs0.pid" \
		grep -qx 'supervise-daemon netbootd.nbs0 --signal HUP --pidfile /run/netbootd.nbs0.pid' "$STUB_CALLS"
	t_stop_netbootd; rc=$?
	t_check "netbootd (OpenRC command line) exits 0 on SIGTERM" test "$rc" -eq 0
else
	t_fail "netbootd starts with the OpenRC command line"
fi

# --- systemd: netbootd as the unit runs it --------------------------------------
# User=, AmbientCapabilities=, CapabilityBoundingSet=, NoNewPrivileges= by
# setpriv; ExecStart's arguments from the unit. Binding udp 67 on nbs0
# (SO_BINDTODEVICE) with CAP_NET_BIND_SERVICE alone is the point.
printf '[server]\nroot = %s\ninterface = nbs0\n' "$T_ROOT" >"$W/systemd.conf"
chmod 644 "$W/systemd.conf"
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
read -r -a words <<<"${exec_start/\/etc\/netbootd.conf/$W/systemd.conf}"
words[0]=$NETBOOTD
if start_bg setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service \
	--bounding-set=-all,+net_bind_service --no-new-privs "${words[@]}"; then
	t_log_has 'ready addr=198\.18\.0\.1 interface=nbs0 .*dhcp=67,4011 tftp=69 http=http://198\.18\.0\.1' \
		"unprivileged with CAP_NET_BIND_SERVICE only: proxyDHCP, TFTP, HTTP all bound"
	t_check "runs as nobody" test "$(uid_of "$T_NBD_PID")" = 65534
	t_served http blob
	t_served tftp blob
	# Not counted: netbootd does not drop the capability after binding yet
	# (server-min/main.c; reported to the lead). Shown so the day it does is seen.
	echo "note - CapEff after ready: $(awk '/^CapEff:/ { print $2 }' "/proc/$T_NBD_PID/status") (0000000000000000 once netbootd drops it)"
	t_stop_netbootd; rc=$?
	t_check "netbootd (systemd settings) exits 0 on SIGTERM" test "$rc" -eq 0
else
	t_fail "netbootd starts as the unit would (setpriv)"
fi

t_done
