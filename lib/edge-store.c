/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edge-store.c - aggregations in the database: a run records its window,
 * every option that shaped it, the inputs it read, its identities and its
 * edges with their history, so 'generate' later and next week's run can
 * read it back exactly.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/edge-private.h"
#include "lib/history.h"
#include "lib/netset.h"
#include "lib/util-buf.h"
#include "lib/util-macro.h"

/* Every option that changes the edges, as a JSON object with sorted keys. */
static char *
options_json(const struct fp_edgeset *es, const struct fp_edge_opts *opts)
{
	json_t *o = json_pack("{s:I, s:I, s:b, s:I, s:b, s:I, s:b}", "min_flows",
			      (json_int_t)es->min_flows, "ip_grace", (json_int_t)opts->ip_grace,
			      "allow_host", es->allow_host, "min_days", (json_int_t)es->min_days,
			      "require_stable", es->require_stable, "stale_after",
			      (json_int_t)es->stale_after, "prune", es->prune);
	json_t *nets = json_object();
	char *text = NULL;

	if (o == NULL || nets == NULL)
		goto out;
	for (size_t i = 0; opts->nets != NULL && i < opts->nets->n; i++)
		if (json_object_set_new(nets, opts->nets->nets[i].name,
					json_string(opts->nets->nets[i].text)) < 0)
			goto out;
	if (json_object_set(o, "known_networks", nets) < 0)
		goto out;
	text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
out:
	json_decref(nets);
	json_decref(o);
	return text;
}

/* The sources with flows in the window: what this run read. */
static int
inputs_json(char **out, const struct fp_edgeset *es, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	json_t *a = json_array();
	int r;

	*out = NULL;
	if (a == NULL)
		return fp_err_nomem(err);
	if (fp_db_prepare(db, &st,
			  "SELECT fingerprint, path, format, records FROM sources "
			  "WHERE first_seen < ?2 AND last_seen >= ?1 ORDER BY fingerprint",
			  err) < 0) {
		json_decref(a);
		return FP_EDB;
	}
	sqlite3_bind_int64(st, 1, es->since);
	sqlite3_bind_int64(st, 2, es->until);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		json_t *s = json_pack("{s:s, s:s, s:s, s:I}", "fingerprint",
				      (const char *)sqlite3_column_text(st, 0), "path",
				      (const char *)sqlite3_column_text(st, 1), "format",
				      (const char *)sqlite3_column_text(st, 2), "records",
				      (json_int_t)sqlite3_column_int64(st, 3));

		if (s == NULL || json_array_append_new(a, s) < 0) {
			json_decref(a);
			return fp_err_nomem(err);
		}
	}
	if (r < 0) {
		json_decref(a);
		return FP_EDB;
	}
	*out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return *out != NULL ? 0 : fp_err_nomem(err);
}

/* "20404,20405", or NULL for an edge without days (one carried forward). */
static int
day_list(char **out, const struct fp_edge *e)
{
	struct fp_buf b;

	*out = NULL;
	fp_buf_init(&b);
	for (uint32_t i = 0; e->dayv != NULL && i < e->days; i++)
		if (fp_buf_printf(&b, "%s%ld", i ? "," : "", (long)e->dayv[i]) < 0) {
			fp_buf_done(&b);
			return -1;
		}
	if (b.len > 0)
		*out = fp_buf_steal(&b);
	return 0;
}

int
fp_edge_store_run(struct fp_edgeset *es, struct fp_db *db, const struct fp_edge_opts *opts,
		  struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *run = NULL;
	_cleanup_stmt_ sqlite3_stmt *ins = NULL;
	char *options, *resolution, *inputs;
	json_t *res;

	res = json_pack("{s:I, s:b, s:I, s:s, s:I}", "exact", (json_int_t)es->matches[0],
			"inventory", es->inventory, "near", (json_int_t)es->matches[1], "ranges",
			fp_buf_str(&es->ranges), "unresolved", (json_int_t)es->matches[2]);
	resolution = res != NULL ? json_dumps(res, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(res);
	options = options_json(es, opts);
	if (resolution == NULL || options == NULL) {
		free(resolution);
		free(options);
		return fp_err_nomem(err);
	}
	if (inputs_json(&inputs, es, db, err) < 0) {
		free(resolution);
		free(options);
		return err->code;
	}
	if (fp_db_prepare(db, &run,
			  "INSERT INTO runs(command, since, until, options, resolution, inputs) "
			  "VALUES ('aggregate', ?, ?, ?, ?, ?)",
			  err) < 0 ||
	    fp_db_prepare(db, &ins,
			  "INSERT INTO edges(run, src, dst, proto, port, verdict, flows, first_seen, "
			  "last_seen, days, status, day_list, days_all, first_all, last_all, stale) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0) {
		free(resolution);
		free(options);
		free(inputs);
		return FP_EDB;
	}
	sqlite3_bind_int64(run, 1, es->since);
	sqlite3_bind_int64(run, 2, es->until);
	sqlite3_bind_text(run, 3, options, -1, free);
	sqlite3_bind_text(run, 4, resolution, -1, free);
	sqlite3_bind_text(run, 5, inputs, -1, free);
	if (fp_db_step(db, run, err) < 0)
		return FP_EDB;
	es->run = sqlite3_last_insert_rowid(fp_db_handle(db));
	if (fp_idset_store(es->ids, db, es->run, err) < 0)
		return FP_EDB;
	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];
		char *days;

		if (day_list(&days, e) < 0)
			return fp_err_nomem(err);
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, es->run);
		sqlite3_bind_text(ins, 2, fp_idset_get(es->ids, e->src)->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, fp_idset_get(es->ids, e->dst)->key, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 4, e->proto);
		sqlite3_bind_int(ins, 5, e->port);
		sqlite3_bind_int(ins, 6, e->verdict);
		sqlite3_bind_int64(ins, 7, e->flows > INT64_MAX ? INT64_MAX : (int64_t)e->flows);
		sqlite3_bind_int64(ins, 8, e->first);
		sqlite3_bind_int64(ins, 9, e->last);
		sqlite3_bind_int64(ins, 10, e->days);
		sqlite3_bind_int(ins, 11, e->status);
		sqlite3_bind_text(ins, 12, days, -1, free);
		sqlite3_bind_int64(ins, 13, e->days_all);
		sqlite3_bind_int64(ins, 14, e->first_all);
		sqlite3_bind_int64(ins, 15, e->last_all);
		sqlite3_bind_int64(ins, 16, e->stale);
		if (fp_db_step(db, ins, err) < 0)
			return FP_EDB;
	}
	return 0;
}

int
fp_edge_load_latest(struct fp_edgeset **out, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *run = NULL;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_edgeset *es;
	size_t cap = 0;
	int r;

	*out = NULL;
	if (fp_db_prepare(db, &run,
			  "SELECT id, since, until, json_extract(options, '$.min_flows'), "
			  "json_extract(resolution, '$.exact'), json_extract(resolution, '$.near'), "
			  "json_extract(resolution, '$.unresolved'), "
			  "json_extract(resolution, '$.inventory'), "
			  "json_extract(resolution, '$.ranges'), "
			  "coalesce(json_extract(options, '$.allow_host'), 0), "
			  "coalesce(json_extract(options, '$.min_days'), 1), "
			  "coalesce(json_extract(options, '$.require_stable'), 0), "
			  "coalesce(json_extract(options, '$.stale_after'), 4), "
			  "coalesce(json_extract(options, '$.prune'), 0), "
			  "(SELECT count(*) FROM (SELECT DISTINCT since, until FROM runs AS w "
			  " WHERE w.command = 'aggregate' AND w.until <= runs.until)) FROM runs "
			  "WHERE command = 'aggregate' ORDER BY id DESC LIMIT 1",
			  err) < 0)
		return FP_EDB;
	r = fp_db_step(db, run, err);
	if (r < 0)
		return FP_EDB;
	if (r != SQLITE_ROW)
		return fp_err_set(err, FP_EINPUT, fp_db_path(db), 0, 0,
				  "no aggregation yet: run 'flowpol aggregate' first");
	es = calloc(1, sizeof(*es));
	if (es == NULL)
		return fp_err_nomem(err);
	es->run = sqlite3_column_int64(run, 0);
	es->since = sqlite3_column_int64(run, 1);
	es->until = sqlite3_column_int64(run, 2);
	es->min_flows = (uint64_t)sqlite3_column_int64(run, 3);
	for (int i = 0; i < 3; i++)
		es->matches[i] = (uint64_t)sqlite3_column_int64(run, 4 + i);
	es->inventory = sqlite3_column_int(run, 7) != 0;
	if (sqlite3_column_text(run, 8) != NULL)
		fp_buf_adds(&es->ranges, (const char *)sqlite3_column_text(run, 8));
	es->allow_host = sqlite3_column_int(run, 9) != 0;
	es->min_days = (uint32_t)sqlite3_column_int64(run, 10);
	es->require_stable = sqlite3_column_int(run, 11) != 0;
	es->stale_after = (uint32_t)sqlite3_column_int64(run, 12);
	es->prune = sqlite3_column_int(run, 13) != 0;
	es->windows = (uint32_t)sqlite3_column_int64(run, 14);
	if (fp_idset_load(&es->ids, db, es->run, err) < 0 ||
	    fp_db_prepare(db, &st,
			  "SELECT src, dst, proto, port, verdict, flows, first_seen, last_seen, days, "
			  "status, days_all, first_all, last_all, stale FROM edges WHERE run = ?",
			  err) < 0) {
		fp_edgeset_free(es);
		return FP_EDB;
	}
	sqlite3_bind_int64(st, 1, es->run);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		long src = fp_idset_find(es->ids, (const char *)sqlite3_column_text(st, 0));
		long dst = fp_idset_find(es->ids, (const char *)sqlite3_column_text(st, 1));
		struct fp_edge *e;

		if (src < 0 || dst < 0) {
			r = fp_err_set(err, FP_EDB, fp_db_path(db), 0, 0,
				       "stored edge names an unknown identity");
			break;
		}
		if (es->n == cap) {
			size_t c = cap ? cap * 2 : 256;
			struct fp_edge *v = realloc(es->edges, c * sizeof(*v));

			if (v == NULL) {
				r = fp_err_nomem(err);
				break;
			}
			es->edges = v;
			cap = c;
		}
		e = &es->edges[es->n++];
		memset(e, 0, sizeof(*e));
		e->src = (uint32_t)src;
		e->dst = (uint32_t)dst;
		e->proto = (uint8_t)sqlite3_column_int(st, 2);
		e->port = (uint16_t)sqlite3_column_int(st, 3);
		e->verdict = (uint8_t)sqlite3_column_int(st, 4);
		e->flows = (uint64_t)sqlite3_column_int64(st, 5);
		e->first = sqlite3_column_int64(st, 6);
		e->last = sqlite3_column_int64(st, 7);
		e->days = (uint32_t)sqlite3_column_int64(st, 8);
		e->status = sqlite3_column_int(st, 9);
		e->days_all = (uint32_t)sqlite3_column_int64(st, 10);
		e->first_all = sqlite3_column_int64(st, 11);
		e->last_all = sqlite3_column_int64(st, 12);
		e->stale = (uint32_t)sqlite3_column_int64(st, 13);
		e->low_evidence = fp_history_is_low(es, e);
	}
	if (r < 0) {
		fp_edgeset_free(es);
		return r;
	}
	fp_edgeset_sort(es);
	*out = es;
	return 0;
}
