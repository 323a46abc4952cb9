/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/util-csv.h"

int
fp_csv_split(struct fp_csv_row *row, struct fp_arena *arena, const char *line, size_t len,
	     struct fp_err *err)
{
	size_t bound = 1, i = 0;
	char *out;

	memset(row, 0, sizeof(*row));
	/* Commas bound the number of fields from above (quoted ones included). */
	for (size_t k = 0; k < len; k++)
		bound += line[k] == ',';
	if (bound > FP_CSV_MAX_FIELDS)
		bound = FP_CSV_MAX_FIELDS;
	row->v = fp_arena_alloc(arena, bound * sizeof(*row->v));
	row->len = fp_arena_alloc(arena, bound * sizeof(*row->len));
	row->col = fp_arena_alloc(arena, bound * sizeof(*row->col));
	/* Unquoting only shrinks a field; each one gains a NUL. */
	out = fp_arena_alloc(arena, len + bound);
	if (row->v == NULL || row->len == NULL || row->col == NULL || out == NULL)
		return fp_err_nomem(err);
	for (;;) {
		char *start = out;

		if (row->n == bound)
			return fp_err_set(err, FP_EINPUT, NULL, 0, (int)i + 1,
					  "more than %d fields", FP_CSV_MAX_FIELDS);
		row->col[row->n] = (int)i + 1;
		if (i < len && line[i] == '"') {
			size_t open = i++;

			for (;;) {
				if (i >= len)
					return fp_err_set(
						err, FP_EINPUT, NULL, 0, (int)open + 1,
						"quoted field not closed on this line");
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						*out++ = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				*out++ = line[i++];
			}
			if (i < len && line[i] != ',')
				return fp_err_set(err, FP_EINPUT, NULL, 0, (int)i + 1,
						  "text after a closing quote");
		} else {
			while (i < len && line[i] != ',') {
				if (line[i] == '"')
					return fp_err_set(
						err, FP_EINPUT, NULL, 0, (int)i + 1,
						"quote inside an unquoted field");
				*out++ = line[i++];
			}
		}
		row->v[row->n] = start;
		row->len[row->n] = (size_t)(out - start);
		*out++ = '\0';
		row->n++;
		if (i >= len)
			return 0;
		i++; /* the comma */
	}
}
