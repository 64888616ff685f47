#!/bin/bash
# embed/tests/sign.sh: Secure Boot's first half, end to end
# (docs/secure-boot.md).
#
#   1. netboot-embed keygen: the key pair, 0600, never overwritten;
#   2. stamp --plan-key [--require-signature] puts the public key into
#      alpineboot.efi's plan; the secret key is refused as --plan-key;
#   3. netboot-embed sign with Debian's snakeoil key (ovmf): sbverify
#      --cert passes, and fails with another certificate; stamping a
#      signed image is refused and leaves it byte for byte; a kernel that
#      is already signed (Debian's, when the QEMU guest was built) gets a
#      second signature; a key that does not match the certificate fails
#      and leaves the file as it was; Debian's Secure Boot OVMF (snakeoil
#      db) starts the signed image and refuses it unsigned;
#   4. netbootd with plan-key (in network namespaces, 198.18.0.0/15):
#      boot.plan over HTTP and TFTP verifies with netboot-embed
#      verify-plan (the loader's verifier); a changed byte and another
#      key's public half fail; the key file under the root is not served
#      even by another name; a boot.plan file under the root does not
#      replace the signed one; a plan from a netbootd with another key
#      fails; a key readable by others, a missing key and a malformed
#      one stop netbootd with exit 2;
#   5. docs/secure-boot.md's blocks, as written (--docs: run by this same
#      script with docs/tests/lib.sh's sandbox: network namespaces, a mount
#      namespace with fresh /usr/local, /srv, /tmp and a copy of /etc).
#
# usage: embed/tests/sign.sh   (NETBOOTD, NETBOOT_EMBED, EFI_IMAGE, KERNEL
#                               from the environment; root)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
NE=${NETBOOT_EMBED:-build/san/netboot-embed}
EFI_IMAGE=${EFI_IMAGE:-build/efi-shim/alpineboot.efi}
KERNEL=${KERNEL:-build/guest/vmlinuz}
SNAKE_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
SNAKE_CRT=/usr/share/ovmf/PkKek-1-snakeoil.pem
case $NE in /*) ;; *) NE=$TOP/$NE ;; esac
case ${NETBOOTD:-build/san/netbootd} in /*) NETBOOTD=${NETBOOTD:-} ;; *) NETBOOTD=$TOP/${NETBOOTD:-build/san/netbootd} ;; esac
case $EFI_IMAGE in /*) ;; *) EFI_IMAGE=$TOP/$EFI_IMAGE ;; esac
case $KERNEL in /*) ;; *) KERNEL=$TOP/$KERNEL ;; esac
export NETBOOTD NETBOOT_EMBED=$NE EFI_IMAGE KERNEL

# --- 5. docs/secure-boot.md, as written (docs/tests/lib.sh's sandbox) --------
docs_inside() {
	local doc=$TOP/docs/secure-boot.md k=/etc/netbootd/secure-boot cli=$D_DIR/cli
	# shellcheck disable=SC2034  # D_NAME is docs/tests/lib.sh's
	D_NAME=secure-boot
	# shellcheck disable=SC2154  # p is the trap's own loop variable
	trap 'for p in "${D_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait' EXIT
	d_sandbox
	# The README's install, from this build.
	install -m755 "$NETBOOTD" /usr/local/sbin/netbootd
	install -m755 "$NE" /usr/local/sbin/netboot-embed
	install -D -m644 "$EFI_IMAGE" /usr/local/lib/netbootd/alpineboot.efi
	mkdir -p /srv/netboot/boot "$cli"
	if [ -f "$KERNEL" ]; then
		cp "$KERNEL" /srv/netboot/boot/vmlinuz-lts
	else
		d_note "no kernel at $KERNEL: a copy of alpineboot.efi (a PE image too) stands in for vmlinuz-lts"
		cp "$EFI_IMAGE" /srv/netboot/boot/vmlinuz-lts
	fi
	head -c 4096 /dev/urandom >/srv/netboot/boot/initramfs-lts

	d_block "$doc" sb-keys || return 1
	d_check "sb-keys runs as written" d_run_block "$BLOCK"
	d_check "it made db.key, db.crt, db.cer, plan.key, plan.key.pub" \
		ls "$k/db.key" "$k/db.crt" "$k/db.cer" "$k/plan.key" "$k/plan.key.pub"
	d_check "plan.key is mode 0600" [ "$(stat -c %a "$k/plan.key")" = 600 ]
	d_block "$doc" sb-sign-kernel || return 1
	d_check "sb-sign-kernel runs as written" d_run_block "$BLOCK"
	d_check "vmlinuz-lts verifies with db.crt" sbverify --cert "$k/db.crt" /srv/netboot/boot/vmlinuz-lts

	d_block "$doc" sb-conf || return 1
	printf '%s\n' "$BLOCK" >/etc/netbootd.conf
	d_block "$doc" sb-pin || return 1
	d_check "sb-pin runs as written" d_run_block "$BLOCK"
	d_check "the config now pins the signed kernel" \
		grep -qx "kernel-sha256 = $(sha256sum /srv/netboot/boot/vmlinuz-lts | cut -d' ' -f1)" /etc/netbootd.conf
	d_block "$doc" sb-stamp-sign || return 1
	d_check "sb-stamp-sign runs as written" d_run_block "$BLOCK"
	d_check "the served alpineboot.efi verifies with db.crt" \
		sbverify --cert "$k/db.crt" /srv/netboot/alpineboot.efi
	netboot-embed show /srv/netboot/alpineboot.efi >"$D_DIR/stamp.txt" 2>/dev/null
	d_check "its stamp carries the plan key" \
		grep -qx "plan-key $(cut -d' ' -f3 "$k/plan.key.pub")" "$D_DIR/stamp.txt"
	d_check "... and the kernel's pin" \
		grep -q "^kernel .*/vmlinuz-lts .*sha256=$(sha256sum /srv/netboot/boot/vmlinuz-lts | cut -d' ' -f1)" "$D_DIR/stamp.txt"
	/usr/local/sbin/netbootd --config /etc/netbootd.conf --no-dhcp 2>"$D_DIR/netbootd.log" &
	D_PIDS+=($!)
	d_check "netbootd starts with the docs' config" d_wait_log "$D_DIR/netbootd.log" 'main - ready'
	d_block "$doc" sb-verify || return 1
	printf '%s\n' "$BLOCK" | sed 's/^/     $ /'
	d_check "sb-verify runs as written on a client: the plan verifies" \
		ip netns exec "$NS_CLI" env -u http_proxy -u HTTP_PROXY -u all_proxy \
		bash -e -c "cd '$cli' && $BLOCK"
	d_check "the signed plan pins the signed kernel" \
		grep -q "^kernel .*/vmlinuz-lts .*sha256=$(sha256sum /srv/netboot/boot/vmlinuz-lts | cut -d' ' -f1)" "$cli/boot.plan"
	d_check "the client gets the signed alpineboot.efi over TFTP" \
		d_tftp_get "$NS_CLI" "$SRV_IP" alpineboot.efi "$cli/a.efi"
	d_check "... which verifies with db.crt" sbverify --cert "$k/db.crt" "$cli/a.efi"
	d_coverage "$doc"
	d_done
}

if [ "${1:-}" = --docs ]; then
	. "$TOP/docs/tests/lib.sh"
	d_init secure-boot
	d_pair
	export D_DIR NS_SRV NS_CLI B
	ip netns exec "$NS_SRV" unshare -m bash "$0" --docs-inside
	exit $?
elif [ "${1:-}" = --docs-inside ]; then
	. "$TOP/docs/tests/lib.sh"
	docs_inside
	exit $?
fi

. "$TOP/server-min/tests/lib.sh"
t_init sign
for f in "$NE" "$EFI_IMAGE" "$SNAKE_KEY" "$SNAKE_CRT"; do
	[ -e "$f" ] || { echo "sign: no $f (make deps; make $EFI_IMAGE)"; exit 1; }
done
command -v sbsign >/dev/null || { echo "sign: no sbsign (apt-get install sbsigntool)"; exit 1; }
D=$T_DIR
# The snakeoil key is encrypted (passphrase "snakeoil", README.Debian of
# ovmf); sbsign cannot ask for it, so a decrypted copy, like a site's key.
openssl pkey -in "$SNAKE_KEY" -passin pass:snakeoil -out "$D/db.key" || exit 1
# A second certificate the image is not signed with.
openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj /CN=other/ \
	-keyout "$D/other.key" -out "$D/other.crt" 2>/dev/null || exit 1
printf '[server]\nlisten = 198.18.0.1\n' >"$D/stamp.conf"
no() { ! "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- 1. keygen ---------------------------------------------------------------
t_check "keygen writes plan.key and plan.key.pub" \
	"$NE" keygen --plan-key "$D/plan.key"
t_check "the secret key is mode 0600" [ "$(stat -c %a "$D/plan.key")" = 600 ]
t_check "keygen refuses to overwrite a key" no "$NE" keygen --plan-key "$D/plan.key"
"$NE" keygen --plan-key "$D/other.plan" >/dev/null || t_fail "a second key pair"
t_check "two key pairs differ" no cmp -s "$D/plan.key.pub" "$D/other.plan.pub"
PUB=$(sed -n 's/^netboot-plan-key ed25519-public \([0-9a-f]\{64\}\)$/\1/p' "$D/plan.key.pub")
t_check "plan.key.pub is one line with 64 hex digits" [ ${#PUB} -eq 64 ]

# --- 2. stamp with the plan key ----------------------------------------------
cp "$EFI_IMAGE" "$D/a.efi"
t_check "stamp --plan-key --require-signature" \
	"$NE" stamp "$D/a.efi" --config "$D/stamp.conf" --plan-key "$D/plan.key.pub" --require-signature
"$NE" show "$D/a.efi" >"$D/a.stamp"
t_check "the stamped plan carries plan-key of plan.key.pub" grep -qx "plan-key $PUB" "$D/a.stamp"
t_check "the stamped plan says require-signature yes" grep -qx "require-signature yes" "$D/a.stamp"
cp "$EFI_IMAGE" "$D/b.efi"
t_check "stamp refuses the secret key as --plan-key" \
	no "$NE" stamp "$D/b.efi" --config "$D/stamp.conf" --plan-key "$D/plan.key"
"$NE" stamp "$D/b.efi" --config "$D/stamp.conf" --require-signature 2>/dev/null
t_check "--require-signature without --plan-key: usage error (exit 2)" [ $? -eq 2 ]
t_check "an image refused is left as it was" cmp -s "$EFI_IMAGE" "$D/b.efi"

# --- 3. sign -------------------------------------------------------------------
t_check "sign alpineboot.efi with the snakeoil key" \
	"$NE" sign --key "$D/db.key" --cert "$SNAKE_CRT" "$D/a.efi"
t_check "sbverify --cert snakeoil passes" sbverify --cert "$SNAKE_CRT" "$D/a.efi"
t_check "sbverify --cert of another certificate fails" no sbverify --cert "$D/other.crt" "$D/a.efi"
t_check "the stamp survives signing" grep -qx "plan-key $PUB" <("$NE" show "$D/a.efi" 2>/dev/null)
before=$(sha "$D/a.efi")
"$NE" stamp "$D/a.efi" --config "$D/stamp.conf" 2>"$D/stamp.err"
t_check "stamping a signed image is refused (exit 1)" [ $? -eq 1 ]
t_check "... saying why" grep -q "stamping would invalidate its signature" "$D/stamp.err"
t_check "... and the signed image is byte for byte the same" [ "$(sha "$D/a.efi")" = "$before" ]
cp "$EFI_IMAGE" "$D/c.efi"
before=$(sha "$D/c.efi")
t_check "sign with a key that is not the certificate's fails" \
	no "$NE" sign --key "$D/other.key" --cert "$SNAKE_CRT" "$D/c.efi"
t_check "... and leaves the file as it was, no temporary left" \
	[ "$(sha "$D/c.efi")" = "$before" ] && [ ! -e "$D/c.efi.nbsign" ]
if [ -f "$KERNEL" ] && sbverify --list "$KERNEL" 2>/dev/null | grep -q '^signature 1'; then
	cp "$KERNEL" "$D/vmlinuz"
	t_check "sign a kernel that already carries a signature" \
		"$NE" sign --key "$D/db.key" --cert "$SNAKE_CRT" "$D/vmlinuz"
	t_check "... it now carries two" grep -q '^signature 2' <(sbverify --list "$D/vmlinuz" 2>/dev/null)
	t_check "... and verifies with the site's certificate" sbverify --cert "$SNAKE_CRT" "$D/vmlinuz"
else
	echo "     not run here: no signed kernel at $KERNEL (the QEMU guest's Debian kernel; make $KERNEL)"
	cp "$D/a.efi" "$D/twice.efi"
	t_check "an image signed once gets a second signature" \
		"$NE" sign --key "$D/db.key" --cert "$SNAKE_CRT" "$D/twice.efi"
	t_check "... it now carries two" grep -q '^signature 2' <(sbverify --list "$D/twice.efi" 2>/dev/null)
fi

# --- 3b. the firmware agrees: OVMF with Secure Boot on ---------------------------
# Debian's snakeoil OVMF (its db holds the snakeoil certificate) starts the
# image netboot-embed signed and refuses the same image unsigned. The VM has
# no NIC and no other boot option that could run our code; it is stopped as
# soon as the firmware's verdict is on the serial line (at most 120 s).
OVMF_SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
OVMF_SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
sb_vm() {  # NAME EFI-IMAGE: boots it from a FAT disk; the serial log in $D/NAME.serial
	local name=$1 img=$D/$1.img
	mkfs.fat -C -n NBSB "$img" 32768 >/dev/null && mmd -i "$img" ::EFI ::EFI/BOOT &&
		mcopy -i "$img" "$2" ::EFI/BOOT/BOOTX64.EFI || return 1
	cp "$OVMF_SB_VARS" "$D/$name.vars"
	: >"$D/$name.serial"
	# smm=on and a secure flash: the Secure Boot OVMF builds need both.
	timeout 150 qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot -nic none \
		-machine q35 -machine smm=on -global driver=cfi.pflash01,property=secure,value=on \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_SB_CODE" \
		-drive "if=pflash,format=raw,unit=1,file=$D/$name.vars" \
		-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-pci,drive=d0,bootindex=0 \
		-chardev "file,id=ser0,path=$D/$name.serial" -serial chardev:ser0 -monitor none \
		>/dev/null 2>&1 &
	local pid=$!
	for _ in $(seq 1 1200); do
		grep -aqE 'alpineboot: alpineboot .* starting|Boot0001 .*: Access Denied' "$D/$name.serial" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
if command -v qemu-system-x86_64 >/dev/null && command -v mcopy >/dev/null &&
   [ -f "$OVMF_SB_CODE" ] && [ -f "$OVMF_SB_VARS" ]; then
	cp "$EFI_IMAGE" "$D/sb-signed.efi"
	"$NE" stamp "$D/sb-signed.efi" --config "$D/stamp.conf" --plan-key "$D/plan.key.pub" 2>/dev/null
	cp "$D/sb-signed.efi" "$D/sb-unsigned.efi"
	"$NE" sign --key "$D/db.key" --cert "$SNAKE_CRT" "$D/sb-signed.efi" 2>/dev/null
	sb_vm sb-signed "$D/sb-signed.efi"
	t_check "Secure Boot OVMF starts the stamped image signed with its db key" \
		grep -aq 'alpineboot: alpineboot .* starting' "$D/sb-signed.serial"
	sb_vm sb-unsigned "$D/sb-unsigned.efi"
	t_check "... and refuses it unsigned (Access Denied)" \
		grep -aq 'Boot0001 .*: Access Denied' "$D/sb-unsigned.serial"
	t_check "... without running it" no grep -aq 'alpineboot: ' "$D/sb-unsigned.serial"
else
	echo "     not run here: Secure Boot firmware check (needs qemu-system-x86, mtools, dosfstools, ovmf)"
fi

# --- 4. netbootd signs the plans it serves -------------------------------------
# The unprivileged user netbootd drops to may read its key (a site may
# chown it so): then only the dev/ino check keeps it from being served.
chown nobody "$D/plan.key"
cat >"$D/netbootd.conf" <<EOF
[server]
plan-key = $D/plan.key
check = off
EOF
mkdir -p "$T_ROOT/keys"
ln "$D/plan.key" "$T_ROOT/keys/site.key"
ln -s ../keys/site.key "$T_ROOT/keys/link.key"
printf 'nbplan 1\nserver http://198.18.0.9\nentry boot x\nkernel http://198.18.0.9/k\ninitrd http://198.18.0.9/i\nend\n' \
	>"$T_ROOT/boot.plan"
t_netns_pair || exit 1
t_start_netbootd --root "$T_ROOT" --config "$D/netbootd.conf" --no-dhcp || exit 1
URL=http://$SRV_IP
c() { t_cli env -u http_proxy -u HTTP_PROXY -u all_proxy curl -s --max-time 10 "$@"; }
c -o "$D/http.plan" "$URL/boot.plan?mac=52-54-00-12-34-56"
t_check "HTTP boot.plan verifies with plan.key.pub" \
	"$NE" verify-plan --key "$D/plan.key.pub" "$D/http.plan"
t_check "its last line is the signature line" \
	grep -Eq '^signature ed25519 [0-9a-f]{128} keyid [0-9a-f]{16}$' <(tail -n1 "$D/http.plan")
t_check "the rendered plan, not the root's unsigned boot.plan, is served" \
	grep -q "^server $URL$" "$D/http.plan"
rm -f "$D/tftp.plan"
t_cli timeout 20 tftp "$SRV_IP" -m binary -c get "boot.plan?mac=52-54-00-12-34-56" "$D/tftp.plan"
t_check "TFTP boot.plan verifies too" "$NE" verify-plan --key "$D/plan.key.pub" "$D/tftp.plan"
"$NE" verify-plan --key "$D/other.plan.pub" "$D/http.plan" 2>"$D/vp.err"
t_check "verify-plan with another public key fails (exit 1)" [ $? -eq 1 ]
t_check "... naming another key" grep -q "signed by another key" "$D/vp.err"
sed 's#/boot/vmlinuz-#/evil/vmlinuz-#' "$D/http.plan" >"$D/forged.plan"
t_check "a forged plan (kernel URL changed) differs" no cmp -s "$D/http.plan" "$D/forged.plan"
"$NE" verify-plan --key "$D/plan.key.pub" "$D/forged.plan" 2>"$D/vp.err"
t_check "a forged plan fails verification" [ $? -eq 1 ] && grep -q "BAD signature" "$D/vp.err"
head -n -1 "$D/http.plan" >"$D/unsigned.plan"
"$NE" verify-plan --key "$D/plan.key.pub" "$D/unsigned.plan" 2>"$D/vp.err"
t_check "the plan without its signature line: not signed" [ $? -eq 1 ] && grep -q "not signed" "$D/vp.err"
code=$(c -o /dev/null -w '%{http_code}' "$URL/keys/site.key")
t_check "the key, hard-linked under the root, is not served (HTTP $code)" [ "$code" != 200 ]
code=$(c -o /dev/null -w '%{http_code}' "$URL/keys/link.key")
t_check "nor through a symlink (HTTP $code)" [ "$code" != 200 ]
t_log_has 'refused keys/site.key: it is the plan-key secret key'
t_cli timeout 20 tftp "$SRV_IP" -m binary -c get keys/site.key "$D/leak" >/dev/null 2>&1
t_check "nor over TFTP" [ ! -s "$D/leak" ]
head -c 4096 /dev/urandom >"$T_ROOT/keys/readme.bin"
t_served http keys/readme.bin "a normal file beside it"
t_stop_netbootd

# Another netbootd, another key: its plans do not verify under ours.
sed -i "s#^plan-key = .*#plan-key = $D/other.plan#" "$D/netbootd.conf"
t_start_netbootd --root "$T_ROOT" --config "$D/netbootd.conf" --no-dhcp || exit 1
c -o "$D/other-srv.plan" "$URL/boot.plan?mac=52-54-00-12-34-56"
t_check "a plan from a netbootd with another key fails under plan.key.pub" \
	no "$NE" verify-plan --key "$D/plan.key.pub" "$D/other-srv.plan"
t_check "... and verifies under its own" "$NE" verify-plan --key "$D/other.plan.pub" "$D/other-srv.plan"
t_stop_netbootd

# Keys netbootd must refuse at start, before serving anything.
refuse() {  # what KEYFILE ERE
	sed -i "s#^plan-key = .*#plan-key = $2#" "$D/netbootd.conf"
	"$NETBOOTD" --config "$D/netbootd.conf" --root "$T_ROOT" --listen "$SRV_IP" --check-config \
		>"$D/cc.out" 2>&1
	local rc=$?
	if [ $rc -eq 2 ] && grep -Eq "$3" "$D/cc.out"; then t_ok "$1"
	else t_fail "$1 (exit $rc)"; cat "$D/cc.out"; fi
}
cp "$D/plan.key" "$D/loose.key"; chmod 640 "$D/loose.key"
refuse "a key group can read: exit 2" "$D/loose.key" "mode 0640 .*chmod 600"
refuse "a missing key: exit 2" "$D/none.key" "plan-key .*none.key: No such file"
printf 'netboot-plan-key ed25519-secret 00\n' >"$D/bad.key"; chmod 600 "$D/bad.key"
refuse "a malformed key: exit 2" "$D/bad.key" "not a \"netboot-plan-key ed25519-secret\" key"
refuse "the public key given as plan-key: exit 2" "$D/plan.key.pub" "mode 0644|not a \"netboot-plan-key"
printf '[server]\nplan-key = keys/relative.key\n' >"$D/rel.conf"
"$NETBOOTD" --config "$D/rel.conf" --root "$T_ROOT" --listen "$SRV_IP" --check-config >"$D/cc.out" 2>&1
t_check "a relative plan-key is a config error (FILE:LINE, exit 2)" \
	[ $? -eq 2 ] && grep -q "rel.conf:2: plan-key: an absolute path" "$D/cc.out"

# --- 5. the docs, as written ----------------------------------------------------
bash "$0" --docs
t_check "docs/secure-boot.md's blocks run as written (above)" [ $? -eq 0 ]
t_done
