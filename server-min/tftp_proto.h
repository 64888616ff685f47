/* tftp_proto.h: the TFTP wire format, without sockets or files.
 *
 * Pure functions over (const uint8_t *buf, size_t len): they parse what a
 * client sends (RRQ/WRQ with options, ACK, ERROR), build what the server
 * sends (DATA header, OACK, ERROR), negotiate options and convert octets to
 * netascii. tftp.c owns the sockets and the transfers; everything here is
 * unit-tested (tftp_test.c) and fuzzed (tftp_fuzz.c) on its own.
 *
 * RFC 1350 (TFTP rev. 2), RFC 2347 (option extension), RFC 2348 (blksize),
 * RFC 2349 (timeout, tsize), RFC 7440 (windowsize).
 */
#ifndef NETBOOTD_TFTP_PROTO_H
#define NETBOOTD_TFTP_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1350 sec. 5 */
enum tftp_op {
	TFTP_OP_RRQ   = 1,
	TFTP_OP_WRQ   = 2,
	TFTP_OP_DATA  = 3,
	TFTP_OP_ACK   = 4,
	TFTP_OP_ERROR = 5,
	TFTP_OP_OACK  = 6,   /* RFC 2347 */
};

/* RFC 1350 appendix, RFC 2347 (8) */
enum tftp_err {
	TFTP_ERR_UNDEF    = 0,
	TFTP_ERR_NOTFOUND = 1,
	TFTP_ERR_ACCESS   = 2,
	TFTP_ERR_NOSPACE  = 3,
	TFTP_ERR_BADOP    = 4,
	TFTP_ERR_BADID    = 5,
	TFTP_ERR_EXISTS   = 6,
	TFTP_ERR_NOUSER   = 7,
	TFTP_ERR_OPTNEG   = 8,
	TFTP_ERR_COUNT
};

enum tftp_mode { TFTP_MODE_NETASCII, TFTP_MODE_OCTET };

/* The options we understand; bit (1u << TFTP_OPT_x) in opts masks. */
enum tftp_opt {
	TFTP_OPT_BLKSIZE,     /* RFC 2348 */
	TFTP_OPT_TIMEOUT,     /* RFC 2349 */
	TFTP_OPT_TSIZE,       /* RFC 2349 */
	TFTP_OPT_WINDOWSIZE,  /* RFC 7440 */
	TFTP_OPT_COUNT
};

#define TFTP_HDR               4        /* opcode + block number */
#define TFTP_BLKSIZE_DEFAULT   512      /* RFC 1350 */
#define TFTP_BLKSIZE_MIN       8        /* RFC 2348 */
#define TFTP_BLKSIZE_MAX       65464    /* RFC 2348 */
#define TFTP_TIMEOUT_MIN       1        /* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX       255
#define TFTP_WINDOWSIZE_MIN    1        /* RFC 7440 */
#define TFTP_WINDOWSIZE_MAX    65535
/* What we grant at most: a window of 64 blocks already fills a gigabit
 * path; more only grows what a timeout makes us resend. */
#define TFTP_WINDOWSIZE_GRANT  64
/* ...and never more than this many bytes in flight: a window must fit
 * the client's socket buffer (Linux: 208 KiB by default), or its tail is
 * dropped on arrival every time. Seen with atftp at blksize 65464 and
 * windowsize 8 over loopback: no progress without this cap. */
#define TFTP_WINDOW_BYTES      (128 * 1024)
#define TFTP_FILENAME_MAX      512      /* incl. the NUL */

/* A read or write request as the client sent it. Option values are what
 * the client asked, already brought into the RFC's range: an option whose
 * value is not a number in range is left out of opts, as RFC 2347 lets a
 * server ignore an option it does not accept. */
struct tftp_request {
	enum tftp_op op;                  /* RRQ or WRQ */
	enum tftp_mode mode;
	char filename[TFTP_FILENAME_MAX];
	unsigned opts;                    /* options asked with a usable value */
	uint32_t blksize;                 /* 8..65464 (larger asks clamped) */
	uint32_t timeout;                 /* 1..255 */
	uint64_t tsize;                   /* RRQ: 0 as RFC 2349 says; any number */
	uint32_t windowsize;              /* 1..65535 */
};

/* What the server settled on for one transfer. */
struct tftp_params {
	uint32_t blksize;
	uint32_t timeout;                 /* seconds; 0: server default */
	uint32_t windowsize;
	uint64_t tsize;
	unsigned oack;                    /* options to acknowledge; 0: no OACK */
};

/* The opcode of a packet: 1..65535 (not checked against the enum, so the
 * caller can reply "Illegal TFTP operation"); -EBADMSG when len < 2. */
int tftp_opcode(const uint8_t *buf, size_t len);

/* RRQ/WRQ (RFC 1350 sec. 5, RFC 2347): filename NUL mode NUL
 * [name NUL value NUL]...
 * 0 and *ret filled; -EBADMSG malformed (not RRQ/WRQ, missing NUL, empty or
 * over-long filename, option without value); -EPROTONOSUPPORT a mode other
 * than netascii or octet ("mail" included). Unknown options are ignored. */
int tftp_parse_request(const uint8_t *buf, size_t len, struct tftp_request *ret);

/* ACK: 0 and *ret_block; -EBADMSG when not a 4-byte ACK. RFC 1350 allows
 * nothing after the block number; we tolerate trailing bytes, as some PXE
 * ROMs pad short frames. */
int tftp_parse_ack(const uint8_t *buf, size_t len, uint16_t *ret_block);

/* ERROR: 0, *ret_code and (when msg_size > 0) ret_msg, NUL-terminated,
 * truncated to msg_size - 1, non-printable bytes replaced by '?' so it can
 * be logged; -EBADMSG when not an ERROR packet. A missing final NUL is
 * tolerated (clients differ); the message ends at len. */
int tftp_parse_error(const uint8_t *buf, size_t len, uint16_t *ret_code,
		     char *ret_msg, size_t msg_size);

/* Settle the options of a read request.
 * max_blksize: what the path allows (MTU minus IP, UDP and TFTP headers);
 * tsize_known: whether we can state the transfer size (octet mode of a file
 * whose size we know), then tsize is that size.
 * Only options the client asked appear in ret->oack (RFC 2347: the server
 * must not add options); an option we cannot honour is left out of it. */
void tftp_negotiate(const struct tftp_request *req, uint32_t max_blksize,
		    int tsize_known, uint64_t tsize, struct tftp_params *ret);

/* The builders return the packet's length, or -ENOBUFS when cap is too
 * small (then buf may hold a partial packet). */
int tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_params *p);
/* msg NULL: the RFC's text for code from the table. */
int tftp_build_error(uint8_t *buf, size_t cap, enum tftp_err code, const char *msg);
int tftp_build_data_hdr(uint8_t *buf, size_t cap, uint16_t block);

/* Which block a 16-bit ACK acknowledges. Blocks count from 1 in 64 bits
 * here; the wire carries the low 16 bits, so past 65535 it wraps to 0.
 * acked: the highest block acknowledged so far (0: none); sent_hi: the
 * highest block sent. 1 and *ret_block when the ACK moves acked forward
 * (to a block in acked+1..sent_hi); 0 when it does not: a duplicate of
 * acked (never answered: Sorcerer's Apprentice), an old one, or one for a
 * block not sent. Unambiguous while sent_hi - acked < 65536, which the
 * window (at most TFTP_WINDOWSIZE_GRANT) guarantees. */
int tftp_ack_block(uint64_t acked, uint64_t sent_hi, uint16_t wire, uint64_t *ret_block);

/* --- retransmission timeout (RFC 6298, adapted to TFTP on a LAN) ------- */

/* The floor of the adaptive timeout. RFC 6298's 1 s floor covers WAN paths
 * and TCP's delayed ACKs; a TFTP client ACKs at once and a LAN's round trip
 * is well under 1 ms, so what the floor must cover is scheduling: both ends
 * are ordinary processes, and a loaded host (a 2-core box in a boot storm,
 * a 100 Hz kernel) wakes one up a few ms late, 10 ms per tick. 20 ms is two
 * such ticks: a block that is only late is rarely resent, a lost one costs
 * 20 ms instead of today's full second. */
#define TFTP_RTO_FLOOR_MS      20
/* Before the first sample (RFC 6298 sec. 2.1), and the server's default
 * timeout when the client set none. */
#define TFTP_RTO_INITIAL_MS    1000
/* The ceiling when the client set no timeout: the longest interval of the
 * old fixed ladder (1 s doubled three times). With a timeout option the
 * ceiling is the client's value (RFC 2349: it asked us to wait that long). */
#define TFTP_RTO_CEIL_MS       8000
/* Clock granularity G of RFC 6298 sec. 2: our timers tick in ms. */
#define TFTP_RTO_G_US          1000
/* Give up after this many rounds of the client's timeout without progress,
 * or after the old ladder's total (1+2+4+8+8+8 s) without one: the same
 * bounds as before the timeout adapted. */
#define TFTP_GIVEUP_ROUNDS     6
#define TFTP_GIVEUP_DEFAULT_MS 31000

/* One transfer's round-trip estimate (RFC 6298 sec. 2), in microseconds:
 * the samples are well under a millisecond on a LAN. */
struct tftp_rto {
	uint64_t srtt_us;      /* smoothed round trip */
	uint64_t rttvar_us;    /* its mean deviation */
	uint64_t ceil_ms;      /* the client's timeout, or TFTP_RTO_CEIL_MS */
	int sampled;           /* 0 until the first sample */
};

/* timeout_s: the negotiated timeout option, 0 when none. */
void tftp_rto_init(struct tftp_rto *r, uint32_t timeout_s);
/* One round trip measured on a block sent once (Karn: never one from a
 * retransmitted block, whose ACK may answer either copy). */
void tftp_rto_sample(struct tftp_rto *r, uint64_t rtt_us);
/* The timeout after `backoff` consecutive expiries without progress:
 * (SRTT + max(G, 4 RTTVAR)) doubled backoff times (RFC 6298 sec. 5.5),
 * within [TFTP_RTO_FLOOR_MS, ceil_ms]; TFTP_RTO_INITIAL_MS (at most the
 * ceiling) before the first sample. */
uint64_t tftp_rto_ms(const struct tftp_rto *r, unsigned backoff);
/* How long a verified transfer may go without progress before we give up. */
uint64_t tftp_giveup_ms(uint32_t timeout_s);
/* A duplicate ACK (of the block already acknowledged: the client saw our
 * previous block again, or timed out waiting) resends the window only when
 * its first block went out at least one RTO ago: at most one resend per
 * RTO however many duplicates come (the Sorcerer's Apprentice, RFC 1123
 * sec. 4.2.3.1, answered one resend per duplicate). 1: resend now. */
int tftp_dup_ack_resend(uint64_t now_ms, uint64_t head_sent_ms, uint64_t rto_ms);

/* The RFC 1350 text of an error code ("Undefined error" for unknown). */
const char *tftp_err_text(unsigned code);
const char *tftp_mode_name(enum tftp_mode mode);

/* Netascii (RFC 764, as RFC 1350 names it): LF -> CR LF, CR -> CR NUL.
 * Converts in[0..in_len) into out[0..out_cap), never splitting more than
 * fits: when the second byte of a pair does not fit it is kept in *pending
 * (0: none; a pair's second byte is '\n' or '\0', so pending uses
 * TFTP_ASCII_PEND_* to tell them apart) and goes out first on the next
 * call. *ret_used: input bytes consumed. Returns the bytes written. */
#define TFTP_ASCII_PEND_NONE 0
#define TFTP_ASCII_PEND_LF   1
#define TFTP_ASCII_PEND_NUL  2
size_t tftp_netascii_encode(const uint8_t *in, size_t in_len, size_t *ret_used,
			    uint8_t *out, size_t out_cap, uint8_t *pending);

/* --- what the server does with a request (pure policy, unit-tested) ---- */

/* A read request that arrives while others run. The wire cannot tell a
 * real client from a forged source address, so until a client has sent an
 * ACK to the transfer's own port ("unverified") it gets at most one answer
 * per round, and one address may hold only so many transfers. */
enum tftp_admit {
	TFTP_ADMIT_START,        /* a new transfer */
	TFTP_ADMIT_REPLACE,      /* end the peer's unverified transfer of another
	                          * file, then start this one */
	TFTP_ADMIT_ANSWER_AGAIN, /* the same request, still unverified, and a
	                          * round has passed: the first answer again */
	TFTP_ADMIT_REPEAT,       /* the same request again: nothing is sent */
	TFTP_ADMIT_PEER_BUSY,    /* another file while the peer's verified
	                          * transfer runs: a forged RRQ must not end it */
	TFTP_ADMIT_PER_IP,       /* the address holds its maximum: dropped */
	TFTP_ADMIT_FULL,         /* the server holds its maximum: dropped */
};

struct tftp_admit_in {
	int peer_xfer;              /* a transfer from this IP:port runs */
	int peer_verified;          /* ...and the client has ACKed it */
	int same_file;              /* ...and it is for the file asked now */
	uint64_t since_answer_ms;   /* ...and we last answered it this long ago */
	uint64_t round_ms;          /* the unverified round (server's own timeout) */
	unsigned per_ip, per_ip_max;   /* transfers of this IP, its limit */
	unsigned active, active_max;   /* transfers of the server, its cap */
};

enum tftp_admit tftp_admit(const struct tftp_admit_in *in);

/* How content_open()'s refusals reach the client: -ENOENT ERROR 1,
 * -EACCES ERROR 2, -EPERM (a protected file, and the requester is not its
 * owner) ERROR 2. 0, *ret_code and *ret_why (log text); -ENOENT when err is
 * not a refusal but a server error (the caller says so with ERROR 0). */
int tftp_refusal(int err, enum tftp_err *ret_code, const char **ret_why);

#endif
