/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-netpol-eval.c - the NetworkPolicy evaluator: label selectors, one
 * rule of the semantics per test, the decision in words, port ranges and
 * address classes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/netpol-check.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct fp_label web[] = { { "app", "web" } };
static const struct fp_label client[] = { { "role", "client" } };
static const struct fp_label other[] = { { "role", "other" } };
static const struct fp_label team_a[] = { { "team", "a" } };
static const struct fp_label team_b[] = { { "team", "b" } };

static struct fp_netpol_peer
pod(const char *ns, const char *name, const struct fp_label *labels, size_t n)
{
	struct fp_netpol_peer p = {
		.is_pod = true, .ns = ns, .name = name, .labels = labels, .n_labels = n
	};

	return p;
}

static struct fp_netpol_peer
ext(const char *addr)
{
	struct fp_netpol_peer p = { .is_pod = false };

	ck_assert_int_eq(fp_addr_parse(&p.addr, addr, strlen(addr)), 0);
	return p;
}

static struct fp_netpol_decision
decide(const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
       const struct fp_netpol_peer *dst, uint8_t proto, uint16_t port)
{
	struct fp_netpol_decision d;
	struct fp_err err;

	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_evaluate(&d, s, src, dst, proto, port, &err), 0);
	return d;
}

static bool
allowed(const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
	const struct fp_netpol_peer *dst, uint8_t proto, uint16_t port)
{
	return decide(s, src, dst, proto, port).allowed;
}

/* A set of policies that must all load without a note. */
static struct fp_netpol_set *
policies(const char *text)
{
	struct notes n;
	struct fp_netpol_set *s = load_text(text, &n);

	if (n.n > 0) {
		char buf[600];

		ck_abort_msg("unexpected note: %s",
			     fp_err_format(buf, sizeof(buf), &n.v[0]));
	}
	return s;
}

#define WEB_IN(spec)                                                                     \
	NP_HEAD "metadata: {name: web, namespace: prod}\n"                               \
		"spec:\n  podSelector: {matchLabels: {app: web}}\n" spec

/* --- selectors ---------------------------------------------------------- */

START_TEST(test_netpol_selector_matches)
{
	static const char *const vals[] = { "web", "api" };
	static const struct fp_netpol_requirement in = { "app", FP_NETPOL_OP_IN, vals,
							 2 };
	static const struct fp_netpol_requirement not_in = { "app", FP_NETPOL_OP_NOT_IN,
							     vals, 2 };
	static const struct fp_netpol_requirement exists = { "tier", FP_NETPOL_OP_EXISTS,
							     NULL, 0 };
	static const struct fp_netpol_requirement dne = { "tier",
							  FP_NETPOL_OP_DOES_NOT_EXIST,
							  NULL, 0 };
	static const struct fp_label ml[] = { { "app", "web" } };
	static const struct fp_label l_web[] = { { "app", "web" }, { "tier", "front" } };
	static const struct fp_label l_db[] = { { "app", "db" } };
	static const struct fp_label l_none[] = { { "x", "y" } };
	struct fp_netpol_selector all = { 0 };
	struct fp_netpol_selector labels = { ml, 1, NULL, 0 };
	struct fp_netpol_selector s_in = { NULL, 0, &in, 1 };
	struct fp_netpol_selector s_not_in = { NULL, 0, &not_in, 1 };
	struct fp_netpol_selector s_exists = { NULL, 0, &exists, 1 };
	struct fp_netpol_selector s_dne = { NULL, 0, &dne, 1 };

	ck_assert(fp_netpol_selector_matches(&all, NULL, 0));
	ck_assert(fp_netpol_selector_matches(&all, l_db, 1));
	ck_assert(fp_netpol_selector_matches(&labels, l_web, 2));
	ck_assert(!fp_netpol_selector_matches(&labels, l_db, 1));
	ck_assert(!fp_netpol_selector_matches(&labels, NULL, 0));
	ck_assert(fp_netpol_selector_matches(&s_in, l_web, 2));
	ck_assert(!fp_netpol_selector_matches(&s_in, l_db, 1));
	ck_assert(!fp_netpol_selector_matches(&s_in, l_none, 1));
	/* NotIn matches a pod that lacks the key altogether. */
	ck_assert(fp_netpol_selector_matches(&s_not_in, l_none, 1));
	ck_assert(fp_netpol_selector_matches(&s_not_in, l_db, 1));
	ck_assert(!fp_netpol_selector_matches(&s_not_in, l_web, 2));
	ck_assert(fp_netpol_selector_matches(&s_exists, l_web, 2));
	ck_assert(!fp_netpol_selector_matches(&s_exists, l_db, 1));
	ck_assert(!fp_netpol_selector_matches(&s_dne, l_web, 2));
	ck_assert(fp_netpol_selector_matches(&s_dne, l_db, 1));
}
END_TEST

/* --- evaluate ----------------------------------------------------------- */

START_TEST(test_netpol_unselected_pods_are_not_isolated)
{
	struct fp_netpol_set *s = policies(WEB_IN("  ingress: []\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_peer w2 = pod("staging", "web-1", web, 1);
	struct fp_netpol_decision d = decide(s, &w, &c, FP_PROTO_TCP, 80);

	ck_assert(d.allowed);
	ck_assert(!d.egress.isolated && !d.ingress.isolated);
	/* A policy selects pods of its own namespace only. */
	ck_assert(allowed(s, &c, &w2, FP_PROTO_TCP, 80));
	d = decide(s, &c, &w, FP_PROTO_TCP, 80);
	ck_assert(!d.allowed);
	ck_assert(d.ingress.isolated && !d.ingress.allowed);
	ck_assert_uint_eq(d.ingress.n_policies, 1);
	ck_assert_uint_eq(d.ingress.policy, FP_NETPOL_NONE);
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_policies_are_additive)
{
	struct fp_netpol_set *s = policies(
		WEB_IN("  ingress: [{from: [{podSelector: {matchLabels: {role: "
		       "other}}}]}]\n") "---\n" NP_HEAD
					"metadata: {name: web2, namespace: prod}\n"
					"spec:\n  podSelector: {matchLabels: {app: "
					"web}}\n"
					"  ingress:\n  - ports: [{port: 1}]\n  - from: "
					"[{podSelector: {matchLabels: "
					"{role: client}}}]\n");
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_peer o = pod("prod", "o", other, 1),
			      t = pod("prod", "t", team_a, 1);
	struct fp_netpol_decision d = decide(s, &c, &w, FP_PROTO_TCP, 80);

	ck_assert(d.allowed);
	ck_assert_uint_eq(d.ingress.n_policies, 2);
	ck_assert_uint_eq(d.ingress.policy, 1);
	ck_assert_uint_eq(d.ingress.rule, 1);
	d = decide(s, &o, &w, FP_PROTO_TCP, 80);
	ck_assert(d.allowed);
	ck_assert_uint_eq(d.ingress.policy, 0);
	ck_assert_uint_eq(d.ingress.rule, 0);
	ck_assert(!allowed(s, &t, &w, FP_PROTO_TCP, 80));
	ck_assert(allowed(s, &t, &w, FP_PROTO_TCP, 1));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_needs_egress_and_ingress)
{
	struct fp_netpol_set *s = policies(WEB_IN(
		"  ingress: [{ports: [{port: 443}]}]\n") "---\n" NP_HEAD
							 "metadata: {name: c, namespace: "
							 "prod}\n"
							 "spec:\n  podSelector: "
							 "{matchLabels: {role: client}}\n"
							 "  policyTypes: [Egress]\n  "
							 "egress: [{ports: [{port: 80}, "
							 "{port: 443}]}]\n");
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_decision d = decide(s, &c, &w, FP_PROTO_TCP, 80);

	ck_assert(!d.allowed);
	ck_assert(d.egress.allowed && !d.ingress.allowed);
	d = decide(s, &c, &w, FP_PROTO_TCP, 8080);
	ck_assert(!d.egress.allowed && !d.ingress.allowed);
	ck_assert(allowed(s, &c, &w, FP_PROTO_TCP, 443));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_empty_rule_admits_everything)
{
	struct fp_netpol_set *s = policies(WEB_IN("  ingress: [{}]\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("other", "c", client, 1);
	struct fp_netpol_peer x = ext("203.0.113.9");

	ck_assert(allowed(s, &c, &w, FP_PROTO_TCP, 80));
	ck_assert(allowed(s, &x, &w, FP_PROTO_UDP, 53));
	ck_assert(allowed(s, &x, &w, FP_PROTO_ICMP, 0));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_egress_defaults)
{
	/* Egress rules and no policyTypes: Ingress is isolated too, with no rules. */
	struct fp_netpol_set *s =
		policies(WEB_IN("  egress: [{ports: [{port: 53, protocol: "
				"UDP}]}]\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_peer x = ext("192.0.2.1");

	ck_assert(!allowed(s, &c, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &w, &x, FP_PROTO_TCP, 443));
	ck_assert(allowed(s, &w, &x, FP_PROTO_UDP, 53));
	fp_netpol_set_free(s);
	/* `egress: []` without policyTypes does not isolate egress. */
	s = policies(WEB_IN("  egress: []\n"));
	ck_assert(allowed(s, &w, &x, FP_PROTO_TCP, 443));
	ck_assert(!allowed(s, &c, &w, FP_PROTO_TCP, 80));
	fp_netpol_set_free(s);
	/* policyTypes [Egress] leaves ingress alone, whatever ingress says. */
	s = policies(WEB_IN("  policyTypes: [Egress]\n  ingress: []\n"));
	ck_assert(allowed(s, &c, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &w, &x, FP_PROTO_TCP, 443));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_peer_selectors)
{
	struct fp_netpol_set *s =
		policies(WEB_IN("  ingress: [{from: [{podSelector: {}}]}]\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1);
	struct fp_netpol_peer same = pod("prod", "c", NULL, 0),
			      away = pod("dev", "c", NULL, 0);
	struct fp_netpol_peer x = ext("10.0.0.1");

	/* podSelector: {} is every pod of the policy's namespace, nothing else. */
	ck_assert(allowed(s, &same, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &away, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &x, &w, FP_PROTO_TCP, 80));
	fp_netpol_set_free(s);
	/* namespaceSelector: {} is every pod of every namespace, still no IPs. */
	s = policies(WEB_IN("  ingress: [{from: [{namespaceSelector: {}}]}]\n"));
	ck_assert(allowed(s, &same, &w, FP_PROTO_TCP, 80));
	ck_assert(allowed(s, &away, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &x, &w, FP_PROTO_TCP, 80));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_selectors_in_one_peer_and_two)
{
	struct fp_netpol_set *and =
		policies(WEB_IN("  ingress:\n  - from:\n    - namespaceSelector: "
				"{matchLabels: {team: a}}\n"
				"      podSelector: {matchLabels: {role: client}}\n"));
	struct fp_netpol_set * or
		= policies(WEB_IN("  ingress:\n  - from:\n    - namespaceSelector: "
				  "{matchLabels: {team: a}}\n"
				  "    - podSelector: {matchLabels: {role: client}}\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1);
	struct fp_netpol_peer a_client = pod("ns-a", "c", client, 1);
	struct fp_netpol_peer a_other = pod("ns-a", "o", other, 1);
	struct fp_netpol_peer prod_client = pod("prod", "c", client, 1);
	struct fp_netpol_peer b_client = pod("ns-b", "c", client, 1);

	a_client.ns_labels = a_other.ns_labels = team_a;
	a_client.n_ns_labels = a_other.n_ns_labels = 1;
	b_client.ns_labels = team_b;
	b_client.n_ns_labels = 1;
	/* One peer: both selectors must match. */
	ck_assert(allowed(and, &a_client, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(and, &a_other, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(and, &prod_client, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(and, &b_client, &w, FP_PROTO_TCP, 80));
	/* Two peers: either matches; a lone podSelector means the own namespace. */
	ck_assert(allowed(or, &a_client, &w, FP_PROTO_TCP, 80));
	ck_assert(allowed(or, &a_other, &w, FP_PROTO_TCP, 80));
	ck_assert(allowed(or, &prod_client, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(or, &b_client, &w, FP_PROTO_TCP, 80));
	fp_netpol_set_free(and);
	fp_netpol_set_free(or);
}
END_TEST

START_TEST(test_netpol_namespace_name_label_is_implied)
{
	static const struct fp_label forged[] = { { "kubernetes.io/metadata.name",
						    "team-a" } };
	struct fp_netpol_set *s = policies(
		WEB_IN("  ingress:\n  - from:\n    - namespaceSelector:\n"
		       "        matchLabels: {kubernetes.io/metadata.name: team-a}\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1);
	struct fp_netpol_peer good = pod("team-a", "c", NULL, 0),
			      evil = pod("evil", "c", NULL, 0);

	evil.ns_labels = forged;
	evil.n_ns_labels = 1;
	ck_assert(allowed(s, &good, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &evil, &w, FP_PROTO_TCP, 80));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_ip_block_never_matches_pods)
{
	struct fp_netpol_set *s =
		policies(WEB_IN("  ingress:\n  - from:\n    - ipBlock: {cidr: "
				"10.0.0.0/8, except: [10.1.0.0/16]}\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      p = pod("prod", "c", NULL, 0);
	struct fp_netpol_peer in = ext("10.0.0.5"), hole = ext("10.1.2.3"),
			      out = ext("11.0.0.1");
	struct fp_netpol_peer node = ext("10.0.0.9"), unknown = { .is_pod = false };

	ck_assert(allowed(s, &in, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &hole, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &out, &w, FP_PROTO_TCP, 80));
	ck_assert(!allowed(s, &unknown, &w, FP_PROTO_TCP, 80));
	/* A pod inside the block is still a pod: matched by selectors only. */
	p.addr = in.addr;
	ck_assert(!allowed(s, &p, &w, FP_PROTO_TCP, 80));
	/* A node is not a pod: its address counts. */
	node.is_node = true;
	ck_assert(allowed(s, &node, &w, FP_PROTO_TCP, 80));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_named_ports_resolve_on_destination)
{
	static const struct fp_netpol_port ports[] = {
		{ "http", 8080, FP_PROTO_TCP },
		{ "dns", 53, FP_PROTO_UDP },
	};
	struct fp_netpol_set *s = policies(
		WEB_IN("  ingress: [{ports: [{port: http}, {port: dns, protocol: UDP}, "
		       "{port: dns}]}]\n") "---\n" NP_HEAD
					   "metadata: {name: c, namespace: prod}\n"
					   "spec:\n  podSelector: {matchLabels: {role: "
					   "client}}\n"
					   "  policyTypes: [Egress]\n  egress: [{ports: "
					   "[{port: http}]}]\n");
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_peer x = ext("198.51.100.1"), any = pod("prod", "a", NULL, 0);

	w.ports = ports;
	w.n_ports = N(ports);
	ck_assert(allowed(s, &any, &w, FP_PROTO_TCP, 8080));
	ck_assert(!allowed(s, &any, &w, FP_PROTO_TCP, 80));
	ck_assert(allowed(s, &any, &w, FP_PROTO_UDP, 53));
	/* "dns" with the default TCP names no TCP port of the pod. */
	ck_assert(!allowed(s, &any, &w, FP_PROTO_TCP, 53));
	/* On egress too, the name resolves on the destination, which must be a pod. */
	ck_assert(allowed(s, &c, &w, FP_PROTO_TCP, 8080));
	ck_assert(!allowed(s, &c, &x, FP_PROTO_TCP, 8080));
	ck_assert(!allowed(s, &c, &any, FP_PROTO_TCP, 8080));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_protocols_are_distinct)
{
	struct fp_netpol_set *s =
		policies(WEB_IN("  ingress: [{ports: [{protocol: SCTP, port: "
				"5000}, {protocol: UDP}]}]\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);

	/* An SCTP-only policy blocks TCP to its pods. */
	ck_assert(allowed(s, &c, &w, FP_PROTO_SCTP, 5000));
	ck_assert(!allowed(s, &c, &w, FP_PROTO_TCP, 5000));
	ck_assert(!allowed(s, &c, &w, FP_PROTO_SCTP, 5001));
	/* A protocol without a port admits every port of it. */
	ck_assert(allowed(s, &c, &w, FP_PROTO_UDP, 1));
	ck_assert(allowed(s, &c, &w, FP_PROTO_UDP, 65535));
	/* Ports never admit ICMP; only a rule without ports does. */
	ck_assert(!allowed(s, &c, &w, FP_PROTO_ICMP, 0));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_end_port_range)
{
	struct fp_netpol_set *s =
		policies(WEB_IN("  ingress: [{ports: [{port: 8000, endPort: "
				"8010}]}]\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);

	ck_assert(!allowed(s, &c, &w, FP_PROTO_TCP, 7999));
	ck_assert(allowed(s, &c, &w, FP_PROTO_TCP, 8000));
	ck_assert(allowed(s, &c, &w, FP_PROTO_TCP, 8010));
	ck_assert(!allowed(s, &c, &w, FP_PROTO_TCP, 8011));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_self_and_node_are_always_allowed)
{
	struct fp_netpol_set *s = policies(
		NP_HEAD "metadata: {name: deny, namespace: prod}\n"
			"spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n");
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      w2 = pod("prod", "web-2", web, 1);
	struct fp_netpol_peer n1 = { .is_node = true, .node = "n1" };
	struct fp_netpol_peer n2 = { .is_node = true, .node = "n2" };
	struct fp_netpol_decision d;

	w.node = "n1";
	d = decide(s, &w, &w, FP_PROTO_TCP, 80);
	ck_assert(d.allowed);
	ck_assert_int_eq(d.basis, FP_NETPOL_BY_SELF);
	ck_assert(!d.ingress.allowed);
	ck_assert(!allowed(s, &w, &w2, FP_PROTO_TCP, 80));
	d = decide(s, &n1, &w, FP_PROTO_TCP, 10250);
	ck_assert(d.allowed);
	ck_assert_int_eq(d.basis, FP_NETPOL_BY_NODE);
	ck_assert(allowed(s, &w, &n1, FP_PROTO_TCP, 53));
	ck_assert(!allowed(s, &n2, &w, FP_PROTO_TCP, 10250));
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_evaluate_rejects_bad_peers)
{
	struct fp_netpol_set *s = policies("");
	struct fp_netpol_peer nons = { .is_pod = true }, both = pod("prod", "x", NULL, 0);
	struct fp_netpol_peer ok = pod("prod", "y", NULL, 0);
	struct fp_netpol_decision d;
	struct fp_err err;

	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_evaluate(&d, s, &nons, &ok, FP_PROTO_TCP, 1, &err),
			 FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0, "source pod has no namespace");
	both.is_node = true;
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_evaluate(&d, s, &ok, &both, FP_PROTO_TCP, 1, &err),
			 FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0,
		      "destination is described as both a pod and a node");
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_selecting)
{
	struct fp_netpol_set *s = policies(WEB_IN(
		"  ingress: []\n") "---\n" NP_HEAD
				   "metadata: {name: all, namespace: prod}\n"
				   "spec: {policyTypes: [Ingress, Egress]}\n---\n" NP_HEAD
				   "metadata: {name: eg, namespace: prod}\nspec: "
				   "{policyTypes: [Egress]}\n");
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1), x = ext("10.0.0.1");
	size_t idx[1];

	ck_assert_uint_eq(fp_netpol_selecting(idx, 1, s, &w, FP_NETPOL_INGRESS), 2);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(fp_netpol_selecting(idx, 1, s, &w, FP_NETPOL_EGRESS), 2);
	ck_assert_uint_eq(idx[0], 1);
	ck_assert_uint_eq(fp_netpol_selecting(idx, 1, s, &x, FP_NETPOL_EGRESS), 0);
	fp_netpol_set_free(s);
}
END_TEST

/* --- the decision in words ---------------------------------------------- */

static void
assert_reason(const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
	      const struct fp_netpol_peer *dst, uint8_t proto, uint16_t port,
	      const char *want)
{
	struct fp_netpol_decision d = decide(s, src, dst, proto, port);
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_netpol_format_decision(&b, s, &d, src, dst, proto, port), 0);
	ck_assert_str_eq(fp_buf_str(&b), want);
	fp_buf_done(&b);
}

START_TEST(test_netpol_format_decision)
{
	struct fp_netpol_set *s = policies(WEB_IN(
		"  ingress: [{ports: [{port: 443}]}]\n") "---\n" NP_HEAD
							 "metadata: {name: web-b, "
							 "namespace: prod}\n"
							 "spec:\n  podSelector: "
							 "{matchLabels: {app: web}}\n"
							 "  ingress:\n  - from: "
							 "[{podSelector: {matchLabels: "
							 "{role: client}}}]\n"
							 "---\n" NP_HEAD
							 "metadata: {name: lock, "
							 "namespace: prod}\n"
							 "spec:\n  podSelector: "
							 "{matchLabels: {role: other}}\n"
							 "  policyTypes: [Egress]\n");
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_peer o = pod("prod", "o", other, 1), x = ext("10.0.0.7");
	struct fp_netpol_peer y = ext("10.0.0.8");

	assert_reason(
		s, &x, &w, FP_PROTO_TCP, 8080,
		"denied on ingress: no rule in policies prod/web, prod/web-b selecting "
		"prod/web-1 admits 10.0.0.7 on TCP/8080");
	assert_reason(
		s, &o, &w, FP_PROTO_UDP, 53,
		"denied on egress: no rule in policy prod/lock selecting prod/o admits "
		"prod/web-1 on UDP/53; denied on ingress: no rule in policies prod/web, "
		"prod/web-b selecting prod/web-1 admits prod/o on UDP/53");
	assert_reason(s, &c, &w, FP_PROTO_TCP, 8080,
		      "allowed: egress of prod/c is not isolated; ingress of prod/web-1 "
		      "allowed by "
		      "prod/web-b ingress rule 0 (np.yaml:14)");
	assert_reason(s, &o, &o, FP_PROTO_ICMP, 0,
		      "allowed: a pod may always connect to itself");
	assert_reason(s, &x, &y, FP_PROTO_TCP, 1,
		      "allowed: no policy applies between two ends that are not pods");
	fp_netpol_set_free(s);
}
END_TEST

/* --- port ranges -------------------------------------------------------- */

/* The ranges must say exactly what fp_netpol_evaluate() says, port by port. */
static void
assert_ranges_match_evaluate(const struct fp_netpol_set *s,
			     const struct fp_netpol_peer *src,
			     const struct fp_netpol_peer *dst, uint8_t proto)
{
	struct fp_netpol_port_range *r;
	size_t n, k = 0;

	ck_assert_int_eq(fp_netpol_allowed_ports(&r, &n, s, src, dst, proto, NULL), 0);
	for (uint32_t p = 1; p <= 65535; p++) {
		bool in;

		while (k < n && r[k].hi < p)
			k++;
		in = k < n && r[k].lo <= p;
		ck_assert_msg(in == allowed(s, src, dst, proto, (uint16_t)p), "port %u",
			      p);
	}
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_gt(r[i].lo, (uint32_t)r[i - 1].hi + 1);
	free(r);
}

START_TEST(test_netpol_allowed_ports)
{
	static const struct fp_netpol_port ports[] = { { "http", 9000, FP_PROTO_TCP } };
	struct fp_netpol_set *s = policies(
		WEB_IN("  ingress:\n  - ports: [{port: 80}, {port: 8000, endPort: 8080}, "
		       "{port: http}]\n"
		       "  - ports: [{port: 8081}, {port: 53, protocol: UDP}]\n"));
	struct fp_netpol_peer w = pod("prod", "web-1", web, 1),
			      c = pod("prod", "c", client, 1);
	struct fp_netpol_port_range *r;
	size_t n;
	struct fp_err err;

	w.ports = ports;
	w.n_ports = 1;
	ck_assert_int_eq(fp_netpol_allowed_ports(&r, &n, s, &c, &w, FP_PROTO_TCP, NULL),
			 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(r[0].lo, 80);
	ck_assert_uint_eq(r[0].hi, 80);
	ck_assert_uint_eq(r[1].lo, 8000);
	ck_assert_uint_eq(r[1].hi, 8081);
	ck_assert_uint_eq(r[2].lo, 9000);
	ck_assert_uint_eq(r[2].hi, 9000);
	free(r);
	ck_assert_int_eq(fp_netpol_allowed_ports(&r, &n, s, &w, &c, FP_PROTO_TCP, NULL),
			 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(r[0].lo, 1);
	ck_assert_uint_eq(r[0].hi, 65535);
	free(r);
	ck_assert_int_eq(fp_netpol_allowed_ports(&r, &n, s, &c, &w, FP_PROTO_SCTP, NULL),
			 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(r);
	assert_ranges_match_evaluate(s, &c, &w, FP_PROTO_TCP);
	assert_ranges_match_evaluate(s, &c, &w, FP_PROTO_UDP);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_allowed_ports(&r, &n, s, &c, &w, FP_PROTO_ICMP, &err),
			 FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0, "protocol 1 has no ports");
	fp_netpol_set_free(s);
}
END_TEST

/* --- address classes ---------------------------------------------------- */

static void
assert_range(const struct fp_netpol_addr_range *r, const char *lo, const char *hi)
{
	char a[FP_ADDR_BUFSZ], b[FP_ADDR_BUFSZ];

	ck_assert_str_eq(fp_addr_format(a, &r->lo), lo);
	ck_assert_str_eq(fp_addr_format(b, &r->hi), hi);
}

START_TEST(test_netpol_address_ranges)
{
	struct fp_netpol_set *s = policies(
		WEB_IN("  ingress:\n  - from:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n"
		       "        except: [10.0.0.0/9, 10.128.0.0/9, 172.21.0.0/16]\n"
		       "    - ipBlock: {cidr: '2001:db8::/32'}\n"));
	struct fp_netpol_addr_range *r;
	size_t n;
	struct fp_err err;

	ck_assert_int_eq(fp_netpol_address_ranges(&r, &n, s, FP_NETPOL_INGRESS, 4, NULL),
			 0);
	/* Two excepts side by side are one class: no block tells them apart. */
	ck_assert_uint_eq(n, 5);
	assert_range(&r[0], "0.0.0.0", "9.255.255.255");
	assert_range(&r[1], "10.0.0.0", "10.255.255.255");
	assert_range(&r[2], "11.0.0.0", "172.20.255.255");
	assert_range(&r[3], "172.21.0.0", "172.21.255.255");
	assert_range(&r[4], "172.22.0.0", "255.255.255.255");
	free(r);
	ck_assert_int_eq(fp_netpol_address_ranges(&r, &n, s, FP_NETPOL_INGRESS, 6, NULL),
			 0);
	ck_assert_uint_eq(n, 3);
	assert_range(&r[0], "::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_range(&r[1], "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_range(&r[2], "2001:db9::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	free(r);
	ck_assert_int_eq(fp_netpol_address_ranges(&r, &n, s, FP_NETPOL_EGRESS, 4, NULL),
			 0);
	ck_assert_uint_eq(n, 1);
	assert_range(&r[0], "0.0.0.0", "255.255.255.255");
	free(r);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_address_ranges(&r, &n, s, FP_NETPOL_EGRESS, 5, &err),
			 FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0, "address family 5 is not 4 or 6");
	fp_netpol_set_free(s);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("netpol-eval");
	TCase *tc = tcase_create("selector_matches");

	tcase_add_test(tc, test_netpol_selector_matches);
	suite_add_tcase(s, tc);
	tc = tcase_create("evaluate");
	tcase_add_test(tc, test_netpol_unselected_pods_are_not_isolated);
	tcase_add_test(tc, test_netpol_policies_are_additive);
	tcase_add_test(tc, test_netpol_needs_egress_and_ingress);
	tcase_add_test(tc, test_netpol_empty_rule_admits_everything);
	tcase_add_test(tc, test_netpol_egress_defaults);
	tcase_add_test(tc, test_netpol_peer_selectors);
	tcase_add_test(tc, test_netpol_selectors_in_one_peer_and_two);
	tcase_add_test(tc, test_netpol_namespace_name_label_is_implied);
	tcase_add_test(tc, test_netpol_ip_block_never_matches_pods);
	tcase_add_test(tc, test_netpol_named_ports_resolve_on_destination);
	tcase_add_test(tc, test_netpol_protocols_are_distinct);
	tcase_add_test(tc, test_netpol_end_port_range);
	tcase_add_test(tc, test_netpol_self_and_node_are_always_allowed);
	tcase_add_test(tc, test_netpol_evaluate_rejects_bad_peers);
	suite_add_tcase(s, tc);
	tc = tcase_create("selecting");
	tcase_add_test(tc, test_netpol_selecting);
	suite_add_tcase(s, tc);
	tc = tcase_create("format_decision");
	tcase_add_test(tc, test_netpol_format_decision);
	suite_add_tcase(s, tc);
	tc = tcase_create("allowed_ports");
	tcase_add_test(tc, test_netpol_allowed_ports);
	suite_add_tcase(s, tc);
	tc = tcase_create("address_ranges");
	tcase_add_test(tc, test_netpol_address_ranges);
	suite_add_tcase(s, tc);
	return s;
}
