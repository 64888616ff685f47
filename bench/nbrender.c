/* nbrender: what one client's boot.ipxe and boot.plan cost to render, in
 * the process, load excluded (issue 14: the same with 10 client sections
 * or 100,000).
 *
 *   nbrender CONFIG COUNT MAC...
 *
 * Loads CONFIG once (nb_config_load, includes and all), then renders
 * boot.ipxe and boot.plan COUNT times, cycling through the MACs, and
 * prints one line: "load_ms=... clients=... ipxe_us=... plan_us=..."
 * (medians over COUNT renders). Exit 0, 1 when a render fails, 2 on a
 * bad argument or config.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embed/config.h"
#include "embed/render.h"
#include "plan/mac.h"

#define COUNT_MAX 100000
#define OUT_MAX   (128 * 1024)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median render time of fmt, in microseconds; -1 on a failed render. */
static double median_us(const struct nb_config *cfg, const struct nb_client *c,
			size_t n_client, long count, enum nb_format fmt, double *t)
{
	static char out[OUT_MAX];
	size_t len;
	long i;

	for (i = 0; i < count; i++) {
		double t0 = now_us();

		if (nb_render(cfg, &c[i % (long)n_client], "http://198.18.0.1", fmt,
			      out, sizeof(out), &len) < 0)
			return -1;
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)count, sizeof(*t), cmp_double);
	return t[count / 2];
}

int main(int argc, char **argv)
{
	struct nb_config *cfg = NULL;
	struct nb_client *c = NULL;
	char err[NB_ERR_MAX], *end;
	double t0, load_ms, ipxe, plan, *t = NULL;
	long count;
	int i, n, rc = 2;

	if (argc < 4) {
		fprintf(stderr, "usage: nbrender CONFIG COUNT MAC...\n");
		return 2;
	}
	count = strtol(argv[2], &end, 10);
	if (*end != '\0' || count < 1 || count > COUNT_MAX) {
		fprintf(stderr, "nbrender: COUNT: 1 to %d\n", COUNT_MAX);
		return 2;
	}
	n = argc - 3;
	c = calloc((size_t)n, sizeof(*c));
	t = calloc((size_t)count, sizeof(*t));
	if (c == NULL || t == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		c[i].arch = 0;
		c[i].has_mac = 1;
		if (nb_mac_parse(argv[3 + i], strlen(argv[3 + i]), c[i].mac) < 0) {
			fprintf(stderr, "nbrender: bad MAC %s\n", argv[3 + i]);
			goto out;
		}
	}
	t0 = now_us();
	if (nb_config_load(argv[1], &cfg, err) < 0) {
		fprintf(stderr, "nbrender: %s\n", err);
		goto out;
	}
	load_ms = (now_us() - t0) / 1e3;
	rc = 1;
	ipxe = median_us(cfg, c, (size_t)n, count, NB_FMT_IPXE, t);
	plan = median_us(cfg, c, (size_t)n, count, NB_FMT_PLAN, t);
	if (ipxe < 0 || plan < 0) {
		fprintf(stderr, "nbrender: a render failed\n");
		goto out;
	}
	printf("load_ms=%.1f clients=%u ipxe_us=%.1f plan_us=%.1f\n", load_ms,
	       cfg->n_client, ipxe, plan);
	rc = 0;
out:
	nb_config_free(cfg);
	free(c);
	free(t);
	return rc;
}
