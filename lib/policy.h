/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy.h - synthesis: from edges to the minimal set of NetworkPolicies
 * that admits them, per namespace.
 *
 * Each namespace gets a default-deny policy (unless turned off) and one
 * policy per workload with allowed traffic, holding its ingress and egress
 * rules.  Within a direction, the ports a peer used are sorted and runs of
 * consecutive ports become port/endPort; peers that used the same ports share
 * one rule.  Nothing is allowed that was not observed, at the granularity of
 * identities.  The model borrows the edge set it was built from.
 */
#ifndef FP_POLICY_H
#define FP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/edge.h"
#include "lib/err.h"

struct fp_policy_port {
	uint8_t proto;
	uint16_t port;
	uint16_t end_port; /* 0 for a single port */
};

struct fp_policy_peer {
	const struct fp_identity *id; /* workload, external address or API server */
	bool other_ns;                /* a workload in another namespace */
	uint64_t flows;               /* evidence over this rule's ports */
	int64_t first, last;
	uint32_t days;
	uint32_t stale;               /* windows without traffic: carried forward */
	bool dns_tcp_added;           /* TCP/53 added beside the UDP/53 seen */
};

struct fp_policy_rule {
	struct fp_policy_peer *peers;
	size_t n_peers;
	struct fp_policy_port *ports;
	size_t n_ports;
};

#define FP_POLICY_INGRESS 1
#define FP_POLICY_EGRESS 2

struct fp_policy {
	char *name;
	const struct fp_identity *target; /* NULL for default-deny */
	unsigned types; /* policyTypes: FP_POLICY_* bits; 0 = both */
	struct fp_policy_rule *ingress;
	size_t n_ingress;
	struct fp_policy_rule *egress;
	size_t n_egress;
	uint64_t flows;
	int64_t first, last;
};

struct fp_policy_ns {
	char *ns;
	struct fp_policy *policies; /* default-deny first, then by name */
	size_t n;
	bool system;                /* kube-system, given explicitly */
};

struct fp_policy_opts {
	bool no_default_deny;
	/*
	 * Triage: rules for the engine's dropped connections instead of the
	 * allowed ones, only on the side that denied each (fp_edge.denied_sides),
	 * named "triage-<workload>", with policyTypes holding only the directions
	 * that have rules, so a side that was not isolated does not become so.
	 */
	bool triage;
	const char *const *namespaces; /* only these; NULL = every namespace seen
					* except kube-system */
	size_t n_namespaces;
	const char *const *skip_namespaces; /* never these, even when named above */
	size_t n_skip_namespaces;
	/* Do not add TCP/53 beside an observed UDP/53 (flowpol.yaml dns.tcp). */
	bool no_dns_tcp;
};

struct fp_policy_model {
	const struct fp_edgeset *es; /* borrowed */
	bool triage;
	const char *expires; /* triage: when the temporary policies should go */
	struct fp_policy_ns *nss;    /* sorted by namespace */
	size_t n;
};

/* Build the model; free with fp_policy_model_free(). */
int fp_policy_synthesize(struct fp_policy_model **out, const struct fp_edgeset *es,
			 const struct fp_policy_opts *opts, struct fp_err *err);
void fp_policy_model_free(struct fp_policy_model *m);

/* Is namespace @ns part of the model? */
bool fp_policy_has_ns(const struct fp_policy_model *m, const char *ns);

#endif
