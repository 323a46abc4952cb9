/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report-private.h - between the parts of REVIEW.md: the main report
 * (report.c) and the history sections (report-history.c).
 */
#ifndef FP_REPORT_PRIVATE_H
#define FP_REPORT_PRIVATE_H

#include <stdint.h>

#include "lib/identity.h"
#include "lib/policy.h"
#include "lib/util-buf.h"

/* The name with its selector, for tables: "bookinfo/ratings-v1 (`app=ratings`)". */
void fp_report_id_cell(struct fp_buf *out, const struct fp_identity *id);
/* "TCP", "UDP", "SCTP", or "proto N" written into @buf. */
const char *fp_report_proto_text(uint8_t proto, char buf[16]);

/* Summary lines for the top of the report: carried and low-evidence edges. */
void fp_report_history_summary(struct fp_buf *out, const struct fp_policy_model *m);
/* The sections: low evidence, rules without traffic in this window. */
void fp_report_history(struct fp_buf *out, const struct fp_policy_model *m);

#endif
