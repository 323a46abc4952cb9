/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-buf.h - a growable byte buffer that is always NUL-terminated.
 *
 * struct fp_buf is embedded by its owner: fp_buf_init() before use,
 * fp_buf_done() to release.  Appends return 0 or FP_ENOMEM; after a failed
 * append the buffer keeps its previous contents.
 */
#ifndef FP_UTIL_BUF_H
#define FP_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct fp_buf {
	char *data; /* NUL-terminated; owned; NULL until the first append */
	size_t len;
	size_t cap;
};

void fp_buf_init(struct fp_buf *b);
void fp_buf_done(struct fp_buf *b);
void fp_buf_reset(struct fp_buf *b);
int fp_buf_reserve(struct fp_buf *b, size_t extra);
int fp_buf_add(struct fp_buf *b, const void *data, size_t len);
int fp_buf_adds(struct fp_buf *b, const char *s);
int fp_buf_addc(struct fp_buf *b, char c);
int fp_buf_printf(struct fp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fp_buf_vprintf(struct fp_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The contents as a string ("" before the first append); borrowed. */
const char *fp_buf_str(const struct fp_buf *b);
/* Hand the contents to the caller (free() them) and reset the buffer. */
char *fp_buf_steal(struct fp_buf *b);

#endif
