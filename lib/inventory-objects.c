/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inventory-objects.c - validating and storing each kind of Kubernetes
 * object of a snapshot: Pods, Services, EndpointSlices, Nodes, Namespaces
 * and controllers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/endpoint.h"
#include "lib/inventory-private.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"
#include "lib/util-sort.h"
#include "lib/util-str.h"
#include "lib/util-time.h"

static int
reject(struct load *l, const struct where *w, struct fp_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
reject(struct load *l, const struct where *w, struct fp_err *err, const char *fmt, ...)
{
	struct fp_err e = { 0 };
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fp_err_set(&e, FP_EINPUT, l->name, w->line, 0, "%s: %s", w->id, text);
	fp_str_sanitize(e.text, sizeof(e.text));
	l->st->rejected++;
	if (l->opts->on_reject != NULL)
		l->opts->on_reject(l->opts->userdata, &e);
	(void)err;
	return 1; /* rejected, go on */
}

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

/* A timestamp member: 0 when absent, -1 when malformed; tracks the newest. */
static int
get_time(struct load *l, int64_t *out, json_t *o, const char *k1, const char *k2)
{
	json_t *v = get(o, k1, k2);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
	    fp_time_parse_rfc3339(out, NULL, json_string_value(v), json_string_length(v)) < 0)
		return -1;
	if (*out > l->newest)
		l->newest = *out;
	return 1;
}

static void
bind_time(sqlite3_stmt *st, int idx, int64_t t)
{
	if (t != 0)
		sqlite3_bind_int64(st, idx, t);
	else
		sqlite3_bind_null(st, idx);
}

static void
bind_opt(sqlite3_stmt *st, int idx, const struct fp_buf *b)
{
	if (b->len > 0)
		sqlite3_bind_text(st, idx, b->data, (int)b->len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

static int
label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fp_label *)a)->key, ((const struct fp_label *)b)->key);
}

/* Validated, sorted "k=v,k=v" of a labels object into @out; false if invalid. */
static bool
labels_text(struct fp_buf *out, json_t *labels, char *bad, size_t bad_size)
{
	struct fp_label *v;
	const char *k;
	json_t *val;
	size_t n = 0;
	bool ok = true;

	fp_buf_reset(out);
	if (labels == NULL)
		return true;
	if (!json_is_object(labels)) {
		snprintf(bad, bad_size, "labels: expected an object");
		return false;
	}
	v = calloc(json_object_size(labels) + 1, sizeof(*v));
	if (v == NULL)
		return false;
	json_object_foreach(labels, k, val) {
		if (!json_is_string(val) || !fp_k8s_is_label_key(k, strlen(k)) ||
		    !fp_k8s_is_label_value(json_string_value(val), json_string_length(val))) {
			snprintf(bad, bad_size, "invalid label \"%.80s\"", k);
			ok = false;
			break;
		}
		v[n].key = k;
		v[n].value = json_string_value(val);
		n++;
	}
	if (ok) {
		fp_qsort(v, n, sizeof(*v), label_cmp);
		fp_endpoint_labels_text(out, v, n);
	}
	free(v);
	return ok;
}

/* Append a validated address to a "a,b" list; false if not an address. */
static bool
add_ip(struct fp_buf *out, const char *ip)
{
	struct fp_addr a;
	char buf[FP_ADDR_BUFSZ];

	if (ip == NULL || ip[0] == '\0')
		return true;
	if (fp_addr_parse(&a, ip, strlen(ip)) < 0)
		return false;
	fp_addr_format(buf, &a);
	/* podIP repeats podIPs[0]: keep each address once */
	for (const char *p = fp_buf_str(out); *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == strlen(buf) && strncmp(p, buf, n) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	fp_buf_printf(out, "%s%s", out->len > 0 ? "," : "", buf);
	return true;
}

/* IANA_SVC_NAME: 1-15 of [a-z0-9-], a letter somewhere, no "--", no edge '-'. */
static bool
is_port_name(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-' || strstr(s, "--") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
		else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return false;
	}
	return letter;
}

/* "TCP", "UDP", "SCTP"; absent means TCP.  NULL when invalid. */
static const char *
protocol(json_t *port)
{
	const char *p = get_str(port, "protocol", NULL);

	if (p == NULL)
		return "TCP";
	if (strcmp(p, "TCP") == 0 || strcmp(p, "UDP") == 0 || strcmp(p, "SCTP") == 0)
		return p;
	return NULL;
}

static bool
port_number(json_t *v, long *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535)
		return false;
	*out = (long)json_integer_value(v);
	return true;
}

/* "name/proto/port" of a container port; false when invalid. */
static bool
container_port(struct fp_buf *out, json_t *p)
{
	const char *name = get_str(p, "name", NULL), *proto = protocol(p);
	long num;

	if (proto == NULL || !port_number(get(p, "containerPort", NULL), &num) ||
	    (name != NULL && !is_port_name(name)))
		return false;
	fp_buf_printf(out, "%s%s/%s/%ld", out->len > 0 ? "," : "", name != NULL ? name : "", proto,
		      num);
	return true;
}

/* The controlling owner reference: kind and name, or NULLs. */
static void
owner(json_t *obj, const char **kind, const char **name)
{
	json_t *refs = get(obj, "metadata", "ownerReferences"), *r;
	size_t i;

	*kind = *name = NULL;
	json_array_foreach(refs, i, r) {
		if (json_is_true(get(r, "controller", NULL))) {
			*kind = get_str(r, "kind", NULL);
			*name = get_str(r, "name", NULL);
			return;
		}
	}
}

static bool
valid_kind(const char *k)
{
	size_t n = k != NULL ? strlen(k) : 0;

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z')))
			return false;
	return true;
}

/* Common metadata: name, namespace (when namespaced), uid. */
static bool
metadata(struct load *l, json_t *obj, struct where *w, bool namespaced, const char **ns,
	 const char **name, char uid[128], struct fp_err *err)
{
	const char *u = get_str(obj, "metadata", "uid");

	*name = get_str(obj, "metadata", "name");
	*ns = namespaced ? get_str(obj, "metadata", "namespace") : NULL;
	snprintf(w->id + strlen(w->id), sizeof(w->id) - strlen(w->id), " (%s %s%s%.64s)", w->kind,
		 *ns != NULL ? *ns : "", *ns != NULL ? "/" : "", *name != NULL ? *name : "?");
	if (*name == NULL || !fp_k8s_is_dns_subdomain(*name, strlen(*name))) {
		reject(l, w, err, "invalid or missing metadata.name");
		return false;
	}
	if (namespaced && (*ns == NULL || !fp_k8s_is_dns_label(*ns, strlen(*ns)))) {
		reject(l, w, err, "invalid or missing metadata.namespace");
		return false;
	}
	/* The uid tells two pods of one name apart; objects without one (hand
	 * written) are keyed by kind and name instead. */
	if (u != NULL && strlen(u) < 100 && strspn(u, "0123456789abcdef-") == strlen(u))
		snprintf(uid, 128, "%s", u);
	else
		snprintf(uid, 128, "%s/%s/%s", w->kind, *ns != NULL ? *ns : "", *name);
	return true;
}

static int
step(struct load *l, sqlite3_stmt *st, struct fp_err *err)
{
	int r = fp_db_step(l->db, st, err);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r < 0 ? FP_EDB : 0;
}

static int
load_pod(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	const char *ns, *name, *okind, *oname, *node, *phase;
	char uid[128], bad[128] = "";
	json_t *v, *c, *p;
	int64_t started, created, deleted, finished = 0, t;
	size_t i, j;

	if (!metadata(l, obj, w, true, &ns, &name, uid, err))
		return 0;
	if (!labels_text(&l->a, get(obj, "metadata", "labels"), bad, sizeof(bad)))
		return reject(l, w, err, "%s", bad[0] ? bad : "out of memory"), 0;
	fp_buf_reset(&l->b);
	if (!add_ip(&l->b, get_str(obj, "status", "podIP")))
		return reject(l, w, err, "invalid status.podIP"), 0;
	json_array_foreach(get(obj, "status", "podIPs"), i, v)
		if (!add_ip(&l->b, get_str(v, "ip", NULL)))
			return reject(l, w, err, "invalid status.podIPs[%zu]", i), 0;
	fp_buf_reset(&l->c);
	json_array_foreach(get(obj, "spec", "containers"), i, c)
		json_array_foreach(get(c, "ports", NULL), j, p)
			if (!container_port(&l->c, p))
				return reject(l, w, err, "invalid port in spec.containers[%zu]", i), 0;
	owner(obj, &okind, &oname);
	if (okind != NULL && (!valid_kind(okind) || oname == NULL ||
			      !fp_k8s_is_dns_subdomain(oname, strlen(oname))))
		return reject(l, w, err, "invalid controller owner reference"), 0;
	node = get_str(obj, "spec", "nodeName");
	if (node != NULL && !fp_k8s_is_dns_subdomain(node, strlen(node)))
		return reject(l, w, err, "invalid spec.nodeName"), 0;
	phase = get_str(obj, "status", "phase");
	if (phase != NULL && strcmp(phase, "Pending") != 0 && strcmp(phase, "Running") != 0 &&
	    strcmp(phase, "Succeeded") != 0 && strcmp(phase, "Failed") != 0 &&
	    strcmp(phase, "Unknown") != 0)
		return reject(l, w, err, "invalid status.phase"), 0;
	if (get_time(l, &started, obj, "status", "startTime") < 0 ||
	    get_time(l, &created, obj, "metadata", "creationTimestamp") < 0 ||
	    get_time(l, &deleted, obj, "metadata", "deletionTimestamp") < 0)
		return reject(l, w, err, "invalid timestamp"), 0;
	/* A finished pod gave its address back when its last container stopped. */
	json_array_foreach(get(obj, "status", "containerStatuses"), i, c) {
		json_t *term = get(get(c, "state", NULL), "terminated", NULL);

		if (term != NULL && get_time(l, &t, term, "finishedAt", NULL) > 0 && t > finished)
			finished = t;
		get_time(l, &t, get(c, "state", NULL), "running", NULL);
	}
	sqlite3_bind_int64(l->pod, 1, l->source);
	sqlite3_bind_text(l->pod, 2, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(l->pod, 3, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->pod, 4, name, -1, SQLITE_STATIC);
	bind_opt(l->pod, 5, &l->a);
	sqlite3_bind_text(l->pod, 6, okind, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->pod, 7, oname, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->pod, 8, node, -1, SQLITE_STATIC);
	sqlite3_bind_int(l->pod, 9, json_is_true(get(obj, "spec", "hostNetwork")));
	bind_opt(l->pod, 10, &l->b);
	bind_opt(l->pod, 11, &l->c);
	sqlite3_bind_text(l->pod, 12, phase, -1, SQLITE_STATIC);
	bind_time(l->pod, 13, started != 0 ? started : created);
	bind_time(l->pod, 14, deleted);
	/* Without a finish time a terminated pod ended by the snapshot's time
	 * at the latest: the resolver uses the phase for that. */
	bind_time(l->pod, 15, finished);
	l->st->pods++;
	return step(l, l->pod, err);
}

static int
load_service(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	const char *ns, *name, *ip;
	char uid[128], bad[128] = "";
	json_t *v, *p;
	int64_t created, deleted;
	size_t i;

	if (!metadata(l, obj, w, true, &ns, &name, uid, err))
		return 0;
	if (!labels_text(&l->a, get(obj, "spec", "selector"), bad, sizeof(bad)))
		return reject(l, w, err, "spec.selector: %s", bad), 0;
	fp_buf_reset(&l->b);
	ip = get_str(obj, "spec", "clusterIP");
	if (ip != NULL && strcmp(ip, "None") != 0 && !add_ip(&l->b, ip))
		return reject(l, w, err, "invalid spec.clusterIP"), 0;
	json_array_foreach(get(obj, "spec", "clusterIPs"), i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "None") != 0 &&
		    !add_ip(&l->b, json_string_value(v)))
			return reject(l, w, err, "invalid spec.clusterIPs[%zu]", i), 0;
	fp_buf_reset(&l->c);
	json_array_foreach(get(obj, "spec", "ports"), i, p) {
		const char *pname = get_str(p, "name", NULL), *proto = protocol(p);
		json_t *target = get(p, "targetPort", NULL);
		long num, tnum;

		/* Service port names are DNS labels; only targetPort names must be
		 * container port (IANA service) names. */
		if (proto == NULL || !port_number(get(p, "port", NULL), &num) ||
		    (pname != NULL && !fp_k8s_is_dns_label(pname, strlen(pname))))
			return reject(l, w, err, "invalid spec.ports[%zu]", i), 0;
		fp_buf_printf(&l->c, "%s%s/%s/%ld/", l->c.len > 0 ? "," : "", pname ? pname : "", proto,
			      num);
		/* targetPort defaults to port; a name refers to a container port */
		if (target == NULL)
			fp_buf_printf(&l->c, "%ld", num);
		else if (port_number(target, &tnum))
			fp_buf_printf(&l->c, "%ld", tnum);
		else if (json_is_string(target) && is_port_name(json_string_value(target)))
			fp_buf_adds(&l->c, json_string_value(target));
		else
			return reject(l, w, err, "invalid spec.ports[%zu].targetPort", i), 0;
	}
	if (get_time(l, &created, obj, "metadata", "creationTimestamp") < 0 ||
	    get_time(l, &deleted, obj, "metadata", "deletionTimestamp") < 0)
		return reject(l, w, err, "invalid timestamp"), 0;
	sqlite3_bind_int64(l->svc, 1, l->source);
	sqlite3_bind_text(l->svc, 2, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(l->svc, 3, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->svc, 4, name, -1, SQLITE_STATIC);
	bind_opt(l->svc, 5, &l->b);
	if (get(obj, "spec", "selector") != NULL)
		sqlite3_bind_text(l->svc, 6, fp_buf_str(&l->a), (int)l->a.len, SQLITE_TRANSIENT);
	bind_opt(l->svc, 7, &l->c);
	bind_time(l->svc, 8, created);
	bind_time(l->svc, 9, deleted);
	l->st->services++;
	return step(l, l->svc, err);
}

static int
load_slice(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	const char *ns, *name, *svc = NULL;
	char uid[128];
	json_t *ep, *a, *p;
	size_t i, j;

	if (!metadata(l, obj, w, true, &ns, &name, uid, err))
		return 0;
	svc = get_str(get(obj, "metadata", "labels"), "kubernetes.io/service-name", NULL);
	if (svc == NULL || !fp_k8s_is_dns_label(svc, strlen(svc)))
		return 0; /* not a Service's slice: nothing to resolve through it */
	fp_buf_reset(&l->a);
	json_array_foreach(get(obj, "endpoints", NULL), i, ep) {
		const char *pod = NULL;
		json_t *ref = get(ep, "targetRef", NULL);

		if (ref != NULL && strcmp(get_str(ref, "kind", NULL) ? get_str(ref, "kind", NULL) : "",
					  "Pod") == 0)
			pod = get_str(ref, "name", NULL);
		if (pod != NULL && !fp_k8s_is_dns_subdomain(pod, strlen(pod)))
			return reject(l, w, err, "invalid endpoints[%zu].targetRef.name", i), 0;
		json_array_foreach(get(ep, "addresses", NULL), j, a) {
			struct fp_addr addr;

			if (!json_is_string(a) ||
			    fp_addr_parse(&addr, json_string_value(a), json_string_length(a)) < 0)
				return reject(l, w, err, "invalid endpoints[%zu].addresses[%zu]", i, j), 0;
			fp_buf_printf(&l->a, "%s%s=%s", l->a.len > 0 ? "," : "", json_string_value(a),
				      pod != NULL ? pod : "");
		}
	}
	fp_buf_reset(&l->b);
	json_array_foreach(get(obj, "ports", NULL), i, p) {
		const char *pname = get_str(p, "name", NULL), *proto = protocol(p);
		long num;

		if (proto == NULL || !port_number(get(p, "port", NULL), &num) ||
		    (pname != NULL && pname[0] != '\0' && !fp_k8s_is_dns_label(pname, strlen(pname))))
			return reject(l, w, err, "invalid ports[%zu]", i), 0;
		fp_buf_printf(&l->b, "%s%s/%s/%ld", l->b.len > 0 ? "," : "", pname ? pname : "", proto,
			      num);
	}
	sqlite3_bind_int64(l->slice, 1, l->source);
	sqlite3_bind_text(l->slice, 2, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(l->slice, 3, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->slice, 4, svc, -1, SQLITE_STATIC);
	bind_opt(l->slice, 5, &l->a);
	bind_opt(l->slice, 6, &l->b);
	l->st->slices++;
	return step(l, l->slice, err);
}

static int
load_node(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	const char *ns, *name;
	char uid[128];
	json_t *a, *c;
	int64_t created, deleted;
	size_t i;

	if (!metadata(l, obj, w, false, &ns, &name, uid, err))
		return 0;
	fp_buf_reset(&l->a);
	json_array_foreach(get(obj, "status", "addresses"), i, a) {
		const char *type = get_str(a, "type", NULL);

		if (type == NULL || (strcmp(type, "InternalIP") != 0 && strcmp(type, "ExternalIP") != 0))
			continue;
		if (!add_ip(&l->a, get_str(a, "address", NULL)))
			return reject(l, w, err, "invalid status.addresses[%zu]", i), 0;
	}
	fp_buf_reset(&l->b);
	if (get_str(obj, "spec", "podCIDR") != NULL) {
		struct fp_cidr cidr;
		char buf[FP_ADDR_BUFSZ];

		if (fp_cidr_parse(&cidr, get_str(obj, "spec", "podCIDR"), false) < 0)
			return reject(l, w, err, "invalid spec.podCIDR"), 0;
		fp_buf_adds(&l->b, fp_cidr_format(buf, &cidr));
	}
	json_array_foreach(get(obj, "spec", "podCIDRs"), i, c) {
		struct fp_cidr cidr;
		char buf[FP_ADDR_BUFSZ];

		if (!json_is_string(c) || fp_cidr_parse(&cidr, json_string_value(c), false) < 0)
			return reject(l, w, err, "invalid spec.podCIDRs[%zu]", i), 0;
		fp_cidr_format(buf, &cidr);
		if (strstr(fp_buf_str(&l->b), buf) == NULL)
			fp_buf_printf(&l->b, "%s%s", l->b.len > 0 ? "," : "", buf);
	}
	if (get_time(l, &created, obj, "metadata", "creationTimestamp") < 0 ||
	    get_time(l, &deleted, obj, "metadata", "deletionTimestamp") < 0)
		return reject(l, w, err, "invalid timestamp"), 0;
	sqlite3_bind_int64(l->node, 1, l->source);
	sqlite3_bind_text(l->node, 2, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(l->node, 3, name, -1, SQLITE_STATIC);
	bind_opt(l->node, 4, &l->a);
	bind_opt(l->node, 5, &l->b);
	bind_time(l->node, 6, created);
	bind_time(l->node, 7, deleted);
	l->st->nodes++;
	return step(l, l->node, err);
}

static int
load_namespace(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	const char *ns, *name;
	char uid[128], bad[128] = "";

	if (!metadata(l, obj, w, false, &ns, &name, uid, err))
		return 0;
	if (!fp_k8s_is_dns_label(name, strlen(name)))
		return reject(l, w, err, "invalid namespace name"), 0;
	if (!labels_text(&l->a, get(obj, "metadata", "labels"), bad, sizeof(bad)))
		return reject(l, w, err, "%s", bad), 0;
	sqlite3_bind_int64(l->ns, 1, l->source);
	sqlite3_bind_text(l->ns, 2, name, -1, SQLITE_STATIC);
	bind_opt(l->ns, 3, &l->a);
	l->st->namespaces++;
	return step(l, l->ns, err);
}

/* Check a label selector's keys, operators and values; false if invalid. */
static bool
valid_selector(json_t *sel)
{
	const char *k;
	json_t *v, *e;
	size_t i, j;

	json_object_foreach(get(sel, "matchLabels", NULL), k, v)
		if (!json_is_string(v) || !fp_k8s_is_label_key(k, strlen(k)) ||
		    !fp_k8s_is_label_value(json_string_value(v), json_string_length(v)))
			return false;
	json_array_foreach(get(sel, "matchExpressions", NULL), i, e) {
		const char *key = get_str(e, "key", NULL), *op = get_str(e, "operator", NULL);
		json_t *vals = get(e, "values", NULL);

		if (key == NULL || op == NULL || !fp_k8s_is_label_key(key, strlen(key)))
			return false;
		if (strcmp(op, "In") != 0 && strcmp(op, "NotIn") != 0 && strcmp(op, "Exists") != 0 &&
		    strcmp(op, "DoesNotExist") != 0)
			return false;
		json_array_foreach(vals, j, v)
			if (!json_is_string(v) ||
			    !fp_k8s_is_label_value(json_string_value(v), json_string_length(v)))
				return false;
	}
	return true;
}

static int
load_controller(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	const char *ns, *name, *okind, *oname;
	char uid[128], *sel = NULL;
	json_t *selector = get(obj, "spec", "selector");
	int r;

	if (strcmp(w->kind, "CronJob") == 0)
		selector = get(get(get(obj, "spec", "jobTemplate"), "spec", NULL), "selector", NULL);
	if (!metadata(l, obj, w, true, &ns, &name, uid, err))
		return 0;
	if (selector != NULL && !valid_selector(selector))
		return reject(l, w, err, "invalid spec.selector"), 0;
	owner(obj, &okind, &oname);
	if (okind != NULL && (!valid_kind(okind) || oname == NULL ||
			      !fp_k8s_is_dns_subdomain(oname, strlen(oname))))
		return reject(l, w, err, "invalid controller owner reference"), 0;
	if (selector != NULL)
		sel = json_dumps(selector, JSON_SORT_KEYS | JSON_COMPACT);
	sqlite3_bind_int64(l->ctl, 1, l->source);
	sqlite3_bind_text(l->ctl, 2, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(l->ctl, 3, w->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->ctl, 4, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->ctl, 5, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->ctl, 6, sel, -1, free);
	sqlite3_bind_text(l->ctl, 7, okind, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->ctl, 8, oname, -1, SQLITE_STATIC);
	r = step(l, l->ctl, err);
	l->st->controllers++;
	return r;
}

int
fp_inventory__load_object(struct load *l, json_t *obj, struct where *w, struct fp_err *err)
{
	static const char *const controllers[] = { "Deployment", "ReplicaSet", "StatefulSet",
						   "DaemonSet",  "Job",        "CronJob" };
	const char *kind = get_str(obj, "kind", NULL);

	if (!json_is_object(obj) || kind == NULL)
		return reject(l, w, err, "not a Kubernetes object (no kind)"), 0;
	w->kind = kind;
	l->st->objects++;
	if (strcmp(kind, "Pod") == 0)
		return load_pod(l, obj, w, err);
	if (strcmp(kind, "Service") == 0)
		return load_service(l, obj, w, err);
	if (strcmp(kind, "EndpointSlice") == 0)
		return load_slice(l, obj, w, err);
	if (strcmp(kind, "Node") == 0)
		return load_node(l, obj, w, err);
	if (strcmp(kind, "Namespace") == 0)
		return load_namespace(l, obj, w, err);
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (strcmp(kind, controllers[i]) == 0)
			return load_controller(l, obj, w, err);
	l->st->skipped++;
	return 0;
}

