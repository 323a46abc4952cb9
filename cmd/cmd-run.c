/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-run.c - flowpol run: ingest, aggregate and generate in one command,
 * the weekly job.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cli-config.h"
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/ingest-files.h"
#include "cmd/inventory-files.h"
#include "cmd/pipeline.h"

static const char usage_text[] =
	"usage: flowpol run [-d DB] -o DIR [-i INVENTORY]... [window/generate options] [FILE...]\n"
	"                   [-c CONFIG]\n"
	"\n"
	"Load INVENTORY snapshots (if any), ingest FILEs (if any; files already\n"
	"ingested are skipped), aggregate the\n"
	"window, and write the policies and REVIEW.md to DIR: the weekly job in one\n"
	"command.  Re-running on the same inputs writes the same bytes.\n"
	"\n"
	FP_CLI_CONFIG_HELP
	"  -d, --db DB           database file (default: flowpol.db)\n"
	"  -o, --output DIR      output directory (created if missing)\n"
	"      --layout LAYOUT   namespace: DIR/<namespace>.yaml (default); workload:\n"
	"                        DIR/<namespace>/<policy>.yaml, one file per policy\n"
	"  -i, --inventory FILE  kubectl -o json snapshot (repeatable; a quoted pattern\n"
	"                        like 'inventory-*.json' is expanded)\n"
	"  -f, --format FORMAT   input format (default: detected per file):\n"
	"%s"
	"      --max-errors N    stop after N rejected lines in all (default: 1000)\n"
	"      --memory SIZE     memory for folding flows before spilling (default: 128M)\n"
	"      --tz ZONE         zone of log times written without one (np.log, CSV):\n"
	"                        UTC (default), +02:00, or a zone like Europe/Berlin\n"
	"      --since T         start of the window (RFC 3339 or a duration like 7d)\n"
	"      --until T         end of the window (excluded)\n"
	"      --min-flows N     edges with fewer flows get no rule\n"
	"      --ip-grace D      near matches of addresses up to D apart (default: 5m)\n"
	"      --cluster-cidr CIDR, --service-cidr CIDR\n"
	"                        the cluster's pod and Service ranges (repeatable)\n"
	"      --known-networks FILE  YAML naming outside networks (name: [CIDR, ...])\n"
	"      --allow-host      give node traffic rules (ipBlocks of the node addresses)\n"
	"      --prefer-label KEY  select workloads by KEY first (repeatable, in order)\n"
	"      --volatile-label KEY  never select KEY, or every key under PREFIX/*\n"
	"                        (repeatable)\n"
	FP_PIPELINE_HISTORY_HELP
	"  -n, --namespace NS    only this namespace (repeatable)\n"
	"      --skip-namespace NS  never this namespace (repeatable)\n"
	"      --no-default-deny do not write the default-deny policies\n"
	"      --no-dns-tcp      do not add TCP/53 beside an observed UDP/53\n"
	"      --existing DIR    the policies already in force: what they admit gets no\n"
	"                        new rule, and their rules the window never used are\n"
	"                        listed (never removed)\n"
	"      --baseline DIR    the policies merged last time (as in the repository):\n"
	"                        policies whose rules did not change keep their bytes,\n"
	"                        so the pull request shows only what changed\n"
	"      --json            print one JSON document (counts, changes since the\n"
	"                        baseline, exit_reason) instead of the file list\n"
	"      --progress        show progress on stderr even when it is not a terminal\n"
	"  -q, --quiet           no progress, no per-file summary\n"
	"      --threads N       threads parsing each file (default: one per CPU);\n"
	"                        the results are the same with any number\n"
	"  -h, --help            show this help\n";

static const char shortopts[] = "c:d:f:i:n:o:qh";

static const struct option opts[] = {
	{ "allow-host", no_argument, NULL, 'H' },
	{ "baseline", required_argument, NULL, FP_OPT_BASELINE },
	{ "json", no_argument, NULL, FP_OPT_JSON },
	{ "cluster-cidr", required_argument, NULL, 'C' },
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "existing", required_argument, NULL, 'X' },
	{ "format", required_argument, NULL, 'f' },
	{ "inventory", required_argument, NULL, 'i' },
	{ "ip-grace", required_argument, NULL, 'G' },
	{ "known-networks", required_argument, NULL, 'K' },
	{ "layout", required_argument, NULL, FP_OPT_LAYOUT },
	{ "max-errors", required_argument, NULL, 'E' },
	{ "memory", required_argument, NULL, 'M' },
	{ "tz", required_argument, NULL, 'Z' },
	{ "min-flows", required_argument, NULL, 'F' },
	{ "namespace", required_argument, NULL, 'n' },
	{ "no-config", no_argument, NULL, FP_OPT_NO_CONFIG },
	{ "no-default-deny", no_argument, NULL, 'D' },
	{ "no-dns-tcp", no_argument, NULL, FP_OPT_NO_DNS_TCP },
	{ "output", required_argument, NULL, 'o' },
	{ "prefer-label", required_argument, NULL, FP_OPT_PREFER_LABEL },
	{ "progress", no_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "service-cidr", required_argument, NULL, FP_OPT_SERVICE_CIDR },
	{ "since", required_argument, NULL, 'S' },
	{ "skip-namespace", required_argument, NULL, FP_OPT_SKIP_NAMESPACE },
	{ "threads", required_argument, NULL, 'T' },
	{ "until", required_argument, NULL, 'U' },
	{ "volatile-label", required_argument, NULL, FP_OPT_VOLATILE_LABEL },
	FP_PIPELINE_HISTORY_LONGOPTS,
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int
cmd_run(int argc, char **argv)
{
	struct fp_ingest_files_opts io = fp_ingest_files_defaults();
	struct fp_pipeline_opts po;
	struct fp_config cfg;
	const char *arg_db = FP_DEFAULT_DB;
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	char **inventories = NULL;
	int o, status = 0, n_inventories = 0;

	fp_pipeline_init(&po);
	/* flowpol.yaml first: the command line then overrides it */
	status = fp_cli_config_load(&cfg, argc, argv, shortopts, opts);
	if (status == 0)
		status = fp_pipeline_config(&po, &cfg);
	if (status < 0)
		goto out;
	fp_ingest_files_config(&io, &cfg);
	if (fp_config_has(&cfg, FP_CONFIG_DB))
		arg_db = cfg.db;
	while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (o) {
		case 'c': case FP_OPT_NO_CONFIG: break; /* read above */
		case 'd': arg_db = optarg; break;
		case 'i': {
			char **v = realloc(inventories, (n_inventories + 1) * sizeof(*v));

			if (v == NULL) {
				status = FP_ENOMEM;
				goto out;
			}
			inventories = v;
			inventories[n_inventories++] = optarg;
			break;
		}
		case 'h':
			fp_ingest_files_help(usage_text);
			fp_pipeline_done(&po);
			fp_config_done(&cfg);
			return FP_EXIT_OK;
		default:
			status = fp_pipeline_window_option(&po, "run", o, optarg);
			if (status == 1)
				status = fp_pipeline_history_option(&po, "run", o, optarg);
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
	if (po.json)
		io.quiet = true; /* stdout carries the one document */
	status = fp_ingest_files_check(&io, "run");
	if (status < 0)
		goto out;
	status = fp_db_open(&db, arg_db, 0, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	/* The inventory first: it tells who held an address when. */
	if (n_inventories > 0) {
		status = fp_inventory_files(db, inventories, n_inventories, false, 0, io.quiet);
		if (status < 0)
			goto out;
	}
	if (optind < argc) {
		status = fp_ingest_files(db, &io, argc - optind, argv + optind);
		if (status < 0)
			goto out;
	}
	/* One transaction over aggregate and generate: killed half way, the
	 * run leaves no trace in the database, and its files are each whole. */
	status = fp_db_begin(db, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	status = fp_pipeline_aggregate(&es, db, &po);
	if (status == 0)
		status = fp_pipeline_generate(db, es, &po);
	if (status == 0 && fp_db_commit(db, &err) < 0) {
		fp_cli_error(&err);
		status = FP_EDB;
	}
	if (status < 0)
		fp_db_rollback(db);
out:
	free(inventories);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_pipeline_done(&po);
	fp_config_done(&cfg);
	return fp_exit_code(status);
}
