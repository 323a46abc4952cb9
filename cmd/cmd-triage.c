/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-triage.c - flowpol triage: temporary, identity-based allow policies
 * for the connections the engine denied just now.  "Permit and pray", done
 * safely: exact workloads and ports, only on the side that denied, and an
 * expiry date to replace them by.
 */
#include "config.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "lib/check.h"
#include "lib/emit.h"
#include "lib/netpol.h"
#include "lib/policy.h"
#include "lib/util-file.h"
#include "lib/util-time.h"

static const char usage_text[] =
	"usage: flowpol triage [-d DB] [--since 30m] [--until T] [--existing DIR] [--ttl 24h]\n"
	"                      [-o FILE]\n"
	"\n"
	"For every connection the policy engine dropped in the window, print a\n"
	"minimal allow policy selecting the workloads by their labels (never pod\n"
	"addresses), on the side that denied it only, annotated with an expiry\n"
	"time: ready for 'kubectl apply -f' while the outage lasts, to be replaced\n"
	"by a reviewed policy.  With --existing, the policies in force decide which\n"
	"side denied each connection and are named; otherwise the side the log\n"
	"reports is used.\n"
	"\n"
	"  -d, --db DB          database file (default: flowpol.db)\n"
	"      --since T        start of the window (default: 30m before the newest flow)\n"
	"      --until T        end of the window (excluded)\n"
	"      --existing DIR   the NetworkPolicies in force (files or directory)\n"
	"      --ttl D          how long the policies may stay (default: 24h)\n"
	"  -o, --output FILE    write the YAML there instead of standard output\n"
	"  -h, --help           show this help\n";

static const struct option opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "existing", required_argument, NULL, 'X' },
	{ "output", required_argument, NULL, 'o' },
	{ "since", required_argument, NULL, 'S' },
	{ "ttl", required_argument, NULL, 'L' },
	{ "until", required_argument, NULL, 'U' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static void
on_note(void *ud, const struct fp_err *note)
{
	char buf[600];

	(void)ud;
	if (note->code != FP_OK)
		fprintf(stderr, "%s (not evaluated)\n", fp_err_format(buf, sizeof(buf), note));
}

static const char *
name_of(const struct fp_identity *id, char *buf, size_t size)
{
	if (id->kind == FP_ID_WORKLOAD)
		snprintf(buf, size, "%s/%s", id->ns, id->name);
	else
		snprintf(buf, size, "%s", id->name);
	return buf;
}

/* With the policies in force, the evaluator says which side denied. */
static int
sides_from_existing(struct fp_edgeset *es, const char *dir, struct fp_err *err)
{
	struct fp_check_opts co = { .dropped = true };
	struct fp_netpol_set *set = NULL;
	struct fp_check_result *r = NULL;
	char a[300], b[300];
	int rc;

	rc = fp_netpol_set_new(&set, err);
	if (rc == 0)
		rc = fp_netpol_load_path(set, dir, on_note, NULL, err);
	if (rc == 0)
		rc = fp_check_edges(&r, es, set, &co, err);
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		const struct fp_check_item *it = &r->items[i];
		struct fp_edge *e = &es->edges[it->edge];

		if (e->status != FP_EDGE_DENIED)
			continue;
		e->denied_sides = 0;
		if (it->verdict != FP_CHECK_DENIED) {
			fprintf(stderr, "%s -> %s: dropped, but the policies given admit it: "
					"not a NetworkPolicy denial\n",
				name_of(fp_idset_get(es->ids, e->src), a, sizeof(a)),
				name_of(fp_idset_get(es->ids, e->dst), b, sizeof(b)));
			continue;
		}
		e->denied_sides = (uint8_t)((it->ingress_denied ? FP_EDGE_SIDE_INGRESS : 0) |
					    (it->egress_denied ? FP_EDGE_SIDE_EGRESS : 0));
		fprintf(stderr, "%s -> %s %s/%u: %s\n",
			name_of(fp_idset_get(es->ids, e->src), a, sizeof(a)),
			name_of(fp_idset_get(es->ids, e->dst), b, sizeof(b)),
			fp_proto_name(e->proto) ? fp_proto_name(e->proto) : "?", e->port,
			it->reason != NULL ? it->reason : "denied");
	}
	fp_check_result_free(r);
	fp_netpol_set_free(set);
	return rc;
}

/* Say what will not get a temporary policy, and why. */
static size_t
report_left_out(const struct fp_edgeset *es)
{
	char a[300], b[300];
	size_t n = 0;

	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];
		const struct fp_identity *s = fp_idset_get(es->ids, e->src);
		const struct fp_identity *d = fp_idset_get(es->ids, e->dst);
		const char *why = NULL;

		if (e->status != FP_EDGE_DENIED)
			continue;
		n++;
		if (!fp_proto_has_ports(e->proto))
			why = "a NetworkPolicy cannot name this protocol";
		else if (e->denied_sides == 0)
			why = "which side denied it is unknown: pass --existing DIR";
		else if ((s->kind == FP_ID_WORKLOAD && !s->selectable) ||
			 (d->kind == FP_ID_WORKLOAD && !d->selectable) || s->kind == FP_ID_UNRESOLVED ||
			 d->kind == FP_ID_UNRESOLVED)
			why = "a side cannot be selected exactly";
		if (why != NULL)
			fprintf(stderr, "%s -> %s: no temporary policy: %s\n", name_of(s, a, sizeof(a)),
				name_of(d, b, sizeof(b)), why);
	}
	return n;
}

static int
write_out(const char *path, const struct fp_buf *b, struct fp_err *err)
{
	char *d, *f, *dcopy = strdup(path), *fcopy = strdup(path);
	int r;

	if (dcopy == NULL || fcopy == NULL) {
		free(dcopy);
		free(fcopy);
		return fp_err_nomem(err);
	}
	d = dirname(dcopy);
	f = basename(fcopy);
	r = fp_file_write_atomic(d, f, fp_buf_str(b), b->len, err);
	free(dcopy);
	free(fcopy);
	return r;
}

int
cmd_triage(int argc, char **argv)
{
	struct fp_pipeline_opts po;
	struct fp_policy_opts pol = { .triage = true };
	const char *arg_db = FP_DEFAULT_DB, *arg_existing = NULL, *arg_out = NULL;
	struct fp_policy_model *m = NULL;
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	char expires[FP_TIME_BUFSZ];
	int64_t ttl = 86400;
	struct fp_buf out;
	size_t denied;
	int o, status = 0;

	fp_pipeline_init(&po);
	fp_buf_init(&out);
	po.window.has_since = true;
	po.window.since_arg = "30m";
	while ((o = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'o': arg_out = optarg; break;
		case 'X': arg_existing = optarg; break;
		case 'L':
			if (fp_time_parse_duration(&ttl, optarg) < 0 || ttl == 0) {
				status = fp_cli_usage("triage", "--ttl: expected a duration like 24h: '%s'",
						      optarg);
				goto out;
			}
			break;
		case 'h':
			printf("%s", usage_text);
			fp_pipeline_done(&po);
			return FP_EXIT_OK;
		default:
			status = fp_pipeline_window_option(&po, "triage", o, optarg);
			if (status == 1)
				status = fp_cli_bad_option("triage");
			if (status < 0)
				goto out;
		}
	}
	if (optind < argc) {
		status = fp_cli_usage("triage", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	status = fp_db_open(&db, arg_db, FP_DB_READONLY, &err);
	if (status == 0)
		status = fp_edge_compute(&es, db, &po.window, &err);
	if (status == 0 && arg_existing != NULL)
		status = sides_from_existing(es, arg_existing, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	denied = report_left_out(es);
	if (denied == 0) {
		fp_cli_msg("no connection was dropped in the window: nothing to triage");
		goto out;
	}
	status = fp_policy_synthesize(&m, es, &pol, &err);
	if (status == 0) {
		m->expires = fp_time_format(expires, es->until + ttl);
		for (size_t i = 0; status == 0 && i < m->n; i++)
			status = fp_emit_namespace(&out, m, &m->nss[i], &err);
	}
	if (status == 0 && arg_out != NULL)
		status = write_out(arg_out, &out, &err);
	else if (status == 0)
		fwrite(fp_buf_str(&out), 1, out.len, stdout);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	fprintf(stderr, "%zu dropped connections; temporary policies for %zu namespaces, to be "
			"replaced by %s\n",
		denied, m->n, expires);
out:
	fflush(stdout);
	fp_buf_done(&out);
	fp_policy_model_free(m);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_pipeline_done(&po);
	return fp_exit_code(status);
}
