# server-min/tftp.mk: the tftp part of netbootd (sources, tests, fuzzers).
