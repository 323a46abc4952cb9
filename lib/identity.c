/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/endpoint.h"
#include "lib/identity-int.h"
#include "lib/identity.h"
#include "lib/util-buf.h"
#include "lib/util-k8s.h"
#include "lib/util-map.h"

/* ---- building the set ---- */

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
	const struct fp_identity *hit = bsearch(&probe, s->ids, s->n, sizeof(*s->ids), id_cmp);

	return hit != NULL ? (long)(hit - s->ids) : -1;
}

static long
builder_add(struct fp_id_builder *b, enum fp_id_kind kind, const char *key,
	    const char *ns, const char *name, const char *wkind)
{
	struct fp_idset *s = b->set;
	struct fp_identity *id;
	long found = fp_strmap_get(&b->index, key);

	if (found >= 0) {
		id = &s->ids[found];
		/* Keep the smallest kind seen so the result does not depend on order. */
		if (wkind != NULL && (id->wkind == NULL || strcmp(wkind, id->wkind) < 0)) {
			free(id->wkind);
			id->wkind = strdup(wkind);
		}
		return found;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct fp_identity *ids = realloc(s->ids, cap * sizeof(*ids));
		struct fp_id_draft *d = realloc(b->drafts, cap * sizeof(*d));

		if (ids != NULL)
			s->ids = ids;
		if (d != NULL)
			b->drafts = d;
		if (ids == NULL || d == NULL)
			return -1;
		s->cap = cap;
	}
	id = &s->ids[s->n];
	memset(id, 0, sizeof(*id));
	memset(&b->drafts[s->n], 0, sizeof(b->drafts[s->n]));
	id->kind = kind;
	id->key = strdup(key);
	id->ns = ns != NULL ? strdup(ns) : NULL;
	id->name = name != NULL ? strdup(name) : NULL;
	id->wkind = wkind != NULL ? strdup(wkind) : NULL;
	if (id->key == NULL || (ns != NULL && id->ns == NULL) || (name != NULL && id->name == NULL))
		return -1;
	if (fp_strmap_put(&b->index, id->key, s->n) < 0)
		return -1;
	return (long)s->n++;
}

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

int
fp_identity__intersect(struct fp_identity *id, const struct fp_id_draft *d)
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

/* A DNS-1123 name made of a label-only workload's label values. */
static char *
name_from_labels(const char *labels)
{
	struct fp_buf b;
	bool dash = true;

	fp_buf_init(&b);
	/* Values only: "app=web,tier=db" -> "web-db". */
	for (const char *p = labels; *p != '\0';) {
		const char *eq = strchr(p, '='), *end = strchr(p, ',');

		if (end == NULL)
			end = p + strlen(p);
		if (eq != NULL && eq < end) {
			for (const char *v = eq + 1; v < end && b.len < 48; v++) {
				char c = *v;

				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
					fp_buf_addc(&b, c);
					dash = false;
				} else if (!dash) {
					fp_buf_addc(&b, '-');
					dash = true;
				}
			}
			if (!dash) {
				fp_buf_addc(&b, '-');
				dash = true;
			}
		}
		p = *end != '\0' ? end + 1 : end;
	}
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (b.len == 0)
		fp_buf_adds(&b, "pods");
	return fp_buf_steal(&b);
}

struct epref {
	int64_t id;
	long ident;
};

static int
map_endpoint(struct fp_idset *s, int64_t ep, long ident)
{
	if (ep > s->max_ep) {
		int64_t max = ep * 2 + 16;
		long *v = realloc(s->of_ep, (size_t)(max + 1) * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		for (int64_t i = s->max_ep + 1; i <= max; i++)
			v[i] = -1;
		s->of_ep = v;
		s->max_ep = max;
	}
	s->of_ep[ep] = ident;
	return 0;
}

/* The identity key of a non-pod endpoint, with its kind and name. */
static void
other_key(struct fp_buf *key, enum fp_id_kind *kind, const char **name, int ep_kind,
	  const char *ip)
{
	switch (ep_kind) {
	case FP_EP_HOST:
	case FP_EP_REMOTE_NODE:
		*kind = FP_ID_NODE;
		*name = "node";
		fp_buf_adds(key, "node");
		return;
	case FP_EP_WORLD:
		*kind = ip != NULL ? FP_ID_EXTERNAL : FP_ID_UNRESOLVED;
		*name = ip != NULL ? ip : "world";
		fp_buf_printf(key, ip != NULL ? "ip:%s" : "u:world", ip);
		return;
	case FP_EP_APISERVER:
		*kind = ip != NULL ? FP_ID_APISERVER : FP_ID_UNRESOLVED;
		*name = ip != NULL ? ip : "kube-apiserver";
		fp_buf_printf(key, ip != NULL ? "api:%s" : "u:kube-apiserver", ip);
		return;
	case FP_EP_OTHER:
		*kind = FP_ID_CNI;
		*name = "cni";
		fp_buf_adds(key, "cni");
		return;
	default:
		*kind = FP_ID_UNRESOLVED;
		*name = ip != NULL ? ip : "unknown";
		fp_buf_printf(key, "u:ip:%s", ip != NULL ? ip : "unknown");
		return;
	}
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Pass 1: every endpoint that names its workload, and the non-pod ones. */
static int
pass_named(struct fp_id_builder *b, struct fp_db *db, struct epref **pending,
	   size_t *n_pending, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_buf key;
	size_t cap = 0;
	int r;

	fp_buf_init(&key);
	if (fp_db_prepare(db, &st,
			  "SELECT id, kind, namespace, workload, workload_kind, pod, ip, labels "
			  "FROM endpoints ORDER BY id",
			  err) < 0)
		return FP_EDB;
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		int64_t ep = sqlite3_column_int64(st, 0);
		int kind = sqlite3_column_int(st, 1);
		const char *ns = col(st, 2), *wl = col(st, 3), *wkind = col(st, 4);
		const char *ip = col(st, 6), *labels = col(st, 7), *name = NULL;
		enum fp_id_kind ikind;
		long ident;

		fp_buf_reset(&key);
		if (kind == FP_EP_POD && ns != NULL && wl == NULL && labels != NULL) {
			/* labels only: matched to a named workload in pass 2 */
			if (*n_pending == cap) {
				size_t c = cap ? cap * 2 : 64;
				struct epref *v = realloc(*pending, c * sizeof(*v));

				if (v == NULL)
					goto nomem;
				*pending = v;
				cap = c;
			}
			(*pending)[(*n_pending)++].id = ep;
			continue;
		}
		if (kind == FP_EP_POD && ns != NULL && wl != NULL) {
			ikind = FP_ID_WORKLOAD;
			name = wl;
			fp_buf_printf(&key, "w:%s/%s", ns, wl);
		} else if (kind == FP_EP_POD) {
			/* a pod with no namespace, or with neither name nor labels */
			ikind = FP_ID_UNRESOLVED;
			name = col(st, 5) != NULL ? col(st, 5) : ip != NULL ? ip : "pod";
			fp_buf_printf(&key, "u:pod:%s", name);
			ns = NULL;
		} else {
			other_key(&key, &ikind, &name, kind, ip);
			ns = NULL;
			wkind = NULL;
		}
		if (key.data == NULL)
			goto nomem;
		ident = builder_add(b, ikind, key.data, ns, name, wkind);
		if (ident < 0 || map_endpoint(b->set, ep, ident) < 0)
			goto nomem;
		if (ikind == FP_ID_WORKLOAD &&
		    fp_identity__draft_add_set(&b->drafts[ident], labels) < 0)
			goto nomem;
	}
	fp_buf_done(&key);
	return r < 0 ? FP_EDB : 0;
nomem:
	fp_buf_done(&key);
	return fp_err_nomem(err);
}

/* "namespace\nk=v,k=v": a label set of a namespace, as a map key. */
static char *
set_key(const char *ns, const struct fp_label *labels, size_t n)
{
	struct fp_buf b;

	fp_buf_init(&b);
	if (fp_buf_adds(&b, ns) < 0 || fp_buf_addc(&b, '\n') < 0 ||
	    fp_endpoint_labels_text(&b, labels, n) < 0) {
		fp_buf_done(&b);
		return NULL;
	}
	return fp_buf_steal(&b);
}

#define AMBIGUOUS ((size_t)LONG_MAX) /* never an index */

struct set_index {
	struct fp_strmap map; /* set_key() -> named workload, or AMBIGUOUS */
	char **keys;          /* owned */
	size_t n, cap;
};

static void
set_index_done(struct set_index *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->keys[i]);
	free(x->keys);
	fp_strmap_done(&x->map);
}

/*
 * Which named workload carried each label set, in each namespace: one lookup
 * per label-only endpoint instead of a scan of every workload's sets, so
 * pass 2 stays linear in endpoints and workloads.
 */
static int
set_index_build(struct set_index *x, const struct fp_id_builder *b)
{
	memset(x, 0, sizeof(*x));
	fp_strmap_init(&x->map);
	for (size_t w = 0; w < b->set->n; w++) {
		const struct fp_identity *id = &b->set->ids[w];

		if (id->kind != FP_ID_WORKLOAD || id->key[0] != 'w')
			continue;
		for (size_t k = 0; k < b->drafts[w].n_sets; k++) {
			const struct fp_labelset *ls = &b->drafts[w].sets[k];
			char *key = set_key(id->ns, ls->labels, ls->n);
			long found;

			if (key == NULL)
				return FP_ENOMEM;
			if (x->n == x->cap) {
				size_t cap = x->cap ? x->cap * 2 : 64;
				char **v = realloc(x->keys, cap * sizeof(*v));

				if (v == NULL) {
					free(key);
					return FP_ENOMEM;
				}
				x->keys = v;
				x->cap = cap;
			}
			x->keys[x->n++] = key;
			found = fp_strmap_get(&x->map, key);
			if (found < 0 && fp_strmap_put(&x->map, key, w) < 0)
				return FP_ENOMEM;
			if (found >= 0 && (size_t)found != w &&
			    fp_strmap_put(&x->map, key, AMBIGUOUS) < 0)
				return FP_ENOMEM;
		}
	}
	return 0;
}

/*
 * Pass 2: an endpoint known by labels alone (a CNI saw the pod but not its
 * name) joins the one named workload whose pods carried exactly those
 * labels; otherwise it is a workload of its own, named after its labels.
 */
static int
pass_labelled(struct fp_id_builder *b, struct fp_db *db, struct epref *pending,
	      size_t n_pending, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct set_index x;
	struct fp_buf key;
	int r = 0;

	fp_buf_init(&key);
	if (fp_db_prepare(db, &st, "SELECT namespace, labels FROM endpoints WHERE id = ?", err) < 0)
		return FP_EDB;
	if (set_index_build(&x, b) < 0)
		goto nomem;
	for (size_t i = 0; i < n_pending; i++) {
		struct fp_label *l;
		size_t n;
		long match, ident;
		const char *ns, *labels;
		char *k;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, pending[i].id);
		if (fp_db_step(db, st, err) != SQLITE_ROW) {
			r = FP_EDB;
			break;
		}
		ns = col(st, 0);
		labels = col(st, 1);
		if (fp_labels_parse(&l, &n, labels) < 0)
			goto nomem;
		k = set_key(ns, l, n);
		fp_labels_free(l, n);
		if (k == NULL)
			goto nomem;
		match = fp_strmap_get(&x.map, k);
		free(k);
		if (match >= 0 && (size_t)match != AMBIGUOUS) {
			ident = match;
		} else {
			char *name = name_from_labels(labels);

			fp_buf_reset(&key);
			fp_buf_printf(&key, "l:%s/%s", ns, labels);
			ident = name != NULL && key.data != NULL
					? builder_add(b, FP_ID_WORKLOAD, key.data, ns, name, NULL)
					: -1;
			free(name);
			if (ident >= 0 &&
			    fp_identity__draft_add_set(&b->drafts[ident], labels) < 0)
				goto nomem;
		}
		if (ident < 0 || map_endpoint(b->set, pending[i].id, ident) < 0)
			goto nomem;
	}
	set_index_done(&x);
	fp_buf_done(&key);
	return r;
nomem:
	set_index_done(&x);
	fp_buf_done(&key);
	return fp_err_nomem(err);
}

static int
ptr_id_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct fp_identity *const *)a)->key,
		      (*(const struct fp_identity *const *)b)->key);
}

/* Sort identities by key (output order must not depend on input order) and
 * renumber the endpoint map to match. */
static int
finish(struct fp_idset *s, struct fp_err *err)
{
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
	memcpy(copy, s->ids, s->n * sizeof(*copy));
	for (size_t i = 0; i < s->n; i++) {
		ptrs[i] = &copy[i];
		rank[i] = -1;
	}
	qsort(ptrs, s->n, sizeof(*ptrs), ptr_id_cmp);
	/* Twins folded into another identity (kind 0) are dropped here. */
	for (size_t i = 0, k = 0; i < s->n; i++) {
		if (ptrs[i]->kind == 0) {
			identity_done((struct fp_identity *)ptrs[i]);
			continue;
		}
		rank[ptrs[i] - copy] = (long)k;
		s->ids[k++] = *ptrs[i];
	}
	for (size_t i = 0; i < s->n; i++)
		if (copy[i].kind == 0)
			n_dead++;
	s->n -= n_dead;
	for (int64_t e = 0; e <= s->max_ep && s->of_ep != NULL; e++)
		if (s->of_ep[e] >= 0)
			s->of_ep[e] = rank[s->of_ep[e]];
	free(copy);
	free(ptrs);
	free(rank);
	return 0;
}

int
fp_idset_build(struct fp_idset **out, struct fp_db *db, struct fp_err *err)
{
	struct fp_id_builder b = { 0 };
	struct epref *pending = NULL;
	size_t n_pending = 0, n_drafts;
	int r;

	*out = NULL;
	b.set = calloc(1, sizeof(*b.set));
	if (b.set == NULL)
		return fp_err_nomem(err);
	b.set->max_ep = -1;
	fp_strmap_init(&b.index);
	r = pass_named(&b, db, &pending, &n_pending, err);
	if (r == 0)
		r = pass_labelled(&b, db, pending, n_pending, err);
	if (r == 0)
		r = fp_identity__select(&b, err);
	n_drafts = b.set->n; /* finish() drops folded twins */
	if (r == 0) {
		fp_identity__forward(&b);
		r = finish(b.set, err);
	}
	free(b.fwd);
	for (size_t i = 0; i < n_drafts; i++)
		draft_done(&b.drafts[i]);
	free(b.drafts);
	free(pending);
	fp_strmap_done(&b.index);
	if (r < 0) {
		fp_idset_free(b.set);
		return r;
	}
	*out = b.set;
	return 0;
}

int
fp_idset_store(const struct fp_idset *s, struct fp_db *db, int64_t run, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_buf labels;

	if (fp_db_prepare(db, &st,
			  "INSERT INTO identities(run, key, kind, namespace, name, workload_kind, "
			  "labels, selector, note, also) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
			  "SELECT key, kind, namespace, name, workload_kind, labels, selector, note, also "
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
