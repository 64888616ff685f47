/* menu_model.h: the fallback menu as pure state, no firmware.
 *
 * Items, a selection, a default and a countdown. The renderer (menu.c)
 * draws what this says and feeds it keys and one tick per second; it never
 * decides anything itself. Host-tested in menu_model_test.c.
 */
#ifndef EFI_SHIM_MENU_MODEL_H
#define EFI_SHIM_MENU_MODEL_H

#include "plan/plan.h"

#define MENU_MAX_ITEMS (NB_PLAN_MAX_ENTRIES + 6)

enum menu_key {
	MENU_KEY_UP, MENU_KEY_DOWN, MENU_KEY_HOME, MENU_KEY_END,
	MENU_KEY_ENTER, MENU_KEY_DIGIT, MENU_KEY_OTHER,
};

struct menu_item {
	const char *label;       /* not owned; outlives the menu */
	enum nb_action action;
	unsigned arg;            /* NB_ACT_BOOT: the plan entry index */
};

struct menu_model {
	struct menu_item item[MENU_MAX_ITEMS];
	unsigned n;
	unsigned sel;            /* highlighted item */
	unsigned def;            /* chosen when the countdown ends */
	unsigned remaining;      /* seconds left while counting */
	int counting;            /* 0 once any key was pressed */
	int chosen;              /* item index, -1 until chosen */
};

enum menu_result {
	MENU_IDLE,       /* nothing visible changed */
	MENU_REDRAW,     /* selection or countdown changed */
	MENU_DONE,       /* m->chosen is set */
};

/* timeout_s 0: no countdown, wait for a key. */
void menu_init(struct menu_model *m, unsigned timeout_s);

/* Append an item. Its index, or -ENOSPC when full. */
int menu_add(struct menu_model *m, const char *label, enum nb_action action,
	     unsigned arg);

/* Make item idx the default and the selection; -EINVAL when out of range. */
int menu_set_default(struct menu_model *m, unsigned idx);

/* A key: digit is 0..9 for MENU_KEY_DIGIT ('1' is item 0, '0' item 9).
 * Any key stops the countdown. */
enum menu_result menu_key(struct menu_model *m, enum menu_key k, unsigned digit);

/* One second passed. At zero the default is chosen. */
enum menu_result menu_tick(struct menu_model *m);

#endif
