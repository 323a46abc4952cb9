/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fp-check.c - the main() every Check suite shares.
 */
/* nftw() is an XSI extension. */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fp-check.h"

static char tmpdir[PATH_MAX];

const char *
fp_testdata(const char *rel)
{
	static char path[PATH_MAX];
	const char *base = getenv("FP_TESTDATA");

	snprintf(path, sizeof(path), "%s/%s", base != NULL ? base : "testdata", rel);
	return path;
}

const char *
fp_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0] != '\0')
		return tmpdir;
	snprintf(tmpdir, sizeof(tmpdir), "%s/flowpol-test-XXXXXX", base != NULL ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	return tmpdir;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
fp_tmpdir_cleanup(void)
{
	if (tmpdir[0] == '\0')
		return;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

const char *
fp_write_file(const char *dir, const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

int
main(void)
{
	SRunner *sr = srunner_create(fp_test_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
