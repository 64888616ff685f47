#!/bin/bash
# 4. OVMF, e1000. OVMF has no e1000 driver of its own: the NIC's UEFI driver
# is iPXE's, from Debian's efi-e1000.rom, and it puts its own PXE boot
# option (Boot0001) ahead of OVMF's PXE over the same NIC (Boot0002). So an
# e1000 UEFI VM, as QEMU and Proxmox ship it, boots in two ways, both here,
# side by side:
#   c1  as it comes: iPXE's option runs, says "iPXE" in its DHCP, is sent to
#       boot.ipxe and boots the kernel through iPXE's EFI loader;
#   c2  the firmware PXE path of scenario 3: we press Ctrl-B at iPXE's
#       prompt and type "exit", the firmware falls through to OVMF's own
#       PXE (on iPXE's SNP), which gets alpineboot.efi, which boots.
. "$(dirname "$0")/../rig.sh"
rig_init 04-uefi-e1000
MAC1=52:54:00:4e:04:01
MAC2=52:54:00:4e:04:02
rig_efi_app
rig_guest_files virt ml-04 ovl-04 "alpine-base openssh"
rig_config <<'EOF_CONF'
[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 uefi e1000 $MAC1
rig_vm c2 uefi e1000 $MAC2
rig_ipxe_shell c2 && rig_ok "c2: into iPXE's shell" || { rig_fail "c2: into iPXE's shell"; rig_show c2; }
sleep 0.5
rig_type c2 exit
rig_expect_serial c2 'Start PXE over IPv4' "c2: the firmware falls through to OVMF's PXE" 30
for c in c1 c2; do
	eval mac=\$MAC${c#c}
	rig_expect_alpine $c $mac virt ml-04 ovl-04 apkovl/virt.apkovl.tar.gz "alpine-base openssh" \
		http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
	rig_expect_serial $c 'Command line: .*modloop=' "$c: the kernel starts" 1
done
rig_expect_serial c1 'netboot: booting Alpine virt v3.20' "c1: iPXE (EFI) runs boot.ipxe" 1
rig_expect_serial c2 'alpineboot: starting the kernel' "c2: alpineboot.efi starts the kernel" 1
rig_log_has "info dhcp $MAC1 offer arch=7 file=http://$RIG_SRV/boot.ipxe" "c1: proxy offer to iPXE (EFI): boot.ipxe"
rig_log_has "info http [0-9.:]+ GET /boot.ipxe\\?mac=52-54-00-4e-04-01 200" "c1: boot.ipxe for its MAC"
rig_log_has "info dhcp $MAC2 (offer|ack) arch=7 file=alpineboot.efi" "c2: proxy answer to OVMF's PXE: alpineboot.efi"
rig_log_has "info tftp [0-9.:]+ sent alpineboot.efi [0-9]+ bytes" "c2: alpineboot.efi over TFTP"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-04-02 200" "c2: boot.plan for its MAC"
rig_done
