/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest-files.h - the ingest options and loop that 'ingest' and 'run'
 * share: parse the options, read every file, report each one.
 */
#ifndef FP_CMD_INGEST_FILES_H
#define FP_CMD_INGEST_FILES_H

#include <stdint.h>

#include "cmd/cli.h"
#include "lib/config-file.h"
#include "lib/db.h"

struct fp_ingest_files_opts {
	const char *format;
	const char *tz;       /* --tz: the zone of zone-less log times */
	uint64_t max_errors;
	uint64_t memory;
	uint64_t threads; /* 0 = one per CPU */
	enum fp_progress_mode progress;
	bool quiet;
};

struct fp_ingest_files_opts fp_ingest_files_defaults(void);
/* Take the defaults in @cfg (format, max-errors, memory; borrowed). */
void fp_ingest_files_config(struct fp_ingest_files_opts *o, const struct fp_config *cfg);
/* Print @usage_text with the list of formats filled in. */
void fp_ingest_files_help(const char *usage_text);
/* Handle one of the shared options (f, E, M, P, q, T, Z --tz); FP_EUSAGE on bad values. */
int fp_ingest_files_option(struct fp_ingest_files_opts *o, const char *cmd, int opt,
			   const char *arg);
/* Check the options together (an unknown -f FORMAT is a usage error). */
int fp_ingest_files_check(const struct fp_ingest_files_opts *o, const char *cmd);
/*
 * Ingest @n @files into @db, printing one summary line per file on stdout
 * and each rejected line on stderr.  Returns 0, or the first error's status
 * (after trying every file, unless the error budget ran out).
 */
int fp_ingest_files(struct fp_db *db, const struct fp_ingest_files_opts *o, int n,
		    char **files);

#endif
