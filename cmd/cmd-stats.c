/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-stats.c - flowpol stats: what the database holds.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "lib/db.h"
#include "lib/stats.h"
#include "lib/util-time.h"

static const char usage_text[] =
	"usage: flowpol stats [-d DB] [--json]\n"
	"\n"
	"Show what the database holds: input files, lines read, flows, skipped and\n"
	"rejected lines, endpoints, and the time the flows cover.  Read-only.\n"
	"\n"
	"  -d, --db DB   database file (default: flowpol.db)\n"
	"      --json    print one JSON object instead of text\n"
	"  -h, --help    show this help\n";

static const struct option opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static void
print_text(const char *path, const struct fp_stats *s)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	bool any = false;

	printf("database:   %s (schema %d)\n", path, s->schema);
	printf("sources:    %llu files, %llu bytes, %llu lines\n", (unsigned long long)s->sources,
	       (unsigned long long)s->bytes, (unsigned long long)s->lines);
	printf("flows:      %llu lines, %llu connections, %llu stored tuples\n",
	       (unsigned long long)s->records, (unsigned long long)s->connections,
	       (unsigned long long)s->tuples);
	printf("dropped:    %llu connections denied by the engine\n",
	       (unsigned long long)s->dropped_connections);
	printf("skipped:    %llu lines", (unsigned long long)s->skipped);
	for (int k = 1; k < FP_SKIP__COUNT; k++) {
		if (s->skip[k] == 0)
			continue;
		printf("%s%s %llu", any ? ", " : " (", fp_skip_name(k), (unsigned long long)s->skip[k]);
		any = true;
	}
	printf("%s\n", any ? ")" : "");
	printf("rejected:   %llu lines\n", (unsigned long long)s->rejected);
	printf("endpoints:  %llu\n", (unsigned long long)s->endpoints);
	if (s->first <= s->last)
		printf("window:     %s .. %s\n", fp_time_format(a, s->first), fp_time_format(b, s->last));
	else
		printf("window:     no flows\n");
	printf("runs:       %llu\n", (unsigned long long)s->runs);
}

static int
print_json(const char *path, const struct fp_stats *s)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ];
	json_t *skip = json_object(), *root;
	int r;

	for (int k = 1; k < FP_SKIP__COUNT; k++)
		json_object_set_new(skip, fp_skip_name(k), json_integer((json_int_t)s->skip[k]));
	root = json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I}",
			 "database", path, "schema", s->schema,
			 "sources", (json_int_t)s->sources, "bytes", (json_int_t)s->bytes,
			 "lines", (json_int_t)s->lines, "flows", (json_int_t)s->records,
			 "connections", (json_int_t)s->connections,
			 "skipped", (json_int_t)s->skipped, "rejected", (json_int_t)s->rejected,
			 "skipped_by_reason", skip, "tuples", (json_int_t)s->tuples,
			 "endpoints", (json_int_t)s->endpoints,
			 "dropped_connections", (json_int_t)s->dropped_connections,
			 "runs", (json_int_t)s->runs);
	if (root == NULL)
		return FP_ENOMEM;
	if (s->first <= s->last) {
		json_object_set_new(root, "first_seen", json_string(fp_time_format(a, s->first)));
		json_object_set_new(root, "last_seen", json_string(fp_time_format(b, s->last)));
	} else {
		json_object_set_new(root, "first_seen", json_null());
		json_object_set_new(root, "last_seen", json_null());
	}
	r = json_dumpf(root, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
	return r == 0 ? 0 : FP_EIO;
}

int
cmd_stats(int argc, char **argv)
{
	const char *arg_db = FP_DEFAULT_DB;
	bool arg_json = false;
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;
	struct fp_stats s;
	int o, status;

	while ((o = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'j': arg_json = true; break;
		case 'h': printf("%s", usage_text); return FP_EXIT_OK;
		default: return fp_exit_code(fp_cli_bad_option("stats"));
		}
	}
	if (optind < argc)
		return fp_exit_code(fp_cli_usage("stats", "unexpected argument '%s'", argv[optind]));
	status = fp_db_open(&db, arg_db, FP_DB_READONLY, &err);
	if (status == 0)
		status = fp_stats_collect(&s, db, &err);
	if (status < 0) {
		fp_cli_error(&err);
		fp_db_close(db);
		return fp_exit_code(status);
	}
	if (arg_json)
		status = print_json(arg_db, &s);
	else
		print_text(arg_db, &s);
	fp_db_close(db);
	return fp_exit_code(status);
}
