/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-calico.c - the Calico flow log reader: real lines, the
 * documentation's example, which end counts, verdicts, aggregated records
 * and every kind of bad value.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-calico.h"
#include "tests/reader-test.h"

/* A pod-to-pod record; tests replace the parts they are about. */
#define REC(src_type, src_name, src_aggr, dst_type, dst_port, proto, action, reporter,   \
	    extra)                                                                       \
	"{\"start_time\":1795046400,\"end_time\":1795046700,"                            \
	"\"source_ip\":\"10.1.0.5\",\"source_name\":" src_name ","                       \
	"\"source_name_aggr\":" src_aggr ",\"source_namespace\":\"shop\","               \
	"\"source_type\":\"" src_type "\",\"source_labels\":{\"labels\":[\"app=web\","   \
	"\"pod-template-hash=7d9f8b6c5d\"]},"                                            \
	"\"dest_ip\":\"10.1.0.9\",\"dest_name\":\"api-0\",\"dest_name_aggr\":\"api-*\"," \
	"\"dest_namespace\":\"shop\",\"dest_type\":\"" dst_type "\","                    \
	"\"dest_labels\":{\"labels\":[\"app=api\"]},\"dest_port\":" dst_port ","         \
	"\"proto\":" proto ",\"action\":\"" action "\",\"reporter\":\"" reporter "\","   \
	"\"num_flows\":3" extra "}"

/* Expand WEB (two arguments) before REC counts its arguments. */
#define CALL(m, ...) m(__VA_ARGS__)
#define R(...) CALL(REC, __VA_ARGS__)
#define WEB "\"web-7d9f8b6c5d-x2k4q\"", "\"web-7d9f8b6c5d-*\""
#define WEB_KEY "1|shop|web|Deployment|||app=web"
#define API_KEY "1|shop|api|StatefulSet|||app=api"

START_TEST(test_calico_reads_real_line)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_calico);
	c = rt_file(&t, "calico/calico-flows.log");
	ck_assert_int_eq(c.flows, 1);
	ck_assert_int_eq(c.rejected, 0);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.time, 1659621542);
	ck_assert_int_eq(t.flow.proto, FP_PROTO_TCP);
	ck_assert_int_eq(t.flow.port, 5050);
	ck_assert_int_eq(t.flow.count, 1);
	/* A bare pod keeps its name; a Deployment's pod is known by labels. */
	ck_assert_str_eq(t.key[0], "1|default|multitool|Pod|||run=multitool");
	ck_assert_str_eq(t.key[1],
			 "1|hipstershop|checkoutservice|Deployment|||app=checkoutservice,"
			 "tenant=hipstershop");
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_rejects_docs_trailing_comma)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_calico);
	c = rt_file(&t, "calico/calico-enterprise-flowlog-docs-example.json.txt");
	ck_assert_int_eq(c.flows, 0);
	ck_assert_int_eq(c.skipped, 58);
	ck_assert_int_eq(c.rejected, 1);
	ck_assert_int_eq(c.last_reject_line, 59);
	ck_assert_str_eq(
		c.last_reject,
		"invalid JSON: trailing comma before ']' (line 43, column 50 of the "
		"59-line object ending here)");
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_docs_example_is_audit)
{
	static const char *const lines[] = {
		"{",
		"  \"start_time\": 1597166083, \"end_time\": 1597166383,",
		"  \"source_ip\": \"192.168.47.9\", \"source_name\": \"access-6b687c8dcb-zn5s2\",",
		"  \"source_name_aggr\": \"access-6b687c8dcb-*\", \"source_namespace\": \"policy-demo\",",
		"  \"source_port\": 42106, \"source_type\": \"wep\",",
		"  \"source_labels\": {\"labels\": [\"pod-template-hash=6b687c8dcb\", \"app=access\"]},",
		"  \"dest_ip\": \"192.168.138.79\", \"dest_name\": \"nginx-86c57db685-h6792\",",
		"  \"dest_name_aggr\": \"nginx-86c57db685-*\", \"dest_namespace\": \"policy-demo\",",
		"  \"dest_port\": 80, \"dest_type\": \"wep\",",
		"  \"dest_labels\": {\"labels\": [\"pod-template-hash=86c57db685\", \"app=nginx\"]},",
		"  \"proto\": \"tcp\", \"action\": \"allow\", \"reporter\": \"dst\",",
		"  \"policies\": {",
		"    \"all_policies\": [\"0|tier1|ns1/tier1.policy1|pass|3\",",
		"      \"1|tier2|ns2/staged:tier1.policy1|deny|1\",",
		"      \"2|default|policy-demo/default.access-nginx|allow|2\"],",
		"    \"enforced_policies\": [\"0|tier1|ns1/tier1.policy1|pass|3\",",
		"      \"1|default|policy-demo/default.access-nginx|allow|2\"],",
		"    \"pending_policies\": [\"0|tier1|ns1/tier1.policy1|pass|3\",",
		"      \"1|tier2|ns2/staged:tier1.policy1|deny|1\"]",
		"  },",
		"  \"num_flows\": 1",
		"  }",
	};
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	for (size_t i = 0; i + 1 < sizeof(lines) / sizeof(lines[0]); i++)
		rt_skips(&t, lines[i], FP_SKIP_PART);
	rt_flow(&t, lines[sizeof(lines) / sizeof(lines[0]) - 1],
		"1|policy-demo|access|Deployment|||app=access",
		"1|policy-demo|nginx|Deployment|||app=nginx");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_AUDIT);
	ck_assert_int_eq(t.flow.time, 1597166083);
	ck_assert_int_eq(t.flow.port, 80);
	ck_assert_int_eq(t.rd->finish(t.state, &t.err), 0);
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_counts_each_connection_once)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	/* pod to pod: the destination's record counts, the source's does not */
	rt_flow(&t, R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst", ""), WEB_KEY,
		API_KEY);
	ck_assert_int_eq(t.flow.count, 3);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	rt_skips(&t, R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "src", ""),
		 FP_SKIP_DUPLICATE);
	/* denied by the source: the destination never saw it */
	rt_flow(&t, R("wep", WEB, "wep", "8080", "\"tcp\"", "deny", "src", ""), WEB_KEY,
		API_KEY);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	/* to a network: only the source reports */
	rt_flow(&t, R("wep", WEB, "net", "8080", "\"tcp\"", "allow", "src", ""), WEB_KEY,
		"0|||||10.1.0.9|");
	/* from a network set: only the destination reports */
	rt_flow(&t, R("ns", WEB, "wep", "8080", "\"tcp\"", "allow", "dst", ""),
		"4|||||10.1.0.5|", API_KEY);
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_staged_deny_is_audit)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	rt_parse(&t,
		 R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst",
		   ",\"policies\":{\"pending_policies\":[\"1|t|ns/staged:t.p|deny|0\","
		   "\"0|t|ns/t.q|pass|2\"]}"));
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_AUDIT);
	/* a staged deny after an allow that comes first decides nothing */
	rt_parse(&t,
		 R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst",
		   ",\"policies\":{\"pending_policies\":[\"1|t|ns/staged:t.p|deny|0\","
		   "\"0|t|ns/t.q|allow|2\"]}"));
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	rt_rejects(
		&t,
		R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst",
		  ",\"policies\":{\"pending_policies\":[\"deny\"]}"),
		0,
		"\"policies.pending_policies[0]\": expected \"index|tier|name|action|rule\", "
		"got \"deny\"");
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_aggregated_record)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	rt_flow(&t,
		"{\"start_time\":1795046400,\"source_ip\":null,\"source_name\":\"-\","
		"\"source_name_aggr\":\"web-7d9f8b6c5d-*\",\"source_namespace\":\"shop\","
		"\"source_type\":\"wep\",\"source_labels\":{\"labels\":[\"app=web\"]},"
		"\"dest_ip\":null,\"dest_name\":\"-\",\"dest_name_aggr\":\"pub\","
		"\"dest_namespace\":\"-\",\"dest_type\":\"net\",\"dest_labels\":null,"
		"\"dest_port\":443,\"proto\":\"tcp\",\"action\":\"allow\",\"reporter\":\"src\","
		"\"num_flows\":12}",
		WEB_KEY, "4||||||");
	ck_assert_int_eq(t.flow.count, 12);
	/* no labels: the aggregated name still names the workload */
	rt_flow(&t,
		"{\"start_time\":1795046400,\"source_ip\":null,\"source_name\":\"-\","
		"\"source_name_aggr\":\"web-7d9f8b6c5d-*\",\"source_namespace\":\"shop\","
		"\"source_type\":\"wep\",\"dest_ip\":\"10.9.9.9\",\"dest_name\":\"-\","
		"\"dest_name_aggr\":\"pvt\",\"dest_namespace\":\"-\",\"dest_type\":\"net\","
		"\"dest_port\":53,\"proto\":\"udp\",\"action\":\"allow\",\"reporter\":\"src\"}",
		"1|shop|web|Deployment|||", "0|||||10.9.9.9|");
	ck_assert_int_eq(t.flow.count, 1);
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_host_endpoints)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	rt_flow(&t,
		R("hep", "\"node-a\"", "\"node-a\"", "wep", "10250", "\"tcp\"", "allow",
		  "dst", ""),
		"3|||||10.1.0.5|", API_KEY);
	rt_flow(&t, R("wep", WEB, "hep", "22", "6", "allow", "src", ""), WEB_KEY,
		"3|||||10.1.0.9|");
	rt_flow(&t, R("wep", WEB, "net", "0", "\"icmp\"", "allow", "src", ""), WEB_KEY,
		"0|||||10.1.0.9|");
	ck_assert_int_eq(t.flow.port, 0);
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_elasticsearch_hit)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	rt_flow(&t,
		"{\"_index\":\"tigera_secure_ee_flows.cluster.2026\",\"_id\":\"x\",\"_source\":" R(
			"wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst", "") "}",
		WEB_KEY, API_KEY);
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	rt_rejects(&t, R("wep", WEB, "wep", "70000", "\"tcp\"", "allow", "dst", ""), 0,
		   "\"dest_port\": out of range (0-65535)");
	rt_rejects(&t, R("wep", WEB, "wep", "80", "\"gre\"", "allow", "dst", ""), 0,
		   "\"proto\": unknown protocol \"gre\"");
	rt_rejects(&t, R("wep", WEB, "wep", "80", "47", "allow", "dst", ""), 0,
		   "\"proto\": unknown protocol \"47\"");
	rt_rejects(&t, R("wep", WEB, "wep", "80", "\"tcp\"", "maybe", "dst", ""), 0,
		   "\"action\": expected \"allow\" or \"deny\", got \"maybe\"");
	rt_rejects(&t, R("wep", WEB, "wep", "80", "\"tcp\"", "allow", "both", ""), 0,
		   "\"reporter\": expected \"src\" or \"dst\", got \"both\"");
	rt_rejects(&t, R("pod", WEB, "wep", "80", "\"tcp\"", "allow", "dst", ""), 0,
		   "\"source_type\": unknown endpoint type \"pod\"");
	rt_rejects(&t,
		   R("wep", "\"Web_1\"", "\"-\"", "wep", "80", "\"tcp\"", "allow", "dst",
		     ""),
		   0, "\"source_name\": invalid pod name \"Web_1\"");
	rt_rejects(&t, R("wep", WEB, "wep", "null", "\"tcp\"", "allow", "dst", ""), 0,
		   "\"dest_port\": missing for TCP");
	rt_rejects(
		&t,
		"{\"start_time\":\"yesterday\",\"source_type\":\"net\",\"dest_type\":\"net\","
		"\"proto\":\"tcp\",\"dest_port\":1,\"action\":\"allow\",\"reporter\":\"src\"}",
		0, "\"start_time\": not a time: \"yesterday\"");
	rt_rejects(
		&t,
		"{\"start_time\":1,\"source_type\":\"net\",\"source_ip\":\"64.6.160\","
		"\"dest_type\":\"net\",\"proto\":\"tcp\",\"dest_port\":1,\"action\":\"allow\","
		"\"reporter\":\"src\"}",
		0, "\"source_ip\": not an IP address: \"64.6.160\"");
	rt_rejects(
		&t,
		"{\"start_time\":1,\"source_type\":\"wep\",\"source_namespace\":\"../etc\","
		"\"dest_type\":\"net\",\"proto\":\"tcp\",\"dest_port\":1,\"action\":\"allow\","
		"\"reporter\":\"src\"}",
		0, "\"source_namespace\": invalid namespace name \"../etc\"");
	rt_rejects(
		&t,
		"{\"start_time\":1,\"source_type\":\"wep\",\"source_namespace\":\"a\","
		"\"source_labels\":{\"labels\":[\"app=x y\"]},\"dest_type\":\"net\","
		"\"proto\":\"tcp\",\"dest_port\":1,\"action\":\"allow\",\"reporter\":\"src\"}",
		0,
		"\"source_labels.labels[0]\": invalid value \"x y\" for label \"app\"");
	rt_rejects(
		&t,
		"{\"start_time\":1,\"source_type\":\"wep\",\"source_namespace\":\"a\","
		"\"source_labels\":{\"labels\":[\"app\"]},\"dest_type\":\"net\","
		"\"proto\":\"tcp\",\"dest_port\":1,\"action\":\"allow\",\"reporter\":\"src\"}",
		0, "\"source_labels.labels[0]\": label without '=': \"app\"");
	rt_rejects(
		&t,
		R("wep", WEB, "wep", "80", "\"tcp\"", "allow", "dst", ",\"num_flows\":0"),
		494, "invalid JSON: duplicate object key near '\"num_flows\"'");
	rt_rejects(&t, "[1]", 0, "expected a JSON object, got array");
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_multiline_limits)
{
	struct rt t;

	rt_init(&t, &fp_reader_calico);
	/* A file that ends inside an object says so. */
	rt_skips(&t, "{", FP_SKIP_PART);
	rt_skips(&t, "  \"start_time\": 1,", FP_SKIP_PART);
	ck_assert_int_eq(t.rd->finish(t.state, &t.err), FP_EINPUT);
	ck_assert_str_eq(t.err.text,
			 "the file ends inside a multi-line JSON object (2 lines)");
	/* A stray "{" does not swallow the rest of the file. */
	rt_skips(&t, "{", FP_SKIP_PART);
	for (int i = 1; i < 4096; i++)
		rt_skips(&t, "\"x\": [1,", FP_SKIP_PART);
	ck_assert_int_eq(rt_parse(&t, "\"x\": 1,"), FP_EINPUT);
	ck_assert_str_eq(t.err.text,
			 "a multi-line JSON object longer than 4096 lines or "
			 "1048576 bytes: given up, reading the next lines on their own");
	rt_flow(&t, R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst", ""), WEB_KEY,
		API_KEY);
	ck_assert_int_eq(t.rd->finish(t.state, &t.err), 0);
	rt_done(&t);
}
END_TEST

START_TEST(test_calico_detects_its_lines)
{
	const char *line = R("wep", WEB, "wep", "8080", "\"tcp\"", "allow", "dst", "");

	ck_assert_ptr_eq(fp_reader_detect(line, strlen(line)), &fp_reader_calico);
	ck_assert_int_eq(fp_reader_calico.detect("{", 1), 0);
	ck_assert_int_eq(fp_reader_calico.detect("not json", 8), 0);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-calico");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_calico_reads_real_line);
	tcase_add_test(tc, test_calico_rejects_docs_trailing_comma);
	tcase_add_test(tc, test_calico_docs_example_is_audit);
	tcase_add_test(tc, test_calico_counts_each_connection_once);
	tcase_add_test(tc, test_calico_staged_deny_is_audit);
	tcase_add_test(tc, test_calico_aggregated_record);
	tcase_add_test(tc, test_calico_host_endpoints);
	tcase_add_test(tc, test_calico_elasticsearch_hit);
	tcase_add_test(tc, test_calico_rejects_bad_values);
	tcase_add_test(tc, test_calico_multiline_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("detect");
	tcase_add_test(tc, test_calico_detects_its_lines);
	suite_add_tcase(s, tc);
	return s;
}
