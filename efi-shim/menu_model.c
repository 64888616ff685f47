/* menu_model.c: selection, digits, countdown (see menu_model.h).
 *
 * Digits choose at once rather than only moving the highlight: on a serial
 * console (OVMF maps it to ConIn) one character is the most a person, or a
 * test, should have to type. Arrows wrap around.
 */
#include <errno.h>

#include "efi-shim/menu_model.h"

void menu_init(struct menu_model *m, unsigned timeout_s)
{
	m->n = 0;
	m->sel = 0;
	m->def = 0;
	m->remaining = timeout_s;
	m->counting = timeout_s > 0;
	m->chosen = -1;
}

int menu_add(struct menu_model *m, const char *label, enum nb_action action,
	     unsigned arg)
{
	if (m->n >= MENU_MAX_ITEMS)
		return -ENOSPC;
	m->item[m->n].label = label;
	m->item[m->n].action = action;
	m->item[m->n].arg = arg;
	return (int)m->n++;
}

int menu_set_default(struct menu_model *m, unsigned idx)
{
	if (idx >= m->n)
		return -EINVAL;
	m->def = idx;
	m->sel = idx;
	return 0;
}

static enum menu_result choose(struct menu_model *m, unsigned idx)
{
	m->sel = idx;
	m->chosen = (int)idx;
	return MENU_DONE;
}

enum menu_result menu_key(struct menu_model *m, enum menu_key k, unsigned digit)
{
	enum menu_result r = m->counting ? MENU_REDRAW : MENU_IDLE;
	unsigned idx;

	m->counting = 0;
	if (m->n == 0 || m->chosen >= 0)
		return r;
	switch (k) {
	case MENU_KEY_UP:
		m->sel = m->sel == 0 ? m->n - 1 : m->sel - 1;
		return MENU_REDRAW;
	case MENU_KEY_DOWN:
		m->sel = m->sel + 1 >= m->n ? 0 : m->sel + 1;
		return MENU_REDRAW;
	case MENU_KEY_HOME:
		m->sel = 0;
		return MENU_REDRAW;
	case MENU_KEY_END:
		m->sel = m->n - 1;
		return MENU_REDRAW;
	case MENU_KEY_ENTER:
		return choose(m, m->sel);
	case MENU_KEY_DIGIT:
		if (digit > 9)
			return r;
		idx = digit == 0 ? 9 : digit - 1;
		if (idx >= m->n)
			return r;
		return choose(m, idx);
	case MENU_KEY_OTHER:
		break;
	}
	return r;
}

enum menu_result menu_tick(struct menu_model *m)
{
	if (!m->counting || m->chosen >= 0 || m->n == 0)
		return MENU_IDLE;
	if (m->remaining > 0)
		m->remaining--;
	if (m->remaining > 0)
		return MENU_REDRAW;
	m->counting = 0;
	return choose(m, m->def);
}
