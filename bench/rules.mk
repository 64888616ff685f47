# bench/rules.mk: included by the top-level Makefile (see its header for the lists).
#
# nbload: the boot-storm load generator (bench/nbload.c), linked against the
# same DHCP and TFTP wire code as netbootd (server-min/*_proto.c).
# procwatch: CPU seconds and peak RSS of a set of server processes.
# `make bench` runs bench/run.sh: netbootd against dnsmasq + tftp-hpa +
# nginx in network namespaces of its own; results and raw files in
# $(B)/bench/ (a run leaves git alone). `make bench-publish` copies the last
# run's results.md, bench.png and *.dat into bench/results/: the deliberate
# step that updates the published numbers.
PROGRAMS += nbload procwatch
nbload_SRCS = bench/nbload.c bench/load_dhcp.c bench/load_tftp.c \
              bench/load_http.c bench/load_parse.c \
              server-min/dhcp_proto.c server-min/tftp_proto.c plan/str.c
procwatch_SRCS = bench/procwatch.c
# nbrender: one client's render cost, load excluded (issue 14).
PROGRAMS += nbrender
nbrender_SRCS = bench/nbrender.c $(EMBED_CORE_SRCS)

UNIT_TESTS += load_parse_test
load_parse_test_SRCS = bench/load_parse_test.c bench/load_parse.c

# linux-perf and valgrind: for finding out why, when a figure falls short.
DEPS_PKGS += dnsmasq-base tftpd-hpa nginx-light wrk gnuplot-nox iproute2 time \
             ipxe linux-perf valgrind curl

.PHONY: bench bench-smoke bench-publish bench-profile
# Like check: packages first, then the build in a make run that sees them.
bench:
	$(MAKE) deps
	$(MAKE) $(B)/netbootd $(B)/nbload $(B)/procwatch
	$(MAKE) $(EFI_IMAGE) || echo "bench: no alpineboot.efi, the UEFI storm is left out"
	NETBOOTD=$(B)/netbootd NBLOAD=$(B)/nbload PROCWATCH=$(B)/procwatch \
	  EFI_IMAGE=$(EFI_IMAGE) BENCH_RAW=$(abspath $(B)/bench) bench/run.sh

# Where a storm's CPU goes (bench/profile.sh): perf over both stacks'
# storms of 1000, into $(B)/bench-profile/profile.md.
bench-profile:
	$(MAKE) deps
	$(MAKE) $(B)/netbootd $(B)/nbload $(B)/procwatch
	NETBOOTD=$(B)/netbootd NBLOAD=$(B)/nbload PROCWATCH=$(B)/procwatch \
	  BENCH_RAW=$(abspath $(B)/bench-profile) bench/profile.sh

# Refuses, before copying anything, unless the last run was a whole one:
# report.sh plots bench.png only when the storm and HTTP parts ran, so a
# partial run (BENCH_ONLY=storm) never replaces half of the published
# numbers, and a BENCH_QUICK=1 run leaves a mark (build/bench/quick) that
# makes it refuse too: one repetition is no figure to publish.
bench-publish:
	@for f in results.md bench.png storm.dat http.dat tftp.dat tftp-lan.dat; do \
	  test -s $(B)/bench/$$f || { echo "bench-publish: no $(B)/bench/$$f:" \
	    "run a whole make bench first; bench/results/ left as it is" >&2; exit 1; }; done
	@! test -e $(B)/bench/quick || { echo "bench-publish: the last run was" \
	  "BENCH_QUICK=1; run a whole make bench first; bench/results/ left as it is" >&2; exit 1; }
	mkdir -p bench/results
	cp $(B)/bench/results.md $(B)/bench/bench.png $(B)/bench/*.dat bench/results/

# make check: five clients boot through netbootd (ASan build); no timings.
CHECKS      += bench-smoke
CHECK_BUILD += $(B)/nbload
bench-smoke: $(B)/san/netbootd $(B)/nbload
	NETBOOTD=$(B)/san/netbootd NBLOAD=$(B)/nbload bench/smoke.sh
