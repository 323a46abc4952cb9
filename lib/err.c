/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/err.h"

void
fp_err_clear(struct fp_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

int
fp_err_setv(struct fp_err *err, enum fp_status code, const char *source, long line,
	    int column, const char *fmt, va_list ap)
{
	/* The first error is the one that explains the rest: keep it. */
	if (err == NULL || err->code != FP_OK)
		return code;
	err->code = code;
	err->line = line;
	err->column = column;
	snprintf(err->source, sizeof(err->source), "%s", source != NULL ? source : "");
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	return code;
}

int
fp_err_set(struct fp_err *err, enum fp_status code, const char *source, long line,
	   int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fp_err_setv(err, code, source, line, column, fmt, ap);
	va_end(ap);
	return code;
}

int
fp_err_nomem(struct fp_err *err)
{
	return fp_err_set(err, FP_ENOMEM, NULL, 0, 0, "out of memory");
}

const char *
fp_err_format(char *buf, size_t size, const struct fp_err *err)
{
	if (err->source[0] == '\0')
		snprintf(buf, size, "%s", err->text);
	else if (err->line > 0 && err->column > 0)
		snprintf(buf, size, "%s:%ld:%d: %s", err->source, err->line, err->column,
			 err->text);
	else if (err->line > 0)
		snprintf(buf, size, "%s:%ld: %s", err->source, err->line, err->text);
	else
		snprintf(buf, size, "%s: %s", err->source, err->text);
	return buf;
}
