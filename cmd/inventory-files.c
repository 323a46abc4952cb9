/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/inventory-files.h"
#include "lib/inventory.h"
#include "lib/util-time.h"

static void
on_reject(void *userdata, const struct fp_err *e)
{
	char buf[600];

	(void)userdata;
	fprintf(stderr, "%s\n", fp_err_format(buf, sizeof(buf), e));
}

static int
load_one(struct fp_db *db, const char *path, const struct fp_inventory_opts *o, bool quiet)
{
	struct fp_inventory_stats s;
	struct fp_err err = { 0 };
	char at[FP_TIME_BUFSZ];
	int r = fp_inventory_load_file(&s, db, path, o, &err);

	if (r < 0) {
		fp_cli_error(&err);
		return r;
	}
	if (quiet)
		return 0;
	if (s.duplicate) {
		printf("%s: already loaded%s%s, skipped\n", path, strcmp(s.duplicate_of, path) ? " as " : "",
		       strcmp(s.duplicate_of, path) ? s.duplicate_of : "");
		return 0;
	}
	printf("%s: snapshot at %s (%s): %llu pods, %llu services, %llu endpoint slices, %llu "
	       "nodes, %llu namespaces, %llu controllers, %llu other objects, %llu rejected\n",
	       path, fp_time_format(at, s.at), s.at_from_data ? "newest time inside" : "--at",
	       (unsigned long long)s.pods, (unsigned long long)s.services,
	       (unsigned long long)s.slices, (unsigned long long)s.nodes,
	       (unsigned long long)s.namespaces, (unsigned long long)s.controllers,
	       (unsigned long long)s.skipped, (unsigned long long)s.rejected);
	return 0;
}

int
fp_inventory_files(struct fp_db *db, char **args, int n, bool has_at, int64_t at, bool quiet)
{
	struct fp_inventory_opts o = { .has_at = has_at, .at = at, .on_reject = on_reject };
	int status = 0;

	for (int i = 0; i < n; i++) {
		glob_t g;
		int r;

		/* A quoted pattern reaches us unexpanded: CI jobs pass them so. */
		if (strpbrk(args[i], "*?[") == NULL || strcmp(args[i], "-") == 0) {
			r = load_one(db, args[i], &o, quiet);
		} else if (glob(args[i], 0, NULL, &g) == 0) {
			r = 0;
			for (size_t k = 0; k < g.gl_pathc && r != FP_EDB; k++) {
				int rk = load_one(db, g.gl_pathv[k], &o, quiet);

				if (rk < 0 && r == 0)
					r = rk;
			}
			globfree(&g);
		} else {
			fp_cli_msg("%s: no file matches", args[i]);
			r = FP_EIO;
		}
		if (r < 0 && status == 0)
			status = r;
		if (r == FP_EDB)
			break;
	}
	fflush(stdout);
	return status;
}
