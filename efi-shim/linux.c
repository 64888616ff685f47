/* linux.c: hand over to the kernel's EFI stub (or another EFI image).
 *
 * LoadImage from a memory buffer with no device path: the stub needs none,
 * it finds its initrd through LoadFile2 (initrd.c) and reads its command
 * line from LoadedImage->LoadOptions, UCS-2 (efi_convert_cmdline in the
 * kernel's libstub). If StartImage returns, the kernel gave up: we take
 * everything back so the menu can try something else.
 */
#include "efi-shim/initrd.h"
#include "efi-shim/linux.h"

static EFI_STATUS load(EFI_HANDLE parent, const void *buf, UINTN len, const CHAR16 *what,
		       EFI_HANDLE *ret_image, EFI_LOADED_IMAGE **ret_li)
{
	EFI_HANDLE image = NULL;
	EFI_STATUS st;

	st = BS->LoadImage(FALSE, parent, NULL, (VOID *)buf, len, &image);
	if (EFI_ERROR(st)) {
		ERR(L"%s: LoadImage: %s%s", what, efi_status_str(st),
		    st == EFI_LOAD_ERROR || st == EFI_UNSUPPORTED ? L" (not an EFI image for x86-64?)" : L"");
		return st;
	}
	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)ret_li);
	if (EFI_ERROR(st)) {
		ERR(L"%s: no LoadedImage on the image: %s", what, efi_status_str(st));
		BS->UnloadImage(image);
		return st;
	}
	*ret_image = image;
	return EFI_SUCCESS;
}

EFI_STATUS linux_boot(EFI_HANDLE parent, const void *kernel, UINTN kernel_len,
		      CHAR16 *options, UINTN units, const void *initrd, UINTN initrd_len)
{
	EFI_HANDLE image = NULL, initrd_handle = NULL;
	EFI_LOADED_IMAGE *li;
	UINTN exit_size = 0;
	CHAR16 *exit_data = NULL;
	EFI_STATUS st;

	if (initrd_len) {
		st = initrd_register(initrd, initrd_len, &initrd_handle);
		if (EFI_ERROR(st))
			return st;
	}
	st = load(parent, kernel, kernel_len, L"kernel", &image, &li);
	if (EFI_ERROR(st))
		goto out_initrd;
	li->LoadOptions = options;
	li->LoadOptionsSize = (UINT32)((units + 1) * sizeof(CHAR16));

	LOG(L"starting the kernel (%ld bytes, initrd %ld bytes) %ld ms after start",
	    (UINT64)kernel_len, (UINT64)initrd_len, clock_ms());
	st = BS->StartImage(image, &exit_size, &exit_data);
	ERR(L"the kernel returned: %s%s%s", efi_status_str(st), exit_data ? L": " : L"",
	    exit_data ? exit_data : L"");
	if (exit_data)
		FreePool(exit_data);
	if (!EFI_ERROR(st))
		st = EFI_LOAD_ERROR;
	BS->UnloadImage(image);
out_initrd:
	initrd_unregister(initrd_handle);
	return st;
}

EFI_STATUS efi_chain(EFI_HANDLE parent, const void *buf, UINTN len, EFI_HANDLE device)
{
	EFI_HANDLE image = NULL;
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;

	st = load(parent, buf, len, L"chain", &image, &li);
	if (EFI_ERROR(st))
		return st;
	li->DeviceHandle = device;
	st = BS->StartImage(image, NULL, NULL);
	LOG(L"chained image returned: %s", efi_status_str(st));
	BS->UnloadImage(image);
	return st;
}
