/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inventory-private.h - what inventory.c (the snapshot walk and its
 * transaction) and inventory-objects.c (one loader per kind) share.
 */
#ifndef FP_INVENTORY_PRIVATE_H
#define FP_INVENTORY_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "lib/db.h"
#include "lib/inventory.h"
#include "lib/util-buf.h"

/* One snapshot being loaded: the prepared inserts and what was seen. */
struct load {
	struct fp_db *db;
	const char *name;
	const struct fp_inventory_opts *opts;
	struct fp_inventory_stats *st;
	int64_t source;
	int64_t newest;
	bool pod_list;
	sqlite3_stmt *pod, *svc, *slice, *node, *ns, *ctl;
	struct fp_buf a, b, c; /* scratch for text columns */
};

/* An object that fails validation: where it is and what is wrong. */
struct where {
	long line;
	const char *kind;
	char id[160]; /* "items[3] (Pod default/web-1)" */
};

/*
 * Validate one object and store it with the prepared statements of @l.
 * A bad object is reported (opts->on_reject) and skipped: 0.  FP_EDB or
 * FP_ENOMEM stop the load.
 */
int fp_inventory__load_object(struct load *l, json_t *obj, struct where *w, struct fp_err *err);

#endif
