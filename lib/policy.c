/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/policy.h"
#include "lib/util-buf.h"
#include "lib/util-map.h"
#include "lib/util-sort.h"

#define DNS_PORT 53

void
fp_policy_model_free(struct fp_policy_model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct fp_policy_ns *pn = &m->nss[i];

		for (size_t p = 0; p < pn->n; p++) {
			struct fp_policy *pol = &pn->policies[p];
			struct fp_policy_rule *dirs[2] = { pol->ingress, pol->egress };
			size_t ns[2] = { pol->n_ingress, pol->n_egress };

			for (int d = 0; d < 2; d++) {
				for (size_t r = 0; r < ns[d]; r++) {
					free(dirs[d][r].peers);
					free(dirs[d][r].ports);
				}
				free(dirs[d]);
			}
			free(pol->name);
		}
		free(pn->policies);
		free(pn->ns);
	}
	free(m->nss);
	free(m);
}

bool
fp_policy_has_ns(const struct fp_policy_model *m, const char *ns)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->nss[i].ns, ns) == 0)
			return true;
	return false;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The namespaces to generate: those with workloads in the edges, filtered. */
static int
choose_namespaces(struct fp_policy_model *m, const struct fp_policy_opts *opts,
		  struct fp_err *err)
{
	const struct fp_edgeset *es = m->es;
	const char **names = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < fp_idset_count(es->ids); i++) {
		const struct fp_identity *id = fp_idset_get(es->ids, i);
		bool wanted, dup = false;

		if (id->kind != FP_ID_WORKLOAD || id->ns == NULL)
			continue;
		if (opts->namespaces != NULL) {
			wanted = false;
			for (size_t k = 0; k < opts->n_namespaces && !wanted; k++)
				wanted = strcmp(opts->namespaces[k], id->ns) == 0;
		} else {
			/* kube-system is opt-in: a wrong policy there breaks the cluster. */
			wanted = strcmp(id->ns, "kube-system") != 0;
		}
		for (size_t k = 0; k < opts->n_skip_namespaces && wanted; k++)
			wanted = strcmp(opts->skip_namespaces[k], id->ns) != 0;
		/* identities are sorted by key, "w:<ns>/..." mostly in namespace
		 * order: the last name catches most repeats; sorting drops the rest */
		dup = n > 0 && strcmp(names[n - 1], id->ns) == 0;
		if (!wanted || dup)
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			const char **v = realloc(names, c * sizeof(*v));

			if (v == NULL) {
				free(names);
				return fp_err_nomem(err);
			}
			names = v;
			cap = c;
		}
		names[n++] = id->ns;
	}
	fp_qsort(names, n, sizeof(*names), str_cmp);
	{
		size_t u = 0;

		for (size_t i = 0; i < n; i++)
			if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
				names[u++] = names[i];
		n = u;
	}
	m->nss = calloc(n ? n : 1, sizeof(*m->nss));
	if (m->nss == NULL) {
		free(names);
		return fp_err_nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		m->nss[i].ns = strdup(names[i]);
		m->nss[i].system = strcmp(names[i], "kube-system") == 0;
		m->n++;
		if (m->nss[i].ns == NULL) {
			free(names);
			return fp_err_nomem(err);
		}
	}
	free(names);
	return 0;
}

/* ---- per-direction folding: peer -> ports ---- */

struct peer_ports {
	uint32_t peer;             /* identity index */
	struct fp_policy_port *ports;
	size_t n_ports, cap_ports;
	uint64_t flows;
	int64_t first, last;
	uint32_t days;
	uint32_t stale; /* windows without traffic, 0 if any port had some */
	bool dns_tcp_added;
};

static int
port_cmp(const void *a, const void *b)
{
	const struct fp_policy_port *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

static int
add_port(struct peer_ports *pp, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < pp->n_ports; i++)
		if (pp->ports[i].proto == proto && pp->ports[i].port == port)
			return 0;
	if (pp->n_ports == pp->cap_ports) {
		size_t cap = pp->cap_ports ? pp->cap_ports * 2 : 4;
		struct fp_policy_port *v = realloc(pp->ports, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		pp->ports = v;
		pp->cap_ports = cap;
	}
	pp->ports[pp->n_ports++] = (struct fp_policy_port){ proto, port, 0 };
	return 0;
}

/*
 * Sort the ports and fold consecutive ones into ranges.  DNS falls back to
 * TCP when an answer does not fit a UDP datagram, so a peer seen on UDP/53
 * also gets TCP/53, unless @dns_tcp is false (a resolver known never to
 * fall back, and a team that wants exactly what was seen).
 */
static int
finish_ports(struct peer_ports *pp, bool dns_tcp)
{
	bool udp53 = false, tcp53 = false;
	size_t n = 0;

	for (size_t i = 0; i < pp->n_ports; i++) {
		udp53 |= pp->ports[i].proto == FP_PROTO_UDP && pp->ports[i].port == DNS_PORT;
		tcp53 |= pp->ports[i].proto == FP_PROTO_TCP && pp->ports[i].port == DNS_PORT;
	}
	if (dns_tcp && udp53 && !tcp53) {
		if (add_port(pp, FP_PROTO_TCP, DNS_PORT) < 0)
			return FP_ENOMEM;
		pp->dns_tcp_added = true;
	}
	fp_qsort(pp->ports, pp->n_ports, sizeof(*pp->ports), port_cmp);
	for (size_t i = 0; i < pp->n_ports; i++) {
		struct fp_policy_port *last = n > 0 ? &pp->ports[n - 1] : NULL;
		uint16_t top = last != NULL ? (last->end_port ? last->end_port : last->port) : 0;

		if (last != NULL && last->proto == pp->ports[i].proto && top != 65535 &&
		    top + 1 == pp->ports[i].port) {
			last->end_port = pp->ports[i].port;
			continue;
		}
		pp->ports[n++] = pp->ports[i];
	}
	pp->n_ports = n;
	return 0;
}

static bool
same_ports(const struct peer_ports *a, const struct peer_ports *b)
{
	if (a->n_ports != b->n_ports)
		return false;
	for (size_t i = 0; i < a->n_ports; i++)
		if (a->ports[i].proto != b->ports[i].proto || a->ports[i].port != b->ports[i].port ||
		    a->ports[i].end_port != b->ports[i].end_port)
			return false;
	return true;
}

static int
ports_order(const struct peer_ports *a, const struct peer_ports *b)
{
	size_t n = a->n_ports < b->n_ports ? a->n_ports : b->n_ports;

	for (size_t i = 0; i < n; i++) {
		int c = port_cmp(&a->ports[i], &b->ports[i]);

		if (c != 0)
			return c;
		if (a->ports[i].end_port != b->ports[i].end_port)
			return a->ports[i].end_port < b->ports[i].end_port ? -1 : 1;
	}
	return a->n_ports < b->n_ports ? -1 : a->n_ports > b->n_ports;
}

/* Peers in a rule: same-namespace pods, other namespaces, then addresses. */
static int
peer_rank(const struct fp_identity *id, const char *ns)
{
	if (id->kind == FP_ID_WORKLOAD)
		return strcmp(id->ns, ns) == 0 ? 0 : 1;
	return 2;
}

struct sort_ctx {
	const struct fp_edgeset *es;
	const char *ns;
};

/* Rules in port order; within equal ports, peers in rank then key order. */
static int
peer_pp_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct peer_ports *a = pa, *b = pb;
	const struct sort_ctx *c = ctx;
	const struct fp_identity *x = fp_idset_get(c->es->ids, a->peer);
	const struct fp_identity *y = fp_idset_get(c->es->ids, b->peer);
	int rx = peer_rank(x, c->ns), ry = peer_rank(y, c->ns), po = ports_order(a, b);

	if (po != 0)
		return po;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void
pps_free(struct peer_ports *pps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(pps[i].ports);
	free(pps);
}

/*
 * Edge indexes by source and by destination, so building a workload's rules
 * looks only at its own edges: linear in edges overall, not workloads x edges.
 */
struct edge_index {
	size_t *by_src, *by_dst; /* edge indexes sorted by src / by dst */
	size_t *src_start, *dst_start; /* per identity: first position, n_ids + 1 entries */
};

static void
edge_index_done(struct edge_index *ix)
{
	free(ix->by_src);
	free(ix->by_dst);
	free(ix->src_start);
	free(ix->dst_start);
}

/* Counting sort of edge indexes by one side. */
static int
index_side(size_t **order, size_t **start, const struct fp_edgeset *es, size_t n_ids, bool dst)
{
	size_t *pos;

	*order = malloc((es->n ? es->n : 1) * sizeof(**order));
	*start = calloc(n_ids + 1, sizeof(**start));
	pos = calloc(n_ids + 1, sizeof(*pos));
	if (*order == NULL || *start == NULL || pos == NULL) {
		free(pos);
		return FP_ENOMEM;
	}
	for (size_t e = 0; e < es->n; e++)
		(*start)[(dst ? es->edges[e].dst : es->edges[e].src) + 1]++;
	for (size_t i = 0; i < n_ids; i++)
		(*start)[i + 1] += (*start)[i];
	memcpy(pos, *start, (n_ids + 1) * sizeof(*pos));
	for (size_t e = 0; e < es->n; e++)
		(*order)[pos[dst ? es->edges[e].dst : es->edges[e].src]++] = e;
	free(pos);
	return 0;
}

static int
edge_index_build(struct edge_index *ix, const struct fp_edgeset *es)
{
	size_t n_ids = fp_idset_count(es->ids);

	memset(ix, 0, sizeof(*ix));
	if (index_side(&ix->by_src, &ix->src_start, es, n_ids, false) < 0 ||
	    index_side(&ix->by_dst, &ix->dst_start, es, n_ids, true) < 0) {
		edge_index_done(ix);
		return FP_ENOMEM;
	}
	return 0;
}

/* The rules of one direction of workload @w: its allowed edges, folded. */
/* Does edge @e become a rule in this direction? */
static bool
wanted(const struct fp_edgeset *es, const struct fp_edge *e, bool ingress, bool triage)
{
	const struct fp_identity *peer = fp_idset_get(es->ids, ingress ? e->src : e->dst);

	if (!triage)
		return e->status == FP_EDGE_ALLOW &&
		       !(e->covered_sides & (ingress ? FP_EDGE_SIDE_INGRESS : FP_EDGE_SIDE_EGRESS));
	/* Triage opens exactly what was denied, and only for peers a rule can
	 * name exactly: a workload by its selector, an outside address. */
	if (e->status != FP_EDGE_DENIED || !fp_proto_has_ports(e->proto) ||
	    !(e->denied_sides & (ingress ? FP_EDGE_SIDE_INGRESS : FP_EDGE_SIDE_EGRESS)))
		return false;
	return (peer->kind == FP_ID_WORKLOAD && peer->selectable) || peer->kind == FP_ID_EXTERNAL ||
	       peer->kind == FP_ID_APISERVER;
}

static int
build_direction(struct fp_policy_rule **rules_out, size_t *n_out, struct fp_policy *pol,
		const struct fp_edgeset *es, const struct edge_index *ix, uint32_t w,
		const char *ns, bool ingress, const struct fp_policy_opts *opts)
{
	const size_t *order = ingress ? ix->by_dst : ix->by_src;
	const size_t *start = ingress ? ix->dst_start : ix->src_start;

	struct peer_ports *pps = NULL;
	size_t n = 0, cap = 0, n_rules = 0;
	struct fp_policy_rule *rules = NULL;
	struct sort_ctx ctx = { es, ns };
	bool ascending = true; /* peers so far came in increasing order */

	*rules_out = NULL;
	*n_out = 0;
	for (size_t at = start[w]; at < start[w + 1]; at++) {
		const struct fp_edge *e = &es->edges[order[at]];
		uint32_t peer = ingress ? e->src : e->dst;
		struct peer_ports *pp = NULL;

		if (!wanted(es, e, ingress, opts->triage) || (ingress ? e->dst : e->src) != w)
			continue;
		/*
		 * Edges are sorted by (src, dst, ...), so a workload's peers come
		 * in increasing order: a peer is the last one or a new one, and a
		 * hub with thousands of peers stays linear.  Out of order (not
		 * expected), every peer so far is searched.
		 */
		if (n > 0 && pps[n - 1].peer == peer)
			pp = &pps[n - 1];
		else if (n > 0 && peer < pps[n - 1].peer)
			ascending = false;
		for (size_t k = 0; !ascending && k < n && pp == NULL; k++)
			if (pps[k].peer == peer)
				pp = &pps[k];
		if (pp == NULL) {
			if (n == cap) {
				size_t c = cap ? cap * 2 : 8;
				struct peer_ports *v = realloc(pps, c * sizeof(*v));

				if (v == NULL)
					goto nomem;
				pps = v;
				cap = c;
			}
			pp = &pps[n++];
			memset(pp, 0, sizeof(*pp));
			pp->peer = peer;
			pp->first = e->first;
			pp->last = e->last;
			pp->stale = e->stale;
		}
		if (add_port(pp, e->proto, e->port) < 0)
			goto nomem;
		pp->flows += e->flows;
		pp->first = e->first < pp->first ? e->first : pp->first;
		pp->last = e->last > pp->last ? e->last : pp->last;
		pp->days = e->days > pp->days ? e->days : pp->days;
		pp->stale = e->stale < pp->stale ? e->stale : pp->stale;
		pol->flows += e->flows;
		if (e->first < pol->first)
			pol->first = e->first;
		if (e->last > pol->last)
			pol->last = e->last;
	}
	for (size_t k = 0; k < n; k++)
		if (finish_ports(&pps[k], !opts->no_dns_tcp) < 0)
			goto nomem;
	if (fp_sort(pps, n, sizeof(*pps), peer_pp_cmp, &ctx) < 0)
		goto nomem;
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (rules == NULL)
		goto nomem;
	for (size_t k = 0; k < n;) {
		struct fp_policy_rule *r = &rules[n_rules++];
		size_t end = k + 1;

		while (end < n && same_ports(&pps[k], &pps[end]))
			end++;
		r->peers = calloc(end - k, sizeof(*r->peers));
		r->ports = calloc(pps[k].n_ports ? pps[k].n_ports : 1, sizeof(*r->ports));
		if (r->peers == NULL || r->ports == NULL)
			goto nomem_rules;
		memcpy(r->ports, pps[k].ports, pps[k].n_ports * sizeof(*r->ports));
		r->n_ports = pps[k].n_ports;
		for (size_t j = k; j < end; j++) {
			struct fp_policy_peer *p = &r->peers[r->n_peers++];
			const struct fp_identity *id = fp_idset_get(es->ids, pps[j].peer);

			p->id = id;
			p->other_ns = id->kind == FP_ID_WORKLOAD && strcmp(id->ns, ns) != 0;
			p->flows = pps[j].flows;
			p->first = pps[j].first;
			p->last = pps[j].last;
			p->days = pps[j].days;
			p->stale = pps[j].stale;
			p->dns_tcp_added = pps[j].dns_tcp_added;
		}
		k = end;
	}
	pps_free(pps, n);
	*rules_out = rules;
	*n_out = n_rules;
	return 0;
nomem_rules:
	for (size_t i = 0; i < n_rules; i++) {
		free(rules[i].peers);
		free(rules[i].ports);
	}
	free(rules);
nomem:
	pps_free(pps, n);
	return FP_ENOMEM;
}

/*
 * "<prefix>-<workload>", unique in the namespace (@taken holds the names so
 * far): later duplicates get -2, -3.
 */
static char *
policy_name(const struct fp_strmap *taken, const char *prefix, const char *base)
{
	size_t len = strlen(base);
	struct fp_buf b;

	for (unsigned k = 1;; k++) {
		/* Cut long names to fit; a cut may end on '-' or '.', which no
		 * part of a DNS subdomain may end with. */
		size_t max = k == 1 ? 240 : 230, n = len < max ? len : max;

		while (n > 0 && (base[n - 1] == '-' || base[n - 1] == '.'))
			n--;
		fp_buf_init(&b);
		if (k == 1)
			fp_buf_printf(&b, "%s-%.*s", prefix, (int)n, base);
		else
			fp_buf_printf(&b, "%s-%.*s-%u", prefix, (int)n, base, k);
		if (b.data == NULL)
			return NULL;
		if (fp_strmap_get(taken, b.data) < 0)
			return fp_buf_steal(&b);
		fp_buf_done(&b);
	}
}

/* The policies of namespace @pn, for its workloads @ids[0..n) (in key order). */
static int
build_namespace(struct fp_policy_ns *pn, const struct fp_edgeset *es,
		const struct edge_index *ix, const struct fp_policy_opts *opts, const size_t *ids,
		size_t n)
{
	struct fp_strmap taken; /* policy names, borrowed from the policies */
	int r = FP_ENOMEM;

	fp_strmap_init(&taken);
	pn->policies = calloc(n + 1, sizeof(*pn->policies));
	if (pn->policies == NULL)
		goto out;
	if (!opts->no_default_deny && !opts->triage) {
		pn->policies[0].name = strdup("default-deny");
		if (pn->policies[0].name == NULL ||
		    fp_strmap_put(&taken, pn->policies[0].name, 0) < 0)
			goto out;
		pn->n = 1;
	}
	/* Identities are sorted by key, so policies come out in a stable order. */
	for (size_t k = 0; k < n; k++) {
		const struct fp_identity *id = fp_idset_get(es->ids, ids[k]);
		struct fp_policy *pol = &pn->policies[pn->n];

		if (!id->selectable)
			continue;
		memset(pol, 0, sizeof(*pol));
		pol->first = INT64_MAX;
		pol->last = INT64_MIN;
		if (build_direction(&pol->ingress, &pol->n_ingress, pol, es, ix, (uint32_t)ids[k],
				    pn->ns, true, opts) < 0 ||
		    build_direction(&pol->egress, &pol->n_egress, pol, es, ix, (uint32_t)ids[k],
				    pn->ns, false, opts) < 0)
			goto out;
		if (pol->n_ingress == 0 && pol->n_egress == 0) {
			free(pol->ingress);
			free(pol->egress);
			continue; /* nothing allowed: default-deny says it all */
		}
		pol->target = id;
		if (opts->triage)
			pol->types = (pol->n_ingress > 0 ? FP_POLICY_INGRESS : 0) |
				     (pol->n_egress > 0 ? FP_POLICY_EGRESS : 0);
		pol->name = policy_name(&taken, opts->triage ? "triage" : "allow", id->name);
		if (pol->name == NULL || fp_strmap_put(&taken, pol->name, pn->n) < 0)
			goto out;
		pn->n++;
	}
	r = 0;
out:
	fp_strmap_done(&taken);
	return r;
}

static int
ns_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fp_policy_ns *)elem)->ns);
}

/*
 * The workloads of each namespace of the model, in identity order, found in
 * one pass (a counting sort) rather than one pass over every identity per
 * namespace.  *@out lists them, namespace by namespace; those of namespace
 * k are (*@out)[(*@start)[k] .. (*@start)[k + 1]).  The caller frees both.
 */
static int
group_workloads(size_t **out, size_t **start, const struct fp_policy_model *m)
{
	const struct fp_idset *ids = m->es->ids;
	size_t n_ids = fp_idset_count(ids), *pos;
	long *ns = malloc((n_ids ? n_ids : 1) * sizeof(*ns));

	*out = malloc((n_ids ? n_ids : 1) * sizeof(**out));
	*start = calloc(m->n + 1, sizeof(**start));
	pos = calloc(m->n + 1, sizeof(*pos));
	if (ns == NULL || *out == NULL || *start == NULL || pos == NULL) {
		free(ns);
		free(pos);
		return FP_ENOMEM;
	}
	for (size_t i = 0; i < n_ids; i++) {
		const struct fp_identity *id = fp_idset_get(ids, i);
		const struct fp_policy_ns *pn = NULL;

		/* m->nss is sorted by name (choose_namespaces()) */
		if (id->kind == FP_ID_WORKLOAD && id->ns != NULL && m->n > 0)
			pn = bsearch(id->ns, m->nss, m->n, sizeof(*m->nss), ns_cmp);
		ns[i] = pn != NULL ? (long)(pn - m->nss) : -1;
		if (ns[i] >= 0)
			(*start)[ns[i] + 1]++;
	}
	for (size_t k = 0; k < m->n; k++)
		(*start)[k + 1] += (*start)[k];
	memcpy(pos, *start, (m->n + 1) * sizeof(*pos));
	for (size_t i = 0; i < n_ids; i++)
		if (ns[i] >= 0)
			(*out)[pos[ns[i]]++] = i;
	free(ns);
	free(pos);
	return 0;
}

int
fp_policy_synthesize(struct fp_policy_model **out, const struct fp_edgeset *es,
		     const struct fp_policy_opts *opts, struct fp_err *err)
{
	struct fp_policy_model *m = calloc(1, sizeof(*m));
	size_t *ids = NULL, *start = NULL;
	struct edge_index ix;
	int r;

	*out = NULL;
	if (m == NULL)
		return fp_err_nomem(err);
	m->es = es;
	m->triage = opts->triage;
	if (choose_namespaces(m, opts, err) < 0) {
		fp_policy_model_free(m);
		return FP_ENOMEM;
	}
	if (edge_index_build(&ix, es) < 0) {
		fp_policy_model_free(m);
		return fp_err_nomem(err);
	}
	r = group_workloads(&ids, &start, m);
	for (size_t i = 0; i < m->n && r == 0; i++)
		r = build_namespace(&m->nss[i], es, &ix, opts, ids + start[i],
				    start[i + 1] - start[i]);
	free(ids);
	free(start);
	edge_index_done(&ix);
	if (r < 0) {
		fp_policy_model_free(m);
		return fp_err_nomem(err);
	}
	if (opts->triage) {
		/* only the namespaces that got a temporary policy */
		size_t k = 0;

		for (size_t i = 0; i < m->n; i++) {
			if (m->nss[i].n > 0) {
				m->nss[k++] = m->nss[i];
			} else {
				free(m->nss[i].policies);
				free(m->nss[i].ns);
			}
		}
		m->n = k;
	}
	*out = m;
	return 0;
}
