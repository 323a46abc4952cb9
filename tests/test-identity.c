/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-identity.c - from stored endpoints to identities: workloads by name
 * or by labels, twins folded together, pods that cannot be selected, and
 * the identities of everything that is not a pod.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/identity.h"
#include "tests/fp-check.h"

/* Build the identities of a database made of the lines in @b. */
static struct fp_idset *
build(struct fp_db **db_out, struct fp_buf *b)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_idset *ids = NULL;
	struct fp_err err = { 0 };

	fp_test_ingest(db, "flows.jsonl", fp_buf_str(b));
	fp_buf_done(b);
	ck_assert_int_eq(fp_idset_build(&ids, db, &err), 0);
	ck_assert_ptr_nonnull(ids);
	*db_out = db;
	return ids;
}

static const struct fp_identity *
get(const struct fp_idset *ids, const char *key)
{
	long i = fp_idset_find(ids, key);

	ck_assert_msg(i >= 0, "no identity %s", key);
	return fp_idset_get(ids, (size_t)i);
}

/* Every identity as "key kind name [wkind] {labels} sel note also", one per line. */
static char *
dump(const struct fp_idset *ids)
{
	struct fp_buf b;

	fp_buf_init(&b);
	fp_buf_adds(&b, "");
	for (size_t i = 0; i < fp_idset_count(ids); i++) {
		const struct fp_identity *id = fp_idset_get(ids, i);
		char *sel = id->selectable ? fp_selector_to_json(&id->sel) : NULL;

		fp_buf_printf(&b, "%s %d %s %s {", id->key, id->kind, id->name,
			      id->wkind != NULL ? id->wkind : "-");
		for (size_t k = 0; k < id->n_labels; k++)
			fp_buf_printf(&b, "%s%s=%s", k ? "," : "", id->labels[k].key,
				      id->labels[k].value);
		fp_buf_printf(&b, "} %s %s %s\n", sel != NULL ? sel : "-",
			      id->note != NULL ? id->note : "-", id->also != NULL ? id->also : "-");
		free(sel);
	}
	return fp_buf_steal(&b);
}

/* The identity of the endpoint with key @ep_key. */
static const struct fp_identity *
of_endpoint(struct fp_db *db, const struct fp_idset *ids, const char *ep_key)
{
	char sql[512];
	long i;

	snprintf(sql, sizeof(sql), "SELECT id FROM endpoints WHERE key = '%s'", ep_key);
	i = fp_idset_of_endpoint(ids, fp_test_query(db, sql));
	ck_assert_msg(i >= 0, "endpoint %s has no identity", ep_key);
	return fp_idset_get(ids, (size_t)i);
}

START_TEST(test_identity_label_only_joins_named)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;
	const struct fp_identity *web;
	char *text;

	fp_buf_init(&b);
	/* The same pods, once with names and once (another CNI view) without. */
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web tier=front",
		  .dst = "ns:shop pod:postgres-0 app=postgres", .port = 5432);
	FP_HUBBLE(&b, .src = "ns:shop app=web tier=front", .dst = "ns:shop app=postgres",
		  .port = 5432);
	/* Labels no named workload carries: a workload of their own. */
	FP_HUBBLE(&b, .src = "ns:shop app=cache tier=back", .dst = "ns:shop app=postgres",
		  .port = 5432);
	ids = build(&db, &b);
	text = dump(ids);
	ck_assert_str_eq(text,
			 "l:shop/app=cache,tier=back 1 cache-back - {app=cache,tier=back} "
			 "{\"absent\":[],\"exprs\":[],\"matchLabels\":{\"app\":\"cache\"}} - -\n"
			 "w:shop/postgres 1 postgres StatefulSet {app=postgres} "
			 "{\"absent\":[],\"exprs\":[],\"matchLabels\":{\"app\":\"postgres\"}} - -\n"
			 "w:shop/web 1 web Deployment {app=web,tier=front} "
			 "{\"absent\":[],\"exprs\":[],\"matchLabels\":{\"app\":\"web\"}} - -\n");
	free(text);
	web = get(ids, "w:shop/web");
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|web|Deployment|||app=web,tier=front"), web);
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|||||app=web,tier=front"), web);
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|||||app=postgres"),
			 get(ids, "w:shop/postgres"));
	ck_assert_int_eq(fp_idset_of_endpoint(ids, 9999), -1);
	ck_assert_int_eq(fp_idset_of_endpoint(ids, -1), -1);
	ck_assert_int_eq(fp_idset_find(ids, "w:shop/nope"), -1);
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_label_only_in_other_namespace)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;

	fp_buf_init(&b);
	/* Same labels, another namespace: not the same workload. */
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web", .dst = "ns:shop app=db",
		  .port = 5432);
	FP_HUBBLE(&b, .src = "ns:staging app=web", .dst = "ns:shop app=db", .port = 5432);
	ids = build(&db, &b);
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|staging|||||app=web"), get(ids, "l:staging/app=web"));
	ck_assert_str_eq(get(ids, "l:staging/app=web")->ns, "staging");
	ck_assert_str_eq(get(ids, "l:staging/app=web")->name, "web");
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_label_only_ambiguous)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;

	fp_buf_init(&b);
	/* api's pods carried two label sets; worker and batch share one. */
	FP_HUBBLE(&b, .src = "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api",
		  .dst = "ns:shop pod:worker-6b8d5c7d9f-tq9zw app=jobs", .port = 8080);
	FP_HUBBLE(&b, .src = "ns:shop pod:api-5c7d9f6b8d-w9zqt app=api track=canary",
		  .dst = "ns:shop pod:batch-7d9f6b8d5c-zwq9t app=jobs", .port = 8080);
	/* Any set of a workload's pods names it; a set two workloads carried
	 * names neither. */
	FP_HUBBLE(&b, .src = "ns:shop app=api track=canary", .dst = "ns:shop app=jobs",
		  .port = 8080);
	ids = build(&db, &b);
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|||||app=api,track=canary"),
			 get(ids, "w:shop/api"));
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|||||app=jobs"), get(ids, "l:shop/app=jobs"));
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_twins_fold)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;
	const struct fp_identity *alpha;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = "ns:shop pod:alpha-7d9f8b6c4b-x2kqp app=same",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	FP_HUBBLE(&b, .src = "ns:shop pod:beta-5c7d9f6b8d-q9wzt app=same",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	FP_HUBBLE(&b, .src = "ns:shop pod:gamma-6f8b7c9d54-tk4vn app=same",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	ids = build(&db, &b);
	/* To a NetworkPolicy they are one identity: the first by key, the others noted. */
	ck_assert_uint_eq(fp_idset_count(ids), 2);
	ck_assert_int_eq(fp_idset_find(ids, "w:shop/beta"), -1);
	alpha = get(ids, "w:shop/alpha");
	ck_assert_str_eq(alpha->also, "shop/beta, shop/gamma");
	ck_assert(alpha->selectable);
	ck_assert_ptr_null(alpha->note);
	ck_assert_uint_eq(alpha->sel.n_match, 1);
	ck_assert_str_eq(alpha->sel.match[0].value, "same");
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|beta|Deployment|||app=same"), alpha);
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|gamma|Deployment|||app=same"), alpha);
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|db|StatefulSet|||app=db"), get(ids, "w:shop/db"));
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_unselectable_pods)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;
	const struct fp_identity *id;

	fp_buf_init(&b);
	/* A pod the CNI knew only by name and address. */
	FP_HUBBLE(&b, .src = "ns:shop pod:debug ip:10.42.0.9", .dst = "ns:shop pod:db-0 app=db",
		  .port = 5432);
	/* A workload whose pods share no label (the label changed in a rollout). */
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp v=1",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-5c7d9f6b8d-q9wzt v=2",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	ids = build(&db, &b);
	id = get(ids, "w:shop/debug");
	ck_assert_int_eq(id->kind, FP_ID_WORKLOAD);
	ck_assert_str_eq(id->wkind, "Pod");
	ck_assert(!id->selectable);
	ck_assert_str_eq(id->note, "no labels are known for its pods");
	ck_assert_ptr_eq(of_endpoint(db, ids, "1|shop|debug|Pod|debug|10.42.0.9|"), id);
	id = get(ids, "w:shop/web");
	ck_assert(!id->selectable);
	ck_assert_uint_eq(id->n_labels, 0);
	ck_assert_str_eq(id->note, "its pods share no stable label");
	ck_assert(get(ids, "w:shop/db")->selectable);
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_rollout_keeps_stable_labels)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;
	const struct fp_identity *id;

	fp_buf_init(&b);
	/* Before and after a rollout that changed one label and the hash. */
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web rev=1 pod-template-hash="
			     "7d9f8b6c4b",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-5c7d9f6b8d-q9wzt app=web rev=2 pod-template-hash="
			     "5c7d9f6b8d",
		  .dst = "ns:shop pod:db-0 app=db", .port = 5432);
	ids = build(&db, &b);
	ck_assert_uint_eq(fp_idset_count(ids), 2);
	id = get(ids, "w:shop/web");
	ck_assert_str_eq(id->wkind, "Deployment");
	ck_assert_uint_eq(id->n_labels, 1);
	ck_assert_str_eq(id->labels[0].key, "app");
	ck_assert(id->selectable);
	ck_assert_uint_eq(id->sel.n_match, 1);
	ck_assert_str_eq(id->sel.match[0].key, "app");
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_non_pods)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids;
	const struct fp_identity *id;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web",
		  .dst = "reserved:world ip:93.184.216.34", .port = 443);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web",
		  .dst = "reserved:world ip:2001:db8::7", .port = 443);
	FP_HUBBLE(&b, .src = "reserved:host ip:10.0.1.17", .dst = "ns:shop pod:web-7d9f8b6c4b-x2kqp "
								   "app=web",
		  .port = 8080);
	FP_HUBBLE(&b, .src = "reserved:remote-node ip:10.0.2.29",
		  .dst = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web", .port = 8080);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web",
		  .dst = "reserved:kube-apiserver reserved:host ip:172.18.0.3", .port = 6443);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web", .dst = "reserved:world",
		  .port = 443);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web", .dst = "ip:10.96.0.1",
		  .port = 443);
	FP_HUBBLE(&b, .src = "reserved:health ip:10.42.0.2", .dst = "ns:shop pod:web-7d9f8b6c4b-x2kqp "
								    "app=web",
		  .port = 4240);
	ids = build(&db, &b);
	text = dump(ids);
	ck_assert_str_eq(text, "api:172.18.0.3 4 172.18.0.3 - {} - - -\n"
			       "cni 6 cni - {} - - -\n"
			       "ip:2001:db8::7 3 2001:db8::7 - {} - - -\n"
			       "ip:93.184.216.34 3 93.184.216.34 - {} - - -\n"
			       "node 2 node - {} - - -\n"
			       "u:ip:10.96.0.1 5 10.96.0.1 - {} - - -\n"
			       "u:world 5 world - {} - - -\n"
			       "w:shop/web 1 web Deployment {app=web} "
			       "{\"absent\":[],\"exprs\":[],\"matchLabels\":{\"app\":\"web\"}} - -\n");
	free(text);
	/* Both nodes are one identity. */
	id = get(ids, "node");
	ck_assert_ptr_eq(of_endpoint(db, ids, "2|||||10.0.1.17|"), id);
	ck_assert_ptr_eq(of_endpoint(db, ids, "3|||||10.0.2.29|"), id);
	ck_assert_ptr_null(id->ns);
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_store_and_load)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_idset *ids, *back = NULL;
	struct fp_err err = { 0 };
	char *t1, *t2;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web",
		  .dst = "ns:shop pod:web-canary-5c7d9f6b8d-q9wzt app=web track=canary", .port = 80);
	FP_HUBBLE(&b, .src = "ns:shop pod:alpha-7d9f8b6c4b-x2kqp app=same",
		  .dst = "reserved:world ip:93.184.216.34", .port = 443);
	FP_HUBBLE(&b, .src = "ns:shop pod:beta-5c7d9f6b8d-q9wzt app=same",
		  .dst = "ns:shop pod:debug", .port = 443);
	ids = build(&db, &b);
	ck_assert_int_eq(fp_db_exec(db, "INSERT INTO runs(id, command, since, until, options) "
				       "VALUES (7, 'aggregate', 0, 1, '{}')",
				    &err),
			 0);
	ck_assert_int_eq(fp_idset_store(ids, db, 7, &err), 0);
	ck_assert_int_eq(fp_idset_load(&back, db, 7, &err), 0);
	t1 = dump(ids);
	t2 = dump(back);
	ck_assert_str_eq(t2, t1);
	/* The exclusion and the folded twin are both in what was stored. */
	ck_assert_ptr_nonnull(strstr(t1, "\"absent\":[\"track\"]"));
	ck_assert_ptr_nonnull(strstr(t1, " shop/beta\n"));
	free(t1);
	free(t2);
	fp_idset_free(back);
	/* Another run has none. */
	ck_assert_int_eq(fp_idset_load(&back, db, 8, &err), 0);
	ck_assert_uint_eq(fp_idset_count(back), 0);
	fp_idset_free(back);
	fp_idset_free(ids);
	fp_idset_free(NULL);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

#define SEL(labels) "{\"absent\":[],\"exprs\":[],\"matchLabels\":{" labels "}}"

/*
 * flowpol.yaml "labels": extra volatile keys are dropped from labels the
 * database already holds, and preferred keys lead the selector.
 */
START_TEST(test_identity_configured_labels)
{
	static const char *const prefer[] = { "team", "build" };
	static const char *const volatile_keys[] = { "build", "example.com/*" };
	const struct fp_k8s_labels prefs = { prefer, 2, volatile_keys, 2 };
	struct fp_db *db;
	struct fp_idset *ids = NULL;
	struct fp_idbuild *bld = NULL;
	struct fp_err err = { 0 };
	struct fp_buf b;
	long *rank = NULL;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web team=shop build=7 "
			     "example.com/commit=abc",
		  .dst = "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api team=shop", .port = 80);
	FP_HUBBLE(&b, .src = "ns:shop app=cache example.com/commit=1",
		  .dst = "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api team=shop", .port = 80);
	ids = build(&db, &b);
	text = dump(ids);
	ck_assert_str_eq(text, "l:shop/app=cache,example.com/commit=1 1 cache-1 - "
			       "{app=cache,example.com/commit=1} " SEL("\"app\":\"cache\"") " - -\n"
			       "w:shop/api 1 api Deployment {app=api,team=shop} "
			       SEL("\"app\":\"api\"") " - -\n"
			       "w:shop/web 1 web Deployment {app=web,build=7,example.com/commit=abc,"
			       "team=shop} " SEL("\"app\":\"web\"") " - -\n");
	free(text);
	fp_idset_free(ids);
	ck_assert_int_eq(fp_idbuild_new(&bld, db, NULL, &prefs, &err), 0);
	ck_assert_int_eq(fp_idbuild_finish(bld, &ids, &rank, &err), 0);
	text = dump(ids);
	/* team leads, but names api too: the next key that is left is app */
	ck_assert_str_eq(text, "l:shop/app=cache 1 cache - {app=cache} "
			       SEL("\"app\":\"cache\"") " - -\n"
			       "w:shop/api 1 api Deployment {app=api,team=shop} "
			       SEL("\"app\":\"api\",\"team\":\"shop\"") " - -\n"
			       "w:shop/web 1 web Deployment {app=web,team=shop} "
			       SEL("\"app\":\"web\",\"team\":\"shop\"") " - -\n");
	free(text);
	free(rank);
	fp_idbuild_free(bld);
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_identity_empty_database)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_idset *ids = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_idset_build(&ids, db, &err), 0);
	ck_assert_uint_eq(fp_idset_count(ids), 0);
	ck_assert_int_eq(fp_idset_of_endpoint(ids, 1), -1);
	ck_assert_int_eq(fp_idset_find(ids, "node"), -1);
	fp_idset_free(ids);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_identity_label_only_joins_named);
	tcase_add_test(tc, test_identity_label_only_in_other_namespace);
	tcase_add_test(tc, test_identity_label_only_ambiguous);
	tcase_add_test(tc, test_identity_twins_fold);
	tcase_add_test(tc, test_identity_unselectable_pods);
	tcase_add_test(tc, test_identity_rollout_keeps_stable_labels);
	tcase_add_test(tc, test_identity_non_pods);
	tcase_add_test(tc, test_identity_configured_labels);
	tcase_add_test(tc, test_identity_empty_database);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_add_test(tc, test_identity_store_and_load);
	suite_add_tcase(s, tc);
	return s;
}
