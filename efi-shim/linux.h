/* linux.h: start a Linux kernel through its EFI stub. */
#ifndef EFI_SHIM_LINUX_H
#define EFI_SHIM_LINUX_H

#include "efi-shim/fw.h"

/* LoadImage the kernel from memory, give it options (UCS-2,
 * NUL-terminated, `units` without the NUL) as LoadOptions and the initrd
 * (may be len 0) through LoadFile2, StartImage. Returns only when the
 * kernel failed to load or returned; everything registered is withdrawn
 * again. The status says why (logged). */
EFI_STATUS linux_boot(EFI_HANDLE parent, const void *kernel, UINTN kernel_len,
		      CHAR16 *options, UINTN units, const void *initrd, UINTN initrd_len);

/* Start any EFI image from memory (the iPXE shell): its LoadedImage
 * DeviceHandle is set to device, so iPXE's snponly.efi drives the NIC we
 * booted from. */
EFI_STATUS efi_chain(EFI_HANDLE parent, const void *image, UINTN len, EFI_HANDLE device);

#endif
