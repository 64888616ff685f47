#!/bin/bash
# embed/tests/inventory-dhcp.sh: proxyDHCP with a site's whole inventory
# and "answer = known" (issue 14), on real sockets in namespaces of its own.
# 100,000 [client MAC] sections in 1,000 files taken by one include line:
#   - every 10,000th listed MAC gets an offer (nb-dhcptest, BIOS DISCOVER),
#     each within 10 s (a generous bound; the times are printed);
#   - MACs not listed get no answer, and netbootd says why in its log;
#   - the unknown count is what was sent.
#
# Usage: NETBOOTD=build/san/netbootd DHCPTEST=build/nb-dhcptest \
#        embed/tests/inventory-dhcp.sh [CLIENTS] [FILES]
cd "$(dirname "$0")/../.." || exit 1
. server-min/tests/lib.sh

DHCPTEST=${DHCPTEST:-build/nb-dhcptest}
NCLI=${1:-100000}
NFILES=${2:-1000}
t_init inventory-dhcp
[ -x "$DHCPTEST" ] || { echo "inventory-dhcp: no $DHCPTEST (make $DHCPTEST)"; exit 1; }
t_netns_pair || exit 1

mac_of() { printf '02:00:00:%02x:%02x:%02x' $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
mkdir -p "$T_DIR/etc/clients.d"
printf '[server]\nanswer = known\ncheck = off\n\n[profile lab]\nbranch = v3.19\n\ninclude = clients.d/*.conf\n' \
	>"$T_DIR/etc/netbootd.conf"
awk -v n="$NCLI" -v per=$((NCLI / NFILES)) -v dir="$T_DIR/etc/clients.d" 'BEGIN {
	for (i = 0; i < n; i++) {
		f = sprintf("%s/%04d.conf", dir, int(i / per));
		if (f != last) { if (last != "") close(last); last = f }
		printf("[client 02:00:00:%02x:%02x:%02x]\nprofile = lab\nhostname = h%d\n\n",
		       int(i / 65536) % 256, int(i / 256) % 256, i % 256, i) > f
	}
}'

t_start_netbootd --root "$T_ROOT" --no-tftp --no-http --config "$T_DIR/etc/netbootd.conf" || exit 1

dt() { t_cli "$DHCPTEST" --interface nbc0 --expect-server $SRV_IP "$@"; }

times= good=0 tried=0
for ((i = 0; i < NCLI; i += NCLI / 10)); do
	tried=$((tried + 1))
	t0=$(date +%s%N)
	if dt --mac "$(mac_of $i)" --arch 0 --expect offer --expect-file undionly.kpxe \
		--timeout 10000 --quiet >/dev/null; then
		good=$((good + 1))
		times="$times $(( ($(date +%s%N) - t0) / 1000000 ))"
	else
		echo "  $(mac_of $i): no offer"
	fi
done
t_check "$good of $tried listed MACs offered (ms:$times)" [ $good -eq $tried ]

silent=0
for m in 02:00:01:00:00:01 02:00:01:00:00:02 02:00:01:00:00:03; do
	dt --mac $m --arch 0 --timeout 1000 --quiet --expect silence >/dev/null && silent=$((silent + 1))
done
t_check "3 unlisted MACs: no answer" [ $silent -eq 3 ]
t_log_has 'dhcp 02:00:01:00:00:03 not answered: answer = known' "netbootd says why it did not answer"

t_done
