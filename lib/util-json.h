/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-json.h - typed access to jansson values with errors that name the
 * field, for readers of JSON formats.
 *
 * Every getter treats an absent member (or JSON null) as "not present" and a
 * member of the wrong type as FP_EINPUT, with err->text naming @path, the
 * dotted path of the member ("flow.l4.TCP.destination_port").
 */
#ifndef FP_UTIL_JSON_H
#define FP_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/err.h"

/* The member @key of @obj when it is an object; NULL when absent or null. */
int fp_json_object(json_t **out, json_t *obj, const char *key, const char *path,
		   struct fp_err *err);
int fp_json_array(json_t **out, json_t *obj, const char *key, const char *path,
		  struct fp_err *err);
/* A string member; *out is NULL when absent.  Borrowed from @obj. */
int fp_json_string(const char **out, size_t *len_out, json_t *obj, const char *key,
		   const char *path, struct fp_err *err);
/*
 * An unsigned integer member no larger than @max; protobuf's JSON mapping
 * writes 64-bit integers as strings, so a string of digits is accepted too.
 * *present is false when absent.
 */
int fp_json_uint(uint64_t *out, bool *present, json_t *obj, const char *key, uint64_t max,
		 const char *path, struct fp_err *err);
/* A boolean member; *present is false when absent. */
int fp_json_bool(bool *out, bool *present, json_t *obj, const char *key, const char *path,
		 struct fp_err *err);
/* Parse @len bytes as one JSON value, rejecting duplicate keys. */
int fp_json_load(json_t **out, const char *text, size_t len, struct fp_err *err);
/* The JSON type of @v as a word, for messages. */
const char *fp_json_type_name(const json_t *v);

#endif
