/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline-json.c - 'run --json' and 'generate --json': one JSON document
 * on stdout for the CI step that follows (did anything change, how many
 * rules, what was carried), with sorted keys so it diffs cleanly.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cmd/pipeline.h"
#include "lib/history.h"
#include "lib/policy.h"
#include "lib/util-time.h"

static json_t *
counts(const struct fp_edgeset *es)
{
	json_int_t admitted = 0, existing = 0, other = 0, carried = 0, flagged = 0, pruned = 0,
		   low = 0;

	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];

		low += e->low_evidence;
		if (e->stale > 0) {
			carried += e->status == FP_EDGE_ALLOW;
			pruned += e->status == FP_EDGE_PRUNED;
			flagged += e->status == FP_EDGE_ALLOW && fp_history_is_flagged(es, e);
		} else if (e->status == FP_EDGE_ALLOW) {
			admitted++;
		} else if (e->status == FP_EDGE_EXISTING) {
			existing++;
		} else if (e->status != FP_EDGE_CNI && e->status != FP_EDGE_NO_POD) {
			other++;
		}
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "admitted", admitted,
			 "already_admitted", existing, "not_admitted", other, "carried", carried,
			 "flagged_stale", flagged, "pruned", pruned, "low_evidence", low);
}

int
fp_pipeline_print_json(const struct fp_pipeline_opts *o, const struct fp_edgeset *es,
		       const struct fp_policy_model *m, uint64_t digest, uint64_t rejected,
		       const char *changes_json)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ], hex[32];
	json_t *doc, *nss = json_array(), *changes = NULL;
	bool changed = false;
	char *text;

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)digest);
	for (size_t i = 0; nss != NULL && i < m->n; i++)
		json_array_append_new(nss, json_pack("{s:s, s:I}", "name", m->nss[i].ns, "policies",
						     (json_int_t)m->nss[i].n));
	if (changes_json != NULL) {
		changes = json_loads(changes_json, 0, NULL);
		changed = json_is_true(json_object_get(changes, "changed"));
	}
	doc = json_pack("{s:s, s:{s:s, s:s}, s:I, s:s, s:s, s:o, s:o, s:I, s:o, s:I}", "output",
			o->out_dir, "window", "since", fp_time_format(a, es->since), "until",
			fp_time_format(b, es->until), "run", (json_int_t)es->run, "digest", hex,
			"exit_reason", o->baseline == NULL ? "written" : changed ? "changed" : "unchanged",
			"namespaces", nss != NULL ? nss : json_null(), "connections", counts(es),
			"rejected_lines", (json_int_t)rejected, "changes",
			changes != NULL ? changes : json_null(), "windows_recorded",
			(json_int_t)es->windows);
	if (doc == NULL)
		return FP_ENOMEM;
	text = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(doc);
	if (text == NULL)
		return FP_ENOMEM;
	printf("%s\n", text);
	free(text);
	return 0;
}
