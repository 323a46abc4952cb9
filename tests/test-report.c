/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-report.c - REVIEW.md: evidence per rule, low-evidence flags, the
 * DNS note, and what was observed but not admitted.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/report.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define CANARY "ns:shop pod:web-canary-5c7d9f6b8d-q9wzt app=web track=canary"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define DNS "ns:kube-system pod:coredns-5d78c9869d-8jxnt k8s-app=kube-dns"

struct fixture {
	struct fp_db *db;
	struct fp_edgeset *es;
	struct fp_policy_model *m;
};

static void
build(struct fixture *f, const char *text, const struct fp_policy_opts *po)
{
	struct fp_edge_opts eo = { 0 };
	struct fp_err err = { 0 };

	f->db = fp_test_db("t.db");
	fp_test_ingest(f->db, "flows.jsonl", text);
	ck_assert_int_eq(fp_edge_aggregate(&f->es, f->db, &eo, &err), 0);
	ck_assert_int_eq(fp_policy_synthesize(&f->m, f->es, po, &err), 0);
}

static void
done(struct fixture *f)
{
	fp_policy_model_free(f->m);
	fp_edgeset_free(f->es);
	fp_db_close(f->db);
}

static char *
render(const struct fixture *f, uint64_t rejected)
{
	struct fp_report_input in = { .rejected = rejected };
	struct fp_err err = { 0 };
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_report_render(&b, f->m, &in, &err), 0);
	return fp_buf_steal(&b);
}

#define assert_has(text, s) ck_assert_msg(strstr((text), (s)) != NULL, "missing: %s", (s))
#define assert_lacks(text, s) ck_assert_msg(strstr((text), (s)) == NULL, "unexpected: %s", (s))

static char *
scenario(void)
{
	struct fp_buf b;

	fp_buf_init(&b);
	/* Well evidenced: 4 flows over 2 days. */
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080, .count = 3);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080, .time = "2026-11-13T09:00:00Z");
	/* One flow only: low evidence. */
	FP_HUBBLE(&b, .src = API, .dst = "reserved:world ip:93.184.216.34", .port = 443);
	/* DNS over UDP: TCP/53 is added. */
	FP_HUBBLE(&b, .src = WEB, .dst = DNS, .port = 53, .proto = "UDP", .count = 5);
	/* Kubelet probes from the node. */
	FP_HUBBLE(&b, .src = "reserved:host ip:10.0.1.17", .dst = WEB, .port = 8080, .count = 7);
	/* A pod without labels, a dropped flow, ping. */
	FP_HUBBLE(&b, .src = "ns:shop pod:debug ip:10.42.0.9", .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = API, .dst = WEB, .port = 22, .verdict = "DROPPED");
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8, .proto = "ICMPv4");
	/* A canary whose labels are a superset of web's. */
	FP_HUBBLE(&b, .src = CANARY, .dst = API, .port = 8080, .count = 3);
	return fp_buf_steal(&b);
}

START_TEST(test_report_sections)
{
	struct fp_policy_opts po = { 0 };
	struct fixture f;
	char *text = scenario(), *md;

	build(&f, text, &po);
	md = render(&f, 2);
	/* The summary. */
	assert_has(md, "# flowpol review\n\n"
		       "Window: 2026-11-12T10:00:00Z to 2026-11-13T09:01:00Z (UTC; the end is not "
		       "included).\n\n");
	assert_has(md, "- 4 connections between identities admitted (13 flows)\n"
		       "- 4 observed but not admitted (see below)\n"
		       "- 1 rules with low evidence (fewer than 3 flows)\n");
	assert_has(md, "- 2 input lines were rejected ('flowpol stats' counts them)\n");
	assert_has(md, "| `shop` | 4 | 1 | 4 |\n");
	/* Per rule evidence, with the low-evidence and DNS notes. */
	assert_has(md, "### `allow-web` selects `app=web,!track`\n\n"
		       "Its selector excludes keys another workload carries (`!key`)");
	assert_has(md, "| egress | shop/api (`app=api`) | TCP 8080 | 4 | 2 | 2026-11-12T10:00:00Z | "
		       "2026-11-13T09:00:00Z |  |\n");
	assert_has(md, "| egress | 93.184.216.34 (`93.184.216.34/32`) | TCP 443 | 1 | 1 | "
		       "2026-11-12T10:00:00Z | 2026-11-12T10:00:00Z | low evidence |\n");
	assert_has(md, "| egress | kube-system/coredns (`k8s-app=kube-dns`) | TCP 53, UDP 53 | 5 | "
		       "1 | 2026-11-12T10:00:00Z | 2026-11-12T10:00:00Z | TCP 53 added on purpose: "
		       "DNS falls back to TCP |\n");
	/* What was not admitted, and why. */
	assert_has(md, "## Observed but not admitted\n\n");
	assert_has(md, "### Node traffic: no rule (CNIs admit traffic between a node and its pods; "
		       "pod-to-node traffic will be denied by default-deny)\n\n"
		       "| source | destination | port | flows | last seen |\n|---|---|---|---|---|\n"
		       "| node (`10.0.1.17/32`) | shop/web (`app=web,!track`) | TCP 8080 | 7 | "
		       "2026-11-12T10:00:00Z |\n");
	assert_has(md, "| shop/debug | shop/api (`app=api`) | TCP 8080 | 1 |");
	assert_has(md, "### Protocols a NetworkPolicy cannot name (ICMP and others): no rule\n\n"
		       "| source | destination | port | flows | last seen |\n|---|---|---|---|---|\n"
		       "| shop/web (`app=web,!track`) | shop/api (`app=api`) | ICMP | 1 |");
	assert_has(md, "### Dropped by the policy engine: no rule");
	assert_has(md, "| shop/api (`app=api`) | shop/web (`app=web,!track`) | TCP 22 | 1 |");
	assert_has(md, "## Cannot be selected exactly\n\n");
	assert_has(md, "- `shop/debug`: no labels are known for its pods\n");
	assert_has(md, "Workloads seen but given no allow rule (default-deny isolates them):\n\n"
		       "- `shop/debug`: no labels are known for its pods\n");
	/* The graph. */
	assert_has(md, "```mermaid\nflowchart LR\n");
	assert_has(md, "-->|\"TCP 8080 (4)\"|");
	/* kube-system is not generated, so not warned about. */
	assert_lacks(md, "**Warning:** this is `kube-system`");
	free(md);
	/* Without rejected lines, no line about them. */
	md = render(&f, 0);
	assert_lacks(md, "input lines were rejected");
	free(md);
	free(text);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_report_kube_system)
{
	const char *const ns[] = { "kube-system" };
	struct fp_policy_opts po = { .namespaces = ns, .n_namespaces = 1 };
	struct fixture f;
	char *text = scenario(), *md;

	build(&f, text, &po);
	md = render(&f, 0);
	assert_has(md, "## Namespace `kube-system`\n\n**Warning:** this is `kube-system`.");
	assert_has(md, "| ingress | shop/web (`app=web,!track`) | TCP 53, UDP 53 | 5 |");
	assert_lacks(md, "## Namespace `shop`");
	free(md);
	free(text);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

/* The workload layout: one file per policy, and the report links to each. */
START_TEST(test_report_workload_layout)
{
	struct fp_policy_opts po = { 0 };
	struct fp_report_input in = { .layout = FP_LAYOUT_WORKLOAD };
	struct fp_err err = { 0 };
	struct fixture f;
	struct fp_buf b;
	char *text = scenario(), *md;

	build(&f, text, &po);
	fp_buf_init(&b);
	ck_assert_int_eq(fp_report_render(&b, f.m, &in, &err), 0);
	md = fp_buf_steal(&b);
	assert_has(md, "`shop/`: [`default-deny`](shop/default-deny.yaml) (every pod, both "
		       "directions) and 3 workload policies, one file each.\n");
	assert_has(md, "### [`allow-web`](shop/allow-web.yaml) selects `app=web,!track`\n");
	assert_lacks(md, "`shop.yaml`");
	free(md);
	/* no default-deny: nothing to link for it */
	done(&f);
	fp_tmpdir_cleanup();
	po.no_default_deny = true;
	build(&f, text, &po);
	fp_buf_init(&b);
	ck_assert_int_eq(fp_report_render(&b, f.m, &in, &err), 0);
	md = fp_buf_steal(&b);
	assert_has(md, "`shop/`: 3 workload policies, one file each.\n");
	free(md);
	free(text);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_report_same_bytes)
{
	struct fp_policy_opts po = { 0 };
	struct fixture f;
	struct fp_err err = { 0 };
	char *text = scenario(), *a, *b, path[PATH_MAX];
	size_t len;

	build(&f, text, &po);
	a = render(&f, 0);
	b = render(&f, 0);
	ck_assert_str_eq(a, b);
	free(b);
	/* REVIEW.md is the same text. */
	ck_assert_int_eq(fp_report_write(f.m, NULL, fp_tmpdir(), &err), 0);
	snprintf(path, sizeof(path), "%s/REVIEW.md", fp_tmpdir());
	b = fp_read_file(path, &len);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	free(text);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_report_selector_text)
{
	struct fp_label m[] = { { "app", "web" }, { "tier", "front" } };
	char *absent[] = { (char *)"canary", (char *)"track" };
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_report_selector_text(&b, &(struct fp_selector){ m, 2, absent, 2, NULL, 0 }), 0);
	ck_assert_str_eq(fp_buf_str(&b), "app=web,tier=front,!canary,!track");
	fp_buf_reset(&b);
	ck_assert_int_eq(fp_report_selector_text(&b, &(struct fp_selector){ NULL, 0, absent, 1, NULL, 0 }), 0);
	ck_assert_str_eq(fp_buf_str(&b), "!canary");
	fp_buf_reset(&b);
	ck_assert_int_eq(fp_report_selector_text(&b, &(struct fp_selector){ 0 }), 0);
	ck_assert_str_eq(fp_buf_str(&b), "");
	fp_buf_done(&b);
}
END_TEST

START_TEST(test_report_nothing_admitted)
{
	struct fp_policy_opts po = { 0 };
	struct fixture f;
	struct fp_buf in;
	char *md;

	fp_buf_init(&in);
	FP_HUBBLE(&in, .src = "reserved:host ip:10.0.1.17", .dst = WEB, .port = 8080);
	build(&f, fp_buf_str(&in), &po);
	fp_buf_done(&in);
	md = render(&f, 0);
	assert_has(md, "- 0 connections between identities admitted (0 flows)\n"
		       "- 1 observed but not admitted (see below)\n");
	assert_has(md, "`shop.yaml`: `default-deny` (every pod, both directions) and 0 workload "
		       "policies.\n");
	assert_has(md, "  none[\"no admitted traffic\"]\n");
	free(md);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, test_report_sections);
	tcase_add_test(tc, test_report_kube_system);
	tcase_add_test(tc, test_report_workload_layout);
	tcase_add_test(tc, test_report_same_bytes);
	tcase_add_test(tc, test_report_nothing_admitted);
	suite_add_tcase(s, tc);
	tc = tcase_create("selector_text");
	tcase_add_test(tc, test_report_selector_text);
	suite_add_tcase(s, tc);
	return s;
}
