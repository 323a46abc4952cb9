/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "lib/db.h"
#include "lib/util-macro.h"

extern const char *const fp_schema_migrations[];

struct fp_db {
	sqlite3 *h;
	char *path;
	unsigned flags;
	int depth; /* open transactions: 1 = BEGIN, more = savepoints inside */
};

int
fp_db_schema_latest(void)
{
	int n = 0;

	while (fp_schema_migrations[n] != NULL)
		n++;
	return n;
}

sqlite3 *
fp_db_handle(struct fp_db *db)
{
	return db->h;
}

const char *
fp_db_path(const struct fp_db *db)
{
	return db->path;
}

int
fp_db_error(struct fp_db *db, struct fp_err *err)
{
	int code = sqlite3_extended_errcode(db->h);

	if ((code & 0xff) == SQLITE_BUSY)
		return fp_err_set(err, FP_EDB, db->path, 0, 0,
				  "database is locked by another flowpol process");
#ifdef SQLITE_READONLY_DIRECTORY
	if (code == SQLITE_READONLY_DIRECTORY)
		return fp_err_set(err, FP_EDB, db->path, 0, 0,
				  "cannot write the database: its directory is not writable "
				  "(SQLite keeps its journal there)");
#endif
	if ((code & 0xff) == SQLITE_READONLY)
		return fp_err_set(err, FP_EDB, db->path, 0, 0, "database is read-only: cannot write it");
	if ((code & 0xff) == SQLITE_FULL)
		return fp_err_set(err, FP_EDB, db->path, 0, 0, "disk full: nothing was stored");
	/* An I/O error says more with the system's reason (no space, too large). */
	if ((code & 0xff) == SQLITE_IOERR && sqlite3_system_errno(db->h) != 0)
		return fp_err_set(err, FP_EDB, db->path, 0, 0,
				  "cannot write the database: %s; what this command was storing "
				  "was not stored",
				  strerror(sqlite3_system_errno(db->h)));
	if ((code & 0xff) == SQLITE_CANTOPEN) {
		struct stat st;

		if (stat(db->path, &st) == 0 && S_ISDIR(st.st_mode))
			return fp_err_set(err, FP_EDB, db->path, 0, 0,
					  "cannot open database: it is a directory");
		if (sqlite3_system_errno(db->h) != 0)
			return fp_err_set(err, FP_EDB, db->path, 0, 0, "cannot open database: %s",
					  strerror(sqlite3_system_errno(db->h)));
	}
	return fp_err_set(err, FP_EDB, db->path, 0, 0, "%s", sqlite3_errmsg(db->h));
}

int
fp_db_exec(struct fp_db *db, const char *sql, struct fp_err *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fp_db_error(db, err);
	return 0;
}

int
fp_db_prepare(struct fp_db *db, sqlite3_stmt **out, const char *sql, struct fp_err *err)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return fp_db_error(db, err);
	}
	return 0;
}

int
fp_db_step(struct fp_db *db, sqlite3_stmt *st, struct fp_err *err)
{
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW || r == SQLITE_DONE)
		return r;
	return fp_db_error(db, err);
}

void
fp_db_finalizep(sqlite3_stmt **st)
{
	sqlite3_finalize(*st);
	*st = NULL;
}

/*
 * Transactions nest: the outermost is BEGIN IMMEDIATE (take the write lock
 * before reading, so no upgrade can fail later), inner ones are savepoints.
 * 'run' holds one around aggregate and generate, so a killed run leaves the
 * database as it was.
 */
int
fp_db_begin(struct fp_db *db, struct fp_err *err)
{
	char sql[32];

	if (db->depth == 0)
		snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE");
	else
		snprintf(sql, sizeof(sql), "SAVEPOINT fp%d", db->depth);
	if (fp_db_exec(db, sql, err) < 0)
		return FP_EDB;
	db->depth++;
	return 0;
}

int
fp_db_begin_read(struct fp_db *db, struct fp_err *err)
{
	char sql[32];

	if (db->depth == 0)
		snprintf(sql, sizeof(sql), "BEGIN DEFERRED");
	else
		snprintf(sql, sizeof(sql), "SAVEPOINT fp%d", db->depth);
	if (fp_db_exec(db, sql, err) < 0)
		return FP_EDB;
	db->depth++;
	return 0;
}

int
fp_db_commit(struct fp_db *db, struct fp_err *err)
{
	char sql[32];

	if (db->depth <= 1)
		snprintf(sql, sizeof(sql), "COMMIT");
	else
		snprintf(sql, sizeof(sql), "RELEASE fp%d", db->depth - 1);
	if (fp_db_exec(db, sql, err) < 0)
		return FP_EDB;
	if (db->depth > 0)
		db->depth--;
	return 0;
}

void
fp_db_rollback(struct fp_db *db)
{
	char sql[64];

	if (db->depth > 1) {
		snprintf(sql, sizeof(sql), "ROLLBACK TO fp%d; RELEASE fp%d", db->depth - 1,
			 db->depth - 1);
		sqlite3_exec(db->h, sql, NULL, NULL, NULL);
		db->depth--;
		return;
	}
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->depth = 0;
}

int
fp_db_query_int(struct fp_db *db, int64_t *out, const char *sql, int64_t dflt,
		struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r;

	if (fp_db_prepare(db, &st, sql, err) < 0)
		return FP_EDB;
	r = fp_db_step(db, st, err);
	if (r < 0)
		return FP_EDB;
	if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	else
		*out = dflt;
	return 0;
}

/* Bring the schema up to date, one migration per transaction. */
static int
migrate(struct fp_db *db, int64_t version, struct fp_err *err)
{
	int latest = fp_db_schema_latest();
	char pragma[64];

	for (int64_t v = version; v < latest; v++) {
		if (fp_db_begin(db, err) < 0)
			return FP_EDB;
		/* Another process may have migrated while we waited for the lock. */
		if (fp_db_query_int(db, &version, "PRAGMA user_version", 0, err) < 0)
			goto fail;
		if (version > v) {
			fp_db_rollback(db);
			v = version - 1;
			continue;
		}
		if (fp_db_exec(db, fp_schema_migrations[v], err) < 0)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %lld", (long long)v + 1);
		if (fp_db_exec(db, pragma, err) < 0 || fp_db_commit(db, err) < 0)
			goto fail;
	}
	return 0;
fail:
	fp_db_rollback(db);
	return FP_EDB;
}

/*
 * Pragmas, and why:
 * - journal_mode=WAL: readers (stats, check) work while an ingest writes, and
 *   a killed writer leaves the last committed state behind.
 * - synchronous=NORMAL: in WAL mode a commit survives a killed process; only
 *   a power loss can drop the latest commits, never corrupt the file.
 * - busy_timeout: a second writer waits for the first instead of failing.
 * - cache_size: 32 MiB keeps the indexes of a week's tuples hot on upserts;
 *   it is part of ingest's memory (peak RSS), so it stays well below the
 *   256 MB the whole process may use.
 * - foreign_keys: rejects and flows must name rows that exist (an ingest
 *   session, which only writes ids it has just looked up, turns it off).
 * - temp_store=FILE: tuples parked to stay within --memory go to a TEMP
 *   table; they must go to disk, not back into memory.
 * The size of the database comes from the schema rather than pragmas: flows
 * are folded per minute before they are stored, the flows table is WITHOUT
 * ROWID (the primary key is the table, no second index), endpoints are
 * stored once and named by integer id, and parked rows never enter the file.
 * The default 4 KiB pages suit rows of about 35 bytes.
 */
static int
configure(struct fp_db *db, struct fp_err *err)
{
	if (fp_db_exec(db,
		       "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768; "
		       "PRAGMA temp_store = FILE",
		       err) < 0)
		return FP_EDB;
	if (db->flags & FP_DB_READONLY)
		return 0;
	/* WAL is a property of the file: set once, by whoever creates it.
	 * Switching needs every other connection gone and SQLite does not wait
	 * for that, so two processes creating one database retry here. */
	for (int tries = 0;; tries++) {
		_cleanup_stmt_ sqlite3_stmt *st = NULL;
		const char *mode;
		int r;

		if (fp_db_prepare(db, &st, "PRAGMA journal_mode = WAL", err) < 0)
			return FP_EDB;
		r = sqlite3_step(st);
		mode = r == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		/* "wal", or what the file system allows instead (":memory:"
		 * says "memory"): either way, done */
		if (mode != NULL)
			break;
		if ((r & 0xff) != SQLITE_BUSY && (r & 0xff) != SQLITE_LOCKED)
			return fp_db_error(db, err);
		if (tries >= 600)
			return fp_err_set(err, FP_EDB, db->path, 0, 0,
					  "database is locked by another flowpol process");
		sqlite3_sleep(50);
	}
	return fp_db_exec(db, "PRAGMA synchronous = NORMAL", err);
}

int
fp_db_open(struct fp_db **out, const char *path, unsigned flags, struct fp_err *err)
{
	struct fp_db *db;
	int64_t version = 0;
	int oflags, r;
	struct stat st;

	*out = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return fp_err_set(err, FP_EDB, path, 0, 0, "cannot open database: it is a directory");
	if (flags & FP_DB_READONLY) {
		if (stat(path, &st) < 0)
			return fp_err_set(err, FP_EDB, path, 0, 0, "cannot open database: %s",
					  strerror(errno));
		oflags = SQLITE_OPEN_READONLY;
	} else {
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	db = calloc(1, sizeof(*db));
	if (db == NULL || (db->path = strdup(path)) == NULL) {
		free(db);
		return fp_err_nomem(err);
	}
	db->flags = flags;
	r = sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		if (db->h == NULL) {
			free(db->path);
			free(db);
			return fp_err_nomem(err);
		}
		fp_db_error(db, err);
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	/* A second writer waits for the first rather than failing. */
	sqlite3_busy_timeout(db->h, 30000);
	/* SQLite falls back to read-only when the file cannot be written; a
	 * writing command must say so before it touches anything. */
	if (!(flags & FP_DB_READONLY) && sqlite3_db_readonly(db->h, "main") == 1) {
		fp_err_set(err, FP_EDB, path, 0, 0, "database is read-only: cannot write it");
		goto fail;
	}
	/* Reading the version is the first access: it tells a database from
	 * any other file before anything is written. */
	if (fp_db_query_int(db, &version, "PRAGMA user_version", 0, err) < 0)
		goto fail;
	if (version > fp_db_schema_latest()) {
		fp_err_set(err, FP_EDB, path, 0, 0,
			   "database has schema version %lld, newer than this flowpol knows "
			   "(%d): use a newer flowpol",
			   (long long)version, fp_db_schema_latest());
		goto fail;
	}
	if (!(flags & FP_DB_READONLY) && sqlite3_db_readonly(db->h, "main") == 1) {
		fp_err_set(err, FP_EDB, path, 0, 0, "database is read-only");
		goto fail;
	}
	/*
	 * Someone else's SQLite file must not get our tables mixed in, nor be
	 * switched to WAL mode (which persists in the file): look before
	 * configure() writes anything.
	 */
	if (!(flags & FP_DB_READONLY) && version == 0) {
		int64_t foreign = 0;

		/* One statement, one snapshot: another flowpol may be creating
		 * the schema right now, and its tables come with a version. */
		if (fp_db_query_int(db, &foreign,
				    "SELECT (SELECT user_version FROM pragma_user_version) = 0 AND "
				    "(SELECT count(*) FROM sqlite_master) > 0",
				    0, err) < 0 ||
		    foreign) {
			fp_err_set(err, FP_EDB, path, 0, 0, "not a flowpol database");
			goto fail;
		}
	}
	if (configure(db, err) < 0)
		goto fail;
	if (flags & FP_DB_READONLY) {
		if (version < fp_db_schema_latest()) {
			fp_err_set(err, FP_EDB, path, 0, 0,
				   version == 0 ? "not a flowpol database (no schema)"
						: "database needs an upgrade: run any writing command "
						  "once (flowpol stats does not write)");
			goto fail;
		}
	} else if (migrate(db, version, err) < 0) {
		goto fail;
	}
	*out = db;
	return 0;
fail:
	fp_db_close(db);
	return FP_EDB;
}

void
fp_db_close(struct fp_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}
