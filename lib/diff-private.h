/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff-private.h - what lib/diff*.c share: the universe of connections, port
 * range sets, and the walk that compares two policy sets over the universe.
 * Not installed, not for other modules.
 */
#ifndef FP_DIFF_PRIVATE_H
#define FP_DIFF_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diff.h"
#include "lib/edge.h"
#include "lib/netpol.h"
#include "lib/yamltree.h"

/* One label set of a pod: what one of its pods carried. */
struct fp_diff__variant {
	struct fp_label *labels;
	size_t n;
};

/* A workload of the edge set, or a representative pod of a policy. */
struct fp_diff__pod {
	char *text; /* "prod/api" or "prod/{app=api}" */
	char *ns;
	long id; /* identity index in the edge set, or -1 */
	struct fp_diff__variant *vars;
	size_t n_vars;
	struct fp_label *ns_labels;
	size_t n_ns_labels;
	struct fp_netpol_port *ports;
	size_t n_ports;
	char *port_names; /* storage for ports[].name */
};

struct fp_diff__universe {
	struct fp_diff__pod *pods; /* sorted by text */
	size_t n_pods;
	size_t skipped;		     /* workloads whose labels are unknown */
	const struct fp_edgeset *es; /* evidence, or NULL */
	struct fp_addr *addr_of; /* es: the address of each identity (family 0: none) */
	size_t *first_edge;	 /* es: first edge of each source identity, n_ids + 1 */
};

/* The identities of @es (borrowed; it must outlive @u). */
int fp_diff__universe_from_edges(struct fp_diff__universe *u, const struct fp_edgeset *es,
				 struct fp_err *err);
/* Representative pods of the policies of @a and @b (either may be NULL). */
int fp_diff__universe_from_policies(struct fp_diff__universe *u,
				    const struct fp_netpol_set *a,
				    const struct fp_netpol_set *b, struct fp_err *err);
void fp_diff__universe_done(struct fp_diff__universe *u);

/* Sorted, disjoint port ranges; embedded, zero-initialised. */
struct fp_diff__ranges {
	struct fp_netpol_port_range *v;
	size_t n, cap;
};

void fp_diff__ranges_done(struct fp_diff__ranges *r);
int fp_diff__ranges_add(struct fp_diff__ranges *r, uint32_t lo, uint32_t hi);
/* @out = @a op @b, where op is union, intersection or difference. */
int fp_diff__ranges_union(struct fp_diff__ranges *out, const struct fp_diff__ranges *a,
			  const struct fp_diff__ranges *b);
int fp_diff__ranges_inter(struct fp_diff__ranges *out, const struct fp_diff__ranges *a,
			  const struct fp_diff__ranges *b);
int fp_diff__ranges_minus(struct fp_diff__ranges *out, const struct fp_diff__ranges *a,
			  const struct fp_diff__ranges *b);
bool fp_diff__ranges_equal(const struct fp_diff__ranges *a,
			   const struct fp_diff__ranges *b);

/* What OLD and NEW say about one pair of universe members and one protocol. */
struct fp_diff__outcome {
	size_t src, dst; /* pod indexes; FP_NETPOL_NONE for the address side */
	const struct fp_netpol_addr_range *cls; /* the address class, or NULL */
	uint8_t proto;
	struct fp_diff__ranges added, removed; /* united over label sets */
	struct fp_diff__ranges common;	       /* admitted by both, by a rule of NEW */
	bool added_partial, removed_partial;
};

/* Called for each outcome with something in it; nonzero stops the walk. */
typedef int fp_diff__visit_fn(void *ud, const struct fp_diff__outcome *o);

struct fp_diff__rules;

/*
 * Compare @old and @new over @u, calling @visit for every pair and protocol
 * where they differ or NEW's rules admit something.  @rules (NULL, or the
 * rules of @old and @new, either NULL) lets pairs no rule can admit go
 * unasked.  *@classes gets the number of address classes compared (may be
 * NULL).  0, the visitor's nonzero value, FP_ENOMEM or FP_EUSAGE.
 */
int fp_diff__walk(const struct fp_netpol_set *old, const struct fp_netpol_set *new,
		  struct fp_diff__rules *const *rules, const struct fp_diff__universe *u,
		  fp_diff__visit_fn *visit, void *ud, size_t *classes,
		  struct fp_err *err);

/*
 * Policy files read back.  The file in use stays cached while consecutive
 * policies come from it; every tree read stays alive until
 * fp_diff__files_done(), so nodes borrowed from one stay valid.
 */
struct fp_diff__files {
	char *path;
	struct fp_yaml *y; /* of @path; NULL when it could not be read or parsed */
	struct fp_yaml **all;
	size_t n_all;
};

void fp_diff__files_done(struct fp_diff__files *fc);
/*
 * The object policy @in was loaded from, found again in its file (borrowed
 * from @fc); *@out is NULL when the file no longer holds it.  0 or FP_ENOMEM.
 */
int fp_diff__object(const struct fp_yaml_node **out, struct fp_diff__files *fc,
		    const struct fp_netpol_info *in);

/* A label selector as written in a policy file, in the evaluator's form. */
struct fp_diff__selector {
	struct fp_netpol_selector sel; /* strings borrowed from the YAML tree */
	struct fp_label *ml;
	struct fp_netpol_requirement *ex;
	const char **vals;
};

/* Read @n (NULL: the empty selector).  0 or FP_ENOMEM. */
int fp_diff__selector_read(struct fp_diff__selector *y, const struct fp_yaml_node *n);
void fp_diff__selector_done(struct fp_diff__selector *y);

/* The peers of every rule of a set, read back from its files (diff-rules.c). */

int fp_diff__rules_read(struct fp_diff__rules **out, const struct fp_netpol_set *s);
void fp_diff__rules_free(struct fp_diff__rules *r);
/* Could some policy not be read back?  Then every question answers true. */
bool fp_diff__rules_unknown(const struct fp_diff__rules *r);
/*
 * Might a rule of @dir of policy @i admit @other (ports aside)?  False only
 * when no rule can: the evaluator would deny every port.
 */
bool fp_diff__rules_may_admit(const struct fp_diff__rules *r, size_t i,
			      enum fp_netpol_dir dir, const struct fp_netpol_peer *other);

/* Each pod peer of each rule: @ns_sel NULL means the policy's namespace @ns. */
typedef int fp_diff__peer_fn(void *ud, const char *ns,
			     const struct fp_netpol_selector *pod_sel,
			     const struct fp_netpol_selector *ns_sel);
int fp_diff__rules_each_peer(const struct fp_diff__rules *r, fp_diff__peer_fn *fn,
			     void *ud);

/* Fill r->policies and r->changes: how each policy changed (diff-form.c). */
int fp_diff__policies(struct fp_diff_result *r, const struct fp_netpol_set *old,
		      const struct fp_netpol_set *new, const struct fp_diff__universe *u,
		      struct fp_err *err);

/* Address helpers: the text of [lo, hi] ("a/p" when it is one block). */
char *fp_diff__range_text(const struct fp_addr *lo, const struct fp_addr *hi);
/* @a + 1 == @b? */
bool fp_diff__addr_next(const struct fp_addr *a, const struct fp_addr *b);

#endif
