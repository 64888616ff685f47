# packaging/rules.mk: install, uninstall, the server-only build and the
# Debian package; included by the top-level Makefile (docs/install.md).
#
#   make netbootd            build/netbootd and build/netboot-embed only: no
#                            gnu-efi needed (hosts that only serve)
#   make install             what is built, under $(DESTDIR)$(PREFIX)
#   make install-systemd     init/systemd/netbootd.service into $(UNITDIR)
#   make install-openrc      init/openrc/* into $(SYSCONFDIR)/init.d, conf.d
#   make uninstall           removes exactly what the install targets lay out
#   make deb                 ../netbootd_0.1.0-1_*.deb via dpkg-buildpackage,
#                            built in a copy of the tree under $(B)/deb/
#
# The init files name /usr/sbin/netbootd (where the packages put it); the
# install-* targets rewrite that to $(SBINDIR) so a /usr/local install
# starts the binary it installed.

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
# alpineboot*.efi: netbootd looks in /usr/local/lib/netbootd and
# /usr/lib/netbootd (server-min/main.c), so PREFIX /usr/local or /usr.
NBLIBDIR   ?= $(PREFIX)/lib/netbootd
# /etc for PREFIX=/usr, else $(PREFIX)/etc, as autoconf does.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(PREFIX)/lib/systemd/system
INSTALL    ?= install

# Every architecture efi-shim built (alpineboot.efi; alpineboot-arm64.efi when
# the cross compiler and gnu-efi:arm64 were there, efi-shim/aarch64.mk):
# whatever exists when install runs, so `make netbootd && make install`
# works on a host without gnu-efi.
PKG_EFI_IMAGES = $(wildcard $(B)/efi-shim/alpineboot*.efi)
PKG_MANS = docs/netboot-embed.1 docs/netbootd.conf.5 docs/netbootd.8

.PHONY: netbootd install install-systemd install-openrc uninstall deb
netbootd: $(B)/netbootd $(B)/netboot-embed

# The config is installed as a sample, not as the live file: the admin copies
# and edits it, and a package upgrade never touches /etc/netbootd.conf.
install: $(B)/netbootd $(B)/netboot-embed
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(NBLIBDIR) \
	  $(DESTDIR)$(SYSCONFDIR) $(foreach s,1 5 8,$(DESTDIR)$(MANDIR)/man$(s))
	$(INSTALL) -m 755 $(B)/netbootd $(DESTDIR)$(SBINDIR)/netbootd
	$(INSTALL) -m 755 $(B)/netboot-embed $(DESTDIR)$(BINDIR)/netboot-embed
	$(foreach e,$(PKG_EFI_IMAGES),$(INSTALL) -m 644 $(e) $(DESTDIR)$(NBLIBDIR)/$(notdir $(e));)
	$(foreach m,$(PKG_MANS),$(INSTALL) -m 644 $(m) \
	  $(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m));)
	$(INSTALL) -m 644 docs/examples/netbootd.conf $(DESTDIR)$(SYSCONFDIR)/netbootd.conf.example

install-systemd:
	$(INSTALL) -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/sbin/netbootd|$(SBINDIR)/netbootd|g; s|/etc/netbootd.conf|$(SYSCONFDIR)/netbootd.conf|g' \
	  init/systemd/netbootd.service >$(DESTDIR)$(UNITDIR)/netbootd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/netbootd.service

install-openrc:
	$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/init.d $(DESTDIR)$(SYSCONFDIR)/conf.d
	sed 's|/usr/sbin/netbootd|$(SBINDIR)/netbootd|g' init/openrc/netbootd.initd \
	  >$(DESTDIR)$(SYSCONFDIR)/init.d/netbootd
	chmod 755 $(DESTDIR)$(SYSCONFDIR)/init.d/netbootd
	sed 's|/etc/netbootd.conf|$(SYSCONFDIR)/netbootd.conf|g' init/openrc/netbootd.confd \
	  >$(DESTDIR)$(SYSCONFDIR)/conf.d/netbootd
	chmod 644 $(DESTDIR)$(SYSCONFDIR)/conf.d/netbootd

# Removes every file the install targets lay out, and netbootd's own library
# directory; shared directories ($(PREFIX)/sbin, man/man8, /etc/init.d) stay,
# as automake's uninstall leaves them.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/netbootd $(DESTDIR)$(BINDIR)/netboot-embed \
	  $(DESTDIR)$(NBLIBDIR)/alpineboot*.efi \
	  $(foreach m,$(PKG_MANS),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	  $(DESTDIR)$(SYSCONFDIR)/netbootd.conf.example \
	  $(DESTDIR)$(UNITDIR)/netbootd.service \
	  $(DESTDIR)$(SYSCONFDIR)/init.d/netbootd $(DESTDIR)$(SYSCONFDIR)/conf.d/netbootd
	-rmdir $(DESTDIR)$(NBLIBDIR)

# dpkg-buildpackage writes into the source tree (debian/netbootd/, build/)
# and its results beside it, so it runs in a copy under $(B)/deb/: the .deb
# lands in $(B)/deb/ and nothing is written outside the tree.
PKG_VERSION = 0.1.0
DEB_SRC = $(B)/deb/netbootd-$(PKG_VERSION)
deb:
	rm -rf $(B)/deb
	mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./$(B) --exclude=./.git . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	ls -l $(B)/deb/*.deb

CHECKS += test-install test-init test-apkbuild test-deb
.PHONY: test-install test-init test-apkbuild test-deb
test-install: $(B)/netbootd $(B)/netboot-embed
	B=$(B) bash packaging/tests/install.sh
test-init: $(B)/netbootd $(B)/netboot-embed
	B=$(B) bash packaging/tests/init.sh
test-apkbuild: $(B)/netbootd $(B)/netboot-embed
	B=$(B) bash packaging/tests/apkbuild.sh
test-deb:
	B=$(B) bash packaging/tests/deb.sh

# systemd: systemd-analyze (units are verified, not started: PID 1 here is
# not systemd). util-linux: setpriv, to run netbootd as the unit would.
DEPS_PKGS += systemd shellcheck lintian debhelper dpkg-dev fakeroot adduser \
             gnu-efi util-linux man-db
