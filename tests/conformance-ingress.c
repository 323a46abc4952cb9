/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conformance-ingress.c - netpol-analyzer's "{ingress-controller}" lines.
 *
 * Besides NetworkPolicies, netpol-analyzer reads OpenShift Routes and
 * Kubernetes Ingresses: the Services they name select workloads, and a fake
 * ingress-controller pod (namespace ingress-controller-ns, no labels) may
 * reach those workloads on the TCP ports the Service sends traffic to,
 * as far as the policies allow.  That is not NetworkPolicy semantics, so it
 * lives here, in the harness, reduced to what netpol-analyzer does at the
 * suite's commit (pkg/netpol/connlist/internal/ingressanalyzer): the route
 * or backend port picks one Service port (by name, number or target port)
 * or, unset, all of them; a Service port reaches its targetPort (a number,
 * or a TCP container port's name), and only if a container exposes it.  The
 * policy part, which is what this suite checks, is fp_netpol's answer for
 * the fake pod.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/conformance.h"

#define INGRESS_NS "ingress-controller-ns"

static struct cport
port_of(struct world *w, const struct fp_yaml_node *n)
{
	struct cport p = { NULL, 0 };

	if (fp_yaml_kind(n) == FP_YAML_KIND_INT)
		fp_yaml_int(&p.num, n);
	else if (fp_yaml_kind(n) == FP_YAML_KIND_STR)
		p.str = world_text(w, n);
	return p;
}

static bool
port_set(const struct cport *p)
{
	return p->str != NULL || p->num != 0;
}

static bool
port_eq(const struct cport *a, const struct cport *b)
{
	if ((a->str == NULL) != (b->str == NULL))
		return false;
	return a->str != NULL ? strcmp(a->str, b->str) == 0 : a->num == b->num;
}

static void
add_backend(struct world *w, const char *ns, const char *service, struct cport port)
{
	if (service == NULL)
		return;
	if (w->n_backends == w->cap_backends) {
		w->cap_backends = w->cap_backends == 0 ? 8 : w->cap_backends * 2;
		w->backends =
			xrealloc(w->backends, w->cap_backends * sizeof(*w->backends));
	}
	w->backends[w->n_backends++] = (struct cbackend){ ns, service, port };
}

static void
add_service(struct world *w, const struct fp_yaml_node *obj, const char *ns)
{
	const struct fp_yaml_node *spec = fp_yaml_get(obj, "spec");
	const struct fp_yaml_node *sel = fp_yaml_get(spec, "selector");
	const struct fp_yaml_node *ports = fp_yaml_get(spec, "ports");
	struct csvc *s;

	if (w->n_svcs == w->cap_svcs) {
		w->cap_svcs = w->cap_svcs == 0 ? 8 : w->cap_svcs * 2;
		w->svcs = xrealloc(w->svcs, w->cap_svcs * sizeof(*w->svcs));
	}
	s = &w->svcs[w->n_svcs++];
	memset(s, 0, sizeof(*s));
	s->ns = ns;
	s->name = world_text(w, fp_yaml_get(fp_yaml_get(obj, "metadata"), "name"));
	s->has_selector = sel != NULL && sel->type == FP_YAML_MAPPING;
	s->n_selector = world_labels(w, &s->selector, sel);
	if (ports == NULL || ports->type != FP_YAML_SEQUENCE || ports->n_items == 0)
		return;
	s->ports = fp_arena_alloc(&w->arena, ports->n_items * sizeof(*s->ports));
	for (size_t i = 0; i < ports->n_items; i++) {
		const struct fp_yaml_node *p = ports->items[i];
		struct csvc_port *sp = &s->ports[s->n_ports++];

		sp->name = world_text(w, fp_yaml_get(p, "name"));
		fp_yaml_int(&sp->port, fp_yaml_get(p, "port"));
		sp->target = port_of(w, fp_yaml_get(p, "targetPort"));
	}
}

static void
add_ingress_backend(struct world *w, const char *ns, const struct fp_yaml_node *backend)
{
	const struct fp_yaml_node *svc = fp_yaml_get(backend, "service");
	const struct fp_yaml_node *port = fp_yaml_get(svc, "port");
	struct cport p = port_of(w, fp_yaml_get(port, "name"));

	if (p.str == NULL)
		p = port_of(w, fp_yaml_get(port, "number"));
	add_backend(w, ns, world_text(w, fp_yaml_get(svc, "name")), p);
}

bool
world_add_ingress_object(struct world *w, const struct fp_yaml_node *obj,
			 const char *kind, const char *ns)
{
	const struct fp_yaml_node *spec = fp_yaml_get(obj, "spec");

	if (strcmp(kind, "Service") == 0) {
		add_service(w, obj, ns);
		return true;
	}
	if (strcmp(kind, "Route") == 0) {
		const struct fp_yaml_node *to = fp_yaml_get(spec, "to");
		const struct fp_yaml_node *alt = fp_yaml_get(spec, "alternateBackends");
		struct cport p =
			port_of(w, fp_yaml_get(fp_yaml_get(spec, "port"), "targetPort"));
		const char *tk = world_text(w, fp_yaml_get(to, "kind"));

		if (tk == NULL || strcmp(tk, "Service") == 0)
			add_backend(w, ns, world_text(w, fp_yaml_get(to, "name")), p);
		for (size_t i = 0;
		     alt != NULL && alt->type == FP_YAML_SEQUENCE && i < alt->n_items;
		     i++) {
			tk = world_text(w, fp_yaml_get(alt->items[i], "kind"));
			if (tk == NULL || strcmp(tk, "Service") == 0)
				add_backend(
					w, ns,
					world_text(w, fp_yaml_get(alt->items[i], "name")),
					p);
		}
		return true;
	}
	if (strcmp(kind, "Ingress") == 0) {
		const struct fp_yaml_node *rules = fp_yaml_get(spec, "rules");

		if (fp_yaml_get(spec, "defaultBackend") != NULL)
			add_ingress_backend(w, ns, fp_yaml_get(spec, "defaultBackend"));
		for (size_t i = 0; rules != NULL && rules->type == FP_YAML_SEQUENCE &&
				   i < rules->n_items;
		     i++) {
			const struct fp_yaml_node *paths = fp_yaml_get(
				fp_yaml_get(rules->items[i], "http"), "paths");

			for (size_t j = 0;
			     paths != NULL && paths->type == FP_YAML_SEQUENCE &&
			     j < paths->n_items;
			     j++)
				add_ingress_backend(
					w, ns, fp_yaml_get(paths->items[j], "backend"));
		}
		return true;
	}
	return false;
}

/* The pod port a Service port sends traffic to, or 0. */
static uint16_t
pod_port(const struct cpod *pod, const struct csvc_port *sp)
{
	uint16_t port = 0;

	if (sp->target.str != NULL) {
		for (size_t i = 0; i < pod->n_ports; i++)
			if (pod->ports[i].proto == FP_PROTO_TCP &&
			    strcmp(pod->ports[i].name, sp->target.str) == 0)
				port = pod->ports[i].port;
	} else {
		port = (uint16_t)(sp->target.num != 0 ? sp->target.num : sp->port);
	}
	for (size_t i = 0; port != 0 && i < pod->n_tcp_ports; i++)
		if (pod->tcp_ports[i] == port)
			return port;
	return 0;
}

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int
world_ingress_connections(struct fp_buf *out, struct world *w,
			  const struct fp_netpol_set *s, struct fp_err *err)
{
	struct fp_netpol_peer ctl = { .is_pod = true,
				      .ns = INGRESS_NS,
				      .name = "ingress-controller" };
	const char *last = "";

	/* w->pods is sorted by workload: one line per workload, its first pod. */
	for (size_t i = 0; i < w->n_pods; i++) {
		const struct cpod *pod = &w->pods[i];
		struct fp_netpol_peer dst = { .is_pod = true,
					      .ns = pod->ns,
					      .name = pod->name,
					      .labels = pod->labels,
					      .n_labels = pod->n_labels,
					      .ports = pod->ports,
					      .n_ports = pod->n_ports };
		uint16_t ports[64];
		struct fp_netpol_port_range ok[64];
		size_t n = 0, n_ok = 0;

		if (strcmp(pod->workload, last) == 0)
			continue;
		last = pod->workload;
		for (size_t b = 0; b < w->n_backends; b++) {
			const struct cbackend *be = &w->backends[b];

			for (size_t v = 0; v < w->n_svcs; v++) {
				const struct csvc *svc = &w->svcs[v];
				struct fp_netpol_selector sel = { svc->selector,
								  svc->n_selector, NULL,
								  0 };

				if (strcmp(svc->ns, be->ns) != 0 || svc->name == NULL ||
				    strcmp(svc->name, be->service) != 0 ||
				    !svc->has_selector || strcmp(svc->ns, pod->ns) != 0 ||
				    !fp_netpol_selector_matches(&sel, pod->labels,
								pod->n_labels))
					continue;
				for (size_t p = 0; p < svc->n_ports && n < 64; p++) {
					const struct csvc_port *sp = &svc->ports[p];
					struct cport name = { sp->name, 0 },
						     num = { NULL, sp->port };
					bool pick = !port_set(&be->port) ||
						    (sp->name != NULL &&
						     port_eq(&name, &be->port)) ||
						    port_eq(&num, &be->port) ||
						    port_eq(&sp->target, &be->port);
					uint16_t pp;

					if (!pick)
						continue;
					pp = pod_port(pod, sp);
					if (pp != 0)
						ports[n++] = pp;
					if (port_set(&be->port))
						break;
				}
			}
		}
		qsort(ports, n, sizeof(ports[0]), cmp_u16);
		for (size_t k = 0; k < n; k++) {
			struct fp_netpol_decision d;
			int r;

			if (k > 0 && ports[k] == ports[k - 1])
				continue;
			if ((r = fp_netpol_evaluate(&d, s, &ctl, &dst, FP_PROTO_TCP,
						    ports[k], err)) < 0)
				return r;
			if (!d.allowed)
				continue;
			if (n_ok > 0 && ok[n_ok - 1].hi + 1 == ports[k])
				ok[n_ok - 1].hi = ports[k];
			else
				ok[n_ok++] = (struct fp_netpol_port_range){ ports[k],
									    ports[k] };
		}
		if (n_ok > 0)
			fp_buf_printf(out, "{ingress-controller} => %s : TCP ",
				      pod->workload);
		for (size_t k = 0; k < n_ok; k++) {
			fp_buf_printf(out, "%s%u", k == 0 ? "" : ",", ok[k].lo);
			if (ok[k].hi != ok[k].lo)
				fp_buf_printf(out, "-%u", ok[k].hi);
		}
		if (n_ok > 0)
			fp_buf_addc(out, '\n');
	}
	return 0;
}
