/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-test.h - what the reader suites share: parse lines the way ingest
 * does (one file state, one arena reset per line) and look at the result
 * after normalization, as it would be stored.
 */
#ifndef FP_READER_TEST_H
#define FP_READER_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/endpoint.h"
#include "lib/reader.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"
#include "tests/fp-check.h"

struct rt {
	const struct fp_reader *rd;
	void *state;
	struct fp_arena arena;
	struct fp_flow flow;
	enum fp_skip skip;
	struct fp_err err;
	char key[2][1024]; /* canonical keys of src and dst after normalization */
};

static inline void
rt_init(struct rt *t, const struct fp_reader *rd)
{
	memset(t, 0, sizeof(*t));
	t->rd = rd;
	fp_arena_init(&t->arena);
	if (rd->state_new != NULL) {
		t->state = rd->state_new();
		ck_assert_ptr_nonnull(t->state);
	}
}

static inline void
rt_done(struct rt *t)
{
	if (t->rd->state_free != NULL)
		t->rd->state_free(t->state);
	fp_arena_done(&t->arena);
}

/* Parse one line; on a flow, normalize it and fill t->key. */
static inline int
rt_parse(struct rt *t, const char *line)
{
	int r;

	fp_arena_reset(&t->arena);
	memset(&t->err, 0, sizeof(t->err));
	t->key[0][0] = t->key[1][0] = '\0';
	r = t->rd->parse(t->state, &t->flow, &t->skip, &t->arena, line, strlen(line),
			 &t->err);
	if (r == FP_READ_FLOW) {
		struct fp_buf b;

		ck_assert_int_eq(fp_endpoint_normalize(&t->flow.src, &t->arena, &t->err),
				 0);
		ck_assert_int_eq(fp_endpoint_normalize(&t->flow.dst, &t->arena, &t->err),
				 0);
		fp_buf_init(&b);
		ck_assert_int_eq(fp_endpoint_key(&b, &t->flow.src), 0);
		snprintf(t->key[0], sizeof(t->key[0]), "%s", fp_buf_str(&b));
		fp_buf_reset(&b);
		ck_assert_int_eq(fp_endpoint_key(&b, &t->flow.dst), 0);
		snprintf(t->key[1], sizeof(t->key[1]), "%s", fp_buf_str(&b));
		fp_buf_done(&b);
	}
	return r;
}

struct rt_counts {
	int flows, skipped, rejected;
	long last_reject_line; /* 1-based line of the last reject */
	char last_reject[256]; /* its text */
};

/*
 * Feed every line of testdata file @rel to the reader, as ingest does
 * (blank lines are not passed), then call finish().  The last flow stays in
 * t->flow, normalized.
 */
static inline struct rt_counts
rt_file(struct rt *t, const char *rel)
{
	struct rt_counts c = { 0 };
	FILE *f = fopen(fp_testdata(rel), "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	ck_assert_ptr_nonnull(f);
	while ((n = getline(&line, &cap, f)) >= 0) {
		int r;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (strspn(line, " \t") == (size_t)n)
			continue;
		r = rt_parse(t, line);
		if (r == FP_READ_FLOW) {
			c.flows++;
		} else if (r == FP_READ_SKIP) {
			c.skipped++;
		} else {
			c.rejected++;
			c.last_reject_line = lineno;
			snprintf(c.last_reject, sizeof(c.last_reject), "%s", t->err.text);
		}
	}
	if (t->rd->finish != NULL && t->rd->finish(t->state, &t->err) < 0) {
		c.rejected++;
		c.last_reject_line = lineno;
		snprintf(c.last_reject, sizeof(c.last_reject), "%s", t->err.text);
	}
	free(line);
	fclose(f);
	return c;
}

/* Assert that @line is rejected with exactly @text (and @column). */
#define rt_rejects(t, line_, col_, text_)                                                \
	do {                                                                             \
		ck_assert_int_eq(rt_parse((t), (line_)), FP_EINPUT);                     \
		ck_assert_int_eq((t)->err.code, FP_EINPUT);                              \
		ck_assert_str_eq((t)->err.text, (text_));                                \
		ck_assert_int_eq((t)->err.column, (col_));                               \
	} while (0)

/* Assert that @line is a flow between endpoints with keys @src and @dst. */
#define rt_flow(t, line_, src_, dst_)                                                    \
	do {                                                                             \
		int r_ = rt_parse((t), (line_));                                         \
		if (r_ != FP_READ_FLOW)                                                  \
			ck_abort_msg("not a flow (%d): %s", r_, (t)->err.text);          \
		ck_assert_str_eq((t)->key[0], (src_));                                   \
		ck_assert_str_eq((t)->key[1], (dst_));                                   \
	} while (0)

/* Assert that @line is skipped for @why. */
#define rt_skips(t, line_, why_)                                                         \
	do {                                                                             \
		int r_ = rt_parse((t), (line_));                                         \
		if (r_ != FP_READ_SKIP)                                                  \
			ck_abort_msg("not skipped (%d): %s", r_, (t)->err.text);         \
		ck_assert_int_eq((t)->skip, (why_));                                     \
	} while (0)

#endif
