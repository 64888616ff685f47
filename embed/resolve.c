/* resolve.c: config + client -> the plan the client boots.
 *
 * Picks the client's section (MAC, else SMBIOS UUID, else the longest MAC
 * prefix, else client arch) with a few hash probes (config_index.c), so
 * it costs the same with 10 client sections or 1,000,000; layers the profiles (resolve.h), expands ${flavor} ${branch} ${arch}
 * ${mac} ${server} in paths, makes them absolute against the server's
 * http base, and builds entry 0 (the boot) plus the fallback entries the
 * profile asks for. The command line of each boot entry comes from
 * nb_cmdline_build() (cmdline.c) and nowhere else.
 */
#include <string.h>

#include "plan/cmdline.h"
#include "plan/mac.h"
#include "embed/resolve.h"
#include "plan/str.h"

#define DEFAULT_MIRROR    "https://dl-cdn.alpinelinux.org/alpine"
#define DEFAULT_MAX_SIZE  (512ull * 1024 * 1024)

/* The built-in defaults, documented in netbootd.conf(5): an empty config
 * with Alpine's netboot files under boot/ boots flavor lts. */
static void profile_defaults(struct nb_profile *ret)
{
	struct nb_profile *p = ret;

	nb_memset(p, 0, sizeof(*p));
	nb_strlcpy(p->flavor, sizeof(p->flavor), "lts", 3);
	nb_strlcpy(p->branch, sizeof(p->branch), "latest-stable", 13);
	nb_strlcpy(p->mirror.v[0], NB_URL_MAX, DEFAULT_MIRROR,
		   sizeof(DEFAULT_MIRROR) - 1);
	p->mirror.n = 1;
	nb_strlcpy(p->repos, sizeof(p->repos), "main community", 14);
	nb_strlcpy(p->kernel, sizeof(p->kernel), "boot/vmlinuz-${flavor}", 22);
	nb_strlcpy(p->initrd.v[0], NB_URL_MAX, "boot/initramfs-${flavor}", 24);
	p->initrd.n = 1;
	nb_strlcpy(p->modloop, sizeof(p->modloop), "boot/modloop-${flavor}", 22);
	nb_strlcpy(p->ip, sizeof(p->ip), "dhcp", 4);
	p->timeout_s = 10;
	nb_strlcpy(p->default_item, sizeof(p->default_item), "retry", 5);
	p->fallback.items = NB_FB_RETRY | NB_FB_MIRRORS | NB_FB_FLAVOR |
			    NB_FB_NOAPKOVL | NB_FB_SHELL | NB_FB_REBOOT |
			    NB_FB_EXIT;
	p->max_file_size = DEFAULT_MAX_SIZE;
}

/* IANA "Processor Architecture Types" (RFC 4578 section 2.1, RFC 5970)
 * to Alpine's architecture names. */
static const struct { int arch; const char *name; } arch_names[] = {
	{ 0, "x86_64" },     /* x86 BIOS: Alpine's x86_64 netboot files */
	{ 6, "x86" },        /* x86 UEFI (32-bit) */
	{ 7, "x86_64" },     /* x64 UEFI */
	{ 9, "x86_64" },     /* "EBC", sent by x64 UEFI firmware in practice */
	{ 10, "armv7" },     /* ARM 32-bit UEFI */
	{ 11, "aarch64" },   /* ARM 64-bit UEFI */
	{ 16, "x86_64" },    /* x64 UEFI HTTP boot */
	{ 19, "aarch64" },   /* ARM 64-bit UEFI HTTP boot */
};

/* "x86_64" for BIOS and x64 UEFI, and when unknown. */
static const char *arch_name(int arch)
{
	size_t i;

	for (i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
		if (arch_names[i].arch == arch)
			return arch_names[i].name;
	return "x86_64";
}

/* The precedence, most specific first (docs/netbootd.conf.5 "MATCHING"):
 * exact MAC, UUID, the longest MAC prefix, arch. The parser refuses two
 * sections of the same kind and key, so each probe finds at most one; a
 * few hash probes whatever the number of sections (config_index.c). */
const struct nb_client_conf *nb_config_match(const struct nb_config *cfg,
					     const struct nb_client *c)
{
	const struct nb_client_conf *cc;
	struct nb_client_conf key;
	unsigned len;

	if (c == NULL || cfg->n_client == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	if (c->has_mac) {
		key.match = NB_MATCH_MAC;
		memcpy(key.mac, c->mac, 6);
		if ((cc = nb_config_section(cfg, &key)) != NULL)
			return cc;
	}
	if (nb_strnlen(c->uuid, sizeof(c->uuid)) == 36) {
		unsigned i;

		memset(&key, 0, sizeof(key));
		key.match = NB_MATCH_UUID;
		for (i = 0; i < 36; i++) {
			char ch = c->uuid[i];

			key.uuid[i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
		}
		if ((cc = nb_config_section(cfg, &key)) != NULL)
			return cc;
	}
	for (len = 5; c->has_mac && cfg->n_prefix > 0 && len >= 1; len--) {
		if (!(cfg->prefix_lens & (1u << len)))
			continue;
		memset(&key, 0, sizeof(key));
		key.match = NB_MATCH_PREFIX;
		key.prefix_len = (uint8_t)len;
		memcpy(key.mac, c->mac, len);
		if ((cc = nb_config_section(cfg, &key)) != NULL)
			return cc;
	}
	if (c->arch >= 0 && cfg->n_arch > 0) {
		memset(&key, 0, sizeof(key));
		key.match = NB_MATCH_ARCH;
		key.arch = c->arch;
		return nb_config_section(cfg, &key);
	}
	return NULL;
}

int nb_config_knows(const struct nb_config *cfg, const struct nb_client *c)
{
	const struct nb_client_conf *cc = nb_config_match(cfg, c);

	return cc != NULL && cc->match != NB_MATCH_ARCH;
}

/* The effective profile when section cc applies (NULL: none does): the
 * built-in defaults, [profile default], cc's profile=, cc's own keys.
 * 0, or -EINVAL when cc names a profile not in cfg. */
static int layer_profile(const struct nb_config *cfg,
			 const struct nb_client_conf *cc, struct nb_profile *ret)
{
	const struct nb_named_profile *np;

	if (cc != NULL && cc->profile != NB_NO_PROFILE && cc->profile >= cfg->n_profile)
		return -NB_EINVAL;
	profile_defaults(ret);
	if ((np = nb_config_profile(cfg, "default")) != NULL)
		nb_section_apply(cfg, &np->keys, ret);
	if (cc == NULL)
		return 0;
	if (cc->profile != NB_NO_PROFILE)
		nb_section_apply(cfg, &cfg->profile[cc->profile].keys, ret);
	nb_section_apply(cfg, &cc->keys, ret);
	return 0;
}

/* ---- expansion -------------------------------------------------------- */

struct vars {
	const char *flavor, *branch, *arch, *server;
	const uint8_t *mac;          /* NULL when unknown */
};

static int has_scheme(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return 1;
	return 0;
}

/* tmpl with ${...} replaced; a path without "scheme://" is made absolute
 * under the server. 0, -EINVAL (${mac} unknown, bad variable), -E2BIG. */
static int expand(const char *tmpl, const struct vars *v, char *out, size_t cap)
{
	char tmp[NB_URL_MAX * 2];
	struct nb_buf b;
	size_t i = 0, len;

	nb_buf_init(&b, tmp, sizeof(tmp));
	while (tmpl[i] != '\0') {
		size_t j;
		const char *name;
		char mac[18];

		if (tmpl[i] != '$' || tmpl[i + 1] != '{') {
			nb_buf_putc(&b, tmpl[i++]);
			continue;
		}
		for (j = i + 2; tmpl[j] != '\0' && tmpl[j] != '}'; j++)
			;
		if (tmpl[j] != '}')
			return -NB_EINVAL;
		name = tmpl + i + 2;
		if (nb_tok_eq(name, j - i - 2, "flavor")) {
			nb_buf_puts(&b, v->flavor);
		} else if (nb_tok_eq(name, j - i - 2, "branch")) {
			nb_buf_puts(&b, v->branch);
		} else if (nb_tok_eq(name, j - i - 2, "arch")) {
			nb_buf_puts(&b, v->arch);
		} else if (nb_tok_eq(name, j - i - 2, "server")) {
			nb_buf_puts(&b, v->server);
		} else if (nb_tok_eq(name, j - i - 2, "mac")) {
			if (v->mac == NULL)
				return -NB_EINVAL;
			nb_mac_format(v->mac, '-', mac);
			nb_buf_puts(&b, mac);
		} else {
			return -NB_EINVAL;
		}
		i = j + 1;
	}
	if (b.overflow)
		return -NB_E2BIG;

	if (has_scheme(tmp))
		return nb_strlcpy(out, cap, tmp, b.len);
	{
		char abs[NB_URL_MAX * 2];
		struct nb_buf a;
		const char *path = tmp;

		while (*path == '/')
			path++;
		nb_buf_init(&a, abs, sizeof(abs));
		nb_buf_puts(&a, v->server);
		nb_buf_putc(&a, '/');
		nb_buf_puts(&a, path);
		if (nb_buf_finish(&a, &len))
			return -NB_E2BIG;
		return nb_strlcpy(out, cap, abs, len);
	}
}

/* ---- entries ---------------------------------------------------------- */

/* What differs between the boot entries of one plan. */
struct variant {
	const char *flavor;
	const char *branch;
	const char *mirror;
	int apkovl;              /* 0: boot without the apkovl */
	int pinned;              /* the profile's sha256 pins apply */
};

struct ctx {
	const struct nb_profile *p;
	const struct nb_client *c;
	const char *server;
	const char *arch;
};

/* hostname= and the profile's cmdline= words, the end of the command line.
 * A document asked for another host (redact) leaves them out: they are
 * this client's own (ssh_key=, pkgs=, ...); what it boots stays visible.
 * 0 or -E2BIG. */
static int user_extras(const struct nb_profile *p, int redact, char *out,
		       size_t cap)
{
	struct nb_buf b;
	size_t len;

	nb_buf_init(&b, out, cap);
	if (!redact && p->hostname[0] != '\0') {
		nb_buf_puts(&b, "hostname=");
		nb_buf_puts(&b, p->hostname);
	}
	if (!redact && p->cmdline[0] != '\0') {
		if (b.len > 0)
			nb_buf_putc(&b, ' ');
		nb_buf_puts(&b, p->cmdline);
	}
	return nb_buf_finish(&b, &len) < 0 ? -NB_E2BIG : 0;
}

static int boot_entry(const struct ctx *x, const struct variant *va,
		      const char *label, struct nb_entry *e)
{
	const struct nb_profile *p = x->p;
	struct vars v = {
		.flavor = va->flavor, .branch = va->branch, .arch = x->arch,
		.server = x->server,
		.mac = x->c != NULL && x->c->has_mac ? x->c->mac : NULL,
	};
	char modloop[NB_URL_MAX], apkovl[NB_URL_MAX] = "";
	char extra[NB_EXTRA_MAX + 80];
	struct nb_cmdline_in in;
	size_t extra_off;
	unsigned i;
	int r;

	nb_memset(e, 0, sizeof(*e));
	e->action = NB_ACT_BOOT;
	nb_strlcpy(e->label, sizeof(e->label), label,
		   nb_strnlen(label, sizeof(e->label) - 1));
	if ((r = expand(p->kernel, &v, e->kernel.url, NB_URL_MAX)) < 0)
		return r;
	if (va->pinned && (p->set & NB_SET_KERNEL_SHA)) {
		nb_memcpy(e->kernel.sha256, p->kernel_sha256, 32);
		e->kernel.has_sha256 = 1;
	}
	if (p->initrd.n == 0 || p->initrd_sha256.n > p->initrd.n)
		return -NB_EINVAL;
	for (i = 0; i < p->initrd.n; i++) {
		if ((r = expand(p->initrd.v[i], &v, e->initrd[i].url,
				NB_URL_MAX)) < 0)
			return r;
		if (va->pinned && i < p->initrd_sha256.n) {
			nb_memcpy(e->initrd[i].sha256, p->initrd_sha256.v[i], 32);
			e->initrd[i].has_sha256 = 1;
		}
	}
	e->n_initrd = p->initrd.n;
	if ((r = expand(p->modloop, &v, modloop, sizeof(modloop))) < 0)
		return r;
	if (va->apkovl && p->apkovl[0] != '\0' &&
	    (r = expand(p->apkovl, &v, apkovl, sizeof(apkovl))) < 0)
		return r;

	if ((r = user_extras(p, x->c != NULL && x->c->redact, extra,
			     sizeof(extra))) < 0)
		return r;

	nb_memset(&in, 0, sizeof(in));
	in.modules = p->modules;
	in.modloop = modloop;
	in.apkovl = apkovl;
	in.mirror = va->mirror;
	in.branch = va->branch;
	in.repos = p->repos;
	in.ip = p->ip;
	in.mac = v.mac;
	in.extra = extra;
	r = nb_cmdline_build(&in, e->cmdline, sizeof(e->cmdline), NULL,
			     &extra_off);
	if (r < 0)
		return r;
	e->cmdline_extra = (unsigned)extra_off;
	return 0;
}

static void action_entry(struct nb_entry *e, enum nb_action a, const char *label)
{
	nb_memset(e, 0, sizeof(*e));
	e->action = a;
	nb_strlcpy(e->label, sizeof(e->label), label, nb_strlen(label));
}

/* "https://dl-cdn.alpinelinux.org/alpine" -> "dl-cdn.alpinelinux.org" */
static void put_host(struct nb_buf *b, const char *url)
{
	const char *h = url;
	size_t n;

	while (*h != '\0' && !(h[0] == ':' && h[1] == '/' && h[2] == '/'))
		h++;
	h = *h != '\0' ? h + 3 : url;
	for (n = 0; h[n] != '\0' && h[n] != '/'; n++)
		;
	nb_buf_putn(b, h, n);
}

/* Labels are cut to fit NB_LABEL_MAX; that is cosmetic, not an error. */
static void label_of(char *out, const struct nb_profile *p,
		     const struct variant *va, const char *what, const char *arg)
{
	char tmp[NB_URL_MAX + 64];
	struct nb_buf b;

	nb_buf_init(&b, tmp, sizeof(tmp));
	nb_buf_puts(&b, "Alpine ");
	nb_buf_puts(&b, va->flavor);
	nb_buf_putc(&b, ' ');
	nb_buf_puts(&b, va->branch);
	if (what != NULL) {
		nb_buf_puts(&b, what);
		if (arg != NULL)
			put_host(&b, arg);
	} else if (p->title[0] != '\0') {
		nb_buf_init(&b, tmp, sizeof(tmp));
		nb_buf_puts(&b, p->title);
	}
	nb_strlcpy(out, NB_LABEL_MAX, tmp, nb_strnlen(tmp, NB_LABEL_MAX - 1));
}

static int add_boot(struct nb_plan *plan, const struct ctx *x,
		    const struct variant *va, const char *what, const char *arg)
{
	char label[NB_LABEL_MAX];

	if (plan->n_entry >= NB_PLAN_MAX_ENTRIES)
		return -NB_E2BIG;
	label_of(label, x->p, va, what, arg);
	return boot_entry(x, va, label, &plan->entry[plan->n_entry++]);
}

static int add_action(struct nb_plan *plan, enum nb_action a, const char *label)
{
	if (plan->n_entry >= NB_PLAN_MAX_ENTRIES)
		return -NB_E2BIG;
	action_entry(&plan->entry[plan->n_entry++], a, label);
	return 0;
}

static int same_files(const struct nb_entry *a, const struct nb_entry *b)
{
	unsigned i;

	if (nb_strcmp(a->kernel.url, b->kernel.url) || a->n_initrd != b->n_initrd)
		return 0;
	for (i = 0; i < a->n_initrd; i++)
		if (nb_strcmp(a->initrd[i].url, b->initrd[i].url))
			return 0;
	return 1;
}

/* Menu room for mirror and branch entries: what NB_PLAN_MAX_ENTRIES
 * (alpineboot.efi's menu) leaves beside the boot entry and the fixed
 * items. Mirrors first, then branches, as many as fit (netbootd.conf(5)
 * "fallback"). */
static void menu_room(const struct nb_profile *p, unsigned *ret_mirrors,
		      unsigned *ret_branches)
{
	const struct nb_fallback *fb = &p->fallback;
	unsigned fixed = 1, room, m = 0;

	fixed += !!(fb->items & NB_FB_RETRY) + !!(fb->items & NB_FB_FLAVOR) +
		 !!((fb->items & NB_FB_NOAPKOVL) && p->apkovl[0] != '\0') +
		 !!(fb->items & NB_FB_SHELL) + !!(fb->items & NB_FB_REBOOT) +
		 !!(fb->items & NB_FB_EXIT);
	room = NB_PLAN_MAX_ENTRIES - fixed;
	if ((fb->items & NB_FB_MIRRORS) && p->mirror.n > 1)
		m = p->mirror.n - 1 < room ? p->mirror.n - 1 : room;
	*ret_mirrors = m;
	*ret_branches = fb->n_branch < room - m ? fb->n_branch : room - m;
}

static int build_plan(const struct nb_profile *p, const struct nb_client *c,
		      const char *http_base, struct nb_plan *ret_plan);

int nb_resolve(const struct nb_config *cfg, const struct nb_client *c,
	       const char *http_base, struct nb_plan *ret_plan)
{
	return nb_resolve_section(cfg, nb_config_match(cfg, c), c, http_base,
				  ret_plan);
}

int nb_resolve_section(const struct nb_config *cfg,
		       const struct nb_client_conf *cc, const struct nb_client *c,
		       const char *http_base, struct nb_plan *ret_plan)
{
	struct nb_profile p;
	int r;

	if ((r = layer_profile(cfg, cc, &p)) < 0)
		return r;
	return build_plan(&p, c, http_base, ret_plan);
}

/* The menu's fixed items (netbootd.conf(5) "fallback"): the fallback =
 * and default = word, the entry's action and label. Retry comes right
 * after the boot entry, the others last, in this order. */
static const struct fixed_item {
	uint32_t item;
	const char *word;
	enum nb_action action;
	const char *label;
} fixed_items[] = {
	{ NB_FB_RETRY, "retry", NB_ACT_RETRY, "Retry" },
	{ NB_FB_SHELL, "shell", NB_ACT_SHELL, "iPXE / boot shell" },
	{ NB_FB_REBOOT, "reboot", NB_ACT_REBOOT, "Reboot" },
	{ NB_FB_EXIT, "exit", NB_ACT_EXIT, "Exit to firmware" },
};

/* 1 when default = names this word. */
static int is_default(const struct nb_profile *p, const char *word)
{
	return nb_tok_eq(p->default_item, nb_strlen(p->default_item), word);
}

/* f's entry when the profile's fallback lists it; *def_at moves to it
 * when default = names it. 0 or -E2BIG. */
static int add_fixed(struct nb_plan *plan, const struct nb_profile *p,
		     const struct fixed_item *f, unsigned *def_at)
{
	if (!(p->fallback.items & f->item))
		return 0;
	if (is_default(p, f->word))
		*def_at = plan->n_entry;
	return add_action(plan, f->action, f->label);
}

/* The profile as written: first mirror, its flavor and branch, the
 * apkovl, the pinned hashes. */
static struct variant main_variant(const struct nb_profile *p,
				   const char *mirror0)
{
	return (struct variant){ .flavor = p->flavor, .branch = p->branch,
				 .mirror = mirror0, .apkovl = 1, .pinned = 1 };
}

/* The boot entries that differ from the first in one thing: another
 * mirror, branch or flavor, or no apkovl (as many as menu_room allows). */
static int add_variants(struct nb_plan *plan, const struct ctx *x,
			char (*mirror)[NB_URL_MAX], unsigned *def_at)
{
	const struct nb_profile *p = x->p;
	const struct nb_fallback *fb = &p->fallback;
	const char *def = p->default_item;
	struct variant va = main_variant(p, mirror[0]);
	unsigned i, n_mirror_items, n_branch_items;
	int r;

	menu_room(p, &n_mirror_items, &n_branch_items);
	for (i = 1; (fb->items & NB_FB_MIRRORS) && i <= n_mirror_items; i++) {
		va.mirror = mirror[i];
		if (i == 1 && is_default(p, "mirrors"))
			*def_at = plan->n_entry;
		if ((r = add_boot(plan, x, &va, ", mirror ", mirror[i])) < 0)
			return r;
	}
	va.mirror = mirror[0];
	for (i = 0; i < n_branch_items; i++) {
		va.branch = fb->branch[i];
		if (nb_has_prefix(def, nb_strlen(def), "branch:") &&
		    !nb_strcmp(def + 7, fb->branch[i]))
			*def_at = plan->n_entry;
		if ((r = add_boot(plan, x, &va, " (other branch)", NULL)) < 0)
			return r;
	}
	va.branch = p->branch;
	if (fb->items & NB_FB_FLAVOR) {
		va.flavor = nb_strcmp(p->flavor, "lts") ? "lts" : "virt";
		va.pinned = 0;
		if ((r = add_boot(plan, x, &va, " (other flavor)", NULL)) < 0)
			return r;
		/* A kernel path without ${flavor} gives the same files: no
		 * point in offering them twice. */
		if (same_files(&plan->entry[0], &plan->entry[plan->n_entry - 1]))
			plan->n_entry--;
		else if (is_default(p, "flavor"))
			*def_at = plan->n_entry - 1;
		va.flavor = p->flavor;
		va.pinned = 1;
	}
	if ((fb->items & NB_FB_NOAPKOVL) && p->apkovl[0] != '\0') {
		va.apkovl = 0;
		if (is_default(p, "no-apkovl"))
			*def_at = plan->n_entry;
		if ((r = add_boot(plan, x, &va, ", without apkovl", NULL)) < 0)
			return r;
	}
	return 0;
}

/* The plan's header lines and the mirrors, expanded once (they may be
 * paths on this server or use ${server}). 0 or -E2BIG. */
static int plan_start(struct nb_plan *plan, const struct ctx *x,
		      char (*mirror)[NB_URL_MAX])
{
	const struct nb_profile *p = x->p;
	struct vars v = { .flavor = p->flavor, .branch = p->branch,
			  .arch = x->arch, .server = x->server,
			  .mac = x->c != NULL && x->c->has_mac ? x->c->mac : NULL };
	unsigned i;
	int r;

	nb_memset(plan, 0, sizeof(*plan));
	plan->version = NB_PLAN_VERSION;
	if (nb_strlcpy(plan->server, sizeof(plan->server), x->server,
		       nb_strlen(x->server)))
		return -NB_E2BIG;
	label_of(plan->title, p, &(struct variant){ .flavor = p->flavor,
		 .branch = p->branch }, NULL, NULL);
	plan->timeout_s = p->timeout_s;
	plan->max_file_size = p->max_file_size;
	for (i = 0; i < p->mirror.n; i++)
		if ((r = expand(p->mirror.v[i], &v, mirror[i], NB_URL_MAX)) < 0)
			return r;
	return 0;
}

static int build_plan(const struct nb_profile *p, const struct nb_client *c,
		      const char *http_base, struct nb_plan *ret_plan)
{
	struct nb_plan *plan = ret_plan;
	struct ctx x = { .p = p, .c = c, .server = http_base,
			 .arch = arch_name(c != NULL ? c->arch : -1) };
	struct variant va;
	char mirror[NB_MAX_MIRRORS][NB_URL_MAX];
	unsigned i, def_at = 0;
	int r;

	if ((r = plan_start(plan, &x, mirror)) < 0)
		return r;
	va = main_variant(p, mirror[0]);
	if ((r = add_boot(plan, &x, &va, NULL, NULL)) < 0 ||
	    (r = add_fixed(plan, p, &fixed_items[0], &def_at)) < 0 ||
	    (r = add_variants(plan, &x, mirror, &def_at)) < 0)
		return r;
	for (i = 1; i < sizeof(fixed_items) / sizeof(fixed_items[0]); i++)
		if ((r = add_fixed(plan, p, &fixed_items[i], &def_at)) < 0)
			return r;
	if (def_at == 0 && plan->n_entry > 1)
		def_at = 1;
	plan->default_entry = def_at;
	return 0;
}
