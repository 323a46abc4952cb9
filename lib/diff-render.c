/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff-render.c - a diff result as text lines, as the Markdown summary at
 * the top of REVIEW.md, and as JSON for CI steps.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/diff.h"
#include "lib/util-time.h"

static const char *const kind_word[] = { "new", "removed", "stale" };

static const char *
change_word(enum fp_diff_change c)
{
	switch (c) {
	case FP_DIFF_SAME: return "same";
	case FP_DIFF_FORM_ONLY: return "form-only";
	case FP_DIFF_MEANING: return "meaning";
	case FP_DIFF_ONLY_OLD: return "only-old";
	case FP_DIFF_ONLY_NEW: return "only-new";
	default: return "unread";
	}
}

/* Text from a file, made printable: only places carry such text. */
static int
add_printable(struct fp_buf *out, const char *s)
{
	int r = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && r == 0; p++)
		r = *p >= 0x20 && *p < 0x7f ? fp_buf_addc(out, (char)*p)
					    : fp_buf_printf(out, "\\x%02x", *p);
	return r;
}

static int
evidence_text(struct fp_buf *out, const struct fp_diff_conn *c)
{
	char t[FP_TIME_BUFSZ];

	if (c->kind == FP_DIFF_STALE)
		return fp_buf_adds(out, "no traffic in the window");
	if (c->flows + c->dropped == 0)
		return fp_buf_adds(out, "no traffic observed");
	if (c->flows > 0)
		fp_buf_printf(out, "%llu flow%s, ", (unsigned long long)c->flows,
			      c->flows == 1 ? "" : "s");
	if (c->dropped > 0)
		fp_buf_printf(out, "%llu dropped, ", (unsigned long long)c->dropped);
	return fp_buf_printf(out, "last seen %s", fp_time_format(t, c->last));
}

int
fp_diff_render_text(struct fp_buf *out, const struct fp_diff_result *r)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];

	for (size_t i = 0; i < r->n_conns; i++) {
		const struct fp_diff_conn *c = &r->conns[i];

		fp_buf_printf(out, "%-9s %s -> %s ", kind_word[c->kind], c->src.text,
			      c->dst.text);
		fp_diff_ports_text(out, c);
		/* Without a database there is no evidence to give, and the
		 * summary line says so once. */
		if (r->evidence || c->kind == FP_DIFF_STALE) {
			fp_buf_adds(out, ": ");
			evidence_text(out, c);
		}
		if (c->partial)
			fp_buf_adds(out, " (for some of the pods' label sets only)");
		if (c->kind == FP_DIFF_REMOVED && c->flows > 0)
			fp_buf_adds(out, "; NEW would deny traffic that was observed");
		fp_buf_addc(out, '\n');
	}
	for (size_t i = 0; i < r->n_policies; i++) {
		const struct fp_diff_policy *p = &r->policies[i];

		fp_buf_printf(out, "%-9s policy %s/%s (", change_word(p->change), p->ns,
			      p->name);
		if (p->old_place != NULL)
			add_printable(out, p->old_place);
		if (p->old_place != NULL && p->new_place != NULL)
			fp_buf_adds(out, " -> ");
		if (p->new_place != NULL)
			add_printable(out, p->new_place);
		fp_buf_adds(out, ")\n");
	}
	fp_buf_printf(
		out,
		"%zu new, %zu removed, %zu stale connections; %zu policies changed only "
		"in form, %zu in meaning, %zu only in OLD, %zu only in NEW\n",
		r->counts[FP_DIFF_NEW], r->counts[FP_DIFF_REMOVED],
		r->counts[FP_DIFF_STALE], r->changes[FP_DIFF_FORM_ONLY],
		r->changes[FP_DIFF_MEANING], r->changes[FP_DIFF_ONLY_OLD],
		r->changes[FP_DIFF_ONLY_NEW]);
	if (r->evidence)
		fp_buf_printf(
			out,
			"compared over %zu workloads and %zu address classes, window "
			"%s to %s",
			r->pods, r->classes, fp_time_format(a, r->since),
			fp_time_format(b, r->until));
	else
		fp_buf_printf(
			out,
			"compared over %zu pods the policies select and %zu address "
			"classes (no database)",
			r->pods, r->classes);
	if (r->skipped > 0)
		fp_buf_printf(out, "; %zu workloads with unknown labels not compared",
			      r->skipped);
	return fp_buf_addc(out, '\n');
}

/* --- Markdown ------------------------------------------------------------- */

/* A table cell: nothing in it may end the cell, start markup or HTML. */
static void
md_cell(struct fp_buf *out, const char *s)
{
	if (s == NULL) {
		fp_buf_addc(out, '-');
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			fp_buf_printf(out, "\\\\x%02x", *p);
		else if (*p == '<')
			fp_buf_adds(out, "&lt;");
		else if (*p == '>')
			fp_buf_adds(out, "&gt;");
		else if (*p == '&')
			fp_buf_adds(out, "&amp;");
		else if (strchr("\\`*_[]|#~!{}", *p) != NULL)
			fp_buf_printf(out, "\\%c", *p);
		else
			fp_buf_addc(out, (char)*p);
	}
}

/*
 * A new connection whose ends and protocol had other ports before, now
 * stale or removed: a port that changed, which a reviewer reads as one
 * change, not two.
 */
static const struct fp_diff_conn *
was(const struct fp_diff_result *r, const struct fp_diff_conn *c)
{
	if (c->kind != FP_DIFF_NEW)
		return NULL;
	for (size_t i = 0; i < r->n_conns; i++) {
		const struct fp_diff_conn *o = &r->conns[i];

		if (o->kind != FP_DIFF_NEW && o->proto == c->proto &&
		    strcmp(o->src.text, c->src.text) == 0 && strcmp(o->dst.text, c->dst.text) == 0)
			return o;
	}
	return NULL;
}

static void
md_table(struct fp_buf *out, const struct fp_diff_result *r, enum fp_diff_kind kind,
	 const char *title)
{
	char t[FP_TIME_BUFSZ];
	bool stale = kind == FP_DIFF_STALE;

	if (r->counts[kind] == 0)
		return;
	fp_buf_printf(out, "### %s\n\n", title);
	fp_buf_adds(
		out,
		stale ? "| source | destination | ports |\n|---|---|---|\n"
		      : "| source | destination | ports | flows | dropped | last seen "
			"| note |\n|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->n_conns; i++) {
		const struct fp_diff_conn *c = &r->conns[i];
		struct fp_buf ports;

		if (c->kind != kind)
			continue;
		fp_buf_init(&ports);
		fp_diff_ports_text(&ports, c);
		fp_buf_adds(out, "| ");
		md_cell(out, c->src.text);
		fp_buf_adds(out, " | ");
		md_cell(out, c->dst.text);
		fp_buf_adds(out, " | ");
		md_cell(out, fp_buf_str(&ports));
		fp_buf_done(&ports);
		if (stale) {
			fp_buf_adds(out, " |\n");
			continue;
		}
		if (r->evidence)
			fp_buf_printf(out, " | %llu | %llu | %s | ",
				      (unsigned long long)c->flows,
				      (unsigned long long)c->dropped,
				      c->last != 0 ? fp_time_format(t, c->last)
						   : "never");
		else
			fp_buf_adds(out, " | - | - | - | ");
		if (c->partial)
			fp_buf_adds(out, "some label sets only");
		if (kind == FP_DIFF_REMOVED && c->flows > 0)
			fp_buf_printf(out, "%s**observed traffic will be denied**",
				      c->partial ? "; " : "");
		if (was(r, c) != NULL) {
			fp_buf_init(&ports);
			fp_diff_ports_text(&ports, was(r, c));
			fp_buf_printf(out, "%sport changed: was ", c->partial ? "; " : "");
			md_cell(out, fp_buf_str(&ports));
			fp_buf_adds(out, was(r, c)->kind == FP_DIFF_STALE ? " (kept, no traffic)"
									: " (removed)");
			fp_buf_done(&ports);
		}
		fp_buf_adds(out, " |\n");
	}
	fp_buf_addc(out, '\n');
}

int
fp_diff_render_markdown(struct fp_buf *out, const struct fp_diff_result *r)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	size_t form = r->changes[FP_DIFF_FORM_ONLY];

	fp_buf_adds(out, "## Changes since the baseline\n\n");
	if (!r->changed)
		fp_buf_adds(out, "No change in what the policies admit.");
	else
		fp_buf_printf(out, "**%zu new** and **%zu removed** connections.",
			      r->counts[FP_DIFF_NEW], r->counts[FP_DIFF_REMOVED]);
	fp_buf_printf(out,
		      " %zu stale (admitted, but no traffic in the window); %zu polic%s "
		      "changed only in form.\n\n",
		      r->counts[FP_DIFF_STALE], form, form == 1 ? "y" : "ies");
	if (r->evidence)
		fp_buf_printf(out,
			      "Compared over %zu workloads and %zu classes of outside "
			      "addresses; evidence from %s to %s.\n\n",
			      r->pods, r->classes, fp_time_format(a, r->since),
			      fp_time_format(b, r->until));
	else
		fp_buf_printf(
			out,
			"Compared over %zu pods the policies select and %zu classes of "
			"outside addresses; no database, so no evidence.\n\n",
			r->pods, r->classes);
	md_table(out, r, FP_DIFF_NEW, "New: admitted now, not before");
	md_table(out, r, FP_DIFF_REMOVED, "Removed: admitted before, not now");
	md_table(out, r, FP_DIFF_STALE, "Stale: admitted, no traffic in the window");
	if (form > 0) {
		fp_buf_adds(out, "### Changed only in form\n\n");
		for (size_t i = 0; i < r->n_policies; i++) {
			const struct fp_diff_policy *p = &r->policies[i];

			if (p->change != FP_DIFF_FORM_ONLY)
				continue;
			fp_buf_printf(out, "- %s/%s (", p->ns, p->name);
			md_cell(out, p->old_place);
			fp_buf_adds(out, " -&gt; ");
			md_cell(out, p->new_place);
			fp_buf_adds(out, ")\n");
		}
		fp_buf_addc(out, '\n');
	}
	return out->data == NULL ? FP_ENOMEM : 0;
}

/* --- JSON ------------------------------------------------------------------ */

static json_t *
conn_json(const struct fp_diff_result *r, const struct fp_diff_conn *c)
{
	json_t *o = json_object(), *ranges = json_array();
	struct fp_buf ports;
	char t[FP_TIME_BUFSZ];

	fp_buf_init(&ports);
	fp_diff_ports_text(&ports, c);
	for (size_t i = 0; i < c->n_ranges; i++)
		json_array_append_new(ranges, json_pack("{s:i, s:i}", "from",
							(int)c->ranges[i].lo, "to",
							(int)c->ranges[i].hi));
	json_object_set_new(o, "source", json_string(c->src.text));
	json_object_set_new(o, "destination", json_string(c->dst.text));
	json_object_set_new(o, "protocol", json_string(fp_proto_name(c->proto)));
	json_object_set_new(o, "ports", ranges);
	json_object_set_new(o, "ports_text", json_string(fp_buf_str(&ports)));
	json_object_set_new(o, "partial", json_boolean(c->partial));
	if (r->evidence && c->kind != FP_DIFF_STALE) {
		json_object_set_new(o, "flows", json_integer((json_int_t)c->flows));
		json_object_set_new(o, "dropped", json_integer((json_int_t)c->dropped));
		json_object_set_new(o, "last_seen",
				    c->last != 0 ? json_string(fp_time_format(t, c->last))
						 : json_null());
	}
	fp_buf_done(&ports);
	return o;
}

static json_t *
policy_json(const struct fp_diff_policy *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "namespace", p->ns, "name", p->name,
			      "change", change_word(p->change));

	/* Places were made printable ASCII when they were recorded. */
	json_object_set_new(o, "old",
			    p->old_place ? json_string(p->old_place) : json_null());
	json_object_set_new(o, "new",
			    p->new_place ? json_string(p->new_place) : json_null());
	return o;
}

int
fp_diff_render_json(struct fp_buf *out, const struct fp_diff_result *r)
{
	json_t *root = json_object(), *lists[3], *pols = json_array(), *counts, *universe;
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	char *text;
	int rc;

	for (int k = 0; k < 3; k++)
		lists[k] = json_array();
	for (size_t i = 0; i < r->n_conns; i++)
		json_array_append_new(lists[r->conns[i].kind],
				      conn_json(r, &r->conns[i]));
	for (size_t i = 0; i < r->n_policies; i++)
		json_array_append_new(pols, policy_json(&r->policies[i]));
	counts = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "new",
			   (json_int_t)r->counts[FP_DIFF_NEW], "removed",
			   (json_int_t)r->counts[FP_DIFF_REMOVED], "stale",
			   (json_int_t)r->counts[FP_DIFF_STALE], "form_only",
			   (json_int_t)r->changes[FP_DIFF_FORM_ONLY], "meaning",
			   (json_int_t)r->changes[FP_DIFF_MEANING], "only_old",
			   (json_int_t)r->changes[FP_DIFF_ONLY_OLD], "only_new",
			   (json_int_t)r->changes[FP_DIFF_ONLY_NEW], "unread",
			   (json_int_t)r->changes[FP_DIFF_UNREAD]);
	universe = json_pack(
		"{s:I, s:I, s:I, s:b, s:I, s:I}", "pods", (json_int_t)r->pods,
		"address_classes", (json_int_t)r->classes, "skipped_workloads",
		(json_int_t)r->skipped, "database", r->evidence, "old_policies",
		(json_int_t)r->old_policies, "new_policies", (json_int_t)r->new_policies);
	if (r->evidence) {
		json_object_set_new(universe, "window_start",
				    json_string(fp_time_format(a, r->since)));
		json_object_set_new(universe, "window_end",
				    json_string(fp_time_format(b, r->until)));
	}
	json_object_set_new(root, "changed", json_boolean(r->changed));
	json_object_set_new(root, "exit_reason",
			    json_string(r->changed ? "changed" : "unchanged"));
	json_object_set_new(root, "counts", counts);
	json_object_set_new(root, "universe", universe);
	json_object_set_new(root, "new", lists[FP_DIFF_NEW]);
	json_object_set_new(root, "removed", lists[FP_DIFF_REMOVED]);
	json_object_set_new(root, "stale", lists[FP_DIFF_STALE]);
	json_object_set_new(root, "policies", pols);
	text = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		return FP_ENOMEM;
	rc = fp_buf_adds(out, text);
	if (rc == 0)
		rc = fp_buf_addc(out, '\n');
	free(text);
	return rc;
}
