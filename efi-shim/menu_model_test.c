/* menu_model_test.c: the menu as a table of scripts. Each row: a timeout,
 * a script of events (ticks and keys), the item chosen (-1: none yet) and
 * the selection at the end. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include "efi-shim/menu_model.h"

/* Script letters: t tick, u up, d down, h home, e end, \n enter,
 * 0-9 digit, x other key. */
static enum menu_result feed(struct menu_model *m, char c)
{
	switch (c) {
	case 't': return menu_tick(m);
	case 'u': return menu_key(m, MENU_KEY_UP, 0);
	case 'd': return menu_key(m, MENU_KEY_DOWN, 0);
	case 'h': return menu_key(m, MENU_KEY_HOME, 0);
	case 'e': return menu_key(m, MENU_KEY_END, 0);
	case '\n': return menu_key(m, MENU_KEY_ENTER, 0);
	case 'x': return menu_key(m, MENU_KEY_OTHER, 0);
	default: return menu_key(m, MENU_KEY_DIGIT, (unsigned)(c - '0'));
	}
}

static const struct {
	unsigned timeout, def;
	const char *script;
	int chosen;
	unsigned sel;
	int line;
} scripts[] = {
#define S(t, d, s, c, sel) { t, d, s, c, sel, __LINE__ }
	S(3, 0, "ttt", 0, 0),          /* countdown runs out: default */
	S(3, 2, "ttt", 2, 2),          /* default other than 0 */
	S(3, 0, "tt", -1, 0),          /* not yet */
	S(3, 0, "xtttttt", -1, 0),     /* a key stops the countdown for good */
	S(3, 0, "d\n", 1, 1),
	S(3, 0, "u\n", 4, 4),          /* up from the top wraps */
	S(3, 4, "d\n", 0, 0),          /* down from the bottom wraps */
	S(3, 2, "h\n", 0, 0),
	S(3, 0, "e\n", 4, 4),
	S(3, 0, "3", 2, 2),            /* digits choose at once, 1-based */
	S(3, 0, "9", -1, 0),           /* no ninth item: ignored */
	S(3, 0, "9t2", 1, 1),          /* ...and the countdown stopped */
	S(0, 0, "tttttttt", -1, 0),    /* no timeout: wait for a key */
	S(3, 0, "1d", 0, 0),           /* keys after the choice change nothing */
	S(1, 1, "t", 1, 1),
};

static void test_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
		struct menu_model m;
		menu_init(&m, scripts[i].timeout);
		for (int k = 0; k < 5; k++)
			assert_int_equal(menu_add(&m, "x", k == 0 ? NB_ACT_BOOT : NB_ACT_REBOOT, 0), k);
		assert_int_equal(menu_set_default(&m, scripts[i].def), 0);
		for (const char *p = scripts[i].script; *p; p++)
			(void)feed(&m, *p);
		if (m.chosen != scripts[i].chosen || m.sel != scripts[i].sel)
			fail_msg("line %d: chosen %d sel %u, want %d %u", scripts[i].line,
				 m.chosen, m.sel, scripts[i].chosen, scripts[i].sel);
	}
}

static void test_results(void **state)
{
	(void)state;
	struct menu_model m;

	menu_init(&m, 2);
	menu_add(&m, "a", NB_ACT_BOOT, 0);
	menu_add(&m, "b", NB_ACT_RETRY, 0);
	assert_int_equal(menu_tick(&m), MENU_REDRAW);       /* 1 s left */
	assert_int_equal(menu_key(&m, MENU_KEY_OTHER, 0), MENU_REDRAW); /* stops */
	assert_int_equal(menu_key(&m, MENU_KEY_OTHER, 0), MENU_IDLE);
	assert_int_equal(menu_tick(&m), MENU_IDLE);
	assert_int_equal(menu_key(&m, MENU_KEY_DOWN, 0), MENU_REDRAW);
	assert_int_equal(menu_key(&m, MENU_KEY_ENTER, 0), MENU_DONE);
	assert_int_equal(m.item[m.chosen].action, NB_ACT_RETRY);
}

static void test_limits(void **state)
{
	(void)state;
	struct menu_model m;

	menu_init(&m, 5);
	assert_int_equal(menu_set_default(&m, 0), -EINVAL);   /* empty */
	assert_int_equal(menu_tick(&m), MENU_IDLE);            /* empty: nothing to choose */
	for (int i = 0; i < MENU_MAX_ITEMS; i++)
		assert_int_equal(menu_add(&m, "x", NB_ACT_BOOT, (unsigned)i), i);
	assert_int_equal(menu_add(&m, "x", NB_ACT_BOOT, 0), -ENOSPC);
	assert_int_equal(menu_set_default(&m, MENU_MAX_ITEMS), -EINVAL);
	assert_int_equal(menu_key(&m, MENU_KEY_DIGIT, 0), MENU_DONE);   /* '0' = item 10 */
	assert_int_equal(m.chosen, 9);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_scripts),
	cmocka_unit_test(test_results),
	cmocka_unit_test(test_limits),
};

TEST_MAIN(tests, NULL)
