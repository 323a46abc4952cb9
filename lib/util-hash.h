/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-hash.h - fast non-cryptographic 64-bit hashing.
 *
 * fp_hash64() keys the in-memory tables; struct fp_hasher fingerprints whole
 * input files as they stream by.  Neither resists a chosen collision: a file
 * fingerprint only has to tell apart files that differ by accident, since a
 * writer who controls a log can already put any line in it.
 */
#ifndef FP_UTIL_HASH_H
#define FP_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t fp_hash64(const void *data, size_t len, uint64_t seed);

/* Mix a 64-bit value into a running hash (for composite keys). */
static inline uint64_t
fp_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

struct fp_hasher {
	uint64_t v[4];
	uint64_t total;
	unsigned char tail[32];
	size_t tail_len;
	uint64_t seed;
};

void fp_hasher_init(struct fp_hasher *h, uint64_t seed);
void fp_hasher_update(struct fp_hasher *h, const void *data, size_t len);
uint64_t fp_hasher_final(const struct fp_hasher *h);

#endif
