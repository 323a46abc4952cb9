/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-diff.c - flowpol diff: what changed in meaning between two policy
 * sets, connection by connection, with the window's traffic as evidence.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "lib/diff.h"
#include "lib/netpol.h"

static const char usage_text[] =
	"usage: flowpol diff [-d DB] [--since T] [--until T] [--json] OLD_DIR NEW_DIR\n"
	"\n"
	"Compare two sets of NetworkPolicies (files or directories, YAML or JSON,\n"
	"walked recursively) by what they admit, not by their text: for every pair\n"
	"of workloads of the database (each with every label set its pods carried),\n"
	"and every workload with every class of outside addresses the ipBlocks tell\n"
	"apart, the admitted port ranges of TCP, UDP and SCTP.  Lists:\n"
	"  new       connections NEW admits that OLD did not, with the window's\n"
	"            traffic on them, or 'no traffic observed'\n"
	"  removed   connections OLD admitted that NEW does not\n"
	"  stale     connections a rule of NEW admits (as OLD did) that had no\n"
	"            traffic in the window\n"
	"  form-only policies in both sets, same namespace and name, written\n"
	"            differently but admitting the same connections\n"
	"  meaning, only-old, only-new: the other policies that differ; renamed\n"
	"            or split policies that admit the same change nothing above\n"
	"Read-only: it can run while an ingest writes.\n"
	"\n"
	"Without a database (no -d and no flowpol.db here) it compares over one pod\n"
	"per pod selector of the policies and per namespace, and says so: named\n"
	"ports, namespace labels and peers no policy selects are then unknown, and\n"
	"there is no evidence and nothing stale.\n"
	"\n"
	"  -d, --db DB      database file (default: flowpol.db)\n"
	"      --since T    start of the window (RFC 3339 or a duration like 7d)\n"
	"      --until T    end of the window (excluded)\n"
	"      --json       a JSON document (sorted keys) instead of text\n"
	"  -h, --help       show this help\n"
	"\n"
	"Exit status: 0 nothing changed in meaning, 1 something did, 2 usage error,\n"
	"3 unreadable or invalid policy documents, database error.\n";

static const struct option opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'J' },
	{ "since", required_argument, NULL, 'S' },
	{ "until", required_argument, NULL, 'U' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static void
on_note(void *ud, const struct fp_err *note)
{
	char buf[600];

	(void)ud;
	fprintf(stderr, "%s%s\n", fp_err_format(buf, sizeof(buf), note),
		note->code == FP_OK ? "" : " (not compared)");
}

static int
load(struct fp_netpol_set **out, const char *path, struct fp_err *err)
{
	int r = fp_netpol_set_new(out, err);

	if (r == 0)
		r = fp_netpol_load_path(*out, path, on_note, NULL, err);
	return r;
}

int
cmd_diff(int argc, char **argv)
{
	struct fp_pipeline_opts po;
	const char *arg_db = NULL;
	bool json = false, no_db;
	struct fp_netpol_set *old = NULL, *new = NULL;
	struct fp_diff_result *res = NULL;
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	struct fp_buf out;
	struct stat st;
	int o, status = 0;

	fp_pipeline_init(&po);
	fp_buf_init(&out);
	while ((o = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'J': json = true; break;
		case 'h':
			printf("%s", usage_text);
			fp_pipeline_done(&po);
			return FP_EXIT_OK;
		default:
			status = fp_pipeline_window_option(&po, "diff", o, optarg);
			if (status == 1)
				status = fp_cli_bad_option("diff");
			if (status < 0)
				goto out;
		}
	}
	if (argc - optind < 2) {
		status = fp_cli_usage("diff", "expected OLD_DIR and NEW_DIR");
		goto out;
	}
	if (argc - optind > 2) {
		status = fp_cli_usage("diff", "unexpected operand: '%s'",
				      argv[optind + 2]);
		goto out;
	}
	/* No database named and none here: the policies' own universe. */
	no_db = arg_db == NULL && stat(FP_DEFAULT_DB, &st) < 0 && errno == ENOENT;
	if (no_db && (po.window.has_since || po.window.has_until)) {
		status = fp_cli_usage("diff", "--since and --until need a database");
		goto out;
	}
	status = load(&old, argv[optind], &err);
	if (status == 0)
		status = load(&new, argv[optind + 1], &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	if (fp_netpol_invalid(old) + fp_netpol_invalid(new) > 0) {
		/* A set missing a policy would report its absence as a change. */
		size_t n = fp_netpol_invalid(old) + fp_netpol_invalid(new);

		fp_cli_msg("%zu policy document%s invalid; nothing compared", n,
			   n == 1 ? " was" : "s were");
		status = FP_EINPUT;
		goto out;
	}
	if (no_db) {
		fp_cli_msg(
			"no database '%s': comparing over the pods the policies select, "
			"without evidence",
			FP_DEFAULT_DB);
	} else {
		status = fp_db_open(&db, arg_db != NULL ? arg_db : FP_DEFAULT_DB,
				    FP_DB_READONLY, &err);
		if (status == 0)
			status = fp_edge_compute(&es, db, &po.window, &err);
	}
	if (status == 0)
		status = fp_diff_sets(&res, old, new, es, &err);
	if (status == FP_EUSAGE) {
		fp_cli_msg("%s", err.text);
		goto out;
	}
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	status = json ? fp_diff_render_json(&out, res) : fp_diff_render_text(&out, res);
	if (status == 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		status = FP_EIO;
	if (status == 0 && res->changed)
		status = 1;
out:
	fflush(stdout);
	fp_buf_done(&out);
	fp_diff_result_free(res);
	fp_edgeset_free(es);
	fp_netpol_set_free(old);
	fp_netpol_set_free(new);
	fp_db_close(db);
	fp_pipeline_done(&po);
	return fp_exit_code(status);
}
