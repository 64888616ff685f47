/* load_parse.h: what the load generator reads from servers, parsed without
 * sockets or state, so bench/load_parse_test.c can check each parser on
 * its own. Every parser takes (buf, len) and checks before every read;
 * 0 or a negative errno; ret_* untouched on failure.
 */
#ifndef NBLOAD_PARSE_H
#define NBLOAD_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* What an OACK granted (RFC 2347; blksize RFC 2348, tsize RFC 2349,
 * windowsize RFC 7440). */
struct nbl_oack {
	uint32_t blksize;      /* 0: not in the OACK */
	uint32_t windowsize;   /* 0: not in the OACK */
	uint64_t tsize;        /* 0: not in the OACK */
};

/* An OACK packet (opcode included) answering a request that asked
 * ask_blksize and, when ask_windowsize > 1, ask_windowsize. A server may
 * only lower what we asked and only name options we asked (RFC 2347).
 * 0 and *ret; -EBADMSG malformed, an option we did not ask for, or a value
 * out of range. */
int nbl_parse_oack(const uint8_t *buf, size_t len, uint32_t ask_blksize,
		   uint32_t ask_windowsize, struct nbl_oack *ret);

/* The type of the first item of a PXE boot menu inside option 43 (PXE 2.1
 * sub-option 9: type(2) desc_len(1) desc, repeated). 0 and *ret_type;
 * -ENOENT no menu or an empty one; -EBADMSG a sub-option running past len. */
int nbl_pxe_menu_first(const uint8_t *opt43, size_t len, uint16_t *ret_type);

/* A boot URL as iPXE would expand it: ${net0/mac:hexhyp}, ${mac:hexhyp}
 * ("aa-bb-..."), ${net0/mac}, ${mac} ("aa:bb:..."), ${uuid}. 0 and out;
 * -EINVAL any other ${...}, an unterminated one, or no room in cap (out
 * then holds a partial result, never more than cap bytes). */
int nbl_expand_ipxe_url(const char *in, const uint8_t mac[6],
			const uint8_t uuid[16], char *out, size_t cap);

/* "http://A.B.C.D[:PORT]/path" (no names: there is no DNS in our
 * namespaces) or "/path" (then def_addr:def_port). 0, *ret_sa, *ret_path
 * (points into url) and host (the Host header); -EINVAL otherwise. */
int nbl_parse_url(const char *url, struct in_addr def_addr, uint16_t def_port,
		  struct sockaddr_in *ret_sa, const char **ret_path,
		  char *host, size_t host_cap);

/* A complete response head (status line to the blank line, len bytes, not
 * NUL-terminated): the status code and Content-Length. 0 and both;
 * -EBADMSG no "HTTP/1.x NNN" status line, or a Content-Length that is not
 * a number; -ENOENT no Content-Length. */
int nbl_parse_http_head(const char *head, size_t len, int *ret_status,
			uint64_t *ret_content_length);

#endif
