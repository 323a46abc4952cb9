/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity.c - the identity set: building it (the passes are in
 * identity-endpoints.c and identity-select.c), finishing it in a stable
 * order, storing, loading and extending it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/identity-int.h"
#include "lib/resolve.h"
#include "lib/util-sort.h"

static void
identity_done(struct fp_identity *id)
{
	free(id->key);
	free(id->ns);
	free(id->name);
	free(id->wkind);
	fp_labels_free(id->labels, id->n_labels);
	fp_selector_done(&id->sel);
	free(id->note);
	free(id->also);
	free(id->cidrs);
	for (size_t k = 0; k < id->n_sets; k++)
		free(id->sets[k]);
	free(id->sets);
	free(id->ports);
	free(id->ns_labels);
}

void
fp_idset_free(struct fp_idset *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		identity_done(&s->ids[i]);
	free(s->ids);
	free(s->of_ep);
	free(s);
}

size_t
fp_idset_count(const struct fp_idset *s)
{
	return s->n;
}

const struct fp_identity *
fp_idset_get(const struct fp_idset *s, size_t i)
{
	return &s->ids[i];
}

long
fp_idset_of_endpoint(const struct fp_idset *s, int64_t ep)
{
	if (ep < 0 || ep > s->max_ep)
		return -1;
	return s->of_ep[ep];
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fp_identity *)a)->key, ((const struct fp_identity *)b)->key);
}

long
fp_idset_find(const struct fp_idset *s, const char *key)
{
	struct fp_identity probe = { .key = (char *)key };
	const struct fp_identity *hit;

	if (s->n == 0)
		return -1; /* s->ids may be NULL, which bsearch() must not get */
	hit = bsearch(&probe, s->ids, s->n, sizeof(*s->ids), id_cmp);
	return hit != NULL ? (long)(hit - s->ids) : -1;
}

/* ---- building the set ---- */

/* Remember one pod label set of workload @i (duplicates are kept once). */
int
fp_identity__draft_add_set(struct fp_id_draft *d, const char *labels)
{
	struct fp_labelset ls;
	struct fp_label *l;
	size_t n;

	if (labels == NULL)
		return 0;
	if (fp_labels_parse(&l, &n, labels) < 0)
		return FP_ENOMEM;
	ls.labels = l;
	ls.n = n;
	for (size_t i = 0; i < d->n_sets; i++) {
		if (fp_labelset_equal(&d->sets[i], &ls)) {
			fp_labels_free(l, n);
			return 0;
		}
	}
	if (d->n_sets == d->cap_sets) {
		size_t cap = d->cap_sets ? d->cap_sets * 2 : 4;
		struct fp_labelset *v = realloc(d->sets, cap * sizeof(*v));

		if (v == NULL) {
			fp_labels_free(l, n);
			return FP_ENOMEM;
		}
		d->sets = v;
		d->cap_sets = cap;
	}
	d->sets[d->n_sets++] = ls;
	return 0;
}

static void
draft_done(struct fp_id_draft *d)
{
	for (size_t i = 0; i < d->n_sets; i++)
		fp_labels_free((struct fp_label *)d->sets[i].labels, d->sets[i].n);
	free(d->sets);
}

static int
ptr_id_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct fp_identity *const *)a)->key,
		      (*(const struct fp_identity *const *)b)->key);
}

/*
 * Sort identities by key (output order must not depend on input order),
 * drop folded twins, and give the caller @rank: builder index -> final index
 * (a twin maps to its representative).  The endpoint map is renumbered too.
 */
static int
finish(struct fp_idbuild *b, long **rank_out, struct fp_err *err)
{
	struct fp_idset *s = b->set;
	size_t n = s->n ? s->n : 1, n_dead = 0;
	struct fp_identity *copy = malloc(n * sizeof(*copy));
	const struct fp_identity **ptrs = malloc(n * sizeof(*ptrs));
	long *rank = malloc(n * sizeof(*rank));

	if (copy == NULL || ptrs == NULL || rank == NULL) {
		free(copy);
		free(ptrs);
		free(rank);
		return fp_err_nomem(err);
	}
	if (s->n > 0) /* s->ids is NULL in an empty set */
		memcpy(copy, s->ids, s->n * sizeof(*copy));
	for (size_t i = 0; i < s->n; i++) {
		ptrs[i] = &copy[i];
		rank[i] = -1;
	}
	fp_qsort(ptrs, s->n, sizeof(*ptrs), ptr_id_cmp);
	for (size_t i = 0, k = 0; i < s->n; i++) {
		if (ptrs[i]->kind == 0) {
			identity_done((struct fp_identity *)ptrs[i]);
			n_dead++;
			continue;
		}
		rank[ptrs[i] - copy] = (long)k;
		s->ids[k++] = *ptrs[i];
	}
	for (size_t i = 0; i < s->n; i++) {
		long to = (long)i;

		while (b->merged_into != NULL && b->merged_into[to] >= 0)
			to = b->merged_into[to];
		rank[i] = rank[to];
	}
	s->n -= n_dead;
	for (int64_t e = 0; e <= s->max_ep && s->of_ep != NULL; e++)
		if (s->of_ep[e] >= 0)
			s->of_ep[e] = rank[s->of_ep[e]];
	free(copy);
	free(ptrs);
	*rank_out = rank;
	return 0;
}

int
fp_idbuild_new(struct fp_idbuild **out, struct fp_db *db, struct fp_resolver *res,
	       const struct fp_k8s_labels *labels, struct fp_err *err)
{
	struct fp_idbuild *b = calloc(1, sizeof(*b));
	int r;

	*out = NULL;
	if (b == NULL || (b->set = calloc(1, sizeof(*b->set))) == NULL) {
		free(b);
		return fp_err_nomem(err);
	}
	b->set->max_ep = -1;
	b->res = res;
	b->labels = labels;
	fp_buf_init(&b->stable);
	fp_strmap_init(&b->index);
	r = fp_identity__endpoints(b, db, err);
	if (r < 0) {
		fp_idbuild_free(b);
		return r;
	}
	*out = b;
	return 0;
}

void
fp_idbuild_free(struct fp_idbuild *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < (b->n_built ? b->n_built : b->set->n); i++)
		draft_done(&b->drafts[i]);
	free(b->drafts);
	for (size_t i = 0; i < b->n_dyn; i++) {
		free(b->dyn[i].ns);
		free(b->dyn[i].pod);
	}
	free(b->dyn);
	free(b->merged_into);
	free(b->node_ips);
	fp_buf_done(&b->stable);
	fp_strmap_done(&b->index);
	fp_idset_free(b->set);
	free(b);
}

/*
 * Give each workload its pods' label sets, container ports and namespace
 * labels: what evaluating a policy against it needs.
 */
static int
keep_label_sets(struct fp_idbuild *b, struct fp_err *err)
{
	struct fp_idset *s = b->set;

	for (size_t i = 0; i < s->n; i++) {
		struct fp_identity *id = &s->ids[i];
		const struct fp_id_draft *d = &b->drafts[i];

		if (id->kind != FP_ID_WORKLOAD)
			continue;
		id->sets = calloc(d->n_sets + 1, sizeof(*id->sets));
		if (id->sets == NULL)
			return fp_err_nomem(err);
		for (size_t k = 0; k < d->n_sets; k++) {
			struct fp_buf t;

			fp_buf_init(&t);
			if (fp_endpoint_labels_text(&t, d->sets[k].labels, d->sets[k].n) < 0)
				return fp_err_nomem(err);
			id->sets[id->n_sets++] = fp_buf_steal(&t);
		}
		if (b->res != NULL) {
			const char *p = fp_resolver_workload_ports(b->res, id->ns, id->name);
			const char *nl = fp_resolver_namespace_labels(b->res, id->ns);

			if ((p != NULL && (id->ports = strdup(p)) == NULL) ||
			    (nl != NULL && (id->ns_labels = strdup(nl)) == NULL))
				return fp_err_nomem(err);
		}
	}
	return 0;
}

int
fp_idbuild_finish(struct fp_idbuild *b, struct fp_idset **out, long **rank, struct fp_err *err)
{
	int r;

	*out = NULL;
	*rank = NULL;
	b->n_built = b->set->n; /* finish() drops folded twins */
	b->merged_into = malloc((b->n_built ? b->n_built : 1) * sizeof(*b->merged_into));
	if (b->merged_into == NULL)
		return fp_err_nomem(err);
	for (size_t i = 0; i < b->n_built; i++)
		b->merged_into[i] = -1;
	r = fp_identity__select(b, err);
	if (r == 0)
		r = fp_identity__node_cidrs(b, err);
	if (r == 0)
		r = keep_label_sets(b, err);
	if (r == 0)
		r = finish(b, rank, err);
	if (r < 0)
		return r;
	*out = b->set;
	b->set = calloc(1, sizeof(*b->set)); /* the builder no longer owns it */
	if (b->set == NULL) {
		b->set = *out;
		*out = NULL;
		free(*rank);
		*rank = NULL;
		return fp_err_nomem(err);
	}
	return 0;
}

int
fp_idset_build(struct fp_idset **out, struct fp_db *db, struct fp_err *err)
{
	struct fp_idbuild *b = NULL;
	long *rank = NULL;
	int r;

	r = fp_idbuild_new(&b, db, NULL, NULL, err);
	if (r == 0)
		r = fp_idbuild_finish(b, out, &rank, err);
	free(rank);
	fp_idbuild_free(b);
	return r;
}

/* ---- stored form ---- */

int
fp_idset_store(const struct fp_idset *s, struct fp_db *db, int64_t run, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_buf labels;

	if (fp_db_prepare(db, &st,
			  "INSERT INTO identities(run, key, kind, namespace, name, workload_kind, "
			  "labels, selector, note, also, cidrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0)
		return FP_EDB;
	fp_buf_init(&labels);
	for (size_t i = 0; i < s->n; i++) {
		const struct fp_identity *id = &s->ids[i];
		char *sel = NULL;

		fp_buf_reset(&labels);
		if (fp_endpoint_labels_text(&labels, id->labels, id->n_labels) < 0 ||
		    (id->selectable && (sel = fp_selector_to_json(&id->sel)) == NULL)) {
			fp_buf_done(&labels);
			return fp_err_nomem(err);
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, id->key, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, id->kind);
		sqlite3_bind_text(st, 4, id->ns, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, id->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, id->wkind, -1, SQLITE_STATIC);
		if (id->n_labels > 0)
			sqlite3_bind_text(st, 7, labels.data, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 7);
		sqlite3_bind_text(st, 8, sel, -1, free);
		sqlite3_bind_text(st, 9, id->note, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, id->also, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, id->cidrs, -1, SQLITE_STATIC);
		if (fp_db_step(db, st, err) < 0) {
			fp_buf_done(&labels);
			return FP_EDB;
		}
	}
	fp_buf_done(&labels);
	return 0;
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v != NULL ? strdup(v) : NULL;
}

int
fp_idset_load(struct fp_idset **out, struct fp_db *db, int64_t run, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_idset *s;
	int r;

	*out = NULL;
	if (fp_db_prepare(db, &st,
			  "SELECT key, kind, namespace, name, workload_kind, labels, selector, note, also, "
			  "cidrs "
			  "FROM identities WHERE run = ? ORDER BY key",
			  err) < 0)
		return FP_EDB;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return fp_err_nomem(err);
	s->max_ep = -1;
	sqlite3_bind_int64(st, 1, run);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		struct fp_identity *id;

		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			struct fp_identity *v = realloc(s->ids, cap * sizeof(*v));

			if (v == NULL)
				goto nomem;
			s->ids = v;
			s->cap = cap;
		}
		id = &s->ids[s->n++];
		memset(id, 0, sizeof(*id));
		id->key = dup_col(st, 0);
		id->kind = sqlite3_column_int(st, 1);
		id->ns = dup_col(st, 2);
		id->name = dup_col(st, 3);
		id->wkind = dup_col(st, 4);
		id->note = dup_col(st, 7);
		id->also = dup_col(st, 8);
		id->cidrs = dup_col(st, 9);
		if (id->key == NULL ||
		    fp_labels_parse(&id->labels, &id->n_labels, (const char *)sqlite3_column_text(st, 5)) < 0)
			goto nomem;
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			if (fp_selector_from_json(&id->sel, (const char *)sqlite3_column_text(st, 6)) < 0)
				goto nomem;
			id->selectable = true;
		}
	}
	if (r < 0) {
		fp_idset_free(s);
		return FP_EDB;
	}
	*out = s;
	return 0;
nomem:
	fp_idset_free(s);
	return fp_err_nomem(err);
}

static int
order_key_cmp(const void *a, const void *b, void *ctx)
{
	const struct fp_identity *ids = ctx;

	return strcmp(ids[*(const size_t *)a].key, ids[*(const size_t *)b].key);
}

int
fp_idset_adopt(struct fp_idset *s, struct fp_idset *from, const long *pick, size_t n_pick,
	       long **rank_out, struct fp_err *err)
{
	size_t n = s->n + n_pick;
	struct fp_identity *ids = realloc(s->ids, (n ? n : 1) * sizeof(*ids));
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	struct fp_identity *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	long *rank = malloc((n ? n : 1) * sizeof(*rank));

	if (ids != NULL)
		s->ids = ids;
	if (ids == NULL || order == NULL || sorted == NULL || rank == NULL) {
		free(order);
		free(sorted);
		free(rank);
		return fp_err_nomem(err);
	}
	/* Move, then leave the donor's slot empty for identity_done(). */
	for (size_t i = 0; i < n_pick; i++) {
		s->ids[s->n + i] = from->ids[pick[i]];
		memset(&from->ids[pick[i]], 0, sizeof(from->ids[pick[i]]));
	}
	s->cap = n;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Keys are unique: sorting indexes by key gives one order for one set. */
	if (fp_sort(order, n, sizeof(*order), order_key_cmp, s->ids) < 0) {
		free(order);
		free(sorted);
		free(rank);
		return fp_err_nomem(err);
	}
	for (size_t k = 0; k < n; k++) {
		sorted[k] = s->ids[order[k]];
		rank[order[k]] = (long)k;
	}
	memcpy(s->ids, sorted, n * sizeof(*sorted));
	s->n = n;
	for (int64_t e = 0; e <= s->max_ep && s->of_ep != NULL; e++)
		if (s->of_ep[e] >= 0)
			s->of_ep[e] = rank[s->of_ep[e]];
	free(order);
	free(sorted);
	*rank_out = rank;
	return 0;
}
