/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json-split.h - JSON documents printed over many lines, cut into records.
 *
 * Flow logs are JSON lines, but people hand flowpol what their tools print:
 * `gcloud logging read --format=json` (one array, pretty-printed), `jq .`
 * (objects over many lines), `jq -s -c` (one array on one line).  The
 * splitter is fed the lines of such a file and gives back each record on
 * its own: the elements of a top-level array, else each top-level value.
 * It only tracks brackets and strings; the reader validates the record.
 */
#ifndef FP_JSON_SPLIT_H
#define FP_JSON_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util-buf.h"

/*
 * A record, in order, with the line it starts on: its text (line breaks
 * kept: they are JSON whitespace), or NULL with @len its size when it was
 * longer than FP_INPUT_MAX_LINE and dropped.  Return < 0 to stop.
 */
typedef int (*fp_jsplit_emit)(void *ctx, const char *text, size_t len, long line);

struct fp_jsplit {
	struct fp_buf rec; /* the record being gathered */
	size_t rec_len;    /* its length, counted on past an overflow */
	long rec_line;     /* the line it started on; 0 when none is open */
	size_t depth;      /* brackets open, the top-level array's included */
	bool started;      /* the first byte that is not space was seen */
	bool array;        /* the document is an array: its elements are records */
	bool scalar;       /* the open record is not an object or array */
	bool in_string, escape;
};

void fp_jsplit_init(struct fp_jsplit *s);
void fp_jsplit_done(struct fp_jsplit *s);

/* True when a file whose first non-blank line is @line is such a document:
 * the line is a lone "{" or "[", or starts with "[". */
bool fp_jsplit_opens(const char *line, size_t len);

/* Feed line number @lineno.  Returns the number of records it ended (0 for
 * a line inside one), or what @emit returned when < 0. */
int fp_jsplit_feed(struct fp_jsplit *s, const char *line, size_t len, long lineno,
		   fp_jsplit_emit emit, void *ctx);

/* At the end of the file: a record still open is given as it is (the reader
 * says it was cut off).  Returns 1 when one was, 0, or < 0 from @emit. */
int fp_jsplit_finish(struct fp_jsplit *s, fp_jsplit_emit emit, void *ctx);

#endif
