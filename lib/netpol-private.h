/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol-private.h - the parsed form of a NetworkPolicy, shared by the
 * netpol-*.c files only.  Everything lives in the set's arena.
 */
#ifndef FP_NETPOL_PRIVATE_H
#define FP_NETPOL_PRIVATE_H

#include "lib/netpol.h"
#include "lib/util-arena.h"
#include "lib/yamltree.h"

struct np_port {
	uint8_t proto;
	bool any_port;    /* no port: every port of proto */
	const char *name; /* a named port, resolved on the destination pod */
	uint16_t lo, hi;  /* port .. endPort (hi == lo without endPort) */
};

enum np_peer_kind {
	NP_PEER_PODS = 1, /* podSelector and/or namespaceSelector */
	NP_PEER_IPBLOCK,
};

struct np_peer {
	enum np_peer_kind kind;
	const struct fp_netpol_selector *pod_sel; /* NULL: absent */
	const struct fp_netpol_selector *ns_sel;  /* NULL: the policy's namespace */
	struct fp_cidr cidr;
	const struct fp_cidr *except;
	size_t n_except;
};

struct np_rule {
	long line;
	bool all_peers; /* from/to absent or empty */
	const struct np_peer *peers;
	size_t n_peers;
	const struct np_port *ports; /* none: every port of every protocol */
	size_t n_ports;
};

struct np_policy {
	struct fp_netpol_info info;
	struct fp_netpol_selector pod_sel;
	const struct np_rule *rules[2]; /* by enum fp_netpol_dir */
};

struct fp_netpol_set {
	struct fp_arena arena;
	struct np_policy **pols;
	size_t n_pols;
	size_t cap_pols;
	size_t invalid;
	size_t *by_name; /* open addressing over pols by ns/name, for duplicates */
	size_t cap_by_name;
	char default_ns[64];
};

/*
 * Parse and validate the NetworkPolicy object @obj found in @file into the
 * arena of @s.  On FP_EINPUT @err holds "file:line:col: field: reason".
 * Returns 0, FP_EINPUT or FP_ENOMEM.
 */
int
fp_netpol__parse(struct np_policy **out, struct fp_netpol_set *s,
		 const struct fp_yaml_node *obj, const char *file, struct fp_err *err);

#endif
