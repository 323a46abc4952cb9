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
#include <unistd.h>

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
ingest_format(const char *dir, const char *name, const char *input, const char *format,
	      size_t threads, size_t chunk, size_t memory, uint64_t max_errors)
{
	char path[4096];
	struct fp_db *db = NULL;
	struct fp_ingest *ing = NULL;
	struct fp_ingest_stats stats;
	struct fp_err err = { 0 };
	struct fp_buf rejects;
	struct fp_ingest_opts opts = { .format = format, .max_errors = max_errors,
				       .memory = memory, .threads = threads, .chunk = chunk,
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

static struct outcome
ingest(const char *dir, const char *name, const char *input, size_t threads, size_t chunk,
       size_t memory, uint64_t max_errors)
{
	return ingest_format(dir, name, input, NULL, threads, chunk, memory, max_errors);
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

/*
 * Every reader's samples, many times over with a bad line among them, cut
 * into chunks of a few lines: readers marked parallel parse them on four
 * threads, the others keep one state that sees every line in order (a CSV
 * header, a VPC "# format:" line, a Calico record over several lines).
 * Either way the database and the messages are those of one thread.
 */
START_TEST(test_ingest_threads_every_format)
{
	static const struct {
		const char *path;
		const char *format; /* NULL: detected */
		bool split;         /* each record over several lines */
	} samples[] = {
		{ "gke/policy_action.log", NULL, false },
		{ "eks/network-policy-agent.log", NULL, false },
		{ "eks/cloudwatch.log", NULL, false },
		{ "antrea/flow-aggregator-flowlogger.csv", NULL, false },
		{ "antrea/np.log", NULL, false },
		{ "calico/calico-flows.log", NULL, false },
		{ "calico/calico-flows.log", NULL, true },
		{ "vpc/vpc-flow-default-v2.log", NULL, false },
		{ "vpc/vpc-flow-custom-v5-traffic-path.log", NULL, false },
		{ "theia/flows.csv", NULL, false },
		{ "theia/flows.jsonl", NULL, false },
		{ "native/flows.csv", NULL, false },
		{ "native/flows.jsonl", NULL, false },
		{ "scenario/gke-policy_action.log", NULL, false },
		{ "scenario/antrea-flows.csv", NULL, false },
		{ "scenario/calico.jsonl", NULL, false },
	};
	const char *dir = fp_tmpdir();

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char *text = fp_read_file(fp_testdata(samples[i].path), NULL);
		char input[4096];
		struct outcome one, many;
		FILE *f;

		snprintf(input, sizeof(input), "%s/input-%zu", dir, i);
		f = fopen(input, "w");
		ck_assert_ptr_nonnull(f);
		for (int k = 0; k < 40; k++) {
			/* "{" on a line of its own, and a line break after each
			 * member: still one JSON object, over many lines */
			for (const char *c = text; *c != '\0'; c++) {
				bool starts = c == text || c[-1] == '\n';

				fputc(*c, f);
				if (samples[i].split &&
				    ((starts && *c == '{') || (c[0] == ',' && c[1] == '"')))
					fputc('\n', f);
			}
			if (k == 20)
				fputs("\x01 not a flow \"\n", f);
		}
		/* and a record the file ends inside of: finish() reports it */
		if (samples[i].split)
			fputs("{\n\"start_time\": 1659621542,\n", f);
		ck_assert_int_eq(fclose(f), 0);
		free(text);
		one = ingest_format(dir, "one", input, samples[i].format, 1, 0, 0, 1000);
		many = ingest_format(dir, "many", input, samples[i].format, 4, 512, 1 << 16, 1000);
		ck_assert_msg(one.status == 0, "%s: %s", samples[i].path, one.rejects);
		ck_assert_int_eq(many.status, 0);
		ck_assert_msg(strcmp(one.db, many.db) == 0, "%s: another database",
			      samples[i].path);
		ck_assert_msg(strcmp(one.rejects, many.rejects) == 0,
			      "%s: other messages:\n%s\n%s", samples[i].path, one.rejects,
			      many.rejects);
		/* the next sample gets new databases */
		snprintf(input, sizeof(input), "%s/one.db", dir);
		unlink(input);
		snprintf(input, sizeof(input), "%s/many.db", dir);
		unlink(input);
		outcome_free(&one);
		outcome_free(&many);
	}
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
	tcase_add_test(tc, test_ingest_threads_every_format);
	suite_add_tcase(s, tc);
	return s;
}
