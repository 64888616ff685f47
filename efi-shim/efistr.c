/* efistr.c: EFI_STATUS values in words, so every failure message says what
 * the firmware said, not a hex number. Texts follow the code names of
 * UEFI 2.10 Appendix D ("Status Codes"). */
#include "efi-shim/fw.h"

static const struct {
	EFI_STATUS status;
	const CHAR16 *text;
} status_text[] = {
	{ EFI_SUCCESS,              L"success" },
	{ EFI_LOAD_ERROR,           L"load error" },
	{ EFI_INVALID_PARAMETER,    L"invalid parameter" },
	{ EFI_UNSUPPORTED,          L"unsupported" },
	{ EFI_BAD_BUFFER_SIZE,      L"bad buffer size" },
	{ EFI_BUFFER_TOO_SMALL,     L"buffer too small" },
	{ EFI_NOT_READY,            L"not ready" },
	{ EFI_DEVICE_ERROR,         L"device error" },
	{ EFI_WRITE_PROTECTED,      L"write protected" },
	{ EFI_OUT_OF_RESOURCES,     L"out of resources" },
	{ EFI_VOLUME_CORRUPTED,     L"volume corrupted" },
	{ EFI_VOLUME_FULL,          L"volume full" },
	{ EFI_NO_MEDIA,             L"no media" },
	{ EFI_MEDIA_CHANGED,        L"media changed" },
	{ EFI_NOT_FOUND,            L"not found" },
	{ EFI_ACCESS_DENIED,        L"access denied" },
	{ EFI_NO_RESPONSE,          L"no response" },
	{ EFI_NO_MAPPING,           L"no mapping (no IP address)" },
	{ EFI_TIMEOUT,              L"timeout" },
	{ EFI_NOT_STARTED,          L"not started" },
	{ EFI_ALREADY_STARTED,      L"already started" },
	{ EFI_ABORTED,              L"aborted" },
	{ EFI_ICMP_ERROR,           L"ICMP error (host or port unreachable)" },
	{ EFI_TFTP_ERROR,           L"TFTP error" },
	{ EFI_PROTOCOL_ERROR,       L"protocol error" },
	{ EFI_INCOMPATIBLE_VERSION, L"incompatible version" },
	{ EFI_SECURITY_VIOLATION,   L"security violation (Secure Boot refused the image)" },
	{ EFI_CRC_ERROR,            L"CRC error" },
	{ EFI_END_OF_MEDIA,         L"end of media" },
	{ EFIERR(31),               L"end of file" },
	{ EFIERR(32),               L"invalid language" },
	{ EFIERR(33),               L"compromised data" },
	{ EFIERR(34),               L"IP address conflict" },
	{ EFI_HTTP_ERROR,           L"HTTP error" },
	/* Network errors of the TCP/IP protocols (UEFI 2.10 Appendix D, EFI
	 * error codes 100-106; EDK2 MdePkg/Include/Uefi/UefiBaseType.h). */
	{ EFIERR(100),              L"network unreachable" },
	{ EFIERR(101),              L"host unreachable" },
	{ EFIERR(102),              L"protocol unreachable" },
	{ EFIERR(103),              L"port unreachable" },
	{ EFIERR(104),              L"connection closed by the server" },
	{ EFIERR(105),              L"connection reset" },
	{ EFIERR(106),              L"connection refused" },
};

const CHAR16 *efi_status_str(EFI_STATUS s)
{
	for (UINTN i = 0; i < sizeof status_text / sizeof status_text[0]; i++)
		if (status_text[i].status == s)
			return status_text[i].text;
	return EFI_ERROR(s) ? L"unknown error" : L"unknown warning";
}
