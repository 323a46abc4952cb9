/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-generate.c - flowpol generate: policies and REVIEW.md from the newest
 * aggregation.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cmd/cli-config.h"
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"

static const char usage_text[] =
	"usage: flowpol generate [-d DB] -o DIR [--namespace NS]... [--no-default-deny]\n"
	"                        [--existing DIR] [--baseline DIR]\n"
	"                        [--layout namespace|workload] [-c CONFIG]\n"
	"\n"
	"Write least-privilege NetworkPolicies for the edges of the newest aggregation:\n"
	"DIR/<namespace>.yaml (a default-deny policy and one policy per workload with\n"
	"traffic), DIR/kustomization.yaml and DIR/REVIEW.md (the evidence for every\n"
	"rule, and what was seen but not admitted).  Same input, same bytes.\n"
	"\n"
	FP_CLI_CONFIG_HELP
	"  -d, --db DB           database file (default: flowpol.db)\n"
	"  -o, --output DIR      output directory (created if missing)\n"
	"      --layout LAYOUT   namespace: DIR/<namespace>.yaml (default); workload:\n"
	"                        DIR/<namespace>/<policy>.yaml, one file per policy\n"
	"  -n, --namespace NS    only this namespace (repeatable); kube-system is only\n"
	"                        written when named here\n"
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
	"  -h, --help            show this help\n";

static const char shortopts[] = "c:d:n:o:h";

static const struct option opts[] = {
	{ "baseline", required_argument, NULL, FP_OPT_BASELINE },
	{ "json", no_argument, NULL, FP_OPT_JSON },
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "existing", required_argument, NULL, 'X' },
	{ "layout", required_argument, NULL, FP_OPT_LAYOUT },
	{ "namespace", required_argument, NULL, 'n' },
	{ "no-config", no_argument, NULL, FP_OPT_NO_CONFIG },
	{ "no-default-deny", no_argument, NULL, 'D' },
	{ "no-dns-tcp", no_argument, NULL, FP_OPT_NO_DNS_TCP },
	{ "output", required_argument, NULL, 'o' },
	{ "skip-namespace", required_argument, NULL, FP_OPT_SKIP_NAMESPACE },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int
cmd_generate(int argc, char **argv)
{
	struct fp_pipeline_opts po;
	struct fp_config cfg;
	const char *arg_db = FP_DEFAULT_DB;
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	int o, status = 0;

	fp_pipeline_init(&po);
	/* flowpol.yaml first: the command line then overrides it */
	status = fp_cli_config_load(&cfg, argc, argv, shortopts, opts);
	if (status == 0)
		status = fp_pipeline_config(&po, &cfg);
	if (status < 0)
		goto out;
	if (fp_config_has(&cfg, FP_CONFIG_DB))
		arg_db = cfg.db;
	while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (o) {
		case 'c': case FP_OPT_NO_CONFIG: break; /* read above */
		case 'd': arg_db = optarg; break;
		case 'h':
			printf("%s", usage_text);
			fp_pipeline_done(&po);
			fp_config_done(&cfg);
			return FP_EXIT_OK;
		default:
			status = fp_pipeline_generate_option(&po, "generate", o, optarg);
			if (status == 1)
				status = fp_cli_bad_option("generate");
			if (status < 0)
				goto out;
		}
	}
	if (optind < argc) {
		status = fp_cli_usage("generate", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (po.out_dir == NULL) {
		status = fp_cli_usage("generate", "no output directory (-o DIR)");
		goto out;
	}
	status = fp_db_open(&db, arg_db, 0, &err);
	if (status == 0)
		status = fp_edge_load_latest(&es, db, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	status = fp_pipeline_generate(db, es, &po);
out:
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_pipeline_done(&po);
	fp_config_done(&cfg);
	return fp_exit_code(status);
}
