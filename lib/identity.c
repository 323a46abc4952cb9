/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/endpoint.h"
#include "lib/identity.h"
#include "lib/util-buf.h"
#include "lib/util-hash.h"
#include "lib/util-k8s.h"
#include "lib/util-map.h"
#include "lib/util-sort.h"

struct fp_idset {
	struct fp_identity *ids;
	size_t n, cap;
	long *of_ep; /* endpoint id -> identity index, -1 unknown */
	int64_t max_ep;
};

/* A workload being assembled: its pods' label sets. */
struct draft {
	char *key;
	struct fp_labelset *sets; /* owned label arrays */
	size_t n_sets, cap_sets;
};

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

struct builder {
	struct fp_idset *set;
	struct draft *drafts; /* parallel to set->ids while building */
	struct fp_strmap index; /* identity key -> index */
	long *fwd;            /* a folded twin -> the identity it joined; else itself */
};

static long
builder_add(struct builder *b, enum fp_id_kind kind, const char *key, const char *ns,
	    const char *name, const char *wkind)
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
		struct draft *d = realloc(b->drafts, cap * sizeof(*d));

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

/* Remember one pod label set of workload @i (duplicates are kept once). */
static int
draft_add_set(struct draft *d, const char *labels)
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
draft_done(struct draft *d)
{
	for (size_t i = 0; i < d->n_sets; i++)
		fp_labels_free((struct fp_label *)d->sets[i].labels, d->sets[i].n);
	free(d->sets);
}

/* The labels every set carries, with the same value. */
static int
intersect(struct fp_identity *id, const struct draft *d)
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
pass_named(struct builder *b, struct fp_db *db, struct epref **pending, size_t *n_pending,
	   struct fp_err *err)
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
		if (ikind == FP_ID_WORKLOAD && draft_add_set(&b->drafts[ident], labels) < 0)
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
set_index_build(struct set_index *x, const struct builder *b)
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
			if (found < 0 ? fp_strmap_put(&x->map, key, w) < 0
				      : (size_t)found != w &&
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
pass_labelled(struct builder *b, struct fp_db *db, struct epref *pending, size_t n_pending,
	      struct fp_err *err)
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
			if (ident >= 0 && draft_add_set(&b->drafts[ident], labels) < 0)
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
push_sets(struct fp_labelset **v, size_t *n, size_t *cap, const struct draft *d)
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
twins(struct builder *b, size_t i, size_t j)
{
	const struct fp_identity *x = &b->set->ids[i], *y = &b->set->ids[j];
	struct fp_labelset mine = { x->labels, x->n_labels };
	struct fp_selector sel;

	if (x->n_labels != y->n_labels || x->n_labels == 0 ||
	    !fp_labelset_subset(x->labels, x->n_labels, &(struct fp_labelset){ y->labels, y->n_labels }))
		return false;
	if (fp_selector_choose(&sel, &mine, b->drafts[i].sets, b->drafts[i].n_sets,
			       b->drafts[j].sets, b->drafts[j].n_sets)) {
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
merge_twin(struct builder *b, size_t i, size_t j)
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
			r = draft_add_set(&b->drafts[i], fp_buf_str(&text));
		fp_buf_done(&text);
		if (r < 0)
			return FP_ENOMEM;
	}
	/* Its endpoints move to @i once all twins are known (forward()), not
	 * here: rewriting the endpoint map for every twin was quadratic. */
	b->fwd[j] = (long)i;
	y->kind = 0; /* gone: finish() drops it */
	return 0;
}

/* Point the endpoints of folded twins at the identity they joined. */
static void
forward(struct builder *b)
{
	struct fp_idset *s = b->set;

	for (int64_t e = 0; e <= s->max_ep && s->of_ep != NULL; e++) {
		long x = s->of_ep[e];

		while (x >= 0 && b->fwd[x] != x)
			x = b->fwd[x];
		s->of_ep[e] = x;
	}
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
 * compared, in the order the pairwise loop would take them: a namespace of
 * thousands of workloads costs a sort, not millions of comparisons.
 */
static int
fold_twins(struct builder *b, const size_t *idx, size_t n)
{
	struct fp_idset *s = b->set;
	struct by_labels *v = malloc((n ? n : 1) * sizeof(*v));

	if (v == NULL)
		return FP_ENOMEM;
	for (size_t a = 0; a < n; a++)
		v[a] = (struct by_labels){ labels_hash(&s->ids[idx[a]]), a };
	qsort(v, n, sizeof(*v), by_labels_cmp);
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
select_namespace(struct builder *b, const size_t *idx, size_t n)
{
	struct fp_idset *s = b->set;
	struct fp_labelset *sets = NULL;
	struct fp_selector_index *ix = NULL;
	size_t *owner = NULL, n_sets = 0, cap = 0, owner_cap = 0;
	int r = FP_ENOMEM;

	if (fold_twins(b, idx, n) < 0)
		return FP_ENOMEM;
	/* Every workload's pod label sets, indexed once for the namespace. */
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
		id->selectable = fp_selector_choose_indexed(&id->sel, &mine, b->drafts[idx[a]].sets,
							    b->drafts[idx[a]].n_sets, ix, a);
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
static int
pass_selectors(struct builder *b, struct fp_err *err)
{
	struct fp_idset *s = b->set;
	size_t *idx = malloc((s->n ? s->n : 1) * sizeof(*idx)), n = 0;

	b->fwd = malloc((s->n ? s->n : 1) * sizeof(*b->fwd));
	if (idx == NULL || b->fwd == NULL) {
		free(idx);
		return fp_err_nomem(err);
	}
	for (size_t i = 0; i < s->n; i++)
		b->fwd[i] = (long)i;
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
	struct builder b = { 0 };
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
		r = pass_selectors(&b, err);
	n_drafts = b.set->n; /* finish() drops folded twins */
	if (r == 0) {
		forward(&b);
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
