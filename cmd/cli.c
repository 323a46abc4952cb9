/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"

static bool progress_on;
static bool progress_shown;

int
fp_exit_code(int status)
{
	switch (status) {
	case FP_OK: return FP_EXIT_OK;
	case 1: return FP_EXIT_FOUND;
	case FP_EUSAGE: return FP_EXIT_USAGE;
	default: return FP_EXIT_ERROR;
	}
}

void
fp_cli_error(const struct fp_err *err)
{
	char buf[600];

	fp_cli_progress_done();
	fprintf(stderr, "flowpol: %s\n", fp_err_format(buf, sizeof(buf), err));
}

void
fp_cli_msg(const char *fmt, ...)
{
	va_list ap;

	fp_cli_progress_done();
	fputs("flowpol: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
fp_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "flowpol %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'flowpol %s --help'.\n", cmd);
	return FP_EUSAGE;
}

int
fp_cli_bad_option(const char *cmd)
{
	fprintf(stderr, "Try 'flowpol %s --help'.\n", cmd);
	return FP_EUSAGE;
}

void
fp_cli_progress_init(enum fp_progress_mode mode)
{
	progress_on = mode == FP_PROGRESS_ON || (mode == FP_PROGRESS_AUTO && isatty(STDERR_FILENO));
}

bool
fp_cli_progress_enabled(void)
{
	return progress_on;
}

void
fp_cli_progress(const char *fmt, ...)
{
	va_list ap;

	if (!progress_on)
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = true;
}

void
fp_cli_progress_done(void)
{
	if (!progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress_shown = false;
}
