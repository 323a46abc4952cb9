/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-replay.c - run a fuzz target over every file of a corpus folder, so
 * the corpora (and every crasher committed as a regression input) replay in
 * plain 'meson test' without libFuzzer.
 *
 *   fuzz-replay-<target> DIR
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;
	uint8_t chunk[65536];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (size + n > cap) {
			cap = (size + n) * 2;
			data = realloc(data, cap);
			if (data == NULL) {
				fclose(f);
				return -1;
			}
		}
		memcpy(data + size, chunk, n);
		size += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data != NULL ? data : chunk, size);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (d == NULL) {
		perror(argv[1]);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				return 1;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		if (replay(path) < 0)
			return 1;
		free(names[i]);
	}
	free(names);
	printf("replayed %zu inputs from %s\n", n, argv[1]);
	return 0;
}
