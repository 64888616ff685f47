# server-min/filecheck.mk: the served files checked against each other
# (server-min/filecheck.h), in netbootd and in `netboot-embed check`.
# libsquashfs (squashfs-tools-ng) reads the modloop's modules/, zlib the
# initramfs's /etc/alpine-release. Both are optional: `make NO_SQUASHFS=1`
# (or NO_ZLIB=1), or a system whose pkg-config does not know them, builds
# without, and the check says what it skipped. Build such a variant in its
# own tree (B=build-nosq): objects do not record the flags they were made with.
FILECHECK_SQFS := $(if $(NO_SQUASHFS),,$(shell pkg-config --exists libsquashfs1 2>/dev/null && echo yes))
FILECHECK_ZLIB := $(if $(NO_ZLIB),,$(shell pkg-config --exists zlib 2>/dev/null && echo yes))
FILECHECK_CPPFLAGS := $(if $(FILECHECK_SQFS),-DHAVE_SQUASHFS $(shell pkg-config --cflags libsquashfs1)) \
                      $(if $(FILECHECK_ZLIB),-DHAVE_ZLIB $(shell pkg-config --cflags zlib))
FILECHECK_LIBS := $(if $(FILECHECK_SQFS),$(shell pkg-config --libs libsquashfs1)) \
                  $(if $(FILECHECK_ZLIB),$(shell pkg-config --libs zlib))
# The fuzz build tests the pure parsers only: no library there.
$(B)/host/server-min/filecheck.o $(B)/san/server-min/filecheck.o: CPPFLAGS += $(FILECHECK_CPPFLAGS)
DEPS_PKGS += libsquashfs-dev zlib1g-dev squashfs-tools cpio

netbootd_SRCS += server-min/filecheck.c
netbootd_LIBS += $(FILECHECK_LIBS)
netboot-embed_SRCS += server-min/filecheck.c server-min/log.c
netboot-embed_LIBS += $(FILECHECK_LIBS)

UNIT_TESTS += filecheck_test
filecheck_test_SRCS = server-min/filecheck_test.c server-min/filecheck.c server-min/log.c \
                      $(EMBED_CORE_SRCS)
filecheck_test_LIBS = $(FILECHECK_LIBS)

# The release readers on hostile bytes: the bzImage header, the banner
# search, the cpio walk and the repository URL.
FUZZERS += filecheck_fuzz
filecheck_fuzz_SRCS = server-min/filecheck_fuzz.c server-min/filecheck.c server-min/log.c \
                      $(EMBED_CORE_SRCS)
filecheck_fuzz_SEEDS = server-min/fuzz/filecheck

# --check-config and the start against real squashfs modloops (gzip and
# xz), an empty root, check = strict and off; netboot-embed check agrees.
CHECKS += test-filecheck
.PHONY: test-filecheck
test-filecheck: $(B)/san/netbootd $(B)/san/netboot-embed
	NETBOOTD=$(B)/san/netbootd NETBOOT_EMBED=$(B)/san/netboot-embed \
	  bash server-min/tests/filecheck.sh
