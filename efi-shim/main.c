/* main.c: alpineboot.efi, the Alpine boot command for UEFI clients.
 *
 * The flow, each step in its own file:
 *   net.c     find the NIC, our address, the boot server (PXE, HTTP Boot,
 *   nics.c    or from disk: the stamped NIC, else the NIC that reaches the
 *             stamped server)
 *   fetch.c   the plan boot.plan?mac=.. (plan/query.h; HTTP, else the same
 *             name and query over TFTP), else the one stamped into this
 *             image (stamp.c, plan/stamp.h)
 *   menu.c    a short countdown for plan entry 0; a key opens the menu
 *   fetch.c   kernel and initramfs, bounded and verified (bounds.c)
 *   plan/     the plan's command line plus initrd= and BOOTIF= (cmdline.h),
 *             then UCS-2 (ucs2.c)
 *   linux.c   LoadImage + LoadFile2 initrd (initrd.c) + StartImage
 * and on any failure the menu: the plan's entries, retry, iPXE shell,
 * reboot, exit to firmware. Every message starts with "alpineboot: ".
 */
#include <errno.h>

#include "plan/cmdline.h"
#include "plan/plan.h"
#include "plan/query.h"
#include "plan/str.h"
#include "efi-shim/fetch.h"
#include "efi-shim/linux.h"
#include "efi-shim/menu.h"
#include "efi-shim/net.h"
#include "efi-shim/stamp.h"
#include "efi-shim/url.h"
#include "efi-shim/ucs2.h"
#include "plan/trust.h"

#define ALPINEBOOT_VERSION   "1.0"
#define BOOT_COUNTDOWN_S     3      /* before entry 0: time to press a key */
#define FAIL_MENU_TIMEOUT_S  30     /* when the plan gives no timeout */
#define MAX_ROUNDS           1000   /* boot attempts before giving up to firmware */
#define SHELL_IMAGE          "snponly.efi"

struct boot {
	EFI_HANDLE image;
	struct net net;
	int have_net;
	struct nb_plan *plan, *scratch;   /* scratch: parse target, copied on success */
	int have_plan;
	char base[NB_URL_MAX];            /* http://server of the plan */
	struct url stamped_server;        /* the stamp's server, split: a hint for net_init */
	UINT8 stamped_nic[6];             /* the stamp's NIC: a copy, b->plan is replaced later */
	struct net_hint hint;
	struct nb_trust trust;            /* from the stamp and Secure Boot (plan/trust.h) */
};

static const char label_retry[] = "Retry (fetch the plan again)";
static const char label_shell[] = "iPXE shell (" SHELL_IMAGE " from the server)";
static const char label_reboot[] = "Reboot";
static const char label_exit[] = "Exit to firmware";
static const char label_fw[] = "Reboot into firmware setup";

/* "http://A.B.C.D" of a boot server into b->base. */
static void base_from_ip(struct boot *b, const UINT8 ip[4])
{
	struct nb_buf u;

	nb_buf_init(&u, b->base, sizeof b->base);
	nb_buf_puts(&u, "http://");
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			nb_buf_putc(&u, '.');
		nb_buf_putu(&u, ip[i]);
	}
}

/* Parse text into b->plan, keeping the old plan when the new one is bad.
 * nb_plan_parse refuses every plan alpineboot.efi could not run (no
 * entries, entry 0 not a boot entry, default past the end), so what
 * parses is taken as it is. */
static int take_plan(struct boot *b, const char *text, size_t len, const CHAR16 *from)
{
	int r = nb_plan_parse(b->scratch, text, len);

	if (r < 0) {
		ERR(L"plan from %s is invalid (%a)", from, r == -E2BIG ? "a field over its limit" : "malformed");
		return r;
	}
	CopyMem(b->plan, b->scratch, sizeof *b->plan);
	b->have_plan = 1;
	return 0;
}

/* The stamped plan: the server when not PXE-booted, the plan of last resort. */
static int stamped_plan(struct boot *b, int quiet)
{
	const char *text;
	size_t len;
	int r = stamp_plan_text(&text, &len);

	if (r == -ENOENT) {
		if (!quiet)
			LOG(L"plan: this image carries no stamped plan");
		return r;
	}
	if (r < 0) {
		ERR(L"plan: the stamped section is corrupt");
		return r;
	}
	return take_plan(b, text, len, L"the stamp");
}

/* UEFI 2.10 section 3.3: the global variable SecureBoot is 1 when the
 * firmware enforces signatures on the images it starts. */
static int secure_boot_on(void)
{
	static EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT8 v = 0;
	UINTN size = sizeof v;

	return !EFI_ERROR(RT->GetVariable(L"SecureBoot", &global, NULL, &size, &v)) &&
	       size == 1 && v == 1;
}

/* The trust settings: the stamp's plan-key and require-signature (inside
 * what the firmware verified), and Secure Boot, which requires signatures. */
static void init_trust(struct boot *b)
{
	const char *text;
	size_t len;
	int sb = secure_boot_on();
	int stamped = stamp_plan_text(&text, &len) == 0 &&
		      nb_plan_parse(b->scratch, text, len) == 0;

	nb_trust_init(&b->trust, stamped ? b->scratch : NULL, sb);
	LOG(L"trust: Secure Boot %a, plan key %a, plan signatures %a", sb ? "on" : "off",
	    b->trust.has_key ? "stamped" : "none",
	    b->trust.require ? "required" : "checked when present");
}

/* The plan from b->base: 0, or a negative errno with the reason logged. */
static int server_plan(struct boot *b)
{
	char url[NB_URL_MAX];
	struct blob blob = { 0 };
	const char *note;
	size_t len;
	int r;

	if (!b->have_net || !b->base[0])
		return -ENOENT;
	/* The query names our NIC over HTTP and TFTP alike (fetch.c keeps it
	 * in the TFTP file name), so the server never has to guess it from
	 * its neighbour table. No arch=: the server knows it from DHCP, and
	 * its logs and tests read the request as "boot.plan?mac=..". */
	if (nb_query_url(b->base, NB_PLAN_NAME, b->net.has_mac ? b->net.mac : NULL, -1,
			 url, sizeof url, NULL) < 0) {
		ERR(L"plan: the server URL %a is too long", b->base);
		return -E2BIG;
	}
	if (EFI_ERROR(fetch(&b->net, url, "plan", NULL, NB_PLAN_TEXT_MAX, &blob)))
		return -EIO;
	r = nb_trust_plan(&b->trust, (const char *)blob.buf, (size_t)blob.len, &len, &note);
	if (r < 0) {
		ERR(L"plan from the server refused: %a", note);
	} else {
		LOG(L"plan: %a", note);
		r = take_plan(b, (const char *)blob.buf, len, L"the server");
	}
	blob_free(&blob);
	if (r == 0)
		LOG(L"plan: %a, %d entries", b->plan->title, (int)b->plan->n_entry);
	return r;
}

/* What the stamp says about the network (its NIC, its server's address)
 * for net_init when no NIC loaded us. */
static void make_hint(struct boot *b)
{
	size_t len = 0;

	ZeroMem(&b->hint, sizeof b->hint);
	if (stamped_plan(b, 1) < 0)
		return;
	if (b->plan->has_nic) {
		CopyMem(b->stamped_nic, b->plan->nic, 6);
		b->hint.mac = b->stamped_nic;
	}
	while (len < NB_URL_MAX && b->plan->server[len])
		len++;
	if (url_parse(b->plan->server, len, &b->stamped_server) == 0 && b->stamped_server.has_ip)
		b->hint.server = b->stamped_server.ip;
}

/* Bring the network up (again): net_init with the stamp's hint. */
static void bring_up_net(struct boot *b)
{
	make_hint(b);
	b->have_net = !EFI_ERROR(net_init(b->image, &b->hint, &b->net));
}

static EFI_STATUS load_plan(struct boot *b)
{
	struct nb_buf u;

	/* Which server to ask: PXE-loaded, the one that served this image;
	 * HTTP-booted, the one in our own URI; from disk, the one the admin
	 * stamped into it, else whichever PXE server answered our DHCP. */
	b->base[0] = 0;
	if (b->have_net && b->net.pxe_booted && b->net.has_server) {
		base_from_ip(b, b->net.server);
	} else if (b->have_net && b->net.http_booted) {
		nb_buf_init(&u, b->base, sizeof b->base);
		nb_buf_puts(&u, b->net.base);      /* both NB_URL_MAX: fits */
	} else if (stamped_plan(b, 1) == 0 && b->plan->server[0]) {
		nb_buf_init(&u, b->base, sizeof b->base);
		nb_buf_puts(&u, b->plan->server);   /* both NB_URL_MAX: fits */
	} else if (b->have_net && b->net.has_server) {
		base_from_ip(b, b->net.server);
	}
	if (server_plan(b) == 0)
		return EFI_SUCCESS;
	if (stamped_plan(b, 0) == 0) {
		LOG(L"plan: using the stamped plan: %a, %d entries", b->plan->title,
		    (int)b->plan->n_entry);
		return EFI_SUCCESS;
	}
	if (b->have_plan) {
		LOG(L"plan: keeping the plan fetched earlier");
		return EFI_SUCCESS;
	}
	ERR(L"no boot plan: none from the server and none stamped in this image");
	return EFI_NOT_FOUND;
}

/* Concatenate initrds: the kernel unpacks concatenated cpio archives
 * (Documentation/driver-api/early-userspace/buffer-format.rst), each
 * starting 4-byte aligned. */
static EFI_STATUS join_initrds(struct blob *parts, unsigned n, struct blob *ret)
{
	EFI_PHYSICAL_ADDRESS addr;
	UINT64 total = 0, off = 0;
	EFI_STATUS st;

	if (n == 1) {
		*ret = parts[0];
		parts[0].buf = NULL;
		return EFI_SUCCESS;
	}
	for (unsigned i = 0; i < n; i++)
		total += (parts[i].len + 3) & ~3ULL;
	ret->pages = (UINTN)EFI_SIZE_TO_PAGES(total ? total : 1);
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, ret->pages, &addr);
	if (EFI_ERROR(st)) {
		ERR(L"initrd: cannot allocate %ld bytes: %s", total, efi_status_str(st));
		return st;
	}
	ret->buf = (UINT8 *)(UINTN)addr;
	for (unsigned i = 0; i < n; i++) {
		CopyMem(ret->buf + off, parts[i].buf, parts[i].len);
		off += parts[i].len;
		while (off & 3)
			ret->buf[off++] = 0;
	}
	ret->len = off;
	return EFI_SUCCESS;
}

static EFI_STATUS boot_entry(struct boot *b, unsigned idx)
{
	const struct nb_entry *e = &b->plan->entry[idx];
	struct blob kernel = { 0 }, initrd = { 0 }, parts[NB_PLAN_MAX_INITRDS];
	static char line[NB_CMDLINE_LOADER_MAX];
	static CHAR16 options[NB_CMDLINE_LOADER_MAX];
	size_t len, units;
	unsigned got = 0;
	EFI_STATUS st;
	int r;

	LOG(L"boot: %a", e->label);
	if (!nb_trust_entry(&b->trust, e)) {
		ERR(L"boot: refused: plan signatures are required, and this entry lacks a "
		    L"SHA-256 pin for its kernel or an initrd");
		return EFI_SECURITY_VIOLATION;
	}
	if (!b->have_net) {
		ERR(L"boot: no network to fetch the kernel over");
		return EFI_NO_MAPPING;
	}
	r = nb_cmdline_loader(e, b->net.has_mac ? b->net.mac : NULL, line, sizeof line, &len);
	if (r == 0)
		r = ucs2_from_utf8((const uint8_t *)line, len, (uint16_t *)options,
				   sizeof options / sizeof options[0], &units);
	if (r < 0) {
		ERR(L"boot: the plan's command line cannot be used (%a)",
		    r == -E2BIG || r == -ENOSPC ? "too long" : "invalid characters or initrd URL");
		return EFI_INVALID_PARAMETER;
	}
	ZeroMem(parts, sizeof parts);
	st = fetch(&b->net, e->kernel.url, "kernel", &e->kernel, b->plan->max_file_size, &kernel);
	if (EFI_ERROR(st))
		goto out;
	for (; got < e->n_initrd && got < NB_PLAN_MAX_INITRDS; got++) {
		st = fetch(&b->net, e->initrd[got].url, "initrd", &e->initrd[got],
			   b->plan->max_file_size, &parts[got]);
		if (EFI_ERROR(st))
			goto out;
	}
	if (got) {
		st = join_initrds(parts, got, &initrd);
		if (EFI_ERROR(st))
			goto out;
	}
	LOG(L"cmdline: %a", line);
	st = linux_boot(b->image, kernel.buf, (UINTN)kernel.len, options, units, initrd.buf,
			(UINTN)initrd.len);
out:
	for (unsigned i = 0; i < got; i++)
		blob_free(&parts[i]);
	blob_free(&initrd);
	blob_free(&kernel);
	return st;
}

static EFI_STATUS ipxe_shell(struct boot *b)
{
	char url[NB_URL_MAX];
	struct blob img = { 0 };
	EFI_STATUS st;

	if (!b->have_net || !b->base[0]) {
		ERR(L"shell: no server to fetch " SHELL_IMAGE L" from");
		return EFI_NOT_FOUND;
	}
	if (nb_query_url(b->base, SHELL_IMAGE, NULL, -1, url, sizeof url, NULL) < 0) {
		ERR(L"shell: the server URL %a is too long", b->base);
		return EFI_BAD_BUFFER_SIZE;
	}
	st = fetch(&b->net, url, "ipxe", NULL, b->have_plan ? b->plan->max_file_size : 0, &img);
	if (EFI_ERROR(st))
		return st;
	st = efi_chain(b->image, img.buf, (UINTN)img.len, b->net.nic_handle);
	blob_free(&img);
	return st;
}

static void reset_to_firmware_ui(void)
{
	static EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT64 supported = 0, ind = 0;
	UINTN size = sizeof supported;
	EFI_STATUS st;

	st = RT->GetVariable(L"OsIndicationsSupported", &global, NULL, &size, &supported);
	if (EFI_ERROR(st) || !(supported & EFI_OS_INDICATIONS_BOOT_TO_FW_UI)) {
		ERR(L"this firmware cannot be asked to open its setup; rebooting");
	} else {
		size = sizeof ind;
		if (EFI_ERROR(RT->GetVariable(L"OsIndications", &global, NULL, &size, &ind)))
			ind = 0;
		ind |= EFI_OS_INDICATIONS_BOOT_TO_FW_UI;
		LOG(L"rebooting into firmware setup");
		st = RT->SetVariable(L"OsIndications", &global,
				     EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				     EFI_VARIABLE_RUNTIME_ACCESS, sizeof ind, &ind);
		if (EFI_ERROR(st))
			ERR(L"setting OsIndications: %s", efi_status_str(st));
	}
	BS->Stall(500000);                 /* as for NB_ACT_REBOOT */
	RT->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
}

static int plan_has(const struct nb_plan *p, enum nb_action a)
{
	for (unsigned i = 0; i < p->n_entry; i++)
		if (p->entry[i].action == a)
			return 1;
	return 0;
}

/* The menu: the plan's entries, then whatever fixed item it lacks. */
static void build_menu(struct boot *b, struct menu_model *m, unsigned timeout, int failed)
{
	int retry = -1;

	menu_init(m, timeout);
	if (b->have_plan)
		for (unsigned i = 0; i < b->plan->n_entry; i++) {
			int k = menu_add(m, b->plan->entry[i].label, b->plan->entry[i].action, i);
			if (k >= 0 && b->plan->entry[i].action == NB_ACT_RETRY && retry < 0)
				retry = k;
		}
	if (!b->have_plan || !plan_has(b->plan, NB_ACT_RETRY))
		retry = menu_add(m, label_retry, NB_ACT_RETRY, 0);
	if (!b->have_plan || !plan_has(b->plan, NB_ACT_SHELL))
		menu_add(m, label_shell, NB_ACT_SHELL, 0);
	if (!b->have_plan || !plan_has(b->plan, NB_ACT_REBOOT))
		menu_add(m, label_reboot, NB_ACT_REBOOT, 0);
	if (!b->have_plan || !plan_has(b->plan, NB_ACT_EXIT))
		menu_add(m, label_exit, NB_ACT_EXIT, 0);
	if (b->have_plan && plan_has(b->plan, NB_ACT_FIRMWARE) == 0)
		menu_add(m, label_fw, NB_ACT_FIRMWARE, 0);
	/* The plan's default_entry is the fallback default (embed/resolve.c
	 * makes it "Retry" unless configured); a menu opened by a key press
	 * defaults to entry 0, what would have booted. No plan: retry. */
	if (!b->have_plan)
		menu_set_default(m, (unsigned)retry);
	else if (failed)
		menu_set_default(m, b->plan->default_entry);
	else
		menu_set_default(m, 0);
}

/* Run one action. NULL when *act and *arg now name the next action to run
 * without asking (a retry that got a plan); otherwise why the menu must be
 * shown. NB_ACT_EXIT is the caller's. */
static const CHAR16 *run_action(struct boot *b, enum nb_action *act, unsigned *arg)
{
	switch (*act) {
	case NB_ACT_BOOT:
		boot_entry(b, *arg);
		return L"booting failed (see the messages above)";
	case NB_ACT_RETRY:
		if (!b->have_net)
			bring_up_net(b);
		if (EFI_ERROR(load_plan(b)))
			return L"no boot plan (see the messages above)";
		*act = NB_ACT_BOOT;          /* entry 0 of the new plan */
		*arg = 0;
		return NULL;
	case NB_ACT_SHELL:
		ipxe_shell(b);
		return L"the iPXE shell ended or could not start";
	case NB_ACT_REBOOT:
		LOG(L"rebooting");
		/* Half a second for the last lines to leave a serial console: a
		 * reset drops what a UART or QEMU's chardev still holds. */
		BS->Stall(500000);
		RT->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
		return L"reboot failed";
	case NB_ACT_FIRMWARE:
		reset_to_firmware_ui();
		return L"reboot failed";
	case NB_ACT_EXIT:
		break;
	}
	return L"nothing to do";
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct boot b;
	struct menu_model *menu;
	enum nb_action act = NB_ACT_RETRY;
	unsigned arg = 0;
	const CHAR16 *reason = NULL;
	EFI_STATUS st = EFI_NOT_FOUND;

	InitializeLib(image, systab);
	/* The firmware's 5-minute watchdog (UEFI 2.10 section 3.4.1) would reset
	 * a client waiting in the menu; our own waits are bounded instead. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	clock_start();
	Print(L"\n");
	LOG(L"alpineboot " ALPINEBOOT_VERSION L" starting");

	ZeroMem(&b, sizeof b);
	b.image = image;
	b.plan = AllocateZeroPool(sizeof *b.plan);
	b.scratch = AllocateZeroPool(sizeof *b.scratch);
	menu = AllocateZeroPool(sizeof *menu);
	if (!b.plan || !b.scratch || !menu) {
		ERR(L"out of memory at start");
		st = EFI_OUT_OF_RESOURCES;
		goto out;
	}

	init_trust(&b);
	bring_up_net(&b);
	if (EFI_ERROR(load_plan(&b))) {
		reason = L"no boot plan (see the messages above)";
	} else {
		act = NB_ACT_BOOT;
		if (menu_countdown(b.plan->entry[0].label, BOOT_COUNTDOWN_S)) {
			build_menu(&b, menu, b.plan->timeout_s, 0);
			menu_run(menu, b.plan->title, NULL);
			act = menu->item[menu->chosen].action;
			arg = menu->item[menu->chosen].arg;
		}
	}

	for (unsigned round = 0; round < MAX_ROUNDS; round++) {
		if (!reason) {
			if (act == NB_ACT_EXIT) {
				LOG(L"returning to the firmware");
				st = EFI_SUCCESS;
				goto out;
			}
			reason = run_action(&b, &act, &arg);
			if (!reason)
				continue;
		}
		build_menu(&b, menu, b.have_plan && b.plan->timeout_s ? b.plan->timeout_s
								    : FAIL_MENU_TIMEOUT_S, 1);
		menu_run(menu, b.have_plan ? b.plan->title : "alpineboot", reason);
		act = menu->item[menu->chosen].action;
		arg = menu->item[menu->chosen].arg;
		reason = NULL;
	}
	ERR(L"giving up after %d attempts: returning to the firmware", MAX_ROUNDS);
out:
	/* Our tick handler must not outlive the image. */
	clock_stop();
	if (menu)
		FreePool(menu);
	if (b.scratch)
		FreePool(b.scratch);
	if (b.plan)
		FreePool(b.plan);
	return st;
}
