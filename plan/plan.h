/* plan.h: a resolved boot plan, the thing a client executes
 * (CONTRACT between netbootd, netboot-embed and alpineboot.efi: all three
 * rely on the names in this file; extend, do not rename).
 *
 * The server resolves config + client identity into a plan (embed/, its
 * policy) and renders it as an iPXE script (boot.ipxe) or a flat plan
 * (boot.plan, docs/boot-plan.md); alpineboot.efi parses boot.plan back into
 * this struct. Entry 0 is what the
 * client boots first; the others are the fallback menu.
 * Freestanding: no malloc, no libc.
 */
#ifndef NB_PLAN_H
#define NB_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define NB_PLAN_VERSION      1
#define NB_PLAN_MAX_ENTRIES  16
#define NB_PLAN_MAX_INITRDS  4
#define NB_URL_MAX           256
#define NB_LABEL_MAX         80
#define NB_CMDLINE_MAX       1024   /* well under x86 COMMAND_LINE_SIZE 2048 */
#define NB_PLAN_TEXT_MAX     32768  /* a rendered boot.plan never exceeds this */

enum nb_action {
	NB_ACT_BOOT,       /* kernel + initrds + cmdline */
	NB_ACT_RETRY,      /* run entry 0 again */
	NB_ACT_SHELL,      /* iPXE shell: chain snponly.efi / drop to iPXE prompt */
	NB_ACT_REBOOT,
	NB_ACT_EXIT,       /* return to the firmware */
	NB_ACT_FIRMWARE,   /* reboot into firmware setup */
};

struct nb_file {
	char url[NB_URL_MAX];     /* absolute http:// URL */
	uint64_t size;            /* pinned size, 0 = not pinned */
	uint8_t sha256[32];
	int has_sha256;
};

struct nb_entry {
	enum nb_action action;
	char label[NB_LABEL_MAX];
	struct nb_file kernel;                      /* NB_ACT_BOOT only */
	struct nb_file initrd[NB_PLAN_MAX_INITRDS];
	unsigned n_initrd;
	char cmdline[NB_CMDLINE_MAX];               /* without initrd= */
	/* Offset in cmdline where the user's extra arguments begin (== its
	 * length when there are none); nb_cmdline_entry() inserts initrd=
	 * there (plan/cmdline.h). */
	unsigned cmdline_extra;
};

struct nb_plan {
	unsigned version;
	char server[NB_URL_MAX];      /* http base, e.g. "http://198.18.0.1" */
	char title[NB_LABEL_MAX];
	unsigned timeout_s;           /* menu countdown */
	unsigned default_entry;       /* index into entry[] */
	uint64_t max_file_size;       /* no download may exceed this */
	/* Stamped plans only (docs/secure-boot.md): the Ed25519 key that
	 * signs the server's boot.plan (plan/plansig.h), and whether a plan
	 * without a valid signature must be refused. A fetched plan's own
	 * values mean nothing: the loader takes them from its stamp. */
	uint8_t plan_key[32];
	int has_plan_key;
	int require_signature;
	uint8_t nic[6];               /* "nic": the NIC a loader started from disk uses */
	int has_nic;                  /* (stamps only: netboot-embed stamp --nic) */
	struct nb_entry entry[NB_PLAN_MAX_ENTRIES];
	unsigned n_entry;
};

/* Parse a boot.plan text, signed (plan/plansig.h: the signature line is
 * skipped here, not checked; nb_plan_verify checks it) or not. 0, or -EINVAL (malformed; *ret_plan garbage),
 * -E2BIG (a field or count over its limit). Never reads past len. */
int nb_plan_parse(struct nb_plan *ret_plan, const char *text, size_t len);

/* Render plan as boot.plan text into out (cap bytes, NUL-terminated).
 * 0 and *ret_len, or -ENOSPC. */
int nb_plan_format(const struct nb_plan *plan, char *out, size_t cap,
		   size_t *ret_len);

#endif
