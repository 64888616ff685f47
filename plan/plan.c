/* plan.c: boot.plan, the flat text form of a resolved plan
 * (docs/boot-plan.md).
 *
 * alpineboot.efi reads it from the server (GET /boot.plan) or from its own
 * stamped section, so the parser treats it as hostile: it reads only
 * through (text, len), checks every field against its limit, refuses a
 * plan without its final "end" line (a truncated download), and is a fuzz
 * target (plan/fuzz_plan.c). Unknown keys and unknown file attributes are
 * skipped, so a version-1 reader accepts version-1 plans with additions.
 */
#include "plan/mac.h"
#include "plan/plan.h"
#include "plan/plansig.h"
#include "plan/str.h"

#define MAX_TIMEOUT   3600
#define MAX_FILE_SIZE ((uint64_t)1 << 40)

/* The words of "entry ACTION LABEL"; index = enum nb_action. */
static const char *const action_words[] = {
	[NB_ACT_BOOT] = "boot",
	[NB_ACT_RETRY] = "retry",
	[NB_ACT_SHELL] = "shell",
	[NB_ACT_REBOOT] = "reboot",
	[NB_ACT_EXIT] = "exit",
	[NB_ACT_FIRMWARE] = "firmware",
};

#define N_ACTIONS (sizeof(action_words) / sizeof(action_words[0]))

/* ---- format ----------------------------------------------------------- */

/* "KEY VALUE\n" */
static void put_text_line(struct nb_buf *b, const char *key, const char *v)
{
	nb_buf_puts(b, key);
	nb_buf_putc(b, ' ');
	nb_buf_puts(b, v);
	nb_buf_putc(b, '\n');
}

static void put_num(struct nb_buf *b, const char *key, uint64_t v)
{
	nb_buf_puts(b, key);
	nb_buf_putc(b, ' ');
	nb_buf_putu(b, v);
	nb_buf_putc(b, '\n');
}

static void put_file(struct nb_buf *b, const char *key, const struct nb_file *f)
{
	nb_buf_puts(b, key);
	nb_buf_putc(b, ' ');
	nb_buf_puts(b, f->url);
	if (f->size != 0) {
		nb_buf_puts(b, " size=");
		nb_buf_putu(b, f->size);
	}
	if (f->has_sha256) {
		nb_buf_puts(b, " sha256=");
		nb_buf_hex(b, f->sha256, 32);
	}
	nb_buf_putc(b, '\n');
}

int nb_plan_format(const struct nb_plan *plan, char *out, size_t cap,
		   size_t *ret_len)
{
	struct nb_buf b;
	unsigned i, k;

	nb_buf_init(&b, out, cap);
	put_num(&b, "nbplan", NB_PLAN_VERSION);
	put_text_line(&b, "server", plan->server);
	put_text_line(&b, "title", plan->title);
	put_num(&b, "timeout", plan->timeout_s);
	put_num(&b, "default", plan->default_entry);
	put_num(&b, "max-file-size", plan->max_file_size);
	if (plan->has_plan_key) {
		nb_buf_puts(&b, "plan-key ");
		nb_buf_hex(&b, plan->plan_key, 32);
		nb_buf_putc(&b, '\n');
	}
	if (plan->require_signature)
		put_text_line(&b, "require-signature", "yes");
	if (plan->has_nic) {
		char mac[18];

		nb_mac_format(plan->nic, ':', mac);
		put_text_line(&b, "nic", mac);
	}
	for (i = 0; i < plan->n_entry && i < NB_PLAN_MAX_ENTRIES; i++) {
		const struct nb_entry *e = &plan->entry[i];
		size_t len, off;

		nb_buf_puts(&b, "entry ");
		nb_buf_puts(&b, (unsigned)e->action < N_ACTIONS ?
			    action_words[e->action] : "exit");
		nb_buf_putc(&b, ' ');
		nb_buf_puts(&b, e->label);
		nb_buf_putc(&b, '\n');
		if (e->action != NB_ACT_BOOT)
			continue;
		put_file(&b, "kernel", &e->kernel);
		for (k = 0; k < e->n_initrd && k < NB_PLAN_MAX_INITRDS; k++)
			put_file(&b, "initrd", &e->initrd[k]);
		len = nb_strnlen(e->cmdline, sizeof(e->cmdline));
		off = e->cmdline_extra < len ? e->cmdline_extra : len;
		/* The extras follow a separating space. */
		nb_buf_puts(&b, "cmdline ");
		nb_buf_putn(&b, e->cmdline, off < len && off > 0 ? off - 1 : off);
		nb_buf_putc(&b, '\n');
		if (off < len) {
			nb_buf_puts(&b, "extra ");
			nb_buf_putn(&b, e->cmdline + off, len - off);
			nb_buf_putc(&b, '\n');
		}
	}
	nb_buf_puts(&b, "end\n");
	return nb_buf_finish(&b, ret_len);
}

/* ---- parse ------------------------------------------------------------ */

static int printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return 0;
	return 1;
}

static int put_text(char *dst, size_t cap, const char *v, size_t n)
{
	if (!printable(v, n))
		return -NB_EINVAL;
	return nb_strlcpy(dst, cap, v, n);
}

/* "http://HOST..." with no space, quote or control character. */
static int put_url(char *dst, const char *v, size_t n)
{
	size_t i;

	if (!nb_has_prefix(v, n, "http://") || n <= 7)
		return -NB_EINVAL;
	for (i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~' || v[i] == '"' || v[i] == '\'')
			return -NB_EINVAL;
	return nb_strlcpy(dst, NB_URL_MAX, v, n);
}

/* "URL [size=N] [sha256=HEX] [other=...]" */
static int parse_file(struct nb_file *f, const char *v, size_t n)
{
	size_t i, s;
	int r;

	for (i = 0; i < n && v[i] != ' '; i++)
		;
	nb_memset(f, 0, sizeof(*f));
	if ((r = put_url(f->url, v, i)) < 0)
		return r;
	while (i < n) {
		const char *a;
		size_t an;

		i++;   /* the space */
		for (s = i; i < n && v[i] != ' '; i++)
			;
		a = v + s;
		an = i - s;
		if (nb_has_prefix(a, an, "size=")) {
			if (nb_parse_u64(a + 5, an - 5, MAX_FILE_SIZE, &f->size))
				return -NB_EINVAL;
		} else if (nb_has_prefix(a, an, "sha256=")) {
			if (nb_hex_parse(a + 7, an - 7, f->sha256, 32))
				return -NB_EINVAL;
			f->has_sha256 = 1;
		} else if (an == 0) {
			return -NB_EINVAL;
		}
	}
	return 0;
}

static int parse_entry(struct nb_plan *plan, const char *v, size_t n)
{
	struct nb_entry *e;
	size_t w;
	unsigned a;

	if (plan->n_entry >= NB_PLAN_MAX_ENTRIES)
		return -NB_E2BIG;
	for (w = 0; w < n && v[w] != ' '; w++)
		;
	for (a = 0; a < N_ACTIONS; a++)
		if (nb_tok_eq(v, w, action_words[a]))
			break;
	if (a == N_ACTIONS || w + 1 >= n)
		return -NB_EINVAL;    /* unknown action or no label */
	e = &plan->entry[plan->n_entry++];
	nb_memset(e, 0, sizeof(*e));
	e->action = (enum nb_action)a;
	return put_text(e->label, sizeof(e->label), v + w + 1, n - w - 1);
}

/* cmdline and extra lines: cmdline first, extra appended after a space. */
static int parse_cmdline(struct nb_entry *e, int extra, const char *v, size_t n)
{
	size_t len = nb_strnlen(e->cmdline, sizeof(e->cmdline));

	if (!printable(v, n))
		return -NB_EINVAL;
	if (!extra) {
		if (len != 0)
			return -NB_EINVAL;   /* cmdline twice */
		if (nb_strlcpy(e->cmdline, sizeof(e->cmdline), v, n))
			return -NB_E2BIG;
		e->cmdline_extra = (unsigned)n;
		return 0;
	}
	if (e->cmdline_extra != len || n == 0)
		return -NB_EINVAL;           /* extra twice, or empty */
	if (len > 0) {
		if (len + 1 + n + 1 > sizeof(e->cmdline))
			return -NB_E2BIG;
		e->cmdline[len++] = ' ';
	}
	if (nb_strlcpy(e->cmdline + len, sizeof(e->cmdline) - len, v, n))
		return -NB_E2BIG;
	e->cmdline_extra = (unsigned)len;
	return 0;
}

static int parse_number(const char *v, size_t n, uint64_t max, uint64_t *ret)
{
	int r = nb_parse_u64(v, n, max, ret);

	return r == -NB_ERANGE ? -NB_E2BIG : r;
}

/* Header keys, in the order of enum header_key. */
static const char *const header_keys[] = {
	"server", "title", "timeout", "default", "max-file-size",
	"plan-key", "require-signature", "nic",
};

enum header_key {
	H_SERVER, H_TITLE, H_TIMEOUT, H_DEFAULT, H_MAX_FILE_SIZE,
	H_PLAN_KEY, H_REQUIRE_SIGNATURE, H_NIC,
};

#define N_HEADER_KEYS (sizeof(header_keys) / sizeof(header_keys[0]))

/* One header line's value (header_keys[h]) into plan. 0 or -errno. */
static int parse_header(struct nb_plan *plan, size_t h, const char *v, size_t vn)
{
	uint64_t x;
	int r;

	switch ((enum header_key)h) {
	case H_SERVER:
		return put_url(plan->server, v, vn);
	case H_TITLE:
		return put_text(plan->title, sizeof(plan->title), v, vn);
	case H_TIMEOUT:
		if ((r = parse_number(v, vn, MAX_TIMEOUT, &x)) < 0)
			return r;
		plan->timeout_s = (unsigned)x;
		return 0;
	case H_DEFAULT:
		if ((r = parse_number(v, vn, NB_PLAN_MAX_ENTRIES - 1, &x)) < 0)
			return r;
		plan->default_entry = (unsigned)x;
		return 0;
	case H_MAX_FILE_SIZE:
		return parse_number(v, vn, MAX_FILE_SIZE, &plan->max_file_size);
	case H_PLAN_KEY:
		if (nb_hex_parse(v, vn, plan->plan_key, 32) < 0)
			return -NB_EINVAL;
		plan->has_plan_key = 1;
		return 0;
	case H_REQUIRE_SIGNATURE:
		if (!nb_tok_eq(v, vn, "yes") && !nb_tok_eq(v, vn, "no"))
			return -NB_EINVAL;
		plan->require_signature = nb_tok_eq(v, vn, "yes");
		return 0;
	case H_NIC:
		if (nb_mac_parse(v, vn, plan->nic) < 0)
			return -NB_EINVAL;
		plan->has_nic = 1;
		return 0;
	}
	return -NB_EINVAL;
}

/* A kernel, initrd, cmdline or extra line of the boot entry e (NULL
 * before the first entry). 0 or -errno. */
static int parse_boot_line(struct nb_entry *e, const char *key, size_t k,
			   const char *v, size_t vn)
{
	int r;

	if (e == NULL || e->action != NB_ACT_BOOT)
		return -NB_EINVAL;
	if (nb_tok_eq(key, k, "kernel")) {
		if (e->kernel.url[0] != '\0')
			return -NB_EINVAL;
		return parse_file(&e->kernel, v, vn);
	}
	if (nb_tok_eq(key, k, "initrd")) {
		if (e->n_initrd >= NB_PLAN_MAX_INITRDS)
			return -NB_E2BIG;
		if ((r = parse_file(&e->initrd[e->n_initrd], v, vn)) < 0)
			return r;
		e->n_initrd++;
		return 0;
	}
	return parse_cmdline(e, nb_tok_eq(key, k, "extra"), v, vn);
}

/* One line, split into key and value at the first space. */
static int parse_line(struct nb_plan *plan, int *ended, unsigned *seen,
		      const char *s, size_t n)
{
	struct nb_entry *e = plan->n_entry > 0 ? &plan->entry[plan->n_entry - 1]
					       : NULL;
	const char *v;
	size_t k, vn, h;

	if (n == 0 || s[0] == '#')
		return 0;
	if (*ended)
		return -NB_EINVAL;           /* text after "end" */
	for (k = 0; k < n && s[k] != ' '; k++)
		;
	v = k < n ? s + k + 1 : s + n;
	vn = k < n ? n - k - 1 : 0;

	if (nb_tok_eq(s, k, "end")) {
		if (vn != 0)
			return -NB_EINVAL;
		*ended = 1;
		return 0;
	}
	if (nb_tok_eq(s, k, "entry"))
		return parse_entry(plan, v, vn);
	if (nb_tok_eq(s, k, "kernel") || nb_tok_eq(s, k, "initrd") ||
	    nb_tok_eq(s, k, "cmdline") || nb_tok_eq(s, k, "extra"))
		return parse_boot_line(e, s, k, v, vn);
	/* Header keys: once each, before the first entry. */
	for (h = 0; h < N_HEADER_KEYS; h++)
		if (nb_tok_eq(s, k, header_keys[h]))
			break;
	if (h == N_HEADER_KEYS)
		return 0;    /* unknown key: a later addition to version 1 */
	if (e != NULL || (*seen & (1u << h)))
		return -NB_EINVAL;
	*seen |= 1u << h;
	return parse_header(plan, h, v, vn);
}

/* Whole-plan rules that no single line can check. */
static int validate(const struct nb_plan *plan)
{
	unsigned i;

	if (plan->server[0] == '\0' || plan->n_entry == 0 ||
	    plan->default_entry >= plan->n_entry ||
	    plan->entry[0].action != NB_ACT_BOOT)
		return -NB_EINVAL;
	for (i = 0; i < plan->n_entry; i++) {
		const struct nb_entry *e = &plan->entry[i];

		if (e->action == NB_ACT_BOOT &&
		    (e->kernel.url[0] == '\0' || e->n_initrd == 0))
			return -NB_EINVAL;
	}
	return 0;
}

int nb_plan_parse(struct nb_plan *ret_plan, const char *text, size_t len)
{
	struct nb_plan *plan = ret_plan;
	size_t i = 0;
	int ended = 0, first = 1, r;
	unsigned seen = 0;
	uint8_t sig[64], keyid[NB_PLAN_KEYID_LEN];
	size_t signed_len;

	nb_memset(plan, 0, sizeof(*plan));
	/* A signed plan: read what the signature covers; the line itself is
	 * nb_plan_verify's. A malformed one is refused, not skipped. */
	r = nb_plan_sig_find(text, len, &signed_len, sig, keyid);
	if (r == 0)
		len = signed_len;
	else if (r != -NB_ENOENT)
		return r;
	while (i < len) {
		size_t s = i, n;

		while (i < len && text[i] != '\n')
			i++;
		n = i - s;
		if (i < len)
			i++;
		if (n > 0 && text[s + n - 1] == '\r')
			n--;
		if (first) {
			/* "nbplan 1": anything else is not a plan we can read. */
			if (!nb_has_prefix(text + s, n, "nbplan "))
				return -NB_EINVAL;
			if (!nb_tok_eq(text + s + 7, n - 7, "1"))
				return -NB_EINVAL;
			plan->version = NB_PLAN_VERSION;
			first = 0;
			continue;
		}
		if ((r = parse_line(plan, &ended, &seen, text + s, n)) < 0)
			return r;
	}
	if (!ended)
		return -NB_EINVAL;    /* truncated */
	return validate(plan);
}
