/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-yamltree.c - the YAML tree: documents, places, styles, the limits
 * that keep hostile input bounded, and YAML 1.1 scalar resolution.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/yamltree.h"
#include "tests/fp-check.h"

static struct fp_yaml *
load_ok(const char *text)
{
	struct fp_yaml *y = NULL;
	struct fp_err err;

	fp_err_clear(&err);
	ck_assert_int_eq(fp_yaml_load(&y, "t.yaml", text, strlen(text), NULL, &err), 0);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert_ptr_nonnull(y);
	return y;
}

/* Load @text expecting a failure; returns the error in @err. */
static void
load_bad(struct fp_err *err, const char *text, const struct fp_yaml_limits *lim)
{
	struct fp_yaml *y = (struct fp_yaml *)1;

	fp_err_clear(err);
	ck_assert_int_lt(fp_yaml_load(&y, "t.yaml", text, strlen(text), lim, err), 0);
	ck_assert_ptr_null(y);
}

START_TEST(test_yamltree_loads_multi_document_stream)
{
	struct fp_yaml *y = load_ok("a: 1\n"
				    "---\n"
				    "- x\n"
				    "-   y: [1, 2]\n"
				    "---\n"
				    "...\n");
	const struct fp_yaml_node *r0, *r1, *m, *seq;
	long line;
	int col;

	ck_assert_uint_eq(fp_yaml_count(y), 3);
	r0 = fp_yaml_root(y, 0);
	ck_assert_int_eq(r0->type, FP_YAML_MAPPING);
	ck_assert_uint_eq(r0->n_pairs, 1);
	ck_assert_str_eq(r0->pairs[0].key->value, "a");
	ck_assert_int_eq(r0->pairs[0].value->line, 1);
	ck_assert_int_eq(r0->pairs[0].value->column, 4);
	r1 = fp_yaml_root(y, 1);
	ck_assert_int_eq(r1->type, FP_YAML_SEQUENCE);
	ck_assert_uint_eq(r1->n_items, 2);
	m = r1->items[1];
	ck_assert_int_eq(m->type, FP_YAML_MAPPING);
	ck_assert_int_eq(m->line, 4);
	ck_assert_int_eq(m->column, 5);
	seq = fp_yaml_get(m, "y");
	ck_assert_uint_eq(seq->n_items, 2);
	ck_assert_str_eq(seq->items[1]->value, "2");
	ck_assert_int_eq(seq->items[1]->column, 12);
	fp_yaml_document_place(y, 1, &line, &col);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 1);
	/* "---" followed by nothing is an empty document: a null scalar. */
	ck_assert(fp_yaml_is_null(fp_yaml_root(y, 2)));
	ck_assert_ptr_null(fp_yaml_root(y, 3));
	fp_yaml_free(y);
	y = load_ok("");
	ck_assert_uint_eq(fp_yaml_count(y), 0);
	fp_yaml_free(y);
	fp_yaml_free(NULL);
}
END_TEST

START_TEST(test_yamltree_records_scalar_style)
{
	struct fp_yaml *y = load_ok("plain: 80\n"
				    "double: \"80\"\n"
				    "single: '80'\n"
				    "literal: |\n"
				    "  80\n"
				    "tagged: !!str 80\n"
				    "nul: \"a\\0b\"\n");
	const struct fp_yaml_node *r = fp_yaml_root(y, 0), *nul;

	ck_assert_int_eq(fp_yaml_get(r, "plain")->style, FP_YAML_PLAIN);
	ck_assert_int_eq(fp_yaml_kind(fp_yaml_get(r, "plain")), FP_YAML_KIND_INT);
	ck_assert_int_eq(fp_yaml_get(r, "double")->style, FP_YAML_DOUBLE_QUOTED);
	ck_assert_int_eq(fp_yaml_kind(fp_yaml_get(r, "double")), FP_YAML_KIND_STR);
	ck_assert_int_eq(fp_yaml_get(r, "single")->style, FP_YAML_SINGLE_QUOTED);
	ck_assert_int_eq(fp_yaml_get(r, "literal")->style, FP_YAML_LITERAL);
	ck_assert_str_eq(fp_yaml_get(r, "literal")->value, "80\n");
	ck_assert_str_eq(fp_yaml_get(r, "tagged")->tag, "tag:yaml.org,2002:str");
	ck_assert_int_eq(fp_yaml_kind(fp_yaml_get(r, "tagged")), FP_YAML_KIND_STR);
	nul = fp_yaml_get(r, "nul");
	ck_assert_uint_eq(nul->len, 3);
	ck_assert_int_eq(nul->value[1], '\0');
	fp_yaml_free(y);
}
END_TEST

START_TEST(test_yamltree_parses_json)
{
	struct fp_yaml *y =
		load_ok("{\"kind\":\t\"List\",\n\t\"items\": [{\"port\": 80}, "
			"{\"port\": \"80\"}]}\n");
	const struct fp_yaml_node *items = fp_yaml_get(fp_yaml_root(y, 0), "items");

	ck_assert(fp_yaml_is_str(fp_yaml_get(fp_yaml_root(y, 0), "kind"), "List"));
	ck_assert_int_eq(fp_yaml_kind(fp_yaml_get(items->items[0], "port")),
			 FP_YAML_KIND_INT);
	ck_assert_int_eq(fp_yaml_kind(fp_yaml_get(items->items[1], "port")),
			 FP_YAML_KIND_STR);
	fp_yaml_free(y);
}
END_TEST

START_TEST(test_yamltree_reports_syntax_error_place)
{
	struct fp_err err;

	load_bad(&err, "kind: NetworkPolicy\nspec:\n  podSelector: {}\n   bad: [\n",
		 NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 4, 4,
		      "did not find expected key (while parsing a block mapping that "
		      "started at "
		      "line 3)");
	load_bad(&err, "a: b: c\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 5,
		      "mapping values are not allowed in this context");
	load_bad(&err, "a:\n  - [1, 2\nb: 3\n", NULL);
	fp_assert_err(
		&err, FP_EINPUT, "t.yaml", 3, 2,
		"did not find expected ',' or ']' (while parsing a flow sequence that "
		"started at line 2)");
	/* The reader reports a byte offset; the place is computed from it. */
	load_bad(&err, "a: 1\nb: \xff\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 2, 4,
		      "invalid leading UTF-8 octet (byte 0xff)");
}
END_TEST

START_TEST(test_yamltree_rejects_duplicate_keys)
{
	struct fp_err err;

	load_bad(&err, "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 4, 3, "duplicate key 'c'");
	/* Kubernetes turns keys into JSON strings: 80 and "80" collide. */
	load_bad(&err, "{80: a, \"80\": b}", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 9, "duplicate key '80'");
}
END_TEST

START_TEST(test_yamltree_rejects_unsupported_keys)
{
	struct fp_err err;

	load_bad(&err, "? [a, b]\n: 1\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 3, "mapping keys must be scalars");
	load_bad(&err, "base: &b {x: 1}\nd:\n  <<: *b\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 3, 3,
		      "merge keys ('<<') are not supported");
}
END_TEST

START_TEST(test_yamltree_resolves_aliases)
{
	struct fp_yaml *y = load_ok("sel: &s {app: web}\nfrom:\n- podSelector: *s\n");
	const struct fp_yaml_node *r = fp_yaml_root(y, 0);
	const struct fp_yaml_node *from = fp_yaml_get(r, "from");

	/* The alias shares the anchored node, with the anchor's place. */
	ck_assert_ptr_eq(fp_yaml_get(from->items[0], "podSelector"),
			 fp_yaml_get(r, "sel"));
	ck_assert_int_eq(fp_yaml_get(from->items[0], "podSelector")->line, 1);
	fp_yaml_free(y);
}
END_TEST

START_TEST(test_yamltree_rejects_bad_aliases)
{
	struct fp_err err;

	load_bad(&err, "a: *nope\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 4,
		      "alias '*nope' names no complete anchor "
		      "before it");
	/* A collection cannot contain itself. */
	load_bad(&err, "a: &r [1, *r]\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 11,
		      "alias '*r' names no complete anchor "
		      "before it");
	/* Anchors do not cross documents. */
	load_bad(&err, "a: &x 1\n---\nb: *x\n", NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 3, 4,
		      "alias '*x' names no complete anchor "
		      "before it");
}
END_TEST

/* "Billion laughs": each of @levels levels holds ten aliases of the last. */
static void
laughs(char *text, size_t size, int levels)
{
	size_t o =
		(size_t)snprintf(text, size, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");

	for (int i = 1; i < levels; i++) {
		o += (size_t)snprintf(text + o, size - o, "l%d: &l%d [", i, i);
		for (int k = 0; k < 10; k++)
			o += (size_t)snprintf(text + o, size - o, "%s*l%d",
					      k > 0 ? ", " : "", i - 1);
		o += (size_t)snprintf(text + o, size - o, "]\n");
	}
}

START_TEST(test_yamltree_bounds_alias_expansion)
{
	struct fp_yaml_limits lim = { .max_nodes = 1000 };
	struct fp_yaml *y;
	char text[2048];
	struct fp_err err;

	laughs(text, sizeof(text), 3);
	load_bad(&err, text, &lim);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 3, 55,
		      "document expands to more than 1000 nodes");
	/* Shared nodes cost nothing to hold: a million expanded nodes load... */
	laughs(text, sizeof(text), 6);
	y = load_ok(text);
	fp_yaml_free(y);
	/* ...and ten million do not, under the default limit. */
	laughs(text, sizeof(text), 8);
	load_bad(&err, text, NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 7, 15,
		      "document expands to more than 2000000 nodes");
}
END_TEST

START_TEST(test_yamltree_bounds_depth_and_size)
{
	struct fp_yaml_limits lim = { .max_depth = 3, .max_bytes = 64 };
	struct fp_yaml *y;
	char deep[200];
	struct fp_err err;

	load_bad(&err, "a: {b: [c, {d: e}]}\n", &lim);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 12, "nesting deeper than 3 levels");
	y = load_ok("a: {b: [c, d]}\n");
	fp_yaml_free(y);
	memset(deep, '[', 100);
	memset(deep + 100, ']', 99);
	deep[199] = '\0';
	load_bad(&err, deep, NULL);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 1, 65, "nesting deeper than 64 levels");
	load_bad(&err,
		 "k: "
		 "0123456789012345678901234567890123456789012345678901234567890123456789",
		 &lim);
	fp_assert_err(&err, FP_EINPUT, "t.yaml", 0, 0,
		      "73 bytes is more than the limit of 64");
}
END_TEST

START_TEST(test_yamltree_get)
{
	struct fp_yaml *y = load_ok("a: 1\nb: [x]\n\"c\": ~\n");
	const struct fp_yaml_node *r = fp_yaml_root(y, 0);

	ck_assert_str_eq(fp_yaml_get(r, "a")->value, "1");
	ck_assert_ptr_nonnull(fp_yaml_get(r, "c"));
	ck_assert(fp_yaml_is_null(fp_yaml_get(r, "c")));
	ck_assert_ptr_null(fp_yaml_get(r, "d"));
	ck_assert_ptr_null(fp_yaml_get(fp_yaml_get(r, "b"), "x"));
	ck_assert_ptr_null(fp_yaml_get(NULL, "a"));
	fp_yaml_free(y);
}
END_TEST

static enum fp_yaml_kind
kind_of(const char *doc)
{
	struct fp_yaml *y = load_ok(doc);
	enum fp_yaml_kind k = fp_yaml_kind(fp_yaml_root(y, 0));

	fp_yaml_free(y);
	return k;
}

START_TEST(test_yamltree_kind_follows_yaml_1_1)
{
	ck_assert_int_eq(kind_of("~"), FP_YAML_KIND_NULL);
	ck_assert_int_eq(kind_of("null"), FP_YAML_KIND_NULL);
	ck_assert_int_eq(kind_of("'null'"), FP_YAML_KIND_STR);
	/* The classic pitfalls: app: on, country: no. */
	ck_assert_int_eq(kind_of("on"), FP_YAML_KIND_BOOL);
	ck_assert_int_eq(kind_of("no"), FP_YAML_KIND_BOOL);
	ck_assert_int_eq(kind_of("Yes"), FP_YAML_KIND_BOOL);
	ck_assert_int_eq(kind_of("y"), FP_YAML_KIND_BOOL);
	ck_assert_int_eq(kind_of("yess"), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("80"), FP_YAML_KIND_INT);
	ck_assert_int_eq(kind_of("-80"), FP_YAML_KIND_INT);
	ck_assert_int_eq(kind_of("0x50"), FP_YAML_KIND_INT);
	ck_assert_int_eq(kind_of("1_000"), FP_YAML_KIND_INT);
	ck_assert_int_eq(kind_of("080"), FP_YAML_KIND_FLOAT);
	ck_assert_int_eq(kind_of("80.0"), FP_YAML_KIND_FLOAT);
	ck_assert_int_eq(kind_of("1e3"), FP_YAML_KIND_FLOAT);
	ck_assert_int_eq(kind_of(".inf"), FP_YAML_KIND_FLOAT);
	ck_assert_int_eq(kind_of("_80"), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("80x"), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("1.2.3"), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("http"), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("\"80\""), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("!!int 80"), FP_YAML_KIND_INT);
	ck_assert_int_eq(kind_of("!!int abc"), FP_YAML_KIND_OTHER);
	ck_assert_int_eq(kind_of("!!float 1"), FP_YAML_KIND_FLOAT);
	ck_assert_int_eq(kind_of("! 80"), FP_YAML_KIND_STR);
	ck_assert_int_eq(kind_of("!custom x"), FP_YAML_KIND_OTHER);
	ck_assert_int_eq(kind_of("[1]"), FP_YAML_KIND_SEQUENCE);
	ck_assert_int_eq(kind_of("{}"), FP_YAML_KIND_MAPPING);
	ck_assert_str_eq(fp_yaml_kind_name(FP_YAML_KIND_BOOL), "boolean");
	ck_assert_int_eq(fp_yaml_kind(NULL), FP_YAML_KIND_NULL);
}
END_TEST

static int
int_of(int64_t *v, const char *doc)
{
	struct fp_yaml *y = load_ok(doc);
	int r = fp_yaml_int(v, fp_yaml_root(y, 0));

	fp_yaml_free(y);
	return r;
}

START_TEST(test_yamltree_int)
{
	int64_t v;

	ck_assert_int_eq(int_of(&v, "8080"), 0);
	ck_assert_int_eq(v, 8080);
	ck_assert_int_eq(int_of(&v, "0x1F90"), 0);
	ck_assert_int_eq(v, 8080);
	ck_assert_int_eq(int_of(&v, "0o17"), 0);
	ck_assert_int_eq(v, 15);
	ck_assert_int_eq(int_of(&v, "017"), 0);
	ck_assert_int_eq(v, 15);
	ck_assert_int_eq(int_of(&v, "0b101"), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(int_of(&v, "-9_223_372_036_854_775_808"), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(int_of(&v, "+42"), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(int_of(&v, "9223372036854775808"), FP_EINPUT);
	ck_assert_int_eq(int_of(&v, "99999999999999999999999"), FP_EINPUT);
	ck_assert_int_eq(int_of(&v, "\"80\""), FP_EINPUT);
	ck_assert_int_eq(int_of(&v, "80.0"), FP_EINPUT);
	ck_assert_int_eq(int_of(&v, "[80]"), FP_EINPUT);
}
END_TEST

static int
bool_of(bool *v, const char *doc)
{
	struct fp_yaml *y = load_ok(doc);
	int r = fp_yaml_bool(v, fp_yaml_root(y, 0));

	fp_yaml_free(y);
	return r;
}

START_TEST(test_yamltree_bool)
{
	bool v = false;

	ck_assert_int_eq(bool_of(&v, "true"), 0);
	ck_assert(v);
	ck_assert_int_eq(bool_of(&v, "On"), 0);
	ck_assert(v);
	ck_assert_int_eq(bool_of(&v, "y"), 0);
	ck_assert(v);
	ck_assert_int_eq(bool_of(&v, "no"), 0);
	ck_assert(!v);
	ck_assert_int_eq(bool_of(&v, "FALSE"), 0);
	ck_assert(!v);
	ck_assert_int_eq(bool_of(&v, "!!bool off"), 0);
	ck_assert(!v);
	v = true;
	ck_assert_int_eq(bool_of(&v, "\"true\""), FP_EINPUT);
	ck_assert(!v);
	ck_assert_int_eq(bool_of(&v, "tRue"), FP_EINPUT);
	ck_assert_int_eq(bool_of(&v, "1"), FP_EINPUT);
	ck_assert_int_eq(bool_of(&v, "{}"), FP_EINPUT);
}
END_TEST

START_TEST(test_yamltree_quote)
{
	char buf[16];

	ck_assert_str_eq(fp_yaml_quote(buf, sizeof(buf), "app", 3), "app");
	ck_assert_str_eq(fp_yaml_quote(buf, sizeof(buf), "a\nb'", 4), "a\\x0ab\\x27");
	ck_assert_str_eq(
		fp_yaml_quote(buf, sizeof(buf), "abcdefghijklmnopqrstuvwxyz", 26),
		"abcdefgh...");
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("yamltree");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_yamltree_loads_multi_document_stream);
	tcase_add_test(tc, test_yamltree_records_scalar_style);
	tcase_add_test(tc, test_yamltree_parses_json);
	tcase_add_test(tc, test_yamltree_reports_syntax_error_place);
	tcase_add_test(tc, test_yamltree_rejects_duplicate_keys);
	tcase_add_test(tc, test_yamltree_rejects_unsupported_keys);
	tcase_add_test(tc, test_yamltree_resolves_aliases);
	tcase_add_test(tc, test_yamltree_rejects_bad_aliases);
	tcase_add_test(tc, test_yamltree_bounds_alias_expansion);
	tcase_add_test(tc, test_yamltree_bounds_depth_and_size);
	suite_add_tcase(s, tc);
	tc = tcase_create("get");
	tcase_add_test(tc, test_yamltree_get);
	suite_add_tcase(s, tc);
	tc = tcase_create("kind");
	tcase_add_test(tc, test_yamltree_kind_follows_yaml_1_1);
	suite_add_tcase(s, tc);
	tc = tcase_create("int");
	tcase_add_test(tc, test_yamltree_int);
	suite_add_tcase(s, tc);
	tc = tcase_create("bool");
	tcase_add_test(tc, test_yamltree_bool);
	suite_add_tcase(s, tc);
	tc = tcase_create("quote");
	tcase_add_test(tc, test_yamltree_quote);
	suite_add_tcase(s, tc);
	return s;
}
