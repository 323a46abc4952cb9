/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/err.h"
#include "lib/flowtab.h"
#include "lib/util-buf.h"
#include "lib/util-hash.h"
#include "lib/util-sort.h"

struct ep {
	char *key;
	size_t len;
	uint64_t hash;
	int64_t slot;
};

struct fp_flowtab {
	/* endpoints: dense array plus an open-addressing index into it */
	struct ep *eps;
	size_t n_eps, cap_eps;
	uint32_t *ep_index; /* index + 1; 0 = empty */
	size_t ep_index_cap;
	size_t ep_bytes;
	/* tuples: open addressing, kept at most 3/4 full */
	struct fp_tuple *tuples;
	uint8_t *used;
	size_t n_tuples, cap_tuples;
	struct fp_buf scratch;
};

struct fp_flowtab *
fp_flowtab_new(void)
{
	struct fp_flowtab *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	fp_buf_init(&t->scratch);
	return t;
}

void
fp_flowtab_free(struct fp_flowtab *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_eps; i++)
		free(t->eps[i].key);
	free(t->eps);
	free(t->ep_index);
	free(t->tuples);
	free(t->used);
	fp_buf_done(&t->scratch);
	free(t);
}

static int
ep_index_grow(struct fp_flowtab *t)
{
	size_t cap = t->ep_index_cap ? t->ep_index_cap * 2 : 256;
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (idx == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < t->n_eps; i++) {
		size_t pos = t->eps[i].hash & (cap - 1);

		while (idx[pos] != 0)
			pos = (pos + 1) & (cap - 1);
		idx[pos] = (uint32_t)i + 1;
	}
	free(t->ep_index);
	t->ep_index = idx;
	t->ep_index_cap = cap;
	return 0;
}

/* Intern @key, whose hash is @h; *id_out is its index. */
static int
intern(struct fp_flowtab *t, uint32_t *id_out, const char *key, size_t len, uint64_t h)
{
	size_t pos;
	struct ep *e;

	if ((t->n_eps + 1) * 2 > t->ep_index_cap && ep_index_grow(t) < 0)
		return FP_ENOMEM;
	for (pos = h & (t->ep_index_cap - 1); t->ep_index[pos] != 0;
	     pos = (pos + 1) & (t->ep_index_cap - 1)) {
		e = &t->eps[t->ep_index[pos] - 1];
		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0) {
			*id_out = t->ep_index[pos] - 1;
			return 0;
		}
	}
	if (t->n_eps == UINT32_MAX - 1)
		return FP_ENOMEM;
	if (t->n_eps == t->cap_eps) {
		size_t cap = t->cap_eps ? t->cap_eps * 2 : 64;
		struct ep *eps = realloc(t->eps, cap * sizeof(*eps));

		if (eps == NULL)
			return FP_ENOMEM;
		t->eps = eps;
		t->cap_eps = cap;
	}
	e = &t->eps[t->n_eps];
	e->key = malloc(len + 1);
	if (e->key == NULL)
		return FP_ENOMEM;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->len = len;
	e->hash = h;
	e->slot = 0;
	t->ep_index[pos] = (uint32_t)t->n_eps + 1;
	*id_out = (uint32_t)t->n_eps++;
	t->ep_bytes += len + 1 + sizeof(*e) + 2 * sizeof(uint32_t);
	return 0;
}

static uint64_t
tuple_hash(const struct fp_tuple *k)
{
	uint64_t h = fp_hash_mix(0, (uint64_t)k->bucket);

	h = fp_hash_mix(h, ((uint64_t)k->src << 32) | k->dst);
	return fp_hash_mix(h, ((uint64_t)k->proto << 48) | ((uint64_t)k->verdict << 40) |
				      ((uint64_t)k->port << 16) | k->reason);
}

static bool
tuple_same(const struct fp_tuple *a, const struct fp_tuple *b)
{
	return a->bucket == b->bucket && a->src == b->src && a->dst == b->dst &&
	       a->proto == b->proto && a->verdict == b->verdict && a->port == b->port &&
	       a->reason == b->reason;
}

static int
tuples_grow(struct fp_flowtab *t)
{
	size_t cap = t->cap_tuples ? t->cap_tuples * 2 : 1024;
	struct fp_tuple *tu = malloc(cap * sizeof(*tu));
	uint8_t *used = calloc(cap, 1);

	if (tu == NULL || used == NULL) {
		free(tu);
		free(used);
		return FP_ENOMEM;
	}
	for (size_t i = 0; i < t->cap_tuples; i++) {
		size_t pos;

		if (!t->used[i])
			continue;
		pos = tuple_hash(&t->tuples[i]) & (cap - 1);
		while (used[pos])
			pos = (pos + 1) & (cap - 1);
		tu[pos] = t->tuples[i];
		used[pos] = 1;
	}
	free(t->tuples);
	free(t->used);
	t->tuples = tu;
	t->used = used;
	t->cap_tuples = cap;
	return 0;
}

static int
add_tuple(struct fp_flowtab *t, const struct fp_tuple *k)
{
	size_t pos;

	if ((t->n_tuples + 1) * 4 > t->cap_tuples * 3 && tuples_grow(t) < 0)
		return FP_ENOMEM;
	for (pos = tuple_hash(k) & (t->cap_tuples - 1); t->used[pos];
	     pos = (pos + 1) & (t->cap_tuples - 1)) {
		struct fp_tuple *e = &t->tuples[pos];

		if (tuple_same(e, k)) {
			/* Saturate rather than wrap: a count is evidence, not money. */
			e->count = e->count > UINT64_MAX - k->count ? UINT64_MAX : e->count + k->count;
			if (k->first < e->first)
				e->first = k->first;
			if (k->last > e->last)
				e->last = k->last;
			return 0;
		}
	}
	t->tuples[pos] = *k;
	t->used[pos] = 1;
	t->n_tuples++;
	return 0;
}

static int64_t
bucket_of(int64_t time)
{
	int64_t r = time % FP_BUCKET_SECONDS;

	return time - (r < 0 ? r + FP_BUCKET_SECONDS : r);
}

int
fp_flowtab_add(struct fp_flowtab *t, const struct fp_flow *f)
{
	struct fp_tuple k = { 0 };

	fp_buf_reset(&t->scratch);
	if (fp_endpoint_key(&t->scratch, &f->src) < 0 ||
	    intern(t, &k.src, t->scratch.data, t->scratch.len,
		   fp_hash64(t->scratch.data, t->scratch.len, 0)) < 0)
		return FP_ENOMEM;
	fp_buf_reset(&t->scratch);
	if (fp_endpoint_key(&t->scratch, &f->dst) < 0 ||
	    intern(t, &k.dst, t->scratch.data, t->scratch.len,
		   fp_hash64(t->scratch.data, t->scratch.len, 0)) < 0)
		return FP_ENOMEM;
	k.bucket = bucket_of(f->time);
	k.proto = f->proto;
	k.verdict = (uint8_t)f->verdict;
	k.port = f->port;
	k.reason = f->reason;
	k.count = f->count;
	k.first = f->time;
	/* 0 means "not pre-aggregated" (readers zero their flows) */
	k.last = f->last != 0 && f->last > f->time ? f->last : f->time;
	return add_tuple(t, &k);
}

int
fp_flowtab_merge(struct fp_flowtab *into, const struct fp_flowtab *from)
{
	uint32_t *map;
	int r = 0;

	if (from->n_eps == 0)
		return 0;
	map = malloc(from->n_eps * sizeof(*map));
	if (map == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < from->n_eps && r == 0; i++)
		r = intern(into, &map[i], from->eps[i].key, from->eps[i].len, from->eps[i].hash);
	for (size_t i = 0; i < from->cap_tuples && r == 0; i++) {
		struct fp_tuple k;

		if (!from->used[i])
			continue;
		k = from->tuples[i];
		k.src = map[k.src];
		k.dst = map[k.dst];
		r = add_tuple(into, &k);
	}
	free(map);
	return r;
}

void
fp_flowtab_clear_tuples(struct fp_flowtab *t)
{
	if (t->used != NULL)
		memset(t->used, 0, t->cap_tuples);
	t->n_tuples = 0;
}

void
fp_flowtab_reset(struct fp_flowtab *t)
{
	fp_flowtab_clear_tuples(t);
	for (size_t i = 0; i < t->n_eps; i++)
		free(t->eps[i].key);
	t->n_eps = 0;
	t->ep_bytes = 0;
	if (t->ep_index != NULL)
		memset(t->ep_index, 0, t->ep_index_cap * sizeof(*t->ep_index));
}

size_t
fp_flowtab_memory(const struct fp_flowtab *t)
{
	return fp_flowtab_memory_with(t, 0);
}

size_t
fp_flowtab_memory_with(const struct fp_flowtab *t, size_t more)
{
	size_t cap = t->cap_tuples;

	/* tuples_grow() doubles while the table would pass 3/4 full */
	while ((t->n_tuples + more) * 4 > cap * 3)
		cap = cap ? cap * 2 : 1024;
	return cap * (sizeof(struct fp_tuple) + 1) + t->ep_bytes +
	       t->ep_index_cap * sizeof(uint32_t);
}

size_t
fp_flowtab_endpoint_memory(const struct fp_flowtab *t)
{
	return t->ep_bytes + t->ep_index_cap * sizeof(uint32_t) + t->cap_eps * sizeof(*t->eps);
}

size_t
fp_flowtab_n_tuples(const struct fp_flowtab *t)
{
	return t->n_tuples;
}

size_t
fp_flowtab_n_endpoints(const struct fp_flowtab *t)
{
	return t->n_eps;
}

const char *
fp_flowtab_endpoint_key(const struct fp_flowtab *t, uint32_t i)
{
	return t->eps[i].key;
}

int64_t *
fp_flowtab_endpoint_slot(struct fp_flowtab *t, uint32_t i)
{
	return &t->eps[i].slot;
}

static int
tuple_cmp(const void *a, const void *b)
{
	const struct fp_tuple *x = a, *y = b;

#define CMP(f)                             \
	if (x->f != y->f)                  \
		return x->f < y->f ? -1 : 1;
	CMP(bucket) CMP(src) CMP(dst) CMP(proto) CMP(port) CMP(verdict) CMP(reason)
#undef CMP
	return 0;
}

int
fp_flowtab_sorted(struct fp_tuple **out, size_t *n, const struct fp_flowtab *t)
{
	struct fp_tuple *arr = malloc((t->n_tuples ? t->n_tuples : 1) * sizeof(*arr));
	size_t k = 0;

	if (arr == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < t->cap_tuples; i++)
		if (t->used[i])
			arr[k++] = t->tuples[i];
	fp_qsort(arr, k, sizeof(*arr), tuple_cmp);
	*out = arr;
	*n = k;
	return 0;
}
