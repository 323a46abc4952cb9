/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ingest-docs.c - flow logs handed over as JSON documents rather than
 * JSON lines (gcloud's pretty-printed array, `jq .`, `jq -s -c`) store the
 * same flows and reject the same records, at the lines they start on, with
 * any chunk size and thread count.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ingest.h"
#include "tests/fp-check.h"

struct outcome {
	char *flows;
	char *rejects; /* "line: text\n" */
	const char *format;
	uint64_t rejected;
};

static void
on_reject(void *userdata, const struct fp_err *e)
{
	fp_buf_printf(userdata, "%ld: %s\n", e->line, e->text);
}

static struct outcome
ingest(const char *name, const char *text, size_t threads, size_t chunk)
{
	struct fp_buf rejects;
	struct fp_ingest_opts opts = { .max_errors = 1000, .threads = threads, .chunk = chunk,
				       .on_reject = on_reject, .userdata = &rejects };
	struct fp_db *db = fp_test_db("t.db");
	struct fp_ingest *ing = NULL;
	struct fp_ingest_stats st;
	struct fp_err err = { 0 };
	struct outcome o;
	char path[4096];

	fp_buf_init(&rejects);
	fp_buf_adds(&rejects, "");
	snprintf(path, sizeof(path), "%s", fp_write_file(fp_tmpdir(), name, text));
	ck_assert_int_eq(fp_ingest_new(&ing, db, &opts, &err), 0);
	ck_assert_msg(fp_ingest_file(ing, &st, path, &err) == 0, "%s: %s", name, err.text);
	fp_ingest_free(ing);
	o.flows = fp_test_rows(db, FP_TEST_FLOWS_SQL);
	o.rejects = fp_buf_steal(&rejects);
	o.format = st.format;
	o.rejected = st.rejected;
	fp_db_close(db);
	snprintf(path, sizeof(path), "%s/t.db", fp_tmpdir());
	unlink(path);
	return o;
}

enum form { ARRAY, COMPACT, PRETTY };

/*
 * @lines (JSON lines) as a document: an array of one record per line, the
 * array on one line, or each object over many lines.  *@starts gets, per
 * record, the line it starts on in the document.
 */
static char *
as_document(const char *lines, enum form form, long *starts, size_t max)
{
	struct fp_buf b;
	long line = 1;
	size_t k = 0;

	fp_buf_init(&b);
	if (form != PRETTY) {
		fp_buf_adds(&b, form == ARRAY ? "[\n" : "[");
		line += form == ARRAY;
	}
	for (const char *p = lines; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len > 0 && k < max)
			starts[k++] = line;
		if (len > 0 && form == PRETTY) {
			/* a line break after "{" and before each member */
			for (size_t i = 0; i < len; i++) {
				fp_buf_addc(&b, p[i]);
				if (p[i] == '{' && i == 0) {
					fp_buf_adds(&b, "\n  ");
					line++;
				} else if (p[i] == ',' && i + 1 < len && p[i + 1] == '"') {
					fp_buf_adds(&b, "\n  ");
					line++;
				}
			}
			fp_buf_addc(&b, '\n');
			line++;
		} else if (len > 0) {
			if (b.len > 2)
				fp_buf_adds(&b, form == ARRAY ? ",\n" : ",");
			line += form == ARRAY && b.len > 2;
			fp_buf_add(&b, p, len);
		}
		p += len + (nl != NULL);
	}
	if (form != PRETTY)
		fp_buf_adds(&b, form == ARRAY ? "\n]\n" : "]\n");
	return fp_buf_steal(&b);
}

START_TEST(test_docs_same_flows)
{
	static const char *const samples[] = {
		"demo/hubble-ip-10-0-1-17.jsonl", "gke/policy_action.log",
		"eks/network-policy-agent.log",   "theia/flows.jsonl",
		"native/flows.jsonl",             "calico/calico-flows.log",
		"scenario/calico.jsonl",
	};
	static const char *const forms[] = { "array", "compact", "pretty" };

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char *lines = fp_read_file(fp_testdata(samples[i]), NULL);
		struct outcome want = ingest("lines.jsonl", lines, 1, 0);

		ck_assert_ptr_nonnull(want.format);
		for (int f = ARRAY; f <= PRETTY; f++) {
			long starts[4096];
			char *doc = as_document(lines, f, starts, 4096);

			for (int t = 0; t < 2; t++) {
				struct outcome got = ingest("doc.json", doc, t ? 3 : 1, t ? 512 : 0);

				ck_assert_msg(got.format != NULL && strcmp(got.format, want.format) == 0,
					      "%s as %s: format %s", samples[i], forms[f],
					      got.format ? got.format : "none");
				ck_assert_msg(strcmp(got.flows, want.flows) == 0,
					      "%s as %s: other flows", samples[i], forms[f]);
				ck_assert_msg(got.rejected == want.rejected, "%s as %s: %s",
					      samples[i], forms[f], got.rejects);
				free(got.flows);
				free(got.rejects);
			}
			free(doc);
		}
		free(want.flows);
		free(want.rejects);
		free(lines);
	}
	fp_tmpdir_cleanup();
}
END_TEST

/* A bad record in a document is reported at the line it starts on. */
START_TEST(test_docs_reject_lines)
{
	char *lines = fp_read_file(fp_testdata("eks/network-policy-agent.log"), NULL);
	struct outcome lo = ingest("lines.jsonl", lines, 1, 0);
	long starts[64];
	char *doc = as_document(lines, ARRAY, starts, 64);
	struct outcome got = ingest("doc.json", doc, 1, 0);
	long bad = strtol(lo.rejects, NULL, 10);
	char want[256];

	ck_assert_int_gt(bad, 0);
	ck_assert_uint_eq(got.rejected, 1);
	/* the same message, at the document's line for that record */
	snprintf(want, sizeof(want), "%ld%s", starts[bad - 1], strchr(lo.rejects, ':'));
	ck_assert_str_eq(got.rejects, want);
	free(lo.flows);
	free(lo.rejects);
	free(got.flows);
	free(got.rejects);
	free(doc);
	free(lines);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("ingest-docs");
	TCase *tc = tcase_create("fp_ingest_file");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_docs_same_flows);
	tcase_add_test(tc, test_docs_reject_lines);
	suite_add_tcase(s, tc);
	return s;
}
