/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ingest-threads.c - ingest gives the same database, and reports the
 * same rejected lines in the same order, with one thread or several, with
 * any chunk size, and whether or not it spills to stay in its memory budget.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/db.h"
#include "lib/ingest.h"
#include "lib/util-buf.h"
#include "tests/fp-check.h"

/* Every row of every table, in storage order: the database's content. */
static char *
dump(const char *path)
{
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	sqlite3_stmt *tables = NULL;
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_db_open(&db, path, FP_DB_READONLY, &err), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(fp_db_handle(db),
					    "SELECT name FROM sqlite_master WHERE type = 'table' "
					    "ORDER BY name",
					    -1, &tables, NULL),
			 SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char sql[256];
		sqlite3_stmt *rows = NULL;

		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", sqlite3_column_text(tables, 0));
		fp_buf_printf(&b, "== %s\n", sql);
		ck_assert_int_eq(sqlite3_prepare_v2(fp_db_handle(db), sql, -1, &rows, NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				const unsigned char *v = sqlite3_column_text(rows, c);

				fp_buf_printf(&b, "%s%s", c ? "|" : "", v != NULL ? (const char *)v : "NULL");
			}
			fp_buf_addc(&b, '\n');
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	fp_db_close(db);
	return fp_buf_steal(&b);
}

static void
on_reject(void *userdata, const struct fp_err *e)
{
	char line[600];

	fp_buf_adds(userdata, fp_err_format(line, sizeof(line), e));
	fp_buf_addc(userdata, '\n');
}

static void
append_file(FILE *out, const char *path)
{
	FILE *in = fopen(path, "rb");
	char buf[65536];
	size_t n;

	ck_assert_ptr_nonnull(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
}

/* Real captures, bad lines and blank lines mixed, so chunks hold all kinds. */
static const char *
make_input(const char *dir)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/input.jsonl", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	append_file(f, fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"));
	append_file(f, fp_testdata("golden/bad-lines/input.jsonl"));
	fputs("\n   \r\n", f);
	append_file(f, fp_testdata("hubble/bookinfo/basic-sample-400-tcp-flows.json"));
	append_file(f, fp_testdata("golden/bad-lines/input.jsonl"));
	append_file(f, fp_testdata("demo/hubble-ip-10-0-2-29.jsonl"));
	append_file(f, fp_testdata("hubble/other/hubble-export-cilium-1.19.1.jsonl"));
	fputs("{\"flow\":", f); /* a last line without its newline */
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

struct outcome {
	char *db;
	char *rejects;
	int status;
};

static struct outcome
ingest(const char *dir, const char *name, const char *input, size_t threads, size_t chunk,
       size_t memory, uint64_t max_errors)
{
	char path[4096];
	struct fp_db *db = NULL;
	struct fp_ingest *ing = NULL;
	struct fp_ingest_stats stats;
	struct fp_err err = { 0 };
	struct fp_buf rejects;
	struct fp_ingest_opts opts = { .max_errors = max_errors, .memory = memory,
				       .threads = threads, .chunk = chunk,
				       .on_reject = on_reject };
	struct outcome o;

	fp_buf_init(&rejects);
	opts.userdata = &rejects;
	snprintf(path, sizeof(path), "%s/%s.db", dir, name);
	ck_assert_int_eq(fp_db_open(&db, path, 0, &err), 0);
	ck_assert_int_eq(fp_ingest_new(&ing, db, &opts, &err), 0);
	o.status = fp_ingest_file(ing, &stats, input, &err);
	if (o.status < 0)
		on_reject(&rejects, &err);
	fp_ingest_free(ing);
	fp_db_close(db);
	o.db = dump(path);
	o.rejects = fp_buf_steal(&rejects);
	return o;
}

static void
outcome_free(struct outcome *o)
{
	free(o->db);
	free(o->rejects);
}

START_TEST(test_ingest_threads_same_database)
{
	const char *dir = fp_tmpdir();
	const char *input = make_input(dir);
	struct outcome one = ingest(dir, "one", input, 1, 0, 0, 1000);
	/* several threads, chunks of a few lines, and spills at every chunk */
	struct outcome many = ingest(dir, "many", input, 4, 4096, 1 << 20, 1000);
	struct outcome two = ingest(dir, "two", input, 2, 65536, 0, 1000);

	ck_assert_int_eq(one.status, 0);
	ck_assert_int_eq(many.status, 0);
	ck_assert_int_eq(two.status, 0);
	ck_assert_ptr_nonnull(strstr(one.rejects, "input.jsonl:1279:8: invalid JSON"));
	ck_assert_str_eq(one.db, many.db);
	ck_assert_str_eq(one.rejects, many.rejects);
	ck_assert_str_eq(one.db, two.db);
	ck_assert_str_eq(one.rejects, two.rejects);
	outcome_free(&one);
	outcome_free(&many);
	outcome_free(&two);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_threads_same_budget_stop)
{
	const char *dir = fp_tmpdir();
	const char *input = make_input(dir);
	/* the error budget runs out at the same line, whoever parsed it */
	struct outcome one = ingest(dir, "one", input, 1, 0, 0, 20);
	struct outcome many = ingest(dir, "many", input, 3, 2048, 0, 20);

	ck_assert_int_eq(one.status, FP_EINPUT);
	ck_assert_int_eq(many.status, FP_EINPUT);
	ck_assert_str_eq(one.rejects, many.rejects);
	ck_assert_str_eq(one.db, many.db);
	outcome_free(&one);
	outcome_free(&many);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("ingest-threads");
	TCase *tc = tcase_create("fp_ingest_file");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ingest_threads_same_database);
	tcase_add_test(tc, test_ingest_threads_same_budget_stop);
	suite_add_tcase(s, tc);
	return s;
}
