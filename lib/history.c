/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/history.h"
#include "lib/util-buf.h"
#include "lib/util-map.h"
#include "lib/util-sort.h"

/* The earlier windows: every run but this window's, ending no later. */
#define EARLIER                                                                  \
	"command = 'aggregate' AND until <= ?2 AND NOT (since = ?1 AND until = ?2)"

/* One connection over the earlier windows. */
struct past {
	char *key;
	int32_t *days;
	size_t n_days, cap_days;
	int64_t first, last;
};

struct history {
	struct fp_strmap index; /* key -> index into past */
	struct past *past;
	size_t n, cap;
	int64_t *since;         /* earlier windows' starts */
	size_t n_windows;
};

bool
fp_history_is_low(const struct fp_edgeset *es, const struct fp_edge *e)
{
	return e->verdict == FP_EDGE_OBSERVED && e->stale == 0 &&
	       (e->status == FP_EDGE_ALLOW || e->status == FP_EDGE_LOW_EVIDENCE) &&
	       e->days_all < es->min_days;
}

bool
fp_history_is_flagged(const struct fp_edgeset *es, const struct fp_edge *e)
{
	return e->stale > 0 && e->stale >= es->stale_after;
}

static void
history_done(struct history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->past[i].key);
		free(h->past[i].days);
	}
	free(h->past);
	free(h->since);
	fp_strmap_done(&h->index);
}

/* "src\x1fdst\x1fproto/port": identity keys never hold control characters. */
static int
edge_key(struct fp_buf *b, const char *src, const char *dst, int proto, int port)
{
	fp_buf_reset(b);
	return fp_buf_printf(b, "%s\x1f%s\x1f%d/%d", src, dst, proto, port);
}

static int
add_day(struct past *p, int32_t d)
{
	if (p->n_days == p->cap_days) {
		size_t cap = p->cap_days ? p->cap_days * 2 : 8;
		int32_t *v = realloc(p->days, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		p->days = v;
		p->cap_days = cap;
	}
	p->days[p->n_days++] = d;
	return 0;
}

/* A stored day_list; anything but digits and commas ends it. */
static int
add_days(struct past *p, const char *list)
{
	for (const char *s = list; s != NULL && *s >= '0' && *s <= '9';) {
		char *end;
		long d = strtol(s, &end, 10);

		if (d > INT32_MAX || add_day(p, (int32_t)d) < 0)
			return d > INT32_MAX ? 0 : -1;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static struct past *
past_of(struct history *h, const char *key)
{
	long i = fp_strmap_get(&h->index, key);
	struct past *p;

	if (i >= 0)
		return &h->past[i];
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct past *v = realloc(h->past, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		h->past = v;
		h->cap = cap;
		/* the index borrows keys, which do not move */
	}
	p = &h->past[h->n];
	memset(p, 0, sizeof(*p));
	p->key = strdup(key);
	if (p->key == NULL || fp_strmap_put(&h->index, p->key, h->n) < 0) {
		free(p->key);
		return NULL;
	}
	p->first = INT64_MAX;
	p->last = INT64_MIN;
	h->n++;
	return p;
}

/* Read the allowed-direction edges of the newest run of each earlier window. */
static int
load_past(struct history *h, const struct fp_edgeset *es, struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *w = NULL;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_buf key;
	int r;

	if (fp_db_prepare(db, &w, "SELECT DISTINCT since FROM runs WHERE " EARLIER, err) < 0 ||
	    fp_db_prepare(db, &st,
			  "SELECT src, dst, proto, port, day_list, first_seen, last_seen, first_all, "
			  "last_all, flows FROM edges WHERE verdict = 1 AND run IN "
			  "(SELECT max(id) FROM runs WHERE " EARLIER " GROUP BY since, until)",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_int64(w, 1, es->since);
	sqlite3_bind_int64(w, 2, es->until);
	while ((r = fp_db_step(db, w, err)) == SQLITE_ROW) {
		int64_t *v = realloc(h->since, (h->n_windows + 1) * sizeof(*v));

		if (v == NULL)
			return fp_err_nomem(err);
		h->since = v;
		h->since[h->n_windows++] = sqlite3_column_int64(w, 0);
	}
	if (r < 0)
		return FP_EDB;
	sqlite3_bind_int64(st, 1, es->since);
	sqlite3_bind_int64(st, 2, es->until);
	fp_buf_init(&key);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		struct past *p;
		int64_t first = sqlite3_column_int64(st, 7), last = sqlite3_column_int64(st, 8);

		/* A carried rule has no traffic of its own: its _all columns tell. */
		if (sqlite3_column_int64(st, 9) > 0 || first == 0) {
			first = sqlite3_column_int64(st, 5);
			last = sqlite3_column_int64(st, 6);
		}
		if (edge_key(&key, (const char *)sqlite3_column_text(st, 0),
			     (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
			     sqlite3_column_int(st, 3)) < 0 ||
		    (p = past_of(h, key.data)) == NULL ||
		    add_days(p, (const char *)sqlite3_column_text(st, 4)) < 0) {
			r = fp_err_nomem(err);
			break;
		}
		if (sqlite3_column_int64(st, 7) != 0 && sqlite3_column_int64(st, 7) < first)
			first = sqlite3_column_int64(st, 7);
		if (sqlite3_column_int64(st, 8) > last)
			last = sqlite3_column_int64(st, 8);
		p->first = first < p->first ? first : p->first;
		p->last = last > p->last ? last : p->last;
	}
	fp_buf_done(&key);
	return r < 0 ? r : 0;
}

static int
int32_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/* Distinct days of @p and of the window's @e together. */
static int
union_days(uint32_t *out, struct past *p, const struct fp_edge *e)
{
	size_t n = 0;

	for (uint32_t i = 0; i < e->days && e->dayv != NULL; i++)
		if (add_day(p, e->dayv[i]) < 0)
			return -1;
	if (p->n_days > 0)
		fp_qsort(p->days, p->n_days, sizeof(*p->days), int32_cmp);
	for (size_t i = 0; i < p->n_days; i++)
		if (n == 0 || p->days[i] != p->days[n - 1])
			p->days[n++] = p->days[i];
	p->n_days = n;
	*out = (uint32_t)n;
	return 0;
}

/* Evidence over every window for the edges of this one. */
static int
stabilize(struct fp_edgeset *es, struct history *h, struct fp_err *err)
{
	struct fp_buf key;

	fp_buf_init(&key);
	for (size_t i = 0; i < es->n; i++) {
		struct fp_edge *e = &es->edges[i];
		long k = -1;

		e->days_all = e->days;
		e->first_all = e->first;
		e->last_all = e->last;
		if (e->verdict == FP_EDGE_OBSERVED) {
			if (edge_key(&key, fp_idset_get(es->ids, e->src)->key,
				     fp_idset_get(es->ids, e->dst)->key, e->proto, e->port) < 0) {
				fp_buf_done(&key);
				return fp_err_nomem(err);
			}
			k = fp_strmap_get(&h->index, key.data);
		}
		if (k >= 0) {
			struct past *p = &h->past[k];

			if (union_days(&e->days_all, p, e) < 0) {
				fp_buf_done(&key);
				return fp_err_nomem(err);
			}
			e->first_all = p->first < e->first ? p->first : e->first;
			e->last_all = p->last > e->last ? p->last : e->last;
			p->first = INT64_MIN; /* seen in this window: not carried */
		}
		e->low_evidence = fp_history_is_low(es, e);
		if (e->low_evidence && es->require_stable)
			e->status = FP_EDGE_LOW_EVIDENCE;
	}
	fp_buf_done(&key);
	return 0;
}

/* Windows from @last on that the edge went without traffic, this one included. */
static uint32_t
windows_without(const struct history *h, int64_t last)
{
	uint32_t n = 1;

	for (size_t i = 0; i < h->n_windows; i++)
		if (h->since[i] > last)
			n++;
	return n;
}

struct carried {
	const char *src, *dst; /* borrowed from the previous run's identities */
	int proto, port;
};

/* Put @key's identity in @es, moving it from @prev when @es lacks it. */
static long
find_or_pick(struct fp_edgeset *es, const struct fp_idset *prev, const char *key, long **pick,
	     size_t *n_pick)
{
	long i = fp_idset_find(es->ids, key);
	long *v;

	if (i >= 0)
		return i;
	i = fp_idset_find(prev, key);
	if (i < 0)
		return -2;
	for (size_t k = 0; k < *n_pick; k++)
		if ((*pick)[k] == i)
			return -1;
	v = realloc(*pick, (*n_pick + 1) * sizeof(*v));
	if (v == NULL)
		return -3;
	*pick = v;
	v[(*n_pick)++] = i;
	return -1;
}

static int
carry(struct fp_edgeset *es, struct history *h, struct fp_db *db, int64_t prev_run,
      struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct fp_idset *prev = NULL;
	struct carried *c = NULL;
	size_t n = 0, n_pick = 0;
	long *pick = NULL, *rank = NULL;
	struct fp_buf key;
	bool owned = false; /* c[].src and .dst: borrowed from prev, then copies */
	int r;

	if (fp_idset_load(&prev, db, prev_run, err) < 0 ||
	    fp_db_prepare(db, &st,
			  "SELECT src, dst, proto, port FROM edges WHERE run = ? AND verdict = 1 "
			  "AND status = 1 ORDER BY src, dst, proto, port",
			  err) < 0) {
		fp_idset_free(prev);
		return FP_EDB;
	}
	fp_buf_init(&key);
	sqlite3_bind_int64(st, 1, prev_run);
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(st, 0);
		const char *dst = (const char *)sqlite3_column_text(st, 1);
		long k, a, z;
		struct carried *v;

		if (edge_key(&key, src, dst, sqlite3_column_int(st, 2), sqlite3_column_int(st, 3)) < 0)
			goto nomem;
		k = fp_strmap_get(&h->index, key.data);
		if (k < 0 || h->past[k].first == INT64_MIN)
			continue; /* seen in this window */
		a = find_or_pick(es, prev, src, &pick, &n_pick);
		z = find_or_pick(es, prev, dst, &pick, &n_pick);
		if (a == -3 || z == -3)
			goto nomem;
		if (a == -2 || z == -2) {
			r = fp_err_set(err, FP_EDB, fp_db_path(db), 0, 0,
				       "stored edge names an unknown identity");
			break;
		}
		v = realloc(c, (n + 1) * sizeof(*v));
		if (v == NULL)
			goto nomem;
		c = v;
		c[n].src = fp_idset_get(prev, (size_t)fp_idset_find(prev, src))->key;
		c[n].dst = fp_idset_get(prev, (size_t)fp_idset_find(prev, dst))->key;
		c[n].proto = sqlite3_column_int(st, 2);
		c[n].port = sqlite3_column_int(st, 3);
		n++;
	}
	if (r < 0)
		goto out;
	r = 0;
	if (n == 0)
		goto out;
	/* Keys of carried edges must outlive the move of their identities. */
	owned = true;
	for (size_t i = 0; i < n; i++) {
		c[i].src = strdup(c[i].src);
		c[i].dst = strdup(c[i].dst);
	}
	for (size_t i = 0; i < n; i++)
		if (c[i].src == NULL || c[i].dst == NULL)
			goto nomem;
	if (n_pick > 0) {
		r = fp_idset_adopt(es->ids, prev, pick, n_pick, &rank, err);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < es->n; i++) {
			es->edges[i].src = (uint32_t)rank[es->edges[i].src];
			es->edges[i].dst = (uint32_t)rank[es->edges[i].dst];
		}
	}
	{
		struct fp_edge *v = realloc(es->edges, (es->n + n) * sizeof(*v));

		if (v == NULL)
			goto nomem;
		es->edges = v;
	}
	for (size_t i = 0; i < n; i++) {
		struct fp_edge *e = &es->edges[es->n++];
		struct past *p;

		if (edge_key(&key, c[i].src, c[i].dst, c[i].proto, c[i].port) < 0)
			goto nomem;
		p = &h->past[fp_strmap_get(&h->index, key.data)];
		memset(e, 0, sizeof(*e));
		e->src = (uint32_t)fp_idset_find(es->ids, c[i].src);
		e->dst = (uint32_t)fp_idset_find(es->ids, c[i].dst);
		e->proto = (uint8_t)c[i].proto;
		e->port = (uint16_t)c[i].port;
		e->verdict = FP_EDGE_OBSERVED;
		e->first = e->first_all = p->first;
		e->last = e->last_all = p->last;
		e->days_all = (uint32_t)p->n_days;
		if (union_days(&e->days_all, p, e) < 0)
			goto nomem;
		e->stale = windows_without(h, p->last);
		e->status = fp_edge_classify(es, e);
		if (e->status == FP_EDGE_ALLOW && es->prune && fp_history_is_flagged(es, e))
			e->status = FP_EDGE_PRUNED;
	}
	fp_edgeset_sort(es);
	goto out;
nomem:
	r = fp_err_nomem(err);
out:
	for (size_t i = 0; owned && i < n; i++) {
		free((char *)c[i].src);
		free((char *)c[i].dst);
	}
	fp_buf_done(&key);
	free(pick);
	free(rank);
	fp_idset_free(prev);
	free(c);
	return r;
}

int
fp_history_apply(struct fp_edgeset *es, struct fp_db *db, struct fp_err *err)
{
	struct history h = { 0 };
	int64_t prev_run;
	int r;

	fp_strmap_init(&h.index);
	r = load_past(&h, es, db, err);
	if (r == 0)
		r = stabilize(es, &h, err);
	if (r == 0) {
		_cleanup_stmt_ sqlite3_stmt *st = NULL;

		/* Rules travel from the previous window only: one pruned there
		 * stays pruned, one kept there is kept again. */
		if (fp_db_prepare(db, &st,
				  "SELECT id FROM runs WHERE " EARLIER
				  " ORDER BY until DESC, id DESC LIMIT 1",
				  err) < 0) {
			r = FP_EDB;
		} else {
			sqlite3_bind_int64(st, 1, es->since);
			sqlite3_bind_int64(st, 2, es->until);
			r = fp_db_step(db, st, err);
			if (r == SQLITE_ROW) {
				prev_run = sqlite3_column_int64(st, 0);
				r = carry(es, &h, db, prev_run, err);
			} else if (r == SQLITE_DONE) {
				r = 0;
			}
		}
	}
	es->windows = (uint32_t)h.n_windows + 1;
	history_done(&h);
	return r;
}
