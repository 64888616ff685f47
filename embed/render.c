/* render.c: nb_render, what netbootd serves as /boot.ipxe and /boot.plan
 * and what `netboot-embed render` prints: resolve, check every field with
 * the one safety check (embed/safe.c), then one renderer. A plan that
 * fails the check is not rendered in any format. */
#include "plan/cmdline.h"
#include "embed/ipxe_script.h"
#include "embed/resolve.h"
#include "embed/safe.h"
#include "plan/str.h"

/* The final command line of entry 0 as iPXE passes it (initrd= named
 * after each initrd URL), one line. */
static int render_cmdline(const struct nb_plan *plan, char *out, size_t cap,
			  size_t *ret_len)
{
	const struct nb_entry *e = &plan->entry[0];
	char names[NB_PLAN_MAX_INITRDS][NB_URL_MAX];
	const char *np[NB_PLAN_MAX_INITRDS];
	char line[NB_CMDLINE_MAX + NB_PLAN_MAX_INITRDS * 32];
	struct nb_buf b;
	unsigned k;
	int r;

	for (k = 0; k < e->n_initrd && k < NB_PLAN_MAX_INITRDS; k++) {
		if ((r = nb_url_basename(e->initrd[k].url, names[k],
					 sizeof(names[k]))) < 0)
			return r;
		np[k] = names[k];
	}
	if ((r = nb_cmdline_entry(e, np, k, line, sizeof(line), NULL)) < 0)
		return r == -NB_E2BIG ? -NB_EINVAL : r;
	nb_buf_init(&b, out, cap);
	nb_buf_puts(&b, line);
	nb_buf_putc(&b, '\n');
	return nb_buf_finish(&b, ret_len);
}

int nb_render(const struct nb_config *cfg, const struct nb_client *c,
	      const char *http_base, enum nb_format fmt,
	      char *out, size_t cap, size_t *ret_len)
{
	struct nb_plan plan;
	int r;

	r = nb_resolve(cfg, c, http_base, &plan);
	if (r < 0)
		return r == -NB_E2BIG ? -NB_EINVAL : r;
	if (nb_safe_plan(&plan) != NULL)
		return -NB_EINVAL;
	switch (fmt) {
	case NB_FMT_IPXE:
		return nb_ipxe_render(&plan, c, out, cap, ret_len);
	case NB_FMT_PLAN:
		return nb_plan_format(&plan, out, cap, ret_len);
	case NB_FMT_CMDLINE:
		return render_cmdline(&plan, out, cap, ret_len);
	}
	return -NB_EINVAL;
}
