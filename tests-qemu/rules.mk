# tests-qemu/rules.mk: the QEMU boot tests and `make demo` (docs/testing.md).
#
#   make qemu-boot               every scenario (run by make check)
#   make qemu-boot SCENARIOS="01 03"  some of them; QEMU_JOBS=N VMs in parallel
#   make demo [FIRMWARE=bios]    one VM booting through netbootd, console here
#   make qemu-guest-selftest     the test guest alone (direct kernel boot)
#
# The guest (Debian kernel + busybox initramfs) is built under $(B)/guest;
# each run's files live in $(B)/qemu-runs/ and are removed unless RIG_KEEP=1.

QEMU_GUEST = $(B)/guest/initramfs
QEMU_JOBS ?= 2
SCENARIOS ?=

$(QEMU_GUEST): tests-qemu/guest/build.sh tests-qemu/guest/init tests-qemu/guest/udhcpc.script
	tests-qemu/guest/build.sh $(B)/guest

.PHONY: qemu-boot qemu-guest-selftest
qemu-boot: $(QEMU_GUEST)
	B=$(B) QEMU_JOBS=$(QEMU_JOBS) tests-qemu/run.sh $(SCENARIOS)

qemu-guest-selftest: $(QEMU_GUEST)
	B=$(B) tests-qemu/guest/selftest.sh

# The demo boots whatever `make all` built: the plain (not sanitized) netbootd.
FIRMWARE ?= uefi
demo: all $(QEMU_GUEST)
	B=$(B) FIRMWARE=$(FIRMWARE) tests-qemu/demo.sh

CHECKS      += qemu-boot
CHECK_BUILD += $(QEMU_GUEST)
DEPS_PKGS   += qemu-system-x86 ovmf seabios ipxe-qemu ipxe dnsmasq-base \
               busybox-static squashfs-tools mtools dosfstools cpio kmod \
               udhcpc isc-dhcp-client iproute2 perl-base coreutils
