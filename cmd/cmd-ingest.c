/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-ingest.c - flowpol ingest: load flow logs into the database.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli-config.h"
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "cmd/ingest-files.h"
#include "lib/db.h"

static const char usage_text[] =
	"usage: flowpol ingest [-d DB] [-f FORMAT] [--max-errors N] [-c CONFIG] FILE...\n"
	"\n"
	"Read flow logs and store their connections in the database, folded into\n"
	"distinct tuples per minute.  FILE is a path, '-' for standard input; gzip is\n"
	"recognised by its content; JSON lines, or a JSON array or objects printed over\n"
	"many lines.  A file already ingested (same content) is skipped; one that grew\n"
	"since is read from where it ended.  Each bad line is reported as FILE:LINE:\n"
	"reason, kept in the database, and skipped.\n"
	"\n"
	FP_CLI_CONFIG_HELP
	"  -d, --db DB           database file (default: flowpol.db)\n"
	"  -f, --format FORMAT   input format (default: detected per file):\n"
	"%s"
	"      --max-errors N    stop after N rejected lines in all (default: 1000)\n"
	"      --memory SIZE     memory for folding flows before spilling (default: 128M)\n"
	"      --tz ZONE         zone of log times written without one (np.log, CSV):\n"
	"                        UTC (default), +02:00, or a zone like Europe/Berlin\n"
	"      --progress        show progress on stderr even when it is not a terminal\n"
	"  -q, --quiet           no progress, no per-file summary\n"
	"      --threads N       threads parsing each file (default: one per CPU);\n"
	"                        the results are the same with any number\n"
	"  -h, --help            show this help\n";

static const char shortopts[] = "c:d:f:qh";

static const struct option opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "max-errors", required_argument, NULL, 'E' },
	{ "memory", required_argument, NULL, 'M' },
	{ "tz", required_argument, NULL, 'Z' },
	{ "no-config", no_argument, NULL, FP_OPT_NO_CONFIG },
	{ "progress", no_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "threads", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int
cmd_ingest(int argc, char **argv)
{
	struct fp_ingest_files_opts io = fp_ingest_files_defaults();
	const char *arg_db = FP_DEFAULT_DB;
	struct fp_config cfg;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	int o, status;

	/* flowpol.yaml first: the command line then overrides it */
	status = fp_cli_config_load(&cfg, argc, argv, shortopts, opts);
	if (status < 0)
		goto out;
	fp_ingest_files_config(&io, &cfg);
	if (fp_config_has(&cfg, FP_CONFIG_DB))
		arg_db = cfg.db;
	while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (o) {
		case 'c': case FP_OPT_NO_CONFIG: break; /* read above */
		case 'd': arg_db = optarg; break;
		case 'h':
			fp_ingest_files_help(usage_text);
			goto out;
		default:
			status = fp_ingest_files_option(&io, "ingest", o, optarg);
			if (status < 0)
				goto out;
			break;
		}
	}
	if (optind >= argc) {
		status = fp_cli_usage("ingest", "no input files");
		goto out;
	}
	status = fp_ingest_files_check(&io, "ingest");
	if (status < 0)
		goto out;
	status = fp_db_open(&db, arg_db, 0, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	status = fp_ingest_files(db, &io, argc - optind, argv + optind);
out:
	fp_db_close(db);
	fp_config_done(&cfg);
	return fp_exit_code(status);
}
