#!/bin/bash
# 18. Secure Boot on (Debian's snakeoil OVMF: its db holds the snakeoil
# certificate): the whole chain of docs/secure-boot.md. alpineboot.efi is
# stamped with the plan key and require-signature, then signed with the
# snakeoil key, and boots from a FAT disk ("flash", as 05b); netbootd signs
# its plans with the plan key; the guest kernel (Debian's, already signed
# by Debian) gets the snakeoil signature as a second one and is pinned by
# SHA-256, as is the initramfs.
#   c1: the server's plan verifies, the firmware's LoadImage accepts the
#       kernel, Alpine's userspace comes up.
#   c2: its image is stamped with another plan key: the server's plan is
#       refused ("signed by another key") and the stamped plan, which the
#       firmware verified with the image, is used instead.
#   c3: its plan names a kernel that carries only Debian's signature (not
#       in this db), correctly pinned: the firmware's LoadImage refuses it.
#   c4: its plan pins an initramfs that is not the one served: refused.
#   c5: c1's very disk on the plain OVMF (Secure Boot off): the stamp still
#       requires signed plans, and the same chain boots.
#   c6: a stamped alpineboot.efi the site did not sign: the firmware does
#       not start it, and netbootd never sees a plan request from it.
. "$(dirname "$0")/../rig.sh"
rig_init 18-uefi-secure-boot
rig_need mkfs.fat mmd mcopy sbsign openssl
RIG_VM_TIMEOUT=200
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
[ -f "$OVMF_CODE" ] || rig_die "no $OVMF_CODE (apt-get install ovmf)"
# The Secure Boot builds of OVMF need SMM and a secure flash.
SB_ARGS=(-machine smm=on -global driver=cfi.pflash01,property=secure,value=on)
MAC1=52:54:00:4e:15:01
MAC2=52:54:00:4e:15:02
MAC3=52:54:00:4e:15:03
MAC4=52:54:00:4e:15:04
MAC6=52:54:00:4e:15:06
rig_guest_files virt ml-15 ovl-15 "alpine-base" "$MAC1.tar.gz"
cp "$RIG_ROOT/apkovl/$MAC1.tar.gz" "$RIG_ROOT/apkovl/$MAC2.tar.gz"
cp "$RIG_ROOT/boot/vmlinuz-virt" "$RIG_ROOT/boot/vmlinuz-debian"   # before the site signs
dsha=$(sha256sum "$RIG_ROOT/boot/vmlinuz-debian" | cut -d' ' -f1)

K=$RIG_DIR/keys
mkdir -p "$K"
openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil -out "$K/db.key" ||
	rig_die "cannot decrypt the snakeoil key"
DB_CRT=/usr/share/ovmf/PkKek-1-snakeoil.pem
"$RIG_EMBED" keygen --plan-key "$K/plan.key" >/dev/null || rig_die "keygen"
"$RIG_EMBED" keygen --plan-key "$K/other.key" >/dev/null || rig_die "keygen"
"$RIG_EMBED" sign --key "$K/db.key" --cert "$DB_CRT" "$RIG_ROOT/boot/vmlinuz-virt" 2>/dev/null ||
	rig_die "signing the kernel"
ksha=$(sha256sum "$RIG_ROOT/boot/vmlinuz-virt" | cut -d' ' -f1)
isha=$(sha256sum "$RIG_ROOT/boot/initramfs-virt" | cut -d' ' -f1)
{
	printf '[server]\nplan-key = %s\n\n' "$K/plan.key"
	rig_profile default apkovl="apkovl/{MAC}.tar.gz" kernel-sha256=$ksha initrd-sha256=$isha
	printf '[client %s]\nkernel = boot/vmlinuz-debian\nkernel-sha256 = %s\n\n' $MAC3 $dsha
	printf '[client %s]\ninitrd-sha256 = %s\n' $MAC4 "$(printf x | sha256sum | cut -d' ' -f1)"
} | rig_config
RIG_APKOVL="apkovl/{MAC}.tar.gz"

flash() {  # NAME MAC PLAN-KEY.pub [unsigned]: stamp, sign, a FAT disk image
	rig_stamp "$RIG_DIR/$1.efi" "$RIG_EFI" --mac "$2" --plan-key "$3" --require-signature 2>/dev/null
	[ "${4:-}" = unsigned ] ||
		"$RIG_EMBED" sign --key "$K/db.key" --cert "$DB_CRT" "$RIG_DIR/$1.efi" 2>/dev/null || rig_die "sign $1"
	rig_fat_disk "$RIG_DIR/$1.img" "$RIG_DIR/$1.efi" BOOTX64.EFI
}
flash c1 $MAC1 "$K/plan.key.pub"
flash c2 $MAC2 "$K/other.key.pub"
flash c3 $MAC3 "$K/plan.key.pub"
flash c4 $MAC4 "$K/plan.key.pub"
flash c6 $MAC6 "$K/plan.key.pub" unsigned   # stamped like the others, not signed

# sb_vm NAME MAC [ERE WHAT]...: NAME boots its disk with $SB_ARGS; then
# its console shows each line in order (90 s at most after the one before).
sb_vm() {
	local n=$1 mac=$2; shift 2
	rig_disk_vm $n uefi virtio-net-pci,romfile= $mac "$RIG_DIR/$n.img" "${SB_ARGS[@]}"
	rig_expect_serials $n 90 "$@"
}

rig_start   # proxyDHCP on: the loader's own PXE DHCP is answered at once
sb_vm c1 $MAC1 \
	'alpineboot: trust: Secure Boot on, plan key stamped, plan signatures required' \
		"c1: Secure Boot is on and the stamp's plan key is in force" \
	'alpineboot: plan: signature good' "c1: the server's signed plan verifies"
rig_expect_boot c1 $MAC1
sb_vm c2 $MAC2 \
	'plan from the server refused: signed by another key' "c2: a plan signed by another key is refused" \
	'alpineboot: plan: using the stamped plan' "c2: the verified stamped plan is used"
rig_expect_boot c2 $MAC2
sb_vm c3 $MAC3 \
	'alpineboot: plan: signature good' "c3: its signed plan verifies" \
	'kernel: sha256 verified' "c3: the kernel matches its pin" \
	'LoadImage: ([Aa]ccess [Dd]enied|[Ss]ecurity [Vv]iolation)' "c3: the firmware refuses a kernel the site did not sign" \
	'Reboot into firmware setup' "c3: the fallback menu opens (it offers the firmware)"
sb_vm c4 $MAC4 \
	'alpineboot: plan: signature good' "c4: its signed plan verifies" \
	'initrd http://[0-9.]+/boot/initramfs-virt: SHA-256 mismatch: refusing to boot it' \
		"c4: an initramfs that does not match its pin is refused" \
	'alpineboot: menu: booting failed' "c4: the menu opens"
sb_vm c6 $MAC6 \
	'BdsDxe: failed to load Boot0001 .*: Access Denied' "c6: the firmware refuses the unsigned loader (Access Denied)"
rig_log_lacks "boot.plan\\?mac=52-54-00-4e-15-06" "c6: no plan was fetched for it"

# Secure Boot off (Debian's plain OVMF): the same signed, stamped disk boots.
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
SB_ARGS=()
cp "$RIG_DIR/c1.img" "$RIG_DIR/c5.img"
sb_vm c5 $MAC1 \
	'alpineboot: trust: Secure Boot off, plan key stamped, plan signatures required' \
		"c5: Secure Boot off; the stamp still requires signatures" \
	'alpineboot: plan: signature good' "c5: the signed plan verifies"
rig_expect_boot c5 $MAC1
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-15-01 200" "c1's plan served"
rig_done
