/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ingest.c - loading files into the database: counts, duplicates,
 * rejected lines and the error budget, spilling (parking rows on disk) under
 * a small memory budget, and independence from line order.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/ingest.h"
#include "lib/stats.h"
#include "lib/store.h"
#include "tests/fp-check.h"

#define SOURCES_SQL                                                                        \
	"SELECT fingerprint, path, format, bytes, lines, records, connections, skipped, "    \
	"skipped_detail, rejected, first_seen, last_seen FROM sources ORDER BY id"
#define TOTALS_SQL "SELECT count(*) || '/' || total(count) FROM flows"

struct collected {
	struct fp_buf rejects; /* "file:line:col: text\n" per rejected line */
	struct fp_db *db;
	long long staged;      /* the most rows seen parked */
	unsigned progress;
};

/* Rows parked by this connection: in its TEMP table, once there is one. */
static long long
parked_rows(struct fp_db *db)
{
	if (fp_test_query(db, "SELECT count(*) FROM sqlite_temp_master WHERE name = 'spill'") == 0)
		return 0;
	return fp_test_query(db, "SELECT count(*) FROM temp.spill");
}

static void
on_reject(void *userdata, const struct fp_err *e)
{
	struct collected *c = userdata;
	char buf[800];

	ck_assert_int_eq(e->code, FP_EINPUT);
	fp_buf_printf(&c->rejects, "%s\n", fp_err_format(buf, sizeof(buf), e));
}

static void
on_progress(void *userdata, const struct fp_ingest_progress *p)
{
	struct collected *c = userdata;
	long long n = parked_rows(c->db);

	ck_assert_uint_gt(p->lines, 0);
	ck_assert_uint_le(p->bytes, p->size);
	c->progress++;
	if (n > c->staged)
		c->staged = n;
}

/* Ingest @path into @db with @opts; returns the status. */
static int
ingest(struct fp_db *db, const struct fp_ingest_opts *opts, const char *path,
       struct fp_ingest_stats *stats, struct fp_err *err)
{
	struct fp_ingest *ing = NULL;
	int r;

	fp_err_clear(err);
	ck_assert_int_eq(fp_ingest_new(&ing, db, opts, err), 0);
	r = fp_ingest_file(ing, stats, path, err);
	fp_ingest_free(ing);
	return r;
}

static const char *
tmp_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fp_tmpdir(), name);
	return path;
}

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define DB "ns:shop pod:postgres-0 app=postgres"

/*
 * A small capture: 4 flows (one of them counted 3 times by the exporter,
 * two in the same minute), a node_status, a reply, an L7 record and a
 * blank line.
 */
static char *
small_capture(void)
{
	struct fp_buf b;

	fp_buf_init(&b);
	fp_buf_adds(&b, "{\"node_status\":{\"state_change\":\"NODE_CONNECTED\"}}\n");
	FP_HUBBLE(&b, .time = "2026-11-12T10:00:01Z", .src = WEB, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .time = "2026-11-12T10:00:31Z", .src = WEB, .dst = API, .port = 8080,
		  .count = 3);
	FP_HUBBLE(&b, .time = "2026-11-12T10:05:00Z", .src = API, .dst = DB, .port = 5432);
	fp_buf_adds(&b, "\n");
	fp_buf_adds(&b, "{\"flow\":{\"time\":\"2026-11-12T10:05:00Z\",\"verdict\":\"FORWARDED\","
			"\"l4\":{\"TCP\":{\"destination_port\":43210,\"flags\":{\"SYN\":true,"
			"\"ACK\":true}}},\"is_reply\":true,\"event_type\":{\"type\":4}}}\n");
	fp_buf_adds(&b, "{\"flow\":{\"time\":\"2026-11-12T10:05:01Z\",\"verdict\":\"FORWARDED\","
			"\"Type\":\"L7\",\"event_type\":{\"type\":129},\"l7\":{}}}\n");
	FP_HUBBLE(&b, .time = "2026-11-12T11:00:00Z", .src = API, .dst = DB, .port = 5432,
		  .verdict = "DROPPED");
	return fp_buf_steal(&b);
}

START_TEST(test_ingest_counts)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_opts opts = { .max_errors = 10 };
	struct fp_ingest_stats st;
	struct fp_stats s;
	struct fp_err err;
	char *text = small_capture(), *rows;
	const char *path = fp_write_file(fp_tmpdir(), "cap.jsonl", text);

	ck_assert_int_eq(ingest(db, &opts, path, &st, &err), 0);
	ck_assert_str_eq(st.format, "hubble");
	ck_assert(st.detected);
	ck_assert(!st.duplicate);
	ck_assert_uint_eq(st.bytes, strlen(text));
	ck_assert_uint_eq(st.lines, 8);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(st.connections, 6);
	ck_assert_uint_eq(st.skipped, 4);
	ck_assert_uint_eq(st.skip[FP_SKIP_NONFLOW], 1);
	ck_assert_uint_eq(st.skip[FP_SKIP_BLANK], 1);
	ck_assert_uint_eq(st.skip[FP_SKIP_REPLY], 1);
	ck_assert_uint_eq(st.skip[FP_SKIP_L7], 1);
	ck_assert_uint_eq(st.rejected, 0);
	ck_assert_uint_eq(st.tuples, 3);
	ck_assert_int_eq(st.first, 1794477601);
	ck_assert_int_eq(st.last, 1794481200);
	{
		char tail[32];

		/* "<16 hex digits>-<size>" */
		snprintf(tail, sizeof(tail), "-%llu", (unsigned long long)st.bytes);
		ck_assert_uint_eq(strspn(st.fingerprint, "0123456789abcdef"), 16);
		ck_assert_str_eq(st.fingerprint + 16, tail);
	}

	ck_assert_int_eq(fp_stats_collect(&s, db, &err), 0);
	ck_assert_int_eq(s.schema, fp_db_schema_latest());
	ck_assert_uint_eq(s.sources, 1);
	ck_assert_uint_eq(s.bytes, strlen(text));
	ck_assert_uint_eq(s.lines, 8);
	ck_assert_uint_eq(s.records, 4);
	ck_assert_uint_eq(s.connections, 6);
	ck_assert_uint_eq(s.skipped, 4);
	ck_assert_uint_eq(s.skip[FP_SKIP_NONFLOW], 1);
	ck_assert_uint_eq(s.skip[FP_SKIP_BLANK], 1);
	ck_assert_uint_eq(s.skip[FP_SKIP_REPLY], 1);
	ck_assert_uint_eq(s.skip[FP_SKIP_L7], 1);
	ck_assert_uint_eq(s.skip[FP_SKIP_LATER], 0);
	ck_assert_uint_eq(s.rejected, 0);
	ck_assert_uint_eq(s.tuples, 3);
	ck_assert_uint_eq(s.endpoints, 3);
	ck_assert_uint_eq(s.dropped_connections, 1);
	ck_assert_uint_eq(s.runs, 0);
	ck_assert_int_eq(s.first, 1794477601);
	ck_assert_int_eq(s.last, 1794481200);

	rows = fp_test_rows(db, FP_TEST_FLOWS_SQL);
	ck_assert_str_eq(rows,
			 "1794477600|1|shop|web|Deployment|||app=web|1|shop|api|Deployment|||app=api"
			 "|6|8080|1|0|4|1794477601|1794477631\n"
			 "1794477900|1|shop|api|Deployment|||app=api|1|shop|postgres|StatefulSet|||"
			 "app=postgres|6|5432|1|0|1|1794477900|1794477900\n"
			 "1794481200|1|shop|api|Deployment|||app=api|1|shop|postgres|StatefulSet|||"
			 "app=postgres|6|5432|2|0|1|1794481200|1794481200\n");
	free(rows);
	rows = fp_test_rows(db, "SELECT path, format, lines, records, connections, skipped, "
				"skipped_detail, rejected, first_seen, last_seen FROM sources");
	ck_assert_str_eq(rows + strlen(path), "|hubble|8|4|6|4|{\"blank\":1,\"non-flow\":1,"
					      "\"l7\":1,\"reply\":1}|0|1794477601|1794481200\n");
	ck_assert(strncmp(rows, path, strlen(path)) == 0);
	free(rows);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_duplicates)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_opts opts = { 0 };
	struct fp_ingest_stats st;
	struct fp_err err;
	char *text = small_capture(), *before, *after, first[PATH_MAX];
	long long n_sources;

	snprintf(first, sizeof(first), "%s", fp_write_file(fp_tmpdir(), "cap.jsonl", text));
	ck_assert_int_eq(ingest(db, &opts, first, &st, &err), 0);
	ck_assert(!st.duplicate);
	before = fp_test_rows(db, TOTALS_SQL);
	n_sources = fp_test_query(db, "SELECT count(*) FROM sources");
	/* The same file again: known by its content, nothing changes. */
	ck_assert_int_eq(ingest(db, &opts, first, &st, &err), 0);
	ck_assert(st.duplicate);
	ck_assert_str_eq(st.duplicate_of, first);
	ck_assert_uint_eq(st.records, 0);
	ck_assert_uint_eq(st.bytes, strlen(text));
	after = fp_test_rows(db, TOTALS_SQL);
	ck_assert_str_eq(after, before);
	free(after);
	/* The same content under another name is the same file. */
	ck_assert_int_eq(ingest(db, &opts, fp_write_file(fp_tmpdir(), "renamed.log", text), &st,
				&err),
			 0);
	ck_assert(st.duplicate);
	ck_assert_str_eq(st.duplicate_of, first);
	after = fp_test_rows(db, TOTALS_SQL);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), n_sources);
	free(after);
	/*
	 * One more line is another file; it starts with the whole of the
	 * first, so only the new line is read and added.
	 */
	{
		struct fp_buf b;

		fp_buf_init(&b);
		fp_buf_adds(&b, text);
		FP_HUBBLE(&b, .time = "2026-11-12T12:00:00Z", .src = WEB, .dst = DB, .port = 5432);
		ck_assert_int_eq(ingest(db, &opts, fp_write_file(fp_tmpdir(), "more.jsonl",
								  fp_buf_str(&b)),
					&st, &err),
				 0);
		ck_assert(!st.duplicate);
		ck_assert_uint_eq(st.resumed_bytes, strlen(text));
		ck_assert_uint_eq(st.lines, 1);
		fp_buf_done(&b);
	}
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), n_sources + 1);
	ck_assert_int_eq(fp_test_query(db, "SELECT total(count) FROM flows"), 6 + 1);
	free(before);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

/* A capture with good lines and the bad ones the tests below reject. */
static char *
capture_with_rejects(void)
{
	struct fp_buf b;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	fp_buf_adds(&b, "{\"flow\":{\"verdict\":\"FORWARDED\",}}\n");
	FP_HUBBLE(&b, .src = WEB, .dst = DB, .port = 5432);
	FP_HUBBLE(&b, .src = "ns:../../etc app=x", .dst = DB, .port = 5432);
	FP_HUBBLE(&b, .src = "ns:shop app=a app=b", .dst = DB, .port = 5432);
	FP_HUBBLE(&b, .src = API, .dst = DB, .port = 5432);
	return fp_buf_steal(&b);
}

START_TEST(test_ingest_rejects_lines)
{
	struct fp_db *db = fp_test_db("t.db");
	struct collected c = { .db = db };
	struct fp_ingest_opts opts = { .max_errors = 3, .on_reject = on_reject, .userdata = &c };
	struct fp_ingest_stats st;
	struct fp_err err;
	char *text = capture_with_rejects(), *rows, want[4 * PATH_MAX];
	const char *path = fp_write_file(fp_tmpdir(), "bad.jsonl", text);

	fp_buf_init(&c.rejects);
	/* The run reports each bad line, keeps it, and goes on. */
	ck_assert_int_eq(ingest(db, &opts, path, &st, &err), 0);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert_uint_eq(st.rejected, 3);
	ck_assert_uint_eq(st.records, 3);
	ck_assert_uint_eq(st.lines, 6);
	snprintf(want, sizeof(want),
		 "%s:2:32: invalid JSON: string or '}' expected near '}'\n"
		 "%s:4: \"flow.source.namespace\": invalid namespace name \"../../etc\"\n"
		 "%s:5: label \"app\" given twice with different values\n",
		 path, path, path);
	ck_assert_str_eq(fp_buf_str(&c.rejects), want);
	rows = fp_test_rows(db, "SELECT r.line, r.reason, s.rejected FROM rejects r "
				"JOIN sources s ON s.id = r.source ORDER BY r.line");
	ck_assert_str_eq(rows, "2|invalid JSON: string or '}' expected near '}'|3\n"
			       "4|\"flow.source.namespace\": invalid namespace name \"../../etc\"|3\n"
			       "5|label \"app\" given twice with different values|3\n");
	free(rows);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM flows"), 3);
	free(text);
	fp_buf_done(&c.rejects);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_error_budget)
{
	struct fp_db *db = fp_test_db("t.db");
	struct collected c = { .db = db };
	struct fp_ingest_opts opts = { .max_errors = 2, .on_reject = on_reject, .userdata = &c };
	struct fp_ingest *ing = NULL;
	struct fp_ingest_stats st;
	struct fp_err err = { 0 };
	char *text = capture_with_rejects(), good[PATH_MAX], one_bad[PATH_MAX], path[PATH_MAX];
	struct fp_buf b;

	snprintf(path, sizeof(path), "%s", fp_write_file(fp_tmpdir(), "bad.jsonl", text));
	fp_buf_init(&c.rejects);
	/* The third rejected line is one too many: nothing of the file is stored. */
	ck_assert_int_eq(ingest(db, &opts, path, &st, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 0, 0,
		      "more than 2 rejected lines: stopping; nothing of this file was stored");
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM flows"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM rejects"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM endpoints"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM staging"), 0);

	/* The budget is the session's: two files of one bad line each, budget 1. */
	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	snprintf(good, sizeof(good), "%s", fp_write_file(fp_tmpdir(), "good.jsonl", fp_buf_str(&b)));
	fp_buf_adds(&b, "not json\n");
	snprintf(one_bad, sizeof(one_bad), "%s",
		 fp_write_file(fp_tmpdir(), "one-bad.jsonl", fp_buf_str(&b)));
	fp_buf_adds(&b, "still not json\n");
	opts.max_errors = 1;
	fp_err_clear(&err);
	ck_assert_int_eq(fp_ingest_new(&ing, db, &opts, &err), 0);
	ck_assert_int_eq(fp_ingest_file(ing, &st, one_bad, &err), 0);
	ck_assert_uint_eq(fp_ingest_errors(ing), 1);
	ck_assert_int_eq(fp_ingest_file(ing, &st, good, &err), 0);
	ck_assert_int_eq(fp_ingest_file(ing, &st, path, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 0, 0,
		      "more than 1 rejected lines: stopping; nothing of this file was stored");
	ck_assert_uint_eq(fp_ingest_errors(ing), 2);
	fp_ingest_free(ing);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), 2);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM rejects"), 1);
	fp_buf_done(&b);
	fp_buf_done(&c.rejects);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_unknown_format)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_opts opts = { .max_errors = 100 };
	struct fp_ingest_stats st;
	struct fp_err err;
	const char *path = fp_write_file(fp_tmpdir(), "syslog.log",
					 "\n  \nNov 19 08:00:01 node-a kernel: IN=eth0 OUT= "
					 "SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP DPT=443\n");
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	ck_assert_int_eq(ingest(db, &opts, copy, &st, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, copy, 3, 0,
		      "cannot tell the format of this file; name it with -f");
	ck_assert_ptr_null(st.format);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), 0);
	/* A format named but unknown. */
	opts.format = "netflow";
	ck_assert_int_eq(ingest(db, &opts, copy, &st, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, copy, 3, 0, "unknown format 'netflow'");
	/* A named format is not detected, and applies from the first line. */
	opts.format = "hubble";
	ck_assert_int_eq(ingest(db, &opts, copy, &st, &err), 0);
	ck_assert_uint_eq(st.rejected, 1);
	ck_assert(!st.detected);
	ck_assert_str_eq(st.format, "hubble");
	/* An empty file has no format and no flows; it is still recorded. */
	opts.format = NULL;
	ck_assert_int_eq(ingest(db, &opts, fp_write_file(fp_tmpdir(), "empty.jsonl", ""), &st, &err),
			 0);
	ck_assert_ptr_null(st.format);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources WHERE format = 'none' "
					   "AND first_seen IS NULL"),
			 1);
	/* A missing file is an I/O error. */
	ck_assert_int_eq(ingest(db, &opts, tmp_path("missing.jsonl"), &st, &err), FP_EIO);
	fp_assert_err(&err, FP_EIO, tmp_path("missing.jsonl"), 0, 0,
		      "cannot open: No such file or directory");
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

/*
 * A JSON object printed over many lines opens with a lone "{": its format
 * shows in the lines after, and detection reads on to them, in any chunk
 * size.  A document no reader knows is refused at its first line.
 */
START_TEST(test_ingest_detects_pretty_json)
{
	static const size_t chunks[] = { 0, 64 };
	struct fp_err err;

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct fp_db *db = fp_test_db(i == 0 ? "a.db" : "b.db");
		struct fp_ingest_opts opts = { .max_errors = 100, .chunk = chunks[i] };
		struct fp_ingest_stats st;
		char *doc = fp_read_file(fp_testdata("calico/calico-enterprise-flowlog-docs-example"
						     ".json.txt"),
					 NULL);
		struct fp_buf b;
		const char *path;

		/* the docs' trailing comma removed, twice over, after blank lines */
		fp_buf_init(&b);
		fp_buf_adds(&b, "\n \n");
		for (int k = 0; k < 2; k++) {
			for (const char *c = doc; *c != '\0'; c++)
				if (!(c[0] == ',' && strncmp(c + 1, "       \n      ]", 15) == 0))
					fp_buf_addc(&b, *c);
		}
		path = fp_write_file(fp_tmpdir(), "pretty.json", b.data);
		ck_assert_int_eq(ingest(db, &opts, path, &st, &err), 0);
		ck_assert_str_eq(st.format, "calico");
		ck_assert(st.detected);
		ck_assert_uint_eq(st.rejected, 0);
		ck_assert_uint_eq(st.connections, 2);
		/* the docs as they are: still Calico, and the comma is the error */
		ck_assert_int_eq(ingest(db, &opts, fp_testdata("calico/calico-enterprise-flowlog-docs-"
							       "example.json.txt"),
					&st, &err),
				 0);
		ck_assert_str_eq(st.format, "calico");
		ck_assert_uint_eq(st.rejected, 1);
		/* pretty JSON of no known format: refused at its first line */
		path = fp_write_file(fp_tmpdir(), "other.json",
				     "\n{\n  \"records\": [\n    {\"time\": \"2026-11-12\"}\n  ]\n}\n");
		ck_assert_int_eq(ingest(db, &opts, path, &st, &err), FP_EINPUT);
		fp_assert_err(&err, FP_EINPUT, path, 2, 0,
			      "cannot tell the format of this file; name it with -f");
		/* kubectl's output: refused, with the command that reads it */
		path = fp_write_file(fp_tmpdir(), "pods.json",
				     "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\n"
				     "      \"kind\": \"Pod\"\n    }\n  ],\n  \"kind\": \"List\"\n}\n");
		ck_assert_int_eq(ingest(db, &opts, path, &st, &err), FP_EINPUT);
		fp_assert_err(&err, FP_EINPUT, path, 1, 0,
			      "Kubernetes objects, not a flow log: load them with "
			      "'flowpol inventory' (or 'run -i')");
		ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), 2);
		fp_buf_done(&b);
		free(doc);
		fp_db_close(db);
	}
	fp_tmpdir_cleanup();
}
END_TEST

/*
 * @n flow lines in a scrambled time order over a few hours, so that the
 * same minute turns up again after any spill.
 */
static char *
many_lines(int n, int bad_after)
{
	static const char *const src[] = { WEB, API, "ns:shop pod:worker-x2kqp app=worker",
					   "ns:jobs pod:report-29000000-tqrzp job-name=report-29000000 "
					   "app=report" };
	static const char *const dst[] = { API, DB, "reserved:world ip:93.184.216.34",
					   "ns:kube-system pod:coredns-5d78c9869d-8jxnt k8s-app=kube-dns" };
	struct fp_buf b;

	fp_buf_init(&b);
	for (int i = 0; i < n; i++) {
		int k = (int)((unsigned)i * 7919u % (unsigned)n);
		char t[32];

		snprintf(t, sizeof(t), "2026-11-12T%02d:%02d:%02dZ", 8 + k / 3600 % 10, k / 60 % 60,
			 k % 60);
		FP_HUBBLE(&b, .time = t, .src = src[k % 4], .dst = dst[k / 4 % 4],
			  .proto = k % 13 == 0 ? "UDP" : "TCP", .port = (unsigned)(8000 + k % 3),
			  .verdict = k % 17 == 0 ? "DROPPED" : "AUDIT", .count = (unsigned)(k % 3));
		if (bad_after > 0 && i >= bad_after)
			fp_buf_adds(&b, "garbage\n");
	}
	return fp_buf_steal(&b);
}

START_TEST(test_ingest_spills_to_staging)
{
	struct fp_db *a = fp_test_db("a.db"), *b = fp_test_db("b.db");
	struct collected c = { .db = b };
	struct fp_ingest_opts big = { 0 };
	struct fp_ingest_opts tiny = { .memory = 1, .on_progress = on_progress, .userdata = &c };
	struct fp_ingest_stats sa, sb;
	struct fp_err err;
	char *text = many_lines(10000, 0), *ra, *rb;
	const char *path = fp_write_file(fp_tmpdir(), "many.jsonl", text);

	ck_assert_int_eq(ingest(a, &big, path, &sa, &err), 0);
	ck_assert_int_eq(ingest(b, &tiny, path, &sb, &err), 0);
	/* Rows were parked while reading (progress comes after each chunk of
	 * the file is folded in)... */
	ck_assert_uint_ge(c.progress, 2);
	ck_assert_int_gt(c.staged, 0);
	/* ...and none are left, in the TEMP table or in the file. */
	ck_assert_int_eq(parked_rows(b), 0);
	ck_assert_int_eq(fp_test_query(b, "SELECT count(*) FROM staging"), 0);
	ck_assert_uint_eq(sb.records, sa.records);
	ck_assert_uint_eq(sb.connections, sa.connections);
	ra = fp_test_rows(a, FP_TEST_FLOWS_SQL);
	rb = fp_test_rows(b, FP_TEST_FLOWS_SQL);
	ck_assert_str_eq(rb, ra);
	ck_assert_uint_gt(strlen(ra), 1000);
	free(ra);
	free(rb);
	ra = fp_test_rows(a, SOURCES_SQL);
	rb = fp_test_rows(b, SOURCES_SQL);
	ck_assert_str_eq(rb, ra);
	free(ra);
	free(rb);
	ra = fp_test_rows(a, "SELECT key FROM endpoints ORDER BY key");
	rb = fp_test_rows(b, "SELECT key FROM endpoints ORDER BY key");
	ck_assert_str_eq(rb, ra);
	free(ra);
	free(rb);
	free(text);
	fp_db_close(a);
	fp_db_close(b);
	fp_tmpdir_cleanup();
}
END_TEST

/*
 * Another flowpol cleans up while this one has rows parked: what it deletes
 * (endpoints no stored row names, as after a failed or killed ingest) must
 * not include what the parked rows need.
 */
static void
on_progress_cleanup(void *userdata, const struct fp_ingest_progress *p)
{
	struct collected *c = userdata;
	struct fp_db *other = fp_test_db("b.db");
	struct fp_err err = { 0 };

	on_progress(userdata, p);
	if (c->staged > 0) {
		ck_assert_int_eq(fp_db_begin(other, &err), 0);
		ck_assert_int_eq(fp_store_drop_unused_endpoints(other, &err), 0);
		ck_assert_int_eq(fp_db_commit(other, &err), 0);
	}
	fp_db_close(other);
}

START_TEST(test_ingest_spill_survives_cleanup)
{
	struct fp_db *a = fp_test_db("a.db"), *b = fp_test_db("b.db");
	struct collected c = { .db = b };
	struct fp_ingest_opts big = { 0 };
	struct fp_ingest_opts tiny = { .memory = 1, .chunk = 128 << 10,
				       .on_progress = on_progress_cleanup, .userdata = &c };
	struct fp_ingest_stats sa, sb;
	struct fp_err err;
	char *text = many_lines(4000, 0), *ra, *rb;
	const char *path = fp_write_file(fp_tmpdir(), "many.jsonl", text);

	ck_assert_int_eq(ingest(a, &big, path, &sa, &err), 0);
	ck_assert_int_eq(ingest(b, &tiny, path, &sb, &err), 0);
	ck_assert_int_gt(c.staged, 0);
	ck_assert_int_eq(fp_test_query(b, "SELECT count(*) FROM flows WHERE src NOT IN "
					  "(SELECT id FROM endpoints) OR dst NOT IN "
					  "(SELECT id FROM endpoints)"),
			 0);
	ra = fp_test_rows(a, FP_TEST_FLOWS_SQL);
	rb = fp_test_rows(b, FP_TEST_FLOWS_SQL);
	ck_assert_str_eq(rb, ra);
	free(ra);
	free(rb);
	free(text);
	fp_db_close(a);
	fp_db_close(b);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_budget_after_spill)
{
	struct fp_db *db = fp_test_db("t.db");
	struct collected c = { .db = db };
	/* Small chunks: the memory budget is checked after each one. */
	struct fp_ingest_opts tiny = { .memory = 1, .max_errors = 2, .chunk = 128 << 10,
				       .on_progress = on_progress, .userdata = &c };
	struct fp_ingest_stats st;
	struct fp_err err;
	/* Bad lines only after the second spill. */
	char *text = many_lines(9000, 8500);
	const char *path = fp_write_file(fp_tmpdir(), "late-bad.jsonl", text);

	ck_assert_int_eq(ingest(db, &tiny, path, &st, &err), FP_EINPUT);
	ck_assert_int_gt(c.staged, 0);
	fp_assert_err(&err, FP_EINPUT, path, 0, 0,
		      "more than 2 rejected lines: stopping; nothing of this file was stored");
	ck_assert_int_eq(parked_rows(db), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM staging"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM flows"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sources"), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM endpoints"), 0);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

/* Append the lines of @text to @v (pointers into @text, which is modified). */
static size_t
split_lines(char **v, size_t n, char *text)
{
	for (char *p = text; *p != '\0';) {
		char *nl = strchr(p, '\n');

		v[n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

START_TEST(test_ingest_drops_orphans)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_opts opts = { 0 };
	struct fp_ingest *ing = NULL;
	struct fp_err err = { 0 };
	char sql[1024];
	char *rows;

	/*
	 * Rows a killed ingest of a pipe parked under "pending-<pid>", with
	 * the endpoints its spill wrote, and those of this (running) process.
	 */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO endpoints(id, key, kind) VALUES (1, '1|dead||||||app=x', 1), "
		 "(2, '1|live||||||app=y', 1), (3, '1|dead||||||app=z', 1);"
		 "INSERT INTO staging VALUES ('pending-2147483600', 0, 1, 1, 6, 80, 1, 0, 1, 0, 0);"
		 "INSERT INTO staging VALUES ('pending-2147483600', 60, 1, 3, 6, 80, 1, 0, 1, 0, 0);"
		 "INSERT INTO staging VALUES ('pending-2147483601', 0, 3, 3, 6, 80, 1, 0, 1, 0, 0);"
		 "INSERT INTO staging VALUES ('pending-%ld', 0, 2, 2, 6, 80, 1, 0, 1, 0, 0);"
		 "INSERT INTO staging VALUES ('pending-999999999', 0, 3, 1, 6, 80, 1, 0, 1, 0, 0);",
		 (long)getpid());
	ck_assert_int_eq(fp_db_exec(db, sql, &err), 0);
	ck_assert_int_eq(fp_ingest_new(&ing, db, &opts, &err), 0);
	rows = fp_test_rows(db, "SELECT fingerprint FROM staging");
	snprintf(sql, sizeof(sql), "pending-%ld\n", (long)getpid());
	ck_assert_str_eq(rows, sql);
	free(rows);
	rows = fp_test_rows(db, "SELECT key FROM endpoints");
	ck_assert_str_eq(rows, "1|live||||||app=y\n");
	free(rows);
	fp_ingest_free(ing);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_line_order_does_not_matter)
{
	struct fp_db *a = fp_test_db("a.db"), *b = fp_test_db("b.db");
	struct fp_ingest_opts opts = { 0 };
	struct fp_ingest_stats st;
	struct fp_err err;
	size_t len1, len2, n;
	char *t1 = fp_read_file(fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"), &len1);
	char *t2 = fp_read_file(fp_testdata("demo/hubble-ip-10-0-2-29.jsonl"), &len2);
	char **lines = calloc(len1 + len2, sizeof(*lines)), *ra, *rb;
	struct fp_buf shuffled;
	uint32_t seed = 12345;

	/* The two node files, as they are... */
	ck_assert_int_eq(ingest(a, &opts, fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"), &st, &err),
			 0);
	ck_assert_uint_gt(st.records, 500);
	ck_assert_int_eq(ingest(a, &opts, fp_testdata("demo/hubble-ip-10-0-2-29.jsonl"), &st, &err),
			 0);
	/* ...and as one file of their lines in a random order. */
	ck_assert_ptr_nonnull(lines);
	n = split_lines(lines, 0, t1);
	n = split_lines(lines, n, t2);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j;
		char *tmp;

		seed = seed * 1664525u + 1013904223u;
		j = (size_t)(seed >> 8) % (i + 1);
		tmp = lines[i];
		lines[i] = lines[j];
		lines[j] = tmp;
	}
	fp_buf_init(&shuffled);
	for (size_t i = 0; i < n; i++)
		fp_buf_printf(&shuffled, "%s\n", lines[i]);
	ck_assert_int_eq(ingest(b, &opts, fp_write_file(fp_tmpdir(), "shuffled.jsonl",
							fp_buf_str(&shuffled)),
				&st, &err),
			 0);
	ra = fp_test_rows(a, FP_TEST_FLOWS_SQL);
	rb = fp_test_rows(b, FP_TEST_FLOWS_SQL);
	ck_assert_str_eq(rb, ra);
	free(ra);
	free(rb);
	ra = fp_test_rows(a, "SELECT key, kind, namespace, workload, workload_kind, pod, ip, labels "
			     "FROM endpoints ORDER BY key");
	rb = fp_test_rows(b, "SELECT key, kind, namespace, workload, workload_kind, pod, ip, labels "
			     "FROM endpoints ORDER BY key");
	ck_assert_str_eq(rb, ra);
	free(ra);
	free(rb);
	fp_buf_done(&shuffled);
	free(lines);
	free(t1);
	free(t2);
	fp_db_close(a);
	fp_db_close(b);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_gzip_file)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_opts opts = { .max_errors = 5 };
	struct fp_ingest_stats st;
	struct fp_err err;
	char *text = small_capture(), *gz;
	size_t gz_len;
	gzFile f;
	const char *path = tmp_path("cap.jsonl.gz");

	/* The real gzipped node file. */
	ck_assert_int_eq(ingest(db, &opts, fp_testdata("demo/hubble-ip-10-0-3-41.jsonl.gz"), &st,
				&err),
			 0);
	ck_assert_uint_gt(st.records, 500);
	ck_assert_uint_eq(st.rejected, 0);
	/* A gzip file cut short keeps the lines before the cut, and says so. */
	f = gzopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(gzputs(f, text), (int)strlen(text));
	ck_assert_int_eq(gzclose(f), Z_OK);
	gz = fp_read_file(path, &gz_len);
	{
		FILE *out = fopen(path, "wb");

		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(fwrite(gz, 1, gz_len - 8, out), gz_len - 8);
		ck_assert_int_eq(fclose(out), 0);
	}
	ck_assert_int_eq(ingest(db, &opts, path, &st, &err), 0);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(st.rejected, 1);
	ck_assert_int_eq(fp_test_query(db, "SELECT line FROM rejects r JOIN sources s ON "
					   "s.id = r.source WHERE s.path LIKE '%cap.jsonl.gz'"),
			 9);
	free(gz);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_ingest_stats_empty)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_stats s;
	struct fp_err err;

	ck_assert_int_eq(fp_stats_collect(&s, db, &err), 0);
	ck_assert_uint_eq(s.sources, 0);
	ck_assert_uint_eq(s.tuples, 0);
	ck_assert_uint_eq(s.records, 0);
	ck_assert_int_gt(s.first, s.last);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc = tcase_create("file");

	/* The spill cases read 10000 lines twice: slow under sanitizers. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ingest_counts);
	tcase_add_test(tc, test_ingest_duplicates);
	tcase_add_test(tc, test_ingest_rejects_lines);
	tcase_add_test(tc, test_ingest_error_budget);
	tcase_add_test(tc, test_ingest_unknown_format);
	tcase_add_test(tc, test_ingest_detects_pretty_json);
	tcase_add_test(tc, test_ingest_spills_to_staging);
	tcase_add_test(tc, test_ingest_budget_after_spill);
	tcase_add_test(tc, test_ingest_spill_survives_cleanup);
	tcase_add_test(tc, test_ingest_drops_orphans);
	tcase_add_test(tc, test_ingest_line_order_does_not_matter);
	tcase_add_test(tc, test_ingest_gzip_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats");
	tcase_add_test(tc, test_ingest_stats_empty);
	suite_add_tcase(s, tc);
	return s;
}
