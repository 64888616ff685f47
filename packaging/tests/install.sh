#!/usr/bin/env bash
# packaging/tests/install.sh: `make install` lays out exactly the files
# docs/install.md lists, with the right modes, for the default prefix and
# for the packages' (PREFIX=/usr SYSCONFDIR=/etc); the installed programs
# run; `make uninstall` removes every file; `make netbootd` needs no gnu-efi.
# Runs as any user, in $B/install-test only.
#
# Commands of docs/install.md run here: make netbootd, make install
# (DESTDIR), make install-systemd, make install-openrc, make uninstall.
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=install
B=${B:-build}
D=$(pwd)/$B/install-test
MAKE="make --no-print-directory"

# The files below DESTDIR, sorted, with their modes: "MODE PATH".
tree_of() { (cd "$1" && find . -type f -printf '%m %P\n' | LC_ALL=C sort); }

efi_images() { for f in "$B"/efi-shim/alpineboot*.efi; do [ -f "$f" ] && basename "$f"; done; }

# expect PREFIX SYSCONFDIR: the layout `make install install-systemd
# install-openrc` must produce.
expect() {
	local p=${1#/} e=${2#/} img
	{
		echo "755 $p/sbin/netbootd"
		echo "755 $p/bin/netboot-embed"
		for img in $(efi_images); do echo "644 $p/lib/netbootd/$img"; done
		echo "644 $p/share/man/man1/netboot-embed.1"
		echo "644 $p/share/man/man5/netbootd.conf.5"
		echo "644 $p/share/man/man8/netbootd.8"
		echo "644 $e/netbootd.conf.example"
		echo "644 $p/lib/systemd/system/netbootd.service"
		echo "755 $e/init.d/netbootd"
		echo "644 $e/conf.d/netbootd"
	} | LC_ALL=C sort
}

same_tree() {
	local want=$1 got=$2
	[ "$want" = "$got" ] && return 0
	echo "--- want / +++ got:"; diff <(echo "$want") <(echo "$got"); return 1
}

# The value of KEY= in a unit, as one line.
unit_key() { sed -n "s/^$2=//p" "$1"; }

check_layout() {
	local prefix=$1 sysconf=$2; shift 2
	local vars=(DESTDIR="$D" "$@")
	rm -rf "$D"
	if ! $MAKE install install-systemd install-openrc "${vars[@]}" >"$D.log" 2>&1; then
		t_fail "make install (${*:-defaults}) succeeds"; cat "$D.log"; return
	fi
	t_check "make install (${*:-defaults}): exactly the expected files and modes" \
		same_tree "$(expect "$prefix" "$sysconf")" "$(tree_of "$D")"
	t_check "installed netbootd --version says 0.1.0" \
		test "$("$D$prefix/sbin/netbootd" --version)" = "netbootd 0.1.0"
	t_check "installed netboot-embed renders the installed example config" \
		"$D$prefix/bin/netboot-embed" render --config "$D$sysconf/netbootd.conf.example" \
		--mac 52:54:00:12:34:56 --format cmdline >/dev/null
	t_check "the unit starts $prefix/sbin/netbootd with $sysconf/netbootd.conf" \
		test "$(unit_key "$D$prefix/lib/systemd/system/netbootd.service" ExecStart)" = \
		"$prefix/sbin/netbootd --config $sysconf/netbootd.conf"
	t_check "the OpenRC script runs $prefix/sbin/netbootd" \
		grep -qx "command=\"$prefix/sbin/netbootd\"" "$D$sysconf/init.d/netbootd"
	$MAKE uninstall "${vars[@]}" >"$D.log" 2>&1
	t_check "make uninstall (${*:-defaults}) leaves no file behind" \
		test -z "$(tree_of "$D")"
	t_check "make uninstall removes netbootd's library directory" \
		test ! -e "$D$prefix/lib/netbootd"
}

# Every man page renders without a groff or man warning.
man_clean() {
	local err
	err=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
	[ -z "$err" ] || { echo "$err"; return 1; }
}

mkdir -p "$B"
check_layout /usr/local /usr/local/etc
check_layout /usr /etc PREFIX=/usr SYSCONFDIR=/etc
check_layout /opt/nb /etc/nb PREFIX=/opt/nb SYSCONFDIR=/etc/nb

for m in docs/netbootd.8 docs/netbootd.conf.5 docs/netboot-embed.1; do
	t_check "$m renders without warnings" man_clean "$m"
done

# The server-only build: nothing of gnu-efi or efi-shim in what it runs,
# checked on a fresh build directory's plan, then built for real.
plan=$($MAKE -n netbootd B="$B/install-test-fresh" 2>&1)
t_check "make netbootd plans a build (make -n)" test -n "$plan"
t_check "make netbootd uses no gnu-efi and builds no alpineboot.efi" \
	sh -c '! printf "%s\n" "$1" | grep -Eq "/usr/include/efi|crt0-efi|efi-shim/|alpineboot"' _ "$plan"
t_check "make netbootd builds build/netbootd and build/netboot-embed" \
	$MAKE netbootd B="$B"

# A build directory holding what `make netbootd` made and no efi-shim/:
# install takes what is there (-o: use these binaries, do not rebuild them).
B2=$B/install-test-noefi
rm -rf "$B2" "$D"; mkdir -p "$B2"
cp "$B/netbootd" "$B/netboot-embed" "$B2/"
$MAKE install DESTDIR="$D" B="$B2" -o "$B2/netbootd" -o "$B2/netboot-embed" >"$D.log" 2>&1
t_check "make install with no alpineboot.efi built: installs the rest" \
	test -x "$D/usr/local/sbin/netbootd" -a -f "$D/usr/local/share/man/man8/netbootd.8"
t_check "make install with no alpineboot.efi built: no EFI image, no error" \
	test -z "$(ls "$D/usr/local/lib/netbootd")"
rm -rf "$B2" "$B/install-test-fresh"
rm -rf "$D" "$D.log"
t_done
