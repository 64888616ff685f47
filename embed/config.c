/* config.c: the netbootd.conf parser (format: docs/netbootd.conf.5).
 *
 * INI-like and line-oriented: "[section]" headers, "key = value" lines,
 * '#' or ';' comments on lines of their own. Sections: [server],
 * [profile NAME], [client MAC], [client MAC-PREFIX:*], [client uuid=UUID],
 * [client arch=N]; and include = PATTERN lines (embed/config_files.c reads
 * the files, each parsed here with its own name and line numbers).
 *
 * Every profile and client value is checked here, once, against what the
 * command line, the iPXE script and the boot plan can carry: first by its key's own rules
 * (no spaces or quotes in URLs, no '$' except the known ${...} variables),
 * then by the one safety check every script value passes (embed/safe.c),
 * so the renderers can trust the model (they check again all the same).
 * Each error names "FILE:LINE: what is wrong". The parser reads the text
 * only through (text, len) and never past it; it is a fuzz target
 * (embed/fuzz_config.c).
 *
 * A profile or client section's keys are checked by parsing them into a
 * scratch struct nb_profile (which also counts list entries), then kept as
 * written in cfg->text (config_model.h says why): nb_section_apply parses
 * them again, with the same table, when a client's plan is resolved.
 *
 * [server] keys are netbootd's own settings: they are kept as written,
 * with their file and line (struct nb_server_kv), and netbootd gives them
 * their meaning (server-min/config_load.c, the same kind of key table,
 * embed/keys.h), so nothing here knows a port or a limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "embed/config_int.h"
#include "embed/keys.h"
#include "embed/resolve.h"
#include "embed/safe.h"
#include "plan/mac.h"
#include "plan/str.h"

enum section { SEC_NONE, SEC_SERVER, SEC_PROFILE, SEC_CLIENT };

/* One file being parsed. The current section is cfg->profile[idx] or
 * cfg->client[idx] (an index: the arrays move as they grow). */
struct parser {
	struct nb_loader *ld;
	struct nb_config *cfg;
	uint32_t file;                    /* index in cfg->file */
	unsigned line;
	char *err;
	enum section sec;
	uint32_t idx;                     /* the section's index */
	int after_include;                /* no section since an include line */
	uint32_t seen;                    /* keys given in this section */
	struct nb_profile scratch;        /* the section's keys, parsed */
};

/* The profile= key of a [client] section, stored among its keys. */
#define KEY_PROFILE 0xff

_Static_assert(sizeof(((struct nb_profile *)0)->timeout_s) == sizeof(uint32_t),
	       "number keys store a uint32_t");


/* ---- character classes ------------------------------------------------ */

/* ${...} names a profile value may use; expanded by embed/resolve.c. */
static const char *const expand_vars[] = {
	"flavor", "branch", "arch", "mac", "server",
};

static int var_known(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(expand_vars) / sizeof(expand_vars[0]); i++)
		if (nb_tok_eq(s, n, expand_vars[i]))
			return 1;
	return 0;
}

/* Printable ASCII that survives a kernel command line, an iPXE script line
 * and a boot.plan line unquoted: no space, no quotes, no backslash, no
 * shell or iPXE metacharacters. '$' and '{' '}' are checked by the caller. */
static int url_char(char c)
{
	if (c <= ' ' || c > '~')
		return 0;
	switch (c) {
	case '"': case '\'': case '`': case '\\': case '<': case '>':
	case '^': case '|': case ';': case '$': case '{': case '}':
		return 0;
	}
	return 1;
}

/* URL or path text with ${var} (known names) and, when alpine is set,
 * Alpine's own {MAC} and {UUID} placeholders (mkinitfs initramfs-init
 * replaces those in apkovl=). */
static const char *check_url_text(const char *v, size_t n, int alpine)
{
	size_t i = 0;

	if (n == 0)
		return "empty value";
	while (i < n) {
		if (v[i] == '$') {
			size_t j;

			if (i + 1 >= n || v[i + 1] != '{')
				return "'$' outside ${variable}";
			for (j = i + 2; j < n && v[j] != '}'; j++)
				;
			if (j >= n)
				return "unterminated ${";
			if (!var_known(v + i + 2, j - i - 2))
				return "unknown ${variable} (flavor, branch, arch, mac, server)";
			i = j + 1;
		} else if (v[i] == '{') {
			if (alpine && nb_has_prefix(v + i, n - i, "{MAC}"))
				i += 5;
			else if (alpine && nb_has_prefix(v + i, n - i, "{UUID}"))
				i += 6;
			else
				return "'{' outside ${variable} or {MAC}/{UUID}";
		} else if (!url_char(v[i])) {
			return "space, quote or control character in URL";
		} else {
			i++;
		}
	}
	return NULL;
}

/* "scheme://" present: the scheme must be one we allow. A value without
 * "://" is a path below the server. */
static const char *check_scheme(const char *v, size_t n, int https_ok)
{
	size_t i;

	for (i = 0; i + 2 < n; i++)
		if (v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/')
			break;
	if (i + 2 >= n)
		return NULL;
	if (nb_has_prefix(v, n, "http://"))
		return n > 7 ? NULL : "URL without a host";
	if (https_ok && nb_has_prefix(v, n, "https://"))
		return n > 8 ? NULL : "URL without a host";
	return https_ok ? "only http:// and https:// URLs"
			: "only http:// URLs (iPXE and alpineboot.efi fetch it)";
}

int nb_name_char(char c)
{
	return nb_is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* ---- value parsers ---------------------------------------------------- */

const char *nb_put_str(void *field, size_t size, const char *v, size_t n)
{
	return nb_strlcpy(field, size, v, n) ? "value too long" : NULL;
}

static const char *p_flavor(void *field, size_t size, const char *v, size_t n)
{
	if (!nb_tok_eq(v, n, "lts") && !nb_tok_eq(v, n, "virt"))
		return "flavor must be lts or virt";
	return nb_put_str(field, size, v, n);
}

/* Alpine branch names as used in mirror paths: latest-stable, edge, v3.NN. */
static const char *check_branch(const char *v, size_t n)
{
	size_t i = 1, d;

	if (nb_tok_eq(v, n, "latest-stable") || nb_tok_eq(v, n, "edge"))
		return NULL;
	if (n < 4 || v[0] != 'v')
		return "branch must be latest-stable, edge or vMAJOR.MINOR";
	for (d = 0; i < n && nb_is_digit(v[i]); i++)
		d++;
	if (d == 0 || i >= n || v[i] != '.')
		return "branch must be latest-stable, edge or vMAJOR.MINOR";
	for (d = 0, i++; i < n && nb_is_digit(v[i]); i++)
		d++;
	if (d == 0 || i != n)
		return "branch must be latest-stable, edge or vMAJOR.MINOR";
	return NULL;
}

static const char *p_branch(void *field, size_t size, const char *v, size_t n)
{
	const char *why = check_branch(v, n);

	return why ? why : nb_put_str(field, size, v, n);
}

/* A URL or path (http only unless https_ok), checked as put_url checks
 * one, added to a list that holds max (why_full when it is full). */
static const char *url_list_add(char (*list)[NB_URL_MAX], unsigned *count, unsigned max,
				const char *why_full, const char *v, size_t n, int https_ok)
{
	const char *why;

	if ((why = check_url_text(v, n, 0)) || (why = check_scheme(v, n, https_ok)))
		return why;
	if (*count >= max)
		return why_full;
	if (nb_strlcpy(list[*count], NB_URL_MAX, v, n))
		return "URL too long";
	(*count)++;
	return NULL;
}

static const char *p_mirror(void *field, size_t size, const char *v, size_t n)
{
	struct nb_url_list *l = field;

	(void)size;
	while (n > 0 && v[n - 1] == '/')
		n--;
	/* A path without "://" is a mirror on this server (${server}/PATH). */
	return url_list_add(l->v, &l->n, NB_MAX_MIRRORS,
			    "mirror: at most 16 (the boot menu shows what fits)", v, n, 1);
}

/* Each word of v (split on spaces, and commas when comma is set) all ok()
 * characters, joined by one join character into b. NULL and *ret_words,
 * or why_char. */
static const char *join_words(const char *v, size_t n, int comma,
			      int (*ok)(char c), const char *why_char,
			      char join, struct nb_buf *b, size_t *ret_words)
{
	size_t pos = 0, wn, i, words = 0;
	const char *w;

	while ((wn = nb_word_next(v, n, &pos, comma, &w)) > 0) {
		for (i = 0; i < wn; i++)
			if (!ok(w[i]))
				return why_char;
		if (words++ > 0)
			nb_buf_putc(b, join);
		nb_buf_putn(b, w, wn);
	}
	*ret_words = words;
	return NULL;
}

static int repo_char(char c)
{
	return nb_is_lower(c) || nb_is_digit(c) || c == '-';
}

static const char *p_repos(void *field, size_t size, const char *v, size_t n)
{
	char out[256];
	struct nb_buf b;
	size_t words = 0;
	const char *why;

	nb_buf_init(&b, out, sizeof(out));
	if ((why = join_words(v, n, 0, repo_char, "repos: words of a-z, 0-9 and '-'",
			      ' ', &b, &words)) != NULL)
		return why;
	if (words == 0)
		return "repos: at least one (e.g. main community)";
	if (words > NB_MAX_REPOS || b.overflow)
		return "repos: at most 16 words, 255 characters";
	return nb_put_str(field, size, out, b.len);
}

/* A URL or path, checked, then stored. */
static const char *put_url(void *field, size_t size, const char *v, size_t n,
			   int https_ok)
{
	const char *why;

	if ((why = check_url_text(v, n, 0)) || (why = check_scheme(v, n, https_ok)))
		return why;
	return nb_put_str(field, size, v, n);
}

/* kernel: fetched by iPXE or alpineboot.efi, so http only. */
static const char *p_path(void *field, size_t size, const char *v, size_t n)
{
	return put_url(field, size, v, n, 0);
}

static const char *p_path_add(void *field, size_t size, const char *v, size_t n)
{
	struct nb_initrd_list *l = field;

	(void)size;
	/* alpineboot.efi hands over at most NB_PLAN_MAX_INITRDS initrds. */
	return url_list_add(l->v, &l->n, NB_PLAN_MAX_INITRDS,
			    "initrd: at most 4 (what alpineboot.efi loads)", v, n, 0);
}

/* modloop and apkovl are fetched by Alpine's userspace (wget), which can
 * do https. */
static const char *p_modloop(void *field, size_t size, const char *v, size_t n)
{
	return put_url(field, size, v, n, 1);
}

static const char *p_apkovl(void *field, size_t size, const char *v, size_t n)
{
	const char *why;

	if (nb_tok_eq(v, n, "none"))
		return nb_put_str(field, size, v, 0);
	if ((why = check_url_text(v, n, 1)) || (why = check_scheme(v, n, 1)))
		return why;
	return nb_put_str(field, size, v, n);
}

/* ip=dhcp, or the kernel's static form that Alpine's initramfs-init reads:
 * client:server:gw:mask:hostname:device:autoconf:dns1:dns2 (9 fields at
 * most, any may be empty). */
static const char *p_ip(void *field, size_t size, const char *v, size_t n)
{
	size_t i, colons = 0;

	if (nb_tok_eq(v, n, "dhcp"))
		return nb_put_str(field, size, v, n);
	for (i = 0; i < n; i++) {
		if (v[i] == ':')
			colons++;
		else if (!nb_name_char(v[i]))
			return "ip: dhcp or client:server:gw:mask:host:dev:autoconf:dns1:dns2";
	}
	if (colons < 3 || colons > 8)
		return "ip: dhcp or client:server:gw:mask:host:dev:autoconf:dns1:dns2";
	return nb_put_str(field, size, v, n);
}

/* Module names, separated by commas or spaces; stored comma-joined. */
static int module_char(char c)
{
	return nb_is_alnum(c) || c == '_' || c == '-';
}

static const char *p_modules(void *field, size_t size, const char *v, size_t n)
{
	char out[128];
	struct nb_buf b;
	size_t words;
	const char *why;

	nb_buf_init(&b, out, sizeof(out));
	if ((why = join_words(v, n, 1, module_char,
			      "modules: names of a-z, 0-9, '_' and '-'", ',',
			      &b, &words)) != NULL)
		return why;
	if (b.overflow)
		return "modules: too long";
	return nb_put_str(field, size, out, b.len);
}

/* Arguments the command line builder owns; a user extra may not set them
 * again (two modloop= would leave which one wins to Alpine's parser). */
static const char *const owned_args[] = {
	"modules=", "modloop=", "apkovl=", "alpine_repo=", "ip=", "BOOTIF=",
	"initrd=",
};

/* Extra kernel arguments, split on spaces; each printable, no quotes (the
 * kernel's quoting would not survive iPXE), no '$' (iPXE would expand it). */
static const char *p_cmdline(void *field, size_t size, const char *v, size_t n)
{
	char out[NB_EXTRA_MAX];
	struct nb_buf b;
	size_t pos = 0, i, k, wn, words = 0;
	const char *w;

	nb_buf_init(&b, out, sizeof(out));
	while ((wn = nb_word_next(v, n, &pos, 0, &w)) > 0) {
		for (i = 0; i < wn; i++)
			if (!url_char(w[i]) && w[i] != '{' && w[i] != '}')
				return "cmdline: quote, '$', '\\' or control character";
		for (k = 0; k < sizeof(owned_args) / sizeof(owned_args[0]); k++)
			if (nb_has_prefix(w, wn, owned_args[k]))
				return "cmdline: this argument has its own key";
		if (words++ > 0)
			nb_buf_putc(&b, ' ');
		nb_buf_putn(&b, w, wn);
	}
	if (b.overflow)
		return "cmdline: too long";
	return nb_put_str(field, size, out, b.len);
}

/* Menu items by name: default = and fallback = use the same words. */
static const struct { const char *name; uint32_t item; } fallback_words[] = {
	{ "retry", NB_FB_RETRY },
	{ "mirrors", NB_FB_MIRRORS },
	{ "flavor", NB_FB_FLAVOR },
	{ "no-apkovl", NB_FB_NOAPKOVL },
	{ "shell", NB_FB_SHELL },
	{ "reboot", NB_FB_REBOOT },
	{ "exit", NB_FB_EXIT },
};

static uint32_t fallback_word(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(fallback_words) / sizeof(fallback_words[0]); i++)
		if (nb_tok_eq(v, n, fallback_words[i].name))
			return fallback_words[i].item;
	return 0;
}

/* default = retry | mirrors | flavor | no-apkovl | shell | reboot | exit |
 * branch:NAME. */
static const char *p_default(void *field, size_t size, const char *v, size_t n)
{
	if (nb_has_prefix(v, n, "branch:")) {
		if (check_branch(v + 7, n - 7))
			return "default: branch:NAME needs a branch name";
	} else if (!fallback_word(v, n)) {
		return "default: retry, mirrors, flavor, no-apkovl, shell, reboot, exit or branch:NAME";
	}
	return nb_put_str(field, size, v, n);
}

/* fallback = words from fallback_words, branch:NAME (repeatable) or none. */
static const char *p_fallback(void *field, size_t size, const char *v, size_t n)
{
	struct nb_fallback fb;
	size_t pos = 0, wn;
	const char *w;

	(void)size;
	nb_memset(&fb, 0, sizeof(fb));
	while ((wn = nb_word_next(v, n, &pos, 0, &w)) > 0) {
		uint32_t item;

		if (nb_tok_eq(w, wn, "none"))
			continue;
		if (nb_has_prefix(w, wn, "branch:")) {
			if (check_branch(w + 7, wn - 7))
				return "fallback: branch:NAME needs a branch name";
			if (fb.n_branch >= NB_MAX_ALT_BRANCH)
				return "fallback: at most 16 branch: items";
			nb_strlcpy(fb.branch[fb.n_branch++], NB_BRANCH_MAX,
				   w + 7, wn - 7);
			fb.items |= NB_FB_BRANCH;
			continue;
		}
		if (!(item = fallback_word(w, wn)))
			return "fallback: retry, mirrors, branch:NAME, flavor, no-apkovl, shell, reboot, exit or none";
		fb.items |= item;
	}
	nb_memcpy(field, &fb, sizeof(fb));
	return NULL;
}

static const char *p_sha(void *field, size_t size, const char *v, size_t n)
{
	(void)size;
	return nb_hex_parse(v, n, field, 32) ? "sha256: 64 hex digits" : NULL;
}

static const char *p_sha_add(void *field, size_t size, const char *v, size_t n)
{
	struct nb_sha_list *l = field;

	(void)size;
	if (l->n >= NB_PLAN_MAX_INITRDS)
		return "too many values (at most 4)";
	if (nb_hex_parse(v, n, l->v[l->n], 32))
		return "sha256: 64 hex digits";
	l->n++;
	return NULL;
}

/* Bytes, with an optional K, M or G suffix (powers of 1024). */
static const char *p_size(void *field, size_t size, const char *v, size_t n)
{
	uint64_t x, mul = 1;

	(void)size;
	if (n > 0 && (v[n - 1] == 'K' || v[n - 1] == 'M' || v[n - 1] == 'G')) {
		mul = v[n - 1] == 'K' ? 1024 : v[n - 1] == 'M' ? 1024 * 1024 :
		      1024 * 1024 * 1024;
		n--;
	}
	if (nb_parse_u64(v, n, ((uint64_t)1 << 40) / mul, &x) || x == 0)
		return "size: bytes (or K, M, G), 1 to 1T";
	*(uint64_t *)field = x * mul;
	return NULL;
}

/* ---- text keys: a length and a character class ------------------------ */

static int hostname_char(char c)
{
	return nb_is_alnum(c) || c == '-' || c == '.';
}

/* Titles appear in iPXE's menu and echo lines: no '$' (expansion), no
 * control characters. */
static int title_char(char c)
{
	return c >= ' ' && c <= '~' && c != '$' && c != '"';
}


static const char *text_check(const struct nb_text_rule *r, const char *v, size_t n)
{
	size_t i;

	if (n < r->min || (r->max != 0 && n > r->max))
		return r->why_len;
	for (i = 0; i < n; i++)
		if (!r->ok(v[i]))
			return r->why_char;
	return NULL;
}

static const struct nb_text_rule name_rule = {
	1, 0, nb_name_char, "empty name", "names use letters, digits, '-', '_' and '.'"
};

/* ---- key tables ------------------------------------------------------- */

#define PK(name, fn, f, bit, rep, safe) \
	{ name, fn, NB_FIELD(nb_profile, f), bit, rep, safe, 0, 0, NULL, NULL }
#define PN(name, f, bit, lo, hi, unit) \
	{ name, NULL, NB_FIELD(nb_profile, f), bit, 0, NB_NO_SAFE, lo, hi, unit, NULL }
/* Text keys: min to max characters of a class (struct nb_text_rule). */
#define PT(name, f, bit, safe, ...) \
	{ name, NULL, NB_FIELD(nb_profile, f), bit, 0, safe, 0, 0, NULL, \
	  &(const struct nb_text_rule){ __VA_ARGS__ } }


/* Valid in [profile NAME] and [client ...]. The same table drives
 * nb_section_apply, so a key added here is inherited correctly. */
static const struct nb_key profile_keys[] = {
	PT("title", title, NB_SET_TITLE, NB_SAFE_TEXT, 0, 0, title_char, "value too long",
	   "title: printable ASCII without '$' or '\"'"),
	PK("flavor", p_flavor, flavor, NB_SET_FLAVOR, 0, NB_SAFE_WORD),
	PK("branch", p_branch, branch, NB_SET_BRANCH, 0, NB_SAFE_WORD),
	PK("mirror", p_mirror, mirror, NB_SET_MIRROR, 1, NB_SAFE_WORD),
	PK("repos", p_repos, repos, NB_SET_REPOS, 0, NB_SAFE_WORDS),
	PK("kernel", p_path, kernel, NB_SET_KERNEL, 0, NB_SAFE_WORD),
	PK("initrd", p_path_add, initrd, NB_SET_INITRD, 1, NB_SAFE_WORD),
	PK("modloop", p_modloop, modloop, NB_SET_MODLOOP, 0, NB_SAFE_WORD),
	PK("apkovl", p_apkovl, apkovl, NB_SET_APKOVL, 0, NB_SAFE_WORD),
	PK("ip", p_ip, ip, NB_SET_IP, 0, NB_SAFE_WORD),
	PK("modules", p_modules, modules, NB_SET_MODULES, 0, NB_SAFE_WORDS),
	PT("hostname", hostname, NB_SET_HOSTNAME, NB_SAFE_WORD, 1, 63, hostname_char,
	   "hostname: 1 to 63 characters", "hostname: letters, digits, '-' and '.'"),
	PK("cmdline", p_cmdline, cmdline, NB_SET_CMDLINE, 0, NB_SAFE_WORDS),
	PN("timeout", timeout_s, NB_SET_TIMEOUT, 0, 3600, "seconds"),
	PK("default", p_default, default_item, NB_SET_DEFAULT, 0, NB_SAFE_WORD),
	PK("fallback", p_fallback, fallback, NB_SET_FALLBACK, 0, NB_SAFE_WORDS),
	PK("kernel-sha256", p_sha, kernel_sha256, NB_SET_KERNEL_SHA, 0, NB_NO_SAFE),
	PK("initrd-sha256", p_sha_add, initrd_sha256, NB_SET_INITRD_SHA, 1, NB_NO_SAFE),
	PK("max-file-size", p_size, max_file_size, NB_SET_MAX_SIZE, 0, NB_NO_SAFE),
};

#define N_KEYS(t) (sizeof(t) / sizeof((t)[0]))

/* A number key's value into its uint32_t field: NULL, or "NAME: UNIT, MIN
 * to MAX" written into why. */
static const char *num_parse(const struct nb_key *k, void *field, const char *v,
			     size_t n, char why[NB_KEY_WHY_MAX])
{
	struct nb_buf b;
	uint64_t x;

	if (nb_parse_u64(v, n, k->max, &x) == 0 && x >= k->min) {
		*(uint32_t *)field = (uint32_t)x;
		return NULL;
	}
	nb_buf_init(&b, why, NB_KEY_WHY_MAX);
	nb_buf_puts(&b, k->name);
	nb_buf_puts(&b, ": ");
	nb_buf_puts(&b, k->unit);
	nb_buf_puts(&b, ", ");
	nb_buf_putu(&b, k->min);
	nb_buf_puts(&b, " to ");
	nb_buf_putu(&b, k->max);
	return why;
}

/* k's value into its field in base: NULL, or what is wrong. */
const char *nb_key_parse(const struct nb_key *k, void *base, const char *v,
			     size_t n, char why[NB_KEY_WHY_MAX])
{
	const char *bad;

	if (k->parse != NULL)
		return k->parse((char *)base + k->off, k->size, v, n);
	if (k->text == NULL)
		return num_parse(k, (char *)base + k->off, v, n, why);
	if ((bad = text_check(k->text, v, n)) != NULL)
		return bad;
	return nb_put_str((char *)base + k->off, k->size, v, n);
}

/* ---- the parser ------------------------------------------------------- */

static const char *file_name(const struct nb_config *cfg, uint32_t file)
{
	return cfg->text + cfg->file[file];
}

int nb_config_error(const struct nb_config *cfg, const struct nb_where *at,
		    const char *what, const char *v, size_t n, char err[NB_ERR_MAX])
{
	struct nb_buf b;

	nb_buf_init(&b, err, NB_ERR_MAX);
	nb_buf_puts(&b, file_name(cfg, at->file));
	nb_buf_putc(&b, ':');
	nb_buf_putu(&b, at->line);
	nb_buf_puts(&b, ": ");
	nb_buf_puts(&b, what);
	if (v != NULL) {
		size_t i;

		nb_buf_puts(&b, ": '");
		for (i = 0; i < n && i < 64; i++)
			nb_buf_putc(&b, v[i] >= ' ' && v[i] <= '~' ? v[i] : '?');
		nb_buf_puts(&b, n > 64 ? "...'" : "'");
	}
	return -NB_EINVAL;
}

static int fail(struct parser *p, const char *what, const char *v, size_t n)
{
	struct nb_where at = { p->file, p->line };

	/* cfg->text may move as keys are added: the name is looked up now. */
	return nb_config_error(p->cfg, &at, what, v, n, p->err);
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && nb_is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (nb_is_space((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* "uuid=" value: 8-4-4-4-12 hex digits, stored lower case. */
static int parse_uuid(const char *v, size_t n, char ret[37])
{
	size_t i;
	char out[37];

	if (n != 36)
		return -NB_EINVAL;
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -NB_EINVAL;
		} else if (c >= 'A' && c <= 'F') {
			c = (char)(c - 'A' + 'a');
		} else if (!nb_is_digit(c) && !(c >= 'a' && c <= 'f')) {
			return -NB_EINVAL;
		}
		out[i] = c;
	}
	out[36] = '\0';
	nb_memcpy(ret, out, sizeof(out));
	return 0;
}

/* "52:54:00:*" or "52-54-00-*" (any case): 1 to 5 whole octets, one
 * separator throughout, then the separator and '*'. 0 and the octets in
 * ret_mac (the rest zero) and *ret_len, or -EINVAL. */
static int parse_mac_prefix(const char *v, size_t n, uint8_t ret_mac[6],
			    unsigned *ret_len)
{
	uint8_t mac[6] = { 0 };
	unsigned octets, i;
	char sep;

	if (n < 4 || (n - 1) % 3 != 0 || v[n - 1] != '*')
		return -NB_EINVAL;
	octets = (unsigned)(n - 1) / 3;
	if (octets > 5)
		return -NB_EINVAL;
	sep = v[2];
	if (sep != ':' && sep != '-')
		return -NB_EINVAL;
	for (i = 0; i < octets; i++) {
		int hi = nb_hex_digit(v[3 * i]), lo = nb_hex_digit(v[3 * i + 1]);

		if (hi < 0 || lo < 0 || v[3 * i + 2] != sep)
			return -NB_EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	nb_memcpy(ret_mac, mac, 6);
	*ret_len = octets;
	return 0;
}

/* The section's kind and key from its argument ("MAC", "PREFIX:*",
 * "uuid=U", "arch=N"). 0, or fail()'s -EINVAL. */
static int client_key(struct parser *p, const char *a, size_t n,
		      struct nb_client_conf *c)
{
	if (nb_has_prefix(a, n, "uuid=")) {
		c->match = NB_MATCH_UUID;
		if (parse_uuid(a + 5, n - 5, c->uuid))
			return fail(p, "bad UUID (8-4-4-4-12 hex digits)", a + 5, n - 5);
	} else if (nb_has_prefix(a, n, "arch=")) {
		uint64_t x;

		c->match = NB_MATCH_ARCH;
		if (nb_parse_u64(a + 5, n - 5, 65535, &x))
			return fail(p, "bad client arch (RFC 4578 number)", a + 5, n - 5);
		c->arch = (int)x;
	} else if (n > 0 && a[n - 1] == '*') {
		unsigned len;

		c->match = NB_MATCH_PREFIX;
		if (parse_mac_prefix(a, n, c->mac, &len))
			return fail(p, "bad MAC prefix (1 to 5 octets then :*, e.g. 52:54:00:*)", a, n);
		c->prefix_len = (uint8_t)len;
	} else {
		c->match = NB_MATCH_MAC;
		if (nb_mac_parse(a, n, c->mac))
			return fail(p, "bad MAC address (aa:bb:cc:dd:ee:ff)", a, n);
	}
	return 0;
}

void nb_section_name(const struct nb_client_conf *cc, char out[64])
{
	char mac[18];
	struct nb_buf b;

	nb_buf_init(&b, out, 64);
	switch (cc->match) {
	case NB_MATCH_MAC:
	case NB_MATCH_PREFIX:
		nb_mac_format(cc->mac, ':', mac);
		if (cc->match == NB_MATCH_MAC) {
			nb_buf_puts(&b, mac);
		} else {
			nb_buf_putn(&b, mac, (size_t)cc->prefix_len * 3);
			nb_buf_putc(&b, '*');
		}
		break;
	case NB_MATCH_UUID:
		nb_buf_puts(&b, "uuid=");
		nb_buf_puts(&b, cc->uuid);
		break;
	default:
		nb_buf_puts(&b, "arch=");
		if (cc->arch < 0)
			nb_buf_putc(&b, '-');
		nb_buf_putu(&b, (uint64_t)(cc->arch < 0 ? -(int64_t)cc->arch : cc->arch));
		break;
	}
}

/* "duplicate WHAT (first at line N)", or "(first at FILE:N)" when the
 * first stands in another file: the reader fixes one of two places. */
static int fail_dup(struct parser *p, const char *what,
		    const struct nb_where *first, const char *v, size_t n)
{
	char msg[NB_ERR_MAX];
	struct nb_buf b;

	nb_buf_init(&b, msg, sizeof(msg));
	nb_buf_puts(&b, what);
	nb_buf_puts(&b, " (first at ");
	if (first->file == p->file) {
		nb_buf_puts(&b, "line ");
	} else {
		nb_buf_puts(&b, file_name(p->cfg, first->file));
		nb_buf_putc(&b, ':');
	}
	nb_buf_putu(&b, first->line);
	nb_buf_putc(&b, ')');
	return fail(p, msg, v, n);
}

/* Room for one more element in a growing array. 0 or -ENOMEM. */
static int reserve(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *a;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	a = realloc(*arr, ncap * size);
	if (a == NULL)
		return -ENOMEM;
	*arr = a;
	*cap = ncap;
	return 0;
}

/* Room for n more bytes in cfg->text, whose offsets are 32 bits.
 * 0, -E2BIG or -ENOMEM. */
static int text_reserve(struct nb_config *cfg, size_t n)
{
	size_t need = cfg->text_len + n, ncap;
	char *t;

	if (need > UINT32_MAX)
		return -E2BIG;
	if (need <= cfg->cap_text)
		return 0;
	for (ncap = cfg->cap_text ? cfg->cap_text : 4096; ncap < need; ncap *= 2)
		;
	if ((t = realloc(cfg->text, ncap)) == NULL)
		return -ENOMEM;
	cfg->text = t;
	cfg->cap_text = ncap;
	return 0;
}

int nb_text_add(struct nb_config *cfg, const char *s, size_t n, uint32_t *ret_off)
{
	int r;

	if ((r = text_reserve(cfg, n + 1)) < 0)
		return r;
	memcpy(cfg->text + cfg->text_len, s, n);
	cfg->text[cfg->text_len + n] = '\0';
	*ret_off = (uint32_t)cfg->text_len;
	cfg->text_len += n + 1;
	return 0;
}

/* An allocation failed: the line where it happened, and the errno. */
static int fail_errno(struct parser *p, int r)
{
	(void)fail(p, r == -ENOMEM ? "out of memory" :
		   "config too large (over 4 GiB of keys)", NULL, 0);
	return r;
}

/* A new section: its keys start at the end of cfg->text, and nothing
 * else is added there until the next section (file names are added when
 * a file starts, outside any section). */
static void section_start(struct parser *p, enum section sec, uint32_t idx)
{
	p->sec = sec;
	p->idx = idx;
	p->seen = 0;
	p->after_include = 0;
	memset(&p->scratch, 0, sizeof(p->scratch));
}

static struct nb_keys *section_keys(struct parser *p)
{
	return p->sec == SEC_CLIENT ? &p->cfg->client[p->idx].keys :
	       &p->cfg->profile[p->idx].keys;
}

static int section_client(struct parser *p, const char *a, size_t n)
{
	struct nb_config *cfg = p->cfg;
	const struct nb_client_conf *dup;
	struct nb_client_conf c;
	int r;

	memset(&c, 0, sizeof(c));
	c.arch = -1;
	c.at.file = p->file;
	c.at.line = p->line;
	c.profile = NB_NO_PROFILE;
	c.profile_name = NB_NO_PROFILE;
	if ((r = client_key(p, a, n, &c)) < 0)
		return r;
	if ((dup = nb_config_section(cfg, &c)) != NULL)
		return fail_dup(p, "duplicate client section", &dup->at, a, n);
	if (cfg->n_client >= NB_MAX_CLIENTS)
		return fail(p, "too many client sections (the sanity cap is 1000000)",
			    NULL, 0);
	if ((r = reserve((void **)&cfg->client, &cfg->cap_client, cfg->n_client,
			 sizeof(c))) < 0 ||
	    (r = nb_index_add(&cfg->by_section, nb_section_hash(&c),
			      cfg->n_client)) < 0)
		return fail_errno(p, r);
	c.keys.off = (uint32_t)cfg->text_len;
	cfg->client[cfg->n_client] = c;
	if (c.match == NB_MATCH_ARCH)
		cfg->n_arch++;
	if (c.match == NB_MATCH_PREFIX) {
		cfg->n_prefix++;
		cfg->prefix_lens |= (uint8_t)(1u << c.prefix_len);
	}
	section_start(p, SEC_CLIENT, cfg->n_client++);
	return 0;
}

static int section_profile(struct parser *p, const char *a, size_t an)
{
	struct nb_config *cfg = p->cfg;
	const struct nb_named_profile *dup;
	struct nb_named_profile np;
	unsigned i;
	int r;

	for (i = 0; i < an; i++)
		if (!nb_name_char(a[i]))
			return fail(p, "bad profile name", a, an);
	if (an >= NB_NAME_MAX)
		return fail(p, "profile name too long", a, an);
	memset(&np, 0, sizeof(np));
	memcpy(np.name, a, an);
	if ((dup = nb_config_profile(cfg, np.name)) != NULL)
		return fail_dup(p, "duplicate profile", &dup->at, a, an);
	if (cfg->n_profile >= NB_MAX_PROFILES)
		return fail(p, "too many profiles (the sanity cap is 100000)", NULL, 0);
	if ((r = reserve((void **)&cfg->profile, &cfg->cap_profile,
			 cfg->n_profile, sizeof(np))) < 0 ||
	    (r = nb_index_add(&cfg->by_name, nb_name_hash(np.name),
			      cfg->n_profile)) < 0)
		return fail_errno(p, r);
	np.at.file = p->file;
	np.at.line = p->line;
	np.keys.off = (uint32_t)cfg->text_len;
	cfg->profile[cfg->n_profile] = np;
	section_start(p, SEC_PROFILE, cfg->n_profile++);
	return 0;
}

static int section(struct parser *p, const char *s, size_t n)
{
	size_t w;
	const char *a;
	size_t an;

	trim(&s, &n);
	for (w = 0; w < n && !nb_is_space(s[w]); w++)
		;
	a = s + w;
	an = n - w;
	trim(&a, &an);
	section_start(p, SEC_NONE, 0);

	if (nb_tok_eq(s, w, "server") && an == 0) {
		p->sec = SEC_SERVER;
		p->cfg->n_server_section++;
		return 0;
	}
	if (nb_tok_eq(s, w, "client") && an > 0)
		return section_client(p, a, an);
	if (!nb_tok_eq(s, w, "profile") || an == 0)
		return fail(p, "unknown section (server, profile NAME, client MAC)", s, n);
	return section_profile(p, a, an);
}

const struct nb_key *nb_key_find(const struct nb_key *t, size_t nt,
				  const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (nb_tok_eq(k, n, t[i].name))
			return &t[i];
	return NULL;
}

/* Keep a checked key of the current section: its table index, the value,
 * a NUL. The section's keys stay contiguous (section_start). */
static int keep_key(struct parser *p, uint8_t kid, const char *v, size_t vn)
{
	struct nb_config *cfg = p->cfg;
	struct nb_keys *keys;
	int r;

	if ((r = text_reserve(cfg, vn + 2)) < 0)
		return fail_errno(p, r);
	cfg->text[cfg->text_len] = (char)kid;
	memcpy(cfg->text + cfg->text_len + 1, v, vn);
	cfg->text[cfg->text_len + 1 + vn] = '\0';
	cfg->text_len += vn + 2;
	keys = section_keys(p);
	keys->len = (uint32_t)(cfg->text_len - keys->off);
	return 0;
}

/* A [server] key, kept as written with where it stands: its meaning is
 * netbootd's (server-min/config_load.c checks it, FILE:LINE and all). */
static int keep_server_key(struct parser *p, const char *k, size_t kn,
			   const char *v, size_t vn)
{
	struct nb_config *cfg = p->cfg;
	struct nb_server_kv kv = { { p->file, p->line }, 0, cfg->n_server_section };
	uint32_t voff;
	int r;

	if ((r = reserve((void **)&cfg->server_kv, &cfg->cap_server_kv,
			 cfg->n_server_kv, sizeof(kv))) < 0 ||
	    (r = nb_text_add(cfg, k, kn, &kv.key)) < 0 ||
	    (r = nb_text_add(cfg, v, vn, &voff)) < 0)
		return fail_errno(p, r);
	cfg->server_kv[cfg->n_server_kv++] = kv;
	return 0;
}

static int assign_profile_name(struct parser *p, const char *k, size_t kn,
			       const char *v, size_t vn)
{
	struct nb_client_conf *cc = &p->cfg->client[p->idx];
	char name[NB_NAME_MAX];
	const char *why;
	int r;

	if (cc->profile_name != NB_NO_PROFILE)
		return fail(p, "duplicate key", k, kn);
	if ((why = text_check(&name_rule, v, vn)) != NULL ||
	    (why = nb_put_str(name, sizeof(name), v, vn)) != NULL)
		return fail(p, why, v, vn);
	if ((r = keep_key(p, KEY_PROFILE, v, vn)) < 0)
		return r;
	cc = &p->cfg->client[p->idx];
	/* The value just kept: after the key byte, vn bytes and a NUL. */
	cc->profile_name = (uint32_t)(p->cfg->text_len - vn - 1);
	cc->profile_line = p->line;
	return 0;
}

static int assign(struct parser *p, const char *k, size_t kn,
		  const char *v, size_t vn)
{
	const struct nb_key *key;
	void *base;
	const char *why;
	char num_why[NB_KEY_WHY_MAX];

	switch (p->sec) {
	case SEC_NONE:
		return fail(p, p->after_include ?
			    "key outside a section (an include line ends the section above it)" :
			    "key outside a section", k, kn);
	case SEC_SERVER:
		return keep_server_key(p, k, kn, v, vn);
	default:
		if (p->sec == SEC_CLIENT && nb_tok_eq(k, kn, "profile"))
			return assign_profile_name(p, k, kn, v, vn);
		key = nb_key_find(profile_keys, N_KEYS(profile_keys), k, kn);
		if (key == NULL)
			return fail(p, p->sec == SEC_CLIENT ?
				    "unknown key in [client]" :
				    "unknown key in [profile]", k, kn);
		base = &p->scratch;
		break;
	}
	if ((p->seen & key->bit) && !key->repeatable)
		return fail(p, "duplicate key", k, kn);
	why = nb_key_parse(key, base, v, vn, num_why);
	/* The one safety gate (embed/safe.c), after the key's own rules so
	 * their more specific message wins. */
	if (why == NULL && key->safe != NB_NO_SAFE)
		why = nb_safe_check_template((enum nb_safe_kind)key->safe, v, vn);
	if (why)
		return fail(p, why, v, vn);
	p->seen |= key->bit;
	section_keys(p)->set |= key->bit;
	return keep_key(p, (uint8_t)(key - profile_keys), v, vn);
}

/* "include = PATTERN" anywhere: it ends the section above it, so that a
 * key after it cannot silently land in a section of another file. */
static int is_include(const char *k, size_t kn)
{
	return nb_tok_eq(k, kn, "include");
}

static int parse_line(struct parser *p, const char *s, size_t n)
{
	size_t eq, kn;
	const char *v;
	size_t vn;

	trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (s[0] == '[') {
		if (s[n - 1] != ']' || n < 2)
			return fail(p, "section header without ']'", s, n);
		return section(p, s + 1, n - 2);
	}
	for (eq = 0; eq < n && s[eq] != '='; eq++)
		;
	if (eq == n)
		return fail(p, "expected key = value", s, n);
	kn = eq;
	trim(&s, &kn);
	v = s + eq + 1;
	vn = n - eq - 1;
	trim(&v, &vn);
	if (kn == 0)
		return fail(p, "empty key", NULL, 0);
	if (is_include(s, kn)) {
		int r;

		if (vn == 0)
			return fail(p, "include: a file or a pattern (e.g. clients.d/*.conf)",
				    NULL, 0);
		section_start(p, SEC_NONE, 0);
		r = nb_include(p->ld, p->cfg, p->file, p->line, v, vn, p->err);
		p->after_include = 1;
		return r;
	}
	return assign(p, s, kn, v, vn);
}

/* After every file: profile= names become indices. */
int nb_parse_finish(struct nb_config *cfg, char *err)
{
	unsigned i;

	for (i = 0; i < cfg->n_client; i++) {
		struct nb_client_conf *c = &cfg->client[i];
		const struct nb_named_profile *np;
		const char *name;

		if (c->profile_name == NB_NO_PROFILE)
			continue;
		name = cfg->text + c->profile_name;
		if ((np = nb_config_profile(cfg, name)) == NULL) {
			struct parser p;

			memset(&p, 0, sizeof(p));
			p.cfg = cfg;
			p.file = c->at.file;
			p.line = c->profile_line;
			p.err = err;
			return fail(&p, "no such profile", name, strlen(name));
		}
		c->profile = (uint32_t)(np - cfg->profile);
	}
	return 0;
}

int nb_parse_text(struct nb_loader *ld, struct nb_config *cfg, uint32_t file_idx,
		  const char *text, size_t len, char *err)
{
	struct parser *p;
	size_t i = 0;
	int r = 0;

	/* The scratch profile is kilobytes and includes nest: not on the stack. */
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->ld = ld;
	p->cfg = cfg;
	p->file = file_idx;
	p->err = err;

	/* Editors on some systems start UTF-8 files with a byte order mark. */
	if (len >= 3 && nb_memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		size_t s = i;

		p->line++;
		while (i < len && text[i] != '\n') {
			if (text[i] == '\0') {
				r = fail(p, "NUL byte in text", NULL, 0);
				goto out;
			}
			i++;
		}
		if ((r = parse_line(p, text + s, i - s)) < 0)
			goto out;
		if (i < len)
			i++;   /* the '\n' */
	}
out:
	free(p);
	return r;
}

void nb_section_apply(const struct nb_config *cfg, const struct nb_keys *keys,
		      struct nb_profile *dst)
{
	const char *t = cfg->text + keys->off, *end = t + keys->len;
	uint32_t applied = 0;

	while (t < end) {
		uint8_t kid = (uint8_t)t[0];
		const char *v = t + 1;
		size_t vn = strlen(v);
		const struct nb_key *k;
		char num_why[NB_KEY_WHY_MAX];

		t = v + vn + 1;
		if (kid >= N_KEYS(profile_keys))
			continue;              /* KEY_PROFILE: not a setting */
		k = &profile_keys[kid];
		/* A list key replaces the list below it, not adds to it. */
		if (k->repeatable && !(applied & k->bit))
			memset((char *)dst + k->off, 0, k->size);
		/* Checked when the file was read: cannot fail now. */
		(void)nb_key_parse(k, dst, v, vn, num_why);
		applied |= k->bit;
		dst->set |= k->bit;
	}
}

int nb_keys_equal(const struct nb_config *a, const struct nb_keys *ka,
		  const struct nb_config *b, const struct nb_keys *kb)
{
	return ka->len == kb->len &&
	       memcmp(a->text + ka->off, b->text + kb->off, ka->len) == 0;
}

const char *nb_client_profile_name(const struct nb_config *cfg,
				   const struct nb_client_conf *cc)
{
	return cc->profile_name == NB_NO_PROFILE ? NULL : cfg->text + cc->profile_name;
}

const char *nb_config_file(const struct nb_config *cfg, const struct nb_where *at)
{
	return at->file < cfg->n_file ? file_name(cfg, at->file) : "?";
}


const struct nb_server_conf *nb_config_server(const struct nb_config *cfg)
{
	return &cfg->server;
}
