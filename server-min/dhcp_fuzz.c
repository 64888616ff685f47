/* dhcp_fuzz.c: libFuzzer target for the proxyDHCP path of dhcp_proto.c.
 *
 * Runs exactly what netbootd runs on a received datagram: parse, classify
 * on both ports, pick a boot file, build the reply; then parses the reply
 * again, since the test client and the bench generator parse what we build.
 * ASan catches any read past the input; the asserts catch a reply that
 * breaks the proxy rules (an address handed out, a lease option).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "server-min/dhcp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dhcp_boot_files files = {
		.bios = "undionly.kpxe", .efi64 = "alpineboot.efi",
		.arm64 = "alpineboot-arm64.efi",
		.ipxe = "${server}/boot.ipxe?mac={mac}&n=${net0/mac:hexhyp}",
		.http_x64 = "${server}/alpineboot.efi",
		.http_arm64 = "${server}/alpineboot-arm64.efi",
		.http_base = "http://198.18.0.1",
	};
	static struct dhcp_recent recent;
	struct in_addr self = { .s_addr = htonl(0xc6120001) };
	uint8_t out[DHCP_REPLY_MAX];
	char file[256], mac[DHCP_MAC_STR_MAX], uuid[DHCP_UUID_STR_MAX];
	struct dhcp_msg m, back;
	struct dhcp_pxe_req r;
	uint16_t arch;
	size_t len;

	if (dhcp_parse(data, size, &m) < 0)
		return 0;
	dhcp_format_mac(&m.hdr, mac);
	(void)dhcp_chaddr_ok(&m.hdr);
	if (dhcp_uuid_text(&m, uuid) == 0)
		assert(strlen(uuid) == 36);
	/* the repeat table sees every packet twice (the fuzzer may have sent
	 * it before): the second time it is a repeat, whatever the bytes */
	(void)dhcp_recent_check(&recent, data, size, 1000, 500);
	assert(dhcp_recent_check(&recent, data, size, 1000, 500) == 1);
	(void)dhcp_client_arch(&m, &arch);
	(void)dhcp_is_ipxe(&m);
	for (int via_4011 = 0; via_4011 < 2; via_4011++) {
		if (dhcp_pxe_classify(&m, self, via_4011, &r) < 0)
			continue;
		if (dhcp_pxe_boot_file(&r, &files, file, sizeof(file)) < 0)
			continue;
		if (dhcp_pxe_reply(&m, &r, self, file, out, sizeof(out), &len) < 0)
			continue;
		assert(len >= DHCP_BOOTP_MIN_LEN && len <= sizeof(out));
		assert(dhcp_parse(out, len, &back) == 0);
		assert(back.msg_type == r.reply_type);
		assert(back.hdr.yiaddr.s_addr == 0);
		assert(!dhcp_opt_get(&back, DHCP_OPT_LEASE_TIME));
		assert(!dhcp_opt_get(&back, DHCP_OPT_SUBNET_MASK));
		assert(!dhcp_opt_get(&back, DHCP_OPT_ROUTER));
		assert(dhcp_opt_get(&back, DHCP_OPT_BOOTFILE)->len == strlen(file));
		/* HTTP Boot answers say HTTPClient and carry nothing PXE */
		assert(dhcp_is_httpclient(&back) == r.http);
		assert(dhcp_is_pxeclient(&back) == !r.http);
		assert(!r.http || !dhcp_opt_get(&back, DHCP_OPT_VENDOR));
		/* {mac} is the chaddr, never left in the name */
		assert(strstr(file, "{mac}") == NULL);
	}
	return 0;
}
