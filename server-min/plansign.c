/* plansign.c: sign rendered boot.plans with the site's plan key
 * (plansign.h, docs/secure-boot.md).
 *
 * Ed25519 through libsodium (crypto_sign_detached), a well-kept library
 * linked only for this: built without it (no libsodium-dev, or
 * `make NO_SODIUM=1`), netbootd refuses plan-key at start instead of
 * serving plans it was asked to sign unsigned. The signature line is
 * written by plan/plansig.c, the same code the loader and
 * `netboot-embed verify-plan` parse it with.
 *
 * The key file is one line, "netboot-plan-key ed25519-secret HEX" (the
 * 32-byte seed); netboot-embed keygen writes it with mode 0600. A key
 * anyone but its owner can read is no secret: refused, as ssh refuses
 * such a private key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_SODIUM
#include <sodium.h>
#endif

#include "plan/plansig.h"
#include "plan/str.h"
#include "server-min/plansign.h"

#define KEY_FILE_MAX 256

static struct {
	int loaded;
	dev_t dev;
	ino_t ino;
	uint8_t sk[64];      /* libsodium's secret key: seed || public key */
	uint8_t pub[32];
} key;

/* The seed from "netboot-plan-key ed25519-secret HEX\n". 0 or -EINVAL. */
static int parse_key(const char *text, size_t n, uint8_t seed[32])
{
	static const char want[] = PLANSIGN_MAGIC " " PLANSIGN_SECRET " ";
	size_t pre = sizeof(want) - 1;

	if (n > 0 && text[n - 1] == '\n')
		n--;
	if (n != pre + 64 || strncmp(text, want, pre) != 0)
		return -EINVAL;
	return nb_hex_parse(text + pre, 64, seed, 32) < 0 ? -EINVAL : 0;
}

/* Open, then check what was opened: no stat-then-open race. */
static int read_key(const char *path, struct stat *st, char *buf, size_t cap,
		    size_t *ret_len)
{
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		fprintf(stderr, "netbootd: plan-key %s: %s\n", path, strerror(errno));
		return r;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		fprintf(stderr, "netbootd: plan-key %s: not a regular file\n", path);
		r = -EINVAL;
		goto out;
	}
	if (st->st_mode & 077) {
		fprintf(stderr, "netbootd: plan-key %s: mode %04o lets group or others at the "
			"secret key; chmod 600 it\n", path, (unsigned)(st->st_mode & 07777));
		r = -EPERM;
		goto out;
	}
	n = read(fd, buf, cap);
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "netbootd: plan-key %s: %s\n", path,
			n < 0 ? strerror(errno) : "too long for a key file");
		r = n < 0 ? -errno : -EINVAL;
		goto out;
	}
	*ret_len = (size_t)n;
	r = 0;
out:
	close(fd);
	return r;
}

/* Without libsodium the file is still read and checked, so the error an
 * admin sees first is about the key when the key is wrong. */
int plansign_load(const char *path)
{
	char buf[KEY_FILE_MAX];
	uint8_t seed[32];
	struct stat st;
	size_t n = 0;     /* set by read_key; GCC -O2 cannot see it */
	int r;

	if ((r = read_key(path, &st, buf, sizeof(buf), &n)) < 0)
		return r;
	r = parse_key(buf, n, seed);
	explicit_bzero(buf, sizeof(buf));
	if (r < 0) {
		fprintf(stderr, "netbootd: plan-key %s: not a \"" PLANSIGN_MAGIC " "
			PLANSIGN_SECRET "\" key (make one with netboot-embed keygen)\n", path);
		return r;
	}
#ifdef HAVE_SODIUM
	if (sodium_init() < 0) {
		explicit_bzero(seed, sizeof(seed));
		fprintf(stderr, "netbootd: plan-key: libsodium does not start\n");
		return -EIO;
	}
	crypto_sign_seed_keypair(key.pub, key.sk, seed);
	explicit_bzero(seed, sizeof(seed));
	key.dev = st.st_dev;
	key.ino = st.st_ino;
	key.loaded = 1;
	return 0;
#else
	explicit_bzero(seed, sizeof(seed));
	fprintf(stderr, "netbootd: plan-key %s: this netbootd was built without libsodium "
		"(NO_SODIUM=1 or no libsodium-dev), so it cannot sign plans\n", path);
	return -ENOTSUP;
#endif
}

int plansign_sign(char *buf, size_t cap, size_t *len)
{
	size_t n;
#ifdef HAVE_SODIUM
	uint8_t sig[64];
#endif

	if (!key.loaded)
		return -ENOKEY;
	if (*len >= cap)
		return -ENOSPC;
#ifdef HAVE_SODIUM
	crypto_sign_detached(sig, NULL, (const uint8_t *)buf, *len, key.sk);
	if (nb_plan_sig_line(buf + *len, cap - *len, sig, key.pub, &n) < 0) {
		buf[*len] = '\0';
		return -ENOSPC;
	}
	*len += n;
	return 0;
#else
	(void)buf;
	(void)n;
	return -ENOKEY;   /* never loaded without libsodium */
#endif
}

int plansign_enabled(void)
{
	return key.loaded;
}

int plansign_is_key(const struct stat *st)
{
	return key.loaded && st->st_dev == key.dev && st->st_ino == key.ino;
}
