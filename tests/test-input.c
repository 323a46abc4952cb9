/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-input.c - reading input files line by line: plain and gzip (by magic
 * bytes), damaged gzip, over-long lines, and content fingerprints.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/input.h"
#include "tests/fp-check.h"

static const char *
tmp_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fp_tmpdir(), name);
	return path;
}

/* Write @len bytes of @data gzip-compressed to @name (mode "wb" or "ab"). */
static const char *
write_gz(const char *name, const char *mode, const void *data, size_t len)
{
	const char *path = tmp_path(name);
	gzFile gz = gzopen(path, mode);

	ck_assert_ptr_nonnull(gz);
	ck_assert_int_eq(gzwrite(gz, data, (unsigned)len), (int)len);
	ck_assert_int_eq(gzclose(gz), Z_OK);
	return path;
}

static const char *
write_bytes(const char *name, const void *data, size_t len)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static struct fp_input *
open_ok(const char *path)
{
	struct fp_input *in = NULL;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_input_open(&in, path, &err), 0);
	ck_assert_ptr_nonnull(in);
	return in;
}

/* Expect the next line to be @want, numbered @lineno. */
static void
expect_line(struct fp_input *in, const char *want, long lineno)
{
	struct fp_err err = { 0 };
	const char *line;
	size_t len;
	long n = 0;

	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), 1);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert(memcmp(line, want, len) == 0);
	ck_assert_int_eq(n, lineno);
}

static void
expect_end(struct fp_input *in)
{
	struct fp_err err = { 0 };
	const char *line;
	size_t len;
	long n = 0;

	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), 0);
	ck_assert_int_eq(err.code, FP_OK);
	/* The end stays the end. */
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), 0);
}

/* Read @path to the end; return its streaming fingerprint. */
static void
stream_fingerprint(const char *path, char out[FP_FINGERPRINT_BUFSZ])
{
	struct fp_input *in = open_ok(path);
	struct fp_err err = { 0 };
	const char *line;
	size_t len;
	long n;
	int r;

	while ((r = fp_input_next_line(in, &line, &len, &n, &err)) == 1)
		;
	ck_assert_int_eq(r, 0);
	fp_input_fingerprint(in, out);
	fp_input_close(in);
}

static void
prefingerprint(const char *path, char out[FP_FINGERPRINT_BUFSZ])
{
	struct fp_input *in = open_ok(path);
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_input_prefingerprint(in, out, &err), 1);
	fp_input_close(in);
}

START_TEST(test_input_plain_lines)
{
	struct fp_input *in;

	in = open_ok(fp_write_file(fp_tmpdir(), "a.jsonl", "one\ntwo\n\nfour\n"));
	ck_assert_str_eq(fp_input_name(in), tmp_path("a.jsonl"));
	expect_line(in, "one", 1);
	expect_line(in, "two", 2);
	expect_line(in, "", 3);
	expect_line(in, "four", 4);
	expect_end(in);
	ck_assert(!fp_input_is_gzip(in));
	ck_assert_uint_eq(fp_input_raw_offset(in), 14);
	ck_assert_uint_eq(fp_input_raw_size(in), 14);
	fp_input_close(in);

	/* No newline after the last line: it is still a line. */
	in = open_ok(fp_write_file(fp_tmpdir(), "b.jsonl", "one\ntwo"));
	expect_line(in, "one", 1);
	expect_line(in, "two", 2);
	expect_end(in);
	fp_input_close(in);

	/* CRLF: the "\r" goes with the "\n"; a lone "\r" inside a line stays. */
	in = open_ok(fp_write_file(fp_tmpdir(), "c.jsonl", "one\r\nt\rwo\r\n\r\nlast\r"));
	expect_line(in, "one", 1);
	expect_line(in, "t\rwo", 2);
	expect_line(in, "", 3);
	expect_line(in, "last", 4);
	expect_end(in);
	fp_input_close(in);

	in = open_ok(fp_write_file(fp_tmpdir(), "empty.jsonl", ""));
	expect_end(in);
	fp_input_close(in);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_open_errors)
{
	struct fp_input *in = (struct fp_input *)&in;
	struct fp_err err = { 0 };
	const char *path = tmp_path("nope.jsonl");

	ck_assert_int_eq(fp_input_open(&in, path, &err), FP_EIO);
	ck_assert_ptr_null(in);
	fp_assert_err(&err, FP_EIO, path, 0, 0, "cannot open: No such file or directory");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_input_open(&in, fp_tmpdir(), &err), FP_EIO);
	ck_assert_ptr_null(in);
	{
		char want[4200];

		snprintf(want, sizeof(want), "is a directory: name the logs in it (\"%s/*\")",
			 fp_tmpdir());
		fp_assert_err(&err, FP_EIO, fp_tmpdir(), 0, 0, want);
	}
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_gzip_by_magic)
{
	static const char text[] = "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}";
	struct fp_input *in;

	/* The name says nothing: the first two bytes do. */
	in = open_ok(write_gz("flows.txt", "wb", text, strlen(text)));
	expect_line(in, "{\"a\":1}", 1);
	ck_assert(fp_input_is_gzip(in));
	expect_line(in, "{\"b\":2}", 2);
	expect_line(in, "{\"c\":3}", 3);
	expect_end(in);
	ck_assert_uint_eq(fp_input_raw_offset(in), fp_input_raw_size(in));
	fp_input_close(in);

	/* And a plain file called .gz is read as it is. */
	in = open_ok(fp_write_file(fp_tmpdir(), "plain.jsonl.gz", "x\ny\n"));
	expect_line(in, "x", 1);
	ck_assert(!fp_input_is_gzip(in));
	expect_line(in, "y", 2);
	expect_end(in);
	fp_input_close(in);

	/* A file of one byte is too short to be gzip. */
	in = open_ok(fp_write_file(fp_tmpdir(), "one.jsonl", "\x1f"));
	expect_line(in, "\x1f", 1);
	expect_end(in);
	fp_input_close(in);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_gzip_members)
{
	const char *path;
	struct fp_input *in;

	/* "ab" appends a second gzip member, as `cat a.gz b.gz` makes. */
	write_gz("cat.gz", "wb", "first\nsecond-", 13);
	path = write_gz("cat.gz", "ab", "continued\nthird\n", 16);
	in = open_ok(path);
	expect_line(in, "first", 1);
	expect_line(in, "second-continued", 2);
	expect_line(in, "third", 3);
	expect_end(in);
	fp_input_close(in);
	fp_tmpdir_cleanup();
}
END_TEST

/* Gzip @text into memory; *@len gets the size. */
static unsigned char *
gzip_bytes(const char *name, const char *text, size_t *len)
{
	char *data;

	write_gz(name, "wb", text, strlen(text));
	data = fp_read_file(tmp_path(name), len);
	return (unsigned char *)data;
}

START_TEST(test_input_gzip_truncated)
{
	struct fp_input *in;
	struct fp_err err = { 0 };
	unsigned char *gz;
	const char *line, *path;
	size_t len, gz_len;
	struct fp_buf text;
	long n = 0, good = 0;
	int r;

	/* Without its 8-byte trailer every line decodes, then the end is early. */
	gz = gzip_bytes("t.gz", "alpha\nbeta\ngamma\n", &gz_len);
	path = write_bytes("cut.jsonl.gz", gz, gz_len - 8);
	in = open_ok(path);
	expect_line(in, "alpha", 1);
	expect_line(in, "beta", 2);
	expect_line(in, "gamma", 3);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 4, 0, "gzip data ends early (truncated file?)");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), 0);
	ck_assert_int_eq(err.code, FP_OK);
	fp_input_close(in);
	free(gz);

	/* Cut in the middle: a prefix of whole lines, never half of one. */
	fp_buf_init(&text);
	for (int i = 1; i <= 20000; i++)
		fp_buf_printf(&text, "line %d %x\n", i, (unsigned)(i * 2654435761u));
	gz = gzip_bytes("big.gz", fp_buf_str(&text), &gz_len);
	path = write_bytes("half.gz", gz, gz_len / 2);
	in = open_ok(path);
	while ((r = fp_input_next_line(in, &line, &len, &n, &err)) == 1) {
		char want[64];

		snprintf(want, sizeof(want), "line %ld %x", good + 1,
			 (unsigned)((good + 1) * 2654435761u));
		ck_assert_int_eq(n, good + 1);
		ck_assert_uint_eq(len, strlen(want));
		ck_assert(memcmp(line, want, len) == 0);
		good++;
	}
	ck_assert_int_eq(r, FP_EINPUT);
	ck_assert_int_gt(good, 1000);
	ck_assert_int_lt(good, 20000);
	fp_assert_err(&err, FP_EINPUT, path, good + 1, 0, "gzip data ends early (truncated file?)");
	fp_input_close(in);
	free(gz);
	fp_buf_done(&text);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_gzip_damaged)
{
	struct fp_input *in;
	struct fp_err err = { 0 };
	unsigned char *gz, *junk;
	const char *line, *path;
	size_t len, gz_len;
	long n;

	/* Trailing bytes that are not another member. */
	gz = gzip_bytes("d.gz", "alpha\nbeta\n", &gz_len);
	junk = malloc(gz_len + 4);
	ck_assert_ptr_nonnull(junk);
	memcpy(junk, gz, gz_len);
	memcpy(junk + gz_len, "junk", 4);
	path = write_bytes("junk.gz", junk, gz_len + 4);
	in = open_ok(path);
	expect_line(in, "alpha", 1);
	expect_line(in, "beta", 2);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 3, 0, "unexpected data after the gzip stream");
	fp_input_close(in);

	/* A damaged header or deflate block. */
	fp_err_clear(&err);
	memcpy(junk, gz, gz_len);
	junk[3] = 0xe0; /* reserved flag bits set */
	path = write_bytes("bad.gz", junk, gz_len);
	in = open_ok(path);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 1, 0, "corrupt gzip data");
	fp_input_close(in);
	free(junk);
	free(gz);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_gzip_bad_checksum)
{
	struct fp_input *in;
	struct fp_err err = { 0 };
	unsigned char *gz;
	const char *line, *path;
	size_t len, gz_len;
	struct fp_buf text;
	long n = 0, good = 0;
	int r;

	/*
	 * Every byte decodes; only the CRC in the trailer is wrong.  The lines
	 * are handed out, and the damage is reported on the line after them,
	 * however the decoder happened to split its work.
	 */
	fp_buf_init(&text);
	for (int i = 1; i <= 20000; i++)
		fp_buf_printf(&text, "line %d\n", i);
	gz = gzip_bytes("ok.gz", fp_buf_str(&text), &gz_len);
	gz[gz_len - 8] ^= 0xff;
	path = write_bytes("crc.gz", gz, gz_len);
	in = open_ok(path);
	while ((r = fp_input_next_line(in, &line, &len, &n, &err)) == 1)
		good++;
	ck_assert_int_eq(r, FP_EINPUT);
	ck_assert_int_eq(good, 20000);
	fp_assert_err(&err, FP_EINPUT, path, 20001, 0, "corrupt gzip data");
	fp_input_close(in);
	free(gz);
	fp_buf_done(&text);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_long_line)
{
	size_t big = FP_INPUT_MAX_LINE + 1, huge = FP_INPUT_MAX_LINE + 100;
	char *data = malloc(big + huge + 32), msg[160];
	struct fp_input *in;
	struct fp_err err = { 0 };
	const char *line, *path;
	size_t len, at = 0;
	long n = 0;

	/* One byte over the limit, then far over it with CRLF. */
	ck_assert_ptr_nonnull(data);
	memcpy(data, "first\n", 6);
	at = 6;
	memset(data + at, 'x', big);
	at += big;
	memcpy(data + at, "\nmid\n", 5);
	at += 5;
	/* an array on one line: the message says what to do with it */
	memset(data + at, 'z', huge);
	memcpy(data + at, "  [", 3);
	at += huge;
	memcpy(data + at, "\r\nnext\n", 7);
	at += 7;
	path = write_bytes("long.jsonl", data, at);
	in = open_ok(path);
	expect_line(in, "first", 1);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), FP_EINPUT);
	ck_assert_int_eq(n, 2);
	snprintf(msg, sizeof(msg), "line longer than %u bytes: skipped", FP_INPUT_MAX_LINE);
	fp_assert_err(&err, FP_EINPUT, path, 2, 0, msg);
	/* Reading goes on after a long line. */
	expect_line(in, "mid", 3);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), FP_EINPUT);
	ck_assert_int_eq(n, 4);
	snprintf(msg, sizeof(msg),
		 "a JSON array on one line longer than %u bytes: skipped; write one record a "
		 "line (jq -c '.[]') or pretty-print it",
		 FP_INPUT_MAX_LINE);
	fp_assert_err(&err, FP_EINPUT, path, 4, 0, msg);
	snprintf(msg, sizeof(msg), "line longer than %u bytes: skipped", FP_INPUT_MAX_LINE);
	expect_line(in, "next", 5);
	expect_end(in);
	fp_input_close(in);

	/* One byte over, as the last line without a newline, in gzip. */
	fp_err_clear(&err);
	path = write_gz("long.gz", "wb", data, big + 6);
	in = open_ok(path);
	expect_line(in, "first", 1);
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 2, 0, msg);
	expect_end(in);
	fp_input_close(in);
	free(data);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_longest_line)
{
	size_t max = FP_INPUT_MAX_LINE;
	char *data = malloc(max + 16);
	struct fp_input *in;
	struct fp_err err = { 0 };
	const char *line;
	size_t len;
	long n = 0;

	/* A line of exactly FP_INPUT_MAX_LINE bytes is not longer than that. */
	ck_assert_ptr_nonnull(data);
	memset(data, 'y', max);
	memcpy(data + max, "\r\nnext\n", 7);
	in = open_ok(write_bytes("max.jsonl", data, max + 7));
	ck_assert_int_eq(fp_input_next_line(in, &line, &len, &n, &err), 1);
	ck_assert_int_eq(err.code, FP_OK);
	ck_assert_uint_eq(len, max);
	ck_assert_int_eq(n, 1);
	ck_assert(line[0] == 'y' && line[max - 1] == 'y');
	expect_line(in, "next", 2);
	expect_end(in);
	fp_input_close(in);
	free(data);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_fingerprints)
{
	char a[FP_FINGERPRINT_BUFSZ], b[FP_FINGERPRINT_BUFSZ], c[FP_FINGERPRINT_BUFSZ];
	char d[FP_FINGERPRINT_BUFSZ];
	struct fp_buf text;
	const char *pa, *pb, *pc;

	fp_buf_init(&text);
	/* Larger than one read chunk, so streaming hashes several pieces. */
	for (int i = 0; i < 100000; i++)
		fp_buf_printf(&text, "{\"n\":%d}\n", i);
	pa = fp_write_file(fp_tmpdir(), "a.jsonl", fp_buf_str(&text));
	ck_assert_uint_gt(text.len, 1u << 20);
	prefingerprint(pa, a);
	stream_fingerprint(pa, b);
	ck_assert_str_eq(a, b);
	/* "<hash>-<size>" */
	snprintf(c, sizeof(c), "-%zu", text.len);
	ck_assert_str_eq(a + 16, c);
	/* The same content under another name. */
	pb = fp_write_file(fp_tmpdir(), "copy-of-a.log", fp_buf_str(&text));
	prefingerprint(pb, c);
	ck_assert_str_eq(a, c);
	/* One byte different. */
	text.data[text.len / 2] = 'X';
	pc = fp_write_file(fp_tmpdir(), "c.jsonl", fp_buf_str(&text));
	prefingerprint(pc, d);
	ck_assert_str_ne(a, d);
	stream_fingerprint(pc, c);
	ck_assert_str_eq(c, d);
	/* A gzip file is fingerprinted by its raw (compressed) bytes. */
	pc = write_gz("a.gz", "wb", "x\n", 2);
	prefingerprint(pc, c);
	stream_fingerprint(pc, d);
	ck_assert_str_eq(c, d);
	ck_assert_str_ne(a, c);
	fp_buf_done(&text);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_prefingerprint_then_read)
{
	char a[FP_FINGERPRINT_BUFSZ], b[FP_FINGERPRINT_BUFSZ];
	struct fp_input *in;
	struct fp_err err = { 0 };

	/* After hashing ahead, reading starts again from the first byte. */
	in = open_ok(fp_write_file(fp_tmpdir(), "r.jsonl", "one\ntwo\n"));
	ck_assert_int_eq(fp_input_prefingerprint(in, a, &err), 1);
	expect_line(in, "one", 1);
	expect_line(in, "two", 2);
	expect_end(in);
	fp_input_fingerprint(in, b);
	ck_assert_str_eq(a, b);
	fp_input_close(in);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_input_prefix_fingerprint)
{
	char whole[FP_FINGERPRINT_BUFSZ], prefix[FP_FINGERPRINT_BUFSZ];
	struct fp_input *in;
	struct fp_err err = { 0 };

	/* The file as it was before lines were appended ... */
	in = open_ok(fp_write_file(fp_tmpdir(), "before.log", "one\ntwo\n"));
	ck_assert_int_eq(fp_input_prefingerprint(in, whole, &err), 1);
	fp_input_close(in);
	/* ... is the prefix of the file now, and reading is not disturbed. */
	in = open_ok(fp_write_file(fp_tmpdir(), "after.log", "one\ntwo\nthree\n"));
	ck_assert_int_eq(fp_input_prefix_fingerprint(in, 8, prefix, &err), 1);
	ck_assert_str_eq(prefix, whole);
	ck_assert_int_eq(fp_input_prefix_fingerprint(in, 7, prefix, &err), 1);
	ck_assert_str_ne(prefix, whole);
	ck_assert_int_eq(fp_input_prefix_fingerprint(in, 15, prefix, &err), 0);
	expect_line(in, "one", 1);
	ck_assert_int_eq(fp_input_prefix_fingerprint(in, 8, prefix, &err), 1);
	expect_line(in, "two", 2);
	expect_line(in, "three", 3);
	expect_end(in);
	fp_input_close(in);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("next_line");

	/* The long-line cases move tens of megabytes: slow under sanitizers. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_input_plain_lines);
	tcase_add_test(tc, test_input_open_errors);
	tcase_add_test(tc, test_input_gzip_by_magic);
	tcase_add_test(tc, test_input_gzip_members);
	tcase_add_test(tc, test_input_gzip_truncated);
	tcase_add_test(tc, test_input_gzip_damaged);
	tcase_add_test(tc, test_input_gzip_bad_checksum);
	tcase_add_test(tc, test_input_long_line);
	tcase_add_test(tc, test_input_longest_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("fingerprint");
	tcase_add_test(tc, test_input_fingerprints);
	tcase_add_test(tc, test_input_prefingerprint_then_read);
	tcase_add_test(tc, test_input_prefix_fingerprint);
	suite_add_tcase(s, tc);
	return s;
}
