# server-min/status.mk: each client's boot history and the status documents
# (/status, /status.json, /metrics; docs/status.md).
# embed/cidr.c parses [server] status-allow where the config is read.
EMBED_CORE_SRCS += embed/cidr.c
netbootd_SRCS += server-min/history.c server-min/status.c
# content.c tells the history what it rendered
content_fuzz_SRCS += server-min/history.c

UNIT_TESTS += history_test
history_test_SRCS = server-min/history_test.c server-min/history.c server-min/clients.c \
                    server-min/event.c server-min/log.c $(EMBED_CORE_SRCS)

# status_test validates /metrics with promtool (Debian's prometheus
# package, unpacked into the build tree: the server itself is not wanted).
UNIT_TESTS += status_test
status_test_SRCS = server-min/status_test.c server-min/status.c server-min/history.c \
                   server-min/clients.c server-min/event.c server-min/log.c \
                   server-min/filecheck.c $(EMBED_CORE_SRCS)
status_test_LIBS = $(FILECHECK_LIBS)

PROMTOOL = $(B)/prometheus/usr/bin/promtool
$(PROMTOOL):
	rm -rf $(B)/prometheus && mkdir -p $(B)/prometheus/deb
	cd $(B)/prometheus/deb && apt-get download prometheus
	dpkg-deb -x $(B)/prometheus/deb/prometheus_*.deb $(B)/prometheus/x
	# promtool alone: the package's etc/init.d and the server stay out.
	mkdir -p $(@D) && mv $(B)/prometheus/x/usr/bin/promtool $@
	rm -rf $(B)/prometheus/x $(B)/prometheus/deb
	test -x $@
CHECK_BUILD += $(PROMTOOL)

# [server] status-allow on hostile text: the CIDR list parser.
FUZZERS += cidr_fuzz
cidr_fuzz_SRCS = server-min/cidr_fuzz.c $(EMBED_CORE_SRCS)
cidr_fuzz_SEEDS = server-min/fuzz/cidr

# curl /status, /status.json and /metrics from allowed and refused
# addresses, promtool on /metrics, a boot seen through DHCP, TFTP, HTTP.
DEPS_PKGS += curl tftp-hpa python3 iproute2
CHECKS += test-status
.PHONY: test-status
test-status: $(B)/san/netbootd $(B)/nb-dhcptest $(PROMTOOL)
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest PROMTOOL=$(PROMTOOL) \
	  bash server-min/tests/status.sh
# Scenario 17 (tests-qemu/scenarios/17-status-two-clients.sh) loads
# /status in headless Chromium and reads /metrics with promtool.
DEPS_PKGS += chromium python3
