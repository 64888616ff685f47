# server-min/plansign.mk: netbootd signs boot.plan with [server] plan-key
# (server-min/plansign.h, docs/secure-boot.md). libsodium is optional:
# `make NO_SODIUM=1`, or a system whose pkg-config does not know it,
# builds a netbootd that refuses plan-key at start. Build such a variant
# in its own tree (B=build-nosodium): objects do not record their flags.
# netboot-embed links it too, for keygen (the key pair); its verify-plan
# uses plan/'s own verifier, the loader's.
PLANSIGN_SODIUM := $(if $(NO_SODIUM),,$(shell pkg-config --exists libsodium 2>/dev/null && echo yes))
PLANSIGN_LIBS := $(if $(PLANSIGN_SODIUM),$(shell pkg-config --libs libsodium))
# The fuzz build (content_fuzz) links the stubs: no library there.
$(B)/host/server-min/plansign.o $(B)/san/server-min/plansign.o \
$(B)/host/embed/netboot-embed.o $(B)/san/embed/netboot-embed.o: \
  CPPFLAGS += $(if $(PLANSIGN_SODIUM),-DHAVE_SODIUM $(shell pkg-config --cflags libsodium))
DEPS_PKGS += libsodium-dev sbsigntool ovmf openssl qemu-system-x86 mtools dosfstools tftp-hpa curl

netbootd_SRCS += server-min/plansign.c
netbootd_LIBS += $(PLANSIGN_LIBS)
netboot-embed_LIBS += $(PLANSIGN_LIBS)
content_fuzz_SRCS += server-min/plansign.c

# keygen, stamp with a plan key, sbsign with Debian's snakeoil key, the
# stamp refusing a signed image, netbootd serving signed plans that
# verify (and fail under another key), and docs/secure-boot.md's blocks.
CHECKS += test-sign
.PHONY: test-sign
# A kernel that is already signed (Debian's) is the QEMU guest's, when
# tests-qemu built it; without it an image signed once stands in.
test-sign: $(B)/san/netbootd $(B)/san/netboot-embed $(B)/efi-shim/alpineboot.efi
	NETBOOTD=$(B)/san/netbootd NETBOOT_EMBED=$(B)/san/netboot-embed \
	  EFI_IMAGE=$(B)/efi-shim/alpineboot.efi KERNEL=$(B)/guest/vmlinuz \
	  bash embed/tests/sign.sh
