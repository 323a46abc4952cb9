/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph.c - draw the identities of a window and the traffic between them,
 * for Graphviz and for Mermaid (which renders in a pull request).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/graph.h"
#include "lib/identity.h"
#include "lib/util-sort.h"
#include "lib/util-time.h"

/* One drawn edge: every (proto, port) edge of one ordered pair. */
struct link {
	uint32_t src, dst;
	bool dropped;
	size_t first, n; /* the pair's edges: es->edges[first..], filtered by drawn() */
	uint64_t flows;
};

struct draw {
	struct fp_buf *out;
	const struct fp_edgeset *es;
	const struct fp_graph_opts *opts;
	enum fp_graph_format fmt;
	bool *used; /* identities on a drawn edge */
	struct link *links;
	size_t n_links;
};

int
fp_graph_quote(struct fp_buf *out, enum fp_graph_format fmt, const char *s)
{
	int r = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && r == 0;
	     p++) {
		bool printable = *p >= 0x20 && *p < 0x7f;

		if (fmt == FP_GRAPH_DOT) {
			/* A backslash of our own keeps dot from reading \N, \l, ... */
			if (*p == '"' || *p == '\\')
				r = fp_buf_printf(out, "\\%c", *p);
			else if (printable)
				r = fp_buf_addc(out, (char)*p);
			else
				r = fp_buf_printf(out, "\\\\x%02x", *p);
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') ||
			   (*p != '\0' && strchr(" ./:=,()-_", *p))) {
			r = fp_buf_addc(out, (char)*p);
		} else {
			/* Mermaid's entity codes: no quote, bracket, pipe, '<' or '#'
			 * of the value ever reaches its parser or the HTML. */
			r = fp_buf_printf(out, "#%u;", *p);
		}
	}
	return r;
}

static bool
in_namespaces(const struct fp_identity *id, const struct fp_graph_opts *o)
{
	if (id->ns == NULL)
		return false;
	for (size_t i = 0; i < o->n_namespaces; i++)
		if (strcmp(id->ns, o->namespaces[i]) == 0)
			return true;
	return false;
}

static bool
drawn(const struct draw *d, const struct fp_edge *e)
{
	const struct fp_graph_opts *o = d->opts;

	if (e->status == FP_EDGE_CNI)
		return false;
	if (e->verdict == FP_EDGE_DROPPED && !o->dropped)
		return false;
	return o->n_namespaces == 0 ||
	       in_namespaces(fp_idset_get(d->es->ids, e->src), o) ||
	       in_namespaces(fp_idset_get(d->es->ids, e->dst), o);
}

/* Edges are sorted by (src, dst, proto, port, verdict): a pair is a run. */
static int
collect(struct draw *d)
{
	const struct fp_edgeset *es = d->es;

	d->used = calloc(fp_idset_count(es->ids) + 1, sizeof(*d->used));
	/* at most two links (observed, dropped) per edge */
	d->links = calloc(2 * es->n + 1, sizeof(*d->links));
	if (d->used == NULL || d->links == NULL)
		return FP_ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < es->n; i++) {
			const struct fp_edge *e = &es->edges[i];
			struct link *l =
				d->n_links > 0 ? &d->links[d->n_links - 1] : NULL;
			bool dropped = e->verdict == FP_EDGE_DROPPED;

			/* observed links first, dropped ones after */
			if (dropped != (pass == 1) || !drawn(d, e))
				continue;
			if (l == NULL || l->src != e->src || l->dst != e->dst ||
			    l->dropped != dropped) {
				l = &d->links[d->n_links++];
				*l = (struct link){ e->src, e->dst, dropped, i, 0, 0 };
			}
			l->n = i + 1 - l->first;
			l->flows += e->flows;
			d->used[e->src] = d->used[e->dst] = true;
		}
	}
	return 0;
}

static void
id_label(struct draw *d, const struct fp_identity *id, bool in_group)
{
	struct fp_buf b;

	fp_buf_init(&b);
	if (id->kind == FP_ID_WORKLOAD && !in_group)
		fp_buf_printf(&b, "%s/%s", id->ns, id->name);
	else if (id->kind == FP_ID_APISERVER)
		fp_buf_printf(&b, "kube-apiserver %s", id->name);
	else if (id->kind == FP_ID_UNRESOLVED)
		fp_buf_printf(&b, "unresolved %s", id->name);
	else
		fp_buf_adds(&b, id->name != NULL ? id->name : id->key);
	fp_graph_quote(d->out, d->fmt, fp_buf_str(&b));
	fp_buf_done(&b);
}

static void
node(struct draw *d, size_t i, const char *indent)
{
	const struct fp_identity *id = fp_idset_get(d->es->ids, i);
	bool workload = id->kind == FP_ID_WORKLOAD;

	if (d->fmt == FP_GRAPH_DOT) {
		fp_buf_printf(d->out, "%sn%zu [label=\"", indent, i);
		id_label(d, id, workload);
		fp_buf_adds(d->out, workload ? "\"];\n"
				    : id->kind == FP_ID_UNRESOLVED
					    ? "\", shape=octagon, style=dashed];\n"
					    : "\", shape=ellipse];\n");
	} else {
		fp_buf_printf(d->out, "%sn%zu%s\"", indent, i, workload ? "[" : "([");
		id_label(d, id, workload);
		fp_buf_adds(d->out, workload ? "\"]\n" : "\"])\n");
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Namespaces, sorted, each a group holding its workloads; then the rest. */
static int
nodes(struct draw *d)
{
	const struct fp_idset *ids = d->es->ids;
	size_t n = fp_idset_count(ids), n_ns = 0;
	const char **nss = calloc(n + 1, sizeof(*nss));

	if (nss == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct fp_identity *id = fp_idset_get(ids, i);

		if (d->used[i] && id->kind == FP_ID_WORKLOAD)
			nss[n_ns++] = id->ns;
	}
	fp_qsort(nss, n_ns, sizeof(*nss), cmp_str);
	for (size_t g = 0, k = 0; g < n_ns; g++) {
		if (g > 0 && strcmp(nss[g], nss[g - 1]) == 0)
			continue;
		if (d->fmt == FP_GRAPH_DOT)
			fp_buf_printf(d->out,
				      "  subgraph \"cluster_%zu\" {\n    label=\"", k);
		else
			fp_buf_printf(d->out, "  subgraph ns%zu[\"", k);
		fp_graph_quote(d->out, d->fmt, nss[g]);
		fp_buf_adds(d->out, d->fmt == FP_GRAPH_DOT ? "\";\n" : "\"]\n");
		for (size_t i = 0; i < n; i++) {
			const struct fp_identity *id = fp_idset_get(ids, i);

			if (d->used[i] && id->kind == FP_ID_WORKLOAD &&
			    strcmp(id->ns, nss[g]) == 0)
				node(d, i, "    ");
		}
		fp_buf_adds(d->out, d->fmt == FP_GRAPH_DOT ? "  }\n" : "  end\n");
		k++;
	}
	for (size_t i = 0; i < n; i++)
		if (d->used[i] && fp_idset_get(ids, i)->kind != FP_ID_WORKLOAD)
			node(d, i, "  ");
	free(nss);
	return 0;
}

/* 1 up to 9 flows, 2 up to 99, ... 5 from 10000. */
static unsigned
weight(uint64_t flows)
{
	unsigned w = 1;

	while (flows >= 10 && w < 5) {
		flows /= 10;
		w++;
	}
	return w;
}

/* "TCP 8080, 9090; UDP 53 (252 flows)" */
static void
link_label(struct draw *d, const struct link *l, struct fp_buf *b)
{
	const struct fp_edge *prev = NULL;

	for (size_t i = l->first; i < l->first + l->n; i++) {
		const struct fp_edge *e = &d->es->edges[i];
		const char *name = fp_proto_name(e->proto);

		if (!drawn(d, e) || (e->verdict == FP_EDGE_DROPPED) != l->dropped)
			continue;
		if (prev != NULL && prev->proto == e->proto && prev->port == e->port)
			continue; /* the same port with another verdict */
		if (prev == NULL || prev->proto != e->proto) {
			fp_buf_adds(b, prev != NULL ? "; " : "");
			if (name != NULL)
				fp_buf_adds(b, name);
			else
				fp_buf_printf(b, "proto %u", e->proto);
			if (fp_proto_has_ports(e->proto))
				fp_buf_printf(b, " %u", e->port);
		} else if (fp_proto_has_ports(e->proto)) {
			fp_buf_printf(b, ", %u", e->port);
		}
		prev = e;
	}
	fp_buf_printf(b, " (%llu flow%s%s)", (unsigned long long)l->flows,
		      l->flows == 1 ? "" : "s", l->dropped ? " dropped" : "");
}

static void
links(struct draw *d)
{
	struct fp_buf label;

	fp_buf_init(&label);
	for (size_t i = 0; i < d->n_links; i++) {
		const struct link *l = &d->links[i];
		unsigned w = weight(l->flows);

		fp_buf_reset(&label);
		link_label(d, l, &label);
		if (d->fmt == FP_GRAPH_DOT) {
			fp_buf_printf(d->out, "  n%u -> n%u [label=\"", l->src, l->dst);
			fp_graph_quote(d->out, d->fmt, fp_buf_str(&label));
			fp_buf_printf(
				d->out, "\", penwidth=%u%s];\n", w,
				l->dropped ? ", style=dashed, color=red3, fontcolor=red3"
					   : "");
		} else {
			fp_buf_printf(d->out, "  n%u %s|\"", l->src,
				      l->dropped ? "-.->"
				      : w >= 3	 ? "==>"
						 : "-->");
			fp_graph_quote(d->out, d->fmt, fp_buf_str(&label));
			fp_buf_printf(d->out, "\"| n%u\n", l->dst);
		}
	}
	/* Mermaid numbers links in the order they were written. */
	for (size_t i = 0; d->fmt == FP_GRAPH_MERMAID && i < d->n_links; i++)
		fp_buf_printf(d->out, "  linkStyle %zu stroke-width:%upx%s\n", i,
			      weight(d->links[i].flows),
			      d->links[i].dropped ? ",stroke:#c00" : "");
	fp_buf_done(&label);
}

int
fp_graph_render(struct fp_buf *out, const struct fp_edgeset *es, enum fp_graph_format fmt,
		const struct fp_graph_opts *opts, struct fp_err *err)
{
	static const struct fp_graph_opts none = { 0 };
	struct draw d = {
		.out = out, .es = es, .opts = opts != NULL ? opts : &none, .fmt = fmt
	};
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	size_t len = out->len;
	int r;

	if (fmt != FP_GRAPH_DOT && fmt != FP_GRAPH_MERMAID)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0, "unknown graph format %d",
				  (int)fmt);
	r = collect(&d);
	if (r == 0 && fmt == FP_GRAPH_DOT)
		fp_buf_printf(out,
			      "digraph flowpol {\n"
			      "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, "
			      "label=\"flowpol: traffic from %s to %s\"];\n"
			      "  node [shape=box, fontname=\"Helvetica\"];\n"
			      "  edge [fontname=\"Helvetica\", fontsize=10];\n",
			      fp_time_format(a, es->since), fp_time_format(b, es->until));
	else if (r == 0)
		fp_buf_printf(out,
			      "flowchart LR\n  %%%% flowpol: traffic from %s to %s\n",
			      fp_time_format(a, es->since), fp_time_format(b, es->until));
	if (r == 0)
		r = nodes(&d);
	if (r == 0 && d.n_links == 0 && fmt == FP_GRAPH_DOT)
		fp_buf_adds(out, "  none [label=\"no traffic in the window\", "
				 "shape=plaintext];\n");
	else if (r == 0 && d.n_links == 0)
		fp_buf_adds(out, "  none[\"no traffic in the window\"]\n");
	if (r == 0)
		links(&d);
	if (r == 0 && fmt == FP_GRAPH_DOT)
		fp_buf_adds(out, "}\n");
	free(d.used);
	free(d.links);
	if (r < 0) {
		if (out->data != NULL) {
			out->len = len;
			out->data[len] = '\0';
		}
		return fp_err_nomem(err);
	}
	return 0;
}
