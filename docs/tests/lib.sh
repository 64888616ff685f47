# shellcheck shell=bash
# docs/tests/lib.sh: run what the docs say, as they say it.
#
# The README and the guides mark every fenced code block with an HTML
# comment on the line before it:
#
#   <!-- test: NAME -->              a test runs this block (or feeds it to
#                                    the tool it configures) by that NAME
#   <!-- not run here: REASON -->    it cannot run here (a Proxmox host, a
#                                    service this machine does not have);
#                                    the test prints it with the reason
#
# d_block FILE NAME prints the block itself, read from the markdown, so a
# test can never drift from a copy. d_coverage fails for a block without a
# marker and for a "test:" marker no test used: every command and snippet
# is either run or named as not run.
#
# Blocks run "as written" inside the test's own namespaces: a network
# namespace (the server's interface is called eth0, as in the docs) and a
# mount namespace with fresh tmpfs over /usr/local, /srv, /tmp and a copy
# of /etc, so `install ... /usr/local/sbin/` or `> /etc/netbootd.conf` run
# unchanged and leave the host untouched. Where a block needs the internet,
# Alpine itself or a service manager, a shell function of the same name
# (curl for dl-cdn, lbu, apt-get, systemctl) stands in and says so: "not
# run here: ...". Every wait is bounded.

set -u
D_TOP=${D_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
. "$D_TOP/tests/lib.sh"      # the count, namespaces, waits (d_* wrap them)
D_NAME=''
D_DIR=${D_DIR:-}     # set by d_init; kept for a script re-run inside namespaces
D_USED=" "
B=${B:-build}
case $B in /*) D_B=$B ;; *) D_B=$D_TOP/$B ;; esac
SRV_IP=198.18.0.1
CLI_IP=198.18.0.2
CLI_MAC=52:54:00:12:34:56
D_PIDS=()

d_ok()   { t_ok "$@"; }
d_fail() { t_fail "$@"; }
d_note() { echo "     $*"; }
d_not_run() { echo "     not run here: $*"; }

# d_check "description" command args...: pass when the command exits 0.
d_check() { t_check "$@"; }

# d_block FILE NAME: the fenced block after "<!-- test: NAME -->", into
# $BLOCK (not printed: a $(...) subshell would lose the record of use).
d_block() {
	local file=$1 name=$2
	BLOCK=$(awk -v m="<!-- test: $name -->" '
		$0 == m { want = 1; next }
		want && /^```/ { if (inside) exit; inside = 1; next }
		want && !inside && NF { exit }
		inside { print }' "$file")
	if [ -z "$BLOCK" ]; then
		d_fail "$(basename "$file"): a block marked test: $name"
		return 1
	fi
	D_USED="$D_USED$name "
}

# d_coverage FILE...: every fenced block has a marker right before it,
# every "test:" marker was read by d_block, every "not run here" is shown.
d_coverage() {
	local f name bad
	for f in "$@"; do
		bad=$(awk '
			/^```/ { if (!inside) { if (prev !~ /^<!-- (test: [a-z0-9-]+|not run here: .+) -->$/) print FILENAME ":" NR; inside = 1 } else inside = 0 }
			{ if (NF) prev = $0 }' "$f")
		[ -z "$bad" ] && d_ok "$(basename "$f"): every code block is marked (test or not run here)" ||
			d_fail "$(basename "$f"): unmarked code blocks at $bad"
		grep -o '^<!-- not run here: .* -->$' "$f" | sed 's/^<!-- not run here: \(.*\) -->$/\1/' |
			while read -r why; do d_not_run "$(basename "$f"): a block: $why"; done
		for name in $(sed -n 's/^<!-- test: \([a-z0-9-]*\) -->$/\1/p' "$f"); do
			case $D_USED in *" $name "*) ;;
			*) d_fail "$(basename "$f"): block test: $name is run by no test" ;; esac
		done
	done
}

d_init() {
	D_NAME=$1
	tl_need_root "$D_NAME" namespaces || exit 1
	# Not under $(B): the copy of /etc holds folders named *.d, which the
	# Makefile would take for dependency files. Not under /tmp: the sandbox
	# covers /tmp.
	D_DIR=$(mktemp -d "/var/tmp/nbdocs-$D_NAME.XXXXXX")
	tl_traps d_cleanup
}

d_cleanup() {
	local rc=$? pid ns
	for pid in "${D_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for ns in ${D_NS_LIST:-}; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
	done
	sleep 0.2
	for ns in ${D_NS_LIST:-}; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		tl_ns_del "$ns"
	done
	wait 2>/dev/null
	[ -n "$D_DIR" ] && [ -z "${D_KEEP:-}" ] && rm -rf "$D_DIR"
	return $rc
}

d_done() { t_summary "$D_NAME"; }

# d_ns NAME: a network namespace, its name in $REPLY, lo up.
d_ns() {
	REPLY=nbd-$1-$$
	tl_ns_add "$REPLY" || exit 1
	D_NS_LIST="${D_NS_LIST:-} $REPLY"
}

# d_pair: $NS_SRV with eth0 = $SRV_IP/24, $NS_CLI with eth0 = $CLI_IP/24
# and MAC $CLI_MAC (the client the README's config names). Waits for ping.
d_pair() {
	d_ns srv; NS_SRV=$REPLY
	d_ns cli; NS_CLI=$REPLY
	ip -n "$NS_SRV" link add eth0 type veth peer name eth0 netns "$NS_CLI"
	ip -n "$NS_CLI" link set eth0 address "$CLI_MAC"
	ip -n "$NS_SRV" addr add "$SRV_IP/24" dev eth0
	ip -n "$NS_SRV" link set eth0 up
	ip -n "$NS_CLI" link set eth0 up
	local i
	for i in $(seq 1 50); do
		ip -n "$NS_CLI" addr add "$CLI_IP/24" dev eth0 2>/dev/null
		ip netns exec "$NS_CLI" ping -c1 -W1 "$SRV_IP" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "$D_NAME: the veth pair did not come up"; exit 1
}

# d_cli_noaddr: take the client's static address away (for DHCP clients).
d_cli_noaddr() { ip -n "$NS_CLI" addr flush dev eth0; }

# d_sandbox: inside a fresh mount namespace (unshare -m), tmpfs over
# /usr/local (its subfolders recreated, as on Debian), /srv and /tmp, and a
# private copy of /etc. Call it first thing in a script run by d_private.
d_sandbox() {
	local d
	# Never without a scratch folder: /etc would be bound onto itself and
	# the blocks would write the host's.
	[ -n "$D_DIR" ] && [ -d "$D_DIR" ] || { echo "d_sandbox: no scratch folder" >&2; exit 1; }
	mount --make-rprivate /
	mkdir -p "$D_DIR/etc"
	cp -a /etc/. "$D_DIR/etc/"
	mount --bind "$D_DIR/etc" /etc
	local dirs
	dirs=$(find /usr/local -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
	mount -t tmpfs tmpfs /usr/local
	for d in $dirs; do mkdir -p "/usr/local/$d"; done
	mkdir -p /usr/local/sbin /usr/local/bin /usr/local/lib
	mkdir -p /srv
	mount -t tmpfs tmpfs /srv
	# A checkout under /tmp (a CI clone may be) stays visible: held aside,
	# /tmp covered, then bound back at the same path.
	local keep=() p i
	for p in "$D_TOP" "$D_B"; do
		case $p in /tmp/*) keep+=("$p") ;; esac
	done
	for i in "${!keep[@]}"; do
		mkdir -p "$D_DIR/keep$i"
		mount --bind "${keep[$i]}" "$D_DIR/keep$i"
	done
	mount -t tmpfs tmpfs /tmp
	for i in "${!keep[@]}"; do
		mkdir -p "${keep[$i]}"
		mount --bind "$D_DIR/keep$i" "${keep[$i]}"
	done
}

# d_run_block TEXT: run a block with bash -e as a script, echoing it.
d_run_block() {
	printf '%s\n' "$1" | sed 's/^/     $ /'
	bash -e -c "$1"
}

# d_wait_log FILE ERE [SECONDS]: wait until FILE matches, at most SECONDS (10).
d_wait_log() { tl_wait_log "$1" "$2" $(( ${3:-10} * 10 )); }

# d_tftp_get NS SERVER FILE OUT: tftp-hpa in NS, bounded to 20 s.
d_tftp_get() {
	rm -f "$4"
	ip netns exec "$1" timeout 20 tftp "$2" -m binary -c get "$3" "$4" >/dev/null 2>&1 && [ -s "$4" ]
}

# d_udhcpc NS ARGS...: one DHCP exchange with busybox udhcpc, printing
# "ip=... siaddr=... file=..." (the lease is not applied). Bounded.
d_udhcpc() {
	local ns=$1; shift
	cat >"$D_DIR/udhcpc.script" <<'EOS'
#!/bin/sh
[ "$1" = bound ] && echo "ip=$ip siaddr=$siaddr file=$boot_file"
exit 0
EOS
	chmod +x "$D_DIR/udhcpc.script"
	ip netns exec "$ns" timeout 40 udhcpc -f -q -n -i eth0 -t 8 -T 2 -s "$D_DIR/udhcpc.script" "$@" 2>/dev/null |
		grep '^ip='
}
