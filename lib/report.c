/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "lib/flow.h"
#include "lib/netpol.h"
#include "lib/report.h"
#include "lib/report-private.h"
#include "lib/util-file.h"
#include "lib/util-k8s.h"
#include "lib/util-sort.h"
#include "lib/util-time.h"

int
fp_report_selector_text(struct fp_buf *out, const struct fp_selector *sel)
{
	for (size_t i = 0; i < sel->n_match; i++)
		if (fp_buf_printf(out, "%s%s=%s", i ? "," : "", sel->match[i].key,
				  sel->match[i].value) < 0)
			return FP_ENOMEM;
	for (size_t i = 0; i < sel->n_absent; i++)
		if (fp_buf_printf(out, "%s!%s", i || sel->n_match ? "," : "", sel->absent[i]) < 0)
			return FP_ENOMEM;
	/* kubectl's selector syntax: "tier in (a,b)", "tier notin (c)", "tier" */
	for (size_t i = 0; i < sel->n_exprs; i++) {
		const struct fp_sel_expr *x = &sel->exprs[i];
		bool first = i == 0 && sel->n_match == 0 && sel->n_absent == 0;

		if (x->op == FP_SEL_EXISTS || x->op == FP_SEL_DOESNOTEXIST) {
			fp_buf_printf(out, "%s%s%s", first ? "" : ",",
				      x->op == FP_SEL_DOESNOTEXIST ? "!" : "", x->key);
			continue;
		}
		fp_buf_printf(out, "%s%s %s (", first ? "" : ",", x->key,
			      x->op == FP_SEL_IN ? "in" : "notin");
		for (size_t v = 0; v < x->n_values; v++)
			fp_buf_printf(out, "%s%s", v ? "," : "", x->values[v]);
		if (fp_buf_addc(out, ')') < 0)
			return FP_ENOMEM;
	}
	return 0;
}

/* "ns/name" for workloads, the address or kind otherwise. */
static void
id_name(struct fp_buf *out, const struct fp_identity *id)
{
	switch (id->kind) {
	case FP_ID_WORKLOAD:
		fp_buf_printf(out, "%s/%s", id->ns, id->name);
		break;
	case FP_ID_APISERVER:
		fp_buf_printf(out, "kube-apiserver %s", id->name);
		break;
	case FP_ID_UNRESOLVED:
		fp_buf_printf(out, "unresolved %s", id->name);
		break;
	default:
		fp_buf_adds(out, id->name);
		break;
	}
}

/* The name with its selector, for tables: "bookinfo/ratings-v1 (`app=ratings`)". */
void
fp_report_id_cell(struct fp_buf *out, const struct fp_identity *id)
{
	id_name(out, id);
	if (id->kind == FP_ID_WORKLOAD && id->selectable) {
		fp_buf_adds(out, " (`");
		fp_report_selector_text(out, &id->sel);
		fp_buf_adds(out, "`)");
	} else if (id->cidrs != NULL) {
		fp_buf_adds(out, " (`");
		for (const char *c = id->cidrs; *c != '\0'; c++)
			fp_buf_adds(out, *c == ',' ? "`, `" : (char[]){ *c, '\0' });
		fp_buf_adds(out, "`)");
	} else if (id->kind == FP_ID_EXTERNAL || id->kind == FP_ID_APISERVER) {
		fp_buf_printf(out, " (`%s/%s`)", id->name, strchr(id->name, ':') ? "128" : "32");
	}
}

static void
ports_cell(struct fp_buf *out, const struct fp_policy_rule *r)
{
	for (size_t i = 0; i < r->n_ports; i++) {
		const struct fp_policy_port *p = &r->ports[i];

		fp_buf_printf(out, "%s%s %u", i ? ", " : "", fp_proto_name(p->proto), p->port);
		if (p->end_port != 0)
			fp_buf_printf(out, "-%u", p->end_port);
	}
}

const char *
fp_report_proto_text(uint8_t proto, char buf[16])
{
	const char *n = fp_proto_name(proto);

	if (n != NULL)
		return n;
	snprintf(buf, 16, "proto %u", proto);
	return buf;
}

static void
rule_rows(struct fp_buf *out, const char *dir, const struct fp_policy_rule *r, size_t n,
	  uint64_t *low)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];

	for (size_t i = 0; i < n; i++) {
		for (size_t p = 0; p < r[i].n_peers; p++) {
			const struct fp_policy_peer *pe = &r[i].peers[p];
			bool lowev = pe->flows < FP_REPORT_LOW_FLOWS && pe->stale == 0;

			fp_buf_printf(out, "| %s | ", dir);
			fp_report_id_cell(out, pe->id);
			fp_buf_adds(out, " | ");
			ports_cell(out, &r[i]);
			fp_buf_printf(out, " | %llu | %u | %s | %s | ", (unsigned long long)pe->flows,
				      pe->days, fp_time_format(a, pe->first), fp_time_format(b, pe->last));
			if (lowev) {
				fp_buf_adds(out, "low evidence");
				(*low)++;
			}
			if (pe->stale > 0)
				fp_buf_printf(out, "no traffic for %u window%s: kept", pe->stale,
					      pe->stale == 1 ? "" : "s");
			if (pe->dns_tcp_added)
				fp_buf_printf(out, "%sTCP 53 added on purpose: DNS falls back to TCP",
					      lowev || pe->stale > 0 ? "; " : "");
			fp_buf_adds(out, " |\n");
		}
	}
}

/*
 * What the namespace sections need, found in one pass over the edges and the
 * identities rather than one pass per namespace: with 200 namespaces and
 * 100,000 edges, scanning every edge for every namespace made REVIEW.md
 * the slowest part of generate.
 */
struct ns_index {
	size_t *edges, *edge_start; /* admitted edges touching namespace k, in edge order */
	size_t *ids, *id_start;     /* workloads of namespace k, in identity order */
	bool *has_policy;           /* per identity: a policy selects it */
};

static void
ns_index_done(struct ns_index *x)
{
	free(x->edges);
	free(x->edge_start);
	free(x->ids);
	free(x->id_start);
	free(x->has_policy);
}

static int
ns_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fp_policy_ns *)elem)->ns);
}

/* The section of identity @id's namespace (m->nss is sorted by name), or -1. */
static long
ns_of(const struct fp_policy_model *m, const struct fp_identity *id)
{
	const struct fp_policy_ns *pn;

	if (id->ns == NULL || m->n == 0)
		return -1;
	pn = bsearch(id->ns, m->nss, m->n, sizeof(*m->nss), ns_cmp);
	return pn != NULL ? (long)(pn - m->nss) : -1;
}

/*
 * Counting sort: @n items, item i going to bucket @of[2i] and @of[2i + 1]
 * (-1: none).  Stable, so each bucket keeps the items' order.
 */
static int
group(size_t **out, size_t **start, size_t n_buckets, const long *of, size_t n)
{
	size_t *pos;

	*start = calloc(n_buckets + 1, sizeof(**start));
	*out = malloc((2 * n + 1) * sizeof(**out));
	pos = calloc(n_buckets + 1, sizeof(*pos));
	if (*start == NULL || *out == NULL || pos == NULL) {
		free(pos);
		return FP_ENOMEM;
	}
	for (size_t i = 0; i < 2 * n; i++)
		if (of[i] >= 0)
			(*start)[of[i] + 1]++;
	for (size_t k = 0; k < n_buckets; k++)
		(*start)[k + 1] += (*start)[k];
	memcpy(pos, *start, (n_buckets + 1) * sizeof(*pos));
	for (size_t i = 0; i < 2 * n; i++)
		if (of[i] >= 0)
			(*out)[pos[of[i]]++] = i / 2;
	free(pos);
	return 0;
}

static int
ns_index_build(struct ns_index *x, const struct fp_policy_model *m)
{
	const struct fp_edgeset *es = m->es;
	size_t n_ids = fp_idset_count(es->ids);
	long *ns = malloc((n_ids ? n_ids : 1) * sizeof(*ns));
	long *of = malloc((2 * (es->n > n_ids ? es->n : n_ids) + 1) * sizeof(*of));
	int r = FP_ENOMEM;

	memset(x, 0, sizeof(*x));
	x->has_policy = calloc(n_ids ? n_ids : 1, sizeof(*x->has_policy));
	if (ns == NULL || of == NULL || x->has_policy == NULL)
		goto out;
	for (size_t i = 0; i < n_ids; i++)
		ns[i] = ns_of(m, fp_idset_get(es->ids, i));
	/* An admitted edge is drawn in the section of each side's namespace. */
	for (size_t e = 0; e < es->n; e++) {
		const struct fp_edge *ed = &es->edges[e];
		bool allow = ed->status == FP_EDGE_ALLOW;

		of[2 * e] = allow ? ns[ed->src] : -1;
		of[2 * e + 1] = allow && ns[ed->dst] != ns[ed->src] ? ns[ed->dst] : -1;
	}
	if (group(&x->edges, &x->edge_start, m->n, of, es->n) < 0)
		goto out;
	for (size_t i = 0; i < n_ids; i++) {
		of[2 * i] = fp_idset_get(es->ids, i)->kind == FP_ID_WORKLOAD ? ns[i] : -1;
		of[2 * i + 1] = -1;
	}
	if (group(&x->ids, &x->id_start, m->n, of, n_ids) < 0)
		goto out;
	for (size_t k = 0; k < m->n; k++)
		for (size_t p = 0; p < m->nss[k].n; p++)
			if (m->nss[k].policies[p].target != NULL)
				x->has_policy[m->nss[k].policies[p].target - fp_idset_get(es->ids, 0)] =
					true;
	r = 0;
out:
	free(ns);
	free(of);
	return r;
}

static int
size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void
mermaid(struct fp_buf *out, const struct fp_policy_model *m, const struct ns_index *x, size_t k)
{
	const struct fp_edgeset *es = m->es;
	size_t lo = x->edge_start[k], n = x->edge_start[k + 1] - lo, n_nodes = 0;
	size_t *nodes = malloc((2 * n + 1) * sizeof(*nodes));

	if (nodes == NULL)
		return;
	fp_buf_adds(out, "```mermaid\nflowchart LR\n");
	/* Nodes: every identity on an admitted edge of this namespace, in
	 * identity order, once. */
	for (size_t i = 0; i < n; i++) {
		nodes[n_nodes++] = es->edges[x->edges[lo + i]].src;
		nodes[n_nodes++] = es->edges[x->edges[lo + i]].dst;
	}
	fp_qsort(nodes, n_nodes, sizeof(*nodes), size_cmp);
	for (size_t i = 0; i < n_nodes; i++) {
		if (i > 0 && nodes[i] == nodes[i - 1])
			continue;
		fp_buf_printf(out, "  n%zu[\"", nodes[i]);
		id_name(out, fp_idset_get(es->ids, nodes[i]));
		fp_buf_adds(out, "\"]\n");
	}
	free(nodes);
	for (size_t i = 0; i < n; i++) {
		const struct fp_edge *ed = &es->edges[x->edges[lo + i]];
		char pb[16];

		/* a rule carried without traffic is drawn dashed: kept, not seen */
		if (ed->stale > 0)
			fp_buf_printf(out, "  n%u -.->|\"%s %u (no traffic)\"| n%u\n", ed->src,
				      fp_report_proto_text(ed->proto, pb), ed->port, ed->dst);
		else
			fp_buf_printf(out, "  n%u -->|\"%s %u (%llu)\"| n%u\n", ed->src,
				      fp_report_proto_text(ed->proto, pb), ed->port,
				      (unsigned long long)ed->flows, ed->dst);
	}
	if (n == 0)
		fp_buf_adds(out, "  none[\"no admitted traffic\"]\n");
	fp_buf_adds(out, "```\n\n");
}

static void
namespace_section(struct fp_buf *out, const struct fp_policy_model *m, const struct ns_index *x,
		  size_t k, enum fp_layout layout, uint64_t *low)
{
	char path[FP_K8S_LABEL_MAX + FP_K8S_SUBDOMAIN_MAX + 8];
	const struct fp_edgeset *es = m->es;
	const struct fp_policy_ns *pn = &m->nss[k];
	size_t workloads = 0;
	bool any_isolated = false;

	fp_buf_printf(out, "## Namespace `%s`\n\n", pn->ns);
	if (pn->system)
		fp_buf_adds(out, "**Warning:** this is `kube-system`. A wrong policy here can break "
				 "the whole cluster (DNS, the CNI, the API server's webhooks). "
				 "Review every rule.\n\n");
	for (size_t p = 0; p < pn->n; p++)
		workloads += pn->policies[p].target != NULL;
	if (layout == FP_LAYOUT_WORKLOAD) {
		/* one file per policy: each heading below links to its own */
		fp_buf_printf(out, "`%s/`: ", pn->ns);
		if (pn->n > workloads)
			fp_buf_printf(out, "[`%s`](%s) (every pod, both directions) and ",
				      pn->policies[0].name,
				      fp_layout_path(path, sizeof(path), layout, pn, &pn->policies[0]));
		fp_buf_printf(out, "%zu workload polic%s, one file each.\n\n", workloads,
			      workloads == 1 ? "y" : "ies");
	} else {
		fp_buf_printf(out, "`%s.yaml`: %s%zu workload polic%s.\n\n", pn->ns,
			      pn->n > workloads ? "`default-deny` (every pod, both directions) and "
						: "",
			      workloads, workloads == 1 ? "y" : "ies");
	}
	for (size_t p = 0; p < pn->n; p++) {
		const struct fp_policy *pol = &pn->policies[p];

		if (pol->target == NULL)
			continue;
		if (layout == FP_LAYOUT_WORKLOAD)
			fp_buf_printf(out, "### [`%s`](%s) selects `", pol->name,
				      fp_layout_path(path, sizeof(path), layout, pn, pol));
		else
			fp_buf_printf(out, "### `%s` selects `", pol->name);
		fp_report_selector_text(out, &pol->target->sel);
		fp_buf_adds(out, "`\n\n");
		if (pol->target->sel.n_absent > 0)
			fp_buf_adds(out, "Its selector excludes keys another workload carries "
					 "(`!key`): a pod of this workload that gains such a label "
					 "stops being selected.\n\n");
		fp_buf_adds(out, "| direction | peer | ports | flows | days | first seen | last seen | "
				 "note |\n|---|---|---|---|---|---|---|---|\n");
		rule_rows(out, "ingress", pol->ingress, pol->n_ingress, low);
		rule_rows(out, "egress", pol->egress, pol->n_egress, low);
		fp_buf_adds(out, "\n");
	}
	for (size_t at = x->id_start[k]; at < x->id_start[k + 1]; at++) {
		const struct fp_identity *id = fp_idset_get(es->ids, x->ids[at]);

		if (x->has_policy[x->ids[at]])
			continue;
		if (!any_isolated)
			fp_buf_adds(out, "Workloads seen but given no allow rule (default-deny "
					 "isolates them):\n\n");
		any_isolated = true;
		fp_buf_adds(out, "- `");
		id_name(out, id);
		fp_buf_printf(out, "`%s%s\n", id->note != NULL ? ": " : "",
			      id->note != NULL ? id->note : "");
	}
	if (any_isolated)
		fp_buf_adds(out, "\n");
	mermaid(out, m, x, k);
}

static const char *
status_heading(enum fp_edge_status s)
{
	switch (s) {
	case FP_EDGE_NODE:
		return "Node traffic: no rule (CNIs admit traffic between a node and its pods; "
		       "pod-to-node traffic will be denied by default-deny)";
	case FP_EDGE_UNRESOLVED:
		return "Unresolved endpoints: no rule (they cannot be selected exactly; this "
		       "traffic will be denied)";
	case FP_EDGE_NO_PORTS:
		return "Protocols a NetworkPolicy cannot name (ICMP and others): no rule";
	case FP_EDGE_DENIED:
		return "Dropped by the policy engine: no rule (no evidence the traffic is needed)";
	case FP_EDGE_MIN_FLOWS:
		return "Below --min-flows: no rule";
	case FP_EDGE_AMBIGUOUS:
		return "Direction unknown (the log does not say which side opened the connection, "
		       "and the inventory does not say which listens): no rule";
	default:
		return NULL;
	}
}

static void
not_admitted(struct fp_buf *out, const struct fp_policy_model *m)
{
	static const enum fp_edge_status order[] = { FP_EDGE_UNRESOLVED, FP_EDGE_AMBIGUOUS,
						     FP_EDGE_NODE, FP_EDGE_MIN_FLOWS,
						     FP_EDGE_NO_PORTS, FP_EDGE_DENIED };
	const struct fp_edgeset *es = m->es;
	char a[FP_TIME_BUFSZ], pb[16];
	bool heading = false;

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		bool any = false;

		for (size_t e = 0; e < es->n; e++) {
			const struct fp_edge *ed = &es->edges[e];

			if (ed->status != order[k])
				continue;
			if (!heading)
				fp_buf_adds(out, "## Observed but not admitted\n\n");
			heading = true;
			if (!any)
				fp_buf_printf(out, "### %s\n\n| source | destination | port | flows | "
						   "last seen |\n|---|---|---|---|---|\n",
					      status_heading(order[k]));
			any = true;
			fp_buf_adds(out, "| ");
			fp_report_id_cell(out, fp_idset_get(es->ids, ed->src));
			fp_buf_adds(out, " | ");
			fp_report_id_cell(out, fp_idset_get(es->ids, ed->dst));
			if (fp_proto_has_ports(ed->proto))
				fp_buf_printf(out, " | %s %u", fp_report_proto_text(ed->proto, pb), ed->port);
			else
				fp_buf_printf(out, " | %s", fp_report_proto_text(ed->proto, pb));
			fp_buf_printf(out, " | %llu | %s |\n", (unsigned long long)ed->flows,
				      fp_time_format(a, ed->last));
		}
		if (any)
			fp_buf_adds(out, "\n");
	}
}

/* generate --existing: what the policies in force already admit, and what
 * of theirs the window never used. */
static void
existing_section(struct fp_buf *out, const struct fp_policy_model *m,
		 const struct fp_report_input *in)
{
	const struct fp_edgeset *es = m->es;
	const struct fp_netpol_set *set = in->existing;
	size_t k = 0;
	bool any = false;

	if (set == NULL || in->existing_check == NULL)
		return;
	for (size_t i = 0; i < in->existing_check->n; i++) {
		const struct fp_check_item *it = &in->existing_check->items[i];
		const struct fp_edge *ed = &es->edges[it->edge];

		if (ed->status != FP_EDGE_EXISTING && ed->covered_sides == 0)
			continue;
		if (!any)
			fp_buf_printf(out, "## Already admitted by the policies in `%s`\n\n"
					   "No new rule for these on the side a rule in force admits them.\n\n"
					   "| source | destination | port | flows | admitted by |\n"
					   "|---|---|---|---|---|\n",
				      in->existing_dir);
		any = true;
		fp_buf_adds(out, "| ");
		fp_report_id_cell(out, fp_idset_get(es->ids, ed->src));
		fp_buf_adds(out, " | ");
		fp_report_id_cell(out, fp_idset_get(es->ids, ed->dst));
		fp_buf_printf(out, " | %s %u | %llu | ", fp_proto_name(ed->proto), ed->port,
			      (unsigned long long)ed->flows);
		for (int d = 1, first = 1; d >= 0; d--) {
			size_t p = it->policy[d];

			if (p == FP_NETPOL_NONE)
				continue;
			fp_buf_printf(out, "%s`%s/%s` (%s rule %zu)", first ? "" : ", ",
				      fp_netpol_get(set, p)->ns, fp_netpol_get(set, p)->name,
				      d == FP_NETPOL_EGRESS ? "egress" : "ingress", it->rule[d] + 1);
			first = 0;
		}
		fp_buf_adds(out, " |\n");
	}
	if (any)
		fp_buf_adds(out, "\n");
	any = false;
	for (size_t p = 0; p < fp_netpol_count(set); p++) {
		const struct fp_netpol_info *pi = fp_netpol_get(set, p);

		for (int d = 0; d < 2; d++) {
			for (size_t rule = 0; rule < pi->n_rules[d]; rule++, k++) {
				if (in->rule_use[k] > 0)
					continue;
				if (!any)
					fp_buf_adds(out, "## Rules in force that the window never used\n\n"
							 "Candidates for removal after review; flowpol "
							 "never removes them.\n\n");
				any = true;
				fp_buf_printf(out, "- `%s/%s` %s rule %zu (`%s:%ld`)\n", pi->ns, pi->name,
					      d == FP_NETPOL_EGRESS ? "egress" : "ingress", rule + 1,
					      pi->file,
					      fp_netpol_rule_line(set, p, (enum fp_netpol_dir)d, rule));
			}
		}
	}
	if (any)
		fp_buf_adds(out, "\n");
}

static void
unselectable(struct fp_buf *out, const struct fp_policy_model *m)
{
	const struct fp_edgeset *es = m->es;
	bool any = false;

	for (size_t i = 0; i < fp_idset_count(es->ids); i++) {
		const struct fp_identity *id = fp_idset_get(es->ids, i);

		if (id->note == NULL)
			continue;
		if (!any)
			fp_buf_adds(out, "## Cannot be selected exactly\n\n"
					 "flowpol never widens a selector to cover these; their "
					 "traffic gets no rule.\n\n");
		any = true;
		fp_buf_adds(out, "- `");
		id_name(out, id);
		fp_buf_printf(out, "`: %s\n", id->note);
	}
	if (any)
		fp_buf_adds(out, "\n");
	any = false;
	for (size_t i = 0; i < fp_idset_count(es->ids); i++) {
		const struct fp_identity *id = fp_idset_get(es->ids, i);

		if (id->also == NULL)
			continue;
		if (!any)
			fp_buf_adds(out, "## Workloads NetworkPolicy cannot tell apart\n\n"
					 "Their pods carry exactly the same labels, so no selector can "
					 "admit one and not the other: one set of rules covers them.\n\n");
		any = true;
		fp_buf_adds(out, "- `");
		id_name(out, id);
		fp_buf_printf(out, "` and `%s`\n", id->also);
	}
	if (any)
		fp_buf_adds(out, "\n");
}

int
fp_report_render(struct fp_buf *out, const struct fp_policy_model *m,
		 const struct fp_report_input *in, struct fp_err *err)
{
	const struct fp_edgeset *es = m->es;
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	uint64_t admitted = 0, other = 0, low = 0, flows = 0, existing = 0;
	struct ns_index x;
	struct fp_buf body;

	if (ns_index_build(&x, m) < 0) {
		ns_index_done(&x);
		return fp_err_nomem(err);
	}
	fp_buf_init(&body);
	for (size_t e = 0; e < es->n; e++) {
		if (es->edges[e].stale > 0) {
			continue; /* carried forward: fp_report_history_summary() */
		} else if (es->edges[e].status == FP_EDGE_ALLOW) {
			admitted++;
			flows += es->edges[e].flows;
		} else if (es->edges[e].status == FP_EDGE_EXISTING) {
			existing++;
		} else if (es->edges[e].status != FP_EDGE_CNI && es->edges[e].status != FP_EDGE_NO_POD) {
			other++;
		}
	}
	for (size_t i = 0; i < m->n; i++)
		namespace_section(&body, m, &x, i, in != NULL ? in->layout : FP_LAYOUT_NAMESPACE,
				  &low);
	ns_index_done(&x);
	not_admitted(&body, m);
	fp_report_history(&body, m);
	if (in != NULL)
		existing_section(&body, m, in);
	unselectable(&body, m);

	fp_buf_adds(out, "# flowpol review\n\n");
	fp_buf_printf(out, "Window: %s to %s (UTC; the end is not included).\n\n",
		      fp_time_format(a, es->since), fp_time_format(b, es->until));
	if (in != NULL && in->changes != NULL)
		fp_buf_adds(out, in->changes);
	fp_buf_printf(out, "- %llu connections between identities admitted (%llu flows)\n",
		      (unsigned long long)admitted, (unsigned long long)flows);
	fp_buf_printf(out, "- %llu observed but not admitted (see below)\n", (unsigned long long)other);
	fp_report_history_summary(out, m);
	if (in != NULL && in->existing_dir != NULL)
		fp_buf_printf(out, "- %llu already admitted by the policies in `%s` (no new rule)\n",
			      (unsigned long long)existing, in->existing_dir);
	fp_buf_printf(out, "- %llu rules with low evidence (fewer than %d flows)\n",
		      (unsigned long long)low, FP_REPORT_LOW_FLOWS);
	if (es->inventory || es->matches[0] + es->matches[1] + es->matches[2] > 0)
		fp_buf_printf(out, "- %llu lookups of addresses and pod names resolved through the "
				   "inventory at the time of each flow: %llu exact, %llu near (within "
				   "the grace period), %llu unresolved\n",
			      (unsigned long long)(es->matches[0] + es->matches[1] + es->matches[2]),
			      (unsigned long long)es->matches[0], (unsigned long long)es->matches[1],
			      (unsigned long long)es->matches[2]);
	if (es->ranges.len > 0) {
		fp_buf_adds(out, "- Cluster ranges, never written as ipBlocks: ");
		for (const char *p = fp_buf_str(&es->ranges); *p != '\0';) {
			size_t n = strcspn(p, ",");

			fp_buf_printf(out, "%s`%.*s`", p == fp_buf_str(&es->ranges) ? "" : ", ", (int)n, p);
			p += n + (p[n] == ',');
		}
		fp_buf_adds(out, "\n");
	}
	if (in != NULL && in->rejected > 0)
		fp_buf_printf(out, "- %llu input lines were rejected ('flowpol stats' counts them)\n",
			      (unsigned long long)in->rejected);
	fp_buf_adds(out, "\n| namespace | policies | ingress rules | egress rules |\n"
			 "|---|---|---|---|\n");
	for (size_t i = 0; i < m->n; i++) {
		size_t ni = 0, ne = 0;

		for (size_t p = 0; p < m->nss[i].n; p++) {
			ni += m->nss[i].policies[p].n_ingress;
			ne += m->nss[i].policies[p].n_egress;
		}
		fp_buf_printf(out, "| `%s` | %zu | %zu | %zu |\n", m->nss[i].ns, m->nss[i].n, ni, ne);
	}
	fp_buf_adds(out, "\n");
	fp_buf_add(out, fp_buf_str(&body), body.len);
	fp_buf_done(&body);
	if (out->data == NULL)
		return fp_err_nomem(err);
	return 0;
}

int
fp_report_write(const struct fp_policy_model *m, const struct fp_report_input *in,
		const char *dir, struct fp_err *err)
{
	struct fp_buf b;
	int r;

	fp_buf_init(&b);
	r = fp_report_render(&b, m, in, err);
	if (r == 0)
		r = fp_file_write_atomic(dir, "REVIEW.md", b.data, b.len, err);
	fp_buf_done(&b);
	return r;
}
