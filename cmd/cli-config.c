/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd/cli-config.h"
#include "cmd/cli.h"
#include "cmd/pipeline.h"

int
fp_cli_config_load(struct fp_config *cfg, int argc, char **argv, const char *shortopts,
		   const struct option *opts)
{
	const char *file = NULL;
	bool skip = false, help = false;
	struct fp_err err = { 0 };
	int o, saved = opterr, r;

	fp_config_init(cfg);
	/* A first, silent pass with the command's own table: "-o -c" is an
	 * output folder named -c, not a configuration, exactly as the real
	 * parse will see it.  Mistakes are left for the real parse to report. */
	opterr = 0;
	optind = 0;
	while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (o == 'c')
			file = optarg;
		else if (o == FP_OPT_NO_CONFIG)
			skip = true;
		else if (o == 'h')
			help = true;
	}
	opterr = saved;
	optind = 0;
	if (help || (skip && file == NULL))
		return 0;
	r = fp_config_load(cfg, file != NULL ? file : FP_CONFIG_NAME, file != NULL, &err);
	if (r < 0) {
		fp_cli_error(&err);
		/* a mistake in the file itself is a usage error, as on the command line */
		if (r == FP_EINPUT && strcmp(err.source, file != NULL ? file : FP_CONFIG_NAME) == 0)
			return FP_EUSAGE;
	}
	return r;
}
