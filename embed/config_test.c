/* config_test.c: table-driven tests of the netbootd.conf parser (config.c)
 * and of the string helpers it rests on (str.c).
 *
 * Every bad-line row gives the whole file and the exact "FILE:LINE: what"
 * message expected, so a failure names the row's own line in this file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "embed/config.h"
#include "embed/memfs.h"
#include "embed/render.h"
#include "embed/resolve.h"
#include "plan/str.h"
#include "server-min/config_load.h"

static struct nb_config cfg;

/* text as netbootd reads it: embed/'s parser, then the [server] keys'
 * meaning (server-min/config_load.c). */
static int parse(const char *text, char *err)
{
	int r = nb_config_parse(&cfg, "t.conf", text, strlen(text), err);

	return r < 0 ? r : config_server_apply(&cfg, err);
}

/* A section's own keys laid over an empty profile. */
static const struct nb_profile *own_keys_in(const struct nb_config *c,
					    const struct nb_keys *keys)
{
	static struct nb_profile p;

	memset(&p, 0, sizeof(p));
	nb_section_apply(c, keys, &p);
	return &p;
}

static const struct nb_profile *own_keys(const struct nb_keys *keys)
{
	return own_keys_in(&cfg, keys);
}

static const struct nb_profile *own_keys_of(const struct nb_config *c,
					    const struct nb_client_conf *cc)
{
	assert_non_null(cc);
	return own_keys_in(c, &cc->keys);
}

static void test_str_helpers(void **state)
{
	uint64_t v = 7;
	uint8_t b[2] = { 1, 2 };
	char small[4];
	struct nb_buf buf;
	size_t len;

	(void)state;
	assert_int_equal(nb_parse_u64("18446744073709551615", 20, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(nb_parse_u64("18446744073709551616", 20, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(nb_parse_u64("65536", 5, 65535, &v), -ERANGE);
	assert_int_equal(nb_parse_u64("9", 1, 5, &v), -ERANGE);
	assert_int_equal(nb_parse_u64("", 0, 5, &v), -EINVAL);
	assert_int_equal(nb_parse_u64("1a", 2, 99, &v), -EINVAL);
	assert_int_equal(nb_parse_u64("+1", 2, 99, &v), -EINVAL);
	assert_int_equal(nb_hex_parse("0aFf", 4, b, 2), 0);
	assert_int_equal(b[0], 0x0a);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(nb_hex_parse("0g00", 4, b, 2), -EINVAL);
	assert_int_equal(b[0], 0x0a);      /* untouched on error */
	assert_int_equal(nb_strlcpy(small, sizeof(small), "abcd", 4), -E2BIG);
	assert_int_equal(nb_strlcpy(small, sizeof(small), "abc", 3), 0);
	assert_string_equal(small, "abc");
	nb_buf_init(&buf, small, sizeof(small));
	nb_buf_puts(&buf, "ab");
	nb_buf_putu(&buf, 12);
	assert_int_equal(nb_buf_finish(&buf, &len), -ENOSPC);
	assert_string_equal(small, "ab");  /* never a torn number */
	assert_true(nb_tok_eq("lts", 3, "lts"));
	assert_false(nb_tok_eq("lt", 2, "lts"));
	assert_false(nb_tok_eq("ltsx", 4, "lts"));
}

static void test_mac_parse(void **state)
{
	static const struct { int line; const char *s; int rc; uint8_t mac[6]; } t[] = {
		{ __LINE__, "52:54:00:12:34:56", 0, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } },
		{ __LINE__, "AA-bb-CC-dd-EE-ff", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ __LINE__, "52:54:00-12:34:56", -EINVAL, { 0 } },
		{ __LINE__, "52:54:00:12:34:5", -EINVAL, { 0 } },
		{ __LINE__, "52:54:00:12:34:567", -EINVAL, { 0 } },
		{ __LINE__, "5254.0012.3456", -EINVAL, { 0 } },
		{ __LINE__, "52:54:00:12:34:5g", -EINVAL, { 0 } },
		{ __LINE__, "", -EINVAL, { 0 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t mac[6] = { 9, 9, 9, 9, 9, 9 };
		static const uint8_t nine[6] = { 9, 9, 9, 9, 9, 9 };
		int rc = nb_mac_parse(t[i].s, strlen(t[i].s), mac);

		if (rc != t[i].rc)
			FAIL_AT(t[i].line, "rc %d, want %d\n", rc, t[i].rc);
		if (memcmp(mac, rc == 0 ? t[i].mac : nine, 6) != 0)
			FAIL_AT(t[i].line, "wrong or touched MAC\n");
	}
}

/* ---- errors: one row per kind of bad line --------------------------- */

static const struct { int line; const char *text; const char *err; } bad[] = {
	{ __LINE__, "listen = 1.2.3.4\n", "t.conf:1: key outside a section: 'listen'" },
	{ __LINE__, "[server]\nlisten 1.2.3.4\n", "t.conf:2: expected key = value: 'listen 1.2.3.4'" },
	{ __LINE__, "[server\n", "t.conf:1: section header without ']': '[server'" },
	{ __LINE__, "[servers]\n", "t.conf:1: unknown section (server, profile NAME, client MAC): 'servers'" },
	{ __LINE__, "[server]\n = x\n", "t.conf:2: empty key" },
	{ __LINE__, "[server]\nlisten = 1.2.3\n", "t.conf:2: listen: a dotted-quad IPv4 address: '1.2.3'" },
	{ __LINE__, "[server]\nlisten = 1.2.3.256\n", "t.conf:2: listen: a dotted-quad IPv4 address: '1.2.3.256'" },
	{ __LINE__, "[server]\nhttp-port = 0\n", "t.conf:2: port: 1 to 65535: '0'" },
	{ __LINE__, "[server]\n\n\ntftp-port = 65536\n", "t.conf:4: port: 1 to 65535: '65536'" },
	{ __LINE__, "[server]\ndhcp = maybe\n", "t.conf:2: yes/no, true/false, on/off or 1/0: 'maybe'" },
	{ __LINE__, "[server]\nlog-level = loud\n", "t.conf:2: log-level: error, warn, info or debug: 'loud'" },
	{ __LINE__, "[server]\nuser = ro ot\n", "t.conf:2: user: not a user name: 'ro ot'" },
	{ __LINE__, "[server]\ninterface = averyveryverylongname\n", "t.conf:2: interface: 1 to 15 characters: 'averyveryverylongname'" },
	{ __LINE__, "[server]\nboot-bios = a b\n", "t.conf:2: space, quote or control character: 'a b'" },
	{ __LINE__, "[server]\nflavor = lts\n", "t.conf:2: unknown key in [server]: 'flavor'" },
	{ __LINE__, "[server]\nlisten = 1.2.3.4\nlisten = 1.2.3.5\n", "t.conf:3: duplicate key: 'listen'" },
	{ __LINE__, "[profile a]\nflavor = rt\n", "t.conf:2: flavor must be lts or virt: 'rt'" },
	{ __LINE__, "[profile a]\nbranch = 3.20\n", "t.conf:2: branch must be latest-stable, edge or vMAJOR.MINOR: '3.20'" },
	{ __LINE__, "[profile a]\nbranch = v3.\n", "t.conf:2: branch must be latest-stable, edge or vMAJOR.MINOR: 'v3.'" },
	{ __LINE__, "[profile a]\nmirror = ftp://x/alpine\n", "t.conf:2: only http:// and https:// URLs: 'ftp://x/alpine'" },
	{ __LINE__, "[profile a]\nmirror = http://x/al pine\n", "t.conf:2: space, quote or control character in URL: 'http://x/al pine'" },
	{ __LINE__, "[profile a]\nmirror = http://a\nmirror = http://b\nmirror = http://c\nmirror = http://d\nmirror = http://e\n"
	  "mirror = http://f\nmirror = http://g\nmirror = http://h\nmirror = http://i\nmirror = http://j\nmirror = http://k\n"
	  "mirror = http://l\nmirror = http://m\nmirror = http://n\nmirror = http://o\nmirror = http://p\nmirror = http://q\n",
	  "t.conf:18: mirror: at most 16 (the boot menu shows what fits): 'http://q'" },
	{ __LINE__, "[profile a]\ninitrd = a\ninitrd = b\ninitrd = c\ninitrd = d\ninitrd = e\n",
	  "t.conf:6: initrd: at most 4 (what alpineboot.efi loads): 'e'" },
	{ __LINE__, "[profile a]\nrepos = a b c d e f g h i j k l m n o p q\n",
	  "t.conf:2: repos: at most 16 words, 255 characters: 'a b c d e f g h i j k l m n o p q'" },
	{ __LINE__, "[profile a]\nrepos = main Community\n", "t.conf:2: repos: words of a-z, 0-9 and '-': 'main Community'" },
	{ __LINE__, "[profile a]\nkernel = boot/vmlinuz lts\n", "t.conf:2: space, quote or control character in URL: 'boot/vmlinuz lts'" },
	{ __LINE__, "[profile a]\nkernel = boot/\"vmlinuz\"\n", "t.conf:2: space, quote or control character in URL: 'boot/\"vmlinuz\"'" },
	{ __LINE__, "[profile a]\nkernel = https://x/vmlinuz\n", "t.conf:2: only http:// URLs (iPXE and alpineboot.efi fetch it): 'https://x/vmlinuz'" },
	{ __LINE__, "[profile a]\nkernel = boot/vmlinuz-${flavour}\n", "t.conf:2: unknown ${variable} (flavor, branch, arch, mac, server): 'boot/vmlinuz-${flavour}'" },
	{ __LINE__, "[profile a]\ninitrd = boot/initramfs-${flavor\n", "t.conf:2: unterminated ${: 'boot/initramfs-${flavor'" },
	{ __LINE__, "[profile a]\nmodloop = boot/$flavor\n", "t.conf:2: '$' outside ${variable}: 'boot/$flavor'" },
	{ __LINE__, "[profile a]\nkernel = boot/{MAC}\n", "t.conf:2: '{' outside ${variable} or {MAC}/{UUID}: 'boot/{MAC}'" },
	{ __LINE__, "[profile a]\napkovl = ftp://x/a.tar.gz\n", "t.conf:2: only http:// and https:// URLs: 'ftp://x/a.tar.gz'" },
	{ __LINE__, "[profile a]\nip = static\n", "t.conf:2: ip: dhcp or client:server:gw:mask:host:dev:autoconf:dns1:dns2: 'static'" },
	{ __LINE__, "[profile a]\nmodules = e1000 ;rm\n", "t.conf:2: modules: names of a-z, 0-9, '_' and '-': 'e1000 ;rm'" },
	{ __LINE__, "[profile a]\nhostname = a_b\n", "t.conf:2: hostname: letters, digits, '-' and '.': 'a_b'" },
	{ __LINE__, "[profile a]\ncmdline = console=\"ttyS0\"\n", "t.conf:2: cmdline: quote, '$', '\\' or control character: 'console=\"ttyS0\"'" },
	{ __LINE__, "[profile a]\ncmdline = quiet modloop=http://x/m\n", "t.conf:2: cmdline: this argument has its own key: 'quiet modloop=http://x/m'" },
	{ __LINE__, "[profile a]\ncmdline = x=${net0/mac}\n", "t.conf:2: cmdline: quote, '$', '\\' or control character: 'x=${net0/mac}'" },
	{ __LINE__, "[profile a]\ntimeout = 3601\n", "t.conf:2: timeout: seconds, 0 to 3600: '3601'" },
	{ __LINE__, "[profile a]\ntimeout = -1\n", "t.conf:2: timeout: seconds, 0 to 3600: '-1'" },
	{ __LINE__, "[profile a]\ndefault = firmware\n", "t.conf:2: default: retry, mirrors, flavor, no-apkovl, shell, reboot, exit or branch:NAME: 'firmware'" },
	{ __LINE__, "[profile a]\nfallback = retry poweroff\n", "t.conf:2: fallback: retry, mirrors, branch:NAME, flavor, no-apkovl, shell, reboot, exit or none: 'retry poweroff'" },
	{ __LINE__, "[profile a]\nfallback = branch:tip\n", "t.conf:2: fallback: branch:NAME needs a branch name: 'branch:tip'" },
	{ __LINE__, "[profile a]\nkernel-sha256 = abc\n", "t.conf:2: sha256: 64 hex digits: 'abc'" },
	{ __LINE__, "[profile a]\nmax-file-size = 0\n", "t.conf:2: size: bytes (or K, M, G), 1 to 1T: '0'" },
	{ __LINE__, "[profile a]\ntitle = $HOME\n", "t.conf:2: title: printable ASCII without '$' or '\"': '$HOME'" },
	{ __LINE__, "[profile a]\nflavor = lts\nflavor = virt\n", "t.conf:3: duplicate key: 'flavor'" },
	{ __LINE__, "[profile a]\nprofile = b\n", "t.conf:2: unknown key in [profile]: 'profile'" },
	{ __LINE__, "[profile a]\n[profile a]\n", "t.conf:2: duplicate profile (first at line 1): 'a'" },
	{ __LINE__, "[profile a/b]\n", "t.conf:1: bad profile name: 'a/b'" },
	{ __LINE__, "[client 52:54:00:12:34]\n", "t.conf:1: bad MAC address (aa:bb:cc:dd:ee:ff): '52:54:00:12:34'" },
	{ __LINE__, "[client uuid=1234]\n", "t.conf:1: bad UUID (8-4-4-4-12 hex digits): '1234'" },
	{ __LINE__, "[client arch=x64]\n", "t.conf:1: bad client arch (RFC 4578 number): 'x64'" },
	{ __LINE__, "[client 52:54:00:12:34:56]\n[client 52-54-00-12-34-56]\n", "t.conf:2: duplicate client section (first at line 1): '52-54-00-12-34-56'" },
	{ __LINE__, "[client 52:54:00:*]\nflavor = lts\n\n[client 52-54-00-*]\n", "t.conf:4: duplicate client section (first at line 1): '52-54-00-*'" },
	{ __LINE__, "[client uuid=0e0b7c5a-1111-2222-3333-444455556666]\n[client uuid=0E0B7C5A-1111-2222-3333-444455556666]\n", "t.conf:2: duplicate client section (first at line 1): 'uuid=0E0B7C5A-1111-2222-3333-444455556666'" },
	{ __LINE__, "[client arch=7]\n[client arch=07]\n", "t.conf:2: duplicate client section (first at line 1): 'arch=07'" },
	{ __LINE__, "[client 52:54:00:12:34:56:*]\n", "t.conf:1: bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*): '52:54:00:12:34:56:*'" },
	{ __LINE__, "[client 52:54-00:*]\n", "t.conf:1: bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*): '52:54-00:*'" },
	{ __LINE__, "[client 52:5:*]\n", "t.conf:1: bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*): '52:5:*'" },
	{ __LINE__, "[client 52:54*]\n", "t.conf:1: bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*): '52:54*'" },
	{ __LINE__, "[client *]\n", "t.conf:1: bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*): '*'" },
	{ __LINE__, "[client 5g:*]\n", "t.conf:1: bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*): '5g:*'" },
	/* [server] policy and limits */
	{ __LINE__, "[server]\nanswer = some\n", "t.conf:2: answer: all or known: 'some'" },
	{ __LINE__, "[server]\nanswer = known\nanswer = all\n", "t.conf:3: duplicate key: 'answer'" },
	{ __LINE__, "[server]\nprotect = /ovl/\n", "t.conf:2: protect: prefixes are relative to the root (no leading '/'): '/ovl/'" },
	{ __LINE__, "[server]\nprotect = ovl/../etc\n", "t.conf:2: protect: no empty, '.' or '..' path parts: 'ovl/../etc'" },
	{ __LINE__, "[server]\nprotect = ..\n", "t.conf:2: protect: no empty, '.' or '..' path parts: '..'" },
	{ __LINE__, "[server]\nprotect = ovl//x\n", "t.conf:2: protect: no empty, '.' or '..' path parts: 'ovl//x'" },
	{ __LINE__, "[server]\nprotect = ./ovl\n", "t.conf:2: protect: no empty, '.' or '..' path parts: './ovl'" },
	{ __LINE__, "[server]\nprotect = ovl\x01/\n", "t.conf:2: protect: control character, quote or backslash: 'ovl?/'" },
	{ __LINE__, "[server]\nprotect = a\\b\n", "t.conf:2: protect: control character, quote or backslash: 'a\\b'" },
	{ __LINE__, "[server]\nprotect = \n", "t.conf:2: protect: at least one prefix (e.g. ovl/): ''" },
	{ __LINE__, "[server]\nprotect = a b c d e f g h i\n", "t.conf:2: protect: at most 8 prefixes: 'a b c d e f g h i'" },
	{ __LINE__, "[server]\nprotect = 0123456789012345678901234567890123456789012345678901234567890123\n", "t.conf:2: protect: a prefix is at most 63 characters: '0123456789012345678901234567890123456789012345678901234567890123'" },
	{ __LINE__, "[server]\nhttp-per-ip = 0\n", "t.conf:2: http-per-ip: connections, 1 to 65536: '0'" },
	{ __LINE__, "[server]\nhttp-per-ip = 65537\n", "t.conf:2: http-per-ip: connections, 1 to 65536: '65537'" },
	{ __LINE__, "[server]\nhttp-requests = 1000001\n", "t.conf:2: http-requests: requests, 1 to 1000000: '1000001'" },
	{ __LINE__, "[server]\nhttp-idle = 3601\n", "t.conf:2: http-idle: seconds, 1 to 3600: '3601'" },
	{ __LINE__, "[server]\nhttp-idle = 10s\n", "t.conf:2: http-idle: seconds, 1 to 3600: '10s'" },
	{ __LINE__, "[server]\ntftp-per-ip = -1\n", "t.conf:2: tftp-per-ip: transfers, 1 to 65536: '-1'" },
	/* Script safety (embed/safe.c): what would change an iPXE line. */
	{ __LINE__, "[profile a]\ntitle = Office ; shell\n", "t.conf:2: ';' (separates iPXE commands): 'Office ; shell'" },
	{ __LINE__, "[profile a]\ncmdline = console=tty0 && shell\n", "t.conf:2: '&&' (separates iPXE commands): 'console=tty0 && shell'" },
	{ __LINE__, "[profile a]\ncmdline = #c\n", "t.conf:2: '#' (starts an iPXE comment): '#c'" },
	{ __LINE__, "[profile a]\ncmdline = a || b\n", "t.conf:2: cmdline: quote, '$', '\\' or control character: 'a || b'" },
	{ __LINE__, "[client 52:54:00:12:34:56]\nhostname = a;b\n", "t.conf:2: hostname: letters, digits, '-' and '.': 'a;b'" },
	{ __LINE__, "[profile a]\napkovl = ${server}/x;shell\n", "t.conf:2: space, quote or control character in URL: '${server}/x;shell'" },
	{ __LINE__, "[profile a]\nmirror = http://x/$(id)\n", "t.conf:2: '$' outside ${variable}: 'http://x/$(id)'" },
	{ __LINE__, "[profile a]\ntitle = ${shell}\n", "t.conf:2: title: printable ASCII without '$' or '\"': '${shell}'" },
	{ __LINE__, "[profile a]\ntitle = Room #3\n", "t.conf:2: '#' (starts an iPXE comment): 'Room #3'" },
	{ __LINE__, "[profile a]\ntitle = a || b\n", "t.conf:2: '|' (\"||\" separates iPXE commands): 'a || b'" },
	{ __LINE__, "[profile a]\ntitle = x && y\n", "t.conf:2: '&&' (separates iPXE commands): 'x && y'" },
	{ __LINE__, "[profile a]\ntitle = it's\n", "t.conf:2: quote or backslash (iPXE has no quoting): 'it's'" },
	{ __LINE__, "[profile a]\ntitle = back\\slash\n", "t.conf:2: quote or backslash (iPXE has no quoting): 'back\\slash'" },
	{ __LINE__, "[profile a]\ntitle = --key x\n", "t.conf:2: text starting with '-' (iPXE would read an option): '--key x'" },
	{ __LINE__, "[profile a]\nkernel = boot/vmlinuz&&shell\n", "t.conf:2: '&&' (separates iPXE commands): 'boot/vmlinuz&&shell'" },
	{ __LINE__, "[profile a]\nmirror = http://x/alpine#frag\n", "t.conf:2: '#' (starts an iPXE comment): 'http://x/alpine#frag'" },
	{ __LINE__, "[profile a]\ninitrd = ${server}/i#x\n", "t.conf:2: '#' (starts an iPXE comment): '${server}/i#x'" },
	{ __LINE__, "[profile a]\ncmdline = a=1&&b\n", "t.conf:2: '&&' (separates iPXE commands): 'a=1&&b'" },
	{ __LINE__, "[client 52:54:00:12:34:56]\nlisten = 1.2.3.4\n", "t.conf:2: unknown key in [client]: 'listen'" },
	{ __LINE__, "[client 52:54:00:12:34:56]\nprofile = lab\n", "t.conf:2: no such profile: 'lab'" },
	{ __LINE__, "[client 52:54:00:12:34:56]\nprofile = a\nprofile = b\n", "t.conf:3: duplicate key: 'profile'" },
};

static void test_bad_lines(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[NB_ERR_MAX];
		int rc = parse(bad[i].text, err);

		if (rc != -EINVAL)
			FAIL_AT(bad[i].line, "rc %d, want -EINVAL\n", rc);
		if (strcmp(err, bad[i].err) != 0)
			FAIL_AT(bad[i].line, "err\n  '%s', want\n  '%s'\n", err, bad[i].err);
	}
}

static void test_bom(void **state)
{
	char err[NB_ERR_MAX];

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf[server]\nlisten = 1.2.3.4\n", err), 0);
	assert_string_equal(nb_config_server(&cfg)->listen, "1.2.3.4");
	/* Only at the start. */
	assert_int_equal(parse("[server]\n\xef\xbb\xbflisten = 1.2.3.4\n", err), -EINVAL);
	assert_string_equal(err, "t.conf:2: unknown key in [server]: '???listen'");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[server]\n\0listen = 1.2.3.4\n";
	char err[NB_ERR_MAX];

	(void)state;
	assert_int_equal(nb_config_parse(&cfg, "t.conf", text, sizeof(text) - 1, err),
			 -EINVAL);
	assert_string_equal(err, "t.conf:2: NUL byte in text");
}

/* ---- good files --------------------------------------------------------- */

static void test_empty_is_defaults(void **state)
{
	char err[NB_ERR_MAX];
	const struct nb_server_conf *s;

	(void)state;
	assert_int_equal(parse("", err), 0);
	s = nb_config_server(&cfg);
	assert_string_equal(s->listen, "");
	assert_int_equal(s->http_port, 0);
	assert_int_equal(s->dhcp, -1);
	assert_int_equal(s->tftp, -1);
	assert_int_equal(s->http, -1);
	assert_string_equal(s->boot_bios, "undionly.kpxe");
	assert_string_equal(s->boot_efi64, "alpineboot.efi");
	assert_string_equal(s->boot_ipxe, "${server}/boot.ipxe?mac={mac}");
	assert_string_equal(s->boot_arm64, "alpineboot-arm64.efi");
	assert_string_equal(s->boot_http_x64, "${server}/alpineboot.efi");
	assert_string_equal(s->boot_http_arm64, "${server}/alpineboot-arm64.efi");
	assert_int_equal(cfg.n_profile, 0);
	assert_int_equal(cfg.n_client, 0);
}

static void test_server_section(void **state)
{
	static const char text[] =
		"# netbootd.conf\n"
		"; also a comment\n"
		"[server]\r\n"
		"  listen   =  198.18.0.1  \n"
		"interface=nbs0\n"
		"root = /srv/netboot\n"
		"user = nobody\n"
		"log-level = debug\n"
		"http-port = 8080\n"
		"tftp-port = 6969\n"
		"dhcp = off\n"
		"tftp = TRUE\n"
		"http = 1\n"
		"boot-bios = ipxe/undionly.kpxe\n"
		"boot-efi64 = efi/alpineboot.efi\n"
		"boot-ipxe = http://198.18.0.1:8080/boot.ipxe?mac=${net0/mac:hexhyp}\n";
	char err[NB_ERR_MAX];
	const struct nb_server_conf *s;

	(void)state;
	assert_int_equal(parse(text, err), -EINVAL);   /* TRUE: case matters */
	assert_string_equal(err, "t.conf:12: yes/no, true/false, on/off or 1/0: 'TRUE'");
	{
		char fixed[sizeof(text)];
		char *p;

		memcpy(fixed, text, sizeof(text));
		p = strstr(fixed, "TRUE");
		memcpy(p, "true", 4);
		assert_int_equal(parse(fixed, err), 0);
	}
	s = nb_config_server(&cfg);
	assert_string_equal(s->listen, "198.18.0.1");
	assert_string_equal(s->interface, "nbs0");
	assert_string_equal(s->root, "/srv/netboot");
	assert_string_equal(s->user, "nobody");
	assert_string_equal(s->log_level, "debug");
	assert_int_equal(s->http_port, 8080);
	assert_int_equal(s->tftp_port, 6969);
	assert_int_equal(s->dhcp, 0);
	assert_int_equal(s->tftp, 1);
	assert_int_equal(s->http, 1);
	assert_string_equal(s->boot_bios, "ipxe/undionly.kpxe");
	assert_string_equal(s->boot_efi64, "efi/alpineboot.efi");
	assert_string_equal(s->boot_ipxe, "http://198.18.0.1:8080/boot.ipxe?mac=${net0/mac:hexhyp}");
}

static void test_profile_section(void **state)
{
	static const char text[] =
		"[profile lab]\n"
		"title = Lab machines\n"
		"flavor = virt\n"
		"branch = v3.20\n"
		"mirror = http://mirror.example/alpine/\n"
		"mirror = https://dl-cdn.alpinelinux.org/alpine\n"
		"repos =  main   community  testing\n"
		"kernel = ${server}/boot/vmlinuz-${flavor}\n"
		"initrd = boot/initramfs-${flavor}\n"
		"initrd = boot/extra.cpio\n"
		"modloop = https://cdn.example/modloop-${flavor}\n"
		"apkovl = ovl/{MAC}.apkovl.tar.gz\n"
		"ip = 198.18.0.9::198.18.0.1:255.255.255.0::eth0:none:198.18.0.1\n"
		"modules = virtio_net, e1000 ,ahci\n"
		"hostname = lab-1\n"
		"cmdline = console=ttyS0,115200   quiet pkgs=htop,vim\n"
		"timeout = 0\n"
		"default = branch:edge\n"
		"fallback = retry branch:edge branch:v3.19 shell\n"
		"kernel-sha256 = 00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n"
		"initrd-sha256 = ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n"
		"max-file-size = 64M\n";
	char err[NB_ERR_MAX];
	const struct nb_profile *p;

	(void)state;
	assert_int_equal(parse(text, err), 0);
	assert_int_equal(cfg.n_profile, 1);
	assert_string_equal(cfg.profile[0].name, "lab");
	p = own_keys(&cfg.profile[0].keys);
	assert_string_equal(p->title, "Lab machines");
	assert_string_equal(p->flavor, "virt");
	assert_string_equal(p->branch, "v3.20");
	assert_int_equal(p->mirror.n, 2);
	assert_string_equal(p->mirror.v[0], "http://mirror.example/alpine");
	assert_string_equal(p->mirror.v[1], "https://dl-cdn.alpinelinux.org/alpine");
	assert_string_equal(p->repos, "main community testing");
	assert_string_equal(p->kernel, "${server}/boot/vmlinuz-${flavor}");
	assert_int_equal(p->initrd.n, 2);
	assert_string_equal(p->initrd.v[1], "boot/extra.cpio");
	assert_string_equal(p->modloop, "https://cdn.example/modloop-${flavor}");
	assert_string_equal(p->apkovl, "ovl/{MAC}.apkovl.tar.gz");
	assert_string_equal(p->ip, "198.18.0.9::198.18.0.1:255.255.255.0::eth0:none:198.18.0.1");
	assert_string_equal(p->modules, "virtio_net,e1000,ahci");
	assert_string_equal(p->hostname, "lab-1");
	assert_string_equal(p->cmdline, "console=ttyS0,115200 quiet pkgs=htop,vim");
	assert_int_equal(p->timeout_s, 0);
	assert_string_equal(p->default_item, "branch:edge");
	assert_int_equal(p->fallback.items, NB_FB_RETRY | NB_FB_BRANCH | NB_FB_SHELL);
	assert_int_equal(p->fallback.n_branch, 2);
	assert_string_equal(p->fallback.branch[1], "v3.19");
	assert_int_equal(p->kernel_sha256[0], 0x00);
	assert_int_equal(p->kernel_sha256[31], 0xff);
	assert_int_equal(p->initrd_sha256.n, 1);
	assert_int_equal(p->initrd_sha256.v[0][0], 0xff);
	assert_true(p->max_file_size == 64u * 1024 * 1024);
	assert_int_equal(p->set & (NB_SET_FLAVOR | NB_SET_MIRROR | NB_SET_TIMEOUT),
			 NB_SET_FLAVOR | NB_SET_MIRROR | NB_SET_TIMEOUT);
}

static void test_client_sections(void **state)
{
	static const char text[] =
		"[client 52:54:00:AA:BB:01]\n"
		"profile = lab\n"
		"hostname = one\n"
		"apkovl = none\n"
		"[client uuid=0E0B7C5A-1111-2222-3333-444455556666]\n"
		"flavor = virt\n"
		"[client arch=7]\n"
		"cmdline = console=ttyS0\n"
		"[profile lab]\n"            /* defined after its first use */
		"branch = edge\n";
	char err[NB_ERR_MAX];

	(void)state;
	assert_int_equal(parse(text, err), 0);
	assert_int_equal(cfg.n_client, 3);
	assert_int_equal(cfg.client[0].match, NB_MATCH_MAC);
	assert_int_equal(cfg.client[0].mac[3], 0xaa);
	assert_string_equal(nb_client_profile_name(&cfg, &cfg.client[0]), "lab");
	assert_int_equal(cfg.client[0].profile, 0);
	assert_string_equal(own_keys(&cfg.client[0].keys)->hostname, "one");
	assert_true(own_keys(&cfg.client[0].keys)->set & NB_SET_APKOVL);
	assert_string_equal(own_keys(&cfg.client[0].keys)->apkovl, "");
	assert_null(nb_client_profile_name(&cfg, &cfg.client[1]));
	assert_int_equal(cfg.client[1].profile, NB_NO_PROFILE);
	assert_int_equal(cfg.client[1].match, NB_MATCH_UUID);
	assert_string_equal(cfg.client[1].uuid, "0e0b7c5a-1111-2222-3333-444455556666");
	assert_int_equal(cfg.client[2].match, NB_MATCH_ARCH);
	assert_int_equal(cfg.client[2].arch, 7);
}

static void test_server_policy(void **state)
{
	static const char text[] =
		"[server]\n"
		"answer = known\n"
		"protect = ovl/  site/keys/\tprivate\n"
		"http-per-ip = 65536\n"
		"http-requests = 1000000\n"
		"http-idle = 1\n"
		"tftp-per-ip = 1\n";
	char err[NB_ERR_MAX];
	const struct nb_server_conf *s;

	(void)state;
	assert_int_equal(parse("", err), 0);
	s = nb_config_server(&cfg);
	assert_int_equal(s->answer, -1);
	assert_int_equal(s->protect_set, 0);
	assert_int_equal(s->n_protect, 0);
	assert_int_equal(s->http_per_ip, 0);
	assert_int_equal(s->http_requests, 0);
	assert_int_equal(s->http_idle_s, 0);
	assert_int_equal(s->tftp_per_ip, 0);
	if (parse(text, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(s->answer, 1);
	assert_int_equal(s->protect_set, 1);
	assert_int_equal(s->n_protect, 3);
	assert_string_equal(s->protect[0], "ovl/");
	assert_string_equal(s->protect[1], "site/keys/");
	assert_string_equal(s->protect[2], "private");
	assert_int_equal(s->http_per_ip, 65536);
	assert_int_equal(s->http_requests, 1000000);
	assert_int_equal(s->http_idle_s, 1);
	assert_int_equal(s->tftp_per_ip, 1);
	assert_int_equal(parse("[server]\nanswer = all\n", err), 0);
	assert_int_equal(s->answer, 0);
}

/* Values the safety check must let through: URLs with ':', ',', '=',
 * '/', '?', '&', '%', '~', '@', '+', Alpine's {MAC}, kernel arguments with
 * '=' and ','. One row per file, each must parse. */
static void test_safe_values_pass(void **state)
{
	static const struct { int line; const char *text; } good[] = {
		{ __LINE__, "[profile a]\nmirror = http://m.example:8080/alpine?x=1&y=2\n" },
		{ __LINE__, "[profile a]\nmirror = https://user@m.example/~alpine/a+b/%41\n" },
		{ __LINE__, "[profile a]\nkernel = ${server}/boot/vmlinuz-${flavor}?arch=${arch}&mac=${mac}\n" },
		{ __LINE__, "[profile a]\napkovl = ${server}/ovl/{MAC}.apkovl.tar.gz?b=${branch}\n" },
		{ __LINE__, "[profile a]\ncmdline = console=ttyS0,115200n8 pkgs=a,b ssh_key=http://k.example/k.pub quiet\n" },
		{ __LINE__, "[profile a]\ncmdline = a=b&c\n" },
		{ __LINE__, "[profile a]\ntitle = Lab: rack 3, row 2 (v3.20) / 50% = ok?\n" },
		{ __LINE__, "[profile a]\ntitle = A & B\n" },
		{ __LINE__, "[profile a]\nhostname = node-1.lab\n" },
		{ __LINE__, "[client 52:54:00:*]\ntitle = QEMU NICs\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char err[NB_ERR_MAX];

		if (parse(good[i].text, err) != 0)
			FAIL_AT(good[i].line, "%s\n", err);
	}
}

/* ---- the one precedence ------------------------------------------------ */

/* Section kinds from most to least specific; every one matches the client
 * below. "none" is the default profile. */
static const struct {
	const char *name;
	const char *header;      /* "" = no section */
	int knows;               /* nb_config_knows() when this one wins */
} kinds[] = {
	{ "mac",     "[client 52:54:00:12:34:56]", 1 },
	{ "uuid",    "[client uuid=0e0b7c5a-1111-2222-3333-444455556666]", 1 },
	{ "prefix5", "[client 52:54:00:12:34:*]", 1 },
	{ "prefix3", "[client 52-54-00-*]", 1 },
	{ "prefix1", "[client 52:*]", 1 },
	{ "arch",    "[client arch=7]", 0 },
	{ "none",    "", 0 },
};

static const struct nb_client everything = {
	.mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1,
	.uuid = "0E0B7C5A-1111-2222-3333-444455556666", .arch = 7,
};

/* The title of the profile the client resolves to (nb_resolve, the path
 * every renderer takes) and nb_config_knows(). */
static void resolve_title(char *title, size_t cap, int *knows)
{
	static struct nb_plan plan;

	assert_int_equal(nb_resolve(&cfg, &everything, "http://198.18.0.1", &plan), 0);
	snprintf(title, cap, "%s", plan.title);
	*knows = nb_config_knows(&cfg, &everything);
}

/* Every pair of kinds, in both file orders: the more specific one wins,
 * wherever it stands in the file. */
static void test_precedence_pairs(void **state)
{
	size_t a, b, order;

	(void)state;
	for (a = 0; a < sizeof(kinds) / sizeof(kinds[0]); a++) {
		for (b = a + 1; b < sizeof(kinds) / sizeof(kinds[0]); b++) {
			for (order = 0; order < 2; order++) {
				size_t first = order ? b : a, second = order ? a : b;
				char text[512], err[NB_ERR_MAX], title[NB_LABEL_MAX];
				int knows;

				snprintf(text, sizeof(text),
					 "[profile default]\ntitle = T-none\n%s\n%s%s\n%s\n%s%s\n",
					 kinds[first].header,
					 kinds[first].header[0] ? "title = T-" : "",
					 kinds[first].header[0] ? kinds[first].name : "",
					 kinds[second].header,
					 kinds[second].header[0] ? "title = T-" : "",
					 kinds[second].header[0] ? kinds[second].name : "");
				if (parse(text, err) != 0)
					fail_msg("%s in\n%s", err, text);
				resolve_title(title, sizeof(title), &knows);
				if (strncmp(title, "T-", 2) || strcmp(title + 2, kinds[a].name))
					fail_msg("%s vs %s (order %zu): %s won",
						 kinds[a].name, kinds[b].name, order, title);
				if (knows != kinds[a].knows)
					fail_msg("%s wins: knows %d", kinds[a].name, knows);
			}
		}
	}
}

/* A client that only some sections name: each kind falls through to the
 * next when its key does not match. */
static void test_precedence_fallthrough(void **state)
{
	static const char text[] =
		"[client 52:54:00:12:34:56]\ntitle = T-mac\n"
		"[client uuid=0e0b7c5a-1111-2222-3333-444455556666]\ntitle = T-uuid\n"
		"[client 52:54:00:12:*]\ntitle = T-prefix4\n"
		"[client 52:54:*]\ntitle = T-prefix2\n"
		"[client arch=7]\ntitle = T-arch\n";
	static const struct {
		int line;
		struct nb_client c;
		const char *title;
		int knows;
	} t[] = {
		{ __LINE__, { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 7 }, "T-mac", 1 },
		{ __LINE__, { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x57 }, .has_mac = 1,
			      .uuid = "0e0b7c5a-1111-2222-3333-444455556666", .arch = 7 }, "T-uuid", 1 },
		{ __LINE__, { .mac = { 0x52, 0x54, 0, 0x12, 0x99, 0x57 }, .has_mac = 1, .arch = 7 }, "T-prefix4", 1 },
		{ __LINE__, { .mac = { 0x52, 0x54, 0, 0x13, 0x99, 0x57 }, .has_mac = 1, .arch = 7 }, "T-prefix2", 1 },
		{ __LINE__, { .mac = { 0x52, 0x55, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 7 }, "T-arch", 0 },
		{ __LINE__, { .mac = { 0x52, 0x55, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 0 }, "Alpine lts latest-stable", 0 },
		/* A prefix needs a MAC: no MAC, no prefix match. */
		{ __LINE__, { .arch = -1 }, "Alpine lts latest-stable", 0 },
	};
	static struct nb_plan plan;
	char err[NB_ERR_MAX];
	size_t i;

	(void)state;
	assert_int_equal(parse(text, err), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int knows = nb_config_knows(&cfg, &t[i].c);

		if (nb_resolve(&cfg, &t[i].c, "http://198.18.0.1", &plan) != 0)
			FAIL_AT(t[i].line, "resolve failed\n");
		if (strcmp(plan.title, t[i].title) != 0)
			FAIL_AT(t[i].line, "title '%s', want '%s'\n", plan.title, t[i].title);
		if (knows != t[i].knows)
			FAIL_AT(t[i].line, "knows %d, want %d\n", knows, t[i].knows);
	}
}

/* The parser must not read past len: hand it a text cut mid-line in a
 * buffer with no NUL after it (ASan build catches an over-read). */
static void test_no_overread(void **state)
{
	static const char text[] = "[profile a]\nkernel = boot/vmlinuz-${flav";
	char err[NB_ERR_MAX];
	char *exact;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(text) - 1; n++) {
		exact = malloc(n ? n : 1);
		assert_non_null(exact);
		memcpy(exact, text, n);
		(void)nb_config_parse(&cfg, "t.conf", exact, n, err);
		assert_true(strncmp(err, "t.conf:", 7) == 0 || err[0] == '\0');
		free(exact);
	}
}


/* ---- includes (embed/config_files.c), through files in memory --------- */

#define MF(name, text) { name, text, sizeof(text) - 1 }

static int load_mem(const struct memfs_file *f, size_t n, struct nb_config **ret,
		    char *err)
{
	struct memfs m = { f, n };
	struct nb_config_fs fs = memfs_ops(&m);

	return nb_config_load_fs(f[0].name, &fs, ret, err);
}

static void expect_error(int line, const struct memfs_file *f, size_t n,
			 const char *want)
{
	struct nb_config *c = (struct nb_config *)1;
	char err[NB_ERR_MAX];

	if (load_mem(f, n, &c, err) >= 0)
		FAIL_AT(line, "loaded, want %s\n", want);
	if (c != (struct nb_config *)1)
		FAIL_AT(line, "ret_cfg touched on error\n");
	if (strcmp(err, want) != 0)
		FAIL_AT(line, "got  '%s'\nwant '%s'\n", err, want);
}

static void test_include_sorted_relative(void **state)
{
	static const struct memfs_file f[] = {
		MF("etc/nb.conf", "[profile lab]\nflavor = virt\ninclude = clients.d/*.conf\n"
		   "[profile late]\nbranch = edge\n"),
		/* out of order on purpose: the loader sorts */
		MF("etc/clients.d/b.conf", "[client 52:54:00:00:00:02]\nprofile = late\n"),
		MF("etc/clients.d/a.conf", "# host a\n[client 52:54:00:00:00:01]\nprofile = lab\nhostname = a\n"),
		MF("etc/clients.d/.hidden.conf", "[client 52:54:00:00:00:09]\n"),
		MF("etc/clients.d/c.conf~", "[client 52:54:00:00:00:08]\n"),
		MF("etc/clients.d/sub/d.conf", "[client 52:54:00:00:00:07]\n"),
	};
	struct nb_config *c = NULL;
	struct nb_client who = { .mac = { 0x52, 0x54, 0, 0, 0, 2 }, .has_mac = 1, .arch = -1 };
	const struct nb_client_conf *cc;
	char err[NB_ERR_MAX];

	(void)state;
	if (load_mem(f, sizeof(f) / sizeof(f[0]), &c, err) != 0)
		FAIL_AT(__LINE__, "%s\n", err);
	assert_int_equal(c->n_client, 2);
	assert_int_equal(c->n_profile, 2);
	assert_int_equal(c->client[0].mac[5], 1);
	assert_string_equal(nb_config_file(c, &c->client[0].at), "etc/clients.d/a.conf");
	assert_int_equal(c->client[0].at.line, 2);
	assert_string_equal(nb_config_file(c, &c->client[1].at), "etc/clients.d/b.conf");
	assert_string_equal(nb_config_file(c, &c->profile[1].at), "etc/nb.conf");
	assert_int_equal(c->profile[1].at.line, 4);
	cc = nb_config_match(c, &who);
	assert_non_null(cc);
	assert_string_equal(nb_client_profile_name(c, cc), "late");
	assert_int_equal(c->n_file, 3);
	/* The same keys in another place: equal; other keys: not. */
	assert_true(nb_keys_equal(c, &c->profile[0].keys, c, &c->profile[0].keys));
	assert_false(nb_keys_equal(c, &c->profile[0].keys, c, &c->profile[1].keys));
	assert_false(nb_keys_equal(c, &c->client[0].keys, c, &c->client[1].keys));
	nb_config_free(c);
}

/* Include errors: the files (the first is the config) and the one
 * message, naming the file and line where the fix goes. */
static const struct include_case {
	int line;
	const char *want;
	struct memfs_file f[10];
} include_cases[] = {
	{ __LINE__, "etc/nb.conf:3: include etc/hosts.conf: No such file or directory",
	  { MF("etc/nb.conf", "[server]\n\ninclude = hosts.conf\n") } },
	{ __LINE__, "etc/nb.conf:1: include etc/clients/*.conf: no such folder",
	  { MF("etc/nb.conf", "include = clients/*.conf\n"),
	    MF("etc/clients.d/a.conf", "[client 52:54:00:00:00:01]\n") } },
	{ __LINE__, "etc/b.conf:1: include etc/a.conf: a loop (that file is being read already)",
	  { MF("etc/nb.conf", "include = a.conf\n"),
	    MF("etc/a.conf", "# a\ninclude = b.conf\n"),
	    MF("etc/b.conf", "include = a.conf\n") } },
	{ __LINE__, "etc/nb.conf:1: include etc/nb.conf: a loop (that file is being read already)",
	  { MF("etc/nb.conf", "include = nb.conf\n") } },
	{ __LINE__, "etc/8.conf:1: include: nested deeper than 8 files",
	  { MF("etc/nb.conf", "include = 1.conf\n"),
	    MF("etc/1.conf", "include = 2.conf\n"), MF("etc/2.conf", "include = 3.conf\n"),
	    MF("etc/3.conf", "include = 4.conf\n"), MF("etc/4.conf", "include = 5.conf\n"),
	    MF("etc/5.conf", "include = 6.conf\n"), MF("etc/6.conf", "include = 7.conf\n"),
	    MF("etc/7.conf", "include = 8.conf\n"), MF("etc/8.conf", "include = 9.conf\n"),
	    MF("etc/9.conf", "[profile deep]\n") } },
	{ __LINE__, "etc/c/b.conf:2: duplicate client section (first at etc/c/a.conf:1): '52-54-00-00-00-01'",
	  { MF("etc/nb.conf", "include = c/*.conf\n"),
	    MF("etc/c/a.conf", "[client 52:54:00:00:00:01]\n"),
	    MF("etc/c/b.conf", "\n[client 52-54-00-00-00-01]\n") } },
	{ __LINE__, "etc/nb.conf:2: duplicate client section (first at line 1): '52:54:00:00:00:01'",
	  { MF("etc/nb.conf", "[client 52:54:00:00:00:01]\n[client 52:54:00:00:00:01]\n") } },
	{ __LINE__, "etc/c/a.conf:2: flavor must be lts or virt: 'big'",
	  { MF("etc/nb.conf", "[profile a]\ninclude = c/*.conf\n"),
	    MF("etc/c/a.conf", "[client 52:54:00:00:00:01]\nflavor = big\n") } },
	{ __LINE__, "etc/nb.conf:3: key outside a section (an include line ends the section above it): 'flavor'",
	  { MF("etc/nb.conf", "[profile a]\ninclude = c/*.conf\nflavor = virt\n"),
	    MF("etc/c/a.conf", "[client 52:54:00:00:00:01]\n") } },
	{ __LINE__, "etc/c/a.conf:3: no such profile: 'nope'",
	  { MF("etc/nb.conf", "include = c/*.conf\n"),
	    MF("etc/c/a.conf", "[client 52:54:00:00:00:01]\n\nprofile = nope\n") } },
	{ __LINE__, "etc/nb.conf:3: include etc/c/a.conf: read already (each file is read once)",
	  { MF("etc/nb.conf", "include = c/*.conf\n\ninclude = c/a.conf\n"),
	    MF("etc/c/a.conf", "# no sections: still read once only\n") } },
	{ __LINE__, "etc/nb.conf:1: include: a file or a pattern (e.g. clients.d/*.conf)",
	  { MF("etc/nb.conf", "include =\n") } },
};

static void test_include_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(include_cases) / sizeof(include_cases[0]); i++) {
		const struct include_case *t = &include_cases[i];
		size_t n = 0;

		while (n < 10 && t->f[n].name != NULL)
			n++;
		expect_error(t->line, t->f, n, t->want);
	}
}

/* A folder with no match is an empty inventory, not an error; a depth of
 * exactly 8 includes is fine. */
static void test_include_empty_and_depth(void **state)
{
	static const struct memfs_file empty[] = {
		MF("etc/nb.conf", "include = c/*.conf\n[profile a]\n"),
		MF("etc/c/README", "not a .conf\n"),
	};
	static const struct memfs_file eight[] = {
		MF("etc/nb.conf", "include = 1.conf\n"),
		MF("etc/1.conf", "include = 2.conf\n"), MF("etc/2.conf", "include = 3.conf\n"),
		MF("etc/3.conf", "include = 4.conf\n"), MF("etc/4.conf", "include = 5.conf\n"),
		MF("etc/5.conf", "include = 6.conf\n"), MF("etc/6.conf", "include = 7.conf\n"),
		MF("etc/7.conf", "include = 8.conf\n"), MF("etc/8.conf", "[profile deep]\n"),
	};
	struct nb_config *c = NULL;
	char err[NB_ERR_MAX];

	(void)state;
	if (load_mem(empty, 2, &c, err) != 0)
		FAIL_AT(__LINE__, "%s\n", err);
	assert_int_equal(c->n_client, 0);
	assert_int_equal(c->n_profile, 1);
	nb_config_free(c);
	if (load_mem(eight, 9, &c, err) != 0)
		FAIL_AT(__LINE__, "%s\n", err);
	assert_non_null(nb_config_profile(c, "deep"));
	assert_string_equal(nb_config_file(c, &nb_config_profile(c, "deep")->at), "etc/8.conf");
	nb_config_free(c);
}

/* A parse that fails leaves the config it was given as it was. */
static void test_parse_keeps_old_on_error(void **state)
{
	char err[NB_ERR_MAX];

	(void)state;
	assert_int_equal(parse("[client 52:54:00:00:00:01]\nhostname = keep\n", err), 0);
	assert_int_not_equal(parse("[client 52:54:00:00:00:02]\nflavor = no\n", err), 0);
	assert_int_equal(cfg.n_client, 1);
	assert_string_equal(own_keys(&cfg.client[0].keys)->hostname, "keep");
}

/* Thousands of sections of every kind: each lookup finds its own, the
 * precedence holds, UUIDs match in either case. */
static void test_index_many(void **state)
{
	enum { N = 5000 };
	struct nb_config *c = NULL;
	struct memfs_file f;
	char *text, err[NB_ERR_MAX];
	size_t len = 0, cap = (size_t)N * 120 + 4096;
	unsigned i;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
				"[profile p]\nbranch = edge\n[client 02:00:*]\n"
				"hostname = by-prefix2\n[client 02:00:00:*]\nhostname = by-prefix3\n"
				"[client arch=7]\nhostname = by-arch\n");
	for (i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"[client 02:00:00:00:%02x:%02x]\nhostname = h%u\n"
					"[client uuid=%08X-0000-0000-0000-000000000000]\nprofile = p\n",
					i >> 8, i & 0xff, i, i);
	f = (struct memfs_file){ "big.conf", text, len };
	if (load_mem(&f, 1, &c, err) != 0)
		FAIL_AT(__LINE__, "%s\n", err);
	assert_int_equal(c->n_client, 3 + 2 * N);
	for (i = 0; i < N; i++) {
		struct nb_client who = { .mac = { 2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i },
					 .has_mac = 1, .arch = 7 };
		const struct nb_client_conf *cc = nb_config_match(c, &who);
		char want[16];

		assert_non_null(cc);
		snprintf(want, sizeof(want), "h%u", i);
		assert_string_equal(own_keys_of(c, cc)->hostname, want);
		who.has_mac = 0;
		snprintf(who.uuid, sizeof(who.uuid), "%08x-0000-0000-0000-000000000000", i);
		cc = nb_config_match(c, &who);
		assert_non_null(cc);
		assert_int_equal(cc->match, NB_MATCH_UUID);
	}
	{
		struct nb_client who = { .mac = { 2, 0, 0, 9, 9, 9 }, .has_mac = 1, .arch = 7 };

		assert_string_equal(own_keys_of(c, nb_config_match(c, &who))->hostname, "by-prefix3");
		who.mac[2] = 1;
		assert_string_equal(own_keys_of(c, nb_config_match(c, &who))->hostname, "by-prefix2");
		who.mac[1] = 1;
		assert_string_equal(own_keys_of(c, nb_config_match(c, &who))->hostname, "by-arch");
		assert_false(nb_config_knows(c, &who));
		who.arch = 0;
		assert_null(nb_config_match(c, &who));
	}
	nb_config_free(c);
	free(text);
}

/* 16 mirrors and 16 branches: the menu is what alpineboot.efi takes
 * (NB_PLAN_MAX_ENTRIES), mirrors first, the fixed items always there. */
static void test_menu_trimmed(void **state)
{
	static char text[8192];
	static struct nb_plan plan;
	static const struct nb_client who = { .arch = -1 };
	char err[NB_ERR_MAX];
	size_t len = 0;
	unsigned i;

	(void)state;
	len += (size_t)snprintf(text + len, sizeof(text) - len, "[profile default]\n"
				"fallback = retry mirrors flavor shell reboot exit");
	for (i = 0; i < 16; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " branch:v3.%u", i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "\n");
	for (i = 0; i < 16; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"mirror = http://m%u.example/alpine\n", i);
	assert_int_equal(parse(text, err), 0);
	assert_int_equal(nb_resolve(&cfg, &who, "http://198.18.0.1", &plan), 0);
	assert_int_equal(plan.n_entry, NB_PLAN_MAX_ENTRIES);
	/* boot, retry, 10 mirrors, flavor, shell, reboot, exit */
	assert_int_equal(plan.entry[1].action, NB_ACT_RETRY);
	assert_non_null(strstr(plan.entry[11].label, "m10.example"));
	assert_int_equal(plan.entry[15].action, NB_ACT_EXIT);
	assert_int_equal(plan.entry[14].action, NB_ACT_REBOOT);
}

/* The documented sample must parse (run from the top of the tree). */
static void test_sample_parses(void **state)
{
	static char text[65536];
	char err[NB_ERR_MAX];
	FILE *f = fopen("docs/examples/netbootd.conf", "rb");
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(text));
	if (nb_config_parse(&cfg, "docs/examples/netbootd.conf", text, n, err) != 0 ||
	    config_server_apply(&cfg, err) != 0) {
		print_error("%s\n", err);
		fail();
	}
	assert_int_equal(cfg.n_profile, 3);
	assert_int_equal(cfg.n_client, 4);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_str_helpers),
	cmocka_unit_test(test_mac_parse),
	cmocka_unit_test(test_bad_lines),
	cmocka_unit_test(test_nul_byte),
	cmocka_unit_test(test_bom),
	cmocka_unit_test(test_empty_is_defaults),
	cmocka_unit_test(test_server_section),
	cmocka_unit_test(test_profile_section),
	cmocka_unit_test(test_client_sections),
	cmocka_unit_test(test_server_policy),
	cmocka_unit_test(test_safe_values_pass),
	cmocka_unit_test(test_precedence_pairs),
	cmocka_unit_test(test_precedence_fallthrough),
	cmocka_unit_test(test_no_overread),
	cmocka_unit_test(test_sample_parses),
	cmocka_unit_test(test_include_sorted_relative),
	cmocka_unit_test(test_include_errors),
	cmocka_unit_test(test_include_empty_and_depth),
	cmocka_unit_test(test_parse_keeps_old_on_error),
	cmocka_unit_test(test_index_many),
	cmocka_unit_test(test_menu_trimmed),
};

TEST_MAIN(tests, NULL)
