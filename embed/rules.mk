# embed/rules.mk: the server's boot-plan policy and netboot-embed.
# EMBED_CORE_SRCS: plan/ (the contract) plus config, resolve and renderers,
# linked into netbootd and netboot-embed only; alpineboot.efi links plan/
# alone (plan-freestanding-check). embed/ is hosted (libc, malloc, glob):
# a config grows with the site's inventory and includes read files.
EMBED_CORE_SRCS = $(PLAN_SRCS) embed/safe.c embed/config.c embed/config_index.c \
                  embed/config_files.c embed/resolve.c \
                  embed/ipxe_script.c embed/render.c

PROGRAMS += netboot-embed
# [server] keys mean what netbootd says (server-min/config_load.c), so
# netboot-embed refuses what netbootd refuses.
netboot-embed_SRCS = embed/netboot-embed.c $(EMBED_CORE_SRCS) server-min/config_load.c

UNIT_TESTS += embed_config_test
# With netbootd's [server] meaning, so its rows check the same messages.
embed_config_test_SRCS = embed/config_test.c embed/memfs.c $(EMBED_CORE_SRCS) \
                         server-min/config_load.c server-min/log.c

UNIT_TESTS += embed_render_test
embed_render_test_SRCS = embed/render_test.c $(EMBED_CORE_SRCS)

FUZZERS += embed_fuzz_config embed_fuzz_render
embed_fuzz_config_SRCS = embed/fuzz_config.c embed/memfs.c $(EMBED_CORE_SRCS) \
                         server-min/config_load.c server-min/log.c
embed_fuzz_config_SEEDS = embed/fuzz/config
# Every rendered iPXE line is one the renderer means to write (fuzz_render.c).
embed_fuzz_render_SRCS = embed/fuzz_render.c $(EMBED_CORE_SRCS)
embed_fuzz_render_SEEDS = embed/fuzz/config

# Stamping on real PE images (embed/tests/stamp.sh; uses alpineboot.efi
# when efi-shim built it).
CHECKS += embed-stamp-check
CHECK_BUILD += $(B)/san/netboot-embed
DEPS_PKGS += binutils sbsigntool openssl
.PHONY: embed-stamp-check
embed-stamp-check: $(B)/san/netboot-embed
	bash embed/tests/stamp.sh $(B)/san/netboot-embed $(B)/efi-shim/alpineboot.efi

# netbootd serves each client its rendering over HTTP and TFTP
# (embed/tests/serve.sh, network namespaces: needs root like server-min's).
CHECKS += embed-serve-check
DEPS_PKGS += tftp-hpa curl iproute2
.PHONY: embed-serve-check
embed-serve-check: $(B)/san/netbootd $(B)/san/netboot-embed
	NETBOOTD=$(B)/san/netbootd NETBOOT_EMBED=$(B)/san/netboot-embed \
	  bash embed/tests/serve.sh

# Rendered scripts in Debian 12's iPXE under QEMU/SeaBIOS (embed/tests/ipxe-run.sh).
CHECKS += embed-ipxe-check
DEPS_PKGS += qemu-system-x86 ipxe seabios
.PHONY: embed-ipxe-check
embed-ipxe-check: $(B)/san/netboot-embed
	bash embed/tests/ipxe-run.sh $(B)/san/netboot-embed

# Injection and bad values refused by netbootd --check-config and
# netboot-embed render with exit 2 and FILE:LINE; safe values pass
# (embed/tests/hostile-config.sh; no network, no root needed).
CHECKS += test-hostile-config
.PHONY: test-hostile-config
test-hostile-config: $(B)/san/netbootd $(B)/san/netboot-embed
	bash embed/tests/hostile-config.sh $(B)/san/netbootd $(B)/san/netboot-embed

# A site's inventory: 100,000 clients in 1,000 included files checked,
# listed, sampled and timed (embed/tests/inventory.sh; no network, no root).
CHECKS += test-inventory
DEPS_PKGS += time
.PHONY: test-inventory
test-inventory: $(B)/san/netbootd $(B)/san/netboot-embed $(B)/nbrender
	NBRENDER=$(B)/nbrender bash embed/tests/inventory.sh $(B)/san/netbootd $(B)/san/netboot-embed

# The same inventory with answer = known: listed MACs offered, others not
# (embed/tests/inventory-dhcp.sh; network namespaces: needs root).
CHECKS += test-inventory-dhcp
.PHONY: test-inventory-dhcp
test-inventory-dhcp: $(B)/san/netbootd $(B)/nb-dhcptest
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest bash embed/tests/inventory-dhcp.sh

# SIGHUP re-reads every included file and swaps in all or nothing
# (embed/tests/inventory-reload.sh, network namespaces).
CHECKS += test-inventory-reload
.PHONY: test-inventory-reload
test-inventory-reload: $(B)/san/netbootd $(B)/nb-dhcptest
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest bash embed/tests/inventory-reload.sh
