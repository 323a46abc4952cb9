/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/util-json.h"

const char *
fp_json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "value";
}

static int
wrong_type(struct fp_err *err, const char *path, const char *key, const char *want,
	   const json_t *got)
{
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s%s%s\": expected %s, got %s", path,
			  path[0] != '\0' ? "." : "", key, want, fp_json_type_name(got));
}

static json_t *
member(json_t *obj, const char *key)
{
	json_t *v = obj != NULL ? json_object_get(obj, key) : NULL;

	return v != NULL && !json_is_null(v) ? v : NULL;
}

int
fp_json_object(json_t **out, json_t *obj, const char *key, const char *path,
	       struct fp_err *err)
{
	json_t *v = member(obj, key);

	*out = NULL;
	if (v != NULL && !json_is_object(v))
		return wrong_type(err, path, key, "object", v);
	*out = v;
	return 0;
}

int
fp_json_array(json_t **out, json_t *obj, const char *key, const char *path,
	      struct fp_err *err)
{
	json_t *v = member(obj, key);

	*out = NULL;
	if (v != NULL && !json_is_array(v))
		return wrong_type(err, path, key, "array", v);
	*out = v;
	return 0;
}

int
fp_json_string(const char **out, size_t *len_out, json_t *obj, const char *key,
	       const char *path, struct fp_err *err)
{
	json_t *v = member(obj, key);

	*out = NULL;
	if (len_out != NULL)
		*len_out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return wrong_type(err, path, key, "string", v);
	*out = json_string_value(v);
	if (len_out != NULL)
		*len_out = json_string_length(v);
	return 0;
}

int
fp_json_uint(uint64_t *out, bool *present, json_t *obj, const char *key, uint64_t max,
	     const char *path, struct fp_err *err)
{
	json_t *v = member(obj, key);
	uint64_t n = 0;

	*out = 0;
	*present = false;
	if (v == NULL)
		return 0;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || (uint64_t)i > max)
			goto range;
		n = (uint64_t)i;
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);

		if (len == 0 || len > 20)
			goto range;
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return wrong_type(err, path, key, "integer", v);
			if (n > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
				goto range;
			n = n * 10 + (uint64_t)(s[i] - '0');
		}
		if (n > max)
			goto range;
	} else {
		return wrong_type(err, path, key, "integer", v);
	}
	*out = n;
	*present = true;
	return 0;
range:
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s%s%s\": out of range (0-%llu)", path,
			  path[0] != '\0' ? "." : "", key, (unsigned long long)max);
}

int
fp_json_bool(bool *out, bool *present, json_t *obj, const char *key, const char *path,
	     struct fp_err *err)
{
	json_t *v = member(obj, key);

	*out = false;
	*present = false;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return wrong_type(err, path, key, "boolean", v);
	*out = json_is_true(v);
	*present = true;
	return 0;
}

int
fp_json_load(json_t **out, const char *text, size_t len, struct fp_err *err)
{
	json_error_t jerr;

	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*out != NULL)
		return 0;
	/* jansson names its own flag here; say what is wrong with the input. */
	if (strstr(jerr.text, "JSON_ALLOW_NUL") != NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, jerr.column > 0 ? jerr.column : 0,
				  "invalid JSON: NUL character (\\u0000) in a string");
	return fp_err_set(err, FP_EINPUT, NULL, 0, jerr.column > 0 ? jerr.column : 0,
			  "invalid JSON: %s", jerr.text);
}
