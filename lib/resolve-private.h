/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolve-private.h - the resolver's tables, shared by resolve-load.c
 * (building them from the stored snapshots) and resolve.c (lookups).
 */
#ifndef FP_RESOLVE_PRIVATE_H
#define FP_RESOLVE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/resolve.h"
#include "lib/util-map.h"
#include "lib/util-net.h"

struct pod {
	struct fp_inv_pod pub;
	char *uid;
	struct fp_addr *ips;
	size_t n_ips;
};

struct service {
	char *ns, *name;
	char *selector; /* "k=v,..."; NULL without one */
	char *ports;    /* "name/proto/port/target,..." */
	char *slice_pods; /* "ip=name,..." from EndpointSlices */
	struct fp_addr *ips;
	size_t n_ips;
	int64_t start, end;
};

struct node {
	char *name;
	struct fp_addr *ips;
	size_t n_ips;
	int64_t start, end;
};

struct controller {
	char *key; /* "ns/kind/name" */
	char *selector;
	char *owner_kind, *owner_name;
};

struct nslabels {
	char *name, *labels;
};

struct interval {
	struct fp_addr ip;
	int64_t start, end;
	uint8_t kind; /* enum fp_resolved_kind */
	size_t ref;
};

struct fp_resolver {
	struct pod *pods;
	size_t n_pods;
	size_t *by_name; /* pod indexes sorted by ns, name, start */
	struct service *svcs;
	size_t n_svcs;
	struct node *nodes;
	size_t n_nodes;
	struct controller *ctls;
	size_t n_ctls;
	struct fp_strmap ctl_index;
	struct interval *ivs;
	size_t n_ivs;
	struct nslabels *nss;
	size_t n_nss;
	struct fp_cidr *cidrs;
	size_t n_cidrs, cap_cidrs;
	bool explicit_cidrs; /* given by the user: nothing is derived then */
	int64_t grace;
	uint64_t counts[3];
	const struct fp_netset *nets;
	const struct fp_k8s_labels *labels; /* borrowed; may be NULL */
};

/* The controller @kind @ns/@name, or NULL. */
const struct controller *fp_resolver__find_controller(const struct fp_resolver *r,
						      const char *ns, const char *kind,
						      const char *name);

#endif
