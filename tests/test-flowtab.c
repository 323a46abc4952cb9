/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-flowtab.c - the in-memory aggregation table: folding flows into
 * per-minute tuples, interning endpoints, merging and sorting tables.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flowtab.h"
#include "tests/fp-check.h"

static struct fp_label web_labels[] = { { "app", "web" } };
static struct fp_label db_labels[] = { { "app", "db" } };

static struct fp_endpoint
pod(const char *ns, struct fp_label *labels)
{
	return (struct fp_endpoint){ .kind = FP_EP_POD, .ns = ns, .labels = labels, .n_labels = 1 };
}

/* A web -> db flow at @time on TCP @port. */
static struct fp_flow
flow(int64_t time, uint16_t port, enum fp_verdict v, uint64_t count)
{
	return (struct fp_flow){ .time = time, .src = pod("shop", web_labels),
				 .dst = pod("shop", db_labels), .proto = FP_PROTO_TCP,
				 .port = port, .verdict = v, .count = count };
}

static void
add(struct fp_flowtab *t, struct fp_flow f)
{
	ck_assert_int_eq(fp_flowtab_add(t, &f), 0);
}

/* Every tuple of @t as "bucket src-key dst-key proto port verdict reason count first last",
 * one per line, in sorted order (caller frees). */
static char *
dump(const struct fp_flowtab *t)
{
	struct fp_tuple *v = NULL;
	struct fp_buf b;
	size_t n = 0;

	fp_buf_init(&b);
	fp_buf_adds(&b, "");
	ck_assert_int_eq(fp_flowtab_sorted(&v, &n, t), 0);
	ck_assert_uint_eq(n, fp_flowtab_n_tuples(t));
	for (size_t i = 0; i < n; i++)
		fp_buf_printf(&b, "%lld %s %s %u %u %u %u %llu %lld %lld\n", (long long)v[i].bucket,
			      fp_flowtab_endpoint_key(t, v[i].src), fp_flowtab_endpoint_key(t, v[i].dst),
			      v[i].proto, v[i].port, v[i].verdict, v[i].reason,
			      (unsigned long long)v[i].count, (long long)v[i].first,
			      (long long)v[i].last);
	free(v);
	return fp_buf_steal(&b);
}

#define WEB "1|shop|||||app=web"
#define DB "1|shop|||||app=db"

START_TEST(test_flowtab_folds_by_minute)
{
	struct fp_flowtab *t = fp_flowtab_new();
	char *text;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 0);
	add(t, flow(1794477650, 5432, FP_VERDICT_FORWARDED, 3)); /* 10:00:50 */
	add(t, flow(1794477605, 5432, FP_VERDICT_FORWARDED, 4)); /* 10:00:05 */
	add(t, flow(1794477600, 5432, FP_VERDICT_FORWARDED, 1)); /* 10:00:00 */
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 1);
	add(t, flow(1794477660, 5432, FP_VERDICT_FORWARDED, 1)); /* 10:01:00: the next minute */
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 2);
	ck_assert_uint_eq(fp_flowtab_n_endpoints(t), 2);
	text = dump(t);
	ck_assert_str_eq(text, "1794477600 " WEB " " DB " 6 5432 1 0 8 1794477600 1794477650\n"
			       "1794477660 " WEB " " DB " 6 5432 1 0 1 1794477660 1794477660\n");
	free(text);
	fp_flowtab_free(t);
	fp_flowtab_free(NULL);
}
END_TEST

START_TEST(test_flowtab_buckets_before_1970)
{
	struct fp_flowtab *t = fp_flowtab_new();
	char *text;

	/* The minute of -1 s starts at -60 s, not at 0. */
	add(t, flow(-1, 80, FP_VERDICT_FORWARDED, 1));
	add(t, flow(-60, 80, FP_VERDICT_FORWARDED, 1));
	add(t, flow(0, 80, FP_VERDICT_FORWARDED, 1));
	text = dump(t);
	ck_assert_str_eq(text, "-60 " WEB " " DB " 6 80 1 0 2 -60 -1\n"
			       "0 " WEB " " DB " 6 80 1 0 1 0 0\n");
	free(text);
	fp_flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_separates_keys)
{
	struct fp_flowtab *t = fp_flowtab_new();
	struct fp_flow f = flow(1794477600, 5432, FP_VERDICT_FORWARDED, 1);
	char *text;

	add(t, f);
	add(t, flow(1794477601, 5433, FP_VERDICT_FORWARDED, 1));
	add(t, flow(1794477602, 5432, FP_VERDICT_DROPPED, 1));
	f.reason = 133;
	f.verdict = FP_VERDICT_DROPPED;
	add(t, f);
	f = flow(1794477603, 5432, FP_VERDICT_FORWARDED, 1);
	f.proto = FP_PROTO_UDP;
	add(t, f);
	/* The reverse direction is another tuple, with the same two endpoints. */
	f = flow(1794477604, 5432, FP_VERDICT_FORWARDED, 1);
	f.src = pod("shop", db_labels);
	f.dst = pod("shop", web_labels);
	add(t, f);
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 6);
	ck_assert_uint_eq(fp_flowtab_n_endpoints(t), 2);
	/* Sorted by bucket, source, destination, protocol, port, verdict, reason. */
	text = dump(t);
	ck_assert_str_eq(text,
			 "1794477600 " WEB " " DB " 6 5432 1 0 1 1794477600 1794477600\n"
			 "1794477600 " WEB " " DB " 6 5432 2 0 1 1794477602 1794477602\n"
			 "1794477600 " WEB " " DB " 6 5432 2 133 1 1794477600 1794477600\n"
			 "1794477600 " WEB " " DB " 6 5433 1 0 1 1794477601 1794477601\n"
			 "1794477600 " WEB " " DB " 17 5432 1 0 1 1794477603 1794477603\n"
			 "1794477600 " DB " " WEB " 6 5432 1 0 1 1794477604 1794477604\n");
	free(text);
	fp_flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_interns_endpoints)
{
	struct fp_flowtab *t = fp_flowtab_new();
	struct fp_label other[] = { { "app", "web" } };
	struct fp_flow f = flow(1794477600, 80, FP_VERDICT_FORWARDED, 1);

	/* Equal keys from different memory are one endpoint. */
	add(t, f);
	f.src.labels = other;
	f.dst = pod("other", other);
	add(t, f);
	ck_assert_uint_eq(fp_flowtab_n_endpoints(t), 3);
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 2);
	ck_assert_str_eq(fp_flowtab_endpoint_key(t, 0), WEB);
	ck_assert_str_eq(fp_flowtab_endpoint_key(t, 1), DB);
	ck_assert_str_eq(fp_flowtab_endpoint_key(t, 2), "1|other|||||app=web");
	/* The writer's slots start empty and keep what it stores. */
	ck_assert_int_eq(*fp_flowtab_endpoint_slot(t, 2), 0);
	*fp_flowtab_endpoint_slot(t, 2) = 42;
	ck_assert_int_eq(*fp_flowtab_endpoint_slot(t, 2), 42);
	/* Clearing forgets tuples only. */
	fp_flowtab_clear_tuples(t);
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 0);
	ck_assert_uint_eq(fp_flowtab_n_endpoints(t), 3);
	ck_assert_int_eq(*fp_flowtab_endpoint_slot(t, 2), 42);
	add(t, f);
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 1);
	ck_assert_uint_eq(fp_flowtab_n_endpoints(t), 3);
	fp_flowtab_free(t);
}
END_TEST

/* Feed @t the flows of @part (0 or 1) of a small mixed workload. */
static void
feed(struct fp_flowtab *t, int part)
{
	struct fp_label extra[] = { { "app", "cache" } };

	for (int i = 0; i < 300; i++) {
		struct fp_flow f = flow(1794477600 + i * 7 + part * 500, (uint16_t)(8000 + i % 5),
					i % 11 == 0 ? FP_VERDICT_DROPPED : FP_VERDICT_FORWARDED,
					(uint64_t)(1 + i % 3));

		if ((i + part) % 4 == 0)
			f.dst = pod("shop", extra);
		add(t, f);
	}
}

START_TEST(test_flowtab_merge_equals_one_table)
{
	struct fp_flowtab *a = fp_flowtab_new(), *b = fp_flowtab_new(), *one = fp_flowtab_new();
	struct fp_flowtab *empty = fp_flowtab_new();
	char *merged, *direct;

	feed(a, 0);
	feed(b, 1);
	feed(one, 0);
	feed(one, 1);
	ck_assert_int_eq(fp_flowtab_merge(a, b), 0);
	ck_assert_int_eq(fp_flowtab_merge(a, empty), 0);
	merged = dump(a);
	direct = dump(one);
	ck_assert_str_eq(merged, direct);
	ck_assert_uint_eq(fp_flowtab_n_tuples(a), fp_flowtab_n_tuples(one));
	ck_assert_uint_eq(fp_flowtab_n_endpoints(a), 3);
	/* The source table is left as it was. */
	ck_assert_uint_gt(fp_flowtab_n_tuples(b), 0);
	free(merged);
	free(direct);
	/* Merging into an empty table copies. */
	ck_assert_int_eq(fp_flowtab_merge(empty, one), 0);
	merged = dump(empty);
	direct = dump(one);
	ck_assert_str_eq(merged, direct);
	free(merged);
	free(direct);
	fp_flowtab_free(a);
	fp_flowtab_free(b);
	fp_flowtab_free(one);
	fp_flowtab_free(empty);
}
END_TEST

START_TEST(test_flowtab_count_saturates)
{
	struct fp_flowtab *t = fp_flowtab_new(), *u = fp_flowtab_new();
	struct fp_tuple *v = NULL;
	size_t n = 0;

	add(t, flow(1794477600, 80, FP_VERDICT_FORWARDED, UINT64_MAX - 1));
	add(t, flow(1794477601, 80, FP_VERDICT_FORWARDED, 5));
	ck_assert_int_eq(fp_flowtab_sorted(&v, &n, t), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(v[0].count == UINT64_MAX);
	ck_assert_int_eq(v[0].last, 1794477601);
	free(v);
	/* And so does a merge. */
	add(u, flow(1794477602, 80, FP_VERDICT_FORWARDED, 2));
	ck_assert_int_eq(fp_flowtab_merge(u, t), 0);
	ck_assert_int_eq(fp_flowtab_sorted(&v, &n, u), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(v[0].count == UINT64_MAX);
	ck_assert_int_eq(v[0].first, 1794477600);
	ck_assert_int_eq(v[0].last, 1794477602);
	free(v);
	fp_flowtab_free(t);
	fp_flowtab_free(u);
}
END_TEST

START_TEST(test_flowtab_grows)
{
	struct fp_flowtab *t = fp_flowtab_new();
	struct fp_label labels[2000][1];
	char names[2000][16];
	struct fp_tuple *v = NULL;
	size_t n = 0, mem0;

	/* A table that never saw a flow sorts to nothing. */
	ck_assert_int_eq(fp_flowtab_sorted(&v, &n, t), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
	mem0 = fp_flowtab_memory(t);
	/* 2000 endpoints x 3 ports x 2 passes: 6000 tuples, each seen twice. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 2000; i++) {
			for (int p = 0; p < 3; p++) {
				struct fp_flow f = flow(1794477600 + pass, (uint16_t)(80 + p),
							FP_VERDICT_FORWARDED, 1);

				snprintf(names[i], sizeof(names[i]), "w%d", i);
				labels[i][0] = (struct fp_label){ "app", names[i] };
				f.src = pod("shop", labels[i]);
				add(t, f);
			}
		}
	}
	ck_assert_uint_eq(fp_flowtab_n_tuples(t), 6000);
	ck_assert_uint_eq(fp_flowtab_n_endpoints(t), 2001);
	ck_assert_uint_gt(fp_flowtab_memory(t), mem0 + 6000 * sizeof(struct fp_tuple));
	ck_assert_int_eq(fp_flowtab_sorted(&v, &n, t), 0);
	ck_assert_uint_eq(n, 6000);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(v[i].count, 2);
		if (i > 0)
			ck_assert(v[i - 1].src < v[i].src ||
				  (v[i - 1].src == v[i].src && v[i - 1].port < v[i].port));
	}
	free(v);
	/* An empty table sorts to nothing. */
	fp_flowtab_clear_tuples(t);
	ck_assert_int_eq(fp_flowtab_sorted(&v, &n, t), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
	fp_flowtab_free(t);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("flowtab");
	TCase *tc = tcase_create("add");

	tcase_add_test(tc, test_flowtab_folds_by_minute);
	tcase_add_test(tc, test_flowtab_buckets_before_1970);
	tcase_add_test(tc, test_flowtab_separates_keys);
	tcase_add_test(tc, test_flowtab_interns_endpoints);
	tcase_add_test(tc, test_flowtab_count_saturates);
	tcase_add_test(tc, test_flowtab_grows);
	suite_add_tcase(s, tc);
	tc = tcase_create("merge");
	tcase_add_test(tc, test_flowtab_merge_equals_one_table);
	suite_add_tcase(s, tc);
	return s;
}
