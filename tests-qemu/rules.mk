# tests-qemu/rules.mk: the QEMU boot tests and `make demo` (docs/testing.md).
#
#   make qemu-boot               every scenario (run by make check)
#   make qemu-boot SCENARIOS="01 03"  some of them; QEMU_JOBS=N VMs in parallel
#   make demo [FIRMWARE=bios]    one VM booting through netbootd, console here
#   make qemu-guest-selftest     the test guest alone (direct kernel boot)
#   make qemu-guest-selftest GUEST_ARCH=arm64   the same for the arm64 guest
#   make qemu-arm64              the arm64 scenarios (12, 16, 16b) alone
#
# The guest (Debian kernel + busybox initramfs) is built under $(B)/guest;
# the arm64 one under $(B)/guest-arm64, with trixie's ipxe-arm64.efi beside
# it (guest/fetch-arm64.sh: foreign .debs unpacked, never installed). Each
# run's files live in $(B)/qemu-runs/ and are removed unless RIG_KEEP=1.

QEMU_GUEST = $(B)/guest/initramfs
QEMU_JOBS ?= 2
SCENARIOS ?=

QEMU_GUEST_ARM64 = $(B)/guest-arm64/initramfs
GUEST_ARCH ?= amd64
GUEST_SRCS = tests-qemu/guest/build.sh tests-qemu/guest/init tests-qemu/guest/udhcpc.script

$(QEMU_GUEST): $(GUEST_SRCS)
	tests-qemu/guest/build.sh $(B)/guest

$(QEMU_GUEST_ARM64): $(GUEST_SRCS) tests-qemu/guest/fetch-arm64.sh
	tests-qemu/guest/build.sh $(B)/guest-arm64 arm64

.PHONY: qemu-boot qemu-guest-selftest qemu-arm64-arch qemu-arm64
# $(EFI_A64_IMAGE): alpineboot-arm64.efi (efi-shim/aarch64.mk), scenarios 16, 16b.
# Without SCENARIOS: every x86 scenario; the arm64 ones run alone in
# qemu-arm64 (a whole emulated CPU each under TCG).
QEMU_ARM64_SCENARIOS = 12 16 16b
qemu-boot: $(QEMU_GUEST)
	B=$(B) QEMU_JOBS=$(QEMU_JOBS) QEMU_EXCLUDE="$(QEMU_ARM64_SCENARIOS)" \
	  tests-qemu/run.sh $(SCENARIOS)

# The arm64 scenarios (12: iPXE; 16, 16b: alpineboot-arm64.efi by PXE and
# from a stamped disk; run.sh's "16" picks both) one at a time,
# nothing beside them: a whole emulated CPU each under TCG. Each VM has its
# own limit, RIG_VM_TIMEOUT_ARM64 (300 s; they take 25 to 85 s here).
qemu-arm64: $(QEMU_GUEST_ARM64) $(EFI_A64_IMAGE) $(B)/san/netbootd $(B)/netboot-embed
	B=$(B) QEMU_JOBS=1 tests-qemu/run.sh 12 16

qemu-guest-selftest: $(if $(filter arm64,$(GUEST_ARCH)),$(QEMU_GUEST_ARM64),$(QEMU_GUEST))
	B=$(B) GUEST_ARCH=$(GUEST_ARCH) tests-qemu/guest/selftest.sh

# The demo boots whatever `make all` built: the plain (not sanitized) netbootd.
FIRMWARE ?= uefi
demo: all $(QEMU_GUEST)
	B=$(B) FIRMWARE=$(FIRMWARE) tests-qemu/demo.sh

# The deps hook: arm64 as a foreign dpkg architecture, so `apt-get download
# PKG:arm64` (guest/fetch-arm64.sh) finds the arm64 kernel and busybox. It
# only lets apt see arm64 indexes; nothing arm64 is installed. Idempotent,
# and before deps' own apt-get update, which then fetches those indexes.
deps: qemu-arm64-arch
qemu-arm64-arch:
	@dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64

CHECKS      += qemu-boot qemu-arm64
CHECK_BUILD += $(QEMU_GUEST) $(QEMU_GUEST_ARM64) $(EFI_A64_IMAGE)
# qemu-system-arm: qemu-system-aarch64; qemu-efi-aarch64: AAVMF (arm64 UEFI);
# gcc-aarch64-linux-gnu: cross-compiles for arm64 (binutils' readelf is
# what build.sh uses of it today).
DEPS_PKGS   += qemu-system-x86 ovmf seabios ipxe-qemu ipxe dnsmasq-base \
               busybox-static squashfs-tools mtools dosfstools cpio kmod \
               udhcpc isc-dhcp-client iproute2 perl-base coreutils \
               qemu-system-arm qemu-efi-aarch64 gcc-aarch64-linux-gnu
