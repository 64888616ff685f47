#!/bin/bash
# 15. UEFI HTTP Boot (issue 10): OVMF's own network stack drives a virtio
# NIC; its boot manager tries "UEFI PXEv4" first, which fails here because
# netbootd names a boot file that does not exist over TFTP (boot-efi64 =
# no-such-file.efi), then "UEFI PXEv6" (no IPv6 server), then "UEFI
# HTTPv4": OVMF sends option 60 "HTTPClient" (arch 16), netbootd's
# proxyDHCP answers with http://SRV/alpineboot.efi, OVMF GETs it. The
# loader then has no PXE base code: it takes NIC, MAC and server from its
# device path (MAC and URI nodes), the address from the firmware's HTTP
# Boot, fetches boot.plan?mac= of that NIC over HTTP and boots Alpine.
. "$(dirname "$0")/../rig.sh"
rig_init 15-uefi-http-boot
# PXEv4 and PXEv6 fail first (about 60-80 s under TCG), then HTTP Boot and
# the boot itself take about as long as scenario 03.
RIG_VM_TIMEOUT=300
MAC=52:54:00:4e:15:01
rig_efi_app
rig_guest_files virt ml-15 ovl-15 "alpine-base"
rig_config <<'EOF_CONF'
[server]
boot-efi64 = no-such-file.efi

[profile default]
flavor = virt
branch = v3.20
mirror = http://@SRV@/alpine
apkovl = apkovl/virt.apkovl.tar.gz
cmdline = console=ttyS0
EOF_CONF
rig_start
rig_vm c1 uefi virtio-net-pci,romfile= $MAC
rig_expect_alpine c1 $MAC virt ml-15 ovl-15 apkovl/virt.apkovl.tar.gz "alpine-base" \
	http://$RIG_SRV/alpine/v3.20/main http://$RIG_SRV/alpine/v3.20/community
rig_expect_serial c1 'alpineboot: using NIC 52:54:00:4e:15:01 \(.*HTTP Boot' \
	"c1: the loader uses the NIC HTTP Boot loaded it through" 1
rig_expect_serial c1 'alpineboot: net: server http://198\.18\.[0-9]+\.1 \(from the HTTP Boot URI\)' \
	"c1: server from the device path's URI node" 1
rig_expect_serial c1 'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan\?mac=52-54-00-4e-15-01: .* via http' \
	"c1: plan for this NIC over HTTP" 1
rig_log_has "info dhcp $MAC offer arch=16 http file=http://[0-9.]+/alpineboot.efi" "proxy offer to the HTTPClient: the URL of alpineboot.efi"
rig_log_has "info http [0-9.:]+ GET /alpineboot.efi 200" "alpineboot.efi over HTTP (firmware HTTP Boot)"
rig_log_lacks "tftp .*alpineboot.efi.* (sent|done|ok)" "alpineboot.efi not served over TFTP"
rig_log_has "info http [0-9.:]+ GET /boot.plan\\?mac=52-54-00-4e-15-01 200" "boot.plan for this MAC"
rig_log_has "info http [0-9.:]+ GET /boot/vmlinuz-virt 200" "kernel over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/initramfs-virt 200" "initramfs over HTTP"
rig_log_has "info http [0-9.:]+ GET /boot/modloop-virt 200" "modloop over HTTP (client reached userspace)"
rig_done
