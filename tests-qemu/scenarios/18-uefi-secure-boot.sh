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
rig_config <<EOF_CONF
[server]
plan-key = $K/plan.key

[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/{MAC}.tar.gz
cmdline = console=ttyS0
kernel-sha256 = $ksha
initrd-sha256 = $isha

[client $MAC3]
kernel = boot/vmlinuz-debian
kernel-sha256 = $dsha

[client $MAC4]
initrd-sha256 = $(printf x | sha256sum | cut -d' ' -f1)
EOF_CONF

flash() {  # NAME MAC PLAN-KEY.pub: stamp, then sign, then a FAT disk image
	local app=$RIG_DIR/$1.efi img=$RIG_DIR/$1.img
	cp "$RIG_EFI" "$app"
	"$RIG_EMBED" stamp "$app" --config "$RIG_CONF" --server "http://$RIG_SRV" --mac "$2" \
		--plan-key "$3" --require-signature 2>/dev/null || rig_die "stamp $1"
	"$RIG_EMBED" sign --key "$K/db.key" --cert "$DB_CRT" "$app" 2>/dev/null || rig_die "sign $1"
	mkfs.fat -C -n NBFLASH "$img" 32768 >/dev/null
	mmd -i "$img" ::EFI ::EFI/BOOT
	mcopy -i "$img" "$app" ::EFI/BOOT/BOOTX64.EFI
}
flash c1 $MAC1 "$K/plan.key.pub"
flash c2 $MAC2 "$K/other.key.pub"
flash c3 $MAC3 "$K/plan.key.pub"
flash c4 $MAC4 "$K/plan.key.pub"
# c6: stamped like the others, not signed.
cp "$RIG_EFI" "$RIG_DIR/c6.efi"
"$RIG_EMBED" stamp "$RIG_DIR/c6.efi" --config "$RIG_CONF" --server "http://$RIG_SRV" --mac $MAC6 \
	--plan-key "$K/plan.key.pub" --require-signature 2>/dev/null || rig_die "stamp c6"
mkfs.fat -C -n NBFLASH "$RIG_DIR/c6.img" 32768 >/dev/null
mmd -i "$RIG_DIR/c6.img" ::EFI ::EFI/BOOT
mcopy -i "$RIG_DIR/c6.img" "$RIG_DIR/c6.efi" ::EFI/BOOT/BOOTX64.EFI

rig_start   # proxyDHCP on: the loader's own PXE DHCP is answered at once
rig_vm c1 uefi virtio-net-pci,romfile= $MAC1 "${SB_ARGS[@]}" \
	-drive "if=none,id=d0,format=raw,file=$RIG_DIR/c1.img" -device virtio-blk-pci,drive=d0,bootindex=0
rig_expect_serial c1 'alpineboot: trust: Secure Boot on, plan key stamped, plan signatures required' \
	"c1: Secure Boot is on and the stamp's plan key is in force" 60
rig_expect_serial c1 'alpineboot: plan: signature good' "c1: the server's signed plan verifies" 90
rig_expect_alpine c1 $MAC1 virt ml-15 ovl-15 "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community

rig_vm c2 uefi virtio-net-pci,romfile= $MAC2 "${SB_ARGS[@]}" \
	-drive "if=none,id=d1,format=raw,file=$RIG_DIR/c2.img" -device virtio-blk-pci,drive=d1,bootindex=0
rig_expect_serial c2 'plan from the server refused: signed by another key' \
	"c2: a plan signed by another key is refused" 90
rig_expect_serial c2 'alpineboot: plan: using the stamped plan' "c2: the verified stamped plan is used" 30
rig_expect_alpine c2 $MAC2 virt ml-15 ovl-15 "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_vm c3 uefi virtio-net-pci,romfile= $MAC3 "${SB_ARGS[@]}" \
	-drive "if=none,id=d2,format=raw,file=$RIG_DIR/c3.img" -device virtio-blk-pci,drive=d2,bootindex=0
rig_expect_serial c3 'alpineboot: plan: signature good' "c3: its signed plan verifies" 90
rig_expect_serial c3 'kernel: sha256 verified' "c3: the kernel matches its pin" 60
rig_expect_serial c3 'LoadImage: ([Aa]ccess [Dd]enied|[Ss]ecurity [Vv]iolation)' \
	"c3: the firmware refuses a kernel the site did not sign" 60
rig_expect_serial c3 'Reboot into firmware setup' "c3: the fallback menu opens (it offers the firmware)" 60
rig_vm c4 uefi virtio-net-pci,romfile= $MAC4 "${SB_ARGS[@]}" \
	-drive "if=none,id=d3,format=raw,file=$RIG_DIR/c4.img" -device virtio-blk-pci,drive=d3,bootindex=0
rig_expect_serial c4 'alpineboot: plan: signature good' "c4: its signed plan verifies" 90
rig_expect_serial c4 'initrd http://[0-9.]+/boot/initramfs-virt: SHA-256 mismatch: refusing to boot it' \
	"c4: an initramfs that does not match its pin is refused" 60
rig_expect_serial c4 'alpineboot: menu: booting failed' "c4: the menu opens" 30

rig_vm c6 uefi virtio-net-pci,romfile= $MAC6 "${SB_ARGS[@]}" \
	-drive "if=none,id=d5,format=raw,file=$RIG_DIR/c6.img" -device virtio-blk-pci,drive=d5,bootindex=0
rig_expect_serial c6 'BdsDxe: failed to load Boot0001 .*: Access Denied' \
	"c6: the firmware refuses the unsigned loader (Access Denied)" 90
rig_log_lacks "boot.plan\\?mac=52-54-00-4e-15-06" "c6: no plan was fetched for it"

# Secure Boot off (Debian's plain OVMF): the same signed, stamped disk boots.
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
cp "$RIG_DIR/c1.img" "$RIG_DIR/c5.img"
rig_vm c5 uefi virtio-net-pci,romfile= $MAC1 \
	-drive "if=none,id=d4,format=raw,file=$RIG_DIR/c5.img" -device virtio-blk-pci,drive=d4,bootindex=0
rig_expect_serial c5 'alpineboot: trust: Secure Boot off, plan key stamped, plan signatures required' \
	"c5: Secure Boot off; the stamp still requires signatures" 60
rig_expect_serial c5 'alpineboot: plan: signature good' "c5: the signed plan verifies" 90
rig_expect_alpine c5 $MAC1 virt ml-15 ovl-15 "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-15-01 200" "c1's plan served"
rig_done
