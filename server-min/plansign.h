/* plansign.h: netbootd signs every boot.plan it renders
 * (docs/secure-boot.md; the line's format is plan/plansig.h).
 *
 * [server] plan-key = PATH names the secret key `netboot-embed keygen`
 * wrote. It is read once, at start, while netbootd is still root, and
 * kept in memory; the file itself is never served (content.c asks
 * plansign_is_key about every file it opens). One key per process: the
 * state lives in plansign.c.
 */
#ifndef NETBOOTD_PLANSIGN_H
#define NETBOOTD_PLANSIGN_H

#include <stddef.h>
#include <sys/stat.h>

/* The key file's first word and its secret and public key kinds. */
#define PLANSIGN_MAGIC  "netboot-plan-key"
#define PLANSIGN_SECRET "ed25519-secret"
#define PLANSIGN_PUBLIC "ed25519-public"

/* Read the secret key at path. 0, or -errno after printing to stderr what
 * is wrong: unreadable, not a regular file, readable or writable by group
 * or others, malformed, or this netbootd built without libsodium. */
int plansign_load(const char *path);

/* 1 when a key is loaded (boot.plan is signed), else 0. */
int plansign_enabled(void);

/* 1 when st (of a file about to be served) is the key file itself, by
 * device and inode, so neither another name nor a link reaches it. */
int plansign_is_key(const struct stat *st);

/* Sign the len bytes of plan text in buf (cap bytes) and append the
 * signature line. 0 and *len grown; -ENOSPC (buf untouched); -ENOKEY when
 * no key is loaded. */
int plansign_sign(char *buf, size_t cap, size_t *len);

#endif
