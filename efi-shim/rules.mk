# efi-shim/rules.mk: alpineboot.efi, the Alpine boot command as a UEFI app.
#
# Built with Debian's gnu-efi: our objects and the freestanding plan/
# library (the contract with the server; not embed/'s config parser or
# renderers, which are server policy) are compiled in their own variant
# ($(B)/efi/%.o), linked as an ELF shared object against gnu-efi's crt0 and
# linker script, then turned into a PE32+ image by objcopy. efi-shim/check-image.sh checks the result; a bad image
# never reaches $(EFI_IMAGE).

DEPS_PKGS += gnu-efi binutils

EFI_INC    = /usr/include/efi
EFI_LIBDIR = /usr/lib
EFI_CRT0   = $(EFI_LIBDIR)/crt0-efi-x86_64.o
EFI_LDS    = $(EFI_LIBDIR)/elf_x86_64_efi.lds
EFI_IMAGE  = $(B)/efi-shim/alpineboot.efi

# Firmware-side sources, one concern each (docs/alpineboot.md).
EFI_SHIM_SRCS = efi-shim/main.c efi-shim/net.c efi-shim/nics.c efi-shim/http.c efi-shim/tftp.c \
                efi-shim/fetch.c efi-shim/initrd.c efi-shim/linux.c \
                efi-shim/menu.c efi-shim/clock.c efi-shim/efistr.c \
                efi-shim/stamp.c efi-shim/libc.c \
                $(EFI_PURE_SRCS)
# Pure C, no firmware: compiled for EFI and for the host unit tests.
EFI_PURE_SRCS = efi-shim/sha256.c efi-shim/ucs2.c efi-shim/menu_model.c \
                efi-shim/bounds.c efi-shim/url.c

EFI_OBJS = $(patsubst %.c,$(B)/efi/%.o,$(EFI_SHIM_SRCS) $(PLAN_SRCS))

# -ffreestanding: no hosted libc; efi-shim/libc.c supplies the few string
#   functions the compiler and plan/ call (gnu-efi's libefi has memcpy and
#   memset only).
# -fpic: gnu-efi links a shared object and relocates itself in _relocate.
# -fshort-wchar: L"..." must be UCS-2 (CHAR16) as UEFI wants.
# -mno-red-zone: firmware interrupt handlers run on our stack.
# -fno-stack-protector: there is no __stack_chk_guard in firmware.
# -maccumulate-outgoing-args: keeps ms_abi calls' shadow space simple (gnu-efi's advice).
# -isystem for gnu-efi: its headers predate -Wstrict-prototypes; our code
#   is held to every warning, theirs is not ours to fix.
# -DGNU_EFI_USE_MS_ABI: EFIAPI = ms_abi, so firmware calls are direct calls
#   instead of uefi_call_wrapper().
# -ffunction-sections -fdata-sections: one section per function and object,
#   so --gc-sections below drops what nothing calls (plan/'s server-side
#   writers, libefi's unused helpers).
# -fvisibility=hidden: nothing here is an export; without it every global
#   function would be a dynamic symbol of the shared object, which
#   --gc-sections must keep.
# EFI_ANY_CFLAGS: what every architecture's loader takes (aarch64.mk too).
EFI_ANY_CFLAGS = -std=gnu11 $(WARN) -O2 -g -ffreestanding -fpic -fshort-wchar \
                 -ffunction-sections -fdata-sections -fvisibility=hidden \
                 -fno-stack-protector -fno-strict-aliasing -DNB_EFI -I.
EFI_CFLAGS = $(EFI_ANY_CFLAGS) -mno-red-zone -maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI \
             -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -isystem $(EFI_INC)/protocol

$(B)/efi/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# -shared -Bsymbolic: a position-independent image whose only relocations
#   are the relative ones crt0's _relocate applies.
# -znocombreloc: keep .rela.* separate; the linker script places them.
# --no-undefined: a missing function is a link error, not a crash at boot.
# --gc-sections: drop unreferenced sections. The roots are the entry _start
#   (crt0, which calls efi_main) and KEEPs in the linker script, and what
#   those reach: the .nbplan array through stamp.c's reader. .dynamic is
#   the linker's own. gnu-efi's script does not KEEP crt0's .reloc, which
#   nothing references: without it the PE has no base relocation table and
#   firmware may refuse to load it, so we link with a copy that KEEPs it.
#   The script also folds only `.bss` into .data; with -fdata-sections
#   zeroed statics are `.bss.NAME`, which would become orphan sections that
#   objcopy leaves out of the PE (the image then uses memory past its end:
#   seen as a #GP in OVMF), so the copy takes `.bss.*` as well.
#   check-image.sh checks that .reloc, .dynamic, .nbplan and _start/efi_main
#   survived and that every allocated section reached the PE.
# The .bss edit and the link flags are every architecture's (aarch64.mk);
# EFI_LDS_BSS_CHECK fails the build when gnu-efi's script has no such rule.
EFI_LDS_BSS_SED   = -e 's/^\([[:space:]]*\)\*(\.bss)/\1*(.bss .bss.*)/'
EFI_LDS_BSS_CHECK = grep -q '\*(\.bss \.bss\.\*)' $@.tmp || { echo "$<: no .bss rule to extend" >&2; exit 1; }
EFI_LDFLAGS = -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined --gc-sections
EFI_LDS_GC = $(B)/efi-shim/elf_x86_64_efi_gc.lds
$(EFI_LDS_GC): $(EFI_LDS)
	@mkdir -p $(@D)
	sed -e 's/^\([[:space:]]*\)\*(\.reloc)/\1KEEP (*(.reloc))/' \
	    $(EFI_LDS_BSS_SED) $< >$@.tmp
	grep -q 'KEEP (\*(\.reloc))' $@.tmp || { echo "$<: no .reloc rule to KEEP" >&2; exit 1; }
	$(EFI_LDS_BSS_CHECK)
	mv $@.tmp $@

$(B)/efi-shim/alpineboot.so: $(EFI_OBJS) $(EFI_CRT0) $(EFI_LDS_GC)
	@mkdir -p $(@D)
	$(LD) $(EFI_LDFLAGS) \
	  -T $(EFI_LDS_GC) -L$(EFI_LIBDIR) -o $@ $(EFI_CRT0) $(EFI_OBJS) -lefi -lgnuefi

# Sections copied into the PE image: gnu-efi's set plus the stamp section
# (plan/stamp.h) that netboot-embed rewrites in place.
# --subsystem=10: EFI application.
EFI_PE_SECTIONS = .text .sdata .data .dynamic .dynsym .rel .rela .reloc .nbplan
$(EFI_IMAGE): $(B)/efi-shim/alpineboot.so efi-shim/check-image.sh
	objcopy $(EFI_PE_SECTIONS:%=-j %) --target=efi-app-x86_64 --subsystem=10 \
	  $< $@.tmp
	sh efi-shim/check-image.sh $< $@.tmp "$(EFI_PE_SECTIONS)"
	mv $@.tmp $@

all: $(EFI_IMAGE)

# Host unit tests of the firmware-independent code.
UNIT_TESTS += efi_sha256_test efi_ucs2_test efi_menu_model_test efi_bounds_test
efi_sha256_test_SRCS     = efi-shim/sha256_test.c efi-shim/sha256.c
efi_ucs2_test_SRCS       = efi-shim/ucs2_test.c efi-shim/ucs2.c
efi_menu_model_test_SRCS = efi-shim/menu_model_test.c efi-shim/menu_model.c
efi_bounds_test_SRCS     = efi-shim/bounds_test.c efi-shim/bounds.c efi-shim/url.c plan/str.c \
                           efi-shim/sha256.c


# Fuzz target: URL splitting, UTF-8 to UCS-2 (argument walking: plan_fuzz_wire).
FUZZERS += efi_fuzz_url
efi_fuzz_url_SRCS  = efi-shim/fuzz_url.c efi-shim/url.c efi-shim/ucs2.c plan/str.c
efi_fuzz_url_SEEDS = efi-shim/fuzz-seeds/url

# QEMU tests of what the boot-test suite (tests-qemu/) does not cover:
# pinned sizes and hashes (right, wrong), a non-EFI kernel and the retry
# after it, TFTP only, the iPXE shell chain and exit to firmware, from disk
# with two NICs that OVMF did not connect and the stamp naming one. They use
# tests-qemu/rig.sh (namespaces, netbootd, OVMF); see efi-shim/tests/*.sh.
EFI_QEMU_TESTS = efi-shim/tests/pins.sh efi-shim/tests/tftp.sh efi-shim/tests/menu.sh \
                 efi-shim/tests/nic.sh \
                 efi-shim/tests/serial.sh
.PHONY: efi-qemu
efi-qemu: $(EFI_IMAGE) $(B)/guest/initramfs $(B)/san/netbootd
	@pass=0; fail=0; failed=; \
	for t in $(EFI_QEMU_TESTS); do \
	  if B=$(B) $$t; then pass=$$((pass+1)); else fail=$$((fail+1)); failed="$$failed $$t"; fi; \
	done; \
	[ -z "$$failed" ] || echo "efi-qemu FAILED:$$failed"; \
	echo "efi-qemu: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]
CHECKS    += efi-qemu
DEPS_PKGS += python3 mtools ovmf qemu-system-x86
include efi-shim/aarch64.mk
