/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-theia.c - the Theia (ClickHouse flows table) export reader,
 * CSVWithNames and JSONEachRow.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-theia.h"
#include "tests/reader-test.h"

#define HEADER                                                                           \
	"\"flowStartSeconds\",\"sourceIP\",\"destinationIP\",\"sourceTransportPort\","   \
	"\"destinationTransportPort\",\"protocolIdentifier\",\"sourcePodName\","         \
	"\"sourcePodNamespace\",\"destinationPodName\",\"destinationPodNamespace\","     \
	"\"ingressNetworkPolicyRuleAction\",\"egressNetworkPolicyRuleAction\","          \
	"\"sourcePodLabels\",\"destinationPodLabels\""

#define WEB_KEY "1|shop|web|Deployment|||app=web"

START_TEST(test_theia_reads_csv_and_json)
{
	struct rt t;
	struct rt_counts c;
	char first[2][1024];

	rt_init(&t, &fp_reader_theia);
	c = rt_file(&t, "theia/flows.csv");
	ck_assert_int_eq(c.flows, 3);
	ck_assert_int_eq(c.skipped, 1);
	ck_assert_int_eq(c.rejected, 0);
	ck_assert_str_eq(t.key[0], "1|antrea-test-b|client|Deployment|||app=client");
	ck_assert_str_eq(t.key[1],
			 "1|antrea-test-b|perftest-b|Pod|||antrea-e2e=perftest-b,"
			 "app=iperf");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	ck_assert_int_eq(t.flow.time, 1637707010);
	memcpy(first, t.key, sizeof(first));
	rt_done(&t);
	rt_init(&t, &fp_reader_theia);
	c = rt_file(&t, "theia/flows.jsonl");
	ck_assert_int_eq(c.flows, 3);
	ck_assert_int_eq(c.rejected, 0);
	ck_assert_str_eq(t.key[0], first[0]);
	ck_assert_str_eq(t.key[1], first[1]);
	ck_assert_int_eq(t.flow.time, 1637707010);
	rt_done(&t);
}
END_TEST

START_TEST(test_theia_rows)
{
	struct rt t;

	rt_init(&t, &fp_reader_theia);
	rt_skips(&t, HEADER, FP_SKIP_NONFLOW);
	rt_flow(&t,
		"\"2026-11-19 00:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,8080,6,"
		"\"web-7d9f8b6c5d-x2k4q\",\"shop\",\"api-0\",\"shop\",0,0,"
		"\"{\"\"app\"\":\"\"web\"\"}\",\"\"",
		WEB_KEY, "1|shop|api|StatefulSet|api-0|10.1.0.9|");
	ck_assert_int_eq(t.flow.time, 1795046400);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	rt_flow(&t,
		"1795046400,\"10.1.0.5\",\"10.1.0.9\",0,0,1,\"\",\"\",\"\",\"\",3,0,\"\",\"\"",
		"0|||||10.1.0.5|", "0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.proto, FP_PROTO_ICMP);
	/* a JSON column holding an object rather than text */
	rt_flow(&t,
		"{\"flowStartSeconds\":\"2026-11-19 00:00:00\",\"sourceIP\":\"10.1.0.5\","
		"\"destinationIP\":\"10.1.0.9\",\"destinationTransportPort\":8080,"
		"\"protocolIdentifier\":6,\"sourcePodName\":\"web-7d9f8b6c5d-x2k4q\","
		"\"sourcePodNamespace\":\"shop\",\"sourcePodLabels\":{\"app\":\"web\"}}",
		WEB_KEY, "0|||||10.1.0.9|");
	rt_done(&t);
}
END_TEST

START_TEST(test_theia_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_theia);
	rt_rejects(&t, "\"2026-11-19 00:00:00\",\"10.1.0.5\"", 0,
		   "a CSV row before the header line (export with FORMAT CSVWithNames)");
	rt_rejects(&t, "\"flowStartSeconds\",\"sourceIP\"", 0,
		   "the header has no \"destinationIP\" column");
	rt_skips(&t, HEADER, FP_SKIP_NONFLOW);
	rt_rejects(
		&t,
		"\"2026-11-19 00:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,80800,6,\"\",\"\","
		"\"\",\"\",0,0,\"\",\"\"",
		51, "\"destinationTransportPort\": port outside 0-65535: \"80800\"");
	rt_rejects(
		&t,
		"\"2026-11-19 00:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,80,47,\"\",\"\","
		"\"\",\"\",0,0,\"\",\"\"",
		54, "\"protocolIdentifier\": unknown protocol \"47\"");
	rt_rejects(
		&t,
		"\"2026-11-19 25:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,80,6,\"\",\"\","
		"\"\",\"\",0,0,\"\",\"\"",
		1, "\"flowStartSeconds\": not a time: \"2026-11-19 25:00:00\"");
	rt_rejects(
		&t,
		"\"2026-11-19 00:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,80,6,\"a\",\"shop\","
		"\"\",\"\",0,0,\"{\"\"app\"\":\"\"a b\"\"}\",\"\"",
		77, "\"sourcePodLabels\": invalid value \"a b\" for label \"app\"");
	rt_rejects(
		&t,
		"\"2026-11-19 00:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,80,6,\"a\",\"shop\","
		"\"\",\"\",0,0,\"{app}\",\"\"",
		77,
		"\"sourcePodLabels\": labels are not a JSON object: string or '}' expected "
		"near 'app'");
	rt_rejects(
		&t,
		"\"2026-11-19 00:00:00\",\"10.1.0.5\",\"10.1.0.9\",40000,80,6,\"\",\"\","
		"\"\",\"\",7,0,\"\",\"\"",
		68, "\"ingressNetworkPolicyRuleAction\": unknown rule action \"7\"");
	rt_rejects(&t, "{\"flowStartSeconds\":[]}", 0,
		   "\"flowStartSeconds\": expected a value, got array");
	rt_done(&t);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-theia");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_theia_reads_csv_and_json);
	tcase_add_test(tc, test_theia_rows);
	tcase_add_test(tc, test_theia_rejects_bad_values);
	suite_add_tcase(s, tc);
	return s;
}
