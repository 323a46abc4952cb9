/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-err.c - the error record: the first error wins, and how it reads.
 */
#include "config.h"

#include <string.h>

#include "lib/err.h"
#include "tests/fp-check.h"

START_TEST(test_err_first_wins)
{
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_err_set(&err, FP_EINPUT, "flows.jsonl", 42, 17,
				    "\"%s\": expected integer, got %s", "destination.port", "string"),
			 FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "flows.jsonl", 42, 17,
		      "\"destination.port\": expected integer, got string");
	/* A later error explains less: it is dropped, but its code is returned. */
	ck_assert_int_eq(fp_err_set(&err, FP_EDB, "flowpol.db", 0, 0, "disk full"), FP_EDB);
	fp_assert_err(&err, FP_EINPUT, "flows.jsonl", 42, 17,
		      "\"destination.port\": expected integer, got string");
	fp_err_clear(&err);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert_str_eq(err.text, "");
	ck_assert_int_eq(fp_err_nomem(&err), FP_ENOMEM);
	fp_assert_err(&err, FP_ENOMEM, "", 0, 0, "out of memory");
	/* No record: only the code comes back. */
	ck_assert_int_eq(fp_err_set(NULL, FP_EIO, "x", 1, 1, "y"), FP_EIO);
	ck_assert_int_eq(fp_err_nomem(NULL), FP_ENOMEM);
	fp_err_clear(NULL);
}
END_TEST

START_TEST(test_err_truncates_long_text)
{
	struct fp_err err = { 0 };
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fp_err_set(&err, FP_EINPUT, big, 1, 0, "%s", big);
	ck_assert_uint_eq(strlen(err.source), sizeof(err.source) - 1);
	ck_assert_uint_eq(strlen(err.text), sizeof(err.text) - 1);
}
END_TEST

START_TEST(test_err_format)
{
	struct fp_err err = { 0 };
	char buf[600];

	fp_err_set(&err, FP_EINPUT, "flows.jsonl", 42, 17, "bad port");
	ck_assert_str_eq(fp_err_format(buf, sizeof(buf), &err), "flows.jsonl:42:17: bad port");
	fp_err_clear(&err);
	fp_err_set(&err, FP_EINPUT, "flows.jsonl", 42, 0, "bad line");
	ck_assert_str_eq(fp_err_format(buf, sizeof(buf), &err), "flows.jsonl:42: bad line");
	fp_err_clear(&err);
	fp_err_set(&err, FP_EDB, "flowpol.db", 0, 0, "database is read-only");
	ck_assert_str_eq(fp_err_format(buf, sizeof(buf), &err), "flowpol.db: database is read-only");
	fp_err_clear(&err);
	fp_err_set(&err, FP_EUSAGE, NULL, 0, 0, "the window ends before it starts");
	ck_assert_str_eq(fp_err_format(buf, sizeof(buf), &err), "the window ends before it starts");
	/* A small buffer gets a terminated prefix. */
	ck_assert_str_eq(fp_err_format(buf, 8, &err), "the win");
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("set");

	tcase_add_test(tc, test_err_first_wins);
	tcase_add_test(tc, test_err_truncates_long_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_err_format);
	suite_add_tcase(s, tc);
	return s;
}
