/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity-endpoints.c - which identity each stored endpoint is: the
 * inventory's workloads (pass 0), endpoints that name their workload or
 * are no pod (pass 1), pods known by labels alone (pass 2), and, for
 * endpoints whose identity depends on when, the identity at the time of a
 * flow.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/identity-int.h"
#include "lib/netset.h"
#include "lib/resolve.h"
#include "lib/util-sort.h"

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
int
fp_identity__node_cidrs(struct fp_idbuild *b, struct fp_err *err)
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
	struct fp_id_dynamic *d;

	if (b->n_dyn == b->cap_dyn) {
		size_t cap = b->cap_dyn ? b->cap_dyn * 2 : 64;
		struct fp_id_dynamic *v = realloc(b->dyn, cap * sizeof(*v));

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
		    fp_identity__draft_add_set(&b->drafts[ident], p->labels[0] != '\0' ? p->labels : NULL) < 0) {
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
		if (ikind == FP_ID_WORKLOAD && fp_identity__draft_add_set(&b->drafts[ident], labels) < 0)
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
			if (ident >= 0 && fp_identity__draft_add_set(&b->drafts[ident], labels) < 0)
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

/* Passes 0 to 2, in order: pass 2 needs every named workload's sets. */
int
fp_identity__endpoints(struct fp_idbuild *b, struct fp_db *db, struct fp_err *err)
{
	struct epref *pending = NULL;
	size_t n_pending = 0;
	int r;

	r = pass_inventory(b, err);
	if (r == 0)
		r = pass_named(b, db, &pending, &n_pending, err);
	if (r == 0)
		r = pass_labelled(b, db, pending, n_pending, err);
	free(pending);
	return r;
}

/* ---- at the time of a flow ---- */

static long
add_keyed(struct fp_idbuild *b, enum fp_id_kind kind, const char *prefix, const char *name)
{
	char key[FP_ADDR_BUFSZ + 300];

	snprintf(key, sizeof(key), "%s%s", prefix, name);
	return builder_add(b, kind, key, NULL, name, NULL);
}

/* An address nobody in the inventory held at the time: outside or unknown. */
static long
unheld_address(struct fp_idbuild *b, const struct fp_id_dynamic *d)
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
	const struct fp_id_dynamic *d;
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
	const struct fp_id_dynamic *d;

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
