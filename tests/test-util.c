/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-util.c - the util-* modules: time, addresses, Kubernetes names,
 * hashing, buffers and arenas.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util-arena.h"
#include "lib/util-buf.h"
#include "lib/util-file.h"
#include "lib/util-hash.h"
#include "lib/util-json.h"
#include "lib/util-k8s.h"
#include "lib/util-map.h"
#include "lib/util-net.h"
#include "lib/util-sort.h"
#include "lib/util-str.h"
#include "lib/util-time.h"
#include "lib/util-zone.h"
#include "tests/fp-check.h"

static int64_t
t(const char *s)
{
	int64_t v = 0;

	ck_assert_int_eq(fp_time_parse_rfc3339(&v, NULL, s, strlen(s)), 0);
	return v;
}

static bool
bad_time(const char *s)
{
	int64_t v;

	return fp_time_parse_rfc3339(&v, NULL, s, strlen(s)) == FP_EINPUT;
}

START_TEST(test_time_parse_rfc3339)
{
	int32_t ns;
	int64_t v;
	char buf[FP_TIME_BUFSZ];

	ck_assert_int_eq(t("1970-01-01T00:00:00Z"), 0);
	ck_assert_int_eq(t("2026-11-19T00:00:00Z"), 1795046400);
	ck_assert_int_eq(t("2026-11-19T02:00:00+02:00"), 1795046400);
	ck_assert_int_eq(t("2026-11-18T23:30:00-00:30"), 1795046400);
	ck_assert_int_eq(t("2024-02-29T12:00:00z"), 1709208000);
	ck_assert_int_eq(fp_time_parse_rfc3339(&v, &ns, "2021-06-16T16:52:13.136834446Z", 30), 0);
	ck_assert_int_eq(ns, 136834446);
	ck_assert_str_eq(fp_time_format(buf, v), "2021-06-16T16:52:13Z");
	ck_assert_str_eq(fp_time_format(buf, -1), "1969-12-31T23:59:59Z");
}
END_TEST

START_TEST(test_time_rejects_invalid)
{
	ck_assert(bad_time(""));
	ck_assert(bad_time("2026-11-19"));
	ck_assert(bad_time("2026-11-19T00:00:00"));
	ck_assert(bad_time("2026-13-01T00:00:00Z"));
	ck_assert(bad_time("2025-02-29T00:00:00Z"));
	ck_assert(bad_time("2026-11-19T24:00:00Z"));
	ck_assert(bad_time("2026-11-19T00:00:00.Z"));
	ck_assert(bad_time("2026-11-19T00:00:00Zjunk"));
	ck_assert(bad_time("2026-11-19T00:00:00+2:00"));
}
END_TEST

START_TEST(test_time_durations)
{
	int64_t v;

	ck_assert_int_eq(fp_time_parse_duration(&v, "7d"), 0);
	ck_assert_int_eq(v, 7 * 86400);
	ck_assert_int_eq(fp_time_parse_duration(&v, "1d12h30m5s"), 0);
	ck_assert_int_eq(v, 86400 + 12 * 3600 + 30 * 60 + 5);
	ck_assert_int_eq(fp_time_parse_duration(&v, "2w"), 0);
	ck_assert_int_eq(v, 14 * 86400);
	ck_assert_int_eq(fp_time_parse_duration(&v, "7"), FP_EINPUT);
	ck_assert_int_eq(fp_time_parse_duration(&v, "d"), FP_EINPUT);
	ck_assert_int_eq(fp_time_parse_duration(&v, "-1d"), FP_EINPUT);
	ck_assert_int_eq(fp_time_parse_duration(&v, "99999999999999999999d"), FP_EINPUT);
	ck_assert_int_eq(fp_time_parse_arg(&v, "30m", 10000), 0);
	ck_assert_int_eq(v, 10000 - 1800);
	ck_assert_int_eq(fp_time_parse_arg(&v, "1970-01-01T01:00:00Z", 10000), 0);
	ck_assert_int_eq(v, 3600);
}
END_TEST

static bool
addr_roundtrip(const char *in, const char *want)
{
	struct fp_addr a;
	char buf[FP_ADDR_BUFSZ];

	if (fp_addr_parse(&a, in, strlen(in)) < 0)
		return want == NULL;
	return want != NULL && strcmp(fp_addr_format(buf, &a), want) == 0;
}

START_TEST(test_net_addresses)
{
	ck_assert(addr_roundtrip("10.0.2.16", "10.0.2.16"));
	ck_assert(addr_roundtrip("0.0.0.0", "0.0.0.0"));
	ck_assert(addr_roundtrip("2001:DB8:0:0::1", "2001:db8::1"));
	ck_assert(addr_roundtrip("64.6.160", NULL));
	ck_assert(addr_roundtrip("256.1.1.1", NULL));
	ck_assert(addr_roundtrip("010.1.1.1", NULL));
	ck_assert(addr_roundtrip("1.2.3.4 ", NULL));
	ck_assert(addr_roundtrip("fe80::1%eth0", NULL));
	ck_assert(addr_roundtrip("", NULL));
}
END_TEST

START_TEST(test_net_cidrs)
{
	struct fp_cidr c, d;
	struct fp_addr a;
	char buf[FP_ADDR_BUFSZ];

	ck_assert_int_eq(fp_cidr_parse(&c, "10.244.0.0/16", true), 0);
	ck_assert_str_eq(fp_cidr_format(buf, &c), "10.244.0.0/16");
	ck_assert_int_eq(fp_addr_parse(&a, "10.244.3.7", 10), 0);
	ck_assert(fp_cidr_contains(&c, &a));
	ck_assert_int_eq(fp_addr_parse(&a, "10.245.0.1", 10), 0);
	ck_assert(!fp_cidr_contains(&c, &a));
	ck_assert_int_eq(fp_cidr_parse(&c, "10.244.1.0/16", true), FP_EINPUT);
	ck_assert_int_eq(fp_cidr_parse(&c, "10.244.1.0/16", false), 0);
	ck_assert_str_eq(fp_cidr_format(buf, &c), "10.244.0.0/16");
	ck_assert_int_eq(fp_cidr_parse(&d, "10.244.8.0/24", true), 0);
	ck_assert(fp_cidr_within(&d, &c));
	ck_assert(!fp_cidr_within(&c, &d));
	ck_assert(fp_cidr_overlaps(&c, &d));
	ck_assert_int_eq(fp_cidr_parse(&c, "10.0.0.0/33", true), FP_EINPUT);
	ck_assert_int_eq(fp_cidr_parse(&c, "10.0.0.0/", true), FP_EINPUT);
	ck_assert_int_eq(fp_cidr_parse(&c, "10.0.0.0/08", true), FP_EINPUT);
	ck_assert_int_eq(fp_cidr_parse(&c, "2001:db8::/32", true), 0);
	ck_assert_str_eq(fp_cidr_format(buf, &c), "2001:db8::/32");
}
END_TEST

START_TEST(test_k8s_names)
{
	ck_assert(fp_k8s_is_dns_label("prod", 4));
	ck_assert(!fp_k8s_is_dns_label("../../etc", 9));
	ck_assert(!fp_k8s_is_dns_label("prod/x", 6));
	ck_assert(!fp_k8s_is_dns_label("Prod", 4));
	ck_assert(!fp_k8s_is_dns_label("-prod", 5));
	ck_assert(!fp_k8s_is_dns_label("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64));
	ck_assert(fp_k8s_is_dns_subdomain("reviews-v1.x", 12));
	ck_assert(!fp_k8s_is_dns_subdomain("reviews..x", 10));
	ck_assert(fp_k8s_is_label_key("app.kubernetes.io/name", 22));
	ck_assert(fp_k8s_is_label_key("app", 3));
	ck_assert(!fp_k8s_is_label_key("app: x", 6));
	ck_assert(!fp_k8s_is_label_key("/name", 5));
	ck_assert(!fp_k8s_is_label_key("Bad_Prefix/name", 15));
	ck_assert(!fp_k8s_is_label_key("a\nb", 3));
	ck_assert(fp_k8s_is_label_value("", 0));
	ck_assert(fp_k8s_is_label_value("v1.2_3-x", 8));
	ck_assert(!fp_k8s_is_label_value("{x}", 3));
	ck_assert(!fp_k8s_is_label_value("\"q\"", 3));
	ck_assert(!fp_k8s_is_label_value("-x", 2));
	ck_assert(fp_k8s_is_volatile_label("pod-template-hash", 17));
	ck_assert(fp_k8s_is_volatile_label("batch.kubernetes.io/job-name", 28));
	ck_assert(!fp_k8s_is_volatile_label("app", 3));
	ck_assert(fp_k8s_is_cni_label("io.cilium.k8s.policy.cluster", 28));
	ck_assert_int_lt(fp_k8s_label_rank("app.kubernetes.io/name"), fp_k8s_label_rank("app"));
	ck_assert_int_lt(fp_k8s_label_rank("version"), fp_k8s_label_rank("helm.sh/chart"));
}
END_TEST

START_TEST(test_k8s_configured_labels)
{
	static const char *const prefer[] = { "team", "owner" };
	static const char *const vol[] = { "build", "example.com/*" };
	const struct fp_k8s_labels l = { prefer, 2, vol, 2 };
	struct fp_buf b;

	/* NULL: the built-in choices, unchanged */
	ck_assert(fp_k8s_labels_is_volatile(NULL, "pod-template-hash", 17));
	ck_assert(!fp_k8s_labels_is_volatile(NULL, "build", 5));
	ck_assert_int_eq(fp_k8s_labels_rank(NULL, "app"), fp_k8s_label_rank("app"));
	ck_assert_int_eq(fp_k8s_labels_rank(NULL, "team"), fp_k8s_label_rank("team"));
	/* extra keys, exact and by prefix; the built-in ones stay */
	ck_assert(fp_k8s_labels_is_volatile(&l, "build", 5));
	ck_assert(!fp_k8s_labels_is_volatile(&l, "builder", 7));
	ck_assert(!fp_k8s_labels_is_volatile(&l, "buil", 4));
	ck_assert(fp_k8s_labels_is_volatile(&l, "example.com/commit", 18));
	ck_assert(!fp_k8s_labels_is_volatile(&l, "example.com", 11));
	ck_assert(!fp_k8s_labels_is_volatile(&l, "sub.example.com/x", 17));
	ck_assert(fp_k8s_labels_is_volatile(&l, "job-name", 8));
	/* preferred keys first, in order, counted as workload names */
	ck_assert_int_eq(fp_k8s_labels_rank(&l, "team"), -2);
	ck_assert_int_eq(fp_k8s_labels_rank(&l, "owner"), -1);
	ck_assert_int_eq(fp_k8s_labels_rank(&l, "app.kubernetes.io/name"), 0);
	ck_assert_int_le(fp_k8s_labels_rank(&l, "owner"), FP_K8S_RANK_NAME_LAST);
	/* patterns */
	ck_assert(fp_k8s_is_label_pattern("build", 5));
	ck_assert(fp_k8s_is_label_pattern("example.com/*", 13));
	ck_assert(fp_k8s_is_label_pattern("example.com/x", 13));
	ck_assert(!fp_k8s_is_label_pattern("/*", 2));
	ck_assert(!fp_k8s_is_label_pattern("app*", 4));
	ck_assert(!fp_k8s_is_label_pattern("Example.com/*", 13));
	/* stored label text, filtered */
	fp_buf_init(&b);
	ck_assert_int_eq(fp_k8s_labels_stable(&b, &l, "app=web,build=7,example.com/c=1,"
						      "io.cilium.k8s.policy.cluster=d,"
						      "pod-template-hash=x,team=a"),
			 0);
	ck_assert_str_eq(fp_buf_str(&b), "app=web,team=a");
	fp_buf_reset(&b);
	ck_assert_int_eq(fp_k8s_labels_stable(&b, NULL, "build=7"), 0);
	ck_assert_str_eq(fp_buf_str(&b), "build=7");
	fp_buf_reset(&b);
	ck_assert_int_eq(fp_k8s_labels_stable(&b, &l, NULL), 0);
	ck_assert_str_eq(fp_buf_str(&b), "");
	fp_buf_done(&b);
}
END_TEST

START_TEST(test_hash_streaming_matches_oneshot)
{
	char data[1000];
	struct fp_hasher h;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	fp_hasher_init(&h, 0);
	for (size_t i = 0; i < sizeof(data); i += 13)
		fp_hasher_update(&h, data + i, sizeof(data) - i < 13 ? sizeof(data) - i : 13);
	ck_assert_uint_eq(fp_hasher_final(&h), fp_hash64(data, sizeof(data), 0));
	ck_assert_uint_ne(fp_hash64(data, 999, 0), fp_hash64(data, 1000, 0));
	ck_assert_uint_ne(fp_hash64("a", 1, 0), fp_hash64("b", 1, 0));
}
END_TEST

START_TEST(test_buf_and_arena)
{
	struct fp_buf b;
	struct fp_arena a;
	char *s;

	fp_buf_init(&b);
	ck_assert_str_eq(fp_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(fp_buf_printf(&b, "%d,", i), 0);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	fp_buf_done(&b);
	fp_arena_init(&a);
	for (int i = 0; i < 100; i++) {
		s = fp_arena_strndup(&a, "hello world", 5);
		ck_assert_str_eq(s, "hello");
		ck_assert_ptr_nonnull(fp_arena_alloc(&a, 100000));
	}
	fp_arena_reset(&a);
	ck_assert_ptr_nonnull(fp_arena_alloc(&a, 10));
	fp_arena_done(&a);
}
END_TEST

START_TEST(test_map_put_get)
{
	static char keys[3000][16];
	struct fp_strmap m;

	fp_strmap_init(&m);
	ck_assert_int_eq(fp_strmap_get(&m, "absent"), -1);
	for (int i = 0; i < 3000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key-%d", i);
		ck_assert_int_eq(fp_strmap_put(&m, keys[i], (size_t)i * 2), 0);
	}
	ck_assert_uint_eq(m.n, 3000);
	for (int i = 0; i < 3000; i++)
		ck_assert_int_eq(fp_strmap_get(&m, keys[i]), i * 2);
	/* A key is looked up by content; putting it again replaces the value. */
	ck_assert_int_eq(fp_strmap_get(&m, "key-17"), 34);
	ck_assert_int_eq(fp_strmap_put(&m, "key-17", 5), 0);
	ck_assert_int_eq(fp_strmap_get(&m, keys[17]), 5);
	ck_assert_uint_eq(m.n, 3000);
	ck_assert_int_eq(fp_strmap_get(&m, "key-3000"), -1);
	fp_strmap_done(&m);
	ck_assert_int_eq(fp_strmap_get(&m, "key-1"), -1);
}
END_TEST

struct item {
	int key;
	int seq;
};

static int
item_cmp(const void *a, const void *b, void *ctx)
{
	const struct item *x = a, *y = b;
	int dir = *(const int *)ctx;

	return dir * ((x->key > y->key) - (x->key < y->key));
}

START_TEST(test_sort_stable_with_context)
{
	struct item v[1000];
	int down = -1;

	for (int i = 0; i < 1000; i++)
		v[i] = (struct item){ (i * 7919) % 37, i };
	ck_assert_int_eq(fp_sort(v, 1000, sizeof(v[0]), item_cmp, &down), 0);
	for (int i = 1; i < 1000; i++) {
		ck_assert_int_ge(v[i - 1].key, v[i].key);
		/* Equal keys keep their input order. */
		if (v[i - 1].key == v[i].key)
			ck_assert_int_lt(v[i - 1].seq, v[i].seq);
	}
	ck_assert_int_eq(fp_sort(v, 0, sizeof(v[0]), item_cmp, &down), 0);
	ck_assert_int_eq(fp_sort(v, 1, sizeof(v[0]), item_cmp, &down), 0);
}
END_TEST

START_TEST(test_file_write_atomic)
{
	struct fp_err err = { 0 };
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;
	size_t len;
	char *text;

	snprintf(dir, sizeof(dir), "%s/a/b/c", fp_tmpdir());
	ck_assert_int_eq(fp_dir_ensure(dir, &err), 0);
	ck_assert_int_eq(fp_dir_ensure(dir, &err), 0);
	ck_assert_int_eq(fp_file_write_atomic(dir, "prod.yaml", "old\n", 4, &err), 0);
	ck_assert_int_eq(fp_file_write_atomic(dir, "prod.yaml", "new text\n", 9, &err), 0);
	snprintf(path, sizeof(path), "%s/prod.yaml", dir);
	text = fp_read_file(path, &len);
	ck_assert_str_eq(text, "new text\n");
	free(text);
	/* Readable by all, as policies to commit are. */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	/* Names that would leave the directory, or hide, are refused. */
	ck_assert(fp_file_name_ok("kustomization.yaml"));
	ck_assert(!fp_file_name_ok(""));
	ck_assert(!fp_file_name_ok("../x.yaml"));
	ck_assert(!fp_file_name_ok("a/b"));
	ck_assert(!fp_file_name_ok(".hidden"));
	ck_assert_int_eq(fp_file_write_atomic(dir, "../escape.yaml", "x", 1, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, dir, 0, 0, "refusing to write file name '../escape.yaml'");
	/* A file where a directory should be. */
	fp_err_clear(&err);
	ck_assert_int_eq(fp_dir_ensure(path, &err), FP_EIO);
	fp_assert_err(&err, FP_EIO, path, 0, 0, "not a directory");
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_json_getters)
{
	static const char text[] = "{\"o\":{\"n\":8080,\"s\":\"65535\",\"big\":"
				   "\"18446744073709551616\",\"neg\":-1,\"t\":true,"
				   "\"str\":\"v\",\"nul\":null}}";
	struct fp_err err = { 0 };
	json_t *root = NULL, *obj;
	const char *s;
	size_t len;
	uint64_t u;
	bool b, present;

	ck_assert_int_eq(fp_json_load(&root, text, strlen(text), &err), 0);
	ck_assert_int_eq(fp_json_object(&obj, root, "o", "", &err), 0);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "n", 65535, "o", &err), 0);
	ck_assert(present);
	ck_assert_uint_eq(u, 8080);
	/* Protobuf writes 64-bit numbers as strings. */
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "s", 65535, "o", &err), 0);
	ck_assert_uint_eq(u, 65535);
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "absent", 1, "o", &err), 0);
	ck_assert(!present);
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "nul", 1, "o", &err), 0);
	ck_assert(!present);
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "big", UINT64_MAX, "o", &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "\"o.big\": out of range (0-18446744073709551615)");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "neg", 10, "o", &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "\"o.neg\": out of range (0-10)");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_json_uint(&u, &present, obj, "str", 10, "o", &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "\"o.str\": expected integer, got string");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_json_bool(&b, &present, obj, "t", "o", &err), 0);
	ck_assert(b && present);
	ck_assert_int_eq(fp_json_bool(&b, &present, obj, "n", "o", &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "\"o.n\": expected boolean, got integer");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_json_string(&s, &len, obj, "str", "o", &err), 0);
	ck_assert_str_eq(s, "v");
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(fp_json_string(&s, &len, obj, "t", "o", &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "\"o.t\": expected string, got boolean");
	fp_err_clear(&err);
	/* At the top level the path has no leading dot. */
	ck_assert_int_eq(fp_json_array(&obj, root, "o", "", &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "\"o\": expected array, got object");
	json_decref(root);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_json_load(&root, "{\"a\":1,\"a\":2}", 13, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 10, "invalid JSON: duplicate object key near '\"a\"'");
}
END_TEST

START_TEST(test_str_parse_numbers)
{
	uint64_t v = 7;

	ck_assert(fp_parse_u64(&v, "0", 10));
	ck_assert_uint_eq(v, 0);
	ck_assert(fp_parse_u64(&v, "18446744073709551615", UINT64_MAX));
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert(!fp_parse_u64(&v, "18446744073709551616", UINT64_MAX));
	ck_assert(!fp_parse_u64(&v, "", 10));
	ck_assert(!fp_parse_u64(&v, "-1", 10));
	ck_assert(!fp_parse_u64(&v, " 1", 10));
	ck_assert(!fp_parse_u64(&v, "11", 10));
	/* a digit above a maximum under 10 must not wrap around */
	ck_assert(!fp_parse_u64(&v, "9", 8));
	ck_assert(fp_parse_u64(&v, "8", 8));
	ck_assert_uint_eq(v, 8);
	ck_assert(fp_parse_size(&v, "64k"));
	ck_assert_uint_eq(v, 65536);
	ck_assert(fp_parse_size(&v, "2G"));
	ck_assert_uint_eq(v, 2ull << 30);
	ck_assert(fp_parse_size(&v, "4096"));
	ck_assert_uint_eq(v, 4096);
	ck_assert(!fp_parse_size(&v, "M"));
	ck_assert(!fp_parse_size(&v, "1T"));
	ck_assert(!fp_parse_size(&v, "17179869184G"));
}
END_TEST

static int64_t
utc(const char *s)
{
	int64_t v;

	ck_assert_int_eq(fp_time_parse_rfc3339(&v, NULL, s, strlen(s)), 0);
	return v;
}

START_TEST(test_zone_naive_times)
{
	/* forked: the zone is process-wide */
	ck_assert(fp_zone_valid("UTC"));
	ck_assert(fp_zone_valid("+02:00"));
	ck_assert(fp_zone_valid("-0530"));
	ck_assert(fp_zone_valid("+14"));
	ck_assert(!fp_zone_valid("+15:00"));
	ck_assert(!fp_zone_valid("+2"));
	ck_assert(!fp_zone_valid("+02:60"));
	ck_assert(!fp_zone_valid(""));
	ck_assert(!fp_zone_valid("Mars/Olympus"));
	ck_assert(!fp_zone_valid("../../etc/passwd"));
	ck_assert(!fp_zone_valid("/etc/localtime"));
	ck_assert_int_eq(fp_zone_set("Mars/Olympus"), FP_EUSAGE);
	ck_assert_str_eq(fp_zone_name(), "UTC");
	ck_assert_int_eq(fp_zone_to_utc(utc("2026-11-19T12:00:00Z")), utc("2026-11-19T12:00:00Z"));
	ck_assert_int_eq(fp_zone_set("+02:00"), 0);
	ck_assert_int_eq(fp_zone_to_utc(utc("2026-11-19T12:00:00Z")), utc("2026-11-19T10:00:00Z"));
	ck_assert_int_eq(fp_zone_set("-0530"), 0);
	ck_assert_int_eq(fp_zone_to_utc(utc("2026-11-19T12:00:00Z")), utc("2026-11-19T17:30:00Z"));
	/* a tz database zone follows its daylight-saving rules (when installed) */
	if (fp_zone_valid("Europe/Berlin")) {
		ck_assert_int_eq(fp_zone_set("Europe/Berlin"), 0);
		ck_assert_int_eq(fp_zone_to_utc(utc("2023-07-04T12:45:21Z")),
				 utc("2023-07-04T10:45:21Z"));
		ck_assert_int_eq(fp_zone_to_utc(utc("2026-01-15T12:00:00Z")),
				 utc("2026-01-15T11:00:00Z"));
		ck_assert_str_eq(fp_zone_name(), "Europe/Berlin");
	}
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("time");

	tcase_add_test(tc, test_time_parse_rfc3339);
	tcase_add_test(tc, test_time_rejects_invalid);
	tcase_add_test(tc, test_time_durations);
	tcase_add_test(tc, test_zone_naive_times);
	suite_add_tcase(s, tc);
	tc = tcase_create("net");
	tcase_add_test(tc, test_net_addresses);
	tcase_add_test(tc, test_net_cidrs);
	suite_add_tcase(s, tc);
	tc = tcase_create("k8s");
	tcase_add_test(tc, test_k8s_names);
	tcase_add_test(tc, test_k8s_configured_labels);
	suite_add_tcase(s, tc);
	tc = tcase_create("memory");
	tcase_add_test(tc, test_hash_streaming_matches_oneshot);
	tcase_add_test(tc, test_buf_and_arena);
	tcase_add_test(tc, test_map_put_get);
	tcase_add_test(tc, test_sort_stable_with_context);
	suite_add_tcase(s, tc);
	tc = tcase_create("file");
	tcase_add_test(tc, test_file_write_atomic);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_json_getters);
	suite_add_tcase(s, tc);
	tc = tcase_create("str");
	tcase_add_test(tc, test_str_parse_numbers);
	suite_add_tcase(s, tc);
	return s;
}
