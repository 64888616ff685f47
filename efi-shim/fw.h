/* fw.h: the firmware interfaces alpineboot.efi uses and gnu-efi 3.0.15
 * lacks, plus the includes every firmware-side file wants.
 *
 * EFI_HTTP_PROTOCOL and its service binding: UEFI 2.10 section 29.6.
 * EFI_LOAD_FILE2_PROTOCOL: UEFI 2.10 section 13.2 (same shape as LoadFile).
 * LINUX_EFI_INITRD_MEDIA_GUID: linux/include/linux/efi.h, the vendor media
 * device path the kernel's EFI stub (5.8+) asks LoadFile2 for its initrd.
 */
#ifndef EFI_SHIM_FW_H
#define EFI_SHIM_FW_H

#include <efi.h>
#include <efilib.h>

#define EFI_HTTP_SERVICE_BINDING_PROTOCOL_GUID \
	{ 0xbdc8e6af, 0xd9bc, 0x4379, { 0xa7, 0x2a, 0xe0, 0xc4, 0xe7, 0x5d, 0xae, 0x1c } }
#define EFI_HTTP_PROTOCOL_GUID \
	{ 0x7a59b29b, 0x910b, 0x4171, { 0x82, 0x42, 0xa8, 0x5a, 0x0d, 0xf2, 0x5b, 0x5b } }
#define EFI_LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }

/* UEFI 2.10 Appendix D; gnu-efi 3.0.15 stops at EFIERR(33). */
#ifndef EFI_HTTP_ERROR
#define EFI_HTTP_ERROR EFIERR(35)
#endif

typedef enum { HttpVersion10, HttpVersion11, HttpVersionUnsupported } EFI_HTTP_VERSION;

typedef enum {
	HttpMethodGet, HttpMethodPost, HttpMethodPatch, HttpMethodOptions,
	HttpMethodConnect, HttpMethodHead, HttpMethodPut, HttpMethodDelete,
	HttpMethodTrace, HttpMethodMax
} EFI_HTTP_METHOD;

/* The status codes are an enum in the spec, not the numbers: http.c maps
 * them back with a table in this order. */
typedef UINT32 EFI_HTTP_STATUS_CODE;

typedef struct {
	BOOLEAN UseDefaultAddress;
	EFI_IPv4_ADDRESS LocalAddress;
	EFI_IPv4_ADDRESS LocalSubnet;
	UINT16 LocalPort;
} EFI_HTTPv4_ACCESS_POINT;

typedef struct {
	EFI_HTTP_VERSION HttpVersion;
	UINT32 TimeOutMillisec;
	BOOLEAN LocalAddressIsIPv6;
	union {
		EFI_HTTPv4_ACCESS_POINT *IPv4Node;
		void *IPv6Node;
	} AccessPoint;
} EFI_HTTP_CONFIG_DATA;

typedef struct {
	EFI_HTTP_METHOD Method;
	CHAR16 *Url;
} EFI_HTTP_REQUEST_DATA;

typedef struct {
	EFI_HTTP_STATUS_CODE StatusCode;
} EFI_HTTP_RESPONSE_DATA;

typedef struct {
	CHAR8 *FieldName;
	CHAR8 *FieldValue;
} EFI_HTTP_HEADER;

typedef struct {
	union {
		EFI_HTTP_REQUEST_DATA *Request;
		EFI_HTTP_RESPONSE_DATA *Response;
	} Data;
	UINTN HeaderCount;
	EFI_HTTP_HEADER *Headers;
	UINTN BodyLength;
	VOID *Body;
} EFI_HTTP_MESSAGE;

typedef struct {
	EFI_EVENT Event;
	EFI_STATUS Status;
	EFI_HTTP_MESSAGE *Message;
} EFI_HTTP_TOKEN;

typedef struct _EFI_HTTP_PROTOCOL EFI_HTTP_PROTOCOL;
struct _EFI_HTTP_PROTOCOL {
	EFI_STATUS (EFIAPI *GetModeData)(EFI_HTTP_PROTOCOL *This, EFI_HTTP_CONFIG_DATA *Data);
	EFI_STATUS (EFIAPI *Configure)(EFI_HTTP_PROTOCOL *This, EFI_HTTP_CONFIG_DATA *Data);
	EFI_STATUS (EFIAPI *Request)(EFI_HTTP_PROTOCOL *This, EFI_HTTP_TOKEN *Token);
	EFI_STATUS (EFIAPI *Cancel)(EFI_HTTP_PROTOCOL *This, EFI_HTTP_TOKEN *Token);
	EFI_STATUS (EFIAPI *Response)(EFI_HTTP_PROTOCOL *This, EFI_HTTP_TOKEN *Token);
	EFI_STATUS (EFIAPI *Poll)(EFI_HTTP_PROTOCOL *This);
};

/* EFI_IP4_CONFIG2_PROTOCOL: UEFI 2.10 section 28.5. The firmware's own
 * IPv4 configuration; its DHCP policy gets an address from any plain DHCP
 * server, where the PXE base code's Dhcp() insists on a PXE offer. */
#define EFI_IP4_CONFIG2_PROTOCOL_GUID \
	{ 0x5b446ed1, 0xe30b, 0x4faa, { 0x87, 0x1a, 0x36, 0x54, 0xec, 0xa3, 0x60, 0x80 } }

typedef enum {
	Ip4Config2DataTypeInterfaceInfo, Ip4Config2DataTypePolicy,
	Ip4Config2DataTypeManualAddress, Ip4Config2DataTypeGateway,
	Ip4Config2DataTypeDnsServer, Ip4Config2DataTypeMaximum
} EFI_IP4_CONFIG2_DATA_TYPE;

typedef enum { Ip4Config2PolicyStatic, Ip4Config2PolicyDhcp, Ip4Config2PolicyMax } EFI_IP4_CONFIG2_POLICY;

typedef struct {
	CHAR16 Name[32];
	UINT8 IfType;
	UINT32 HwAddressSize;
	EFI_MAC_ADDRESS HwAddress;
	EFI_IPv4_ADDRESS StationAddress;
	EFI_IPv4_ADDRESS SubnetMask;
	UINT32 RouteTableSize;
	EFI_IP4_ROUTE_TABLE *RouteTable;
} EFI_IP4_CONFIG2_INTERFACE_INFO;

typedef struct _EFI_IP4_CONFIG2_PROTOCOL EFI_IP4_CONFIG2_PROTOCOL;
struct _EFI_IP4_CONFIG2_PROTOCOL {
	EFI_STATUS (EFIAPI *SetData)(EFI_IP4_CONFIG2_PROTOCOL *This,
				     EFI_IP4_CONFIG2_DATA_TYPE DataType, UINTN DataSize, VOID *Data);
	EFI_STATUS (EFIAPI *GetData)(EFI_IP4_CONFIG2_PROTOCOL *This,
				     EFI_IP4_CONFIG2_DATA_TYPE DataType, UINTN *DataSize, VOID *Data);
	EFI_STATUS (EFIAPI *RegisterDataNotify)(EFI_IP4_CONFIG2_PROTOCOL *This,
						EFI_IP4_CONFIG2_DATA_TYPE DataType, EFI_EVENT Event);
	EFI_STATUS (EFIAPI *UnregisterDataNotify)(EFI_IP4_CONFIG2_PROTOCOL *This,
						  EFI_IP4_CONFIG2_DATA_TYPE DataType, EFI_EVENT Event);
};

/* Seconds-and-milliseconds clock for timeouts and transfer rates (clock.c). */
EFI_STATUS clock_start(void);
UINT64 clock_ms(void);
/* Before returning to the firmware: the tick handler lives in our image. */
void clock_stop(void);

/* The EFI status in words, for messages (efistr.c). */
const CHAR16 *efi_status_str(EFI_STATUS s);

/* Every line on the console starts with "alpineboot: " so that a serial log
 * (and the boot tests reading it) can tell ours from the firmware's and the
 * kernel's. Formats are gnu-efi Print(): %a ASCII string, %s UCS-2 string. */
#define LOG(fmt, ...) Print(L"alpineboot: " fmt L"\n", ##__VA_ARGS__)
#define ERR(fmt, ...) Print(L"alpineboot: error: " fmt L"\n", ##__VA_ARGS__)

#endif
