/* netboot-embed: what a client would boot, and the plan stamped into
 * alpineboot.efi.
 *
 *   netboot-embed render --config F [--mac M] [--uuid U] [--arch N]
 *                        [--server URL] [--format ipxe|plan|cmdline]
 *   netboot-embed stamp IMAGE.efi --config F [--server URL] [--mac M] [--nic M]
 *   netboot-embed show IMAGE.efi
 *   netboot-embed check --config F --root DIR [--server URL]
 *   netboot-embed list --config F
 *   netboot-embed which --config F [--mac M] [--uuid U] [--arch N]
 *   netboot-embed keygen --plan-key OUT
 *   netboot-embed sign --key KEY --cert CERT FILE...
 *   netboot-embed verify-plan --key PUB FILE
 *
 * Secure Boot (docs/secure-boot.md): keygen writes the plan-signing key
 * pair netbootd signs boot.plan with (OUT, mode 0600, and OUT.pub); stamp
 * --plan-key OUT.pub [--require-signature] puts the public key into the
 * image's plan; sign signs PE images (alpineboot.efi after stamping, a
 * kernel) in place with the site's Secure Boot key through sbsigntool;
 * verify-plan checks a signed boot.plan with plan/'s verifier, the very
 * code the loader runs.
 * render prints what netbootd would serve that client. stamp writes the
 * rendered plan into the image's ".nbplan" section (plan/stamp.h) in
 * place: the file never grows, only that section's bytes change, and an
 * image without the section, with a section too small or without the magic
 * is refused untouched. (alpineboot-arm64.efi's header names no sections
 * but ".text" and ".data": there the stamp is found by its magic on a page
 * of its own, see find_stamp_by_magic.) check looks at the files a config serves from
 * beneath DIR the way netbootd --check-config does (server-min/filecheck.h)
 * and prints the same lines: kernel, initramfs and modloop exist, the
 * kernel's release has modules/<release>/ in the modloop, the repositories'
 * branch is the files' release; exit 1 when any is an error. PE headers
 * are untrusted input: every offset is checked against the file size with
 * overflow-checked additions. list prints every client section (its
 * key, profile and FILE:LINE, includes expanded); which names the one
 * section a client matches and where it stands, the way netbootd picks it
 * (nb_config_match).
 * Exit status: 0 success, 1 error (message on stderr), 2 usage or a config
 * error ("FILE:LINE: what is wrong", like netbootd).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef HAVE_SODIUM
#include <sodium.h>
#endif

#include "embed/config.h"
#include "embed/render.h"
#include "embed/resolve.h"
#include "plan/mac.h"
#include "plan/plan.h"
#include "plan/plansig.h"
#include "plan/stamp.h"
#include "plan/str.h"
#include "server-min/config_load.h"
#include "server-min/filecheck.h"
#include "server-min/util.h"

#define IMAGE_MAX    (256 * 1024 * 1024)
#define OUT_MAX      (128 * 1024)

static struct nb_config *cfg;
static int config_bad;     /* the config did not parse: exit 2 */

static void usage(void)
{
	fprintf(stderr,
		"usage: netboot-embed render --config F [--mac M] [--uuid U] [--arch N]\n"
		"                            [--server URL] [--format ipxe|plan|cmdline]\n"
		"       netboot-embed stamp IMAGE.efi --config F [--server URL] [--mac M] [--nic M]\n"
		"       netboot-embed show IMAGE.efi\n"
		"       netboot-embed check --config F --root DIR [--server URL]\n"
		"       netboot-embed list --config F\n"
		"       netboot-embed which --config F [--mac M] [--uuid U] [--arch N]\n"
		"       netboot-embed stamp IMAGE.efi --config F --plan-key PUB [--require-signature]\n"
		"       netboot-embed keygen --plan-key OUT\n"
		"       netboot-embed sign --key KEY --cert CERT FILE...\n"
		"       netboot-embed verify-plan --key PUB FILE\n");
}

/* The config and its includes, its [server] keys checked as netbootd
 * checks them (config_load), or the defaults when path is NULL. Freed at
 * exit. */
static int load_config(const char *path)
{
	char err[NB_ERR_MAX];
	int r;

	if ((r = config_load(path, &cfg, err)) < 0) {
		fprintf(stderr, "netboot-embed: %s\n", err);
		config_bad = 1;
	}
	return r;
}

/* --server, else "http://LISTEN[:PORT]" from [server], else an error. */
static int server_base(const char *arg, char *out, size_t cap)
{
	const struct nb_server_conf *s = nb_config_server(cfg);

	if (arg != NULL) {
		size_t len = strlen(arg);

		while (len > 0 && arg[len - 1] == '/')
			len--;
		if (strncmp(arg, "http://", 7) != 0 || len <= 7 || len >= cap) {
			fprintf(stderr, "netboot-embed: --server wants http://HOST[:PORT]\n");
			return -EINVAL;
		}
		memcpy(out, arg, len);
		out[len] = '\0';
		return 0;
	}
	if (s->listen[0] == '\0') {
		fprintf(stderr, "netboot-embed: no --server and no listen = in [server]\n");
		return -EINVAL;
	}
	/* http-port unset: netbootd's default, 80. */
	return nb_http_base(out, cap, s->listen, s->http_port ? s->http_port : 80) < 0 ?
	       -EINVAL : 0;
}

struct opts {
	const char *config, *server, *format, *mac, *uuid, *arch, *root, *nic;
	const char *plan_key, *key, *cert;   /* Secure Boot: keygen, stamp, sign */
	int require_signature;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "server", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "mac", required_argument, NULL, 'm' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "arch", required_argument, NULL, 'a' },
		{ "root", required_argument, NULL, 'r' },
		{ "plan-key", required_argument, NULL, 'P' },
		{ "require-signature", no_argument, NULL, 'R' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'C' },
		{ "nic", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:s:f:m:u:a:r:n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 's': o->server = optarg; break;
		case 'f': o->format = optarg; break;
		case 'm': o->mac = optarg; break;
		case 'u': o->uuid = optarg; break;
		case 'a': o->arch = optarg; break;
		case 'r': o->root = optarg; break;
		case 'P': o->plan_key = optarg; break;
		case 'R': o->require_signature = 1; break;
		case 'k': o->key = optarg; break;
		case 'C': o->cert = optarg; break;
		case 'n': o->nic = optarg; break;
		default: return -EINVAL;
		}
	}
	return 0;
}

static int make_client(const struct opts *o, struct nb_client *c)
{
	memset(c, 0, sizeof(*c));
	c->arch = -1;
	if (o->mac != NULL) {
		if (nb_mac_parse(o->mac, strlen(o->mac), c->mac) < 0) {
			fprintf(stderr, "netboot-embed: bad --mac '%s' (aa:bb:cc:dd:ee:ff)\n", o->mac);
			return -EINVAL;
		}
		c->has_mac = 1;
	}
	if (o->uuid != NULL) {
		if (strlen(o->uuid) != 36) {
			fprintf(stderr, "netboot-embed: bad --uuid '%s'\n", o->uuid);
			return -EINVAL;
		}
		memcpy(c->uuid, o->uuid, 37);
	}
	if (o->arch != NULL) {
		uint64_t a;

		/* The parser [client arch=N] uses: digits only, no sign. */
		if (nb_parse_u64(o->arch, strlen(o->arch), 65535, &a) < 0) {
			fprintf(stderr, "netboot-embed: bad --arch '%s' (RFC 4578 number)\n", o->arch);
			return -EINVAL;
		}
		c->arch = (int)a;
	}
	return 0;
}

/* stamp --nic: the stamped plan names the NIC a loader started from disk
 * uses (plan "nic", docs/boot-plan.md). Only in the stamp: netbootd's
 * plans answer a NIC that already booted, and render prints what netbootd
 * serves. The line goes right after "nbplan 1", among the header keys.
 * 0, -EINVAL (a bad MAC, said on stderr), or -ENOSPC. */
static int plan_nic(const char *nic, char *text, size_t *len)
{
	uint8_t mac[6];
	char line[24], fmt[18];
	const char *nl = memchr(text, '\n', *len);
	size_t at, n;

	if (nb_mac_parse(nic, strlen(nic), mac) < 0 || !nl) {
		fprintf(stderr, "netboot-embed: bad --nic '%s' (aa:bb:cc:dd:ee:ff)\n", nic);
		return -EINVAL;
	}
	nb_mac_format(mac, ':', fmt);
	n = (size_t)snprintf(line, sizeof(line), "nic %s\n", fmt);
	at = (size_t)(nl - text) + 1;
	if (*len + n >= OUT_MAX)
		return -ENOSPC;
	memmove(text + at + n, text + at, *len - at + 1);
	memcpy(text + at, line, n);
	*len += n;
	return 0;
}

static int render_for(const struct opts *o, enum nb_format fmt, char *out,
		      size_t *ret_len)
{
	struct nb_client c;
	char base[NB_URL_MAX];
	int r;

	if ((r = load_config(o->config)) < 0 || (r = make_client(o, &c)) < 0 ||
	    (r = server_base(o->server, base, sizeof(base))) < 0)
		return r;
	r = nb_render(cfg, &c, base, fmt, out, OUT_MAX, ret_len);
	if (r < 0)
		fprintf(stderr, "netboot-embed: cannot render: %s%s\n", strerror(-r),
			r == -EINVAL ? " (${mac} without --mac, or a URL or command line over its limit)" : "");
	return r;
}

static int cmd_render(int argc, char **argv)
{
	static char out[OUT_MAX];
	struct opts o;
	enum nb_format fmt = NB_FMT_IPXE;
	size_t len;

	if (parse_opts(argc, argv, &o) < 0 || optind != argc) {
		usage();
		return 2;
	}
	if (o.format == NULL || !strcmp(o.format, "ipxe"))
		fmt = NB_FMT_IPXE;
	else if (!strcmp(o.format, "plan"))
		fmt = NB_FMT_PLAN;
	else if (!strcmp(o.format, "cmdline"))
		fmt = NB_FMT_CMDLINE;
	else {
		usage();
		return 2;
	}
	if (render_for(&o, fmt, out, &len) < 0)
		return config_bad ? 2 : 1;
	return fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
}

/* ---- PE ----------------------------------------------------------------- */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* a + b <= limit, without overflow. */
static int fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

/* An image whose section table names no stamp section: alpineboot-arm64.efi,
 * whose header is gnu-efi 3.0.15's hand-made one (sections ".text" and
 * ".data" only) and whose file is an objcopy -O binary dump, so the stamp
 * lies page-aligned inside ".data" (efi-shim/aarch64.mk). Look for the
 * magic at page-aligned file offsets inside each section's raw data, with
 * NB_STAMP_SIZE bytes of the section from there. 0 and *ret_off when
 * exactly one page qualifies; -ENOENT when none does; -EINVAL when several
 * do (which one would alpineboot.efi read?). The caller checked the section
 * table lies in the file. */
#define STAMP_PAGE 4096
static int find_stamp_by_magic(const uint8_t *img, size_t size,
			       const uint8_t *sec_tab, uint32_t nsec, size_t *ret_off)
{
	size_t found = 0, n = 0;

	for (uint32_t i = 0; i < nsec; i++) {
		const uint8_t *s = sec_tab + (size_t)i * 40;
		uint32_t vsize = le32(s + 8), raw_size = le32(s + 16);
		uint32_t raw_off = le32(s + 20);
		uint64_t end, off;

		if (vsize != 0 && vsize < raw_size)
			raw_size = vsize;
		if (!fits(raw_off, raw_size, size))
			continue;
		end = (uint64_t)raw_off + raw_size;
		off = ((uint64_t)raw_off + STAMP_PAGE - 1) / STAMP_PAGE * STAMP_PAGE;
		for (; fits(off, NB_STAMP_SIZE, end); off += STAMP_PAGE)
			if (nb_stamp_is_section(img + off, NB_STAMP_SIZE)) {
				found = (size_t)off;
				n++;
			}
	}
	if (n != 1)
		return n == 0 ? -ENOENT : -EINVAL;
	*ret_off = found;
	return 0;
}

/* Find the stamp section of a PE image (PE/COFF spec: DOS header e_lfanew
 * at 0x3c, "PE\0\0", COFF header, optional header, section table); in an
 * image whose table has no such section, the stamp by its magic (above).
 * 0 and *ret_off (file offset of NB_STAMP_SIZE bytes holding the magic),
 * or -errno after printing why. */
static int find_stamp(const char *path, const uint8_t *img, size_t size,
		      int writing, size_t *ret_off)
{
	uint32_t lfanew, opt_size, nsec, sec_tab, i;
	uint16_t magic;
	uint32_t ndirs, dir_off;
	int r;

	if (size < 0x40 || img[0] != 'M' || img[1] != 'Z')
		goto notpe;
	lfanew = le32(img + 0x3c);
	if (!fits(lfanew, 24, size) || memcmp(img + lfanew, "PE\0\0", 4))
		goto notpe;
	nsec = le16(img + lfanew + 6);
	opt_size = le16(img + lfanew + 20);
	sec_tab = lfanew + 24;
	if (!fits(sec_tab, opt_size, size) || opt_size < 2)
		goto notpe;

	/* A signed image would silently lose its signature: refuse to
	 * write it (reading, for show, is fine). The certificate table is
	 * data directory 4. */
	magic = le16(img + sec_tab);
	if (magic != 0x10b && magic != 0x20b)
		goto notpe;
	dir_off = magic == 0x20b ? 112 : 96;
	if (writing && opt_size >= dir_off) {
		ndirs = le32(img + sec_tab + dir_off - 4);
		if (ndirs > 4 && opt_size >= dir_off + 5 * 8 &&
		    le32(img + sec_tab + dir_off + 4 * 8 + 4) != 0) {
			fprintf(stderr, "netboot-embed: %s: image is signed, and stamping would "
				"invalidate its signature: stamp the unsigned image, then sign it "
				"(netboot-embed sign)\n", path);
			return -EPERM;
		}
	}

	sec_tab += opt_size;
	if (!fits(sec_tab, (uint64_t)nsec * 40, size))
		goto notpe;
	for (i = 0; i < nsec; i++) {
		const uint8_t *s = img + sec_tab + (size_t)i * 40;
		uint32_t vsize = le32(s + 8), raw_size = le32(s + 16);
		uint32_t raw_off = le32(s + 20);
		uint32_t usable = vsize != 0 && vsize < raw_size ? vsize : raw_size;

		if (memcmp(s, NB_STAMP_SECTION, sizeof(NB_STAMP_SECTION)) != 0)
			continue;
		if (!fits(raw_off, raw_size, size)) {
			fprintf(stderr, "netboot-embed: %s: section %s lies outside the file\n",
				path, NB_STAMP_SECTION);
			return -EINVAL;
		}
		if (usable < NB_STAMP_SIZE) {
			fprintf(stderr, "netboot-embed: %s: section %s has %u bytes, needs %u\n",
				path, NB_STAMP_SECTION, usable, NB_STAMP_SIZE);
			return -EINVAL;
		}
		if (!nb_stamp_is_section(img + raw_off, usable)) {
			fprintf(stderr, "netboot-embed: %s: section %s does not start with %s\n",
				path, NB_STAMP_SECTION, NB_STAMP_MAGIC);
			return -EINVAL;
		}
		*ret_off = raw_off;
		return 0;
	}
	r = find_stamp_by_magic(img, size, img + sec_tab, nsec, ret_off);
	if (r == -EINVAL)
		fprintf(stderr, "netboot-embed: %s: no %s section, and %s starts more than one page\n",
			path, NB_STAMP_SECTION, NB_STAMP_MAGIC);
	else if (r < 0)
		fprintf(stderr, "netboot-embed: %s: no %s section (not an alpineboot.efi?)\n",
			path, NB_STAMP_SECTION);
	return r;
notpe:
	fprintf(stderr, "netboot-embed: %s: not a PE image\n", path);
	return -EINVAL;
}

/* ---- Secure Boot: plan keys, signing ---------------------------------- */

/* The key files (server-min/plansign.h): one line each,
 * "netboot-plan-key ed25519-secret HEX" (the 32-byte seed) and
 * "netboot-plan-key ed25519-public HEX". */
#define KEY_MAGIC   "netboot-plan-key "
#define KEY_SECRET  KEY_MAGIC "ed25519-secret "
#define KEY_PUBLIC  KEY_MAGIC "ed25519-public "

/* The public key in the file at path. 0, or -errno after saying why. */
static int read_pub_key(const char *path, uint8_t ret_pub[32])
{
	size_t pre = strlen(KEY_PUBLIC), len;
	char *text;
	int r;

	if ((r = nb_read_file(path, 4096, &text, &len, NULL)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", path, strerror(-r));
		return r;
	}
	if (len > 0 && text[len - 1] == '\n')
		len--;
	r = len == pre + 64 && strncmp(text, KEY_PUBLIC, pre) == 0 &&
	    nb_hex_parse(text + pre, 64, ret_pub, 32) == 0 ? 0 : -EINVAL;
	if (r < 0)
		fprintf(stderr, "netboot-embed: %s: not a plan public key (\"%s"
			"HEX\", from netboot-embed keygen)%s\n", path, KEY_PUBLIC,
			strncmp(text, KEY_SECRET, strlen(KEY_SECRET)) == 0 ?
			"; this is the SECRET key: give OUT.pub" : "");
	free(text);
	return r;
}

/* Put plan-key (and require-signature) into the rendered plan text. */
static int stamp_plan_key(const struct opts *o, char *text, size_t cap, size_t *len)
{
	static struct nb_plan plan;
	uint8_t pub[32];
	int r;

	if (read_pub_key(o->plan_key, pub) < 0)
		return -EINVAL;
	if ((r = nb_plan_parse(&plan, text, *len)) < 0) {
		fprintf(stderr, "netboot-embed: the rendered plan does not parse: %s\n",
			strerror(-r));
		return r;
	}
	memcpy(plan.plan_key, pub, 32);
	plan.has_plan_key = 1;
	plan.require_signature = o->require_signature;
	if ((r = nb_plan_format(&plan, text, cap, len)) < 0)
		fprintf(stderr, "netboot-embed: the plan with its key is too long\n");
	return r;
}

/* Write len bytes to a new file (never over an existing one) with mode. */
static int write_new(const char *path, const char *buf, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "netboot-embed: %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (not overwriting a key)" : "");
		return -errno;
	}
	n = write(fd, buf, len);
	if (n != (ssize_t)len || fsync(fd) < 0) {
		fprintf(stderr, "netboot-embed: %s: write failed\n", path);
		close(fd);
		unlink(path);
		return -EIO;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* A new key pair as the two files' lines. 0, or -ENOTSUP without libsodium. */
static int make_key_lines(char sec[256], char pub[256], uint8_t ret_pub[32])
{
#ifdef HAVE_SODIUM
	uint8_t sk[64];
	char hex[65];

	if (sodium_init() < 0)
		return -EIO;
	crypto_sign_keypair(ret_pub, sk);
	sodium_bin2hex(hex, sizeof(hex), sk, 32);    /* the seed */
	snprintf(sec, 256, "%s%s\n", KEY_SECRET, hex);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(hex, sizeof(hex));
	sodium_bin2hex(hex, sizeof(hex), ret_pub, 32);
	snprintf(pub, 256, "%s%s\n", KEY_PUBLIC, hex);
	return 0;
#else
	(void)sec;
	(void)pub;
	(void)ret_pub;
	fprintf(stderr, "netboot-embed: keygen: built without libsodium (NO_SODIUM=1 or "
		"no libsodium-dev)\n");
	return -ENOTSUP;
#endif
}

static int cmd_keygen(int argc, char **argv)
{
	uint8_t pub[32], keyid[NB_PLAN_KEYID_LEN];
	char pubpath[4096], sec_line[256], pub_line[256];
	struct opts o;
	int i, n, r;

	if (parse_opts(argc, argv, &o) < 0 || optind != argc || !o.plan_key) {
		usage();
		return 2;
	}
	n = snprintf(pubpath, sizeof(pubpath), "%s.pub", o.plan_key);
	if (n < 0 || (size_t)n >= sizeof(pubpath))
		return 2;
	if (make_key_lines(sec_line, pub_line, pub) < 0)
		return 1;
	r = write_new(o.plan_key, sec_line, strlen(sec_line), 0600);
	explicit_bzero(sec_line, sizeof(sec_line));
	if (r < 0)
		return 1;
	if (write_new(pubpath, pub_line, strlen(pub_line), 0644) < 0) {
		unlink(o.plan_key);
		return 1;
	}
	nb_plan_keyid(pub, keyid);
	printf("%s: secret plan key (mode 0600; netbootd.conf [server] plan-key)\n"
	       "%s: public key (netboot-embed stamp --plan-key)\nkeyid ",
	       o.plan_key, pubpath);
	for (i = 0; i < NB_PLAN_KEYID_LEN; i++)
		printf("%02x", keyid[i]);
	printf("\n");
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Run argv (no shell) and wait. Its exit status, or -errno. */
static int run_tool(char *const argv[])
{
	extern char **environ;
	pid_t pid;
	int st, r;

	r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (r != 0) {
		fprintf(stderr, "netboot-embed: cannot run %s: %s%s\n", argv[0], strerror(r),
			r == ENOENT ? " (apt-get install sbsigntool)" : "");
		return -r;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Sign one PE file in place: sbsign to FILE.nbsign, sbverify that with
 * the certificate, then rename it over FILE, so FILE is never half
 * written and a failed signing leaves it as it was. sbsign adds a
 * signature to any already there (a distribution's kernel keeps its own). */
static int sign_one(const struct opts *o, const char *file)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof(tmp), "%s.nbsign", file);
	char *sbsign[] = { "sbsign", "--key", (char *)o->key, "--cert", (char *)o->cert,
			   "--output", tmp, (char *)file, NULL };
	char *sbverify[] = { "sbverify", "--cert", (char *)o->cert, tmp, NULL };

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (run_tool(sbsign) != 0) {
		fprintf(stderr, "netboot-embed: %s: sbsign failed\n", file);
		goto fail;
	}
	if (run_tool(sbverify) != 0) {
		fprintf(stderr, "netboot-embed: %s: the signed image does not verify with %s\n",
			file, o->cert);
		goto fail;
	}
	if (rename(tmp, file) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", file, strerror(errno));
		goto fail;
	}
	fprintf(stderr, "netboot-embed: %s: signed with %s\n", file, o->cert);
	return 0;
fail:
	unlink(tmp);
	return -EINVAL;
}

static int cmd_sign(int argc, char **argv)
{
	struct opts o;
	int i, bad = 0;

	if (parse_opts(argc, argv, &o) < 0 || optind >= argc || !o.key || !o.cert) {
		usage();
		return 2;
	}
	for (i = optind; i < argc; i++)
		if (sign_one(&o, argv[i]) < 0)
			bad++;
	return bad ? 1 : 0;
}

static int cmd_verify_plan(int argc, char **argv)
{
	static struct nb_plan plan;
	uint8_t pub[32], sig[64], keyid[NB_PLAN_KEYID_LEN], want[NB_PLAN_KEYID_LEN];
	struct opts o;
	size_t len, n;
	char *text;
	int r;

	if (parse_opts(argc, argv, &o) < 0 || optind + 1 != argc || !o.key) {
		usage();
		return 2;
	}
	if (read_pub_key(o.key, pub) < 0)
		return 2;
	if ((r = nb_read_file(argv[optind], NB_PLAN_TEXT_MAX + NB_PLAN_SIG_LINE_MAX,
				&text, &len, NULL)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", argv[optind], strerror(-r));
		return 1;
	}
	r = nb_plan_verify(text, len, pub, &n);
	if (r == 0 && (r = nb_plan_parse(&plan, text, n)) < 0)
		fprintf(stderr, "netboot-embed: %s: good signature, but the plan does not "
			"parse\n", argv[optind]);
	else if (r == -ENOENT)
		fprintf(stderr, "netboot-embed: %s: not signed (no signature line at the end)\n",
			argv[optind]);
	else if (r == -EINVAL)
		fprintf(stderr, "netboot-embed: %s: malformed signature line\n", argv[optind]);
	else if (r == -EKEYREJECTED) {
		nb_plan_sig_find(text, len, &n, sig, keyid);
		nb_plan_keyid(pub, want);
		fprintf(stderr, "netboot-embed: %s: signed by another key (keyid %016llx, "
			"%s has %016llx)\n", argv[optind],
			(unsigned long long)nb_be64(keyid), o.key, (unsigned long long)nb_be64(want));
	} else if (r < 0)
		fprintf(stderr, "netboot-embed: %s: BAD signature: the plan was changed or "
			"forged\n", argv[optind]);
	else
		printf("%s: good signature by %s over %zu bytes\n", argv[optind], o.key, n);
	free(text);
	return r == 0 && fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_stamp(int argc, char **argv)
{
	static char text[OUT_MAX];
	uint8_t stamp[NB_STAMP_SIZE];
	struct opts o;
	const char *path;
	uint8_t *img = NULL;
	size_t size, off, len;
	ssize_t n;
	int fd = -1, r = 1;

	if (parse_opts(argc, argv, &o) < 0 || optind + 1 != argc || !o.config) {
		usage();
		return 2;
	}
	if (o.require_signature && !o.plan_key) {
		fprintf(stderr, "netboot-embed: --require-signature needs --plan-key PUB\n");
		return 2;
	}
	path = argv[optind];
	if (render_for(&o, NB_FMT_PLAN, text, &len) < 0)
		return config_bad ? 2 : 1;
	if (o.plan_key && stamp_plan_key(&o, text, sizeof(text), &len) < 0)
		return 1;
	if (o.nic && plan_nic(o.nic, text, &len) < 0)
		return 2;
	if (nb_stamp_encode(stamp, text, len) < 0) {
		fprintf(stderr, "netboot-embed: plan is %zu bytes, the section holds %d\n",
			len, NB_STAMP_TEXT_MAX);
		return 1;
	}
	if ((r = nb_read_file(path, IMAGE_MAX, (char **)&img, &size, NULL)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", path, strerror(-r));
		return 1;
	}
	r = 1;
	if (find_stamp(path, img, size, 1, &off) < 0)
		goto out;

	/* Rewrite exactly the section's bytes; nothing else is written. */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", path, strerror(errno));
		goto out;
	}
	n = pwrite(fd, stamp, sizeof(stamp), (off_t)off);
	if (n != (ssize_t)sizeof(stamp) || fsync(fd) < 0) {
		fprintf(stderr, "netboot-embed: %s: write: %s\n", path,
			n < 0 ? strerror(errno) : "short write");
		goto out;
	}
	fprintf(stderr, "netboot-embed: %s: stamped %zu bytes of plan at offset %zu\n",
		path, len, off);
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(img);
	return r;
}

static int cmd_show(int argc, char **argv)
{
	static struct nb_plan plan;
	uint8_t *img = NULL;
	const char *text;
	size_t size, off, len;
	int r;

	if (argc != 2) {
		usage();
		return 2;
	}
	if ((r = nb_read_file(argv[1], IMAGE_MAX, (char **)&img, &size, NULL)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	r = 1;
	if (find_stamp(argv[1], img, size, 0, &off) < 0)
		goto out;
	/* find_stamp checked that NB_STAMP_SIZE bytes lie at off. */
	r = nb_stamp_decode(img + off, NB_STAMP_SIZE, &text, &len);
	if (r == -ENOENT) {
		fprintf(stderr, "netboot-embed: %s: not stamped\n", argv[1]);
		r = 1;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "netboot-embed: %s: stamp length %u is corrupt\n", argv[1],
			le32(img + off + 16));
		r = 1;
		goto out;
	}
	if (nb_plan_parse(&plan, text, len) < 0)
		fprintf(stderr, "netboot-embed: %s: warning: the stamped plan does not parse\n",
			argv[1]);
	r = fwrite(text, 1, len, stdout) == len &&
	    fflush(stdout) == 0 ? 0 : 1;
out:
	free(img);
	return r;
}

/* Which URLs are "ours" is all the http base decides here: --server, else
 * listen = of [server], else a name that cannot be anyone's (RFC 2606), so
 * that server-relative paths are checked and mirrors are not. */
#define CHECK_BASE "http://netbootd.invalid"

static int cmd_check(int argc, char **argv)
{
	struct filecheck_report *rep = NULL;
	char base[NB_URL_MAX];
	struct opts o;
	int root_fd, r;

	if (parse_opts(argc, argv, &o) < 0 || optind != argc || !o.config || !o.root) {
		usage();
		return 2;
	}
	if (load_config(o.config) < 0)
		return config_bad ? 2 : 1;
	if (o.server || nb_config_server(cfg)->listen[0]) {
		if (server_base(o.server, base, sizeof(base)) < 0)
			return 2;
	} else {
		snprintf(base, sizeof(base), "%s", CHECK_BASE);
	}
	root_fd = open(o.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		fprintf(stderr, "netboot-embed: --root %s: %s\n", o.root, strerror(errno));
		return 2;
	}
	r = filecheck_run(cfg, root_fd, base, &rep);
	close(root_fd);
	if (r < 0) {
		fprintf(stderr, "netboot-embed: check: %s\n", strerror(-r));
		return 1;
	}
	r = filecheck_print(rep, o.config);
	if (r == 0)
		printf("%s: ok\n", o.config);
	filecheck_report_free(rep);
	return fflush(stdout) == 0 ? r : 1;
}

/* One line: "KEY profile=NAME FILE:LINE". */
static void print_section(const struct nb_client_conf *cc)
{
	const char *prof = nb_client_profile_name(cfg, cc);
	char key[64];

	nb_section_name(cc, key);
	printf("%s profile=%s %s:%u\n", key, prof ? prof : "default",
	       nb_config_file(cfg, &cc->at), cc->at.line);
}

/* The start of a subcommand that takes --config and no file: 0 with the
 * config loaded, else its exit status (2: usage or a config error, 1: the
 * config could not be read). */
static int config_command(int argc, char **argv, struct opts *o)
{
	if (parse_opts(argc, argv, o) < 0 || optind != argc || !o->config) {
		usage();
		return 2;
	}
	if (load_config(o->config) < 0)
		return config_bad ? 2 : 1;
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct opts o;
	unsigned i;
	int r;

	if ((r = config_command(argc, argv, &o)) != 0)
		return r;
	for (i = 0; i < cfg->n_client; i++)
		print_section(&cfg->client[i]);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* The section netbootd would use for this client, or "none (the default
 * profile)"; exit 0 either way. */
static int cmd_which(int argc, char **argv)
{
	const struct nb_client_conf *cc;
	struct nb_client c;
	struct opts o;
	int r;

	if ((r = config_command(argc, argv, &o)) != 0)
		return r;
	if (make_client(&o, &c) < 0)
		return 2;
	if ((cc = nb_config_match(cfg, &c)) != NULL)
		print_section(cc);
	else
		printf("none (the default profile)\n");
	return fflush(stdout) == 0 ? 0 : 1;
}

/* The subcommands, each given argv from its own name on. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "list", cmd_list }, { "which", cmd_which }, { "render", cmd_render },
	{ "stamp", cmd_stamp }, { "show", cmd_show }, { "check", cmd_check },
	{ "keygen", cmd_keygen }, { "sign", cmd_sign },
	{ "verify-plan", cmd_verify_plan },
};

int main(int argc, char **argv)
{
	size_t i;
	int r;

	for (i = 0; argc >= 2 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		r = commands[i].run(argc - 1, argv + 1);
		nb_config_free(cfg);
		return r;
	}
	usage();
	return 2;
}
