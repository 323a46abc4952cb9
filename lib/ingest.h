/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest.h - loading flow-log files into the database.
 *
 * An ingest session reads files one at a time.  Each file is parsed by a
 * reader into normalized flows, folded in memory into distinct tuples, and
 * stored in one transaction that also records the file's fingerprint: a file
 * is in the database completely or not at all, and ingesting the same
 * content again changes nothing.  Bad lines are reported through a callback,
 * kept in the rejects table, and skipped until the session's error budget
 * is spent.
 */
#ifndef FP_INGEST_H
#define FP_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/flow.h"
#include "lib/input.h"

struct fp_ingest;

struct fp_ingest_progress {
	const char *name;
	uint64_t bytes; /* raw bytes read */
	uint64_t size;  /* raw size, 0 when unknown (stdin) */
	uint64_t lines;
};

struct fp_ingest_opts {
	const char *format;   /* reader name, or NULL to detect per file */
	uint64_t max_errors;  /* rejected lines allowed in the whole session */
	size_t memory;        /* in-memory table budget in bytes; 0 = default */
	/* Threads parsing a file, the caller's included; 0 = one per CPU (at
	 * most FP_INGEST_MAX_THREADS).  The results do not depend on it. */
	size_t threads;
	/* Bytes of lines per chunk of work; 0 = the default (2 MiB).  Tests
	 * make it small to cut a small file into many chunks. */
	size_t chunk;
	/* Called for each rejected line (err names file and line), in line
	 * order, from whichever thread folds that part of the file. */
	void (*on_reject)(void *userdata, const struct fp_err *reject);
	/* Called now and then while reading, for progress displays (never
	 * two calls at once). */
	void (*on_progress)(void *userdata, const struct fp_ingest_progress *p);
	void *userdata;
};

struct fp_ingest_stats {
	char fingerprint[FP_FINGERPRINT_BUFSZ];
	const char *format;     /* static; NULL when none was found */
	bool detected;          /* the format was detected, not given */
	bool duplicate;         /* already ingested: nothing was changed */
	char duplicate_of[256]; /* the path it was ingested under */
	/* this file's own part: after what an earlier source read of it */
	uint64_t bytes, lines, records, connections, skipped, rejected;
	uint64_t skip[FP_SKIP__COUNT];
	/*
	 * A log that lines were appended to since it was ingested (as
	 * resumed_of): its first resumed_lines lines were counted then.
	 */
	uint64_t resumed_bytes, resumed_lines;
	char resumed_of[256];
	char head[FP_FINGERPRINT_BUFSZ]; /* of the first 4 KiB of a plain file, or "" */
	uint64_t split_records; /* a JSON document's records, complete at its end */
	uint64_t tuples;        /* distinct tuples written */
	int64_t first, last;    /* times of the oldest and newest flow */
};

#define FP_INGEST_DEFAULT_MEMORY ((size_t)128 << 20)
#define FP_INGEST_MAX_THREADS 8

/* A new session on @db (borrowed).  Free with fp_ingest_free(). */
int fp_ingest_new(struct fp_ingest **out, struct fp_db *db, const struct fp_ingest_opts *opts,
		  struct fp_err *err);
void fp_ingest_free(struct fp_ingest *ing);

/*
 * Ingest one file ("-" = standard input) and fill @stats.  Returns 0 (also
 * for a duplicate), FP_EINPUT when the format is unknown or the error budget
 * ran out (nothing of this file is stored then), FP_EIO or FP_EDB.
 */
int fp_ingest_file(struct fp_ingest *ing, struct fp_ingest_stats *stats, const char *path,
		   struct fp_err *err);

/* Rejected lines so far in the session. */
uint64_t fp_ingest_errors(const struct fp_ingest *ing);

#endif
