/* menu.h: draw a menu_model on the console and feed it keys and seconds. */
#ifndef EFI_SHIM_MENU_H
#define EFI_SHIM_MENU_H

#include "efi-shim/fw.h"
#include "efi-shim/menu_model.h"

/* Run m until an item is chosen. title and reason (may be NULL: why the
 * menu is shown) head it. EFI_SUCCESS with m->chosen set, or the status of
 * a failed console call. Bounded: the model's countdown ends it, and with
 * no countdown at most MENU_MAX_WAIT_S pass before the default is taken. */
EFI_STATUS menu_run(struct menu_model *m, const char *title, const CHAR16 *reason);

/* "Booting LABEL in N s, any key for the menu". 1 when a key was pressed,
 * 0 when the countdown ran out (or seconds is 0). */
int menu_countdown(const char *label, unsigned seconds);

#define MENU_MAX_WAIT_S 3600

#endif
