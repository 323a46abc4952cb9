/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.h - writing ingested data: endpoints, flow tuples, sources and
 * rejects.  Only ingest calls these; every write happens inside a
 * transaction the caller opened with fp_db_begin().
 */
#ifndef FP_STORE_H
#define FP_STORE_H

#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/flowtab.h"

struct fp_store_source {
	const char *fingerprint;
	const char *path;
	const char *format;
	uint64_t bytes, lines, records, connections, skipped, rejected;
	/* the file's first bytes and lines, counted by an earlier source */
	uint64_t resumed_bytes, resumed_lines;
	const char *head; /* fingerprint of the first 4 KiB, or NULL */
	uint64_t split_records; /* records of a JSON document complete in it */
	const char *skipped_detail; /* JSON object text */
	int64_t first, last;        /* INT64_MAX / INT64_MIN when no flow */
};

struct fp_store_reject {
	long line;
	const char *reason;
};

/*
 * Look up a completed source by fingerprint: returns 1 and copies its path
 * into @path_out (of @size bytes), 0 when unknown, or FP_EDB.
 */
int fp_store_find_source(struct fp_db *db, const char *fingerprint, char *path_out,
			 size_t size, struct fp_err *err);

/*
 * Forget the parked rows of an ingest of @fingerprint that never finished.
 * Parked rows live in a TEMP table of this connection; rows an older flowpol
 * left in main.staging are deleted too.
 */
int fp_store_drop_staging(struct fp_db *db, const char *fingerprint, struct fp_err *err);

/*
 * The source @fingerprint's line @line was rejected as cut off, and a longer
 * read of the file reads it whole: that source no longer counts it.  0 or
 * FP_EDB.
 */
int fp_store_unreject(struct fp_db *db, const char *fingerprint, long line, struct fp_err *err);

/*
 * Delete the endpoints no row of flows or main.staging names: those an
 * older flowpol's spill wrote before its ingest failed or was killed.  (A
 * spill now parks its endpoints in TEMP tables with its rows; they reach
 * the endpoints table only in the transaction that merges them.)
 */
int fp_store_drop_unused_endpoints(struct fp_db *db, struct fp_err *err);

/*
 * Write the tuples of @t: parked under @fingerprint when @staging (rows and
 * endpoints in TEMP tables of this connection), else merged into flows.
 * Endpoints are interned or parked first; the table's slots remember what
 * they got (a database id, or minus the parked number).
 */
int fp_store_tuples(struct fp_db *db, struct fp_flowtab *t, const char *fingerprint,
		    bool staging, struct fp_err *err);

/*
 * Move the parked rows of @fingerprint into flows, interning their
 * endpoints first in the order they were parked.  Call it before writing
 * the last tuples of the same file, in the same transaction.
 */
int fp_store_merge_staging(struct fp_db *db, const char *fingerprint, struct fp_err *err);

/* Record a completed source and its rejects. */
int fp_store_source(struct fp_db *db, const struct fp_store_source *src,
		    const struct fp_store_reject *rejects, size_t n_rejects, struct fp_err *err);

#endif
