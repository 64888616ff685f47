# server-min/http.mk: the http part of netbootd (sources, tests, fuzzers).
$(eval $(call netbootd_protocol,http,server-min/http.c,plan/str.c))

# Protocol test: curl, busybox wget (Alpine's fetcher) and raw /dev/tcp
# clients against the sanitized build; prlimit comes with util-linux.
DEPS_PKGS += curl busybox-static util-linux
CHECKS += test-http
.PHONY: test-http
test-http: $(B)/san/netbootd $(B)/test/http_hostile
	NETBOOTD=$(B)/san/netbootd HOSTILE=$(B)/test/http_hostile bash server-min/tests/http.sh

# The misbehaving clients of the protocol tests (tests/http_hostile.c).
$(B)/test/http_hostile: $(B)/host/server-min/tests/http_hostile.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^
CHECK_BUILD += $(B)/test/http_hostile

# The hostile-LAN suite (docs/http.md, "Limits"): each attack, then a
# normal client on another address must still be served.
CHECKS += test-hostile-http
.PHONY: test-hostile-http
test-hostile-http: $(B)/san/netbootd $(B)/test/http_hostile
	NETBOOTD=$(B)/san/netbootd HOSTILE=$(B)/test/http_hostile bash server-min/tests/hostile-http.sh
