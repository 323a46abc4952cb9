/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/carry.h"
#include "lib/input.h"

/* A baseline file larger than this was not written by flowpol for one namespace. */
#define CARRY_MAX (64u << 20)

struct doc {
	const char *s; /* from its "---" line to the next one */
	size_t len;
};

/* Split a stream at lines that are exactly "---". */
static size_t
split(struct doc *out, size_t max, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - s) + 1 : len;
		bool sep = end - i >= 3 && memcmp(s + i, "---", 3) == 0 &&
			   (end - i == 3 || s[i + 3] == '\n');

		if (sep || n == 0) {
			if (n == max)
				return n;
			out[n].s = s + i;
			out[n].len = 0;
			n++;
		}
		out[n - 1].len += end - i;
		i = end;
	}
	return n;
}

static size_t
count_docs(const char *s, size_t len)
{
	size_t n = 1;

	for (size_t i = 0; i + 3 <= len; i++)
		if ((i == 0 || s[i - 1] == '\n') && memcmp(s + i, "---", 3) == 0)
			n++;
	return n;
}

/* Length of the line at @s, newline included. */
static size_t
line_len(const char *s, size_t left)
{
	const char *nl = memchr(s, '\n', left);

	return nl != NULL ? (size_t)(nl - s) + 1 : left;
}

static size_t
indent(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Do @a and @b match once the metadata.annotations block is left out? */
static bool
same_but_annotations(const struct doc *a, const struct doc *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		size_t la, lb;

		/* Skip "  annotations:" and everything indented under it. */
		for (int side = 0; side < 2; side++) {
			const struct doc *d = side ? b : a;
			size_t *p = side ? &j : &i;

			if (*p < d->len && line_len(d->s + *p, d->len - *p) == 15 &&
			    memcmp(d->s + *p, "  annotations:\n", 15) == 0) {
				*p += 15;
				while (*p < d->len) {
					size_t l = line_len(d->s + *p, d->len - *p);

					if (indent(d->s + *p, l) <= 2)
						break;
					*p += l;
				}
			}
		}
		if (i == a->len || j == b->len)
			return i == a->len && j == b->len;
		la = line_len(a->s + i, a->len - i);
		lb = line_len(b->s + j, b->len - j);
		if (la != lb || memcmp(a->s + i, b->s + j, la) != 0)
			return false;
		i += la;
		j += lb;
	}
}

int
fp_carry_documents(struct fp_buf *out, const char *text, size_t len, const char *baseline,
		   size_t baseline_len)
{
	size_t na = count_docs(text, len), nb = baseline ? count_docs(baseline, baseline_len) : 0;
	struct doc *a = calloc(na, sizeof(*a)), *b = calloc(nb ? nb : 1, sizeof(*b));
	int r = 0;

	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return FP_ENOMEM;
	}
	na = split(a, na, text, len);
	nb = baseline ? split(b, nb, baseline, baseline_len) : 0;
	for (size_t i = 0; i < na && r == 0; i++) {
		const struct doc *use = &a[i];

		for (size_t k = 0; k < nb; k++)
			if (same_but_annotations(&a[i], &b[k])) {
				use = &b[k];
				break;
			}
		r = fp_buf_add(out, use->s, use->len);
	}
	free(a);
	free(b);
	return r < 0 ? FP_ENOMEM : 0;
}

int
fp_carry_file(struct fp_buf *text, const char *dir, const char *name, struct fp_err *err)
{
	struct fp_input *in = NULL;
	struct fp_buf base, out;
	char path[4096];
	FILE *probe;
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return fp_err_set(err, FP_EINPUT, dir, 0, 0, "path too long");
	probe = fopen(path, "rb");
	if (probe == NULL)
		return errno == ENOENT ? 0 : fp_err_set(err, FP_EIO, path, 0, 0, "%s", strerror(errno));
	fclose(probe);
	fp_buf_init(&base);
	fp_buf_init(&out);
	r = fp_input_open(&in, path, err);
	if (r == 0)
		r = fp_input_read_all(in, &base, CARRY_MAX, err);
	fp_input_close(in);
	if (r == 0 && fp_carry_documents(&out, fp_buf_str(text), text->len, fp_buf_str(&base),
					 base.len) < 0)
		r = fp_err_nomem(err);
	if (r == 0) {
		fp_buf_reset(text);
		if (fp_buf_add(text, fp_buf_str(&out), out.len) < 0)
			r = fp_err_nomem(err);
	}
	fp_buf_done(&base);
	fp_buf_done(&out);
	return r;
}
