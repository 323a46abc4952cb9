/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-graph.c - the workload graph: DOT and Mermaid output, byte for byte,
 * the namespace filter, dropped traffic, and labels that cannot break out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/graph.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define PG  "ns:data pod:postgres-0 app=postgres"
#define PAY "reserved:world ip:203.0.113.10"

static struct fp_db *db;
static struct fp_edgeset *es;

static void
setup(void)
{
	struct fp_buf b;
	struct fp_edge_opts eo = { 0 };
	struct fp_err err = { 0 };

	fp_buf_init(&b);
	FP_HUBBLE(&b, .time = "2026-11-12T10:00:30Z", .src = WEB, .dst = API,
		  .port = 8080, .count = 150);
	FP_HUBBLE(&b, .time = "2026-11-12T10:01:30Z", .src = WEB, .dst = API,
		  .port = 8443);
	FP_HUBBLE(&b, .time = "2026-11-12T10:02:00Z", .src = API, .dst = PG, .port = 5432,
		  .count = 12);
	FP_HUBBLE(&b, .time = "2026-11-12T10:03:00Z", .src = API, .dst = PAY,
		  .port = 443);
	FP_HUBBLE(&b, .time = "2026-11-12T10:03:30Z", .src = API, .dst = PAY, .port = 53,
		  .proto = "UDP");
	FP_HUBBLE(&b, .time = "2026-11-12T10:04:00Z", .src = WEB, .dst = PG, .port = 5432,
		  .verdict = "DROPPED");
	db = fp_test_db("t.db");
	fp_test_ingest(db, "flows.jsonl", fp_buf_str(&b));
	fp_buf_done(&b);
	ck_assert_msg(fp_edge_compute(&es, db, &eo, &err) == 0, "%s", err.text);
}

static void
teardown(void)
{
	fp_edgeset_free(es);
	fp_db_close(db);
	es = NULL;
	db = NULL;
	fp_tmpdir_cleanup();
}

static char *
render(enum fp_graph_format fmt, const struct fp_graph_opts *o)
{
	struct fp_buf b;
	struct fp_err err = { 0 };

	fp_buf_init(&b);
	ck_assert_int_eq(fp_graph_render(&b, es, fmt, o, &err), 0);
	return fp_buf_steal(&b);
}

/* --- fp_graph_render ----------------------------------------------------- */

START_TEST(test_graph_dot)
{
	char *g = render(FP_GRAPH_DOT, NULL);

	ck_assert_str_eq(
		g,
		"digraph flowpol {\n"
		"  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\"flowpol: "
		"traffic from 2026-11-12T10:00:00Z to 2026-11-12T10:05:00Z\"];\n"
		"  node [shape=box, fontname=\"Helvetica\"];\n"
		"  edge [fontname=\"Helvetica\", fontsize=10];\n"
		"  subgraph \"cluster_0\" {\n"
		"    label=\"data\";\n"
		"    n1 [label=\"postgres\"];\n"
		"  }\n"
		"  subgraph \"cluster_1\" {\n"
		"    label=\"shop\";\n"
		"    n2 [label=\"api\"];\n"
		"    n3 [label=\"web\"];\n"
		"  }\n"
		"  n0 [label=\"203.0.113.10\", shape=ellipse];\n"
		"  n2 -> n0 [label=\"TCP 443; UDP 53 (2 flows)\", penwidth=1];\n"
		"  n2 -> n1 [label=\"TCP 5432 (12 flows)\", penwidth=2];\n"
		"  n3 -> n2 [label=\"TCP 8080, 8443 (151 flows)\", penwidth=3];\n"
		"}\n");
	free(g);
}
END_TEST

START_TEST(test_graph_mermaid)
{
	char *g = render(FP_GRAPH_MERMAID, NULL);

	/* 100 flows and more: a thick arrow; link styles by order of links */
	ck_assert_str_eq(g, "flowchart LR\n"
			    "  %% flowpol: traffic from 2026-11-12T10:00:00Z to "
			    "2026-11-12T10:05:00Z\n"
			    "  subgraph ns0[\"data\"]\n"
			    "    n1[\"postgres\"]\n"
			    "  end\n"
			    "  subgraph ns1[\"shop\"]\n"
			    "    n2[\"api\"]\n"
			    "    n3[\"web\"]\n"
			    "  end\n"
			    "  n0([\"203.0.113.10\"])\n"
			    "  n2 -->|\"TCP 443#59; UDP 53 (2 flows)\"| n0\n"
			    "  n2 -->|\"TCP 5432 (12 flows)\"| n1\n"
			    "  n3 ==>|\"TCP 8080, 8443 (151 flows)\"| n2\n"
			    "  linkStyle 0 stroke-width:1px\n"
			    "  linkStyle 1 stroke-width:2px\n"
			    "  linkStyle 2 stroke-width:3px\n");
	free(g);
}
END_TEST

START_TEST(test_graph_namespace_and_dropped)
{
	static const char *const data[] = { "data" };
	struct fp_graph_opts o = { .namespaces = data,
				   .n_namespaces = 1,
				   .dropped = true };
	char *g = render(FP_GRAPH_DOT, &o);

	/* edges with a side in data, its peers in their own namespace, and
	 * the dropped attempt dashed */
	ck_assert_ptr_nonnull(
		strstr(g, "  n2 -> n1 [label=\"TCP 5432 (12 flows)\", penwidth=2];\n"
			  "  n3 -> n1 [label=\"TCP 5432 (1 flow dropped)\", penwidth=1, "
			  "style=dashed, color=red3, fontcolor=red3];\n}\n"));
	ck_assert_ptr_null(strstr(g, "n0"));
	ck_assert_ptr_nonnull(strstr(g, "label=\"shop\""));
	free(g);
	g = render(FP_GRAPH_MERMAID, &o);
	ck_assert_ptr_nonnull(strstr(g, "  n3 -.->|\"TCP 5432 (1 flow dropped)\"| n1\n"));
	ck_assert_ptr_nonnull(strstr(g, "  linkStyle 1 stroke-width:1px,stroke:#c00\n"));
	free(g);
}
END_TEST

START_TEST(test_graph_empty_window)
{
	static const char *const none[] = { "nowhere" };
	struct fp_graph_opts o = { .namespaces = none, .n_namespaces = 1 };
	char *g = render(FP_GRAPH_MERMAID, &o);

	ck_assert_str_eq(g, "flowchart LR\n"
			    "  %% flowpol: traffic from 2026-11-12T10:00:00Z to "
			    "2026-11-12T10:05:00Z\n"
			    "  none[\"no traffic in the window\"]\n");
	free(g);
}
END_TEST

START_TEST(test_graph_unknown_format)
{
	struct fp_buf b;
	struct fp_err err = { 0 };

	fp_buf_init(&b);
	ck_assert_int_eq(fp_graph_render(&b, es, (enum fp_graph_format)7, NULL, &err),
			 FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0, "unknown graph format 7");
	ck_assert_str_eq(fp_buf_str(&b), "");
	fp_buf_done(&b);
}
END_TEST

/* --- fp_graph_quote ---------------------------------------------------------- */

START_TEST(test_graph_quote)
{
	static const char hostile[] = "a\"b\\N\n]|<x>#;`é";
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_graph_quote(&b, FP_GRAPH_DOT, hostile), 0);
	ck_assert_str_eq(fp_buf_str(&b), "a\\\"b\\\\N\\\\x0a]|<x>#;`\\\\xc3\\\\xa9");
	fp_buf_reset(&b);
	ck_assert_int_eq(fp_graph_quote(&b, FP_GRAPH_MERMAID, hostile), 0);
	ck_assert_str_eq(fp_buf_str(&b),
			 "a#34;b#92;N#10;#93;#124;#60;x#62;#35;#59;#96;#195;#169;");
	fp_buf_reset(&b);
	fp_graph_quote(&b, FP_GRAPH_MERMAID, "prod/api-gateway (TCP 80, 443)");
	ck_assert_str_eq(fp_buf_str(&b), "prod/api-gateway (TCP 80, 443)");
	fp_buf_done(&b);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tr = tcase_create("render");
	TCase *tq = tcase_create("quote");

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, test_graph_dot);
	tcase_add_test(tr, test_graph_mermaid);
	tcase_add_test(tr, test_graph_namespace_and_dropped);
	tcase_add_test(tr, test_graph_empty_window);
	tcase_add_test(tr, test_graph_unknown_format);
	suite_add_tcase(s, tr);
	tcase_add_test(tq, test_graph_quote);
	suite_add_tcase(s, tq);
	return s;
}
