/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/util-buf.h"

void
fp_buf_init(struct fp_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
fp_buf_done(struct fp_buf *b)
{
	free(b->data);
	fp_buf_init(b);
}

void
fp_buf_reset(struct fp_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
fp_buf_reserve(struct fp_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return FP_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap != 0 ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return FP_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
fp_buf_add(struct fp_buf *b, const void *data, size_t len)
{
	if (fp_buf_reserve(b, len) < 0)
		return FP_ENOMEM;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
fp_buf_adds(struct fp_buf *b, const char *s)
{
	return fp_buf_add(b, s, strlen(s));
}

int
fp_buf_addc(struct fp_buf *b, char c)
{
	return fp_buf_add(b, &c, 1);
}

int
fp_buf_vprintf(struct fp_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	/* Print into the room left first: formatting twice is the rare case. */
	if (fp_buf_reserve(b, 64) < 0)
		return FP_ENOMEM;
	va_copy(aq, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, aq);
	va_end(aq);
	if (n < 0)
		return FP_ENOMEM;
	if ((size_t)n >= b->cap - b->len) {
		if (fp_buf_reserve(b, (size_t)n) < 0) {
			b->data[b->len] = '\0';
			return FP_ENOMEM;
		}
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
	return 0;
}

int
fp_buf_printf(struct fp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fp_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *
fp_buf_str(const struct fp_buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
fp_buf_steal(struct fp_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	fp_buf_init(b);
	return p;
}
