/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 * usage: fuzz-replay-<reader> DIR_OR_FILE...
 * Every regular file (directories: their entries, in byte order of names,
 * not recursively) is passed to LLVMFuzzerTestOneInput() once.  A crash is
 * the failure; finding no input at all fails too, so a moved corpus is
 * noticed (pkgconf's fuzzer/replay.c works the same way).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz.h"

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, "fuzz-replay: cannot open '%s'\n", path);
		return -1;
	}
	do {
		if (len == cap) {
			unsigned char *p =
				realloc(data, (cap = cap == 0 ? 4096 : cap * 2));

			if (p == NULL) {
				free(data);
				fclose(f);
				return -1;
			}
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the number of inputs replayed, or -1. */
static long
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	long done = 0;

	if (d == NULL) {
		fprintf(stderr, "fuzz-replay: cannot open directory '%s'\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char **p;

		if (de->d_name[0] == '.')
			continue;
		p = realloc(names, (n + 1) * sizeof(*names));
		if (p == NULL)
			break;
		names = p;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (done >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			done = replay_file(path) < 0 ? -1 : done + 1;
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	long total = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			return EXIT_FAILURE;
		total += n;
	}
	printf("replayed %ld inputs\n", total);
	if (total == 0) {
		fprintf(stderr, "fuzz-replay: no inputs\n");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
