# server-min/rules.mk: netbootd. Each protocol's fragment adds its own
# sources, tests and fuzzers; this file holds what they share.
PROGRAMS    += netbootd
netbootd_SRCS = server-min/main.c server-min/config_load.c server-min/event.c server-min/log.c \
                server-min/workers.c \
                server-min/content.c server-min/clients.c $(EMBED_CORE_SRCS)
CHECK_BUILD += $(B)/san/netbootd
# Where netbootd looks for alpineboot*.efi first: where `make install` puts
# them. Build and install with the same PREFIX (debian/rules does).
PREFIX ?= /usr/local
$(B)/host/server-min/main.o $(B)/san/server-min/main.o: \
  CPPFLAGS += -DNETBOOTD_LIBDIR='"$(PREFIX)/lib/netbootd"'
DEPS_PKGS   += ipxe iproute2 curl iputils-ping procps

# One protocol of netbootd: its server loop $(2) and its pure parser
# server-min/$(1)_proto.c, which the unit test $(1)_test and the fuzzer
# $(1)_fuzz (seeds in server-min/fuzz/$(1)) link as well, with the extra
# sources $(3) the parser needs. The fragments below call it.
define netbootd_protocol
netbootd_SRCS += $(2) server-min/$(1)_proto.c
UNIT_TESTS += $(1)_test
$(1)_test_SRCS = server-min/$(1)_test.c server-min/$(1)_proto.c $(3)
FUZZERS += $(1)_fuzz
$(1)_fuzz_SRCS = server-min/$(1)_fuzz.c server-min/$(1)_proto.c $(3)
$(1)_fuzz_SEEDS = server-min/fuzz/$(1)
endef

include server-min/http.mk
include server-min/tftp.mk
include server-min/dhcp.mk
include server-min/filecheck.mk

UNIT_TESTS += event_test
event_test_SRCS = server-min/event_test.c server-min/event.c

UNIT_TESTS += log_test
log_test_SRCS = server-min/log_test.c server-min/log.c

UNIT_TESTS += config_load_test
config_load_test_SRCS = server-min/config_load_test.c server-min/config_load.c server-min/log.c \
                        $(EMBED_CORE_SRCS)

UNIT_TESTS += clients_test
clients_test_SRCS = server-min/clients_test.c server-min/clients.c $(EMBED_CORE_SRCS)

# content_open on hostile paths and queries: the name scanners, the
# protection rules, the query parser and the renderer.
FUZZERS += content_fuzz
content_fuzz_SRCS = server-min/content_fuzz.c server-min/content.c server-min/clients.c \
                    server-min/event.c server-min/log.c $(EMBED_CORE_SRCS)
content_fuzz_SEEDS = server-min/fuzz/content

# The command line and life cycle of the sanitized build (docs/netbootd.8).
CHECKS += test-cli
.PHONY: test-cli
test-cli: $(B)/san/netbootd
	server-min/tests/cli.sh

# What a host on the segment cannot make netbootd do (docs/security.md):
# open a FIFO, device or socket, leave the root, take another client's
# overlay or extras, stall it through stderr; and it serves unprivileged.
CHECKS += test-hostile-core
DEPS_PKGS += python3 util-linux
.PHONY: test-hostile-core
test-hostile-core: $(B)/san/netbootd $(B)/nb-dhcptest
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest bash server-min/tests/hostile-core.sh

# SIGHUP during slow HTTP and TFTP transfers (a good config, a broken one),
# SIGUSR1 after the log file was moved, the time prefix, JSON lines, the
# journal, the client's MAC on its lines (docs/netbootd.8).
CHECKS += test-reload
.PHONY: test-reload
test-reload: $(B)/san/netbootd $(B)/nb-dhcptest
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest bash server-min/tests/reload.sh

# A client's bytes in a JSON log line: always valid JSON in valid UTF-8.
FUZZERS += log_fuzz
log_fuzz_SRCS = server-min/log_fuzz.c server-min/log.c
log_fuzz_SEEDS = server-min/fuzz/log

# After content_fuzz_SRCS above: these two add to it.
include server-min/plansign.mk
include server-min/status.mk

# Two worker loops (workers.c) against curl, tftp-hpa, atftp and a DHCP
# probe: steering by address, per-IP limits over both loops, one boot
# across them in /status.json, SIGHUP mid-transfer, SIGTERM.
CHECKS += test-workers
DEPS_PKGS += curl tftp-hpa atftp iproute2 python3
.PHONY: test-workers
test-workers: $(B)/san/netbootd $(B)/nb-dhcptest $(B)/test/http_hostile $(B)/test/tftp_probe
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest HOSTILE=$(B)/test/http_hostile \
	  PROBE=$(B)/test/tftp_probe bash server-min/tests/workers.sh

# netbootd under ThreadSanitizer, for the worker loops' shared parts
# (clients, history, log, stats, reload): `make test-workers-tsan` runs
# workers.sh against it. Not part of `make check` (slow; one run at a time).
# setarch -R: TSan's shadow layout wants the old mmap randomisation.
TSANFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=thread
$(B)/tsan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) $(TSANFLAGS) -MMD -MP -c $< -o $@
$(B)/tsan/netbootd: $(patsubst %.c,$(B)/tsan/%.o,$(netbootd_SRCS))
	$(CC) $(TSANFLAGS) -o $@ $^ $(netbootd_LIBS)
.PHONY: test-workers-tsan
test-workers-tsan: $(B)/tsan/netbootd $(B)/nb-dhcptest $(B)/test/http_hostile $(B)/test/tftp_probe
	TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" \
	NETBOOTD=$(B)/tsan/netbootd DHCPTEST=$(B)/nb-dhcptest HOSTILE=$(B)/test/http_hostile \
	  PROBE=$(B)/test/tftp_probe setarch -R bash server-min/tests/workers.sh
