/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/endpoint.h"
#include "lib/inventory-private.h"
#include "lib/store.h"
#include "lib/util-buf.h"
#include "lib/util-hash.h"
#include "lib/util-json.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"
#include "lib/util-str.h"
#include "lib/util-time.h"
#include "lib/util-sort.h"

static json_t *
get(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k1) : NULL;

	if (k2 != NULL)
		v = json_is_object(v) ? json_object_get(v, k2) : NULL;
	return v != NULL && !json_is_null(v) ? v : NULL;
}

static const char *
get_str(json_t *o, const char *k1, const char *k2)
{
	json_t *v = get(o, k1, k2);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One top-level JSON value: a List, a watch event, or an object. */
static int
load_value(struct load *l, json_t *v, long line, struct fp_err *err)
{
	const char *kind = get_str(v, "kind", NULL);
	json_t *items = get(v, "items", NULL), *item;
	struct where w = { line, "", "" };
	size_t i;
	int r;

	if (kind != NULL && json_is_array(items) && strlen(kind) >= 4 &&
	    strcmp(kind + strlen(kind) - 4, "List") == 0) {
		json_array_foreach(items, i, item) {
			const char *ik = get_str(item, "kind", NULL);

			snprintf(w.id, sizeof(w.id), "items[%zu]", i);
			if (ik != NULL && strcmp(ik, "Pod") == 0)
				l->pod_list = true;
			r = fp_inventory__load_object(l, item, &w, err);
			if (r < 0)
				return r;
		}
		/* "kubectl get pods -A -o json" on an empty cluster still says so */
		if (strcmp(kind, "PodList") == 0)
			l->pod_list = true;
		return 0;
	}
	if (get(v, "type", NULL) != NULL && json_is_object(get(v, "object", NULL))) {
		snprintf(w.id, sizeof(w.id), "watch event");
		return fp_inventory__load_object(l, get(v, "object", NULL), &w, err);
	}
	snprintf(w.id, sizeof(w.id), "object");
	return fp_inventory__load_object(l, v, &w, err);
}

static long
line_of(const char *text, size_t off, size_t *scanned, long *line)
{
	for (; *scanned < off; (*scanned)++)
		if (text[*scanned] == '\n')
			(*line)++;
	return *line;
}

/* Every JSON value of the text, one after another. */
static int
load_text(struct load *l, const char *text, size_t len, struct fp_err *err)
{
	size_t off = 0, scanned = 0;
	long line = 1;
	bool any = false;

	for (;;) {
		json_error_t jerr;
		json_t *v;
		int r;

		while (off < len && strchr(" \t\r\n", text[off]) != NULL && text[off] != '\0')
			off++;
		if (off >= len)
			break;
		v = json_loadb(text + off, len - off, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES,
			       &jerr);
		if (v == NULL) {
			fp_err_set(err, FP_EINPUT, l->name, line_of(text, off, &scanned, &line) + jerr.line - 1,
				   jerr.column > 0 ? jerr.column : 0, "invalid JSON: %s", jerr.text);
			fp_str_sanitize(err->text, sizeof(err->text));
			return FP_EINPUT;
		}
		r = load_value(l, v, line_of(text, off, &scanned, &line), err);
		json_decref(v);
		if (r < 0)
			return r;
		any = true;
		off += jerr.position;
	}
	if (!any || l->st->objects == 0)
		return fp_err_set(err, FP_EINPUT, l->name, 0, 0, "no Kubernetes objects in it");
	return 0;
}

static int
prepare_all(struct load *l, struct fp_err *err)
{
	struct fp_db *db = l->db;

	return fp_db_prepare(db, &l->pod,
			     "INSERT OR REPLACE INTO inv_pods VALUES "
			     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     err) < 0 ||
			       fp_db_prepare(db, &l->svc,
					     "INSERT OR REPLACE INTO inv_services VALUES "
					     "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
					     err) < 0 ||
			       fp_db_prepare(db, &l->slice,
					     "INSERT OR REPLACE INTO inv_slices VALUES (?, ?, ?, ?, ?, ?)",
					     err) < 0 ||
			       fp_db_prepare(db, &l->node,
					     "INSERT OR REPLACE INTO inv_nodes VALUES (?, ?, ?, ?, ?, ?, ?)",
					     err) < 0 ||
			       fp_db_prepare(db, &l->ns,
					     "INSERT OR REPLACE INTO inv_namespaces VALUES (?, ?, ?)",
					     err) < 0 ||
			       fp_db_prepare(db, &l->ctl,
					     "INSERT OR REPLACE INTO inv_controllers VALUES "
					     "(?, ?, ?, ?, ?, ?, ?, ?)",
					     err) < 0
		       ? FP_EDB
		       : 0;
}

static void
finalize_all(struct load *l)
{
	sqlite3_finalize(l->pod);
	sqlite3_finalize(l->svc);
	sqlite3_finalize(l->slice);
	sqlite3_finalize(l->node);
	sqlite3_finalize(l->ns);
	sqlite3_finalize(l->ctl);
	fp_buf_done(&l->a);
	fp_buf_done(&l->b);
	fp_buf_done(&l->c);
}

static int
find_source(struct fp_db *db, const char *fingerprint, char *path, size_t size,
	    struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r;

	if (fp_db_prepare(db, &st, "SELECT path FROM inv_sources WHERE fingerprint = ?", err) < 0)
		return FP_EDB;
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	r = fp_db_step(db, st, err);
	if (r < 0)
		return FP_EDB;
	if (r == SQLITE_ROW)
		snprintf(path, size, "%s", (const char *)sqlite3_column_text(st, 0));
	return r == SQLITE_ROW;
}

/* The source row first (its id keys the objects), completed at the end. */
static int
store_source(struct load *l, const char *path, bool finish, struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;

	if (!finish) {
		if (fp_db_prepare(l->db, &st,
				  "INSERT INTO inv_sources(fingerprint, path, at, objects, pod_list, "
				  "rejected) VALUES (?, ?, 0, 0, 0, 0)",
				  err) < 0)
			return FP_EDB;
		sqlite3_bind_text(st, 1, l->st->fingerprint, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
		if (fp_db_step(l->db, st, err) < 0)
			return FP_EDB;
		l->source = sqlite3_last_insert_rowid(fp_db_handle(l->db));
		return 0;
	}
	if (fp_db_prepare(l->db, &st,
			  "UPDATE inv_sources SET at = ?, objects = ?, pod_list = ?, rejected = ? "
			  "WHERE id = ?",
			  err) < 0)
		return FP_EDB;
	sqlite3_bind_int64(st, 1, l->st->at);
	sqlite3_bind_int64(st, 2, (int64_t)l->st->objects);
	sqlite3_bind_int(st, 3, l->pod_list);
	sqlite3_bind_int64(st, 4, (int64_t)l->st->rejected);
	sqlite3_bind_int64(st, 5, l->source);
	return fp_db_step(l->db, st, err) < 0 ? FP_EDB : 0;
}

/* Store one snapshot's text: the transaction, the source row, the objects. */
static int
load_snapshot(struct fp_inventory_stats *out, struct fp_db *db, const char *name,
	      const char *path, const struct fp_buf *text, const struct fp_inventory_opts *opts,
	      struct fp_err *err)
{
	struct load l = { .db = db, .opts = opts, .st = out, .name = name };
	int r;

	out->at = opts->has_at ? opts->at : 0;
	r = fp_db_begin(db, err);
	if (r < 0)
		return r;
	r = find_source(db, out->fingerprint, out->duplicate_of, sizeof(out->duplicate_of), err);
	if (r == 1) {
		out->duplicate = true;
		fp_db_rollback(db);
		return 0;
	}
	if (r == 0)
		r = prepare_all(&l, err);
	if (r == 0)
		r = store_source(&l, path, false, err);
	if (r == 0)
		r = load_text(&l, fp_buf_str(text), text->len, err);
	if (r == 0 && !opts->has_at) {
		out->at = l.newest;
		out->at_from_data = true;
	}
	if (r == 0)
		r = store_source(&l, path, true, err);
	finalize_all(&l);
	if (r == 0)
		r = fp_db_commit(db, err);
	if (r < 0)
		fp_db_rollback(db);
	return r;
}

int
fp_inventory_load_text(struct fp_inventory_stats *out, struct fp_db *db, const char *name,
		       const char *text, size_t len, const struct fp_inventory_opts *opts,
		       struct fp_err *err)
{
	struct fp_buf b;
	int r;

	memset(out, 0, sizeof(*out));
	fp_buf_init(&b);
	if (fp_buf_add(&b, text, len) < 0)
		return fp_err_nomem(err);
	snprintf(out->fingerprint, sizeof(out->fingerprint), "%016llx-%zu",
		 (unsigned long long)fp_hash64(text, len, 0), len);
	r = load_snapshot(out, db, name, name, &b, opts, err);
	fp_buf_done(&b);
	return r;
}

int
fp_inventory_load_file(struct fp_inventory_stats *out, struct fp_db *db, const char *path,
		       const struct fp_inventory_opts *opts, struct fp_err *err)
{
	struct fp_input *in = NULL;
	struct fp_buf text;
	int r;

	memset(out, 0, sizeof(*out));
	fp_buf_init(&text);
	r = fp_input_open(&in, path, err);
	if (r < 0)
		return r;
	r = fp_input_prefingerprint(in, out->fingerprint, err);
	if (r >= 0)
		r = fp_input_read_all(in, &text, FP_INVENTORY_MAX_BYTES, err);
	if (r < 0)
		goto out;
	fp_input_fingerprint(in, out->fingerprint);
	r = load_snapshot(out, db, fp_input_name(in), path, &text, opts, err);
out:
	fp_buf_done(&text);
	fp_input_close(in);
	return r;
}
