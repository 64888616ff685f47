/* history_test.c: the boot history's bounds (clients evicted least
 * recently seen first, events kept as a ring), a boot's stages and their
 * times, a new boot after the kernel but not after iPXE's second DHCP,
 * the classification of served paths (the plan's files, then names), the
 * counters and histograms behind /metrics, and the CIDR lists of
 * status-allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "embed/cidr.h"
#include "server-min/history.h"

static uint8_t mac_n[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x00 };

static const uint8_t *mac_of(unsigned n)
{
	mac_n[4] = (uint8_t)(n >> 8);
	mac_n[5] = (uint8_t)n;
	return mac_n;
}

static void add(struct history *h, struct hist_client *c, enum hist_stage s, uint64_t t,
		int failed, const char *what)
{
	struct hist_event ev = { .t_ms = t, .stage = (uint8_t)s, .proto = HP_HTTP,
				 .failed = (uint8_t)failed, .bytes = 1000 };

	snprintf(ev.what, sizeof(ev.what), "%s", what);
	history_add(h, c, &ev);
}

static void bad_bounds(void **state)
{
	struct history *h = (struct history *)1;

	(void)state;
	assert_int_equal(history_new(0, 4, &h), -22);
	assert_int_equal(history_new(4, 0, &h), -22);
	assert_ptr_equal(h, (struct history *)1);
}

static void evicts_least_recent(void **state)
{
	struct history *h;
	const struct hist_client *c;
	unsigned n = 0;

	(void)state;
	assert_int_equal(history_new(3, 4, &h), 0);
	for (unsigned i = 1; i <= 3; i++)
		assert_non_null(history_client(h, mac_of(i), i));
	/* touch 1: now 2 is the least recently seen */
	assert_non_null(history_client(h, mac_of(1), 10));
	assert_non_null(history_client(h, mac_of(4), 11));
	assert_int_equal(history_count(h), 3);
	assert_null(history_find(h, mac_of(2)));
	assert_non_null(history_find(h, mac_of(1)));
	assert_non_null(history_find(h, mac_of(3)));
	assert_non_null(history_find(h, mac_of(4)));
	assert_int_equal(history_metrics(h)->evicted, 1);
	/* most recent first */
	c = history_first(h);
	assert_memory_equal(c->mac, mac_of(4), 6);
	for (; c; c = history_next(c))
		n++;
	assert_int_equal(n, 3);
	/* many more MACs than the bound: still 3 records */
	for (unsigned i = 100; i < 1100; i++)
		assert_non_null(history_client(h, mac_of(i), 100 + i));
	assert_int_equal(history_count(h), 3);
	assert_int_equal(history_metrics(h)->evicted, 1001);
	/* a reused record starts empty */
	c = history_find(h, mac_of(1099));
	assert_non_null(c);
	assert_int_equal(c->n_ev, 0);
	assert_int_equal(c->reached, 0);
	history_free(h);
}

static void events_ring(void **state)
{
	struct history *h;
	struct hist_client *c;
	char what[16];

	(void)state;
	assert_int_equal(history_new(2, 4, &h), 0);
	c = history_client(h, mac_of(1), 0);
	for (unsigned i = 0; i < 10; i++) {
		snprintf(what, sizeof(what), "e%u", i);
		add(h, c, HS_OTHER, i, 1, what);
	}
	assert_int_equal(c->n_ev, 4);
	/* the last 4, oldest first */
	assert_string_equal(history_event(h, c, 0)->what, "e6");
	assert_string_equal(history_event(h, c, 3)->what, "e9");
	assert_int_equal(history_metrics(h)->failed_total[HS_OTHER], 10);
	history_free(h);
}

static void a_boot(void **state)
{
	struct history *h;
	struct hist_client *c;
	const struct hist_metrics *m;

	(void)state;
	assert_int_equal(history_new(4, 32, &h), 0);
	c = history_client(h, mac_of(1), 1000);
	history_offer(h, c, 0, "undionly.kpxe", 1000);
	add(h, c, HS_NBP, 2000, 0, "undionly.kpxe");
	/* iPXE's own DHCP after the NBP: the same boot; its retries are
	 * one event */
	history_offer(h, c, 0, "http://198.18.0.1/boot.ipxe", 3000);
	history_offer(h, c, 0, "http://198.18.0.1/boot.ipxe", 3100);
	assert_int_equal(c->boots, 1);
	assert_int_equal(c->n_ev, 3);
	add(h, c, HS_SCRIPT, 3500, 0, "boot.ipxe");
	add(h, c, HS_KERNEL, 8000, 0, "vmlinuz-virt");
	add(h, c, HS_INITRAMFS, 9000, 0, "initramfs-virt");
	add(h, c, HS_MODLOOP, 31000, 0, "modloop-virt");
	assert_int_equal(c->last_stage, HS_USERSPACE);
	assert_true(c->reached & (1u << HS_USERSPACE));
	assert_int_equal(c->stage_ms[HS_KERNEL] - c->power_on_ms, 7000);
	assert_int_equal(c->stage_ms[HS_USERSPACE] - c->power_on_ms, 30000);
	assert_int_equal(c->failed_stage, HS_N);
	/* an apkovl after the modloop is no second userspace */
	add(h, c, HS_APKOVL, 32000, 0, "x.apkovl.tar.gz");
	m = history_metrics(h);
	assert_int_equal(m->stage_total[HS_USERSPACE], 1);
	assert_int_equal(m->stage_total[HS_OFFER], 1);
	assert_int_equal(m->to_kernel.count, 1);
	assert_int_equal(m->to_kernel.bucket[1], 1);      /* 7 s: le 10 */
	assert_int_equal(m->to_userspace.bucket[3], 1);   /* 30 s: le 30 */
	assert_true(m->to_userspace.sum_s > 29.9 && m->to_userspace.sum_s < 30.1);

	/* a reboot: the PXE ROM asks again after the kernel */
	history_offer(h, c, 0, "undionly.kpxe", 100000);
	assert_int_equal(c->boots, 2);
	assert_int_equal(c->power_on_ms, 100000);
	assert_int_equal(c->reached, 1u << HS_OFFER);
	add(h, c, HS_KERNEL, 105000, 0, "vmlinuz-virt");
	add(h, c, HS_MODLOOP, 106000, 1, "modloop-virt: HTTP 404 Not Found");
	assert_int_equal(c->failed_stage, HS_MODLOOP);
	assert_string_equal(c->failure, "modloop-virt: HTTP 404 Not Found");
	assert_int_equal(c->last_stage, HS_KERNEL);
	assert_false(c->reached & (1u << HS_USERSPACE));
	assert_int_equal(m->stage_total[HS_KERNEL], 2);
	assert_int_equal(m->failed_total[HS_MODLOOP], 1);
	history_free(h);
}

static void classify(void **state)
{
	struct history *h;
	struct hist_client *c;

	(void)state;
	assert_int_equal(history_new(4, 4, &h), 0);
	/* by names when nothing is known */
	assert_int_equal(history_classify(NULL, "/boot/vmlinuz-lts"), HS_KERNEL);
	assert_int_equal(history_classify(NULL, "initramfs-virt"), HS_INITRAMFS);
	assert_int_equal(history_classify(NULL, "/x/modloop-lts"), HS_MODLOOP);
	assert_int_equal(history_classify(NULL, "/ovl/52-54-00-12-34-56.apkovl.tar.gz"), HS_APKOVL);
	assert_int_equal(history_classify(NULL, "alpineboot.efi"), HS_NBP);
	assert_int_equal(history_classify(NULL, "undionly.kpxe"), HS_NBP);
	assert_int_equal(history_classify(NULL, "/boot.ipxe"), HS_SCRIPT);
	assert_int_equal(history_classify(NULL, "/README"), HS_OTHER);
	/* the plan's files win over names, {MAC} stands for the MAC */
	c = history_client(h, mac_of(1), 0);
	snprintf(c->file[HF_KERNEL], HIST_PATH_MAX, "k/linux");
	snprintf(c->file[HF_INITRAMFS], HIST_PATH_MAX, "k/modloop-but-initrd");
	snprintf(c->file[HF_APKOVL], HIST_PATH_MAX, "ovl/{MAC}.tgz");
	snprintf(c->nbp, HIST_PATH_MAX, "mine.bin");
	assert_int_equal(history_classify(c, "/k/linux"), HS_KERNEL);
	assert_int_equal(history_classify(c, "/k/modloop-but-initrd"), HS_INITRAMFS);
	assert_int_equal(history_classify(c, "/ovl/52:54:00:00:00:01.tgz"), HS_APKOVL);
	assert_int_equal(history_classify(c, "/ovl/x.tar"), HS_OTHER);
	assert_int_equal(history_classify(c, "mine.bin"), HS_NBP);
	history_free(h);
}

/* The address a client's script came from: the newest claim wins, and an
 * evicted record gives its address up. */
static void ip_bindings(void **state)
{
	struct history *h;
	struct hist_client *a, *b;
	struct in_addr one = { htonl(0xc612ff01) }, two = { htonl(0xc612ff02) };

	(void)state;
	assert_int_equal(history_new(2, 4, &h), 0);
	a = history_client(h, mac_of(1), 1);
	b = history_client(h, mac_of(2), 2);
	assert_null(history_by_ip(h, one));
	history_bind_ip(h, a, one, 10);
	history_bind_ip(h, b, one, 20);
	assert_ptr_equal(history_by_ip(h, one), b);
	history_bind_ip(h, a, one, 30);
	assert_ptr_equal(history_by_ip(h, one), a);
	history_bind_ip(h, b, two, 40);
	assert_ptr_equal(history_by_ip(h, two), b);
	assert_ptr_equal(history_by_ip(h, one), a);
	/* a is the least recently seen: reused for mac 3, it forgets "one" */
	assert_non_null(history_client(h, mac_of(3), 50));
	assert_null(history_by_ip(h, one));
	assert_ptr_equal(history_by_ip(h, two), b);
	history_free(h);
}

static void cidr_lists(void **state)
{
	struct nb_cidr_list l, keep;
	const char *ok = "127.0.0.0/8 198.18.0.0/15  10.1.2.3";
	static const char *const bad[] = {
		"", "  ", "198.18.0.1/15", "1.2.3", "1.2.3.4.5", "256.0.0.0", "1.2.3.4/33",
		"01.2.3.4", "1.2.3.4/", "1.2.3.4/x", "a.b.c.d", "1.2.3.4 none",
		"1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9 "
		"10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 10.0.0.7 10.0.0.8",
	};

	(void)state;
	assert_null(nb_cidr_list_parse(&l, ok, strlen(ok)));
	assert_int_equal(l.n, 3);
	assert_true(l.set);
	assert_true(nb_cidr_list_match(&l, 0x7f000001));
	assert_true(nb_cidr_list_match(&l, 0xc6130005));    /* 198.19.0.5 */
	assert_false(nb_cidr_list_match(&l, 0xc6140000));   /* 198.20.0.0 */
	assert_true(nb_cidr_list_match(&l, 0x0a010203));
	assert_false(nb_cidr_list_match(&l, 0x0a010204));
	assert_null(nb_cidr_list_parse(&l, "0.0.0.0/0", 9));
	assert_true(nb_cidr_list_match(&l, 0xffffffff));
	assert_null(nb_cidr_list_parse(&l, "none", 4));
	assert_true(l.set);
	assert_int_equal(l.n, 0);
	assert_false(nb_cidr_list_match(&l, 0x7f000001));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&l, 0x5a, sizeof(l));
		keep = l;
		assert_non_null(nb_cidr_list_parse(&l, bad[i], strlen(bad[i])));
		assert_memory_equal(&l, &keep, sizeof(l));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(bad_bounds),
	cmocka_unit_test(evicts_least_recent),
	cmocka_unit_test(events_ring),
	cmocka_unit_test(a_boot),
	cmocka_unit_test(classify),
	cmocka_unit_test(ip_bindings),
	cmocka_unit_test(cidr_lists),
};

TEST_MAIN(tests, NULL)
