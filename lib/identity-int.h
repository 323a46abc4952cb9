/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity-int.h - what the identity files share.  Internal to lib/.
 *
 * lib/identity.c holds the set, the builder's life and the stored form;
 * lib/identity-endpoints.c passes 0 to 2 (from endpoints to workloads) and
 * the identity of an endpoint at the time of a flow; lib/identity-select.c
 * pass 3 (the labels of each workload, twins folded, selectors).
 */
#ifndef FP_IDENTITY_INT_H
#define FP_IDENTITY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/identity.h"
#include "lib/selector.h"
#include "lib/util-buf.h"
#include "lib/util-k8s.h"
#include "lib/util-map.h"
#include "lib/util-net.h"

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

/* An endpoint whose identity depends on the time of the flow. */
struct fp_id_dynamic {
	int kind;  /* enum fp_ep_kind */
	char *ns, *pod;
	long fallback; /* identity when the inventory does not know it, or -1 */
	struct fp_addr addr;
};

struct fp_idbuild {
	struct fp_idset *set;
	struct fp_id_draft *drafts; /* parallel to set->ids while building */
	struct fp_strmap index; /* identity key -> index */
	struct fp_resolver *res; /* borrowed; may be NULL */
	struct fp_id_dynamic *dyn;
	size_t n_dyn, cap_dyn;
	long *merged_into; /* after twins folding: identity -> representative */
	size_t n_built;
	struct fp_addr *node_ips; /* every address seen or known for a node */
	size_t n_node_ips, cap_node_ips;
	const struct fp_k8s_labels *labels; /* borrowed; may be NULL */
	struct fp_buf stable;               /* scratch for stable_text() */
};

/* Remember one pod label set "k=v,k=v" of a workload (each set once).
 * NULL @labels is no set.  0 or FP_ENOMEM. */
int fp_identity__draft_add_set(struct fp_id_draft *d, const char *labels);
/*
 * Passes 0 to 2: the inventory's workloads, then every stored endpoint
 * mapped to an identity (or marked to be resolved per flow).  0, FP_EDB or
 * FP_ENOMEM with @err set.
 */
int fp_identity__endpoints(struct fp_idbuild *b, struct fp_db *db, struct fp_err *err);
/* The node identity's addresses as its CIDRs.  0 or FP_ENOMEM. */
int fp_identity__node_cidrs(struct fp_idbuild *b, struct fp_err *err);
/* Pass 3: labels, twins, selectors and notes, namespace by namespace. */
int fp_identity__select(struct fp_idbuild *b, struct fp_err *err);

#endif
