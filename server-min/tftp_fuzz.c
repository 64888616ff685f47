/* tftp_fuzz.c: libFuzzer target for the TFTP wire format.
 *
 * The input is one packet as it would arrive on either socket. Every
 * parser sees it; what parses is pushed through negotiation and the
 * builders, and the results are checked against the RFC ranges, so a
 * parser that accepts nonsense fails here, not only one that over-reads.
 * The input's tail also drives the netascii encoder in small blocks, and its
 * first bytes the admission policy (tftp_admit), checked against its rules,
 * and the round-trip estimator (the samples are the client's timing, so a
 * hostile client chooses them): whatever it is fed, the timeout stays
 * within [floor, ceiling] and never shrinks with more backoff.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server-min/tftp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A request that parses: names and option values in their RFC ranges, and
 * negotiation grants nothing that was not asked, nothing out of range. */
static void check_request(const uint8_t *data, size_t size)
{
	struct tftp_request req;
	struct tftp_params p;
	uint8_t out[1024];
	size_t fl;

	if (tftp_parse_request(data, size, &req) != 0)
		return;
	fl = strnlen(req.filename, sizeof(req.filename));
	if (fl == 0 || fl >= sizeof(req.filename))
		abort();
	if ((req.opts & (1u << TFTP_OPT_BLKSIZE)) &&
	    (req.blksize < TFTP_BLKSIZE_MIN || req.blksize > TFTP_BLKSIZE_MAX))
		abort();
	if ((req.opts & (1u << TFTP_OPT_TIMEOUT)) &&
	    (req.timeout < TFTP_TIMEOUT_MIN || req.timeout > TFTP_TIMEOUT_MAX))
		abort();
	if ((req.opts & (1u << TFTP_OPT_WINDOWSIZE)) &&
	    (req.windowsize < TFTP_WINDOWSIZE_MIN || req.windowsize > TFTP_WINDOWSIZE_MAX))
		abort();
	tftp_negotiate(&req, size > 1 ? (uint32_t)(data[0] << 8 | data[1]) : 1468,
		       req.mode == TFTP_MODE_OCTET, size, &p);
	if (p.oack & ~req.opts)
		abort();   /* RFC 2347: never an option the client did not ask */
	if (p.blksize < TFTP_BLKSIZE_MIN || p.blksize > TFTP_BLKSIZE_MAX ||
	    p.windowsize < 1 || p.windowsize > TFTP_WINDOWSIZE_GRANT ||
	    (p.windowsize > 1 && p.windowsize * p.blksize > TFTP_WINDOW_BYTES))
		abort();
	if (tftp_build_oack(out, sizeof(out), &p) < 2)
		abort();
}

/* ACK and ERROR packets, and the ACK mapping: a block it names lies in
 * acked+1..sent_hi, and is congruent to the wire number. */
static void check_ack_error(const uint8_t *data, size_t size)
{
	uint8_t out[1024];
	uint16_t block, code;
	char msg[32];

	if (tftp_parse_ack(data, size, &block) == 0 && size < 4)
		abort();
	if (tftp_parse_error(data, size, &code, msg, sizeof(msg)) == 0) {
		if (strlen(msg) >= sizeof(msg))
			abort();
		if (tftp_build_error(out, sizeof(out), (enum tftp_err)(code % TFTP_ERR_COUNT), msg) < 5)
			abort();
	}
	if (size >= 12) {
		uint64_t acked = (uint64_t)data[2] << 24 | (uint64_t)data[3] << 16 |
				 (uint64_t)data[4] << 8 | data[5];
		uint64_t sent_hi = acked + (data[6] % 128) - 8;
		uint16_t wire = (uint16_t)(data[7] << 8 | data[8]);
		uint64_t b;

		if (tftp_ack_block(acked, sent_hi, wire, &b) == 1 &&
		    (b <= acked || b > sent_hi || (uint16_t)b != wire))
			abort();
	}
}

/* Admission: never a new transfer over a limit, never a second one for a
 * port that has one, never an answer to a verified repeat. */
static void check_admit(const uint8_t *data, size_t size)
{
	if (size < 8)
		return;
	struct tftp_admit_in in = {
		.peer_xfer = data[0] & 1,
		.peer_verified = data[0] & 2,
		.same_file = data[0] & 4,
		.since_answer_ms = (uint64_t)data[1] * 10,
		.round_ms = 1000,
		.per_ip = data[2], .per_ip_max = data[3],
		.active = (unsigned)data[4] << 2, .active_max = (unsigned)data[5] << 2,
	};
	enum tftp_admit a = tftp_admit(&in);

	if (a == TFTP_ADMIT_START &&
	    (in.peer_xfer || in.per_ip >= in.per_ip_max || in.active >= in.active_max))
		abort();
	if (a == TFTP_ADMIT_ANSWER_AGAIN &&
	    (in.peer_verified || in.since_answer_ms < in.round_ms))
		abort();
	if (a == TFTP_ADMIT_REPLACE && (!in.peer_xfer || in.peer_verified || in.same_file))
		abort();
}

/* RTO: samples from the input, up to minutes long; the timeout stays in
 * [floor, ceiling] and never shrinks with more backoff. */
static void check_rto(const uint8_t *data, size_t size)
{
	struct tftp_rto r;
	uint64_t prev = 0;

	if (size < 4)
		return;
	tftp_rto_init(&r, data[0] % 2 ? data[1] : 0);
	for (size_t i = 2; i + 4 <= size && i < 2 + 4 * 64; i += 4)
		tftp_rto_sample(&r, ((uint64_t)data[i] << 24 | (uint64_t)data[i + 1] << 16 |
				     (uint64_t)data[i + 2] << 8 | data[i + 3]) * 16);
	for (unsigned k = 0; k < 40; k++) {
		uint64_t ms = tftp_rto_ms(&r, k);

		if (ms < TFTP_RTO_FLOOR_MS || ms > r.ceil_ms || ms < prev)
			abort();
		prev = ms;
	}
}

/* netascii: the output never exceeds the block, input never overruns. */
static void check_netascii(const uint8_t *data, size_t size)
{
	uint8_t out[1024];
	size_t off = 0, used, chunk = size ? (size_t)data[0] % 16 + 1 : 1;
	uint8_t pending = TFTP_ASCII_PEND_NONE;

	/* each round writes at least one byte; the output is at most
	 * twice the input: a bound, not a guess */
	for (size_t guard = 0; guard <= 2 * size + 1; guard++) {
		size_t n = tftp_netascii_encode(data + off, size - off, &used, out, chunk,
						&pending);
		if (n > chunk || used > size - off)
			abort();
		off += used;
		if (n < chunk)
			break;
	}
	if (off != size || pending != TFTP_ASCII_PEND_NONE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)tftp_opcode(data, size);
	check_request(data, size);
	check_ack_error(data, size);
	check_admit(data, size);
	check_rto(data, size);
	check_netascii(data, size);
	return 0;
}
