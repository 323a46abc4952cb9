/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/util-hash.h"
#include "lib/util-map.h"

void
fp_strmap_init(struct fp_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
fp_strmap_done(struct fp_strmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	fp_strmap_init(m);
}

static size_t
slot(const struct fp_strmap *m, const char *key, uint64_t h)
{
	size_t pos = h & (m->cap - 1);

	while (m->keys[pos] != NULL && (m->hashes[pos] != h || strcmp(m->keys[pos], key) != 0))
		pos = (pos + 1) & (m->cap - 1);
	return pos;
}

long
fp_strmap_get(const struct fp_strmap *m, const char *key)
{
	size_t pos;

	if (m->cap == 0)
		return -1;
	pos = slot(m, key, fp_hash64(key, strlen(key), 0));
	return m->keys[pos] != NULL ? (long)m->vals[pos] : -1;
}

static int
grow(struct fp_strmap *m)
{
	struct fp_strmap bigger;

	bigger.cap = m->cap ? m->cap * 2 : 64;
	bigger.n = m->n;
	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
	bigger.hashes = calloc(bigger.cap, sizeof(*bigger.hashes));
	if (bigger.keys == NULL || bigger.vals == NULL || bigger.hashes == NULL) {
		fp_strmap_done(&bigger);
		return FP_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		size_t pos;

		if (m->keys[i] == NULL)
			continue;
		pos = slot(&bigger, m->keys[i], m->hashes[i]);
		bigger.keys[pos] = m->keys[i];
		bigger.vals[pos] = m->vals[i];
		bigger.hashes[pos] = m->hashes[i];
	}
	fp_strmap_done(m);
	*m = bigger;
	return 0;
}

int
fp_strmap_put(struct fp_strmap *m, const char *key, size_t val)
{
	uint64_t h = fp_hash64(key, strlen(key), 0);
	size_t pos;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return FP_ENOMEM;
	pos = slot(m, key, h);
	if (m->keys[pos] == NULL) {
		m->keys[pos] = key;
		m->hashes[pos] = h;
		m->n++;
	}
	m->vals[pos] = val;
	return 0;
}
