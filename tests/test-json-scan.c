/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-json-scan.c - the validating scanner accepts exactly what jansson
 * accepts (json_loadb with JSON_REJECT_DUPLICATES), on the corners where a
 * hand-written parser usually differs, and its tape reads back right.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/json-scan.h"
#include "tests/fp-check.h"

struct scan_case {
	const char *text;
	size_t len; /* 0: strlen(text) */
	bool valid;
};

static const struct scan_case cases[] = {
	{ "{}", 0, true },
	{ " [ ] ", 0, true },
	{ "", 0, false },
	{ "1", 0, false },                      /* the top level is an object or an array */
	{ "\"x\"", 0, false },
	{ "{} x", 0, false },
	{ "{\"a\":1,}", 0, false },
	{ "[1,]", 0, false },
	{ "{\"a\" : [true , false , null]}", 0, true },
	{ "[truex]", 0, false },
	{ "[True]", 0, false },
	{ "[-0, 0.5, 1e5, 1E-5, -1.0e+3]", 0, true },
	{ "[01]", 0, false },
	{ "[1.]", 0, false },
	{ "[.5]", 0, false },
	{ "[1e]", 0, false },
	{ "[-]", 0, false },
	{ "[9223372036854775807, -9223372036854775808]", 0, true },
	{ "[9223372036854775808]", 0, false },   /* strtoll overflows */
	{ "[-9223372036854775809]", 0, false },
	{ "[9223372036854775808.0]", 0, true },  /* a real is fine */
	{ "[1e308]", 0, true },
	{ "[1e309]", 0, false },                 /* real overflow */
	{ "[1e-400]", 0, true },                 /* underflow is not an error */
	{ "[1\0]", 4, true },                    /* jansson loses one NUL after a number */
	{ "[true\0]", 7, true },
	{ "[1\0\0]", 5, false },
	{ "[\"a\0\"]", 6, false },
	{ "{\"a\":1}\0", 8, false },
	{ "[\"\\u0041\\n\\/\"]", 0, true },
	{ "[\"\\u0000\"]", 0, false },
	{ "[\"\\ud83d\\ude00\"]", 0, true },
	{ "[\"\\ud83d\"]", 0, false },           /* lone high surrogate */
	{ "[\"\\ude00\"]", 0, false },           /* lone low surrogate */
	{ "[\"\\ud83d\\u0041\"]", 0, false },
	{ "[\"\\x\"]", 0, false },
	{ "[\"\\u12G4\"]", 0, false },
	{ "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", 0, true },
	{ "[\"\xc3\"]", 0, false },
	{ "[\"\xc0\xaf\"]", 0, false },          /* overlong */
	{ "[\"\xed\xa0\x80\"]", 0, false },      /* an encoded surrogate */
	{ "[\"\xf4\x90\x80\x80\"]", 0, false },  /* above U+10FFFF */
	{ "[\"tab\there\"]", 0, false },         /* control characters must be escaped */
	{ "[\"\x7f\"]", 0, true },
	{ "{\"a\":1,\"a\":2}", 0, false },
	{ "{\"a\":1,\"\\u0061\":2}", 0, false }, /* equal once unescaped */
	{ "{\"a\":{\"a\":1},\"b\":{\"a\":1}}", 0, true },
	{ "{\"\":1,\"\":2}", 0, false },
};

START_TEST(test_json_scan_agrees_with_jansson)
{
	struct fp_jscan js;

	fp_jscan_init(&js);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scan_case *c = &cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->text);
		json_t *root = json_loadb(c->text, len, JSON_REJECT_DUPLICATES, NULL);

		ck_assert_msg((root != NULL) == c->valid, "jansson changed its mind on case %zu", i);
		ck_assert_msg((fp_jscan_parse(&js, c->text, len) == 0) == c->valid,
			      "case %zu: %s", i, c->text);
		json_decref(root);
	}
	fp_jscan_done(&js);
}
END_TEST

/* @depth nested arrays around @inner. */
static char *
nested(size_t depth, const char *inner)
{
	size_t n = strlen(inner);
	char *s = malloc(2 * depth + n + 1);

	memset(s, '[', depth);
	memcpy(s + depth, inner, n);
	memset(s + depth + n, ']', depth);
	s[2 * depth + n] = '\0';
	return s;
}

START_TEST(test_json_scan_depth_limit)
{
	struct fp_jscan js;
	/* jansson counts every value, scalars included, up to 2048 */
	char *ok = nested(2048, ""), *scalar_ok = nested(2047, "1");
	char *too_deep = nested(2049, ""), *scalar_too_deep = nested(2048, "1");

	fp_jscan_init(&js);
	ck_assert_int_eq(fp_jscan_parse(&js, ok, strlen(ok)), 0);
	ck_assert_int_eq(fp_jscan_parse(&js, scalar_ok, strlen(scalar_ok)), 0);
	ck_assert_int_eq(fp_jscan_parse(&js, too_deep, strlen(too_deep)), 1);
	ck_assert_int_eq(fp_jscan_parse(&js, scalar_too_deep, strlen(scalar_too_deep)), 1);
	ck_assert_ptr_null(json_loads(scalar_too_deep, JSON_REJECT_DUPLICATES, NULL));
	fp_jscan_done(&js);
	free(ok);
	free(scalar_ok);
	free(too_deep);
	free(scalar_too_deep);
}
END_TEST

START_TEST(test_json_scan_many_keys)
{
	/* beyond the linear check, duplicates are found through a hash table */
	struct fp_jscan js;
	char buf[64];
	struct {
		char *p;
		size_t n;
	} b = { malloc(200000), 0 };

	fp_jscan_init(&js);
	b.p[b.n++] = '{';
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof(buf), "%s\"k%d\":%d", i ? "," : "", i, i);

		memcpy(b.p + b.n, buf, (size_t)n);
		b.n += (size_t)n;
	}
	b.p[b.n++] = '}';
	ck_assert_int_eq(fp_jscan_parse(&js, b.p, b.n), 0);
	/* the same key again, escaped */
	memcpy(b.p + b.n - 1, ",\"k\\u00340\":1}", 14);
	ck_assert_int_eq(fp_jscan_parse(&js, b.p, b.n + 13), 1);
	fp_jscan_done(&js);
	free(b.p);
}
END_TEST

START_TEST(test_json_scan_reads_members)
{
	static const char text[] =
		"{\"flow\":{\"verdict\":\"AU\\u0044IT\",\"port\":443,\"neg\":-7,\"n\":null},"
		"\"t\\u0069me\":\"x\"}";
	static const struct fp_jscan_name names[] = { FP_JSCAN_NAME("verdict"),
						      FP_JSCAN_NAME("port"), FP_JSCAN_NAME("neg"),
						      FP_JSCAN_NAME("n"), FP_JSCAN_NAME("missing") };
	struct fp_arena arena;
	struct fp_jscan js;
	uint32_t m[5], flow;
	const char *s;
	size_t len;

	fp_arena_init(&arena);
	fp_jscan_init(&js);
	ck_assert_int_eq(fp_jscan_parse(&js, text, strlen(text)), 0);
	flow = fp_jscan_get(&js, 0, "flow");
	ck_assert_int_eq(fp_jscan_type(&js, flow), FP_JSCAN_OBJECT);
	ck_assert_int_ne(fp_jscan_get(&js, 0, "time"), FP_JSCAN_NONE); /* escaped key */
	fp_jscan_pick(&js, flow, names, 5, m);
	ck_assert(fp_jscan_str_eq(&js, m[0], "AUDIT", 5));
	s = fp_jscan_str(&js, m[0], &arena, &len);
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(s, "AUDIT", 5) == 0);
	ck_assert_int_eq(fp_jscan_int(&js, m[1]), 443);
	ck_assert_int_eq(fp_jscan_int(&js, m[2]), -7);
	ck_assert_int_eq(fp_jscan_type(&js, m[3]), FP_JSCAN_NULL);
	ck_assert_int_eq(m[4], FP_JSCAN_NONE);
	fp_jscan_done(&js);
	fp_arena_done(&arena);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("json-scan");
	TCase *tc = tcase_create("fp_jscan_parse");

	tcase_add_test(tc, test_json_scan_agrees_with_jansson);
	tcase_add_test(tc, test_json_scan_depth_limit);
	tcase_add_test(tc, test_json_scan_many_keys);
	tcase_add_test(tc, test_json_scan_reads_members);
	suite_add_tcase(s, tc);
	return s;
}
