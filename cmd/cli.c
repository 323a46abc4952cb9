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

bool
fp_parse_u64(uint64_t *out, const char *s, uint64_t max)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9')
			return false;
		/* max - d would wrap for a digit above a small max ("99", max 8) */
		if (d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
fp_parse_size(uint64_t *out, const char *s)
{
	char num[32];
	size_t len = strlen(s);
	uint64_t v, mul = 1;

	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'K': case 'k': mul = 1ull << 10; break;
	case 'M': case 'm': mul = 1ull << 20; break;
	case 'G': case 'g': mul = 1ull << 30; break;
	default: break;
	}
	if (mul != 1)
		num[--len] = '\0';
	if (!fp_parse_u64(&v, num, UINT64_MAX / mul))
		return false;
	*out = v * mul;
	return true;
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
