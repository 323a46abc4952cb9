/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff.c - fp_diff_sets(): what NEW admits that OLD did not, what OLD
 * admitted that NEW does not, and what NEW admits that nobody used.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/diff-private.h"
#include "lib/identity.h"
#include "lib/util-sort.h"

enum group { POD_POD = 0, POD_ADDR = 1, ADDR_POD = 2 };

/* A connection being collected, with what sorting and merging need. */
struct item {
	struct fp_diff_conn c;
	enum group group;
	size_t src, dst; /* pod indexes, FP_NETPOL_NONE for an address */
};

struct collect {
	struct item *v;
	size_t n, cap;
	const struct fp_diff__universe *u;
	struct fp_diff__ranges stale;
	struct fp_err *err;
};

/* Traffic of the window between two ends of @it, on @ranges. */
struct evidence {
	uint64_t flows, dropped, other;
	int64_t last;
};

static bool
addr_in(const struct fp_addr *a, const struct fp_addr *lo, const struct fp_addr *hi)
{
	return a->family == lo->family && fp_addr_cmp(lo, a) <= 0 &&
	       fp_addr_cmp(a, hi) <= 0;
}

static bool
port_in(uint16_t port, const struct fp_netpol_port_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].lo <= port && port <= r[i].hi)
			return true;
	return false;
}

static void
count_edge(struct evidence *ev, const struct fp_edge *e, uint8_t proto,
	   const struct fp_netpol_port_range *r, size_t n)
{
	if (e->proto != proto || !port_in(e->port, r, n))
		return;
	if (e->verdict == FP_EDGE_OBSERVED)
		ev->flows += e->flows;
	else if (e->verdict == FP_EDGE_DROPPED)
		ev->dropped += e->flows;
	else
		ev->other += e->flows; /* undirected: traffic, but of which way? */
	if (e->last > ev->last)
		ev->last = e->last;
}

/* Edges from identity @id whose destination passes @dst_pod or the range. */
static void
edges_from(struct evidence *ev, const struct fp_diff__universe *u, size_t id, long dst_id,
	   const struct fp_diff_end *dst, uint8_t proto,
	   const struct fp_netpol_port_range *r, size_t n)
{
	const struct fp_edgeset *es = u->es;

	for (size_t e = u->first_edge[id]; e < u->first_edge[id + 1]; e++) {
		const struct fp_edge *ed = &es->edges[e];

		if (dst_id >= 0 ? (long)ed->dst != dst_id
				: !addr_in(&u->addr_of[ed->dst], &dst->lo, &dst->hi))
			continue;
		count_edge(ev, ed, proto, r, n);
	}
}

static void
evidence_of(struct evidence *ev, const struct fp_diff__universe *u, const struct item *it,
	    const struct fp_netpol_port_range *r, size_t n)
{
	memset(ev, 0, sizeof(*ev));
	if (u->es == NULL)
		return;
	switch (it->group) {
	case POD_POD:
		edges_from(ev, u, (size_t)u->pods[it->src].id, u->pods[it->dst].id, NULL,
			   it->c.proto, r, n);
		break;
	case POD_ADDR:
		edges_from(ev, u, (size_t)u->pods[it->src].id, -1, &it->c.dst,
			   it->c.proto, r, n);
		break;
	case ADDR_POD:
		for (size_t id = 0; id < fp_idset_count(u->es->ids); id++)
			if (addr_in(&u->addr_of[id], &it->c.src.lo, &it->c.src.hi))
				edges_from(ev, u, id, u->pods[it->dst].id, NULL,
					   it->c.proto, r, n);
		break;
	}
}

static int
push(struct collect *k, const struct fp_diff__outcome *o, enum fp_diff_kind kind,
     const struct fp_diff__ranges *ranges, bool partial)
{
	struct item *it;

	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 32;
		struct item *v = realloc(k->v, cap * sizeof(*v));

		if (v == NULL)
			return fp_err_nomem(k->err);
		k->v = v;
		k->cap = cap;
	}
	it = &k->v[k->n];
	memset(it, 0, sizeof(*it));
	it->c.kind = kind;
	it->c.proto = o->proto;
	it->c.partial = partial;
	it->src = o->src;
	it->dst = o->dst;
	it->group = o->cls == NULL	       ? POD_POD
		    : o->src != FP_NETPOL_NONE ? POD_ADDR
					       : ADDR_POD;
	if (o->cls != NULL) {
		struct fp_diff_end *e = it->group == POD_ADDR ? &it->c.dst : &it->c.src;

		e->is_addr = true;
		e->lo = o->cls->lo;
		e->hi = o->cls->hi;
	}
	it->c.ranges = malloc(ranges->n * sizeof(*it->c.ranges));
	if (it->c.ranges == NULL)
		return fp_err_nomem(k->err);
	memcpy(it->c.ranges, ranges->v, ranges->n * sizeof(*it->c.ranges));
	it->c.n_ranges = ranges->n;
	k->n++;
	return 0;
}

static int
collect_one(void *ud, const struct fp_diff__outcome *o)
{
	struct collect *k = ud;
	struct item probe = { .src = o->src, .dst = o->dst, .c.proto = o->proto };
	int r;

	if (o->added.n > 0 &&
	    (r = push(k, o, FP_DIFF_NEW, &o->added, o->added_partial)) < 0)
		return r;
	if (o->removed.n > 0 &&
	    (r = push(k, o, FP_DIFF_REMOVED, &o->removed, o->removed_partial)) < 0)
		return r;
	if (o->common.n == 0 || k->u->es == NULL)
		return 0;
	/* Stale: each admitted range on which nothing at all was seen. */
	probe.group = o->cls == NULL		 ? POD_POD
		      : o->src != FP_NETPOL_NONE ? POD_ADDR
						 : ADDR_POD;
	if (o->cls != NULL) {
		struct fp_diff_end *e =
			probe.group == POD_ADDR ? &probe.c.dst : &probe.c.src;

		e->lo = o->cls->lo;
		e->hi = o->cls->hi;
	}
	k->stale.n = 0;
	for (size_t i = 0; i < o->common.n; i++) {
		struct evidence ev;

		evidence_of(&ev, k->u, &probe, &o->common.v[i], 1);
		if (ev.flows + ev.dropped + ev.other == 0 &&
		    fp_diff__ranges_add(&k->stale, o->common.v[i].lo, o->common.v[i].hi) <
			    0)
			return fp_err_nomem(k->err);
	}
	if (k->stale.n > 0 && (r = push(k, o, FP_DIFF_STALE, &k->stale, false)) < 0)
		return r;
	return 0;
}

static int
cmp_size(size_t a, size_t b)
{
	return a < b ? -1 : a > b;
}

/* Kind, then pod-to-pod, pod-to-addresses, addresses-to-pod; then the pod
 * side, the protocol and the address, so neighbouring classes meet. */
static int
cmp_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c;

	if ((c = cmp_size(a->c.kind, b->c.kind)) != 0 ||
	    (c = cmp_size(a->group, b->group)) != 0)
		return c;
	switch (a->group) {
	case POD_POD:
		if ((c = cmp_size(a->src, b->src)) != 0 ||
		    (c = cmp_size(a->dst, b->dst)) != 0)
			return c;
		return cmp_size(a->c.proto, b->c.proto);
	case POD_ADDR:
		if ((c = cmp_size(a->src, b->src)) != 0 ||
		    (c = cmp_size(a->c.proto, b->c.proto)) != 0)
			return c;
		return fp_addr_cmp(&a->c.dst.lo, &b->c.dst.lo);
	default:
		if ((c = cmp_size(a->dst, b->dst)) != 0 ||
		    (c = cmp_size(a->c.proto, b->c.proto)) != 0)
			return c;
		return fp_addr_cmp(&a->c.src.lo, &b->c.src.lo);
	}
}

static bool
same_ranges(const struct fp_diff_conn *a, const struct fp_diff_conn *b)
{
	return a->n_ranges == b->n_ranges &&
	       memcmp(a->ranges, b->ranges, a->n_ranges * sizeof(*a->ranges)) == 0;
}

/* Can @b be folded into @a: the next address class, the same answer? */
static bool
mergeable(const struct item *a, const struct item *b)
{
	const struct fp_diff_end *ea, *eb;

	if (a->group == POD_POD || a->group != b->group || a->c.kind != b->c.kind ||
	    a->src != b->src || a->dst != b->dst || a->c.proto != b->c.proto ||
	    a->c.partial != b->c.partial || !same_ranges(&a->c, &b->c))
		return false;
	ea = a->group == POD_ADDR ? &a->c.dst : &a->c.src;
	eb = b->group == POD_ADDR ? &b->c.dst : &b->c.src;
	return fp_diff__addr_next(&ea->hi, &eb->lo);
}

static char *
end_text(const struct fp_diff__universe *u, const struct fp_diff_end *e, size_t pod)
{
	return e->is_addr ? fp_diff__range_text(&e->lo, &e->hi)
			  : strdup(u->pods[pod].text);
}

static void
conn_done(struct fp_diff_conn *c)
{
	free(c->src.text);
	free(c->dst.text);
	free(c->ranges);
}

/* Sort, fold neighbouring address classes, name the ends, add evidence. */
static int
finish(struct fp_diff_result *r, struct collect *k)
{
	size_t n = 0;

	fp_qsort(k->v, k->n, sizeof(*k->v), cmp_item);
	for (size_t i = 0; i < k->n; i++) {
		if (n > 0 && mergeable(&k->v[n - 1], &k->v[i])) {
			struct fp_diff_end *to = k->v[i].group == POD_ADDR
							 ? &k->v[n - 1].c.dst
							 : &k->v[n - 1].c.src;

			to->hi = k->v[i].group == POD_ADDR ? k->v[i].c.dst.hi
							   : k->v[i].c.src.hi;
			conn_done(&k->v[i].c);
			continue;
		}
		k->v[n++] = k->v[i];
	}
	k->n = n;
	r->conns = calloc(n ? n : 1, sizeof(*r->conns));
	if (r->conns == NULL)
		return fp_err_nomem(k->err);
	for (size_t i = 0; i < n; i++) {
		struct item *it = &k->v[i];
		struct evidence ev;

		it->c.src.text = end_text(k->u, &it->c.src, it->src);
		it->c.dst.text = end_text(k->u, &it->c.dst, it->dst);
		if (it->c.src.text == NULL || it->c.dst.text == NULL)
			return fp_err_nomem(k->err);
		if (it->c.kind != FP_DIFF_STALE) {
			evidence_of(&ev, k->u, it, it->c.ranges, it->c.n_ranges);
			it->c.flows = ev.flows;
			it->c.dropped = ev.dropped;
			it->c.last = ev.last;
		}
		r->conns[r->n_conns++] = it->c;
		r->counts[it->c.kind]++;
		memset(&it->c, 0, sizeof(it->c)); /* moved */
	}
	return 0;
}

int
fp_diff_sets(struct fp_diff_result **out, const struct fp_netpol_set *old,
	     const struct fp_netpol_set *new, const struct fp_edgeset *es,
	     struct fp_err *err)
{
	struct fp_diff_result *r = calloc(1, sizeof(*r));
	struct fp_diff__universe u;
	struct collect k = { .err = err };
	struct fp_diff__rules *rules[2] = { NULL, NULL };
	int rc;

	*out = NULL;
	if (r == NULL)
		return fp_err_nomem(err);
	rc = es != NULL ? fp_diff__universe_from_edges(&u, es, err)
			: fp_diff__universe_from_policies(&u, old, new, err);
	if (rc < 0) {
		free(r);
		return rc;
	}
	k.u = &u;
	r->evidence = es != NULL;
	if (es != NULL) {
		r->since = es->since;
		r->until = es->until;
	}
	r->pods = u.n_pods;
	r->skipped = u.skipped;
	r->old_policies = fp_netpol_count(old);
	r->new_policies = fp_netpol_count(new);
	rc = fp_diff__rules_read(&rules[0], old);
	if (rc == 0)
		rc = fp_diff__rules_read(&rules[1], new);
	if (rc < 0)
		rc = fp_err_nomem(err);
	if (rc == 0)
		rc = fp_diff__walk(old, new, rules, &u, collect_one, &k, &r->classes,
				   err);
	if (rc == 0)
		rc = finish(r, &k);
	if (rc == 0)
		rc = fp_diff__policies(r, old, new, &u, err);
	r->changed = r->counts[FP_DIFF_NEW] + r->counts[FP_DIFF_REMOVED] > 0;
	for (size_t i = 0; i < k.n; i++)
		conn_done(&k.v[i].c);
	free(k.v);
	fp_diff__ranges_done(&k.stale);
	fp_diff__rules_free(rules[0]);
	fp_diff__rules_free(rules[1]);
	fp_diff__universe_done(&u);
	if (rc < 0) {
		fp_diff_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void
fp_diff_result_free(struct fp_diff_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_conns; i++)
		conn_done(&r->conns[i]);
	free(r->conns);
	for (size_t i = 0; i < r->n_policies; i++) {
		free(r->policies[i].ns);
		free(r->policies[i].name);
		free(r->policies[i].old_place);
		free(r->policies[i].new_place);
	}
	free(r->policies);
	free(r);
}

int
fp_diff_ports_text(struct fp_buf *out, const struct fp_diff_conn *c)
{
	const char *p = fp_proto_name(c->proto);
	int r = fp_buf_adds(out, p != NULL ? p : "?");

	/* Port 0 is no port: 1-65535 is every port there is. */
	if (c->n_ranges == 1 && c->ranges[0].lo <= 1 && c->ranges[0].hi == 65535)
		return r < 0 ? r : fp_buf_adds(out, " any port");
	for (size_t i = 0; i < c->n_ranges && r == 0; i++) {
		r = fp_buf_printf(out, "%s%u", i ? ", " : " ", c->ranges[i].lo);
		if (r == 0 && c->ranges[i].hi != c->ranges[i].lo)
			r = fp_buf_printf(out, "-%u", c->ranges[i].hi);
	}
	return r;
}
