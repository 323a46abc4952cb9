/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-run.c - flowpol run: ingest, aggregate and generate in one command,
 * the weekly job.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/ingest-files.h"
#include "cmd/pipeline.h"

static const char usage_text[] =
	"usage: flowpol run [-d DB] -o DIR [window/generate options] [FILE...]\n"
	"\n"
	"Ingest FILEs (if any; files already ingested are skipped), aggregate the\n"
	"window, and write the policies and REVIEW.md to DIR: the weekly job in one\n"
	"command.  Re-running on the same inputs writes the same bytes.\n"
	"\n"
	"  -d, --db DB           database file (default: flowpol.db)\n"
	"  -o, --output DIR      output directory (created if missing)\n"
	"  -f, --format FORMAT   input format (default: detected per file):\n"
	"%s"
	"      --max-errors N    stop after N rejected lines in all (default: 1000)\n"
	"      --memory SIZE     memory for folding flows before spilling (default: 128M)\n"
	"      --since T         start of the window (RFC 3339 or a duration like 7d)\n"
	"      --until T         end of the window (excluded)\n"
	"      --min-flows N     edges with fewer flows get no rule\n"
	"  -n, --namespace NS    only this namespace (repeatable)\n"
	"      --no-default-deny do not write the default-deny policies\n"
	"      --progress        show progress on stderr even when it is not a terminal\n"
	"  -q, --quiet           no progress, no per-file summary\n"
	"      --threads N       threads parsing each file (default: one per CPU);\n"
	"                        the results are the same with any number\n"
	"  -h, --help            show this help\n";

static const struct option opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "max-errors", required_argument, NULL, 'E' },
	{ "memory", required_argument, NULL, 'M' },
	{ "min-flows", required_argument, NULL, 'F' },
	{ "namespace", required_argument, NULL, 'n' },
	{ "no-default-deny", no_argument, NULL, 'D' },
	{ "output", required_argument, NULL, 'o' },
	{ "progress", no_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "since", required_argument, NULL, 'S' },
	{ "threads", required_argument, NULL, 'T' },
	{ "until", required_argument, NULL, 'U' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int
cmd_run(int argc, char **argv)
{
	struct fp_ingest_files_opts io = fp_ingest_files_defaults();
	struct fp_pipeline_opts po;
	const char *arg_db = FP_DEFAULT_DB;
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	int o, status = 0;

	fp_pipeline_init(&po);
	while ((o = getopt_long(argc, argv, "d:f:n:o:qh", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'h':
			fp_ingest_files_help(usage_text);
			fp_pipeline_done(&po);
			return FP_EXIT_OK;
		default:
			status = fp_pipeline_window_option(&po, "run", o, optarg);
			if (status == 1)
				status = fp_pipeline_generate_option(&po, "run", o, optarg);
			if (status == 1)
				status = fp_ingest_files_option(&io, "run", o, optarg);
			if (status < 0)
				goto out;
		}
	}
	if (po.out_dir == NULL) {
		status = fp_cli_usage("run", "no output directory (-o DIR)");
		goto out;
	}
	status = fp_ingest_files_check(&io, "run");
	if (status < 0)
		goto out;
	status = fp_db_open(&db, arg_db, 0, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	if (optind < argc) {
		status = fp_ingest_files(db, &io, argc - optind, argv + optind);
		if (status < 0)
			goto out;
	}
	status = fp_pipeline_aggregate(&es, db, &po);
	if (status == 0)
		status = fp_pipeline_generate(db, es, &po);
out:
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_pipeline_done(&po);
	return fp_exit_code(status);
}
