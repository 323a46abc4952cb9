/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-db.c - opening the database: creation, migration, and every kind of
 * file that must be refused without being touched.
 */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lib/db.h"
#include "tests/fp-check.h"

static const char *
tmp_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fp_tmpdir(), name);
	return path;
}

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Run @sql on @path with plain SQLite, as another program would. */
static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *h = NULL;

	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK, "%s",
		      sqlite3_errmsg(h));
	ck_assert_int_eq(sqlite3_close(h), SQLITE_OK);
}

/* Open @path for writing, expect FP_EDB with @text, and the file unchanged. */
static void
assert_refused_untouched(const char *path, const char *text)
{
	struct fp_err err = { 0 };
	struct fp_db *db = (struct fp_db *)&err;
	char side[PATH_MAX + 8];
	size_t len_before, len_after;
	char *before = fp_read_file(path, &len_before), *after;

	ck_assert_int_eq(fp_db_open(&db, path, 0, &err), FP_EDB);
	ck_assert_ptr_null(db);
	fp_assert_err(&err, FP_EDB, path, 0, 0, text);
	after = fp_read_file(path, &len_after);
	ck_assert_uint_eq(len_after, len_before);
	ck_assert(memcmp(before, after, len_before) == 0);
	/* Nor does a journal or WAL appear beside it. */
	snprintf(side, sizeof(side), "%s-wal", path);
	ck_assert(!exists(side));
	snprintf(side, sizeof(side), "%s-journal", path);
	ck_assert(!exists(side));
	free(before);
	free(after);
}

START_TEST(test_db_open_creates_and_migrates)
{
	const char *path = tmp_path("new.db");
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;

	ck_assert(!exists(path));
	ck_assert_int_ge(fp_db_schema_latest(), 1);
	ck_assert_int_eq(fp_db_open(&db, path, 0, &err), 0);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert(exists(path));
	ck_assert_str_eq(fp_db_path(db), path);
	ck_assert_int_eq(fp_test_query(db, "PRAGMA user_version"), fp_db_schema_latest());
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM sqlite_master WHERE type = "
					   "'table' AND name IN ('sources', 'endpoints', 'flows', "
					   "'staging', 'rejects', 'runs', 'identities', 'edges')"),
			 8);
	ck_assert_int_eq(fp_test_query(db, "PRAGMA foreign_keys"), 1);
	fp_db_close(db);
	fp_db_close(NULL);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_reopen_is_idempotent)
{
	const char *path = tmp_path("again.db");
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;
	char *schema1, *schema2;

	ck_assert_int_eq(fp_db_open(&db, path, 0, &err), 0);
	ck_assert_int_eq(fp_db_exec(db, "INSERT INTO runs(command, since, until, options) "
				       "VALUES ('aggregate', 1, 2, '{}')", &err), 0);
	schema1 = fp_test_rows(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name");
	fp_db_close(db);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(fp_db_open(&db, path, 0, &err), 0);
		ck_assert_int_eq(fp_test_query(db, "PRAGMA user_version"), fp_db_schema_latest());
		ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM runs"), 1);
		schema2 = fp_test_rows(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name");
		ck_assert_str_eq(schema2, schema1);
		free(schema2);
		fp_db_close(db);
	}
	/* A reader opens it too, and cannot write. */
	ck_assert_int_eq(fp_db_open(&db, path, FP_DB_READONLY, &err), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM runs"), 1);
	ck_assert_int_eq(fp_db_exec(db, "DELETE FROM runs", &err), FP_EDB);
	ck_assert_int_eq(err.code, FP_EDB);
	ck_assert_str_eq(err.source, path);
	fp_db_close(db);
	free(schema1);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_readonly_missing_file)
{
	const char *path = tmp_path("missing.db");
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;

	ck_assert_int_eq(fp_db_open(&db, path, FP_DB_READONLY, &err), FP_EDB);
	ck_assert_ptr_null(db);
	fp_assert_err(&err, FP_EDB, path, 0, 0, "cannot open database: No such file or directory");
	ck_assert(!exists(path));
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_readonly_needs_schema)
{
	const char *path = tmp_path("empty.db");
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;

	fp_write_file(fp_tmpdir(), "empty.db", "");
	ck_assert_int_eq(fp_db_open(&db, path, FP_DB_READONLY, &err), FP_EDB);
	ck_assert_ptr_null(db);
	fp_assert_err(&err, FP_EDB, path, 0, 0, "not a flowpol database (no schema)");
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_rejects_non_database)
{
	const char *path = tmp_path("notes.txt");
	struct fp_buf b;

	fp_buf_init(&b);
	for (int i = 0; i < 200; i++)
		fp_buf_printf(&b, "line %d of somebody's notes, not a database\n", i);
	fp_write_file(fp_tmpdir(), "notes.txt", fp_buf_str(&b));
	fp_buf_done(&b);
	assert_refused_untouched(path, "file is not a database");
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_rejects_newer_schema)
{
	const char *path = tmp_path("future.db");
	char sql[128], text[256];

	snprintf(sql, sizeof(sql), "CREATE TABLE sources(id INTEGER); PRAGMA user_version = %d",
		 fp_db_schema_latest() + 1);
	raw_sql(path, sql);
	snprintf(text, sizeof(text),
		 "database has schema version %d, newer than this flowpol knows (%d): use a "
		 "newer flowpol",
		 fp_db_schema_latest() + 1, fp_db_schema_latest());
	assert_refused_untouched(path, text);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_rejects_foreign_sqlite)
{
	const char *path = tmp_path("other.db");

	raw_sql(path, "CREATE TABLE contacts(name TEXT, phone TEXT); "
		      "INSERT INTO contacts VALUES ('ada', '123')");
	assert_refused_untouched(path, "not a flowpol database");
	fp_tmpdir_cleanup();
}
END_TEST

/* Open @path for writing and report the error text through @fd. */
static void
open_for_writing_report(const char *path, int fd)
{
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;
	int r = fp_db_open(&db, path, 0, &err);
	char msg[PATH_MAX + 64];
	int n = snprintf(msg, sizeof(msg), "%d|%s|%ld|%d|%s", r, err.source, err.line, err.column,
			 err.text);

	fp_db_close(db);
	if (write(fd, msg, (size_t)n) != n)
		_exit(2);
}

START_TEST(test_db_rejects_readonly_file)
{
	const char *path = tmp_path("ro.db");
	char want[PATH_MAX + 64], got[PATH_MAX + 64] = "";
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;
	size_t len_before, len_after;
	char *before, *after;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(fp_db_open(&db, path, 0, &err), 0);
	fp_db_close(db);
	ck_assert_int_eq(chmod(path, 0444), 0);
	before = fp_read_file(path, &len_before);
	ck_assert_int_eq(pipe(fds), 0);
	/*
	 * Root ignores file permissions, so as root the open runs in a child
	 * that has become "nobody" (in a directory it may write, as a user's
	 * own directory is).  Where that is impossible the test is skipped.
	 */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		if (geteuid() == 0 &&
		    (chmod(fp_tmpdir(), 0777) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
			_exit(77);
		open_for_writing_report(path, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		free(before);
		fp_tmpdir_cleanup();
		return; /* cannot drop root here: skipped */
	}
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	snprintf(want, sizeof(want), "%d|%s|0|0|database is read-only: cannot write it", FP_EDB,
		 path);
	ck_assert_str_eq(got, want);
	after = fp_read_file(path, &len_after);
	ck_assert_uint_eq(len_after, len_before);
	ck_assert(memcmp(before, after, len_before) == 0);
	free(before);
	free(after);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_query_int_default)
{
	struct fp_db *db = fp_test_db("q.db");
	struct fp_err err = { 0 };
	int64_t v = 5;

	ck_assert_int_eq(fp_db_query_int(db, &v, "SELECT max(bucket) FROM flows", -7, &err), 0);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(fp_db_query_int(db, &v, "SELECT 42", -7, &err), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(fp_db_query_int(db, &v, "SELECT nonsense FROM nowhere", 0, &err), FP_EDB);
	fp_assert_err(&err, FP_EDB, fp_db_path(db), 0, 0, "no such table: nowhere");
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_db_transactions)
{
	struct fp_db *db = fp_test_db("tx.db");
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_db_begin(db, &err), 0);
	ck_assert_int_eq(fp_db_exec(db, "INSERT INTO runs(command, since, until, options) "
				       "VALUES ('x', 0, 1, '{}')", &err), 0);
	fp_db_rollback(db);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM runs"), 0);
	fp_db_rollback(db); /* no transaction: harmless */
	ck_assert_int_eq(fp_db_begin(db, &err), 0);
	ck_assert_int_eq(fp_db_exec(db, "INSERT INTO runs(command, since, until, options) "
				       "VALUES ('x', 0, 1, '{}')", &err), 0);
	ck_assert_int_eq(fp_db_commit(db, &err), 0);
	ck_assert_int_eq(fp_test_query(db, "SELECT count(*) FROM runs"), 1);
	fp_db_close(db);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("open");

	tcase_add_test(tc, test_db_open_creates_and_migrates);
	tcase_add_test(tc, test_db_reopen_is_idempotent);
	tcase_add_test(tc, test_db_readonly_missing_file);
	tcase_add_test(tc, test_db_readonly_needs_schema);
	tcase_add_test(tc, test_db_rejects_non_database);
	tcase_add_test(tc, test_db_rejects_newer_schema);
	tcase_add_test(tc, test_db_rejects_foreign_sqlite);
	tcase_add_test(tc, test_db_rejects_readonly_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("query_int");
	tcase_add_test(tc, test_db_query_int_default);
	suite_add_tcase(s, tc);
	tc = tcase_create("transactions");
	tcase_add_test(tc, test_db_transactions);
	suite_add_tcase(s, tc);
	return s;
}
