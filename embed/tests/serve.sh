#!/bin/bash
# embed/tests/serve.sh: netbootd serves each client its own boot.ipxe and
# boot.plan, over HTTP and TFTP, byte for byte what `netboot-embed render`
# prints for that client.
#
# The client is named by ?mac= (what iPXE sends: ${net0/mac:hexhyp}) or,
# with no query, found by netbootd in its neighbour table (what TFTP and
# alpineboot.efi rely on). Uses the protocol-test harness of server-min
# (server-min/tests/lib.sh): private namespace pair, 198.18.0.0/15 only.
#
# usage: embed/tests/serve.sh   (NETBOOTD, NETBOOT_EMBED from the env)
. "$(dirname "$0")/../../server-min/tests/lib.sh"
NE=${NETBOOT_EMBED:-build/san/netboot-embed}

t_init embed-serve
[ -x "$NE" ] || { echo "embed-serve: no $NE"; exit 1; }
t_netns_pair || exit 1

CONF=$T_DIR/netbootd.conf
cat > "$CONF" <<'CONF'
[profile default]
branch = v3.20
mirror = ${server}/alpine
mirror = https://dl-cdn.alpinelinux.org/alpine
apkovl = ovl/${mac}.apkovl.tar.gz
cmdline = console=ttyS0
fallback = retry mirrors flavor no-apkovl shell reboot exit

[profile lab]
flavor = virt
modules = virtio_net

[client 02:00:00:00:00:aa]
profile = lab
hostname = lab-aa
CONF

t_start_netbootd --root "$T_ROOT" --config "$CONF" --no-dhcp || exit 1

URL=http://$SRV_IP
c() { t_cli env -u http_proxy -u HTTP_PROXY -u all_proxy curl -s --max-time 20 "$@"; }
render() {  # MAC FORMAT
	"$NE" render --config "$CONF" --server "$URL" --mac "$1" --format "$2"
}
# as_rendered WHAT FILE MAC FORMAT: FILE, as served, is byte for byte what
# netboot-embed renders for MAC in FORMAT (kept beside it as FILE.want).
as_rendered() {
	local what=$1 got=$2
	render "$3" "$4" > "$got.want"
	if cmp -s "$got" "$got.want"; then t_ok "$what"
	else t_fail "$what"; diff "$got.want" "$got" | head -20; fi
}
# http_get NAME PATH / tftp_get NAME PATH: fetch PATH into $T_DIR/NAME.
http_get() { c -o "$T_DIR/$1" "$URL/$2"; }
tftp_get() { (cd "$T_DIR" && t_cli timeout 20 tftp "$SRV_IP" -m octet -c get "$2" "$1"); }

# --- HTTP, MAC named in the query, both spellings --------------------------
# Each script is asked by its owner: a ?mac= of another host is rendered
# without its extras (docs/security.md), so the client's NIC takes the MAC
# it asks for and the server forgets the old binding.
own() { t_cli ip link set nbc0 address "$1"; t_srv ip neigh flush dev nbs0; }
# asks MAC FORMAT QUERY-MAC WHAT: the host owning MAC fetches
# boot.FORMAT?mac=QUERY-MAC into $T_DIR/LAST-BYTE.FORMAT, which must be
# what netboot-embed renders for MAC.
asks() {
	local file=$T_DIR/${1##*:}.$2
	own "$1"
	http_get "${file##*/}" "boot.$2?mac=$3"
	as_rendered "$4" "$file" "$1" "$2"
}
asks 02:00:00:00:00:aa ipxe 02-00-00-00-00-aa "HTTP boot.ipxe?mac=02-00-00-00-00-aa = netboot-embed render"
t_check "lab client gets the virt kernel and its hostname" \
	grep -q "^kernel $URL/boot/vmlinuz-virt .*apkovl=$URL/ovl/02-00-00-00-00-aa.apkovl.tar.gz .*BOOTIF=01-02-00-00-00-00-aa .*hostname=lab-aa console=ttyS0 || goto failed$" "$T_DIR/aa.ipxe"
t_check "script starts with #!ipxe" sh -c "head -1 '$T_DIR/aa.ipxe' | grep -qx '#!ipxe'"

asks 02:00:00:00:00:aa plan 02:00:00:00:00:AA "HTTP boot.plan?mac=02:00:00:00:00:AA = netboot-embed render"

asks 02:00:00:00:00:bb ipxe 02-00-00-00-00-bb "HTTP boot.ipxe for another MAC = its own rendering"
t_check "the other client gets lts and alpine_repo from this server first" \
	grep -q "^kernel $URL/boot/vmlinuz-lts .*alpine_repo=$URL/alpine/v3.20/main,$URL/alpine/v3.20/community " "$T_DIR/bb.ipxe"
t_check "two clients, two different scripts" sh -c "! cmp -s '$T_DIR/aa.ipxe' '$T_DIR/bb.ipxe'"

# --- no query: the MAC comes from the neighbour table -----------------------
CLI_MAC=$(t_cli cat /sys/class/net/nbc0/address)
http_get nb.plan boot.plan
as_rendered "HTTP boot.plan without ?mac= is rendered for the client's own MAC ($CLI_MAC)" \
	"$T_DIR/nb.plan" "$CLI_MAC" plan

# --- TFTP (tftp-hpa), same names ------------------------------------------------
tftp_get tftp.plan boot.plan
as_rendered "TFTP boot.plan = netboot-embed render for $CLI_MAC" "$T_DIR/tftp.plan" "$CLI_MAC" plan
tftp_get tftp.ipxe boot.ipxe
as_rendered "TFTP boot.ipxe = netboot-embed render for $CLI_MAC" "$T_DIR/tftp.ipxe" "$CLI_MAC" ipxe

# --- a bad MAC is refused, not rendered for nobody ------------------------------
code=$(c -o /dev/null -w '%{http_code}' "$URL/boot.ipxe?mac=zz-00-00-00-00-00")
t_check "boot.ipxe?mac=garbage is refused (HTTP $code)" test "$code" -ge 400

t_done
