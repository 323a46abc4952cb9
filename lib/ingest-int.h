/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest-int.h - what lib/ingest.c (sessions, files, the database) and
 * lib/ingest-chunk.c (reading, parsing and folding a file in chunks) share.
 * Internal to lib/.
 */
#ifndef FP_INGEST_INT_H
#define FP_INGEST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flowtab.h"
#include "lib/ingest.h"
#include "lib/input.h"
#include "lib/json-split.h"
#include "lib/reader.h"
#include "lib/store.h"

struct fp_ingest {
	struct fp_db *db;
	struct fp_ingest_opts opts;
	uint64_t errors;  /* rejected lines in the session */
	size_t threads;   /* resolved from opts.threads */
};

struct fp_ingest_rejects {
	struct fp_store_reject *v;
	size_t n, cap;
};

/* One file being ingested. */
struct fp_ingest_job {
	struct fp_ingest *ing;
	struct fp_input *in;
	struct fp_ingest_stats *stats;
	const struct fp_reader *rd;       /* chosen at the first non-blank line */
	/*
	 * A JSON document printed over many lines opens with a lone "{" or
	 * "[": its format shows only in the lines after.  While those are
	 * read, the first of them is at sniff_at in the chunk being fetched.
	 */
	size_t sniff_at, sniff_rec; /* byte and record in the chunk */
	size_t sniff_lines; /* 0: not sniffing */
	long sniff_line;
	size_t sniff_indent; /* of the opening line: the closing one matches it */
	bool sniff_doc;      /* the first non-blank line opens a JSON document */
	/* Such a document, cut into records for a reader of single lines. */
	struct fp_jsplit *split;
	struct fp_flowtab *tab;           /* the file's tuples, folded in line order */
	struct fp_ingest_rejects rej;
	char parked[FP_FINGERPRINT_BUFSZ]; /* key of the parked rows, once a spill happened */
	bool known_fp;                    /* stats->fingerprint is known already */
	long next_line;                   /* number of the next line to fetch */
	long replay;                      /* lines an earlier source counted */
	/* In a split document: the records an earlier source saw complete
	 * (skipped again), and those complete so far in this read. */
	uint64_t replay_records, split_records;
	/* The earlier source's last line, rejected as cut off, read whole now:
	 * no longer counted there (fingerprint, line; "" when none). */
	char unreject_fp[FP_FINGERPRINT_BUFSZ];
	long unreject_line;
	struct fp_err err;                /* why the file stopped */
};

/*
 * Read, parse and fold the whole file of @job into job->tab, in chunks, on
 * ing->threads threads.  Rejected lines are reported in line order and
 * collected in job->rej; the memory budget is kept by spilling.  Returns 0
 * or the error that stopped the file (in job->err).
 */
int fp_ingest__chunks(struct fp_ingest_job *job);

/*
 * A line was rejected: report it, keep it for the rejects table, and fail
 * with FP_EINPUT once the session's error budget is spent.  @lerr has its
 * source, line and sanitized text filled.
 */
int fp_ingest__reject(struct fp_ingest_job *job, const struct fp_err *lerr);

/* Park the file's tuples on disk to stay within the memory budget. */
int fp_ingest__spill(struct fp_ingest_job *job);

#endif
