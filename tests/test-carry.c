/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-carry.c - unchanged policies keep the baseline's bytes; changed
 * ones, and everything outside the annotations, never do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/carry.h"
#include "tests/fp-check.h"

#define DOC(name, window, port)                                                  \
	"---\n"                                                                  \
	"apiVersion: networking.k8s.io/v1\n"                                     \
	"kind: NetworkPolicy\n"                                                  \
	"metadata:\n"                                                            \
	"  name: " name "\n"                                                     \
	"  namespace: shop\n"                                                    \
	"  annotations:\n"                                                       \
	"    flowpol/window: \"" window "\"\n"                                   \
	"spec:\n"                                                                \
	"  ingress:\n"                                                           \
	"  - ports:\n"                                                           \
	"    - port: " port "\n"

static char *
carry(const char *text, const char *base)
{
	struct fp_buf out;

	fp_buf_init(&out);
	ck_assert_int_eq(fp_carry_documents(&out, text, strlen(text), base,
					    base != NULL ? strlen(base) : 0),
			 0);
	fp_buf_adds(&out, "");
	return fp_buf_steal(&out);
}

START_TEST(test_carry_keeps_unchanged)
{
	const char *base = DOC("allow-api", "W1", "8080") DOC("allow-db", "W1", "5432");
	const char *now = DOC("allow-api", "W2", "8080") DOC("allow-db", "W2", "5433");
	char *got = carry(now, base);

	/* allow-api kept W1; allow-db changed its port and says W2 */
	ck_assert_str_eq(got, DOC("allow-api", "W1", "8080") DOC("allow-db", "W2", "5433"));
	free(got);
}
END_TEST

START_TEST(test_carry_order_and_absence)
{
	/* The baseline's order does not matter; a missing baseline changes nothing. */
	const char *base = DOC("allow-db", "W1", "5432") DOC("allow-api", "W1", "8080");
	const char *now = DOC("allow-api", "W2", "8080") DOC("allow-db", "W2", "5432");
	char *got = carry(now, base);

	ck_assert_str_eq(got, DOC("allow-api", "W1", "8080") DOC("allow-db", "W1", "5432"));
	free(got);
	got = carry(now, NULL);
	ck_assert_str_eq(got, now);
	free(got);
}
END_TEST

START_TEST(test_carry_annotations_only)
{
	/* A difference under another key, even one indented like annotations,
	 * is a change; so is a name. */
	const char *base = DOC("allow-api", "W1", "8080");
	char *got = carry(DOC("allow-web", "W2", "8080"), base);

	ck_assert_str_eq(got, DOC("allow-web", "W2", "8080"));
	free(got);
	got = carry("---\nmetadata:\n  labels:\n    a: b\n", "---\nmetadata:\n  labels:\n    a: c\n");
	ck_assert_str_eq(got, "---\nmetadata:\n  labels:\n    a: b\n");
	free(got);
	/* Truncated baseline: no match, no crash. */
	got = carry(DOC("allow-api", "W2", "8080"), "---\nmetadata:\n  annotations:\n");
	ck_assert_str_eq(got, DOC("allow-api", "W2", "8080"));
	free(got);
}
END_TEST

START_TEST(test_carry_file)
{
	const char *dir = fp_tmpdir();
	struct fp_buf text;
	struct fp_err err = { 0 };

	fp_write_file(dir, "shop.yaml", DOC("allow-api", "W1", "8080"));
	fp_buf_init(&text);
	fp_buf_adds(&text, DOC("allow-api", "W2", "8080"));
	ck_assert_int_eq(fp_carry_file(&text, dir, "shop.yaml", &err), 0);
	ck_assert_str_eq(fp_buf_str(&text), DOC("allow-api", "W1", "8080"));
	/* no baseline file for this namespace: unchanged */
	ck_assert_int_eq(fp_carry_file(&text, dir, "other.yaml", &err), 0);
	ck_assert_str_eq(fp_buf_str(&text), DOC("allow-api", "W1", "8080"));
	fp_buf_done(&text);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("carry");
	TCase *tc = tcase_create("carry");

	tcase_add_test(tc, test_carry_keeps_unchanged);
	tcase_add_test(tc, test_carry_order_and_absence);
	tcase_add_test(tc, test_carry_annotations_only);
	tcase_add_test(tc, test_carry_file);
	suite_add_tcase(s, tc);
	return s;
}
