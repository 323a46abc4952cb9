/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db.h - the flowpol database: opening, schema migrations, transactions.
 *
 * struct fp_db owns one SQLite connection.  Other library modules reach the
 * raw handle through fp_db_handle() and convert SQLite errors only through
 * fp_db_error(), so every database error names the database file.
 */
#ifndef FP_DB_H
#define FP_DB_H

#include <stdint.h>

#include <sqlite3.h>

#include "lib/err.h"

struct fp_db;

enum fp_db_flags {
	FP_DB_READONLY = 1 << 0, /* never write; the file must exist */
};

/* The schema version this flowpol writes (PRAGMA user_version). */
int fp_db_schema_latest(void);

/*
 * Open (and, unless read-only, create and migrate) the database at @path.
 * On success *@out owns the connection; close it with fp_db_close().
 * A database written by a newer flowpol, a file that is not a database, or a
 * read-only file opened for writing fail with FP_EDB and leave it untouched.
 */
int fp_db_open(struct fp_db **out, const char *path, unsigned flags, struct fp_err *err);
/* Close the connection; takes NULL. */
void fp_db_close(struct fp_db *db);

/* Borrowed; valid until fp_db_close(). */
sqlite3 *fp_db_handle(struct fp_db *db);
const char *fp_db_path(const struct fp_db *db);

/* Fill @err from the connection's last error (source = database path). */
int fp_db_error(struct fp_db *db, struct fp_err *err);

/*
 * BEGIN IMMEDIATE: take the write lock now, waiting for another writer.
 * Inside an open transaction, a savepoint instead: transactions nest.
 */
int fp_db_begin(struct fp_db *db, struct fp_err *err);
/* BEGIN DEFERRED: a consistent snapshot for reading, no lock taken. */
int fp_db_begin_read(struct fp_db *db, struct fp_err *err);
int fp_db_commit(struct fp_db *db, struct fp_err *err);
/* Roll back the open transaction, if any; never fails visibly. */
void fp_db_rollback(struct fp_db *db);

int fp_db_exec(struct fp_db *db, const char *sql, struct fp_err *err);
int fp_db_prepare(struct fp_db *db, sqlite3_stmt **out, const char *sql, struct fp_err *err);
/* sqlite3_step() that maps errors: returns SQLITE_ROW, SQLITE_DONE or FP_EDB. */
int fp_db_step(struct fp_db *db, sqlite3_stmt *st, struct fp_err *err);

/* Finalize through a pointer, for __attribute__((cleanup)). */
void fp_db_finalizep(sqlite3_stmt **st);
#define _cleanup_stmt_ __attribute__((cleanup(fp_db_finalizep)))

/*
 * Read one integer from a query with no parameters (NULL reads as @dflt).
 * Returns 0 or FP_EDB.
 */
int fp_db_query_int(struct fp_db *db, int64_t *out, const char *sql, int64_t dflt,
		    struct fp_err *err);

#endif
