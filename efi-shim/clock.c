/* clock.c: a millisecond clock for timeouts and transfer rates.
 *
 * UEFI has no monotonic time service: GetTime() is the RTC, which OVMF
 * reports in whole seconds and a person may change. A periodic timer event
 * counting 10 ms ticks is what the firmware's own drivers use for their
 * timeouts; its notify function runs whenever we wait or poll at
 * TPL_APPLICATION, which is all the time we are waiting.
 */
#include "efi-shim/fw.h"

#define TICK_100NS  100000ULL       /* 10 ms in the timer's 100 ns units */

static volatile UINT64 ticks;
static EFI_EVENT tick_event;

static VOID EFIAPI on_tick(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	ticks++;
}

EFI_STATUS clock_start(void)
{
	EFI_STATUS st;

	if (tick_event)
		return EFI_SUCCESS;
	st = BS->CreateEvent(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_tick, NULL, &tick_event);
	if (EFI_ERROR(st))
		return st;
	st = BS->SetTimer(tick_event, TimerPeriodic, TICK_100NS);
	if (EFI_ERROR(st)) {
		BS->CloseEvent(tick_event);
		tick_event = NULL;
	}
	return st;
}

UINT64 clock_ms(void)
{
	return ticks * 10;
}

void clock_stop(void)
{
	if (!tick_event)
		return;
	BS->SetTimer(tick_event, TimerCancel, 0);
	BS->CloseEvent(tick_event);
	tick_event = NULL;
}
