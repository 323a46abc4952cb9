/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - flowpol's entry point: global options and the command table.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "lib/util-macro.h"

/* flowpol --help lists the commands in this order. */
static const struct fp_cmd fp_cmds[] = {
	{ "ingest", cmd_ingest, "load flow logs into the database" },
	{ "inventory", cmd_inventory, "load Kubernetes object snapshots (who held which address)" },
	{ "aggregate", cmd_aggregate, "fold flows into identity edges over a time window" },
	{ "generate", cmd_generate, "write NetworkPolicy YAML and REVIEW.md from the edges" },
	{ "run", cmd_run, "ingest, aggregate and generate in one go (the weekly job)" },
	{ "check", cmd_check, "would these policies deny anything observed? (a CI gate)" },
	{ "triage", cmd_triage, "temporary allow policies for what was just denied" },
	{ "diff", cmd_diff, "what two policy sets admit differently, with evidence" },
	{ "graph", cmd_graph, "draw the workload graph of a window (DOT, Mermaid, SVG)" },
	{ "stats", cmd_stats, "show what the database holds" },
	{ NULL, NULL, NULL },
};

static void
help(void)
{
	printf("usage: flowpol [--version] [--help] COMMAND [ARGS]\n"
	       "\n"
	       "Turn audit-mode network flow logs into least-privilege Kubernetes\n"
	       "NetworkPolicy YAML for review.\n"
	       "\n"
	       "Commands:\n");
	for (const struct fp_cmd *c = fp_cmds; c->name != NULL; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\n'flowpol COMMAND --help' (or 'flowpol help COMMAND') describes one command.\n"
	       "Exit status: 0 ok, 1 check found denied flows or diff a change, 2 usage error,\n"
	       "3 input or database error.\n");
}

static const struct fp_cmd *
find(const char *name)
{
	for (const struct fp_cmd *c = fp_cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const struct fp_cmd *c;
	int o;

	while ((o = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (o) {
		case 'h':
			help();
			return FP_EXIT_OK;
		case 'V':
			printf("flowpol %s\n", FP_VERSION);
			return FP_EXIT_OK;
		default:
			fprintf(stderr, "Try 'flowpol --help'.\n");
			return FP_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		help();
		return FP_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		char *hargv[] = { NULL, (char *)"--help", NULL };

		if (optind + 1 >= argc) {
			help();
			return FP_EXIT_OK;
		}
		c = find(argv[optind + 1]);
		if (c == NULL) {
			fprintf(stderr, "flowpol: unknown command '%s'; see 'flowpol --help'\n",
				argv[optind + 1]);
			return FP_EXIT_USAGE;
		}
		hargv[0] = argv[optind + 1];
		optind = 0;
		return c->run(2, hargv);
	}
	c = find(argv[optind]);
	if (c == NULL) {
		fprintf(stderr, "flowpol: unknown command '%s'; see 'flowpol --help'\n",
			argv[optind]);
		return FP_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* reset getopt for the command's own options */
	return c->run(argc, argv);
}
