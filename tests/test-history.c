/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-history.c - windows in the light of the ones before: days over
 * every window, low evidence, rules carried without traffic, flagged and
 * pruned, and re-runs that change nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/edge.h"
#include "lib/history.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define CACHE "ns:shop pod:cache-6f8b7c9d54-tk4vn app=cache"
#define GONE "ns:shop pod:batch-84d6c7f5b9-m2xzr app=batch"

static struct fp_edgeset *
window(struct fp_db *db, const char *since, const char *until, const struct fp_edge_opts *base)
{
	struct fp_edge_opts opts = base != NULL ? *base : (struct fp_edge_opts){ 0 };
	struct fp_edgeset *es = NULL;
	struct fp_err err = { 0 };

	opts.has_since = opts.has_until = true;
	opts.since_arg = since;
	opts.until_arg = until;
	ck_assert_msg(fp_edge_aggregate(&es, db, &opts, &err) == 0, "%s", err.text);
	return es;
}

static const struct fp_edge *
find(const struct fp_edgeset *es, const char *src, const char *dst, uint16_t port)
{
	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

		if (strcmp(fp_idset_get(es->ids, e->src)->key, src) == 0 &&
		    strcmp(fp_idset_get(es->ids, e->dst)->key, dst) == 0 && e->port == port)
			return e;
	}
	return NULL;
}

#define W1 "2026-11-02T00:00:00Z", "2026-11-09T00:00:00Z"
#define W2 "2026-11-09T00:00:00Z", "2026-11-16T00:00:00Z"
#define W3 "2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z"

/* web -> api every day of week 1 and on one day of week 2; api -> cache and
 * batch -> api in week 1 only. */
static struct fp_db *
two_weeks(void)
{
	struct fp_buf b;
	struct fp_db *db;
	char t[32];

	fp_buf_init(&b);
	for (int d = 2; d < 9; d++) {
		snprintf(t, sizeof(t), "2026-11-%02dT10:00:00Z", d);
		FP_HUBBLE(&b, .time = t, .src = WEB, .dst = API, .port = 8080);
	}
	FP_HUBBLE(&b, .time = "2026-11-03T10:00:00Z", .src = API, .dst = CACHE, .port = 6379);
	FP_HUBBLE(&b, .time = "2026-11-04T10:00:00Z", .src = GONE, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .time = "2026-11-11T10:00:00Z", .src = WEB, .dst = API, .port = 8080);
	db = fp_test_db("t.db");
	fp_test_ingest(db, "flows.jsonl", fp_buf_str(&b));
	fp_buf_done(&b);
	return db;
}

START_TEST(test_history_days_over_windows)
{
	struct fp_db *db = two_weeks();
	struct fp_edge_opts o = { .min_days = 3 };
	struct fp_edgeset *es;
	const struct fp_edge *e;

	fp_edgeset_free(window(db, W1, NULL));
	es = window(db, W2, &o);
	e = find(es, "w:shop/web", "w:shop/api", 8080);
	ck_assert_ptr_nonnull(e);
	/* one day in this window, eight over both */
	ck_assert_uint_eq(e->days, 1);
	ck_assert_uint_eq(e->days_all, 8);
	ck_assert(!e->low_evidence);
	ck_assert_int_eq(e->first_all, e->first - 9 * 86400);
	ck_assert_uint_eq(es->windows, 2);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_history_low_evidence)
{
	struct fp_db *db = two_weeks();
	struct fp_edge_opts o = { .min_days = 2 };
	struct fp_edgeset *es;
	const struct fp_edge *e;

	/* Alone, week 2 has web -> api on one day: low, admitted by default ... */
	es = window(db, W2, &o);
	e = find(es, "w:shop/web", "w:shop/api", 8080);
	ck_assert(e->low_evidence);
	ck_assert_int_eq(e->status, FP_EDGE_ALLOW);
	fp_edgeset_free(es);
	/* ... and without a rule when stability is required. */
	o.require_stable = true;
	es = window(db, W2, &o);
	e = find(es, "w:shop/web", "w:shop/api", 8080);
	ck_assert(e->low_evidence);
	ck_assert_int_eq(e->status, FP_EDGE_LOW_EVIDENCE);
	fp_edgeset_free(es);
	/* Once week 1 is recorded, its days count. */
	fp_edgeset_free(window(db, W1, NULL));
	es = window(db, W2, &o);
	e = find(es, "w:shop/web", "w:shop/api", 8080);
	ck_assert(!e->low_evidence);
	ck_assert_int_eq(e->status, FP_EDGE_ALLOW);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_history_carry_flag_prune)
{
	struct fp_db *db = two_weeks();
	struct fp_edge_opts o = { .stale_after = 2 };
	struct fp_edgeset *es;
	const struct fp_edge *e;

	fp_edgeset_free(window(db, W1, &o));
	es = window(db, W2, &o);
	e = find(es, "w:shop/api", "w:shop/cache", 6379);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->stale, 1);
	ck_assert_uint_eq(e->flows, 0);
	ck_assert_int_eq(e->status, FP_EDGE_ALLOW);
	ck_assert(!fp_history_is_flagged(es, e));
	/* batch is gone from week 2: its identity comes from week 1's run */
	e = find(es, "w:shop/batch", "w:shop/api", 8080);
	ck_assert_ptr_nonnull(e);
	ck_assert(fp_idset_get(es->ids, e->src)->selectable);
	ck_assert_int_eq(e->status, FP_EDGE_ALLOW);
	/* web -> api had traffic: not carried */
	ck_assert_uint_eq(find(es, "w:shop/web", "w:shop/api", 8080)->stale, 0);
	fp_edgeset_free(es);
	/* Week 3 without any traffic: carried from week 2, two windows now. */
	es = window(db, W3, &o);
	e = find(es, "w:shop/api", "w:shop/cache", 6379);
	ck_assert_uint_eq(e->stale, 2);
	ck_assert(fp_history_is_flagged(es, e));
	ck_assert_int_eq(e->status, FP_EDGE_ALLOW);
	ck_assert_uint_eq(find(es, "w:shop/web", "w:shop/api", 8080)->stale, 1);
	fp_edgeset_free(es);
	/* --prune drops the flagged ones only ... */
	o.prune = true;
	es = window(db, W3, &o);
	ck_assert_int_eq(find(es, "w:shop/api", "w:shop/cache", 6379)->status, FP_EDGE_PRUNED);
	ck_assert_int_eq(find(es, "w:shop/web", "w:shop/api", 8080)->status, FP_EDGE_ALLOW);
	fp_edgeset_free(es);
	/* ... and a pruned rule is not carried again. */
	es = window(db, "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z", NULL);
	ck_assert_ptr_null(find(es, "w:shop/api", "w:shop/cache", 6379));
	ck_assert_ptr_nonnull(find(es, "w:shop/web", "w:shop/api", 8080));
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_history_rerun_same)
{
	struct fp_db *db = two_weeks();
	struct fp_edgeset *a, *b;
	struct fp_err err = { 0 };

	fp_edgeset_free(window(db, W1, NULL));
	a = window(db, W2, NULL);
	b = window(db, W2, NULL);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_str_eq(fp_idset_get(a->ids, a->edges[i].src)->key,
				 fp_idset_get(b->ids, b->edges[i].src)->key);
		ck_assert_uint_eq(a->edges[i].stale, b->edges[i].stale);
		ck_assert_uint_eq(a->edges[i].days_all, b->edges[i].days_all);
		ck_assert_int_eq(a->edges[i].status, b->edges[i].status);
	}
	fp_edgeset_free(a);
	/* What is stored reads back the same. */
	ck_assert_int_eq(fp_edge_load_latest(&a, db, &err), 0);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_uint_eq(a->edges[i].stale, b->edges[i].stale);
		ck_assert_uint_eq(a->edges[i].days_all, b->edges[i].days_all);
		ck_assert_int_eq(a->edges[i].first_all, b->edges[i].first_all);
		ck_assert(a->edges[i].low_evidence == b->edges[i].low_evidence);
	}
	ck_assert_uint_eq(a->windows, 2);
	/* The run records what it read and how. */
	ck_assert_int_eq(fp_test_query(db, "SELECT json_array_length(inputs) FROM runs "
					   "ORDER BY id DESC LIMIT 1"),
			 1);
	ck_assert_int_eq(fp_test_query(db, "SELECT json_extract(options, '$.stale_after') FROM "
					   "runs ORDER BY id DESC LIMIT 1"),
			 4);
	fp_edgeset_free(a);
	fp_edgeset_free(b);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("history");

	tcase_add_test(tc, test_history_days_over_windows);
	tcase_add_test(tc, test_history_low_evidence);
	tcase_add_test(tc, test_history_carry_flag_prune);
	tcase_add_test(tc, test_history_rerun_same);
	suite_add_tcase(s, tc);
	return s;
}
