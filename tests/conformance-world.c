/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conformance-world.c - pods, workloads and namespaces of a conformance
 * case, and the connection list computed from them.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/flow.h"
#include "lib/yamltree.h"
#include "tests/conformance.h"

void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	fp_arena_init(&w->arena);
}

void
world_done(struct world *w)
{
	fp_arena_done(&w->arena);
	free(w->pods);
	free(w->nss);
	free(w->svcs);
	free(w->backends);
}

const char *
world_text(struct world *w, const struct fp_yaml_node *n)
{
	if (n == NULL || n->type != FP_YAML_SCALAR || fp_yaml_is_null(n))
		return NULL;
	return fp_arena_strndup(&w->arena, n->value, n->len);
}

size_t
world_labels(struct world *w, struct fp_label **out, const struct fp_yaml_node *map)
{
	size_t n = 0;

	*out = NULL;
	if (map == NULL || map->type != FP_YAML_MAPPING || map->n_pairs == 0)
		return 0;
	*out = fp_arena_alloc(&w->arena, map->n_pairs * sizeof(**out));
	for (size_t i = 0; i < map->n_pairs; i++) {
		const char *v = world_text(w, map->pairs[i].value);

		(*out)[n].key = world_text(w, map->pairs[i].key);
		(*out)[n++].value = v != NULL ? v : "";
	}
	return n;
}

/* The named container ports of a pod spec. */
static void
add_tcp_port(struct world *w, struct cpod *pod, uint16_t port)
{
	uint16_t *v = fp_arena_alloc(&w->arena, (pod->n_tcp_ports + 1) * sizeof(*v));

	if (pod->n_tcp_ports > 0)
		memcpy(v, pod->tcp_ports, pod->n_tcp_ports * sizeof(*v));
	v[pod->n_tcp_ports++] = port;
	pod->tcp_ports = v;
}

static size_t
ports_of(struct world *w, struct cpod *pod, struct fp_netpol_port **out,
	 const struct fp_yaml_node *spec)
{
	const struct fp_yaml_node *cs = fp_yaml_get(spec, "containers");
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t c = 0; cs != NULL && cs->type == FP_YAML_SEQUENCE && c < cs->n_items;
	     c++) {
		const struct fp_yaml_node *ps = fp_yaml_get(cs->items[c], "ports");

		for (size_t p = 0;
		     ps != NULL && ps->type == FP_YAML_SEQUENCE && p < ps->n_items; p++) {
			const struct fp_yaml_node *cp = ps->items[p];
			const char *name = world_text(w, fp_yaml_get(cp, "name"));
			const char *proto = world_text(w, fp_yaml_get(cp, "protocol"));
			int64_t num;

			if (fp_yaml_int(&num, fp_yaml_get(cp, "containerPort")) < 0 ||
			    num < 1 || num > 65535)
				continue;
			if (proto == NULL || strcmp(proto, "TCP") == 0)
				add_tcp_port(w, pod, (uint16_t)num);
			if (name == NULL)
				continue;
			if (n == cap) {
				struct fp_netpol_port *np;

				cap = cap == 0 ? 8 : cap * 2;
				np = fp_arena_alloc(&w->arena, cap * sizeof(*np));
				if (n > 0)
					memcpy(np, *out, n * sizeof(*np));
				*out = np;
			}
			(*out)[n].name = name;
			(*out)[n].port = (uint16_t)num;
			(*out)[n].proto = proto == NULL ? FP_PROTO_TCP
							: (uint8_t)fp_proto_from_name(
								  proto, strlen(proto));
			n++;
		}
	}
	return n;
}

static void
add_pod(struct world *w, const char *ns, const char *name, const char *owner,
	const char *kind, const struct fp_yaml_node *meta,
	const struct fp_yaml_node *spec)
{
	struct cpod *p;
	char buf[1024];

	if (w->n_pods == w->cap_pods) {
		w->cap_pods = w->cap_pods == 0 ? 32 : w->cap_pods * 2;
		w->pods = xrealloc(w->pods, w->cap_pods * sizeof(*w->pods));
	}
	p = &w->pods[w->n_pods++];
	p->ns = ns != NULL ? ns : "default";
	p->name = name != NULL ? name : "";
	snprintf(buf, sizeof(buf), "%s/%s[%s]", p->ns, owner != NULL ? owner : p->name,
		 kind);
	p->workload = fp_arena_strndup(&w->arena, buf, strlen(buf));
	p->n_labels = world_labels(w, &p->labels, fp_yaml_get(meta, "labels"));
	p->tcp_ports = NULL;
	p->n_tcp_ports = 0;
	p->n_ports = ports_of(w, p, &p->ports, spec);
}

static void
add_object(struct world *w, const struct fp_yaml_node *obj, const char *list_kind)
{
	static const char *const workloads[] = {
		"Deployment",  "ReplicaSet", "ReplicationController",
		"StatefulSet", "DaemonSet",  "Job",
	};
	const struct fp_yaml_node *meta = fp_yaml_get(obj, "metadata");
	const struct fp_yaml_node *spec = fp_yaml_get(obj, "spec");
	const char *kind = world_text(w, fp_yaml_get(obj, "kind"));
	const char *name = world_text(w, fp_yaml_get(meta, "name"));
	const char *ns = world_text(w, fp_yaml_get(meta, "namespace"));
	const struct fp_yaml_node *tmpl;

	if (obj->type != FP_YAML_MAPPING)
		return;
	if (kind == NULL)
		kind = list_kind;
	if (kind == NULL)
		return;
	if (list_kind == NULL && strlen(kind) >= 4 &&
	    strcmp(kind + strlen(kind) - 4, "List") == 0) {
		const struct fp_yaml_node *items = fp_yaml_get(obj, "items");
		char *item_kind = fp_arena_strndup(&w->arena, kind, strlen(kind) - 4);

		for (size_t i = 0; items != NULL && items->type == FP_YAML_SEQUENCE &&
				   i < items->n_items;
		     i++)
			add_object(w, items->items[i],
				   strcmp(kind, "List") == 0 ? "" : item_kind);
		return;
	}
	if (world_add_ingress_object(w, obj, kind, ns != NULL ? ns : "default"))
		return;
	if (strcmp(kind, "Namespace") == 0 && name != NULL) {
		if (w->n_nss == w->cap_nss) {
			w->cap_nss = w->cap_nss == 0 ? 16 : w->cap_nss * 2;
			w->nss = xrealloc(w->nss, w->cap_nss * sizeof(*w->nss));
		}
		w->nss[w->n_nss].name = name;
		w->nss[w->n_nss].n_labels = world_labels(w, &w->nss[w->n_nss].labels,
							 fp_yaml_get(meta, "labels"));
		w->n_nss++;
		return;
	}
	if (strcmp(kind, "Pod") == 0) {
		/* A pod is shown as its controller, as netpol-analyzer shows it. */
		const struct fp_yaml_node *refs = fp_yaml_get(meta, "ownerReferences");
		const char *owner = NULL, *owner_kind = "Pod";

		for (size_t i = 0;
		     refs != NULL && refs->type == FP_YAML_SEQUENCE && i < refs->n_items;
		     i++) {
			const struct fp_yaml_node *ref = refs->items[i];
			const struct fp_yaml_node *ctl = fp_yaml_get(ref, "controller");

			if (fp_yaml_kind(ctl) != FP_YAML_KIND_BOOL ||
			    strcmp(ctl->value, "true") != 0)
				continue;
			owner = world_text(w, fp_yaml_get(ref, "name"));
			if (world_text(w, fp_yaml_get(ref, "kind")) != NULL)
				owner_kind = world_text(w, fp_yaml_get(ref, "kind"));
			break;
		}
		add_pod(w, ns, name, owner, owner_kind, meta, spec);
		return;
	}
	tmpl = fp_yaml_get(spec, "template");
	if (strcmp(kind, "CronJob") == 0)
		tmpl = fp_yaml_get(fp_yaml_get(fp_yaml_get(spec, "jobTemplate"), "spec"),
				   "template");
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (strcmp(kind, workloads[i]) == 0 || strcmp(kind, "CronJob") == 0) {
			add_pod(w, ns, name, name, kind, fp_yaml_get(tmpl, "metadata"),
				fp_yaml_get(tmpl, "spec"));
			return;
		}
}

static bool
wanted(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_file(struct world *w, const char *path, struct fp_err *err)
{
	FILE *f = fopen(path, "rb");
	struct fp_buf b;
	char chunk[65536];
	struct fp_yaml *y;
	size_t n;
	int r;

	if (f == NULL)
		return fp_err_set(err, FP_EIO, path, 0, 0, "cannot open");
	fp_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fp_buf_add(&b, chunk, n);
	fclose(f);
	r = fp_yaml_load(&y, path, b.data != NULL ? b.data : "", b.len, NULL, err);
	fp_buf_done(&b);
	if (r < 0)
		return r;
	for (size_t i = 0; i < fp_yaml_count(y); i++)
		add_object(w, fp_yaml_root(y, i), NULL);
	fp_yaml_free(y);
	return 0;
}

int
world_load(struct world *w, const char *dir, struct fp_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	if (d == NULL)
		return fp_err_set(err, FP_EIO, dir, 0, 0, "cannot open directory");
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (r == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			r = world_load(w, path, err);
		else if (r == 0 && wanted(names[i]))
			r = load_file(w, path, err);
		free(names[i]);
	}
	free(names);
	return r;
}

/* --- connections -------------------------------------------------------- */

static void
peer_of(struct fp_netpol_peer *p, const struct world *w, const struct cpod *pod)
{
	memset(p, 0, sizeof(*p));
	p->is_pod = true;
	p->ns = pod->ns;
	p->name = pod->name;
	p->labels = pod->labels;
	p->n_labels = pod->n_labels;
	p->ports = pod->ports;
	p->n_ports = pod->n_ports;
	for (size_t i = 0; i < w->n_nss; i++)
		if (strcmp(w->nss[i].name, pod->ns) == 0) {
			p->ns_labels = w->nss[i].labels;
			p->n_ns_labels = w->nss[i].n_labels;
		}
}

/* netpol-analyzer's text for the connections from @src to @dst ("" for none). */
static int
conns(struct fp_buf *out, const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
      const struct fp_netpol_peer *dst, struct fp_err *err)
{
	static const uint8_t protos[] = { FP_PROTO_SCTP, FP_PROTO_TCP, FP_PROTO_UDP };
	struct fp_netpol_port_range *r[3];
	size_t n[3], full = 0;
	int rc = 0;

	fp_buf_reset(out);
	for (size_t i = 0; i < 3; i++) {
		rc = fp_netpol_allowed_ports(&r[i], &n[i], s, src, dst, protos[i], err);
		if (rc < 0)
			return rc;
		full += n[i] == 1 && r[i][0].lo == 1 && r[i][0].hi == 65535;
	}
	if (full == 3)
		fp_buf_adds(out, "All Connections");
	for (size_t i = 0; i < 3; i++) {
		for (size_t k = 0; full < 3 && k < n[i]; k++) {
			fp_buf_printf(out, "%s%s%u", out->len > 0 ? "," : "",
				      k == 0 ? (i == 0   ? "SCTP "
						: i == 1 ? "TCP "
							 : "UDP ")
					     : "",
				      r[i][k].lo);
			if (r[i][k].hi != r[i][k].lo)
				fp_buf_printf(out, "-%u", r[i][k].hi);
		}
		free(r[i]);
	}
	return 0;
}

static int
cmp_pod(const void *a, const void *b)
{
	const struct cpod *x = a, *y = b;
	int c = strcmp(x->workload, y->workload);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/*
 * The answer for a workload pair must not depend on which of their pods is
 * asked: compute it for every pod pair (and both ends of an address range)
 * and refuse to pick one when they differ.
 */
static int
pair(struct fp_buf *out, const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
     size_t n_src, const struct fp_netpol_peer *dst, size_t n_dst, const char *src_name,
     const char *dst_name, struct fp_err *err)
{
	struct fp_buf first, other;
	int r = 0;

	fp_buf_init(&first);
	fp_buf_init(&other);
	for (size_t i = 0; i < n_src && r == 0; i++)
		for (size_t j = 0; j < n_dst && r == 0; j++) {
			struct fp_buf *b = i == 0 && j == 0 ? &first : &other;

			if ((r = conns(b, s, &src[i], &dst[j], err)) < 0)
				break;
			if (b == &other &&
			    strcmp(fp_buf_str(&first), fp_buf_str(&other)) != 0)
				r = fp_err_set(
					err, FP_EINPUT, NULL, 0, 0,
					"%s => %s: its pods disagree: '%s' and '%s'",
					src_name, dst_name, fp_buf_str(&first),
					fp_buf_str(&other));
		}
	if (r == 0 && first.len > 0)
		fp_buf_printf(out, "%s => %s : %s\n", src_name, dst_name,
			      fp_buf_str(&first));
	fp_buf_done(&first);
	fp_buf_done(&other);
	return r;
}

int
world_connections(struct fp_buf *out, struct world *w, const struct fp_netpol_set *s,
		  struct fp_err *err)
{
	struct fp_netpol_addr_range *ext[2] = { NULL, NULL };
	size_t n_ext[2] = { 0, 0 }, *start, n_wl = 0;
	struct fp_netpol_peer *peers;
	int r = 0;

	if (w->n_pods == 0)
		return 0;
	qsort(w->pods, w->n_pods, sizeof(*w->pods), cmp_pod);
	peers = xrealloc(NULL, w->n_pods * sizeof(*peers));
	start = xrealloc(NULL, (w->n_pods + 1) * sizeof(*start));
	for (size_t i = 0; i < w->n_pods; i++) {
		peer_of(&peers[i], w, &w->pods[i]);
		if (i == 0 || strcmp(w->pods[i].workload, w->pods[i - 1].workload) != 0)
			start[n_wl++] = i;
	}
	start[n_wl] = w->n_pods;
	for (int dir = 0; dir < 2 && r == 0; dir++)
		r = fp_netpol_address_ranges(&ext[dir], &n_ext[dir], s,
					     (enum fp_netpol_dir)dir, 4, err);
	for (size_t a = 0; a < n_wl && r == 0; a++) {
		const char *an = w->pods[start[a]].workload;
		size_t na = start[a + 1] - start[a];

		for (size_t b = 0; b < n_wl && r == 0; b++) {
			if (a != b)
				r = pair(out, s, &peers[start[a]], na, &peers[start[b]],
					 start[b + 1] - start[b], an,
					 w->pods[start[b]].workload, err);
		}
		/* Outside addresses, one class at a time, tried at both ends. */
		for (int dir = 0; dir < 2 && r == 0; dir++)
			for (size_t x = 0; x < n_ext[dir] && r == 0; x++) {
				struct fp_netpol_peer ends[2] = { { 0 }, { 0 } };
				char lo[FP_ADDR_BUFSZ], hi[FP_ADDR_BUFSZ], name[128];

				ends[0].addr = ext[dir][x].lo;
				ends[1].addr = ext[dir][x].hi;
				snprintf(name, sizeof(name), "%s-%s[External]",
					 fp_addr_format(lo, &ext[dir][x].lo),
					 fp_addr_format(hi, &ext[dir][x].hi));
				if (dir == FP_NETPOL_EGRESS)
					r = pair(out, s, &peers[start[a]], na, ends, 2,
						 an, name, err);
				else
					r = pair(out, s, ends, 2, &peers[start[a]], na,
						 name, an, err);
			}
	}
	free(ext[0]);
	free(ext[1]);
	free(peers);
	free(start);
	return r < 0 ? r : world_ingress_connections(out, w, s, err);
}
