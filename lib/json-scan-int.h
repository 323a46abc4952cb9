/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json-scan-int.h - escapes, as lib/json-scan.c (comparing keys) and
 * lib/json-scan-read.c (reading strings) both need them.  Internal to lib/.
 */
#ifndef FP_JSON_SCAN_INT_H
#define FP_JSON_SCAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/json-scan.h"

static inline int
fp_jscan__hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at t[p..p+4), or -1. */
static inline int32_t
fp_jscan__hex4(const unsigned char *t, size_t p, size_t len)
{
	int32_t v = 0;

	if (len - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = fp_jscan__hexval(t[p + (size_t)i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* An iterator over the unescaped bytes of a valid string. */
struct fp_jscan_unesc {
	const unsigned char *p, *end;
	unsigned char buf[4];
	unsigned bi, bn;
};

static inline void
fp_jscan__unesc_init(struct fp_jscan_unesc *u, const struct fp_jscan *s, uint32_t i)
{
	u->p = (const unsigned char *)s->text + s->tok[i].off;
	u->end = u->p + s->tok[i].len;
	u->bi = u->bn = 0;
}

static inline unsigned
fp_jscan__encode_utf8(unsigned char *out, int32_t v)
{
	if (v < 0x80) {
		out[0] = (unsigned char)v;
		return 1;
	}
	if (v < 0x800) {
		out[0] = (unsigned char)(0xc0 | (v >> 6));
		out[1] = (unsigned char)(0x80 | (v & 0x3f));
		return 2;
	}
	if (v < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (v >> 12));
		out[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (v & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (v >> 18));
	out[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (v & 0x3f));
	return 4;
}

/* The next unescaped byte, or -1 at the end. */
static inline int
fp_jscan__unesc_next(struct fp_jscan_unesc *u)
{
	int32_t v;

	if (u->bi < u->bn)
		return u->buf[u->bi++];
	if (u->p >= u->end)
		return -1;
	if (*u->p != '\\')
		return *u->p++;
	switch (u->p[1]) {
	case 'b': u->p += 2; return '\b';
	case 'f': u->p += 2; return '\f';
	case 'n': u->p += 2; return '\n';
	case 'r': u->p += 2; return '\r';
	case 't': u->p += 2; return '\t';
	case 'u': break;
	default: u->p += 2; return u->p[-1]; /* " \ / */
	}
	v = fp_jscan__hex4(u->p, 2, 6);
	u->p += 6;
	if (v >= 0xd800 && v <= 0xdbff) {
		v = 0x10000 + ((v - 0xd800) << 10) + (fp_jscan__hex4(u->p, 2, 6) - 0xdc00);
		u->p += 6;
	}
	u->bn = fp_jscan__encode_utf8(u->buf, v);
	u->bi = 1;
	return u->buf[0];
}

/* Unescape string token @i into @out (room for its raw length); its length. */
static inline size_t
fp_jscan__unescape(const struct fp_jscan *s, uint32_t i, char *out)
{
	struct fp_jscan_unesc u;
	size_t n = 0;
	int c;

	fp_jscan__unesc_init(&u, s, i);
	while ((c = fp_jscan__unesc_next(&u)) >= 0)
		out[n++] = (char)c;
	return n;
}

#endif
