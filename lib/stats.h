/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stats.h - what the database holds, for 'flowpol stats' and the report.
 */
#ifndef FP_STATS_H
#define FP_STATS_H

#include <stdint.h>

#include "lib/db.h"
#include "lib/flow.h"

struct fp_stats {
	int schema;
	uint64_t sources, bytes, lines, records, connections, skipped, rejected;
	uint64_t skip[FP_SKIP__COUNT];
	uint64_t tuples, endpoints, dropped_connections, runs;
	int64_t first, last; /* first > last when there are no flows */
};

/* Fill @out from @db.  Returns 0 or FP_EDB. */
int fp_stats_collect(struct fp_stats *out, struct fp_db *db, struct fp_err *err);

#endif
