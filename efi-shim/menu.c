/* menu.c: the fallback menu's renderer and key input (model: menu_model.c).
 *
 * Plain lines, no cursor addressing: on a serial console (OVMF's terminal
 * driver maps it to ConIn/ConOut) every redraw stays readable in a log, and
 * the boot tests can match lines. Arrow keys arrive as scan codes: the
 * terminal driver turns ESC [ A / ESC [ B into SCAN_UP / SCAN_DOWN. Input
 * waits on WaitForKey and a one-second timer together, so the countdown
 * ticks without busy-waiting and no wait is unbounded.
 */
#include "efi-shim/menu.h"

static void draw(const struct menu_model *m, const char *title, const CHAR16 *reason)
{
	Print(L"\n");
	LOG(L"menu: %a", title);
	if (reason)
		LOG(L"menu: %s", reason);
	for (unsigned i = 0; i < m->n; i++) {
		if (i < 10)
			Print(L"  %c %d) %a\n", i == m->sel ? L'>' : L' ', (int)(i == 9 ? 0 : i + 1),
			      m->item[i].label);
		else
			Print(L"  %c    %a\n", i == m->sel ? L'>' : L' ', m->item[i].label);
	}
	Print(L"  digit or arrows + Enter to choose\n");
}

static void draw_countdown(const struct menu_model *m)
{
	if (m->counting)
		Print(L"\r  default (%d) in %d s   ", (int)m->def + 1, (int)m->remaining);
}

static enum menu_key map_key(const EFI_INPUT_KEY *k, unsigned *digit)
{
	switch (k->ScanCode) {
	case SCAN_UP:   return MENU_KEY_UP;
	case SCAN_DOWN: return MENU_KEY_DOWN;
	case SCAN_HOME: return MENU_KEY_HOME;
	case SCAN_END:  return MENU_KEY_END;
	default: break;
	}
	if (k->UnicodeChar == L'\r' || k->UnicodeChar == L'\n')
		return MENU_KEY_ENTER;
	if (k->UnicodeChar >= L'0' && k->UnicodeChar <= L'9') {
		*digit = (unsigned)(k->UnicodeChar - L'0');
		return MENU_KEY_DIGIT;
	}
	/* vi keys, for terminals whose arrows do not get through. */
	if (k->UnicodeChar == L'k')
		return MENU_KEY_UP;
	if (k->UnicodeChar == L'j')
		return MENU_KEY_DOWN;
	return MENU_KEY_OTHER;
}

/* Wait up to one second for a key. 1 and *ret_key, 0 on timeout, 2 for a
 * keystroke that carries nothing (no scan code, no character: EDK2's
 * keyboard drivers report some shift/toggle state changes that way; taking
 * it as a key press would stop the countdown for nothing), <0 error. */
static int wait_key(EFI_EVENT timer, EFI_INPUT_KEY *ret_key)
{
	EFI_EVENT events[2] = { ST->ConIn->WaitForKey, timer };
	UINTN index = 0;
	EFI_STATUS st;

	st = BS->SetTimer(timer, TimerRelative, 10000000);     /* 1 s in 100 ns units */
	if (EFI_ERROR(st))
		return -1;
	st = BS->WaitForEvent(2, events, &index);
	if (EFI_ERROR(st))
		return -1;
	if (index != 0)
		return 0;
	st = ST->ConIn->ReadKeyStroke(ST->ConIn, ret_key);
	if (st == EFI_NOT_READY)
		return 2;
	if (EFI_ERROR(st))
		return -1;
	return ret_key->ScanCode == 0 && ret_key->UnicodeChar == 0 ? 2 : 1;
}

EFI_STATUS menu_run(struct menu_model *m, const char *title, const CHAR16 *reason)
{
	EFI_EVENT timer;
	EFI_STATUS st;
	unsigned last_sel;

	st = BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer);
	if (EFI_ERROR(st)) {
		ERR(L"menu: CreateEvent: %s", efi_status_str(st));
		return st;
	}
	draw(m, title, reason);
	draw_countdown(m);
	last_sel = m->sel;
	for (unsigned s = 0; m->chosen < 0; s++) {
		EFI_INPUT_KEY key;
		enum menu_result r;
		unsigned digit = 0;
		int k;

		if (s >= MENU_MAX_WAIT_S * 4) {          /* no countdown and nobody there */
			m->chosen = (int)m->def;
			break;
		}
		k = wait_key(timer, &key);
		if (k == 2)
			continue;
		if (k < 0) {
			st = EFI_DEVICE_ERROR;
			ERR(L"menu: console input failed: taking the default");
			m->chosen = (int)m->def;
			break;
		}
		if (k) {
			enum menu_key mk = map_key(&key, &digit);
			/* Say what arrived when it means nothing to us: terminals
			 * differ in what they send for the arrows. */
			if (mk == MENU_KEY_OTHER)
				LOG(L"menu: key scan 0x%x char 0x%x ignored", key.ScanCode,
				    key.UnicodeChar);
			r = menu_key(m, mk, digit);
		} else
			r = menu_tick(m);
		if (r == MENU_REDRAW) {
			if (m->sel != last_sel || !m->counting) {
				if (!m->counting && m->sel == last_sel)
					Print(L"\r                         \r");
				else
					draw(m, title, NULL);
				last_sel = m->sel;
			}
			draw_countdown(m);
		}
	}
	BS->CloseEvent(timer);
	Print(L"\n");
	LOG(L"menu: chose %d) %a", m->chosen + 1, m->item[m->chosen].label);
	return EFI_SUCCESS;
}

int menu_countdown(const char *label, unsigned seconds)
{
	struct menu_model m;
	EFI_EVENT timer;
	EFI_STATUS st;
	int pressed = 0;

	if (seconds == 0)
		return 0;
	menu_init(&m, seconds);
	menu_add(&m, label, NB_ACT_BOOT, 0);
	st = BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer);
	if (EFI_ERROR(st))
		return 0;
	LOG(L"booting %a in %d s, press any key for the menu", label, (int)seconds);
	for (unsigned s = 0, spins = 0; s <= seconds && m.chosen < 0 && spins < 4 * seconds + 64;
	     s++, spins++) {
		EFI_INPUT_KEY key;
		int k = wait_key(timer, &key);
		if (k == 2) {
			s--;            /* not a key and not a second: wait on */
			continue;
		}
		if (k > 0) {
			pressed = 1;
			break;
		}
		if (k < 0)
			break;
		if (menu_tick(&m) == MENU_REDRAW)
			Print(L"\r  %d s ", (int)m.remaining);
	}
	BS->CloseEvent(timer);
	Print(L"\n");
	return pressed;
}
