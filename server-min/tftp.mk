# server-min/tftp.mk: the tftp part of netbootd (sources, tests, fuzzers).
$(eval $(call netbootd_protocol,tftp,server-min/tftp.c,plan/str.c))

# The misbehaving client of the protocol test (tests/tftp.sh).
$(B)/test/tftp_probe: $(B)/host/server-min/tests/tftp_probe.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^
CHECK_BUILD += $(B)/test/tftp_probe

# Protocol test in network namespaces against curl, tftp-hpa and atftp.
CHECKS += test-tftp
.PHONY: test-tftp
test-tftp: $(B)/san/netbootd $(B)/test/tftp_probe
	NETBOOTD=$(B)/san/netbootd PROBE=$(B)/test/tftp_probe bash server-min/tests/tftp.sh
DEPS_PKGS += tftp-hpa atftp curl iproute2 nftables

# The hostile-LAN table: forged floods, repeats, per-IP limit, a file that
# shrinks, options abuse; a normal client served after every case.
CHECKS += test-hostile-tftp
.PHONY: test-hostile-tftp
test-hostile-tftp: $(B)/san/netbootd $(B)/test/tftp_probe
	NETBOOTD=$(B)/san/netbootd PROBE=$(B)/test/tftp_probe bash server-min/tests/hostile-tftp.sh

# Loss recovery: 1% and 5% random loss each way (nftables), an NBP and a
# 4 MiB file through curl, tftp-hpa and atftp windowsize 16, all intact.
CHECKS += test-tftp-loss
.PHONY: test-tftp-loss
test-tftp-loss: $(B)/san/netbootd
	NETBOOTD=$(B)/san/netbootd bash server-min/tests/tftp-loss.sh
