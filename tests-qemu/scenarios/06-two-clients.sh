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
{
	rig_profile alpha apkovl="apkovl/{MAC}.tar.gz"
	rig_profile beta flavor=lts branch=edge mirror=http://@SRV@/mirror-b repos=main \
		apkovl="apkovl/{UUID}.tar.gz"
	rig_client $MAC1 alpha
	rig_client $MAC2 beta
} | rig_config
rig_start
rig_vm c1 bios virtio-net-pci $MAC1
rig_vm c2 uefi virtio-net-pci,romfile= $MAC2 -uuid $UUID2
rig_expect_alpine c1 $MAC1 virt ml-alpha ovl-alpha "apkovl/{MAC}.tar.gz" "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_alpine c2 $MAC2 lts ml-beta ovl-beta "apkovl/{UUID}.tar.gz" "alpine-base htop" \
	http://$RIG_SRV/mirror-b/edge/main
rig_expect_guest c1
rig_expect_guest c2
rig_expect_path c1 bios ipxe $MAC1
rig_expect_path c2 uefi pxe $MAC2
rig_expect_files virt apkovl/$MAC1.tar.gz          # c1's files, its apkovl by {MAC}
rig_expect_files lts apkovl/$UUID2.tar.gz          # c2's, its apkovl by {UUID}
rig_done
