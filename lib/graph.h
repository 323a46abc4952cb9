/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph.h - the workload graph of a window, as Graphviz DOT or Mermaid.
 *
 * Nodes are the identities on the edges drawn, grouped by namespace
 * (Graphviz clusters, Mermaid subgraphs); identities outside any namespace
 * (addresses, the node, unresolved endpoints) stand outside the groups.
 * One graph edge joins each ordered pair of identities: its label lists
 * the protocols and ports seen and the flows, and its weight grows with
 * the flows (pen width 1 to 5 in DOT; a thick arrow from 100 flows on and
 * a link style of the same width in Mermaid).  By default only observed
 * traffic is drawn (not what the engine dropped, nor the CNI's own health
 * checks).
 *
 * Node ids are n<identity index>, subgraph ids ns<index>: stable for a
 * given edge set, and valid in both languages.  Every label is quoted and
 * escaped so that no value can end it or inject syntax.  Output is sorted:
 * the same edge set gives the same bytes.
 */
#ifndef FP_GRAPH_H
#define FP_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/edge.h"
#include "lib/err.h"
#include "lib/util-buf.h"

enum fp_graph_format {
	FP_GRAPH_DOT = 0,
	FP_GRAPH_MERMAID = 1,
};

struct fp_graph_opts {
	const char *const *namespaces; /* draw edges with a side in one of these */
	size_t n_namespaces;	       /* 0: every edge */
	bool dropped;		       /* also edges the engine dropped (dashed) */
};

/*
 * Append the graph of @es in @fmt to @out.  @opts may be NULL (defaults).
 * Mermaid is written without a code fence, so REVIEW.md can put it in one.
 * 0, FP_ENOMEM, or FP_EUSAGE for an unknown format.
 */
int fp_graph_render(struct fp_buf *out, const struct fp_edgeset *es,
		    enum fp_graph_format fmt, const struct fp_graph_opts *opts,
		    struct fp_err *err);

/*
 * Append @s as the text of a label in @fmt, escaped for a double-quoted
 * string (DOT) or a quoted label (Mermaid): printable ASCII other than
 * quotes and backslashes passes; everything else becomes an escape that
 * shows the byte.  The quotes themselves are not added.  0 or FP_ENOMEM.
 */
int fp_graph_quote(struct fp_buf *out, enum fp_graph_format fmt, const char *s);

#endif
