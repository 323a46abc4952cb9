/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-antrea.c - the Antrea Flow Aggregator CSV reader: both column
 * layouts, names without labels, and bad values.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-antrea.h"
#include "tests/reader-test.h"

/* The current layout (appProtocolName and httpVals, no extra address). */
#define LINE(start, sip, dip, dport, proto, spod, sns, dpod, dns, ing, eg)               \
	start ",1637706973," sip "," dip ",44752," dport "," proto "," spod "," sns      \
	      ",node-a," dpod "," dns                                                    \
	      ",node-b,10.96.0.10,5202,perftest,np-in,ns-in,rule-in," ing ",1,"          \
	      "np-eg,ns-eg,rule-eg," eg                                                  \
	      ",1,,,http,{\"0\":{\"hostname\":\"a\",\"url\":\"/\"}},node-e"

START_TEST(test_antrea_csv_reads_sample)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_antrea_csv);
	c = rt_file(&t, "antrea/flow-aggregator-flowlogger.csv");
	ck_assert_int_eq(c.flows, 2);
	ck_assert_int_eq(c.rejected, 0);
	/* Drop on ingress decides, whatever the "Invalid" egress action says. */
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.time, 1637706961);
	ck_assert_int_eq(t.flow.port, 5201);
	ck_assert_str_eq(t.key[0], "1|antrea-test|perftest-a|Pod|perftest-a|10.10.0.79|");
	ck_assert_str_eq(t.key[1],
			 "1|antrea-test-b|perftest-b|Pod|perftest-b|10.10.0.80|");
	rt_done(&t);
}
END_TEST

START_TEST(test_antrea_csv_current_layout)
{
	struct rt t;

	rt_init(&t, &fp_reader_antrea_csv);
	rt_flow(&t,
		LINE("1795046400", "10.1.0.5", "10.1.0.9", "8080", "TCP",
		     "web-7d9f8b6c5d-x2k4q", "shop", "api-0", "shop", "Allow", ""),
		"1|shop|web|Deployment|web-7d9f8b6c5d-x2k4q|10.1.0.5|",
		"1|shop|api|StatefulSet|api-0|10.1.0.9|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	rt_flow(&t,
		LINE("1795046400", "10.1.0.5", "93.184.216.34", "443", "6",
		     "web-7d9f8b6c5d-x2k4q", "shop", "", "", "0", "3"),
		"1|shop|web|Deployment|web-7d9f8b6c5d-x2k4q|10.1.0.5|",
		"0|||||93.184.216.34|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	rt_flow(&t,
		LINE("1795046400", "10.1.0.5", "10.1.0.9", "0", "ICMP", "", "", "api-0",
		     "shop", "", ""),
		"0|||||10.1.0.5|", "1|shop|api|StatefulSet|api-0|10.1.0.9|");
	ck_assert_int_eq(t.flow.proto, FP_PROTO_ICMP);
	ck_assert_int_eq(t.flow.port, 0);
	rt_done(&t);
}
END_TEST

START_TEST(test_antrea_csv_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_antrea_csv);
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0", "10.1.0.9", "8080", "TCP", "a", "b", "c",
			"d", "", ""),
		   23, "\"sourceIP\": not an IP address: \"10.1.0\"");
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0.5", "10.1.0.9", "80800", "TCP", "a", "b",
			"c", "d", "", ""),
		   47, "\"destinationTransportPort\": port outside 0-65535: \"80800\"");
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0.5", "10.1.0.9", "80", "Unknown Protocol",
			"a", "b", "c", "d", "", ""),
		   50, "\"protocolIdentifier\": unknown protocol \"Unknown Protocol\"");
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0.5", "10.1.0.9", "80", "TCP", "a", "b", "c",
			"d", "Invalid", ""),
		   121,
		   "\"ingressNetworkPolicyRuleAction\": unknown rule action \"Invalid\"");
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0.5", "10.1.0.9", "80", "TCP", "a", "b", "c",
			"d", "", "9"),
		   144, "\"egressNetworkPolicyRuleAction\": unknown rule action \"9\"");
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0.5", "10.1.0.9", "80", "TCP", "a", "", "c",
			"d", "", ""),
		   23, "\"sourcePodNamespace\": a pod without a namespace");
	rt_rejects(&t,
		   LINE("1795046400", "10.1.0.5", "10.1.0.9", "80", "TCP", "a", "B", "c",
			"d", "", ""),
		   23, "\"sourcePodNamespace\": invalid namespace name \"B\"");
	rt_rejects(&t,
		   LINE("17950464xx", "10.1.0.5", "10.1.0.9", "80", "TCP", "a", "b", "c",
			"d", "", ""),
		   1, "\"flowStartSeconds\": not a time: \"17950464xx\"");
	rt_rejects(&t, "1,2,3", 0, "expected at least 28 comma-separated fields, got 3");
	rt_rejects(
		&t,
		"1,2,10.0.0.1,10.0.0.2,1,2,TCP,a,b,c,d,e,f,10.0.0.3,nope,,,,,,,,,,,,,,",
		52,
		"field 15: expected destinationServicePort or an address, got \"nope\"");
	rt_done(&t);
}
END_TEST

START_TEST(test_antrea_csv_detects_its_lines)
{
	const char *line = LINE("1795046400", "10.1.0.5", "10.1.0.9", "8080", "TCP", "a",
				"b", "c", "d", "", "");

	ck_assert_ptr_eq(fp_reader_detect(line, strlen(line)), &fp_reader_antrea_csv);
	ck_assert_int_eq(fp_reader_antrea_csv.detect("a,b,c", 5), 0);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-antrea");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_antrea_csv_reads_sample);
	tcase_add_test(tc, test_antrea_csv_current_layout);
	tcase_add_test(tc, test_antrea_csv_rejects_bad_values);
	tcase_add_test(tc, test_antrea_csv_detects_its_lines);
	suite_add_tcase(s, tc);
	return s;
}
