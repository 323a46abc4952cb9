/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yamltree.h - a YAML stream read into a small tree of owned nodes.
 *
 * fp_yaml_load() parses a whole YAML (or JSON) stream with libyaml and keeps
 * every document as a tree of scalars, sequences and mappings.  Each node
 * records its 1-based line and column and, for scalars, the style it was
 * written in, so a reader can tell the string "80" from the number 80.
 *
 * The input is hostile.  The loader refuses, with an fp_err naming the
 * place: nesting deeper than the depth limit, a stream larger than the byte
 * limit, documents whose expanded size (aliases counted as often as they are
 * used) exceeds the node limit, duplicate keys in one mapping, keys that are
 * not scalars, aliases to unknown or unfinished anchors, and merge keys
 * ("<<"), which Kubernetes' decoder would expand but this reader does not.
 * Aliases are resolved by sharing the anchored node, so a tree may be a DAG;
 * the node limit bounds any walk over it.
 *
 * Everything a struct fp_yaml holds is owned by it and released by
 * fp_yaml_free(); nodes are borrowed and read-only.
 */
#ifndef FP_YAMLTREE_H
#define FP_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define FP_YAML_MAX_DEPTH 64
#define FP_YAML_MAX_BYTES (32u << 20)
#define FP_YAML_MAX_NODES 2000000u

enum fp_yaml_type {
	FP_YAML_SCALAR = 1,
	FP_YAML_SEQUENCE = 2,
	FP_YAML_MAPPING = 3,
};

/* How a scalar was written; collections are FP_YAML_PLAIN. */
enum fp_yaml_style {
	FP_YAML_PLAIN = 0,
	FP_YAML_SINGLE_QUOTED = 1,
	FP_YAML_DOUBLE_QUOTED = 2,
	FP_YAML_LITERAL = 3,
	FP_YAML_FOLDED = 4,
};

/*
 * What a scalar means once resolved the way Kubernetes' decoder (go-yaml v2,
 * YAML 1.1) resolves it: a plain "yes" is a boolean, a plain 0x50 is the
 * integer 80, a plain 080 is a float, anything quoted is a string.
 */
enum fp_yaml_kind {
	FP_YAML_KIND_NULL = 1,
	FP_YAML_KIND_BOOL,
	FP_YAML_KIND_INT,
	FP_YAML_KIND_FLOAT,
	FP_YAML_KIND_STR,
	FP_YAML_KIND_OTHER, /* a scalar with a tag this reader does not know */
	FP_YAML_KIND_SEQUENCE,
	FP_YAML_KIND_MAPPING,
};

struct fp_yaml_pair;

struct fp_yaml_node {
	enum fp_yaml_type type;
	enum fp_yaml_style style;
	long line;  /* 1-based */
	int column; /* 1-based, in characters */
	/* An explicit tag, resolved ("tag:yaml.org,2002:str"), or NULL. */
	const char *tag;

	/* FP_YAML_SCALAR: NUL-terminated, but a "\0" escape can put a NUL inside,
	 * so code that needs a C string must check len == strlen(value). */
	const char *value;
	size_t len;

	/* FP_YAML_SEQUENCE */
	const struct fp_yaml_node *const *items;
	size_t n_items;

	/* FP_YAML_MAPPING, in the order written; keys are scalars, unique. */
	const struct fp_yaml_pair *pairs;
	size_t n_pairs;
};

struct fp_yaml_pair {
	const struct fp_yaml_node *key;
	const struct fp_yaml_node *value;
};

/* Limits for fp_yaml_load(); a zero field takes the FP_YAML_MAX_* default. */
struct fp_yaml_limits {
	size_t max_bytes;
	unsigned max_depth;
	size_t max_nodes;
};

struct fp_yaml;

/*
 * Parse the @len bytes at @data (which need not be NUL-terminated) as a
 * YAML stream; @source names it in errors and is copied.  @limits may be
 * NULL for the defaults.  On success *out holds every document, to be
 * released with fp_yaml_free().  On error *out is NULL and @err holds the
 * place: line and column come from libyaml's problem mark (plus one), or
 * from the node at fault.  Returns 0, FP_EINPUT or FP_ENOMEM.
 */
int fp_yaml_load(struct fp_yaml **out, const char *source, const char *data, size_t len,
		 const struct fp_yaml_limits *limits, struct fp_err *err);

/* Release @y and every node in it; takes NULL. */
void fp_yaml_free(struct fp_yaml *y);

/* The number of documents in the stream (an empty stream has none). */
size_t fp_yaml_count(const struct fp_yaml *y);

/*
 * The root node of document @i (< fp_yaml_count()); borrowed, valid until
 * fp_yaml_free().  An empty document ("---" alone) is an empty plain scalar.
 */
const struct fp_yaml_node *fp_yaml_root(const struct fp_yaml *y, size_t i);

/* The line and column of the start of document @i ("---" or its content). */
void fp_yaml_document_place(const struct fp_yaml *y, size_t i, long *line, int *column);

/*
 * The value of @key in the mapping @map, or NULL when @map is NULL, is not a
 * mapping, or has no such key.  Borrowed.
 */
const struct fp_yaml_node *fp_yaml_get(const struct fp_yaml_node *map, const char *key);

/* The resolved kind of @n (see enum fp_yaml_kind); NULL counts as null. */
enum fp_yaml_kind fp_yaml_kind(const struct fp_yaml_node *n);

/* "null", "boolean", "integer", ... for messages. */
const char *fp_yaml_kind_name(enum fp_yaml_kind k);

/* True when @n is absent (NULL) or resolves to null. */
bool fp_yaml_is_null(const struct fp_yaml_node *n);

/* True when @n is a scalar that resolves to a string equal to @s. */
bool fp_yaml_is_str(const struct fp_yaml_node *n, const char *s);

/*
 * The value of a boolean scalar (YAML 1.1: true/yes/on/y and false/no/off/n,
 * in the cases go-yaml accepts).  Returns 0, or FP_EINPUT when @n is not a
 * boolean.
 */
int fp_yaml_bool(bool *out, const struct fp_yaml_node *n);

/*
 * The value of an integer scalar, as Go's strconv.ParseInt(s, 0, 64) reads
 * it after dropping underscores (decimal, 0x, 0o, 0b, leading-0 octal).
 * Returns 0, or FP_EINPUT when @n is not an integer or does not fit.
 */
int fp_yaml_int(int64_t *out, const struct fp_yaml_node *n);

/*
 * A printable rendering of @len bytes of hostile text for a message: bytes
 * outside printable ASCII (and quote and backslash) become \xNN, and text
 * that does not fit in @size ends with "...".  Returns @buf.
 */
const char *fp_yaml_quote(char *buf, size_t size, const char *s, size_t len);

#endif
