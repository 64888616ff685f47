#!/bin/bash
# embed/tests/inventory.sh: a site's whole inventory, one file per host
# (issue 14). 100,000 [client MAC] sections split over 1,000 files under
# clients.d/, included by one pattern, ten profiles in the main file:
#   - netbootd --check-config passes (exit 0, "ok");
#   - netboot-embed list prints all 100,000 sections with FILE:LINE;
#   - every 1,000th client renders the profile it was given (its branch in
#     alpine_repo=) and its own hostname=, and `which` names its file;
#   - a MAC not listed falls back to the default profile, and is not a
#     known client (what [server] answer = known answers: nb_config_knows);
#   - the same MAC in two files is refused with exit 2 naming both places;
#   - a missing include folder is refused with FILE:LINE.
# Prints the parse time and peak RSS of netbootd --check-config (GNU time)
# and the time of one render with 10 clients against 100,000. Bounds are
# generous (60 s for a check) so a loaded machine cannot fail them.
#
# usage: [NBRENDER=build/nbrender] embed/tests/inventory.sh NETBOOTD NETBOOT_EMBED [CLIENTS] [FILES]
set -u
NBD=${1:-build/san/netbootd}
NE=${2:-build/san/netboot-embed}
NCLI=${3:-100000}
NFILES=${4:-1000}
# The count, its closing line and the clean-up on exit come from the
# protocol tests' harness; this test makes no namespaces (no t_init).
# shellcheck source=server-min/tests/lib.sh
. "$(dirname "$0")/../../server-min/tests/lib.sh"
T_NAME=inventory
T_DIR=$(mktemp -d /tmp/nbtest-inventory.XXXXXX)
T=$T_DIR
trap t_cleanup EXIT
mkdir -p "$T/root" "$T/etc/clients.d"

for tool in "$NBD" "$NE"; do
	[ -x "$tool" ] || { echo "inventory: no $tool"; exit 1; }
done
command -v /usr/bin/time >/dev/null || { echo "inventory: needs GNU time (Debian: time)"; exit 1; }

# Client i: MAC 02:00:00:HH:MM:LL from i, profile p(i % 10), hostname hI,
# in file clients.d/FFFF.conf with i / (NCLI / NFILES) = FFFF.
mac_of() { printf '02:00:00:%02x:%02x:%02x' $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
per=$((NCLI / NFILES))

{
	printf '[server]\nlisten = 127.0.0.1\ncheck = off\n\n'
	printf '[profile default]\nbranch = latest-stable\n\n'
	for p in 0 1 2 3 4 5 6 7 8 9; do
		printf '[profile p%d]\nbranch = v3.1%d\ntitle = Profile %d\n\n' "$p" "$p" "$p"
	done
	printf '# the inventory tool writes one file per host group\ninclude = clients.d/*.conf\n'
} > "$T/etc/netbootd.conf"

awk -v n="$NCLI" -v per="$per" -v dir="$T/etc/clients.d" 'BEGIN {
	for (i = 0; i < n; i++) {
		f = sprintf("%s/%04d.conf", dir, int(i / per));
		if (f != last) { if (last != "") close(last); last = f }
		printf("# host %d\n[client 02:00:00:%02x:%02x:%02x]\nprofile = p%d\nhostname = h%d\n\n",
		       i, int(i / 65536) % 256, int(i / 256) % 256, i % 256, i % 10, i) > f
	}
}'
echo "inventory: $NCLI clients in $(ls "$T/etc/clients.d" | wc -l) files," \
     "$(du -sh "$T/etc" | cut -f1) of config"

# --- the check: exit 0, "ok", time and RSS -----------------------------------
/usr/bin/time -f '%e %M' -o "$T/time" \
	"$NBD" --check-config --root "$T/root" --config "$T/etc/netbootd.conf" > "$T/out" 2>&1
rc=$?
read -r secs rss < "$T/time"
if [ $rc -eq 0 ] && grep -q ': ok$' "$T/out"; then
	t_ok "netbootd --check-config with $NCLI clients: ${secs} s, peak RSS ${rss} KiB"
else
	t_fail "netbootd --check-config exit $rc: $(tail -3 "$T/out")"
fi
awk -v s="$secs" 'BEGIN { exit !(s < 60) }' && t_ok "check under 60 s" || t_fail "check took $secs s"

# --- list: every section, with FILE:LINE -------------------------------------
"$NE" list --config "$T/etc/netbootd.conf" > "$T/list" 2>&1
n=$(grep -c ' profile=p[0-9] .*clients.d/[0-9]*\.conf:[0-9]*$' "$T/list")
[ "$n" = "$NCLI" ] && t_ok "list: $n sections with FILE:LINE" || t_fail "list: $n of $NCLI sections"

# --- every 1,000th client renders its own profile ----------------------------
step=1000
[ "$NCLI" -lt 10000 ] && step=$((NCLI / 10))
good=0 tried=0
for ((i = 0; i < NCLI; i += step)); do
	tried=$((tried + 1))
	mac=$(mac_of $i)
	line=$("$NE" render --config "$T/etc/netbootd.conf" --mac "$mac" --format cmdline 2>&1)
	want_branch="v3.1$((i % 10))"
	if [[ " $line " == *"/$want_branch/main"* && " $line " == *" hostname=h$i "* ]]; then
		good=$((good + 1))
	else
		echo "  client $i ($mac): $line"
	fi
done
[ $good -eq $tried ] && t_ok "$good of $tried sampled clients render their profile and hostname" \
	|| t_fail "$good of $tried sampled clients render their profile"

i=$((NCLI - 1))
w=$("$NE" which --config "$T/etc/netbootd.conf" --mac "$(mac_of $i)" 2>&1)
f=$(printf '%04d' $((i / per)))
[[ "$w" == "$(mac_of $i) profile=p$((i % 10)) $T/etc/clients.d/$f.conf:"* ]] \
	&& t_ok "which: $w" || t_fail "which: $w"

# --- a MAC not listed: the default profile, not a known client ---------------
line=$("$NE" render --config "$T/etc/netbootd.conf" --mac 02:00:01:00:00:01 --format cmdline 2>&1)
[[ "$line" == *"/latest-stable/main"* && "$line" != *hostname=* ]] \
	&& t_ok "unlisted MAC boots the default profile" || t_fail "unlisted MAC: $line"
w=$("$NE" which --config "$T/etc/netbootd.conf" --mac 02:00:01:00:00:01 2>&1)
[ "$w" = "none (the default profile)" ] && t_ok "unlisted MAC matches no section (answer = known ignores it)" \
	|| t_fail "which for an unlisted MAC: $w"

# --- render cost: 10 clients against the whole inventory ---------------------
mkdir -p "$T/small/clients.d"
sed 's/^include = .*/include = clients.d\/*.conf/' "$T/etc/netbootd.conf" > "$T/small/netbootd.conf"
head -n 50 "$T/etc/clients.d/0000.conf" > "$T/small/clients.d/0000.conf"
for cfg in "$T/small/netbootd.conf" "$T/etc/netbootd.conf"; do
	/usr/bin/time -f '%e %M' -o "$T/time" \
		"$NE" render --config "$cfg" --mac "$(mac_of 5)" --format plan > /dev/null 2>&1
	read -r secs rss < "$T/time"
	echo "  netboot-embed render (load included) with $("$NE" list --config "$cfg" | wc -l) clients: ${secs} s, RSS ${rss} KiB"
	# In the process, load excluded (bench/nbrender; NBRENDER=build/nbrender).
	if [ -x "${NBRENDER:-}" ]; then
		echo "  nbrender: $("$NBRENDER" "$cfg" 2000 "$(mac_of 5)" "$(mac_of 7)" 02:00:01:00:00:01)"
	fi
done

# --- the same MAC in two files: exit 2, both places named ---------------------
last=$(printf '%04d' $((NFILES - 1)))
printf '\n[client %s]\nprofile = p1\n' "$(mac_of 7)" >> "$T/etc/clients.d/$last.conf"
lines=$(wc -l < "$T/etc/clients.d/$last.conf")
"$NBD" --check-config --root "$T/root" --config "$T/etc/netbootd.conf" > "$T/out" 2>&1
rc=$?
want="$T/etc/clients.d/$last.conf:$((lines - 1)): duplicate client section (first at $T/etc/clients.d/0000.conf:$((7 * 5 + 2))): '$(mac_of 7)'"
[ $rc -eq 2 ] && grep -qxF "$want" "$T/out" && t_ok "duplicate MAC across files: exit 2, both places" \
	|| t_fail "duplicate MAC: exit $rc: $(head -2 "$T/out")"
"$NE" render --config "$T/etc/netbootd.conf" > "$T/out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -qF "$want" "$T/out" && t_ok "netboot-embed: the same error, exit 2" \
	|| t_fail "netboot-embed duplicate: exit $rc: $(head -2 "$T/out")"

# --- a folder that does not exist --------------------------------------------
printf '[server]\ncheck = off\ninclude = hosts.d/*.conf\n' > "$T/typo.conf"
"$NBD" --check-config --root "$T/root" --listen 127.0.0.1 --config "$T/typo.conf" > "$T/out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -qxF "$T/typo.conf:3: include $T/hosts.d/*.conf: no such folder" "$T/out" \
	&& t_ok "missing include folder: exit 2, FILE:LINE" || t_fail "missing folder: exit $rc: $(cat "$T/out")"

t_done
