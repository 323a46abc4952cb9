/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolve.h - who held an address, and which pod had a name, at a given time.
 *
 * The resolver reads the stored inventory snapshots once and derives, for
 * every pod, the interval in which it held its addresses (from its start
 * time, deletion time, termination, and its absence from a later pod list);
 * for nodes and Services likewise.  An address at time t resolves to the pod
 * that held it at t, never to whoever holds it today: pod IPs are reused
 * within minutes.  Where no interval covers t but one starts or ends within
 * the grace period, that one is taken and counted as a near match.
 */
#ifndef FP_RESOLVE_H
#define FP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/util-net.h"

#define FP_RESOLVE_DEFAULT_GRACE 300

/* A pod as the inventory knows it; strings borrowed from the resolver. */
struct fp_inv_pod {
	const char *ns;
	const char *name;
	const char *labels;   /* stable labels "k=v,k=v" (no rollout hashes), or "" */
	const char *workload; /* root controller's name (or the pod's own) */
	const char *wkind;    /* "Deployment", "StatefulSet", ..., "Pod" */
	const char *node;
	const char *ports;    /* container ports "name/proto/port,..." */
	bool host_network;
	int64_t start, end;   /* [start, end); end INT64_MAX while running */
};

enum fp_match {
	FP_MATCH_EXACT = 0, /* an interval covers the time */
	FP_MATCH_NEAR = 1,  /* one starts or ends within the grace period */
	FP_MATCH_NONE = 2,
};

enum fp_resolved_kind {
	FP_RESOLVED_NONE = 0,
	FP_RESOLVED_POD,
	FP_RESOLVED_NODE,
	FP_RESOLVED_SERVICE,
};

struct fp_resolution {
	enum fp_resolved_kind kind;
	enum fp_match match;
	size_t ref; /* pod, node or service index */
};

struct fp_netset;
struct fp_known_net;

struct fp_k8s_labels;

struct fp_resolve_opts {
	int64_t grace;               /* seconds; default FP_RESOLVE_DEFAULT_GRACE */
	const struct fp_cidr *cidrs; /* --cluster-cidr and --service-cidr */
	size_t n_cidrs;
	const struct fp_netset *nets; /* --known-networks, borrowed; may be NULL */
	const struct fp_k8s_labels *labels; /* extra volatile keys; borrowed; may be NULL */
};

struct fp_resolver;

/* Load the inventory of @db.  An empty inventory gives an empty resolver. */
int fp_resolver_load(struct fp_resolver **out, struct fp_db *db, const struct fp_resolve_opts *opts,
		     struct fp_err *err);
void fp_resolver_free(struct fp_resolver *r);

/* Does the resolver know any pod, node or Service? */
bool fp_resolver_empty(const struct fp_resolver *r);

size_t fp_resolver_n_pods(const struct fp_resolver *r);
const struct fp_inv_pod *fp_resolver_pod(const struct fp_resolver *r, size_t i);

/* The holder of address @a at time @t. */
void fp_resolver_ip(const struct fp_resolver *r, const struct fp_addr *a, int64_t t,
		    struct fp_resolution *out);
/* The pod named @ns/@name at time @t (names of StatefulSet pods come back). */
void fp_resolver_pod_name(const struct fp_resolver *r, const char *ns, const char *name,
			  int64_t t, struct fp_resolution *out);

/*
 * The backends of Service @svc at time @t, with the port a connection to
 * service port @port (protocol @proto) reaches on each: NetworkPolicy sees
 * traffic after the translation.  Fills up to @max pod indexes and ports;
 * returns how many there are (may exceed @max).
 */
size_t fp_resolver_backends(const struct fp_resolver *r, size_t svc, int64_t t, uint8_t proto,
			    uint16_t port, size_t *pods, uint16_t *ports, size_t max);
/* "ns/name" of Service @svc, into @buf. */
const char *fp_resolver_service_name(const struct fp_resolver *r, size_t svc, char *buf,
				     size_t size);

/*
 * The cluster ranges in use: the --cluster-cidr/--service-cidr given, or
 * else those derived from node pod ranges and Service addresses (widened).
 */
size_t fp_resolver_ranges(const struct fp_resolver *r, const struct fp_cidr **out);

/* The known network holding @a, or NULL. */
const struct fp_known_net *fp_resolver_network(const struct fp_resolver *r,
					       const struct fp_addr *a);

/* Every address of every node in the inventory: calls @fn for each. */
void fp_resolver_node_addrs(const struct fp_resolver *r,
			    void (*fn)(void *ud, const struct fp_addr *a), void *ud);

/* Does the resolver know any cluster range or address at all? */
bool fp_resolver_knows_ranges(const struct fp_resolver *r);

/* Is @a inside the cluster: a pod, Service or node range, or ever held by one? */
bool fp_resolver_in_cluster(const struct fp_resolver *r, const struct fp_addr *a);

/*
 * The selector of workload @kind @ns/@name as its controller declares it
 * (JSON LabelSelector), or NULL.  Borrowed.
 */
const char *fp_resolver_controller_selector(const struct fp_resolver *r, const char *ns,
					    const char *kind, const char *name);

/*
 * The container ports ("name/proto/port,...") of the newest pod of workload
 * @ns/@workload, or NULL.  Borrowed.
 */
const char *fp_resolver_workload_ports(const struct fp_resolver *r, const char *ns,
				       const char *workload);
/* The labels of namespace @ns as the newest snapshot saw them, or NULL.  Borrowed. */
const char *fp_resolver_namespace_labels(const struct fp_resolver *r, const char *ns);

/* Is @port/@proto a port a container of pod @pod listens on? */
bool fp_resolver_pod_listens(const struct fp_resolver *r, size_t pod, uint8_t proto,
			     uint16_t port);

/* Does Service @svc have service port @port/@proto? */
bool fp_resolver_service_port(const struct fp_resolver *r, size_t svc, uint8_t proto,
			      uint16_t port);

/* How many lookups matched exactly, nearly, or not at all. */
void fp_resolver_counts(const struct fp_resolver *r, uint64_t counts[3]);
/* Count one lookup's result (the caller decides what is one lookup). */
void fp_resolver_count(struct fp_resolver *r, enum fp_match m);

#endif
