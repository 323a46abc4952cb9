/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/endpoint.h"
#include "lib/reader-calico.h"
#include "lib/reader-common.h"
#include "lib/util-json.h"
#include "lib/util-k8s.h"
#include "lib/util-str.h"

static const char *const calico_fields[] = {
	"start_time",
	"{source,dest}_{ip,name,name_aggr,namespace,type,labels}",
	"dest_port",
	"proto",
	"action",
	"reporter",
	"num_flows",
	"policies.pending_policies",
	NULL,
};

struct calico_state {
	struct fp_reader__multiline ml;
};

static int
calico_detect(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != '{')
		return 0;
	if (fp_contains(line, len, "\"start_time\"") &&
	    (fp_contains(line, len, "\"source_type\"") ||
	     fp_contains(line, len, "\"dest_type\"") ||
	     fp_contains(line, len, "\"reporter\"")))
		return 90;
	if (fp_contains(line, len, "\"source_name_aggr\"") ||
	    fp_contains(line, len, "\"dest_name_aggr\""))
		return 80;
	return 0;
}

static void *
calico_state_new(void)
{
	struct calico_state *st = calloc(1, sizeof(*st));

	if (st != NULL)
		fp_reader__multiline_init(&st->ml);
	return st;
}

static void
calico_state_free(void *p)
{
	struct calico_state *st = p;

	if (st == NULL)
		return;
	fp_reader__multiline_done(&st->ml);
	free(st);
}

/* A string member that is a name, or NULL when absent, null or a placeholder. */
static int
name_member(const char **out, size_t *len, json_t *rec, const char *key,
	    struct fp_err *err)
{
	if (fp_json_string(out, len, rec, key, "", err) < 0)
		return FP_EINPUT;
	if (*out != NULL &&
	    (fp_reader__is_none(*out, *len) || fp_equals(*out, *len, "pvt") ||
	     fp_equals(*out, *len, "pub")))
		*out = NULL;
	return 0;
}

/* {"labels": ["k=v", ...]}; Calico's own projectcalico.org/ keys are not pod labels. */
static int
parse_labels(struct fp_endpoint *ep, struct fp_arena *arena, json_t *rec, const char *key,
	     struct fp_err *err)
{
	json_t *obj = json_object_get(rec, key), *arr, *v;
	size_t i;

	if (obj == NULL || json_is_null(obj))
		return 0;
	if (json_is_string(obj) &&
	    fp_reader__is_none(json_string_value(obj), json_string_length(obj)))
		return 0;
	if (!json_is_object(obj))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": expected object, got %s", key,
				  fp_json_type_name(obj));
	arr = json_object_get(obj, "labels");
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.labels\": expected array, got %s", key,
				  fp_json_type_name(arr));
	json_array_foreach(arr, i, v) {
		const char *s, *eq;
		size_t len;
		char field[80];
		int r;

		snprintf(field, sizeof(field), "%s.labels[%zu]", key, i);
		if (!json_is_string(v))
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": expected string, got %s", field,
					  fp_json_type_name(v));
		s = json_string_value(v);
		len = json_string_length(v);
		eq = memchr(s, '=', len);
		if (eq == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": label without '=': \"%.64s\"", field,
					  s);
		if ((size_t)(eq - s) > 17 && memcmp(s, "projectcalico.org/", 18) == 0)
			continue;
		r = fp_reader__add_label(ep, arena, field, s, (size_t)(eq - s), eq + 1,
					 len - (size_t)(eq - s) - 1, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * An aggregated name "<prefix>-*" stands for the pods Kubernetes named
 * <prefix>-<5 random characters> (the generateName of their owner), so the
 * workload is the one such a pod name tells.
 */
static int
aggregated_workload(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		    const char *aggr, size_t len, struct fp_err *err)
{
	char pod[FP_K8S_SUBDOMAIN_MAX + 8];
	size_t wlen;
	const char *kind;

	while (len > 0 && (aggr[len - 1] == '*' || aggr[len - 1] == '-'))
		len--;
	if (len == 0)
		return 0;
	if (!fp_k8s_is_dns_subdomain(aggr, len) || len > FP_K8S_SUBDOMAIN_MAX - 6)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": invalid aggregated name \"%.*s\"", field,
				  (int)(len > 64 ? 64 : len), aggr);
	snprintf(pod, sizeof(pod), "%.*s-bcdfg", (int)len, aggr);
	if (!fp_endpoint_guess_workload(&wlen, &kind, pod, ep->labels, ep->n_labels)) {
		wlen = len;
		kind = NULL;
	}
	ep->workload_kind = kind;
	return fp_reader__set_workload(ep, arena, field, pod, wlen, err);
}

static int
parse_endpoint(struct fp_endpoint *ep, struct fp_arena *arena, json_t *rec,
	       const char *side, bool reported_here, struct fp_err *err)
{
	const char *type, *name, *aggr, *ns, *ip;
	size_t tlen, nlen, alen, nslen, iplen;
	char k_type[24], k_name[24], k_aggr[24], k_ns[24], k_ip[24], k_labels[24];

	memset(ep, 0, sizeof(*ep));
	snprintf(k_type, sizeof(k_type), "%s_type", side);
	snprintf(k_name, sizeof(k_name), "%s_name", side);
	snprintf(k_aggr, sizeof(k_aggr), "%s_name_aggr", side);
	snprintf(k_ns, sizeof(k_ns), "%s_namespace", side);
	snprintf(k_ip, sizeof(k_ip), "%s_ip", side);
	snprintf(k_labels, sizeof(k_labels), "%s_labels", side);
	if (fp_json_string(&type, &tlen, rec, k_type, "", err) < 0 ||
	    fp_json_string(&aggr, &alen, rec, k_aggr, "", err) < 0 ||
	    name_member(&name, &nlen, rec, k_name, err) < 0 ||
	    name_member(&ns, &nslen, rec, k_ns, err) < 0 ||
	    name_member(&ip, &iplen, rec, k_ip, err) < 0)
		return FP_EINPUT;
	if (type == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": missing", k_type);
	if (ip != NULL && fp_reader__addr(&ep->addr, k_ip, ip, iplen, err) < 0)
		return FP_EINPUT;
	if (fp_equals(type, tlen, "wep")) {
		int r;

		ep->kind = FP_EP_POD;
		if (ns == NULL)
			return fp_err_set(
				err, FP_EINPUT, NULL, 0, 0,
				"\"%s\": a workload endpoint without a namespace", k_ns);
		r = fp_reader__set_ns(ep, arena, k_ns, ns, nslen, err);
		if (r == 0)
			r = parse_labels(ep, arena, rec, k_labels, err);
		if (r < 0)
			return r;
		if (name != NULL)
			return fp_reader__set_pod(ep, arena, k_name, name, nlen, err);
		if (aggr == NULL || fp_reader__is_none(aggr, alen) ||
		    fp_equals(aggr, alen, "pvt") || fp_equals(aggr, alen, "pub"))
			return 0; /* labels alone */
		if (aggr[alen - 1] != '*')
			return fp_reader__set_pod(ep, arena, k_aggr, aggr, alen, err);
		return aggregated_workload(ep, arena, k_aggr, aggr, alen, err);
	}
	if (fp_equals(type, tlen, "hep")) {
		ep->kind = reported_here ? FP_EP_HOST : FP_EP_REMOTE_NODE;
	} else if (fp_equals(type, tlen, "ns")) {
		ep->kind = FP_EP_WORLD; /* a network set: named outside networks */
	} else if (fp_equals(type, tlen, "net")) {
		/* "pub": the public internet; "pvt": a private range, which may
		 * be inside the cluster: only an inventory can tell. */
		ep->kind = aggr != NULL && fp_equals(aggr, alen, "pub") ? FP_EP_WORLD
									: FP_EP_UNKNOWN;
	} else {
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": unknown endpoint type \"%.*s\"", k_type,
				  (int)(tlen > 64 ? 64 : tlen), type);
	}
	return 0;
}

/*
 * The staged-policy verdict: the first entry of pending_policies (by index)
 * that is not "pass" decides.  Entries are "index|tier|name|action|rule".
 */
static int
pending_denies(bool *out, json_t *rec, struct fp_err *err)
{
	json_t *pol = json_object_get(rec, "policies"), *arr, *v;
	long best = -1;
	size_t i;

	*out = false;
	if (pol == NULL || json_is_null(pol))
		return 0;
	if (!json_is_object(pol))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"policies\": expected object, got %s",
				  fp_json_type_name(pol));
	arr = json_object_get(pol, "pending_policies");
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"policies.pending_policies\": expected array, got %s",
				  fp_json_type_name(arr));
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v), *f[5], *end;
		size_t n = 0, len;
		char *num_end;
		long idx;

		if (s == NULL)
			return fp_err_set(
				err, FP_EINPUT, NULL, 0, 0,
				"\"policies.pending_policies[%zu]\": expected string, got %s",
				i, fp_json_type_name(v));
		len = json_string_length(v);
		end = s + len;
		f[n++] = s;
		for (const char *p = s; p < end && n < 5; p++)
			if (*p == '|')
				f[n++] = p + 1;
		idx = strtol(s, &num_end, 10);
		if (n < 5 || num_end != f[1] - 1 || num_end == s || idx < 0 ||
		    memchr(s, '\0', len))
			return fp_err_set(
				err, FP_EINPUT, NULL, 0, 0,
				"\"policies.pending_policies[%zu]\": expected "
				"\"index|tier|name|action|rule\", got \"%.64s\"",
				i, s);
		if (f[4] - f[3] - 1 == 4 && memcmp(f[3], "pass", 4) == 0)
			continue;
		if (best < 0 || idx < best) {
			best = idx;
			*out = f[4] - f[3] - 1 == 4 && memcmp(f[3], "deny", 4) == 0;
		}
	}
	return 0;
}

static int
parse_proto(uint8_t *out, json_t *rec, struct fp_err *err)
{
	json_t *v = json_object_get(rec, "proto");
	char num[24];

	if (v == NULL || json_is_null(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"proto\": missing");
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return fp_reader__proto(out, "proto", num, strlen(num), err);
	}
	if (!json_is_string(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"proto\": expected string, got %s",
				  fp_json_type_name(v));
	return fp_reader__proto(out, "proto", json_string_value(v), json_string_length(v),
				err);
}

static int
parse_record(struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena, json_t *rec,
	     struct fp_err *err)
{
	const char *action, *reporter, *dtype;
	size_t alen, rlen, dlen;
	json_t *t;
	uint64_t n;
	bool present, by_src, deny, staged_deny;
	int r;

	if (!json_is_object(rec))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "expected a JSON object, got %s",
				  fp_json_type_name(rec));
	t = json_object_get(rec, "start_time");
	if (t == NULL || json_is_null(t))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"start_time\": missing");
	if (fp_reader__time_json(&out->time, "start_time", t, err) < 0 ||
	    fp_json_string(&action, &alen, rec, "action", "", err) < 0 ||
	    fp_json_string(&reporter, &rlen, rec, "reporter", "", err) < 0 ||
	    fp_json_string(&dtype, &dlen, rec, "dest_type", "", err) < 0)
		return FP_EINPUT;
	if (action == NULL ||
	    !(fp_equals(action, alen, "allow") || fp_equals(action, alen, "deny")))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"action\": expected \"allow\" or "
				  "\"deny\", got \"%.64s\"",
				  action != NULL ? action : "");
	if (reporter == NULL ||
	    !(fp_equals(reporter, rlen, "src") || fp_equals(reporter, rlen, "dst")))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"reporter\": expected \"src\" or "
				  "\"dst\", got \"%.64s\"",
				  reporter != NULL ? reporter : "");
	by_src = reporter[0] == 's';
	deny = action[0] == 'd';
	r = parse_endpoint(&out->src, arena, rec, "source", by_src, err);
	if (r == 0)
		r = parse_endpoint(&out->dst, arena, rec, "dest", !by_src, err);
	if (r < 0)
		return r;
	if (parse_proto(&out->proto, rec, err) < 0 ||
	    fp_json_uint(&n, &present, rec, "dest_port", 65535, "", err) < 0)
		return FP_EINPUT;
	out->port = (uint16_t)n;
	if (fp_proto_has_ports(out->proto) && !present)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"dest_port\": missing for %s",
				  fp_proto_name(out->proto));
	if (!fp_proto_has_ports(out->proto))
		out->port = 0;
	if (fp_json_uint(&n, &present, rec, "source_port", 65535, "", err) < 0 ||
	    fp_json_uint(&n, &present, rec, "num_flows", FP_READER_MAX_COUNT, "", err) <
		    0)
		return FP_EINPUT;
	if (present && fp_reader__count(&out->count, "num_flows", n, err) < 0)
		return FP_EINPUT;
	if (!present)
		out->count = 1;
	if (pending_denies(&staged_deny, rec, err) < 0)
		return FP_EINPUT;
	out->verdict = deny	     ? FP_VERDICT_DROPPED
		       : staged_deny ? FP_VERDICT_AUDIT
				     : FP_VERDICT_FORWARDED;
	/* Count each connection once: see reader-calico.h. */
	if (by_src ? (dtype != NULL && fp_equals(dtype, dlen, "wep") && !deny)
		   : !(dtype != NULL && fp_equals(dtype, dlen, "wep"))) {
		*skip = FP_SKIP_DUPLICATE;
		return FP_READ_SKIP;
	}
	return FP_READ_FLOW;
}

static int
parse_text(struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	   const char *text, size_t len, long lines, struct fp_err *err)
{
	json_t *root, *rec;
	long eline;
	int r;

	if (fp_reader__json_load(&root, &eline, text, len, err) < 0) {
		if (lines > 1 && err != NULL) {
			size_t n = strlen(err->text);

			/* The caller names the line the object ends on. */
			if (err->column > 0)
				snprintf(
					err->text + n, sizeof(err->text) - n,
					" (line %ld, column %d of the %ld-line object ending here)",
					eline, err->column, lines);
			else
				snprintf(err->text + n, sizeof(err->text) - n,
					 " (line %ld of the %ld-line object ending here)",
					 eline, lines);
			err->column = 0;
		}
		return FP_EINPUT;
	}
	/* Elasticsearch hits wrap the record in "_source". */
	rec = json_object_get(root, "_source");
	if (rec == NULL || !json_is_object(rec))
		rec = root;
	r = parse_record(out, skip, arena, rec, err);
	json_decref(root);
	return r;
}

static int
calico_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	     const char *line, size_t len, struct fp_err *err)
{
	struct calico_state *st = state;
	int r;

	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	r = st != NULL ? fp_reader__multiline_feed(&st->ml, line, len) : 0;
	if (r < 0)
		return fp_err_nomem(err);
	if (r == 0)
		return parse_text(out, skip, arena, line, len, 1, err);
	if (r == 2) {
		*skip = FP_SKIP_PART;
		return FP_READ_SKIP;
	}
	if (st->ml.overflow) {
		r = fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"a multi-line JSON object longer than %d lines or %zu bytes: "
			"given up, reading the next lines on their own",
			FP_READER_MULTILINE_MAX_LINES, FP_READER_MULTILINE_MAX);
	} else {
		r = parse_text(out, skip, arena, st->ml.text.data, st->ml.text.len,
			       st->ml.lines, err);
	}
	fp_reader__multiline_reset(&st->ml);
	return r;
}

static int
calico_finish(void *state, struct fp_err *err)
{
	struct calico_state *st = state;
	long lines;

	if (st == NULL || !st->ml.active)
		return 0;
	lines = st->ml.lines;
	fp_reader__multiline_reset(&st->ml);
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			  "the file ends inside a multi-line JSON object (%ld lines)",
			  lines);
}

const struct fp_reader fp_reader_calico = {
	.name = "calico",
	.summary = "Calico Enterprise/Cloud flow logs (flows.log, Elasticsearch hits)",
	.fields = calico_fields,
	.detect = calico_detect,
	.state_new = calico_state_new,
	.state_free = calico_state_free,
	.parse = calico_parse,
	.finish = calico_finish,
};
