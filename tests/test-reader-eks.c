/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-eks.c - the EKS network policy agent reader, JSON and
 * CloudWatch text forms.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-eks.h"
#include "tests/reader-test.h"

#define TEXT(time, sip, dport, proto, verdict)                                               \
	time " aws-network-policy-agent-audit-1 Node: ip-192-168-1-1.ec2.internal;SIP: " sip \
	     ";SPORT: 38971;DIP: 10.100.0.10;DPORT: " dport ";PROTOCOL: " proto              \
	     ";PolicyVerdict: " verdict

START_TEST(test_eks_reads_sample)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_eks);
	c = rt_file(&t, "eks/network-policy-agent.log");
	ck_assert_int_eq(c.flows, 1);
	ck_assert_int_eq(c.rejected, 1);
	ck_assert_int_eq(c.last_reject_line, 1);
	ck_assert_str_eq(c.last_reject, "\"Dest IP\": not an IP address: \"64.6.160\"");
	rt_done(&t);
	rt_init(&t, &fp_reader_eks);
	rt_flow(&t,
		"{\"level\":\"info\",\"ts\":\"2024-09-23T12:36:53.562Z\",\"logger\":\"ebpf-client\","
		"\"caller\":\"events/events.go:193\",\"msg\":\"Flow Info: \",\"Src IP\":"
		"\"10.0.141.167\",\"Src Port\":39197,\"Dest IP\":\"172.20.0.10\",\"Dest Port\":53,"
		"\"Proto\":\"TCP\",\"Verdict\":\"ACCEPT\"}",
		"0|||||10.0.141.167|", "0|||||172.20.0.10|");
	ck_assert_int_eq(t.flow.time, 1727095013);
	ck_assert_int_eq(t.flow.proto, FP_PROTO_TCP);
	ck_assert_int_eq(t.flow.port, 53);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	ck_assert_int_eq(t.flow.count, 1);
	rt_done(&t);
}
END_TEST

START_TEST(test_eks_reads_cloudwatch_text)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_eks);
	c = rt_file(&t, "eks/cloudwatch.log");
	ck_assert_int_eq(c.flows, 2);
	ck_assert_int_eq(c.skipped, 1);
	ck_assert_int_eq(c.rejected, 0);
	rt_flow(&t,
		TEXT("2024-09-23T12:36:54.1Z", "192.168.87.155", "8080", "TCP", "DENY"),
		"0|||||192.168.87.155|", "0|||||10.100.0.10|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.port, 8080);
	rt_flow(&t, TEXT("1727095014", "192.168.87.155", "0", "ICMP", "ACCEPT"),
		"0|||||192.168.87.155|", "0|||||10.100.0.10|");
	ck_assert_int_eq(t.flow.port, 0);
	rt_skips(&t,
		 TEXT("2024-09-23T12:36:54Z", "192.168.87.155", "53", "UDP",
		      "EXPIRED/DELETED"),
		 FP_SKIP_VERDICT);
	rt_done(&t);
}
END_TEST

START_TEST(test_eks_skips_agent_records)
{
	struct rt t;

	rt_init(&t, &fp_reader_eks);
	rt_skips(
		&t,
		"{\"level\":\"info\",\"ts\":\"2024-09-23T12:36:53.562Z\",\"msg\":\"version\"}",
		FP_SKIP_NONFLOW);
	rt_done(&t);
}
END_TEST

START_TEST(test_eks_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_eks);
	rt_rejects(&t, TEXT("2024-09-23T12:36:54Z", "64.6.160", "53", "UDP", "ACCEPT"), 0,
		   "\"SIP\": not an IP address: \"64.6.160\"");
	rt_rejects(&t, TEXT("2024-09-23T12:36:54Z", "10.0.0.1", "99999", "UDP", "ACCEPT"),
		   0, "\"DPORT\": port outside 0-65535: \"99999\"");
	rt_rejects(&t,
		   TEXT("2024-09-23T12:36:54Z", "10.0.0.1", "53", "UNKNOWN", "ACCEPT"), 0,
		   "\"PROTOCOL\": unknown protocol \"UNKNOWN\"");
	rt_rejects(&t, TEXT("2024-09-23T12:36:54Z", "10.0.0.1", "53", "UDP", "MAYBE"), 0,
		   "\"PolicyVerdict\": unknown verdict \"MAYBE\"");
	rt_rejects(&t, TEXT("Sep-23", "10.0.0.1", "53", "UDP", "ACCEPT"), 0,
		   "\"time\": not a time: \"Sep-23\"");
	rt_rejects(
		&t,
		"Node: n;SIP: 10.0.0.1;SPORT: 1;DIP: 10.0.0.2;DPORT: 53;PROTOCOL: UDP;"
		"PolicyVerdict: ACCEPT",
		0,
		"no time before \"Node:\": the CloudWatch message must be prefixed with its "
		"timestamp (as 'aws logs tail' prints it)");
	rt_rejects(&t, "2024-09-23T12:36:54Z Node: n;SIP: 10.0.0.1;DIP: 10.0.0.2", 44,
		   "expected \"SPORT: \"");
	rt_rejects(&t, "{\"msg\":\"Flow Info: \",\"ts\":\"x\"}", 0,
		   "\"ts\": not a time: \"x\"");
	rt_rejects(
		&t,
		"{\"msg\":\"Flow Info: \",\"ts\":1727095013.5,\"Src IP\":\"10.0.0.1\",\"Dest IP\":"
		"\"10.0.0.2\",\"Proto\":\"UDP\",\"Verdict\":\"ACCEPT\"}",
		0, "\"Dest Port\": missing");
	rt_rejects(
		&t,
		"{\"msg\":\"Flow Info: \",\"ts\":1727095013.5,\"Src IP\":\"10.0.0.1\",\"Dest IP\":"
		"\"10.0.0.2\",\"Dest Port\":-1,\"Proto\":\"UDP\",\"Verdict\":\"ACCEPT\"}",
		0, "\"Dest Port\": not a port number: \"-1\"");
	rt_done(&t);
}
END_TEST

START_TEST(test_eks_detects_its_lines)
{
	const char *line =
		TEXT("2024-09-23T12:36:54Z", "10.0.0.1", "53", "UDP", "ACCEPT");

	ck_assert_ptr_eq(fp_reader_detect(line, strlen(line)), &fp_reader_eks);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-eks");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_eks_reads_sample);
	tcase_add_test(tc, test_eks_reads_cloudwatch_text);
	tcase_add_test(tc, test_eks_skips_agent_records);
	tcase_add_test(tc, test_eks_rejects_bad_values);
	tcase_add_test(tc, test_eks_detects_its_lines);
	suite_add_tcase(s, tc);
	return s;
}
