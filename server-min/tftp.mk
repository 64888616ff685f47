# server-min/tftp.mk: the tftp part of netbootd (sources, tests, fuzzers).
netbootd_SRCS += server-min/tftp.c server-min/tftp_proto.c

UNIT_TESTS += tftp_test
tftp_test_SRCS = server-min/tftp_test.c server-min/tftp_proto.c

FUZZERS += tftp_fuzz
tftp_fuzz_SRCS = server-min/tftp_fuzz.c server-min/tftp_proto.c
tftp_fuzz_SEEDS = server-min/fuzz/tftp
