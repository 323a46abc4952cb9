/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity.h - from stored endpoints to the identities policies select.
 *
 * Endpoints of one workload (same namespace and owner name, or, for flows
 * that carry labels only, the same labels) become one identity.  A
 * workload's labels are those all of its pods carried, so a label that
 * changed in a rollout is never selected.  Its selector is the smallest set
 * of those labels, preferring well-known identity keys, that matches no
 * other workload ever seen in its namespace; where labels alone cannot tell
 * two workloads apart, "key DoesNotExist" expressions do, and where nothing
 * can, the identity says so instead of selecting more than it should.
 * Addresses outside the cluster become external identities, nodes one node
 * identity, and whatever cannot be pinned down an unresolved identity.
 */
#ifndef FP_IDENTITY_H
#define FP_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/flow.h"
#include "lib/selector.h"

/* Stored in the database: never renumber. */
enum fp_id_kind {
	FP_ID_WORKLOAD = 1,   /* pods of one workload in one namespace */
	FP_ID_NODE = 2,       /* a node (the host, or another node) */
	FP_ID_EXTERNAL = 3,   /* an address outside the cluster */
	FP_ID_APISERVER = 4,  /* the Kubernetes API server at an address */
	FP_ID_UNRESOLVED = 5, /* cannot be tied to a workload or an outside address */
	FP_ID_CNI = 6,        /* the CNI's own endpoints (health checks, ...) */
};

struct fp_identity {
	enum fp_id_kind kind;
	char *key;      /* unique: "w:<ns>/<name>", "ip:<addr>", "node", ... */
	char *ns;       /* workloads only */
	char *name;     /* workload name, or the address */
	char *wkind;    /* workload kind when known */
	struct fp_label *labels; /* labels every pod carried, sorted */
	size_t n_labels;
	struct fp_selector sel;  /* workloads with selectable == true */
	bool selectable;
	char *note;     /* why it cannot be selected exactly, or NULL */
	char *also;     /* workloads with the same labels folded into this one */
	char *cidrs;    /* a known network's blocks, or the nodes' /32s: "cidr,cidr" */
	/* For evaluating policies (not stored with a run): */
	char **sets;    /* every label set its pods carried, "k=v,k=v" */
	size_t n_sets;
	char *ports;    /* named container ports "name/proto/port,...", or NULL */
	char *ns_labels; /* its namespace's labels "k=v,...", or NULL */
};

struct fp_idset;
struct fp_idbuild;
struct fp_resolver;

/* An identity an endpoint stands for, with the port it was reached on. */
struct fp_idref {
	uint32_t id;
	uint16_t port;
};

/*
 * Start building the identities of @db's endpoints.  With a resolver
 * (borrowed; it must outlive the builder), every workload of the inventory
 * is known, and endpoints that carry only an address or a pod name are
 * resolved per flow by fp_idbuild_resolve().  @labels (borrowed, may be
 * NULL; it must outlive the builder) adds preferred selector keys and
 * volatile keys to the built-in ones.  Free with fp_idbuild_free().
 */
int fp_idbuild_new(struct fp_idbuild **out, struct fp_db *db, struct fp_resolver *res,
		   const struct fp_k8s_labels *labels, struct fp_err *err);
void fp_idbuild_free(struct fp_idbuild *b);

/*
 * The identities endpoint @ep stands for at time @t: one, or several for a
 * Service address (its backends, each with the target port that service
 * port @port/@proto reaches).  Fills up to @max refs (builder indexes).
 */
int fp_idbuild_resolve(struct fp_idbuild *b, struct fp_idref *out, size_t max, size_t *n_out,
		       int64_t ep, int64_t t, uint8_t proto, uint16_t port, struct fp_err *err);

/*
 * Does endpoint @ep, at time @t, listen on @port/@proto (a container port of
 * the pod that held its address, or a port of the Service at it)?  False
 * when the inventory does not say.
 */
bool fp_idbuild_listens(struct fp_idbuild *b, int64_t ep, int64_t t, uint8_t proto,
			uint16_t port);

/*
 * Choose selectors and sort: *@out gets the finished set (caller frees),
 * *@rank maps builder indexes to indexes in it (caller frees).
 */
int fp_idbuild_finish(struct fp_idbuild *b, struct fp_idset **out, long **rank,
		      struct fp_err *err);

/*
 * Build the identities of every endpoint in @db.  The result owns its
 * identities; free it with fp_idset_free().
 */
int fp_idset_build(struct fp_idset **out, struct fp_db *db, struct fp_err *err);
void fp_idset_free(struct fp_idset *s);

size_t fp_idset_count(const struct fp_idset *s);
/* Identity @i; borrowed until fp_idset_free(). */
const struct fp_identity *fp_idset_get(const struct fp_idset *s, size_t i);
/* The identity of endpoint id @ep, or -1 when the endpoint is unknown. */
long fp_idset_of_endpoint(const struct fp_idset *s, int64_t ep);
/* The identity with key @key, or -1. */
long fp_idset_find(const struct fp_idset *s, const char *key);

/* Store the identities of run @run; load them back (order by key). */
int fp_idset_store(const struct fp_idset *s, struct fp_db *db, int64_t run, struct fp_err *err);
/*
 * Move identities @pick (indexes into @from, whose keys @s lacks) into @s
 * and sort @s again; @from keeps empty slots and must then only be freed.
 * *@rank maps @s's old indexes to the new ones (free() it).
 */
int fp_idset_adopt(struct fp_idset *s, struct fp_idset *from, const long *pick, size_t n_pick,
		   long **rank_out, struct fp_err *err);
int fp_idset_load(struct fp_idset **out, struct fp_db *db, int64_t run, struct fp_err *err);

#endif
