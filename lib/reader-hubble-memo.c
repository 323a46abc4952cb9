/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/reader-hubble-int.h"
#include "lib/util-hash.h"

struct fp_hubble_memo_entry {
	uint64_t hash;
	size_t raw_len;
	const char *raw;       /* the object's bytes; in this block */
	struct fp_endpoint ep; /* addr unused; strings and labels in this block */
};

int
fp_reader_hubble__memo_init(struct fp_hubble_memo *m, size_t slots)
{
	memset(m, 0, sizeof(*m));
	m->n_slots = slots > 0 ? slots : 1;
	m->slots = calloc(m->n_slots, sizeof(*m->slots));
	return m->slots != NULL ? 0 : FP_ENOMEM;
}

void
fp_reader_hubble__memo_bury(struct fp_hubble_memo *m)
{
	for (size_t i = 0; i < m->n_evicted; i++)
		free(m->evicted[i]);
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
 * The length and the first and last 64 bytes of the object, which hold the
 * endpoint id and the pod name.  Hashing whole objects cost as much as
 * hashing the file; memcmp() decides anyway.
 */
uint64_t
fp_reader_hubble__memo_hash(const char *raw, size_t len)
{
	if (len <= 128)
		return fp_hash64(raw, len, 0);
	return fp_hash64(raw + len - 64, 64, fp_hash64(raw, 64, len));
}

const struct fp_endpoint *
fp_reader_hubble__memo_find(const struct fp_hubble_memo *m, uint64_t hash, const char *raw,
			    size_t len)
{
	const struct fp_hubble_memo_entry *e = m->slots[hash % m->n_slots];

	if (e != NULL && e->hash == hash && e->raw_len == len && memcmp(e->raw, raw, len) == 0)
		return &e->ep;
	return NULL;
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
	struct fp_hubble_memo_entry *e, **slot = &m->slots[hash % m->n_slots];
	char *at;

	/* a record evicts at most two (its source and its destination) */
	if (m->n_evicted == 2)
		return;
	for (size_t i = 0; i < ep->n_labels; i++)
		size += str_size(ep->labels[i].key) + str_size(ep->labels[i].value);
	e = malloc(size);
	if (e == NULL)
		return;
	e->hash = hash;
	e->raw_len = len;
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
	if (*slot != NULL)
		m->evicted[m->n_evicted++] = *slot;
	*slot = e;
}
