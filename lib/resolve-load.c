/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolve-load.c - building the resolver's tables from the stored inventory:
 * pods with the intervals in which they held their addresses, Services,
 * nodes, namespaces and controllers, and the cluster ranges.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/netset.h"
#include "lib/resolve-private.h"
#include "lib/util-buf.h"
#include "lib/util-k8s.h"
#include "lib/util-sort.h"

static char *
dup_col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v != NULL ? strdup(v) : NULL;
}

static int64_t
col_time(sqlite3_stmt *st, int i, int64_t dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

/* Parse an "a,b" address list (validated when stored). */
static int
parse_ips(struct fp_addr **out, size_t *n, const char *text)
{
	size_t cap = 1;

	*out = NULL;
	*n = 0;
	if (text == NULL || *text == '\0')
		return 0;
	for (const char *p = text; *p != '\0'; p++)
		cap += *p == ',';
	*out = calloc(cap, sizeof(**out));
	if (*out == NULL)
		return FP_ENOMEM;
	for (const char *p = text; *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (fp_addr_parse(&(*out)[*n], p, len) == 0)
			(*n)++;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* Labels a policy may select: no rollout hashes, no CNI bookkeeping. */
static char *
stable_labels(const struct fp_resolver *r, const char *text)
{
	struct fp_buf b;

	fp_buf_init(&b);
	if (fp_k8s_labels_stable(&b, r->labels, text) < 0) {
		fp_buf_done(&b);
		return NULL;
	}
	return fp_buf_steal(&b);
}

static const char *
label_of(const char *labels, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = labels; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=')
			return p + klen + 1; /* up to the next ',' */
		p += len + (p[len] == ',');
	}
	return NULL;
}


/* Do the @n digits at the end of @s follow a '-'? */
static size_t
digits_suffix(const char *s)
{
	size_t len = strlen(s), i = len;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	return i > 1 && i < len && s[i - 1] == '-' ? len - i : 0;
}

/*
 * The root controller of a pod: ReplicaSet -> Deployment, Job -> CronJob,
 * from the inventory's owner references where present, else from the names
 * Kubernetes gives them.
 */
static void
root_workload(const struct fp_resolver *r, struct pod *p, const char *okind, const char *oname,
	      const char *raw_labels, char **wname, const char **wkind)
{
	const struct controller *c;

	*wname = NULL;
	if (okind == NULL || oname == NULL) {
		*wname = strdup(p->pub.name);
		*wkind = "Pod";
		return;
	}
	c = fp_resolver__find_controller(r, p->pub.ns, okind, oname);
	if (c != NULL && c->owner_kind != NULL && c->owner_name != NULL &&
	    ((strcmp(okind, "ReplicaSet") == 0 && strcmp(c->owner_kind, "Deployment") == 0) ||
	     (strcmp(okind, "Job") == 0 && strcmp(c->owner_kind, "CronJob") == 0))) {
		*wname = strdup(c->owner_name);
		*wkind = strcmp(okind, "Job") == 0 ? "CronJob" : "Deployment";
		return;
	}
	if (strcmp(okind, "ReplicaSet") == 0) {
		const char *hash = label_of(raw_labels, "pod-template-hash");
		size_t hlen = hash != NULL ? strcspn(hash, ",") : 0, olen = strlen(oname);

		if (hash != NULL && olen > hlen + 1 && oname[olen - hlen - 1] == '-' &&
		    strncmp(oname + olen - hlen, hash, hlen) == 0) {
			*wname = strndup(oname, olen - hlen - 1);
			*wkind = "Deployment";
			return;
		}
	}
	if (strcmp(okind, "Job") == 0 && digits_suffix(oname) >= 8) {
		*wname = strndup(oname, strlen(oname) - digits_suffix(oname) - 1);
		*wkind = "CronJob";
		return;
	}
	*wname = strdup(oname);
	*wkind = strcmp(okind, "ReplicaSet") == 0	   ? "ReplicaSet"
		 : strcmp(okind, "StatefulSet") == 0	   ? "StatefulSet"
		 : strcmp(okind, "DaemonSet") == 0	   ? "DaemonSet"
		 : strcmp(okind, "Job") == 0		   ? "Job"
		 : strcmp(okind, "ReplicationController") == 0 ? "ReplicationController"
							   : "Pod";
}

static int
load_controllers(struct fp_resolver *r, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	/* The newest observation of each controller wins. */
	if (fp_db_prepare(db, &st,
			  "SELECT c.namespace, c.kind, c.name, c.selector, c.owner_kind, c.owner_name "
			  "FROM inv_controllers c JOIN inv_sources s ON s.id = c.source "
			  "ORDER BY c.namespace, c.kind, c.name, s.at DESC, s.id DESC",
			  err) < 0)
		return FP_EDB;
	while ((rc = fp_db_step(db, st, err)) == SQLITE_ROW) {
		struct controller *c;
		char key[600];

		snprintf(key, sizeof(key), "%s/%s/%s", sqlite3_column_text(st, 0),
			 sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
		if (r->n_ctls > 0 && strcmp(r->ctls[r->n_ctls - 1].key, key) == 0)
			continue;
		if (r->n_ctls == cap) {
			size_t c2 = cap ? cap * 2 : 64;
			struct controller *v = realloc(r->ctls, c2 * sizeof(*v));

			if (v == NULL)
				return fp_err_nomem(err);
			r->ctls = v;
			cap = c2;
		}
		c = &r->ctls[r->n_ctls++];
		c->key = strdup(key);
		c->selector = dup_col(st, 3);
		c->owner_kind = dup_col(st, 4);
		c->owner_name = dup_col(st, 5);
		if (c->key == NULL)
			return fp_err_nomem(err);
	}
	if (rc < 0)
		return FP_EDB;
	for (size_t i = 0; i < r->n_ctls; i++)
		if (fp_strmap_put(&r->ctl_index, r->ctls[i].key, i) < 0)
			return fp_err_nomem(err);
	return 0;
}

/* Times of the snapshots that listed every pod: absence there means gone. */
static int
load_pod_lists(int64_t **out, size_t *n, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (fp_db_prepare(db, &st, "SELECT at FROM inv_sources WHERE pod_list = 1 ORDER BY at", err) < 0)
		return FP_EDB;
	while ((rc = fp_db_step(db, st, err)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 16;
			int64_t *v = realloc(*out, c * sizeof(*v));

			if (v == NULL)
				return fp_err_nomem(err);
			*out = v;
			cap = c;
		}
		(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	return rc < 0 ? FP_EDB : 0;
}

struct pod_acc {
	int64_t start, end, last_at;
	bool terminated;
};

/* Close the interval of the pod being assembled. */
static void
finish_pod(struct pod *p, const struct pod_acc *a, const int64_t *lists, size_t n_lists)
{
	int64_t end = a->end;

	/* Listed in a snapshot and missing from a later full pod list: gone
	 * by then at the latest. */
	for (size_t i = 0; i < n_lists; i++) {
		if (lists[i] > a->last_at) {
			if (lists[i] < end)
				end = lists[i];
			break;
		}
	}
	p->pub.start = a->start;
	p->pub.end = end;
}

static int
load_pods(struct fp_resolver *r, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int64_t *lists = NULL;
	size_t n_lists = 0, cap = 0;
	struct pod_acc acc = { 0 };
	int rc;

	if (load_pod_lists(&lists, &n_lists, db, err) < 0)
		return FP_EDB;
	/* Oldest observation first, so the newest labels and owner win. */
	if (fp_db_prepare(db, &st,
			  "SELECT p.uid, p.namespace, p.name, p.labels, p.owner_kind, p.owner_name, "
			  "p.node, p.host_network, p.ips, p.ports, p.phase, p.started, p.deleted, "
			  "p.finished, s.at FROM inv_pods p JOIN inv_sources s ON s.id = p.source "
			  "ORDER BY p.uid, s.at, s.id",
			  err) < 0) {
		free(lists);
		return FP_EDB;
	}
	while ((rc = fp_db_step(db, st, err)) == SQLITE_ROW) {
		const char *uid = (const char *)sqlite3_column_text(st, 0);
		const char *phase = (const char *)sqlite3_column_text(st, 10);
		int64_t at = sqlite3_column_int64(st, 14), started, deleted, finished;
		struct pod *p;
		char *wname;
		const char *wkind;

		if (r->n_pods == 0 || strcmp(r->pods[r->n_pods - 1].uid, uid) != 0) {
			if (r->n_pods > 0)
				finish_pod(&r->pods[r->n_pods - 1], &acc, lists, n_lists);
			if (r->n_pods == cap) {
				size_t c = cap ? cap * 2 : 256;
				struct pod *v = realloc(r->pods, c * sizeof(*v));

				if (v == NULL)
					goto nomem;
				r->pods = v;
				cap = c;
			}
			p = &r->pods[r->n_pods++];
			memset(p, 0, sizeof(*p));
			p->uid = strdup(uid);
			acc = (struct pod_acc){ INT64_MAX, INT64_MAX, at, false };
		} else {
			p = &r->pods[r->n_pods - 1];
			free((char *)p->pub.ns);
			free((char *)p->pub.name);
			free((char *)p->pub.labels);
			free((char *)p->pub.workload);
			free((char *)p->pub.node);
			free((char *)p->pub.ports);
			free(p->ips);
		}
		p->pub.ns = dup_col(st, 1);
		p->pub.name = dup_col(st, 2);
		p->pub.labels = stable_labels(r, (const char *)sqlite3_column_text(st, 3));
		p->pub.node = dup_col(st, 6);
		p->pub.host_network = sqlite3_column_int(st, 7) != 0;
		p->pub.ports = dup_col(st, 9);
		if (p->uid == NULL || p->pub.ns == NULL || p->pub.name == NULL || p->pub.labels == NULL ||
		    parse_ips(&p->ips, &p->n_ips, (const char *)sqlite3_column_text(st, 8)) < 0)
			goto nomem;
		root_workload(r, p, (const char *)sqlite3_column_text(st, 4),
			      (const char *)sqlite3_column_text(st, 5),
			      (const char *)sqlite3_column_text(st, 3), &wname, &wkind);
		p->pub.workload = wname;
		p->pub.wkind = wkind;
		if (wname == NULL)
			goto nomem;
		started = col_time(st, 11, at);
		deleted = col_time(st, 12, INT64_MAX);
		finished = col_time(st, 13, 0);
		if (started < acc.start)
			acc.start = started;
		if (deleted < acc.end)
			acc.end = deleted;
		if (phase != NULL && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)) {
			int64_t t = finished != 0 ? finished : at;

			if (t < acc.end)
				acc.end = t;
		}
		acc.last_at = at;
	}
	if (r->n_pods > 0)
		finish_pod(&r->pods[r->n_pods - 1], &acc, lists, n_lists);
	free(lists);
	return rc < 0 ? FP_EDB : 0;
nomem:
	free(lists);
	return fp_err_nomem(err);
}

static int add_derived(struct fp_resolver *r, const struct fp_addr *a);

static int
load_services(struct fp_resolver *r, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_stmt_ sqlite3_stmt *sl = NULL;
	size_t cap = 0;
	int rc;

	if (fp_db_prepare(db, &st,
			  "SELECT s.namespace, s.name, s.cluster_ips, s.selector, s.ports, "
			  "min(s.created), max(s.deleted) FROM inv_services s "
			  "JOIN inv_sources src ON src.id = s.source "
			  "GROUP BY s.uid ORDER BY s.namespace, s.name, s.uid",
			  err) < 0 ||
	    fp_db_prepare(db, &sl,
			  "SELECT group_concat(pods) FROM (SELECT DISTINCT pods FROM inv_slices "
			  "WHERE namespace = ? AND service = ? AND pods IS NOT NULL ORDER BY pods)",
			  err) < 0)
		return FP_EDB;
	while ((rc = fp_db_step(db, st, err)) == SQLITE_ROW) {
		struct service *s;

		if (r->n_svcs == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct service *v = realloc(r->svcs, c * sizeof(*v));

			if (v == NULL)
				return fp_err_nomem(err);
			r->svcs = v;
			cap = c;
		}
		s = &r->svcs[r->n_svcs++];
		memset(s, 0, sizeof(*s));
		s->ns = dup_col(st, 0);
		s->name = dup_col(st, 1);
		s->selector = dup_col(st, 3);
		s->ports = dup_col(st, 4);
		s->start = col_time(st, 5, INT64_MIN);
		s->end = col_time(st, 6, INT64_MAX);
		if (s->ns == NULL || s->name == NULL ||
		    parse_ips(&s->ips, &s->n_ips, (const char *)sqlite3_column_text(st, 2)) < 0)
			return fp_err_nomem(err);
		for (size_t k = 0; k < s->n_ips; k++)
			if (add_derived(r, &s->ips[k]) < 0)
				return fp_err_nomem(err);
		sqlite3_reset(sl);
		sqlite3_bind_text(sl, 1, s->ns, -1, SQLITE_STATIC);
		sqlite3_bind_text(sl, 2, s->name, -1, SQLITE_STATIC);
		if (fp_db_step(db, sl, err) == SQLITE_ROW)
			s->slice_pods = dup_col(sl, 0);
	}
	return rc < 0 ? FP_EDB : 0;
}

static int
add_cidr(struct fp_resolver *r, const struct fp_cidr *c)
{
	for (size_t i = 0; i < r->n_cidrs; i++)
		if (fp_cidr_within(c, &r->cidrs[i]))
			return 0;
	if (r->n_cidrs == r->cap_cidrs) {
		size_t cap = r->cap_cidrs ? r->cap_cidrs * 2 : 16;
		struct fp_cidr *v = realloc(r->cidrs, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		r->cidrs = v;
		r->cap_cidrs = cap;
	}
	r->cidrs[r->n_cidrs++] = *c;
	return 0;
}

/*
 * A range derived from one node's pod range or one Service address: the
 * cluster's range holds it but is wider (kubeadm splits a /16 pod range in
 * /24s per node and takes Services from a /12), so widen to /16 (IPv4) or
 * /64 (IPv6).  Erring wide here only ever withholds an ipBlock.
 */
static int
add_derived(struct fp_resolver *r, const struct fp_addr *a)
{
	struct fp_cidr c;
	char buf[FP_ADDR_BUFSZ + 8], ip[FP_ADDR_BUFSZ];

	if (r->explicit_cidrs)
		return 0;
	snprintf(buf, sizeof(buf), "%s/%d", fp_addr_format(ip, a), a->family == 4 ? 16 : 64);
	if (fp_cidr_parse(&c, buf, false) < 0)
		return 0;
	return add_cidr(r, &c);
}

static int
load_namespaces(struct fp_resolver *r, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	/* the newest snapshot's labels of each namespace */
	if (fp_db_prepare(db, &st,
			  "SELECT n.name, n.labels FROM inv_namespaces n JOIN inv_sources s "
			  "ON s.id = n.source ORDER BY n.name, s.at DESC, s.id DESC",
			  err) < 0)
		return FP_EDB;
	while ((rc = fp_db_step(db, st, err)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (r->n_nss > 0 && strcmp(r->nss[r->n_nss - 1].name, name) == 0)
			continue;
		if (r->n_nss == cap) {
			size_t c = cap ? cap * 2 : 16;
			struct nslabels *v = realloc(r->nss, c * sizeof(*v));

			if (v == NULL)
				return fp_err_nomem(err);
			r->nss = v;
			cap = c;
		}
		r->nss[r->n_nss].name = strdup(name);
		r->nss[r->n_nss].labels = dup_col(st, 1);
		if (r->nss[r->n_nss++].name == NULL)
			return fp_err_nomem(err);
	}
	return rc < 0 ? FP_EDB : 0;
}

static int
load_nodes(struct fp_resolver *r, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if (fp_db_prepare(db, &st,
			  "SELECT name, group_concat(ips), group_concat(pod_cidrs), min(created), "
			  "max(deleted) FROM inv_nodes GROUP BY uid ORDER BY name, uid",
			  err) < 0)
		return FP_EDB;
	while ((rc = fp_db_step(db, st, err)) == SQLITE_ROW) {
		const char *cidrs = (const char *)sqlite3_column_text(st, 2);
		struct node *n;

		if (r->n_nodes == cap) {
			size_t c = cap ? cap * 2 : 16;
			struct node *v = realloc(r->nodes, c * sizeof(*v));

			if (v == NULL)
				return fp_err_nomem(err);
			r->nodes = v;
			cap = c;
		}
		n = &r->nodes[r->n_nodes++];
		memset(n, 0, sizeof(*n));
		n->name = dup_col(st, 0);
		n->start = col_time(st, 3, INT64_MIN);
		n->end = col_time(st, 4, INT64_MAX);
		if (n->name == NULL ||
		    parse_ips(&n->ips, &n->n_ips, (const char *)sqlite3_column_text(st, 1)) < 0)
			return fp_err_nomem(err);
		/* Node pod ranges are the cluster's pod range, when nothing says it. */
		for (const char *p = cidrs; p != NULL && *p != '\0';) {
			size_t len = strcspn(p, ",");
			char one[FP_ADDR_BUFSZ];
			struct fp_cidr c;

			snprintf(one, sizeof(one), "%.*s", (int)(len < sizeof(one) ? len : 0), p);
			if (fp_cidr_parse(&c, one, false) == 0 && add_derived(r, &c.addr) < 0)
				return fp_err_nomem(err);
			p += len + (p[len] == ',');
		}
	}
	return rc < 0 ? FP_EDB : 0;
}

/* ---- intervals ---- */

static int
iv_cmp(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;
	int c = fp_addr_cmp(&x->ip, &y->ip);

	if (c != 0)
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->ref < y->ref ? -1 : x->ref > y->ref;
}

static int
add_iv(struct fp_resolver *r, size_t *cap, const struct fp_addr *ip, int64_t start, int64_t end,
       uint8_t kind, size_t ref)
{
	if (r->n_ivs == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		struct interval *v = realloc(r->ivs, c * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		r->ivs = v;
		*cap = c;
	}
	r->ivs[r->n_ivs++] = (struct interval){ *ip, start, end, kind, ref };
	return 0;
}

static int
build_intervals(struct fp_resolver *r, struct fp_err *err)
{
	size_t cap = 0;

	for (size_t i = 0; i < r->n_pods; i++) {
		const struct pod *p = &r->pods[i];

		/* A host-network pod shares its node's address: that is the node. */
		for (size_t k = 0; k < p->n_ips; k++)
			if (add_iv(r, &cap, &p->ips[k], p->pub.start, p->pub.end,
				   p->pub.host_network ? FP_RESOLVED_NODE : FP_RESOLVED_POD, i) < 0)
				return fp_err_nomem(err);
	}
	for (size_t i = 0; i < r->n_svcs; i++)
		for (size_t k = 0; k < r->svcs[i].n_ips; k++)
			if (add_iv(r, &cap, &r->svcs[i].ips[k], r->svcs[i].start, r->svcs[i].end,
				   FP_RESOLVED_SERVICE, i) < 0)
				return fp_err_nomem(err);
	for (size_t i = 0; i < r->n_nodes; i++)
		for (size_t k = 0; k < r->nodes[i].n_ips; k++)
			if (add_iv(r, &cap, &r->nodes[i].ips[k], r->nodes[i].start, r->nodes[i].end,
				   FP_RESOLVED_NODE, i) < 0)
				return fp_err_nomem(err);
	fp_qsort(r->ivs, r->n_ivs, sizeof(*r->ivs), iv_cmp);
	return 0;
}

static int
by_name_cmp(const void *a, const void *b, void *ctx)
{
	const struct pod *pods = ctx;
	const struct pod *x = &pods[*(const size_t *)a], *y = &pods[*(const size_t *)b];
	int c = strcmp(x->pub.ns, y->pub.ns);

	if (c == 0)
		c = strcmp(x->pub.name, y->pub.name);
	if (c == 0 && x->pub.start != y->pub.start)
		c = x->pub.start < y->pub.start ? -1 : 1;
	return c;
}

void
fp_resolver_free(struct fp_resolver *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_pods; i++) {
		struct pod *p = &r->pods[i];

		free(p->uid);
		free((char *)p->pub.ns);
		free((char *)p->pub.name);
		free((char *)p->pub.labels);
		free((char *)p->pub.workload);
		free((char *)p->pub.node);
		free((char *)p->pub.ports);
		free(p->ips);
	}
	free(r->pods);
	free(r->by_name);
	for (size_t i = 0; i < r->n_svcs; i++) {
		free(r->svcs[i].ns);
		free(r->svcs[i].name);
		free(r->svcs[i].selector);
		free(r->svcs[i].ports);
		free(r->svcs[i].slice_pods);
		free(r->svcs[i].ips);
	}
	free(r->svcs);
	for (size_t i = 0; i < r->n_nodes; i++) {
		free(r->nodes[i].name);
		free(r->nodes[i].ips);
	}
	free(r->nodes);
	for (size_t i = 0; i < r->n_ctls; i++) {
		free(r->ctls[i].key);
		free(r->ctls[i].selector);
		free(r->ctls[i].owner_kind);
		free(r->ctls[i].owner_name);
	}
	free(r->ctls);
	fp_strmap_done(&r->ctl_index);
	free(r->ivs);
	free(r->cidrs);
	for (size_t i = 0; i < r->n_nss; i++) {
		free(r->nss[i].name);
		free(r->nss[i].labels);
	}
	free(r->nss);
	free(r);
}

int
fp_resolver_load(struct fp_resolver **out, struct fp_db *db, const struct fp_resolve_opts *opts,
		 struct fp_err *err)
{
	struct fp_resolver *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (r == NULL)
		return fp_err_nomem(err);
	fp_strmap_init(&r->ctl_index);
	r->grace = opts != NULL && opts->grace > 0 ? opts->grace : FP_RESOLVE_DEFAULT_GRACE;
	rc = 0;
	for (size_t i = 0; opts != NULL && i < opts->n_cidrs && rc == 0; i++)
		rc = add_cidr(r, &opts->cidrs[i]) < 0 ? fp_err_nomem(err) : 0;
	r->explicit_cidrs = opts != NULL && opts->n_cidrs > 0;
	r->labels = opts != NULL ? opts->labels : NULL;
	if (rc == 0)
		rc = load_controllers(r, db, err);
	if (rc == 0)
		rc = load_pods(r, db, err);
	if (rc == 0)
		rc = load_services(r, db, err);
	if (rc == 0)
		rc = load_nodes(r, db, err);
	if (rc == 0)
		rc = load_namespaces(r, db, err);
	if (rc == 0)
		rc = build_intervals(r, err);
	r->nets = opts != NULL ? opts->nets : NULL;
	/* A known network is outside the cluster by definition: one that
	 * overlaps a cluster range would put an ipBlock inside it. */
	for (size_t i = 0; rc == 0 && r->nets != NULL && i < r->nets->n; i++) {
		const struct fp_known_net *n = &r->nets->nets[i];

		for (size_t k = 0; rc == 0 && k < n->n_cidrs; k++)
			for (size_t c = 0; rc == 0 && c < r->n_cidrs; c++)
				if (fp_cidr_overlaps(&n->cidrs[k], &r->cidrs[c])) {
					char a[FP_ADDR_BUFSZ], b[FP_ADDR_BUFSZ];

					rc = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
							"known network %s (%s) overlaps the cluster "
							"range %s: flowpol never writes an ipBlock "
							"inside the cluster",
							n->name, fp_cidr_format(a, &n->cidrs[k]),
							fp_cidr_format(b, &r->cidrs[c]));
				}
	}
	if (rc == 0) {
		r->by_name = malloc((r->n_pods ? r->n_pods : 1) * sizeof(*r->by_name));
		if (r->by_name == NULL)
			rc = fp_err_nomem(err);
		for (size_t i = 0; rc == 0 && i < r->n_pods; i++)
			r->by_name[i] = i;
		if (rc == 0 && fp_sort(r->by_name, r->n_pods, sizeof(*r->by_name), by_name_cmp,
				       r->pods) < 0)
			rc = fp_err_nomem(err);
	}
	if (rc < 0) {
		fp_resolver_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

bool
fp_resolver_empty(const struct fp_resolver *r)
{
	return r == NULL || (r->n_pods == 0 && r->n_svcs == 0 && r->n_nodes == 0);
}

size_t
fp_resolver_n_pods(const struct fp_resolver *r)
{
	return r->n_pods;
}

const struct fp_inv_pod *
fp_resolver_pod(const struct fp_resolver *r, size_t i)
{
	return &r->pods[i].pub;
}

