/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fp-check.h - shared helpers for the Check suites.
 *
 * Each tests/test-<module>.c defines fp_test_suite(); fp-check.c runs it.
 */
#ifndef FP_CHECK_H
#define FP_CHECK_H

#include <check.h>

#include "lib/err.h"

Suite *fp_test_suite(void);

/* Path of a file under testdata/ (FP_TESTDATA); static buffer. */
const char *fp_testdata(const char *rel);

/* A fresh temporary directory for one test; removed by fp_tmpdir_cleanup(). */
const char *fp_tmpdir(void);
void fp_tmpdir_cleanup(void);

/* Write @text to @dir/@name and return the path (static buffer). */
const char *fp_write_file(const char *dir, const char *name, const char *text);

/* Assert the whole error record, as jansson's check_error() does. */
#define fp_assert_err(e, c, src, ln, col, txt)                 \
	do {                                                   \
		ck_assert_int_eq((e)->code, (c));              \
		ck_assert_str_eq((e)->source, (src));          \
		ck_assert_int_eq((e)->line, (ln));             \
		ck_assert_int_eq((e)->column, (col));          \
		ck_assert_str_eq((e)->text, (txt));            \
	} while (0)

#endif
