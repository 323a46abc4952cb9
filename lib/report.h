/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.h - REVIEW.md: what a reviewer needs to merge the policies.
 *
 * For every policy and rule the evidence behind it (flows, days, first and
 * last seen), rules with little evidence flagged, what was observed but not
 * admitted and why (node traffic, unresolved endpoints, protocols a
 * NetworkPolicy cannot name, dropped flows, edges below --min-flows), and a
 * Mermaid graph per namespace that renders in the pull request.  Like the
 * YAML, the report depends only on the traffic, never on file names or the
 * order of input lines, so re-runs give the same bytes.
 */
#ifndef FP_REPORT_H
#define FP_REPORT_H

#include <stdint.h>

#include "lib/err.h"
#include "lib/layout.h"
#include "lib/policy.h"
#include "lib/util-buf.h"

/* A rule backed by fewer flows than this is flagged as low evidence. */
#define FP_REPORT_LOW_FLOWS 3

struct fp_netpol_set;
struct fp_check_result;

struct fp_report_input {
	uint64_t rejected; /* rejected input lines in the database */
	/* generate --existing: the policies in force, how they fared on the
	 * window's edges, and how many edges each of their rules admitted
	 * (use[k] for the k-th rule counting policies, directions, rules in
	 * order).  All NULL without --existing. */
	const char *existing_dir;
	const struct fp_netpol_set *existing;
	const struct fp_check_result *existing_check;
	const size_t *rule_use;
	/* --baseline: the changes since, as Markdown, to open the report (its
	 * last heading introduces the rest); or NULL */
	const char *changes;
	/* Where the policy files are: the report names and links them. */
	enum fp_layout layout;
};

/* Append the report to @out. */
int fp_report_render(struct fp_buf *out, const struct fp_policy_model *m,
		     const struct fp_report_input *in, struct fp_err *err);

/* Render and write DIR/REVIEW.md atomically. */
int fp_report_write(const struct fp_policy_model *m, const struct fp_report_input *in,
		    const char *dir, struct fp_err *err);

/* "app=web,tier=db" for a selector (matchLabels, then "!key" for absent keys). */
int fp_report_selector_text(struct fp_buf *out, const struct fp_selector *sel);

#endif
