#!/bin/bash
# embed/tests/inventory-reload.sh: SIGHUP re-reads every included file, and
# takes a whole new inventory or none (issue 14). Needs netbootd's SIGHUP
# reload (server-min/main.c, config_load.c of the reload work: register it
# in embed/rules.mk once that is merged). With answer = known, on real
# sockets in namespaces of its own:
#   - a host file added to clients.d/ is answered after SIGHUP;
#   - a broken host file (any file of the inventory) is refused with its
#     FILE:LINE and the running config stays: the added host still answered;
#   - a MAC duplicated in another file is refused naming both places;
#   - a host file removed: no answer after SIGHUP.
#
# Usage: NETBOOTD=build/san/netbootd DHCPTEST=build/nb-dhcptest \
#        embed/tests/inventory-reload.sh
cd "$(dirname "$0")/../.." || exit 1
. server-min/tests/lib.sh

DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
t_init inventory-reload
[ -x "$DHCPTEST" ] || { echo "inventory-reload: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
t_netns_pair || exit 1

E=$T_DIR/etc
mkdir -p "$E/clients.d"
# Readable by the service user netbootd drops to (a reload reads as it).
chmod 755 "$T_DIR" "$E" "$E/clients.d"
CONF=$E/netbootd.conf
printf '[server]\nanswer = known\ncheck = off\n\ninclude = clients.d/*.conf\n' >"$CONF"
printf '[client 02:00:00:00:00:01]\nhostname = a\n' >"$E/clients.d/a.conf"
chmod 644 "$CONF" "$E/clients.d/a.conf"

dt() { t_cli "$DHCPTEST" --interface nbc0 --expect-server $SRV_IP "$@"; }
offered() { dt --mac "$1" --arch 0 --expect offer --timeout 10000 --quiet >/dev/null; }
silent()  { dt --mac "$1" --arch 0 --expect silence --timeout 1000 --quiet >/dev/null; }
# reload N: SIGHUP, then wait for the Nth "reload" outcome line in the log.
reload() {
	local i
	kill -HUP "$T_NBD_PID"
	for i in $(seq 1 100); do
		[ "$(grep -cE 'main - (reloaded|reload refused)' "$T_LOG")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

t_start_netbootd --root "$T_ROOT" --no-tftp --no-http --config "$CONF" || exit 1
t_check "listed host offered" offered 02:00:00:00:00:01
t_check "unlisted host not answered" silent 02:00:00:00:00:02

printf '[client 02:00:00:00:00:02]\nhostname = b\n' >"$E/clients.d/b.conf"
chmod 644 "$E/clients.d/b.conf"
t_check "SIGHUP after a host file is added" reload 1
t_log_has "main - reload: client 02:00:00:00:00:02 added"
t_check "the added host is offered" offered 02:00:00:00:00:02

printf '# c\n[client 02:00:00:00:00:03]\nflavor = big\n' >"$E/clients.d/c.conf"
chmod 644 "$E/clients.d/c.conf"
t_check "SIGHUP with a broken host file" reload 2
t_log_has "error main - reload refused: $E/clients.d/c.conf:3: flavor must be lts or virt: 'big'; the running config stays"
t_check "the running config stays: b still offered" offered 02:00:00:00:00:02
t_check "the running config stays: c not answered" silent 02:00:00:00:00:03

printf '[client 02:00:00:00:00:01]\n' >"$E/clients.d/c.conf"
t_check "SIGHUP with a MAC duplicated in another file" reload 3
t_log_has "reload refused: $E/clients.d/c.conf:1: duplicate client section \(first at $E/clients.d/a.conf:1\)"

rm -f "$E/clients.d/c.conf" "$E/clients.d/b.conf"
t_check "SIGHUP after host files are removed" reload 4
t_log_has "main - reload: client 02:00:00:00:00:02 removed"
t_check "the removed host is not answered" silent 02:00:00:00:00:02
t_check "a listed host still offered" offered 02:00:00:00:00:01

t_done
