/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json-scan-read.c - reading the tape of lib/json-scan.c: members by name,
 * strings unescaped, integers.
 */
#include "config.h"

#include <string.h>

#include "lib/err.h"
#include "lib/json-scan-int.h"
#include "lib/json-scan.h"

bool
fp_jscan_str_eq(const struct fp_jscan *s, uint32_t i, const char *lit, size_t n)
{
	const struct fp_jscan_tok *t = &s->tok[i];
	struct fp_jscan_unesc u;
	size_t k = 0;
	int c;

	if (!(t->flags & FP_JSCAN_ESCAPED))
		return t->len == n && memcmp(s->text + t->off, lit, n) == 0;
	if (t->len < n)
		return false;
	fp_jscan__unesc_init(&u, s, i);
	while ((c = fp_jscan__unesc_next(&u)) >= 0)
		if (k >= n || (unsigned char)lit[k++] != c)
			return false;
	return k == n;
}

/* The unescaped key of token @k, if it is at most 63 bytes: its length, else -1. */
static long
small_key(const struct fp_jscan *s, uint32_t k, const char **out, char buf[64])
{
	const struct fp_jscan_tok *t = &s->tok[k];
	struct fp_jscan_unesc u;
	long n = 0;
	int c;

	if (!(t->flags & FP_JSCAN_ESCAPED)) {
		*out = s->text + t->off;
		return t->len < 64 ? (long)t->len : -1;
	}
	fp_jscan__unesc_init(&u, s, k);
	while ((c = fp_jscan__unesc_next(&u)) >= 0) {
		if (n == 63)
			return -1;
		buf[n++] = (char)c;
	}
	*out = buf;
	return n;
}

void
fp_jscan_pick(const struct fp_jscan *s, uint32_t obj, const struct fp_jscan_name *names,
	      size_t n, uint32_t *out)
{
	/* the names by length: a key is compared only with names as long */
	uint8_t first[64], next[32];
	uint64_t lens = 0;
	size_t left = n;
	char buf[64];

	if (n > 32)
		n = 32;
	for (size_t j = 0; j < n; j++) {
		size_t l = names[j].len & 63;

		out[j] = FP_JSCAN_NONE;
		if (!(lens & ((uint64_t)1 << l)))
			first[l] = 0xff;
		lens |= (uint64_t)1 << l;
		next[j] = first[l];
		first[l] = (uint8_t)j;
	}
	for (uint32_t k = obj + 1; k != s->tok[obj].next && left > 0; k = s->tok[k + 1].next) {
		const struct fp_jscan_tok *t = &s->tok[k];
		const char *key;
		long kl;

		if (!(t->flags & FP_JSCAN_ESCAPED)) {
			if (t->len > 63 || !(lens & ((uint64_t)1 << t->len)))
				continue;
			key = s->text + t->off;
			kl = (long)t->len;
		} else {
			kl = small_key(s, k, &key, buf);
			if (kl <= 0 || !(lens & ((uint64_t)1 << kl)))
				continue;
		}
		for (uint8_t j = first[kl]; j != 0xff; j = next[j]) {
			if (names[j].s[0] == key[0] && out[j] == FP_JSCAN_NONE &&
			    memcmp(names[j].s, key, (size_t)kl) == 0) {
				out[j] = k + 1;
				left--;
				break;
			}
		}
	}
}

uint32_t
fp_jscan_get(const struct fp_jscan *s, uint32_t obj, const char *key)
{
	struct fp_jscan_name name = { key, strlen(key) };
	uint32_t out;

	fp_jscan_pick(s, obj, &name, 1, &out);
	return out;
}

const char *
fp_jscan_str(const struct fp_jscan *s, uint32_t i, struct fp_arena *arena, size_t *len_out)
{
	const struct fp_jscan_tok *t = &s->tok[i];
	char *p;

	if (!(t->flags & FP_JSCAN_ESCAPED)) {
		*len_out = t->len;
		return s->text + t->off;
	}
	/* unescaping never makes a string longer */
	p = fp_arena_alloc(arena, (size_t)t->len + 1);
	if (p == NULL)
		return NULL;
	*len_out = fp_jscan__unescape(s, i, p);
	p[*len_out] = '\0';
	return p;
}

int64_t
fp_jscan_int(const struct fp_jscan *s, uint32_t i)
{
	const char *p = s->text + s->tok[i].off, *end = p + s->tok[i].len;
	bool neg = *p == '-';
	uint64_t v = 0;

	for (p += neg; p < end; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	/* v is at most 2^63 when negative, so this does not overflow */
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

/* ---- typed values, as lib/util-json.c reads them: null is absent ---- */

uint32_t
fp_jscan_present(const struct fp_jscan *js, uint32_t v)
{
	return v != FP_JSCAN_NONE && fp_jscan_type(js, v) != FP_JSCAN_NULL ? v : FP_JSCAN_NONE;
}

int
fp_jscan_as(const struct fp_jscan *js, uint32_t *out, uint32_t v, enum fp_jscan_type type)
{
	*out = fp_jscan_present(js, v);
	return *out == FP_JSCAN_NONE || fp_jscan_type(js, *out) == type ? 0 : FP_EINPUT;
}

int
fp_jscan_as_string(const struct fp_jscan *js, const char **s, size_t *len, uint32_t v,
		   struct fp_arena *arena)
{
	*s = NULL;
	*len = 0;
	v = fp_jscan_present(js, v);
	if (v == FP_JSCAN_NONE)
		return 0;
	if (fp_jscan_type(js, v) != FP_JSCAN_STRING)
		return FP_EINPUT;
	*s = fp_jscan_str(js, v, arena, len);
	return *s != NULL ? 0 : FP_ENOMEM;
}

int
fp_jscan_as_uint(const struct fp_jscan *js, uint64_t *out, bool *has, uint32_t v, uint64_t max,
		 struct fp_arena *arena)
{
	*out = 0;
	*has = false;
	v = fp_jscan_present(js, v);
	if (v == FP_JSCAN_NONE)
		return 0;
	if (fp_jscan_type(js, v) == FP_JSCAN_INT) {
		int64_t i = fp_jscan_int(js, v);

		if (i < 0 || (uint64_t)i > max)
			return FP_EINPUT;
		*out = (uint64_t)i;
	} else if (fp_jscan_type(js, v) == FP_JSCAN_STRING) {
		/* protobuf's JSON mapping writes 64-bit integers as strings */
		size_t len;
		const char *s = fp_jscan_str(js, v, arena, &len);
		uint64_t n = 0;

		if (s == NULL)
			return FP_ENOMEM;
		if (len == 0 || len > 20)
			return FP_EINPUT;
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9' ||
			    n > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
				return FP_EINPUT;
			n = n * 10 + (uint64_t)(s[i] - '0');
		}
		if (n > max)
			return FP_EINPUT;
		*out = n;
	} else {
		return FP_EINPUT;
	}
	*has = true;
	return 0;
}

int
fp_jscan_as_bool(const struct fp_jscan *js, bool *out, bool *has, uint32_t v)
{
	*out = false;
	*has = false;
	v = fp_jscan_present(js, v);
	if (v == FP_JSCAN_NONE)
		return 0;
	if (fp_jscan_type(js, v) != FP_JSCAN_TRUE && fp_jscan_type(js, v) != FP_JSCAN_FALSE)
		return FP_EINPUT;
	*out = fp_jscan_type(js, v) == FP_JSCAN_TRUE;
	*has = true;
	return 0;
}
