/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netset.h - known networks: names for address ranges outside the cluster.
 *
 * A YAML mapping of names to CIDR lists ("payment-provider: [203.0.113.0/24]")
 * lets a team say that a set of outside addresses is one peer: flows to any
 * address in it become one rule with one ipBlock per CIDR, and the report
 * shows the name.  Without it, outside addresses stay exact /32 or /128.
 */
#ifndef FP_NETSET_H
#define FP_NETSET_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/util-net.h"
#include "lib/yamltree.h"

struct fp_known_net {
	char *name;            /* a DNS-1123 label */
	struct fp_cidr *cidrs; /* sorted */
	size_t n_cidrs;
	char *text;            /* the CIDRs as "cidr,cidr" */
};

struct fp_netset {
	struct fp_known_net *nets; /* sorted by name */
	size_t n;
};

/*
 * Read the known networks in @path.  Errors name the file and line:
 * a name that is not a DNS-1123 label, a value that is not a CIDR or a list
 * of them, a CIDR in two networks.  0, FP_EINPUT, FP_EIO, FP_ENOMEM.
 */
int fp_netset_load(struct fp_netset *out, const char *path, struct fp_err *err);
/*
 * The same from a YAML node already loaded (flowpol.yaml's inline
 * known-networks): @root (borrowed) must be the mapping; @name names the
 * file in errors.
 */
int fp_netset_from_yaml(struct fp_netset *out, const char *name,
			const struct fp_yaml_node *root, struct fp_err *err);
/* Parse YAML text (for tests and fuzzing); @name names it in errors. */
int fp_netset_parse(struct fp_netset *out, const char *name, const char *text, size_t len,
		    struct fp_err *err);
void fp_netset_done(struct fp_netset *s);

/* The network holding @a (the most specific CIDR wins), or NULL. */
const struct fp_known_net *fp_netset_find(const struct fp_netset *s, const struct fp_addr *a);

#endif
