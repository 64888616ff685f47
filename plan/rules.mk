# plan/rules.mk: the contract between netbootd and its clients.
# PLAN_SRCS: freestanding (no libc; plan-freestanding-check proves it, and
# that plan/ needs nothing from embed/), linked into netbootd and
# netboot-embed (through EMBED_CORE_SRCS) and, alone, into alpineboot.efi.
PLAN_SRCS = plan/str.c plan/mac.c plan/plan.c plan/cmdline.c plan/stamp.c \
            plan/query.c

UNIT_TESTS += plan_cmdline_test plan_loader_test plan_wire_test plan_plan_test
plan_cmdline_test_SRCS = plan/cmdline_test.c $(PLAN_SRCS)
plan_loader_test_SRCS  = plan/loader_test.c $(PLAN_SRCS)
plan_wire_test_SRCS    = plan/wire_test.c $(PLAN_SRCS)
# Round trips plans the server resolves, so it links embed/'s policy too.
plan_plan_test_SRCS    = plan/plan_test.c $(EMBED_CORE_SRCS)

# boot.plan text, the stamp section and the plan request's query all come
# from the network or from an image an admin handed over.
FUZZERS += plan_fuzz_plan plan_fuzz_wire
plan_fuzz_plan_SRCS  = plan/fuzz_plan.c $(PLAN_SRCS)
plan_fuzz_plan_SEEDS = plan/fuzz/plan
plan_fuzz_wire_SRCS  = plan/fuzz_wire.c $(PLAN_SRCS)
plan_fuzz_wire_SEEDS = plan/fuzz/wire

CHECKS += plan-freestanding-check
.PHONY: plan-freestanding-check
plan-freestanding-check:
	sh embed/freestanding-check.sh $(CC) $(B)/freestanding-plan $(PLAN_SRCS)
