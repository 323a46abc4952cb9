/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-common.c - what the readers share: CSV splitting
 * (util-csv), value checks, times, labels, JSON loading with a trailing
 * comma, multi-line records, and format detection over all readers.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-common.h"
#include "lib/reader.h"
#include "lib/util-csv.h"
#include "tests/fp-check.h"

static struct fp_arena arena;

static void
setup(void)
{
	fp_arena_init(&arena);
}

static void
teardown(void)
{
	fp_arena_done(&arena);
}

START_TEST(test_csv_split_fields)
{
	struct fp_csv_row row;
	const char *line = "a,\"b,c\",\"say \"\"hi\"\"\",,\"\"";

	ck_assert_int_eq(fp_csv_split(&row, &arena, line, strlen(line), NULL), 0);
	ck_assert_int_eq(row.n, 5);
	ck_assert_str_eq(row.v[0], "a");
	ck_assert_str_eq(row.v[1], "b,c");
	ck_assert_str_eq(row.v[2], "say \"hi\"");
	ck_assert_str_eq(row.v[3], "");
	ck_assert_str_eq(row.v[4], "");
	ck_assert_int_eq(row.col[2], 9);
	ck_assert_int_eq(fp_csv_split(&row, &arena, "", 0, NULL), 0);
	ck_assert_int_eq(row.n, 1);
	ck_assert_int_eq(fp_csv_split(&row, &arena, "x,", 2, NULL), 0);
	ck_assert_int_eq(row.n, 2);
}
END_TEST

START_TEST(test_csv_rejects_bad_quoting)
{
	struct fp_csv_row row;
	struct fp_err err = { 0 };

	ck_assert_int_eq(fp_csv_split(&row, &arena, "a,\"b", 4, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 3, "quoted field not closed on this line");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_csv_split(&row, &arena, "\"a\"b", 4, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 4, "text after a closing quote");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_csv_split(&row, &arena, "ab\"c", 4, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 3, "quote inside an unquoted field");
}
END_TEST

START_TEST(test_csv_bounds_fields)
{
	struct fp_csv_row row;
	struct fp_err err = { 0 };
	char line[2 * FP_CSV_MAX_FIELDS + 2];

	memset(line, ',', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(fp_csv_split(&row, &arena, line, FP_CSV_MAX_FIELDS - 1, NULL),
			 0);
	ck_assert_int_eq(row.n, FP_CSV_MAX_FIELDS);
	ck_assert_int_eq(fp_csv_split(&row, &arena, line, FP_CSV_MAX_FIELDS, &err),
			 FP_EINPUT);
	ck_assert_str_eq(err.text, "more than 512 fields");
}
END_TEST

static const char *
perr(int (*f)(struct fp_err *))
{
	static struct fp_err err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(f(&err), FP_EINPUT);
	return err.text;
}

static int
bad_port(struct fp_err *err)
{
	uint16_t p;

	return fp_reader__port(&p, "port", "65536", 5, err);
}

static int
bad_port_text(struct fp_err *err)
{
	uint16_t p;

	return fp_reader__port(&p, "port", "-1", 2, err);
}

static int
bad_addr(struct fp_err *err)
{
	struct fp_addr a;

	return fp_reader__addr(&a, "ip", "10.0.0.256", 10, err);
}

static int
bad_proto(struct fp_err *err)
{
	uint8_t p;

	return fp_reader__proto(&p, "proto", "GRE", 3, err);
}

static int
bad_count(struct fp_err *err)
{
	uint64_t n;

	return fp_reader__count(&n, "count", 0, err);
}

static int
bad_time(struct fp_err *err)
{
	int64_t t;

	return fp_reader__time(&t, "time", "2026-02-30 00:00:00", 19, err);
}

START_TEST(test_common_rejects_values)
{
	ck_assert_str_eq(perr(bad_port), "\"port\": port outside 0-65535: \"65536\"");
	ck_assert_str_eq(perr(bad_port_text), "\"port\": not a port number: \"-1\"");
	ck_assert_str_eq(perr(bad_addr), "\"ip\": not an IP address: \"10.0.0.256\"");
	ck_assert_str_eq(perr(bad_proto), "\"proto\": unknown protocol \"GRE\"");
	ck_assert_str_eq(perr(bad_count),
			 "\"count\": a count must be 1 to 1000000000000, not 0");
	ck_assert_str_eq(perr(bad_time), "\"time\": not a time: \"2026-02-30 00:00:00\"");
}
END_TEST

START_TEST(test_common_protocols)
{
	uint8_t p;

	ck_assert_int_eq(fp_reader__proto(&p, "p", "tcp", 3, NULL), 0);
	ck_assert_int_eq(p, 6);
	ck_assert_int_eq(fp_reader__proto(&p, "p", "17", 2, NULL), 0);
	ck_assert_int_eq(p, 17);
	ck_assert_int_eq(fp_reader__proto(&p, "p", "IPv6-ICMP", 9, NULL), 0);
	ck_assert_int_eq(p, 58);
	ck_assert_int_eq(fp_reader__proto(&p, "p", "sctp", 4, NULL), 0);
	ck_assert_int_eq(p, 132);
	ck_assert_int_eq(fp_reader__proto(&p, "p", "0006", 4, NULL), FP_EINPUT);
}
END_TEST

static int64_t
t(const char *s)
{
	int64_t v = -1;

	ck_assert_int_eq(fp_reader__time(&v, "t", s, strlen(s), NULL), 0);
	return v;
}

START_TEST(test_common_times)
{
	ck_assert_int_eq(t("2026-11-19T00:00:00Z"), 1795046400);
	ck_assert_int_eq(t("2026-11-19 00:00:00"), 1795046400);
	ck_assert_int_eq(t("2026/11/19 00:00:00.250001"), 1795046400);
	ck_assert_int_eq(t("1795046400"), 1795046400);
	ck_assert_int_eq(t("1795046400.75"), 1795046400);
	ck_assert_int_eq(t("2026-11-19 01:00:00+01:00"), 1795046400);
	ck_assert_int_eq(
		fp_reader__time(&(int64_t){ 0 }, "t", "2026/11-19 00:00:00", 19, NULL),
		FP_EINPUT);
	ck_assert_int_eq(fp_reader__time(&(int64_t){ 0 }, "t", "1e9", 3, NULL),
			 FP_EINPUT);
}
END_TEST

START_TEST(test_common_labels)
{
	struct fp_endpoint ep = { 0 };
	struct fp_err err = { 0 };

	ck_assert_int_eq(
		fp_reader__labels_text(&ep, &arena, "l", "app=web,tier=", 13, NULL), 0);
	ck_assert_int_eq(ep.n_labels, 2);
	ck_assert_str_eq(ep.labels[1].key, "tier");
	ck_assert_str_eq(ep.labels[1].value, "");
	ck_assert_int_eq(
		fp_reader__labels_text(&ep, &arena, "l", "{\"a.io/x\":\"1\"}", 14, NULL),
		0);
	ck_assert_int_eq(ep.n_labels, 3);
	ck_assert_int_eq(fp_reader__labels_text(&ep, &arena, "l", "a=1,", 4, &err),
			 FP_EINPUT);
	ck_assert_str_eq(err.text, "\"l\": labels end with ','");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_reader__labels_text(&ep, &arena, "l", "{\"a\":1}", 7, &err),
			 FP_EINPUT);
	ck_assert_str_eq(err.text, "\"l\": label \"a\": expected string, got integer");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_reader__labels_text(&ep, &arena, "l", "-bad=1", 6, &err),
			 FP_EINPUT);
	ck_assert_str_eq(err.text, "\"l\": invalid label key \"-bad\"");
}
END_TEST

START_TEST(test_common_json_trailing_comma)
{
	json_t *j;
	long line;
	struct fp_err err = { 0 };
	const char *text = "{\n \"a\": [1,\n  2, ]\n}";

	ck_assert_int_eq(fp_reader__json_load(&j, &line, text, strlen(text), &err),
			 FP_EINPUT);
	ck_assert_int_eq(line, 3);
	fp_assert_err(&err, FP_EINPUT, "", 0, 4,
		      "invalid JSON: trailing comma before ']'");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_reader__json_load(&j, &line, "{\"a\":1,}", 8, &err),
			 FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 7,
		      "invalid JSON: trailing comma before '}'");
	fp_err_clear(&err);
	ck_assert_int_eq(fp_reader__json_load(&j, &line, "{\"a\":1,\"a\":2}", 13, &err),
			 FP_EINPUT);
	ck_assert_str_eq(err.text, "invalid JSON: duplicate object key near '\"a\"'");
}
END_TEST

START_TEST(test_common_multiline)
{
	struct fp_reader__multiline ml;

	fp_reader__multiline_init(&ml);
	ck_assert_int_eq(fp_reader__multiline_feed(&ml, "{\"a\":1}", 7), 0);
	ck_assert_int_eq(fp_reader__multiline_feed(&ml, " {", 2), 2);
	ck_assert_int_eq(fp_reader__multiline_feed(&ml, "\"s\": \"}{\\\"\",", 12), 2);
	ck_assert_int_eq(fp_reader__multiline_feed(&ml, "\"b\": [1, {}]", 12), 2);
	ck_assert_int_eq(fp_reader__multiline_feed(&ml, "}", 1), 1);
	ck_assert_int_eq(ml.lines, 4);
	ck_assert_str_eq(ml.text.data, " {\n\"s\": \"}{\\\"\",\n\"b\": [1, {}]\n}\n");
	fp_reader__multiline_reset(&ml);
	ck_assert_int_eq(fp_reader__multiline_feed(&ml, "[1]", 3), 0);
	fp_reader__multiline_done(&ml);
}
END_TEST

/* Which reader detection picks for a first line, or "none". */
static const char *
detect(const char *line)
{
	const struct fp_reader *rd = fp_reader_detect(line, strlen(line));

	return rd != NULL ? rd->name : "none";
}

START_TEST(test_detect_picks_each_format)
{
	ck_assert_str_eq(detect("{\"flow\":{\"time\":\"2026-11-19T00:00:00Z\"}}"),
			 "hubble");
	ck_assert_str_eq(detect("{\"start_time\":1,\"source_type\":\"wep\"}"), "calico");
	ck_assert_str_eq(detect("{\"connection\":{},\"disposition\":\"allow\"}"), "gke");
	ck_assert_str_eq(
		detect("{\"level\":\"info\",\"msg\":\"Flow Info: \",\"Src IP\":\"a\"}"),
		"eks");
	ck_assert_str_eq(
		detect("2024-09-23T12:36:53Z s Node: n;SIP: 1.1.1.1;SPORT: 1;DIP: "
		       "1.1.1.2;DPORT: 53;PROTOCOL: UDP;PolicyVerdict: ACCEPT"),
		"eks");
	ck_assert_str_eq(
		detect("1637706961,1637706973,10.10.0.79,10.10.0.80,44752,5201,TCP,a,b,"
		       "c,d,e,f,,0,,,,,,,,,,,,,"),
		"antrea-csv");
	ck_assert_str_eq(
		detect("2023/07/04 12:31:02.801442 IngressRule K8sNetworkPolicy:d/a "
		       "<nil> Ingress Allow 190 default/nettool 10.10.1.13 57050 "
		       "10.10.1.7 80 TCP 60 <nil>"),
		"antrea-np");
	ck_assert_str_eq(detect("\"flowStartSeconds\",\"sourceIP\",\"destinationIP\""),
			 "theia");
	ck_assert_str_eq(
		detect("{\"flowStartSeconds\":\"2021-11-23 22:36:01\",\"sourceIP\":"
		       "\"10.0.0.1\",\"destinationIP\":\"10.0.0.2\"}"),
		"theia");
	ck_assert_str_eq(detect("time,count,src_ip,dst_ip,proto,port,verdict"), "native");
	ck_assert_str_eq(detect("{\"time\":1,\"src\":{},\"dst\":{},\"proto\":\"TCP\","
				"\"verdict\":\"FORWARDED\"}"),
			 "native");
}
END_TEST

START_TEST(test_detect_refuses_others)
{
	ck_assert_str_eq(detect("{"), "none");
	ck_assert_str_eq(detect("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}"),
			 "none");
	/* a VPC Flow Logs record is the vpc reader's, no other's */
	ck_assert_str_eq(
		detect("2 123456789010 eni-1235b8ca123456789 172.31.16.139 "
		       "172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"),
		"vpc");
	ck_assert_str_eq(
		detect("Aug  4 16:14:12 bastion calico-felix[312412]: INFO <nil> "
		       "<nil>:  action=\"deny\" dstIP=\"147.75.40.148\""),
		"none");
	ck_assert_str_eq(detect("hello, world"), "none");
	ck_assert_str_eq(detect(""), "none");
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-common");
	TCase *tc = tcase_create("csv");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_csv_split_fields);
	tcase_add_test(tc, test_csv_rejects_bad_quoting);
	tcase_add_test(tc, test_csv_bounds_fields);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_common_rejects_values);
	tcase_add_test(tc, test_common_protocols);
	tcase_add_test(tc, test_common_times);
	tcase_add_test(tc, test_common_labels);
	tcase_add_test(tc, test_common_json_trailing_comma);
	tcase_add_test(tc, test_common_multiline);
	suite_add_tcase(s, tc);
	tc = tcase_create("detect");
	tcase_add_test(tc, test_detect_picks_each_format);
	tcase_add_test(tc, test_detect_refuses_others);
	suite_add_tcase(s, tc);
	return s;
}
