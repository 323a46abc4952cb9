/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baseline.h - --baseline DIR: the policies merged last time, and what the
 * newly written ones change (see baseline.c).
 */
#ifndef FP_CMD_BASELINE_H
#define FP_CMD_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/edge.h"
#include "lib/netpol.h"
#include "lib/util-buf.h"

struct fp_baseline {
	struct fp_netpol_set *old;
	struct fp_buf review; /* the output directory's REVIEW.md, when DIR is it */
	bool have_review;
	struct fp_buf md;     /* the changes for the top of REVIEW.md */
	struct fp_buf json;   /* the same for --json */
	bool changed;
};

/* Read DIR before anything is written to @out_dir.  FP_EINPUT, FP_EIO. */
int fp_baseline_open(struct fp_baseline *b, const char *dir, const char *out_dir,
		     struct fp_err *err);
/* Compare with what @out_dir now holds (policies written with @digest). */
int fp_baseline_compare(struct fp_baseline *b, const struct fp_edgeset *es, struct fp_db *db,
			uint64_t digest, const char *out_dir, struct fp_err *err);
void fp_baseline_close(struct fp_baseline *b);

#endif
