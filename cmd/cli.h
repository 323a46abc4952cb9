/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - what every subcommand shares: exit codes, error messages, usage
 * errors and progress on a terminal (numbers: fp_parse_u64() in lib/util-str.h).
 */
#ifndef FP_CLI_H
#define FP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/util-str.h"

enum fp_exit {
	FP_EXIT_OK = 0,
	FP_EXIT_FOUND = 1, /* check: denied flows; diff: a change */
	FP_EXIT_USAGE = 2,
	FP_EXIT_ERROR = 3, /* input or database error */
};

#define FP_DEFAULT_DB "flowpol.db"

/* The one place where a status becomes an exit code. */
int fp_exit_code(int status);

/* "flowpol: <formatted error>" on stderr. */
void fp_cli_error(const struct fp_err *err);
/* "flowpol: <message>" on stderr. */
void fp_cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A usage error: "flowpol <cmd>: <message>" and "Try 'flowpol <cmd> --help'."
 * on stderr.  Returns FP_EUSAGE.
 */
int fp_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt's own complaint was printed already: add the hint.  Returns FP_EUSAGE. */
int fp_cli_bad_option(const char *cmd);

/* Progress on stderr: only when it is a terminal, unless forced. */
enum fp_progress_mode { FP_PROGRESS_AUTO, FP_PROGRESS_ON, FP_PROGRESS_OFF };
void fp_cli_progress_init(enum fp_progress_mode mode);
bool fp_cli_progress_enabled(void);
/* Rewrite the progress line in place. */
void fp_cli_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Clear the progress line before other output. */
void fp_cli_progress_done(void);

#endif
