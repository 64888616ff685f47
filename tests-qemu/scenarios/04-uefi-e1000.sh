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
rig_std_config
rig_start
rig_vm c1 uefi e1000 $MAC1
rig_vm c2 uefi e1000 $MAC2
rig_expect_ipxe_shell c2
rig_type c2 exit
rig_expect_serial c2 'Start PXE over IPv4' "c2: the firmware falls through to OVMF's PXE" 30
rig_expect_boot c1 $MAC1
rig_expect_boot c2 $MAC2
rig_expect_serial c2 'alpineboot: starting the kernel' "c2: alpineboot.efi starts the kernel" 1
rig_expect_path c1 uefi ipxe $MAC1
rig_expect_path c2 uefi pxe $MAC2
rig_expect_files virt apkovl/virt.apkovl.tar.gz
rig_done
