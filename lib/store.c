/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/store.h"
#include "lib/util-buf.h"

/* A count is saturated rather than allowed to turn into a float. */
#define MERGE_COUNTS                                                                \
	"ON CONFLICT(bucket, src, dst, proto, port, verdict, reason) DO UPDATE SET " \
	"count = CASE WHEN count > 9223372036854775807 - excluded.count "           \
	"THEN 9223372036854775807 ELSE count + excluded.count END, "                \
	"first_seen = min(first_seen, excluded.first_seen), "                       \
	"last_seen = max(last_seen, excluded.last_seen)"

int
fp_store_find_source(struct fp_db *db, const char *fingerprint, char *path_out, size_t size,
		     struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r;

	if (fp_db_prepare(db, &st, "SELECT path FROM sources WHERE fingerprint = ?", err) < 0)
		return FP_EDB;
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	r = fp_db_step(db, st, err);
	if (r < 0)
		return FP_EDB;
	if (r != SQLITE_ROW)
		return 0;
	snprintf(path_out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	return 1;
}

/*
 * Spilled tuples wait in TEMP tables, not in the database file: rows that
 * are deleted again at the end of the file would leave free pages behind
 * (the file never shrinks), and a killed run leaves nothing to clean up.
 * Their endpoints wait there too (spill_ep: numbered in the order they were
 * first parked), and enter the endpoints table only in the transaction that
 * merges the rows: an endpoint written earlier would be named by nothing
 * another connection can see, and its clean-up of unused endpoints
 * (fp_store_drop_unused_endpoints()) would delete it from under us.
 * main.staging of schema 1 only holds rows of older flowpol versions.
 */
static int
ensure_spill(struct fp_db *db, struct fp_err *err)
{
	return fp_db_exec(db,
			  "CREATE TEMP TABLE IF NOT EXISTS spill_ep ("
			  "seq INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, key TEXT NOT NULL, "
			  "id INTEGER, UNIQUE(fingerprint, key)); "
			  "CREATE TEMP TABLE IF NOT EXISTS spill ("
			  "fingerprint TEXT NOT NULL, bucket INTEGER NOT NULL, src INTEGER NOT NULL, "
			  "dst INTEGER NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL, "
			  "verdict INTEGER NOT NULL, reason INTEGER NOT NULL, count INTEGER NOT NULL, "
			  "first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
			  err);
}

static int
delete_where(struct fp_db *db, const char *sql, const char *fingerprint, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;

	if (fp_db_prepare(db, &st, sql, err) < 0)
		return FP_EDB;
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	return fp_db_step(db, st, err) < 0 ? FP_EDB : 0;
}

int
fp_store_drop_staging(struct fp_db *db, const char *fingerprint, struct fp_err *err)
{
	if (ensure_spill(db, err) < 0 ||
	    delete_where(db, "DELETE FROM temp.spill WHERE fingerprint = ?", fingerprint, err) < 0 ||
	    delete_where(db, "DELETE FROM temp.spill_ep WHERE fingerprint = ?", fingerprint,
			 err) < 0 ||
	    delete_where(db, "DELETE FROM main.staging WHERE fingerprint = ?", fingerprint, err) < 0)
		return FP_EDB;
	return 0;
}

int
fp_store_unreject(struct fp_db *db, const char *fingerprint, long line, struct fp_err *err)
{
	static const char *const sql[] = {
		"UPDATE sources SET lines = lines - 1, rejected = rejected - 1 "
		"WHERE fingerprint = ?1 AND EXISTS (SELECT 1 FROM rejects r "
		"WHERE r.source = sources.id AND r.line = ?2)",
		"DELETE FROM rejects WHERE line = ?2 AND source = "
		"(SELECT id FROM sources WHERE fingerprint = ?1)",
	};

	for (size_t i = 0; i < 2; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = NULL;

		if (fp_db_prepare(db, &st, sql[i], err) < 0)
			return FP_EDB;
		sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, line);
		if (fp_db_step(db, st, err) < 0)
			return FP_EDB;
	}
	return 0;
}

int
fp_store_drop_unused_endpoints(struct fp_db *db, struct fp_err *err)
{
	return fp_db_exec(db,
			  "DELETE FROM main.endpoints WHERE id NOT IN (SELECT src FROM main.flows "
			  "UNION SELECT dst FROM main.flows UNION SELECT src FROM main.staging "
			  "UNION SELECT dst FROM main.staging)",
			  err);
}

/* Bind field @idx (1-based) of a '|'-separated key; empty binds NULL. */
static void
bind_field(sqlite3_stmt *st, int idx, const char *start, const char *end)
{
	if (end == start)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_text(st, idx, start, (int)(end - start), SQLITE_TRANSIENT);
}

static int
intern_endpoint(struct fp_db *db, sqlite3_stmt *ins, sqlite3_stmt *sel, const char *key,
		int64_t *id_out, struct fp_err *err)
{
	const char *p = key, *bar;
	int field = 0, r;

	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	sqlite3_bind_text(ins, 1, key, -1, SQLITE_STATIC);
	/* kind|namespace|workload|workload_kind|pod|ip|labels */
	while (field < 7) {
		bar = field < 6 ? strchr(p, '|') : p + strlen(p);
		if (bar == NULL)
			return fp_err_set(err, FP_EDB, fp_db_path(db), 0, 0,
					  "malformed endpoint key '%s'", key);
		if (field == 0)
			sqlite3_bind_int(ins, 2, p[0] >= '0' && p[0] <= '9' ? p[0] - '0' : 0);
		else
			bind_field(ins, field + 2, p, bar);
		p = bar + 1;
		field++;
	}
	if (fp_db_step(db, ins, err) < 0)
		return FP_EDB;
	sqlite3_reset(sel);
	sqlite3_bind_text(sel, 1, key, -1, SQLITE_STATIC);
	r = fp_db_step(db, sel, err);
	if (r < 0)
		return FP_EDB;
	if (r != SQLITE_ROW)
		return fp_err_set(err, FP_EDB, fp_db_path(db), 0, 0, "endpoint vanished");
	*id_out = sqlite3_column_int64(sel, 0);
	return 0;
}

/* The statements intern_endpoint() takes. */
static int
prepare_intern(struct fp_db *db, sqlite3_stmt **ins, sqlite3_stmt **sel, struct fp_err *err)
{
	if (fp_db_prepare(db, ins,
			  "INSERT INTO endpoints(key, kind, namespace, workload, workload_kind, "
			  "pod, ip, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
			  "ON CONFLICT(key) DO NOTHING",
			  err) < 0 ||
	    fp_db_prepare(db, sel, "SELECT id FROM endpoints WHERE key = ?", err) < 0)
		return FP_EDB;
	return 0;
}

/* The statements park_endpoint() takes. */
static int
prepare_park(struct fp_db *db, sqlite3_stmt **ins, sqlite3_stmt **sel, struct fp_err *err)
{
	if (ensure_spill(db, err) < 0 ||
	    fp_db_prepare(db, ins,
			  "INSERT INTO temp.spill_ep(fingerprint, key) VALUES (?, ?) "
			  "ON CONFLICT(fingerprint, key) DO NOTHING",
			  err) < 0 ||
	    fp_db_prepare(db, sel, "SELECT seq FROM temp.spill_ep WHERE fingerprint = ? AND key = ?",
			  err) < 0)
		return FP_EDB;
	return 0;
}

/* Number @key among the endpoints parked under @fingerprint: *@seq_out. */
static int
park_endpoint(struct fp_db *db, sqlite3_stmt *ins, sqlite3_stmt *sel, const char *fingerprint,
	      const char *key, int64_t *seq_out, struct fp_err *err)
{
	int r;

	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, key, -1, SQLITE_STATIC);
	if (fp_db_step(db, ins, err) < 0)
		return FP_EDB;
	sqlite3_reset(sel);
	sqlite3_bind_text(sel, 1, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(sel, 2, key, -1, SQLITE_STATIC);
	r = fp_db_step(db, sel, err);
	if (r < 0)
		return FP_EDB;
	if (r != SQLITE_ROW)
		return fp_err_set(err, FP_EDB, fp_db_path(db), 0, 0, "parked endpoint vanished");
	*seq_out = sqlite3_column_int64(sel, 0);
	return 0;
}

/* What a row names endpoint @i by: its spill_ep number, or its id. */
static int64_t
endpoint_ref(struct fp_flowtab *t, uint32_t i, bool staging)
{
	int64_t slot = *fp_flowtab_endpoint_slot(t, i);

	return staging ? -slot : slot;
}

/* Rows per INSERT: one statement per row spent more time starting and
 * ending statements than inserting. */
#define ROWS_PER_INSERT 64

/* "INSERT INTO <table>(<cols>) VALUES (?,...),... <tail>" for @rows rows. */
static int
prepare_insert(struct fp_db *db, sqlite3_stmt **st, bool staging, size_t rows,
	       struct fp_err *err)
{
	struct fp_buf sql;
	int r;

	fp_buf_init(&sql);
	fp_buf_adds(&sql, staging ? "INSERT INTO temp.spill(bucket, src, dst, proto, port, verdict, "
				    "reason, count, first_seen, last_seen, fingerprint) VALUES "
				  : "INSERT INTO flows(bucket, src, dst, proto, port, verdict, reason, "
				    "count, first_seen, last_seen) VALUES ");
	for (size_t i = 0; i < rows; i++)
		fp_buf_adds(&sql, staging ? (i ? ",(?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?)")
					  : (i ? ",(?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?)"));
	if (!staging)
		fp_buf_adds(&sql, " " MERGE_COUNTS);
	if (sql.data == NULL) {
		fp_buf_done(&sql);
		return fp_err_nomem(err);
	}
	r = fp_db_prepare(db, st, sql.data, err);
	fp_buf_done(&sql);
	return r;
}

int
fp_store_tuples(struct fp_db *db, struct fp_flowtab *t, const char *fingerprint, bool staging,
		struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *ins_ep = NULL;
	_cleanup_stmt_ sqlite3_stmt *sel_ep = NULL;
	_cleanup_stmt_ sqlite3_stmt *many = NULL;
	_cleanup_stmt_ sqlite3_stmt *one = NULL;
	struct fp_tuple *tuples = NULL;
	int cols = staging ? 11 : 10;
	size_t n = 0;
	int r = FP_EDB;

	if ((staging ? prepare_park(db, &ins_ep, &sel_ep, err)
		     : prepare_intern(db, &ins_ep, &sel_ep, err)) < 0)
		return FP_EDB;
	if (prepare_insert(db, &many, staging, ROWS_PER_INSERT, err) < 0 ||
	    prepare_insert(db, &one, staging, 1, err) < 0)
		return FP_EDB;
	/*
	 * The slot survives spills, so each endpoint is looked up once: a
	 * database id when positive, minus its spill_ep number when parked.
	 */
	for (uint32_t i = 0; i < fp_flowtab_n_endpoints(t); i++) {
		int64_t *slot = fp_flowtab_endpoint_slot(t, i);
		const char *key = fp_flowtab_endpoint_key(t, i);

		if (staging && *slot >= 0) {
			if (park_endpoint(db, ins_ep, sel_ep, fingerprint, key, slot, err) < 0)
				return FP_EDB;
			*slot = -*slot;
		} else if (!staging && *slot <= 0 &&
			   intern_endpoint(db, ins_ep, sel_ep, key, slot, err) < 0) {
			return FP_EDB;
		}
	}
	if (fp_flowtab_sorted(&tuples, &n, t) < 0)
		return fp_err_nomem(err);
	for (size_t i = 0; i < n;) {
		size_t rows = n - i >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
		sqlite3_stmt *ins = rows > 1 ? many : one;

		sqlite3_reset(ins);
		for (size_t j = 0; j < rows; j++, i++) {
			const struct fp_tuple *k = &tuples[i];
			int at = (int)j * cols;

			sqlite3_bind_int64(ins, at + 1, k->bucket);
			sqlite3_bind_int64(ins, at + 2, endpoint_ref(t, k->src, staging));
			sqlite3_bind_int64(ins, at + 3, endpoint_ref(t, k->dst, staging));
			sqlite3_bind_int(ins, at + 4, k->proto);
			sqlite3_bind_int(ins, at + 5, k->port);
			sqlite3_bind_int(ins, at + 6, k->verdict);
			sqlite3_bind_int(ins, at + 7, k->reason);
			sqlite3_bind_int64(ins, at + 8,
					   k->count > INT64_MAX ? INT64_MAX : (int64_t)k->count);
			sqlite3_bind_int64(ins, at + 9, k->first);
			sqlite3_bind_int64(ins, at + 10, k->last);
			if (staging)
				sqlite3_bind_text(ins, at + 11, fingerprint, -1, SQLITE_STATIC);
		}
		if (fp_db_step(db, ins, err) < 0)
			goto out;
	}
	r = 0;
out:
	free(tuples);
	return r;
}

int
fp_store_merge_staging(struct fp_db *db, const char *fingerprint, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *eps = NULL;
	_cleanup_stmt_ sqlite3_stmt *set = NULL;
	_cleanup_stmt_ sqlite3_stmt *ins_ep = NULL;
	_cleanup_stmt_ sqlite3_stmt *sel_ep = NULL;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r;

	if (ensure_spill(db, err) < 0 ||
	    fp_db_prepare(db, &eps,
			  "SELECT seq, key FROM temp.spill_ep WHERE fingerprint = ? ORDER BY seq",
			  err) < 0 ||
	    fp_db_prepare(db, &set, "UPDATE temp.spill_ep SET id = ? WHERE seq = ?", err) < 0 ||
	    prepare_intern(db, &ins_ep, &sel_ep, err) < 0)
		return FP_EDB;
	/* The parked endpoints first, in the order they were first seen: the
	 * same ids as when nothing is parked. */
	sqlite3_bind_text(eps, 1, fingerprint, -1, SQLITE_STATIC);
	while ((r = fp_db_step(db, eps, err)) == SQLITE_ROW) {
		int64_t id;

		if (intern_endpoint(db, ins_ep, sel_ep, (const char *)sqlite3_column_text(eps, 1),
				    &id, err) < 0)
			return FP_EDB;
		sqlite3_reset(set);
		sqlite3_bind_int64(set, 1, id);
		sqlite3_bind_int64(set, 2, sqlite3_column_int64(eps, 0));
		if (fp_db_step(db, set, err) < 0)
			return FP_EDB;
	}
	if (r < 0)
		return FP_EDB;
	/* "WHERE ... AND true" keeps SQLite from reading ON CONFLICT as a
	 * join clause. */
	if (fp_db_prepare(db, &st,
			  "INSERT INTO flows(bucket, src, dst, proto, port, verdict, reason, "
			  "count, first_seen, last_seen) "
			  "SELECT s.bucket, a.id, b.id, s.proto, s.port, s.verdict, s.reason, "
			  "s.count, s.first_seen, s.last_seen FROM temp.spill s "
			  "JOIN temp.spill_ep a ON a.seq = s.src JOIN temp.spill_ep b ON b.seq = s.dst "
			  "WHERE s.fingerprint = ? AND true " MERGE_COUNTS,
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	if (fp_db_step(db, st, err) < 0)
		return FP_EDB;
	if (delete_where(db, "DELETE FROM temp.spill WHERE fingerprint = ?", fingerprint, err) < 0 ||
	    delete_where(db, "DELETE FROM temp.spill_ep WHERE fingerprint = ?", fingerprint,
			 err) < 0)
		return FP_EDB;
	return 0;
}

int
fp_store_source(struct fp_db *db, const struct fp_store_source *src,
		const struct fp_store_reject *rejects, size_t n_rejects, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_stmt_ sqlite3_stmt *rej = NULL;
	int64_t id;

	if (fp_db_prepare(db, &st,
			  "INSERT INTO sources(fingerprint, path, format, bytes, lines, records, "
			  "connections, skipped, skipped_detail, rejected, first_seen, last_seen, "
			  "resumed_bytes, resumed_lines, head, split_records) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_text(st, 1, src->fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, src->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, src->format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)src->bytes);
	sqlite3_bind_int64(st, 5, (int64_t)src->lines);
	sqlite3_bind_int64(st, 6, (int64_t)src->records);
	sqlite3_bind_int64(st, 7, src->connections > INT64_MAX ? INT64_MAX : (int64_t)src->connections);
	sqlite3_bind_int64(st, 8, (int64_t)src->skipped);
	sqlite3_bind_text(st, 9, src->skipped_detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, (int64_t)src->rejected);
	if (src->first <= src->last) {
		sqlite3_bind_int64(st, 11, src->first);
		sqlite3_bind_int64(st, 12, src->last);
	}
	sqlite3_bind_int64(st, 13, (int64_t)src->resumed_bytes);
	sqlite3_bind_int64(st, 14, (int64_t)src->resumed_lines);
	if (src->head != NULL)
		sqlite3_bind_text(st, 15, src->head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 16, (int64_t)src->split_records);
	if (fp_db_step(db, st, err) < 0)
		return FP_EDB;
	id = sqlite3_last_insert_rowid(fp_db_handle(db));
	if (n_rejects == 0)
		return 0;
	if (fp_db_prepare(db, &rej,
			  "INSERT OR IGNORE INTO rejects(source, line, reason) VALUES (?, ?, ?)",
			  err) < 0)
		return FP_EDB;
	for (size_t i = 0; i < n_rejects; i++) {
		sqlite3_reset(rej);
		sqlite3_bind_int64(rej, 1, id);
		sqlite3_bind_int64(rej, 2, rejects[i].line);
		sqlite3_bind_text(rej, 3, rejects[i].reason, -1, SQLITE_STATIC);
		if (fp_db_step(db, rej, err) < 0)
			return FP_EDB;
	}
	return 0;
}
