/* keys.h: tables of "key = value" keys, how each value is checked and
 * where it is stored.
 *
 * embed/config.c's profile and client keys and netbootd's [server] keys
 * (server-min/config_load.c) are rows of the same kind, checked by the
 * same code: a key is a parser of its own, a number in a range, or a text
 * of a length and a character class. Every check returns NULL or the
 * message that follows "FILE:LINE: " (nb_config_error()).
 */
#ifndef NB_KEYS_H
#define NB_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* A value parser: NULL on success (the value stored in field, size
 * bytes), else what is wrong. */
typedef const char *nb_parse_fn(void *field, size_t size, const char *v, size_t n);

/* A text value: min to max characters (max 0: what the field holds), each
 * one ok(). */
struct nb_text_rule {
	uint32_t min, max;
	int (*ok)(char c);
	const char *why_len, *why_char;
};

struct nb_key {
	const char *name;
	nb_parse_fn *parse;  /* NULL: a number or (with text) a text key */
	size_t off, size;    /* the field in the section's struct */
	uint32_t bit;        /* NB_SET_* (profile keys) or a bit of its own */
	int repeatable;
	int safe;            /* enum nb_safe_kind the value must pass, or NB_NO_SAFE */
	/* A number key (parse and text NULL): a uint32_t field, min to max,
	 * and the error "NAME: UNIT, MIN to MAX". */
	uint32_t min, max;
	const char *unit;
	const struct nb_text_rule *text;   /* a text key (parse NULL) */
};

/* A value that never reaches a script or a plan line (server keys, numbers
 * and hex digests that the key's own parser already restricts). */
#define NB_NO_SAFE (-1)

/* Room for a number key's error: its name, unit and two numbers. */
#define NB_KEY_WHY_MAX 96

/* offset and size of a field, for a row. */
#define NB_FIELD(type, f) offsetof(struct type, f), sizeof(((struct type *)0)->f)

/* The row of t (n rows) named by the kn bytes at k, or NULL. */
const struct nb_key *nb_key_find(const struct nb_key *t, size_t n,
				 const char *k, size_t kn);

/* k's value into its field in base: NULL, or what is wrong (a number
 * key's message is written into why). */
const char *nb_key_parse(const struct nb_key *k, void *base, const char *v,
			 size_t n, char why[NB_KEY_WHY_MAX]);

/* v into a NUL-terminated string field: NULL or "value too long". */
const char *nb_put_str(void *field, size_t size, const char *v, size_t n);

/* Letters, digits, '-', '_' and '.': names of profiles, interfaces. */
int nb_name_char(char c);

#endif
