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
# A one-VM scenario is data: SC_* variables, then rig_scenario (at the end
# of this file; scenario 05 is four lines). Others use the same pieces:
# rig_std_config / rig_profile / rig_client (netbootd.conf), rig_stamp,
# rig_fat_disk, rig_flash_disk, rig_disk_vm ("flash" disks),
# rig_expect_boot (rig_expect_alpine with the last rig_guest_files, plus
# the kernel's and the guest's console lines), rig_expect_path (what a boot
# path shows in netbootd's log), rig_expect_files, rig_expect_serials,
# rig_expect_logs, rig_expect_ipxe_shell.
#
# Also: rig_efi_app (alpineboot.efi under the root), rig_expect_alpine (the
# checks every booted guest gets), rig_result_match (a field by ERE),
# rig_expect_serial, rig_keys / rig_type / rig_ipxe_shell (keyboard through
# the QEMU monitor), rig_client_ns (a plain Linux host on the LAN), rig_net +
# rig_netbootd (rig_start in two steps). arm64 guests: rig_arm64 before
# rig_init (guest, console, VM limit), then rig_vm NAME arm64 ...
#
# The count, the log assertions, namespaces and netbootd's start and stop
# are tests/lib.sh's (the protocol tests and the bench use the same).

set -u
RIG_TOP=${RIG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$RIG_TOP/tests/lib.sh"
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
RIG_FLAVOR=virt RIG_ML= RIG_OVL= RIG_WORLD=alpine-base RIG_APKOVL=apkovl/virt.apkovl.tar.gz
RIG_NS= RIG_RT= RIG_CL= RIG_NBD_PID= RIG_DNSMASQ_PID=
RIG_NET=${RIG_NET:-198.18.0}
RIG_SRV=$RIG_NET.1
RIG_ROUTER=$RIG_NET.2
RIG_TAPS=0
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
	T_TAG=$RIG_NAME
	tl_need_root "$RIG_NAME" "network namespaces, tap devices" || exit 1
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
	tl_traps rig_cleanup
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
		tl_ns_del "$ns"
	done
	wait 2>/dev/null
	if [ -n "$RIG_DIR" ] && [ -z "$RIG_KEEP" ]; then rm -rf "$RIG_DIR"; fi
	return $rc
}

# The scenarios' names for tests/lib.sh's count (T_TAG is the scenario).
rig_ok()   { t_ok "$@"; }
rig_fail() { t_fail "$@"; }

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
# FLAVOR.apkovl.tar.gz). What it made is what rig_expect_boot expects.
rig_guest_files() {
	local fl=$1 mlm=$2 ovm=$3 world=$4 ovl=${5:-$1.apkovl.tar.gz}
	RIG_FLAVOR=$fl RIG_ML=$mlm RIG_OVL=$ovm RIG_WORLD=$world
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

# rig_net: the namespaces, the bridge and the site DHCP. The site's
# dnsmasq reads $RIG_SITE_DHCP_CONF (default none: it knows nothing of
# netbooting; scenario 14 gives it the dnsmasq guide's snippet).
rig_net() {
	RIG_NS=nbq-$RIG_NAME-$$
	RIG_RT=nbr-$RIG_NAME-$$
	# Interface-name-safe: namespace names may be long, device names not.
	tl_ns_add "$RIG_NS" "$RIG_RT" || rig_die "cannot create the namespaces"
	ip -n "$RIG_NS" link add br0 type bridge
	# No STP and no forwarding delay: a port forwards the moment it is up,
	# so the firmware's first DHCPDISCOVER is not eaten by the bridge.
	ip -n "$RIG_NS" link set br0 type bridge stp_state 0 forward_delay 0
	ip -n "$RIG_NS" addr add "$RIG_SRV/24" dev br0
	ip -n "$RIG_NS" link set br0 up
	tl_veth "$RIG_NS" vr0 "$RIG_RT" vr1 || rig_die "cannot cable the router"
	ip -n "$RIG_NS" link set vr0 master br0
	ip -n "$RIG_RT" addr add "$RIG_ROUTER/24" dev vr1

	# The site's DHCP server: addresses only. --port=0: no DNS. No
	# dhcp-boot, no pxe-service, no option 60/43/66/67: it knows nothing of
	# netbooting, like a router a site will not reconfigure.
	ip netns exec "$RIG_RT" dnsmasq --keep-in-foreground --no-daemon \
		--conf-file="${RIG_SITE_DHCP_CONF:-/dev/null}" --port=0 --user=root --group=root \
		--interface=vr1 --bind-interfaces \
		--dhcp-range="$RIG_NET.100,$RIG_NET.200,255.255.255.0,10m" \
		--dhcp-leasefile="$RIG_DIR/dnsmasq.leases" \
		--log-dhcp --log-facility=- --pid-file= \
		>"$RIG_DIR/dnsmasq.log" 2>&1 &
	RIG_DNSMASQ_PID=$!
	tl_wait_log "$RIG_DIR/dnsmasq.log" 'started' 50 "$RIG_DNSMASQ_PID"
	kill -0 "$RIG_DNSMASQ_PID" 2>/dev/null || {
		cat "$RIG_DIR/dnsmasq.log"; rig_die "dnsmasq did not start"; }
}

# rig_client_ns: one more namespace, $RIG_CL, on the bridge through a veth
# (vc1 inside it, no address): a plain Linux host on the LAN for the
# non-PXE DHCP clients (udhcpc, dhclient).
rig_client_ns() {
	RIG_CL=nbc-$RIG_NAME-$$
	tl_ns_add "$RIG_CL" || rig_die "cannot create namespace $RIG_CL"
	ip -n "$RIG_NS" link add vc0 type veth peer name vc1 netns "$RIG_CL"
	ip -n "$RIG_NS" link set vc0 master br0 up
	ip -n "$RIG_CL" link set vc1 address "${1:-52:54:00:4e:08:01}" up
}

# netbootd on br0, waiting (at most 10 s) for its ready line.
rig_netbootd() {
	local args=(--root "$RIG_ROOT" --interface br0)
	[ -s "$RIG_CONF" ] && args+=(--config "$RIG_CONF")
	tl_netbootd "$RIG_NS" "$RIG_LOG" "${args[@]}" "$@" || rig_die "netbootd did not become ready"
	RIG_NBD_PID=$TL_PID
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
	local name=$1 re=$2 secs=${3:-$RIG_VM_TIMEOUT}
	tl_wait_log "$RIG_DIR/$name.serial" "$re" $((secs * 10)) "${RIG_VM_PID[$name]:-}"
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
rig_log_has() { t_expect_log "$RIG_LOG" "$1" "${2:-"netbootd log has /$1/"}" 50; }
rig_log_lacks() { t_expect_no_log "$RIG_LOG" "$1" "${2:-"netbootd log lacks /$1/"}"; }

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
		local pid=$RIG_NBD_PID
		RIG_NBD_PID=
		t_netbootd_exits "$pid" "$RIG_LOG"
	fi
	t_summary "$RIG_NAME"
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

# --- what scenarios share: config, disks, expectations, scenarios as data --

# rig_profile NAME [KEY=VALUE...]: a [profile NAME] section as most
# scenarios serve it: flavor virt from branch v3.20 of the server's /alpine
# mirror, the virt apkovl, the console on $RIG_TTY. Each KEY=VALUE replaces
# that key (an empty VALUE drops it) or adds a line. For rig_config's
# input.
rig_profile() {
	local name=$1; shift
	local -A v=([flavor]=virt [branch]=v3.20 [mirror]=http://@SRV@/alpine
		[apkovl]=apkovl/virt.apkovl.tar.gz [cmdline]=console=$RIG_TTY)
	local keys=(flavor branch mirror apkovl cmdline) kv k
	for kv in "$@"; do
		k=${kv%%=*}
		[ -n "${v[$k]+set}" ] || keys+=("$k")
		v[$k]=${kv#*=}
	done
	echo "[profile $name]"
	for k in "${keys[@]}"; do [ -n "${v[$k]}" ] && echo "$k = ${v[$k]}"; done
	echo
}

# rig_client MAC PROFILE: a [client] section, for rig_config's input.
rig_client() { printf '[client %s]\nprofile = %s\n\n' "$1" "$2"; }

# rig_std_config [KEY=VALUE...]: the netbootd.conf most scenarios serve:
# the [server] lines of the array SC_SERVER (if any), then rig_profile
# default with these KEY=VALUEs. Its apkovl lands in $RIG_APKOVL for
# rig_expect_boot.
rig_std_config() {
	{
		if [ ${#SC_SERVER[@]} -gt 0 ]; then
			echo '[server]'; printf '%s\n' "${SC_SERVER[@]}"; echo
		fi
		rig_profile default "$@"
	} | rig_config
	RIG_APKOVL=$(sed -n 's/^apkovl = //p' "$RIG_CONF" | head -n1)
}

# rig_expect_guest NAME: the console of a guest that booted: the kernel
# started with Alpine's arguments (x86 kernels print "Command line:"), and
# ran the test guest's /init.
rig_expect_guest() {
	[ "$RIG_TTY" != ttyS0 ] ||
		rig_expect_serial "$1" 'Command line: .*modloop=' "$1: the kernel starts" 1
	rig_expect_serial "$1" "nbguest: init started, kernel $(cat "$RIG_GUEST/kernel-release")" \
		"$1: the kernel runs the guest's /init" 1
}

# rig_expect_boot NAME MAC [REPO-URL...]: rig_expect_alpine with what the
# last rig_guest_files and rig_std_config set (flavor, markers, world,
# apkovl; the repositories default to v3.20's main and community), then
# rig_expect_guest.
rig_expect_boot() {
	local n=$1 mac=$2; shift 2
	[ $# -gt 0 ] || set -- "http://$RIG_SRV/alpine/v3.20/main" "http://$RIG_SRV/alpine/v3.20/community"
	rig_expect_alpine "$n" "$mac" "$RIG_FLAVOR" "$RIG_ML" "$RIG_OVL" "$RIG_APKOVL" "$RIG_WORLD" "$@" &&
		rig_expect_guest "$n"
}

# rig_expect_ipxe_shell NAME: one assertion: into the NIC ROM's iPXE shell
# (rig_ipxe_shell), then a moment for the prompt to settle before typing.
rig_expect_ipxe_shell() {
	if rig_ipxe_shell "$1"; then rig_ok "$1: into the ROM's iPXE shell"
	else rig_fail "$1: into the ROM's iPXE shell"; rig_show "$1"; fi
	sleep 0.5
}

# rig_stamp OUT SRC ARGS...: copy the loader SRC to OUT and stamp it for
# this LAN's server (netboot-embed stamp --server http://SRV ARGS...).
rig_stamp() {
	local out=$1 src=$2; shift 2
	[ -f "$src" ] || rig_die "no $src (make all)"
	[ -x "$RIG_EMBED" ] || rig_die "no $RIG_EMBED (make all)"
	cp "$src" "$out"
	"$RIG_EMBED" stamp "$out" --config "$RIG_CONF" --server "http://$RIG_SRV" "$@" ||
		rig_die "netboot-embed stamp $out failed"
}

# rig_fat_disk IMG APP BOOTNAME: a FAT disk image with APP as
# EFI/BOOT/BOOTNAME, the removable-media path firmware boots.
rig_fat_disk() {
	rig_need mkfs.fat mmd mcopy
	mkfs.fat -C -n NBFLASH "$1" 32768 >/dev/null
	mmd -i "$1" ::EFI ::EFI/BOOT
	mcopy -i "$1" "$2" "::EFI/BOOT/$3"
}

# rig_flash_disk IMG SRC BOOTNAME STAMP-ARGS...: "flash": the loader SRC
# stamped with the server (rig_stamp) on a FAT disk; asserts that the
# stamp carries the server and that stamping kept the image's size.
rig_flash_disk() {
	local img=$1 src=$2 bootname=$3 app=$RIG_DIR/$3; shift 3
	rig_stamp "$app" "$src" "$@"
	if "$RIG_EMBED" show "$app" | grep -qx "server http://$RIG_SRV"; then rig_ok "stamp carries the server"
	else rig_fail "stamp carries the server"; "$RIG_EMBED" show "$app"; fi
	[ "$(stat -c %s "$app")" -eq "$(stat -c %s "$src")" ] && rig_ok "stamping kept the image size" ||
		rig_fail "stamping kept the image size"
	rig_fat_disk "$img" "$app" "$bootname"
}

# rig_disk_vm NAME FIRMWARE NIC MAC IMG [rig_vm options and QEMU args]: a
# VM that boots the disk IMG first (bootindex 0).
rig_disk_vm() {
	local name=$1 fw=$2 nic=$3 mac=$4 img=$5; shift 5
	rig_vm "$name" "$fw" "$nic" "$mac" "$@" \
		-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-pci,drive=d0,bootindex=0
}

# rig_expect_serials NAME SECONDS ERE WHAT [ERE WHAT]...: in order, each
# line on NAME's console within SECONDS of the one before.
rig_expect_serials() {
	local name=$1 secs=$2; shift 2
	while [ $# -ge 2 ]; do rig_expect_serial "$name" "$1" "$2" "$secs"; shift 2; done
}

# rig_expect_logs ERE WHAT [ERE WHAT]... / rig_expect_no_logs: netbootd's log.
rig_expect_logs() { while [ $# -ge 2 ]; do rig_log_has "$1" "$2"; shift 2; done; }
rig_expect_no_logs() { while [ $# -ge 2 ]; do rig_log_lacks "$1" "$2"; shift 2; done; }

# rig_mac_re MAC [SEP-ERE]: MAC as an ERE, octets joined by SEP-ERE
# (default "-", as boot.ipxe and boot.plan queries carry it).
rig_mac_re() { local sep=${2:--}; echo "${1//:/$sep}"; }

# rig_fw_arch FIRMWARE: the RFC 4578 architecture its PXE says.
rig_fw_arch() { case $1 in bios) echo 0 ;; uefi) echo 7 ;; arm64) echo 11 ;; esac; }

# rig_expect_path NAME FIRMWARE PATH MAC: the server's side of one boot
# path, the guest having booted (so each console line is already there).
#   ipxe   iPXE asked (proxy offer of boot.ipxe at the firmware's arch) and
#          ran boot.ipxe rendered for MAC
#   pxe    the firmware's PXE got the loader from the proxy and over TFTP,
#          whole; the loader ran and fetched boot.plan for MAC
#   http   the same through UEFI HTTP Boot: the loader over HTTP, not TFTP
#   flash  the stamped loader ran from the disk, fetched its plan for MAC
#          and was never fetched over the network
rig_expect_path() {
	local n=$1 fw=$2 path=$3 mac=$4 arch efi=alpineboot.efi src=$RIG_EFI
	local m; m=$(rig_mac_re "$mac")
	arch=$(rig_fw_arch "$fw")
	[ "$fw" = arm64 ] && efi=alpineboot-arm64.efi src=$RIG_EFI_ARM64
	case $path in
	ipxe)
		rig_expect_serial "$n" 'netboot: booting Alpine virt v3.20' "$n: iPXE runs boot.ipxe" 1
		rig_expect_logs \
			"info dhcp $mac offer arch=$arch file=http://$RIG_SRV/boot.ipxe" "$n: proxy offer to iPXE (arch $arch): boot.ipxe" \
			"info http [0-9.:]+ GET /boot.ipxe\\?mac=$m 200" "$n: boot.ipxe for its MAC" ;;
	pxe)
		rig_expect_serial "$n" 'alpineboot: ' "$n: $efi ran" 1
		rig_expect_logs \
			"info dhcp $mac (offer|ack) arch=$arch file=$efi" "$n: proxy answer to the firmware's PXE (arch $arch): $efi" \
			"info tftp [0-9.:]+ sent $efi $(stat -c %s "$src") bytes" "$n: $efi over TFTP, whole" \
			"info http [0-9.:]+ GET /boot.plan\\?mac=$m 200" "$n: boot.plan for its MAC" ;;
	http)
		rig_expect_serial "$n" 'alpineboot: ' "$n: $efi ran" 1
		rig_expect_logs \
			"info http [0-9.:]+ GET /$efi 200" "$n: $efi over HTTP (firmware HTTP Boot)" \
			"info http [0-9.:]+ GET /boot.plan\\?mac=$m 200" "$n: boot.plan for its MAC"
		rig_log_lacks "tftp .*$efi.* (sent|done|ok)" "$n: $efi not served over TFTP" ;;
	flash)
		rig_expect_serials "$n" 1 \
			'alpineboot: ' "$n: $efi ran from the disk" \
			'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan' "$n: plan fetched from the stamped server"
		rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=$m 200" "$n: boot.plan for its MAC"
		rig_log_lacks "tftp .*alpineboot" "$n: the loader was not fetched over the network" ;;
	*) rig_die "rig_expect_path: no boot path $path" ;;
	esac
}

# rig_expect_files FLAVOR APKOVL: the files a guest that reached userspace
# fetched from netbootd over HTTP; APKOVL as requested ({MAC} expanded).
rig_expect_files() {
	local f
	for f in "boot/vmlinuz-$1" "boot/initramfs-$1" "boot/modloop-$1" "$2"; do
		rig_log_has "info http [0-9.:]+ GET /${f//./\\.} 200" "$f over HTTP"
	done
}

# rig_arm64: an arm64 scenario (before rig_init): the arm64 guest, its
# console, its VM limit (a whole emulated CPU under TCG).
rig_arm64() {
	RIG_GUEST=$RIG_B/guest-arm64            # make build/guest-arm64/initramfs
	RIG_TTY=ttyAMA0                         # the virt machine's PL011
	RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT_ARM64:-300}
}

# rig_arm64_check: after rig_init, what an arm64 VM needs.
rig_arm64_check() {
	rig_need "$QEMU_ARM64"
	[ -f "$AAVMF_CODE" ] && [ -f "$AAVMF_VARS" ] || rig_die "no AAVMF in /usr/share/AAVMF (make deps)"
}

# A scenario as data. One VM, c1, boots Alpine through one boot path; the
# scenario file sets what differs, then calls rig_scenario, which makes
# the guest files, the config, the disk, the network, starts the VM and
# asserts what every such boot must show (rig_expect_boot, the kernel
# and the guest's /init on the console, rig_expect_path, rig_expect_files)
# plus the scenario's own lines:
#   SC_FW      bios | uefi | arm64
#   SC_PATH    ipxe | pxe | http | flash (rig_expect_path)
#   SC_MAC     the booting NIC's MAC
#   SC_NIC     its QEMU model (default virtio-net-pci,romfile=: the
#              firmware's own driver; virtio-net-pci keeps QEMU's iPXE ROM)
#   SC_OTHER   "MODEL MAC": a second NIC ahead of it on the bus, on another
#              network (issue 10): the guest must come up on eth1 and no
#              boot.ipxe or boot.plan be asked for with that MAC
#   SC_VM      more rig_vm options (--no-nic-boot) and QEMU args (array)
#   SC_WORLD   the apkovl's world (default alpine-base)
#   SC_APKOVL  the profile's apkovl (default apkovl/virt.apkovl.tar.gz;
#              apkovl/{MAC}.tar.gz serves the file by the guest's MAC)
#   SC_SERVER  [server] lines (array); SC_ARGS netbootd's arguments (array;
#              with --no-dhcp no DHCP answer may be logged)
#   SC_STAMP   netboot-embed stamp arguments beyond --server (flash; array)
#   SC_SERIAL  ERE WHAT pairs more on c1's console (array)
#   SC_LOG / SC_NOLOG  ERE WHAT pairs more in / never in netbootd's log
#   sc_setup   if defined, runs after the files and config, before netbootd
# The markers are ml-NN and ovl-NN, NN the scenario's number.
SC_FW= SC_PATH= SC_MAC= SC_NIC= SC_OTHER= SC_WORLD=alpine-base
SC_APKOVL=apkovl/virt.apkovl.tar.gz
SC_VM=() SC_SERVER=() SC_ARGS=() SC_STAMP=() SC_SERIAL=() SC_LOG=() SC_NOLOG=()
RIG_EFI_ARM64=${RIG_EFI_ARM64:-$RIG_B/efi-shim/alpineboot-arm64.efi}

rig_scenario() {
	local name nn ovl img other=() efi=$RIG_EFI boot=BOOTX64.EFI
	name=$(basename "$0" .sh); nn=${name%%-*}
	[ "$SC_FW" = arm64 ] && { rig_arm64; efi=$RIG_EFI_ARM64 boot=BOOTAA64.EFI; }
	[ -n "$SC_NIC" ] || SC_NIC=virtio-net-pci,romfile=
	rig_init "$name"
	[ "$SC_FW" = arm64 ] && rig_arm64_check
	# An overlay by {MAC}: with --no-dhcp netbootd answers no DHCP, so a
	# protected overlay without a MAC or UUID in its name goes to nobody.
	ovl=${SC_APKOVL//\{MAC\}/$SC_MAC}
	rig_guest_files virt "ml-$nn" "ovl-$nn" "$SC_WORLD" "${ovl#apkovl/}"
	rig_std_config apkovl="$SC_APKOVL"
	case $SC_PATH in pxe|http) [ "$SC_FW" = arm64 ] || rig_efi_app ;; esac
	[ "$(type -t sc_setup)" = function ] && sc_setup
	if [ "$SC_PATH" = flash ]; then
		img=$RIG_DIR/flash.img
		rig_flash_disk "$img" "$efi" "$boot" "${SC_STAMP[@]}"
	fi
	rig_start "${SC_ARGS[@]}"
	[ -n "$SC_OTHER" ] && other=(--other-nic $SC_OTHER)
	if [ -n "${img:-}" ]; then
		rig_disk_vm c1 "$SC_FW" "$SC_NIC" "$SC_MAC" "$img" "${other[@]}" "${SC_VM[@]}"
	else
		rig_vm c1 "$SC_FW" "$SC_NIC" "$SC_MAC" "${other[@]}" "${SC_VM[@]}"
	fi
	rig_expect_boot c1 "$SC_MAC"
	if [ -n "$SC_OTHER" ]; then
		rig_result_has c1 "nics=eth0@${SC_OTHER#* },eth1@$SC_MAC"
		rig_result_has c1 iface=eth1
		rig_log_lacks "GET /boot\\.(ipxe|plan)\\?mac=$(rig_mac_re "${SC_OTHER#* }" '[-:]')" \
			"nothing asked for with the other NIC's MAC"
	fi
	case " ${SC_ARGS[*]} " in *" --no-dhcp "*)
		rig_log_lacks "info dhcp " "no proxyDHCP answer (netbootd --no-dhcp)" ;; esac
	rig_expect_path c1 "$SC_FW" "$SC_PATH" "$SC_MAC"
	rig_expect_files virt "$ovl"
	rig_expect_serials c1 1 "${SC_SERIAL[@]}"
	rig_expect_logs "${SC_LOG[@]}"
	rig_expect_no_logs "${SC_NOLOG[@]}"
	rig_done
}
