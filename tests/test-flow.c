/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-flow.c - the names of protocols, verdicts, endpoint kinds and skip
 * reasons, which reports and the database rely on.
 */
#include "config.h"

#include "lib/flow.h"
#include "tests/fp-check.h"

START_TEST(test_flow_protocols)
{
	ck_assert_str_eq(fp_proto_name(FP_PROTO_TCP), "TCP");
	ck_assert_str_eq(fp_proto_name(FP_PROTO_UDP), "UDP");
	ck_assert_str_eq(fp_proto_name(FP_PROTO_SCTP), "SCTP");
	ck_assert_str_eq(fp_proto_name(FP_PROTO_ICMP), "ICMP");
	ck_assert_str_eq(fp_proto_name(FP_PROTO_ICMPV6), "ICMPv6");
	ck_assert_ptr_null(fp_proto_name(47));
	ck_assert_int_eq(fp_proto_from_name("tcp", 3), FP_PROTO_TCP);
	ck_assert_int_eq(fp_proto_from_name("Udp", 3), FP_PROTO_UDP);
	ck_assert_int_eq(fp_proto_from_name("icmpv6", 6), FP_PROTO_ICMPV6);
	ck_assert_int_eq(fp_proto_from_name("ICMPv4", 6), FP_PROTO_ICMP);
	ck_assert_int_eq(fp_proto_from_name("TCPX", 3), FP_PROTO_TCP); /* only @len bytes */
	ck_assert_int_eq(fp_proto_from_name("GRE", 3), -1);
	ck_assert_int_eq(fp_proto_from_name("", 0), -1);
	ck_assert(fp_proto_has_ports(FP_PROTO_TCP));
	ck_assert(fp_proto_has_ports(FP_PROTO_UDP));
	ck_assert(fp_proto_has_ports(FP_PROTO_SCTP));
	ck_assert(!fp_proto_has_ports(FP_PROTO_ICMP));
	ck_assert(!fp_proto_has_ports(FP_PROTO_ICMPV6));
}
END_TEST

START_TEST(test_flow_names)
{
	ck_assert_str_eq(fp_verdict_name(FP_VERDICT_FORWARDED), "FORWARDED");
	ck_assert_str_eq(fp_verdict_name(FP_VERDICT_DROPPED), "DROPPED");
	ck_assert_str_eq(fp_verdict_name(FP_VERDICT_AUDIT), "AUDIT");
	ck_assert_str_eq(fp_verdict_name(FP_VERDICT_REDIRECTED), "REDIRECTED");
	ck_assert_str_eq(fp_verdict_name((enum fp_verdict)0), "UNKNOWN");
	ck_assert(fp_verdict_is_observed(FP_VERDICT_FORWARDED));
	ck_assert(fp_verdict_is_observed(FP_VERDICT_AUDIT));
	ck_assert(fp_verdict_is_observed(FP_VERDICT_REDIRECTED));
	ck_assert(!fp_verdict_is_observed(FP_VERDICT_DROPPED));
	ck_assert_str_eq(fp_ep_kind_name(FP_EP_APISERVER), "kube-apiserver");
	ck_assert_str_eq(fp_ep_kind_name(FP_EP_REMOTE_NODE), "remote-node");
	ck_assert_str_eq(fp_ep_kind_name((enum fp_ep_kind)99), "unknown");
	/* Skip names are the keys of sources.skipped_detail: never rename. */
	ck_assert_str_eq(fp_skip_name(FP_SKIP_BLANK), "blank");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_NONFLOW), "non-flow");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_L7), "l7");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_SOCK), "socket");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_REPLY), "reply");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_LATER), "later-packet");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_VERDICT), "verdict");
	ck_assert_str_eq(fp_skip_name(FP_SKIP_NOL4), "no-l4");
	ck_assert_str_eq(fp_skip_name(FP_SKIP__COUNT), "unknown");
	ck_assert_str_eq(fp_skip_name((enum fp_skip)-1), "unknown");
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_flow_protocols);
	tcase_add_test(tc, test_flow_names);
	suite_add_tcase(s, tc);
	return s;
}
