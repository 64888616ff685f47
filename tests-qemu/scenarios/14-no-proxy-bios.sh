#!/bin/bash
# 14. No proxyDHCP: the site's DHCP server names the boot file, as
# docs/guides/dnsmasq.md says (the "dhcp-boot" snippet is read from that
# page, netbootd's documentation address 192.0.2.10 replaced by the rig's),
# and netbootd runs with --no-dhcp. Two SeaBIOS VMs:
#   c1  virtio-net: its PXE ROM is iPXE, says user class "iPXE", gets the
#       boot.ipxe URL straight from the site DHCP; never undionly.kpxe.
#   c2  e1000: at the ROM's iPXE prompt we set another user class and
#       autoboot, so the ROM asks like a PC's vendor PXE ROM (arch 0, not
#       iPXE): the site DHCP gives it undionly.kpxe and next-server; that
#       iPXE asks again, now as "iPXE", and gets boot.ipxe. The loop the
#       issue described (iPXE handed undionly.kpxe again, forever) would
#       show as undionly.kpxe fetched over and over: at most 2 are allowed
#       (one, plus one repeat of the RRQ a slow host may cause).
# The apkovl is named by Alpine's {MAC} expansion (lower case, colons).
#
# The rig's site dnsmasq reads the guide's snippet ($RIG_SITE_DHCP_CONF,
# rig.sh's rig_net).
. "$(dirname "$0")/../rig.sh"
rig_init 14-no-proxy-bios
MAC=52:54:00:4e:09:01
MAC2=52:54:00:4e:09:02
GUIDE=$RIG_TOP/docs/guides/dnsmasq.md
rig_guest_files virt ml-09 ovl-09 "alpine-base" "$MAC.apkovl.tar.gz"
cp "$RIG_ROOT/apkovl/$MAC.apkovl.tar.gz" "$RIG_ROOT/apkovl/$MAC2.apkovl.tar.gz"
rig_std_config apkovl="apkovl/{MAC}.apkovl.tar.gz"

# The snippet exactly as the guide prints it, the address substituted.
snippet=$RIG_DIR/site-dnsmasq.conf
awk '/^<!-- test: dnsmasq-boot -->$/ { want = 1; next }
     want && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' "$GUIDE" | sed "s/192\.0\.2\.10/$RIG_SRV/g" >"$snippet"
grep -q '^dhcp-boot=' "$snippet" || rig_die "no dnsmasq-boot snippet in $GUIDE"
sed 's/^/     site dnsmasq: /' "$snippet"
dnsmasq --test --conf-file="$snippet" >/dev/null 2>&1 &&
	rig_ok "dnsmasq --test accepts the guide's snippet" ||
	rig_fail "dnsmasq --test accepts the guide's snippet"

RIG_SITE_DHCP_CONF=$snippet rig_start --no-dhcp

rig_vm c1 bios virtio-net-pci $MAC
rig_vm c2 bios e1000 $MAC2
rig_expect_ipxe_shell c2
rig_type c2 "set user-class vendorpxe"
sleep 0.5
rig_type c2 autoboot
rig_expect_serial c2 'undionly.kpxe\.\.\. ok' "c2: undionly.kpxe from the site DHCP's answer, over TFTP" 90
rig_expect_serial c2 'using undionly' "c2: undionly.kpxe drives the NIC" 60

rig_expect_boot c1 $MAC
rig_expect_boot c2 $MAC2
for c in c1 c2; do
	rig_expect_serial $c 'netboot: booting Alpine virt v3.20' "$c: iPXE runs boot.ipxe" 1
done
rig_log_lacks "info dhcp " "netbootd --no-dhcp answered no DHCP"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-4e-09-01 200" "c1: boot.ipxe for its MAC (iPXE expanded \${netX/mac:hexhyp})"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-4e-09-02 200" "c2: boot.ipxe for its MAC after undionly.kpxe"
rig_log_has "info tftp [0-9.:]+ sent undionly.kpxe [0-9]+ bytes" "undionly.kpxe (the distribution's) over TFTP"
rig_log_has "info http [0-9.:]+ GET /apkovl/52:54:00:4e:09:01\\.apkovl\\.tar\\.gz 200" "c1: apkovl named as Alpine expands {MAC}"
rig_log_has "info http [0-9.:]+ GET /apkovl/52:54:00:4e:09:02\\.apkovl\\.tar\\.gz 200" "c2: apkovl named as Alpine expands {MAC}"
n=$(grep -Ec 'tftp .*undionly\.kpxe' "$RIG_LOG")
[ "$n" -ge 1 ] && [ "$n" -le 2 ] && rig_ok "undionly.kpxe fetched $n time(s): no loop" ||
	{ rig_fail "undionly.kpxe fetched 1-2 times (got $n): a loop"; grep -E 'tftp .*undionly' "$RIG_LOG" | head; }
n=$(grep -Ec "DHCPACK\\(vr1\\) [0-9.]+ $MAC2" "$RIG_DIR/dnsmasq.log")
# ROM, undionly.kpxe, the guest; 4 in both runs so far. A loop would be
# one pair of DHCP + TFTP every few seconds until the VM is killed.
[ "$n" -ge 2 ] && [ "$n" -le 6 ] && rig_ok "c2: $n DHCP leases from the site DHCP (ROM, undionly, guest)" ||
	{ rig_fail "c2: 2-6 DHCP leases from the site DHCP (got $n)"; grep -E "$MAC2" "$RIG_DIR/dnsmasq.log" | tail -n 20; }
rig_done
