#!/bin/bash
# docs/tests/readme.sh: the README's "A first real deployment", run as
# written (docs/tests/lib.sh says how and in what sandbox).
#
# The blocks run in order, unchanged, inside a network namespace whose
# interface is eth0 and a mount namespace with fresh /usr/local, /srv, /tmp
# and a copy of /etc. Stand-ins, each announced as "not run here":
#   curl of dl-cdn      a local tarball with the netboot layout
#                       (boot/vmlinuz-lts, boot/initramfs-lts, ...)
#   lbu package         an apkovl made with tar (etc/hostname, apk/world)
#   apt-get install     not run; the package must be installed (make deps)
# Then what the README promises is checked: the install put the files where
# netbootd finds them, the config checks, the rendered script's apkovl URL
# with {MAC} expanded as Alpine does (52:54:00:12:34:56) names the file the
# README copied, and netbootd started exactly as the README says serves the
# README's client (MAC 52:54:00:12:34:56): proxyDHCP answer, undionly.kpxe
# and alpineboot.efi over TFTP, boot.ipxe, kernel and apkovl over HTTP.
. "$(dirname "$0")/lib.sh"
README=$D_TOP/README.md

if [ "${1:-}" != --inside ]; then
	d_init readme
	d_pair
	export D_DIR NS_SRV NS_CLI B
	ip netns exec "$NS_SRV" unshare -m bash "$0" --inside
	exit $?
fi

# --- inside: the server's network and mount namespaces ----------------------
D_NAME=readme
trap 'for p in "${D_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait' EXIT
d_sandbox
[ "$B" = build ] || d_note "B=$B: the README's build/ read as $B/"

# Stand-ins, first on PATH.
SI=$D_DIR/standin
mkdir -p "$SI"
cat >"$SI/curl" <<'EOS'
#!/bin/bash
# curl, except the Alpine CDN: a tarball with the netboot layout instead.
url=${!#}
case $url in
https://dl-cdn.alpinelinux.org/*/alpine-netboot-*.tar.gz)
	echo "     not run here: curl $url (the internet); stand-in: a local tarball of the same layout" >&2
	src=$(mktemp -d)
	mkdir -p "$src/boot"
	for fl in lts virt; do
		for f in vmlinuz initramfs modloop config System.map; do
			head -c 4096 /dev/urandom >"$src/boot/$f-$fl"
		done
	done
	tar -czf "${url##*/}" -C "$src" boot
	rm -rf "$src" ;;
*) exec /usr/bin/curl "$@" ;;
esac
EOS
cat >"$SI/lbu" <<'EOS'
#!/bin/bash
# lbu package FILE: what Alpine's lbu writes, made with tar.
[ "$1" = package ] && [ -n "${2:-}" ] || { echo "lbu stand-in: package FILE only" >&2; exit 1; }
echo "     not run here: lbu $* (Alpine's own tool); stand-in: an apkovl made with tar" >&2
src=$(mktemp -d)
mkdir -p "$src/etc/apk"
echo myhost >"$src/etc/hostname"
printf 'alpine-base\nopenssh\n' >"$src/etc/apk/world"
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$src/etc/nbdocs-marker"
tar -czf "$2" -C "$src" etc
rm -rf "$src"
EOS
cat >"$SI/apt-get" <<'EOS'
#!/bin/bash
# apt-get install PKG: not run (it changes the host); PKG must be there.
echo "     not run here: apt-get $* (changes the host; make deps installs it); checked installed" >&2
[ "$1" = install ] || exit 1
shift
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		{ echo "apt-get stand-in: $p is not installed (make deps)" >&2; exit 1; }
done
EOS
chmod +x "$SI"/*
export PATH=$SI:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset MAKEFLAGS MFLAGS MAKELEVEL

# 1. Build and install.
d_block "$README" readme-install || exit 1
[ "$B" = build ] || BLOCK=${BLOCK//build\//$B\/}
(cd "$D_TOP" && d_run_block "$BLOCK") && d_ok "install block ran" || d_fail "install block ran"
grep -q 'apk add ipxe' <<<"$BLOCK" && d_not_run "apk add ipxe (the block's comment: the Alpine way; this is Debian)"
for f in /usr/local/sbin/netbootd /usr/local/sbin/netboot-embed; do
	d_check "$f installed, executable" test -x "$f"
done
d_check "alpineboot.efi installed where netbootd looks (/usr/local/lib/netbootd)" \
	cmp -s "$D_B/efi-shim/alpineboot.efi" /usr/local/lib/netbootd/alpineboot.efi

# 2. Alpine's netboot files.
d_block "$README" readme-alpine || exit 1
(cd / && d_run_block "$BLOCK") && d_ok "netboot download block ran" || d_fail "netboot download block ran"
for f in vmlinuz-lts initramfs-lts modloop-lts; do
	d_check "/srv/netboot/boot/$f unpacked" test -s "/srv/netboot/boot/$f"
done

# 3. An apkovl, on "the Alpine machine", copied to the server.
d_block "$README" readme-lbu || exit 1
(cd / && d_run_block "$BLOCK") && d_ok "lbu block ran (stand-in)" || d_fail "lbu block ran (stand-in)"
work=$D_DIR/work
mkdir -p "$work"
d_not_run "copying the file from the Alpine machine to the server; the test copies /tmp/myhost.apkovl.tar.gz"
cp /tmp/myhost.apkovl.tar.gz "$work/"
d_block "$README" readme-ovl || exit 1
(cd "$work" && d_run_block "$BLOCK") && d_ok "apkovl block ran" || d_fail "apkovl block ran"

# 4. The config, written as the README shows it.
d_block "$README" readme-conf || exit 1
printf '%s\n' "$BLOCK" >/etc/netbootd.conf
d_note "/etc/netbootd.conf: the README's block, $(wc -l </etc/netbootd.conf) lines"

# 5. Check it and render what 52:54:00:12:34:56 gets.
d_block "$README" readme-check || exit 1
(cd / && d_run_block "$BLOCK") >"$D_DIR/check.out" 2>"$D_DIR/check.err" &&
	d_ok "check block ran" || { d_fail "check block ran"; cat "$D_DIR/check.err"; }
d_check "netbootd --check-config says ok" grep -qx '/etc/netbootd.conf: ok' "$D_DIR/check.out"
ovl=$(grep -o 'apkovl=[^ ]*' "$D_DIR/check.out" | head -n1)
ovl=${ovl#apkovl=}
d_note "rendered: apkovl=$ovl"
d_check "the rendered script's apkovl is the README's {MAC} URL" \
	test "$ovl" = 'http://192.0.2.10/ovl/{MAC}.apkovl.tar.gz'
# Alpine's initramfs: {MAC} becomes the NIC's address, lower case, colons.
path=/srv/netboot/${ovl#http://192.0.2.10/}
path=${path//\{MAC\}/52:54:00:12:34:56}
d_check "the apkovl Alpine will ask for ($path) is the file the README copied" \
	cmp -s "$path" "$work/myhost.apkovl.tar.gz"
d_check "the rendered script boots the lts kernel the tarball gave" \
	grep -q 'boot/vmlinuz-lts' "$D_DIR/check.out"

# 6. Run it as the README says, and boot-fetch like the README's client.
d_block "$README" readme-run || exit 1
printf '%s\n' "$BLOCK" | sed 's/^/     $ /'
(cd / && exec bash -c "$BLOCK") 2>"$D_DIR/netbootd.log" &
D_PIDS+=($!)
if d_wait_log "$D_DIR/netbootd.log" 'main - ready' 10; then d_ok "netbootd ready"
else d_fail "netbootd ready"; cat "$D_DIR/netbootd.log"; exit 1; fi
cli() { ip netns exec "$NS_CLI" "$@"; }
out=$D_DIR/fetched
mkdir -p "$out"
d_check "proxyDHCP: BIOS client 52:54:00:12:34:56 offered undionly.kpxe" \
	cli "$D_B/nb-dhcptest" --interface eth0 --arch 0 --mac 52:54:00:12:34:56 \
		--expect offer --expect-server $SRV_IP --expect-file undionly.kpxe --quiet
d_check "proxyDHCP: x64 UEFI client offered alpineboot.efi" \
	cli "$D_B/nb-dhcptest" --interface eth0 --arch 7 --mac 52:54:00:12:34:56 \
		--expect offer --expect-server $SRV_IP --expect-file alpineboot.efi --quiet
d_check "TFTP undionly.kpxe is the distribution's" \
	sh -c "$(declare -f d_tftp_get); d_tftp_get $NS_CLI $SRV_IP undionly.kpxe $out/u && cmp -s $out/u /usr/lib/ipxe/undionly.kpxe"
d_check "TFTP alpineboot.efi is the installed one" \
	sh -c "$(declare -f d_tftp_get); d_tftp_get $NS_CLI $SRV_IP alpineboot.efi $out/a && cmp -s $out/a /usr/local/lib/netbootd/alpineboot.efi"
cli timeout 10 curl -sf -o "$out/boot.ipxe" "http://$SRV_IP/boot.ipxe?mac=52-54-00-12-34-56"
d_check "HTTP boot.ipxe for 52:54:00:12:34:56 names the apkovl by {MAC}" \
	grep -q "apkovl=http://$SRV_IP/ovl/{MAC}.apkovl.tar.gz" "$out/boot.ipxe"
cli timeout 10 curl -sf -o "$out/k" "http://$SRV_IP/boot/vmlinuz-lts"
d_check "HTTP boot/vmlinuz-lts is the tarball's" cmp -s "$out/k" /srv/netboot/boot/vmlinuz-lts
cli timeout 10 curl -sf -o "$out/ovl" "http://$SRV_IP/ovl/52:54:00:12:34:56.apkovl.tar.gz"
d_check "HTTP apkovl at the URL Alpine builds from {MAC} is the README's file" \
	cmp -s "$out/ovl" "$work/myhost.apkovl.tar.gz"
pid=${D_PIDS[0]}
kill -TERM "$pid"
rc=0
for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; rc=124; }
[ $rc -eq 0 ] && { wait "$pid"; rc=$?; }
D_PIDS=()
d_check "netbootd exits 0 on SIGTERM" test "$rc" -eq 0

d_coverage "$README"
d_done
