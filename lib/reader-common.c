/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/reader-common.h"
#include "lib/util-zone.h"
#include "lib/util-json.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"
#include "lib/util-str.h"
#include "lib/util-time.h"

/* Values are quoted in messages up to this many bytes. */
#define QUOTE_MAX 64
#define Q(len) (int)((len) > QUOTE_MAX ? QUOTE_MAX : (len))

static bool
all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void
fp_reader__at_column(struct fp_err *err, int column)
{
	if (err != NULL && err->column == 0)
		err->column = column;
}

bool
fp_reader__is_none(const char *s, size_t len)
{
	return len == 0 || fp_equals(s, len, "-") || fp_equals(s, len, "null") ||
	       fp_equals(s, len, "<nil>");
}

int
fp_reader__addr(struct fp_addr *out, const char *field, const char *s, size_t len,
		struct fp_err *err)
{
	if (fp_addr_parse(out, s, len) < 0)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": not an IP address: \"%.*s\"", field, Q(len),
				  s);
	return 0;
}

int
fp_reader__uint(uint64_t *out, const char *field, const char *s, size_t len, uint64_t max,
		struct fp_err *err)
{
	uint64_t n = 0;

	if (!all_digits(s, len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": not a number: \"%.*s\"", field, Q(len), s);
	for (size_t i = 0; i < len; i++) {
		if (n > (max - (uint64_t)(s[i] - '0')) / 10 ||
		    n * 10 + (uint64_t)(s[i] - '0') > max)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": out of range (0-%llu): \"%.*s\"",
					  field, (unsigned long long)max, Q(len), s);
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	*out = n;
	return 0;
}

int
fp_reader__port(uint16_t *out, const char *field, const char *s, size_t len,
		struct fp_err *err)
{
	uint64_t n = 0;

	if (!all_digits(s, len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": not a port number: \"%.*s\"", field, Q(len),
				  s);
	for (size_t i = 0; i < len; i++) {
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > 65535)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": port outside 0-65535: \"%.*s\"", field,
					  Q(len), s);
	}
	*out = (uint16_t)n;
	return 0;
}

int
fp_reader__proto(uint8_t *out, const char *field, const char *s, size_t len,
		 struct fp_err *err)
{
	int p = fp_proto_from_name(s, len);
	uint64_t n = 0;

	if (p < 0 && (fp_equals(s, len, "IPv6-ICMP") || fp_equals(s, len, "ipv6-icmp") ||
		      fp_equals(s, len, "icmp6") || fp_equals(s, len, "ICMP6")))
		p = FP_PROTO_ICMPV6;
	if (p < 0 && all_digits(s, len) && len <= 3) {
		for (size_t i = 0; i < len; i++)
			n = n * 10 + (uint64_t)(s[i] - '0');
		if (n == FP_PROTO_TCP || n == FP_PROTO_UDP || n == FP_PROTO_SCTP ||
		    n == FP_PROTO_ICMP || n == FP_PROTO_ICMPV6)
			p = (int)n;
	}
	if (p < 0)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": unknown protocol \"%.*s\"", field, Q(len), s);
	*out = (uint8_t)p;
	return 0;
}

int
fp_reader__count(uint64_t *out, const char *field, uint64_t n, struct fp_err *err)
{
	if (n == 0 || n > FP_READER_MAX_COUNT)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": a count must be 1 to %llu, not %llu", field,
				  FP_READER_MAX_COUNT, (unsigned long long)n);
	*out = n;
	return 0;
}

/* "YYYY-MM-DD HH:MM:SS[.frac]" or with slashes, no zone: UTC, or --tz. */
static int
naive_time(int64_t *out, const char *s, size_t len)
{
	char buf[48];

	if (len < 19 || len + 2 > sizeof(buf))
		return FP_EINPUT;
	if (!((s[4] == '-' && s[7] == '-') || (s[4] == '/' && s[7] == '/')) ||
	    (s[10] != ' ' && s[10] != 'T'))
		return FP_EINPUT;
	/* Reuse the strict RFC 3339 parser: same digits and ranges, zone Z. */
	memcpy(buf, s, len);
	buf[4] = buf[7] = '-';
	buf[10] = 'T';
	buf[len] = 'Z';
	if (memchr(s, 'Z', len) != NULL || memchr(s, '+', len) != NULL)
		return FP_EINPUT;
	if (fp_time_parse_rfc3339(out, NULL, buf, len + 1) < 0)
		return FP_EINPUT;
	*out = fp_zone_to_utc(*out); /* --tz: the zone the writer ran in */
	return 0;
}

/* Unix seconds, optionally with a fraction. */
static int
unix_time(int64_t *out, const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);
	size_t ilen = dot != NULL ? (size_t)(dot - s) : len;
	int64_t n = 0;

	if (!all_digits(s, ilen) || ilen > 12)
		return FP_EINPUT;
	if (dot != NULL && !all_digits(dot + 1, len - ilen - 1))
		return FP_EINPUT;
	for (size_t i = 0; i < ilen; i++)
		n = n * 10 + (s[i] - '0');
	*out = n;
	return 0;
}

int
fp_reader__time(int64_t *out, const char *field, const char *s, size_t len,
		struct fp_err *err)
{
	if (fp_time_parse_rfc3339(out, NULL, s, len) == 0 ||
	    naive_time(out, s, len) == 0 || unix_time(out, s, len) == 0)
		return 0;
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": not a time: \"%.*s\"",
			  field, Q(len), s);
}

int
fp_reader__time_json(int64_t *out, const char *field, json_t *v, struct fp_err *err)
{
	/* 12 digits of seconds reach the year 33658: plenty, and no overflow. */
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < 1000000000000LL) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1e12) {
		*out = (int64_t)json_real_value(v);
		return 0;
	}
	if (json_is_string(v))
		return fp_reader__time(out, field, json_string_value(v),
				       json_string_length(v), err);
	if (json_is_integer(v) || json_is_real(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": time out of range",
				  field);
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": expected a time, got %s",
			  field, fp_json_type_name(v));
}

static int
copy(const char **out, struct fp_arena *arena, const char *s, size_t len,
     struct fp_err *err)
{
	*out = fp_arena_strndup(arena, s, len);
	return *out == NULL ? fp_err_nomem(err) : 0;
}

int
fp_reader__set_ns(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		  const char *s, size_t len, struct fp_err *err)
{
	if (!fp_k8s_is_dns_label(s, len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid namespace name \"%.*s\"", field,
				  Q(len), s);
	return copy(&ep->ns, arena, s, len, err);
}

int
fp_reader__set_pod(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		   const char *s, size_t len, struct fp_err *err)
{
	if (!fp_k8s_is_dns_subdomain(s, len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid pod name \"%.*s\"", field, Q(len), s);
	return copy(&ep->pod, arena, s, len, err);
}

int
fp_reader__set_workload(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
			const char *s, size_t len, struct fp_err *err)
{
	if (!fp_k8s_is_dns_subdomain(s, len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid workload name \"%.*s\"", field, Q(len),
				  s);
	return copy(&ep->workload, arena, s, len, err);
}

int
fp_reader__set_workload_kind(struct fp_endpoint *ep, struct fp_arena *arena,
			     const char *field, const char *s, size_t len,
			     struct fp_err *err)
{
	bool ok = len > 0 && len <= 63;

	for (size_t i = 0; ok && i < len; i++)
		ok = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z');
	if (!ok)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid kind \"%.*s\"", field, Q(len), s);
	return copy(&ep->workload_kind, arena, s, len, err);
}

int
fp_reader__add_label(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		     const char *key, size_t klen, const char *value, size_t vlen,
		     struct fp_err *err)
{
	if (!fp_k8s_is_label_key(key, klen))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid label key \"%.*s\"", field, Q(klen),
				  key);
	if (!fp_k8s_is_label_value(value, vlen))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid value \"%.*s\" for label \"%.*s\"",
				  field, Q(vlen), value, Q(klen), key);
	if (ep->n_labels >= FP_READER_MAX_LABELS)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": more than %d labels", field,
				  FP_READER_MAX_LABELS);
	/* One array of the largest size per endpoint: the arena is reset per line. */
	if (ep->labels == NULL) {
		ep->labels =
			fp_arena_alloc(arena, FP_READER_MAX_LABELS * sizeof(*ep->labels));
		if (ep->labels == NULL)
			return fp_err_nomem(err);
	}
	if (copy(&ep->labels[ep->n_labels].key, arena, key, klen, err) < 0 ||
	    copy(&ep->labels[ep->n_labels].value, arena, value, vlen, err) < 0)
		return FP_ENOMEM;
	ep->n_labels++;
	return 0;
}

int
fp_reader__labels_json(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		       json_t *obj, struct fp_err *err)
{
	const char *key;
	json_t *v;

	if (obj == NULL || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": expected object, got %s", field,
				  fp_json_type_name(obj));
	json_object_foreach(obj, key, v) {
		if (!json_is_string(v))
			return fp_err_set(
				err, FP_EINPUT, NULL, 0, 0,
				"\"%s\": label \"%.*s\": expected string, got %s", field,
				Q(strlen(key)), key, fp_json_type_name(v));
		int r = fp_reader__add_label(ep, arena, field, key, strlen(key),
					     json_string_value(v), json_string_length(v),
					     err);

		if (r < 0)
			return r;
	}
	return 0;
}

int
fp_reader__labels_text(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		       const char *s, size_t len, struct fp_err *err)
{
	size_t i = 0;

	if (len == 0 || fp_equals(s, len, "null") || fp_equals(s, len, "{}"))
		return 0;
	if (s[0] == '{') {
		json_t *obj;
		json_error_t jerr;
		int r;

		obj = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
		if (obj == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": labels are not a JSON object: %s",
					  field, jerr.text);
		r = fp_reader__labels_json(ep, arena, field, obj, err);
		json_decref(obj);
		return r;
	}
	while (i < len) {
		const char *k = s + i, *comma = memchr(k, ',', len - i), *eq;
		size_t n = comma != NULL ? (size_t)(comma - k) : len - i;

		int r;

		eq = memchr(k, '=', n);
		if (eq == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": label without '=': \"%.*s\"", field,
					  Q(n), k);
		r = fp_reader__add_label(ep, arena, field, k, (size_t)(eq - k), eq + 1,
					 n - (size_t)(eq - k) - 1, err);
		if (r < 0)
			return r;
		i += n + 1;
		if (comma != NULL && i == len)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": labels end with ','", field);
	}
	return 0;
}

/*
 * jansson says "unexpected token near ']'" for a trailing comma.  Where the
 * bad token is a closing bracket after a comma, say so.
 */
static bool
trailing_comma(const char *text, size_t len, size_t pos, char *closer, size_t *comma_at)
{
	size_t i;

	if (pos == 0 || pos > len || (text[pos - 1] != ']' && text[pos - 1] != '}'))
		return false;
	i = pos - 1;
	while (i > 0 && strchr(" \t\r\n", text[i - 1]) != NULL)
		i--;
	if (i == 0 || text[i - 1] != ',')
		return false;
	*closer = text[pos - 1];
	*comma_at = i - 1;
	return true;
}

int
fp_reader__json_load(json_t **out, long *line_out, const char *text, size_t len,
		     struct fp_err *err)
{
	json_error_t jerr;
	size_t comma;
	char closer;

	if (line_out != NULL)
		*line_out = 0;
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*out != NULL)
		return 0;
	if (line_out != NULL)
		*line_out = jerr.line > 0 ? jerr.line : 0;
	if (jerr.position > 0 &&
	    trailing_comma(text, len, (size_t)jerr.position, &closer, &comma)) {
		long line = 1;
		size_t bol = 0;

		for (size_t i = 0; i < comma; i++)
			if (text[i] == '\n') {
				line++;
				bol = i + 1;
			}
		if (line_out != NULL)
			*line_out = line;
		return fp_err_set(err, FP_EINPUT, NULL, 0, (int)(comma - bol) + 1,
				  "invalid JSON: trailing comma before '%c'", closer);
	}
	if (strstr(jerr.text, "JSON_ALLOW_NUL") != NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0,
				  jerr.column > 0 ? jerr.column : 0,
				  "invalid JSON: NUL character (\\u0000) in a string");
	return fp_err_set(err, FP_EINPUT, NULL, 0, jerr.column > 0 ? jerr.column : 0,
			  "invalid JSON: %s", jerr.text);
}

json_t *
fp_reader__json_any(json_t *obj, const char *const *keys, const char **key_out)
{
	for (size_t i = 0; keys[i] != NULL; i++) {
		json_t *v = json_object_get(obj, keys[i]);

		if (v != NULL && !json_is_null(v)) {
			if (key_out != NULL)
				*key_out = keys[i];
			return v;
		}
	}
	return NULL;
}

void
fp_reader__multiline_init(struct fp_reader__multiline *ml)
{
	memset(ml, 0, sizeof(*ml));
	fp_buf_init(&ml->text);
}

void
fp_reader__multiline_done(struct fp_reader__multiline *ml)
{
	fp_buf_done(&ml->text);
}

void
fp_reader__multiline_reset(struct fp_reader__multiline *ml)
{
	fp_buf_reset(&ml->text);
	ml->lines = 0;
	ml->depth = 0;
	ml->active = ml->in_string = ml->escape = ml->overflow = false;
}

static bool
is_lone_brace(const char *s, size_t len)
{
	size_t i = 0, n = 0;

	for (; i < len; i++) {
		if (s[i] == '{')
			n++;
		else if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return n == 1;
}

int
fp_reader__multiline_feed(struct fp_reader__multiline *ml, const char *line, size_t len)
{
	if (!ml->active) {
		if (!is_lone_brace(line, len))
			return 0;
		ml->active = true;
	}
	ml->lines++;
	/* Give up on a record too long to be one: a stray "{" line must not
	 * swallow the rest of the file.  The lines after it are read again as
	 * records of their own. */
	if (ml->lines > FP_READER_MULTILINE_MAX_LINES ||
	    ml->text.len + len + 1 > FP_READER_MULTILINE_MAX) {
		ml->overflow = true;
		return 1;
	}
	if (fp_buf_add(&ml->text, line, len) < 0 || fp_buf_addc(&ml->text, '\n') < 0)
		return FP_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (ml->in_string) {
			if (ml->escape)
				ml->escape = false;
			else if (c == '\\')
				ml->escape = true;
			else if (c == '"')
				ml->in_string = false;
		} else if (c == '"') {
			ml->in_string = true;
		} else if (c == '{' || c == '[') {
			/* Deeper than any parser goes; saturate rather than overflow. */
			if (ml->depth < 1000000)
				ml->depth++;
		} else if (c == '}' || c == ']') {
			ml->depth--;
		}
	}
	/* A string cannot span lines in JSON: the parser will say so. */
	ml->in_string = ml->escape = false;
	return ml->depth <= 0 ? 1 : 2;
}

int
fp_reader__table_header(struct fp_reader__table *t, const struct fp_csv_row *row,
			bool strict, const char *(*alias)(const char *name),
			struct fp_err *err)
{
	size_t n = 0;

	while (t->names[n] != NULL)
		n++;
	for (size_t i = 0; i < n && i < FP_READER_MAX_COLUMNS; i++)
		t->idx[i] = -1;
	for (size_t c = 0; c < row->n; c++) {
		const char *name = row->v[c];
		size_t k;

		if (alias != NULL && alias(name) != NULL)
			name = alias(name);
		/* A NUL inside a header field names no column. */
		for (k = 0; k < n && strlen(row->v[c]) == row->len[c]; k++)
			if (strcmp(t->names[k], name) == 0)
				break;
		if (strlen(row->v[c]) != row->len[c])
			k = n;
		if (k == n || k >= FP_READER_MAX_COLUMNS) {
			if (!strict)
				continue;
			return fp_err_set(err, FP_EINPUT, NULL, 0, row->col[c],
					  "unknown column \"%.*s\"", Q(row->len[c]),
					  row->v[c]);
		}
		if (t->idx[k] >= 0)
			return fp_err_set(err, FP_EINPUT, NULL, 0, row->col[c],
					  "column \"%s\" given twice", t->names[k]);
		t->idx[k] = (int)c;
	}
	t->n_columns = row->n;
	t->have_header = true;
	return 0;
}

static json_t *
view_json(const struct fp_reader__view *v, const char *name)
{
	json_t *j = json_object_get(v->obj, name);
	const char *us;

	if (j != NULL || !v->nested)
		return j;
	/* "src_ip" is also "src": {"ip": ...} */
	us = strchr(name, '_');
	if (us != NULL && us - name == 3 &&
	    (memcmp(name, "src", 3) == 0 || memcmp(name, "dst", 3) == 0)) {
		char side[4];

		memcpy(side, name, 3);
		side[3] = '\0';
		j = json_object_get(v->obj, side);
		if (json_is_object(j))
			return json_object_get(j, us + 1);
	}
	return NULL;
}

int
fp_reader__view_get(const char **s, size_t *len, json_t **json_out,
		    struct fp_reader__view *v, int i, struct fp_err *err)
{
	const char *name = v->table->names[i];
	char buf[64];
	json_t *j;

	*s = NULL;
	*len = 0;
	if (json_out != NULL)
		*json_out = NULL;
	v->column = 0;
	if (v->obj == NULL) {
		int c = i < FP_READER_MAX_COLUMNS ? v->table->idx[i] : -1;

		if (c < 0 || (size_t)c >= v->row->n || v->row->len[c] == 0)
			return 0;
		*s = v->row->v[c];
		*len = v->row->len[c];
		v->column = v->row->col[c];
		return 0;
	}
	j = view_json(v, name);
	if (j == NULL || json_is_null(j))
		return 0;
	if (json_is_string(j)) {
		*s = json_string_value(j);
		*len = json_string_length(j);
		if (*len == 0)
			*s = NULL;
		return 0;
	}
	if (json_is_object(j) && json_out != NULL) {
		*json_out = j;
		return 0;
	}
	if (json_is_integer(j))
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(j));
	else if (json_is_real(j))
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(j));
	else if (json_is_boolean(j))
		snprintf(buf, sizeof(buf), "%s", json_is_true(j) ? "true" : "false");
	else
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": expected a value, got %s", name,
				  fp_json_type_name(j));
	*len = strlen(buf);
	*s = fp_arena_strndup(v->arena, buf, *len);
	return *s == NULL ? fp_err_nomem(err) : 0;
}
