#!/usr/bin/env bash
# filecheck.sh: netbootd checks the files it serves against each other
# (server-min/filecheck.h, docs/netbootd.8 "FILE CHECK").
#
# The root holds a kernel, an initramfs and modloops the way Alpine's
# netboot tarball lays them out under boot/. The kernel is SYNTHETIC: a
# 0x1000-byte stand-in with only the x86 setup header's "HdrS" magic and a
# kernel_version string (Documentation/arch/x86/boot.rst), because the
# check reads nothing else of it. The modloops are real squashfs images
# made by mksquashfs, with -comp xz (as Alpine builds them) and -comp gzip
# (as the QEMU tests do); the initramfs is a real gzip'd cpio holding
# /etc/alpine-release. Asserted: --check-config exits non-zero and names
# both releases for a modloop of another kernel, exits 0 for matching
# files, reports the missing kernel of an empty root; check = strict
# refuses to start, warn logs and serves, off skips; netboot-embed check
# prints the same lines.
. "$(dirname "$0")/lib.sh"
NETBOOT_EMBED=${NETBOOT_EMBED:-build/san/netboot-embed}
t_init filecheck
for tool in mksquashfs cpio gzip python3; do
	command -v "$tool" >/dev/null || { echo "filecheck: no $tool (make deps)"; exit 1; }
done
[ -x "$NETBOOT_EMBED" ] || { echo "filecheck: no $NETBOOT_EMBED"; exit 1; }
t_netns_pair

REL=6.6.14-0-lts      # the kernel's release
OLD=6.1.2-0-lts       # another release's modloop
B=$T_ROOT/boot
mkdir -p "$B" "$T_DIR/ml-ok/modules/$REL/kernel" "$T_DIR/ml-old/modules/$OLD/kernel" \
	"$T_DIR/ird/etc" "$T_DIR/empty"

# The synthetic bzImage: kernel_version (0x20e) = 0x200, so the string
# sits at 0x400.
python3 - "$B/vmlinuz-lts" "$REL" <<'EOF'
import sys
b = bytearray(0x1000)
b[0x202:0x206] = b'HdrS'
b[0x20e:0x210] = (0x400 - 0x200).to_bytes(2, 'little')
s = sys.argv[2].encode() + b' (buildozer@build-3-19-x86_64) #1-Alpine SMP\0'
b[0x400:0x400 + len(s)] = s
open(sys.argv[1], 'wb').write(b)
EOF
echo ko >"$T_DIR/ml-ok/modules/$REL/kernel/e1000.ko"
echo ko >"$T_DIR/ml-old/modules/$OLD/kernel/e1000.ko"
for comp in xz gzip; do
	mksquashfs "$T_DIR/ml-ok" "$B/modloop-ok-$comp" -comp $comp -noappend -quiet >/dev/null
	mksquashfs "$T_DIR/ml-old" "$B/modloop-old-$comp" -comp $comp -noappend -quiet >/dev/null
done
echo 3.19.1 >"$T_DIR/ird/etc/alpine-release"
(cd "$T_DIR/ird" && find . | cpio -o -H newc 2>/dev/null | gzip >"$B/initramfs-lts")

# conf NAME MODLOOP BRANCH [SERVER-LINES]: a profile naming the files here.
conf() {
	printf '[server]\n%s\n[profile default]\nkernel = boot/vmlinuz-lts\ninitrd = boot/initramfs-lts\nmodloop = boot/%s\nbranch = %s\nfallback = retry\n' \
		"${4:-}" "$2" "$3" >"$T_DIR/$1.conf"
}

# check_config ROOT CONF: netbootd --check-config in the server namespace;
# its exit status in $rc, its output in $T_DIR/out.
check_config() {
	t_srv timeout 10 "$NETBOOTD" --interface nbs0 --root "$1" --config "$2" --check-config \
		>"$T_DIR/out" 2>&1
	rc=$?
}

# --- matching files: ok ----------------------------------------------------
for comp in xz gzip; do
	conf ok-$comp modloop-ok-$comp v3.19
	check_config "$T_ROOT" "$T_DIR/ok-$comp.conf"
	t_check "matching files ($comp modloop): --check-config exits 0 (got $rc: $(head -c 300 "$T_DIR/out"))" \
		test "$rc" -eq 0
	t_check "matching files ($comp modloop): ok, no problem line" \
		bash -c "grep -qx '$T_DIR/ok-$comp.conf: ok' '$T_DIR/out' && ! grep -Eq '^(warn|error):' '$T_DIR/out'"
done

# --- a modloop of another release: both releases named ----------------------
for comp in xz gzip; do
	conf old-$comp modloop-old-$comp v3.19
	check_config "$T_ROOT" "$T_DIR/old-$comp.conf"
	cp "$T_DIR/out" "$T_DIR/old-$comp.out"
	echo "--check-config lines, $comp modloop of another release:"
	sed 's/^/    /' "$T_DIR/out"
	t_check "mismatch ($comp): --check-config exits 1" test "$rc" -eq 1
	t_check "mismatch ($comp): one line names the modloop and both releases" \
		grep -qx "error: boot/modloop-old-$comp: release: has modules/$OLD but kernel boot/vmlinuz-lts is $REL: no modules/$REL/, the client boots without drivers" "$T_DIR/out"
	t_check "mismatch ($comp): the count line" \
		grep -qx "$T_DIR/old-$comp.conf: 1 error, 0 warnings in the served files" "$T_DIR/out"
	t_check "mismatch ($comp): not ok" bash -c "! grep -q ': ok$' '$T_DIR/out'"
	# netboot-embed check: the same lines for the same config and root.
	"$NETBOOT_EMBED" check --config "$T_DIR/old-$comp.conf" --root "$T_ROOT" >"$T_DIR/embed.out" 2>&1
	erc=$?
	t_check "netboot-embed check ($comp): exit 1, the same lines as netbootd" \
		bash -c "[ $erc -eq 1 ] && diff '$T_DIR/old-$comp.out' '$T_DIR/embed.out'"
done

# --- repositories of another branch than the files ---------------------------
conf branch modloop-ok-xz v3.18
check_config "$T_ROOT" "$T_DIR/branch.conf"
t_check "repositories v3.18 beside Alpine 3.19.1 files: exit 1, both named" \
	bash -c "[ $rc -eq 1 ] && grep -qx 'error: boot/initramfs-lts: branch: repositories name v3.18 but the files are Alpine 3.19.1 (v3.19, /etc/alpine-release)' '$T_DIR/out'"
conf latest modloop-ok-xz latest-stable
check_config "$T_ROOT" "$T_DIR/latest.conf"
t_check "latest-stable beside local files: a warning, exit 0" \
	bash -c "[ $rc -eq 0 ] && grep -qx 'warn: boot/initramfs-lts: branch: repositories follow latest-stable, the files are Alpine 3.19.1: pin branch = v3.19' '$T_DIR/out'"

# --- a mismatch only a [client] section's profile reaches -----------------------
cat >"$T_DIR/client.conf" <<EOF
[profile default]
kernel = boot/vmlinuz-lts
initrd = boot/initramfs-lts
modloop = boot/modloop-ok-xz
branch = v3.19
fallback = retry

[profile lab]
modloop = boot/modloop-old-xz

[client 52:54:00:12:34:56]
profile = lab
EOF
check_config "$T_ROOT" "$T_DIR/client.conf"
t_check "[profile lab] of a [client] with another release's modloop: exit 1, named" \
	bash -c "[ $rc -eq 1 ] && grep -q '^error: boot/modloop-old-xz: release: has modules/$OLD but kernel boot/vmlinuz-lts is $REL' '$T_DIR/out'"
t_check "... and the default profile's files are fine" \
	bash -c "! grep -q 'modloop-ok-xz' '$T_DIR/out'"

# --- check = with a bad value: FILE:LINE, exit 2 -------------------------------
printf '[server]\ncheck = maybe\n' >"$T_DIR/badval.conf"
check_config "$T_ROOT" "$T_DIR/badval.conf"
t_check "check = maybe: exit 2 and FILE:LINE" \
	bash -c "[ $rc -eq 2 ] && grep -q '^$T_DIR/badval.conf:2: check: strict, warn or off' '$T_DIR/out'"

# --- an empty root: the missing kernel --------------------------------------
check_config "$T_DIR/empty" "$T_DIR/ok-xz.conf"
t_check "empty root: --check-config exits 1" test "$rc" -eq 1
t_check "empty root: the missing kernel reported" \
	grep -qx 'error: boot/vmlinuz-lts: exists: kernel named by the default profile: missing' "$T_DIR/out"
t_check "empty root: the missing modloop and initramfs too" \
	bash -c "grep -q '^error: boot/modloop-ok-xz: exists: ' '$T_DIR/out' && grep -q '^error: boot/initramfs-lts: exists: ' '$T_DIR/out'"

# --- check = off: nothing checked --------------------------------------------
conf off modloop-old-xz v3.19 'check = off'
check_config "$T_ROOT" "$T_DIR/off.conf"
t_check "check = off: --check-config exits 0, ok, no check line" \
	bash -c "[ $rc -eq 0 ] && grep -qx '$T_DIR/off.conf: ok' '$T_DIR/out' && ! grep -q 'error:' '$T_DIR/out'"
t_start_netbootd --root "$T_ROOT" --config "$T_DIR/off.conf" --no-dhcp --no-tftp || exit 1
t_log_has 'main - check off: the served files are not checked'
t_log_lacks 'check error'
t_check "netbootd exits 0 on SIGTERM" t_stop_netbootd

# --- check = strict: refuses to start, binds nothing --------------------------
conf strict modloop-old-gzip v3.19 'check = strict'
: >"$T_LOG"
t_srv timeout 10 "$NETBOOTD" --interface nbs0 --root "$T_ROOT" --config "$T_DIR/strict.conf" \
	--no-dhcp --no-tftp 2>"$T_LOG"
rc=$?
t_check "check = strict with a mismatch: exit 1 (got $rc)" test "$rc" -eq 1
t_log_has "error main - check error: boot/modloop-old-gzip: release: has modules/$OLD but kernel boot/vmlinuz-lts is $REL"
t_log_has 'check = strict: not starting'
t_log_lacks 'main - ready'
t_check "check = strict: nothing bound" bash -c "! ip netns exec $NS_SRV ss -Hlnt 'sport = :80' | grep -q ."
conf strict-ok modloop-ok-gzip v3.19 'check = strict'
t_start_netbootd --root "$T_ROOT" --config "$T_DIR/strict-ok.conf" --no-dhcp --no-tftp || exit 1
t_log_has 'main - check done: [0-9]+ items, 0 warnings, 0 errors$' "check = strict with matching files starts"
t_check "netbootd exits 0 on SIGTERM" t_stop_netbootd

# --- check = warn (the default): logs, serves ---------------------------------
t_start_netbootd --root "$T_ROOT" --config "$T_DIR/old-xz.conf" --no-dhcp --no-tftp || exit 1
t_log_has "error main - check error: boot/modloop-old-xz: release: has modules/$OLD but kernel boot/vmlinuz-lts is $REL"
t_log_has 'main - check done: [0-9]+ items, 0 warnings, 1 errors$'
t_served http boot/vmlinuz-lts "the kernel, served all the same (check = warn)"

t_done
