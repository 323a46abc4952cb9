/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity-select.c - pass 3 of building identities: the labels every pod
 * of a workload carried, twins (workloads no selector can tell apart)
 * folded into one identity, and the selector of each workload (its
 * controller's own when that is exact, else the smallest that tells it
 * apart), namespace by namespace.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/identity-int.h"
#include "lib/resolve.h"
#include "lib/util-hash.h"
#include "lib/util-sort.h"

/* The labels every set carries, with the same value. */
static int
intersect(struct fp_identity *id, const struct fp_id_draft *d)
{
	size_t n = 0;

	if (d->n_sets == 0)
		return 0;
	id->labels = calloc(d->sets[0].n ? d->sets[0].n : 1, sizeof(*id->labels));
	if (id->labels == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < d->sets[0].n; i++) {
		const struct fp_label *l = &d->sets[0].labels[i];
		bool everywhere = true;

		for (size_t s = 1; s < d->n_sets && everywhere; s++)
			everywhere = fp_labelset_subset(l, 1, &d->sets[s]);
		if (!everywhere)
			continue;
		id->labels[n].key = strdup(l->key);
		id->labels[n].value = strdup(l->value);
		id->n_labels = ++n;
		if (id->labels[n - 1].key == NULL || id->labels[n - 1].value == NULL)
			return FP_ENOMEM;
	}
	return 0;
}

/* Workload indexes ordered by namespace, then key. */
static int
ns_order_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct fp_identity *ids = ctx;
	const struct fp_identity *x = &ids[*(const size_t *)pa], *y = &ids[*(const size_t *)pb];
	int c = strcmp(x->ns, y->ns);

	return c != 0 ? c : strcmp(x->key, y->key);
}

static int
push_sets(struct fp_labelset **v, size_t *n, size_t *cap, const struct fp_id_draft *d)
{
	for (size_t k = 0; k < d->n_sets; k++) {
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 16;
			struct fp_labelset *nv = realloc(*v, c * sizeof(**v));

			if (nv == NULL)
				return FP_ENOMEM;
			*v = nv;
			*cap = c;
		}
		(*v)[(*n)++] = d->sets[k];
	}
	return 0;
}

/* Can no selector tell workload @i's pods from @j's?  (Both have labels.) */
static bool
twins(struct fp_idbuild *b, size_t i, size_t j)
{
	const struct fp_identity *x = &b->set->ids[i], *y = &b->set->ids[j];
	struct fp_labelset mine = { x->labels, x->n_labels };
	struct fp_selector sel;

	if (x->n_labels != y->n_labels || x->n_labels == 0 ||
	    !fp_labelset_subset(x->labels, x->n_labels, &(struct fp_labelset){ y->labels, y->n_labels }))
		return false;
	if (fp_selector_choose(&sel, &mine, b->drafts[i].sets, b->drafts[i].n_sets,
			       b->drafts[j].sets, b->drafts[j].n_sets, b->labels)) {
		fp_selector_done(&sel);
		return false;
	}
	return true;
}

/*
 * Fold workload @j into @i: two workloads whose pods carry the same labels
 * are one identity to a NetworkPolicy, whatever their owners are called.
 */
static int
merge_twin(struct fp_idbuild *b, size_t i, size_t j)
{
	struct fp_identity *x = &b->set->ids[i], *y = &b->set->ids[j];
	struct fp_buf also;

	fp_buf_init(&also);
	if (x->also != NULL)
		fp_buf_printf(&also, "%s, ", x->also);
	fp_buf_printf(&also, "%s/%s", y->ns, y->name);
	if (also.data == NULL)
		return FP_ENOMEM;
	free(x->also);
	x->also = fp_buf_steal(&also);
	for (size_t k = 0; k < b->drafts[j].n_sets; k++) {
		struct fp_labelset *ls = &b->drafts[j].sets[k];
		struct fp_buf text;
		int r;

		fp_buf_init(&text);
		r = fp_endpoint_labels_text(&text, ls->labels, ls->n);
		if (r == 0)
			r = fp_identity__draft_add_set(&b->drafts[i], fp_buf_str(&text));
		fp_buf_done(&text);
		if (r < 0)
			return FP_ENOMEM;
	}
	b->merged_into[j] = (long)i;
	y->kind = 0; /* gone: finish() drops it */
	return 0;
}

static bool
unstable_key(const char *key, size_t len, const void *labels)
{
	return fp_k8s_labels_is_volatile(labels, key, len) || fp_k8s_is_cni_label(key, len);
}

/*
 * The selector the workload's controller declares is stable by construction:
 * take it when it names no rollout hash, selects every pod the workload had,
 * and no other workload's pods.
 */
static bool
controller_selector(struct fp_idbuild *b, struct fp_identity *id, const struct fp_id_draft *own,
		    const struct fp_selector_index *ix, size_t self)
{
	const char *json;
	struct fp_selector sel;
	bool ok;

	if (b->res == NULL || id->wkind == NULL || id->name == NULL || own->n_sets == 0)
		return false;
	json = fp_resolver_controller_selector(b->res, id->ns, id->wkind, id->name);
	if (json == NULL || fp_selector_from_k8s_json(&sel, json) < 0)
		return false;
	ok = (sel.n_match > 0 || sel.n_exprs > 0) &&
	     !fp_selector_uses_key(&sel, unstable_key, b->labels);
	for (size_t i = 0; ok && i < own->n_sets; i++)
		ok = fp_selector_matches(&sel, &own->sets[i]);
	ok = ok && !fp_selector_index_selects_other(ix, &sel, self);
	if (!ok) {
		fp_selector_done(&sel);
		return false;
	}
	id->sel = sel;
	return true;
}

struct by_labels {
	uint64_t hash;
	size_t pos;
};

static int
by_labels_cmp(const void *a, const void *b)
{
	const struct by_labels *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static uint64_t
labels_hash(const struct fp_identity *id)
{
	uint64_t h = id->n_labels;

	for (size_t i = 0; i < id->n_labels; i++) {
		h = fp_hash64(id->labels[i].key, strlen(id->labels[i].key), h);
		h = fp_hash64(id->labels[i].value, strlen(id->labels[i].value), h);
	}
	return h;
}

/*
 * Fold the twins among the workloads @idx[0..n) of one namespace.  Twins
 * carry the very same labels, so only workloads with equal label hashes are
 * compared, in the order the pairwise loop over all of them took: folding
 * one group never changes another's drafts, so the twins found and the
 * order they are folded in are the same, and a namespace of thousands of
 * workloads costs a sort, not millions of comparisons.
 */
static int
fold_twins(struct fp_idbuild *b, const size_t *idx, size_t n)
{
	struct fp_idset *s = b->set;
	struct by_labels *v = malloc((n ? n : 1) * sizeof(*v));

	if (v == NULL)
		return FP_ENOMEM;
	for (size_t a = 0; a < n; a++)
		v[a] = (struct by_labels){ labels_hash(&s->ids[idx[a]]), a };
	fp_qsort(v, n, sizeof(*v), by_labels_cmp);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && v[hi].hash == v[lo].hash; hi++)
			;
		for (size_t a = lo; a < hi; a++)
			for (size_t c = a + 1; c < hi; c++)
				if (s->ids[idx[v[a].pos]].kind == FP_ID_WORKLOAD &&
				    s->ids[idx[v[c].pos]].kind == FP_ID_WORKLOAD &&
				    twins(b, idx[v[a].pos], idx[v[c].pos]) &&
				    merge_twin(b, idx[v[a].pos], idx[v[c].pos]) < 0) {
					free(v);
					return FP_ENOMEM;
				}
	}
	free(v);
	return 0;
}

/* Selectors of the workloads of one namespace, @idx[0..n). */
static int
select_namespace(struct fp_idbuild *b, const size_t *idx, size_t n)
{
	struct fp_idset *s = b->set;
	struct fp_labelset *sets = NULL;
	struct fp_selector_index *ix = NULL;
	size_t *owner = NULL, n_sets = 0, cap = 0, owner_cap = 0;
	int r = FP_ENOMEM;

	if (fold_twins(b, idx, n) < 0)
		return FP_ENOMEM;
	/* Every workload's pod label sets, indexed once for the namespace:
	 * the others of each workload are the sets it does not own. */
	for (size_t c = 0; c < n; c++) {
		if (s->ids[idx[c]].kind != FP_ID_WORKLOAD)
			continue;
		if (push_sets(&sets, &n_sets, &cap, &b->drafts[idx[c]]) < 0)
			goto out;
		if (n_sets > owner_cap) {
			size_t *v = realloc(owner, cap * sizeof(*v));

			if (v == NULL)
				goto out;
			owner = v;
			owner_cap = cap;
		}
		for (size_t k = n_sets - b->drafts[idx[c]].n_sets; k < n_sets; k++)
			owner[k] = c;
	}
	if (fp_selector_index_new(&ix, sets, owner, n_sets) < 0)
		goto out;
	for (size_t a = 0; a < n; a++) {
		struct fp_identity *id = &s->ids[idx[a]];
		struct fp_labelset mine = { id->labels, id->n_labels };

		if (id->kind != FP_ID_WORKLOAD || id->note != NULL)
			continue;
		id->selectable = controller_selector(b, id, &b->drafts[idx[a]], ix, a) ||
				 fp_selector_choose_indexed(&id->sel, &mine, b->drafts[idx[a]].sets,
							    b->drafts[idx[a]].n_sets, ix, a,
							    b->labels);
		if (!id->selectable)
			id->note = strdup("no label selector tells its pods apart from another "
					  "workload's in the namespace");
	}
	r = 0;
out:
	fp_selector_index_free(ix);
	free(owner);
	free(sets);
	return r;
}

/* Pass 3: labels, selectors and notes of the workloads, namespace by namespace. */
int
fp_identity__select(struct fp_idbuild *b, struct fp_err *err)
{
	struct fp_idset *s = b->set;
	size_t *idx = malloc((s->n ? s->n : 1) * sizeof(*idx)), n = 0;

	if (idx == NULL)
		return fp_err_nomem(err);
	for (size_t i = 0; i < s->n; i++) {
		struct fp_identity *id = &s->ids[i];

		if (id->kind != FP_ID_WORKLOAD)
			continue;
		if (intersect(id, &b->drafts[i]) < 0)
			goto nomem;
		if (b->drafts[i].n_sets == 0)
			id->note = strdup("no labels are known for its pods");
		else if (id->n_labels == 0)
			id->note = strdup("its pods share no stable label");
		idx[n++] = i;
	}
	if (fp_sort(idx, n, sizeof(*idx), ns_order_cmp, s->ids) < 0)
		goto nomem;
	for (size_t lo = 0; lo < n;) {
		size_t hi = lo + 1;

		while (hi < n && strcmp(s->ids[idx[hi]].ns, s->ids[idx[lo]].ns) == 0)
			hi++;
		if (select_namespace(b, idx + lo, hi - lo) < 0)
			goto nomem;
		lo = hi;
	}
	free(idx);
	return 0;
nomem:
	free(idx);
	return fp_err_nomem(err);
}
