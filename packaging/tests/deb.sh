#!/usr/bin/env bash
# packaging/tests/deb.sh: `make deb` builds the Debian package with Debian's
# own tools (dpkg-buildpackage, debhelper 13) in $B/deb/; lintian finds no
# error; the .deb holds exactly the expected files; its maintainer scripts
# add the user before the unit is enabled; unpacked into a throwaway root
# ($B/deb/root, dpkg -x) its programs run and its unit verifies there.
# Not run here: `apt install ./netbootd_0.1.0-1_amd64.deb` and `systemctl
# enable --now netbootd` (they would change this shared machine, and PID 1
# is not systemd).
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=deb
B=${B:-build}
DEB=$B/deb/netbootd_0.1.0-1_amd64.deb
CHANGES=$B/deb/netbootd_0.1.0-1_amd64.changes
LOG=$(pwd)/$B/deb.log

mkdir -p "$B"
if make --no-print-directory deb B="$B" >"$LOG" 2>&1; then
	t_ok "make deb (dpkg-buildpackage -us -uc -b)"
else
	t_fail "make deb (dpkg-buildpackage -us -uc -b)"; tail -n 40 "$LOG"; t_done; exit 1
fi
t_check "the .deb is $DEB" test -f "$DEB"

lint=$(lintian --fail-on error "$CHANGES" 2>&1); rc=$?
echo "--- lintian --fail-on error (exit $rc):"
echo "$lint" | grep -v 'running with root privileges is not recommended'
t_check "lintian: no error" test "$rc" -eq 0

# The files of the package (directories left out), as dpkg-deb -c lists them.
got=$(dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $1, $6 }' | LC_ALL=C sort -k2)
want=$(LC_ALL=C sort -k2 <<'LIST'
-rw-r--r-- ./etc/netbootd.conf.example
-rw-r--r-- ./lib/systemd/system/netbootd.service
-rwxr-xr-x ./usr/bin/netboot-embed
-rw-r--r-- ./usr/lib/netbootd/alpineboot.efi
-rwxr-xr-x ./usr/sbin/netbootd
-rw-r--r-- ./usr/share/doc/netbootd/README.md.gz
-rw-r--r-- ./usr/share/doc/netbootd/changelog.Debian.gz
-rw-r--r-- ./usr/share/doc/netbootd/copyright
-rw-r--r-- ./usr/share/doc/netbootd/install.md.gz
-rw-r--r-- ./usr/share/man/man1/netboot-embed.1.gz
-rw-r--r-- ./usr/share/man/man5/netbootd.conf.5.gz
-rw-r--r-- ./usr/share/man/man8/netbootd.8.gz
LIST
)
echo "--- dpkg-deb -c (files):"; echo "$got"
if [ "$got" = "$want" ]; then t_ok "dpkg-deb -c: exactly the expected files and modes"
else t_fail "dpkg-deb -c: exactly the expected files and modes"; diff <(echo "$want") <(echo "$got"); fi

field() { dpkg-deb -f "$DEB" "$1"; }
t_check "Version 0.1.0-1" test "$(field Version)" = 0.1.0-1
t_check "Depends on adduser (postinst uses it)" \
	sh -c 'printf "%s\n" "$1" | tr "," "\n" | sed "s/^ *//; s/ .*//" | grep -qx adduser' _ "$(field Depends)"
t_check "/etc/netbootd.conf.example is a conffile" \
	sh -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xOf - ./conffiles | grep -qx /etc/netbootd.conf.example' _ "$DEB"

C=$B/deb/control
rm -rf "$C"; mkdir -p "$C"
dpkg-deb -e "$DEB" "$C"
t_check "postinst: sh -n" sh -n "$C/postinst"
t_check "postinst: shellcheck" shellcheck -s sh "$C/postinst"
# The user must exist before dh_installsystemd's part enables and starts
# the unit: the adduser line comes first.
line_of() { grep -n -m1 -- "$2" "$1" | cut -d: -f1; }
a=$(line_of "$C/postinst" 'adduser --system --group --no-create-home --home /nonexistent')
e=$(line_of "$C/postinst" "deb-systemd-helper enable 'netbootd.service'")
t_check "postinst adds the system user netbootd, then enables the unit" \
	test -n "$a" -a -n "$e" -a "${a:-0}" -lt "${e:-0}"

R=$B/deb/root
rm -rf "$R"
dpkg -x "$DEB" "$R"
t_check "dpkg -x into $R: netbootd --version says 0.1.0" \
	test "$("$R/usr/sbin/netbootd" --version)" = "netbootd 0.1.0"
t_check "netboot-embed from the package renders its example config" \
	sh -c '"$1/usr/bin/netboot-embed" render --config "$1/etc/netbootd.conf.example" \
	       --mac 52:54:00:12:34:56 --format plan >/dev/null' _ "$R"
t_check "netboot-embed from the package reads its alpineboot.efi (unstamped)" \
	sh -c '"$1/usr/bin/netboot-embed" show "$1/usr/lib/netbootd/alpineboot.efi" 2>&1 | grep -q "not stamped"' _ "$R"
# The unit in the package's own tree, plus what any Debian system has
# (the targets, /bin/kill): ExecStart's binary is the packaged one.
mkdir -p "$R/bin"
cp /lib/systemd/system/*.target "$R/lib/systemd/system/"
cp /bin/kill "$R/bin/kill"
out=$(MANPATH=$R/usr/share/man systemd-analyze verify --root="$R" netbootd.service 2>&1); rc=$?
[ -z "$out" ] || echo "$out"
t_check "systemd-analyze verify --root=$R netbootd.service" test "$rc" -eq 0 -a -z "$out"

t_done
