/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-native.c - flowpol's native format: nested and flat JSON,
 * CSV with a header, pre-aggregated counts and spans, and bad values.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-native.h"
#include "tests/reader-test.h"

#define WEB_KEY "1|shop|web|Deployment|||app=web"

START_TEST(test_native_json_nested)
{
	struct rt t;

	rt_init(&t, &fp_reader_native);
	rt_flow(&t,
		"{\"time\":\"2026-11-19T08:00:00Z\",\"count\":3,\"src\":{\"namespace\":\"shop\","
		"\"pod\":\"web-7d9f8b6c5d-x2k4q\",\"labels\":{\"app\":\"web\"}},\"dst\":"
		"{\"kind\":\"world\",\"ip\":\"203.0.113.10\"},\"proto\":\"TCP\",\"port\":443,"
		"\"verdict\":\"FORWARDED\"}",
		WEB_KEY, "4|||||203.0.113.10|");
	ck_assert_int_eq(t.flow.count, 3);
	ck_assert_int_eq(t.flow.time, 1795075200);
	ck_assert_int_eq(t.flow.last, 0);
	rt_flow(&t,
		"{\"first_seen\":1795075200,\"last_seen\":1795075259,\"count\":7,"
		"\"src\":{\"namespace\":\"shop\",\"workload\":\"web\",\"workload_kind\":"
		"\"Deployment\",\"labels\":{\"app\":\"web\"}},\"dst\":{\"kind\":\"host\"},"
		"\"proto\":\"udp\",\"port\":53,\"verdict\":\"audit\",\"reason\":133}",
		WEB_KEY, "2||||||");
	ck_assert_int_eq(t.flow.last, 1795075259);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_AUDIT);
	ck_assert_int_eq(t.flow.reason, 0);
	rt_done(&t);
}
END_TEST

START_TEST(test_native_json_flat)
{
	struct rt t;

	rt_init(&t, &fp_reader_native);
	rt_flow(&t,
		"{\"time\":\"2026-11-19 08:00:00\",\"count\":\"2\",\"src_namespace\":\"shop\","
		"\"src_pod\":\"web-7d9f8b6c5d-x2k4q\",\"src_labels\":\"{\\\"app\\\":\\\"web\\\"}\","
		"\"dst_ip\":\"10.1.0.9\",\"proto\":6,\"port\":\"8080\",\"verdict\":\"DROPPED\","
		"\"reason\":133}",
		WEB_KEY, "0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.count, 2);
	ck_assert_int_eq(t.flow.reason, 133);
	rt_done(&t);
}
END_TEST

START_TEST(test_native_csv)
{
	struct rt t;

	rt_init(&t, &fp_reader_native);
	rt_skips(
		&t,
		"first_seen,last_seen,count,src.namespace,src.pod,src.labels,dst_ip,proto,"
		"port,verdict",
		FP_SKIP_NONFLOW);
	rt_flow(&t,
		"2026-11-19T08:00:00Z,2026-11-19T08:00:59Z,5,shop,web-7d9f8b6c5d-x2k4q,"
		"\"app=web,tier=front\",10.1.0.9,TCP,8080,FORWARDED",
		"1|shop|web|Deployment|||app=web,tier=front", "0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.count, 5);
	ck_assert_int_eq(t.flow.last, 1795075259);
	rt_flow(&t, "1795075200,,,shop,web-7d9f8b6c5d-x2k4q,,10.1.0.9,ICMP,,DROPPED",
		"1|shop|web|Deployment|web-7d9f8b6c5d-x2k4q||", "0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.count, 1);
	ck_assert_int_eq(t.flow.port, 0);
	/* a header again (files joined with cat) */
	rt_skips(&t, "time,src_ip,dst_ip,proto,port,verdict", FP_SKIP_NONFLOW);
	rt_flow(&t, "1795075200,10.1.0.5,10.1.0.9,UDP,53,forwarded", "0|||||10.1.0.5|",
		"0|||||10.1.0.9|");
	rt_done(&t);
}
END_TEST

START_TEST(test_native_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_native);
#define J(body)                                                                              \
	"{\"time\":1795075200,\"proto\":\"TCP\",\"port\":80,\"verdict\":\"FORWARDED\"," body \
	"}"
	rt_rejects(&t, J("\"src\":{\"ip\":\"10.0.0\"},\"dst\":{\"ip\":\"10.0.0.2\"}"), 0,
		   "\"src_ip\": not an IP address: \"10.0.0\"");
	rt_rejects(
		&t,
		J("\"src\":{\"kind\":\"world\",\"namespace\":\"x\"},\"dst\":{\"ip\":\"10.0.0.2\"}"),
		0, "\"src_namespace\": only a pod has one, not a world endpoint");
	rt_rejects(
		&t, J("\"src\":{\"kind\":\"planet\"},\"dst\":{\"ip\":\"10.0.0.2\"}"), 0,
		"\"src_kind\": unknown kind \"planet\" (pod, host, remote-node, world, "
		"kube-apiserver, other, unknown)");
	rt_rejects(&t, J("\"src\":{\"pod\":\"a\"},\"dst\":{\"ip\":\"10.0.0.2\"}"), 0,
		   "\"src_namespace\": a pod without a namespace");
	rt_rejects(&t, J("\"src\":{},\"dst\":{\"ip\":\"10.0.0.2\"}"), 0,
		   "\"src\": no address, namespace or kind");
	rt_rejects(
		&t,
		J("\"src\":{\"namespace\":\"a\",\"labels\":{\"-x\":\"1\"}},\"dst\":{\"ip\":\"10.0.0.2\"}"),
		0, "\"src_labels\": invalid label key \"-x\"");
	rt_rejects(
		&t,
		J("\"src\":{\"namespace\":\"a\",\"workload_kind\":\"Deployment\"},\"dst\":{\"ip\":\"10.0.0.2\"}"),
		0, "\"src_workload_kind\": a workload kind without a workload");
	rt_rejects(
		&t,
		J("\"count\":0,\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}"),
		0, "\"count\": a count must be 1 to 1000000000000, not 0");
	rt_rejects(
		&t,
		J("\"first_seen\":1,\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}"),
		0, "\"first_seen\": give either \"time\" or \"first_seen\"");
#undef J
	rt_rejects(
		&t,
		"{\"time\":1795075200,\"last_seen\":1,\"proto\":\"TCP\",\"port\":80,"
		"\"verdict\":\"FORWARDED\",\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}}",
		0, "\"last_seen\": before the first time");
	rt_rejects(
		&t,
		"{\"time\":1795075200,\"proto\":\"TCP\",\"port\":65536,"
		"\"verdict\":\"FORWARDED\",\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}}",
		0, "\"port\": port outside 0-65535: \"65536\"");
	rt_rejects(&t,
		   "{\"time\":1795075200,\"proto\":\"TCP\",\"verdict\":\"FORWARDED\","
		   "\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}}",
		   0, "\"port\": missing for TCP");
	rt_rejects(
		&t,
		"{\"time\":1795075200,\"proto\":\"ESP\",\"port\":1,\"verdict\":\"FORWARDED\","
		"\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}}",
		0, "\"proto\": unknown protocol \"ESP\"");
	rt_rejects(
		&t,
		"{\"time\":\"soon\",\"proto\":\"TCP\",\"port\":1,\"verdict\":\"FORWARDED\","
		"\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}}",
		0, "\"time\": not a time: \"soon\"");
	rt_rejects(&t,
		   "{\"time\":1,\"proto\":\"TCP\",\"port\":1,\"verdict\":\"ALLOWED\","
		   "\"src\":{\"ip\":\"10.0.0.1\"},\"dst\":{\"ip\":\"10.0.0.2\"}}",
		   0,
		   "\"verdict\": unknown verdict \"ALLOWED\" (FORWARDED, DROPPED, AUDIT, "
		   "REDIRECTED)");
	rt_rejects(&t, "time,src_ip,dst_ipp,proto,port,verdict", 13,
		   "unknown column \"dst_ipp\"");
	rt_rejects(&t, "1,10.0.0.1,10.0.0.2,TCP,1,FORWARDED", 0,
		   "a CSV row before the header line that names the columns");
	rt_rejects(&t, "time,src_ip,src.ip", 13, "column \"src_ip\" given twice");
	rt_skips(&t, "time,src_ip,dst_ip,proto,port,verdict", FP_SKIP_NONFLOW);
	rt_rejects(&t, "1,10.0.0.1,10.0.0.2,TCP,1,FORWARDED,extra", 0,
		   "7 fields, but the header names 6 columns");
	rt_rejects(&t, "1,10.0.0.1,Prod,TCP,1,FORWARDED", 12,
		   "\"dst_ip\": not an IP address: \"Prod\"");
	rt_done(&t);
}
END_TEST

START_TEST(test_native_detects_its_lines)
{
	const char *h = "time,count,src_namespace,src_labels,dst_ip,proto,port,verdict";

	ck_assert_ptr_eq(fp_reader_detect(h, strlen(h)), &fp_reader_native);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-native");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_native_json_nested);
	tcase_add_test(tc, test_native_json_flat);
	tcase_add_test(tc, test_native_csv);
	tcase_add_test(tc, test_native_rejects_bad_values);
	tcase_add_test(tc, test_native_detects_its_lines);
	suite_add_tcase(s, tc);
	return s;
}
