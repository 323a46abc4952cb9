/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonschema.h - a JSON Schema (draft 2020-12) validator for YAML trees.
 *
 * flowpol describes its configuration file with a JSON Schema, so editors
 * can check the file as it is written, and validates the file against the
 * very same schema, so the two never disagree.  Only the subset the schema
 * needs is implemented, and a schema that uses anything else is refused
 * when it is compiled rather than silently half-checked:
 *
 *   type (string, integer, boolean, null, object, array, or a list of them),
 *   properties, additionalProperties (false, true or a schema), required,
 *   enum (of strings, integers, booleans, null), items, minimum, maximum
 *   (integers), minItems, minLength, format (checked by functions the caller
 *   registers), oneOf; and the annotations $schema, $id, $comment, title,
 *   description, default and examples, which do not affect validation.
 *
 * The instance is a YAML tree from lib/yamltree, resolved the way YAML 1.1
 * resolves scalars (a plain 80 is an integer, a quoted "80" a string), so
 * every error names the file, line and column of the node at fault:
 *
 *   flowpol.yaml:7:3: unknown key 'min-day'; did you mean 'min-days'?
 *   flowpol.yaml:9:14: "labels.prefer[1]": expected string, got integer
 *
 * An unknown key is reported with the valid key nearest to it by edit
 * distance, when one is near enough to be a plausible typo.
 */
#ifndef FP_JSONSCHEMA_H
#define FP_JSONSCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/yamltree.h"

/* A "format" the caller checks in C (instead of a regular expression). */
struct fp_jsonschema_format {
	const char *name; /* the value of "format" in the schema */
	const char *what; /* for messages: "expected <what>, got '...'" */
	bool (*check)(const char *s, size_t len);
};

struct fp_jsonschema;

/*
 * Compile the schema in the @len bytes of JSON at @text.  @formats (borrowed;
 * must outlive the schema) are the formats it may name; a format that is not
 * among them, an unsupported keyword or a malformed value is FP_EINPUT, with
 * the JSON pointer of the offending place in the message.  *@out is freed
 * with fp_jsonschema_free().  0, FP_EINPUT or FP_ENOMEM.
 */
int fp_jsonschema_new(struct fp_jsonschema **out, const char *text, size_t len,
		      const struct fp_jsonschema_format *formats, size_t n_formats,
		      struct fp_err *err);

/* Release @s; takes NULL. */
void fp_jsonschema_free(struct fp_jsonschema *s);

/*
 * Validate the YAML node @root (borrowed) against @s.  Stops at the first
 * error in document order and fills @err with @source, the node's line and
 * column, and the message.  0 or FP_EINPUT.
 */
int fp_jsonschema_validate(const struct fp_jsonschema *s, const struct fp_yaml_node *root,
			   const char *source, struct fp_err *err);

/*
 * The optimal string alignment distance between @a and @b (insertions,
 * deletions, substitutions and transpositions of adjacent bytes), capped at
 * 64: strings longer than 64 bytes are simply 64 apart.
 */
size_t fp_jsonschema_distance(const char *a, const char *b);

/*
 * Of the @n strings @candidates, the one nearest to @word, if it is near
 * enough to be a typo of it: at most a third of the candidate's length
 * apart, and at least 1.  Ties go to the first in byte order.  Borrowed from
 * @candidates; NULL when none is near enough.
 */
const char *fp_jsonschema_nearest(const char *word, const char *const *candidates, size_t n);

#endif
