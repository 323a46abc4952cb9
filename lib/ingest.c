/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/endpoint.h"
#include "lib/flowtab.h"
#include "lib/ingest.h"
#include "lib/reader.h"
#include "lib/store.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"
#include "lib/util-str.h"

/* How often (in lines) to look at the memory budget and report progress. */
#define CHECK_EVERY 4096

struct fp_ingest {
	struct fp_db *db;
	struct fp_ingest_opts opts;
	uint64_t errors;
	struct fp_arena arena;
};

static int drop_orphans(struct fp_db *db, struct fp_err *err);

struct rejects {
	struct fp_store_reject *v;
	size_t n, cap;
};

int
fp_ingest_new(struct fp_ingest **out, struct fp_db *db, const struct fp_ingest_opts *opts,
	      struct fp_err *err)
{
	struct fp_ingest *ing = calloc(1, sizeof(*ing));

	*out = NULL;
	if (ing == NULL)
		return fp_err_nomem(err);
	ing->db = db;
	ing->opts = *opts;
	if (ing->opts.memory == 0)
		ing->opts.memory = FP_INGEST_DEFAULT_MEMORY;
	fp_arena_init(&ing->arena);
	if (drop_orphans(db, err) < 0) {
		fp_ingest_free(ing);
		return FP_EDB;
	}
	*out = ing;
	return 0;
}

void
fp_ingest_free(struct fp_ingest *ing)
{
	if (ing == NULL)
		return;
	fp_arena_done(&ing->arena);
	free(ing);
}

uint64_t
fp_ingest_errors(const struct fp_ingest *ing)
{
	return ing->errors;
}

static void
rejects_free(struct rejects *r)
{
	for (size_t i = 0; i < r->n; i++)
		free((char *)r->v[i].reason);
	free(r->v);
}

static int
rejects_add(struct rejects *r, long line, const char *reason)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct fp_store_reject *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].line = line;
	r->v[r->n].reason = strdup(reason);
	if (r->v[r->n].reason == NULL)
		return FP_ENOMEM;
	r->n++;
	return 0;
}

/*
 * A line could not be used: report it, keep it for the rejects table, and
 * say whether the session's error budget still allows going on.
 */
static int
reject(struct fp_ingest *ing, struct rejects *rej, struct fp_ingest_stats *stats,
       struct fp_err *lerr, const char *name, long lineno, struct fp_err *err)
{
	/* Messages quote the input; the input is hostile. */
	fp_str_sanitize(lerr->text, sizeof(lerr->text));
	if (lerr->source[0] == '\0')
		snprintf(lerr->source, sizeof(lerr->source), "%s", name);
	if (lerr->line == 0)
		lerr->line = lineno;
	stats->rejected++;
	ing->errors++;
	if (ing->opts.on_reject != NULL)
		ing->opts.on_reject(ing->opts.userdata, lerr);
	if (rejects_add(rej, lerr->line, lerr->text) < 0)
		return fp_err_nomem(err);
	if (ing->errors > ing->opts.max_errors)
		return fp_err_set(err, FP_EINPUT, name, 0, 0,
				  "more than %llu rejected lines: stopping; nothing of this "
				  "file was stored",
				  (unsigned long long)ing->opts.max_errors);
	return 0;
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static int
skipped_json(struct fp_buf *out, const struct fp_ingest_stats *stats)
{
	bool first = true;

	if (fp_buf_addc(out, '{') < 0)
		return FP_ENOMEM;
	for (int s = 1; s < FP_SKIP__COUNT; s++) {
		if (stats->skip[s] == 0)
			continue;
		if (fp_buf_printf(out, "%s\"%s\":%llu", first ? "" : ",", fp_skip_name(s),
				  (unsigned long long)stats->skip[s]) < 0)
			return FP_ENOMEM;
		first = false;
	}
	return fp_buf_addc(out, '}');
}

/* Store what is left in memory, merge what was parked, record the source. */
static int
commit_file(struct fp_ingest *ing, struct fp_flowtab *tab, struct fp_ingest_stats *stats,
	    const char *path, const char *parked, const struct rejects *rej, struct fp_err *err)
{
	struct fp_store_source src = { 0 };
	struct fp_buf detail;
	int r;

	fp_buf_init(&detail);
	if (skipped_json(&detail, stats) < 0) {
		fp_buf_done(&detail);
		return fp_err_nomem(err);
	}
	src.fingerprint = stats->fingerprint;
	src.path = path;
	src.format = stats->format != NULL ? stats->format : "none";
	src.bytes = stats->bytes;
	src.lines = stats->lines;
	src.records = stats->records;
	src.connections = stats->connections;
	src.skipped = stats->skipped;
	src.skipped_detail = fp_buf_str(&detail);
	src.rejected = stats->rejected;
	src.first = stats->first;
	src.last = stats->last;
	if (fp_db_begin(ing->db, err) < 0) {
		fp_buf_done(&detail);
		return FP_EDB;
	}
	/* Another process may have stored the same file while we read it. */
	r = fp_store_find_source(ing->db, stats->fingerprint, stats->duplicate_of,
				 sizeof(stats->duplicate_of), err);
	if (r == 1) {
		stats->duplicate = true;
		r = parked != NULL ? fp_store_drop_staging(ing->db, parked, err) : 0;
	} else if (r == 0) {
		stats->tuples += fp_flowtab_n_tuples(tab);
		r = fp_store_tuples(ing->db, tab, stats->fingerprint, false, err);
		if (r == 0 && parked != NULL)
			r = fp_store_merge_staging(ing->db, parked, err);
		if (r == 0)
			r = fp_store_source(ing->db, &src, rej->v, rej->n, err);
	}
	if (r == 0)
		r = fp_db_commit(ing->db, err);
	if (r < 0)
		fp_db_rollback(ing->db);
	fp_buf_done(&detail);
	return r < 0 ? r : 0;
}

/*
 * Park the table's tuples in staging to stay inside the memory budget.  The
 * first spill of a file also deletes rows parked by an earlier attempt that
 * was killed, so they are never merged twice.
 */
static int
spill(struct fp_ingest *ing, struct fp_flowtab *tab, const char *key, bool first,
      struct fp_ingest_stats *stats, struct fp_err *err)
{
	stats->tuples += fp_flowtab_n_tuples(tab);
	if (fp_db_begin(ing->db, err) < 0)
		return FP_EDB;
	if ((first && fp_store_drop_staging(ing->db, key, err) < 0) ||
	    fp_store_tuples(ing->db, tab, key, true, err) < 0 || fp_db_commit(ing->db, err) < 0) {
		fp_db_rollback(ing->db);
		return FP_EDB;
	}
	fp_flowtab_clear_tuples(tab);
	return 0;
}

/*
 * Rows parked for a pipe carry a provisional key until its content, and so
 * its fingerprint, is known: "pending-<pid>".  Those of a process that no
 * longer runs belong to a killed ingest and are deleted.
 */
static int
drop_orphans(struct fp_db *db, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	char key[FP_FINGERPRINT_BUFSZ];
	int r;

	if (fp_db_prepare(db, &st,
			  "SELECT DISTINCT fingerprint FROM staging "
			  "WHERE fingerprint LIKE 'pending-%'",
			  err) < 0)
		return FP_EDB;
	while ((r = fp_db_step(db, st, err)) == SQLITE_ROW) {
		long pid = strtol((const char *)sqlite3_column_text(st, 0) + 8, NULL, 10);

		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;
		snprintf(key, sizeof(key), "%s", (const char *)sqlite3_column_text(st, 0));
		if (fp_db_begin(db, err) < 0)
			return FP_EDB;
		if (fp_store_drop_staging(db, key, err) < 0 ||
		    fp_store_drop_unused_endpoints(db, err) < 0 || fp_db_commit(db, err) < 0) {
			fp_db_rollback(db);
			return FP_EDB;
		}
	}
	return r < 0 ? FP_EDB : 0;
}

static const struct fp_reader *
choose_reader(struct fp_ingest *ing, struct fp_ingest_stats *stats, const char *line,
	      size_t len)
{
	const struct fp_reader *rd;

	if (ing->opts.format != NULL) {
		rd = fp_reader_find(ing->opts.format);
		stats->detected = false;
	} else {
		rd = fp_reader_detect(line, len);
		stats->detected = true;
	}
	stats->format = rd != NULL ? rd->name : NULL;
	return rd;
}

static int
count_flow(struct fp_ingest *ing, struct fp_flowtab *tab, struct fp_flow *flow,
	   struct fp_ingest_stats *stats, struct fp_err *lerr)
{
	int r;

	if (fp_endpoint_normalize(&flow->src, &ing->arena, lerr) < 0 ||
	    fp_endpoint_normalize(&flow->dst, &ing->arena, lerr) < 0)
		return lerr->code;
	r = fp_flowtab_add(tab, flow);
	if (r < 0)
		return fp_err_nomem(lerr);
	stats->records++;
	stats->connections += flow->count;
	if (flow->time < stats->first)
		stats->first = flow->time;
	if (flow->time > stats->last)
		stats->last = flow->time;
	if (flow->last > stats->last)
		stats->last = flow->last;
	return 0;
}

int
fp_ingest_file(struct fp_ingest *ing, struct fp_ingest_stats *stats, const char *path,
	       struct fp_err *err)
{
	struct fp_input *in = NULL;
	struct fp_flowtab *tab = NULL;
	const struct fp_reader *rd = NULL;
	void *state = NULL;
	struct rejects rej = { 0 };
	char parked[FP_FINGERPRINT_BUFSZ] = "";
	bool known_fp;
	const char *line;
	size_t len;
	long lineno = 0;
	int r;

	memset(stats, 0, sizeof(*stats));
	stats->first = INT64_MAX;
	stats->last = INT64_MIN;
	r = fp_input_open(&in, path, err);
	if (r < 0)
		return r;
	r = fp_input_prefingerprint(in, stats->fingerprint, err);
	if (r < 0)
		goto out;
	known_fp = r == 1;
	if (known_fp) {
		r = fp_store_find_source(ing->db, stats->fingerprint, stats->duplicate_of,
					 sizeof(stats->duplicate_of), err);
		if (r < 0)
			goto out;
		if (r == 1) {
			stats->duplicate = true;
			stats->bytes = fp_input_raw_size(in);
			r = 0;
			goto out;
		}
	}
	tab = fp_flowtab_new();
	if (tab == NULL) {
		r = fp_err_nomem(err);
		goto out;
	}
	for (;;) {
		struct fp_err lerr = { 0 };
		struct fp_flow flow;
		enum fp_skip skip;

		r = fp_input_next_line(in, &line, &len, &lineno, &lerr);
		if (r == 0)
			break;
		if (r == FP_EINPUT) {
			stats->lines++;
			r = reject(ing, &rej, stats, &lerr, fp_input_name(in), lerr.line, err);
			if (r < 0)
				goto out;
			continue;
		}
		if (r < 0) {
			*err = lerr;
			goto out;
		}
		stats->lines++;
		if (is_blank(line, len)) {
			stats->skip[FP_SKIP_BLANK]++;
			stats->skipped++;
			continue;
		}
		if (rd == NULL) {
			rd = choose_reader(ing, stats, line, len);
			if (rd == NULL) {
				r = fp_err_set(err, FP_EINPUT, fp_input_name(in), lineno, 0,
					       ing->opts.format != NULL
						       ? "unknown format '%s'"
						       : "cannot tell the format of this file%s; name it "
							 "with -f",
					       ing->opts.format != NULL ? ing->opts.format : "");
				goto out;
			}
			if (rd->state_new != NULL && (state = rd->state_new()) == NULL) {
				r = fp_err_nomem(err);
				goto out;
			}
		}
		fp_arena_reset(&ing->arena);
		r = rd->parse(state, &flow, &skip, &ing->arena, line, len, &lerr);
		if (r == FP_READ_FLOW)
			r = count_flow(ing, tab, &flow, stats, &lerr);
		else if (r == FP_READ_SKIP) {
			stats->skip[skip]++;
			stats->skipped++;
			r = 0;
		}
		if (r == FP_ENOMEM) {
			r = fp_err_nomem(err);
			goto out;
		}
		if (r < 0) {
			r = reject(ing, &rej, stats, &lerr, fp_input_name(in), lineno, err);
			if (r < 0)
				goto out;
		}
		if (stats->lines % CHECK_EVERY == 0) {
			if (ing->opts.on_progress != NULL) {
				struct fp_ingest_progress p = { fp_input_name(in),
								fp_input_raw_offset(in),
								fp_input_raw_size(in), stats->lines };

				ing->opts.on_progress(ing->opts.userdata, &p);
			}
			if (fp_flowtab_memory(tab) > ing->opts.memory) {
				bool first = parked[0] == '\0';

				if (first && known_fp)
					snprintf(parked, sizeof(parked), "%s", stats->fingerprint);
				else if (first)
					snprintf(parked, sizeof(parked), "pending-%ld",
						 (long)getpid());
				r = spill(ing, tab, parked, first, stats, err);
				if (r < 0)
					goto out;
			}
		}
	}
	/* A record left open at the end of the file is a bad last line. */
	if (rd != NULL && rd->finish != NULL) {
		struct fp_err lerr = { 0 };

		if (rd->finish(state, &lerr) < 0) {
			r = reject(ing, &rej, stats, &lerr, fp_input_name(in), lineno, err);
			if (r < 0)
				goto out;
		}
	}
	stats->bytes = fp_input_raw_offset(in);
	if (!known_fp)
		fp_input_fingerprint(in, stats->fingerprint);
	r = commit_file(ing, tab, stats, path, parked[0] != '\0' ? parked : NULL, &rej, err);
out:
	if (r < 0 && parked[0] != '\0' && fp_db_begin(ing->db, NULL) == 0) {
		/* Best effort: parked rows of a failed file are useless, and so
		 * are the endpoints its spills wrote that nothing else names. */
		if (fp_store_drop_staging(ing->db, parked, NULL) < 0 ||
		    fp_store_drop_unused_endpoints(ing->db, NULL) < 0 ||
		    fp_db_commit(ing->db, NULL) < 0)
			fp_db_rollback(ing->db);
	}
	if (rd != NULL && rd->state_free != NULL)
		rd->state_free(state);
	rejects_free(&rej);
	fp_flowtab_free(tab);
	fp_input_close(in);
	return r;
}
