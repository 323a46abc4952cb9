/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-aggregate.c - flowpol aggregate: fold the flows of a window into
 * identity edges and store them for generate.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cmd/cli-config.h"
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "lib/util-time.h"

static const char usage_text[] =
	"usage: flowpol aggregate [-d DB] [--since T] [--until T] [--min-flows N] [-c CONFIG]\n"
	"\n"
	"Fold the flows of the window [since, until) into edges between identities\n"
	"(a workload, an outside address, the node), store them for 'generate', and\n"
	"print them.  T is an RFC 3339 time (2026-11-19T00:00:00Z) or a duration\n"
	"counted back from the newest flow (7d, 12h, 30m).  Default: all the data.\n"
	"Windows are resolved to the minute.\n"
	"\n"
	FP_CLI_CONFIG_HELP
	"  -d, --db DB         database file (default: flowpol.db)\n"
	"      --since T       start of the window (included)\n"
	"      --until T       end of the window (excluded)\n"
	"      --min-flows N   edges with fewer flows get no rule (listed in the report)\n"
	"      --ip-grace D    match an address to a pod that held it up to D before or\n"
	"                      after the flow, as a near match (default: 5m)\n"
	"      --cluster-cidr CIDR, --service-cidr CIDR\n"
	"                      the cluster's pod and Service ranges (repeatable); an\n"
	"                      address inside them that no pod held is unresolved, never\n"
	"                      an ipBlock (default: node pod ranges and inventory addresses)\n"
	"      --known-networks FILE\n"
	"                      YAML naming outside networks (name: [CIDR, ...]): their\n"
	"                      addresses become one peer with an ipBlock per CIDR\n"
	"      --allow-host    give traffic to and from the nodes rules (ipBlocks of the\n"
	"                      node addresses); by default it is only listed\n"
	"      --prefer-label KEY\n"
	"                      select workloads by KEY first (repeatable, in order)\n"
	"      --volatile-label KEY\n"
	"                      never select KEY, or every key under PREFIX/* (repeatable)\n"
	FP_PIPELINE_HISTORY_HELP
	"  -h, --help          show this help\n"
	"\n"
	"Output: one line per edge, tab-separated: source, destination, protocol/port,\n"
	"verdict, flows, days seen, first seen, last seen, status.\n"
	"\n"
	"History: each window is stored.  Days are counted over every recorded window,\n"
	"and the rules of the previous window that had no traffic in this one are\n"
	"carried forward (status allow, with the windows they went without traffic).\n";

static const char shortopts[] = "c:d:h";

static const struct option opts[] = {
	{ "allow-host", no_argument, NULL, 'H' },
	{ "cluster-cidr", required_argument, NULL, 'C' },
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "ip-grace", required_argument, NULL, 'G' },
	{ "known-networks", required_argument, NULL, 'K' },
	{ "min-flows", required_argument, NULL, 'F' },
	{ "no-config", no_argument, NULL, FP_OPT_NO_CONFIG },
	{ "prefer-label", required_argument, NULL, FP_OPT_PREFER_LABEL },
	{ "service-cidr", required_argument, NULL, FP_OPT_SERVICE_CIDR },
	{ "since", required_argument, NULL, 'S' },
	{ "until", required_argument, NULL, 'U' },
	{ "volatile-label", required_argument, NULL, FP_OPT_VOLATILE_LABEL },
	FP_PIPELINE_HISTORY_LONGOPTS,
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static void
print_edges(const struct fp_edgeset *es)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];

	printf("# window %s %s\n", fp_time_format(a, es->since), fp_time_format(b, es->until));
	for (size_t i = 0; i < es->n; i++) {
		const struct fp_edge *e = &es->edges[i];
		const char *proto = fp_proto_name(e->proto);

		printf("%s\t%s\t", fp_idset_get(es->ids, e->src)->key,
		       fp_idset_get(es->ids, e->dst)->key);
		if (proto != NULL)
			printf("%s/%u", proto, e->port);
		else
			printf("%u/%u", e->proto, e->port);
		printf("\t%s\t%llu\t%u\t%s\t%s\t%s\n",
		       e->verdict == FP_EDGE_DROPPED	  ? "dropped"
		       : e->verdict == FP_EDGE_UNDIRECTED ? "undirected"
							  : "observed",
		       (unsigned long long)e->flows, e->days, fp_time_format(a, e->first),
		       fp_time_format(b, e->last), fp_edge_status_name(e->status));
	}
}

int
cmd_aggregate(int argc, char **argv)
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
			status = fp_pipeline_window_option(&po, "aggregate", o, optarg);
			if (status == 1)
				status = fp_pipeline_history_option(&po, "aggregate", o, optarg);
			if (status == 1)
				status = fp_cli_bad_option("aggregate");
			if (status < 0)
				goto out;
		}
	}
	if (optind < argc) {
		status = fp_cli_usage("aggregate", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	status = fp_db_open(&db, arg_db, 0, &err);
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	status = fp_pipeline_aggregate(&es, db, &po);
	if (status == 0)
		print_edges(es);
out:
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_pipeline_done(&po);
	fp_config_done(&cfg);
	return fp_exit_code(status);
}
