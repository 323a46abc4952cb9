/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conformance.h - the cluster of one conformance case: its pods (one per
 * workload pod template, or the Pod objects themselves) and namespaces,
 * read with yamltree, and the connection list netpol-analyzer prints.
 */
#ifndef FP_CONFORMANCE_H
#define FP_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/netpol.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"
#include "lib/yamltree.h"

/* realloc() for the harness: running out of memory ends the test. */
static inline void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q == NULL)
		abort();
	return q;
}

struct cpod {
	const char *ns;
	const char *name;
	const char *workload; /* "<ns>/<owner>[<Kind>]" as netpol-analyzer prints it */
	struct fp_label *labels;
	size_t n_labels;
	struct fp_netpol_port *ports;
	size_t n_ports;
	uint16_t *tcp_ports; /* every TCP container port, named or not */
	size_t n_tcp_ports;
};

struct cns {
	const char *name;
	struct fp_label *labels;
	size_t n_labels;
};

/* A port of a Service: a number, or a name when name_or_num is a string. */
struct cport {
	const char *str; /* NULL: a number (0: unset) */
	int64_t num;
};

struct csvc_port {
	const char *name;
	int64_t port;
	struct cport target; /* unset: the same as port */
};

struct csvc {
	const char *ns;
	const char *name;
	bool has_selector;
	struct fp_label *selector;
	size_t n_selector;
	struct csvc_port *ports;
	size_t n_ports;
};

/* One Service that a Route or an Ingress sends traffic to. */
struct cbackend {
	const char *ns;
	const char *service;
	struct cport port; /* unset: every port of the Service */
};

struct world {
	struct fp_arena arena;
	struct cpod *pods;
	size_t n_pods, cap_pods;
	struct cns *nss;
	size_t n_nss, cap_nss;
	struct csvc *svcs;
	size_t n_svcs, cap_svcs;
	struct cbackend *backends;
	size_t n_backends, cap_backends;
};

void world_init(struct world *w);
/* The text of a scalar in @w's arena, or NULL for anything else. */
const char *world_text(struct world *w, const struct fp_yaml_node *n);
/* A mapping of strings as labels in @w's arena; returns the count. */
size_t
world_labels(struct world *w, struct fp_label **out, const struct fp_yaml_node *map);
void world_done(struct world *w);
/* Read every .yaml, .yml and .json file under @dir. */
int world_load(struct world *w, const char *dir, struct fp_err *err);
/*
 * Append netpol-analyzer's lines ("src => dst : conns"), one per line, for
 * the allowed connections of @w under @s.  FP_EINPUT when the pods of one
 * workload disagree.
 */
int world_connections(struct fp_buf *out, struct world *w, const struct fp_netpol_set *s,
		      struct fp_err *err);

/* Collect Services, Routes and Ingresses from one object (a world_load() step). */
bool world_add_ingress_object(struct world *w, const struct fp_yaml_node *obj,
			      const char *kind, const char *ns);
/*
 * Append netpol-analyzer's "{ingress-controller} => <workload> : TCP <port>"
 * lines: what Routes and Ingresses expose, as far as @s lets a pod of the
 * ingress controller's namespace reach it.
 */
int world_ingress_connections(struct fp_buf *out, struct world *w,
			      const struct fp_netpol_set *s, struct fp_err *err);

#endif
