/* initrd.h: hand an initramfs to the Linux EFI stub through LoadFile2. */
#ifndef EFI_SHIM_INITRD_H
#define EFI_SHIM_INITRD_H

#include "efi-shim/fw.h"

/* Publish [addr, addr+len) as the initrd. The memory must stay valid
 * until initrd_unregister. EFI_SUCCESS and *ret_handle;
 * EFI_ALREADY_STARTED when some loader (us or another) already provides
 * one: two would leave the kernel picking at random. */
EFI_STATUS initrd_register(const void *addr, UINTN len, EFI_HANDLE *ret_handle);

/* Withdraw it (after the kernel returned). Accepts NULL. */
EFI_STATUS initrd_unregister(EFI_HANDLE handle);

#endif
