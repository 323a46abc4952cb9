/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/util-hash.h"

/*
 * A four-lane multiply-rotate hash over 64-bit words.  Four independent lanes
 * keep the multiplier pipeline full, so hashing runs at several GB/s and a
 * file fingerprint costs little next to parsing the same bytes.
 */
#define P1 0x9e3779b185ebca87ULL
#define P2 0xc2b2ae3d27d4eb4fULL
#define P3 0x165667b19e3779f9ULL
#define P4 0x85ebca77c2b2ae63ULL
#define P5 0x27d4eb2f165667c5ULL

static inline uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
read64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
round1(uint64_t acc, uint64_t lane)
{
	acc += lane * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t
merge(uint64_t acc, uint64_t v)
{
	acc ^= round1(0, v);
	return acc * P1 + P4;
}

static uint64_t
finish(uint64_t h, const unsigned char *p, size_t len)
{
	while (len >= 8) {
		h ^= round1(0, read64(p));
		h = rotl(h, 27) * P1 + P4;
		p += 8;
		len -= 8;
	}
	while (len > 0) {
		h ^= (uint64_t)*p * P5;
		h = rotl(h, 11) * P1;
		p++;
		len--;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static void
stripes(uint64_t v[4], const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++, p += 32) {
		v[0] = round1(v[0], read64(p));
		v[1] = round1(v[1], read64(p + 8));
		v[2] = round1(v[2], read64(p + 16));
		v[3] = round1(v[3], read64(p + 24));
	}
}

static uint64_t
converge(const uint64_t v[4])
{
	uint64_t h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);

	for (int i = 0; i < 4; i++)
		h = merge(h, v[i]);
	return h;
}

void
fp_hasher_init(struct fp_hasher *h, uint64_t seed)
{
	h->seed = seed;
	h->v[0] = seed + P1 + P2;
	h->v[1] = seed + P2;
	h->v[2] = seed;
	h->v[3] = seed - P1;
	h->total = 0;
	h->tail_len = 0;
}

void
fp_hasher_update(struct fp_hasher *h, const void *data, size_t len)
{
	const unsigned char *p = data;

	h->total += len;
	if (h->tail_len > 0) {
		size_t take = 32 - h->tail_len;

		if (take > len)
			take = len;
		memcpy(h->tail + h->tail_len, p, take);
		h->tail_len += take;
		p += take;
		len -= take;
		if (h->tail_len < 32)
			return;
		stripes(h->v, h->tail, 1);
		h->tail_len = 0;
	}
	stripes(h->v, p, len / 32);
	p += len / 32 * 32;
	len %= 32;
	memcpy(h->tail, p, len);
	h->tail_len = len;
}

uint64_t
fp_hasher_final(const struct fp_hasher *h)
{
	uint64_t acc;

	if (h->total >= 32)
		acc = converge(h->v);
	else
		acc = h->seed + P5;
	acc += h->total;
	return finish(acc, h->tail, h->tail_len);
}

uint64_t
fp_hash64(const void *data, size_t len, uint64_t seed)
{
	struct fp_hasher h;

	fp_hasher_init(&h, seed);
	fp_hasher_update(&h, data, len);
	return fp_hasher_final(&h);
}
