/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-check.c - flowpol check: would these policies have denied anything
 * observed?  A CI gate on a policy pull request.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "lib/check.h"
#include "lib/netpol.h"
#include "lib/util-time.h"

static const char usage_text[] =
	"usage: flowpol check [-d DB] [--since T] [--until T] [--format text|json|markdown]\n"
	"                     [--show-allowed] [--dropped] POLICY_FILE_OR_DIR...\n"
	"\n"
	"Replay every connection observed in the window against the NetworkPolicies\n"
	"in the given files and directories (YAML or JSON, walked recursively) with\n"
	"Kubernetes' semantics, and list those the policies would deny, with their\n"
	"flows, when they were last seen, and which side denies them and why.\n"
	"Exit status 1 when anything observed would be denied: a gate for a policy\n"
	"pull request.  Read-only: it can run while an ingest writes.\n"
	"\n"
	"  -d, --db DB          database file (default: flowpol.db)\n"
	"      --since T        start of the window (RFC 3339 or a duration like 7d)\n"
	"      --until T        end of the window (excluded)\n"
	"      --format F       text (default), json or markdown\n"
	"      --show-allowed   also list the allowed connections and the policy and\n"
	"                       rule that admits each\n"
	"      --dropped        also replay connections the engine dropped (to prove a\n"
	"                       'flowpol triage' policy lets them through)\n"
	"      --json           the same as --format json\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 nothing observed would be denied, 1 something would,\n"
	"2 usage error, 3 unreadable or invalid policy documents, database error.\n";

static const struct option opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "dropped", no_argument, NULL, 'R' },
	{ "format", required_argument, NULL, 'T' },
	{ "ip-grace", required_argument, NULL, 'G' },
	{ "json", no_argument, NULL, 'J' },
	{ "show-allowed", no_argument, NULL, 'A' },
	{ "since", required_argument, NULL, 'S' },
	{ "until", required_argument, NULL, 'U' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

enum format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };

static void
on_note(void *ud, const struct fp_err *note)
{
	char buf[600];

	(void)ud;
	fprintf(stderr, "%s%s\n", fp_err_format(buf, sizeof(buf), note),
		note->code == FP_OK ? "" : " (not evaluated)");
}

static const char *
id_text(const struct fp_identity *id, char *buf, size_t size)
{
	if (id->kind == FP_ID_WORKLOAD)
		snprintf(buf, size, "%s/%s", id->ns, id->name);
	else
		snprintf(buf, size, "%s", id->name);
	return buf;
}

static const char *
port_text(const struct fp_edge *e, char *buf, size_t size)
{
	const char *p = fp_proto_name(e->proto);

	if (fp_proto_has_ports(e->proto))
		snprintf(buf, size, "%s %u", p, e->port);
	else if (p != NULL)
		snprintf(buf, size, "%s", p);
	else
		snprintf(buf, size, "protocol %u", e->proto);
	return buf;
}

static const char *
side_text(const struct fp_check_item *it)
{
	if (it->egress_denied && it->ingress_denied)
		return "both";
	return it->egress_denied ? "egress" : "ingress";
}

static const char *
verdict_text(enum fp_check_verdict v)
{
	return v == FP_CHECK_DENIED ? "denied" : v == FP_CHECK_ALLOWED ? "allowed" : "unchecked";
}

static void
print_text(const struct fp_edgeset *es, const struct fp_check_result *r, bool show_allowed)
{
	char a[300], b[300], p[32], t[FP_TIME_BUFSZ];

	for (size_t i = 0; i < r->n; i++) {
		const struct fp_check_item *it = &r->items[i];
		const struct fp_edge *e = &es->edges[it->edge];

		if (it->verdict == FP_CHECK_ALLOWED && !show_allowed)
			continue;
		printf("%-9s %s -> %s %s: %llu flows, last seen %s", verdict_text(it->verdict),
		       id_text(fp_idset_get(es->ids, e->src), a, sizeof(a)),
		       id_text(fp_idset_get(es->ids, e->dst), b, sizeof(b)), port_text(e, p, sizeof(p)),
		       (unsigned long long)e->flows, fp_time_format(t, e->last));
		if (it->verdict == FP_CHECK_UNCHECKED)
			printf(": a side could not be resolved to a workload\n");
		else
			printf(": %s\n", it->reason != NULL ? it->reason : "");
	}
	printf("checked %zu connections: %zu allowed, %zu denied, %zu could not be checked\n",
	       r->n, r->allowed, r->denied, r->unchecked);
}

static void
print_markdown(const struct fp_edgeset *es, const struct fp_check_result *r, bool show_allowed)
{
	char a[300], b[300], p[32], t[FP_TIME_BUFSZ];

	printf("## flowpol check\n\n%zu connections checked: **%zu allowed, %zu denied**, %zu "
	       "could not be checked.\n\n",
	       r->n, r->allowed, r->denied, r->unchecked);
	if (r->denied + r->unchecked == 0 && !show_allowed)
		return;
	printf("| verdict | source | destination | port | flows | last seen | why |\n"
	       "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct fp_check_item *it = &r->items[i];
		const struct fp_edge *e = &es->edges[it->edge];

		if (it->verdict == FP_CHECK_ALLOWED && !show_allowed)
			continue;
		printf("| %s | %s | %s | %s | %llu | %s | %s |\n", verdict_text(it->verdict),
		       id_text(fp_idset_get(es->ids, e->src), a, sizeof(a)),
		       id_text(fp_idset_get(es->ids, e->dst), b, sizeof(b)), port_text(e, p, sizeof(p)),
		       (unsigned long long)e->flows, fp_time_format(t, e->last),
		       it->verdict == FP_CHECK_UNCHECKED ? "unresolved side"
							  : (it->reason != NULL ? it->reason : ""));
	}
}

static int
print_json(const struct fp_edgeset *es, const struct fp_check_result *r, bool show_allowed,
	   const struct fp_netpol_set *set)
{
	json_t *root, *items = json_array();
	char a[300], b[300], t[FP_TIME_BUFSZ], u[FP_TIME_BUFSZ];
	int rc;

	for (size_t i = 0; i < r->n; i++) {
		const struct fp_check_item *it = &r->items[i];
		const struct fp_edge *e = &es->edges[it->edge];
		json_t *o;

		if (it->verdict == FP_CHECK_ALLOWED && !show_allowed)
			continue;
		o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:s}", "verdict",
			      verdict_text(it->verdict), "source",
			      id_text(fp_idset_get(es->ids, e->src), a, sizeof(a)), "destination",
			      id_text(fp_idset_get(es->ids, e->dst), b, sizeof(b)), "protocol",
			      fp_proto_name(e->proto) ? fp_proto_name(e->proto) : "other", "port",
			      (int)e->port, "flows", (json_int_t)e->flows, "first_seen",
			      fp_time_format(t, e->first), "last_seen", fp_time_format(u, e->last));
		if (o == NULL)
			continue;
		if (it->verdict == FP_CHECK_DENIED)
			json_object_set_new(o, "denied_on", json_string(side_text(it)));
		if (it->reason != NULL)
			json_object_set_new(o, "reason", json_string(it->reason));
		json_array_append_new(items, o);
	}
	root = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:o}", "window_start",
			 fp_time_format(t, es->since), "window_end", fp_time_format(u, es->until),
			 "checked", (json_int_t)r->n, "allowed", (json_int_t)r->allowed, "denied",
			 (json_int_t)r->denied, "unchecked", (json_int_t)r->unchecked, "policies",
			 (json_int_t)fp_netpol_count(set), "exit_reason",
			 fp_netpol_invalid(set) > 0 ? "invalid-policies"
			 : r->denied > 0	    ? "denied"
						    : "ok",
			 "connections", items);
	if (root == NULL)
		return FP_ENOMEM;
	json_object_set_new(root, "invalid_policies", json_integer((json_int_t)fp_netpol_invalid(set)));
	rc = json_dumpf(root, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
	return rc == 0 ? 0 : FP_EIO;
}

int
cmd_check(int argc, char **argv)
{
	struct fp_pipeline_opts po;
	struct fp_check_opts co = { 0 };
	const char *arg_db = FP_DEFAULT_DB;
	enum format fmt = FMT_TEXT;
	bool show_allowed = false;
	struct fp_netpol_set *set = NULL;
	struct fp_check_result *res = NULL;
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	int o, status = 0;

	fp_pipeline_init(&po);
	while ((o = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'A': show_allowed = true; break;
		case 'R': co.dropped = true; break;
		case 'J': fmt = FMT_JSON; break;
		case 'T':
			if (strcmp(optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(optarg, "markdown") == 0)
				fmt = FMT_MARKDOWN;
			else {
				status = fp_cli_usage("check", "--format: expected text, json or markdown: '%s'",
						      optarg);
				goto out;
			}
			break;
		case 'h':
			printf("%s", usage_text);
			fp_pipeline_done(&po);
			return FP_EXIT_OK;
		default:
			status = fp_pipeline_window_option(&po, "check", o, optarg);
			if (status == 1)
				status = fp_cli_bad_option("check");
			if (status < 0)
				goto out;
		}
	}
	if (optind >= argc) {
		status = fp_cli_usage("check", "no policy files or directories");
		goto out;
	}
	status = fp_netpol_set_new(&set, &err);
	for (int i = optind; status == 0 && i < argc; i++)
		status = fp_netpol_load_path(set, argv[i], on_note, NULL, &err);
	if (status == 0)
		status = fp_db_open(&db, arg_db, FP_DB_READONLY, &err);
	if (status == 0)
		status = fp_edge_compute(&es, db, &po.window, &err);
	if (status == 0)
		status = fp_check_edges(&res, es, set, &co, &err);
	if (status == FP_EUSAGE) {
		fp_cli_msg("%s", err.text);
		goto out;
	}
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	if (fmt == FMT_JSON)
		status = print_json(es, res, show_allowed, set);
	else if (fmt == FMT_MARKDOWN)
		print_markdown(es, res, show_allowed);
	else
		print_text(es, res, show_allowed);
	if (status == 0 && fp_netpol_invalid(set) > 0) {
		fp_cli_msg("%zu policy documents were invalid and not evaluated",
			   fp_netpol_invalid(set));
		status = FP_EINPUT;
	} else if (status == 0 && res->denied > 0) {
		status = 1;
	}
out:
	fflush(stdout);
	fp_check_result_free(res);
	fp_edgeset_free(es);
	fp_netpol_set_free(set);
	fp_db_close(db);
	fp_pipeline_done(&po);
	return fp_exit_code(status);
}
