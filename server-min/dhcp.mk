# server-min/dhcp.mk: the dhcp part of netbootd (sources, tests, fuzzers).
