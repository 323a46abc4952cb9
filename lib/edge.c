/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/edge-private.h"
#include "lib/history.h"
#include "lib/resolve.h"
#include "lib/util-sort.h"
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
	case FP_EDGE_AMBIGUOUS: return "ambiguous";
	case FP_EDGE_EXISTING: return "existing";
	case FP_EDGE_LOW_EVIDENCE: return "low-evidence";
	case FP_EDGE_PRUNED: return "pruned";
	}
	return "unknown";
}

void
fp_edgeset_free(struct fp_edgeset *e)
{
	if (e == NULL)
		return;
	fp_idset_free(e->ids);
	for (size_t i = 0; i < e->n; i++)
		free(e->edges[i].dayv);
	free(e->edges);
	fp_buf_done(&e->ranges);
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
	 uint64_t min_flows, bool allow_host)
{
	if (e->verdict == FP_EDGE_DROPPED)
		return FP_EDGE_DENIED;
	if (src->kind == FP_ID_CNI || dst->kind == FP_ID_CNI)
		return FP_EDGE_CNI;
	if (!is_pod(src) && !is_pod(dst))
		return FP_EDGE_NO_POD;
	if (e->verdict == FP_EDGE_UNDIRECTED)
		return FP_EDGE_AMBIGUOUS;
	if (!fp_proto_has_ports(e->proto))
		return FP_EDGE_NO_PORTS;
	if (src->kind == FP_ID_UNRESOLVED || dst->kind == FP_ID_UNRESOLVED ||
	    (is_pod(src) && !src->selectable) || (is_pod(dst) && !dst->selectable))
		return FP_EDGE_UNRESOLVED;
	if ((src->kind == FP_ID_NODE || dst->kind == FP_ID_NODE) &&
	    !(allow_host && (src->kind == FP_ID_NODE ? src : dst)->cidrs != NULL))
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

void
fp_edgeset_sort(struct fp_edgeset *es)
{
	if (es->n > 0)
		fp_qsort(es->edges, es->n, sizeof(*es->edges), edge_cmp);
}

enum fp_edge_status
fp_edge_classify(const struct fp_edgeset *es, const struct fp_edge *e)
{
	return classify(e, fp_idset_get(es->ids, e->src), fp_idset_get(es->ids, e->dst), 0,
			es->allow_host);
}

struct dayref {
	size_t edge;
	int64_t day;
};

static int
edge_order_cmp(const void *a, const void *b, void *ctx)
{
	const struct fp_edge *edges = ctx;

	return edge_cmp(&edges[*(const size_t *)a], &edges[*(const size_t *)b]);
}

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
	size_t n_keys; /* not f->n: renumbering merges edges, never keys */
};

static int
fold_row(struct folding *f, uint32_t src, uint32_t dst, uint8_t proto, uint16_t port,
	 uint8_t verdict, int64_t day, uint64_t flows, int64_t first, int64_t last, uint8_t sides)
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
		if (f->keys[f->n] == NULL)
			return FP_ENOMEM;
		f->n_keys = f->n + 1;
		if (fp_strmap_put(&f->index, f->keys[f->n], f->n) < 0)
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
		e->denied_sides |= sides;
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
	for (size_t i = 0; i < f->n_keys; i++)
		free(f->keys[i]);
	free(f->keys);
	free(f->days);
	fp_strmap_done(&f->index);
}

/* Compact the day list when it grows: each (edge, day) pair once. */
static void
compact_days(struct folding *f)
{
	size_t n = 0;

	fp_qsort(f->days, f->n_days, sizeof(*f->days), dayref_cmp);
	for (size_t i = 0; i < f->n_days; i++)
		if (n == 0 || f->days[i].edge != f->days[n - 1].edge || f->days[i].day != f->days[n - 1].day)
			f->days[n++] = f->days[i];
	f->n_days = n;
}

/* Count distinct days per edge and keep them: history unions them over windows. */
static int
count_days(struct folding *f)
{
	if (f->n_days == 0)
		return 0; /* f->days is NULL: fp_qsort() must not see it */
	compact_days(f);
	for (size_t i = 0; i < f->n_days; i++)
		f->edges[f->days[i].edge].days++;
	for (size_t i = 0; i < f->n_days;) {
		struct fp_edge *e = &f->edges[f->days[i].edge];

		e->dayv = malloc(e->days * sizeof(*e->dayv));
		if (e->dayv == NULL)
			return -1;
		for (uint32_t k = 0; k < e->days; k++)
			e->dayv[k] = (int32_t)f->days[i++].day;
	}
	return 0;
}

static int
fold_rows(struct folding *f, struct fp_edgeset *es, struct fp_idbuild *b, struct fp_db *db,
	  struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_idref src[4], dst[256];
	int r;

	/* Every stored row of the window: the time of each matters, because an
	 * address may belong to another pod an hour later. */
	if (fp_db_prepare(db, &st,
			  "SELECT src, dst, proto, port, verdict, bucket / 86400, count, first_seen, "
			  "last_seen, reason FROM flows WHERE bucket >= ?1 AND bucket < ?2",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_int64(st, 1, es->since);
	sqlite3_bind_int64(st, 2, es->until);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		int64_t a = sqlite3_column_int64(st, 0), z = sqlite3_column_int64(st, 1);
		uint8_t proto = (uint8_t)sqlite3_column_int(st, 2);
		uint16_t port = (uint16_t)sqlite3_column_int(st, 3);
		int verdict = sqlite3_column_int(st, 4);
		int64_t first = sqlite3_column_int64(st, 7), flows = sqlite3_column_int64(st, 6);
		uint8_t v = verdict == FP_VERDICT_DROPPED ? FP_EDGE_DROPPED : FP_EDGE_OBSERVED;
		int reason = sqlite3_column_int(st, 9);
		uint8_t sides = 0;
		size_t ns, nd;

		if (verdict == FP_VERDICT_DROPPED)
			sides = (uint8_t)(((reason & FP_DROP_INGRESS) ? FP_EDGE_SIDE_INGRESS : 0) |
					  ((reason & FP_DROP_EGRESS) ? FP_EDGE_SIDE_EGRESS : 0));

		if (verdict == FP_VERDICT_UNDIRECTED) {
			uint16_t other = (uint16_t)sqlite3_column_int(st, 9);

			/* The side whose pod listens on its port is the server;
			 * else the lower port, if it is not an ephemeral one. */
			if (fp_idbuild_listens(b, z, first, proto, port)) {
				/* as stored */
			} else if (fp_idbuild_listens(b, a, first, proto, other)) {
				int64_t tmp = a;

				a = z;
				z = tmp;
				port = other;
			} else if (!(port < other && port < 32768)) {
				v = FP_EDGE_UNDIRECTED;
			}
		}
		if (fp_idbuild_resolve(b, src, 4, &ns, a, first, proto, port, err) < 0 ||
		    fp_idbuild_resolve(b, dst, 256, &nd, z, first, proto, port, err) < 0)
			return err->code;
		for (size_t i = 0; i < ns && i < 1; i++)
			for (size_t j = 0; j < nd; j++)
				if (fold_row(f, src[i].id, dst[j].id, proto, dst[j].port, v,
					     sqlite3_column_int64(st, 5), flows > 0 ? (uint64_t)flows : 0,
					     first, sqlite3_column_int64(st, 8), sides) < 0)
					return fp_err_nomem(err);
		if (f->n_days > (1u << 20) && f->n_days * 2 > f->cap_days)
			compact_days(f);
	}
	return r < 0 ? FP_EDB : 0;
}

/* Renumber edges to the finished identities, merging those that became one. */
static int
renumber(struct folding *f, const long *rank, struct fp_err *err)
{
	size_t *order = malloc((f->n ? f->n : 1) * sizeof(*order));
	size_t *to = malloc((f->n ? f->n : 1) * sizeof(*to));
	size_t n = 0;

	if (order == NULL || to == NULL) {
		free(order);
		free(to);
		return fp_err_nomem(err);
	}
	for (size_t i = 0; i < f->n; i++) {
		f->edges[i].src = (uint32_t)rank[f->edges[i].src];
		f->edges[i].dst = (uint32_t)rank[f->edges[i].dst];
		order[i] = i;
	}
	if (fp_sort(order, f->n, sizeof(*order), edge_order_cmp, f->edges) < 0) {
		free(order);
		free(to);
		return fp_err_nomem(err);
	}
	{
		struct fp_edge *merged = malloc((f->n ? f->n : 1) * sizeof(*merged));

		if (merged == NULL) {
			free(order);
			free(to);
			return fp_err_nomem(err);
		}
		for (size_t k = 0; k < f->n; k++) {
			const struct fp_edge *e = &f->edges[order[k]];

			if (n > 0 && edge_cmp(&merged[n - 1], e) == 0) {
				struct fp_edge *m = &merged[n - 1];

				m->flows = m->flows > UINT64_MAX - e->flows ? UINT64_MAX : m->flows + e->flows;
				m->first = e->first < m->first ? e->first : m->first;
				m->last = e->last > m->last ? e->last : m->last;
				m->denied_sides |= e->denied_sides;
			} else {
				merged[n++] = *e;
			}
			to[order[k]] = n - 1;
		}
		free(f->edges);
		f->edges = merged;
		f->n = n;
	}
	for (size_t i = 0; i < f->n_days; i++)
		f->days[i].edge = to[f->days[i].edge];
	for (size_t i = 0; i < f->n; i++)
		f->edges[i].days = 0;
	free(order);
	free(to);
	return 0;
}

static int
fold_window(struct fp_edgeset *es, struct fp_idbuild *b, struct fp_db *db, struct fp_err *err)
{
	struct folding f = { 0 };
	long *rank = NULL;
	int r;

	fp_strmap_init(&f.index);
	r = fold_rows(&f, es, b, db, err);
	if (r == 0)
		r = fp_idbuild_finish(b, &es->ids, &rank, err);
	if (r == 0)
		r = renumber(&f, rank, err);
	free(rank);
	if (r < 0) {
		folding_done(&f);
		free(f.edges);
		return r;
	}
	if (count_days(&f) < 0) {
		for (size_t i = 0; i < f.n; i++)
			free(f.edges[i].dayv);
		folding_done(&f);
		free(f.edges);
		return fp_err_nomem(err);
	}
	folding_done(&f);
	es->edges = f.edges;
	es->n = f.n;
	for (size_t i = 0; i < es->n; i++) {
		struct fp_edge *e = &es->edges[i];

		e->status = classify(e, fp_idset_get(es->ids, e->src), fp_idset_get(es->ids, e->dst),
				     es->min_flows, es->allow_host);
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

static int compute(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts,
		   bool store, struct fp_err *err);

int
fp_edge_aggregate(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts,
		  struct fp_err *err)
{
	return compute(out, db, opts, true, err);
}

int
fp_edge_compute(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts,
		struct fp_err *err)
{
	return compute(out, db, opts, false, err);
}

static int
compute(struct fp_edgeset **out, struct fp_db *db, const struct fp_edge_opts *opts, bool store,
	struct fp_err *err)
{
	struct fp_edgeset *es = calloc(1, sizeof(*es));
	struct fp_resolve_opts ropts = { opts->ip_grace, opts->cidrs, opts->n_cidrs, opts->nets,
					 opts->labels };
	struct fp_resolver *res = NULL;
	struct fp_idbuild *b = NULL;
	int r;

	*out = NULL;
	if (es == NULL)
		return fp_err_nomem(err);
	es->min_flows = opts->min_flows;
	es->allow_host = opts->allow_host;
	es->min_days = opts->min_days ? opts->min_days : FP_EDGE_DEFAULT_MIN_DAYS;
	es->stale_after = opts->stale_after ? opts->stale_after : FP_EDGE_DEFAULT_STALE_AFTER;
	es->require_stable = opts->require_stable;
	es->prune = opts->prune;
	/* One transaction: the run is stored whole, and reads see one state. */
	r = store ? fp_db_begin(db, err) : fp_db_begin_read(db, err);
	if (r == 0)
		r = window(es, db, opts, err);
	if (r == 0)
		r = fp_resolver_load(&res, db, &ropts, err);
	if (r == 0)
		r = fp_idbuild_new(&b, db, res, opts->labels, err);
	if (r == 0)
		r = fold_window(es, b, db, err);
	if (r == 0) {
		const struct fp_cidr *cidrs;
		size_t n = fp_resolver_ranges(res, &cidrs);

		fp_resolver_counts(res, es->matches);
		es->inventory = !fp_resolver_empty(res);
		for (size_t i = 0; i < n; i++) {
			char buf[FP_ADDR_BUFSZ];

			fp_buf_printf(&es->ranges, "%s%s", i ? "," : "", fp_cidr_format(buf, &cidrs[i]));
		}
		if (store)
			r = fp_history_apply(es, db, err);
		if (store && r == 0)
			r = fp_edge_store_run(es, db, opts, err);
	}
	fp_idbuild_free(b);
	fp_resolver_free(res);
	if (r == 0 && store)
		r = fp_db_commit(db, err);
	else if (r == 0)
		fp_db_rollback(db);
	if (r < 0) {
		fp_db_rollback(db);
		fp_edgeset_free(es);
		return r;
	}
	*out = es;
	return 0;
}

