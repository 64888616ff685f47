#!/bin/bash
# 8. The proxyDHCP stays silent to clients that are not PXE: a plain Linux
# host (busybox udhcpc, then ISC dhclient) on the same LAN gets its address
# from the site DHCP server only. netbootd runs at debug level so the test
# can see that the requests did reach it and were ignored.
. "$(dirname "$0")/../rig.sh"
rig_init 08-plain-dhcp-client
rig_need udhcpc dhclient
MAC=52:54:00:4e:08:01
rig_start --log-level debug
rig_client_ns $MAC

cat >"$RIG_DIR/udhcpc.script" <<'EOS'
#!/bin/sh
[ "$1" = bound ] && echo "BOUND ip=$ip serverid=$serverid siaddr=$siaddr boot_file=$boot_file"
exit 0
EOS
chmod +x "$RIG_DIR/udhcpc.script"
out=$(ip netns exec "$RIG_CL" timeout 60 udhcpc -f -q -n -i vc1 -t 5 -T 2 \
	-s "$RIG_DIR/udhcpc.script" 2>&1)
echo "$out" | sed 's/^/     /'
bound=$(echo "$out" | grep '^BOUND ')
case $bound in
"BOUND ip=$RIG_NET.1"[0-9][0-9]" serverid=$RIG_ROUTER "*) rig_ok "udhcpc: lease from the site DHCP ($RIG_ROUTER)" ;;
*) rig_fail "udhcpc: lease from the site DHCP ($RIG_ROUTER)" ;;
esac
case $bound in
*"boot_file= "*|*"boot_file=") rig_ok "udhcpc: no boot file in its offer" ;;
*) rig_fail "udhcpc: no boot file in its offer ($bound)" ;;
esac

# ISC dhclient, its own lease file, a script that changes nothing.
ip netns exec "$RIG_CL" timeout 60 dhclient -4 -1 -v -sf /bin/true \
	-lf "$RIG_DIR/dhclient.leases" -pf "$RIG_DIR/dhclient.pid" vc1 >"$RIG_DIR/dhclient.log" 2>&1
dh_rc=$?
sed 's/^/     dhclient: /' "$RIG_DIR/dhclient.log" | grep -E 'DHCP|bound'
[ -f "$RIG_DIR/dhclient.pid" ] && kill "$(cat "$RIG_DIR/dhclient.pid")" 2>/dev/null
if [ $dh_rc -eq 0 ] && grep -q "option dhcp-server-identifier $RIG_ROUTER;" "$RIG_DIR/dhclient.leases" &&
	! grep -q "dhcp-server-identifier $RIG_SRV;" "$RIG_DIR/dhclient.leases"; then
	rig_ok "dhclient: lease from the site DHCP only"
else
	rig_fail "dhclient: lease from the site DHCP only"; cat "$RIG_DIR/dhclient.leases"
fi

# netbootd saw the DISCOVERs and REQUESTs (they were broadcast on its LAN),
# ignored them, and said nothing: no offer or ack to this MAC.
rig_log_has "debug dhcp $MAC ignored" "netbootd saw $MAC and ignored it"
rig_log_lacks "info dhcp $MAC " "netbootd answered nothing to $MAC"
rig_log_lacks "dhcp .*malformed" "no packet counted as malformed"
if grep -q "DHCPACK(vr1) $RIG_NET.1[0-9][0-9] $MAC" "$RIG_DIR/dnsmasq.log"; then
	rig_ok "site DHCP acked $MAC"
else rig_fail "site DHCP acked $MAC"; tail -n 20 "$RIG_DIR/dnsmasq.log"; fi
rig_done
