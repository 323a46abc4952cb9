/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/endpoint.h"
#include "lib/identity.h"
#include "lib/netset.h"
#include "lib/resolve.h"
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

/* An endpoint whose identity depends on the time of the flow. */
struct dynamic {
	int kind;  /* enum fp_ep_kind */
	char *ns, *pod;
	long fallback; /* identity when the inventory does not know it, or -1 */
	struct fp_addr addr;
};

struct fp_idbuild {
	struct fp_idset *set;
	struct draft *drafts; /* parallel to set->ids while building */
	struct fp_strmap index; /* identity key -> index */
	struct fp_resolver *res; /* borrowed; may be NULL */
	struct dynamic *dyn;
	size_t n_dyn, cap_dyn;
	long *merged_into; /* after twins folding: identity -> representative */
	size_t n_built;
	struct fp_addr *node_ips; /* every address seen or known for a node */
	size_t n_node_ips, cap_node_ips;
	const struct fp_k8s_labels *labels; /* borrowed; may be NULL */
	struct fp_buf stable;               /* scratch for stable_text() */
};



static long
builder_add(struct fp_idbuild *b, enum fp_id_kind kind, const char *key, const char *ns,
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

static void
add_node_ip(void *ud, const struct fp_addr *a)
{
	struct fp_idbuild *b = ud;

	if (a->family == 0)
		return;
	if (b->n_node_ips == b->cap_node_ips) {
		size_t cap = b->cap_node_ips ? b->cap_node_ips * 2 : 16;
		struct fp_addr *v = realloc(b->node_ips, cap * sizeof(*v));

		if (v == NULL)
			return; /* a node address less only means one ipBlock less */
		b->node_ips = v;
		b->cap_node_ips = cap;
	}
	b->node_ips[b->n_node_ips++] = *a;
}

static int
addr_cmp(const void *a, const void *b)
{
	return fp_addr_cmp(a, b);
}

/* The node identity's addresses, as /32 and /128 blocks, sorted, once each. */
static int
node_cidrs(struct fp_idbuild *b, struct fp_err *err)
{
	long node = fp_strmap_get(&b->index, "node");
	struct fp_buf t;

	if (node < 0 || b->n_node_ips == 0)
		return 0;
	fp_qsort(b->node_ips, b->n_node_ips, sizeof(*b->node_ips), addr_cmp);
	fp_buf_init(&t);
	for (size_t i = 0; i < b->n_node_ips; i++) {
		char ip[FP_ADDR_BUFSZ];

		if (i > 0 && fp_addr_cmp(&b->node_ips[i], &b->node_ips[i - 1]) == 0)
			continue;
		fp_buf_printf(&t, "%s%s/%d", t.len ? "," : "", fp_addr_format(ip, &b->node_ips[i]),
			      b->node_ips[i].family == 4 ? 32 : 128);
	}
	if (t.data == NULL)
		return fp_err_nomem(err);
	free(b->set->ids[node].cidrs);
	b->set->ids[node].cidrs = fp_buf_steal(&t);
	return 0;
}

/* An outside address in a known network is that network's identity. */
static long
network_identity(struct fp_idbuild *b, const struct fp_known_net *n)
{
	char key[96];
	long id;

	snprintf(key, sizeof(key), "net:%s", n->name);
	id = builder_add(b, FP_ID_EXTERNAL, key, NULL, n->name, NULL);
	if (id >= 0 && b->set->ids[id].cidrs == NULL &&
	    (b->set->ids[id].cidrs = strdup(n->text)) == NULL)
		return -1;
	return id;
}

/* Mark endpoint @ep as resolved per flow; @fallback is used when nothing is known. */
static int
add_dynamic(struct fp_idbuild *b, int64_t ep, int kind, const char *ns, const char *pod,
	    const char *ip, long fallback)
{
	struct dynamic *d;

	if (b->n_dyn == b->cap_dyn) {
		size_t cap = b->cap_dyn ? b->cap_dyn * 2 : 64;
		struct dynamic *v = realloc(b->dyn, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		b->dyn = v;
		b->cap_dyn = cap;
	}
	d = &b->dyn[b->n_dyn];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->fallback = fallback;
	d->ns = ns != NULL ? strdup(ns) : NULL;
	d->pod = pod != NULL ? strdup(pod) : NULL;
	if ((ns != NULL && d->ns == NULL) || (pod != NULL && d->pod == NULL))
		return FP_ENOMEM;
	if (ip != NULL)
		fp_addr_parse(&d->addr, ip, strlen(ip));
	/* of_ep holds -2 - index for endpoints resolved per flow */
	return map_endpoint(b->set, ep, -2 - (long)b->n_dyn++);
}

/* Pass 0: every workload of the inventory, so selectors never match them. */
static int
pass_inventory(struct fp_idbuild *b, struct fp_err *err)
{
	struct fp_buf key;

	if (b->res == NULL)
		return 0;
	fp_resolver_node_addrs(b->res, add_node_ip, b);
	fp_buf_init(&key);
	for (size_t i = 0; i < fp_resolver_n_pods(b->res); i++) {
		const struct fp_inv_pod *p = fp_resolver_pod(b->res, i);
		long ident;

		if (p->host_network)
			continue;
		fp_buf_reset(&key);
		fp_buf_printf(&key, "w:%s/%s", p->ns, p->workload);
		ident = key.data != NULL
				? builder_add(b, FP_ID_WORKLOAD, key.data, p->ns, p->workload, p->wkind)
				: -1;
		if (ident < 0 ||
		    draft_add_set(&b->drafts[ident], p->labels[0] != '\0' ? p->labels : NULL) < 0) {
			fp_buf_done(&key);
			return fp_err_nomem(err);
		}
	}
	fp_buf_done(&key);
	return 0;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * Stored labels without the configuration's extra volatile keys.  Ingest
 * dropped the built-in ones already; the configuration's are dropped here,
 * at aggregate time, so changing them needs no new ingest.  Labels that are
 * all volatile become none, as if ingest had dropped them.  Borrowed until
 * the next call; NULL when there are no labels left or there is no memory
 * (*@oom then).
 */
static const char *
stable_text(struct fp_idbuild *b, const char *labels, bool *oom)
{
	*oom = false;
	if (labels == NULL || b->labels == NULL || b->labels->n_volatile == 0)
		return labels;
	fp_buf_reset(&b->stable);
	if (fp_k8s_labels_stable(&b->stable, b->labels, labels) < 0) {
		*oom = true;
		return NULL;
	}
	return b->stable.len > 0 ? fp_buf_str(&b->stable) : NULL;
}

/* Pass 1: every endpoint that names its workload, and the non-pod ones. */
static int
pass_named(struct fp_idbuild *b, struct fp_db *db, struct epref **pending, size_t *n_pending,
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
		const char *ip = col(st, 6), *name = NULL;
		enum fp_id_kind ikind;
		long ident;
		bool oom;
		const char *labels = stable_text(b, col(st, 7), &oom);

		if (oom)
			goto nomem;
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
		if (b->res != NULL && fp_resolver_knows_ranges(b->res) && ip != NULL &&
		    (kind == FP_EP_UNKNOWN || kind == FP_EP_WORLD)) {
			/* who held the address depends on when: resolved per flow */
			if (add_dynamic(b, ep, kind, NULL, NULL, ip, -1) < 0)
				goto nomem;
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
			struct fp_addr a = { 0 };

			if (ip != NULL)
				fp_addr_parse(&a, ip, strlen(ip));
			if (kind == FP_EP_HOST || kind == FP_EP_REMOTE_NODE)
				add_node_ip(b, &a);
			if (kind == FP_EP_WORLD && a.family != 0 && fp_resolver_network(b->res, &a) != NULL) {
				ident = network_identity(b, fp_resolver_network(b->res, &a));
				if (ident < 0 || map_endpoint(b->set, ep, ident) < 0)
					goto nomem;
				continue;
			}
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
		/* A pod known by name only: the inventory may know its labels. */
		if (b->res != NULL && fp_resolver_n_pods(b->res) > 0 && kind == FP_EP_POD &&
		    ns != NULL && col(st, 5) != NULL && labels == NULL &&
		    add_dynamic(b, ep, kind, ns, col(st, 5), ip, ident) < 0)
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
 * pass 2 stays linear in endpoints and workloads.  Pass 2 adds no named
 * workload and changes no named workload's sets, so the index stays true.
 */
static int
set_index_build(struct set_index *x, const struct fp_idbuild *b)
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
pass_labelled(struct fp_idbuild *b, struct fp_db *db, struct epref *pending, size_t n_pending,
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
		bool oom;
		char *k;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, pending[i].id);
		if (fp_db_step(db, st, err) != SQLITE_ROW) {
			r = FP_EDB;
			break;
		}
		ns = col(st, 0);
		labels = stable_text(b, col(st, 1), &oom);
		if (oom || fp_labels_parse(&l, &n, labels) < 0)
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
			r = draft_add_set(&b->drafts[i], fp_buf_str(&text));
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
controller_selector(struct fp_idbuild *b, struct fp_identity *id, const struct draft *own,
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
static int
pass_selectors(struct fp_idbuild *b, struct fp_err *err)
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
	struct epref *pending = NULL;
	size_t n_pending = 0;
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
	r = pass_inventory(b, err);
	if (r == 0)
		r = pass_named(b, db, &pending, &n_pending, err);
	if (r == 0)
		r = pass_labelled(b, db, pending, n_pending, err);
	free(pending);
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

static long
add_keyed(struct fp_idbuild *b, enum fp_id_kind kind, const char *prefix, const char *name)
{
	char key[FP_ADDR_BUFSZ + 300];

	snprintf(key, sizeof(key), "%s%s", prefix, name);
	return builder_add(b, kind, key, NULL, name, NULL);
}

/* An address nobody in the inventory held at the time: outside or unknown. */
static long
unheld_address(struct fp_idbuild *b, const struct dynamic *d)
{
	char ip[FP_ADDR_BUFSZ];

	fp_addr_format(ip, &d->addr);
	/* Never an ipBlock inside the cluster; and an address-only log with no
	 * inventory and no ranges cannot tell inside from outside. */
	if (fp_resolver_in_cluster(b->res, &d->addr) ||
	    (d->kind == FP_EP_UNKNOWN && !fp_resolver_knows_ranges(b->res))) {
		if (d->kind == FP_EP_UNKNOWN)
			fp_resolver_count(b->res, FP_MATCH_NONE);
		return add_keyed(b, FP_ID_UNRESOLVED, "u:ip:", ip);
	}
	if (fp_resolver_network(b->res, &d->addr) != NULL)
		return network_identity(b, fp_resolver_network(b->res, &d->addr));
	return add_keyed(b, FP_ID_EXTERNAL, "ip:", ip);
}

static long
pod_identity(struct fp_idbuild *b, size_t pod)
{
	const struct fp_inv_pod *p = fp_resolver_pod(b->res, pod);
	char key[600];

	snprintf(key, sizeof(key), "w:%s/%s", p->ns, p->workload);
	return builder_add(b, FP_ID_WORKLOAD, key, p->ns, p->workload, p->wkind);
}

#define MAX_BACKENDS 256

int
fp_idbuild_resolve(struct fp_idbuild *b, struct fp_idref *out, size_t max, size_t *n_out,
		   int64_t ep, int64_t t, uint8_t proto, uint16_t port, struct fp_err *err)
{
	long v = fp_idset_of_endpoint(b->set, ep);
	const struct dynamic *d;
	struct fp_resolution res;
	long id = -1;

	*n_out = 0;
	if (v == -1 && (ep < 0 || ep > b->set->max_ep))
		return fp_err_set(err, FP_EDB, NULL, 0, 0, "a flow names an unknown endpoint");
	if (v >= 0) {
		out[0] = (struct fp_idref){ (uint32_t)v, port };
		*n_out = 1;
		return 0;
	}
	d = &b->dyn[-2 - v];
	if (d->pod != NULL)
		fp_resolver_pod_name(b->res, d->ns, d->pod, t, &res);
	else
		fp_resolver_ip(b->res, &d->addr, t, &res);
	/* Count what was looked up for want of labels (a CNI's "world" is only
	 * checked), and an address nobody held only if it is not outside. */
	if (res.match != FP_MATCH_NONE && (d->pod != NULL || d->kind == FP_EP_UNKNOWN))
		fp_resolver_count(b->res, res.match);
	switch (res.kind) {
	case FP_RESOLVED_POD:
		id = pod_identity(b, res.ref);
		break;
	case FP_RESOLVED_NODE:
		add_node_ip(b, &d->addr);
		id = builder_add(b, FP_ID_NODE, "node", NULL, "node", NULL);
		break;
	case FP_RESOLVED_SERVICE: {
		size_t pods[MAX_BACKENDS];
		uint16_t ports[MAX_BACKENDS];
		size_t n = fp_resolver_backends(b->res, res.ref, t, proto, port, pods, ports,
						MAX_BACKENDS);
		char name[300];

		if (n == 0 || n > MAX_BACKENDS) {
			fp_resolver_service_name(b->res, res.ref, name, sizeof(name));
			id = add_keyed(b, FP_ID_UNRESOLVED, "u:svc:", name);
			break;
		}
		/* A Service is its backends after DNAT; several pods of one
		 * workload are one identity and port. */
		for (size_t i = 0; i < n && *n_out < max; i++) {
			long w = pod_identity(b, pods[i]);
			bool dup = false;

			if (w < 0)
				return fp_err_nomem(err);
			for (size_t k = 0; k < *n_out && !dup; k++)
				dup = out[k].id == (uint32_t)w && out[k].port == ports[i];
			if (!dup)
				out[(*n_out)++] = (struct fp_idref){ (uint32_t)w, ports[i] };
		}
		return 0;
	}
	default:
		if (d->pod != NULL)
			fp_resolver_count(b->res, FP_MATCH_NONE);
		id = d->pod != NULL ? d->fallback : unheld_address(b, d);
		break;
	}
	if (id < 0)
		return fp_err_nomem(err);
	out[0] = (struct fp_idref){ (uint32_t)id, port };
	*n_out = 1;
	return 0;
}

bool
fp_idbuild_listens(struct fp_idbuild *b, int64_t ep, int64_t t, uint8_t proto, uint16_t port)
{
	long v = fp_idset_of_endpoint(b->set, ep);
	struct fp_resolution res;
	const struct dynamic *d;

	if (v > -2 || b->res == NULL)
		return false;
	d = &b->dyn[-2 - v];
	if (d->pod != NULL)
		fp_resolver_pod_name(b->res, d->ns, d->pod, t, &res);
	else
		fp_resolver_ip(b->res, &d->addr, t, &res);
	if (res.kind == FP_RESOLVED_POD)
		return fp_resolver_pod_listens(b->res, res.ref, proto, port);
	if (res.kind == FP_RESOLVED_SERVICE)
		return fp_resolver_service_port(b->res, res.ref, proto, port);
	return false;
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
		const struct draft *d = &b->drafts[i];

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
	r = pass_selectors(b, err);
	if (r == 0)
		r = node_cidrs(b, err);
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
