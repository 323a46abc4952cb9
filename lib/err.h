/* SPDX-License-Identifier: Apache-2.0 */
/*
 * err.h - the error record every flowpol library call fills on failure.
 *
 * The caller owns a struct fp_err (usually on its stack) and passes it down;
 * library code fills it once (the first error wins) and never prints.  The
 * record names the place: source (a file name, "<stdin>" or the database
 * path), a 1-based line and column, and a message that starts in lower case
 * and has no final period.
 */
#ifndef FP_ERR_H
#define FP_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum fp_status {
	FP_OK = 0,
	FP_ENOMEM = -1,
	FP_EIO = -2,
	FP_EINPUT = -3,
	FP_EDB = -4,
	FP_EUSAGE = -5,
};

struct fp_err {
	char source[256];
	long line;   /* 1-based; 0 = no location */
	int column;  /* 1-based; 0 = unknown */
	enum fp_status code;
	char text[256];
};

/* Reset @err to "no error"; takes NULL. */
void fp_err_clear(struct fp_err *err);

/*
 * Record an error unless one is already recorded (the first error wins).
 * @source may be NULL (no place).  Returns @code so callers can write
 * "return fp_err_set(err, ...);".  Takes a NULL @err and then only returns.
 */
int fp_err_set(struct fp_err *err, enum fp_status code, const char *source, long line,
	       int column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int fp_err_setv(struct fp_err *err, enum fp_status code, const char *source, long line,
		int column, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* Shorthand for an out-of-memory error with no place. */
int fp_err_nomem(struct fp_err *err);

/*
 * Format @err as "source:line:col: text" (or "source: text" without a line,
 * or just "text" without a source) into @buf of @size bytes.  Returns @buf.
 */
const char *fp_err_format(char *buf, size_t size, const struct fp_err *err);

#endif
