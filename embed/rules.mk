# embed/rules.mk: the boot-plan core and netboot-embed.
# EMBED_CORE_SRCS: the freestanding core, linked into netbootd, netboot-embed
# and (compiled for EFI) alpineboot.efi.
EMBED_CORE_SRCS =
