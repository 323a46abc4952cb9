/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "lib/selector.h"
#include "lib/util-buf.h"

/* A peer as the evaluator wants it, with the storage its pointers use. */
struct side {
	struct fp_netpol_peer peer;
	struct fp_label *labels, *ns_labels;
	size_t n_labels, n_ns_labels;
	struct fp_netpol_port *ports;
	size_t n_ports;
	char *port_names; /* storage for ports[].name */
};

static void
side_done(struct side *s)
{
	fp_labels_free(s->labels, s->n_labels);
	fp_labels_free(s->ns_labels, s->n_ns_labels);
	free(s->ports);
	free(s->port_names);
	memset(s, 0, sizeof(*s));
}

/* "name/proto/port,..." into evaluator ports. */
static int
parse_ports(struct side *s, const char *text)
{
	size_t cap = 1;
	char *p;

	if (text == NULL || *text == '\0')
		return 0;
	for (const char *q = text; *q != '\0'; q++)
		cap += *q == ',';
	s->ports = calloc(cap, sizeof(*s->ports));
	s->port_names = strdup(text);
	if (s->ports == NULL || s->port_names == NULL)
		return FP_ENOMEM;
	p = s->port_names;
	while (*p != '\0') {
		char *end = p + strcspn(p, ","), *slash1, *slash2;
		bool last = *end == '\0';

		*end = '\0';
		slash1 = strchr(p, '/');
		slash2 = slash1 != NULL ? strchr(slash1 + 1, '/') : NULL;
		if (slash1 != NULL && slash2 != NULL && slash1 > p) {
			int proto = fp_proto_from_name(slash1 + 1, (size_t)(slash2 - slash1 - 1));

			*slash1 = '\0';
			if (proto > 0) {
				s->ports[s->n_ports].name = p;
				s->ports[s->n_ports].proto = (uint8_t)proto;
				s->ports[s->n_ports].port = (uint16_t)strtoul(slash2 + 1, NULL, 10);
				s->n_ports++;
			}
		}
		if (last)
			break;
		p = end + 1;
	}
	return 0;
}

/*
 * Describe identity @id as an evaluator peer, with label set @set (one of
 * its pods' sets).  The node stands for the pod's own node: both get the
 * same node name, so the evaluator applies the node rule.
 */
static int
make_side(struct side *s, const struct fp_identity *id, const char *set, const char *name)
{
	struct fp_addr a;

	memset(s, 0, sizeof(*s));
	switch (id->kind) {
	case FP_ID_WORKLOAD:
		if (fp_labels_parse(&s->labels, &s->n_labels, set) < 0 ||
		    fp_labels_parse(&s->ns_labels, &s->n_ns_labels, id->ns_labels) < 0 ||
		    parse_ports(s, id->ports) < 0)
			return FP_ENOMEM;
		s->peer.is_pod = true;
		s->peer.ns = id->ns;
		s->peer.name = name;
		s->peer.labels = s->labels;
		s->peer.n_labels = s->n_labels;
		s->peer.ns_labels = s->ns_labels;
		s->peer.n_ns_labels = s->n_ns_labels;
		s->peer.ports = s->ports;
		s->peer.n_ports = s->n_ports;
		s->peer.node = "the pod's own node";
		return 0;
	case FP_ID_NODE:
		s->peer.is_node = true;
		s->peer.node = "the pod's own node";
		return 0;
	case FP_ID_EXTERNAL:
	case FP_ID_APISERVER:
		if (fp_addr_parse(&a, id->name, strlen(id->name)) == 0) {
			s->peer.addr = a;
		} else if (id->cidrs != NULL) {
			/* a known network: its first block's first address stands
			 * for it (flowpol writes the same rule for all its blocks) */
			struct fp_cidr c;
			char first[FP_ADDR_BUFSZ + 8];

			snprintf(first, sizeof(first), "%.*s", (int)strcspn(id->cidrs, ","), id->cidrs);
			if (fp_cidr_parse(&c, first, false) == 0)
				s->peer.addr = c.addr;
		}
		return 0;
	default:
		return 1; /* not something a policy can be asked about */
	}
}

/* The label sets to try for an identity: each pod variant, or just one. */
static size_t
n_variants(const struct fp_identity *id)
{
	return id->kind == FP_ID_WORKLOAD && id->n_sets > 0 ? id->n_sets : 1;
}

static const char *
variant(const struct fp_identity *id, size_t k, struct fp_buf *scratch)
{
	if (id->kind != FP_ID_WORKLOAD)
		return NULL;
	if (id->n_sets > 0)
		return id->sets[k];
	/* loaded from a stored run: the labels all its pods carried */
	fp_buf_reset(scratch);
	for (size_t i = 0; i < id->n_labels; i++)
		fp_buf_printf(scratch, "%s%s=%s", i ? "," : "", id->labels[i].key, id->labels[i].value);
	return fp_buf_str(scratch);
}

static bool
wanted(const struct fp_edge *e, const struct fp_check_opts *opts)
{
	if (e->status == FP_EDGE_CNI || e->status == FP_EDGE_NO_POD)
		return false;
	if (e->verdict == FP_EDGE_DROPPED)
		return opts != NULL && opts->dropped;
	return true;
}

static int
check_one(struct fp_check_item *item, const struct fp_edgeset *es, const struct fp_edge *e,
	  const struct fp_netpol_set *set, struct fp_err *err)
{
	const struct fp_identity *src = fp_idset_get(es->ids, e->src);
	const struct fp_identity *dst = fp_idset_get(es->ids, e->dst);
	struct fp_buf sa, sb, why;
	char other[300];
	int r = 0;

	item->verdict = FP_CHECK_ALLOWED;
	item->policy[0] = item->policy[1] = item->rule[0] = item->rule[1] = FP_NETPOL_NONE;
	if (src->kind == FP_ID_UNRESOLVED || dst->kind == FP_ID_UNRESOLVED ||
	    (src->kind == FP_ID_WORKLOAD && src->n_sets == 0 && src->n_labels == 0) ||
	    (dst->kind == FP_ID_WORKLOAD && dst->n_sets == 0 && dst->n_labels == 0) ||
	    e->verdict == FP_EDGE_UNDIRECTED) {
		item->verdict = FP_CHECK_UNCHECKED;
		return 0;
	}
	fp_buf_init(&sa);
	fp_buf_init(&sb);
	fp_buf_init(&why);
	/* Names make the reasons readable; replicas of one workload talking to
	 * each other are different pods, never "a pod reaching itself". */
	snprintf(other, sizeof(other), "%s%s", dst->name != NULL ? dst->name : "",
		 src == dst ? " (another replica)" : "");
	for (size_t i = 0; i < n_variants(src) && r == 0; i++) {
		for (size_t j = 0; j < n_variants(dst) && r == 0; j++) {
			struct side a, b;
			struct fp_netpol_decision d;
			int ra = make_side(&a, src, variant(src, i, &sa), src->name);
			int rb = make_side(&b, dst, variant(dst, j, &sb), other);

			if (ra == 1 || rb == 1) {
				item->verdict = FP_CHECK_UNCHECKED;
			} else if (ra < 0 || rb < 0) {
				r = fp_err_nomem(err);
			} else if (fp_netpol_evaluate(&d, set, &a.peer, &b.peer, e->proto, e->port,
						      err) < 0) {
				r = err->code;
			} else if (!d.allowed || item->reason == NULL) {
				fp_buf_reset(&why);
				fp_netpol_format_decision(&why, set, &d, &a.peer, &b.peer, e->proto, e->port);
				free(item->reason);
				item->reason = fp_buf_steal(&why);
				item->policy[FP_NETPOL_EGRESS] = d.egress.policy;
				item->rule[FP_NETPOL_EGRESS] = d.egress.rule;
				item->policy[FP_NETPOL_INGRESS] = d.ingress.policy;
				item->rule[FP_NETPOL_INGRESS] = d.ingress.rule;
				if (!d.allowed) {
					item->verdict = FP_CHECK_DENIED;
					item->egress_denied = !d.egress.allowed;
					item->ingress_denied = !d.ingress.allowed;
				}
			}
			side_done(&a);
			side_done(&b);
			if (item->verdict != FP_CHECK_ALLOWED)
				goto out;
		}
	}
out:
	fp_buf_done(&sa);
	fp_buf_done(&sb);
	fp_buf_done(&why);
	return r;
}

int
fp_check_edges(struct fp_check_result **out, const struct fp_edgeset *es,
	       const struct fp_netpol_set *set, const struct fp_check_opts *opts,
	       struct fp_err *err)
{
	struct fp_check_result *res = calloc(1, sizeof(*res));

	*out = NULL;
	if (res == NULL || (res->items = calloc(es->n + 1, sizeof(*res->items))) == NULL) {
		free(res);
		return fp_err_nomem(err);
	}
	for (size_t i = 0; i < es->n; i++) {
		struct fp_check_item *item;

		if (!wanted(&es->edges[i], opts))
			continue;
		item = &res->items[res->n++];
		item->edge = i;
		if (check_one(item, es, &es->edges[i], set, err) < 0) {
			fp_check_result_free(res);
			return err->code;
		}
		if (item->verdict == FP_CHECK_ALLOWED)
			res->allowed++;
		else if (item->verdict == FP_CHECK_DENIED)
			res->denied++;
		else
			res->unchecked++;
	}
	*out = res;
	return 0;
}

void
fp_check_result_free(struct fp_check_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->items[i].reason);
	free(r->items);
	free(r);
}

void
fp_check_policy_use(size_t *counts, const struct fp_check_result *r,
		    const struct fp_netpol_set *set)
{
	size_t n = fp_netpol_count(set);

	memset(counts, 0, 2 * n * sizeof(*counts));
	for (size_t i = 0; i < r->n; i++) {
		for (int d = 0; d < 2; d++) {
			size_t p = r->items[i].policy[d];

			if (r->items[i].verdict == FP_CHECK_ALLOWED && p != FP_NETPOL_NONE && p < n)
				counts[2 * p + d]++;
		}
	}
}
