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
# PXEv4 and PXEv6 fail first (about 60-80 s under TCG), then HTTP Boot and
# the boot itself take about as long as scenario 03.
RIG_VM_TIMEOUT=300
SC_FW=uefi SC_PATH=http SC_MAC=52:54:00:4e:15:01
SC_SERVER=("boot-efi64 = no-such-file.efi")
SC_SERIAL=(
	'alpineboot: using NIC 52:54:00:4e:15:01 \(.*HTTP Boot' "c1: the loader uses the NIC HTTP Boot loaded it through"
	'alpineboot: net: server http://198\.18\.[0-9]+\.1 \(from the HTTP Boot URI\)' "c1: server from the device path's URI node"
	'alpineboot: fetched plan http://198\.18\.[0-9]+\.1/boot\.plan\?mac=52-54-00-4e-15-01: .* via http' "c1: plan for this NIC over HTTP")
SC_LOG=("info dhcp $SC_MAC offer arch=16 http file=http://[0-9.]+/alpineboot.efi" "proxy offer to the HTTPClient: the URL of alpineboot.efi")
rig_scenario
