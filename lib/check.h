/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check.h - replaying observed edges against a set of NetworkPolicies.
 *
 * Every observed connection between identities is evaluated with
 * Kubernetes' semantics (lib/netpol.h): a workload stands for each label set
 * its pods carried (a policy may select on any of them), with its namespace's
 * labels and its pods' named container ports; an outside address for
 * itself; the node for the pod's own node (kubelet traffic, which
 * NetworkPolicy always admits).  An edge is denied when any of its pods'
 * label sets would be.  Edges with a side that cannot be pinned down
 * (unresolved) cannot be checked and are counted as such.
 */
#ifndef FP_CHECK_H
#define FP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/edge.h"
#include "lib/err.h"
#include "lib/netpol.h"

enum fp_check_verdict {
	FP_CHECK_ALLOWED = 0,
	FP_CHECK_DENIED = 1,
	FP_CHECK_UNCHECKED = 2, /* a side is unresolved: nothing to evaluate */
};

struct fp_check_item {
	size_t edge;                  /* index into the edge set */
	enum fp_check_verdict verdict;
	char *reason;                 /* why denied, or what admitted it */
	bool egress_denied, ingress_denied;
	size_t policy[2];             /* admitting policy by enum fp_netpol_dir, or NONE */
	size_t rule[2];
};

struct fp_check_result {
	struct fp_check_item *items;
	size_t n;
	size_t allowed, denied, unchecked;
};

struct fp_check_opts {
	bool dropped; /* replay flows the engine dropped too (for triage) */
};

/*
 * Evaluate every observed edge of @es (and dropped ones with opts->dropped)
 * against @set.  *@out is freed with fp_check_result_free().
 * 0, FP_ENOMEM.
 */
int fp_check_edges(struct fp_check_result **out, const struct fp_edgeset *es,
		   const struct fp_netpol_set *set, const struct fp_check_opts *opts,
		   struct fp_err *err);
void fp_check_result_free(struct fp_check_result *r);

/*
 * For each policy of @set, the number of edges it admitted first in @r
 * (counts[i] for policy i, by direction): 0 means the window gave it
 * nothing to do.  @counts holds 2 * fp_netpol_count(@set) entries.
 */
void fp_check_policy_use(size_t *counts, const struct fp_check_result *r,
			 const struct fp_netpol_set *set);

#endif
