/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edge-private.h - between the parts of lib/edge: folding (edge.c) and the
 * stored runs (edge-store.c).
 */
#ifndef FP_EDGE_PRIVATE_H
#define FP_EDGE_PRIVATE_H

#include "lib/edge.h"

/* Store @es as a new run, with its options, inputs, identities and edges. */
int fp_edge_store_run(struct fp_edgeset *es, struct fp_db *db, const struct fp_edge_opts *opts,
		      struct fp_err *err);

#endif
