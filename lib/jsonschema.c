/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/jsonschema.h"
#include "lib/util-macro.h"

struct fp_jsonschema {
	json_t *root;
	const struct fp_jsonschema_format *formats;
	size_t n_formats;
};

/* JSON Schema types, and the word a YAML user knows each by. */
enum { T_STRING = 1, T_INTEGER = 2, T_BOOLEAN = 4, T_NULL = 8, T_OBJECT = 16, T_ARRAY = 32 };

static const struct {
	const char *json;
	const char *yaml;
	unsigned bit;
} types[] = {
	{ "string", "string", T_STRING },   { "integer", "integer", T_INTEGER },
	{ "boolean", "boolean", T_BOOLEAN }, { "null", "null", T_NULL },
	{ "object", "mapping", T_OBJECT },  { "array", "sequence", T_ARRAY },
};

#define DISTANCE_MAX 64

size_t
fp_jsonschema_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev2[DISTANCE_MAX + 1], prev[DISTANCE_MAX + 1], cur[DISTANCE_MAX + 1];

	if (la > DISTANCE_MAX || lb > DISTANCE_MAX)
		return DISTANCE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	memcpy(prev2, prev, sizeof(prev));
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = FP_MIN(prev[j] + 1, cur[j - 1] + 1);

			v = FP_MIN(v, prev[j - 1] + cost);
			/* "outptu" is one slip from "output", not two */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = FP_MIN(v, prev2[j - 2] + 1);
			cur[j] = v;
		}
		memcpy(prev2, prev, sizeof(prev));
		memcpy(prev, cur, sizeof(cur));
	}
	return FP_MIN(prev[lb], (size_t)DISTANCE_MAX);
}

const char *
fp_jsonschema_nearest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d = fp_jsonschema_distance(word, candidates[i]);
		size_t limit = FP_MAX((size_t)1, strlen(candidates[i]) / 3);

		if (d > limit)
			continue;
		if (d < best_d || (d == best_d && strcmp(candidates[i], best) < 0)) {
			best = candidates[i];
			best_d = d;
		}
	}
	return best;
}

/* ---- compiling: refuse what this validator would not check ---- */

struct cctx {
	const struct fp_jsonschema *s;
	struct fp_err *err;
	char ptr[256]; /* JSON pointer of the schema being checked */
};

static int cfail(struct cctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
cfail(struct cctx *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fp_err_set(c->err, FP_EINPUT, "schema", 0, 0, "%s: %s", c->ptr[0] ? c->ptr : "/",
			  msg);
}

static unsigned
type_bit(const char *name)
{
	for (size_t i = 0; i < FP_ARRAY_SIZE(types); i++)
		if (strcmp(types[i].json, name) == 0)
			return types[i].bit;
	return 0;
}

static const struct fp_jsonschema_format *
find_format(const struct fp_jsonschema *s, const char *name)
{
	for (size_t i = 0; i < s->n_formats; i++)
		if (strcmp(s->formats[i].name, name) == 0)
			return &s->formats[i];
	return NULL;
}

static int compile(struct cctx *c, const json_t *sch);

/* Check the sub-schema @sch found at @ptr + "/" + @key[/@index]. */
static int
compile_at(struct cctx *c, const json_t *sch, const char *key, long index)
{
	size_t len = strlen(c->ptr);
	int r;

	if (index >= 0)
		snprintf(c->ptr + len, sizeof(c->ptr) - len, "/%s/%ld", key, index);
	else
		snprintf(c->ptr + len, sizeof(c->ptr) - len, "/%s", key);
	r = compile(c, sch);
	c->ptr[len] = '\0';
	return r;
}

static bool
is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static int
compile_type(struct cctx *c, const json_t *v)
{
	size_t i;
	const json_t *t;

	if (json_is_string(v)) {
		if (type_bit(json_string_value(v)) == 0)
			return cfail(c, "unsupported type '%s'", json_string_value(v));
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return cfail(c, "'type' must be a type or a list of types");
	json_array_foreach(v, i, t)
		if (!json_is_string(t) || type_bit(json_string_value(t)) == 0)
			return cfail(c, "unsupported type in 'type'");
	return 0;
}

static int
compile_keyword(struct cctx *c, const char *k, const json_t *v)
{
	size_t i;
	const char *pk;
	const json_t *e;
	int r = 0;

	if (strcmp(k, "type") == 0)
		return compile_type(c, v);
	if (strcmp(k, "properties") == 0) {
		if (!json_is_object(v))
			return cfail(c, "'properties' must be an object");
		json_object_foreach((json_t *)v, pk, e) {
			size_t len = strlen(c->ptr);

			snprintf(c->ptr + len, sizeof(c->ptr) - len, "/properties/%s", pk);
			r = compile(c, e);
			c->ptr[len] = '\0';
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (strcmp(k, "additionalProperties") == 0)
		return json_is_boolean(v) ? 0 : compile_at(c, v, k, -1);
	if (strcmp(k, "items") == 0)
		return compile_at(c, v, k, -1);
	if (strcmp(k, "oneOf") == 0) {
		if (!json_is_array(v) || json_array_size(v) == 0)
			return cfail(c, "'oneOf' must be a non-empty list of schemas");
		json_array_foreach(v, i, e)
			if ((r = compile_at(c, e, k, (long)i)) < 0)
				return r;
		return 0;
	}
	if (strcmp(k, "required") == 0) {
		if (!json_is_array(v))
			return cfail(c, "'required' must be a list of names");
		json_array_foreach(v, i, e)
			if (!json_is_string(e))
				return cfail(c, "'required' must be a list of names");
		return 0;
	}
	if (strcmp(k, "enum") == 0) {
		if (!json_is_array(v) || json_array_size(v) == 0)
			return cfail(c, "'enum' must be a non-empty list");
		/* Only what a YAML scalar compares to without doubt. */
		json_array_foreach(v, i, e)
			if (!json_is_string(e) && !json_is_integer(e))
				return cfail(c, "'enum' values must be strings or integers");
		return 0;
	}
	if (strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0)
		return json_is_integer(v) ? 0 : cfail(c, "'%s' must be an integer", k);
	if (strcmp(k, "minItems") == 0 || strcmp(k, "minLength") == 0)
		return is_count(v) ? 0 : cfail(c, "'%s' must be a non-negative integer", k);
	if (strcmp(k, "format") == 0) {
		if (!json_is_string(v) || find_format(c->s, json_string_value(v)) == NULL)
			return cfail(c, "unknown format '%s'",
				     json_is_string(v) ? json_string_value(v) : "?");
		return 0;
	}
	if (strcmp(k, "$schema") == 0 || strcmp(k, "$id") == 0 || strcmp(k, "$comment") == 0 ||
	    strcmp(k, "title") == 0 || strcmp(k, "description") == 0)
		return json_is_string(v) ? 0 : cfail(c, "'%s' must be a string", k);
	if (strcmp(k, "default") == 0 || strcmp(k, "examples") == 0)
		return 0;
	return cfail(c, "unsupported keyword '%s'", k);
}

static int
compile(struct cctx *c, const json_t *sch)
{
	const char *k;
	const json_t *v;
	int r;

	if (!json_is_object(sch))
		return cfail(c, "a schema must be an object");
	json_object_foreach((json_t *)sch, k, v)
		if ((r = compile_keyword(c, k, v)) < 0)
			return r;
	return 0;
}

int
fp_jsonschema_new(struct fp_jsonschema **out, const char *text, size_t len,
		  const struct fp_jsonschema_format *formats, size_t n_formats,
		  struct fp_err *err)
{
	struct fp_jsonschema *s = calloc(1, sizeof(*s));
	struct cctx c = { .s = s, .err = err };
	json_error_t jerr;
	int r;

	*out = NULL;
	if (s == NULL)
		return fp_err_nomem(err);
	s->formats = formats;
	s->n_formats = n_formats;
	s->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (s->root == NULL) {
		free(s);
		return fp_err_set(err, FP_EINPUT, "schema", jerr.line, jerr.column, "%s",
				  jerr.text);
	}
	r = compile(&c, s->root);
	if (r < 0) {
		fp_jsonschema_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void
fp_jsonschema_free(struct fp_jsonschema *s)
{
	if (s == NULL)
		return;
	json_decref(s->root);
	free(s);
}

/* ---- validating ---- */

struct vctx {
	const struct fp_jsonschema *s;
	const char *source;
	struct fp_err *err;
	char path[256]; /* "labels.prefer[1]": where in the document we are */
	size_t len;
};

static int vfail(struct vctx *c, const struct fp_yaml_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
vfail(struct vctx *c, const struct fp_yaml_node *n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->len == 0)
		return fp_err_set(c->err, FP_EINPUT, c->source, n->line, n->column, "%s", msg);
	return fp_err_set(c->err, FP_EINPUT, c->source, n->line, n->column, "\"%s\": %s", c->path,
			  msg);
}

static size_t
push_key(struct vctx *c, const struct fp_yaml_node *key)
{
	size_t old = c->len;
	char q[80];

	fp_yaml_quote(q, sizeof(q), key->value, key->len);
	snprintf(c->path + old, sizeof(c->path) - old, "%s%s", old > 0 ? "." : "", q);
	c->len = strlen(c->path);
	return old;
}

static size_t
push_index(struct vctx *c, size_t i)
{
	size_t old = c->len;

	snprintf(c->path + old, sizeof(c->path) - old, "[%zu]", i);
	c->len = strlen(c->path);
	return old;
}

static void
pop(struct vctx *c, size_t old)
{
	c->len = old;
	c->path[old] = '\0';
}

static unsigned
node_bit(const struct fp_yaml_node *n)
{
	switch (fp_yaml_kind(n)) {
	case FP_YAML_KIND_NULL: return T_NULL;
	case FP_YAML_KIND_BOOL: return T_BOOLEAN;
	case FP_YAML_KIND_INT: return T_INTEGER;
	case FP_YAML_KIND_STR: return T_STRING;
	case FP_YAML_KIND_MAPPING: return T_OBJECT;
	case FP_YAML_KIND_SEQUENCE: return T_ARRAY;
	default: return 0; /* floats, unknown tags: nothing in a schema takes them */
	}
}

/* The types of @sch as bits; every type when it names none. */
static unsigned
schema_bits(const json_t *sch)
{
	const json_t *t = json_object_get(sch, "type"), *e;
	unsigned bits = 0;
	size_t i;

	if (json_is_string(t))
		return type_bit(json_string_value(t));
	if (!json_is_array(t))
		return ~0u;
	json_array_foreach(t, i, e)
		bits |= type_bit(json_string_value(e));
	return bits;
}

/* "string", "string or mapping", "string, integer or mapping". */
static const char *
bits_text(char *buf, size_t size, unsigned bits)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < FP_ARRAY_SIZE(types); i++)
		n += (bits & types[i].bit) != 0;
	buf[0] = '\0';
	for (size_t i = 0; i < FP_ARRAY_SIZE(types); i++) {
		size_t used = strlen(buf);

		if (!(bits & types[i].bit))
			continue;
		k++;
		snprintf(buf + used, size - used, "%s%s", k == 1 ? "" : k == n ? " or " : ", ",
			 types[i].yaml);
	}
	return buf;
}

static int validate(struct vctx *c, const json_t *sch, const struct fp_yaml_node *n);

/*
 * oneOf: the branches whose type admits the node decide.  One such branch
 * gives its own, precise errors; several must leave exactly one standing.
 */
static int
one_of(struct vctx *c, const json_t *branches, const struct fp_yaml_node *n)
{
	unsigned have = node_bit(n), all = 0;
	size_t i, n_typed = 0, pass = 0;
	const json_t *b, *first = NULL;
	struct fp_err *real = c->err;
	char buf[96];

	json_array_foreach(branches, i, b) {
		unsigned t = schema_bits(b);

		all |= t;
		if (t & have) {
			n_typed++;
			first = first != NULL ? first : b;
		}
	}
	if (n_typed == 0)
		return vfail(c, n, "expected %s, got %s", bits_text(buf, sizeof(buf), all),
			     fp_yaml_kind_name(fp_yaml_kind(n)));
	if (n_typed == 1)
		return validate(c, first, n);
	json_array_foreach(branches, i, b) {
		struct fp_err scratch = { 0 };

		if (!(schema_bits(b) & have))
			continue;
		c->err = &scratch;
		pass += validate(c, b, n) == 0;
		c->err = real;
	}
	if (pass == 1)
		return 0;
	if (pass == 0)
		return validate(c, first, n); /* the first candidate's error */
	return vfail(c, n, "matches more than one of the allowed forms");
}

static int
check_enum(struct vctx *c, const json_t *values, const struct fp_yaml_node *n)
{
	const char *words[32];
	size_t i, n_words = 0;
	const json_t *v;
	char list[160] = "", q[80];
	int64_t iv = 0;
	bool is_int = fp_yaml_int(&iv, n) == 0, is_str = fp_yaml_kind(n) == FP_YAML_KIND_STR;

	json_array_foreach(values, i, v) {
		size_t used = strlen(list);

		if (json_is_string(v)) {
			if (is_str && json_string_length(v) == n->len &&
			    memcmp(json_string_value(v), n->value, n->len) == 0)
				return 0;
			if (n_words < FP_ARRAY_SIZE(words))
				words[n_words++] = json_string_value(v);
			snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 json_string_value(v));
		} else {
			if (is_int && json_integer_value(v) == iv)
				return 0;
			snprintf(list + used, sizeof(list) - used, "%s%lld", i ? ", " : "",
				 (long long)json_integer_value(v));
		}
	}
	fp_yaml_quote(q, sizeof(q), n->value != NULL ? n->value : "", n->len);
	if (is_str) {
		const char *near = fp_jsonschema_nearest(n->value, words, n_words);

		if (near != NULL)
			return vfail(c, n, "expected one of %s, got '%s'; did you mean '%s'?", list, q,
				     near);
	}
	if (n->type == FP_YAML_SCALAR)
		return vfail(c, n, "expected one of %s, got '%s'", list, q);
	return vfail(c, n, "expected one of %s, got %s", list,
		     fp_yaml_kind_name(fp_yaml_kind(n)));
}

static int
check_string(struct vctx *c, const json_t *sch, const struct fp_yaml_node *n)
{
	const json_t *min = json_object_get(sch, "minLength"), *fmt = json_object_get(sch, "format");
	char q[80];

	/* A "\0" escape can hide a NUL inside; no path or name may hold one. */
	if (n->len != strlen(n->value))
		return vfail(c, n, "contains a NUL byte");
	if (min != NULL) {
		json_int_t chars = 0;

		for (size_t i = 0; i < n->len; i++)
			chars += ((unsigned char)n->value[i] & 0xc0) != 0x80;
		if (chars < json_integer_value(min))
			return json_integer_value(min) == 1
				       ? vfail(c, n, "expected a non-empty string")
				       : vfail(c, n, "expected at least %lld characters",
					       (long long)json_integer_value(min));
	}
	if (fmt != NULL) {
		const struct fp_jsonschema_format *f = find_format(c->s, json_string_value(fmt));

		if (!f->check(n->value, n->len))
			return vfail(c, n, "expected %s, got '%s'", f->what,
				     fp_yaml_quote(q, sizeof(q), n->value, n->len));
	}
	return 0;
}

static int
check_integer(struct vctx *c, const json_t *sch, const struct fp_yaml_node *n)
{
	const json_t *min = json_object_get(sch, "minimum"), *max = json_object_get(sch, "maximum");
	int64_t v;

	if (fp_yaml_int(&v, n) < 0)
		return vfail(c, n, "integer out of range");
	if (min != NULL && v < json_integer_value(min))
		return vfail(c, n, "expected an integer of at least %lld, got %lld",
			     (long long)json_integer_value(min), (long long)v);
	if (max != NULL && v > json_integer_value(max))
		return vfail(c, n, "expected an integer of at most %lld, got %lld",
			     (long long)json_integer_value(max), (long long)v);
	return 0;
}

static int
check_array(struct vctx *c, const json_t *sch, const struct fp_yaml_node *n)
{
	const json_t *min = json_object_get(sch, "minItems"), *items = json_object_get(sch, "items");

	if (min != NULL && (json_int_t)n->n_items < json_integer_value(min))
		return vfail(c, n, "expected at least %lld item%s", (long long)json_integer_value(min),
			     json_integer_value(min) == 1 ? "" : "s");
	for (size_t i = 0; items != NULL && i < n->n_items; i++) {
		size_t old = push_index(c, i);
		int r = validate(c, items, n->items[i]);

		pop(c, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The schema of property @key (of @len bytes, maybe with a NUL inside), or NULL. */
static const json_t *
property(const json_t *props, const struct fp_yaml_node *key)
{
	if (props == NULL || key->len != strlen(key->value))
		return NULL;
	return json_object_get(props, key->value);
}

static int
unknown_key(struct vctx *c, const json_t *props, const struct fp_yaml_node *key)
{
	const char *names[64], *k, *near;
	size_t n = 0;
	const json_t *v;
	char q[80];

	json_object_foreach((json_t *)props, k, v)
		if (n < FP_ARRAY_SIZE(names))
			names[n++] = k;
	near = fp_jsonschema_nearest(key->value, names, n);
	fp_yaml_quote(q, sizeof(q), key->value, key->len);
	if (near != NULL)
		return vfail(c, key, "unknown key '%s'; did you mean '%s'?", q, near);
	return vfail(c, key, "unknown key '%s'", q);
}

static int
check_object(struct vctx *c, const json_t *sch, const struct fp_yaml_node *n)
{
	const json_t *props = json_object_get(sch, "properties");
	const json_t *extra = json_object_get(sch, "additionalProperties");
	const json_t *req = json_object_get(sch, "required"), *e;
	size_t i;

	for (i = 0; i < n->n_pairs; i++) {
		const struct fp_yaml_node *key = n->pairs[i].key;
		const json_t *ps = property(props, key);
		size_t old;
		int r;

		if (ps == NULL && json_is_false(extra))
			return unknown_key(c, props, key);
		if (ps == NULL && !json_is_object(extra))
			continue; /* additionalProperties absent or true: anything goes */
		old = push_key(c, key);
		r = validate(c, ps != NULL ? ps : extra, n->pairs[i].value);
		pop(c, old);
		if (r < 0)
			return r;
	}
	json_array_foreach(req, i, e)
		if (fp_yaml_get(n, json_string_value(e)) == NULL)
			return vfail(c, n, "missing key '%s'", json_string_value(e));
	return 0;
}

static int
validate(struct vctx *c, const json_t *sch, const struct fp_yaml_node *n)
{
	unsigned want = schema_bits(sch), have = node_bit(n);
	const json_t *v;
	char buf[96];
	int r;

	/* Without "type", oneOf (or nothing) says what is admitted. */
	if (json_object_get(sch, "type") != NULL && !(want & have))
		return vfail(c, n, "expected %s, got %s", bits_text(buf, sizeof(buf), want),
			     fp_yaml_kind_name(fp_yaml_kind(n)));
	if ((v = json_object_get(sch, "oneOf")) != NULL && (r = one_of(c, v, n)) < 0)
		return r;
	if ((v = json_object_get(sch, "enum")) != NULL && (r = check_enum(c, v, n)) < 0)
		return r;
	switch (have) {
	case T_STRING: return check_string(c, sch, n);
	case T_INTEGER: return check_integer(c, sch, n);
	case T_ARRAY: return check_array(c, sch, n);
	case T_OBJECT: return check_object(c, sch, n);
	default: return 0;
	}
}

int
fp_jsonschema_validate(const struct fp_jsonschema *s, const struct fp_yaml_node *root,
		       const char *source, struct fp_err *err)
{
	struct vctx c = { .s = s, .source = source, .err = err };

	return validate(&c, s->root, root);
}
