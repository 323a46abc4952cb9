/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/reader-hubble-int.h"
#include "lib/reader-hubble.h"
#include "lib/util-json.h"
#include "lib/util-k8s.h"
#include "lib/util-str.h"
#include "lib/util-time.h"

#define MAX_LABELS 256

/* Cilium's monitor event types (event_type.type). */
enum {
	EV_DROP = 1,
	EV_DEBUG = 2,
	EV_CAPTURE = 3,
	EV_TRACE = 4,
	EV_POLICY_VERDICT = 5,
	EV_TRACE_SOCK = 7,
	EV_ACCESS_LOG = 129,
	EV_AGENT = 130,
};

/* Cilium's reserved identities, for endpoints that carry a number only. */
enum {
	ID_HOST = 1,
	ID_WORLD = 2,
	ID_UNMANAGED = 3,
	ID_HEALTH = 4,
	ID_INIT = 5,
	ID_REMOTE_NODE = 6,
	ID_KUBE_APISERVER = 7,
	ID_INGRESS = 8,
	ID_WORLD_IPV4 = 9,
	ID_WORLD_IPV6 = 10,
};

static const char *const hubble_fields[] = {
	"flow.time",
	"flow.verdict",
	"flow.drop_reason",
	"flow.event_type.type",
	"flow.Type",
	"flow.IP.source",
	"flow.IP.destination",
	"flow.l4.{TCP,UDP,SCTP}.destination_port",
	"flow.l4.TCP.flags",
	"flow.l4.{ICMPv4,ICMPv6}.type",
	"flow.is_reply",
	"flow.reply",
	"flow.trace_reason",
	"flow.{source,destination}.{namespace,labels,pod_name,workloads,identity}",
	"flow.aggregate.*_flow_count",
	NULL,
};

static int
hubble_detect(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != '{')
		return 0;
	/* Detection only has to rank formats; the parser validates properly. */
	if (fp_contains(line, len, "\"flow\":{") || fp_contains(line, len, "\"flow\": {"))
		return 90;
	if (fp_contains(line, len, "\"node_status\"") || fp_contains(line, len, "\"lost_events\""))
		return 60;
	if (fp_contains(line, len, "\"verdict\"") &&
	    (fp_contains(line, len, "\"IP\"") || fp_contains(line, len, "\"l4\"")))
		return 70;
	return 0;
}

static int
parse_verdict(enum fp_verdict *out, bool *skip, json_t *flow, struct fp_err *err)
{
	static const struct {
		const char *name;
		int num;
		int verdict; /* 0 = not a policy decision: skip */
	} map[] = {
		{ "VERDICT_UNKNOWN", 0, 0 },
		{ "FORWARDED", 1, FP_VERDICT_FORWARDED },
		{ "DROPPED", 2, FP_VERDICT_DROPPED },
		{ "ERROR", 3, 0 },
		{ "AUDIT", 4, FP_VERDICT_AUDIT },
		{ "REDIRECTED", 5, FP_VERDICT_REDIRECTED },
		{ "TRACED", 6, 0 },
		{ "TRANSLATED", 7, 0 },
	};
	json_t *v = json_object_get(flow, "verdict");

	*skip = false;
	if (v == NULL || json_is_null(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"flow.verdict\": missing");
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if ((json_is_string(v) && strcmp(json_string_value(v), map[i].name) == 0) ||
		    (json_is_integer(v) && json_integer_value(v) == map[i].num)) {
			*skip = map[i].verdict == 0;
			*out = (enum fp_verdict)map[i].verdict;
			return 0;
		}
	}
	if (json_is_string(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"flow.verdict\": unknown verdict \"%.64s\"",
				  json_string_value(v));
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"flow.verdict\": expected string, got %s",
			  fp_json_type_name(v));
}

static int
parse_time(int64_t *out, json_t *root, json_t *flow, struct fp_err *err)
{
	const char *s;
	size_t len;

	if (fp_json_string(&s, &len, flow, "time", "flow", err) < 0)
		return FP_EINPUT;
	if (s == NULL && fp_json_string(&s, &len, root, "time", "", err) < 0)
		return FP_EINPUT;
	if (s == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"flow.time\": missing");
	if (fp_time_parse_rfc3339(out, NULL, s, len) < 0)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"flow.time\": not an RFC 3339 time: \"%.64s\"", s);
	return 0;
}

static int
parse_addr(struct fp_addr *out, json_t *ip, const char *key, struct fp_err *err)
{
	const char *s;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (fp_json_string(&s, &len, ip, key, "flow.IP", err) < 0)
		return FP_EINPUT;
	if (s == NULL || len == 0)
		return 0;
	if (fp_addr_parse(out, s, len) < 0)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"flow.IP.%s\": not an IP address: \"%.64s\"", key, s);
	return 0;
}

static void
reserved_label(struct fp_hubble_ep_flags *f, const char *name)
{
	if (strcmp(name, "host") == 0)
		f->host = true;
	else if (strcmp(name, "remote-node") == 0)
		f->remote_node = true;
	else if (strcmp(name, "kube-apiserver") == 0)
		f->apiserver = true;
	else if (strncmp(name, "world", 5) == 0)
		f->world = true;
	else
		f->other = true; /* health, init, unmanaged, ingress */
}

static void
reserved_identity(struct fp_hubble_ep_flags *f, uint64_t id)
{
	switch (id) {
	case ID_HOST: f->host = true; break;
	case ID_WORLD:
	case ID_WORLD_IPV4:
	case ID_WORLD_IPV6: f->world = true; break;
	case ID_REMOTE_NODE: f->remote_node = true; break;
	case ID_KUBE_APISERVER: f->apiserver = true; break;
	case ID_UNMANAGED:
	case ID_HEALTH:
	case ID_INIT:
	case ID_INGRESS: f->other = true; break;
	default: break;
	}
}

/*
 * One "source:key=value" label.  k8s labels become pod labels (minus the
 * CNI's own); reserved labels type the endpoint.  @ns_label receives the
 * value of k8s:io.kubernetes.pod.namespace.
 */
static int
parse_label(struct fp_endpoint *ep, struct fp_hubble_ep_flags *f, const char **ns_label,
	    struct fp_arena *arena, const char *s, size_t len, const char *path, size_t idx,
	    struct fp_err *err)
{
	const char *colon = memchr(s, ':', len), *key, *eq;
	size_t klen, vlen;

	if (colon == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.labels[%zu]\": label without a source prefix", path, idx);
	key = colon + 1;
	klen = len - (size_t)(key - s);
	if ((size_t)(colon - s) == 8 && memcmp(s, "reserved", 8) == 0) {
		char name[32];

		snprintf(name, sizeof(name), "%.*s", (int)(klen < 31 ? klen : 31), key);
		reserved_label(f, name);
		return 0;
	}
	if ((size_t)(colon - s) == 4 && (memcmp(s, "cidr", 4) == 0 || memcmp(s, "fqdn", 4) == 0)) {
		f->world = true;
		return 0;
	}
	if ((size_t)(colon - s) != 3 || memcmp(s, "k8s", 3) != 0)
		return 0; /* container:, unspec:, any: say nothing about the pod */
	eq = memchr(key, '=', klen);
	vlen = eq != NULL ? klen - (size_t)(eq - key) - 1 : 0;
	if (eq != NULL)
		klen = (size_t)(eq - key);
	f->k8s = true;
	if (fp_k8s_is_cni_label(key, klen)) {
		if (klen == 27 && memcmp(key, "io.kubernetes.pod.namespace", 27) == 0 && eq != NULL)
			*ns_label = fp_arena_strndup(arena, eq + 1, vlen);
		return 0;
	}
	if (!fp_k8s_is_label_key(key, klen))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.labels[%zu]\": invalid label key \"%.*s\"", path, idx,
				  (int)(klen > 80 ? 80 : klen), key);
	if (eq != NULL && !fp_k8s_is_label_value(eq + 1, vlen))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.labels[%zu]\": invalid value \"%.*s\" for label \"%.*s\"",
				  path, idx, (int)(vlen > 80 ? 80 : vlen), eq + 1, (int)klen, key);
	if (ep->n_labels >= MAX_LABELS)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s.labels\": more than %d labels",
				  path, MAX_LABELS);
	ep->labels[ep->n_labels].key = fp_arena_strndup(arena, key, klen);
	ep->labels[ep->n_labels].value = fp_arena_strndup(arena, eq != NULL ? eq + 1 : "", vlen);
	if (ep->labels[ep->n_labels].key == NULL || ep->labels[ep->n_labels].value == NULL)
		return fp_err_nomem(err);
	ep->n_labels++;
	return 0;
}

static int
parse_workloads(struct fp_endpoint *ep, json_t *obj, struct fp_arena *arena, const char *path,
		struct fp_err *err)
{
	json_t *arr, *w;
	const char *name, *kind;
	size_t nlen, klen;
	char wpath[64];

	if (fp_json_array(&arr, obj, "workloads", path, err) < 0)
		return FP_EINPUT;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	w = json_array_get(arr, 0);
	snprintf(wpath, sizeof(wpath), "%s.workloads[0]", path);
	if (!json_is_object(w))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": expected object", wpath);
	if (fp_json_string(&name, &nlen, w, "name", wpath, err) < 0 ||
	    fp_json_string(&kind, &klen, w, "kind", wpath, err) < 0)
		return FP_EINPUT;
	if (name == NULL)
		return 0;
	if (!fp_k8s_is_dns_subdomain(name, nlen))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s.name\": invalid name \"%.64s\"",
				  wpath, name);
	ep->workload = fp_arena_strndup(arena, name, nlen);
	if (kind != NULL) {
		bool ok = klen > 0 && klen <= 63;

		for (size_t i = 0; ok && i < klen; i++)
			ok = (kind[i] >= 'A' && kind[i] <= 'Z') || (kind[i] >= 'a' && kind[i] <= 'z');
		if (!ok)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s.kind\": invalid kind \"%.64s\"", wpath, kind);
		ep->workload_kind = fp_arena_strndup(arena, kind, klen);
	}
	return 0;
}

static int
parse_endpoint(struct fp_endpoint *ep, json_t *flow, const char *which,
	       const struct fp_addr *addr, struct fp_arena *arena, struct fp_err *err)
{
	struct fp_hubble_ep_flags f = { 0 };
	const char *ns = NULL, *ns_label = NULL, *pod = NULL;
	size_t ns_len = 0, pod_len = 0;
	json_t *obj, *labels, *v;
	uint64_t identity;
	bool has_identity;
	char path[32];
	size_t i;

	memset(ep, 0, sizeof(*ep));
	ep->addr = *addr;
	snprintf(path, sizeof(path), "flow.%s", which);
	if (fp_json_object(&obj, flow, which, "flow", err) < 0)
		return FP_EINPUT;
	if (obj == NULL)
		return 0; /* only an address: FP_EP_UNKNOWN */
	if (fp_json_array(&labels, obj, "labels", path, err) < 0 ||
	    fp_json_string(&ns, &ns_len, obj, "namespace", path, err) < 0 ||
	    fp_json_string(&pod, &pod_len, obj, "pod_name", path, err) < 0 ||
	    fp_json_uint(&identity, &has_identity, obj, "identity", UINT32_MAX, path, err) < 0)
		return FP_EINPUT;
	if (labels != NULL) {
		ep->labels = fp_arena_alloc(arena, sizeof(*ep->labels) *
							   (json_array_size(labels) < MAX_LABELS
								    ? json_array_size(labels) + 1
								    : MAX_LABELS + 1));
		if (ep->labels == NULL)
			return fp_err_nomem(err);
	}
	json_array_foreach(labels, i, v) {
		if (!json_is_string(v))
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s.labels[%zu]\": expected string, got %s", path, i,
					  fp_json_type_name(v));
		if (parse_label(ep, &f, &ns_label, arena, json_string_value(v),
				json_string_length(v), path, i, err) < 0)
			return FP_EINPUT;
	}
	if (ns != NULL && ns_len == 0)
		ns = NULL;
	if (ns == NULL && ns_label != NULL) {
		ns = ns_label;
		ns_len = strlen(ns_label);
	} else if (ns != NULL && ns_label != NULL &&
		   (strlen(ns_label) != ns_len || memcmp(ns, ns_label, ns_len) != 0)) {
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.namespace\": \"%.64s\" disagrees with its namespace label",
				  path, ns);
	}
	if (ns != NULL && !fp_k8s_is_dns_label(ns, ns_len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.namespace\": invalid namespace name \"%.*s\"", path,
				  (int)(ns_len > 64 ? 64 : ns_len), ns);
	if (pod != NULL && pod_len == 0)
		pod = NULL;
	if (pod != NULL && !fp_k8s_is_dns_subdomain(pod, pod_len))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s.pod_name\": invalid pod name \"%.*s\"", path,
				  (int)(pod_len > 64 ? 64 : pod_len), pod);
	if (has_identity && labels == NULL)
		reserved_identity(&f, identity);
	if (ns != NULL || pod != NULL || f.k8s) {
		/* A pod, even when the proxy saw it as world (identity 2 with a
		 * pod name): its labels, not the reserved one, say who it is. */
		ep->kind = FP_EP_POD;
		ep->ns = ns != NULL ? fp_arena_strndup(arena, ns, ns_len) : NULL;
		ep->pod = pod != NULL ? fp_arena_strndup(arena, pod, pod_len) : NULL;
		if ((ns != NULL && ep->ns == NULL) || (pod != NULL && ep->pod == NULL))
			return fp_err_nomem(err);
		return parse_workloads(ep, obj, arena, path, err);
	}
	ep->n_labels = 0;
	fp_hubble__reserved_kind(ep, &f);
	return 0;
}

struct l4 {
	uint8_t proto;
	uint16_t port;
	bool syn, ack;
	bool is_icmp_answer; /* an ICMP reply or error: never opens a connection */
	bool present;
};

static int
parse_ports(struct l4 *l4, json_t *obj, const char *path, struct fp_err *err)
{
	uint64_t port;
	bool present;

	if (fp_json_uint(&port, &present, obj, "destination_port", 65535, path, err) < 0)
		return FP_EINPUT;
	l4->port = (uint16_t)port;
	/* source_port is not kept, but an out-of-range one is still bad input. */
	if (fp_json_uint(&port, &present, obj, "source_port", 65535, path, err) < 0)
		return FP_EINPUT;
	return 0;
}

static int
parse_l4(struct l4 *l4, json_t *flow, struct fp_err *err)
{
	json_t *l4obj, *v, *flags;
	uint64_t type;
	bool present;

	memset(l4, 0, sizeof(*l4));
	if (fp_json_object(&l4obj, flow, "l4", "flow", err) < 0)
		return FP_EINPUT;
	if (l4obj == NULL)
		return 0;
	if (fp_json_object(&v, l4obj, "TCP", "flow.l4", err) < 0)
		return FP_EINPUT;
	if (v != NULL) {
		l4->proto = FP_PROTO_TCP;
		if (parse_ports(l4, v, "flow.l4.TCP", err) < 0 ||
		    fp_json_object(&flags, v, "flags", "flow.l4.TCP", err) < 0 ||
		    fp_json_bool(&l4->syn, &present, flags, "SYN", "flow.l4.TCP.flags", err) < 0 ||
		    fp_json_bool(&l4->ack, &present, flags, "ACK", "flow.l4.TCP.flags", err) < 0)
			return FP_EINPUT;
		l4->present = true;
		return 0;
	}
	if (fp_json_object(&v, l4obj, "UDP", "flow.l4", err) < 0)
		return FP_EINPUT;
	if (v != NULL) {
		l4->proto = FP_PROTO_UDP;
		l4->present = true;
		return parse_ports(l4, v, "flow.l4.UDP", err);
	}
	if (fp_json_object(&v, l4obj, "SCTP", "flow.l4", err) < 0)
		return FP_EINPUT;
	if (v != NULL) {
		l4->proto = FP_PROTO_SCTP;
		l4->present = true;
		return parse_ports(l4, v, "flow.l4.SCTP", err);
	}
	if (fp_json_object(&v, l4obj, "ICMPv4", "flow.l4", err) < 0)
		return FP_EINPUT;
	if (v != NULL) {
		if (fp_json_uint(&type, &present, v, "type", 255, "flow.l4.ICMPv4", err) < 0)
			return FP_EINPUT;
		l4->proto = FP_PROTO_ICMP;
		l4->present = true;
		/* echo reply, unreachable, time exceeded, timestamp/info/mask reply */
		l4->is_icmp_answer = type == 0 || type == 3 || type == 11 || type == 14 ||
				     type == 16 || type == 18;
		return 0;
	}
	if (fp_json_object(&v, l4obj, "ICMPv6", "flow.l4", err) < 0)
		return FP_EINPUT;
	if (v != NULL) {
		if (fp_json_uint(&type, &present, v, "type", 255, "flow.l4.ICMPv6", err) < 0)
			return FP_EINPUT;
		l4->proto = FP_PROTO_ICMPV6;
		l4->present = true;
		/* errors (1-4) and echo reply (129) */
		l4->is_icmp_answer = (type >= 1 && type <= 4) || type == 129;
	}
	return 0;
}

/* The weight of an exporter-aggregated flow: the sum of its counters. */
static int
parse_count(uint64_t *out, json_t *flow, struct fp_err *err)
{
	static const char *const keys[] = { "ingress_flow_count", "egress_flow_count",
					    "unknown_direction_flow_count" };
	json_t *agg;
	uint64_t sum = 0, n;
	bool present;

	if (fp_json_object(&agg, flow, "aggregate", "flow", err) < 0)
		return FP_EINPUT;
	for (size_t i = 0; agg != NULL && i < 3; i++) {
		if (fp_json_uint(&n, &present, agg, keys[i], UINT32_MAX, "flow.aggregate", err) < 0)
			return FP_EINPUT;
		sum += n;
	}
	*out = sum > 0 ? sum : 1;
	return 0;
}

static uint16_t
drop_reason(json_t *flow)
{
	json_t *v = json_object_get(flow, "drop_reason");
	const char *desc;

	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) < FP_DROP_INGRESS)
		return (uint16_t)json_integer_value(v);
	v = json_object_get(flow, "drop_reason_desc");
	desc = json_is_string(v) ? json_string_value(v) : "";
	if (strcmp(desc, "POLICY_DENIED") == 0)
		return 133;
	if (strcmp(desc, "POLICY_DENY") == 0)
		return 181;
	return 0;
}

/* Is this record a connection (its first packet, or a policy decision)? */
static enum fp_skip
classify(json_t *flow, int ev, const struct l4 *l4, bool reply, enum fp_verdict verdict)
{
	const char *reason = json_string_value(json_object_get(flow, "trace_reason"));

	if (reply || l4->is_icmp_answer)
		return FP_SKIP_REPLY;
	if (ev == EV_POLICY_VERDICT)
		return FP_SKIP_NONE;
	if (reason != NULL && strcmp(reason, "TRACE_REASON_UNKNOWN") != 0) {
		if (strcmp(reason, "REPLY") == 0)
			return FP_SKIP_REPLY;
		if (strcmp(reason, "NEW") != 0 && strcmp(reason, "REOPENED") != 0)
			return FP_SKIP_LATER;
		return FP_SKIP_NONE;
	}
	(void)verdict;
	if (l4->proto == FP_PROTO_TCP)
		return l4->syn && !l4->ack ? FP_SKIP_NONE : FP_SKIP_LATER;
	return FP_SKIP_NONE;
}

static int
parse_flow(struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena, json_t *root,
	   json_t *flow, struct fp_err *err)
{
	json_t *ip, *evobj;
	const char *type;
	uint64_t ev = 0;
	bool ev_present, reply, is_reply, present, verdict_skip;
	struct fp_addr src, dst;
	struct l4 l4;

	if (fp_json_object(&evobj, flow, "event_type", "flow", err) < 0 ||
	    fp_json_uint(&ev, &ev_present, evobj, "type", 255, "flow.event_type", err) < 0 ||
	    fp_json_string(&type, NULL, flow, "Type", "flow", err) < 0)
		return FP_EINPUT;
	if (ev == EV_ACCESS_LOG || (type != NULL && strcmp(type, "L7") == 0) ||
	    json_object_get(flow, "l7") != NULL) {
		*skip = FP_SKIP_L7;
		return FP_READ_SKIP;
	}
	if (ev == EV_TRACE_SOCK || (type != NULL && strcmp(type, "SOCK") == 0)) {
		*skip = FP_SKIP_SOCK;
		return FP_READ_SKIP;
	}
	if (ev_present && ev != EV_DROP && ev != EV_TRACE && ev != EV_POLICY_VERDICT) {
		*skip = FP_SKIP_NONFLOW;
		return FP_READ_SKIP;
	}
	if (parse_verdict(&out->verdict, &verdict_skip, flow, err) < 0 ||
	    parse_time(&out->time, root, flow, err) < 0 || parse_l4(&l4, flow, err) < 0 ||
	    fp_json_bool(&is_reply, &present, flow, "is_reply", "flow", err) < 0)
		return FP_EINPUT;
	/* Older Cilium says "reply"; newer says both, or only is_reply. */
	if (!present && fp_json_bool(&is_reply, &present, flow, "reply", "flow", err) < 0)
		return FP_EINPUT;
	reply = is_reply;
	if (fp_json_object(&ip, flow, "IP", "flow", err) < 0 ||
	    parse_addr(&src, ip, "source", err) < 0 || parse_addr(&dst, ip, "destination", err) < 0 ||
	    parse_endpoint(&out->src, flow, "source", &src, arena, err) < 0 ||
	    parse_endpoint(&out->dst, flow, "destination", &dst, arena, err) < 0 ||
	    parse_count(&out->count, flow, err) < 0)
		return FP_EINPUT;
	if (verdict_skip) {
		*skip = FP_SKIP_VERDICT;
		return FP_READ_SKIP;
	}
	if (!l4.present) {
		*skip = FP_SKIP_NOL4;
		return FP_READ_SKIP;
	}
	*skip = classify(flow, (int)ev, &l4, reply, out->verdict);
	if (*skip != FP_SKIP_NONE)
		return FP_READ_SKIP;
	out->proto = l4.proto;
	out->port = fp_proto_has_ports(l4.proto) ? l4.port : 0;
	out->reason = out->verdict == FP_VERDICT_DROPPED ? drop_reason(flow) : 0;
	if (out->verdict == FP_VERDICT_DROPPED) {
		/* Which side's policy dropped it: triage must only open that side. */
		const char *dir = json_string_value(json_object_get(flow, "traffic_direction"));

		if (dir != NULL && strcmp(dir, "EGRESS") == 0)
			out->reason |= FP_DROP_EGRESS;
		else if (dir != NULL && strcmp(dir, "INGRESS") == 0)
			out->reason |= FP_DROP_INGRESS;
	}
	return FP_READ_FLOW;
}

int
fp_reader_hubble_parse_reference(void *state, struct fp_flow *out, enum fp_skip *skip,
				 struct fp_arena *arena, const char *line, size_t len,
				 struct fp_err *err)
{
	json_t *root, *flow;
	int r;

	(void)state;
	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	if (fp_json_load(&root, line, len, err) < 0)
		return FP_EINPUT;
	if (!json_is_object(root)) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0, "expected a JSON object, got %s",
			       fp_json_type_name(root));
		goto out;
	}
	if (fp_json_object(&flow, root, "flow", "", err) < 0) {
		r = FP_EINPUT;
		goto out;
	}
	if (flow == NULL) {
		if (json_object_get(root, "node_status") != NULL ||
		    json_object_get(root, "lost_events") != NULL ||
		    json_object_get(root, "agent_event") != NULL ||
		    json_object_get(root, "debug_event") != NULL) {
			*skip = FP_SKIP_NONFLOW;
			r = FP_READ_SKIP;
			goto out;
		}
		/* A bare flow object, as legacy JSON output writes it. */
		if (json_object_get(root, "verdict") == NULL) {
			r = fp_err_set(err, FP_EINPUT, NULL, 0, 0, "not a Hubble flow record");
			goto out;
		}
		flow = root;
	}
	r = parse_flow(out, skip, arena, root, flow, err);
out:
	json_decref(root);
	return r;
}

/*
 * The fast path decides; a line it rejects goes to the reference, which says
 * why in jansson's words (and would accept the line, should the two ever
 * disagree, which tests/fuzz-hubble-diff.c exists to rule out).  Without a
 * state (a caller that did not call state_new) the reference does it all.
 */
static int
hubble_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	     const char *line, size_t len, struct fp_err *err)
{
	if (state != NULL) {
		int r = fp_reader_hubble_parse_fast(state, out, skip, arena, line, len);

		if (r == FP_READ_FLOW || r == FP_READ_SKIP)
			return r;
	}
	return fp_reader_hubble_parse_reference(NULL, out, skip, arena, line, len, err);
}

const struct fp_reader fp_reader_hubble = {
	.name = "hubble",
	.summary = "Cilium Hubble flows (hubble observe -o jsonpb/json, Hubble exporter)",
	.fields = hubble_fields,
	.detect = hubble_detect,
	.state_new = fp_reader_hubble__fast_new,
	.state_free = fp_reader_hubble__fast_free,
	.parallel = true,
	.parse = hubble_parse,
};
