/* ed25519.c: Ed25519 verification (RFC 8032 section 5.1.7) with
 * libsodium's extra rules (plan/ed25519.h).
 *
 * Field elements mod p = 2^255 - 19 are five 51-bit limbs multiplied with
 * unsigned __int128 (GCC and clang have it on x86_64 and aarch64, the two
 * targets alpineboot.efi is built for, and lower it to inline multiplies,
 * no libgcc call). Points are extended twisted Edwards coordinates
 * (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z, added with the unified formula of
 * Hisil, Wong, Carter, Dawson 2008 ("add-2008-hwcd-3"), which is complete
 * for Ed25519 (a = -1 square, d non-square), so doubling is the same call:
 * one formula, nothing to get subtly wrong. The constants d, sqrt(-1) and
 * the base point are computed from their definitions (RFC 8032 section
 * 5.1) instead of written out in limbs. Speed is not a goal: one plan is
 * verified per boot, in about a millisecond.
 */
#include "plan/ed25519.h"
#include "plan/sha512.h"
#include "plan/str.h"

typedef unsigned __int128 u128;

#define M51 ((uint64_t)0x7ffffffffffff)

struct fe { uint64_t v[5]; };                  /* limbs below 2^52 after every op */
struct ge { struct fe X, Y, Z, T; };

struct curve {
	struct fe d2;        /* 2d, d = -121665/121666 */
	struct fe d;
	struct fe sqrtm1;    /* 2^((p-1)/4) */
	struct ge B;         /* the base point, y = 4/5, x even */
};

/* ---- field ------------------------------------------------------------ */

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void fe_set(struct fe *h, uint64_t x)
{
	h->v[0] = x;
	h->v[1] = h->v[2] = h->v[3] = h->v[4] = 0;
}

/* One carry pass; the top carry wraps around as 19 (2^255 = 19 mod p). */
static void fe_carry(struct fe *h)
{
	uint64_t c;
	int i;

	for (i = 0; i < 4; i++) {
		c = h->v[i] >> 51;
		h->v[i] &= M51;
		h->v[i + 1] += c;
	}
	c = h->v[4] >> 51;
	h->v[4] &= M51;
	h->v[0] += 19 * c;
}

/* The 255 low bits of s; bit 255 (a point's sign of x) is the caller's. */
static void fe_frombytes(struct fe *h, const uint8_t s[32])
{
	h->v[0] = load64(s) & M51;
	h->v[1] = (load64(s + 6) >> 3) & M51;
	h->v[2] = (load64(s + 12) >> 6) & M51;
	h->v[3] = (load64(s + 19) >> 1) & M51;
	h->v[4] = (load64(s + 24) >> 12) & M51;
}

/* The unique representative below p, little endian. */
static void fe_tobytes(uint8_t s[32], const struct fe *f)
{
	struct fe h = *f;
	uint64_t q, w[4];
	int i;

	fe_carry(&h);
	fe_carry(&h);
	/* Now h < 2^255 + 19 < 2p: q = 1 exactly when h >= p, found as the
	 * carry out of bit 255 of h + 19. */
	q = (h.v[0] + 19) >> 51;
	for (i = 1; i < 5; i++)
		q = (h.v[i] + q) >> 51;
	h.v[0] += 19 * q;
	for (i = 0; i < 4; i++) {
		h.v[i + 1] += h.v[i] >> 51;
		h.v[i] &= M51;
	}
	h.v[4] &= M51;    /* drops q * 2^255 */
	w[0] = h.v[0] | h.v[1] << 51;
	w[1] = h.v[1] >> 13 | h.v[2] << 38;
	w[2] = h.v[2] >> 26 | h.v[3] << 25;
	w[3] = h.v[3] >> 39 | h.v[4] << 12;
	for (i = 0; i < 32; i++)
		s[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
}

static void fe_add(struct fe *h, const struct fe *f, const struct fe *g)
{
	int i;

	for (i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
	fe_carry(h);
}

/* f - g + 4p: limbs stay positive for any g with limbs below 2^53. */
static void fe_sub(struct fe *h, const struct fe *f, const struct fe *g)
{
	int i;

	h->v[0] = f->v[0] + 4 * (M51 - 18) - g->v[0];
	for (i = 1; i < 5; i++)
		h->v[i] = f->v[i] + 4 * M51 - g->v[i];
	fe_carry(h);
}

static void fe_neg(struct fe *h, const struct fe *f)
{
	struct fe zero;

	fe_set(&zero, 0);
	fe_sub(h, &zero, f);
}

static void fe_mul(struct fe *h, const struct fe *f, const struct fe *g)
{
	const uint64_t *a = f->v, *b = g->v;
	uint64_t b1 = 19 * b[1], b2 = 19 * b[2], b3 = 19 * b[3], b4 = 19 * b[4];
	u128 t[5];
	uint64_t c;
	int i;

	t[0] = (u128)a[0] * b[0] + (u128)a[1] * b4 + (u128)a[2] * b3 +
	       (u128)a[3] * b2 + (u128)a[4] * b1;
	t[1] = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4 +
	       (u128)a[3] * b3 + (u128)a[4] * b2;
	t[2] = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] +
	       (u128)a[3] * b4 + (u128)a[4] * b3;
	t[3] = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] +
	       (u128)a[3] * b[0] + (u128)a[4] * b4;
	t[4] = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] +
	       (u128)a[3] * b[1] + (u128)a[4] * b[0];
	for (i = 0; i < 4; i++) {
		t[i + 1] += t[i] >> 51;
		h->v[i] = (uint64_t)t[i] & M51;
	}
	c = (uint64_t)(t[4] >> 51);
	h->v[4] = (uint64_t)t[4] & M51;
	h->v[0] += 19 * c;
	fe_carry(h);
}

/* f^e, e a 256-bit little-endian exponent; square and multiply. */
static void fe_pow(struct fe *h, const struct fe *f, const uint8_t e[32])
{
	struct fe r;
	int i;

	fe_set(&r, 1);
	for (i = 255; i >= 0; i--) {
		fe_mul(&r, &r, &r);
		if (e[i / 8] >> (i % 8) & 1)
			fe_mul(&r, &r, f);
	}
	*h = r;
}

/* Exponents: p - 2 (inverse), (p - 5) / 8 (square roots, RFC 8032
 * section 5.1.3) and (p - 1) / 4 (sqrt(-1)), little endian. */
static const uint8_t E_INV[32] = {
	0xeb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
};
static const uint8_t E_SQRT[32] = {
	0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
};
static const uint8_t E_SQRTM1[32] = {
	0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f,
};

static int fe_iszero(const struct fe *f)
{
	uint8_t s[32];
	uint8_t acc = 0;
	int i;

	fe_tobytes(s, f);
	for (i = 0; i < 32; i++)
		acc |= s[i];
	return acc == 0;
}

static int fe_isnegative(const struct fe *f)
{
	uint8_t s[32];

	fe_tobytes(s, f);
	return s[0] & 1;
}

/* ---- points ----------------------------------------------------------- */

static void ge_identity(struct ge *p)
{
	fe_set(&p->X, 0);
	fe_set(&p->Y, 1);
	fe_set(&p->Z, 1);
	fe_set(&p->T, 0);
}

/* r = p + q (add-2008-hwcd-3, k = 2d); r may be p or q. */
static void ge_add(struct ge *r, const struct ge *p, const struct ge *q,
		   const struct curve *c)
{
	struct fe a, b, cc, d, e, f, g, h, t;

	fe_sub(&a, &p->Y, &p->X);
	fe_sub(&t, &q->Y, &q->X);
	fe_mul(&a, &a, &t);
	fe_add(&b, &p->Y, &p->X);
	fe_add(&t, &q->Y, &q->X);
	fe_mul(&b, &b, &t);
	fe_mul(&cc, &p->T, &q->T);
	fe_mul(&cc, &cc, &c->d2);
	fe_mul(&d, &p->Z, &q->Z);
	fe_add(&d, &d, &d);
	fe_sub(&e, &b, &a);
	fe_sub(&f, &d, &cc);
	fe_add(&g, &d, &cc);
	fe_add(&h, &b, &a);
	fe_mul(&r->X, &e, &f);
	fe_mul(&r->Y, &g, &h);
	fe_mul(&r->T, &e, &h);
	fe_mul(&r->Z, &f, &g);
}

/* Decode a point (RFC 8032 section 5.1.3). y is taken mod p, as
 * libsodium does; its callers reject non-canonical keys themselves.
 * 0, or -EINVAL when no x exists for y. */
static int ge_frombytes(struct ge *r, const uint8_t s[32], const struct curve *c)
{
	struct fe u, v, v3, x, t;

	fe_frombytes(&r->Y, s);
	fe_set(&r->Z, 1);
	fe_mul(&u, &r->Y, &r->Y);
	fe_mul(&v, &u, &c->d);
	fe_sub(&u, &u, &r->Z);          /* u = y^2 - 1 */
	fe_add(&v, &v, &r->Z);          /* v = d y^2 + 1 */
	fe_mul(&v3, &v, &v);
	fe_mul(&v3, &v3, &v);           /* v^3 */
	fe_mul(&x, &v3, &v3);
	fe_mul(&x, &x, &v);
	fe_mul(&x, &x, &u);             /* u v^7 */
	fe_pow(&x, &x, E_SQRT);
	fe_mul(&x, &x, &v3);
	fe_mul(&x, &x, &u);             /* x = u v^3 (u v^7)^((p-5)/8) */
	fe_mul(&t, &x, &x);
	fe_mul(&t, &t, &v);             /* v x^2 */
	fe_sub(&v3, &t, &u);
	if (!fe_iszero(&v3)) {
		fe_add(&v3, &t, &u);
		if (!fe_iszero(&v3))
			return -NB_EINVAL;
		fe_mul(&x, &x, &c->sqrtm1);
	}
	if (fe_isnegative(&x) != (s[31] >> 7))
		fe_neg(&x, &x);
	r->X = x;
	fe_mul(&r->T, &x, &r->Y);
	return 0;
}

static void ge_tobytes(uint8_t s[32], const struct ge *p)
{
	struct fe zi, x, y;

	fe_pow(&zi, &p->Z, E_INV);
	fe_mul(&x, &p->X, &zi);
	fe_mul(&y, &p->Y, &zi);
	fe_tobytes(s, &y);
	s[31] ^= (uint8_t)(fe_isnegative(&x) << 7);
}

static void curve_init(struct curve *c)
{
	static const uint8_t base_y[32] = {
		0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	};
	struct fe a, b;

	fe_set(&a, 121666);
	fe_pow(&b, &a, E_INV);
	fe_set(&a, 121665);
	fe_mul(&b, &b, &a);
	fe_neg(&c->d, &b);
	fe_add(&c->d2, &c->d, &c->d);
	fe_set(&a, 2);
	fe_pow(&c->sqrtm1, &a, E_SQRTM1);
	/* 4/5 = 0x5866...66 (RFC 8032 section 5.1), which always decodes. */
	ge_frombytes(&c->B, base_y, c);
}

/* 1 when [8]P is the identity: P lies in the torsion subgroup. */
static int ge_small_order(const struct ge *p, const struct curve *c)
{
	struct ge q = *p;
	struct fe t;

	ge_add(&q, &q, &q, c);
	ge_add(&q, &q, &q, c);
	ge_add(&q, &q, &q, c);
	fe_sub(&t, &q.Y, &q.Z);
	return fe_iszero(&q.X) && fe_iszero(&t);
}

/* ---- scalars mod L ---------------------------------------------------- */

/* L = 2^252 + 27742317777372353535851937790883648493, little endian. */
static const uint8_t L_BYTES[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2,
	0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
};

/* 1 when the 32 bytes at s are below L. */
static int sc_canonical(const uint8_t s[32])
{
	int i;

	for (i = 31; i >= 0; i--)
		if (s[i] != L_BYTES[i])
			return s[i] < L_BYTES[i];
	return 0;
}

/* r = the 512-bit little-endian h mod L, bit by bit: r = 2r + bit, minus L
 * when that reaches L. r < L < 2^253 keeps 2r + 1 within four words. */
static void sc_reduce(uint8_t ret[32], const uint8_t h[64])
{
	uint64_t r[4] = { 0, 0, 0, 0 }, l[4], d[4], borrow;
	int i, k;

	for (k = 0; k < 4; k++)
		l[k] = load64(L_BYTES + 8 * k);
	for (i = 511; i >= 0; i--) {
		for (k = 3; k > 0; k--)
			r[k] = r[k] << 1 | r[k - 1] >> 63;
		r[0] = r[0] << 1 | (uint64_t)(h[i / 8] >> (i % 8) & 1);
		borrow = 0;
		for (k = 0; k < 4; k++) {
			u128 t = (u128)r[k] - l[k] - borrow;

			d[k] = (uint64_t)t;
			borrow = (uint64_t)(t >> 64) & 1;
		}
		if (!borrow)
			for (k = 0; k < 4; k++)
				r[k] = d[k];
	}
	for (i = 0; i < 32; i++)
		ret[i] = (uint8_t)(r[i / 8] >> (8 * (i % 8)));
}

/* libsodium's ge25519_is_canonical: the y of an encoding (sign bit aside)
 * must be below p. */
static int ge_canonical(const uint8_t s[32])
{
	int i;

	if ((s[31] & 0x7f) != 0x7f || s[0] < 0xed)
		return 1;
	for (i = 1; i < 31; i++)
		if (s[i] != 0xff)
			return 1;
	return 0;
}

/* 1 when the encoding s is a point of small order. An encoding that is no
 * point at all is not (for R the final comparison refuses it). */
static int enc_small_order(const uint8_t s[32], const struct curve *c)
{
	struct ge p;

	return ge_frombytes(&p, s, c) == 0 && ge_small_order(&p, c);
}

/* r = a*P + b*Q, scalars little endian, most significant bit first. */
static void ge_double_mul(struct ge *r, const uint8_t a[32], const struct ge *p,
			  const uint8_t b[32], const struct ge *q,
			  const struct curve *c)
{
	int i;

	ge_identity(r);
	for (i = 255; i >= 0; i--) {
		ge_add(r, r, r, c);
		if (a[i / 8] >> (i % 8) & 1)
			ge_add(r, r, p, c);
		if (b[i / 8] >> (i % 8) & 1)
			ge_add(r, r, q, c);
	}
}

int nb_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		      const uint8_t pub[32])
{
	struct curve c;
	struct nb_sha512 hs;
	struct ge a, r;
	uint8_t h[64], k[32], check[32];
	int i, diff = 0;

	curve_init(&c);
	if (!sc_canonical(sig + 32) || enc_small_order(sig, &c))
		return -NB_EINVAL;
	if (!ge_canonical(pub) || ge_frombytes(&a, pub, &c) < 0 ||
	    ge_small_order(&a, &c))
		return -NB_EINVAL;
	/* k = SHA-512(R || A || M) mod L; check [S]B - [k]A == R. */
	nb_sha512_init(&hs);
	nb_sha512_update(&hs, sig, 32);
	nb_sha512_update(&hs, pub, 32);
	nb_sha512_update(&hs, msg, len);
	nb_sha512_final(&hs, h);
	sc_reduce(k, h);
	fe_neg(&a.X, &a.X);
	fe_neg(&a.T, &a.T);
	ge_double_mul(&r, sig + 32, &c.B, k, &a, &c);
	ge_tobytes(check, &r);
	for (i = 0; i < 32; i++)
		diff |= check[i] ^ sig[i];
	return diff == 0 ? 0 : -NB_EACCES;
}
