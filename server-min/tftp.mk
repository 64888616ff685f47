# server-min/tftp.mk: the tftp part of netbootd (sources, tests, fuzzers).
netbootd_SRCS += server-min/tftp.c server-min/tftp_proto.c
