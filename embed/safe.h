/* safe.h: the one check every value passes before it reaches an iPXE
 * script line or a boot plan (embed/safe.c has the rules and why).
 *
 * config.c applies it to each value at parse time, after replacing the
 * config's own ${...} placeholders with representative values; the
 * renderers (ipxe_script.c, render.c) apply it again to the resolved plan,
 * so a plan from anywhere fails to render rather than emit an unsafe line.
 */
#ifndef NB_SAFE_H
#define NB_SAFE_H

#include <stddef.h>

#include "plan/plan.h"

enum nb_safe_kind {
	NB_SAFE_WORD,    /* one token: a URL, a hostname, a name, a branch */
	NB_SAFE_WORDS,   /* tokens separated by single spaces: a command line */
	NB_SAFE_TEXT,    /* free text read by people: titles, menu labels */
};

/* NULL when the n bytes at s may appear in a script or plan line as a
 * value of this kind, else what is wrong (a constant string). */
const char *nb_safe_check(enum nb_safe_kind kind, const char *s, size_t n);

/* nb_safe_check on a config value once its ${flavor} ${branch} ${arch}
 * ${mac} ${server} are replaced by representative values (server:
 * "http://198.18.0.1"); any other '$' stays and is refused. */
const char *nb_safe_check_template(enum nb_safe_kind kind, const char *s,
				   size_t n);

/* Every text field of a plan (title, server, labels, URLs, command
 * lines). NULL, or what is wrong with the first field that fails. */
const char *nb_safe_plan(const struct nb_plan *plan);

#endif
