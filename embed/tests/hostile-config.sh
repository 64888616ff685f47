#!/bin/bash
# embed/tests/hostile-config.sh: values that would inject iPXE commands (or
# are otherwise bad) are refused by both tools that read netbootd.conf,
# with exit 2 and the exact "FILE:LINE:" of the bad line; safe values with
# ':', ',', '=', '/', '?', '&', '%' pass and reach the rendered script.
#
# Each row is written into a config of its own:
#   line 1  # comment
#   line 2  SECTION            (the row's section header)
#   line 3  # a comment        (so line numbers are not all small)
#   line 4  VALUE LINE         (the row's key = value, or a second header)
# and run through `netbootd --check-config` (no sockets are opened: it stops
# after parsing and finding the interface holding --listen, here lo's
# 127.0.0.1) and `netboot-embed render`.
#
# usage: embed/tests/hostile-config.sh NETBOOTD NETBOOT_EMBED
set -u
NBD=${1:-build/san/netbootd}
NE=${2:-build/san/netboot-embed}
# The count, its closing line and the clean-up on exit come from the
# protocol tests' harness; this test makes no namespaces (no t_init).
# shellcheck source=server-min/tests/lib.sh
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=hostile-config
T_DIR=$(mktemp -d /tmp/nbtest-hostile.XXXXXX)
T=$T_DIR
trap t_cleanup EXIT
mkdir -p "$T/root"

for tool in "$NBD" "$NE"; do
	[ -x "$tool" ] || { echo "hostile-config: no $tool"; exit 1; }
done

N=0
write_conf() {  # SECTION LINE4 -> $CONF
	N=$((N + 1))
	CONF=$T/row$N.conf
	# After the row, so its line numbers stay: the root is empty, and the
	# served files' check (check = warn by default) is not this test's.
	printf '# hostile-config row %d\n%s\n# the row:\n%s\n[server]\ncheck = off\n' "$N" "$1" "$2" > "$CONF"
}

# run_both: $rc_d $err_d (netbootd), $rc_e $err_e $out_e (netboot-embed)
run_both() {
	"$NBD" --check-config --config "$CONF" --root "$T/root" --listen 127.0.0.1 \
		>/dev/null 2>"$T/err_d"
	rc_d=$?
	"$NE" render --config "$CONF" --server http://198.18.0.1 \
		--mac 52:54:00:12:34:56 >"$T/out_e" 2>"$T/err_e"
	rc_e=$?
}

# refuse SECTION LINE4 REASON [WANT_LINE]: both exit 2 and say
# "CONF:WANT_LINE: REASON" (WANT_LINE defaults to 4).
refuse() {
	local want=${4:-4} what
	write_conf "$1" "$2"
	run_both
	what="row $N: $1 / $(printf '%q' "$2")"
	if [ "$rc_d" -eq 2 ] && grep -qF "$CONF:$want: $3" "$T/err_d"; then
		t_ok "netbootd refuses $what"
	else
		t_fail "netbootd refuses $what (exit $rc_d: $(head -c 200 "$T/err_d"))"
	fi
	if [ "$rc_e" -eq 2 ] && grep -qF "netboot-embed: $CONF:$want: $3" "$T/err_e" &&
	   [ ! -s "$T/out_e" ]; then
		t_ok "netboot-embed refuses $what"
	else
		t_fail "netboot-embed refuses $what (exit $rc_e: $(head -c 200 "$T/err_e"))"
	fi
}

# accept SECTION LINE4 SHOWS: both exit 0; the rendered script has SHOWS.
accept() {
	local what
	write_conf "$1" "$2"
	run_both
	what="row $N: $1 / $2"
	if [ "$rc_d" -eq 0 ]; then t_ok "netbootd accepts $what"
	else t_fail "netbootd accepts $what (exit $rc_d: $(head -c 200 "$T/err_d"))"; fi
	if [ "$rc_e" -eq 0 ] && grep -qF -- "$3" "$T/out_e"; then
		t_ok "netboot-embed renders $what"
	else
		t_fail "netboot-embed renders $what (exit $rc_e, want '$3': $(head -c 200 "$T/err_e"))"
	fi
}

P='[profile default]'
C='[client 52:54:00:12:34:56]'

# --- injections: iPXE separators, comments, expansions, quoting ------------
refuse "$P" 'title = Office ; shell'            "';' (separates iPXE commands)"
refuse "$P" 'cmdline = console=tty0 && shell'   "'&&' (separates iPXE commands)"
refuse "$P" 'cmdline = #c'                      "'#' (starts an iPXE comment)"
refuse "$P" 'cmdline = a || b'                  "cmdline: quote, '\$', '\\' or control character"
refuse "$C" 'hostname = a;b'                    "hostname: letters, digits, '-' and '.'"
refuse "$P" 'apkovl = ${server}/x;shell'        "space, quote or control character in URL"
refuse "$P" 'mirror = http://x/$(id)'           "'\$' outside \${variable}"
refuse "$P" 'title = ${shell}'                  "title: printable ASCII without '\$'"
refuse "$P" 'title = a || b'                    "'|' (\"||\" separates iPXE commands)"
refuse "$P" 'title = Room #3'                   "'#' (starts an iPXE comment)"
refuse "$P" 'title = --key x'                   "text starting with '-' (iPXE would read an option)"
refuse "$P" "title = it's"                      "quote or backslash (iPXE has no quoting)"
refuse "$P" "title = $(printf 'a\033[2Jb')"     "title: printable ASCII"
refuse "$P" 'kernel = boot/vmlinuz&&shell'      "'&&' (separates iPXE commands)"
refuse "$P" 'initrd = boot/initramfs#x'         "'#' (starts an iPXE comment)"
refuse "$P" 'mirror = http://x/alpine#frag'     "'#' (starts an iPXE comment)"
refuse "$P" 'modloop = boot/m`id`'              "space, quote or control character in URL"
refuse "$P" 'cmdline = a=1&&b'                  "'&&' (separates iPXE commands)"
refuse "$P" 'cmdline = a\b'                     "cmdline: quote, '\$', '\\' or control character"
refuse "$P" 'modules = e1000;reboot'            "modules: names of a-z, 0-9, '_' and '-'"
refuse "$C" 'kernel = ${server}/k ${mac}'       "space, quote or control character in URL"
refuse "$P" 'cmdline = x=${net0/mac}'           "cmdline: quote, '\$', '\\' or control character"
# --- [server] policy values -------------------------------------------------
refuse '[server]' 'protect = ../etc/'           "protect: no empty, '.' or '..' path parts"
refuse '[server]' 'protect = /etc'              "protect: prefixes are relative to the root"
refuse '[server]' 'answer = everyone'           "answer: all or known"
refuse '[server]' 'http-per-ip = 0'             "http-per-ip: connections, 1 to 65536"
refuse '[server]' 'http-idle = 86400'           "http-idle: seconds, 1 to 3600"
# --- sections: prefixes and duplicates name the first definition ------------
refuse '[client 52:54:00:*]' '[client 52-54-00-*]' "duplicate client section (first at line 2)"
refuse "$C" '[client 52-54-00-12-34-56]'        "duplicate client section (first at line 2)"
refuse "$P" '[profile default]'                 "duplicate profile (first at line 2)"
refuse '[client 52:54:00:12:34:56:*]' 'flavor = virt' "bad MAC prefix" 2

# --- safe values pass and reach the script ----------------------------------
accept "$P" 'mirror = http://m.example:8080/alpine'  'alpine_repo=http://m.example:8080/alpine/latest-stable/main'
accept "$P" 'apkovl = ${server}/ovl/{MAC}.tgz?v=1&b=${branch}' 'apkovl=http://198.18.0.1/ovl/{MAC}.tgz?v=1&b=latest-stable'
accept "$P" 'cmdline = console=ttyS0,115200n8 pkgs=a,b ssh_key=http://k.example/k%20.pub' 'ssh_key=http://k.example/k%20.pub || goto failed'
accept "$P" 'kernel = ${server}/boot/vmlinuz-${flavor}?arch=${arch}' 'kernel http://198.18.0.1/boot/vmlinuz-lts?arch=x86_64 '
accept "$C" 'title = Lab: rack 3, row 2 / 50% = ok? A & B' 'menu Lab: rack 3, row 2 / 50% = ok? A & B: boot failed'
accept '[client 52:54:00:*]' 'hostname = node-1.lab' 'hostname=node-1.lab'
accept '[server]' 'protect = ovl/ keys/'              'kernel http://198.18.0.1/boot/vmlinuz-lts '

t_done
