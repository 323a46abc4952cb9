/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol.h - read networking.k8s.io/v1 NetworkPolicies and decide, with
 * Kubernetes' semantics, whether they admit a connection.
 *
 * Reading.  fp_netpol_load_path() and fp_netpol_load_buffer() take what
 * people keep in git: YAML streams of many documents, JSON, `kind: List`
 * and `NetworkPolicyList` documents, and directories walked recursively in
 * byte order of their names (files ending in .yaml, .yml or .json; names
 * starting with '.' are skipped, and so are symbolic links to directories).
 * Each NetworkPolicy is validated as the API server validates it (names,
 * label keys and values, selector operators, policyTypes, ports, endPort,
 * ipBlock) and defaulted as it defaults it (protocol TCP; policyTypes
 * ["Ingress"], plus "Egress" when spec.egress has rules).  As the API server
 * does, a missing spec.podSelector means {} (all pods of the namespace).
 * Unknown fields below the top level are errors, as with kubectl's strict
 * field validation, because a misspelt "ingres:" would otherwise silently
 * change what a policy means.
 *
 * Documents that are not NetworkPolicies (other kinds, other API groups such
 * as projectcalico.org/v3, non-objects) are skipped.  Invalid documents are
 * never evaluated: they are counted (fp_netpol_invalid()) and not added.
 * Both are reported through the note callback, which receives a struct
 * fp_err: code FP_OK for a skipped document, FP_EINPUT for an invalid one,
 * with source, line and column of the place at fault.  A YAML syntax error
 * invalidates its whole file: none of that file's documents are loaded.
 * The library itself never prints.
 *
 * Evaluating.  fp_netpol_evaluate() answers for one connection, opened by
 * @src towards @dst on a protocol and destination port, with the semantics
 * of the Kubernetes API documentation:
 * - policies are additive; a pod is isolated for a direction only when some
 *   policy that selects it has that policy type;
 * - the source pod's egress AND the destination pod's ingress must admit the
 *   connection; a side that is not a pod (an address, a node) has no policy;
 * - replies of an admitted connection are implied, never evaluated: callers
 *   pass the direction in which the connection was opened;
 * - a pod may always reach itself, and a node and its own pods may always
 *   reach each other;
 * - a rule without from/to admits every peer, a rule without ports admits
 *   every port of every protocol, `podSelector: {}` in a peer is every pod of
 *   the policy's namespace and `namespaceSelector: {}` every namespace;
 *   podSelector and namespaceSelector in one peer must both match;
 * - an ipBlock matches only peers that are not pods: it never matches a pod's
 *   IP.  This is how netpol-analyzer reads the API text and what the common
 *   CNIs do, since pod traffic is matched by identity before addresses;
 * - a named port resolves on the destination pod's container ports, and only
 *   to a container port of the rule's protocol; it never matches a peer that
 *   is not a pod.  TCP, UDP and SCTP are distinct: a rule that names a port
 *   of one protocol admits nothing of another;
 * - every namespace carries the label kubernetes.io/metadata.name=<name>,
 *   whatever labels the caller passes.
 *
 * A host-network pod is not subject to NetworkPolicy: describe it as its
 * node (is_node), not as a pod.
 *
 * Loading changes a set; evaluating only reads it, so once loaded a set may
 * be evaluated from several threads at once.
 */
#ifndef FP_NETPOL_H
#define FP_NETPOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/flow.h"
#include "lib/util-buf.h"
#include "lib/util-net.h"

#define FP_NETPOL_NONE ((size_t)-1)

enum fp_netpol_dir {
	FP_NETPOL_INGRESS = 0,
	FP_NETPOL_EGRESS = 1,
};

/* ---------------------------------------------------------------------- */
/* Label selectors                                                          */

enum fp_netpol_op {
	FP_NETPOL_OP_IN = 1,
	FP_NETPOL_OP_NOT_IN,
	FP_NETPOL_OP_EXISTS,
	FP_NETPOL_OP_DOES_NOT_EXIST,
};

struct fp_netpol_requirement {
	const char *key;
	enum fp_netpol_op op;
	const char *const *values; /* In and NotIn only */
	size_t n_values;
};

/* A metav1.LabelSelector; with no labels and no expressions it matches all. */
struct fp_netpol_selector {
	const struct fp_label *match_labels;
	size_t n_match_labels;
	const struct fp_netpol_requirement *exprs;
	size_t n_exprs;
};

/*
 * True when @labels (any order; the first of repeated keys counts) satisfy
 * every matchLabels entry and every expression of @sel.  NotIn and
 * DoesNotExist match a set that lacks the key.
 */
bool fp_netpol_selector_matches(const struct fp_netpol_selector *sel,
				const struct fp_label *labels, size_t n_labels);

/* ---------------------------------------------------------------------- */
/* Loading                                                                  */

struct fp_netpol_set;

/*
 * Called for every skipped document (note->code == FP_OK) and every invalid
 * one (FP_EINPUT), with "source:line:col: text" in @note; borrowed for the
 * duration of the call.
 */
typedef void fp_netpol_note_fn(void *ud, const struct fp_err *note);

/* A new, empty set; free with fp_netpol_set_free().  0 or FP_ENOMEM. */
int fp_netpol_set_new(struct fp_netpol_set **out, struct fp_err *err);
/* Release @s and everything it owns; takes NULL. */
void fp_netpol_set_free(struct fp_netpol_set *s);

/*
 * The namespace of policies whose metadata.namespace is absent ("default"
 * unless set here); @ns is copied and must be a DNS-1123 label.  Applies to
 * policies loaded afterwards.  0, FP_EUSAGE or FP_ENOMEM.
 */
int fp_netpol_set_default_namespace(struct fp_netpol_set *s, const char *ns,
				    struct fp_err *err);

/*
 * Load the file or directory @path.  @note may be NULL.  Returns 0 when the
 * path was read, even if documents were skipped or invalid; FP_EIO when a
 * file or directory cannot be read (err names it; policies loaded before
 * stay in the set); FP_ENOMEM.  Files over FP_YAML_MAX_BYTES, and trees
 * nested deeper than 32 directories, count as invalid.
 */
int fp_netpol_load_path(struct fp_netpol_set *s, const char *path,
			fp_netpol_note_fn *note, void *ud, struct fp_err *err);

/* Load @len bytes of YAML or JSON named @name in messages.  0 or FP_ENOMEM. */
int
fp_netpol_load_buffer(struct fp_netpol_set *s, const char *name, const char *data,
		      size_t len, fp_netpol_note_fn *note, void *ud, struct fp_err *err);

/* Policies in the set, numbered 0.. in the order they were loaded. */
size_t fp_netpol_count(const struct fp_netpol_set *s);
/* Documents found invalid (and not added) since the set was made. */
size_t fp_netpol_invalid(const struct fp_netpol_set *s);

struct fp_netpol_info {
	const char *name;
	const char *ns;
	const char *file; /* as given to the loader */
	long line;        /* of the object in @file */
	int column;
	bool ingress; /* policyTypes after defaulting */
	bool egress;
	size_t n_rules[2]; /* by enum fp_netpol_dir */
	const struct fp_netpol_selector *pod_selector;
};

/* Policy @i (< fp_netpol_count()); borrowed, valid until the set is freed. */
const struct fp_netpol_info *fp_netpol_get(const struct fp_netpol_set *s, size_t i);

/* The line of rule @rule of @dir in policy @i, for messages; 0 if none. */
long fp_netpol_rule_line(const struct fp_netpol_set *s, size_t i, enum fp_netpol_dir dir,
			 size_t rule);

/* ---------------------------------------------------------------------- */
/* Evaluating                                                               */

/* A named container port of a pod. */
struct fp_netpol_port {
	const char *name;
	uint16_t port;
	uint8_t proto; /* FP_PROTO_TCP, FP_PROTO_UDP or FP_PROTO_SCTP */
};

/* One end of a connection; every pointer is borrowed for the call. */
struct fp_netpol_peer {
	bool is_pod;  /* a pod on the pod network; needs ns */
	bool is_node; /* a node (or a host-network pod on it); not with is_pod */
	const char *ns;
	const char *name; /* pod name, tells a pod from its replicas; may be NULL */
	const struct fp_label *labels; /* pod labels */
	size_t n_labels;
	const struct fp_label *ns_labels; /* kubernetes.io/metadata.name implied */
	size_t n_ns_labels;
	struct fp_addr addr; /* family 0 when unknown */
	const char *node;    /* the pod's node, or the node's own name; may be NULL */
	const struct fp_netpol_port *ports; /* a pod's named container ports */
	size_t n_ports;
};

enum fp_netpol_basis {
	FP_NETPOL_BY_POLICY = 0, /* the two sides below decided */
	FP_NETPOL_BY_SELF,       /* a pod connecting to itself */
	FP_NETPOL_BY_NODE,       /* a node and one of its own pods */
};

/* What one side (the source's egress, the destination's ingress) decided. */
struct fp_netpol_side {
	bool isolated;     /* some policy selecting the pod has this policy type */
	bool allowed;      /* not isolated, or some rule admits the connection */
	size_t n_policies; /* policies selecting the pod with this policy type */
	size_t policy;     /* the first admitting policy, or FP_NETPOL_NONE */
	size_t rule;       /* its first admitting rule, or FP_NETPOL_NONE */
};

struct fp_netpol_decision {
	bool allowed;
	enum fp_netpol_basis basis;
	struct fp_netpol_side egress;  /* of the source */
	struct fp_netpol_side ingress; /* of the destination */
};

/*
 * Decide whether @s admits a connection from @src to @dst on @proto (an IANA
 * number) and destination @port (ignored for protocols without ports, which
 * only rules without ports admit).  Fills @out.  Returns 0, or FP_EUSAGE
 * (with @err) for a pod without a namespace or a peer that is both a pod
 * and a node.
 */
int fp_netpol_evaluate(struct fp_netpol_decision *out, const struct fp_netpol_set *s,
		       const struct fp_netpol_peer *src, const struct fp_netpol_peer *dst,
		       uint8_t proto, uint16_t port, struct fp_err *err);

/*
 * The policies that select @peer (a pod) and have policy type @dir: writes
 * up to @max indexes to @out in set order and returns how many there are.
 */
size_t fp_netpol_selecting(size_t *out, size_t max, const struct fp_netpol_set *s,
			   const struct fp_netpol_peer *peer, enum fp_netpol_dir dir);

/*
 * Append to @out why @d was decided, for example
 * "denied on ingress: no rule of prod/a, prod/b (the policies selecting
 * prod/api) admits 10.0.0.7 on TCP/8080".  @d must come from
 * fp_netpol_evaluate() with the same arguments.  0 or FP_ENOMEM.
 */
int
fp_netpol_format_decision(struct fp_buf *out, const struct fp_netpol_set *s,
			  const struct fp_netpol_decision *d,
			  const struct fp_netpol_peer *src,
			  const struct fp_netpol_peer *dst, uint8_t proto, uint16_t port);

struct fp_netpol_port_range {
	uint16_t lo, hi; /* inclusive */
};

/*
 * Every destination port of @proto (TCP, UDP or SCTP) on which @s admits a
 * connection from @src to @dst, as sorted, disjoint, non-adjacent ranges.
 * The same answers as fp_netpol_evaluate() port by port, found by
 * evaluating once per interval between the ports the policies name.
 * *out is malloc()ed (NULL when *n_out is 0): the caller frees it.
 * 0, FP_EUSAGE or FP_ENOMEM.
 */
int
fp_netpol_allowed_ports(struct fp_netpol_port_range **out, size_t *n_out,
			const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
			const struct fp_netpol_peer *dst, uint8_t proto,
			struct fp_err *err);

struct fp_netpol_addr_range {
	struct fp_addr lo, hi; /* inclusive */
};

/*
 * Split the address space of @family (4 or 6) into the largest ranges in
 * which every ipBlock of every @dir rule (from for ingress, to for egress)
 * contains either all addresses or none: the classes of outside addresses
 * that the policies cannot tell apart.  Sorted; together they cover the
 * whole space.  *out is malloc()ed, the caller frees it.
 * 0, FP_EUSAGE or FP_ENOMEM.
 */
int fp_netpol_address_ranges(struct fp_netpol_addr_range **out, size_t *n_out,
			     const struct fp_netpol_set *s, enum fp_netpol_dir dir,
			     uint8_t family, struct fp_err *err);

#endif
