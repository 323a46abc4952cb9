/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report-history.c - the parts of REVIEW.md that look past this window:
 * connections with too few days of evidence, and rules kept although
 * nothing used them in this window.
 */
#include "config.h"

#include "lib/history.h"
#include "lib/report-private.h"
#include "lib/util-time.h"

static void
edge_cells(struct fp_buf *out, const struct fp_edgeset *es, const struct fp_edge *e)
{
	char pb[16];

	fp_buf_adds(out, "| ");
	fp_report_id_cell(out, fp_idset_get(es->ids, e->src));
	fp_buf_adds(out, " | ");
	fp_report_id_cell(out, fp_idset_get(es->ids, e->dst));
	fp_buf_printf(out, " | %s %u", fp_report_proto_text(e->proto, pb), e->port);
}

static bool
carried(const struct fp_edge *e)
{
	return e->stale > 0 && (e->status == FP_EDGE_ALLOW || e->status == FP_EDGE_PRUNED);
}

void
fp_report_history_summary(struct fp_buf *out, const struct fp_policy_model *m)
{
	const struct fp_edgeset *es = m->es;
	uint64_t low = 0, kept = 0, flagged = 0, pruned = 0;

	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

		low += e->low_evidence;
		if (!carried(e))
			continue;
		kept += e->status == FP_EDGE_ALLOW;
		pruned += e->status == FP_EDGE_PRUNED;
		flagged += e->status == FP_EDGE_ALLOW && fp_history_is_flagged(es, e);
	}
	if (es->min_days > 1 || low > 0)
		fp_buf_printf(out, "- %llu connections seen on fewer than %u day%s over %u recorded "
				   "window%s (low evidence%s)\n",
			      (unsigned long long)low, es->min_days, es->min_days == 1 ? "" : "s",
			      es->windows, es->windows == 1 ? "" : "s",
			      es->require_stable ? ": no rule, --require-stable" : ": admitted");
	if (kept + pruned > 0) {
		fp_buf_printf(out, "- %llu rules kept without traffic in this window (carried from "
				   "earlier windows; %llu without traffic for %u windows or more)",
			      (unsigned long long)kept, (unsigned long long)flagged, es->stale_after);
		if (pruned > 0)
			fp_buf_printf(out, "; %llu removed by --prune", (unsigned long long)pruned);
		fp_buf_adds(out, "\n");
	}
}

static void
low_section(struct fp_buf *out, const struct fp_edgeset *es)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	bool any = false;

	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

		if (!e->low_evidence)
			continue;
		if (!any)
			fp_buf_printf(out, "## Low evidence: seen on fewer than %u day%s\n\n"
					   "Days, first and last seen count every recorded window. %s\n\n"
					   "| source | destination | port | flows | days | first seen | "
					   "last seen | rule |\n|---|---|---|---|---|---|---|---|\n",
				      es->min_days, es->min_days == 1 ? "" : "s",
				      es->require_stable
					      ? "With --require-stable these get no rule until they "
						"have been seen on enough days."
					      : "They are admitted; --require-stable would leave "
						"them out.");
		any = true;
		edge_cells(out, es, e);
		fp_buf_printf(out, " | %llu | %u | %s | %s | %s |\n", (unsigned long long)e->flows,
			      e->days_all, fp_time_format(a, e->first_all),
			      fp_time_format(b, e->last_all),
			      e->status == FP_EDGE_LOW_EVIDENCE ? "none (--require-stable)" : "admitted");
	}
	if (any)
		fp_buf_adds(out, "\n");
}

static void
stale_section(struct fp_buf *out, const struct fp_edgeset *es)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	bool any = false;

	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

		if (!carried(e))
			continue;
		if (!any)
			fp_buf_printf(out, "## Rules without traffic in this window\n\n"
					   "Admitted in an earlier window and kept so that nothing "
					   "breaks: a weekly or monthly job may simply not have run. "
					   "After %u windows without traffic a rule is flagged; "
					   "`--prune` removes flagged rules.\n\n"
					   "| source | destination | port | first seen | last seen | "
					   "windows without traffic | rule |\n"
					   "|---|---|---|---|---|---|---|\n",
				      es->stale_after);
		any = true;
		edge_cells(out, es, e);
		fp_buf_printf(out, " | %s | %s | %u | %s |\n", fp_time_format(a, e->first_all),
			      fp_time_format(b, e->last_all), e->stale,
			      e->status == FP_EDGE_PRUNED        ? "removed (--prune)"
			      : fp_history_is_flagged(es, e) ? "kept, flagged: remove with --prune"
							       : "kept");
	}
	if (any)
		fp_buf_adds(out, "\n");
}

void
fp_report_history(struct fp_buf *out, const struct fp_policy_model *m)
{
	low_section(out, m->es);
	stale_section(out, m->es);
}
