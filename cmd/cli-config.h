/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli-config.h - finding and reading flowpol.yaml for a command: -c FILE,
 * --config FILE, --no-config, or ./flowpol.yaml.
 *
 * The configuration only gives defaults: a command reads it first, takes
 * its values (fp_pipeline_config(), fp_ingest_files_config()), and then
 * reads its command line over them.
 */
#ifndef FP_CMD_CLI_CONFIG_H
#define FP_CMD_CLI_CONFIG_H

#include <getopt.h>

#include "lib/config-file.h"

/* The options, for a command's usage text. */
#define FP_CLI_CONFIG_HELP                                                                   \
	"  -c, --config FILE     read defaults from FILE (default: ./flowpol.yaml if it\n"   \
	"                        exists); the command line overrides them\n"                  \
	"      --no-config       do not read ./flowpol.yaml\n"

/*
 * Read the configuration for a command into @cfg (initialized here;
 * free it with fp_config_done() in any case).  @argv is scanned with the
 * command's own @shortopts and @opts, silently, for 'c' (-c, --config),
 * FP_OPT_NO_CONFIG and 'h': with --help nothing is read.  Otherwise FILE is
 * read (it must exist), or ./flowpol.yaml unless --no-config (it may be
 * missing).  Errors are printed.  Leaves optind ready for the real parse.
 * Returns 0, FP_EUSAGE when the file does not validate (a mistake in it, like
 * one on the command line), or FP_EIO/FP_EINPUT when it, or a file it names,
 * cannot be read.
 */
int fp_cli_config_load(struct fp_config *cfg, int argc, char **argv, const char *shortopts,
		       const struct option *opts);

#endif
