/* content_fuzz.c: libFuzzer target for content_open(), the one place that
 * turns a client's path and query into a file or a rendered document.
 *
 * Input: a path, a NUL, a query; the first 4 bytes pick the asker's IPv4
 * address. The root is a small tree made once (a regular file, a FIFO, a
 * protected ovl/ folder with MAC- and UUID-named overlays, a symlink out),
 * and the client table knows two machines, so the name scanners (MAC,
 * UUID), the protection rules, the query parser and the renderer all run on
 * hostile text. Asserts: whatever is returned is one of the documented
 * errors, a FIFO is never opened, a protected file never reaches a stranger.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "embed/config.h"
#include "embed/config_model.h"
#include "server-min/clients.h"
#include "server-min/content.h"
#include "server-min/event.h"
#include "server-min/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct netbootd nb;
static struct nb_config cfg;

static char root_dir[] = "/tmp/content-fuzz.XXXXXX";

/* The tree is made once per process; leave nothing behind in /tmp. */
static void remove_root(void)
{
	static const char *const names[] = {
		"file.txt", "ovl/52:54:00:12:34:56.apkovl.tar.gz",
		"ovl/4e4f5645-0000-4000-8000-02005e4e0004.tar.gz", "ovl/site.tar.gz",
		"ovl", "fifo", "out",
	};
	char p[600];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root_dir, names[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(root_dir);
}

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	static const char conf[] =
		"[profile default]\n"
		"apkovl = ${server}/ovl/{MAC}.apkovl.tar.gz\n"
		"cmdline = console=ttyS0\n";
	char *dir = root_dir, err[NB_ERR_MAX], p[600];
	struct in_addr ip;

	assert(mkdtemp(root_dir));
	atexit(remove_root);
	put(dir, "file.txt", "x");
	snprintf(p, sizeof(p), "%s/ovl", dir);
	mkdir(p, 0755);
	put(dir, "ovl/52:54:00:12:34:56.apkovl.tar.gz", "a");
	put(dir, "ovl/4e4f5645-0000-4000-8000-02005e4e0004.tar.gz", "u");
	put(dir, "ovl/site.tar.gz", "s");
	snprintf(p, sizeof(p), "%s/fifo", dir);
	mkfifo(p, 0644);
	snprintf(p, sizeof(p), "%s/out", dir);
	if (symlink("/etc/passwd", p) < 0)
		abort();
	assert(nb_config_parse(&cfg, "fuzz.conf", conf, sizeof(conf) - 1, err) == 0);
	nb.config = &cfg;
	nb.root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert(nb.root_fd >= 0);
	nb.ipxe_fd = nb.efi_fd = -1;
	nb.dhcp_on = 1;
	snprintf(nb.http_base, sizeof(nb.http_base), "http://198.18.0.1");
	assert(ev_loop_new(&nb.loop) == 0);
	assert(clients_new(64, &nb.clients) == 0);
	inet_pton(AF_INET, "198.18.0.2", &ip);
	clients_note_dhcp(nb.clients, mac_a, ip, "4e4f5645-0000-4000-8000-02005e4e0004", 7, 1,
			  ev_now_ms(nb.loop));
	log_set_level(LOG_LVL_ERROR);
	assert(content_protect_init(&nb) == 0);
	assert(nb.n_protect == 1 && strcmp(nb.protect[0], "ovl/") == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(1000) };
	struct content c;
	char buf[1100];
	const char *query = NULL;
	size_t n;
	int r;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 4)
		return 0;
	/* Mostly 198.18.0.2 (the known client) and .3 (a stranger). */
	peer.sin_addr.s_addr = htonl(0xc6120000u | (data[0] & 1 ? 2 : 3));
	if (data[1] == 0xff)
		memcpy(&peer.sin_addr, data, 4);
	data += 4;
	size -= 4;
	n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;
	memcpy(buf, data, n);
	buf[n] = '\0';
	if (strlen(buf) < n)
		query = buf + strlen(buf) + 1;
	r = content_open(&nb, buf, query, &peer, &c);
	if (r < 0) {
		assert(r == -ENOENT || r == -EACCES || r == -EPERM || r == -ENOMEM ||
		       r == -ENAMETOOLONG || r == -ENOTDIR || r == -EINVAL || r == -E2BIG ||
		       r == -ELOOP || r == -EXDEV);
		return 0;
	}
	if (c.fd >= 0) {
		struct stat st;
		char first = 0;

		assert(fstat(c.fd, &st) == 0 && S_ISREG(st.st_mode));
		assert(pread(c.fd, &first, 1, 0) >= 0);
		/* The overlays hold 'a', 'u' and 's' and nothing else does: a
		 * stranger never gets one, whatever the path looked like. */
		if (peer.sin_addr.s_addr != htonl(0xc6120002u))
			assert(first != 'a' && first != 'u' && first != 's');
	}
	content_close(&c);
	return 0;
}
