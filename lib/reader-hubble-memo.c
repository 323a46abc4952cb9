/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/reader-hubble-int.h"
#include "lib/util-hash.h"

/* Entries are found by their first bytes, in sets of WAYS: pods of one
 * workload may begin alike (same identity) and differ only at the end. */
#define PREFIX 64
#define WAYS 4

int
fp_reader_hubble__memo_init(struct fp_hubble_memo *m, size_t slots)
{
	memset(m, 0, sizeof(*m));
	/* whole sets: at least one */
	m->n_slots = slots < WAYS ? WAYS : slots - slots % WAYS;
	m->slots = calloc(m->n_slots, sizeof(*m->slots));
	return m->slots != NULL ? 0 : FP_ENOMEM;
}

void
fp_reader_hubble__memo_bury(struct fp_hubble_memo *m)
{
	for (size_t i = 0; i < m->n_evicted; i++) {
		m->bytes -= m->evicted[i]->size;
		free(m->evicted[i]);
	}
	m->n_evicted = 0;
}

void
fp_reader_hubble__memo_done(struct fp_hubble_memo *m)
{
	fp_reader_hubble__memo_bury(m);
	for (size_t i = 0; i < m->n_slots && m->slots != NULL; i++)
		free(m->slots[i]);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/*
 * The first 64 bytes of the object (all of it when shorter): they hold the
 * endpoint id, and the scanner's hook must find an object before it knows
 * where it ends.  memcmp() decides.
 */
uint64_t
fp_reader_hubble__memo_hash(const char *raw, size_t len)
{
	return fp_hash64(raw, len < PREFIX ? len : PREFIX, 0);
}

static struct fp_hubble_memo_entry **
set_of(const struct fp_hubble_memo *m, uint64_t hash)
{
	return &m->slots[(size_t)(hash % (m->n_slots / WAYS)) * WAYS];
}

const struct fp_hubble_memo_entry *
fp_reader_hubble__memo_find(const struct fp_hubble_memo *m, uint64_t hash, const char *raw,
			    size_t len)
{
	struct fp_hubble_memo_entry *const *set = set_of(m, hash);

	for (int w = 0; w < WAYS; w++) {
		const struct fp_hubble_memo_entry *e = set[w];

		if (e != NULL && e->hash == hash && e->raw_len == len &&
		    memcmp(e->raw, raw, len) == 0)
			return e;
	}
	return NULL;
}

const struct fp_hubble_memo_entry *
fp_reader_hubble__memo_match(const struct fp_hubble_memo *m, const char *p, size_t avail)
{
	uint64_t hash;
	struct fp_hubble_memo_entry *const *set;

	/* a shorter object's hash would not cover PREFIX bytes */
	if (avail < PREFIX)
		return NULL;
	hash = fp_reader_hubble__memo_hash(p, PREFIX);
	set = set_of(m, hash);
	for (int w = 0; w < WAYS; w++) {
		const struct fp_hubble_memo_entry *e = set[w];

		if (e != NULL && e->hash == hash && e->raw_len >= PREFIX && e->raw_len <= avail &&
		    memcmp(e->raw, p, e->raw_len) == 0)
			return e;
	}
	return NULL;
}

/* The deepest nesting inside a valid object, counting the object as 1. */
static size_t
nesting(const char *raw, size_t len)
{
	size_t depth = 0, max = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = raw[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				max = depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return max;
}

static size_t
str_size(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

static const char *
put_str(char **at, const char *s)
{
	size_t n = str_size(s);
	char *p = *at;

	if (s == NULL)
		return NULL;
	memcpy(p, s, n);
	*at += n;
	return p;
}

void
fp_reader_hubble__memo_put(struct fp_hubble_memo *m, uint64_t hash, const char *raw,
			   size_t len, const struct fp_endpoint *ep)
{
	size_t size = sizeof(struct fp_hubble_memo_entry) + ep->n_labels * sizeof(struct fp_label) +
		      len + str_size(ep->ns) + str_size(ep->pod) + str_size(ep->workload) +
		      str_size(ep->workload_kind);
	struct fp_hubble_memo_entry *e, **set = set_of(m, hash), **slot = NULL;
	char *at;

	/* a record evicts at most two (its source and its destination); and
	 * hostile input must not fill the memo with megabyte objects */
	if (m->n_evicted == 2 || len > FP_HUBBLE_MEMO_MAX_OBJECT)
		return;
	for (size_t i = 0; i < ep->n_labels; i++)
		size += str_size(ep->labels[i].key) + str_size(ep->labels[i].value);
	if (m->bytes + size > FP_HUBBLE_MEMO_MAX_BYTES)
		return;
	e = malloc(size);
	if (e == NULL)
		return;
	m->bytes += size;
	e->size = size;
	e->hash = hash;
	e->raw_len = len;
	e->depth = nesting(raw, len);
	e->ep = *ep;
	/* the block: the entry, the labels array, the raw bytes, the strings */
	e->ep.labels = ep->n_labels > 0 ? (struct fp_label *)(e + 1) : NULL;
	at = (char *)(e + 1) + ep->n_labels * sizeof(struct fp_label);
	memcpy(at, raw, len);
	e->raw = at;
	at += len;
	e->ep.ns = put_str(&at, ep->ns);
	e->ep.pod = put_str(&at, ep->pod);
	e->ep.workload = put_str(&at, ep->workload);
	e->ep.workload_kind = put_str(&at, ep->workload_kind);
	for (size_t i = 0; i < ep->n_labels; i++) {
		e->ep.labels[i].key = put_str(&at, ep->labels[i].key);
		e->ep.labels[i].value = put_str(&at, ep->labels[i].value);
	}
	/* an empty way, else the ways in turn */
	for (int w = 0; w < WAYS && slot == NULL; w++)
		if (set[w] == NULL)
			slot = &set[w];
	if (slot == NULL)
		slot = &set[m->turn++ % WAYS];
	if (*slot != NULL)
		m->evicted[m->n_evicted++] = *slot;
	*slot = e;
}
