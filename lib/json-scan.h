/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json-scan.h - a validating, allocation-free JSON scanner for hot paths.
 *
 * fp_jscan_parse() checks one JSON text exactly as jansson's
 * json_loadb(..., JSON_REJECT_DUPLICATES) does (jansson stays the
 * reference): the top level is an object or an array; strings are valid
 * UTF-8 without control characters, with valid escapes, no \u0000 and no
 * lone surrogates; numbers follow the JSON grammar, integers fit in 64 bits
 * and reals do not overflow; nesting is at most 2048 deep; no object repeats
 * a key (compared after unescaping); only whitespace follows the value.  It
 * accepts exactly what jansson accepts, and says only "valid" or "invalid":
 * a caller that needs jansson's message asks jansson.
 *
 * A valid text is left as a flat array of tokens (a "tape") that points into
 * the text, so a reader picks the members it needs without building a tree.
 * The scanner keeps its buffers between texts: once they have grown to the
 * largest line seen, scanning allocates nothing.
 */
#ifndef FP_JSON_SCAN_H
#define FP_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util-arena.h"

#define FP_JSCAN_MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */

enum fp_jscan_type {
	FP_JSCAN_NULL = 1,
	FP_JSCAN_FALSE,
	FP_JSCAN_TRUE,
	FP_JSCAN_INT,
	FP_JSCAN_REAL,
	FP_JSCAN_STRING,
	FP_JSCAN_ARRAY,
	FP_JSCAN_OBJECT,
};

#define FP_JSCAN_ESCAPED 1 /* a string with backslash escapes */
#define FP_JSCAN_VOUCHED 2 /* an object the hook vouched for: no members on the tape */

/*
 * One token.  An object is followed by its members, each a key (a string
 * token) and the value's tokens; an array by its elements.
 */
struct fp_jscan_tok {
	uint32_t off;  /* strings: first byte after the quote; else the first byte */
	uint32_t len;  /* strings: raw bytes between the quotes; else the value's bytes */
	uint32_t next; /* the token after this value, its contents included */
	uint8_t type;  /* enum fp_jscan_type */
	uint8_t flags;
	uint16_t unused;
};

/* Token index meaning "no such member": the root (0) is never a member. */
#define FP_JSCAN_NONE 0u

struct fp_jscan_slot;

struct fp_jscan {
	const char *text;
	size_t len;
	struct fp_jscan_tok *tok; /* the tape; tok[0] is the root */
	size_t n, cap;
	/* internal: container stack, duplicate-key table, number scratch */
	struct fp_jscan_frame *stack;
	struct fp_jscan_slot *keys;
	size_t keys_cap, keys_used;
	uint32_t gen;
	char *num;
	size_t num_cap;
};

/* Set up an empty scanner; fp_jscan_done() releases its buffers. */
void fp_jscan_init(struct fp_jscan *s);
void fp_jscan_done(struct fp_jscan *s);

/*
 * Scan @len bytes of @text.  Returns 0 when jansson would accept the text
 * (the tape is then valid until the next call, and borrows @text), 1 when it
 * would not, or FP_ENOMEM.
 */
int fp_jscan_parse(struct fp_jscan *s, const char *text, size_t len);

/*
 * A hook for texts that repeat whole objects (a log naming the same pods on
 * every line).  At an object that is the value of a member, object() may
 * return the length of that object starting at @p (at most @avail bytes),
 * vouching that exactly those bytes were scanned before as a valid object,
 * with room for its nesting at @depth (the root is depth 1).  The scanner
 * then steps over it: the tape holds one FP_JSCAN_VOUCHED object token
 * (its len covers the object) and none of its members.  0 scans it as usual.
 * @key is the token of the member's key.
 */
struct fp_jscan_hook {
	size_t (*object)(void *ctx, const struct fp_jscan *s, uint32_t key, const char *p,
			 size_t avail, size_t depth);
	void *ctx;
};

/* fp_jscan_parse() with @hook (may be NULL). */
int fp_jscan_parse_hooked(struct fp_jscan *s, const char *text, size_t len,
			  const struct fp_jscan_hook *hook);

/* Give back buffers that an unusually large text made grow. */
void fp_jscan_trim(struct fp_jscan *s);

static inline enum fp_jscan_type
fp_jscan_type(const struct fp_jscan *s, uint32_t i)
{
	return (enum fp_jscan_type)s->tok[i].type;
}

/* The members of object @obj: for (k = first; k != end; k = next) key k, value k + 1. */
static inline uint32_t
fp_jscan_first_member(const struct fp_jscan *s, uint32_t obj)
{
	(void)s;
	return obj + 1;
}

static inline uint32_t
fp_jscan_next_member(const struct fp_jscan *s, uint32_t key)
{
	return s->tok[key + 1].next;
}

static inline uint32_t
fp_jscan_end(const struct fp_jscan *s, uint32_t container)
{
	return s->tok[container].next;
}

/* Does string token @i, unescaped, equal the @n bytes of @lit? */
bool fp_jscan_str_eq(const struct fp_jscan *s, uint32_t i, const char *lit, size_t n);

/* A member name for fp_jscan_pick(): FP_JSCAN_NAME("verdict"). */
struct fp_jscan_name {
	const char *s;
	size_t len; /* at most 63 */
};
#define FP_JSCAN_NAME(lit) { lit, sizeof(lit) - 1 }

/*
 * Look up members of object @obj in one pass: out[j] is the value token of
 * key @names[j], or FP_JSCAN_NONE.
 */
void fp_jscan_pick(const struct fp_jscan *s, uint32_t obj, const struct fp_jscan_name *names,
		   size_t n, uint32_t *out);

/* The value of member @key of @obj, or FP_JSCAN_NONE. */
uint32_t fp_jscan_get(const struct fp_jscan *s, uint32_t obj, const char *key);

/*
 * The unescaped bytes of string token @i: the text itself when it has no
 * escapes, else a copy in @arena (NULL when out of memory).  Not
 * NUL-terminated unless copied; *@len_out receives the length.
 */
const char *fp_jscan_str(const struct fp_jscan *s, uint32_t i, struct fp_arena *arena,
			 size_t *len_out);

/* The value of integer token @i (it is known to fit). */
int64_t fp_jscan_int(const struct fp_jscan *s, uint32_t i);

/*
 * Typed reading of a member's value token @v, with lib/util-json.c's rules:
 * FP_JSCAN_NONE and JSON null are "absent", a value of another type is
 * FP_EINPUT (without a message), FP_ENOMEM when unescaping a string fails.
 */
/* @v, or FP_JSCAN_NONE when it is absent or null. */
uint32_t fp_jscan_present(const struct fp_jscan *s, uint32_t v);
/* *@out is @v when it has @type, FP_JSCAN_NONE when absent. */
int fp_jscan_as(const struct fp_jscan *s, uint32_t *out, uint32_t v, enum fp_jscan_type type);
/* A string, unescaped (see fp_jscan_str()); *@str is NULL when absent. */
int fp_jscan_as_string(const struct fp_jscan *s, const char **str, size_t *len, uint32_t v,
		       struct fp_arena *arena);
/*
 * An unsigned integer no larger than @max; protobuf's JSON mapping writes
 * 64-bit integers as strings, so a string of digits counts too.
 */
int fp_jscan_as_uint(const struct fp_jscan *s, uint64_t *out, bool *has, uint32_t v,
		     uint64_t max, struct fp_arena *arena);
int fp_jscan_as_bool(const struct fp_jscan *s, bool *out, bool *has, uint32_t v);

#endif
