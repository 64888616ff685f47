# docs/rules.mk: the docs' own tests (docs/tests/, docs/tests/lib.sh).
#
#   make test-docs     the README's deployment and every guide's commands and
#                      config snippets, read from the markdown and run as
#                      written (root: network and mount namespaces)
#
# Kea is not installed on the host: Debian's kea-dhcp4-server starts a
# service from its postinst, so the two packages are downloaded and
# unpacked under $(B)/kea instead; their libraries come from DEPS_PKGS.

DOCS_KEA = $(B)/kea/usr/sbin/kea-dhcp4

$(DOCS_KEA):
	rm -rf $(B)/kea && mkdir -p $(B)/kea/deb
	cd $(B)/kea/deb && apt-get download kea-common kea-dhcp4-server
	for d in $(B)/kea/deb/*.deb; do dpkg-deb -x $$d $(B)/kea || exit 1; done
	# Only the programs and libraries: the packages' etc/init.d and
	# apparmor.d would be taken for dependency files by the Makefile.
	rm -rf $(B)/kea/etc $(B)/kea/lib $(B)/kea/usr/share
	test -x $@

.PHONY: test-docs test-docs-readme test-docs-guides
test-docs: test-docs-readme test-docs-guides

test-docs-readme: all $(B)/nb-dhcptest
	B=$(B) bash docs/tests/readme.sh

test-docs-guides: $(B)/san/netbootd $(B)/nb-dhcptest $(DOCS_KEA)
	B=$(B) bash docs/tests/guides.sh

CHECKS      += test-docs
CHECK_BUILD += $(DOCS_KEA)
DEPS_PKGS   += util-linux iproute2 iputils-ping curl tftp-hpa nftables udhcpc \
               dnsmasq-base ipxe liblog4cplus-2.0.5 libmariadb3 libpq5
