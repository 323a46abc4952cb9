/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/flowtab.h"
#include "lib/ingest-int.h"
#include "lib/ingest.h"
#include "lib/store.h"
#include "lib/util-buf.h"

static int drop_orphans(struct fp_db *db, struct fp_err *err);

int
fp_ingest_new(struct fp_ingest **out, struct fp_db *db, const struct fp_ingest_opts *opts,
	      struct fp_err *err)
{
	struct fp_ingest *ing = calloc(1, sizeof(*ing));

	*out = NULL;
	if (ing == NULL)
		return fp_err_nomem(err);
	ing->db = db;
	ing->opts = *opts;
	if (ing->opts.memory == 0)
		ing->opts.memory = FP_INGEST_DEFAULT_MEMORY;
	ing->threads = opts->threads;
	if (ing->threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		ing->threads = n < 1 ? 1 : n > FP_INGEST_MAX_THREADS ? FP_INGEST_MAX_THREADS : (size_t)n;
	}
	if (drop_orphans(db, err) < 0) {
		fp_ingest_free(ing);
		return FP_EDB;
	}
	/*
	 * Ingest writes only endpoint ids it has just read or inserted in the
	 * same transaction, so checking each of a file's tuples against
	 * endpoints proves nothing and cost a third of writing them.  The
	 * check is back on when the session ends.
	 */
	if (fp_db_exec(db, "PRAGMA foreign_keys = OFF", err) < 0) {
		fp_ingest_free(ing);
		return FP_EDB;
	}
	*out = ing;
	return 0;
}

void
fp_ingest_free(struct fp_ingest *ing)
{
	if (ing == NULL)
		return;
	fp_db_exec(ing->db, "PRAGMA foreign_keys = ON", NULL);
	free(ing);
}

uint64_t
fp_ingest_errors(const struct fp_ingest *ing)
{
	return ing->errors;
}

static void
rejects_free(struct fp_ingest_rejects *r)
{
	for (size_t i = 0; i < r->n; i++)
		free((char *)r->v[i].reason);
	free(r->v);
}

static int
rejects_add(struct fp_ingest_rejects *r, long line, const char *reason)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct fp_store_reject *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].line = line;
	r->v[r->n].reason = strdup(reason);
	if (r->v[r->n].reason == NULL)
		return FP_ENOMEM;
	r->n++;
	return 0;
}

int
fp_ingest__reject(struct fp_ingest_job *job, const struct fp_err *lerr)
{
	struct fp_ingest *ing = job->ing;

	job->stats->rejected++;
	ing->errors++;
	if (ing->opts.on_reject != NULL)
		ing->opts.on_reject(ing->opts.userdata, lerr);
	if (rejects_add(&job->rej, lerr->line, lerr->text) < 0)
		return fp_err_nomem(&job->err);
	if (ing->errors > ing->opts.max_errors)
		return fp_err_set(&job->err, FP_EINPUT, fp_input_name(job->in), 0, 0,
				  "more than %llu rejected lines: stopping; nothing of this "
				  "file was stored",
				  (unsigned long long)ing->opts.max_errors);
	return 0;
}

static int
skipped_json(struct fp_buf *out, const struct fp_ingest_stats *stats)
{
	bool first = true;

	if (fp_buf_addc(out, '{') < 0)
		return FP_ENOMEM;
	for (int s = 1; s < FP_SKIP__COUNT; s++) {
		if (stats->skip[s] == 0)
			continue;
		if (fp_buf_printf(out, "%s\"%s\":%llu", first ? "" : ",", fp_skip_name(s),
				  (unsigned long long)stats->skip[s]) < 0)
			return FP_ENOMEM;
		first = false;
	}
	return fp_buf_addc(out, '}');
}

/* Store what is left in memory, merge what was parked, record the source. */
static int
commit_file(struct fp_ingest_job *job, const char *path, struct fp_err *err)
{
	struct fp_ingest *ing = job->ing;
	struct fp_flowtab *tab = job->tab;
	struct fp_ingest_stats *stats = job->stats;
	const char *parked = job->parked[0] != '\0' ? job->parked : NULL;
	const struct fp_ingest_rejects *rej = &job->rej;
	struct fp_store_source src = { 0 };
	struct fp_buf detail;
	int r;

	fp_buf_init(&detail);
	if (skipped_json(&detail, stats) < 0) {
		fp_buf_done(&detail);
		return fp_err_nomem(err);
	}
	src.fingerprint = stats->fingerprint;
	src.path = path;
	src.format = stats->format != NULL ? stats->format : "none";
	src.bytes = stats->bytes;
	src.resumed_bytes = stats->resumed_bytes;
	src.resumed_lines = stats->resumed_lines;
	src.head = stats->head[0] != '\0' ? stats->head : NULL;
	src.split_records = stats->split_records;
	src.lines = stats->lines;
	src.records = stats->records;
	src.connections = stats->connections;
	src.skipped = stats->skipped;
	src.skipped_detail = fp_buf_str(&detail);
	src.rejected = stats->rejected;
	src.first = stats->first;
	src.last = stats->last;
	if (fp_db_begin(ing->db, err) < 0) {
		fp_buf_done(&detail);
		return FP_EDB;
	}
	/* Another process may have stored the same file while we read it. */
	r = fp_store_find_source(ing->db, stats->fingerprint, stats->duplicate_of,
				 sizeof(stats->duplicate_of), err);
	if (r == 1) {
		stats->duplicate = true;
		r = parked != NULL ? fp_store_drop_staging(ing->db, parked, err) : 0;
	} else if (r == 0) {
		stats->tuples += fp_flowtab_n_tuples(tab);
		/* Parked rows first: their endpoints were seen first, and get
		 * their ids first, as when nothing is parked. */
		r = parked != NULL ? fp_store_merge_staging(ing->db, parked, err) : 0;
		if (r == 0)
			r = fp_store_tuples(ing->db, tab, stats->fingerprint, false, err);
		if (r == 0)
			r = fp_store_source(ing->db, &src, rej->v, rej->n, err);
		if (r == 0 && job->unreject_fp[0] != '\0')
			r = fp_store_unreject(ing->db, job->unreject_fp, job->unreject_line, err);
	}
	if (r == 0)
		r = fp_db_commit(ing->db, err);
	if (r < 0)
		fp_db_rollback(ing->db);
	fp_buf_done(&detail);
	return r < 0 ? r : 0;
}

/*
 * Park the table's tuples to stay inside the memory budget (in a TEMP table
 * on disk, see store.c).  The first spill of a file also deletes rows an
 * earlier flowpol parked in main.staging for it and never merged.
 */
int
fp_ingest__spill(struct fp_ingest_job *job)
{
	struct fp_db *db = job->ing->db;
	bool first = job->parked[0] == '\0';

	if (first && job->known_fp)
		snprintf(job->parked, sizeof(job->parked), "%s", job->stats->fingerprint);
	else if (first)
		snprintf(job->parked, sizeof(job->parked), "pending-%ld", (long)getpid());
	job->stats->tuples += fp_flowtab_n_tuples(job->tab);
	if (fp_db_begin(db, &job->err) < 0)
		return FP_EDB;
	if ((first && fp_store_drop_staging(db, job->parked, &job->err) < 0) ||
	    fp_store_tuples(db, job->tab, job->parked, true, &job->err) < 0 ||
	    fp_db_commit(db, &job->err) < 0) {
		fp_db_rollback(db);
		return FP_EDB;
	}
	fp_flowtab_clear_tuples(job->tab);
	return 0;
}

/*
 * Rows parked for a pipe carry a provisional key until its content, and so
 * its fingerprint, is known: "pending-<pid>".  Those of a process that no
 * longer runs belong to a killed ingest and are deleted.
 */
static int
drop_orphans(struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	char key[FP_FINGERPRINT_BUFSZ];
	int r;

	if (fp_db_prepare(db, &st,
			  "SELECT DISTINCT fingerprint FROM staging "
			  "WHERE fingerprint LIKE 'pending-%'",
			  err) < 0)
		return FP_EDB;
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		long pid = strtol((const char *)sqlite3_column_text(st, 0) + 8, NULL, 10);

		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;
		snprintf(key, sizeof(key), "%s", (const char *)sqlite3_column_text(st, 0));
		if (fp_db_begin(db, err) < 0)
			return FP_EDB;
		if (fp_store_drop_staging(db, key, err) < 0 ||
		    fp_store_drop_unused_endpoints(db, err) < 0 || fp_db_commit(db, err) < 0) {
			fp_db_rollback(db);
			return FP_EDB;
		}
	}
	return r < 0 ? FP_EDB : 0;
}

/*
 * A regular file is fingerprinted before it is parsed, so content ingested
 * before is skipped without parsing it (and without reporting its bad lines
 * again).  That costs a second read of the file, so it is done only when a
 * stored source has the very same size, the only way it can be a duplicate;
 * otherwise the fingerprint is computed as the file streams by.
 */
static int
prefingerprint(struct fp_ingest_job *job, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	uint64_t size = fp_input_raw_size(job->in);
	char pattern[32];
	int r;

	if (size > 0) {
		if (fp_db_prepare(job->ing->db, &st,
				  "SELECT 1 FROM sources WHERE fingerprint LIKE ? LIMIT 1", err) < 0)
			return FP_EDB;
		snprintf(pattern, sizeof(pattern), "%%-%llu", (unsigned long long)size);
		sqlite3_bind_text(st, 1, pattern, -1, SQLITE_STATIC);
		r = fp_db_step(job->ing->db, st, err);
		if (r < 0)
			return FP_EDB;
		if (r != SQLITE_ROW)
			return 0;
	}
	r = fp_input_prefingerprint(job->in, job->stats->fingerprint, err);
	if (r < 0)
		return r;
	job->known_fp = r == 1;
	return 0;
}

/*
 * A log that grows (an exporter's file, a node's agent log) is ingested
 * again with lines appended.  Its first bytes are then a file an earlier
 * source holds whole: the lines those bytes held were counted, and only the
 * ones after are.  A gzip file is not resumed: appending does not grow one.
 * Only sources that start with the same 4 KiB are candidates (or are
 * shorter: reading them costs no more), tried longest first, each at the
 * cost of a read of its length.
 */
#define HEAD_BYTES 4096

static int
find_prefix(struct fp_ingest_job *job, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	uint64_t size = fp_input_raw_size(job->in), tried = 0;
	char fp[FP_FINGERPRINT_BUFSZ];
	int r;

	if (size == 0 || (fp_input_byte_at(job->in, 0) == 0x1f && fp_input_byte_at(job->in, 1) == 0x8b))
		return 0;
	r = fp_input_prefix_fingerprint(job->in, size < HEAD_BYTES ? size : HEAD_BYTES,
					job->stats->head, err);
	if (r <= 0) {
		job->stats->head[0] = '\0';
		return r;
	}
	if (fp_db_prepare(job->ing->db, &st,
			  "SELECT fingerprint, path, bytes + resumed_bytes AS size, "
			  "lines + resumed_lines, EXISTS (SELECT 1 FROM rejects r "
			  "WHERE r.source = s.id AND r.line = s.lines + s.resumed_lines), "
			  "split_records FROM sources s WHERE (head = ?1 OR size < ?3) "
			  "AND size > 0 AND size < ?2 ORDER BY size DESC, id",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_text(st, 1, job->stats->head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)size);
	sqlite3_bind_int64(st, 3, HEAD_BYTES);
	while ((r = fp_db_step(job->ing->db, st, err)) == SQLITE_ROW) {
		uint64_t n = (uint64_t)sqlite3_column_int64(st, 2);
		long lines = (long)sqlite3_column_int64(st, 3);

		/* sources of one size share the prefix read, not its verdict */
		if (n != tried) {
			r = fp_input_prefix_fingerprint(job->in, n, fp, err);
			if (r < 0)
				return r;
			tried = r == 1 ? n : 0;
		}
		if (tried != n || strcmp(fp, (const char *)sqlite3_column_text(st, 0)) != 0)
			continue;
		/*
		 * The earlier read ended inside a line still being written.
		 * Rejected then, it is read whole now; counted then (it was
		 * complete but for its newline), it is not counted again.  (A
		 * JSON document is resumed by its records, not its lines.)
		 */
		if (fp_input_byte_at(job->in, n - 1) != '\n' && sqlite3_column_int(st, 4) != 0) {
			snprintf(job->unreject_fp, sizeof(job->unreject_fp), "%s",
				 (const char *)sqlite3_column_text(st, 0));
			job->unreject_line = lines--;
		}
		job->replay = lines;
		job->replay_records = (uint64_t)sqlite3_column_int64(st, 5);
		job->stats->resumed_bytes = n;
		job->stats->resumed_lines = (uint64_t)lines;
		snprintf(job->stats->resumed_of, sizeof(job->stats->resumed_of), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		return 0;
	}
	return r < 0 ? FP_EDB : 0;
}

int
fp_ingest_file(struct fp_ingest *ing, struct fp_ingest_stats *stats, const char *path,
	       struct fp_err *err)
{
	struct fp_ingest_job job = { .ing = ing, .stats = stats, .next_line = 1 };
	int r;

	memset(stats, 0, sizeof(*stats));
	stats->first = INT64_MAX;
	stats->last = INT64_MIN;
	r = fp_input_open(&job.in, path, err);
	if (r < 0)
		return r;
	r = prefingerprint(&job, err);
	if (r < 0)
		goto out;
	if (job.known_fp) {
		r = fp_store_find_source(ing->db, stats->fingerprint, stats->duplicate_of,
					 sizeof(stats->duplicate_of), err);
		if (r < 0)
			goto out;
		if (r == 1) {
			stats->duplicate = true;
			stats->bytes = fp_input_raw_size(job.in);
			r = 0;
			goto out;
		}
	}
	r = find_prefix(&job, err);
	if (r < 0)
		goto out;
	job.tab = fp_flowtab_new();
	if (job.tab == NULL) {
		r = fp_err_nomem(err);
		goto out;
	}
	r = fp_ingest__chunks(&job);
	if (r < 0) {
		*err = job.err;
		goto out;
	}
	stats->bytes = fp_input_raw_offset(job.in) - stats->resumed_bytes;
	stats->split_records = job.split_records;
	if (!job.known_fp)
		fp_input_fingerprint(job.in, stats->fingerprint);
	r = commit_file(&job, path, err);
out:
	if (r < 0 && job.parked[0] != '\0' && fp_db_begin(ing->db, NULL) == 0) {
		/* Best effort: parked rows of a failed file are useless, and so
		 * are the endpoints its spills wrote that nothing else names. */
		if (fp_store_drop_staging(ing->db, job.parked, NULL) < 0 ||
		    fp_store_drop_unused_endpoints(ing->db, NULL) < 0 ||
		    fp_db_commit(ing->db, NULL) < 0)
			fp_db_rollback(ing->db);
	}
	rejects_free(&job.rej);
	fp_flowtab_free(job.tab);
	fp_input_close(job.in);
	return r;
}
