/* tftp_proto.c: TFTP packets in and out, options, netascii.
 *
 * Every parser walks (buf, len) with an explicit offset and looks for the
 * terminating NUL with memchr inside the remaining length, so a packet
 * without one is malformed, never an over-read. Numbers from the wire go
 * through parse_num() (plan/str.c's nb_parse_u64): digits only, a bound.
 *
 * RFC 1350, RFC 2347, RFC 2348, RFC 2349, RFC 7440.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plan/str.h"
#include "server-min/tftp_proto.h"

/* RFC 1350 appendix "Error Codes"; 8 from RFC 2347. */
static const char *const tftp_err_texts[TFTP_ERR_COUNT] = {
	[TFTP_ERR_UNDEF]    = "Undefined error",
	[TFTP_ERR_NOTFOUND] = "File not found",
	[TFTP_ERR_ACCESS]   = "Access violation",
	[TFTP_ERR_NOSPACE]  = "Disk full or allocation exceeded",
	[TFTP_ERR_BADOP]    = "Illegal TFTP operation",
	[TFTP_ERR_BADID]    = "Unknown transfer ID",
	[TFTP_ERR_EXISTS]   = "File already exists",
	[TFTP_ERR_NOUSER]   = "No such user",
	[TFTP_ERR_OPTNEG]   = "Option negotiation failed",
};

/* RFC 1350 sec. 1: modes are case-insensitive. "mail" is obsolete (RFC 1350
 * says it "should not be used") and a read-only server has no use for it. */
static const struct {
	const char *name;
	enum tftp_mode mode;
} tftp_modes[] = {
	{ "netascii", TFTP_MODE_NETASCII },
	{ "octet",    TFTP_MODE_OCTET },
};

/* Options with their RFC ranges. clamp: a larger request is brought down
 * to max (RFC 2348 lets the server answer a smaller blksize); otherwise an
 * out-of-range value means the option is ignored. */
static const struct {
	const char *name;
	enum tftp_opt opt;
	uint64_t min, max;
	int clamp;
} tftp_opts[] = {
	{ "blksize",    TFTP_OPT_BLKSIZE,    TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, 1 }, /* RFC 2348 */
	{ "timeout",    TFTP_OPT_TIMEOUT,    TFTP_TIMEOUT_MIN, TFTP_TIMEOUT_MAX, 0 }, /* RFC 2349 */
	{ "tsize",      TFTP_OPT_TSIZE,      0, UINT64_MAX / 10,                 0 }, /* RFC 2349 */
	{ "windowsize", TFTP_OPT_WINDOWSIZE, TFTP_WINDOWSIZE_MIN, TFTP_WINDOWSIZE_MAX, 0 }, /* RFC 7440 */
};

#define NUM_DIGITS_MAX 20

const char *tftp_err_text(unsigned code)
{
	if (code < TFTP_ERR_COUNT)
		return tftp_err_texts[code];
	return tftp_err_texts[TFTP_ERR_UNDEF];
}

const char *tftp_mode_name(enum tftp_mode mode)
{
	for (size_t i = 0; i < sizeof(tftp_modes) / sizeof(tftp_modes[0]); i++)
		if (tftp_modes[i].mode == mode)
			return tftp_modes[i].name;
	return "?";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An option's value: decimal digits only (no sign, no spaces, no hex), at
 * most NUM_DIGITS_MAX of them (more, even zeros, is malformed), through
 * plan/'s bounded parser. A value above max comes back as max + 1 so the
 * caller can clamp or refuse. max < UINT64_MAX. 0, or -EINVAL when s is
 * not a number. */
static int parse_num(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	int r;

	if (len > NUM_DIGITS_MAX)
		return -EINVAL;
	r = nb_parse_u64(s, len, max, ret);
	if (r == -ERANGE)
		*ret = max + 1;
	return r == -ERANGE ? 0 : r;
}

/* The NUL-terminated string at buf[*off..len): its start and length, *off
 * moved past the NUL. -EBADMSG when no NUL before len. */
static int next_str(const uint8_t *buf, size_t len, size_t *off,
		    const char **ret_s, size_t *ret_len)
{
	const uint8_t *nul;

	if (*off >= len)
		return -EBADMSG;
	nul = memchr(buf + *off, 0, len - *off);
	if (!nul)
		return -EBADMSG;
	*ret_s = (const char *)buf + *off;
	*ret_len = (size_t)(nul - (buf + *off));
	*off += *ret_len + 1;
	return 0;
}

static int str_eq_nocase(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

int tftp_opcode(const uint8_t *buf, size_t len)
{
	if (len < 2)
		return -EBADMSG;
	return get16(buf);
}

/* One option pair: store it in r when we know it and its value is usable.
 * The first occurrence wins; RFC 2347 says nothing of repeats. */
static void take_option(struct tftp_request *r, const char *name, size_t name_len,
			const char *val, size_t val_len)
{
	for (size_t i = 0; i < sizeof(tftp_opts) / sizeof(tftp_opts[0]); i++) {
		uint64_t v;

		if (!str_eq_nocase(name, name_len, tftp_opts[i].name))
			continue;
		if (r->opts & (1u << tftp_opts[i].opt))
			return;
		if (parse_num(val, val_len, tftp_opts[i].max, &v) < 0)
			return;
		if (v < tftp_opts[i].min)
			return;
		if (v > tftp_opts[i].max) {
			if (!tftp_opts[i].clamp)
				return;
			v = tftp_opts[i].max;
		}
		switch (tftp_opts[i].opt) {
		case TFTP_OPT_BLKSIZE:    r->blksize = (uint32_t)v; break;
		case TFTP_OPT_TIMEOUT:    r->timeout = (uint32_t)v; break;
		case TFTP_OPT_TSIZE:      r->tsize = v; break;
		case TFTP_OPT_WINDOWSIZE: r->windowsize = (uint32_t)v; break;
		case TFTP_OPT_COUNT:      return;
		}
		r->opts |= 1u << tftp_opts[i].opt;
		return;
	}
}

int tftp_parse_request(const uint8_t *buf, size_t len, struct tftp_request *ret)
{
	struct tftp_request r;
	const char *s, *val;
	size_t off = 2, slen, val_len, i;
	int op, found = 0;

	op = tftp_opcode(buf, len);
	if (op != TFTP_OP_RRQ && op != TFTP_OP_WRQ)
		return -EBADMSG;
	memset(&r, 0, sizeof(r));
	r.op = (enum tftp_op)op;

	if (next_str(buf, len, &off, &s, &slen) < 0)
		return -EBADMSG;
	if (slen == 0 || slen >= sizeof(r.filename))
		return -EBADMSG;
	memcpy(r.filename, s, slen);
	r.filename[slen] = '\0';

	if (next_str(buf, len, &off, &s, &slen) < 0)
		return -EBADMSG;
	for (i = 0; i < sizeof(tftp_modes) / sizeof(tftp_modes[0]); i++) {
		if (str_eq_nocase(s, slen, tftp_modes[i].name)) {
			r.mode = tftp_modes[i].mode;
			found = 1;
			break;
		}
	}
	if (!found)
		return -EPROTONOSUPPORT;

	/* RFC 2347 options. An empty name ends them: some PXE ROMs pad the
	 * request with NULs after the mode. */
	while (off < len) {
		if (next_str(buf, len, &off, &s, &slen) < 0)
			return -EBADMSG;
		if (slen == 0)
			break;
		if (next_str(buf, len, &off, &val, &val_len) < 0)
			return -EBADMSG;
		take_option(&r, s, slen, val, val_len);
	}

	*ret = r;
	return 0;
}

int tftp_parse_ack(const uint8_t *buf, size_t len, uint16_t *ret_block)
{
	if (len < TFTP_HDR || get16(buf) != TFTP_OP_ACK)
		return -EBADMSG;
	*ret_block = get16(buf + 2);
	return 0;
}

int tftp_parse_error(const uint8_t *buf, size_t len, uint16_t *ret_code,
		     char *ret_msg, size_t msg_size)
{
	size_t n = 0;

	if (len < TFTP_HDR || get16(buf) != TFTP_OP_ERROR)
		return -EBADMSG;
	*ret_code = get16(buf + 2);
	if (msg_size == 0)
		return 0;
	for (size_t i = TFTP_HDR; i < len && buf[i] != 0 && n + 1 < msg_size; i++)
		ret_msg[n++] = (buf[i] >= 0x20 && buf[i] < 0x7f) ? (char)buf[i] : '?';
	ret_msg[n] = '\0';
	return 0;
}

void tftp_negotiate(const struct tftp_request *req, uint32_t max_blksize,
		    int tsize_known, uint64_t tsize, struct tftp_params *ret)
{
	struct tftp_params p = {
		.blksize = TFTP_BLKSIZE_DEFAULT,
		.timeout = 0,
		.windowsize = 1,
		.tsize = 0,
		.oack = 0,
	};

	if (max_blksize > TFTP_BLKSIZE_MAX)
		max_blksize = TFTP_BLKSIZE_MAX;
	/* RFC 2348: the server may answer a smaller blksize, never a larger
	 * one; below the RFC minimum we cannot honour it at all. */
	if ((req->opts & (1u << TFTP_OPT_BLKSIZE)) && max_blksize >= TFTP_BLKSIZE_MIN) {
		p.blksize = req->blksize < max_blksize ? req->blksize : max_blksize;
		p.oack |= 1u << TFTP_OPT_BLKSIZE;
	}
	/* RFC 2349: the server must answer the very value, or ignore it. */
	if (req->opts & (1u << TFTP_OPT_TIMEOUT)) {
		p.timeout = req->timeout;
		p.oack |= 1u << TFTP_OPT_TIMEOUT;
	}
	if ((req->opts & (1u << TFTP_OPT_TSIZE)) && tsize_known) {
		p.tsize = tsize;
		p.oack |= 1u << TFTP_OPT_TSIZE;
	}
	/* RFC 7440: the server may answer a smaller window. */
	if (req->opts & (1u << TFTP_OPT_WINDOWSIZE)) {
		uint32_t cap = TFTP_WINDOW_BYTES / p.blksize;

		if (cap > TFTP_WINDOWSIZE_GRANT)
			cap = TFTP_WINDOWSIZE_GRANT;
		if (cap < 1)
			cap = 1;
		p.windowsize = req->windowsize < cap ? req->windowsize : cap;
		p.oack |= 1u << TFTP_OPT_WINDOWSIZE;
	}
	*ret = p;
}

/* name NUL value NUL at buf[*off], -ENOBUFS when it does not fit. */
static int put_opt(uint8_t *buf, size_t cap, size_t *off, const char *name, uint64_t v)
{
	char num[NUM_DIGITS_MAX + 1];
	size_t nl = strlen(name), vl;

	vl = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	if (*off > cap || cap - *off < nl + 1 + vl + 1)
		return -ENOBUFS;
	memcpy(buf + *off, name, nl + 1);
	*off += nl + 1;
	memcpy(buf + *off, num, vl + 1);
	*off += vl + 1;
	return 0;
}

int tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_params *p)
{
	size_t off = 2;

	if (cap < 2)
		return -ENOBUFS;
	put16(buf, TFTP_OP_OACK);
	for (size_t i = 0; i < sizeof(tftp_opts) / sizeof(tftp_opts[0]); i++) {
		uint64_t v = 0;

		if (!(p->oack & (1u << tftp_opts[i].opt)))
			continue;
		switch (tftp_opts[i].opt) {
		case TFTP_OPT_BLKSIZE:    v = p->blksize; break;
		case TFTP_OPT_TIMEOUT:    v = p->timeout; break;
		case TFTP_OPT_TSIZE:      v = p->tsize; break;
		case TFTP_OPT_WINDOWSIZE: v = p->windowsize; break;
		case TFTP_OPT_COUNT:      break;
		}
		if (put_opt(buf, cap, &off, tftp_opts[i].name, v) < 0)
			return -ENOBUFS;
	}
	return (int)off;
}

int tftp_build_error(uint8_t *buf, size_t cap, enum tftp_err code, const char *msg)
{
	size_t ml;

	if (!msg)
		msg = tftp_err_text(code);
	ml = strlen(msg);
	if (cap < TFTP_HDR + 1 || cap - TFTP_HDR - 1 < ml)
		return -ENOBUFS;
	put16(buf, TFTP_OP_ERROR);
	put16(buf + 2, (uint16_t)code);
	memcpy(buf + TFTP_HDR, msg, ml + 1);
	return (int)(TFTP_HDR + ml + 1);
}

int tftp_build_data_hdr(uint8_t *buf, size_t cap, uint16_t block)
{
	if (cap < TFTP_HDR)
		return -ENOBUFS;
	put16(buf, TFTP_OP_DATA);
	put16(buf + 2, block);
	return TFTP_HDR;
}

int tftp_ack_block(uint64_t acked, uint64_t sent_hi, uint16_t wire, uint64_t *ret_block)
{
	uint64_t ahead = (uint16_t)(wire - (uint16_t)acked);

	if (ahead == 0 || sent_hi < acked || ahead > sent_hi - acked)
		return 0;
	*ret_block = acked + ahead;
	return 1;
}

void tftp_rto_init(struct tftp_rto *r, uint32_t timeout_s)
{
	memset(r, 0, sizeof(*r));
	r->ceil_ms = timeout_s ? (uint64_t)timeout_s * 1000 : TFTP_RTO_CEIL_MS;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* RFC 6298 sec. 2.2 and 2.3, with alpha = 1/8 and beta = 1/4. A sample
 * is capped at the ceiling first: one stall of minutes must not leave an
 * estimate that takes dozens of samples to come back down. */
void tftp_rto_sample(struct tftp_rto *r, uint64_t rtt_us)
{
	if (rtt_us > r->ceil_ms * 1000)
		rtt_us = r->ceil_ms * 1000;
	if (!r->sampled) {
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		r->sampled = 1;
		return;
	}
	r->rttvar_us = (3 * r->rttvar_us + absdiff(r->srtt_us, rtt_us)) / 4;
	r->srtt_us = (7 * r->srtt_us + rtt_us) / 8;
}

uint64_t tftp_rto_ms(const struct tftp_rto *r, unsigned backoff)
{
	uint64_t ms, var;

	if (!r->sampled) {
		ms = TFTP_RTO_INITIAL_MS;
	} else {
		var = 4 * r->rttvar_us > TFTP_RTO_G_US ? 4 * r->rttvar_us : TFTP_RTO_G_US;
		ms = (r->srtt_us + var + 999) / 1000;
	}
	if (ms < TFTP_RTO_FLOOR_MS)
		ms = TFTP_RTO_FLOOR_MS;
	/* doubling stops at the ceiling (255 s at most): no overflow */
	for (unsigned i = 0; i < backoff && i < 24 && ms < r->ceil_ms; i++)
		ms *= 2;
	return ms < r->ceil_ms ? ms : r->ceil_ms;
}

uint64_t tftp_giveup_ms(uint32_t timeout_s)
{
	return timeout_s ? (uint64_t)TFTP_GIVEUP_ROUNDS * timeout_s * 1000 : TFTP_GIVEUP_DEFAULT_MS;
}

int tftp_dup_ack_resend(uint64_t now_ms, uint64_t head_sent_ms, uint64_t rto_ms)
{
	return now_ms >= head_sent_ms && now_ms - head_sent_ms >= rto_ms;
}

size_t tftp_netascii_encode(const uint8_t *in, size_t in_len, size_t *ret_used,
			    uint8_t *out, size_t out_cap, uint8_t *pending)
{
	size_t i = 0, o = 0;

	if (*pending != TFTP_ASCII_PEND_NONE && o < out_cap) {
		out[o++] = *pending == TFTP_ASCII_PEND_LF ? '\n' : '\0';
		*pending = TFTP_ASCII_PEND_NONE;
	}
	while (*pending == TFTP_ASCII_PEND_NONE && i < in_len && o < out_cap) {
		uint8_t c = in[i++];

		if (c != '\n' && c != '\r') {
			out[o++] = c;
			continue;
		}
		out[o++] = '\r';
		if (o < out_cap)
			out[o++] = c == '\n' ? '\n' : '\0';
		else
			*pending = c == '\n' ? TFTP_ASCII_PEND_LF : TFTP_ASCII_PEND_NUL;
	}
	*ret_used = i;
	return o;
}

enum tftp_admit tftp_admit(const struct tftp_admit_in *in)
{
	if (in->peer_xfer) {
		if (in->same_file) {
			/* a forged source repeating its RRQ would otherwise
			 * draw one packet each: at most one per round, and
			 * none once the client has answered (our timer
			 * retransmits then) */
			if (!in->peer_verified && in->since_answer_ms >= in->round_ms)
				return TFTP_ADMIT_ANSWER_AGAIN;
			return TFTP_ADMIT_REPEAT;
		}
		/* one port, one transfer: a client that moved on before it
		 * answered gets the new file; one that answered keeps the
		 * transfer it proved is its own */
		return in->peer_verified ? TFTP_ADMIT_PEER_BUSY : TFTP_ADMIT_REPLACE;
	}
	if (in->per_ip >= in->per_ip_max)
		return TFTP_ADMIT_PER_IP;
	if (in->active >= in->active_max)
		return TFTP_ADMIT_FULL;
	return TFTP_ADMIT_START;
}

/* content_open()'s refusals, RFC 1350 error codes. Anything else is the
 * server's own failure, not the client's. */
static const struct {
	int err;
	enum tftp_err code;
	const char *why;
} tftp_refusals[] = {
	{ -ENOENT, TFTP_ERR_NOTFOUND, "not found" },
	{ -EACCES, TFTP_ERR_ACCESS,   "access violation" },
	{ -EPERM,  TFTP_ERR_ACCESS,   "protected file, not this client's" },
};

int tftp_refusal(int err, enum tftp_err *ret_code, const char **ret_why)
{
	for (size_t i = 0; i < sizeof(tftp_refusals) / sizeof(tftp_refusals[0]); i++) {
		if (tftp_refusals[i].err == err) {
			*ret_code = tftp_refusals[i].code;
			*ret_why = tftp_refusals[i].why;
			return 0;
		}
	}
	return -ENOENT;
}
