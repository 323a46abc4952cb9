/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity-int.h - what lib/identity.c (passes 1 and 2: endpoints to
 * workloads) and lib/identity-select.c (pass 3: twins and selectors) share.
 * Internal to lib/.
 */
#ifndef FP_IDENTITY_INT_H
#define FP_IDENTITY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/identity.h"
#include "lib/selector.h"
#include "lib/util-map.h"

struct fp_idset {
	struct fp_identity *ids;
	size_t n, cap;
	long *of_ep; /* endpoint id -> identity index, -1 unknown */
	int64_t max_ep;
};

/* A workload being assembled: its pods' label sets. */
struct fp_id_draft {
	char *key;
	struct fp_labelset *sets; /* owned label arrays */
	size_t n_sets, cap_sets;
};

struct fp_id_builder {
	struct fp_idset *set;
	struct fp_id_draft *drafts; /* parallel to set->ids while building */
	struct fp_strmap index; /* identity key -> index */
	long *fwd;            /* a folded twin -> the identity it joined; else itself */
};

/* Remember one pod label set of a workload (duplicates are kept once). */
int fp_identity__draft_add_set(struct fp_id_draft *d, const char *labels);
/* The labels every set of @d carries, with the same value, into @id. */
int fp_identity__intersect(struct fp_identity *id, const struct fp_id_draft *d);
/* Pass 3: labels, selectors and notes of the workloads, namespace by namespace. */
int fp_identity__select(struct fp_id_builder *b, struct fp_err *err);
/* Point the endpoints of folded twins at the identity they joined. */
void fp_identity__forward(struct fp_id_builder *b);

#endif
