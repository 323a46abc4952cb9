/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-inventory.c - flowpol inventory: load Kubernetes object snapshots.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/inventory-files.h"
#include "lib/util-time.h"

static const char usage_text[] =
	"usage: flowpol inventory [-d DB] [--at T] FILE...\n"
	"\n"
	"Load Kubernetes object snapshots, as kubectl prints them:\n"
	"  kubectl get pods,services,endpointslices,namespaces,nodes,deployments,\\\n"
	"      replicasets,statefulsets,daemonsets,jobs,cronjobs -A -o json\n"
	"(a List, a single object, or a 'kubectl get -w -o json' stream).  Snapshots\n"
	"taken through the audit week tell which pod held an address when, so\n"
	"flows that carry only addresses or pod names resolve to the right workload.\n"
	"FILE is a path, '-', or a quoted pattern ('inventory-*.json'); gzip is fine.\n"
	"\n"
	"  -d, --db DB   database file (default: flowpol.db)\n"
	"      --at T    the time the snapshots were taken (RFC 3339); default: the\n"
	"                newest timestamp inside each\n"
	"  -q, --quiet   no per-file summary\n"
	"  -h, --help    show this help\n";

static const struct option opts[] = {
	{ "at", required_argument, NULL, 'A' },
	{ "db", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int
cmd_inventory(int argc, char **argv)
{
	const char *arg_db = FP_DEFAULT_DB;
	bool arg_quiet = false, has_at = false;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	int64_t at = 0;
	int o, status;

	while ((o = getopt_long(argc, argv, "d:qh", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'q': arg_quiet = true; break;
		case 'A':
			if (fp_time_parse_rfc3339(&at, NULL, optarg, strlen(optarg)) < 0)
				return fp_exit_code(fp_cli_usage("inventory",
								 "--at: expected an RFC 3339 time: '%s'",
								 optarg));
			has_at = true;
			break;
		case 'h': printf("%s", usage_text); return FP_EXIT_OK;
		default: return fp_exit_code(fp_cli_bad_option("inventory"));
		}
	}
	if (optind >= argc)
		return fp_exit_code(fp_cli_usage("inventory", "no snapshot files"));
	status = fp_db_open(&db, arg_db, 0, &err);
	if (status < 0) {
		fp_cli_error(&err);
		return fp_exit_code(status);
	}
	status = fp_inventory_files(db, argv + optind, argc - optind, has_at, at, arg_quiet);
	fp_db_close(db);
	return fp_exit_code(status);
}
