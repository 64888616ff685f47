#!/bin/bash
# 6. Two clients with different MACs and profiles boot at the same time and
# each gets its own plan: flavor, branch, mirror, repos and apkovl differ,
# so every field of the guest's report tells whose plan it ran. One is
# SeaBIOS (boot.ipxe), the other OVMF (alpineboot.efi, boot.plan): both
# renderers answer per MAC while the other client is being served. The
# apkovl paths use Alpine's own placeholders, {MAC} and {UUID}, which the
# guest's init replaces (netbootd passes them through untouched).
. "$(dirname "$0")/../rig.sh"
rig_init 06-two-clients
MAC1=52:54:00:4e:06:01
MAC2=52:54:00:4e:06:02
rig_efi_app
UUID2=4e420602-0000-4000-8000-5254004e0602
rig_guest_files virt ml-alpha ovl-alpha "alpine-base" "$MAC1.tar.gz"
rig_guest_files lts ml-beta ovl-beta "alpine-base htop" "$UUID2.tar.gz"
rig_config <<'EOF_CONF'
[profile alpha]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/{MAC}.tar.gz
cmdline = console=ttyS0

[profile beta]
flavor = lts
branch = edge
mirror = http://@SRV@/mirror-b
repos = main
apkovl = apkovl/{UUID}.tar.gz
cmdline = console=ttyS0

[client 52:54:00:4e:06:01]
profile = alpha

[client 52:54:00:4e:06:02]
profile = beta
EOF_CONF
rig_start
rig_vm c1 bios virtio-net-pci $MAC1
rig_vm c2 uefi virtio-net-pci,romfile= $MAC2 -uuid $UUID2
rig_expect_alpine c1 $MAC1 virt ml-alpha ovl-alpha "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_alpine c2 $MAC2 lts ml-beta ovl-beta "apkovl/{UUID}.tar.gz" "alpine-base htop" \
	http://$RIG_SRV/mirror-b/edge/main
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-4e-06-01 200" "boot.ipxe for c1"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-06-02 200" "boot.plan for c2"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "c1's kernel"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-lts 200" "c2's kernel"
rig_log_has "info http [0-9.:]+ GET /apkovl/$MAC1.tar.gz 200" "c1's apkovl by {MAC}"
rig_log_has "info http [0-9.:]+ GET /apkovl/$UUID2.tar.gz 200" "c2's apkovl by {UUID}"
rig_done
