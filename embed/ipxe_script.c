/* ipxe_script.c: a resolved plan as an iPXE script (GET /boot.ipxe).
 *
 * The script boots entry 0 at once; any failure ("|| goto failed") shows a
 * menu of the other entries with the profile's default and timeout.
 *
 * It must run on the iPXE Debian 12 ships (1.0.0+git-20190125) as well as
 * current iPXE, so it uses only commands that build has: kernel, initrd,
 * boot, imgfree, echo, goto, menu, item, choose, shell, exit and reboot.
 * reboot is REBOOT_CMD, off in upstream's 2019 config/general.h but on in
 * Debian's build; poweroff is not there and is not used. embed/tests/
 * ipxe-run.sh checks every command against that iPXE's `help` list and runs
 * a rendered script through its menu (undionly.kpxe is compressed, so the
 * probe uses ipxe.lkrn, the same build config).
 *
 * iPXE expands ${...} everywhere in a line, splits on spaces, and reads
 * "||", "&&", ";" and '#' as its own syntax; every field of the plan and
 * every assembled command line passes nb_safe_plan()/nb_safe_check()
 * (embed/safe.c, the rules and why) before a line is written. config.c
 * refuses such values already; this file checks again because a plan can
 * come from elsewhere. The only '$', "||" and '#' in a script are the ones
 * written below ("goto ${target}", "|| goto failed", the header comment);
 * embed/fuzz_render.c holds the renderer to that.
 */
#include "plan/cmdline.h"
#include "embed/ipxe_script.h"
#include "plan/mac.h"
#include "embed/safe.h"
#include "plan/str.h"

static void put_label(struct nb_buf *b, unsigned i)
{
	nb_buf_puts(b, "e");
	nb_buf_putu(b, i);
}

static int put_boot(struct nb_buf *b, const struct nb_plan *plan, unsigned i)
{
	const struct nb_entry *e = &plan->entry[i];
	char names[NB_PLAN_MAX_INITRDS][NB_URL_MAX];
	const char *np[NB_PLAN_MAX_INITRDS];
	char line[NB_CMDLINE_MAX + NB_PLAN_MAX_INITRDS * 32];
	unsigned k;
	int r;

	if (e->n_initrd > NB_PLAN_MAX_INITRDS)
		return -NB_EINVAL;
	for (k = 0; k < e->n_initrd; k++) {
		/* iPXE names an image after the last part of its URL; the
		 * EFI stub finds the initrd by that name (initrd=). */
		if ((r = nb_url_basename(e->initrd[k].url, names[k],
					 sizeof(names[k]))) < 0)
			return r;
		np[k] = names[k];
	}
	if ((r = nb_cmdline_entry(e, np, e->n_initrd, line, sizeof(line),
				  NULL)) < 0)
		return r;
	if (nb_safe_check(NB_SAFE_WORDS, line, nb_strlen(line)) != NULL)
		return -NB_EINVAL;

	nb_buf_putc(b, ':');
	put_label(b, i);
	nb_buf_puts(b, "\necho netboot: booting ");
	nb_buf_puts(b, e->label);
	nb_buf_puts(b, "\necho netboot: kernel ");
	nb_buf_puts(b, e->kernel.url);
	/* After a failed attempt, drop what was fetched before fetching again. */
	nb_buf_puts(b, "\nimgfree\nkernel ");
	nb_buf_puts(b, e->kernel.url);
	nb_buf_putc(b, ' ');
	nb_buf_puts(b, line);
	nb_buf_puts(b, " || goto failed\n");
	for (k = 0; k < e->n_initrd; k++) {
		nb_buf_puts(b, "initrd ");
		nb_buf_puts(b, e->initrd[k].url);
		nb_buf_puts(b, " || goto failed\n");
	}
	nb_buf_puts(b, "echo netboot: starting the kernel\n");
	nb_buf_puts(b, "boot || goto failed\n\n");
	return 0;
}

/* The menu target of each action but NB_ACT_BOOT (a boot entry's target
 * is its label, put_label). NULL: no iPXE command for it
 * (NB_ACT_FIRMWARE). */
static const char *const action_target[] = {
	[NB_ACT_RETRY] = "e0",
	[NB_ACT_SHELL] = "shell",
	[NB_ACT_REBOOT] = "reboot",
	[NB_ACT_EXIT] = "exit",
};

static const char *target_of(enum nb_action a)
{
	return (unsigned)a < sizeof(action_target) / sizeof(action_target[0]) ?
	       action_target[a] : NULL;
}

/* Entry i's target; one with no iPXE command goes to e0 (retry). */
static void put_target(struct nb_buf *b, const struct nb_plan *plan, unsigned i)
{
	const char *t = target_of(plan->entry[i].action);

	if (plan->entry[i].action == NB_ACT_BOOT)
		put_label(b, i);
	else
		nb_buf_puts(b, t != NULL ? t : "e0");
}

/* The menu item of entry i; 0 when iPXE has nothing to offer for it. */
static int put_item(struct nb_buf *b, const struct nb_plan *plan, unsigned i)
{
	const struct nb_entry *e = &plan->entry[i];

	if (e->action != NB_ACT_BOOT && target_of(e->action) == NULL)
		return 0;
	nb_buf_puts(b, "item ");
	put_target(b, plan, i);
	nb_buf_putc(b, ' ');
	nb_buf_puts(b, e->label);
	nb_buf_putc(b, '\n');
	return 1;
}

int nb_ipxe_render(const struct nb_plan *plan, const struct nb_client *c,
		   char *out, size_t cap, size_t *ret_len)
{
	struct nb_buf b;
	unsigned i, items = 0;
	int r;

	if (plan->n_entry == 0 || plan->n_entry > NB_PLAN_MAX_ENTRIES ||
	    plan->entry[0].action != NB_ACT_BOOT || nb_safe_plan(plan) != NULL)
		return -NB_EINVAL;

	nb_buf_init(&b, out, cap);
	nb_buf_puts(&b, "#!ipxe\n# boot.ipxe for ");
	if (c != NULL && c->has_mac) {
		char mac[18];

		nb_mac_format(c->mac, ':', mac);
		nb_buf_puts(&b, mac);
	} else {
		nb_buf_puts(&b, "an unknown client");
	}
	nb_buf_puts(&b, ", rendered by netbootd (embed/ipxe_script.c)\n\n");
	if ((r = put_boot(&b, plan, 0)) < 0)
		return r;

	nb_buf_puts(&b, ":failed\necho netboot: boot failed\n:menu\nmenu ");
	nb_buf_puts(&b, plan->title);
	nb_buf_puts(&b, ": boot failed\n");
	for (i = 1; i < plan->n_entry; i++)
		items += (unsigned)put_item(&b, plan, i);
	if (items == 0) {
		nb_buf_puts(&b, "# no fallback entries configured\nshell\n");
	} else {
		unsigned d = plan->default_entry < plan->n_entry ?
			     plan->default_entry : 0;

		nb_buf_puts(&b, "choose --default ");
		put_target(&b, plan, d);
		if (plan->timeout_s > 0) {
			nb_buf_puts(&b, " --timeout ");
			nb_buf_putu(&b, (uint64_t)plan->timeout_s * 1000);
		}
		/* No console, or Esc: the shell is the only thing left. */
		nb_buf_puts(&b, " target || goto shell\ngoto ${target}\n\n");
	}
	for (i = 1; i < plan->n_entry; i++)
		if (plan->entry[i].action == NB_ACT_BOOT &&
		    (r = put_boot(&b, plan, i)) < 0)
			return r;
	nb_buf_puts(&b,
		    ":shell\n"
		    "echo netboot: iPXE shell, type exit to return to the menu\n"
		    "shell\n"
		    "goto menu\n"
		    ":reboot\n"
		    "reboot\n"
		    "goto menu\n"
		    ":exit\n"
		    "exit\n");
	return nb_buf_finish(&b, ret_len);
}
