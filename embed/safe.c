/* safe.c: what a value may contain to appear in an iPXE script line or a
 * boot.plan line without changing what the line does.
 *
 * iPXE's command parser (src/core/exec.c, the same in the 2019 build
 * Debian 12 ships and in current iPXE) splits a line on whitespace, then:
 *   - a token that is exactly "||", "&&" or ";" ends one command and
 *     starts another (command_terminator());
 *   - a token that starts with '#' starts a comment: the rest of the line,
 *     our own " || goto failed" included, is dropped;
 *   - every token is then expanded: "${name}" becomes a setting's value
 *     (expand_settings(), src/core/settings.c);
 *   - the first token after a command name that starts with '-' is read as
 *     an option by its getopt (src/core/getopt.c), so "menu -x" fails.
 * There is no quoting and no escaping. We are stricter than the parser
 * (conservative by design, docs/netbootd.conf.5 "VALUES"): ';', '|' and
 * "&&" are refused wherever they appear, not only as whole tokens, and so
 * is '#' (in a URL it would only be a fragment, which is never sent to the
 * server, RFC 3986 sec. 3.5; a kernel argument has no use for it). Quotes
 * and backslashes are refused because the kernel's own quoting would not
 * survive iPXE; control characters and non-ASCII because a newline ends
 * the line and the rest is invisible on a serial console. A single '&'
 * stays allowed: URLs carry query strings ("?a=1&b=2").
 *
 * The boot.plan format (docs/boot-plan.md) is line-oriented "key value":
 * the same rules keep every value on its one line.
 */
#include "embed/safe.h"
#include "plan/str.h"

/* Characters refused in every kind of value, and why. */
static const struct {
	char c;
	const char *why;
} refused[] = {
	{ '$', "'$' (iPXE would expand ${...})" },
	{ ';', "';' (separates iPXE commands)" },
	{ '|', "'|' (\"||\" separates iPXE commands)" },
	{ '#', "'#' (starts an iPXE comment)" },
	{ '"', "quote or backslash (iPXE has no quoting)" },
	{ '\'', "quote or backslash (iPXE has no quoting)" },
	{ '`', "quote or backslash (iPXE has no quoting)" },
	{ '\\', "quote or backslash (iPXE has no quoting)" },
};

static const char *char_why(char c)
{
	size_t i;

	if (c < ' ' || c > '~')
		return "control or non-ASCII character";
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (refused[i].c == c)
			return refused[i].why;
	return NULL;
}

const char *nb_safe_check(enum nb_safe_kind kind, const char *s, size_t n)
{
	size_t i;
	const char *why;

	if (n == 0)
		return kind == NB_SAFE_TEXT ? NULL : "empty value";
	if (kind == NB_SAFE_TEXT && s[0] == '-')
		return "text starting with '-' (iPXE would read an option)";
	for (i = 0; i < n; i++) {
		if ((why = char_why(s[i])) != NULL)
			return why;
		if (s[i] == '&' && i + 1 < n && s[i + 1] == '&')
			return "'&&' (separates iPXE commands)";
		if (s[i] == ' ' && kind == NB_SAFE_WORD)
			return "space where one word is expected";
	}
	return NULL;
}

/* Placeholder values for the parse-time check: what resolve.c puts there
 * has the same character set (flavor and branch names are checked by the
 * parser, arch names come from a table, the MAC is hex and '-'). */
static const struct {
	const char *name, *value;
} sample_vars[] = {
	{ "flavor", "lts" },
	{ "branch", "latest-stable" },
	{ "arch", "x86_64" },
	{ "mac", "52-54-00-12-34-56" },
	{ "server", "http://198.18.0.1" },
};

static const char *sample_var(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(sample_vars) / sizeof(sample_vars[0]); i++)
		if (nb_tok_eq(s, n, sample_vars[i].name))
			return sample_vars[i].value;
	return NULL;
}

const char *nb_safe_check_template(enum nb_safe_kind kind, const char *s,
				   size_t n)
{
	char tmp[2048];
	struct nb_buf b;
	size_t i = 0;

	nb_buf_init(&b, tmp, sizeof(tmp));
	while (i < n) {
		size_t j;
		const char *val;

		/* A config line may separate words with tabs; the parser
		 * joins them with single spaces before anything renders. */
		if (s[i] == '\t' && kind == NB_SAFE_WORDS) {
			nb_buf_putc(&b, ' ');
			i++;
			continue;
		}
		if (s[i] != '$' || i + 1 >= n || s[i + 1] != '{') {
			nb_buf_putc(&b, s[i++]);
			continue;
		}
		for (j = i + 2; j < n && s[j] != '}'; j++)
			;
		val = j < n ? sample_var(s + i + 2, j - i - 2) : NULL;
		if (val == NULL) {          /* left as it is: '$' is refused */
			nb_buf_putc(&b, s[i++]);
			continue;
		}
		nb_buf_puts(&b, val);
		i = j + 1;
	}
	if (b.overflow)
		return "value too long once ${...} is expanded";
	return nb_safe_check(kind, tmp, b.len);
}

/* A fixed-size field of the plan: NUL-terminated within cap bytes. */
static const char *field_why(enum nb_safe_kind kind, const char *s, size_t cap)
{
	size_t n = nb_strnlen(s, cap);

	return n < cap ? nb_safe_check(kind, s, n) : "field not terminated";
}

#define str_why(kind, f) field_why(kind, f, sizeof(f))

static const char *entry_why(const struct nb_entry *e)
{
	const char *why;
	unsigned k;

	if ((why = str_why(NB_SAFE_TEXT, e->label)) != NULL)
		return why;
	if (e->action != NB_ACT_BOOT)
		return NULL;
	if (e->n_initrd > NB_PLAN_MAX_INITRDS)
		return "too many initrds";
	if ((why = str_why(NB_SAFE_WORD, e->kernel.url)) != NULL)
		return why;
	for (k = 0; k < e->n_initrd; k++)
		if ((why = str_why(NB_SAFE_WORD, e->initrd[k].url)) != NULL)
			return why;
	return str_why(NB_SAFE_WORDS, e->cmdline);
}

const char *nb_safe_plan(const struct nb_plan *plan)
{
	const char *why;
	unsigned i;

	if (plan->n_entry > NB_PLAN_MAX_ENTRIES)
		return "too many entries";
	if ((why = str_why(NB_SAFE_TEXT, plan->title)) != NULL ||
	    (why = str_why(NB_SAFE_WORD, plan->server)) != NULL)
		return why;
	for (i = 0; i < plan->n_entry; i++)
		if ((why = entry_why(&plan->entry[i])) != NULL)
			return why;
	return NULL;
}
