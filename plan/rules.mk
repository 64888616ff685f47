# plan/rules.mk: the contract between netbootd and its clients.
# PLAN_SRCS: freestanding (no libc; plan-freestanding-check proves it, and
# that plan/ needs nothing from embed/), linked into netbootd and
# netboot-embed (through EMBED_CORE_SRCS) and, alone, into alpineboot.efi.
PLAN_SRCS = plan/str.c plan/mac.c plan/plan.c plan/cmdline.c plan/stamp.c \
            plan/query.c plan/sha512.c plan/ed25519.c plan/plansig.c plan/trust.c

# libsodium: the reference the Ed25519 verifier is checked against (its
# tests and fuzzer only; alpineboot.efi links our verifier alone).
DEPS_PKGS += libsodium-dev
SODIUM_LIBS := $(shell pkg-config --libs libsodium 2>/dev/null || echo -lsodium)

UNIT_TESTS += plan_cmdline_test plan_loader_test plan_wire_test plan_plan_test
plan_cmdline_test_SRCS = plan/cmdline_test.c $(PLAN_SRCS)
plan_loader_test_SRCS  = plan/loader_test.c $(PLAN_SRCS)
plan_wire_test_SRCS    = plan/wire_test.c $(PLAN_SRCS)
# Round trips plans the server resolves, so it links embed/'s policy too.
plan_plan_test_SRCS    = plan/plan_test.c $(EMBED_CORE_SRCS)
# SHA-512 and Ed25519: FIPS 180-4 and RFC 8032 vectors, then libsodium.
UNIT_TESTS += plan_ed25519_test
plan_ed25519_test_SRCS = plan/ed25519_test.c $(PLAN_SRCS)
plan_ed25519_test_LIBS = $(SODIUM_LIBS)
# The signature line: signed by libsodium as netbootd signs, checked by ours.
UNIT_TESTS += plan_plansig_test
plan_plansig_test_SRCS = plan/plansig_test.c $(PLAN_SRCS)
plan_plansig_test_LIBS = $(SODIUM_LIBS)
# alpineboot.efi's Secure Boot decisions, a table of stamps and plans.
UNIT_TESTS += plan_trust_test
plan_trust_test_SRCS = plan/trust_test.c $(PLAN_SRCS)
plan_trust_test_LIBS = $(SODIUM_LIBS)

# boot.plan text, the stamp section and the plan request's query all come
# from the network or from an image an admin handed over.
FUZZERS += plan_fuzz_plan plan_fuzz_wire plan_fuzz_ed25519
plan_fuzz_ed25519_SRCS = plan/fuzz_ed25519.c $(PLAN_SRCS)
plan_fuzz_ed25519_LIBS = $(SODIUM_LIBS)
plan_fuzz_ed25519_SEEDS = plan/fuzz/ed25519
plan_fuzz_plan_SRCS  = plan/fuzz_plan.c $(PLAN_SRCS)
plan_fuzz_plan_SEEDS = plan/fuzz/plan
plan_fuzz_wire_SRCS  = plan/fuzz_wire.c $(PLAN_SRCS)
plan_fuzz_wire_SEEDS = plan/fuzz/wire

CHECKS += plan-freestanding-check
.PHONY: plan-freestanding-check
plan-freestanding-check:
	sh embed/freestanding-check.sh $(CC) $(B)/freestanding-plan $(PLAN_SRCS)
