/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edge.h - aggregation: the flows of a time window, folded into edges
 * between identities.
 *
 * An edge is (source identity, destination identity, protocol, port,
 * verdict) with its evidence: flows, first and last seen, distinct days.
 * Each edge gets a status saying whether it becomes an allow rule and, if
 * not, why.  An aggregation is stored as a run (window, options, identities,
 * edges) so generate and later runs can read it back.
 */
#ifndef FP_EDGE_H
#define FP_EDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/identity.h"
#include "lib/util-buf.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"

/* Stored in the database: never renumber. */
enum fp_edge_status {
	FP_EDGE_ALLOW = 1,      /* becomes an allow rule */
	FP_EDGE_MIN_FLOWS = 2,  /* fewer flows than --min-flows */
	FP_EDGE_NODE = 3,       /* to or from a node: CNIs admit node traffic */
	FP_EDGE_UNRESOLVED = 4, /* one side cannot be selected exactly */
	FP_EDGE_NO_PORTS = 5,   /* a protocol NetworkPolicy cannot name (ICMP) */
	FP_EDGE_CNI = 6,        /* the CNI's own traffic (health checks) */
	FP_EDGE_DENIED = 7,     /* the engine dropped it: no evidence it is needed */
	FP_EDGE_NO_POD = 8,     /* neither side is a pod: no NetworkPolicy applies */
	FP_EDGE_AMBIGUOUS = 9,  /* the log does not tell which side opened it */
	FP_EDGE_EXISTING = 10,  /* generate --existing: policies in force admit it */
	FP_EDGE_LOW_EVIDENCE = 11, /* --require-stable: seen on fewer than --min-days days */
	FP_EDGE_PRUNED = 12,    /* --prune: no traffic for --stale-after windows */
};

enum fp_edge_verdict {
	FP_EDGE_OBSERVED = 1, /* forwarded, audited or redirected */
	FP_EDGE_DROPPED = 2,
	FP_EDGE_UNDIRECTED = 3, /* allowed, but which side opened it is unknown */
};

struct fp_edge {
	uint32_t src, dst; /* identity indexes */
	uint8_t proto;
	uint8_t verdict;   /* enum fp_edge_verdict */
	uint16_t port;
	uint64_t flows;
	int64_t first, last;
	uint32_t days;
	enum fp_edge_status status;
	uint8_t denied_sides; /* dropped edges: FP_EDGE_SIDE_* the engine said denied */
	uint8_t covered_sides; /* generate --existing: sides a rule in force admits */
	bool low_evidence;     /* seen on fewer days than --min-days, over all windows */
	/* History (lib/history.h): the evidence over every recorded window. */
	uint32_t days_all;
	int64_t first_all, last_all;
	uint32_t stale;        /* windows without traffic: a rule carried forward */
	int32_t *dayv;         /* the window's days (since 1970, UTC), sorted, @days
				* of them; owned by the edge set, NULL when loaded */
};

#define FP_EDGE_SIDE_INGRESS 1 /* the destination's ingress */
#define FP_EDGE_SIDE_EGRESS 2  /* the source's egress */

struct fp_edge_opts {
	bool has_since, has_until;
	const char *since_arg, *until_arg; /* RFC 3339 or a duration */
	uint64_t min_flows;
	int64_t ip_grace;            /* seconds; 0 = default */
	const struct fp_cidr *cidrs; /* the cluster's pod and service ranges */
	size_t n_cidrs;
	const struct fp_netset *nets; /* known networks; may be NULL */
	bool allow_host;             /* give node traffic rules (ipBlocks of the nodes) */
	/* Stability (aggregate only; see lib/history.h).  0 = the default. */
	uint32_t min_days;           /* fewer days than this is low evidence (1) */
	bool require_stable;         /* low-evidence edges get no rule */
	uint32_t stale_after;        /* windows without traffic before a rule is flagged (4) */
	bool prune;                  /* drop flagged rules */
	/* Preferred selector keys and extra volatile keys (flowpol.yaml
	 * "labels"); borrowed, may be NULL for the built-in choices. */
	const struct fp_k8s_labels *labels;
};

#define FP_EDGE_DEFAULT_MIN_DAYS 1
#define FP_EDGE_DEFAULT_STALE_AFTER 4

struct fp_edgeset {
	int64_t run;
	int64_t since, until; /* the window: [since, until) */
	uint64_t min_flows;
	bool allow_host;
	uint32_t min_days, stale_after;
	bool require_stable, prune;
	uint32_t windows;     /* distinct windows recorded, this one included */
	struct fp_idset *ids; /* owned */
	struct fp_edge *edges; /* sorted by (src, dst, proto, port, verdict) */
	size_t n;
	bool inventory;        /* an inventory was used to resolve endpoints */
	struct fp_buf ranges;  /* cluster ranges in use, "cidr,cidr" */
	uint64_t matches[3];   /* lookups matched exactly, nearly, not at all */
};

/*
 * Aggregate the flows of the window in @opts, store the result as a new run
 * and return it (free with fp_edgeset_free()).  A time argument that does
 * not parse is FP_EUSAGE.
 */
int fp_edge_aggregate(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts,
		      struct fp_err *err);

/*
 * The same, without storing anything: for readers such as check and triage,
 * which work on a read-only database and while an ingest writes.
 */
int fp_edge_compute(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts,
		    struct fp_err *err);

/* Load the newest stored aggregation; FP_EINPUT when there is none. */
int fp_edge_load_latest(struct fp_edgeset **out, struct fp_db *db, struct fp_err *err);

void fp_edgeset_free(struct fp_edgeset *e);

/* Sort the edges by (src, dst, proto, port, verdict), after identities moved. */
void fp_edgeset_sort(struct fp_edgeset *es);

/* The status @e gets from its identities, ignoring --min-flows. */
enum fp_edge_status fp_edge_classify(const struct fp_edgeset *es, const struct fp_edge *e);

/* One word for a status, for reports: "allow", "min-flows", "node", ... */
const char *fp_edge_status_name(enum fp_edge_status s);

/* The window of the data: [first bucket, last bucket + 1 minute), or 0, 0. */
int fp_edge_data_extent(int64_t *since, int64_t *until, struct fp_db *db, struct fp_err *err);

#endif
