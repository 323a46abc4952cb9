/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd.h - the subcommands of the flowpol executable.
 */
#ifndef FP_CMD_H
#define FP_CMD_H

struct fp_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_ingest(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_aggregate(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_graph(int argc, char **argv);

#endif
