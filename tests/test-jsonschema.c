/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-jsonschema.c - the JSON Schema subset: every keyword, the places and
 * words of its errors, the nearest-key suggestion, and the schemas it must
 * refuse to compile.
 */
#include "config.h"

#include <string.h>

#include "lib/jsonschema.h"
#include "lib/yamltree.h"
#include "tests/fp-check.h"

static bool
is_even(const char *s, size_t len)
{
	return len > 0 && (s[len - 1] - '0') % 2 == 0;
}

static const struct fp_jsonschema_format formats[] = {
	{ "even", "an even number like 42", is_even },
};

static const char schema_text[] =
	"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
	" \"title\": \"t\", \"type\": \"object\", \"additionalProperties\": false,"
	" \"required\": [\"name\"],"
	" \"properties\": {"
	"  \"name\": {\"type\": \"string\", \"minLength\": 1, \"description\": \"d\"},"
	"  \"count\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10, \"default\": 1},"
	"  \"flag\": {\"type\": \"boolean\"},"
	"  \"size\": {\"type\": [\"string\", \"integer\"]},"
	"  \"mode\": {\"type\": \"string\", \"enum\": [\"namespace\", \"workload\"]},"
	"  \"level\": {\"type\": \"integer\", \"enum\": [1, 3]},"
	"  \"even\": {\"type\": \"string\", \"format\": \"even\"},"
	"  \"list\": {\"type\": \"array\", \"minItems\": 1, \"items\": {\"type\": \"string\"}},"
	"  \"nested\": {\"type\": \"object\", \"additionalProperties\": false,"
	"             \"properties\": {\"prefer\": {\"type\": \"array\"}}},"
	"  \"open\": {\"type\": \"object\"},"
	"  \"nets\": {\"oneOf\": [{\"type\": \"string\"},"
	"            {\"type\": \"object\", \"additionalProperties\":"
	"             {\"type\": \"array\", \"items\": {\"type\": \"string\", \"format\": \"even\"}}}]},"
	"  \"either\": {\"oneOf\": [{\"type\": \"integer\", \"minimum\": 5},"
	"              {\"type\": \"integer\", \"maximum\": 7}]}"
	" }}";

static struct fp_jsonschema *
compile_ok(const char *text)
{
	struct fp_jsonschema *s = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_jsonschema_new(&s, text, strlen(text), formats, 1, &err), 0);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Validate @doc; returns the status and leaves the error in @err. */
static int
check(struct fp_err *err, const char *doc)
{
	struct fp_jsonschema *s = compile_ok(schema_text);
	struct fp_yaml *y = NULL;
	int r;

	fp_err_clear(err);
	ck_assert_int_eq(fp_yaml_load(&y, "c.yaml", doc, strlen(doc), NULL, err), 0);
	r = fp_jsonschema_validate(s, fp_yaml_root(y, 0), "c.yaml", err);
	fp_yaml_free(y);
	fp_jsonschema_free(s);
	return r;
}

START_TEST(test_jsonschema_accepts_valid_document)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\ncount: 10\nflag: yes\nsize: 256M\nmode: workload\n"
				     "level: 3\neven: '42'\nlist: [a]\nnested: {prefer: []}\n"
				     "open: {anything: [1, 2]}\nnets: {office: ['4']}\neither: 3\n"),
			 0);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert_int_eq(check(&err, "name: x\nsize: 65536\nnets: networks.yaml\n"), 0);
}
END_TEST

START_TEST(test_jsonschema_type)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\ncount: '3'\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 8, "\"count\": expected integer, got string");
	ck_assert_int_eq(check(&err, "name: x\nflag: 1\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7, "\"flag\": expected boolean, got integer");
	ck_assert_int_eq(check(&err, "name: x\nsize: true\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7,
		      "\"size\": expected string or integer, got boolean");
	ck_assert_int_eq(check(&err, "name: x\ncount: 1.5\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 8, "\"count\": expected integer, got float");
	ck_assert_int_eq(check(&err, "- name\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 1, 1, "expected mapping, got sequence");
	ck_assert_int_eq(check(&err, "name:\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 1, 6, "\"name\": expected string, got null");
}
END_TEST

START_TEST(test_jsonschema_unknown_key_suggests_nearest)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\n\ncuont: 3\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 3, 1, "unknown key 'cuont'; did you mean 'count'?");
	ck_assert_int_eq(check(&err, "name: x\nlists: [a]\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 1, "unknown key 'lists'; did you mean 'list'?");
	/* nested: the path names the mapping, the suggestion its keys */
	ck_assert_int_eq(check(&err, "name: x\nnested:\n  prefr: []\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 3, 3,
		      "\"nested\": unknown key 'prefr'; did you mean 'prefer'?");
}
END_TEST

START_TEST(test_jsonschema_unknown_key_without_suggestion)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\nfrobnicate: 1\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 1, "unknown key 'frobnicate'");
	/* hostile bytes in a key are escaped, never printed raw */
	ck_assert_int_eq(check(&err, "name: x\n\"\\e[31m\": 1\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 1, "unknown key '\\x1b[31m'");
	/* "open" allows any key: nothing is reported inside it */
	ck_assert_int_eq(check(&err, "name: x\nopen: {frobnicate: 1}\n"), 0);
}
END_TEST

START_TEST(test_jsonschema_required)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "count: 1\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 1, 1, "missing key 'name'");
}
END_TEST

START_TEST(test_jsonschema_enum)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\nmode: workloads\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7,
		      "\"mode\": expected one of namespace, workload, got 'workloads'; did you "
		      "mean 'workload'?");
	ck_assert_int_eq(check(&err, "name: x\nmode: pods\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7,
		      "\"mode\": expected one of namespace, workload, got 'pods'");
	ck_assert_int_eq(check(&err, "name: x\nlevel: 2\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 8, "\"level\": expected one of 1, 3, got '2'");
	ck_assert_int_eq(check(&err, "name: x\nlevel: 0x3\n"), 0);
}
END_TEST

START_TEST(test_jsonschema_items_and_min_items)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\nlist:\n  - a\n  - 7\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 4, 5, "\"list[1]\": expected string, got integer");
	ck_assert_int_eq(check(&err, "name: x\nlist: []\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7, "\"list\": expected at least 1 item");
}
END_TEST

START_TEST(test_jsonschema_minimum_maximum)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\ncount: 0\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 8,
		      "\"count\": expected an integer of at least 1, got 0");
	ck_assert_int_eq(check(&err, "name: x\ncount: 11\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 8,
		      "\"count\": expected an integer of at most 10, got 11");
	ck_assert_int_eq(check(&err, "name: x\ncount: 9223372036854775808\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 8, "\"count\": integer out of range");
}
END_TEST

START_TEST(test_jsonschema_strings)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: ''\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 1, 7, "\"name\": expected a non-empty string");
	ck_assert_int_eq(check(&err, "name: \"a\\0b\"\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 1, 7, "\"name\": contains a NUL byte");
	ck_assert_int_eq(check(&err, "name: x\neven: '41'\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7,
		      "\"even\": expected an even number like 42, got '41'");
}
END_TEST

START_TEST(test_jsonschema_one_of)
{
	struct fp_err err;

	ck_assert_int_eq(check(&err, "name: x\nnets: [a]\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 7,
		      "\"nets\": expected string or mapping, got sequence");
	/* only the mapping branch takes a mapping: its error, at its place */
	ck_assert_int_eq(check(&err, "name: x\nnets:\n  office: ['4', '5']\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 3, 17,
		      "\"nets.office[1]\": expected an even number like 42, got '5'");
	/* both branches take an integer: exactly one must accept it */
	ck_assert_int_eq(check(&err, "name: x\neither: 8\n"), 0);
	ck_assert_int_eq(check(&err, "name: x\neither: 6\n"), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "c.yaml", 2, 9,
		      "\"either\": matches more than one of the allowed forms");
}
END_TEST

START_TEST(test_jsonschema_refuses_unsupported_schemas)
{
	static const char *const bad[][2] = {
		{ "{\"type\": \"object\", \"pattern\": \"^a\"}", "schema: /: unsupported keyword 'pattern'" },
		{ "{\"properties\": {\"a\": {\"type\": \"number\"}}}",
		  "schema: /properties/a: unsupported type 'number'" },
		{ "{\"items\": {\"format\": \"odd\"}}", "schema: /items: unknown format 'odd'" },
		{ "{\"oneOf\": [{}, {\"minimum\": 1.5}]}", "schema: /oneOf/1: 'minimum' must be an integer" },
		{ "{\"enum\": [true]}", "schema: /: 'enum' values must be strings or integers" },
		{ "[]", "schema: /: a schema must be an object" },
	};
	struct fp_jsonschema *s = NULL;
	struct fp_err err;
	char buf[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fp_err_clear(&err);
		ck_assert_int_eq(fp_jsonschema_new(&s, bad[i][0], strlen(bad[i][0]), formats, 1, &err),
				 FP_EINPUT);
		ck_assert_ptr_null(s);
		ck_assert_str_eq(fp_err_format(buf, sizeof(buf), &err), bad[i][1]);
	}
	fp_err_clear(&err);
	ck_assert_int_eq(fp_jsonschema_new(&s, "{\"a\": ", 6, formats, 1, &err), FP_EINPUT);
	ck_assert_str_eq(err.source, "schema");
	ck_assert_int_eq(err.line, 1);
}
END_TEST

START_TEST(test_jsonschema_distance)
{
	static const char *const keys[] = { "min-days", "min-flows", "db", "dns", "output" };

	ck_assert_uint_eq(fp_jsonschema_distance("", ""), 0);
	ck_assert_uint_eq(fp_jsonschema_distance("abc", ""), 3);
	ck_assert_uint_eq(fp_jsonschema_distance("kitten", "sitting"), 3);
	ck_assert_uint_eq(fp_jsonschema_distance("outptu", "output"), 1);
	ck_assert_uint_eq(fp_jsonschema_distance("ca", "abc"), 3);
	ck_assert_str_eq(fp_jsonschema_nearest("min-day", keys, 5), "min-days");
	ck_assert_str_eq(fp_jsonschema_nearest("outptu", keys, 5), "output");
	ck_assert_str_eq(fp_jsonschema_nearest("d", keys, 5), "db");
	/* "dn" is one from both "db" and "dns": the first in byte order wins */
	ck_assert_str_eq(fp_jsonschema_nearest("dn", keys, 5), "db");
	ck_assert_ptr_null(fp_jsonschema_nearest("x", keys, 5));
	ck_assert_ptr_null(fp_jsonschema_nearest("min", keys, 5));
	ck_assert_ptr_null(fp_jsonschema_nearest("min-days", keys, 0));
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("jsonschema");
	TCase *tc = tcase_create("validate");

	tcase_add_test(tc, test_jsonschema_accepts_valid_document);
	tcase_add_test(tc, test_jsonschema_type);
	tcase_add_test(tc, test_jsonschema_unknown_key_suggests_nearest);
	tcase_add_test(tc, test_jsonschema_unknown_key_without_suggestion);
	tcase_add_test(tc, test_jsonschema_required);
	tcase_add_test(tc, test_jsonschema_enum);
	tcase_add_test(tc, test_jsonschema_items_and_min_items);
	tcase_add_test(tc, test_jsonschema_minimum_maximum);
	tcase_add_test(tc, test_jsonschema_strings);
	tcase_add_test(tc, test_jsonschema_one_of);
	suite_add_tcase(s, tc);
	tc = tcase_create("new");
	tcase_add_test(tc, test_jsonschema_refuses_unsupported_schemas);
	suite_add_tcase(s, tc);
	tc = tcase_create("nearest");
	tcase_add_test(tc, test_jsonschema_distance);
	suite_add_tcase(s, tc);
	return s;
}
