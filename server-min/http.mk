# server-min/http.mk: the http part of netbootd (sources, tests, fuzzers).
