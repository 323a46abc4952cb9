/* SPDX-License-Identifier: Apache-2.0 */
/*
 * selector.h - label sets and label selectors: parsing the stored form,
 * matching, and choosing the smallest selector that tells one workload
 * apart from the others in its namespace.
 */
#ifndef FP_SELECTOR_H
#define FP_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/flow.h"
#include "lib/util-k8s.h"

enum fp_sel_op {
	FP_SEL_IN = 1,
	FP_SEL_NOTIN,
	FP_SEL_EXISTS,
	FP_SEL_DOESNOTEXIST,
};

/* A matchExpressions entry, as a controller's own selector may hold them. */
struct fp_sel_expr {
	char *key;
	enum fp_sel_op op;
	char **values; /* sorted; In and NotIn only */
	size_t n_values;
};

struct fp_selector {
	struct fp_label *match; /* matchLabels, sorted by key */
	size_t n_match;
	char **absent;          /* keys that must not exist, sorted (flowpol's own) */
	size_t n_absent;
	struct fp_sel_expr *exprs; /* other expressions, sorted by key */
	size_t n_exprs;
};

/* A borrowed, sorted label set. */
struct fp_labelset {
	const struct fp_label *labels;
	size_t n;
};

/*
 * Choose a selector for labels @mine that matches none of @others (each a
 * sorted label set of another workload in the namespace).  @own lists every
 * label set the workload's own pods carried (their union of keys must stay
 * allowed).  Keys are tried in the order of fp_k8s_labels_rank() under
 * @prefs (borrowed; NULL for the built-in order).  Returns true with @out
 * filled (caller frees with fp_selector_done()), or false when no selector
 * can tell them apart.  Exposed for tests.
 */
bool fp_selector_choose(struct fp_selector *out, const struct fp_labelset *mine,
			const struct fp_labelset *own, size_t n_own,
			const struct fp_labelset *others, size_t n_others,
			const struct fp_k8s_labels *prefs);
void fp_selector_done(struct fp_selector *sel);

/*
 * The label sets of one namespace's workloads, indexed by label, for
 * choosing the selectors of all of them: each candidate selector is then
 * checked only against the sets holding its rarest label, not against every
 * set.  @sets and @owner (the workload of each set) are borrowed and must
 * outlive the index.  Returns 0 or FP_ENOMEM; free with
 * fp_selector_index_free() (takes NULL).
 */
struct fp_selector_index;
int fp_selector_index_new(struct fp_selector_index **out, const struct fp_labelset *sets,
			  const size_t *owner, size_t n);
void fp_selector_index_free(struct fp_selector_index *ix);
/*
 * fp_selector_choose() against every set of @ix whose owner is not @self:
 * the same result as passing those sets in an array, in any order.
 */
bool fp_selector_choose_indexed(struct fp_selector *out, const struct fp_labelset *mine,
				const struct fp_labelset *own, size_t n_own,
				const struct fp_selector_index *ix, size_t self,
				const struct fp_k8s_labels *prefs);
/* Does @sel select any set of @ix whose owner is not @self? */
bool fp_selector_index_selects_other(const struct fp_selector_index *ix,
				     const struct fp_selector *sel, size_t self);
/* Does @sel select a pod with labels @ls? */
bool fp_selector_matches(const struct fp_selector *sel, const struct fp_labelset *ls);

/* Parse "k=v,k=v" into an array the caller frees (labels and strings). */
int fp_labels_parse(struct fp_label **out, size_t *n, const char *text);
void fp_labels_free(struct fp_label *labels, size_t n);

/* Is every label of @a (sorted) in @b (sorted), with the same value? */
bool fp_labelset_subset(const struct fp_label *a, size_t na, const struct fp_labelset *b);
bool fp_labelset_equal(const struct fp_labelset *a, const struct fp_labelset *b);
bool fp_labelset_has_key(const struct fp_labelset *ls, const char *key);

/*
 * Read a Kubernetes LabelSelector in JSON ({"matchLabels":..,
 * "matchExpressions":[..]}, already validated) into @sel; DoesNotExist
 * expressions become absent keys.  0, FP_EINPUT or FP_ENOMEM.
 */
int fp_selector_from_k8s_json(struct fp_selector *sel, const char *text);

/* Does any part of @sel name a key for which @pred(key, len, @ctx) is true? */
bool fp_selector_uses_key(const struct fp_selector *sel,
			  bool (*pred)(const char *key, size_t len, const void *ctx),
			  const void *ctx);

const char *fp_sel_op_name(enum fp_sel_op op);

/* The stored JSON form of a selector, and back.  Caller frees the text. */
char *fp_selector_to_json(const struct fp_selector *sel);
int fp_selector_from_json(struct fp_selector *sel, const char *text);

#endif
