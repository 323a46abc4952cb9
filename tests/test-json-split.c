/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-json-split.c - documents over many lines, or many records on one,
 * cut into the records a reader of single lines is given.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/input.h"
#include "lib/json-split.h"
#include "tests/fp-check.h"

/* Every record as "line:text|", line breaks shown as "~". */
static int
collect(void *ctx, const char *text, size_t len, long line)
{
	struct fp_buf *out = ctx;

	if (text == NULL)
		return fp_buf_printf(out, "%ld:<%zu bytes>|", line, len);
	fp_buf_printf(out, "%ld:", line);
	for (size_t i = 0; i < len; i++)
		fp_buf_addc(out, text[i] == '\n' ? '~' : text[i]);
	return fp_buf_addc(out, '|');
}

/* @doc fed line by line; the records, and how many each line ended. */
static char *
split(const char *doc, char *ends, size_t ends_size)
{
	struct fp_jsplit s;
	struct fp_buf out;
	long lineno = 0;
	size_t k = 0;

	fp_jsplit_init(&s);
	fp_buf_init(&out);
	fp_buf_adds(&out, "");
	for (const char *p = doc; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		int n = fp_jsplit_feed(&s, p, len, ++lineno, collect, &out);

		ck_assert_int_ge(n, 0);
		if (k + 1 < ends_size)
			ends[k++] = (char)('0' + n);
		p += len + (nl != NULL);
	}
	ends[k] = '\0';
	if (fp_jsplit_finish(&s, collect, &out) == 1)
		fp_buf_adds(&out, "(open)");
	fp_jsplit_done(&s);
	return fp_buf_steal(&out);
}

static void
check(const char *doc, const char *want, const char *want_ends)
{
	char ends[64];
	char *got = split(doc, ends, sizeof(ends));

	ck_assert_str_eq(got, want);
	ck_assert_str_eq(ends, want_ends);
	free(got);
}

START_TEST(test_jsplit_opens)
{
	ck_assert(fp_jsplit_opens("[", 1));
	ck_assert(fp_jsplit_opens("  {  \r", 6));
	ck_assert(fp_jsplit_opens("[{\"a\":1},{\"a\":2}]", 17));
	ck_assert(!fp_jsplit_opens("{\"a\":1}", 7));
	ck_assert(!fp_jsplit_opens("", 0));
	ck_assert(!fp_jsplit_opens("   ", 3));
	ck_assert(!fp_jsplit_opens("a,b,c", 5));
}
END_TEST

START_TEST(test_jsplit_array_pretty)
{
	/* gcloud logging read --format=json */
	check("[\n  {\n    \"a\": 1,\n    \"b\": [2, 3]\n  },\n  {\n    \"a\": 4\n  }\n]\n",
	      "2:{~    \"a\": 1,~    \"b\": [2, 3]~  }|6:{~    \"a\": 4~  }|", "000010010");
}
END_TEST

START_TEST(test_jsplit_array_compact)
{
	/* jq -s -c: many records on one line, brackets and quotes in strings */
	check("[{\"a\":\"]}\"},{\"b\":\"\\\"{\"} , {\"c\":[{}]}]",
	      "1:{\"a\":\"]}\"}|1:{\"b\":\"\\\"{\"}|1:{\"c\":[{}]}|", "3");
}
END_TEST

START_TEST(test_jsplit_stream_of_objects)
{
	/* jq . : objects over many lines, one after the other */
	check("{\n  \"a\": 1\n}\n{\n  \"b\": {\n    \"c\": 2\n  }\n}\n",
	      "1:{~  \"a\": 1~}|4:{~  \"b\": {~    \"c\": 2~  }~}|", "00100001");
}
END_TEST

START_TEST(test_jsplit_not_objects)
{
	/* scalars in an array, and garbage after it: records the reader
	 * rejects, each at its line */
	check("[1, \"x\",\n null]\ngarbage here\n{\"a\":1}\n",
	      "1:1|1:\"x\"|2:null|3:garbage here|4:{\"a\":1}|", "2111");
}
END_TEST

START_TEST(test_jsplit_cut_off)
{
	/* the file ends inside a record: given as it is, for the reader to
	 * reject; a string does not run on over a line break, so the first
	 * record still ends where its brace does */
	check("[\n {\"a\": \"open\n }, {\"b\": 1\n", "2:{\"a\": \"open~ }|3:{\"b\": 1~|(open)", "001");
}
END_TEST

START_TEST(test_jsplit_too_long)
{
	size_t n = FP_INPUT_MAX_LINE + 10;
	char *doc = malloc(n + 32);
	char want[64], ends[8];
	char *got;

	ck_assert_ptr_nonnull(doc);
	/* one record over two lines, longer than any flow, given by its size
	 * only; then a short one */
	strcpy(doc, "[{\"a\":\"");
	memset(doc + 7, 'x', n);
	strcpy(doc + 7 + n, "\"\n},{\"b\":1}]");
	got = split(doc, ends, sizeof(ends));
	snprintf(want, sizeof(want), "1:<%zu bytes>|2:{\"b\":1}|", n + 9);
	ck_assert_str_eq(got, want);
	ck_assert_str_eq(ends, "02");
	free(got);
	free(doc);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("json-split");
	TCase *tc = tcase_create("fp_jsplit");

	tcase_add_test(tc, test_jsplit_opens);
	tcase_add_test(tc, test_jsplit_array_pretty);
	tcase_add_test(tc, test_jsplit_array_compact);
	tcase_add_test(tc, test_jsplit_stream_of_objects);
	tcase_add_test(tc, test_jsplit_not_objects);
	tcase_add_test(tc, test_jsplit_cut_off);
	tcase_add_test(tc, test_jsplit_too_long);
	suite_add_tcase(s, tc);
	return s;
}
