/* initrd.c: the initrd for the Linux EFI stub, over LoadFile2.
 *
 * Linux 5.8+ (drivers/firmware/efi/libstub/efi-stub-helper.c,
 * efi_load_initrd_dev_path) looks for a handle whose device path is exactly
 * one vendor media node LINUX_EFI_INITRD_MEDIA_GUID and calls LoadFile2 on
 * it twice: first with no buffer, expecting EFI_BUFFER_TOO_SMALL and the
 * size, then with a buffer of that size. It prefers this over initrd= on
 * the command line, so the file never has to be on a filesystem.
 * Model: systemd-boot src/boot/initrd.c.
 */
#include "efi-shim/initrd.h"

static EFI_GUID load_file2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;

/* The device path: one vendor media node, then the end node. Packed, as
 * device path nodes are byte-aligned on the wire (UEFI 2.10 section 10.3). */
static const struct {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} __attribute__((packed)) initrd_path = {
	.vendor = {
		.Header = {
			.Type = MEDIA_DEVICE_PATH,
			.SubType = MEDIA_VENDOR_DP,
			.Length = { sizeof(VENDOR_DEVICE_PATH), 0 },
		},
		.Guid = LINUX_EFI_INITRD_MEDIA_GUID,
	},
	.end = {
		.Type = END_DEVICE_PATH_TYPE,
		.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE,
		.Length = { sizeof(EFI_DEVICE_PATH), 0 },
	},
};

struct initrd_loader {
	EFI_LOAD_FILE_PROTOCOL load_file;   /* first: the protocol pointer is ours */
	const void *addr;
	UINTN len;
};

static EFI_STATUS EFIAPI initrd_load_file(EFI_LOAD_FILE_PROTOCOL *this,
					  EFI_DEVICE_PATH *file_path,
					  BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
	struct initrd_loader *l = (struct initrd_loader *)this;

	if (!this || !size || !file_path)
		return EFI_INVALID_PARAMETER;
	if (boot_policy)
		return EFI_UNSUPPORTED;        /* LoadFile2 never boots */
	if (l->len == 0)
		return EFI_NOT_FOUND;
	if (!buf || *size < l->len) {
		*size = l->len;
		return EFI_BUFFER_TOO_SMALL;
	}
	CopyMem(buf, (VOID *)l->addr, l->len);
	*size = l->len;
	return EFI_SUCCESS;
}

EFI_STATUS initrd_register(const void *addr, UINTN len, EFI_HANDLE *ret_handle)
{
	EFI_DEVICE_PATH *dp = (EFI_DEVICE_PATH *)&initrd_path;
	struct initrd_loader *l;
	EFI_HANDLE h = NULL;
	EFI_STATUS st;

	st = BS->LocateDevicePath(&load_file2_guid, &dp, &h);
	if (!EFI_ERROR(st) && IsDevicePathEnd(dp)) {
		ERR(L"initrd: another LoadFile2 initrd is already registered");
		return EFI_ALREADY_STARTED;
	}
	l = AllocateZeroPool(sizeof *l);
	if (!l)
		return EFI_OUT_OF_RESOURCES;
	l->load_file.LoadFile = initrd_load_file;
	l->addr = addr;
	l->len = len;

	h = NULL;
	st = BS->InstallProtocolInterface(&h, &DevicePathProtocol, EFI_NATIVE_INTERFACE,
					  (VOID *)&initrd_path);
	if (EFI_ERROR(st)) {
		ERR(L"initrd: installing the device path: %s", efi_status_str(st));
		goto fail_free;
	}
	st = BS->InstallProtocolInterface(&h, &load_file2_guid, EFI_NATIVE_INTERFACE, l);
	if (EFI_ERROR(st)) {
		ERR(L"initrd: installing LoadFile2: %s", efi_status_str(st));
		goto fail_path;
	}
	*ret_handle = h;
	return EFI_SUCCESS;

fail_path:
	BS->UninstallProtocolInterface(h, &DevicePathProtocol, (VOID *)&initrd_path);
fail_free:
	FreePool(l);
	return st;
}

EFI_STATUS initrd_unregister(EFI_HANDLE handle)
{
	struct initrd_loader *l;
	EFI_STATUS st;

	if (!handle)
		return EFI_SUCCESS;
	st = BS->HandleProtocol(handle, &load_file2_guid, (void **)&l);
	if (EFI_ERROR(st))
		return st;
	st = BS->UninstallProtocolInterface(handle, &load_file2_guid, l);
	if (EFI_ERROR(st)) {
		ERR(L"initrd: removing LoadFile2: %s", efi_status_str(st));
		return st;
	}
	st = BS->UninstallProtocolInterface(handle, &DevicePathProtocol, (VOID *)&initrd_path);
	if (EFI_ERROR(st))
		ERR(L"initrd: removing the device path: %s", efi_status_str(st));
	FreePool(l);
	return st;
}
