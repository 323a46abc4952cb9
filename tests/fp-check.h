/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fp-check.h - shared helpers for the Check suites.
 *
 * Each tests/test-<module>.c defines fp_test_suite(); fp-check.c runs it.
 */
#ifndef FP_TESTS_FP_CHECK_H
#define FP_TESTS_FP_CHECK_H

#include <stddef.h>

#include <check.h>

#include "lib/db.h"
#include "lib/err.h"
#include "lib/util-buf.h"

Suite *fp_test_suite(void);

/* Path of a file under testdata/ (FP_TESTDATA); static buffer. */
const char *fp_testdata(const char *rel);

/* A fresh temporary directory for one test; removed by fp_tmpdir_cleanup(). */
const char *fp_tmpdir(void);
void fp_tmpdir_cleanup(void);

/* Write @text to @dir/@name and return the path (static buffer). */
const char *fp_write_file(const char *dir, const char *name, const char *text);

/* The whole file at @path (NUL-terminated; caller frees); *@len its size. */
char *fp_read_file(const char *path, size_t *len);

/* Assert the whole error record, as jansson's check_error() does. */
#define fp_assert_err(e, c, src, ln, col, txt)                 \
	do {                                                   \
		ck_assert_int_eq((e)->code, (c));              \
		ck_assert_str_eq((e)->source, (src));          \
		ck_assert_int_eq((e)->line, (ln));             \
		ck_assert_int_eq((e)->column, (col));          \
		ck_assert_str_eq((e)->text, (txt));            \
	} while (0)

/*
 * One Hubble jsonpb record ({"flow":{...}}), a policy-verdict event, for
 * building small databases.  An endpoint is described by space-separated
 * tokens: "ns:NAME", "pod:NAME", "ip:ADDR", "reserved:WHAT" (a reserved
 * label, as Cilium writes it) and "key=value" (a k8s: pod label), e.g.
 * "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web" or "reserved:world ip:1.2.3.4".
 */
struct fp_hubble {
	const char *time;     /* RFC 3339; NULL = 2026-11-12T10:00:00Z */
	const char *src, *dst;
	const char *proto;    /* "TCP" (NULL), "UDP", "SCTP", "ICMPv4" */
	unsigned port;        /* destination port; the type for ICMP */
	const char *verdict;  /* NULL = "FORWARDED" */
	unsigned count;       /* > 0: an exporter aggregate of that many flows */
};

/* Append the record as one line (with its newline) to @out. */
void fp_hubble_add(struct fp_buf *out, const struct fp_hubble *h);
#define FP_HUBBLE(out, ...) fp_hubble_add((out), &(struct fp_hubble){ __VA_ARGS__ })

/* A new database @name in the test's temporary directory. */
struct fp_db *fp_test_db(const char *name);

/*
 * Write @text to a file @name in the temporary directory and ingest it into
 * @db with default options (format detected, no error budget), asserting
 * success.  Returns the number of flows (records) read.
 */
unsigned long fp_test_ingest(struct fp_db *db, const char *name, const char *text);

/* The single integer a query returns. */
long long fp_test_query(struct fp_db *db, const char *sql);

/*
 * Every row of @sql as "c1|c2|...\n" lines, in the query's order (caller
 * frees).  NULL columns read as "-".
 */
char *fp_test_rows(struct fp_db *db, const char *sql);

/* The flows table with endpoint keys for ids: comparable across databases. */
#define FP_TEST_FLOWS_SQL                                                                  \
	"SELECT f.bucket, s.key, d.key, f.proto, f.port, f.verdict, f.reason, f.count, "     \
	"f.first_seen, f.last_seen FROM flows f JOIN endpoints s ON s.id = f.src "          \
	"JOIN endpoints d ON d.id = f.dst ORDER BY 1, 2, 3, 4, 5, 6, 7"

#endif
