/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baseline.c - --baseline DIR for 'generate' and 'run': the policies
 * merged last time, read before anything is written (DIR may be the output
 * directory itself, as in a checkout of the policy repository), and the
 * changes in meaning since, for the top of REVIEW.md and for --json.
 *
 * Re-running a week in place must not change a byte.  The second run's
 * baseline is then the first run's output, and a fresh comparison would say
 * "no change" where the first said what changed since the merged policies.
 * So when DIR is the output directory, its REVIEW.md is of the same window,
 * and the policies written are exactly those an earlier run of that window
 * wrote (same digest in the run record), the changes section of that
 * REVIEW.md is kept as it was.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/baseline.h"
#include "lib/diff.h"
#include "lib/input.h"
#include "lib/util-time.h"

#define CHANGES_HEAD "## Changes since the baseline\n"
#define CHANGES_END "## This window\n\n"
#define REVIEW_MAX (64u << 20)

static void
on_note(void *ud, const struct fp_err *note)
{
	char buf[600];

	(void)ud;
	if (note->code != FP_OK)
		fprintf(stderr, "%s (not compared)\n", fp_err_format(buf, sizeof(buf), note));
}

static int
load_set(struct fp_netpol_set **out, const char *dir, struct fp_err *err)
{
	int r = fp_netpol_set_new(out, err);

	if (r == 0)
		r = fp_netpol_load_path(*out, dir, on_note, NULL, err);
	return r;
}

static bool
same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) != NULL && realpath(b, rb) != NULL && strcmp(ra, rb) == 0;
}

/* The output directory's REVIEW.md, when there is one; missing is no error. */
static void
read_review(struct fp_baseline *b, const char *dir)
{
	struct fp_input *in = NULL;
	struct fp_err err = { 0 };
	char path[4096];
	FILE *probe;

	if ((size_t)snprintf(path, sizeof(path), "%s/REVIEW.md", dir) >= sizeof(path))
		return;
	probe = fopen(path, "rb");
	if (probe == NULL)
		return;
	fclose(probe);
	if (fp_input_open(&in, path, &err) == 0 &&
	    fp_input_read_all(in, &b->review, REVIEW_MAX, &err) == 0)
		b->have_review = true;
	fp_input_close(in);
}

int
fp_baseline_open(struct fp_baseline *b, const char *dir, const char *out_dir, struct fp_err *err)
{
	memset(b, 0, sizeof(*b));
	fp_buf_init(&b->md);
	fp_buf_init(&b->json);
	fp_buf_init(&b->review);
	if (same_dir(dir, out_dir))
		read_review(b, dir);
	return load_set(&b->old, dir, err);
}

/* The changes section of the old REVIEW.md, if it is of @es's window. */
static bool
old_section(const struct fp_baseline *b, const struct fp_edgeset *es, const char **s,
	    size_t *len)
{
	char a[FP_TIME_BUFSZ], z[FP_TIME_BUFSZ], line[128];
	const char *text = fp_buf_str(&b->review), *head, *end;

	if (!b->have_review)
		return false;
	snprintf(line, sizeof(line), "\nWindow: %s to %s ", fp_time_format(a, es->since),
		 fp_time_format(z, es->until));
	head = strstr(text, "\n" CHANGES_HEAD);
	if (strstr(text, line) == NULL || head == NULL)
		return false;
	end = strstr(head, "\n" CHANGES_END);
	if (end == NULL)
		return false;
	*s = head + 1;
	*len = (size_t)(end + 1 - (head + 1));
	return true;
}

/* Did an earlier run of this window write exactly these policies? */
static bool
written_before(struct fp_db *db, const struct fp_edgeset *es, uint64_t digest)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_err err = { 0 };
	char hex[32];

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)digest);
	if (fp_db_prepare(db, &st,
			  "SELECT 1 FROM runs WHERE since = ? AND until = ? AND output_digest = ? "
			  "AND id <> ?",
			  &err) < 0)
		return false;
	sqlite3_bind_int64(st, 1, es->since);
	sqlite3_bind_int64(st, 2, es->until);
	sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, es->run);
	return fp_db_step(db, st, &err) == SQLITE_ROW;
}

int
fp_baseline_compare(struct fp_baseline *b, const struct fp_edgeset *es, struct fp_db *db,
		    uint64_t digest, const char *out_dir, struct fp_err *err)
{
	struct fp_netpol_set *new = NULL;
	struct fp_diff_result *res = NULL;
	const char *kept;
	size_t kept_len;
	int r;

	r = load_set(&new, out_dir, err);
	if (r == 0)
		r = fp_diff_sets(&res, b->old, new, es, err);
	if (r == 0) {
		b->changed = res->changed;
		if (old_section(b, es, &kept, &kept_len) && written_before(db, es, digest))
			r = fp_buf_add(&b->md, kept, kept_len);
		else
			r = fp_diff_render_markdown(&b->md, res);
		if (r == 0)
			r = fp_buf_adds(&b->md, CHANGES_END);
		if (r == 0)
			r = fp_diff_render_json(&b->json, res);
		if (r < 0)
			r = fp_err_nomem(err);
	}
	fp_diff_result_free(res);
	fp_netpol_set_free(new);
	return r;
}

void
fp_baseline_close(struct fp_baseline *b)
{
	fp_netpol_set_free(b->old);
	fp_buf_done(&b->md);
	fp_buf_done(&b->json);
	fp_buf_done(&b->review);
}
