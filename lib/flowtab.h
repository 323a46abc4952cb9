/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flowtab.h - the in-memory aggregation table of ingest.
 *
 * Flows are folded by (minute, source, destination, protocol, port, verdict,
 * drop reason) into tuples with a count and first/last times; endpoints are
 * interned by their canonical key.  Memory grows with distinct tuples and
 * endpoints, never with input lines.  A table is owned by one thread; tables
 * of several threads are combined with fp_flowtab_merge().
 */
#ifndef FP_FLOWTAB_H
#define FP_FLOWTAB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"

#define FP_BUCKET_SECONDS 60

struct fp_flowtab;

struct fp_tuple {
	int64_t bucket;
	uint32_t src; /* endpoint index in the table */
	uint32_t dst;
	uint8_t proto;
	uint8_t verdict;
	uint16_t port;
	uint16_t reason;
	uint64_t count;
	int64_t first;
	int64_t last;
};

/* A new empty table, or NULL when out of memory.  Free with fp_flowtab_free(). */
struct fp_flowtab *fp_flowtab_new(void);
void fp_flowtab_free(struct fp_flowtab *t);

/*
 * Count a normalized flow.  Returns 0 or FP_ENOMEM (the table is unchanged
 * then).
 */
int fp_flowtab_add(struct fp_flowtab *t, const struct fp_flow *f);

/* Add every tuple of @from into @into (endpoints re-interned).  0 or FP_ENOMEM. */
int fp_flowtab_merge(struct fp_flowtab *into, const struct fp_flowtab *from);

/* Forget the tuples but keep the endpoints (after they were written out). */
void fp_flowtab_clear_tuples(struct fp_flowtab *t);

/* Forget tuples and endpoints, keeping the memory for reuse. */
void fp_flowtab_reset(struct fp_flowtab *t);

/* Bytes held, for the memory budget. */
size_t fp_flowtab_memory(const struct fp_flowtab *t);
/* Bytes it would hold after adding up to @more new tuples (it grows by doubling). */
size_t fp_flowtab_memory_with(const struct fp_flowtab *t, size_t more);
/* Bytes held by the endpoints alone. */
size_t fp_flowtab_endpoint_memory(const struct fp_flowtab *t);
size_t fp_flowtab_n_tuples(const struct fp_flowtab *t);
size_t fp_flowtab_n_endpoints(const struct fp_flowtab *t);

/* The canonical key of endpoint @i (see fp_endpoint_key()); borrowed. */
const char *fp_flowtab_endpoint_key(const struct fp_flowtab *t, uint32_t i);
/* A per-endpoint slot the writer uses to remember the database id. */
int64_t *fp_flowtab_endpoint_slot(struct fp_flowtab *t, uint32_t i);

/*
 * The tuples, sorted by key so that writing them is deterministic and
 * B-tree friendly.  *@out is a new array the caller frees; *@n its length.
 */
int fp_flowtab_sorted(struct fp_tuple **out, size_t *n, const struct fp_flowtab *t);

#endif
