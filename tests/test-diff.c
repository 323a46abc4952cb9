/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-diff.c - comparing policy sets by what they admit: added peers,
 * removed ports, widened ranges, stale rules, label sets, address classes,
 * the universe without a database, form-only changes, and the renderers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/diff.h"
#include "lib/ingest.h"
#include "lib/util-time.h"
#include "tests/fp-check.h"

#define WEB1 "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web version=v1"
#define WEB2 "ns:shop pod:web-7d9f8b6c4b-h5n2m app=web version=v2"
#define API  "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define PG   "ns:shop pod:postgres-0 app=postgres"
#define PAY  "reserved:world ip:203.0.113.10"

/* api admits web on 8080 and reaches postgres and the payment API. */
#define HEAD "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
#define BASE                                                                             \
	HEAD "metadata: {name: api, namespace: shop}\n"                                  \
	     "spec:\n"                                                                   \
	     "  podSelector: {matchLabels: {app: api}}\n"                                \
	     "  policyTypes: [Ingress, Egress]\n"                                        \
	     "  ingress:\n"                                                              \
	     "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"                    \
	     "    ports: [{port: 8080}]\n"                                               \
	     "  egress:\n"                                                               \
	     "  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n"                 \
	     "    ports: [{port: 5432}]\n"                                               \
	     "  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n"                            \
	     "    ports: [{port: 443}]\n"

static struct fp_db *db;
static struct fp_edgeset *es;

static void
setup(void)
{
	struct fp_buf b;
	struct fp_edge_opts eo = { 0 };
	struct fp_err err = { 0 };

	fp_buf_init(&b);
	FP_HUBBLE(&b, .time = "2026-11-12T10:00:30Z", .src = WEB1, .dst = API,
		  .port = 8080);
	FP_HUBBLE(&b, .time = "2026-11-12T10:01:30Z", .src = WEB2, .dst = API,
		  .port = 8080);
	FP_HUBBLE(&b, .time = "2026-11-12T10:05:00Z", .src = WEB1, .dst = API,
		  .port = 8080);
	FP_HUBBLE(&b, .time = "2026-11-12T10:02:00Z", .src = API, .dst = PG,
		  .port = 5432);
	FP_HUBBLE(&b, .time = "2026-11-12T10:03:00Z", .src = API, .dst = PAY,
		  .port = 443);
	FP_HUBBLE(&b, .time = "2026-11-12T10:04:00Z", .src = WEB1, .dst = PG,
		  .port = 5432, .verdict = "DROPPED");
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

static struct fp_netpol_set *
set_of(const char *text)
{
	struct fp_netpol_set *s = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_netpol_set_new(&s, &err), 0);
	ck_assert_int_eq(fp_netpol_load_buffer(s, "mem.yaml", text, strlen(text), NULL,
					       NULL, &err),
			 0);
	ck_assert_uint_eq(fp_netpol_invalid(s), 0);
	return s;
}

/* A set read from a file @name in the temporary directory. */
static struct fp_netpol_set *
file_set(const char *name, const char *text)
{
	struct fp_netpol_set *s = NULL;
	struct fp_err err = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s", fp_write_file(fp_tmpdir(), name, text));
	ck_assert_int_eq(fp_netpol_set_new(&s, &err), 0);
	ck_assert_int_eq(fp_netpol_load_path(s, path, NULL, NULL, &err), 0);
	ck_assert_uint_eq(fp_netpol_invalid(s), 0);
	return s;
}

static struct fp_diff_result *
diff(const char *old, const char *new, const struct fp_edgeset *e)
{
	struct fp_netpol_set *a = set_of(old), *b = set_of(new);
	struct fp_diff_result *r = NULL;
	struct fp_err err = { 0 };

	ck_assert_msg(fp_diff_sets(&r, a, b, e, &err) == 0, "%s", err.text);
	fp_netpol_set_free(a);
	fp_netpol_set_free(b);
	return r;
}

/* Every connection as "kind src -> dst ports flows/dropped[ partial]\n". */
static char *
conns(const struct fp_diff_result *r)
{
	static const char *const kinds[] = { "new", "removed", "stale" };
	struct fp_buf b;

	fp_buf_init(&b);
	fp_buf_adds(&b, "");
	for (size_t i = 0; i < r->n_conns; i++) {
		const struct fp_diff_conn *c = &r->conns[i];

		fp_buf_printf(&b, "%s %s -> %s ", kinds[c->kind], c->src.text,
			      c->dst.text);
		fp_diff_ports_text(&b, c);
		fp_buf_printf(&b, " %llu/%llu%s\n", (unsigned long long)c->flows,
			      (unsigned long long)c->dropped,
			      c->partial ? " partial" : "");
	}
	return fp_buf_steal(&b);
}

static void
assert_conns(const struct fp_diff_result *r, const char *want)
{
	char *got = conns(r);

	ck_assert_str_eq(got, want);
	free(got);
}

/* --- fp_diff_sets ------------------------------------------------------- */

START_TEST(test_diff_same_meaning_is_no_change)
{
	/* renamed, split in two policies, ports and peers in other rules */
	static const char split[] = HEAD
		"metadata: {name: api-in, namespace: shop}\n"
		"spec:\n  podSelector: {matchExpressions: [{key: app, operator: In, values: [api]}]}\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		"    ports: [{port: 8080, protocol: TCP}]\n"
		"---\n" HEAD "metadata: {name: api-out, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Egress]\n"
		"  egress:\n  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n    ports: [{port: 443}]\n"
		"  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n    ports: [{port: 5432}]\n";
	struct fp_diff_result *r = diff(BASE, split, es);

	ck_assert(!r->changed);
	assert_conns(r, "");
	ck_assert_uint_eq(r->changes[FP_DIFF_ONLY_OLD], 1);
	ck_assert_uint_eq(r->changes[FP_DIFF_ONLY_NEW], 2);
	ck_assert_uint_eq(r->n_policies, 3);
	ck_assert_str_eq(r->policies[0].name, "api");
	ck_assert_str_eq(r->policies[0].old_place, "mem.yaml:1");
	ck_assert_ptr_null(r->policies[0].new_place);
	ck_assert(r->evidence);
	ck_assert_uint_eq(r->pods, 3);
	fp_diff_result_free(r);
}
END_TEST

START_TEST(test_diff_added_peer_is_new)
{
	char *text = strdup(BASE), *p = strstr(text, "{app: web}}}]");
	struct fp_buf b;
	struct fp_diff_result *r;

	fp_buf_init(&b);
	fp_buf_add(&b, text, (size_t)(p - text));
	fp_buf_adds(&b, "{app: web}}}, {podSelector: {matchLabels: {app: postgres}}}]");
	fp_buf_adds(&b, p + strlen("{app: web}}}]"));
	r = diff(BASE, fp_buf_str(&b), es);
	ck_assert(r->changed);
	assert_conns(r, "new shop/postgres -> shop/api TCP 8080 0/0\n");
	ck_assert_int_eq(r->conns[0].last, 0);
	fp_diff_result_free(r);
	fp_buf_done(&b);
	free(text);
}
END_TEST

START_TEST(test_diff_removed_port_has_evidence)
{
	static const char fewer[] = HEAD
		"metadata: {name: api, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		"    ports: [{port: 8080}]\n"
		"  egress:\n  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n"
		"    ports: [{port: 5432}]\n";
	struct fp_diff_result *r = diff(BASE, fewer, es);
	char t[FP_TIME_BUFSZ];

	ck_assert(r->changed);
	assert_conns(r, "removed shop/api -> 203.0.113.10 TCP 443 1/0\n");
	ck_assert_str_eq(fp_time_format(t, r->conns[0].last), "2026-11-12T10:03:00Z");
	ck_assert(r->conns[0].dst.is_addr);
	fp_diff_result_free(r);
}
END_TEST

START_TEST(test_diff_widened_range_is_exact)
{
	char *text = strdup(BASE), *p = strstr(text, "{port: 8080}");
	struct fp_buf b;
	struct fp_diff_result *r;

	fp_buf_init(&b);
	fp_buf_add(&b, text, (size_t)(p - text));
	fp_buf_adds(&b, "{port: 8080, endPort: 8090}");
	fp_buf_adds(&b, p + strlen("{port: 8080}"));
	r = diff(BASE, fp_buf_str(&b), es);
	assert_conns(r, "new shop/web -> shop/api TCP 8081-8090 0/0\n");
	ck_assert_uint_eq(r->conns[0].n_ranges, 1);
	fp_diff_result_free(r);
	/* and narrowed back, the other way round */
	r = diff(fp_buf_str(&b), BASE, es);
	assert_conns(r, "removed shop/web -> shop/api TCP 8081-8090 0/0\n");
	fp_diff_result_free(r);
	fp_buf_done(&b);
	free(text);
}
END_TEST

START_TEST(test_diff_one_side_is_no_change)
{
	/* postgres admits more than api may send: the connection needs both */
	static const char pg[] =
		"---\n" HEAD "metadata: {name: pg, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: postgres}}\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: api}}}]\n"
		"    ports: [{port: 5432, endPort: 5440}]\n";
	struct fp_buf a, b;
	struct fp_diff_result *r;

	fp_buf_init(&a);
	fp_buf_init(&b);
	fp_buf_printf(&a, "%s%s", BASE, pg);
	fp_buf_printf(&b, "%s%s", BASE, pg);
	memcpy(strstr(b.data, "5440"), "5432", 4);
	r = diff(a.data, b.data, es);
	ck_assert(!r->changed);
	fp_diff_result_free(r);
	fp_buf_done(&a);
	fp_buf_done(&b);
}
END_TEST

START_TEST(test_diff_stale_needs_a_rule_and_no_traffic)
{
	static const char more[] = HEAD
		"metadata: {name: api, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		"    ports: [{port: 8080}, {port: 9090}]\n"
		"  egress:\n  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n"
		"    ports: [{port: 5432}]\n"
		"  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n    ports: [{port: 443}]\n";
	struct fp_netpol_set *a = file_set("more.yaml", more);
	struct fp_diff_result *r = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_diff_sets(&r, a, a, es, &err), 0);
	/* web -> postgres is admitted too, but no policy selects either side */
	ck_assert(!r->changed);
	assert_conns(r, "stale shop/web -> shop/api TCP 9090 0/0\n");
	ck_assert_uint_eq(r->counts[FP_DIFF_STALE], 1);
	ck_assert_uint_eq(r->changes[FP_DIFF_SAME], 1);
	ck_assert_uint_eq(r->n_policies, 0);
	fp_diff_result_free(r);
	fp_netpol_set_free(a);
}
END_TEST

START_TEST(test_diff_label_sets_make_partial)
{
	static const char v2[] = HEAD
		"metadata: {name: api, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web, version: v2}}}]\n"
		"    ports: [{port: 8080}]\n"
		"  egress:\n  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n"
		"    ports: [{port: 5432}]\n"
		"  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n    ports: [{port: 443}]\n";
	struct fp_diff_result *r = diff(BASE, v2, es);

	/* web's v1 pods lose api; its v2 pods keep it */
	assert_conns(r, "removed shop/web -> shop/api TCP 8080 3/0 partial\n");
	fp_diff_result_free(r);
}
END_TEST

START_TEST(test_diff_address_classes_fold)
{
	static const char deny[] =
		HEAD "metadata: {name: d, namespace: shop}\n"
		     "spec:\n  podSelector: {matchLabels: {app: api}}\n"
		     "  policyTypes: [Egress]\n";
	static const char wide[] = HEAD
		"metadata: {name: d, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Egress]\n"
		"  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n"
		"    ports: [{port: 443}]\n"
		"  - to: [{ipBlock: {cidr: 10.2.0.0/16}}]\n    ports: [{port: 443}]\n"
		"  - to: [{ipBlock: {cidr: 192.0.2.0/25}}, {ipBlock: {cidr: 192.0.2.128/26}}]\n"
		"    ports: [{port: 53, protocol: UDP}]\n";
	struct fp_diff_result *r = diff(deny, wide, es);

	/* 10.2/16 is also in 10/8: the classes on both sides of it fold back,
	 * 10.1/16 stays out; 192.0.2.0-192.0.2.191 is no single block */
	assert_conns(r, "new shop/api -> 10.0.0.0/16 TCP 443 0/0\n"
			"new shop/api -> 10.2.0.0-10.255.255.255 TCP 443 0/0\n"
			"new shop/api -> 192.0.2.0-192.0.2.191 UDP 53 0/0\n");
	fp_diff_result_free(r);
}
END_TEST

START_TEST(test_diff_without_database)
{
	static const char peer[] = HEAD
		"metadata: {name: api, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: web}}\n"
		"    - namespaceSelector: {matchLabels: {team: ops}}\n"
		"      podSelector: {matchExpressions: [{key: tier, operator: Exists}]}\n"
		"    ports: [{port: 8080}]\n"
		"  egress:\n  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n"
		"    ports: [{port: 5432}]\n"
		"  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n    ports: [{port: 443}]\n";
	struct fp_netpol_set *a = set_of(BASE), *b = file_set("new.yaml", peer);
	struct fp_diff_result *r = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_diff_sets(&r, a, b, NULL, &err), 0);
	ck_assert(!r->evidence);
	/* The policy's pods and the other pods of shop; the peers of its rules,
	 * read back from its file: web, postgres, and a pod with a tier label
	 * in a namespace labelled team=ops, and the other pods there.  OLD is
	 * in memory: its peers are unknown, but NEW names the same ones. */
	ck_assert_uint_eq(r->pods, 6);
	assert_conns(r, "new {team=ops}/{tier=} -> shop/{app=api} TCP 8080 0/0\n");
	/* nothing could be stale without traffic to tell */
	ck_assert_uint_eq(r->counts[FP_DIFF_STALE], 0);
	fp_diff_result_free(r);
	fp_netpol_set_free(a);
	fp_netpol_set_free(b);
}
END_TEST

START_TEST(test_diff_form_only_and_meaning)
{
	static const char same_form[] =
		"# reordered keys, other quoting, flow style: the same object\n"
		"kind: NetworkPolicy\napiVersion: 'networking.k8s.io/v1'\n"
		"metadata:\n  namespace: shop\n  name: \"api\"\n"
		"spec:\n  policyTypes: [Ingress, Egress]\n  podSelector: {matchLabels: {app: api}}\n"
		"  egress:\n  - ports: [{port: 5432}]\n"
		"    to: [{podSelector: {matchLabels: {app: postgres}}}]\n"
		"  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n    ports: [{port: 443}]\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		"    ports: [{port: 8080}]\n";
	static const char other_form[] = HEAD
		"metadata: {name: api, namespace: shop, annotations: {note: changed}}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		"    ports: [{port: 8080}]\n"
		"  egress:\n  - to: [{ipBlock: {cidr: 203.0.113.10/32}}]\n    ports: [{port: 443}]\n"
		"  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n    ports: [{port: 5432}]\n";
	struct fp_netpol_set *a = file_set("a.yaml", BASE),
			     *b = file_set("b.yaml", same_form);
	struct fp_netpol_set *c = file_set("c.yaml", other_form), *m = set_of(BASE);
	struct fp_diff_result *r = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_diff_sets(&r, a, b, es, &err), 0);
	ck_assert_uint_eq(r->changes[FP_DIFF_SAME], 1);
	ck_assert_uint_eq(r->n_policies, 0);
	fp_diff_result_free(r);
	ck_assert_int_eq(fp_diff_sets(&r, a, c, es, &err), 0);
	ck_assert_uint_eq(r->n_policies, 1);
	ck_assert_int_eq(r->policies[0].change, FP_DIFF_FORM_ONLY);
	ck_assert(!r->changed);
	fp_diff_result_free(r);
	/* a set loaded from memory has no file to read the form back from */
	ck_assert_int_eq(fp_diff_sets(&r, a, m, es, &err), 0);
	ck_assert_int_eq(r->policies[0].change, FP_DIFF_UNREAD);
	fp_diff_result_free(r);
	fp_netpol_set_free(a);
	fp_netpol_set_free(b);
	fp_netpol_set_free(c);
	fp_netpol_set_free(m);
}
END_TEST

START_TEST(test_diff_places_are_printable)
{
	struct fp_netpol_set *a = file_set("a\nb|`<c>.yaml", BASE), *b = set_of("");
	struct fp_diff_result *r = NULL;
	struct fp_err err = { 0 };
	char want[4200];

	ck_assert_int_eq(fp_diff_sets(&r, a, b, es, &err), 0);
	ck_assert_uint_eq(r->n_policies, 1);
	snprintf(want, sizeof(want), "%s/a\\x0ab|`<c>.yaml:1", fp_tmpdir());
	ck_assert_str_eq(r->policies[0].old_place, want);
	fp_diff_result_free(r);
	fp_netpol_set_free(a);
	fp_netpol_set_free(b);
}
END_TEST

/* A set of the files @paths (under testdata/golden/), read as files or,
 * under names that are no files, from memory: then no rule can be read
 * back and no pair is skipped. */
static struct fp_netpol_set *
golden_set(const char *const *paths, bool from_files)
{
	struct fp_netpol_set *s = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_netpol_set_new(&s, &err), 0);
	for (size_t i = 0; paths[i] != NULL; i++) {
		char rel[256], name[300];
		size_t len;
		char *text;

		snprintf(rel, sizeof(rel), "golden/%s", paths[i]);
		if (from_files) {
			ck_assert_int_eq(fp_netpol_load_path(s, fp_testdata(rel), NULL,
							     NULL, &err),
					 0);
			continue;
		}
		text = fp_read_file(fp_testdata(rel), &len);
		ck_assert_ptr_nonnull(text);
		snprintf(name, sizeof(name), "memory:%s", paths[i]);
		ck_assert_int_eq(
			fp_netpol_load_buffer(s, name, text, len, NULL, NULL, &err), 0);
		free(text);
	}
	ck_assert_uint_eq(fp_netpol_invalid(s), 0);
	return s;
}

START_TEST(test_diff_rules_skip_nothing)
{
	static const char *const old[] = { "diff-equivalent/old/ingress-nginx.yaml",
					   "diff-equivalent/old/monitoring.yaml",
					   "diff-equivalent/old/prod.yaml", NULL };
	static const char *const new[] = { "diff-changes/peer-ingress-nginx.yaml",
					   "diff-equivalent/old/monitoring.yaml",
					   "diff-changes/all-prod.yaml",
					   "diff-changes/gateway-postgres.yaml", NULL };
	struct fp_db *demo = fp_test_db("demo.db");
	struct fp_ingest_opts io = { .max_errors = 10 };
	struct fp_ingest *ing = NULL;
	struct fp_edge_opts eo = { 0 };
	struct fp_edgeset *des = NULL;
	struct fp_err err = { 0 };
	static const char *const logs[] = { "demo/hubble-ip-10-0-1-17.jsonl",
					    "demo/hubble-ip-10-0-2-29.jsonl",
					    "demo/hubble-ip-10-0-3-41.jsonl.gz" };
	char *texts[2];

	ck_assert_int_eq(fp_ingest_new(&ing, demo, &io, &err), 0);
	for (size_t i = 0; i < 3; i++) {
		struct fp_ingest_stats st;

		ck_assert_int_eq(fp_ingest_file(ing, &st, fp_testdata(logs[i]), &err), 0);
	}
	fp_ingest_free(ing);
	ck_assert_int_eq(fp_edge_compute(&des, demo, &eo, &err), 0);
	/* The pairs the rules read back rule out are exactly those the
	 * evaluator denies: the same answer as asking about every pair. */
	for (int k = 0; k < 2; k++) {
		struct fp_netpol_set *a = golden_set(old, k == 0),
				     *b = golden_set(new, k == 0);
		struct fp_diff_result *r = NULL;

		ck_assert_int_eq(fp_diff_sets(&r, a, b, des, &err), 0);
		ck_assert_uint_eq(r->counts[FP_DIFF_NEW], 3);
		ck_assert_uint_eq(r->counts[FP_DIFF_REMOVED], 1);
		ck_assert_uint_eq(r->counts[FP_DIFF_STALE], 4);
		texts[k] = conns(r);
		fp_diff_result_free(r);
		fp_netpol_set_free(a);
		fp_netpol_set_free(b);
	}
	ck_assert_str_eq(texts[0], texts[1]);
	free(texts[0]);
	free(texts[1]);
	fp_edgeset_free(des);
	fp_db_close(demo);
}
END_TEST

/* --- renderers ---------------------------------------------------------- */

/* api admits web on 9090 too and no longer reaches the payment API. */
static struct fp_diff_result *
sample(void)
{
	static const char changed[] = HEAD
		"metadata: {name: api, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		"    ports: [{port: 8080}, {port: 9090}]\n"
		"  egress:\n  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n"
		"    ports: [{port: 5432}]\n";
	struct fp_netpol_set *a = file_set("old.yaml", BASE),
			     *b = file_set("new.yaml", changed);
	struct fp_diff_result *r = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_diff_sets(&r, a, b, es, &err), 0);
	fp_netpol_set_free(a);
	fp_netpol_set_free(b);
	ck_assert_uint_eq(r->n_policies, 1);
	/* a hostile place, as a file name could make it */
	free(r->policies[0].old_place);
	r->policies[0].old_place = strdup("x|`*<b>\n.yaml:1");
	return r;
}

START_TEST(test_diff_ports_text)
{
	struct fp_netpol_port_range any = { 0, 65535 },
				    two[] = { { 53, 53 }, { 8000, 8080 } };
	struct fp_diff_conn c = { .proto = FP_PROTO_UDP, .ranges = &any, .n_ranges = 1 };
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_diff_ports_text(&b, &c), 0);
	ck_assert_str_eq(fp_buf_str(&b), "UDP any port");
	fp_buf_reset(&b);
	c.proto = FP_PROTO_SCTP;
	c.ranges = two;
	c.n_ranges = 2;
	fp_diff_ports_text(&b, &c);
	ck_assert_str_eq(fp_buf_str(&b), "SCTP 53, 8000-8080");
	fp_buf_done(&b);
}
END_TEST

START_TEST(test_diff_render_text)
{
	struct fp_diff_result *r = sample();
	struct fp_buf b;
	char want[1024];

	fp_buf_init(&b);
	ck_assert_int_eq(fp_diff_render_text(&b, r), 0);
	snprintf(
		want, sizeof(want),
		"new       shop/web -> shop/api TCP 9090: no traffic observed\n"
		"removed   shop/api -> 203.0.113.10 TCP 443: 1 flow, last seen "
		"2026-11-12T10:03:00Z; NEW would deny traffic that was observed\n"
		"meaning   policy shop/api (x|`*<b>\\x0a.yaml:1 -> %s/new.yaml:1)\n"
		"1 new, 1 removed, 0 stale connections; 0 policies changed only in form, 1 in "
		"meaning, 0 only in OLD, 0 only in NEW\n"
		"compared over 3 workloads and 6 address classes, window 2026-11-12T10:00:00Z "
		"to 2026-11-12T10:06:00Z\n",
		fp_tmpdir());
	ck_assert_str_eq(fp_buf_str(&b), want);
	fp_buf_done(&b);
	fp_diff_result_free(r);
}
END_TEST

START_TEST(test_diff_render_markdown)
{
	static const char head[] =
		"## Changes since the baseline\n\n"
		"**1 new** and **1 removed** connections. 0 stale (admitted, but no "
		"traffic in the window); 1 policy changed only in form.\n\n"
		"Compared over 3 workloads and 6 classes of outside addresses; "
		"evidence from 2026-11-12T10:00:00Z to 2026-11-12T10:06:00Z.\n\n"
		"### New: admitted now, not before\n\n"
		"| source | destination | ports | flows | dropped | last seen | note |\n"
		"|---|---|---|---|---|---|---|\n"
		"| shop/web | shop/api | TCP 9090 | 0 | 0 | never |  |\n\n"
		"### Removed: admitted before, not now\n\n";
	struct fp_diff_result *r = sample();
	struct fp_buf b;

	/* form-only, to see the place in the list */
	r->policies[0].change = FP_DIFF_FORM_ONLY;
	r->changes[FP_DIFF_FORM_ONLY] = 1;
	fp_buf_init(&b);
	ck_assert_int_eq(fp_diff_render_markdown(&b, r), 0);
	ck_assert_int_eq(strncmp(fp_buf_str(&b), head, strlen(head)), 0);
	ck_assert_ptr_nonnull(
		strstr(fp_buf_str(&b),
		       "| shop/api | 203.0.113.10 | TCP 443 | 1 | 0 | "
		       "2026-11-12T10:03:00Z | **observed traffic will be denied** |\n"));
	/* the hostile place can neither end the cell nor start markup */
	ck_assert_ptr_nonnull(strstr(fp_buf_str(&b),
				     "### Changed only in form\n\n"
				     "- shop/api (x\\|\\`\\*&lt;b&gt;\\\\x0a.yaml:1 "
				     "-&gt; "));
	fp_buf_done(&b);
	fp_diff_result_free(r);
}
END_TEST

START_TEST(test_diff_render_json)
{
	struct fp_diff_result *r = sample();
	struct fp_buf b;
	json_error_t je;
	json_t *j;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_diff_render_json(&b, r), 0);
	/* sorted keys: "changed" comes first */
	ck_assert_int_eq(
		strncmp(fp_buf_str(&b), "{\n  \"changed\": true,\n  \"counts\"", 31), 0);
	j = json_loads(fp_buf_str(&b), 0, &je);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(
		json_integer_value(json_object_get(json_object_get(j, "counts"), "new")),
		1);
	ck_assert_str_eq(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "policies"), 0), "old")),
		"x|`*<b>\n.yaml:1");
	ck_assert_str_eq(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "removed"), 0), "last_seen")),
		"2026-11-12T10:03:00Z");
	ck_assert(json_is_null(json_object_get(
		json_array_get(json_object_get(j, "new"), 0), "last_seen")));
	json_decref(j);
	fp_buf_done(&b);
	fp_diff_result_free(r);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("sets");
	TCase *tp = tcase_create("ports_text");
	TCase *tt = tcase_create("render_text");
	TCase *tm = tcase_create("render_markdown");
	TCase *tj = tcase_create("render_json");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_diff_same_meaning_is_no_change);
	tcase_add_test(tc, test_diff_added_peer_is_new);
	tcase_add_test(tc, test_diff_removed_port_has_evidence);
	tcase_add_test(tc, test_diff_widened_range_is_exact);
	tcase_add_test(tc, test_diff_one_side_is_no_change);
	tcase_add_test(tc, test_diff_stale_needs_a_rule_and_no_traffic);
	tcase_add_test(tc, test_diff_label_sets_make_partial);
	tcase_add_test(tc, test_diff_address_classes_fold);
	tcase_add_test(tc, test_diff_without_database);
	tcase_add_test(tc, test_diff_form_only_and_meaning);
	tcase_add_test(tc, test_diff_places_are_printable);
	tcase_add_test(tc, test_diff_rules_skip_nothing);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, test_diff_ports_text);
	suite_add_tcase(s, tp);
	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, test_diff_render_text);
	suite_add_tcase(s, tt);
	tcase_add_checked_fixture(tm, setup, teardown);
	tcase_add_test(tm, test_diff_render_markdown);
	suite_add_tcase(s, tm);
	tcase_add_checked_fixture(tj, setup, teardown);
	tcase_add_test(tj, test_diff_render_json);
	suite_add_tcase(s, tj);
	return s;
}
