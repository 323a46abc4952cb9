/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/reader-common.h"
#include "lib/reader-native.h"
#include "lib/util-csv.h"
#include "lib/util-json.h"
#include "lib/util-str.h"

/* Every column, in the order of enum col; the JSON names are the same. */
static const char *const native_columns[] = {
	"time",
	"first_seen",
	"last_seen",
	"count",
	"proto",
	"port",
	"verdict",
	"reason",
	"src_kind",
	"src_ip",
	"src_namespace",
	"src_pod",
	"src_workload",
	"src_workload_kind",
	"src_labels",
	"dst_kind",
	"dst_ip",
	"dst_namespace",
	"dst_pod",
	"dst_workload",
	"dst_workload_kind",
	"dst_labels",
	NULL,
};

enum col {
	N_TIME,
	N_FIRST,
	N_LAST,
	N_COUNT,
	N_PROTO,
	N_PORT,
	N_VERDICT,
	N_REASON,
	N_SRC, /* first of the 7 endpoint columns */
	N_DST = N_SRC + 7,
	N__COUNT = N_DST + 7,
};

/* Offsets within an endpoint's columns. */
enum { E_KIND, E_IP, E_NS, E_POD, E_WORKLOAD, E_WORKLOAD_KIND, E_LABELS };

struct native_state {
	struct fp_reader__table table;
};

static int
native_detect(const char *line, size_t len)
{
	if (len > 0 && line[0] == '{')
		return fp_contains(line, len, "\"verdict\"") &&
				       fp_contains(line, len, "\"proto\"") &&
				       (fp_contains(line, len, "\"src\"") ||
					fp_contains(line, len, "\"src_ip\"") ||
					fp_contains(line, len, "\"src_namespace\""))
			       ? 85
			       : 0;
	if (fp_contains(line, len, "verdict") && fp_contains(line, len, "proto") &&
	    (fp_contains(line, len, "src_") || fp_contains(line, len, "src.")) &&
	    (fp_contains(line, len, "dst_") || fp_contains(line, len, "dst.")))
		return 95;
	return 0;
}

static void *
native_state_new(void)
{
	struct native_state *st = calloc(1, sizeof(*st));

	if (st != NULL)
		st->table.names = native_columns;
	return st;
}

static void
native_state_free(void *state)
{
	free(state);
}

/* "src.ip" in a header is "src_ip". */
static const char *
alias(const char *name)
{
	static const char *const dotted[] = {
		"src.kind",	     "src.ip",	     "src.namespace",
		"src.pod",	     "src.workload", "src.workload_kind",
		"src.labels",	     "dst.kind",     "dst.ip",
		"dst.namespace",     "dst.pod",	     "dst.workload",
		"dst.workload_kind", "dst.labels",
	};

	for (size_t i = 0; i < sizeof(dotted) / sizeof(dotted[0]); i++)
		if (strcmp(name, dotted[i]) == 0)
			return native_columns[N_SRC + i];
	return NULL;
}

struct value {
	const char *s;
	size_t len;
	json_t *obj;
	int column;
};

static int
get(struct value *out, struct fp_reader__view *v, int c, struct fp_err *err)
{
	int r = fp_reader__view_get(&out->s, &out->len, &out->obj, v, c, err);

	out->column = v->column;
	return r;
}

static int
kind_of(enum fp_ep_kind *out, const char *field, const struct value *v,
	struct fp_err *err)
{
	for (int k = FP_EP_UNKNOWN; k <= FP_EP_OTHER; k++) {
		const char *name = fp_ep_kind_name((enum fp_ep_kind)k);

		if (strlen(name) == v->len && memcmp(name, v->s, v->len) == 0) {
			*out = (enum fp_ep_kind)k;
			return 0;
		}
	}
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			  "\"%s\": unknown kind \"%.*s\" (pod, host, remote-node, world, "
			  "kube-apiserver, other, unknown)",
			  field, (int)(v->len > 64 ? 64 : v->len), v->s);
}

static int
endpoint(struct fp_endpoint *ep, struct fp_arena *arena, const char *side,
	 const struct value *e, int *column, struct fp_err *err)
{
	static const char *const suffix[] = { "kind",  "ip",	   "namespace",
					      "pod",   "workload", "workload_kind",
					      "labels" };
	char f[7][24];
	bool named = false;
	int r = 0;

	memset(ep, 0, sizeof(*ep));
	for (int i = 0; i < 7; i++)
		snprintf(f[i], sizeof(f[i]), "%s_%s", side, suffix[i]);
	for (int i = E_NS; i <= E_LABELS; i++)
		named = named || e[i].s != NULL || e[i].obj != NULL;
	ep->kind = named ? FP_EP_POD : FP_EP_UNKNOWN;
	*column = e[E_KIND].column;
	if (e[E_KIND].s != NULL && kind_of(&ep->kind, f[E_KIND], &e[E_KIND], err) < 0)
		return FP_EINPUT;
	*column = e[E_IP].column;
	if (e[E_IP].s != NULL &&
	    fp_reader__addr(&ep->addr, f[E_IP], e[E_IP].s, e[E_IP].len, err) < 0)
		return FP_EINPUT;
	if (ep->kind != FP_EP_POD) {
		for (int i = E_NS; i <= E_LABELS; i++)
			if (e[i].s != NULL || e[i].obj != NULL) {
				*column = e[i].column;
				return fp_err_set(
					err, FP_EINPUT, NULL, 0, 0,
					"\"%s\": only a pod has one, not a %s endpoint",
					f[i], fp_ep_kind_name(ep->kind));
			}
		if (ep->kind == FP_EP_UNKNOWN && ep->addr.family == 0)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": no address, namespace or kind", side);
		return 0;
	}
	*column = e[E_NS].column;
	if (e[E_NS].s == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": a pod without a namespace", f[E_NS]);
	r = fp_reader__set_ns(ep, arena, f[E_NS], e[E_NS].s, e[E_NS].len, err);
	if (r == 0 && e[E_POD].s != NULL) {
		*column = e[E_POD].column;
		r = fp_reader__set_pod(ep, arena, f[E_POD], e[E_POD].s, e[E_POD].len,
				       err);
	}
	if (r == 0 && e[E_WORKLOAD].s != NULL) {
		*column = e[E_WORKLOAD].column;
		r = fp_reader__set_workload(ep, arena, f[E_WORKLOAD], e[E_WORKLOAD].s,
					    e[E_WORKLOAD].len, err);
	}
	if (r == 0 && e[E_WORKLOAD_KIND].s != NULL) {
		*column = e[E_WORKLOAD_KIND].column;
		if (e[E_WORKLOAD].s == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": a workload kind without a workload",
					  f[E_WORKLOAD_KIND]);
		r = fp_reader__set_workload_kind(ep, arena, f[E_WORKLOAD_KIND],
						 e[E_WORKLOAD_KIND].s,
						 e[E_WORKLOAD_KIND].len, err);
	}
	if (r == 0 && (e[E_LABELS].s != NULL || e[E_LABELS].obj != NULL)) {
		*column = e[E_LABELS].column;
		r = e[E_LABELS].obj != NULL
			    ? fp_reader__labels_json(ep, arena, f[E_LABELS],
						     e[E_LABELS].obj, err)
			    : fp_reader__labels_text(ep, arena, f[E_LABELS],
						     e[E_LABELS].s, e[E_LABELS].len, err);
	}
	return r;
}

static int
verdict_of(enum fp_verdict *out, const struct value *v, struct fp_err *err)
{
	static const enum fp_verdict all[] = { FP_VERDICT_FORWARDED, FP_VERDICT_DROPPED,
					       FP_VERDICT_AUDIT, FP_VERDICT_REDIRECTED };

	if (v->s == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"verdict\": missing");
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *name = fp_verdict_name(all[i]);

		if (strlen(name) == v->len && strncasecmp(name, v->s, v->len) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return fp_err_set(
		err, FP_EINPUT, NULL, 0, 0,
		"\"verdict\": unknown verdict \"%.*s\" (FORWARDED, DROPPED, AUDIT, "
		"REDIRECTED)",
		(int)(v->len > 64 ? 64 : v->len), v->s);
}

static int
parse_view(struct fp_flow *out, struct fp_reader__view *v, struct fp_err *err)
{
	struct value val[N__COUNT];
	uint64_t n;
	uint16_t reason;
	int column = 0, r;

	for (int c = 0; c < N__COUNT; c++) {
		r = get(&val[c], v, c, err);
		if (r < 0)
			return r;
		if (val[c].obj != NULL && c != N_SRC + E_LABELS &&
		    c != N_DST + E_LABELS) {
			r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				       "\"%s\": expected a value, got "
				       "object",
				       native_columns[c]);
			goto out;
		}
	}
	r = FP_EINPUT;
	if (val[N_TIME].s != NULL && val[N_FIRST].s != NULL) {
		column = val[N_FIRST].column;
		fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			   "\"first_seen\": give either \"time\" or \"first_seen\"");
		goto out;
	}
	column = val[N_TIME].s != NULL ? val[N_TIME].column : val[N_FIRST].column;
	if (val[N_TIME].s == NULL && val[N_FIRST].s == NULL) {
		fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"time\": missing");
		goto out;
	}
	if (val[N_TIME].s != NULL
		    ? fp_reader__time(&out->time, "time", val[N_TIME].s, val[N_TIME].len,
				      err) < 0
		    : fp_reader__time(&out->time, "first_seen", val[N_FIRST].s,
				      val[N_FIRST].len, err) < 0)
		goto out;
	column = val[N_LAST].column;
	if (val[N_LAST].s != NULL) {
		if (fp_reader__time(&out->last, "last_seen", val[N_LAST].s,
				    val[N_LAST].len, err) < 0)
			goto out;
		if (out->last < out->time) {
			fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				   "\"last_seen\": before the first time");
			goto out;
		}
	}
	column = val[N_COUNT].column;
	out->count = 1;
	if (val[N_COUNT].s != NULL &&
	    (fp_reader__uint(&n, "count", val[N_COUNT].s, val[N_COUNT].len, UINT64_MAX,
			     err) < 0 ||
	     fp_reader__count(&out->count, "count", n, err) < 0))
		goto out;
	column = val[N_PROTO].column;
	if (val[N_PROTO].s == NULL) {
		fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"proto\": missing");
		goto out;
	}
	if (fp_reader__proto(&out->proto, "proto", val[N_PROTO].s, val[N_PROTO].len,
			     err) < 0)
		goto out;
	column = val[N_PORT].column;
	if (val[N_PORT].s == NULL && fp_proto_has_ports(out->proto)) {
		fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"port\": missing for %s",
			   fp_proto_name(out->proto));
		goto out;
	}
	if (val[N_PORT].s != NULL &&
	    fp_reader__port(&out->port, "port", val[N_PORT].s, val[N_PORT].len, err) < 0)
		goto out;
	if (!fp_proto_has_ports(out->proto))
		out->port = 0;
	column = val[N_VERDICT].column;
	if (verdict_of(&out->verdict, &val[N_VERDICT], err) < 0)
		goto out;
	column = val[N_REASON].column;
	if (val[N_REASON].s != NULL) {
		if (fp_reader__port(&reason, "reason", val[N_REASON].s, val[N_REASON].len,
				    err) < 0)
			goto out;
		out->reason = out->verdict == FP_VERDICT_DROPPED ? reason : 0;
	}
	r = endpoint(&out->src, v->arena, "src", &val[N_SRC], &column, err);
	if (r == 0)
		r = endpoint(&out->dst, v->arena, "dst", &val[N_DST], &column, err);
out:
	if (r == FP_EINPUT && v->obj == NULL)
		fp_reader__at_column(err, column);
	return r < 0 ? r : FP_READ_FLOW;
}

/* Is every field of @row a column name?  Then it is a header. */
static bool
is_header(const struct fp_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++) {
		const char *name =
			alias(row->v[i]) != NULL ? alias(row->v[i]) : row->v[i];
		bool known = false;

		for (size_t k = 0; native_columns[k] != NULL && !known; k++)
			known = strcmp(native_columns[k], name) == 0;
		if (!known)
			return false;
	}
	return true;
}

/* Does any field of @row name a column?  A header with a typo still does. */
static bool
names_a_column(const struct fp_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++) {
		const char *name =
			alias(row->v[i]) != NULL ? alias(row->v[i]) : row->v[i];

		for (size_t k = 0; native_columns[k] != NULL; k++)
			if (strcmp(native_columns[k], name) == 0)
				return true;
	}
	return false;
}

static int
native_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	     const char *line, size_t len, struct fp_err *err)
{
	struct native_state *st = state;
	struct fp_reader__table one = { .names = native_columns };
	struct fp_reader__view v = { 0 };
	struct fp_csv_row row;
	json_t *root;
	int r;

	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	v.arena = arena;
	v.table = st != NULL ? &st->table : &one;
	if (len > 0 && line[0] == '{') {
		if (fp_reader__json_load(&root, NULL, line, len, err) < 0)
			return FP_EINPUT;
		if (!json_is_object(root)) {
			r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				       "expected a JSON object, got %s",
				       fp_json_type_name(root));
		} else {
			v.obj = root;
			v.nested = true;
			r = parse_view(out, &v, err);
		}
		json_decref(root);
		return r;
	}
	r = fp_csv_split(&row, arena, line, len, err);
	if (r < 0)
		return r;
	if (st != NULL && !st->table.have_header && !names_a_column(&row))
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"a CSV row before the header line that names the columns");
	if (st != NULL && (!st->table.have_header || is_header(&row))) {
		r = fp_reader__table_header(&st->table, &row, true, alias, err);
		if (r < 0) {
			st->table.have_header = false;
			return r;
		}
		*skip = FP_SKIP_NONFLOW;
		return FP_READ_SKIP;
	}
	if (!v.table->have_header)
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"a CSV row before the header line that names the columns");
	if (row.n != v.table->n_columns)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "%zu fields, but the header names %zu columns", row.n,
				  v.table->n_columns);
	v.row = &row;
	return parse_view(out, &v, err);
}

const struct fp_reader fp_reader_native = {
	.name = "native",
	.summary =
		"flowpol's native flows: JSON lines or CSV with a header (pre-aggregated)",
	.fields = native_columns,
	.detect = native_detect,
	.state_new = native_state_new,
	.state_free = native_state_free,
	.parse = native_parse,
};
