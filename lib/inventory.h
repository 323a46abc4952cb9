/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inventory.h - loading Kubernetes object snapshots into the database.
 *
 * A snapshot is what `kubectl get pods,services,... -A -o json` prints: a
 * List of any mix of Pods, Services, EndpointSlices, Namespaces, Nodes and
 * controllers (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs,
 * CronJobs), a single object, or a `kubectl get -w -o json` stream of
 * objects or watch events.  Every object is validated like a flow-log line
 * (names, namespaces, labels, addresses); a bad one is reported and skipped.
 * A snapshot is stored in one transaction with its fingerprint: loading the
 * same content again changes nothing.
 */
#ifndef FP_INVENTORY_H
#define FP_INVENTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/input.h"

struct fp_inventory_opts {
	bool has_at;   /* use @at as the snapshot time */
	int64_t at;
	/* Called for each object that was rejected (err names file and line). */
	void (*on_reject)(void *userdata, const struct fp_err *reject);
	void *userdata;
};

struct fp_inventory_stats {
	char fingerprint[FP_FINGERPRINT_BUFSZ];
	bool duplicate;
	char duplicate_of[256];
	int64_t at;        /* the snapshot time */
	bool at_from_data; /* taken from the newest timestamp inside */
	uint64_t objects, pods, services, slices, nodes, namespaces, controllers;
	uint64_t skipped;  /* objects of other kinds */
	uint64_t rejected;
};

/* Largest snapshot read whole. */
#define FP_INVENTORY_MAX_BYTES ((size_t)1 << 30)

/*
 * Load the snapshot in @path ("-" = standard input; gzip recognised).
 * Returns 0 (also for a duplicate), FP_EINPUT when the file is not JSON or
 * holds no Kubernetes objects, FP_EIO, FP_EDB.
 */
int fp_inventory_load_file(struct fp_inventory_stats *out, struct fp_db *db, const char *path,
			   const struct fp_inventory_opts *opts, struct fp_err *err);

/* The same for snapshot text in memory, named @name (tests and fuzzing). */
int fp_inventory_load_text(struct fp_inventory_stats *out, struct fp_db *db, const char *name,
			   const char *text, size_t len, const struct fp_inventory_opts *opts,
			   struct fp_err *err);

#endif
