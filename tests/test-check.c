/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-check.c - check, and flowpol checking its own output: for every
 * scenario the generated policies admit every observed connection, and
 * removing any single rule makes some observed connection denied.  Both
 * through the YAML that is written, read back by the NetworkPolicy reader.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "lib/emit.h"
#include "lib/ingest.h"
#include "lib/inventory.h"
#include "lib/policy.h"
#include "tests/fp-check.h"

static struct fp_db *
scenario_db(const char *const *logs, const char *inventory_glob)
{
	struct fp_db *db = fp_test_db("s.db");
	struct fp_ingest_opts io = { .max_errors = 10 };
	struct fp_ingest *ing = NULL;
	struct fp_err err = { 0 };

	if (inventory_glob != NULL) {
		glob_t g;
		struct fp_inventory_opts iopts = { 0 };

		ck_assert_int_eq(glob(fp_testdata(inventory_glob), 0, NULL, &g), 0);
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct fp_inventory_stats st;

			ck_assert_int_eq(fp_inventory_load_file(&st, db, g.gl_pathv[i], &iopts, &err), 0);
		}
		globfree(&g);
	}
	ck_assert_int_eq(fp_ingest_new(&ing, db, &io, &err), 0);
	for (size_t i = 0; logs[i] != NULL; i++) {
		glob_t g;

		ck_assert_int_eq(glob(fp_testdata(logs[i]), 0, NULL, &g), 0);
		for (size_t k = 0; k < g.gl_pathc; k++) {
			struct fp_ingest_stats st;

			ck_assert_int_eq(fp_ingest_file(ing, &st, g.gl_pathv[k], &err), 0);
		}
		globfree(&g);
	}
	fp_ingest_free(ing);
	return db;
}

/* The model as the NetworkPolicy reader sees it once written out. */
static struct fp_netpol_set *
as_policies(const struct fp_policy_model *m)
{
	struct fp_netpol_set *set = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_netpol_set_new(&set, &err), 0);
	for (size_t i = 0; i < m->n; i++) {
		struct fp_buf b;

		fp_buf_init(&b);
		ck_assert_int_eq(fp_emit_namespace(&b, m, &m->nss[i], &err), 0);
		ck_assert_int_eq(fp_netpol_load_buffer(set, m->nss[i].ns, b.data, b.len, NULL, NULL,
						       &err),
				 0);
		fp_buf_done(&b);
	}
	/* every document flowpol writes is a valid NetworkPolicy */
	ck_assert_uint_eq(fp_netpol_invalid(set), 0);
	return set;
}

static size_t
denied(const struct fp_edgeset *es, const struct fp_policy_model *m)
{
	struct fp_netpol_set *set = as_policies(m);
	struct fp_check_result *r = NULL;
	struct fp_err err = { 0 };
	size_t n;

	ck_assert_int_eq(fp_check_edges(&r, es, set, NULL, &err), 0);
	n = r->denied;
	fp_check_result_free(r);
	fp_netpol_set_free(set);
	return n;
}

/*
 * Admitted edges are all allowed; take each rule out in turn and some
 * edge must be denied, else the rule allowed nothing observed.
 */
static void
assert_exact(const char *const *logs, const char *inventory_glob)
{
	struct fp_db *db = scenario_db(logs, inventory_glob);
	struct fp_edge_opts eo = { 0 };
	struct fp_policy_opts po = { 0 };
	struct fp_edgeset *es = NULL;
	struct fp_policy_model *m = NULL;
	struct fp_err err = { 0 };
	size_t rules = 0;

	ck_assert_int_eq(fp_edge_compute(&es, db, &eo, &err), 0);
	ck_assert_int_eq(fp_policy_synthesize(&m, es, &po, &err), 0);
	ck_assert_uint_eq(denied(es, m), 0);
	for (size_t i = 0; i < m->n; i++) {
		for (size_t p = 0; p < m->nss[i].n; p++) {
			struct fp_policy *pol = &m->nss[i].policies[p];
			struct fp_policy_rule *dirs[2] = { pol->ingress, pol->egress };
			size_t *counts[2] = { &pol->n_ingress, &pol->n_egress };

			for (int d = 0; d < 2; d++) {
				for (size_t r = 0; r < *counts[d]; r++) {
					struct fp_policy_rule saved = dirs[d][r];

					/* move rule r to the end and hide it */
					dirs[d][r] = dirs[d][*counts[d] - 1];
					dirs[d][*counts[d] - 1] = saved;
					(*counts[d])--;
					ck_assert_msg(denied(es, m) > 0,
						      "%s/%s %s rule %zu admits nothing observed",
						      m->nss[i].ns, pol->name, d ? "egress" : "ingress", r);
					(*counts[d])++;
					dirs[d][*counts[d] - 1] = dirs[d][r];
					dirs[d][r] = saved;
					rules++;
				}
			}
		}
	}
	ck_assert_uint_gt(rules, 0);
	fp_policy_model_free(m);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}

START_TEST(test_check_demo_is_exact)
{
	static const char *const logs[] = { "demo/*.jsonl*", NULL };

	assert_exact(logs, NULL);
}
END_TEST

START_TEST(test_check_bookinfo_is_exact)
{
	static const char *const logs[] = { "hubble/bookinfo/*.json", NULL };

	assert_exact(logs, NULL);
}
END_TEST

START_TEST(test_check_churn_is_exact)
{
	static const char *const logs[] = { "churn/vpc.log", NULL };

	assert_exact(logs, "churn/inventory/*.json");
}
END_TEST

/* The other scenarios the golden cases run: one traffic written in every
 * format (GKE names pods, the inventory gives their labels), a rollout,
 * two workloads sharing app=redis, and the first week of the weekly job. */
START_TEST(test_check_scenarios_are_exact)
{
	static const char *const scenario[] = { "scenario/hubble.jsonl", NULL };
	static const char *const gke[] = { "scenario/gke-policy_action.log", NULL };
	static const char *const rollout[] = { "golden/rollout/input.jsonl", NULL };
	static const char *const redis[] = { "golden/redis-roles/input.jsonl", NULL };
	static const char *const weekly[] = { "weekly/week1.jsonl", NULL };

	assert_exact(scenario, NULL);
	assert_exact(gke, "scenario/pods.json");
	assert_exact(rollout, NULL);
	assert_exact(redis, NULL);
	assert_exact(weekly, NULL);
}
END_TEST

START_TEST(test_check_names_the_denying_side)
{
	static const char *const logs[] = { "demo/*.jsonl*", NULL };
	struct fp_db *db = scenario_db(logs, NULL);
	struct fp_edge_opts eo = { 0 };
	struct fp_edgeset *es = NULL;
	struct fp_netpol_set *set = NULL;
	struct fp_check_result *r = NULL;
	struct fp_err err = { 0 };
	static const char policy[] =
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: lock, namespace: prod}\n"
		"spec:\n  podSelector: {matchLabels: {app: auth-service}}\n"
		"  policyTypes: [Ingress]\n"
		"  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: api-gateway}}\n"
		"    ports: [{port: 8080}]\n";
	bool saw = false;

	ck_assert_int_eq(fp_edge_compute(&es, db, &eo, &err), 0);
	ck_assert_int_eq(fp_netpol_set_new(&set, &err), 0);
	ck_assert_int_eq(fp_netpol_load_buffer(set, "lock.yaml", policy, strlen(policy), NULL, NULL,
					       &err),
			 0);
	ck_assert_int_eq(fp_check_edges(&r, es, set, NULL, &err), 0);
	/* payment-processor-v4 -> auth-service and prometheus -> auth-service:9090 */
	ck_assert_uint_eq(r->denied, 2);
	for (size_t i = 0; i < r->n; i++) {
		const struct fp_check_item *it = &r->items[i];
		const struct fp_edge *e = &es->edges[it->edge];

		if (it->verdict != FP_CHECK_DENIED || e->port != 8080)
			continue;
		saw = true;
		ck_assert(it->ingress_denied);
		ck_assert(!it->egress_denied);
		ck_assert_str_eq(it->reason,
				 "denied on ingress: no rule in policy prod/lock selecting "
				 "prod/auth-service admits prod/payment-processor-v4 on TCP/8080");
	}
	ck_assert(saw);
	fp_check_result_free(r);
	fp_netpol_set_free(set);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("edges");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_check_demo_is_exact);
	tcase_add_test(tc, test_check_bookinfo_is_exact);
	tcase_add_test(tc, test_check_churn_is_exact);
	tcase_add_test(tc, test_check_scenarios_are_exact);
	tcase_add_test(tc, test_check_names_the_denying_side);
	suite_add_tcase(s, tc);
	return s;
}
