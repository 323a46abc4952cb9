/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/stats.h"

static int
sum_skips(struct fp_stats *out, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r;

	if (fp_db_prepare(db, &st,
			  "SELECT j.key, sum(j.value) FROM sources, json_each(sources.skipped_detail) j "
			  "GROUP BY j.key",
			  err) < 0)
		return FP_EDB;
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);

		for (int s = 1; s < FP_SKIP__COUNT; s++)
			if (key != NULL && strcmp(key, fp_skip_name(s)) == 0)
				out->skip[s] = (uint64_t)sqlite3_column_int64(st, 1);
	}
	return r < 0 ? FP_EDB : 0;
}

int
fp_stats_collect(struct fp_stats *out, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int64_t v;

	memset(out, 0, sizeof(*out));
	if (fp_db_query_int(db, &v, "PRAGMA user_version", 0, err) < 0)
		return FP_EDB;
	out->schema = (int)v;
	if (fp_db_prepare(db, &st,
			  "SELECT count(*), total(bytes), total(lines), total(records), "
			  "total(connections), total(skipped), total(rejected) FROM sources",
			  err) < 0 ||
	    fp_db_step(db, st, err) != SQLITE_ROW)
		return FP_EDB;
	out->sources = (uint64_t)sqlite3_column_int64(st, 0);
	out->bytes = (uint64_t)sqlite3_column_double(st, 1);
	out->lines = (uint64_t)sqlite3_column_double(st, 2);
	out->records = (uint64_t)sqlite3_column_double(st, 3);
	out->connections = (uint64_t)sqlite3_column_double(st, 4);
	out->skipped = (uint64_t)sqlite3_column_double(st, 5);
	out->rejected = (uint64_t)sqlite3_column_double(st, 6);
	if (fp_db_query_int(db, &v, "SELECT count(*) FROM flows", 0, err) < 0)
		return FP_EDB;
	out->tuples = (uint64_t)v;
	if (fp_db_query_int(db, &v, "SELECT count(*) FROM endpoints", 0, err) < 0)
		return FP_EDB;
	out->endpoints = (uint64_t)v;
	if (fp_db_query_int(db, &v, "SELECT total(count) FROM flows WHERE verdict = 2", 0, err) < 0)
		return FP_EDB;
	out->dropped_connections = (uint64_t)v;
	if (fp_db_query_int(db, &v, "SELECT count(*) FROM runs", 0, err) < 0)
		return FP_EDB;
	out->runs = (uint64_t)v;
	if (fp_db_query_int(db, &out->first, "SELECT min(first_seen) FROM flows", 1, err) < 0 ||
	    fp_db_query_int(db, &out->last, "SELECT max(last_seen) FROM flows", 0, err) < 0)
		return FP_EDB;
	return sum_skips(out, db, err);
}
