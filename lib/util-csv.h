/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-csv.h - splitting one line of CSV into fields.
 *
 * RFC 4180 on a single line: fields are separated by commas, a field may be
 * quoted with '"', and a quote inside a quoted field is doubled.  Input is
 * read line by line, so a quoted field cannot hold a newline: a line that
 * ends inside quotes is an error, as is text after a closing quote.
 */
#ifndef FP_UTIL_CSV_H
#define FP_UTIL_CSV_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/util-arena.h"

#define FP_CSV_MAX_FIELDS 512

struct fp_csv_row {
	size_t n;	/* number of fields (an empty line has one) */
	const char **v; /* the fields, unquoted and NUL-terminated */
	size_t *len;	/* their lengths (a field may hold NUL bytes) */
	int *col;	/* 1-based column where each field starts */
};

/*
 * Split @len bytes of @line into @row.  Everything @row points to is
 * allocated from @arena and lives until its next reset.  Returns 0,
 * FP_EINPUT (bad quoting, or more than FP_CSV_MAX_FIELDS fields; @err has
 * the text and column) or FP_ENOMEM.
 */
int fp_csv_split(struct fp_csv_row *row, struct fp_arena *arena, const char *line,
		 size_t len, struct fp_err *err);

#endif
