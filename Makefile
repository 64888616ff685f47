# Makefile: the one entry point of the project.
#
#   make            build everything (netbootd, netboot-embed, alpineboot.efi)
#   make deps       install the Debian packages the project needs (idempotent)
#   make check      deps, build, then every test: unit (plain and ASan+UBSan),
#                   fuzz smoke runs, protocol tests, QEMU boot tests
#   make demo       boot one VM through netbootd, console on this terminal
#   make bench      benchmarks against dnsmasq + tftp-hpa + nginx
#   make fuzz       every fuzz target for FUZZ_SECONDS each (default 300)
#
# Non-recursive: each part's folder has a rules.mk that adds to the lists
# below; the templates at the end turn the lists into rules. Everything built
# lands under $(B)/, never beside the sources.

B        ?= build
CC       ?= cc
CLANG    ?= clang
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CPPFLAGS += -I. -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN)
# -fno-sanitize-recover: a UBSan finding fails the test instead of scrolling by.
SANFLAGS  = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
FUZZFLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SECONDS ?= 300

# Lists the rules.mk files fill in.
PROGRAMS   :=   # NAME: linked as $(B)/NAME and, sanitized, $(B)/san/NAME
UNIT_TESTS :=   # NAME: cmocka binary, run plain and sanitized
FUZZERS    :=   # NAME: libFuzzer target, corpus seeds in NAME_SEEDS
CHECKS     :=   # phony targets run by `make check` after the unit tests
CHECK_BUILD :=   # extra files `make check` builds before running (san binaries, tools)
DEPS_PKGS  := make gcc clang libclang-rt-14-dev libcmocka-dev pkg-config

.PHONY: all deps check check-run unit fuzz fuzz-smoke clean demo bench
all:

include plan/rules.mk
include embed/rules.mk
include server-min/rules.mk
include efi-shim/rules.mk
include tests-qemu/rules.mk
include bench/rules.mk
include packaging/rules.mk
include docs/rules.mk

# --- object variants --------------------------------------------------------
$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) $(SANFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -std=gnu11 $(WARN) $(FUZZFLAGS) -MMD -MP -c $< -o $@

# --- templates --------------------------------------------------------------
define program
$(B)/$(1): $$(patsubst %.c,$(B)/host/%.o,$$($(1)_SRCS))
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$($(1)_LIBS)
$(B)/san/$(1): $$(patsubst %.c,$(B)/san/%.o,$$($(1)_SRCS))
	$$(CC) $$(SANFLAGS) -o $$@ $$^ $$($(1)_LIBS)
all: $(B)/$(1)
endef

define unit_test
$(B)/test/$(1): $$(patsubst %.c,$(B)/host/%.o,$$($(1)_SRCS))
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -o $$@ $$^ -lcmocka $$($(1)_LIBS)
$(B)/san/test/$(1): $$(patsubst %.c,$(B)/san/%.o,$$($(1)_SRCS))
	@mkdir -p $$(@D)
	$$(CC) $$(SANFLAGS) -o $$@ $$^ -lcmocka $$($(1)_LIBS)
endef

# NAME_SEEDS: folders of seed inputs kept in git; new finds go to $(B).
define fuzzer
$(B)/fuzz/bin/$(1): $$(patsubst %.c,$(B)/fuzz/%.o,$$($(1)_SRCS))
	@mkdir -p $$(@D)
	$$(CLANG) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $$@ $$^
.PHONY: fuzzrun-$(1)
fuzzrun-$(1): $(B)/fuzz/bin/$(1)
	@mkdir -p $(B)/fuzz/corpus/$(1)
	$(B)/fuzz/bin/$(1) -max_total_time=$$(FUZZ_SMOKE_SECONDS) -print_final_stats=1 \
	  $(B)/fuzz/corpus/$(1) $$($(1)_SEEDS)
endef

$(foreach p,$(PROGRAMS),$(eval $(call program,$(p))))
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test,$(t))))
$(foreach f,$(FUZZERS),$(eval $(call fuzzer,$(f))))

UNIT_BINS = $(UNIT_TESTS:%=$(B)/test/%) $(UNIT_TESTS:%=$(B)/san/test/%)
FUZZ_BINS = $(FUZZERS:%=$(B)/fuzz/bin/%)

# --- deps -------------------------------------------------------------------
# Quick when everything is there: dpkg-query only, apt-get only for what is
# missing. Needs root, as on the fresh Debian 12 machine the README assumes.
deps:
	@missing=$$(for p in $(sort $(DEPS_PKGS)); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing" $$missing; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all $(words $(sort $(DEPS_PKGS))) packages present"; fi

# --- tests ------------------------------------------------------------------
# `make check` installs and builds first, in separate make runs, so that the
# build sees the packages deps just installed.
check:
	$(MAKE) deps
	$(MAKE) -j$$(nproc) all $(UNIT_BINS) $(FUZZ_BINS) $(CHECK_BUILD)
	$(MAKE) check-run

# Every step runs even when an earlier one failed; the summary line at the end
# counts them and the exit status says whether all passed.
CHECK_STEPS = $(UNIT_BINS:%=run:%) $(FUZZERS:%=make:fuzzrun-%) $(CHECKS:%=make:%)
check-run:
	@pass=0; fail=0; failed=; \
	for s in $(CHECK_STEPS); do \
	  kind=$${s%%:*}; what=$${s#*:}; \
	  echo "=== $$what"; \
	  case $$kind in \
	    run)  $$what ;; \
	    make) $(MAKE) --no-print-directory $$what ;; \
	  esac; \
	  if [ $$? -eq 0 ]; then pass=$$((pass+1)); else fail=$$((fail+1)); failed="$$failed $$what"; fi; \
	done; \
	[ -z "$$failed" ] || echo "FAILED:$$failed"; \
	echo "check: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]

unit: $(UNIT_BINS)
	@for t in $^; do $$t || exit 1; done

fuzz-smoke: $(FUZZ_BINS)
	$(MAKE) check-run CHECK_STEPS="$(FUZZERS:%=make:fuzzrun-%)"

fuzz: $(FUZZ_BINS)
	$(MAKE) check-run CHECK_STEPS="$(FUZZERS:%=make:fuzzrun-%)" FUZZ_SMOKE_SECONDS=$(FUZZ_SECONDS)

clean:
	rm -rf $(B)

# -type f: an install test under $(B) holds conf.d/ and init.d/ directories.
-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
