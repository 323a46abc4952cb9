/* SPDX-License-Identifier: Apache-2.0 */
/*
 * history.h - an aggregation in the light of the windows recorded before it.
 *
 * A weekly job sees one window at a time, but a reviewer needs to know how
 * long a connection has been there, and production must not break because
 * a monthly job slept through one week.  For each edge of a new window this
 * adds its evidence over every recorded window (distinct UTC days, first and
 * last seen), marks edges seen on fewer days than --min-days as low
 * evidence (and, with --require-stable, gives them no rule), and carries
 * forward the rules of the previous window that had no traffic in this one:
 * kept, counted in windows without traffic, flagged after --stale-after
 * windows and dropped only with --prune.
 *
 * "Recorded windows" are the distinct (since, until) of stored aggregations
 * ending no later than this one; of each, only the newest aggregation
 * counts, so re-running a week changes nothing.
 */
#ifndef FP_HISTORY_H
#define FP_HISTORY_H

#include <stdbool.h>

#include "lib/db.h"
#include "lib/edge.h"
#include "lib/err.h"

/* Apply history to the freshly folded @es, before it is stored. */
int fp_history_apply(struct fp_edgeset *es, struct fp_db *db, struct fp_err *err);

/* An allowed edge of this window seen on fewer than --min-days days. */
bool fp_history_is_low(const struct fp_edgeset *es, const struct fp_edge *e);

/* A rule flagged for having had no traffic for --stale-after windows. */
bool fp_history_is_flagged(const struct fp_edgeset *es, const struct fp_edge *e);

#endif
