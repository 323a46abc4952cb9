/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-edge.c - aggregation: the flows of a window folded into edges
 * between identities, each with its evidence and status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/edge.h"
#include "lib/util-time.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define DB "ns:shop pod:postgres-0 app=postgres"

static struct fp_db *
db_of(struct fp_buf *b)
{
	struct fp_db *db = fp_test_db("t.db");

	fp_test_ingest(db, "flows.jsonl", fp_buf_str(b));
	fp_buf_done(b);
	return db;
}

static struct fp_edgeset *
aggregate(struct fp_db *db, const char *since, const char *until, uint64_t min_flows)
{
	struct fp_edge_opts opts = { .has_since = since != NULL, .since_arg = since,
				     .has_until = until != NULL, .until_arg = until,
				     .min_flows = min_flows };
	struct fp_edgeset *es = NULL;
	struct fp_err err = { 0 };

	ck_assert_msg(fp_edge_aggregate(&es, db, &opts, &err) == 0, "%s", err.text);
	ck_assert_ptr_nonnull(es);
	return es;
}

/* Every edge as "src > dst proto/port verdict flows days status", one per line. */
static char *
dump(const struct fp_edgeset *es)
{
	struct fp_buf b;

	fp_buf_init(&b);
	fp_buf_adds(&b, "");
	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

		fp_buf_printf(&b, "%s > %s %u/%u %u %llu %u %s\n",
			      fp_idset_get(es->ids, e->src)->key, fp_idset_get(es->ids, e->dst)->key,
			      e->proto, e->port, e->verdict, (unsigned long long)e->flows, e->days,
			      fp_edge_status_name(e->status));
	}
	return fp_buf_steal(&b);
}

static int64_t
t(const char *s)
{
	int64_t v;

	ck_assert_int_eq(fp_time_parse_rfc3339(&v, NULL, s, strlen(s)), 0);
	return v;
}

START_TEST(test_edge_window_by_minute)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_edgeset *es;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .time = "2026-11-12T10:00:30Z", .src = WEB, .dst = API, .port = 80);
	FP_HUBBLE(&b, .time = "2026-11-12T10:01:10Z", .src = WEB, .dst = API, .port = 81);
	FP_HUBBLE(&b, .time = "2026-11-12T10:01:59Z", .src = WEB, .dst = API, .port = 81);
	FP_HUBBLE(&b, .time = "2026-11-12T10:02:00Z", .src = WEB, .dst = API, .port = 82);
	db = db_of(&b);
	/* By default, the whole data: [first minute, last minute + 1). */
	es = aggregate(db, NULL, NULL, 0);
	ck_assert_int_eq(es->since, t("2026-11-12T10:00:00Z"));
	ck_assert_int_eq(es->until, t("2026-11-12T10:03:00Z"));
	ck_assert_int_gt(es->run, 0);
	text = dump(es);
	ck_assert_str_eq(text, "w:shop/web > w:shop/api 6/80 1 1 1 allow\n"
			       "w:shop/web > w:shop/api 6/81 1 2 1 allow\n"
			       "w:shop/web > w:shop/api 6/82 1 1 1 allow\n");
	free(text);
	fp_edgeset_free(es);
	/* Half open: the minute that starts at until is out. */
	es = aggregate(db, "2026-11-12T10:01:00Z", "2026-11-12T10:02:00Z", 0);
	text = dump(es);
	ck_assert_str_eq(text, "w:shop/web > w:shop/api 6/81 1 2 1 allow\n");
	ck_assert_int_eq(es->edges[0].first, t("2026-11-12T10:01:10Z"));
	ck_assert_int_eq(es->edges[0].last, t("2026-11-12T10:01:59Z"));
	free(text);
	fp_edgeset_free(es);
	/* A window without traffic is still a run, and loads back; the rules
	 * of the window before it (the newest that ends first) are carried,
	 * without flows, one window without traffic. */
	es = aggregate(db, "2026-11-13T00:00:00Z", "2026-11-14T00:00:00Z", 0);
	ck_assert_uint_eq(es->n, 3);
	for (size_t i = 0; i < es->n; i++) {
		ck_assert_uint_eq(es->edges[i].flows, 0);
		ck_assert_uint_eq(es->edges[i].days_all, 1);
		ck_assert_int_eq(es->edges[i].status, FP_EDGE_ALLOW);
	}
	ck_assert_int_eq(es->edges[1].last, t("2026-11-12T10:01:59Z"));
	/* Windows that began after the last flow: port 80 was last used before
	 * the 10:01 window too. */
	ck_assert_uint_eq(es->edges[0].stale, 2);
	ck_assert_uint_eq(es->edges[1].stale, 1);
	ck_assert_uint_eq(es->edges[2].stale, 1);
	ck_assert_uint_eq(es->windows, 3);
	ck_assert_uint_gt(fp_idset_count(es->ids), 0);
	fp_edgeset_free(es);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM runs"), 3);
	{
		struct fp_err err = { 0 };

		es = NULL;
		ck_assert_int_eq(fp_edge_load_latest(&es, db, &err), 0);
		ck_assert_uint_eq(es->n, 3);
		ck_assert_uint_eq(es->edges[2].stale, 1);
		ck_assert_int_eq(es->since, t("2026-11-13T00:00:00Z"));
		fp_edgeset_free(es);
	}
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_edge_window_relative)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_edgeset *es;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .time = "2026-11-01T12:00:00Z", .src = WEB, .dst = API, .port = 1);
	FP_HUBBLE(&b, .time = "2026-11-11T12:00:30Z", .src = WEB, .dst = API, .port = 2);
	FP_HUBBLE(&b, .time = "2026-11-11T12:01:00Z", .src = WEB, .dst = API, .port = 3);
	FP_HUBBLE(&b, .time = "2026-11-18T12:00:30Z", .src = WEB, .dst = API, .port = 4);
	db = db_of(&b);
	/* "7d" counts back from the newest flow, not from now. */
	es = aggregate(db, "7d", NULL, 0);
	ck_assert_int_eq(es->since, t("2026-11-11T12:00:30Z"));
	ck_assert_int_eq(es->until, t("2026-11-18T12:01:00Z"));
	text = dump(es);
	ck_assert_str_eq(text, "w:shop/web > w:shop/api 6/3 1 1 1 allow\n"
			       "w:shop/web > w:shop/api 6/4 1 1 1 allow\n");
	free(text);
	fp_edgeset_free(es);
	es = aggregate(db, "30d", "7d", 0);
	text = dump(es);
	ck_assert_str_eq(text, "w:shop/web > w:shop/api 6/1 1 1 1 allow\n"
			       "w:shop/web > w:shop/api 6/2 1 1 1 allow\n");
	free(text);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_edge_window_errors)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_edgeset *es = (struct fp_edgeset *)&b;
	struct fp_err err = { 0 };
	struct fp_edge_opts opts = { .has_since = true, .since_arg = "last week" };

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 80);
	db = db_of(&b);
	ck_assert_int_eq(fp_edge_aggregate(&es, db, &opts, &err), FP_EUSAGE);
	ck_assert_ptr_null(es);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0,
		      "--since: expected an RFC 3339 time or a duration like 7d: 'last week'");
	opts = (struct fp_edge_opts){ .has_until = true, .until_arg = "2026-13-01T00:00:00Z" };
	fp_err_clear(&err);
	ck_assert_int_eq(fp_edge_aggregate(&es, db, &opts, &err), FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0,
		      "--until: expected an RFC 3339 time or a duration like 1d: "
		      "'2026-13-01T00:00:00Z'");
	opts = (struct fp_edge_opts){ .has_since = true, .since_arg = "2026-11-13T00:00:00Z",
				      .has_until = true, .until_arg = "2026-11-12T00:00:00Z" };
	fp_err_clear(&err);
	ck_assert_int_eq(fp_edge_aggregate(&es, db, &opts, &err), FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0, "the window ends before it starts");
	/* Nothing was stored by the failed runs. */
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM runs"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM identities"), 0);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_edge_statuses)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_edgeset *es;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080, .count = 2);
	FP_HUBBLE(&b, .src = API, .dst = DB, .port = 5432, .count = 2);
	FP_HUBBLE(&b, .src = API, .dst = DB, .port = 6000, .verdict = "DROPPED");
	FP_HUBBLE(&b, .src = "reserved:host ip:10.0.1.17", .dst = WEB, .port = 8080);
	FP_HUBBLE(&b, .src = WEB, .dst = "reserved:remote-node ip:10.0.2.29", .port = 10250);
	FP_HUBBLE(&b, .src = WEB, .dst = "ip:10.96.0.10", .port = 53, .proto = "UDP");
	FP_HUBBLE(&b, .src = WEB, .dst = "ns:shop pod:debug ip:10.42.0.9", .port = 22);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8, .proto = "ICMPv4");
	FP_HUBBLE(&b, .src = "reserved:health ip:10.42.0.2", .dst = WEB, .port = 4240);
	FP_HUBBLE(&b, .src = "reserved:host ip:10.0.1.17", .dst = "reserved:world ip:1.1.1.1",
		  .port = 443);
	FP_HUBBLE(&b, .src = WEB, .dst = "reserved:world ip:1.1.1.1", .port = 443);
	/* A dropped flow to a node is denied, not node traffic: the first reason wins. */
	FP_HUBBLE(&b, .src = WEB, .dst = "reserved:host ip:10.0.1.17", .port = 9100,
		  .verdict = "DROPPED");
	db = db_of(&b);
	es = aggregate(db, NULL, NULL, 3);
	text = dump(es);
	ck_assert_str_eq(text,
			 "cni > w:shop/web 6/4240 1 1 1 cni\n"
			 "node > ip:1.1.1.1 6/443 1 1 1 no-pod\n"
			 "node > w:shop/web 6/8080 1 1 1 node\n"
			 "w:shop/api > w:shop/postgres 6/5432 1 2 1 min-flows\n"
			 "w:shop/api > w:shop/postgres 6/6000 2 1 1 denied\n"
			 "w:shop/web > ip:1.1.1.1 6/443 1 1 1 min-flows\n"
			 "w:shop/web > node 6/9100 2 1 1 denied\n"
			 "w:shop/web > node 6/10250 1 1 1 node\n"
			 "w:shop/web > u:ip:10.96.0.10 17/53 1 1 1 unresolved\n"
			 "w:shop/web > w:shop/api 1/0 1 1 1 no-ports\n"
			 "w:shop/web > w:shop/api 6/8080 1 3 1 allow\n"
			 "w:shop/web > w:shop/debug 6/22 1 1 1 unresolved\n");
	free(text);
	fp_edgeset_free(es);
	ck_assert_str_eq(fp_edge_status_name(FP_EDGE_NO_POD), "no-pod");
	ck_assert_str_eq(fp_edge_status_name((enum fp_edge_status)99), "unknown");
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_edge_counts_days)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_edgeset *es;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .time = "2026-11-12T00:00:00Z", .src = WEB, .dst = API, .port = 80);
	FP_HUBBLE(&b, .time = "2026-11-12T23:59:59Z", .src = WEB, .dst = API, .port = 80);
	FP_HUBBLE(&b, .time = "2026-11-13T00:00:00Z", .src = WEB, .dst = API, .port = 80,
		  .count = 5);
	FP_HUBBLE(&b, .time = "2026-11-15T13:00:00Z", .src = WEB, .dst = API, .port = 80);
	FP_HUBBLE(&b, .time = "2026-11-15T14:00:00Z", .src = WEB, .dst = API, .port = 80);
	FP_HUBBLE(&b, .time = "2026-11-15T14:00:00Z", .src = WEB, .dst = API, .port = 81);
	db = db_of(&b);
	es = aggregate(db, NULL, NULL, 0);
	text = dump(es);
	/* Distinct UTC days, per edge. */
	ck_assert_str_eq(text, "w:shop/web > w:shop/api 6/80 1 9 3 allow\n"
			       "w:shop/web > w:shop/api 6/81 1 1 1 allow\n");
	ck_assert_int_eq(es->edges[0].first, t("2026-11-12T00:00:00Z"));
	ck_assert_int_eq(es->edges[0].last, t("2026-11-15T14:00:00Z"));
	free(text);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_edge_load_latest)
{
	struct fp_buf b;
	struct fp_db *db;
	struct fp_edgeset *es, *back = (struct fp_edgeset *)&b;
	struct fp_err err = { 0 };
	int64_t since, until;
	char *t1, *t2;

	db = fp_test_db("empty.db");
	ck_assert_int_eq(fp_edge_load_latest(&back, db, &err), FP_EINPUT);
	ck_assert_ptr_null(back);
	fp_assert_err(&err, FP_EINPUT, fp_db_path(db), 0, 0,
		      "no aggregation yet: run 'flowpol aggregate' first");
	ck_assert_int_eq(fp_edge_data_extent(&since, &until, db, &err), 0);
	ck_assert_int_eq(since, 0);
	ck_assert_int_eq(until, 0);
	fp_db_close(db);

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = API, .dst = DB, .port = 5432, .time = "2026-11-13T10:00:00Z");
	FP_HUBBLE(&b, .src = "reserved:host ip:10.0.1.17", .dst = WEB, .port = 8080);
	db = db_of(&b);
	es = aggregate(db, NULL, NULL, 0);
	fp_edgeset_free(es);
	es = aggregate(db, NULL, "2026-11-13T00:00:00Z", 0);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_edge_load_latest(&back, db, &err), 0);
	/* The newest run, whole. */
	ck_assert_int_eq(back->run, es->run);
	ck_assert_int_eq(back->since, es->since);
	ck_assert_int_eq(back->until, es->until);
	ck_assert_uint_eq(back->n, 2);
	t1 = dump(es);
	t2 = dump(back);
	ck_assert_str_eq(t2, t1);
	for (size_t i = 0; i < es->n; i++) {
		ck_assert_int_eq(back->edges[i].first, es->edges[i].first);
		ck_assert_int_eq(back->edges[i].last, es->edges[i].last);
	}
	free(t1);
	free(t2);
	fp_edgeset_free(back);
	fp_edgeset_free(es);
	fp_edgeset_free(NULL);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("edge");
	TCase *tc = tcase_create("aggregate");

	tcase_add_test(tc, test_edge_window_by_minute);
	tcase_add_test(tc, test_edge_window_relative);
	tcase_add_test(tc, test_edge_window_errors);
	tcase_add_test(tc, test_edge_statuses);
	tcase_add_test(tc, test_edge_counts_days);
	suite_add_tcase(s, tc);
	tc = tcase_create("load_latest");
	tcase_add_test(tc, test_edge_load_latest);
	suite_add_tcase(s, tc);
	return s;
}
