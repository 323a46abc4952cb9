/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/reader-antrea.h"
#include "lib/reader-common.h"
#include "lib/reader-theia.h"
#include "lib/util-csv.h"
#include "lib/util-json.h"
#include "lib/util-str.h"

/* The columns read, in the order of enum col. */
static const char *const theia_columns[] = {
	"flowStartSeconds",
	"sourceIP",
	"destinationIP",
	"sourceTransportPort",
	"destinationTransportPort",
	"protocolIdentifier",
	"sourcePodName",
	"sourcePodNamespace",
	"destinationPodName",
	"destinationPodNamespace",
	"ingressNetworkPolicyRuleAction",
	"egressNetworkPolicyRuleAction",
	"sourcePodLabels",
	"destinationPodLabels",
	NULL,
};

enum col {
	T_START,
	T_SRC_IP,
	T_DST_IP,
	T_SPORT,
	T_DPORT,
	T_PROTO,
	T_SRC_POD,
	T_SRC_NS,
	T_DST_POD,
	T_DST_NS,
	T_ING_ACTION,
	T_EG_ACTION,
	T_SRC_LABELS,
	T_DST_LABELS,
	T__COUNT,
};

struct theia_state {
	struct fp_reader__table table;
};

static int
theia_detect(const char *line, size_t len)
{
	if (fp_contains(line, len, "flowStartSeconds") &&
	    fp_contains(line, len, "sourceIP") && fp_contains(line, len, "destinationIP"))
		return 95;
	return 0;
}

static void *
theia_state_new(void)
{
	struct theia_state *st = calloc(1, sizeof(*st));

	if (st != NULL)
		st->table.names = theia_columns;
	return st;
}

static void
theia_state_free(void *state)
{
	free(state);
}

/* The text of a column; a JSON object (labels) is returned in *obj. */
struct value {
	const char *s;
	size_t len;
	json_t *obj;
	int column;
};

static int
get(struct value *out, struct fp_reader__view *v, enum col c, struct fp_err *err)
{
	int r = fp_reader__view_get(&out->s, &out->len, &out->obj, v, (int)c, err);

	out->column = v->column;
	if (out->s == NULL) {
		out->s = "";
		out->len = 0;
	}
	return r;
}

static int
endpoint(struct fp_endpoint *ep, struct fp_arena *arena, const char *side,
	 const struct value *ip, const struct value *pod, const struct value *ns,
	 const struct value *labels, int *column, struct fp_err *err)
{
	int r;

	if (labels->obj != NULL) {
		/* JSONEachRow of a JSON-typed column: an object, not text. */
		r = fp_reader_antrea__endpoint(ep, arena, side, ip->s, ip->len, pod->s,
					       pod->len, ns->s, ns->len, NULL, 0, err);
		if (r == 0 && ep->kind == FP_EP_POD)
			r = fp_reader__labels_json(ep, arena,
						   side[0] == 's'
							   ? "sourcePodLabels"
							   : "destinationPodLabels",
						   labels->obj, err);
	} else {
		r = fp_reader_antrea__endpoint(ep, arena, side, ip->s, ip->len, pod->s,
					       pod->len, ns->s, ns->len, labels->s,
					       labels->len, err);
	}
	if (r < 0 && err != NULL) {
		/* Name the column the message is about. */
		*column = strstr(err->text, "PodLabels") != NULL      ? labels->column
			  : strstr(err->text, "PodNamespace") != NULL ? ns->column
			  : strstr(err->text, "PodName") != NULL      ? pod->column
								      : ip->column;
	}
	return r;
}

static int
parse_view(struct fp_flow *out, struct fp_reader__view *v, struct fp_err *err)
{
	struct value val[T__COUNT];
	uint16_t sport;
	int column = 0, r;

	for (int c = 0; c < T__COUNT; c++) {
		r = get(&val[c], v, (enum col)c, err);
		if (r < 0)
			return r;
	}
	if (val[T_START].len == 0) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "\"flowStartSeconds\": missing");
		goto out;
	}
	if (val[T_PROTO].len == 0) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "\"protocolIdentifier\": missing");
		goto out;
	}
	column = val[T_START].column;
	if (fp_reader__time(&out->time, "flowStartSeconds", val[T_START].s,
			    val[T_START].len, err) < 0)
		goto bad;
	column = val[T_PROTO].column;
	if (fp_reader__proto(&out->proto, "protocolIdentifier", val[T_PROTO].s,
			     val[T_PROTO].len, err) < 0)
		goto bad;
	column = val[T_SPORT].column;
	if (val[T_SPORT].len > 0 &&
	    fp_reader__port(&sport, "sourceTransportPort", val[T_SPORT].s,
			    val[T_SPORT].len, err) < 0)
		goto bad;
	column = val[T_DPORT].column;
	if (fp_proto_has_ports(out->proto) &&
	    fp_reader__port(&out->port, "destinationTransportPort", val[T_DPORT].s,
			    val[T_DPORT].len, err) < 0)
		goto bad;
	column = val[T_ING_ACTION].column;
	if (fp_reader_antrea__verdict(&out->verdict, val[T_ING_ACTION].s,
				      val[T_ING_ACTION].len, "", 0, NULL) == 0)
		column = val[T_EG_ACTION].column;
	if (fp_reader_antrea__verdict(&out->verdict, val[T_ING_ACTION].s,
				      val[T_ING_ACTION].len, val[T_EG_ACTION].s,
				      val[T_EG_ACTION].len, err) < 0)
		goto bad;
	r = endpoint(&out->src, v->arena, "source", &val[T_SRC_IP], &val[T_SRC_POD],
		     &val[T_SRC_NS], &val[T_SRC_LABELS], &column, err);
	if (r == 0)
		r = endpoint(&out->dst, v->arena, "destination", &val[T_DST_IP],
			     &val[T_DST_POD], &val[T_DST_NS], &val[T_DST_LABELS], &column,
			     err);
	out->count = 1;
out:
	if (r == FP_EINPUT && v->obj == NULL)
		fp_reader__at_column(err, column);
	return r < 0 ? r : FP_READ_FLOW;
bad:
	r = FP_EINPUT;
	goto out;
}

static int
theia_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	    const char *line, size_t len, struct fp_err *err)
{
	struct theia_state *st = state;
	struct fp_reader__view v = { 0 };
	struct fp_reader__table one = { .names = theia_columns };
	struct fp_csv_row row;
	json_t *root;
	size_t i = 0;
	int r;

	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	v.arena = arena;
	v.table = st != NULL ? &st->table : &one;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] == '{') {
		if (fp_reader__json_load(&root, NULL, line, len, err) < 0)
			return FP_EINPUT;
		if (!json_is_object(root)) {
			r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				       "expected a JSON object, got %s",
				       fp_json_type_name(root));
		} else {
			v.obj = root;
			r = parse_view(out, &v, err);
		}
		json_decref(root);
		return r;
	}
	r = fp_csv_split(&row, arena, line, len, err);
	if (r < 0)
		return r;
	/* A header (again, when exports were concatenated) names the columns. */
	if (row.n > 0 && strcmp(row.v[0], "flowStartSeconds") == 0) {
		if (st == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "a CSV header needs file state");
		r = fp_reader__table_header(&st->table, &row, false, NULL, err);
		if (r < 0)
			return r;
		for (int c = T_START; c <= T_PROTO; c++)
			if (c != T_SPORT && st->table.idx[c] < 0) {
				st->table.have_header = false;
				return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
						  "the header has no \"%s\" column",
						  theia_columns[c]);
			}
		*skip = FP_SKIP_NONFLOW;
		return FP_READ_SKIP;
	}
	if (!v.table->have_header)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "a CSV row before the header line (export with FORMAT "
				  "CSVWithNames)");
	v.row = &row;
	return parse_view(out, &v, err);
}

const struct fp_reader fp_reader_theia = {
	.name = "theia",
	.summary = "Theia ClickHouse flows table export (CSVWithNames or JSONEachRow)",
	.fields = theia_columns,
	.detect = theia_detect,
	.state_new = theia_state_new,
	.state_free = theia_state_free,
	.parse = theia_parse,
};
