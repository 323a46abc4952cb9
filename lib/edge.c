/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/edge.h"
#include "lib/flowtab.h"
#include "lib/util-buf.h"
#include "lib/util-map.h"
#include "lib/util-time.h"

const char *
fp_edge_status_name(enum fp_edge_status s)
{
	switch (s) {
	case FP_EDGE_ALLOW: return "allow";
	case FP_EDGE_MIN_FLOWS: return "min-flows";
	case FP_EDGE_NODE: return "node";
	case FP_EDGE_UNRESOLVED: return "unresolved";
	case FP_EDGE_NO_PORTS: return "no-ports";
	case FP_EDGE_CNI: return "cni";
	case FP_EDGE_DENIED: return "denied";
	case FP_EDGE_NO_POD: return "no-pod";
	}
	return "unknown";
}

void
fp_edgeset_free(struct fp_edgeset *e)
{
	if (e == NULL)
		return;
	fp_idset_free(e->ids);
	free(e->edges);
	free(e);
}

int
fp_edge_data_extent(int64_t *since, int64_t *until, struct fp_db *db, struct fp_err *err)
{
	int64_t lo, hi;

	if (fp_db_query_int(db, &lo, "SELECT min(bucket) FROM flows", 0, err) < 0 ||
	    fp_db_query_int(db, &hi, "SELECT max(bucket) FROM flows", -FP_BUCKET_SECONDS, err) < 0)
		return FP_EDB;
	*since = lo;
	*until = hi + FP_BUCKET_SECONDS;
	return 0;
}

static bool
is_pod(const struct fp_identity *id)
{
	return id->kind == FP_ID_WORKLOAD;
}

/* Decide what becomes of an edge.  The order matters: the first reason wins. */
static enum fp_edge_status
classify(const struct fp_edge *e, const struct fp_identity *src, const struct fp_identity *dst,
	 uint64_t min_flows)
{
	if (e->verdict == FP_EDGE_DROPPED)
		return FP_EDGE_DENIED;
	if (src->kind == FP_ID_CNI || dst->kind == FP_ID_CNI)
		return FP_EDGE_CNI;
	if (!is_pod(src) && !is_pod(dst))
		return FP_EDGE_NO_POD;
	if (!fp_proto_has_ports(e->proto))
		return FP_EDGE_NO_PORTS;
	if (src->kind == FP_ID_UNRESOLVED || dst->kind == FP_ID_UNRESOLVED ||
	    (is_pod(src) && !src->selectable) || (is_pod(dst) && !dst->selectable))
		return FP_EDGE_UNRESOLVED;
	if (src->kind == FP_ID_NODE || dst->kind == FP_ID_NODE)
		return FP_EDGE_NODE;
	if (e->flows < min_flows)
		return FP_EDGE_MIN_FLOWS;
	return FP_EDGE_ALLOW;
}

static int
edge_cmp(const void *a, const void *b)
{
	const struct fp_edge *x = a, *y = b;

#define CMP(f)                             \
	if (x->f != y->f)                  \
		return x->f < y->f ? -1 : 1;
	CMP(src) CMP(dst) CMP(proto) CMP(port) CMP(verdict)
#undef CMP
	return 0;
}

struct dayref {
	size_t edge;
	int64_t day;
};

static int
dayref_cmp(const void *a, const void *b)
{
	const struct dayref *x = a, *y = b;

	if (x->edge != y->edge)
		return x->edge < y->edge ? -1 : 1;
	return x->day < y->day ? -1 : x->day > y->day;
}

struct folding {
	struct fp_edge *edges;
	size_t n, cap;
	struct dayref *days;
	size_t n_days, cap_days;
	struct fp_strmap index;
	char **keys; /* owned keys of the index */
};

static int
fold_row(struct folding *f, uint32_t src, uint32_t dst, uint8_t proto, uint16_t port,
	 uint8_t verdict, int64_t day, uint64_t flows, int64_t first, int64_t last)
{
	char key[96];
	long at;

	snprintf(key, sizeof(key), "%u|%u|%u|%u|%u", src, dst, proto, port, verdict);
	at = fp_strmap_get(&f->index, key);
	if (at < 0) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 256;
			struct fp_edge *v = realloc(f->edges, cap * sizeof(*v));
			char **k = realloc(f->keys, cap * sizeof(*k));

			if (v != NULL)
				f->edges = v;
			if (k != NULL)
				f->keys = k;
			if (v == NULL || k == NULL)
				return FP_ENOMEM;
			f->cap = cap;
		}
		f->keys[f->n] = strdup(key);
		if (f->keys[f->n] == NULL || fp_strmap_put(&f->index, f->keys[f->n], f->n) < 0)
			return FP_ENOMEM;
		f->edges[f->n] = (struct fp_edge){ .src = src, .dst = dst, .proto = proto,
						   .port = port, .verdict = verdict, .flows = 0,
						   .first = first, .last = last };
		at = (long)f->n++;
	}
	{
		struct fp_edge *e = &f->edges[at];

		e->flows = e->flows > UINT64_MAX - flows ? UINT64_MAX : e->flows + flows;
		if (first < e->first)
			e->first = first;
		if (last > e->last)
			e->last = last;
	}
	if (f->n_days == f->cap_days) {
		size_t cap = f->cap_days ? f->cap_days * 2 : 256;
		struct dayref *v = realloc(f->days, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		f->days = v;
		f->cap_days = cap;
	}
	f->days[f->n_days++] = (struct dayref){ (size_t)at, day };
	return 0;
}

static void
folding_done(struct folding *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->keys[i]);
	free(f->keys);
	free(f->days);
	fp_strmap_done(&f->index);
}

/* Count distinct days per edge. */
static void
count_days(struct folding *f)
{
	if (f->n_days == 0)
		return; /* f->days is NULL: qsort() must not see it */
	qsort(f->days, f->n_days, sizeof(*f->days), dayref_cmp);
	for (size_t i = 0; i < f->n_days; i++)
		if (i == 0 || f->days[i].edge != f->days[i - 1].edge ||
		    f->days[i].day != f->days[i - 1].day)
			f->edges[f->days[i].edge].days++;
}

static int
fold_window(struct fp_edgeset *es, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct folding f = { 0 };
	int r;

	fp_strmap_init(&f.index);
	if (fp_db_prepare(db, &st,
			  "SELECT src, dst, proto, port, CASE verdict WHEN 2 THEN 2 ELSE 1 END AS v, "
			  "bucket / 86400 AS day, sum(count), min(first_seen), max(last_seen) "
			  "FROM flows WHERE bucket >= ?1 AND bucket < ?2 "
			  "GROUP BY src, dst, proto, port, v, day",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_int64(st, 1, es->since);
	sqlite3_bind_int64(st, 2, es->until);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		long src = fp_idset_of_endpoint(es->ids, sqlite3_column_int64(st, 0));
		long dst = fp_idset_of_endpoint(es->ids, sqlite3_column_int64(st, 1));
		int64_t flows = sqlite3_column_int64(st, 6);

		if (src < 0 || dst < 0) {
			r = fp_err_set(err, FP_EDB, fp_db_path(db), 0, 0,
				       "a flow names an endpoint that does not exist");
			break;
		}
		if (fold_row(&f, (uint32_t)src, (uint32_t)dst, (uint8_t)sqlite3_column_int(st, 2),
			     (uint16_t)sqlite3_column_int(st, 3), (uint8_t)sqlite3_column_int(st, 4),
			     sqlite3_column_int64(st, 5), flows > 0 ? (uint64_t)flows : 0,
			     sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8)) < 0) {
			r = fp_err_nomem(err);
			break;
		}
	}
	if (r < 0) {
		folding_done(&f);
		free(f.edges);
		return r;
	}
	count_days(&f);
	folding_done(&f);
	es->edges = f.edges;
	es->n = f.n;
	if (es->n > 0) /* an empty window has no array to sort */
		qsort(es->edges, es->n, sizeof(*es->edges), edge_cmp);
	for (size_t i = 0; i < es->n; i++) {
		struct fp_edge *e = &es->edges[i];

		e->status = classify(e, fp_idset_get(es->ids, e->src), fp_idset_get(es->ids, e->dst),
				     es->min_flows);
	}
	return 0;
}

static int
store_run(struct fp_edgeset *es, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *run = NULL;
	_cleanup_stmt_ sqlite3_stmt *ins = NULL;
	char options[64];

	snprintf(options, sizeof(options), "{\"min_flows\":%llu}", (unsigned long long)es->min_flows);
	if (fp_db_prepare(db, &run,
			  "INSERT INTO runs(command, since, until, options) VALUES ('aggregate', ?, ?, ?)",
			  err) < 0 ||
	    fp_db_prepare(db, &ins,
			  "INSERT INTO edges(run, src, dst, proto, port, verdict, flows, first_seen, "
			  "last_seen, days, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_int64(run, 1, es->since);
	sqlite3_bind_int64(run, 2, es->until);
	sqlite3_bind_text(run, 3, options, -1, SQLITE_STATIC);
	if (fp_db_step(db, run, err) < 0)
		return FP_EDB;
	es->run = sqlite3_last_insert_rowid(fp_db_handle(db));
	if (fp_idset_store(es->ids, db, es->run, err) < 0)
		return FP_EDB;
	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

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
		if (fp_db_step(db, ins, err) < 0)
			return FP_EDB;
	}
	return 0;
}

static int
window(struct fp_edgeset *es, struct fp_db *db, const struct fp_edge_opts *opts,
       struct fp_err *err)
{
	int64_t newest;

	if (fp_edge_data_extent(&es->since, &es->until, db, err) < 0 ||
	    fp_db_query_int(db, &newest, "SELECT max(last_seen) FROM flows", 0, err) < 0)
		return FP_EDB;
	/* "7d" counts back from the newest flow, so old logs replay like fresh ones. */
	if (opts->has_since && fp_time_parse_arg(&es->since, opts->since_arg, newest) < 0)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0,
				  "--since: expected an RFC 3339 time or a duration like 7d: '%s'",
				  opts->since_arg);
	if (opts->has_until && fp_time_parse_arg(&es->until, opts->until_arg, newest) < 0)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0,
				  "--until: expected an RFC 3339 time or a duration like 1d: '%s'",
				  opts->until_arg);
	if (es->until < es->since)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0, "the window ends before it starts");
	return 0;
}

int
fp_edge_aggregate(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts,
		  struct fp_err *err)
{
	struct fp_edgeset *es = calloc(1, sizeof(*es));
	int r;

	*out = NULL;
	if (es == NULL)
		return fp_err_nomem(err);
	es->min_flows = opts->min_flows;
	/* One transaction: the run is stored whole, and reads see one state. */
	r = fp_db_begin(db, err);
	if (r == 0)
		r = window(es, db, opts, err);
	if (r == 0)
		r = fp_idset_build(&es->ids, db, err);
	if (r == 0)
		r = fold_window(es, db, err);
	if (r == 0)
		r = store_run(es, db, err);
	if (r == 0)
		r = fp_db_commit(db, err);
	if (r < 0) {
		fp_db_rollback(db);
		fp_edgeset_free(es);
		return r;
	}
	*out = es;
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
			  "SELECT id, since, until, json_extract(options, '$.min_flows') FROM runs "
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
	if (fp_idset_load(&es->ids, db, es->run, err) < 0 ||
	    fp_db_prepare(db, &st,
			  "SELECT src, dst, proto, port, verdict, flows, first_seen, last_seen, days, "
			  "status FROM edges WHERE run = ?",
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
	}
	if (r < 0) {
		fp_edgeset_free(es);
		return r;
	}
	if (es->n > 0)
		qsort(es->edges, es->n, sizeof(*es->edges), edge_cmp);
	*out = es;
	return 0;
}
