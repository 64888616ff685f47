# server-min/dhcp.mk: the dhcp part of netbootd (sources, tests, fuzzers).
# dhcp_proto.c is pure and shared: netbootd, the unit test, the fuzzer, our
# DHCP test client nb-dhcptest (and the bench load generator) link it.
$(eval $(call netbootd_protocol,dhcp,server-min/proxydhcp.c))

# Our DHCP test client: sends PXE requests, checks every field of the answer.
PROGRAMS += nb-dhcptest
nb-dhcptest_SRCS = server-min/tests/nb-dhcptest.c server-min/dhcp_proto.c
CHECK_BUILD += $(B)/nb-dhcptest

# Protocol test: netbootd in a namespace pair, nb-dhcptest and udhcpc as
# clients (server-min/tests/dhcp.sh).
CHECKS += test-dhcp
DEPS_PKGS += udhcpc iproute2 iputils-ping dnsmasq-base   # ping: lib.sh waits for the veth with it
.PHONY: test-dhcp
test-dhcp: $(B)/san/netbootd $(B)/nb-dhcptest
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest bash server-min/tests/dhcp.sh

# The hostile LAN (issue 9): floods, copies, answer = known, malformed and
# forged requests, each followed by a normal client that must be answered
# (server-min/tests/hostile-dhcp.sh).
CHECKS += test-hostile-dhcp
.PHONY: test-hostile-dhcp
test-hostile-dhcp: $(B)/san/netbootd $(B)/nb-dhcptest
	NETBOOTD=$(B)/san/netbootd DHCPTEST=$(B)/nb-dhcptest bash server-min/tests/hostile-dhcp.sh
