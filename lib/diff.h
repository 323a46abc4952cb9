/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff.h - compare two NetworkPolicy sets by what they admit, connection by
 * connection, not by their text.
 *
 * The universe.  With an edge set (lib/edge.h, usually fp_edge_compute()
 * over the window), the connections compared are those between its
 * identities: every ordered pair of workloads (a workload and another
 * replica of itself included), each standing for every label set its pods
 * carried, with its namespace's labels and its named container ports, as
 * lib/check.c describes them to the evaluator; and every workload with
 * every class of outside addresses, both ways.  The address classes are the
 * largest ranges in which no ipBlock of either set tells two addresses apart
 * (fp_netpol_address_ranges() of both sets, refined together), so one
 * representative address per class answers for the whole class.  The edge
 * set's own traffic is the evidence: flows, dropped flows and last seen.
 *
 * Without an edge set (no database), the universe is made from the
 * policies themselves: per namespace that holds a policy, one pod per
 * distinct spec.podSelector of either set (its matchLabels, the first value
 * of each In expression, any value for Exists) and one pod with no labels.
 * That universe knows no named container ports (a rule naming a port
 * matches none of its pods), no namespace labels but
 * kubernetes.io/metadata.name, and no pods that only a rule's peer
 * selects; and there is no evidence, so nothing can be called stale.
 *
 * Comparing.  For each pair and protocol (TCP, UDP, SCTP),
 * fp_netpol_allowed_ports() gives the admitted port ranges of OLD and NEW,
 * so ranges are compared exactly, not port by port.  Where a workload has
 * several label sets, every combination is compared and the differences are
 * united; `partial` says a difference holds for some of them only.
 * Traffic between a node and its own pods is always admitted, so nodes add
 * nothing; other nodes are addresses, which the classes cover.  Workloads
 * whose labels are unknown (flows that name pods but carry no labels, and
 * no inventory) cannot be compared and are counted in `skipped`.
 *
 * Policies are matched by namespace and name.  A policy present in both
 * sets is re-read from the file the set recorded for it (struct
 * fp_netpol_info), in a canonical form (keys sorted, comments, layout and
 * quoting that does not change a value dropped); when the forms differ but
 * the policy alone admits the same connections over the universe, it
 * changed only in form.  Renamed and split policies show as only in OLD and
 * only in NEW, and as no change at all in the connections when their
 * meaning is the same.
 */
#ifndef FP_DIFF_H
#define FP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/edge.h"
#include "lib/err.h"
#include "lib/netpol.h"
#include "lib/util-buf.h"

enum fp_diff_kind {
	FP_DIFF_NEW = 0,     /* NEW admits it, OLD did not */
	FP_DIFF_REMOVED = 1, /* OLD admitted it, NEW does not */
	FP_DIFF_STALE = 2,   /* both admit it (a rule of NEW does), no traffic seen */
};

/* One side of a compared connection. */
struct fp_diff_end {
	/* "prod/api", "prod/{app=api}", "203.0.113.0/24", "0.0.0.0-9.255.255.255" */
	char *text;
	bool is_addr; /* a class of outside addresses [lo, hi] */
	struct fp_addr lo, hi;
};

struct fp_diff_conn {
	enum fp_diff_kind kind;
	struct fp_diff_end src, dst;
	uint8_t proto; /* FP_PROTO_TCP, FP_PROTO_UDP or FP_PROTO_SCTP */
	struct fp_netpol_port_range *ranges; /* sorted, disjoint; at least one */
	size_t n_ranges;
	bool partial;	  /* holds for some of the label sets of a side only */
	uint64_t flows;	  /* observed flows in these ranges, over the window */
	uint64_t dropped; /* flows the engine dropped, same ranges */
	int64_t last;	  /* last seen (observed or dropped); 0 when none */
};

enum fp_diff_change {
	FP_DIFF_SAME = 0,      /* same canonical form (not listed) */
	FP_DIFF_FORM_ONLY = 1, /* different form, the same connections admitted */
	FP_DIFF_MEANING = 2,   /* the policy itself admits other connections */
	FP_DIFF_ONLY_OLD = 3,  /* removed or renamed */
	FP_DIFF_ONLY_NEW = 4,  /* added or renamed */
	FP_DIFF_UNREAD = 5,    /* its file could not be re-read to compare forms */
};

struct fp_diff_policy {
	char *ns, *name;
	enum fp_diff_change change;
	char *old_place, *new_place; /* "file:line", or NULL when absent */
};

struct fp_diff_result {
	struct fp_diff_conn *conns; /* new, then removed, then stale; sorted */
	size_t n_conns;
	size_t counts[3];		 /* by enum fp_diff_kind */
	struct fp_diff_policy *policies; /* sorted by namespace, name; no FP_DIFF_SAME */
	size_t n_policies;
	size_t changes[6];    /* policies by enum fp_diff_change (SAME included) */
	bool changed;	      /* something new or removed: a change in meaning */
	bool evidence;	      /* the universe and evidence came from an edge set */
	int64_t since, until; /* the edge set's window, when evidence */
	size_t pods;	      /* workloads (or representative pods) compared */
	size_t classes;	      /* classes of outside addresses compared */
	size_t skipped;	      /* workloads whose labels are unknown */
	size_t old_policies, new_policies;
};

/*
 * Compare @old with @new (both loaded, borrowed for the call) over the
 * identities of @es, or over the policies' own pods when @es is NULL.
 * *@out is freed with fp_diff_result_free().  Policy files recorded in the
 * sets are read again for their canonical form; one that cannot be read
 * marks its policy FP_DIFF_UNREAD, never fails the comparison.
 * 0, FP_ENOMEM, or FP_EUSAGE for a set that breaks the evaluator's rules.
 */
int fp_diff_sets(struct fp_diff_result **out, const struct fp_netpol_set *old,
		 const struct fp_netpol_set *new, const struct fp_edgeset *es,
		 struct fp_err *err);
void fp_diff_result_free(struct fp_diff_result *r);

/* "TCP 8080", "UDP 53, 5353-5360", "SCTP any port" (1-65535): appended to @out. */
int fp_diff_ports_text(struct fp_buf *out, const struct fp_diff_conn *c);

/*
 * One line per connection ("new: prod/a -> prod/b TCP 8080: 12 flows, last
 * seen ...") and per listed policy, then a summary line; every value that
 * came from a file is made printable.  0 or FP_ENOMEM.
 */
int fp_diff_render_text(struct fp_buf *out, const struct fp_diff_result *r);

/*
 * "## Changes since the baseline" for the top of REVIEW.md: counts, then a
 * table each for new, removed and stale connections and a list of policies
 * changed only in form.  Table cells are escaped.  0 or FP_ENOMEM.
 */
int fp_diff_render_markdown(struct fp_buf *out, const struct fp_diff_result *r);

/*
 * The result as a JSON document with sorted keys and a final newline:
 * "changed", "counts", "new", "removed", "stale", "policies", "universe",
 * and the window when there was evidence.  0 or FP_ENOMEM.
 */
int fp_diff_render_json(struct fp_buf *out, const struct fp_diff_result *r);

#endif
