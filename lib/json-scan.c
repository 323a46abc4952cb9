/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lib/err.h"
#include "lib/json-scan-int.h"
#include "lib/json-scan.h"
#include "lib/util-hash.h"

/*
 * Objects with up to this many keys are checked for duplicates by comparing
 * each new key with the earlier ones; larger objects (hostile input) go
 * through a hash table, so a line of a million keys stays linear.
 */
#define DUP_LINEAR_MAX 32
#define TAPE_KEEP 65536 /* tokens kept by fp_jscan_trim() */

struct fp_jscan_frame {
	uint32_t tok;
	uint32_t n_keys;
	uint64_t sig;  /* one bit per key shape seen: most new keys match none */
	bool is_obj;
	bool hashed;
	bool escaped;  /* a key had escapes: shapes say nothing then */
};

struct fp_jscan_slot {
	uint32_t gen; /* the slot is empty unless gen == the scanner's */
	uint32_t obj, key, hash;
};

void
fp_jscan_init(struct fp_jscan *s)
{
	memset(s, 0, sizeof(*s));
}

void
fp_jscan_done(struct fp_jscan *s)
{
	free(s->tok);
	free(s->stack);
	free(s->keys);
	free(s->num);
	memset(s, 0, sizeof(*s));
}

void
fp_jscan_trim(struct fp_jscan *s)
{
	if (s->cap > TAPE_KEEP) {
		free(s->tok);
		s->tok = NULL;
		s->cap = 0;
		s->n = 0;
	}
	if (s->keys_cap > TAPE_KEEP) {
		free(s->keys);
		s->keys = NULL;
		s->keys_cap = 0;
	}
	if (s->num_cap > 4096) {
		free(s->num);
		s->num = NULL;
		s->num_cap = 0;
	}
}

static int
grow(struct fp_jscan *s)
{
	size_t cap = s->cap ? s->cap * 2 : 512;
	struct fp_jscan_tok *v = realloc(s->tok, cap * sizeof(*v));

	if (v == NULL)
		return FP_ENOMEM;
	s->tok = v;
	s->cap = cap;
	return 0;
}

static inline int
push(struct fp_jscan *s, uint8_t type, size_t off)
{
	if (s->n == s->cap && grow(s) < 0)
		return FP_ENOMEM;
	s->tok[s->n] = (struct fp_jscan_tok){ .off = (uint32_t)off, .next = (uint32_t)s->n + 1,
					      .type = type };
	s->n++;
	return 0;
}

/* ---- strings ---- */

/* Does byte @c end a run of plain string content? */
static inline bool
special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

static size_t
skip_plain(const unsigned char *t, size_t p, size_t len)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x1f);

	while (p + 16 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + p));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
						      _mm_cmpeq_epi8(v, bslash)),
					 _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
		/* movemask of v itself flags the bytes >= 0x80 */
		unsigned mask = (unsigned)_mm_movemask_epi8(m) | (unsigned)_mm_movemask_epi8(v);

		if (mask != 0)
			return p + (size_t)__builtin_ctz(mask);
		p += 16;
	}
#endif
	while (p < len && !special(t[p]))
		p++;
	return p;
}

/* The length of the valid UTF-8 sequence at t[p], or 0 (jansson's utf8_check_full). */
static size_t
utf8_len(const unsigned char *t, size_t p, size_t len)
{
	unsigned char u = t[p];
	size_t n;
	int32_t v;

	if (u >= 0xc2 && u <= 0xdf)
		n = 2, v = u & 0x1f;
	else if (u >= 0xe0 && u <= 0xef)
		n = 3, v = u & 0x0f;
	else if (u >= 0xf0 && u <= 0xf4)
		n = 4, v = u & 0x07;
	else
		return 0;
	if (len - p < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (t[p + i] < 0x80 || t[p + i] > 0xbf)
			return 0;
		v = (v << 6) | (t[p + i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (n == 3 && v < 0x800) ||
	    (n == 4 && v < 0x10000))
		return 0;
	return n;
}

/*
 * The string whose opening quote is t[p]: the index of its closing quote,
 * or 0 when it is invalid.  Sets *escaped when it holds escapes.
 */
static size_t
scan_string(const unsigned char *t, size_t p, size_t len, bool *escaped)
{
	p++;
	*escaped = false;
	for (;;) {
		p = skip_plain(t, p, len);
		if (p >= len)
			return 0;
		if (t[p] == '"')
			return p;
		if (t[p] < 0x20)
			return 0;
		if (t[p] >= 0x80) {
			size_t n = utf8_len(t, p, len);

			if (n == 0)
				return 0;
			p += n;
			continue;
		}
		/* a backslash */
		*escaped = true;
		if (p + 1 >= len)
			return 0;
		switch (t[p + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			p += 2;
			continue;
		case 'u': break;
		default: return 0;
		}
		{
			int32_t v = fp_jscan__hex4(t, p + 2, len), v2;

			if (v <= 0) /* invalid, or \u0000: jansson allows no NUL */
				return 0;
			p += 6;
			if (v >= 0xdc00 && v <= 0xdfff)
				return 0;
			if (v < 0xd800 || v > 0xdbff)
				continue;
			/* a high surrogate needs its low half right after */
			if (len - p < 6 || t[p] != '\\' || t[p + 1] != 'u')
				return 0;
			v2 = fp_jscan__hex4(t, p + 2, len);
			if (v2 < 0xdc00 || v2 > 0xdfff)
				return 0;
			p += 6;
		}
	}
}

static bool
keys_equal(const struct fp_jscan *s, uint32_t a, uint32_t b)
{
	const struct fp_jscan_tok *x = &s->tok[a], *y = &s->tok[b];
	struct fp_jscan_unesc u, v;
	int c;

	if (!(x->flags & FP_JSCAN_ESCAPED) && !(y->flags & FP_JSCAN_ESCAPED))
		return x->len == y->len && memcmp(s->text + x->off, s->text + y->off, x->len) == 0;
	fp_jscan__unesc_init(&u, s, a);
	fp_jscan__unesc_init(&v, s, b);
	do {
		c = fp_jscan__unesc_next(&u);
		if (c != fp_jscan__unesc_next(&v))
			return false;
	} while (c >= 0);
	return true;
}

static uint32_t
key_hash(const struct fp_jscan *s, uint32_t k)
{
	const struct fp_jscan_tok *t = &s->tok[k];
	struct fp_hasher h;
	unsigned char buf[64];
	struct fp_jscan_unesc u;
	size_t n = 0;
	int c;

	if (!(t->flags & FP_JSCAN_ESCAPED))
		return (uint32_t)fp_hash64(s->text + t->off, t->len, 0);
	/* the hash of the unescaped bytes, so equal keys hash alike */
	fp_hasher_init(&h, 0);
	fp_jscan__unesc_init(&u, s, k);
	while ((c = fp_jscan__unesc_next(&u)) >= 0) {
		buf[n++] = (unsigned char)c;
		if (n == sizeof(buf)) {
			fp_hasher_update(&h, buf, n);
			n = 0;
		}
	}
	fp_hasher_update(&h, buf, n);
	return (uint32_t)fp_hasher_final(&h);
}

static int
keys_grow(struct fp_jscan *s)
{
	size_t cap = s->keys_cap ? s->keys_cap * 2 : 256;
	struct fp_jscan_slot *v = calloc(cap, sizeof(*v)), *old = s->keys;

	if (v == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < s->keys_cap; i++) {
		size_t pos;

		if (old[i].gen != s->gen)
			continue;
		for (pos = old[i].hash & (cap - 1); v[pos].gen == s->gen; pos = (pos + 1) & (cap - 1))
			;
		v[pos] = old[i];
	}
	free(old);
	s->keys = v;
	s->keys_cap = cap;
	return 0;
}

/* Add key token @k of object @obj to the table: 1 if it is there already. */
static int
keys_add(struct fp_jscan *s, uint32_t obj, uint32_t k)
{
	uint32_t h;
	size_t pos;

	if ((s->keys_used + 1) * 2 > s->keys_cap && keys_grow(s) < 0)
		return FP_ENOMEM;
	h = key_hash(s, k) ^ (obj * 0x9e3779b1u);
	for (pos = h & (s->keys_cap - 1); s->keys[pos].gen == s->gen;
	     pos = (pos + 1) & (s->keys_cap - 1)) {
		const struct fp_jscan_slot *e = &s->keys[pos];

		if (e->hash == h && e->obj == obj && keys_equal(s, e->key, k))
			return 1;
	}
	s->keys[pos] = (struct fp_jscan_slot){ s->gen, obj, k, h };
	s->keys_used++;
	return 0;
}

/* Has object @f already a key equal to the one just pushed?  1, 0 or FP_ENOMEM. */
static int
duplicate(struct fp_jscan *s, struct fp_jscan_frame *f)
{
	uint32_t cur = (uint32_t)s->n - 1;
	const struct fp_jscan_tok *c = &s->tok[cur];
	int r;

	if (++f->n_keys <= DUP_LINEAR_MAX) {
		/* The shape of an unescaped key: its length and end bytes.  An
		 * equal key has the same shape, so a shape not seen yet in this
		 * object cannot be a duplicate. */
		uint64_t bit = 0;

		if (c->flags & FP_JSCAN_ESCAPED) {
			f->escaped = true;
		} else if (c->len > 0) {
			const unsigned char *k = (const unsigned char *)s->text + c->off;

			bit = (uint64_t)1 << ((c->len * 7u + k[0] + k[c->len - 1] * 3u) & 63);
		}
		if (!f->escaped && bit != 0 && !(f->sig & bit)) {
			f->sig |= bit;
			return 0;
		}
		f->sig |= bit;
		for (uint32_t k = f->tok + 1; k != cur; k = s->tok[k + 1].next)
			if ((s->tok[k].len == c->len || f->escaped) && keys_equal(s, k, cur))
				return 1;
		return 0;
	}
	if (!f->hashed) {
		f->hashed = true;
		for (uint32_t k = f->tok + 1; k != cur; k = s->tok[k + 1].next)
			if ((r = keys_add(s, f->tok, k)) != 0)
				return r;
	}
	return keys_add(s, f->tok, cur);
}

/* ---- numbers ---- */

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Does the real number in t[a..b) overflow a double, as jansson's strtod sees it? */
static int
real_overflows(struct fp_jscan *s, const unsigned char *t, size_t a, size_t b)
{
	const char *point = localeconv()->decimal_point;
	size_t n = b - a, plen = strlen(point);
	double v;
	char *end;

	if (n * plen + 1 > s->num_cap) {
		size_t cap = n * plen + 64;
		char *p = realloc(s->num, cap);

		if (p == NULL)
			return FP_ENOMEM;
		s->num = p;
		s->num_cap = cap;
	}
	/* jansson writes the locale's decimal point before calling strtod */
	for (size_t i = 0, o = 0; i <= n; i++) {
		if (i == n) {
			s->num[o] = '\0';
		} else if (t[a + i] == '.') {
			memcpy(s->num + o, point, plen);
			o += plen;
		} else {
			s->num[o++] = (char)t[a + i];
		}
	}
	errno = 0;
	v = strtod(s->num, &end);
	return (v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE;
}

/* The number at t[p]: its end, or 0 when invalid.  Sets the token's type. */
static size_t
scan_number(struct fp_jscan *s, const unsigned char *t, size_t p, size_t len, int *err)
{
	size_t a = p;
	bool neg = false, real = false;
	uint64_t v = 0;

	if (t[p] == '-') {
		neg = true;
		p++;
	}
	if (p >= len || !is_digit(t[p]))
		return 0;
	if (t[p] == '0') {
		p++;
		if (p < len && is_digit(t[p]))
			return 0;
	} else {
		/* strtoll's range: [-2^63, 2^63 - 1] */
		uint64_t limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;

		for (; p < len && is_digit(t[p]); p++) {
			uint64_t d = (uint64_t)(t[p] - '0');

			if (v > (limit - d) / 10)
				v = UINT64_MAX; /* out of range, unless it turns out real */
			else if (v != UINT64_MAX)
				v = v * 10 + d;
		}
	}
	if (p < len && t[p] == '.') {
		real = true;
		if (++p >= len || !is_digit(t[p]))
			return 0;
		while (p < len && is_digit(t[p]))
			p++;
	}
	if (p < len && (t[p] == 'e' || t[p] == 'E')) {
		real = true;
		p++;
		if (p < len && (t[p] == '+' || t[p] == '-'))
			p++;
		if (p >= len || !is_digit(t[p]))
			return 0;
		while (p < len && is_digit(t[p]))
			p++;
	}
	if (!real && v == UINT64_MAX)
		return 0;
	if (real) {
		int r = real_overflows(s, t, a, p);

		if (r != 0) {
			*err = r < 0 ? r : 0;
			return 0;
		}
	}
	s->tok[s->n - 1].type = real ? FP_JSCAN_REAL : FP_JSCAN_INT;
	s->tok[s->n - 1].len = (uint32_t)(p - a);
	return p;
}

/* ---- the parser ---- */

static size_t
skip_ws(const unsigned char *t, size_t p, size_t len)
{
	while (p < len && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r'))
		p++;
	return p;
}

/*
 * jansson reads one character past a number or a word and puts it back; a
 * NUL byte put back is lost (its stream buffer reads NUL as "empty"), so
 * one NUL right after a number or true/false/null is ignored.  So it is here.
 */
static size_t
skip_nul(const unsigned char *t, size_t p, size_t len)
{
	return p < len && t[p] == '\0' ? p + 1 : p;
}

static bool
literal(const unsigned char *t, size_t p, size_t len, const char *word, size_t n)
{
	/* jansson reads a whole word of letters, then compares it */
	if (len - p < n || memcmp(t + p, word, n) != 0)
		return false;
	return p + n == len || !((t[p + n] | 0x20) >= 'a' && (t[p + n] | 0x20) <= 'z');
}

int
fp_jscan_parse(struct fp_jscan *s, const char *text, size_t len)
{
	return fp_jscan_parse_hooked(s, text, len, NULL);
}

int
fp_jscan_parse_hooked(struct fp_jscan *s, const char *text, size_t len,
		      const struct fp_jscan_hook *hook)
{
	const unsigned char *t = (const unsigned char *)text;
	struct fp_jscan_frame *f = NULL;
	size_t p, sp = 0;
	int r = 0;

	if (len >= UINT32_MAX)
		return FP_ENOMEM;
	if (s->stack == NULL &&
	    (s->stack = malloc((FP_JSCAN_MAX_DEPTH + 1) * sizeof(*s->stack))) == NULL)
		return FP_ENOMEM;
	s->text = text;
	s->len = len;
	s->n = 0;
	s->keys_used = 0;
	if (++s->gen == 0) {
		/* the generation wrapped: really empty the key table once */
		if (s->keys != NULL)
			memset(s->keys, 0, s->keys_cap * sizeof(*s->keys));
		s->gen = 1;
	}
	p = skip_ws(t, 0, len);
	if (p >= len || (t[p] != '{' && t[p] != '['))
		return 1;

value: /* a value starts at t[p], at nesting depth sp + 1 */
	if (sp + 1 > FP_JSCAN_MAX_DEPTH)
		return 1;
	switch (t[p]) {
	case '{':
		/* a member's object the caller has seen before: vouched for */
		if (hook != NULL && sp > 0 && s->stack[sp - 1].is_obj) {
			size_t skip = hook->object(hook->ctx, s, (uint32_t)s->n - 1, text + p, len - p,
						   sp + 1);

			if (skip > 0) {
				if ((r = push(s, FP_JSCAN_OBJECT, p)) < 0)
					return r;
				s->tok[s->n - 1].len = (uint32_t)skip;
				s->tok[s->n - 1].flags = FP_JSCAN_VOUCHED;
				p += skip;
				goto after_value;
			}
		}
		/* fall through */
	case '[':
		if ((r = push(s, t[p] == '{' ? FP_JSCAN_OBJECT : FP_JSCAN_ARRAY, p)) < 0)
			return r;
		f = &s->stack[sp++];
		f->tok = (uint32_t)s->n - 1;
		f->n_keys = 0;
		f->sig = 0;
		f->is_obj = t[p] == '{';
		f->hashed = false;
		f->escaped = false;
		p = skip_ws(t, p + 1, len);
		if (p >= len)
			return 1;
		if (t[p] == (f->is_obj ? '}' : ']')) {
			s->tok[f->tok].next = (uint32_t)s->n;
			s->tok[f->tok].len = (uint32_t)(p + 1 - s->tok[f->tok].off);
			sp--;
			p++;
			goto after_value;
		}
		if (f->is_obj)
			goto key;
		goto value;
	case '"': {
		bool esc;
		size_t end = scan_string(t, p, len, &esc);

		if (end == 0)
			return 1;
		if ((r = push(s, FP_JSCAN_STRING, p + 1)) < 0)
			return r;
		s->tok[s->n - 1].len = (uint32_t)(end - p - 1);
		s->tok[s->n - 1].flags = esc ? FP_JSCAN_ESCAPED : 0;
		p = end + 1;
		goto after_value;
	}
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		static const uint8_t types[] = { FP_JSCAN_TRUE, FP_JSCAN_FALSE, FP_JSCAN_NULL };
		int w = t[p] == 't' ? 0 : t[p] == 'f' ? 1 : 2;
		size_t n = strlen(words[w]);

		if (!literal(t, p, len, words[w], n))
			return 1;
		if ((r = push(s, types[w], p)) < 0)
			return r;
		s->tok[s->n - 1].len = (uint32_t)n;
		p = skip_nul(t, p + n, len);
		goto after_value;
	}
	default:
		if (t[p] != '-' && !is_digit(t[p]))
			return 1;
		if ((r = push(s, FP_JSCAN_INT, p)) < 0)
			return r;
		p = scan_number(s, t, p, len, &r);
		if (p == 0)
			return r < 0 ? r : 1;
		p = skip_nul(t, p, len);
		goto after_value;
	}

key: /* inside object f, a key starts at t[p] */
	{
		bool esc;
		size_t end;

		if (t[p] != '"')
			return 1;
		end = scan_string(t, p, len, &esc);
		if (end == 0)
			return 1;
		if ((r = push(s, FP_JSCAN_STRING, p + 1)) < 0)
			return r;
		s->tok[s->n - 1].len = (uint32_t)(end - p - 1);
		s->tok[s->n - 1].flags = esc ? FP_JSCAN_ESCAPED : 0;
		r = duplicate(s, f);
		if (r != 0)
			return r;
		p = skip_ws(t, end + 1, len);
		if (p >= len || t[p] != ':')
			return 1;
		p = skip_ws(t, p + 1, len);
		if (p >= len)
			return 1;
		goto value;
	}

after_value: /* a value ended just before t[p] */
	p = skip_ws(t, p, len);
	if (sp == 0)
		return p == len ? 0 : 1;
	if (p >= len)
		return 1;
	f = &s->stack[sp - 1];
	if (t[p] == ',') {
		p = skip_ws(t, p + 1, len);
		if (p >= len)
			return 1;
		if (f->is_obj)
			goto key;
		goto value;
	}
	if (t[p] != (f->is_obj ? '}' : ']'))
		return 1;
	s->tok[f->tok].next = (uint32_t)s->n;
	s->tok[f->tok].len = (uint32_t)(p + 1 - s->tok[f->tok].off);
	sp--;
	p++;
	goto after_value;
}
