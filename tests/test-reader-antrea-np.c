/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-antrea-np.c - the Antrea np.log reader.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-antrea-np.h"
#include "tests/reader-test.h"

#define NP(dir, action, applied, sport, dport, proto, tail)                                 \
	"2026/11/19 00:00:00.000001 IngressRule K8sNetworkPolicy:shop/allow-web <nil> " dir \
	" " action " 190 " applied " 10.1.0.5 " sport " 10.1.0.9 " dport " " proto          \
	" 60 <nil>" tail

START_TEST(test_np_reads_docs_examples)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_antrea_np);
	c = rt_file(&t, "antrea/np.log");
	ck_assert_int_eq(c.flows, 5);
	ck_assert_int_eq(c.rejected, 0);
	/* The last: the K8s default drop of ICMP, applied to the destination. */
	ck_assert_str_eq(t.key[0], "0|||||10.10.1.13|");
	ck_assert_str_eq(t.key[1], "1|default|nettool|Pod|nettool|10.10.1.7|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.proto, FP_PROTO_ICMP);
	ck_assert_int_eq(t.flow.time, 1688474006);
	rt_done(&t);
}
END_TEST

START_TEST(test_np_sides_and_actions)
{
	struct rt t;

	rt_init(&t, &fp_reader_antrea_np);
	rt_flow(&t, NP("Ingress", "Allow", "shop/api-0", "40000", "8080", "TCP", ""),
		"0|||||10.1.0.5|", "1|shop|api|StatefulSet|api-0|10.1.0.9|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	ck_assert_int_eq(t.flow.port, 8080);
	ck_assert_int_eq(t.flow.time, 1795046400);
	rt_flow(&t,
		NP("Egress", "Reject", "shop/web-7d9f8b6c5d-x2k4q", "40000", "8080",
		   "UDP", " [3 packets in 2.0s]"),
		"1|shop|web|Deployment|web-7d9f8b6c5d-x2k4q|10.1.0.5|",
		"0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.count, 1);
	rt_flow(&t, NP("Egress", "Redirect", "<nil>", "40000", "80", "TCP", ""),
		"0|||||10.1.0.5|", "0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_REDIRECTED);
	rt_skips(&t, NP("Egress", "Pass", "shop/api-0", "40000", "80", "TCP", ""),
		 FP_SKIP_VERDICT);
	rt_skips(&t, NP("Egress", "Allow", "shop/api-0", "<nil>", "<nil>", "SCTP", ""),
		 FP_SKIP_NOL4);
	rt_flow(&t,
		NP("Egress", "Allow", "shop/api-0", "<nil>", "<nil>", "IPv6-ICMP", ""),
		"1|shop|api|StatefulSet|api-0|10.1.0.5|", "0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.proto, FP_PROTO_ICMPV6);
	rt_done(&t);
}
END_TEST

START_TEST(test_np_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_antrea_np);
	rt_rejects(&t, NP("Ingress", "Allow", "shop/api-0", "40000", "65536", "TCP", ""),
		   131, "\"destination-port\": port outside 0-65535: \"65536\"");
	rt_rejects(&t, NP("Ingress", "Allow", "shop/api-0", "40000", "80", "GRE", ""),
		   134, "\"protocol\": unknown protocol \"GRE\"");
	rt_rejects(&t, NP("Ingress", "Maybe", "shop/api-0", "40000", "80", "TCP", ""), 86,
		   "\"action\": unknown action \"Maybe\"");
	rt_rejects(&t, NP("Sideways", "Allow", "shop/api-0", "40000", "80", "TCP", ""),
		   78, "\"direction\": expected Ingress or Egress, got \"Sideways\"");
	rt_rejects(&t, NP("Ingress", "Allow", "api-0", "40000", "80", "TCP", ""), 96,
		   "\"applied-to\": expected \"namespace/pod\", got \"api-0\"");
	rt_rejects(&t, NP("Ingress", "Allow", "Shop/api-0", "40000", "80", "TCP", ""), 96,
		   "\"applied-to\": invalid namespace name \"Shop\"");
	rt_rejects(
		&t,
		NP("Ingress", "Allow", "shop/api-0", "40000", "80", "TCP",
		   " [3 packets]"),
		0,
		"expected 16 space-separated fields (and \"[N packets in D]\"), got 18");
	rt_rejects(&t,
		   NP("Ingress", "Allow", "shop/api-0", "40000", "80", "TCP",
		      " 3 packets in 2s"),
		   147, "expected \"[N packets in DURATION]\" after the log label");
	rt_rejects(
		&t,
		"2026/13/19 00:00:00.000001 IngressRule K8sNetworkPolicy <nil> Ingress Allow 1 "
		"a/b 10.1.0.5 1 10.1.0.9 2 TCP 60 <nil>",
		1, "\"time\": not a time: \"2026/13/19 00:00:00.000001\"");
	rt_rejects(
		&t,
		"2026/11/19 00:00:00.000001 IngressRule K8sNetworkPolicy <nil> Ingress Allow 1 "
		"a/b 10.1.0.5 1 10.1.0 2 TCP 60 <nil>",
		94, "\"destination-ip\": not an IP address: \"10.1.0\"");
	rt_done(&t);
}
END_TEST

START_TEST(test_np_detects_its_lines)
{
	const char *line = NP("Ingress", "Allow", "shop/api-0", "40000", "80", "TCP", "");

	ck_assert_ptr_eq(fp_reader_detect(line, strlen(line)), &fp_reader_antrea_np);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-antrea-np");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_np_reads_docs_examples);
	tcase_add_test(tc, test_np_sides_and_actions);
	tcase_add_test(tc, test_np_rejects_bad_values);
	tcase_add_test(tc, test_np_detects_its_lines);
	suite_add_tcase(s, tc);
	return s;
}
