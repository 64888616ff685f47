# tests-qemu/rig.sh: the QEMU boot-test rig, sourced by each scenario and
# by the demo.
#
# One scenario = one private network, built and torn down here:
#
#   namespace $RIG_NS ("lan")                 namespace $RIG_RT ("router")
#   br0 198.18.N.1/24  <- netbootd            vr1 198.18.N.2/24 <- dnsmasq,
#    |- tap0 .. tapK   <- one QEMU each        addresses .100-.200, NO PXE
#    `- vr0 ----------- veth ---------------- '  options (the site's router)
#
# netbootd (proxyDHCP 67/4011, TFTP 69, HTTP 80) and dnsmasq both want UDP
# 67, so dnsmasq lives in a namespace of its own, joined to the bridge by a
# veth: clients see two DHCP servers on one LAN, as at a real site. QEMU runs
# inside $RIG_NS with -netdev tap (script=no), so nothing reaches the host's
# network. Names carry $$ so scenarios run side by side; everything (VMs,
# netbootd, dnsmasq, namespaces, temp files) goes away on any exit, Ctrl-C
# included. Every wait is bounded.
#
#   . tests-qemu/rig.sh
#   rig_init NAME                     # temp dir, traps, tools present?
#   rig_guest_files virt ml-mark ovl-mark "pkg pkg"   # boot/*-virt + apkovl
#   rig_config <<EOF ... EOF          # netbootd.conf for this scenario
#   rig_start                         # namespaces, dnsmasq, netbootd
#   rig_vm c1 bios virtio-net-pci 52:54:00:00:00:01
#   rig_vm c2 uefi virtio-net-pci 52:54:00:00:00:02 \
#       --other-nic virtio-net-pci 52:54:00:00:00:03   # two NICs, boots the 1st given
#   rig_wait_result c1                # the guest's NBRESULT line, or fail
#   rig_result_has c1 modloop=ok:ml-mark
#   rig_cmdline_has c1 ip=dhcp        # exact argument, not a substring
#   rig_log_has 'http .*vmlinuz-virt' # netbootd's log
#   rig_done                          # "N passed, M failed", exit status
#
# Also: rig_efi_app (alpineboot.efi under the root), rig_expect_alpine (the
# checks every booted guest gets), rig_result_match (a field by ERE),
# rig_expect_serial, rig_keys / rig_type / rig_ipxe_shell (keyboard through
# the QEMU monitor), rig_client_ns (a plain Linux host on the LAN), rig_net +
# rig_netbootd (rig_start in two steps). arm64 guests: rig_vm NAME arm64 ...
# with RIG_GUEST=$RIG_B/guest-arm64 and RIG_TTY=ttyAMA0 (scenario 12).

set -u
RIG_TOP=${RIG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
B=${B:-build}
case $B in /*) RIG_B=$B ;; *) RIG_B=$RIG_TOP/$B ;; esac   # the Makefile's $(B)
NETBOOTD=${NETBOOTD:-$RIG_B/san/netbootd}
RIG_GUEST=${RIG_GUEST:-$RIG_B/guest}
RIG_EFI=${RIG_EFI:-$RIG_B/efi-shim/alpineboot.efi}
RIG_EMBED=${RIG_EMBED:-$RIG_B/netboot-embed}
RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT:-240}   # hard limit per VM, seconds
RIG_RUNS=${RIG_RUNS:-$RIG_B/qemu-runs}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
QEMU=${QEMU:-qemu-system-x86_64}
# arm64 guests (rig_vm ... arm64): AAVMF from qemu-efi-aarch64, TCG only.
QEMU_ARM64=${QEMU_ARM64:-qemu-system-aarch64}
AAVMF_CODE=${AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
AAVMF_VARS=${AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
# The guest's serial console as its kernel names it: console= on the
# command line the scenarios serve, checked by rig_expect_alpine.
RIG_TTY=${RIG_TTY:-ttyS0}
# The "other network" of --other-nic: QEMU's user network, restricted (no
# way out of the VM), with its own DHCP server handing out .15 and up.
RIG_OTHER_NET=${RIG_OTHER_NET:-198.19.0}

RIG_NAME= RIG_DIR= RIG_ROOT= RIG_LOG= RIG_CONF=
RIG_NS= RIG_RT= RIG_CL= RIG_NBD_PID= RIG_DNSMASQ_PID=
RIG_NET=${RIG_NET:-198.18.0}
RIG_SRV=$RIG_NET.1
RIG_ROUTER=$RIG_NET.2
RIG_PASS=0 RIG_FAIL=0 RIG_TAPS=0
RIG_KEEP=${RIG_KEEP:-}                  # keep $RIG_DIR after the run
declare -A RIG_VM_PID=() RIG_VM_T0=()

rig_die() { echo "$RIG_NAME: $*" >&2; exit 1; }

# rig_need TOOL...: what a scenario uses beyond the rig's own tools.
rig_need() {
	local t
	for t in "$@"; do command -v "$t" >/dev/null || rig_die "missing $t (make deps)"; done
}

rig_init() {
	RIG_NAME=$1
	[ "$(id -u)" -eq 0 ] || rig_die "needs root (network namespaces, tap devices)"
	rig_need "$QEMU" dnsmasq mksquashfs tar ip perl timeout
	[ -f "$RIG_GUEST/vmlinuz" ] && [ -f "$RIG_GUEST/initramfs" ] ||
		rig_die "no guest in $RIG_GUEST (make $B/guest/initramfs)"
	mkdir -p "$RIG_RUNS"
	RIG_DIR=$(mktemp -d "$RIG_RUNS/$RIG_NAME.XXXXXX")
	RIG_ROOT=$RIG_DIR/root
	RIG_LOG=$RIG_DIR/netbootd.log
	RIG_CONF=$RIG_DIR/netbootd.conf
	mkdir -p "$RIG_ROOT/boot"
	: >"$RIG_CONF"
	trap rig_cleanup EXIT
	trap 'exit 130' INT TERM HUP
}

# Kill what runs in our namespaces (each by its pid: they are ours, we
# created the namespaces), then the namespaces, then the files.
rig_cleanup() {
	local rc=$? pid ns i
	for pid in "${RIG_VM_PID[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	[ -n "$RIG_NBD_PID" ] && kill -TERM "$RIG_NBD_PID" 2>/dev/null
	[ -n "$RIG_DNSMASQ_PID" ] && kill -TERM "$RIG_DNSMASQ_PID" 2>/dev/null
	for ns in $RIG_CL $RIG_NS $RIG_RT; do
		for i in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
			[ $i -eq 10 ] && for pid in $(ip netns pids "$ns" 2>/dev/null); do
				kill -KILL "$pid" 2>/dev/null; done
			sleep 0.2
		done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$RIG_DIR" ] && [ -z "$RIG_KEEP" ]; then rm -rf "$RIG_DIR"; fi
	return $rc
}

rig_ok()   { RIG_PASS=$((RIG_PASS + 1)); echo "ok   - $RIG_NAME: $*"; }
rig_fail() { RIG_FAIL=$((RIG_FAIL + 1)); echo "FAIL - $RIG_NAME: $*"; }

# --- what the server serves -------------------------------------------------

# A modloop: squashfs with /marker and modules/<kernel release>/, which
# OpenRC's modloop service (and our guest) require.
rig_modloop() {
	local out=$1 marker=$2 kv src
	kv=$(cat "$RIG_GUEST/kernel-release")
	src=$(mktemp -d "$RIG_DIR/ml.XXXXXX")
	mkdir -p "$src/modules/$kv"
	echo "$marker" >"$src/marker"
	mksquashfs "$src" "$out" -comp gzip -noappend -quiet -no-progress >/dev/null
	rm -rf "$src"
}

# An apkovl: tar.gz with etc/nbtest-marker and etc/apk/world.
rig_apkovl() {
	local out=$1 marker=$2 world=$3 src p
	src=$(mktemp -d "$RIG_DIR/ovl.XXXXXX")
	mkdir -p "$src/etc/apk"
	echo "$marker" >"$src/etc/nbtest-marker"
	: >"$src/etc/apk/world"
	for p in $world; do echo "$p" >>"$src/etc/apk/world"; done
	tar -czf "$out" -C "$src" etc
	rm -rf "$src"
}

# rig_guest_files FLAVOR MODLOOP-MARKER APKOVL-MARKER "WORLD" [APKOVL-NAME]:
# the Alpine netboot layout, boot/{vmlinuz,initramfs,modloop}-FLAVOR, with
# the test guest's kernel and initramfs, plus apkovl/NAME (default
# FLAVOR.apkovl.tar.gz).
rig_guest_files() {
	local fl=$1 mlm=$2 ovm=$3 world=$4 ovl=${5:-$1.apkovl.tar.gz}
	mkdir -p "$RIG_ROOT/boot" "$RIG_ROOT/apkovl"
	cp "$RIG_GUEST/vmlinuz" "$RIG_ROOT/boot/vmlinuz-$fl"
	cp "$RIG_GUEST/initramfs" "$RIG_ROOT/boot/initramfs-$fl"
	rig_modloop "$RIG_ROOT/boot/modloop-$fl" "$mlm"
	rig_apkovl "$RIG_ROOT/apkovl/$ovl" "$ovm" "$world"
}

# alpineboot.efi (efi-shim/) where netbootd's proxyDHCP points UEFI clients.
rig_efi_app() {
	[ -f "$RIG_EFI" ] || rig_die "no $RIG_EFI (make all)"
	cp "$RIG_EFI" "$RIG_ROOT/alpineboot.efi"
}

# rig_config: netbootd.conf from stdin; @SRV@ becomes the server address.
rig_config() { sed "s/@SRV@/$RIG_SRV/g" >"$RIG_CONF"; }

# --- the network and the servers ------------------------------------------

# rig_start [NETBOOTD-ARGS...]: the network, the site DHCP, netbootd.
rig_start() {
	rig_net
	rig_netbootd "$@"
}

rig_net() {
	RIG_NS=nbq-$RIG_NAME-$$
	RIG_RT=nbr-$RIG_NAME-$$
	# Interface-name-safe: namespace names may be long, device names not.
	ip netns add "$RIG_NS" || rig_die "cannot create namespace $RIG_NS"
	ip netns add "$RIG_RT" || rig_die "cannot create namespace $RIG_RT"
	ip -n "$RIG_NS" link set lo up
	ip -n "$RIG_RT" link set lo up
	ip -n "$RIG_NS" link add br0 type bridge
	# No STP and no forwarding delay: a port forwards the moment it is up,
	# so the firmware's first DHCPDISCOVER is not eaten by the bridge.
	ip -n "$RIG_NS" link set br0 type bridge stp_state 0 forward_delay 0
	ip -n "$RIG_NS" addr add "$RIG_SRV/24" dev br0
	ip -n "$RIG_NS" link set br0 up
	ip -n "$RIG_NS" link add vr0 type veth peer name vr1 netns "$RIG_RT"
	ip -n "$RIG_NS" link set vr0 master br0 up
	ip -n "$RIG_RT" addr add "$RIG_ROUTER/24" dev vr1
	ip -n "$RIG_RT" link set vr1 up

	# The site's DHCP server: addresses only. --port=0: no DNS. No
	# dhcp-boot, no pxe-service, no option 60/43/66/67: it knows nothing of
	# netbooting, like a router a site will not reconfigure.
	ip netns exec "$RIG_RT" dnsmasq --keep-in-foreground --no-daemon \
		--conf-file=/dev/null --port=0 --user=root --group=root \
		--interface=vr1 --bind-interfaces \
		--dhcp-range="$RIG_NET.100,$RIG_NET.200,255.255.255.0,10m" \
		--dhcp-leasefile="$RIG_DIR/dnsmasq.leases" \
		--log-dhcp --log-facility=- --pid-file= \
		>"$RIG_DIR/dnsmasq.log" 2>&1 &
	RIG_DNSMASQ_PID=$!
	local i
	for i in $(seq 1 50); do
		grep -q 'started' "$RIG_DIR/dnsmasq.log" && break
		kill -0 "$RIG_DNSMASQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$RIG_DNSMASQ_PID" 2>/dev/null || {
		cat "$RIG_DIR/dnsmasq.log"; rig_die "dnsmasq did not start"; }
}

# rig_client_ns: one more namespace, $RIG_CL, on the bridge through a veth
# (vc1 inside it, no address): a plain Linux host on the LAN for the
# non-PXE DHCP clients (udhcpc, dhclient).
rig_client_ns() {
	RIG_CL=nbc-$RIG_NAME-$$
	ip netns add "$RIG_CL" || rig_die "cannot create namespace $RIG_CL"
	ip -n "$RIG_CL" link set lo up
	ip -n "$RIG_NS" link add vc0 type veth peer name vc1 netns "$RIG_CL"
	ip -n "$RIG_NS" link set vc0 master br0 up
	ip -n "$RIG_CL" link set vc1 address "${1:-52:54:00:4e:08:01}" up
}

# netbootd on br0, waiting (at most 10 s) for its ready line.
rig_netbootd() {
	[ -x "$NETBOOTD" ] || rig_die "no netbootd at $NETBOOTD (make all)"
	: >"$RIG_LOG"
	local args=(--root "$RIG_ROOT" --interface br0)
	[ -s "$RIG_CONF" ] && args+=(--config "$RIG_CONF")
	ip netns exec "$RIG_NS" "$NETBOOTD" "${args[@]}" "$@" 2>>"$RIG_LOG" &
	RIG_NBD_PID=$!
	local i
	for i in $(seq 1 100); do
		grep -q 'main - ready' "$RIG_LOG" && break
		kill -0 "$RIG_NBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'main - ready' "$RIG_LOG" || {
		echo "--- netbootd log:"; cat "$RIG_LOG"
		RIG_NBD_PID=; rig_die "netbootd did not become ready"; }
}

# --- VMs ----------------------------------------------------------------------

# rig_vm NAME FIRMWARE NIC MAC [--other-nic NIC MAC] [--no-nic-boot] [QEMU-ARGS...]
#   FIRMWARE: bios (SeaBIOS, -machine pc), uefi (OVMF, -machine q35) or
#     arm64 (AAVMF, qemu-system-aarch64 -M virt -cpu cortex-a57)
#   NIC: a QEMU NIC model (virtio-net-pci, e1000, ...); it boots first.
#   --other-nic NIC MAC: a second NIC, on the PCI bus *before* the boot NIC
#     (so it is iPXE's net0 and the guest's eth0) and without bootindex,
#     cabled to another network: QEMU's restricted user network
#     $RIG_OTHER_NET.0/24, whose own DHCP server answers it (issue 10: a
#     client that brings up the wrong NIC gets an address there, and
#     modloop and apkovl cannot be fetched from it).
#   --no-nic-boot: NIC gets no bootindex either ("flash": a disk boots, and
#     the firmware connects the NICs in PCI order, not boot order).
# Serial goes to $RIG_DIR/NAME.serial, the monitor to $RIG_DIR/NAME.mon (for
# rig_keys). The VM is killed after $RIG_VM_TIMEOUT s whatever it does.
rig_vm() {
	local name=$1 fw=$2 nic=$3 mac=$4; shift 4
	local tap=tap$RIG_TAPS qemu=$QEMU other=() boot=,bootindex=1
	while [ $# -gt 0 ]; do
		case $1 in
		--other-nic)
			[ $# -ge 3 ] || rig_die "rig_vm: --other-nic NIC MAC"
			other=(-netdev "user,id=n1,restrict=on,ipv6=off,net=$RIG_OTHER_NET.0/24"
			       -device "$2,netdev=n1,mac=$3")
			shift 3 ;;
		--no-nic-boot) boot=; shift ;;
		*) break ;;
		esac
	done
	RIG_TAPS=$((RIG_TAPS + 1))
	ip -n "$RIG_NS" tuntap add dev "$tap" mode tap
	ip -n "$RIG_NS" link set "$tap" master br0 up
	local q=(-accel tcg -m 512 -smp 1 -nographic -no-reboot
		-chardev "file,id=ser0,path=$RIG_DIR/$name.serial" -serial chardev:ser0
		-monitor "unix:$RIG_DIR/$name.mon,server=on,wait=off"
		"${other[@]}"
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
		-device "$nic,netdev=n0,mac=$mac$boot")
	case $fw in
	bios) q+=(-machine pc -boot n) ;;
	uefi)
		cp "$OVMF_VARS" "$RIG_DIR/$name.vars.fd"
		q+=(-machine q35
		    -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
		    -drive "if=pflash,format=raw,unit=1,file=$RIG_DIR/$name.vars.fd") ;;
	arm64)
		qemu=$QEMU_ARM64
		cp "$AAVMF_VARS" "$RIG_DIR/$name.vars.fd"
		q+=(-machine virt -cpu cortex-a57
		    -drive "if=pflash,format=raw,unit=0,readonly=on,file=$AAVMF_CODE"
		    -drive "if=pflash,format=raw,unit=1,file=$RIG_DIR/$name.vars.fd") ;;
	*) rig_die "rig_vm: firmware $fw is not bios, uefi or arm64" ;;
	esac
	: >"$RIG_DIR/$name.serial"
	RIG_VM_T0[$name]=$(date +%s)
	if [ -n "${RIG_CONSOLE:-}" ]; then
		# The demo: serial console and monitor on this terminal (Ctrl-A x
		# quits), a copy of the console in NAME.serial; in the foreground.
		local i
		for i in "${!q[@]}"; do
			case ${q[$i]} in chardev:ser0) q[$i]=mon:stdio ;; esac
		done
		q=("${q[@]/#file,id=ser0,*/null,id=ser0}")
		ip netns exec "$RIG_NS" timeout --foreground -s KILL "$RIG_VM_TIMEOUT" \
			"$qemu" "${q[@]}" "$@" | tee "$RIG_DIR/$name.serial"
		return 0
	fi
	ip netns exec "$RIG_NS" timeout -s KILL "$RIG_VM_TIMEOUT" \
		"$qemu" "${q[@]}" "$@" </dev/null >"$RIG_DIR/$name.qemu.log" 2>&1 &
	RIG_VM_PID[$name]=$!
	echo "     $RIG_NAME: started $name ($fw, $nic, $mac${other:+; other NIC ${other[3]##*mac=}})"
}

# rig_wait_serial NAME 'ERE' [SECONDS]: wait until the serial log matches.
# Fails early when the VM is gone.
rig_wait_serial() {
	local name=$1 re=$2 secs=${3:-$RIG_VM_TIMEOUT} i
	for i in $(seq 1 $((secs * 5))); do
		grep -Eaq -- "$re" "$RIG_DIR/$name.serial" && return 0
		kill -0 "${RIG_VM_PID[$name]}" 2>/dev/null || break
		sleep 0.2
	done
	grep -Eaq -- "$re" "$RIG_DIR/$name.serial"
}

# rig_expect_serial NAME 'ERE' [description] [SECONDS]: one assertion.
rig_expect_serial() {
	local name=$1 re=$2 what=${3:-"$1 serial shows /$2/"} secs=${4:-$RIG_VM_TIMEOUT}
	if rig_wait_serial "$name" "$re" "$secs"; then rig_ok "$what"
	else rig_fail "$what"; rig_show "$name"; return 1; fi
}

# rig_wait_result NAME: wait for the guest's NBRESULT line (it powers off
# right after), then for QEMU to exit. The line lands in $RIG_DIR/NAME.result.
rig_wait_result() {
	local name=$1 i
	if rig_wait_serial "$name" '^NBRESULT ' && grep -a '^NBRESULT ' "$RIG_DIR/$name.serial" |
			tail -n1 | tr -d '\r' >"$RIG_DIR/$name.result"; then
		rig_ok "$name: guest reported ($(rig_elapsed "$name") s after start)"
		for i in $(seq 1 100); do
			kill -0 "${RIG_VM_PID[$name]}" 2>/dev/null || break
			sleep 0.1
		done
		return 0
	fi
	: >"$RIG_DIR/$name.result"
	rig_fail "$name: guest reported NBRESULT"; rig_show "$name"; return 1
}

rig_elapsed() { echo $(( $(date +%s) - ${RIG_VM_T0[$1]} )); }

# rig_result_has NAME key=value: one field of the NBRESULT line, exactly.
rig_result_has() {
	local name=$1 kv=$2 w
	for w in $(sed 's/ cmdline=".*//' "$RIG_DIR/$name.result"); do
		[ "$w" = "$kv" ] && { rig_ok "$name: result $kv"; return 0; }
	done
	rig_fail "$name: result $kv (got: $(cat "$RIG_DIR/$name.result"))"; return 1
}

# rig_result_match NAME KEY 'ERE': one field of the NBRESULT line matches
# ERE as a whole (anchored), for values known only in part (an address from
# a DHCP pool).
rig_result_match() {
	local name=$1 key=$2 re=$3 w
	for w in $(sed 's/ cmdline=".*//' "$RIG_DIR/$name.result"); do
		[ "${w%%=*}" = "$key" ] || continue
		if echo "${w#*=}" | grep -Exq -- "$re"; then rig_ok "$name: result $key=${w#*=} (/$re/)"; return 0; fi
	done
	rig_fail "$name: result $key matches /$re/ (got: $(cat "$RIG_DIR/$name.result"))"; return 1
}

# The kernel command line the guest saw, one argument per line.
rig_cmdline_args() {
	sed -n 's/.* cmdline="\(.*\)"$/\1/p' "$RIG_DIR/$1.result" | tr ' ' '\n' | sed '/^$/d'
}

# rig_cmdline_has NAME ARG: the guest's command line holds ARG as a whole
# argument (split on spaces; no substring matching).
rig_cmdline_has() {
	local name=$1 arg=$2
	if rig_cmdline_args "$name" | grep -Fxq -- "$arg"; then rig_ok "$name: cmdline has $arg"
	else rig_fail "$name: cmdline has $arg (got: $(rig_cmdline_args "$name" | tr '\n' ' '))"; return 1; fi
}

rig_cmdline_lacks() {
	local name=$1 re=$2
	if rig_cmdline_args "$name" | grep -Eq -- "$re"; then
		rig_fail "$name: cmdline has no /$re/ (got: $(rig_cmdline_args "$name" | tr '\n' ' '))"; return 1
	fi
	rig_ok "$name: cmdline has no /$re/"
}

# rig_keys NAME KEY...: QEMU monitor sendkey, one key per 100 ms (PS/2
# keyboard: SeaBIOS/iPXE and OVMF's ConIn both read it).
rig_keys() {
	local name=$1; shift
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => shift, Type => SOCK_STREAM)
			or die "monitor: $!\n";
		$s->autoflush(1);
		for (@ARGV) { print $s "sendkey $_\n"; select(undef, undef, undef, 0.1); }
		select(undef, undef, undef, 0.3);
	' "$RIG_DIR/$name.mon" "$@"
}

# rig_ipxe_shell NAME: break into a NIC ROM's iPXE shell. iPXE shows
# "Press Ctrl-B for the iPXE command line..." for about 2 s; we poll the
# serial log every 0.2 s, then press Ctrl-B until the prompt answers, so a
# key lost to a busy host is sent again within the window. 0 at "iPXE> ".
rig_ipxe_shell() {
	local name=$1 i
	rig_wait_serial "$name" 'Press Ctrl-B for the iPXE command line' || return 1
	for i in 1 2 3 4 5 6 7 8; do
		rig_keys "$name" ctrl-b
		rig_wait_serial "$name" 'iPXE> ' 1 && return 0
	done
	return 1
}

# rig_type NAME 'text': type text on the VM's keyboard (then Enter), for
# firmware shells. Letters, digits and . / : - _ = ? and space.
rig_type() {
	local name=$1 text=$2 keys=() c i
	for ((i = 0; i < ${#text}; i++)); do
		c=${text:i:1}
		case $c in
		[a-z0-9]) keys+=("$c") ;;
		[A-Z]) keys+=("shift-${c,}") ;;
		.) keys+=(dot) ;;
		/) keys+=(slash) ;;
		:) keys+=(shift-semicolon) ;;
		-) keys+=(minus) ;;
		_) keys+=(shift-minus) ;;
		=) keys+=(equal) ;;
		\?) keys+=(shift-slash) ;;
		" ") keys+=(spc) ;;
		*) rig_die "rig_type: no key for '$c'" ;;
		esac
	done
	rig_keys "$name" "${keys[@]}" ret
}

# rig_log_has 'ERE' [description]: netbootd's log; waits up to 5 s since a
# transfer's line may trail what the guest printed.
rig_log_has() {
	local re=$1 what=${2:-"netbootd log has /$1/"} i
	for i in $(seq 1 50); do
		grep -Eq -- "$re" "$RIG_LOG" && { rig_ok "$what"; return 0; }
		sleep 0.1
	done
	rig_fail "$what"; echo "--- netbootd log (last 40 lines):"; tail -n 40 "$RIG_LOG"; return 1
}

rig_log_lacks() {
	local re=$1 what=${2:-"netbootd log lacks /$1/"}
	if grep -Eq -- "$re" "$RIG_LOG"; then
		rig_fail "$what"; grep -E -- "$re" "$RIG_LOG" | head -n 5; return 1
	fi
	rig_ok "$what"
}

# A failing VM: the last 40 lines of its serial console and of the server log.
rig_show() {
	echo "--- $1 serial (last 40 lines):"
	tail -n 40 "$RIG_DIR/$1.serial" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
	[ -s "$RIG_DIR/$1.qemu.log" ] && { echo "--- $1 qemu:"; tail -n 10 "$RIG_DIR/$1.qemu.log"; }
	echo "--- netbootd log (last 40 lines):"
	tail -n 40 "$RIG_LOG"
}

rig_done() {
	if [ -n "$RIG_NBD_PID" ]; then
		local pid=$RIG_NBD_PID rc=0 i
		RIG_NBD_PID=
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; rc=124; }
		[ $rc -eq 0 ] && { wait "$pid"; rc=$?; }
		if [ $rc -eq 0 ]; then rig_ok "netbootd exits 0 on SIGTERM"
		else rig_fail "netbootd exits 0 on SIGTERM (got $rc)"; tail -n 20 "$RIG_LOG"; fi
	fi
	echo "$RIG_NAME: $RIG_PASS passed, $RIG_FAIL failed"
	[ "$RIG_FAIL" -eq 0 ] && [ "$RIG_PASS" -gt 0 ]
}

# --- the assertions every booting scenario makes -----------------------------

# rig_expect_alpine NAME MAC FLAVOR MODLOOP-MARKER APKOVL-MARKER APKOVL-PATH
#   "WORLD" REPO-URL...: the guest reached "Alpine userspace" with the
# profile's files: it came up on the NIC with this MAC (BOOTIF honoured)
# with an address from the boot LAN's DHCP pool (.100-.200), mounted
# FLAVOR's modloop and read its marker, unpacked the apkovl, and wrote
# exactly these repositories; its command line carries Alpine's
# arguments, each checked as a whole argument.
rig_expect_alpine() {
	local n=$1 mac=$2 fl=$3 mlm=$4 ovm=$5 ovl=$6 world=$7; shift 7
	local repos u=http://$RIG_SRV
	repos=$(IFS=,; echo "$*")
	rig_wait_result "$n" || return 1
	rig_result_has "$n" "mac=$mac"
	rig_result_match "$n" addr "${RIG_NET//./\\.}\\.(1[0-9][0-9]|200)"
	rig_result_has "$n" "modloop=ok:$mlm"
	rig_result_has "$n" "apkovl=ok:$ovm"
	rig_result_has "$n" "world=$(echo $world | tr ' ' ',')"
	rig_result_has "$n" "repos=$repos"
	rig_cmdline_has "$n" "modloop=$u/boot/modloop-$fl"
	rig_cmdline_has "$n" "apkovl=$u/$ovl"
	rig_cmdline_has "$n" "alpine_repo=$repos"
	rig_cmdline_has "$n" "ip=dhcp"
	rig_cmdline_has "$n" "BOOTIF=01-$(echo "$mac" | tr ':' '-')"
	rig_cmdline_has "$n" "console=$RIG_TTY"
	rig_cmdline_lacks "$n" '^root='
	rig_cmdline_args "$n" | grep -Eq '^modules=loop,squashfs(,|$)' &&
		rig_ok "$n: cmdline has modules=loop,squashfs..." ||
		rig_fail "$n: cmdline has modules=loop,squashfs..."
}
