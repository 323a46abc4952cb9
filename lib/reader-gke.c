/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/reader-common.h"
#include "lib/reader-gke.h"
#include "lib/util-json.h"
#include "lib/util-str.h"

static const char *const gke_fields[] = {
	"timestamp",
	"connection.{src_ip,dest_ip,src_port,dest_port,protocol,direction}",
	"disposition",
	"{src,dest}.{pod_name,pod_namespace,namespace,workload_name,workload_kind,node_name,instance}",
	"count",
	NULL,
};

static int
gke_detect(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != '{')
		return 0;
	if (fp_contains(line, len, "\"connection\"") &&
	    fp_contains(line, len, "\"disposition\""))
		return 90;
	return 0;
}

/* A string member of @obj that is not empty, or NULL. */
static int
text(const char **out, size_t *len, json_t *obj, const char *key, const char *path,
     struct fp_err *err)
{
	if (fp_json_string(out, len, obj, key, path, err) < 0)
		return FP_EINPUT;
	if (*out != NULL && *len == 0)
		*out = NULL;
	return 0;
}

static int
parse_endpoint(struct fp_endpoint *ep, struct fp_arena *arena, json_t *rec,
	       const char *side, const struct fp_addr *addr, struct fp_err *err)
{
	const char *pod, *pns, *ns, *wl, *wkind, *node, *inst;
	size_t plen, pnslen, nslen, wlen, wklen, nlen, ilen;
	char f[5][48];
	json_t *obj;
	int r = 0;

	memset(ep, 0, sizeof(*ep));
	ep->addr = *addr;
	if (fp_json_object(&obj, rec, side, "", err) < 0)
		return FP_EINPUT;
	if (obj == NULL)
		return 0;
	snprintf(f[0], sizeof(f[0]), "%s.pod_name", side);
	snprintf(f[1], sizeof(f[1]), "%s.pod_namespace", side);
	snprintf(f[2], sizeof(f[2]), "%s.namespace", side);
	snprintf(f[3], sizeof(f[3]), "%s.workload_name", side);
	snprintf(f[4], sizeof(f[4]), "%s.workload_kind", side);
	if (text(&pod, &plen, obj, "pod_name", side, err) < 0 ||
	    text(&pns, &pnslen, obj, "pod_namespace", side, err) < 0 ||
	    text(&ns, &nslen, obj, "namespace", side, err) < 0 ||
	    text(&wl, &wlen, obj, "workload_name", side, err) < 0 ||
	    text(&wkind, &wklen, obj, "workload_kind", side, err) < 0 ||
	    text(&node, &nlen, obj, "node_name", side, err) < 0 ||
	    text(&inst, &ilen, obj, "instance", side, err) < 0)
		return FP_EINPUT;
	if (pns != NULL && ns != NULL && (pnslen != nslen || memcmp(pns, ns, nslen) != 0))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": \"%.64s\" disagrees with \"%s\"", f[1], pns,
				  f[2]);
	if (pns == NULL) {
		pns = ns;
		pnslen = nslen;
	}
	if (pod != NULL || pns != NULL) {
		ep->kind = FP_EP_POD;
		if (pns == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": a pod without a namespace", f[0]);
		r = fp_reader__set_ns(ep, arena, f[1], pns, pnslen, err);
		if (r == 0 && pod != NULL)
			r = fp_reader__set_pod(ep, arena, f[0], pod, plen, err);
		/* A ReplicaSet is a Deployment's replica of the hour: let the
		 * pod name tell the Deployment, as for every other format. */
		if (r == 0 && wl != NULL &&
		    !(wkind != NULL && fp_equals(wkind, wklen, "ReplicaSet")))
			r = fp_reader__set_workload(ep, arena, f[3], wl, wlen, err);
		if (r == 0 && ep->workload != NULL && wkind != NULL)
			r = fp_reader__set_workload_kind(ep, arena, f[4], wkind, wklen,
							 err);
		return r;
	}
	if (node != NULL || (wkind != NULL && fp_equals(wkind, wklen, "Node"))) {
		/* Which node logged the record is not said: "another node" is the
		 * honest kind, and policies treat every node alike. */
		ep->kind = FP_EP_REMOTE_NODE;
		return 0;
	}
	if (inst != NULL) {
		struct fp_addr a;
		char field[48];

		snprintf(field, sizeof(field), "%s.instance", side);
		if (fp_reader__addr(&a, field, inst, ilen, err) < 0)
			return FP_EINPUT;
		if (addr->family != 0 && fp_addr_cmp(&a, addr) != 0)
			return fp_err_set(
				err, FP_EINPUT, NULL, 0, 0,
				"\"%s\": \"%.64s\" is not the connection's address",
				field, inst);
		ep->addr = a;
	}
	return 0;
}

static int
conn_addr(struct fp_addr *out, json_t *conn, const char *key, struct fp_err *err)
{
	const char *s;
	size_t len;
	char field[48];

	memset(out, 0, sizeof(*out));
	snprintf(field, sizeof(field), "connection.%s", key);
	if (fp_json_string(&s, &len, conn, key, "connection", err) < 0)
		return FP_EINPUT;
	if (s == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": missing", field);
	return fp_reader__addr(out, field, s, len, err);
}

static int
parse_record(struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena, json_t *rec,
	     json_t *entry, struct fp_err *err)
{
	const char *disp, *proto, *dir;
	size_t dlen, plen, dirlen;
	struct fp_addr src, dst;
	json_t *conn, *t;
	uint64_t n;
	bool present;
	int r;

	(void)skip;
	if (fp_json_object(&conn, rec, "connection", "", err) < 0)
		return FP_EINPUT;
	if (conn == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"connection\": missing");
	t = json_object_get(rec, "timestamp");
	if (t == NULL || json_is_null(t))
		t = json_object_get(entry, "timestamp");
	if (t == NULL || json_is_null(t))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"timestamp\": missing");
	if (fp_reader__time_json(&out->time, "timestamp", t, err) < 0 ||
	    conn_addr(&src, conn, "src_ip", err) < 0 ||
	    conn_addr(&dst, conn, "dest_ip", err) < 0 ||
	    fp_json_string(&proto, &plen, conn, "protocol", "connection", err) < 0 ||
	    fp_json_string(&dir, &dirlen, conn, "direction", "connection", err) < 0 ||
	    fp_json_string(&disp, &dlen, rec, "disposition", "", err) < 0)
		return FP_EINPUT;
	if (proto == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"connection.protocol\": missing");
	if (fp_reader__proto(&out->proto, "connection.protocol", proto, plen, err) < 0)
		return FP_EINPUT;
	if (dir != NULL && !fp_equals(dir, dirlen, "ingress") &&
	    !fp_equals(dir, dirlen, "egress"))
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"\"connection.direction\": expected \"ingress\" or \"egress\", "
			"got \"%.64s\"",
			dir);
	if (disp != NULL && fp_equals(disp, dlen, "allow"))
		out->verdict = FP_VERDICT_FORWARDED;
	else if (disp != NULL && fp_equals(disp, dlen, "deny"))
		out->verdict = FP_VERDICT_DROPPED;
	else
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"\"disposition\": expected \"allow\" or \"deny\", got \"%.64s\"",
			disp != NULL ? disp : "");
	if (fp_json_uint(&n, &present, conn, "dest_port", 65535, "connection", err) < 0)
		return FP_EINPUT;
	if (fp_proto_has_ports(out->proto) && !present)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"connection.dest_port\": missing");
	out->port = fp_proto_has_ports(out->proto) ? (uint16_t)n : 0;
	if (fp_json_uint(&n, &present, conn, "src_port", 65535, "connection", err) < 0 ||
	    fp_json_uint(&n, &present, rec, "count", FP_READER_MAX_COUNT, "", err) < 0)
		return FP_EINPUT;
	out->count = 1;
	if (present && fp_reader__count(&out->count, "count", n, err) < 0)
		return FP_EINPUT;
	r = parse_endpoint(&out->src, arena, rec, "src", &src, err);
	if (r == 0)
		r = parse_endpoint(&out->dst, arena, rec, "dest", &dst, err);
	return r < 0 ? r : FP_READ_FLOW;
}

static int
gke_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	  const char *line, size_t len, struct fp_err *err)
{
	json_t *root, *rec;
	int r;

	(void)state;
	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	if (fp_reader__json_load(&root, NULL, line, len, err) < 0)
		return FP_EINPUT;
	if (!json_is_object(root)) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "expected a JSON object, got %s", fp_json_type_name(root));
		goto out;
	}
	/* A Cloud Logging LogEntry carries the record in jsonPayload. */
	rec = json_object_get(root, "jsonPayload");
	if (rec != NULL && !json_is_object(rec)) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "\"jsonPayload\": expected object, got %s",
			       fp_json_type_name(rec));
		goto out;
	}
	r = parse_record(out, skip, arena, rec != NULL ? rec : root, root, err);
out:
	json_decref(root);
	return r;
}

const struct fp_reader fp_reader_gke = {
	.name = "gke",
	.summary =
		"GKE Dataplane V2 network policy logs (policy_action.log, Cloud Logging)",
	.fields = gke_fields,
	.detect = gke_detect,
	/* no state: each line stands alone */
	.parallel = true,
	.parse = gke_parse,
};
