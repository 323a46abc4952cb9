/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ingest-resume.c - a log ingested, then ingested again after lines
 * were appended to it, ends in the database the whole file ingested once
 * would have made: the lines counted the first time are not counted again,
 * and a line the first read caught half written is read whole.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ingest.h"
#include "tests/fp-check.h"

#define TOTALS_SQL                                                                         \
	"SELECT total(records) || '/' || total(connections) || '/' || total(bytes) FROM sources"

static int
ingest(struct fp_db *db, const char *path, struct fp_ingest_stats *stats)
{
	struct fp_ingest_opts opts = { .max_errors = 100, .chunk = 4096, .threads = 2 };
	struct fp_ingest *ing = NULL;
	struct fp_err err;
	int r;

	fp_err_clear(&err);
	ck_assert_int_eq(fp_ingest_new(&ing, db, &opts, &err), 0);
	r = fp_ingest_file(ing, stats, path, &err);
	fp_ingest_free(ing);
	return r;
}

/* @text written as @name: first its first @cut bytes, then the whole. */
static void
grow(struct fp_db *db, const char *name, const char *text, size_t cut,
     struct fp_ingest_stats *first, struct fp_ingest_stats *second)
{
	char *head = strndup(text, cut);
	const char *path;

	ck_assert_ptr_nonnull(head);
	path = fp_write_file(fp_tmpdir(), name, head);
	ck_assert_int_eq(ingest(db, path, first), 0);
	path = fp_write_file(fp_tmpdir(), name, text);
	ck_assert_int_eq(ingest(db, path, second), 0);
	free(head);
}

/* The database of @text ingested whole, compared with @db's. */
static void
assert_same_as_whole(struct fp_db *db, const char *text)
{
	struct fp_db *whole = fp_test_db("whole.db");
	struct fp_ingest_stats st;
	char *a, *b;

	ck_assert_int_eq(ingest(whole, fp_write_file(fp_tmpdir(), "whole.log", text), &st), 0);
	a = fp_test_rows(db, FP_TEST_FLOWS_SQL);
	b = fp_test_rows(whole, FP_TEST_FLOWS_SQL);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	a = fp_test_rows(db, TOTALS_SQL);
	b = fp_test_rows(whole, TOTALS_SQL);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	fp_db_close(whole);
}

START_TEST(test_resume_after_whole_lines)
{
	char *text = fp_read_file(fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"), NULL);
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_stats a, b, c;
	const char *cut = text;

	for (int i = 0; i < 300; i++)
		cut = strchr(cut, '\n') + 1;
	grow(db, "hubble.jsonl", text, (size_t)(cut - text), &a, &b);
	ck_assert_uint_eq(a.lines, 300);
	/* both start with the same 4 KiB, the key of a log that may grow */
	ck_assert_int_eq(fp_test_query(db, "SELECT count(DISTINCT head) FROM sources "
					   "WHERE head LIKE '%-4096'"),
			 1);
	ck_assert_uint_eq(b.resumed_lines, 300);
	ck_assert_uint_eq(b.resumed_bytes, (uint64_t)(cut - text));
	ck_assert_ptr_nonnull(strstr(b.resumed_of, "/hubble.jsonl"));
	ck_assert_uint_eq(b.lines + a.lines, 1277);
	ck_assert_uint_eq(b.bytes + a.bytes, strlen(text));
	ck_assert_uint_eq(b.records + a.records, 749);
	/* the grown file again: a duplicate, nothing more */
	ck_assert_int_eq(ingest(db, fp_write_file(fp_tmpdir(), "hubble.jsonl", text), &c), 0);
	ck_assert(c.duplicate);
	assert_same_as_whole(db, text);
	fp_db_close(db);
	free(text);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_resume_inside_a_line)
{
	char *text = fp_read_file(fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"), NULL);
	const char *nl = text;

	for (int i = 0; i < 80; i++)
		nl = strchr(nl, '\n') + 1;
	/* cut in the middle of line 81, and just before its newline */
	for (size_t back = 1; back <= 2; back++) {
		struct fp_db *db = fp_test_db(back == 1 ? "a.db" : "b.db");
		struct fp_ingest_stats a, b;
		size_t end = (size_t)(strchr(nl, '\n') - text);
		size_t cut = back == 1 ? end : (size_t)(nl - text) + (end - (size_t)(nl - text)) / 2;

		grow(db, "grow.jsonl", text, cut, &a, &b);
		ck_assert_uint_eq(a.lines, 81);
		if (back == 1) {
			/* whole but for its newline: counted then, not now */
			ck_assert_uint_eq(a.rejected, 0);
			ck_assert_uint_eq(b.resumed_lines, 81);
		} else {
			/* half a line: rejected then, read whole now */
			ck_assert_uint_eq(a.rejected, 1);
			ck_assert_uint_eq(b.resumed_lines, 80);
		}
		ck_assert_uint_eq(b.rejected, 0);
		assert_same_as_whole(db, text);
		fp_db_close(db);
	}
	free(text);
	fp_tmpdir_cleanup();
}
END_TEST

/*
 * A format whose lines need the ones before (a CSV header, VPC's format
 * line) still reads the new lines with the columns the header named.
 */
START_TEST(test_resume_keeps_reader_state)
{
	static const char *const files[] = { "native/flows.csv", "theia/flows.csv",
					     "vpc/vpc-flow-custom-v5-traffic-path.log" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *one = fp_read_file(fp_testdata(files[i]), NULL);
		const char *body = strchr(one, '\n') + 1;
		struct fp_db *db = fp_test_db("t.db");
		struct fp_ingest_stats a, b;
		struct fp_buf text;

		/* the header, then the records three times over */
		fp_buf_init(&text);
		fp_buf_adds(&text, one);
		fp_buf_adds(&text, body);
		fp_buf_adds(&text, body);
		grow(db, "grow.log", text.data, strlen(one), &a, &b);
		ck_assert_uint_eq(b.resumed_bytes, strlen(one));
		ck_assert_msg(b.rejected == 0, "%s: %llu rejected", files[i],
			      (unsigned long long)b.rejected);
		ck_assert_uint_eq(b.records, 2 * a.records);
		assert_same_as_whole(db, text.data);
		fp_buf_done(&text);
		free(one);
		fp_db_close(db);
		fp_tmpdir_cleanup(); /* the next file gets new databases */
	}
}
END_TEST

/*
 * A JSON document that grew (objects over many lines, as jq prints them),
 * read the first time while an object was still being written: that object
 * was rejected as cut off then, and is read whole now.
 */
START_TEST(test_resume_document)
{
	char *lines = fp_read_file(fp_testdata("gke/policy_action.log"), NULL);
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_stats a, b;
	struct fp_buf doc;
	size_t cut = 0;
	int k = 0;

	/* a blank line, then each record as "{", its members, "}" */
	fp_buf_init(&doc);
	fp_buf_adds(&doc, "\n");
	for (const char *p = lines; *p != '\0'; k++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		ck_assert_int_eq(p[0], '{');
		fp_buf_adds(&doc, "{\n  ");
		if (k == 2) /* inside the third object */
			cut = doc.len;
		fp_buf_add(&doc, p + 1, len - 2);
		fp_buf_adds(&doc, "\n}\n");
		p += len + (nl != NULL);
	}
	ck_assert_int_ge(k, 3);
	grow(db, "grow.json", doc.data, cut, &a, &b);
	ck_assert_str_eq(a.format, "gke");
	ck_assert_uint_eq(a.records, 2);
	ck_assert_uint_eq(a.rejected, 1);
	/* cut inside line 9: the splitter is given all of it again */
	ck_assert_uint_eq(b.resumed_lines, 9);
	ck_assert_uint_eq(a.lines + b.lines, (uint64_t)(3 * k + 1)); /* each line once */
	ck_assert_uint_eq(b.records, (uint64_t)k - 2);
	assert_same_as_whole(db, doc.data);
	fp_buf_done(&doc);
	free(lines);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

/* @lines (JSON lines) as one JSON array: on one line, or one record a line. */
static char *
as_array(const char *lines, bool one_line)
{
	struct fp_buf b;

	fp_buf_init(&b);
	fp_buf_adds(&b, one_line ? "[" : "[\n");
	for (const char *p = lines; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (b.len > 2)
			fp_buf_adds(&b, one_line ? "," : ",\n");
		/* "{" and "}" on lines of their own, as pretty printers do */
		if (!one_line)
			fp_buf_adds(&b, "  {\n    ");
		fp_buf_add(&b, one_line ? p : p + 1, one_line ? len : len - 2);
		if (!one_line)
			fp_buf_adds(&b, "\n  }");
		p += len + (nl != NULL);
	}
	fp_buf_adds(&b, one_line ? "]\n" : "\n]\n");
	return fp_buf_steal(&b);
}

/*
 * A JSON array read while it was being written, cut anywhere (inside the
 * one line of a compact array; in the indentation before a record's
 * closing brace): the records complete then are not counted again, the one
 * left open is read whole.
 */
START_TEST(test_resume_array_cut_anywhere)
{
	char *lines = fp_read_file(fp_testdata("gke/policy_action.log"), NULL);

	for (int one_line = 0; one_line < 2; one_line++) {
		char *doc = as_array(lines, one_line);
		struct fp_db *db = fp_test_db("t.db");
		struct fp_ingest_stats a, b;
		/* the end of the second record */
		const char *end = strstr(doc, one_line ? "},{" : "\n  }");
		size_t cut;

		ck_assert_ptr_nonnull(end);
		end = strstr(end + 1, one_line ? "},{" : "\n  }");
		ck_assert_ptr_nonnull(end);
		/* one_line: inside the third record, on the array's one line;
		 * else in the indentation before the second's "}" */
		cut = (size_t)(end - doc) + (one_line ? 5 : 2);
		grow(db, "array.json", doc, cut, &a, &b);
		ck_assert_str_eq(a.format, "gke");
		ck_assert_uint_eq(a.rejected, 1);
		ck_assert_uint_eq(a.split_records, (uint64_t)(one_line ? 2 : 1));
		ck_assert_uint_eq(b.rejected, 0);
		assert_same_as_whole(db, doc);
		fp_db_close(db);
		free(doc);
		fp_tmpdir_cleanup();
	}
	free(lines);
}
END_TEST

/* Stored sources of the same size: the one the file grew from is found. */
START_TEST(test_resume_among_same_sizes)
{
	char *text = fp_read_file(fp_testdata("gke/policy_action.log"), NULL);
	char *other = strdup(text);
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_stats a, b, c;
	const char *cut = strchr(strchr(text, '\n') + 1, '\n') + 1;
	char *head;

	ck_assert_ptr_nonnull(other);
	/* the same two first lines, but for one digit */
	*strpbrk(other, "0123456789") ^= 1;
	other[cut - text] = '\0';
	ck_assert_int_eq(ingest(db, fp_write_file(fp_tmpdir(), "other.log", other), &a), 0);
	head = strndup(text, (size_t)(cut - text));
	grow(db, "grow.log", text, strlen(head), &b, &c);
	ck_assert_uint_eq(c.resumed_bytes, strlen(head));
	ck_assert_str_eq(c.resumed_of + strlen(c.resumed_of) - 9, "/grow.log");
	free(head);
	free(other);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

/*
 * A line of text cut while it was written ("...,5201,6" of "...,5201,6,...")
 * could read as another flow: it is not read until the file grows, then read
 * whole, and the earlier source no longer counts it as rejected.
 */
START_TEST(test_resume_text_cut_mid_line)
{
	static const char *const files[] = { "native/flows.csv", "theia/flows.csv",
					     "vpc/vpc-flow-default-v2.log" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text = fp_read_file(fp_testdata(files[i]), NULL);
		struct fp_db *db = fp_test_db("t.db");
		struct fp_ingest_stats a, b;
		const char *third = strchr(strchr(text, '\n') + 1, '\n') + 1;
		/* in the middle of the third line */
		size_t cut = (size_t)(third - text) + (size_t)(strchr(third, '\n') - third) / 2;

		grow(db, "cut.log", text, cut, &a, &b);
		ck_assert_uint_eq(a.rejected, 1);
		ck_assert_uint_eq(b.rejected, 0);
		ck_assert_uint_eq(b.resumed_lines, 2);
		assert_same_as_whole(db, text);
		/* each line counted once, and nothing left rejected */
		{
			long long n = 0;

			for (const char *p = text; *p != '\0'; p++)
				n += *p == '\n';
			ck_assert_int_eq(fp_test_query(db, "SELECT sum(lines) FROM sources"), n);
		}
		ck_assert_int_eq(fp_test_query(db, "SELECT sum(rejected) FROM sources"), 0);
		ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM rejects"), 0);
		free(text);
		fp_db_close(db);
		fp_tmpdir_cleanup();
	}
}
END_TEST

/* A file that only starts like a stored one is read whole. */
START_TEST(test_resume_needs_the_whole_prefix)
{
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest_stats a, b;
	char *text = fp_read_file(fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"), NULL);
	char *edited = strdup(text);
	const char *path;

	ck_assert_ptr_nonnull(edited);
	edited[strlen(text) / 2 - 1000] ^= 1; /* one bit in the first half */
	path = fp_write_file(fp_tmpdir(), "a.jsonl", text);
	ck_assert_int_eq(ingest(db, path, &a), 0);
	edited = realloc(edited, 2 * strlen(text) + 1);
	ck_assert_ptr_nonnull(edited);
	strcat(edited, text);
	path = fp_write_file(fp_tmpdir(), "b.jsonl", edited);
	ck_assert_int_eq(ingest(db, path, &b), 0);
	ck_assert_uint_eq(b.resumed_bytes, 0);
	ck_assert_uint_eq(b.lines, 2 * a.lines);
	free(edited);
	free(text);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("ingest-resume");
	TCase *tc = tcase_create("fp_ingest_file");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_resume_after_whole_lines);
	tcase_add_test(tc, test_resume_inside_a_line);
	tcase_add_test(tc, test_resume_keeps_reader_state);
	tcase_add_test(tc, test_resume_document);
	tcase_add_test(tc, test_resume_array_cut_anywhere);
	tcase_add_test(tc, test_resume_among_same_sizes);
	tcase_add_test(tc, test_resume_text_cut_mid_line);
	tcase_add_test(tc, test_resume_needs_the_whole_prefix);
	suite_add_tcase(s, tc);
	return s;
}
