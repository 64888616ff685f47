#!/bin/bash
# alpineboot.efi and what a plan pins. Three UEFI clients start the image
# from a FAT disk (BOOTX64.EFI) with a plan stamped into it; each stamp
# names its own plan server, a second HTTP server on the LAN (python's
# http.server: also shows the HTTP client works with a server other than
# netbootd, on a port other than 80). netbootd gives the proxyDHCP answer.
#   c1: size and SHA-256 pinned and right: both verified, the kernel starts.
#   c2: the initramfs's SHA-256 is wrong: refused, the menu opens.
#   c3: the "kernel" is not an EFI image: LoadImage fails, the menu opens;
#       Retry runs the whole boot again, so the LoadFile2 initrd from the
#       first attempt must have been withdrawn (a second registration of it
#       is refused, initrd.c).
. "$(dirname "$0")/../../tests-qemu/rig.sh"
rig_init efi-pins
command -v python3 >/dev/null || rig_die "missing python3"
rig_guest_files virt ml-p ovl-p "alpine-base"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
EOF_CONF

WEB_PIDS=()
trap 'st=$?; for p in "${WEB_PIDS[@]}"; do kill "$p" 2>/dev/null; done; (exit $st); rig_cleanup' EXIT

# plan_disk NAME PORT VARIANT: web root, boot.plan and a stamped FAT disk.
plan_disk() {
	local name=$1 port=$2 variant=$3 web=$RIG_DIR/web-$1 S=http://$RIG_SRV:$2
	mkdir -p "$web/boot"
	cp "$RIG_ROOT/boot/vmlinuz-virt" "$RIG_ROOT/boot/initramfs-virt" "$web/boot/"
	[ "$variant" = notakernel ] && echo "not a kernel" >"$web/boot/vmlinuz-virt"
	local ks kh is ih timeout=5
	[ "$variant" = notakernel ] && timeout=120     # Retry must come from the key
	ks=$(stat -c %s "$web/boot/vmlinuz-virt"); kh=$(sha256sum <"$web/boot/vmlinuz-virt" | cut -d' ' -f1)
	is=$(stat -c %s "$web/boot/initramfs-virt"); ih=$(sha256sum <"$web/boot/initramfs-virt" | cut -d' ' -f1)
	[ "$variant" = badhash ] && ih=$(printf x | sha256sum | cut -d' ' -f1)
	cat >"$web/boot.plan" <<EOP
nbplan 1
server $S
title Pinned $name
timeout $timeout
default 1
max-file-size 536870912
entry boot Alpine pinned
kernel $S/boot/vmlinuz-virt size=$ks sha256=$kh
initrd $S/boot/initramfs-virt size=$is sha256=$ih
cmdline modules=loop,squashfs ip=dhcp
extra console=ttyS0
entry retry Retry
end
EOP
	# Stamp by hand (plan/stamp.h layout): netboot-embed renders from a
	# config, which cannot pin hashes.
	cp "$RIG_EFI" "$RIG_DIR/$name.efi"
	local off
	off=$(objdump -h "$RIG_DIR/$name.efi" | awk '$2 == ".nbplan" {print $6}')
	python3 - "$RIG_DIR/$name.efi" $((16#$off)) "$web/boot.plan" <<'EOPY' || rig_die "stamping $name"
import struct, sys
img, off, plan = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], 'rb').read()
with open(img, 'r+b') as f:
    f.seek(off)
    assert f.read(16) == b'ALPINEBOOTSTAMP1'
    f.write(struct.pack('<II', len(plan), 0) + plan)
EOPY
	rig_fat_disk "$RIG_DIR/$name.img" "$RIG_DIR/$name.efi" BOOTX64.EFI
	ip netns exec "$RIG_NS" timeout "$RIG_VM_TIMEOUT" python3 -m http.server "$port" \
		--bind "$RIG_SRV" --directory "$web" >"$RIG_DIR/web-$name.log" 2>&1 &
	WEB_PIDS+=($!)
}

disk_vm() { rig_disk_vm "$1" uefi virtio-net-pci,romfile=,bootindex=2 "$2" "$RIG_DIR/$1.img"; }

rig_start
plan_disk c1 8081 good
plan_disk c2 8082 badhash
plan_disk c3 8083 notakernel
disk_vm c1 52:54:00:4e:e1:01
disk_vm c2 52:54:00:4e:e1:02
disk_vm c3 52:54:00:4e:e1:03

rig_expect_serial c1 "alpineboot: fetched plan http://$RIG_SRV:8081/boot.plan\\?mac=52-54-00-4e-e1-01" "c1: plan from the stamped server" 180
rig_expect_serial c1 'alpineboot: kernel: sha256 verified' "c1: kernel SHA-256 verified" 60
rig_expect_serial c1 'alpineboot: initrd: sha256 verified' "c1: initramfs SHA-256 verified" 30
rig_expect_serial c1 'EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path' "c1: the kernel took the LoadFile2 initrd" 30
rig_wait_result c1
rig_cmdline_has c1 BOOTIF=01-52-54-00-4e-e1-01
rig_cmdline_has c1 initrd=initramfs-virt

rig_expect_serial c2 'alpineboot: error: initrd http://[0-9.]+:8082/boot/initramfs-virt: SHA-256 mismatch: refusing to boot it' "c2: wrong SHA-256 refused" 180
rig_expect_serial c2 'alpineboot: menu: booting failed' "c2: the menu opens" 10
if grep -aq 'EFI stub' "$RIG_DIR/c2.serial"; then rig_fail "c2: no kernel started"; else rig_ok "c2: no kernel started"; fi

rig_expect_serial c3 'alpineboot: error: kernel: LoadImage: unsupported' "c3: not an EFI image: LoadImage fails" 180
rig_expect_serial c3 'alpineboot: menu: booting failed' "c3: the menu opens" 10
sleep 1
rig_keys c3 2
rig_expect_serial c3 'alpineboot: menu: chose 2\) Retry' "c3: Retry chosen by key" 15
for i in $(seq 1 100); do
	[ "$(grep -ac 'alpineboot: error: kernel: LoadImage' "$RIG_DIR/c3.serial")" -ge 2 ] && break
	sleep 0.2
done
n=$(grep -ac 'alpineboot: error: kernel: LoadImage' "$RIG_DIR/c3.serial")
[ "$n" -ge 2 ] && rig_ok "c3: the retry reached LoadImage again" || rig_fail "c3: the retry reached LoadImage again ($n)"
if grep -aq 'already registered' "$RIG_DIR/c3.serial"; then rig_fail "c3: the first initrd was withdrawn"
else rig_ok "c3: the first initrd was withdrawn"; fi
rig_done
