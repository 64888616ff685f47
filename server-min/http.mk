# server-min/http.mk: the http part of netbootd (sources, tests, fuzzers).
netbootd_SRCS += server-min/http.c server-min/http_proto.c

UNIT_TESTS += http_test
http_test_SRCS = server-min/http_test.c server-min/http_proto.c plan/str.c

FUZZERS += http_fuzz
http_fuzz_SRCS = server-min/http_fuzz.c server-min/http_proto.c plan/str.c
http_fuzz_SEEDS = server-min/fuzz/http

# Protocol test: curl, busybox wget (Alpine's fetcher) and raw /dev/tcp
# clients against the sanitized build; prlimit comes with util-linux.
DEPS_PKGS += curl busybox-static util-linux
CHECKS += test-http
.PHONY: test-http
test-http: $(B)/san/netbootd
	server-min/tests/http.sh
