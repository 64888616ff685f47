# efi-shim/aarch64.mk: alpineboot-arm64.efi, the same sources as
# alpineboot.efi built for arm64 UEFI clients (proxyDHCP arch 11 and 19).
#
#   make efi-arm64     fetch gnu-efi:arm64 into $(B) if needed, then build
#   make all           builds it too when the cross compiler and the fetched
#                      gnu-efi files are there (make deps installs the one,
#                      make efi-arm64 or make deps fetches the other)
#
# Debian's cross gcc (gcc-aarch64-linux-gnu) compiles; gnu-efi's aarch64
# crt0, linker script and libraries come from the arm64 package, unpacked
# under $(B)/gnu-efi-arm64 by efi-shim/fetch-gnu-efi-arm64.sh (never
# installed: they would collide with the host's amd64 gnu-efi).
#
# Debian 12's gnu-efi 3.0.15 does not let objcopy write the PE header on
# arm64 (binutils before 2.38 had no efi-app-aarch64): its crt0 carries a
# hand-made PE/COFF header in .text.head at address 0 (MZ, PE, optional
# header with two sections, ".text" from 0x1000 to _data and ".data" from
# _data to _edata, subsystem EFI_SUBSYSTEM from the link), and the image is
# the linked object dumped with `objcopy -O binary`, so file offset = RVA.
# That is gnu-efi's own Make.defaults for aarch64 (FORMAT := -O binary), and
# we do as it does. Consequences the rules below handle:
#  - anything the image needs must lie before _edata, or the loader does
#    not map it: our copy of the linker script puts .nbplan inside
#    .data's range (and, as for x86, folds .bss.* into .data);
#  - the header's section table has no ".nbplan" entry: netboot-embed finds
#    the stamp by its magic at a page-aligned offset inside a section when
#    the table names none (embed/netboot-embed.c), and check-image.sh
#    checks that exactly one such place exists;
#  - there is no .reloc: the header has no base relocation directory and
#    does not say "relocations stripped", so the firmware loads the image
#    anywhere and crt0's _relocate applies the ELF's R_AARCH64_RELATIVE
#    relocations itself.

EFI_A64_PREFIX  = aarch64-linux-gnu-
EFI_A64_CC      = $(EFI_A64_PREFIX)gcc
EFI_A64_LD      = $(EFI_A64_PREFIX)ld
EFI_A64_OBJCOPY = $(EFI_A64_PREFIX)objcopy
EFI_A64_ROOT    = $(B)/gnu-efi-arm64
EFI_A64_INC     = $(EFI_A64_ROOT)/usr/include/efi
EFI_A64_LIBDIR  = $(EFI_A64_ROOT)/usr/lib
EFI_A64_CRT0    = $(EFI_A64_LIBDIR)/crt0-efi-aarch64.o
EFI_A64_LDS     = $(EFI_A64_LIBDIR)/elf_aarch64_efi.lds
EFI_A64_IMAGE   = $(B)/efi-shim/alpineboot-arm64.efi
EFI_A64_OBJS    = $(patsubst %.c,$(B)/efi-aarch64/%.o,$(EFI_SHIM_SRCS) $(PLAN_SRCS))

# rules.mk's EFI_ANY_CFLAGS, not its x86-only ones: -mno-red-zone (AAPCS64
# has no red zone), -maccumulate-outgoing-args and -DGNU_EFI_USE_MS_ABI
# (arm64 UEFI uses the platform's own calling convention: gnu-efi's EFIAPI
# is empty there). The rest says why in rules.mk.
EFI_A64_CFLAGS = $(EFI_ANY_CFLAGS) \
                 -isystem $(EFI_A64_INC) -isystem $(EFI_A64_INC)/aarch64 \
                 -isystem $(EFI_A64_INC)/protocol

# One target stands for the whole unpacked tree (the script checks every
# file it needs before it replaces the tree).
$(EFI_A64_CRT0): efi-shim/fetch-gnu-efi-arm64.sh
	efi-shim/fetch-gnu-efi-arm64.sh $(EFI_A64_ROOT)
	touch $@
$(EFI_A64_LDS): $(EFI_A64_CRT0)

# The headers come with the fetch: objects wait for it (order only, so a
# refetch does not rebuild them; -MMD tracks the headers themselves).
$(B)/efi-aarch64/%.o: %.c | $(EFI_A64_CRT0)
	@mkdir -p $(@D)
	$(EFI_A64_CC) $(EFI_A64_CFLAGS) -MMD -MP -c $< -o $@

# gnu-efi's script plus: .bss.* folded into .data (why: rules.mk), and
# .nbplan kept, page-aligned, right after .data so that it lies inside the
# header's ".data" section (_data.._edata) and so in the loaded image.
EFI_A64_LDS_GC = $(B)/efi-shim/elf_aarch64_efi_gc.lds
$(EFI_A64_LDS_GC): $(EFI_A64_LDS)
	@mkdir -p $(@D)
	sed $(EFI_LDS_BSS_SED) \
	    -e 's/^\([[:space:]]*\)\.rela\.dyn[[:space:]]*:/  .nbplan : ALIGN(4096) { KEEP (*(.nbplan)) }\n&/' \
	    $< >$@.tmp
	$(EFI_LDS_BSS_CHECK)
	grep -q 'KEEP (\*(\.nbplan))' $@.tmp || { echo "$<: no .rela.dyn to put .nbplan before" >&2; exit 1; }
	mv $@.tmp $@

# Flags as for x86 (rules.mk), plus EFI_SUBSYSTEM, which crt0's hand-made
# header takes from the link: 10, EFI application.
$(B)/efi-shim/alpineboot-arm64.so: $(EFI_A64_OBJS) $(EFI_A64_CRT0) $(EFI_A64_LDS_GC)
	@mkdir -p $(@D)
	$(EFI_A64_LD) $(EFI_LDFLAGS) --defsym=EFI_SUBSYSTEM=0xa \
	  -T $(EFI_A64_LDS_GC) -L$(EFI_A64_LIBDIR) -o $@ $(EFI_A64_CRT0) $(EFI_A64_OBJS) \
	  -lefi -lgnuefi

# Everything up to _edata, in address order (.text holds crt0's header).
# The dump ends with the last byte of a section; the header promises bytes
# up to _edata (512-aligned), so the file is padded to there.
EFI_A64_PE_SECTIONS = .text .dynamic .data .nbplan .rela.dyn .rela.plt .rela.got .rela.data
$(EFI_A64_IMAGE): $(B)/efi-shim/alpineboot-arm64.so efi-shim/check-image.sh
	$(EFI_A64_OBJCOPY) $(EFI_A64_PE_SECTIONS:%=-j %) -O binary $< $@.tmp
	edata=$$($(EFI_A64_PREFIX)nm $< | awk '$$3 == "_edata" {print $$1}'); \
	  [ -n "$$edata" ] && [ $$(stat -c %s $@.tmp) -le $$((0x$$edata)) ] && \
	  truncate -s $$((0x$$edata)) $@.tmp
	sh efi-shim/check-image.sh $< $@.tmp "$(EFI_A64_PE_SECTIONS)"
	mv $@.tmp $@

.PHONY: efi-arm64
efi-arm64: $(EFI_A64_IMAGE)

# `make all` builds the arm64 image only where it can without the network:
# the cross compiler installed and gnu-efi:arm64 already fetched.
ifneq ($(shell command -v $(EFI_A64_CC) 2>/dev/null),)
ifneq ($(wildcard $(EFI_A64_CRT0)),)
all: $(EFI_A64_IMAGE)
endif
endif

# make deps installs the cross compiler and fetches gnu-efi:arm64 (the
# script adds arm64 as a foreign architecture and updates apt's indexes when
# they lack it), so `make check`, which runs deps first, builds the image.
# libc6-dev-arm64-cross: <errno.h> and <stdint.h> for arm64, as the x86
# build takes the host's (only constants and types: nothing of libc links).
DEPS_PKGS += gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
.PHONY: efi-arm64-fetch
deps: efi-arm64-fetch
efi-arm64-fetch: | qemu-arm64-arch
	@[ -f $(EFI_A64_CRT0) ] || efi-shim/fetch-gnu-efi-arm64.sh $(EFI_A64_ROOT)
