/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yamltree-kind.c - what a scalar of the YAML tree means, resolved as
 * Kubernetes' decoder (go-yaml v2, YAML 1.1) resolves it, and its value
 * when it is an integer.
 */
#include "config.h"

#include <string.h>

#include "lib/util-macro.h"
#include "lib/yamltree.h"

static bool
in_list(const char *s, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return true;
	return false;
}

static int
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * Go's strconv.ParseInt(s, 0, 64), and ParseUint for the values above
 * INT64_MAX: a sign, then 0x/0o/0b or a leading 0 (octal) or decimal.
 * Returns false when @s is not such an integer or does not fit in 64 bits.
 */
static bool
parse_go_int(const char *s, size_t len, bool *neg, uint64_t *mag)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t v = 0;

	*neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		*neg = s[i++] == '-';
	if (i + 1 < len && s[i] == '0') {
		char p = s[i + 1];

		if (p == 'x' || p == 'X')
			base = 16, i += 2;
		else if (p == 'o' || p == 'O')
			base = 8, i += 2;
		else if (p == 'b' || p == 'B')
			base = 2, i += 2;
		else
			base = 8, i += 1;
	}
	if (i >= len)
		return false;
	for (; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= (int)base || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	if (*neg && v > (uint64_t)INT64_MAX + 1)
		return false;
	*mag = v;
	return true;
}

/* go-yaml v2's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
is_float(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d) {
		if (i >= len || s[i] != '.')
			return false;
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	} else if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

/* Copy @s without underscores (go-yaml drops them before parsing numbers). */
static size_t
strip_underscores(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '_')
			continue;
		if (o + 1 >= size)
			return 0;
		buf[o++] = s[i];
	}
	buf[o] = '\0';
	return o;
}

/* The kind of an untagged plain scalar, as go-yaml v2's resolve() decides. */
static enum fp_yaml_kind
resolve_plain(const char *s, size_t len)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL" };
	static const char *const bools[] = {
		"y",     "Y",     "yes",   "Yes", "YES", "true", "True", "TRUE",
		"on",    "On",    "ON",    "n",   "N",   "no",   "No",   "NO",
		"false", "False", "FALSE", "off", "Off", "OFF",
	};
	static const char *const floats[] = {
		".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
		"-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN",
	};
	char buf[128];
	size_t n;
	bool neg;
	uint64_t mag;

	if (len == 0 || in_list(s, len, nulls, FP_ARRAY_SIZE(nulls)))
		return FP_YAML_KIND_NULL;
	if (in_list(s, len, bools, FP_ARRAY_SIZE(bools)))
		return FP_YAML_KIND_BOOL;
	if (in_list(s, len, floats, FP_ARRAY_SIZE(floats)))
		return FP_YAML_KIND_FLOAT;
	/* Only a sign, a digit or a dot can start a number (resolveTable). */
	if (!(s[0] == '+' || s[0] == '-' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
		return FP_YAML_KIND_STR;
	n = strip_underscores(buf, sizeof(buf), s, len);
	if (n == 0)
		return FP_YAML_KIND_STR;
	if (s[0] != '.' && parse_go_int(buf, n, &neg, &mag))
		return FP_YAML_KIND_INT;
	if (is_float(buf, n))
		return FP_YAML_KIND_FLOAT;
	return FP_YAML_KIND_STR;
}

enum fp_yaml_kind
fp_yaml_kind(const struct fp_yaml_node *n)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	const size_t plen = sizeof(prefix) - 1;
	enum fp_yaml_kind k;
	const char *t;

	if (n == NULL)
		return FP_YAML_KIND_NULL;
	if (n->type == FP_YAML_SEQUENCE)
		return FP_YAML_KIND_SEQUENCE;
	if (n->type == FP_YAML_MAPPING)
		return FP_YAML_KIND_MAPPING;
	if (n->tag == NULL)
		return n->style == FP_YAML_PLAIN ? resolve_plain(n->value, n->len)
						 : FP_YAML_KIND_STR;
	t = n->tag;
	if (strcmp(t, "!") == 0 || strcmp(t, "tag:yaml.org,2002:str") == 0)
		return FP_YAML_KIND_STR;
	if (strncmp(t, prefix, plen) != 0)
		return FP_YAML_KIND_OTHER;
	/* A core tag must agree with what the text says. */
	k = resolve_plain(n->value, n->len);
	t += plen;
	if ((strcmp(t, "null") == 0 && k == FP_YAML_KIND_NULL) ||
	    (strcmp(t, "bool") == 0 && k == FP_YAML_KIND_BOOL) ||
	    (strcmp(t, "int") == 0 && k == FP_YAML_KIND_INT))
		return k;
	if (strcmp(t, "float") == 0 && (k == FP_YAML_KIND_FLOAT || k == FP_YAML_KIND_INT))
		return FP_YAML_KIND_FLOAT;
	return FP_YAML_KIND_OTHER;
}

const char *
fp_yaml_kind_name(enum fp_yaml_kind k)
{
	switch (k) {
	case FP_YAML_KIND_NULL:
		return "null";
	case FP_YAML_KIND_BOOL:
		return "boolean";
	case FP_YAML_KIND_INT:
		return "integer";
	case FP_YAML_KIND_FLOAT:
		return "float";
	case FP_YAML_KIND_STR:
		return "string";
	case FP_YAML_KIND_OTHER:
		return "tagged scalar";
	case FP_YAML_KIND_SEQUENCE:
		return "sequence";
	case FP_YAML_KIND_MAPPING:
		return "mapping";
	}
	return "unknown";
}

bool
fp_yaml_is_null(const struct fp_yaml_node *n)
{
	return fp_yaml_kind(n) == FP_YAML_KIND_NULL;
}

bool
fp_yaml_is_str(const struct fp_yaml_node *n, const char *s)
{
	return fp_yaml_kind(n) == FP_YAML_KIND_STR && n->len == strlen(s) &&
	       memcmp(n->value, s, n->len) == 0;
}

int
fp_yaml_bool(bool *out, const struct fp_yaml_node *n)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true",
					   "True", "TRUE", "on", "On", "ON" };

	*out = false;
	if (fp_yaml_kind(n) != FP_YAML_KIND_BOOL)
		return FP_EINPUT;
	*out = in_list(n->value, n->len, yes, FP_ARRAY_SIZE(yes));
	return 0;
}

int
fp_yaml_int(int64_t *out, const struct fp_yaml_node *n)
{
	char buf[128];
	size_t len;
	bool neg;
	uint64_t mag;

	*out = 0;
	if (fp_yaml_kind(n) != FP_YAML_KIND_INT)
		return FP_EINPUT;
	len = strip_underscores(buf, sizeof(buf), n->value, n->len);
	if (len == 0 || !parse_go_int(buf, len, &neg, &mag))
		return FP_EINPUT;
	if (!neg && mag > (uint64_t)INT64_MAX)
		return FP_EINPUT;
	*out = !neg ? (int64_t)mag : mag == 0 ? 0 : -(int64_t)(mag - 1) - 1;
	return 0;
}
