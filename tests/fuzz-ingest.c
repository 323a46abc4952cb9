/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-ingest.c - the whole of ingest on any bytes: detection (reading
 * into a pretty-printed document), chunks on several threads, rejects, and
 * the resume of a log that grew.  The first byte picks the chunk size and
 * the thread count; the rest is the file.
 *
 * Besides crashes it checks one invariant: the file ingested after its
 * first lines were leaves the flows the whole file ingested once leaves.
 * The first read is cut at a line end, or, for a JSON document (which is
 * resumed by records), anywhere.  A mismatch aborts.
 */
#define _GNU_SOURCE /* memfd_create: a regular file that is not on disk */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lib/db.h"
#include "lib/ingest.h"
#include "lib/util-buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLOWS_SQL                                                                          \
	"SELECT f.bucket, s.key, d.key, f.proto, f.port, f.verdict, f.reason, f.count, "     \
	"f.first_seen, f.last_seen FROM flows f JOIN endpoints s ON s.id = f.src "          \
	"JOIN endpoints d ON d.id = f.dst ORDER BY 1, 2, 3, 4, 5, 6, 7"

/* @data as a file of its own: its /proc path in @path, or -1. */
static int
as_file(const uint8_t *data, size_t size, char *path, size_t cap)
{
	int fd = memfd_create("fuzz", 0);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

static int
ingest(struct fp_db *db, const struct fp_ingest_opts *opts, const uint8_t *data, size_t size,
       struct fp_ingest_stats *st)
{
	struct fp_ingest *ing = NULL;
	struct fp_err err = { 0 };
	char path[64];
	int fd = as_file(data, size, path, sizeof(path)), r = -1;

	if (fd < 0)
		return -1;
	if (fp_ingest_new(&ing, db, opts, &err) == 0)
		r = fp_ingest_file(ing, st, path, &err);
	fp_ingest_free(ing);
	close(fd);
	return r;
}

static char *
flows(struct fp_db *db)
{
	sqlite3_stmt *st = NULL;
	struct fp_buf b;

	fp_buf_init(&b);
	if (sqlite3_prepare_v2(fp_db_handle(db), FLOWS_SQL, -1, &st, NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *v = sqlite3_column_text(st, c);

			fp_buf_printf(&b, "%s%s", c ? "|" : "", v != NULL ? (const char *)v : "NULL");
		}
		fp_buf_addc(&b, '\n');
	}
	sqlite3_finalize(st);
	return fp_buf_steal(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fp_ingest_opts opts = { .max_errors = UINT64_MAX };
	struct fp_ingest_stats head, rest, whole;
	struct fp_db *grown = NULL, *once = NULL;
	struct fp_err err = { 0 };
	const uint8_t *nl;
	bool anywhere;
	size_t cut;

	if (size < 2 || size > (256u << 10))
		return 0;
	opts.chunk = (size_t)64 << (data[0] & 7);
	opts.threads = data[0] & 8 ? 3 : 1;
	anywhere = data[0] & 16;
	data++;
	size--;
	/* the first lines: up to the first line end after the middle */
	nl = memchr(data + size / 2, '\n', size - size / 2);
	cut = anywhere ? size / 2 : nl != NULL ? (size_t)(nl - data) + 1 : 0;
	if (fp_db_open(&grown, ":memory:", 0, &err) < 0 || fp_db_open(&once, ":memory:", 0, &err) < 0)
		goto out;
	if (ingest(once, &opts, data, size, &whole) < 0 || cut == 0 || cut == size)
		goto out;
	if (ingest(grown, &opts, data, cut, &head) < 0 ||
	    ingest(grown, &opts, data, size, &rest) < 0)
		goto out;
	/* the first lines alone may name another format (half a document) */
	if (head.format != NULL && whole.format != NULL && strcmp(head.format, whole.format) == 0 &&
	    !head.duplicate && (!anywhere || whole.split_records > 0)) {
		char *a = flows(grown), *b = flows(once);

		if (rest.resumed_bytes != cut || strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
	}
out:
	fp_db_close(grown);
	fp_db_close(once);
	return 0;
}
