/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db-dump.c - print every row of every table of a flowpol database in a
 * canonical order, so two databases can be compared with diff(1).
 *
 *   db-dump DB
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static int
dump_table(sqlite3 *db, const char *table)
{
	char sql[1024];
	sqlite3_stmt *st;
	int n, r;

	snprintf(sql, sizeof(sql), "SELECT * FROM \"%.63s\"", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	n = sqlite3_column_count(st);
	sqlite3_finalize(st);
	/* ORDER BY every column: the dump does not depend on insertion order */
	snprintf(sql, sizeof(sql), "SELECT * FROM \"%.63s\" ORDER BY ", table);
	for (int i = 1; i <= n; i++)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), "%s%d", i > 1 ? "," : "", i);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	printf("== %s\n", table);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			printf("%s%s", i > 0 ? "|" : "", v != NULL ? (const char *)v : "NULL");
		}
		putchar('\n');
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : -1;
}

int
main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char names[64][64];
	int n = 0, status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: db-dump DB\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "db-dump: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM sqlite_master WHERE type = 'table' "
			       "AND name NOT LIKE 'sqlite_%' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (sqlite3_step(st) == SQLITE_ROW && n < 64)
		snprintf(names[n++], sizeof(names[0]), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++)
		if (dump_table(db, names[i]) < 0) {
			fprintf(stderr, "db-dump: %s: %s\n", names[i], sqlite3_errmsg(db));
			status = 1;
		}
	sqlite3_close(db);
	return status;
}
