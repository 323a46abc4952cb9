/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader.h - the interface every flow-log format implements.
 *
 * A reader turns one input record (a line) into a struct fp_flow.  It keeps
 * per-file state only where the format needs it (a CSV header, say); all
 * strings it returns live in the arena the caller passes and resets.  Readers
 * never touch the database and never print.
 */
#ifndef FP_READER_H
#define FP_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/flow.h"
#include "lib/util-arena.h"

enum fp_read_result {
	FP_READ_FLOW = 1, /* *out holds a flow */
	FP_READ_SKIP = 0, /* a valid record that is not a connection; *skip says why */
};

struct fp_reader {
	const char *name;    /* as given to -f */
	const char *summary; /* one line for --help */
	/* The input fields it reads, for the README and error messages. */
	const char *const *fields;
	/*
	 * How sure the reader is that @line is its format: 0 = not at all,
	 * 100 = certain.  Must not allocate and must accept any bytes.
	 */
	int (*detect)(const char *line, size_t len);
	/* Optional per-file state: created before the first line of a file. */
	void *(*state_new)(void);
	void (*state_free)(void *state);
	/*
	 * True when any line can be parsed without the lines before it, so
	 * ingest may give the chunks of a file to several threads, each with
	 * a state of its own.  False (the default) keeps one state seeing
	 * every line in order (a CSV header, say).
	 */
	bool parallel;
	/*
	 * Parse one line (without its newline).  Returns FP_READ_FLOW,
	 * FP_READ_SKIP with *@skip set, FP_EINPUT with @err's text and column set
	 * (the caller adds the file and line), or FP_ENOMEM.
	 */
	int (*parse)(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
		     const char *line, size_t len, struct fp_err *err);
	/*
	 * Optional: called once at the end of a file.  A reader whose records
	 * may span lines returns FP_EINPUT with @err's text set when the file
	 * ended inside one (the caller reports it at the last line), else 0.
	 * Only for readers that are not parallel: records over several lines
	 * need one state that sees every line in order.
	 */
	int (*finish)(void *state, struct fp_err *err);
};

/* The reader named @name, or NULL. */
const struct fp_reader *fp_reader_find(const char *name);
/* The NULL-terminated list of readers, in detection order. */
const struct fp_reader *const *fp_reader_all(void);
/* The reader most sure about @line, or NULL when none is. */
const struct fp_reader *fp_reader_detect(const char *line, size_t len);

#endif
