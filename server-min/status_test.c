/* status_test.c: the three status documents rendered from one snapshot of
 * two clients (one reached userspace, one failed at its modloop): the
 * HTML names both with their stages and the failure in red, escapes what
 * a client or config can inject; the JSON parses (python3's json module,
 * a reference parser) and holds the same; /metrics passes `promtool check
 * metrics` (PROMTOOL, default build/prometheus/usr/bin/promtool) and
 * counts both boots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server-min/filecheck.h"
#include "server-min/history.h"
#include "server-min/status.h"

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

static void ev(struct history *h, struct hist_client *c, enum hist_stage s, uint64_t t,
	       int failed, const char *what)
{
	struct hist_event e = { .t_ms = t, .stage = (uint8_t)s, .proto = HP_HTTP,
				.failed = (uint8_t)failed, .bytes = 4096, .ms = 250 };

	snprintf(e.what, sizeof(e.what), "%s", what);
	history_add(h, c, &e);
}

static struct history *two_clients(void)
{
	struct history *h;
	struct hist_client *a, *b;

	assert_int_equal(history_new(8, 16, &h), 0);
	a = history_client(h, mac_a, 1000);
	history_offer(h, a, 0, "undionly.kpxe", 1000);
	snprintf(a->profile, sizeof(a->profile), "lab<script>\"x\"");
	ev(h, a, HS_NBP, 2000, 0, "undionly.kpxe");
	ev(h, a, HS_SCRIPT, 3000, 0, "boot.ipxe profile lab");
	ev(h, a, HS_KERNEL, 6000, 0, "vmlinuz-virt");
	ev(h, a, HS_INITRAMFS, 7000, 0, "initramfs-virt");
	ev(h, a, HS_MODLOOP, 40000, 0, "modloop-virt");
	b = history_client(h, mac_b, 1500);
	history_offer(h, b, 7, "alpineboot.efi", 1500);
	ev(h, b, HS_NBP, 2500, 0, "alpineboot.efi");
	ev(h, b, HS_KERNEL, 9000, 0, "vmlinuz-virt");
	ev(h, b, HS_MODLOOP, 45000, 1, "missing/modloop-virt: HTTP 404 Not Found\x01\\");
	return h;
}

/* The document as a NUL-terminated string (free it). */
static char *render(enum status_doc doc, struct history *h, struct filecheck_report *fc)
{
	static const struct netbootd_stats st = { .dhcp_answered = 4, .http_requests = 12,
						  .tftp_started = 2, .tftp_done = 2 };
	struct status_view v = {
		.version = "0.1.0", .now_ms = 60000, .now_wall_ms = 1800000000000ull,
		.start_ms = 500, .start_wall_ms = 1799999940500ull, .stats = &st,
		.http = { .connections = 3 }, .history = h, .files = fc,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	v.conf[0].key = "root";
	snprintf(v.conf[0].value, sizeof(v.conf[0].value), "/srv/<netboot>");
	v.n_conf = 1;
	assert_int_equal(status_render(doc, &v, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static struct filecheck_report *one_finding(void)
{
	static struct filecheck_item item = {
		.file = "boot/modloop-virt", .what = "release", .level = FILECHECK_ERROR,
		.msg = "holds modules/6.1.0-1 but the kernel is 6.1.0-2",
	};
	static struct filecheck_report rep = { .n_item = 1, .n_error = 1, .cap = 1, .item = &item };

	return &rep;
}

/* Every one of want[] stands in s. */
static void has_all(const char *s, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(s, want[i]) == NULL)
			fail_msg("missing: %s", want[i]);
}

static void html(void **state)
{
	struct history *h = two_clients();
	char *s = render(STATUS_HTML, h, one_finding());

	static const char *const want[] = {
		"<!DOCTYPE html>",
		"<code>52:54:00:00:00:0a</code>",
		"<code>52:54:00:00:00:0b</code>",
		"data-stage=\"userspace\">userspace +39.0 s</span>",
		"<span class=\"fail\" data-stage=\"modloop-failed\">modloop failed: "
		"missing/modloop-virt: HTTP 404 Not Found",
		/* what came from outside is escaped */
		"lab&lt;script&gt;&quot;x&quot;",
		"/srv/&lt;netboot&gt;",
		"holds modules/6.1.0-1 but the kernel is 6.1.0-2",
		"<h2>Clients (2)</h2>",
	};

	(void)state;
	has_all(s, want, sizeof(want) / sizeof(want[0]));
	assert_null(strstr(s, "<script>"));
	assert_null(strstr(s, "\x01"));
	free(s);
	history_free(h);
}

/* 0 when cmd, fed s on stdin, exits 0. */
static int run_with_input(const char *cmd, const char *s)
{
	FILE *p = popen(cmd, "w");

	assert_non_null(p);
	fputs(s, p);
	return pclose(p);
}

static void json(void **state)
{
	struct history *h = two_clients();
	char *s = render(STATUS_JSON, h, one_finding());
	static const char check[] =
		"python3 -c 'import json,sys; d=json.load(sys.stdin); c=d[\"clients\"];"
		"a=[x for x in c if x[\"mac\"]==\"52:54:00:00:00:0a\"][0];"
		"b=[x for x in c if x[\"mac\"]==\"52:54:00:00:00:0b\"][0];"
		"assert a[\"last_stage\"]==\"userspace\" and a[\"failure\"] is None, a;"
		"assert abs(a[\"stages\"][\"userspace\"][\"after_s\"]-39.0)<0.01, a;"
		"assert b[\"failure\"][\"stage\"]==\"modloop\", b;"
		"assert b[\"failure\"][\"why\"].startswith(\"missing/modloop-virt: HTTP 404\"), b;"
		"assert b[\"stages\"][\"kernel\"][\"after_s\"]==7.5, b;"
		"assert \"userspace\" not in b[\"stages\"], b;"
		"assert a[\"profile\"]==\"lab<script>\\\"x\\\"\", a;"
		"assert d[\"files\"][\"errors\"]==1 and d[\"counters\"][\"http_requests\"]==12;"
		"assert d[\"started\"].endswith(\"Z\") and d[\"uptime_s\"]==59.5'";

	(void)state;
	assert_int_equal(run_with_input(check, s), 0);
	free(s);
	history_free(h);
}

/* Samples /metrics must hold, whole lines. */
static const char *const metric_lines[] = {
	"netbootd_boots_total{stage=\"offer\"} 2\n",
	"netbootd_boots_total{stage=\"kernel\"} 2\n",
	"netbootd_boots_total{stage=\"userspace\"} 1\n",
	"netbootd_boot_failures_total{stage=\"modloop\"} 1\n",
	"netbootd_boot_userspace_seconds_bucket{le=\"60\"} 1\n",
	"netbootd_boot_userspace_seconds_bucket{le=\"+Inf\"} 1\n",
	"netbootd_boot_kernel_seconds_count 2\n",
	"netbootd_requests_total{proto=\"http\"} 12\n",
	"netbootd_file_check_problems{level=\"error\"} 1\n",
};

static void metrics(void **state)
{
	struct history *h = two_clients();
	char *s = render(STATUS_METRICS, h, one_finding());
	const char *promtool = getenv("PROMTOOL");
	char cmd[512];

	(void)state;
	if (promtool == NULL)
		promtool = "build/prometheus/usr/bin/promtool";
	if (access(promtool, X_OK) != 0)
		fail_msg("no promtool at %s: make %s", promtool, promtool);
	snprintf(cmd, sizeof(cmd), "%s check metrics", promtool);
	assert_int_equal(run_with_input(cmd, s), 0);
	/* Each family's samples in one group, right under its TYPE line
	 * (the text format requires it; promtool 2.42 does not check). */
	assert_int_equal(run_with_input("python3 -c '"
		"import re,sys\n"
		"seen=[]; cur=None\n"
		"for l in sys.stdin.read().splitlines():\n"
		"  m=re.match(r\"# TYPE (\\S+)\", l)\n"
		"  if m: cur=m.group(1); assert cur not in seen, cur; seen.append(cur); continue\n"
		"  if l.startswith(\"#\"): continue\n"
		"  n=re.match(r\"[a-z_]+\", l).group(0)\n"
		"  assert n==cur or re.sub(r\"_(bucket|sum|count)$\", \"\", n)==cur, (n, cur)\n"
		"'", s), 0);
	has_all(s, metric_lines, sizeof(metric_lines) / sizeof(metric_lines[0]));
	free(s);
	history_free(h);
}

static void paths(void **state)
{
	enum status_doc d = STATUS_HTML;

	(void)state;
	assert_int_equal(status_doc_of("/status.json", &d), 0);
	assert_int_equal(d, STATUS_JSON);
	assert_int_equal(status_doc_of("/metrics", &d), 0);
	assert_int_equal(d, STATUS_METRICS);
	assert_int_equal(status_doc_of("/status", &d), 0);
	assert_int_equal(d, STATUS_HTML);
	assert_int_equal(status_doc_of("/status/", &d), -2);
	assert_int_equal(status_doc_of("/metricsx", &d), -2);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(html),
	cmocka_unit_test(json),
	cmocka_unit_test(metrics),
	cmocka_unit_test(paths),
};

TEST_MAIN(tests, NULL)
