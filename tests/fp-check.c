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

#include <jansson.h>
#include <sqlite3.h>

#include "lib/ingest.h"
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

char *
fp_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long size;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	ck_assert_int_ge(size, 0);
	rewind(f);
	data = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
	data[size] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)size;
	return data;
}

/* The endpoint object of @spec; @ip gets the "ip:" token, if any. */
static json_t *
hubble_endpoint(const char *spec, char *ip, size_t ip_size)
{
	json_t *ep = json_object(), *labels = json_array();
	const char *p = spec != NULL ? spec : "";
	char tok[512], label[520];

	ip[0] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		ck_assert_uint_lt(n, sizeof(tok));
		memcpy(tok, p, n);
		tok[n] = '\0';
		p += n + (p[n] == ' ');
		if (n == 0)
			continue;
		if (strncmp(tok, "ns:", 3) == 0) {
			json_object_set_new(ep, "namespace", json_string(tok + 3));
		} else if (strncmp(tok, "pod:", 4) == 0) {
			json_object_set_new(ep, "pod_name", json_string(tok + 4));
		} else if (strncmp(tok, "ip:", 3) == 0) {
			ck_assert_uint_lt(n - 3, ip_size);
			memcpy(ip, tok + 3, n - 3 + 1);
		} else if (strchr(tok, ':') != NULL) {
			json_array_append_new(labels, json_string(tok));
		} else {
			snprintf(label, sizeof(label), "k8s:%s", tok);
			json_array_append_new(labels, json_string(label));
		}
	}
	if (json_array_size(labels) > 0)
		json_object_set_new(ep, "labels", labels);
	else
		json_decref(labels);
	return ep;
}

void
fp_hubble_add(struct fp_buf *out, const struct fp_hubble *h)
{
	const char *proto = h->proto != NULL ? h->proto : "TCP";
	const char *time = h->time != NULL ? h->time : "2026-11-12T10:00:00Z";
	char sip[64], dip[64];
	json_t *flow = json_object(), *l4 = json_object(), *ip = json_object(), *p, *root;
	char *text;

	json_object_set_new(flow, "time", json_string(time));
	json_object_set_new(flow, "verdict", json_string(h->verdict != NULL ? h->verdict
									  : "FORWARDED"));
	json_object_set_new(flow, "source", hubble_endpoint(h->src, sip, sizeof(sip)));
	json_object_set_new(flow, "destination", hubble_endpoint(h->dst, dip, sizeof(dip)));
	if (sip[0] != '\0')
		json_object_set_new(ip, "source", json_string(sip));
	if (dip[0] != '\0')
		json_object_set_new(ip, "destination", json_string(dip));
	json_object_set_new(ip, "ipVersion", json_string("IPv4"));
	json_object_set_new(flow, "IP", ip);
	if (strcmp(proto, "ICMPv4") == 0) {
		p = json_pack("{s:I}", "type", (json_int_t)h->port);
	} else {
		p = json_pack("{s:i, s:I}", "source_port", 40000, "destination_port",
			      (json_int_t)h->port);
		if (strcmp(proto, "TCP") == 0)
			json_object_set_new(p, "flags", json_pack("{s:b}", "SYN", 1));
	}
	json_object_set_new(l4, proto, p);
	json_object_set_new(flow, "l4", l4);
	json_object_set_new(flow, "Type", json_string("L3_L4"));
	json_object_set_new(flow, "event_type", json_pack("{s:i}", "type", 5));
	json_object_set_new(flow, "is_reply", json_false());
	if (h->count > 0)
		json_object_set_new(flow, "aggregate",
				    json_pack("{s:I}", "egress_flow_count", (json_int_t)h->count));
	root = json_pack("{s:o, s:s, s:s}", "flow", flow, "node_name", "node-1", "time", time);
	ck_assert_ptr_nonnull(root);
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(fp_buf_adds(out, text), 0);
	ck_assert_int_eq(fp_buf_addc(out, '\n'), 0);
	free(text);
	json_decref(root);
}

struct fp_db *
fp_test_db(const char *name)
{
	char path[PATH_MAX];
	struct fp_err err = { 0 };
	struct fp_db *db = NULL;

	snprintf(path, sizeof(path), "%s/%s", fp_tmpdir(), name);
	ck_assert_int_eq(fp_db_open(&db, path, 0, &err), 0);
	return db;
}

unsigned long
fp_test_ingest(struct fp_db *db, const char *name, const char *text)
{
	struct fp_ingest_opts opts = { .max_errors = 0 };
	struct fp_ingest_stats stats;
	struct fp_ingest *ing = NULL;
	struct fp_err err = { 0 };
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", fp_write_file(fp_tmpdir(), name, text));
	ck_assert_int_eq(fp_ingest_new(&ing, db, &opts, &err), 0);
	ck_assert_msg(fp_ingest_file(ing, &stats, path, &err) == 0, "%s: %s", name, err.text);
	fp_ingest_free(ing);
	return (unsigned long)stats.records;
}

long long
fp_test_query(struct fp_db *db, const char *sql)
{
	struct fp_err err = { 0 };
	int64_t v = 0;

	ck_assert_msg(fp_db_query_int(db, &v, sql, 0, &err) == 0, "%s: %s", sql, err.text);
	return (long long)v;
}

char *
fp_test_rows(struct fp_db *db, const char *sql)
{
	struct fp_err err = { 0 };
	sqlite3_stmt *st = NULL;
	struct fp_buf b;
	int r;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_buf_adds(&b, ""), 0);
	ck_assert_msg(fp_db_prepare(db, &st, sql, &err) == 0, "%s: %s", sql, err.text);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);

			fp_buf_printf(&b, "%s%s", i > 0 ? "|" : "", v != NULL ? v : "-");
		}
		fp_buf_addc(&b, '\n');
	}
	ck_assert_int_eq(r, SQLITE_DONE);
	sqlite3_finalize(st);
	return fp_buf_steal(&b);
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
