/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/ingest-files.h"
#include "lib/ingest.h"
#include "lib/reader.h"
#include "lib/util-zone.h"

struct fp_ingest_files_opts
fp_ingest_files_defaults(void)
{
	struct fp_ingest_files_opts o = {
		.format = NULL,
		.max_errors = 1000,
		.memory = FP_INGEST_DEFAULT_MEMORY,
		.progress = FP_PROGRESS_AUTO,
		.quiet = false,
	};

	return o;
}

void
fp_ingest_files_config(struct fp_ingest_files_opts *o, const struct fp_config *cfg)
{
	if (fp_config_has(cfg, FP_CONFIG_FORMAT))
		o->format = cfg->format;
	if (fp_config_has(cfg, FP_CONFIG_TZ))
		o->tz = cfg->tz;
	if (fp_config_has(cfg, FP_CONFIG_MAX_ERRORS))
		o->max_errors = cfg->max_errors;
	if (fp_config_has(cfg, FP_CONFIG_MEMORY))
		o->memory = cfg->memory;
}

void
fp_ingest_files_help(const char *usage_text)
{
	char formats[2048] = "";
	size_t used = 0;

	for (const struct fp_reader *const *r = fp_reader_all(); *r != NULL; r++) {
		int n = snprintf(formats + used, sizeof(formats) - used, "                          %-10s %s\n",
				 (*r)->name, (*r)->summary);

		if (n < 0 || (size_t)n >= sizeof(formats) - used)
			break;
		used += (size_t)n;
	}
	printf(usage_text, formats);
}

int
fp_ingest_files_option(struct fp_ingest_files_opts *o, const char *cmd, int opt,
		       const char *arg)
{
	switch (opt) {
	case 'f': o->format = arg; return 0;
	case 'E':
		if (!fp_parse_u64(&o->max_errors, arg, UINT64_MAX))
			return fp_cli_usage(cmd, "--max-errors: not a number: '%s'", arg);
		return 0;
	case 'M':
		if (!fp_parse_size(&o->memory, arg) || o->memory < (64u << 10))
			return fp_cli_usage(cmd, "--memory: expected a size of at least 64K, like 256M: '%s'",
					    arg);
		return 0;
	case 'P': o->progress = FP_PROGRESS_ON; return 0;
	case 'T':
		if (!fp_parse_u64(&o->threads, arg, FP_INGEST_MAX_THREADS) || o->threads == 0)
			return fp_cli_usage(cmd, "--threads: expected a number from 1 to %d: '%s'",
					    FP_INGEST_MAX_THREADS, arg);
		return 0;
	case 'Z':
		if (!fp_zone_valid(arg))
			return fp_cli_usage(cmd, "--tz: not a time zone: '%s' (UTC, an offset like "
					    "+02:00, or a zone like Europe/Berlin)", arg);
		o->tz = arg;
		return 0;
	case 'q':
		o->quiet = true;
		o->progress = FP_PROGRESS_OFF;
		return 0;
	default: return fp_cli_bad_option(cmd);
	}
}

int
fp_ingest_files_check(const struct fp_ingest_files_opts *o, const char *cmd)
{
	if (o->format != NULL && fp_reader_find(o->format) == NULL)
		return fp_cli_usage(cmd, "unknown format '%s'", o->format);
	/* Before any file is read: the zone is one setting for the process. */
	if (o->tz != NULL && fp_zone_set(o->tz) < 0)
		return fp_cli_usage(cmd, "--tz: not a time zone: '%s'", o->tz);
	return 0;
}

static void
on_reject(void *userdata, const struct fp_err *e)
{
	char buf[600];

	(void)userdata;
	fp_cli_progress_done();
	fprintf(stderr, "%s\n", fp_err_format(buf, sizeof(buf), e));
}

struct progress {
	const char *name; /* the file being read */
	double start;     /* when it started */
	double shown;     /* when the line was last written */
};

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* "42s", "3m07s", "1h02m": time left at the current rate. */
static void
duration(char *buf, size_t size, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t < 60)
		snprintf(buf, size, "%lus", t);
	else if (t < 3600)
		snprintf(buf, size, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, size, "%luh%02lum", t / 3600, t / 60 % 60);
}

/*
 * One line, rewritten in place: bytes read (of how many), lines, rate, time
 * left.  gzip input counts compressed bytes, so the share and the time left
 * hold for it too.  At most ten updates a second: a fast ingest calls this
 * hundreds of times a second.
 */
static void
on_progress(void *userdata, const struct fp_ingest_progress *p)
{
	struct progress *ps = userdata;
	double t = now(), elapsed, rate;
	char left[32];

	if (ps->name != p->name) {
		ps->name = p->name;
		ps->start = t;
		ps->shown = 0;
	}
	if (t - ps->shown < 0.1)
		return;
	ps->shown = t;
	elapsed = t - ps->start;
	rate = elapsed > 0 ? (double)p->bytes / elapsed : 0;
	if (p->size > 0 && rate > 0) {
		duration(left, sizeof(left), (double)(p->size - (p->bytes < p->size ? p->bytes : p->size)) / rate);
		fp_cli_progress("%s: %.1f of %.1f MB (%u%%), %llu lines, %.0f MB/s, %s left", p->name,
				(double)p->bytes / 1048576.0, (double)p->size / 1048576.0,
				(unsigned)(p->bytes * 100 / p->size), (unsigned long long)p->lines,
				rate / 1048576.0, left);
	} else {
		fp_cli_progress("%s: %.1f MB, %llu lines, %.0f MB/s", p->name,
				(double)p->bytes / 1048576.0, (unsigned long long)p->lines,
				rate / 1048576.0);
	}
}

static void
summary(const char *path, const struct fp_ingest_stats *s)
{
	if (s->duplicate) {
		if (strcmp(s->duplicate_of, path) == 0)
			printf("%s: already ingested, skipped\n", path);
		else
			printf("%s: already ingested as %s, skipped\n", path, s->duplicate_of);
		return;
	}
	printf("%s: %s%s, ", path, s->format != NULL ? s->format : "empty",
	       s->detected ? " (detected)" : "");
	if (s->resumed_bytes > 0) {
		/* a log that grew: only its new lines were read */
		printf("resumed after line %llu (ingested before", (unsigned long long)s->resumed_lines);
		if (strcmp(s->resumed_of, path) != 0)
			printf(" as %s", s->resumed_of);
		printf("), ");
	}
	printf("%llu lines: %llu flows, %llu skipped, %llu rejected\n",
	       (unsigned long long)s->lines, (unsigned long long)s->records,
	       (unsigned long long)s->skipped, (unsigned long long)s->rejected);
}

int
fp_ingest_files(struct fp_db *db, const struct fp_ingest_files_opts *o, int n, char **files)
{
	struct fp_ingest_opts io = {
		.format = o->format,
		.max_errors = o->max_errors,
		.memory = o->memory,
		.threads = o->threads,
		.on_reject = on_reject,
		.on_progress = on_progress,
	};
	struct fp_ingest *ing = NULL;
	struct fp_err err = { 0 };
	struct progress ps = { 0 };
	int status = 0, r;

	fp_cli_progress_init(o->progress);
	io.userdata = &ps;
	r = fp_ingest_new(&ing, db, &io, &err);
	if (r < 0) {
		fp_cli_error(&err);
		return r;
	}
	for (int i = 0; i < n; i++) {
		struct fp_ingest_stats s;

		fp_err_clear(&err);
		r = fp_ingest_file(ing, &s, files[i], &err);
		fp_cli_progress_done();
		if (r < 0) {
			fp_cli_error(&err);
			if (status == 0)
				status = r;
			/* An exhausted error budget or a broken database ends the run. */
			if (r == FP_EDB || fp_ingest_errors(ing) > o->max_errors)
				break;
			continue;
		}
		if (!o->quiet)
			summary(files[i], &s);
	}
	fflush(stdout);
	fp_ingest_free(ing);
	return status;
}
