#!/usr/bin/env bash
# packaging/tests/apkbuild.sh: Alpine's abuild is not in Debian, so the
# APKBUILD is sourced in a shell and checked: its variables against the
# source (version, license, install script, subpackages), and its package()
# run for real into $B/apkbuild-test, where the tree must be what `make
# install install-openrc` lays out for PREFIX=/usr, split the way abuild's
# default -doc and -openrc subpackages split it (usr/share/man, and
# etc/init.d + etc/conf.d).
# Not run here (need Alpine): abuild -r, apk add, rc-update add, rc-service.
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=apkbuild
B=${B:-build}
export B
TOP=$(pwd)
A=$TOP/packaging/alpine
W=$TOP/$B/apkbuild-test
rm -rf "$W"; mkdir -p "$W"

# apk VAR: the variable as abuild sees it after sourcing the APKBUILD.
apk() { (startdir=$A; . "$A/APKBUILD"; eval "printf '%s\n' \"\$$1\""); }
words() { set -f; set -- $1; set +f; printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' '; }

version=$(sed -n 's/^#define NETBOOTD_VERSION "\(.*\)"$/\1/p' server-min/main.c)
t_check "pkgname is netbootd" test "$(apk pkgname)" = netbootd
t_check "pkgver $(apk pkgver) is netbootd's version ($version, server-min/main.c)" \
	test -n "$version" -a "$(apk pkgver)" = "$version"
t_check "pkgver is the Debian package's upstream version" \
	test "$(dpkg-parsechangelog -l debian/changelog -S Version)" = "$(apk pkgver)-1"
t_check "license is ISC, as LICENSE says" \
	sh -c 'test "$1" = ISC && grep -q "^Permission to use, copy, modify, and/or distribute" LICENSE' _ "$(apk license)"
t_check "install= names netbootd.pre-install, which exists and is executable" \
	sh -c 'test "$1" = netbootd.pre-install && test -x "$2/$1"' _ "$(apk install)" "$A"
t_check "subpackages: netbootd-doc netbootd-openrc" \
	test "$(words "$(apk subpackages)")" = "netbootd-doc netbootd-openrc "
t_check "makedepends holds gnu-efi-dev (Alpine's gnu-efi) and linux-headers (openat2.h)" \
	test "$(words "$(apk makedepends)")" = "gnu-efi-dev linux-headers "
t_check "arch is x86_64 (alpineboot.efi is built for x86_64 only)" test "$(apk arch)" = x86_64
t_check "builddir is this source tree" test "$(cd "$(apk builddir)" && pwd)" = "$TOP"
t_check "check is off, with the reason in a comment" \
	sh -c 'test "$1" = "!check" && grep -B1 "^options=\"!check\"" "$2/APKBUILD" | grep -q "make check"' _ "$(apk options)" "$A"

t_check "sh -n APKBUILD" sh -n "$A/APKBUILD"
# SC2034: pkgname and the rest are read by abuild; SC2154: abuild sets
# startdir and pkgdir.
t_check "shellcheck APKBUILD (SC2034, SC2154 excluded: abuild's variables)" \
	shellcheck -s sh -e SC2034,SC2154 "$A/APKBUILD"
t_check "sh -n netbootd.pre-install" sh -n "$A/netbootd.pre-install"
t_check "shellcheck netbootd.pre-install" shellcheck -s sh "$A/netbootd.pre-install"
t_check "pre-install adds the system user and group netbootd" \
	sh -c 'grep -qx "addgroup -S netbootd 2>/dev/null" "$1" &&
	       grep -q "^adduser -S -D -H .*-G netbootd .* netbootd 2>/dev/null$" "$1"' _ "$A/netbootd.pre-install"

# package(), as abuild runs it: in builddir, pkgdir set.
if (startdir=$A; . "$A/APKBUILD"; pkgdir=$W/pkg; cd "$builddir" && package) >"$W/package.log" 2>&1; then
	t_ok "package() runs"
else
	t_fail "package() runs"; cat "$W/package.log"
fi
tree=$(cd "$W/pkg" && find . -type f -printf '%P\n' | LC_ALL=C sort)
main=$(echo "$tree" | grep -Ev '^(usr/share/(man|doc)/|etc/(init|conf)\.d/)')
doc=$(echo "$tree" | grep -E '^usr/share/(man|doc)/')
openrc=$(echo "$tree" | grep -E '^etc/(init|conf)\.d/')
want_main=$( { printf '%s\n' etc/netbootd.conf.example usr/bin/netboot-embed usr/sbin/netbootd
	for f in "$B"/efi-shim/alpineboot*.efi; do [ -f "$f" ] && echo "usr/lib/netbootd/${f##*/}"; done; } |
	LC_ALL=C sort)
t_check "netbootd holds the programs, every alpineboot*.efi built and the sample config" \
	test "$main" = "$want_main"
t_check "netbootd-doc holds the three man pages" test "$doc" = "$(printf '%s\n' \
	usr/share/man/man1/netboot-embed.1 usr/share/man/man5/netbootd.conf.5 usr/share/man/man8/netbootd.8)"
t_check "netbootd-openrc holds the init script and its conf.d" \
	test "$openrc" = "$(printf '%s\n' etc/conf.d/netbootd etc/init.d/netbootd)"
t_check "the packaged init script runs /usr/sbin/netbootd" \
	grep -qx 'command="/usr/sbin/netbootd"' "$W/pkg/etc/init.d/netbootd"
t_check "the packaged init script is executable" test -x "$W/pkg/etc/init.d/netbootd"

rm -rf "$W"
t_done
