/* filecheck_test.c: the served files' check (filecheck.h).
 *
 * The parsers on bytes built here: a synthetic bzImage setup header (a
 * 0x1000-byte stand-in, not a kernel: "HdrS" at 0x202 and kernel_version
 * at 0x20e pointing at a release string, as Documentation/arch/x86/boot.rst
 * lays them out), the "Linux version" banner of Image kernels, cpio "newc"
 * archives, repository URLs. Then filecheck_run on real files: modloops
 * made by mksquashfs with -comp gzip and -comp xz, matching the kernel and
 * not, an initramfs that names its Alpine release, an empty root. And, when
 * the QEMU tests have built it (build/guest/vmlinuz, tests-qemu/guest/
 * build.sh), Debian's real kernel against the release build.sh recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embed/config.h"
#include "server-min/filecheck.h"

#define REL "6.6.14-0-lts"

/* The synthetic bzImage: 0x1000 bytes, the setup header's magic and a
 * kernel_version pointer to "REL (builder) #1 SMP". */
static size_t fake_bzimage(uint8_t *b, size_t cap, const char *version)
{
	const size_t at = 0x400;

	assert_true(cap >= 0x1000);
	memset(b, 0, 0x1000);
	memcpy(b + 0x202, "HdrS", 4);
	b[0x206] = 0x0f, b[0x207] = 0x02;               /* protocol 2.15 */
	b[0x20e] = (uint8_t)((at - 0x200) & 0xff);
	b[0x20f] = (uint8_t)((at - 0x200) >> 8);
	memcpy(b + at, version, strlen(version) + 1);
	return 0x1000;
}

static void test_bzimage(void **state)
{
	uint8_t b[0x1000];
	char rel[64];
	size_t n;

	(void)state;
	n = fake_bzimage(b, sizeof(b), REL " (buildozer@build-3-19-x86_64) #1-Alpine SMP");
	assert_int_equal(filecheck_kernel_release(b, n, rel, sizeof(rel)), 0);
	assert_string_equal(rel, REL);
	/* Too small a buffer for the release: -E2BIG, not a cut release. */
	assert_int_equal(filecheck_kernel_release(b, n, rel, 5), -E2BIG);
	/* Without the magic there is no header to trust. */
	memcpy(b + 0x202, "HdrX", 4);
	assert_int_equal(filecheck_kernel_release(b, n, rel, sizeof(rel)), -ENOENT);
	/* kernel_version pointing past the data read. */
	n = fake_bzimage(b, sizeof(b), REL " x");
	b[0x20e] = 0xff, b[0x20f] = 0x0f;
	assert_int_equal(filecheck_kernel_release(b, n, rel, sizeof(rel)), -ENOENT);
	/* A truncated header: fewer bytes than the field. */
	n = fake_bzimage(b, sizeof(b), REL " x");
	assert_int_equal(filecheck_kernel_release(b, 0x20f, rel, sizeof(rel)), -ENOENT);
	/* A string that is no release (starts with a letter). */
	n = fake_bzimage(b, sizeof(b), "garbage here");
	assert_int_equal(filecheck_kernel_release(b, n, rel, sizeof(rel)), -ENOENT);
}

static void test_banner(void **state)
{
	static const char img[] = "\x7f" "ELF....Linux version \x01 junk..."
		"Linux version 6.1.0-18-arm64 (debian-kernel@lists.debian.org) #1 SMP";
	static const char cut[] = "xxLinux version 6.1.0-18-arm64";
	char rel[64];

	(void)state;
	assert_int_equal(filecheck_kernel_release((const uint8_t *)img, sizeof(img) - 1, rel,
						  sizeof(rel)), 0);
	assert_string_equal(rel, "6.1.0-18-arm64");
	/* The release runs into the end of the buffer: maybe longer. */
	assert_int_equal(filecheck_kernel_release((const uint8_t *)cut, sizeof(cut) - 1, rel,
						  sizeof(rel)), -ENOENT);
	assert_int_equal(filecheck_kernel_release((const uint8_t *)"", 0, rel, sizeof(rel)),
			 -ENOENT);
}

static void test_repo_branch(void **state)
{
	static const struct { const char *url, *want; } t[] = {
		{ "https://dl-cdn.alpinelinux.org/alpine/v3.19/main", "v3.19" },
		{ "http://198.18.0.1/mirror/edge/community", "edge" },
		{ "https://dl-cdn.alpinelinux.org/alpine/latest-stable/main", "latest-stable" },
		{ "http://m/alpine/v3.20/main,http://m/alpine/v3.20/community", "v3.20" },
		{ "http://v3.19/alpine/main", NULL },          /* a host, not a path */
		{ "http://m/alpine/v3/main", NULL },
		{ "http://m/alpine/v3.19.1/main", NULL },
		{ "http://m/alpine/vx.19/main", NULL },
		{ "http://m/edgy/main", NULL },
		{ "", NULL },
	};
	char b[24];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = filecheck_repo_branch(t[i].url, b, sizeof(b));

		if (t[i].want) {
			assert_int_equal(r, 0);
			assert_string_equal(b, t[i].want);
		} else {
			assert_int_equal(r, -ENOENT);
		}
	}
}

/* One cpio "newc" entry (cpio(5)) appended at *len. */
static void cpio_add(uint8_t *buf, size_t *len, const char *name, const char *data)
{
	size_t nl = strlen(name) + 1, dl = strlen(data);
	int n = sprintf((char *)buf + *len, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			1u, 0100644u, 0u, 0u, 1u, 0u, (unsigned)dl, 0u, 0u, 0u, 0u,
			(unsigned)nl, 0u);

	assert_int_equal(n, 110);
	*len += 110;
	memcpy(buf + *len, name, nl);
	*len += nl;
	while (*len % 4)
		buf[(*len)++] = 0;
	memcpy(buf + *len, data, dl);
	*len += dl;
	while (*len % 4)
		buf[(*len)++] = 0;
}

static void test_cpio(void **state)
{
	static uint8_t a[4096];
	char rel[32];
	size_t n = 0;

	(void)state;
	cpio_add(a, &n, ".", "");
	cpio_add(a, &n, "./init", "#!/bin/sh\n");
	cpio_add(a, &n, "./etc/alpine-release", "3.19.1\n");
	cpio_add(a, &n, "TRAILER!!!", "");
	assert_int_equal(filecheck_cpio_release(a, n, rel, sizeof(rel)), 0);
	assert_string_equal(rel, "3.19.1");
	/* Every cut of the archive: an answer or an error, never a read past. */
	for (size_t cut = 0; cut < n; cut++) {
		int r = filecheck_cpio_release(a, cut, rel, sizeof(rel));

		assert_true(r == 0 || r == -ENOENT || r == -EINVAL);
	}
	n = 0;
	cpio_add(a, &n, "etc/alpine-release", "3.21_alpha20240807");
	assert_int_equal(filecheck_cpio_release(a, n, rel, sizeof(rel)), 0);
	assert_string_equal(rel, "3.21_alpha20240807");
	n = 0;
	cpio_add(a, &n, "init", "x");
	cpio_add(a, &n, "TRAILER!!!", "");
	assert_int_equal(filecheck_cpio_release(a, n, rel, sizeof(rel)), -ENOENT);
	/* Not cpio at all (a gzip magic, say). */
	assert_int_equal(filecheck_cpio_release((const uint8_t *)"\x1f\x8b\x08", 3, rel,
						sizeof(rel)), -EINVAL);
	/* A name size that runs past the data. */
	n = 0;
	cpio_add(a, &n, "init", "x");
	memcpy(a + 94, "0000FFFF", 8);
	assert_int_equal(filecheck_cpio_release(a, n, rel, sizeof(rel)), -EINVAL);
}

/* --- filecheck_run on real files ------------------------------------------ */

static char dir[64];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static void write_bytes(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int setup_root(void **state)
{
	uint8_t k[0x1000];

	(void)state;
	if (system("command -v mksquashfs >/dev/null && command -v cpio >/dev/null") != 0) {
		fprintf(stderr, "filecheck_test: mksquashfs and cpio are needed (make deps)\n");
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/filecheck-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	sh("mkdir -p %s/root/boot %s/ml-ok/modules/" REL "/kernel %s/ml-old/modules/6.1.2-0-lts "
	   "%s/ird/etc", dir, dir, dir, dir);
	sh("echo ko > %s/ml-ok/modules/" REL "/kernel/e1000.ko", dir);
	sh("echo 3.19.1 > %s/ird/etc/alpine-release", dir);
	for (const char *const *c = (const char *const[]){ "gzip", "xz", NULL }; *c; c++) {
		sh("mksquashfs %s/ml-ok %s/root/boot/modloop-ok-%s -comp %s -noappend -quiet "
		   ">/dev/null", dir, dir, *c, *c);
		sh("mksquashfs %s/ml-old %s/root/boot/modloop-old-%s -comp %s -noappend -quiet "
		   ">/dev/null", dir, dir, *c, *c);
	}
	sh("cd %s/ird && find . | cpio -o -H newc 2>/dev/null | gzip > %s/root/boot/initramfs-lts",
	   dir, dir);
	fake_bzimage(k, sizeof(k), REL " (buildozer@build-3-19-x86_64) #1-Alpine SMP");
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/root/boot/vmlinuz-lts", dir);
		write_bytes(p, k, sizeof(k));
	}
	mkdir(strcat(strcpy((char[128]){ 0 }, dir), "/empty"), 0755);
	return 0;
}

static int teardown_root(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run the check of conf (a netbootd.conf text) on root (below dir). */
static struct filecheck_report *run(const char *root, const char *conf)
{
	static struct nb_config cfg;
	struct filecheck_report *rep = NULL;
	char err[NB_ERR_MAX], p[128];
	int fd;

	assert_int_equal(nb_config_parse(&cfg, "t.conf", conf, strlen(conf), err), 0);
	snprintf(p, sizeof(p), "%s/%s", dir, root);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(filecheck_run(&cfg, fd, "http://198.18.0.1", &rep), 0);
	close(fd);
	return rep;
}

/* The item about file's what, or NULL. */
static const struct filecheck_item *item(const struct filecheck_report *rep,
					 const char *file, const char *what)
{
	for (unsigned i = 0; i < rep->n_item; i++)
		if (!strcmp(rep->item[i].file, file) && !strcmp(rep->item[i].what, what))
			return &rep->item[i];
	return NULL;
}

/* The item about file and what, which must be there at level. */
static const struct filecheck_item *item_at(const struct filecheck_report *rep,
					    const char *file, const char *what,
					    int level)
{
	const struct filecheck_item *it = item(rep, file, what);

	assert_non_null(it);
	assert_int_equal(it->level, level);
	return it;
}

static const char conf_fmt[] =
	"[profile default]\n"
	"kernel = boot/vmlinuz-lts\n"
	"initrd = boot/initramfs-lts\n"
	"modloop = boot/modloop-%s\n"
	"branch = %s\n"
	"fallback = retry\n";

static void test_modloop(void **state)
{
	const char *comp[] = { "gzip", "xz" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		char conf[512], file[64];
		struct filecheck_report *rep;
		const struct filecheck_item *it;

		snprintf(conf, sizeof(conf), conf_fmt, comp[i][0] == 'g' ? "ok-gzip" : "ok-xz",
			 "v3.19");
		rep = run("root", conf);
		snprintf(file, sizeof(file), "boot/modloop-ok-%s", comp[i]);
		it = item_at(rep, file, "release", FILECHECK_OK);
		assert_non_null(strstr(it->msg, "modules/" REL "/"));
		it = item(rep, "boot/vmlinuz-lts", "release");
		assert_non_null(it);
		assert_string_equal(it->msg, REL " (bzImage header)");
		it = item_at(rep, "boot/initramfs-lts", "branch", FILECHECK_OK);
		assert_int_equal(rep->n_error, 0);
		filecheck_report_free(rep);

		/* Another release's modloop: one error naming both releases. */
		snprintf(conf, sizeof(conf), conf_fmt, comp[i][0] == 'g' ? "old-gzip" : "old-xz",
			 "v3.19");
		rep = run("root", conf);
		snprintf(file, sizeof(file), "boot/modloop-old-%s", comp[i]);
		it = item_at(rep, file, "release", FILECHECK_ERROR);
		assert_non_null(strstr(it->msg, "modules/6.1.2-0-lts"));
		assert_non_null(strstr(it->msg, "is " REL));
		assert_int_equal(rep->n_error, 1);
		filecheck_report_free(rep);
	}
}

static void test_branch(void **state)
{
	struct filecheck_report *rep;
	const struct filecheck_item *it;
	char conf[512];

	(void)state;
	snprintf(conf, sizeof(conf), conf_fmt, "ok-xz", "v3.18");
	rep = run("root", conf);
	it = item_at(rep, "boot/initramfs-lts", "branch", FILECHECK_ERROR);
	assert_non_null(strstr(it->msg, "v3.18"));
	assert_non_null(strstr(it->msg, "3.19.1"));
	filecheck_report_free(rep);

	snprintf(conf, sizeof(conf), conf_fmt, "ok-xz", "latest-stable");
	rep = run("root", conf);
	it = item_at(rep, "boot/initramfs-lts", "branch", FILECHECK_WARN);
	assert_non_null(strstr(it->msg, "pin branch = v3.19"));
	assert_int_equal(rep->n_error, 0);
	filecheck_report_free(rep);
}

static void test_empty_root(void **state)
{
	struct filecheck_report *rep = run("empty", "");
	const struct filecheck_item *it = item(rep, "boot/vmlinuz-lts", "exists");

	(void)state;
	assert_non_null(it);
	assert_int_equal(it->level, FILECHECK_ERROR);
	assert_non_null(strstr(it->msg, "missing"));
	assert_non_null(item(rep, "boot/initramfs-lts", "exists"));
	assert_non_null(item(rep, "boot/modloop-lts", "exists"));
	/* The default's flavor fallback: a warning, the boot still works. */
	it = item_at(rep, "boot/vmlinuz-virt", "exists", FILECHECK_WARN);
	assert_int_equal(rep->n_error, 3);
	filecheck_report_free(rep);
}

/* Mirrors are not ours to check; a directory is not a kernel; nothing
 * outside the root is opened. */
static void test_not_ours(void **state)
{
	struct filecheck_report *rep;
	const struct filecheck_item *it;

	(void)state;
	rep = run("root", "[profile default]\n"
		  "kernel = http://mirror.example/alpine/v3.19/releases/x86_64/netboot/vmlinuz-lts\n"
		  "initrd = http://mirror.example/alpine/v3.19/releases/x86_64/netboot/initramfs-lts\n"
		  "modloop = http://mirror.example/alpine/v3.19/releases/x86_64/netboot/modloop-lts\n"
		  "fallback = retry\n");
	assert_int_equal(rep->n_item, 0);
	filecheck_report_free(rep);
	rep = run("root", "[profile default]\nkernel = boot\nfallback = retry\n");
	it = item_at(rep, "boot", "exists", FILECHECK_ERROR);
	assert_non_null(strstr(it->msg, "a directory"));
	filecheck_report_free(rep);
}

/* Debian's kernel from the QEMU tests' build tree, when it is there. */
static void test_real_kernel(void **state)
{
	const char *dirp = getenv("FILECHECK_GUEST_DIR");
	char path[512], want[128] = "", got[128];
	static uint8_t buf[64 * 1024];
	FILE *f;
	size_t n;

	(void)state;
	if (dirp == NULL)
		dirp = "build/guest";
	snprintf(path, sizeof(path), "%s/kernel-release", dirp);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "note: no %s (make the QEMU guest to test Debian's kernel)\n", path);
		skip();
	}
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/vmlinuz", dirp);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(filecheck_kernel_release(buf, n, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_bzimage),
		cmocka_unit_test(test_banner),
		cmocka_unit_test(test_repo_branch),
		cmocka_unit_test(test_cpio),
		cmocka_unit_test(test_real_kernel),
	};
	const struct CMUnitTest files[] = {
		cmocka_unit_test(test_modloop),
		cmocka_unit_test(test_branch),
		cmocka_unit_test(test_empty_root),
		cmocka_unit_test(test_not_ours),
	};
	int r = cmocka_run_group_tests(pure, NULL, NULL);

	return r | cmocka_run_group_tests(files, setup_root, teardown_root);
}
