/* netboot-embed: what a client would boot, and the plan stamped into
 * alpineboot.efi.
 *
 *   netboot-embed render --config F [--mac M] [--uuid U] [--arch N]
 *                        [--server URL] [--format ipxe|plan|cmdline]
 *   netboot-embed stamp IMAGE.efi --config F [--server URL] [--mac M] [--nic M]
 *   netboot-embed show IMAGE.efi
 *   netboot-embed check --config F --root DIR [--server URL]
 *
 * render prints what netbootd would serve that client. stamp writes the
 * rendered plan into the image's ".nbplan" section (plan/stamp.h) in
 * place: the file never grows, only that section's bytes change, and an
 * image without the section, with a section too small or without the magic
 * is refused untouched. check looks at the files a config serves from
 * beneath DIR the way netbootd --check-config does (server-min/filecheck.h)
 * and prints the same lines: kernel, initramfs and modloop exist, the
 * kernel's release has modules/<release>/ in the modloop, the repositories'
 * branch is the files' release; exit 1 when any is an error. PE headers
 * are untrusted input: every offset is checked against the file size with
 * overflow-checked additions.
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
#include <sys/stat.h>
#include <unistd.h>

#include "embed/config.h"
#include "embed/render.h"
#include "plan/mac.h"
#include "plan/plan.h"
#include "plan/stamp.h"
#include "server-min/filecheck.h"

#define CONFIG_MAX   (1024 * 1024)
#define IMAGE_MAX    (256 * 1024 * 1024)
#define OUT_MAX      (128 * 1024)

static struct nb_config cfg;
static int config_bad;     /* the config did not parse: exit 2 */

static void usage(void)
{
	fprintf(stderr,
		"usage: netboot-embed render --config F [--mac M] [--uuid U] [--arch N]\n"
		"                            [--server URL] [--format ipxe|plan|cmdline]\n"
		"       netboot-embed stamp IMAGE.efi --config F [--server URL] [--mac M] [--nic M]\n"
		"       netboot-embed show IMAGE.efi\n"
		"       netboot-embed check --config F --root DIR [--server URL]\n");
}

/* The whole of a file, at most max bytes. 0 or -errno. */
static int read_file(const char *path, size_t max, char **ret, size_t *ret_len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		r = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*ret = buf;
	*ret_len = got;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

static int load_config(const char *path)
{
	char err[NB_ERR_MAX];
	char *text;
	size_t len;
	int r;

	if (path == NULL) {
		nb_config_defaults(&cfg);
		return 0;
	}
	if ((r = read_file(path, CONFIG_MAX, &text, &len)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", path, strerror(-r));
		return r;
	}
	r = nb_config_parse(&cfg, path, text, len, err);
	free(text);
	if (r < 0) {
		fprintf(stderr, "netboot-embed: %s\n", err);
		config_bad = 1;
	}
	return r;
}

/* --server, else "http://LISTEN[:PORT]" from [server], else an error. */
static int server_base(const char *arg, char *out, size_t cap)
{
	const struct nb_server_conf *s = nb_config_server(&cfg);
	int n;

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
	if (s->http_port != 0 && s->http_port != 80)
		n = snprintf(out, cap, "http://%s:%u", s->listen, s->http_port);
	else
		n = snprintf(out, cap, "http://%s", s->listen);
	return n > 0 && (size_t)n < cap ? 0 : -EINVAL;
}

struct opts {
	const char *config, *server, *format, *mac, *uuid, *arch, *root, *nic;
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
		char *end;
		long a = strtol(o->arch, &end, 10);

		if (*o->arch == '\0' || *end != '\0' || a < 0 || a > 65535) {
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
	r = nb_render(&cfg, &c, base, fmt, out, OUT_MAX, ret_len);
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

/* Find the stamp section of a PE image (PE/COFF spec: DOS header e_lfanew
 * at 0x3c, "PE\0\0", COFF header, optional header, section table).
 * 0 and *ret_off (file offset of NB_STAMP_SIZE bytes holding the magic),
 * or -errno after printing why. */
static int find_stamp(const char *path, const uint8_t *img, size_t size,
		      size_t *ret_off)
{
	uint32_t lfanew, opt_size, nsec, sec_tab, i;
	uint16_t magic;
	uint32_t ndirs, dir_off;

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

	/* A signed image would silently lose its signature: refuse. The
	 * certificate table is data directory 4. */
	magic = le16(img + sec_tab);
	if (magic != 0x10b && magic != 0x20b)
		goto notpe;
	dir_off = magic == 0x20b ? 112 : 96;
	if (opt_size >= dir_off) {
		ndirs = le32(img + sec_tab + dir_off - 4);
		if (ndirs > 4 && opt_size >= dir_off + 5 * 8 &&
		    le32(img + sec_tab + dir_off + 4 * 8 + 4) != 0) {
			fprintf(stderr, "netboot-embed: %s: image is signed; stamp before signing\n", path);
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
	fprintf(stderr, "netboot-embed: %s: no %s section (not an alpineboot.efi?)\n",
		path, NB_STAMP_SECTION);
	return -ENOENT;
notpe:
	fprintf(stderr, "netboot-embed: %s: not a PE image\n", path);
	return -EINVAL;
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
	path = argv[optind];
	if (render_for(&o, NB_FMT_PLAN, text, &len) < 0)
		return config_bad ? 2 : 1;
	if (o.nic && plan_nic(o.nic, text, &len) < 0)
		return 2;
	if (nb_stamp_encode(stamp, text, len) < 0) {
		fprintf(stderr, "netboot-embed: plan is %zu bytes, the section holds %d\n",
			len, NB_STAMP_TEXT_MAX);
		return 1;
	}
	if ((r = read_file(path, IMAGE_MAX, (char **)&img, &size)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", path, strerror(-r));
		return 1;
	}
	r = 1;
	if (find_stamp(path, img, size, &off) < 0)
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
	if ((r = read_file(argv[1], IMAGE_MAX, (char **)&img, &size)) < 0) {
		fprintf(stderr, "netboot-embed: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	r = 1;
	if (find_stamp(argv[1], img, size, &off) < 0)
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
	if (o.server || nb_config_server(&cfg)->listen[0]) {
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
	r = filecheck_run(&cfg, root_fd, base, &rep);
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "render"))
		return cmd_render(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stamp"))
		return cmd_stamp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	usage();
	return 2;
}
