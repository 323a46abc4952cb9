/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/input.h"
#include "lib/json-split.h"

/* Deeper than any parser goes: saturate rather than overflow. */
#define DEPTH_MAX 1000000

void
fp_jsplit_init(struct fp_jsplit *s)
{
	memset(s, 0, sizeof(*s));
	fp_buf_init(&s->rec);
}

void
fp_jsplit_done(struct fp_jsplit *s)
{
	fp_buf_done(&s->rec);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

bool
fp_jsplit_opens(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && is_space(line[i]))
		i++;
	while (len > i && is_space(line[len - 1]))
		len--;
	if (i >= len)
		return false;
	return line[i] == '[' || (line[i] == '{' && len == i + 1);
}

/* Add @len bytes of the open record, up to the most a record may hold. */
static int
gather(struct fp_jsplit *s, const char *p, size_t len)
{
	s->rec_len += len;
	if (s->rec_len > FP_INPUT_MAX_LINE)
		return 0; /* dropped when it ends: said then */
	return fp_buf_add(&s->rec, p, len);
}

/* The open record ends with the @len bytes at @p of the current line. */
static int
end_record(struct fp_jsplit *s, const char *p, size_t len, fp_jsplit_emit emit, void *ctx)
{
	long line = s->rec_line;
	int r;

	s->rec_line = 0;
	s->scalar = false;
	if (s->rec_len == 0) /* begun and ended on this line: no copy */
		return emit(ctx, p, len, line);
	if (gather(s, p, len) < 0)
		return -1;
	if (s->rec_len > FP_INPUT_MAX_LINE)
		r = emit(ctx, NULL, s->rec_len, line);
	else
		r = emit(ctx, fp_buf_str(&s->rec), s->rec.len, line);
	fp_buf_reset(&s->rec);
	s->rec_len = 0;
	return r;
}

int
fp_jsplit_feed(struct fp_jsplit *s, const char *line, size_t len, long lineno,
	       fp_jsplit_emit emit, void *ctx)
{
	/* the depth between records: inside the top-level array, or none */
	size_t base = s->array && s->depth > 0 ? 1 : 0;
	size_t start = 0; /* of the open record's bytes on this line */
	int n = 0, r;

	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (s->rec_line == 0) {
			if (is_space(c))
				continue;
			if (!s->started) {
				s->started = true;
				if (c == '[') {
					s->array = true;
					s->depth = base = 1;
					continue;
				}
			}
			if (base == 1 && c == ',')
				continue;
			if (base == 1 && c == ']') {
				s->depth = base = 0; /* the array closed */
				continue;
			}
			s->rec_line = lineno;
			s->scalar = c != '{' && c != '[';
			start = i;
		}
		if (s->in_string) {
			if (s->escape)
				s->escape = false;
			else if (c == '\\')
				s->escape = true;
			else if (c == '"')
				s->in_string = false;
		} else if (c == '"') {
			s->in_string = true;
		} else if (s->scalar) {
			/* an element that is not an object: up to the next one */
			if (base == 1 && (c == ',' || c == ']')) {
				if ((r = end_record(s, line + start, i - start, emit, ctx)) < 0)
					return r;
				n++;
				if (c == ']')
					s->depth = base = 0; /* the array closed */
			}
		} else if (c == '{' || c == '[') {
			if (s->depth < DEPTH_MAX)
				s->depth++;
		} else if (c == '}' || c == ']') {
			if (s->depth > base)
				s->depth--;
			if (s->depth == base) {
				if ((r = end_record(s, line + start, i + 1 - start, emit, ctx)) < 0)
					return r;
				n++;
			}
		}
	}
	/* A string cannot span lines in JSON: the reader will say so. */
	s->in_string = s->escape = false;
	if (s->rec_line != 0) {
		/* top-level garbage that is not an element ends with its line */
		if (s->scalar && base == 0) {
			if ((r = end_record(s, line + start, len - start, emit, ctx)) < 0)
				return r;
			return n + 1;
		}
		if (gather(s, line + start, len - start) < 0 || gather(s, "\n", 1) < 0)
			return -1;
	}
	return n;
}

int
fp_jsplit_finish(struct fp_jsplit *s, fp_jsplit_emit emit, void *ctx)
{
	int r;

	if (s->rec_line == 0)
		return 0;
	r = end_record(s, "", 0, emit, ctx);
	return r < 0 ? r : 1;
}
