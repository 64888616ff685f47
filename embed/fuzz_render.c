/* fuzz_render.c: libFuzzer target holding the iPXE renderer to the lines
 * it means to write, whatever config gets through the parser.
 *
 * The input is a whole netbootd.conf. What parses is rendered as boot.ipxe
 * for a few clients (by MAC, by MAC prefix, by UUID, by arch, unknown;
 * redacted or not), and every line of every script is read the way iPXE
 * reads it (src/core/exec.c: split on whitespace; a token "||", "&&" or
 * ";" ends a command; a token starting with '#' starts a comment; "${"
 * expands) and must be one of the shapes ipxe_script.c writes:
 *
 *   #!ipxe                       # boot.ipxe for ..., rendered by ...
 *   # no fallback entries configured
 *   :LABEL                       (e0.., failed, menu, shell, reboot, exit)
 *   echo netboot: ...            imgfree
 *   kernel URL ARGS... || goto failed
 *   initrd URL || goto failed    boot || goto failed
 *   menu TITLE: boot failed      item TARGET LABEL...
 *   choose --default TARGET [--timeout MS] target || goto shell
 *   goto ${target}               goto menu
 *   shell                        reboot              exit
 *
 * so a value that would add a command, cut one short with a comment, or
 * smuggle an expansion aborts here. Every menu target must also be a label
 * of the script. The oracle is written independently of embed/safe.c on
 * purpose: it checks the output, not the checker.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed/config.h"
#include "embed/render.h"
#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOKENS 512
#define MAX_LABELS 64

static struct nb_config cfg;
static char out[65536];

static const struct nb_client clients[] = {
	{ .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 0 },
	{ .mac = { 0x52, 0x54, 0, 0xaa, 0xbb, 0x01 }, .has_mac = 1, .arch = 7 },
	{ .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = 1, .arch = 0,
	  .redact = 1 },
	{ .uuid = "0e0b7c5a-1111-2222-3333-444455556666", .arch = 7 },
	{ .arch = 11 },
	{ .arch = -1 },
};

/* The commands ipxe_script.c uses (its header comment lists them). */
static const char *const commands[] = {
	"kernel", "initrd", "boot", "imgfree", "echo", "goto", "menu", "item",
	"choose", "shell", "exit", "reboot",
};

/* Labels the script jumps to besides e0, e1, ... */
static const char *const fixed_labels[] = {
	"failed", "menu", "shell", "reboot", "exit",
};

struct script {
	char defined[MAX_LABELS][16];
	unsigned n_defined;
	char used[MAX_LABELS][16];
	unsigned n_used;
};

static int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* "e" and digits, or one of fixed_labels. */
static int label_ok(const char *s)
{
	size_t i;

	if (s[0] == 'e' && s[1] >= '0' && s[1] <= '9') {
		for (i = 1; s[i] != '\0'; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return i < 16;
	}
	return in_list(s, fixed_labels, sizeof(fixed_labels) / sizeof(fixed_labels[0]));
}

static void remember(char list[][16], unsigned *n, const char *label)
{
	if (*n >= MAX_LABELS || strlen(label) >= 16)
		abort();
	strcpy(list[(*n)++], label);
}

/* Split like iPXE's split_command(): isspace() separates tokens. */
static int split(char *line, char **tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f' ||
		       *p == '\r')
			*p++ = '\0';
		if (*p == '\0')
			return n;
		if (n >= MAX_TOKENS)
			abort();
		tok[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\v' &&
		       *p != '\f' && *p != '\r')
			p++;
	}
}

/* The command part of a line must be one command: no terminator token and
 * no comment token anywhere in it, no '$' anywhere. */
static void plain_tokens(char **tok, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		if (tok[i][0] == '#' || strchr(tok[i], '$') != NULL ||
		    !strcmp(tok[i], "||") || !strcmp(tok[i], "&&") ||
		    !strcmp(tok[i], ";"))
			abort();
	}
}

/* A line ending in the renderer's own "|| goto TARGET": the tokens before
 * it are n - 3. */
static int or_goto(char **tok, int n, const char *target)
{
	if (n < 4 || strcmp(tok[n - 3], "||") || strcmp(tok[n - 2], "goto") ||
	    strcmp(tok[n - 1], target))
		abort();
	return n - 3;
}

static void check_command(struct script *s, char **tok, int n)
{
	const char *cmd = tok[0];
	int body = n;

	if (!in_list(cmd, commands, sizeof(commands) / sizeof(commands[0])))
		abort();
	if (!strcmp(cmd, "kernel") || !strcmp(cmd, "initrd")) {
		body = or_goto(tok, n, "failed");
		if (body < 2 || strncmp(tok[1], "http://", 7) != 0)
			abort();
		if (!strcmp(cmd, "initrd") && body != 2)
			abort();
	} else if (!strcmp(cmd, "boot")) {
		if ((body = or_goto(tok, n, "failed")) != 1)
			abort();
	} else if (!strcmp(cmd, "choose")) {
		body = or_goto(tok, n, "shell");
		if ((body != 4 && body != 6) || strcmp(tok[1], "--default") ||
		    strcmp(tok[body - 1], "target") ||
		    (body == 6 && strcmp(tok[3], "--timeout")))
			abort();
		remember(s->used, &s->n_used, tok[2]);
	} else if (!strcmp(cmd, "goto")) {
		if (n != 2)
			abort();
		if (!strcmp(tok[1], "${target}"))
			return;              /* the renderer's one expansion */
		remember(s->used, &s->n_used, tok[1]);
	} else if (!strcmp(cmd, "item")) {
		if (n < 3 || tok[2][0] == '-')
			abort();
		remember(s->used, &s->n_used, tok[1]);
	} else if (!strcmp(cmd, "menu")) {
		if (n < 4 || strcmp(tok[n - 2], "boot") || strcmp(tok[n - 1], "failed") ||
		    tok[1][0] == '-')
			abort();
	} else if (!strcmp(cmd, "echo")) {
		if (n < 2 || strcmp(tok[1], "netboot:"))
			abort();
	} else if (n != 1) {
		abort();                     /* imgfree shell exit reboot */
	}
	plain_tokens(tok, 0, body);
}

static void check_line(struct script *s, char *line, size_t len, int first)
{
	static char *tok[MAX_TOKENS];
	size_t i;
	int n;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < ' ' || (unsigned char)line[i] > '~')
			abort();
	if (first) {
		if (strcmp(line, "#!ipxe") != 0)
			abort();
		return;
	}
	if (line[0] == '#') {
		if (strncmp(line, "# boot.ipxe for ", 16) != 0 &&
		    strcmp(line, "# no fallback entries configured") != 0)
			abort();
		return;
	}
	if (line[0] == ':') {
		if (!label_ok(line + 1))
			abort();
		remember(s->defined, &s->n_defined, line + 1);
		return;
	}
	n = split(line, tok);
	if (n == 0)
		return;
	check_command(s, tok, n);
}

static void check_script(char *text, size_t len)
{
	static struct script s;
	size_t start = 0, i;
	unsigned u, d;
	int first = 1;

	memset(&s, 0, sizeof(s));
	if (len == 0 || text[len - 1] != '\n')
		abort();
	for (i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		text[i] = '\0';
		check_line(&s, text + start, i - start, first);
		first = 0;
		start = i + 1;
	}
	for (u = 0; u < s.n_used; u++) {
		for (d = 0; d < s.n_defined; d++)
			if (!strcmp(s.used[u], s.defined[d]))
				break;
		if (d == s.n_defined)
			abort();            /* a jump to nowhere */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NB_ERR_MAX];
	size_t i, len;

	if (nb_config_parse(&cfg, "fuzz.conf", (const char *)data, size, err) != 0)
		return 0;
	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		if (nb_render(&cfg, &clients[i], "http://198.18.0.1", NB_FMT_IPXE,
			      out, sizeof(out), &len) != 0)
			continue;
		if (memchr(out, '\0', len) != NULL)
			abort();
		check_script(out, len);
	}
	return 0;
}
