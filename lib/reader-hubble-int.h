/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-hubble-int.h - the endpoint memo of the Hubble fast path
 * (lib/reader-hubble-memo.c, used by lib/reader-hubble-fast.c), and what the
 * fast path and the jansson reader share.  Internal to lib/.
 *
 * Endpoints are remembered by the bytes of their JSON object.  A capture
 * names the same few thousand pods over and over; the same bytes always give
 * the same endpoint (or the same rejection), so a remembered endpoint is
 * neither parsed nor validated again.  Direct-mapped: a new endpoint evicts
 * the one in its slot, so memory is bounded by the number of slots.
 */
#ifndef FP_READER_HUBBLE_INT_H
#define FP_READER_HUBBLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"

/* What an endpoint's reserved labels and identity say it is, when it is not
 * a pod: both Hubble readers gather these and conclude the same way. */
struct fp_hubble_ep_flags {
	bool host, remote_node, world, apiserver, other, k8s;
};

static inline void
fp_hubble__reserved_kind(struct fp_endpoint *ep, const struct fp_hubble_ep_flags *f)
{
	if (f->apiserver)
		ep->kind = FP_EP_APISERVER;
	else if (f->host)
		ep->kind = FP_EP_HOST;
	else if (f->remote_node)
		ep->kind = FP_EP_REMOTE_NODE;
	else if (f->world)
		ep->kind = FP_EP_WORLD;
	else if (f->other)
		ep->kind = FP_EP_OTHER;
}

#define FP_HUBBLE_MEMO_SLOTS 8192
/* Real endpoint objects are under 2 KiB: larger ones are not remembered, and
 * the memo stops taking new ones once it holds this many bytes, whatever a
 * hostile input tries (it stays correct, only slower). */
#define FP_HUBBLE_MEMO_MAX_OBJECT 16384
#define FP_HUBBLE_MEMO_MAX_BYTES ((size_t)16 << 20)

struct fp_hubble_memo_entry {
	uint64_t hash;
	size_t size;           /* of this block */
	size_t raw_len;
	size_t depth;          /* deepest nesting inside, the object counting 1 */
	const char *raw;       /* the object's bytes; in this block */
	struct fp_endpoint ep; /* addr unused; strings and labels in this block */
};

struct fp_hubble_memo {
	struct fp_hubble_memo_entry **slots; /* sets of ways */
	size_t n_slots;
	unsigned turn;                       /* the way the next eviction takes */
	size_t bytes;                        /* held by the entries */
	/* Evicted while the record that evicted them may still point into
	 * them (its source endpoint, say): freed when the next record starts. */
	struct fp_hubble_memo_entry *evicted[2];
	size_t n_evicted;
};

/* An empty memo of @slots endpoints (at least one).  0 or FP_ENOMEM. */
int fp_reader_hubble__memo_init(struct fp_hubble_memo *m, size_t slots);
void fp_reader_hubble__memo_done(struct fp_hubble_memo *m);
/* A new record starts: free what the last one evicted. */
void fp_reader_hubble__memo_bury(struct fp_hubble_memo *m);
/* The hash the memo files the object @raw under. */
uint64_t fp_reader_hubble__memo_hash(const char *raw, size_t len);
/*
 * The entry read from exactly the bytes @raw, or NULL.  Borrowed until the
 * next record starts; its endpoint's addr is not meaningful, and its labels
 * must not be changed.
 */
const struct fp_hubble_memo_entry *fp_reader_hubble__memo_find(const struct fp_hubble_memo *m,
							       uint64_t hash, const char *raw,
							       size_t len);
/*
 * The entry whose bytes the text at @p (@avail bytes left) starts with, for
 * an object whose end is not known yet; objects under 64 bytes are not
 * found this way.  Borrowed like memo_find()'s.
 */
const struct fp_hubble_memo_entry *fp_reader_hubble__memo_match(const struct fp_hubble_memo *m,
								const char *p, size_t avail);
/* Remember @ep as read from @raw (deep copy); out of memory only forgets. */
void fp_reader_hubble__memo_put(struct fp_hubble_memo *m, uint64_t hash, const char *raw,
				size_t len, const struct fp_endpoint *ep);

#endif
