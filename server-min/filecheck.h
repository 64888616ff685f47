/* filecheck.h: do the files netbootd serves belong together?
 *
 * The most common Alpine netboot failure shows only once the client is up:
 * a modloop from another release than the kernel (OpenRC's modloop service
 * wants modules/$(uname -r) inside it: no drivers after boot), or
 * repositories of another branch than the served files. filecheck_run()
 * resolves every profile and client section with the embed/ resolver, maps
 * the URLs under the server's own http base back to files beneath the root
 * and checks them against each other (docs/netbootd.8 "FILE CHECK"):
 *
 *   exists   kernel, initrds and modloop are regular files beneath the root
 *   release  the kernel's release (bzImage header, else its uncompressed
 *            "Linux version " banner) has modules/<release>/ in the
 *            modloop (a squashfs, read with libsquashfs)
 *   branch   the alpine_repo= branch (v3.NN, edge, latest-stable) against
 *            the initramfs's /etc/alpine-release (gzip'd cpio, zlib)
 *
 * netbootd runs it for --check-config and at start ([server] check =
 * strict | warn | off); netboot-embed check runs it for a config and a root
 * without a server. The last report is kept in struct netbootd for /status.
 */
#ifndef NETBOOTD_FILECHECK_H
#define NETBOOTD_FILECHECK_H

#include <stddef.h>
#include <stdint.h>

struct nb_config;
struct netbootd;

enum filecheck_level {
	FILECHECK_OK,
	FILECHECK_WARN,     /* could not be checked, or a risk (latest-stable) */
	FILECHECK_ERROR,    /* the client will not boot as configured */
};

#define FILECHECK_FILE_MAX 256
#define FILECHECK_MSG_MAX  320

struct filecheck_item {
	char file[FILECHECK_FILE_MAX];   /* path beneath the root */
	const char *what;                /* "exists", "release", "branch", "check" */
	enum filecheck_level level;
	char msg[FILECHECK_MSG_MAX];
};

struct filecheck_report {
	unsigned n_item, n_warn, n_error;
	unsigned cap;
	struct filecheck_item *item;
};

/* Check every file cfg resolves to beneath root_fd (a directory, O_PATH is
 * enough). http_base: "http://HOST[:PORT]", what the resolver puts in
 * front of server-relative paths; URLs outside it are not ours to check.
 * 0 and *ret (free with filecheck_report_free), or -ENOMEM. Problems with
 * the files are items in the report, never a failure of the call. */
int filecheck_run(const struct nb_config *cfg, int root_fd, const char *http_base,
		  struct filecheck_report **ret);
void filecheck_report_free(struct filecheck_report *r);

const char *filecheck_level_name(enum filecheck_level level);

/* "error: boot/modloop-lts: release: ..." into buf (cap bytes). */
void filecheck_format(const struct filecheck_item *it, char *buf, size_t cap);

/* On stdout, the same lines for netbootd --check-config and netboot-embed
 * check: each warning and error, then "NAME: N errors, M warnings in the
 * served files" when there are errors. 1 when there are, else 0. */
int filecheck_print(const struct filecheck_report *rep, const char *config_name);

/* The release a kernel image names: the x86 boot protocol's kernel_version
 * string (setup header "HdrS"), else the first "Linux version X " banner
 * found uncompressed. 0 and ret (NUL-terminated), -ENOENT (neither),
 * -E2BIG (longer than cap - 1). Never reads past len. */
int filecheck_kernel_release(const uint8_t *buf, size_t len, char *ret, size_t cap);

/* The branch an alpine_repo URL names ("v3.19", "edge", "latest-stable"),
 * from its path segments. 0 and ret, or -ENOENT. */
int filecheck_repo_branch(const char *url, char *ret, size_t cap);

/* /etc/alpine-release of a cpio "newc" archive (uncompressed bytes):
 * 0 and ret (first line), -ENOENT (absent), -EINVAL (malformed). */
int filecheck_cpio_release(const uint8_t *buf, size_t len, char *ret, size_t cap);

/* netbootd's side: run the check as [server] check = says, print
 * (check_only) or log the problems, keep the report in nb->filecheck.
 * 0, or 1 when the files have an error and check_only or check = strict. */
int filecheck_netbootd(struct netbootd *nb, int check_only, const char *config_name);

#endif
