/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-gke.c - the GKE Dataplane V2 policy log reader.
 */
#include "config.h"

#include <string.h>

#include "lib/reader-gke.h"
#include "tests/reader-test.h"

#define CONN(proto, dport)                                                                        \
	"\"connection\":{\"src_ip\":\"10.84.1.7\",\"dest_ip\":\"10.84.0.11\",\"src_port\":55644," \
	"\"dest_port\":" dport ",\"protocol\":\"" proto "\",\"direction\":\"ingress\"}"
#define SRC                                                                                \
	"\"src\":{\"pod_name\":\"client-7b78d7c957-zkn54\",\"pod_namespace\":\"default\"," \
	"\"namespace\":\"default\",\"workload_kind\":\"ReplicaSet\","                      \
	"\"workload_name\":\"client-7b78d7c957\"}"
#define DST                                                                              \
	"\"dest\":{\"pod_name\":\"db-0\",\"pod_namespace\":\"data\","                    \
	"\"workload_kind\":\"StatefulSet\",\"workload_name\":\"db\"}"
#define TS "\"timestamp\":\"2026-11-19T00:00:00.5Z\""

#define CLIENT_KEY "1|default|client|Deployment|client-7b78d7c957-zkn54|10.84.1.7|"
#define DB_KEY "1|data|db|StatefulSet|db-0|10.84.0.11|"

START_TEST(test_gke_reads_sample)
{
	struct rt t;
	struct rt_counts c;

	rt_init(&t, &fp_reader_gke);
	c = rt_file(&t, "gke/policy_action.log");
	ck_assert_int_eq(c.flows, 4);
	ck_assert_int_eq(c.rejected, 0);
	/* the last record: an FQDN policy's allow to an instance address */
	ck_assert_str_eq(t.key[0],
			 "1|default|client-allow|Deployment|client-allow-ffdfccbd5-d4cqp|"
			 "10.84.1.6|");
	ck_assert_str_eq(t.key[1], "0|||||169.254.169.254|");
	ck_assert_int_eq(t.flow.proto, FP_PROTO_UDP);
	ck_assert_int_eq(t.flow.port, 53);
	ck_assert_int_eq(t.flow.time, 1592083920);
	rt_done(&t);
}
END_TEST

START_TEST(test_gke_names_without_labels)
{
	struct rt t;

	rt_init(&t, &fp_reader_gke);
	rt_flow(&t,
		"{" CONN("tcp", "5432") ",\"disposition\":\"allow\"," SRC "," DST
					",\"count\":4," TS "}",
		CLIENT_KEY, DB_KEY);
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_FORWARDED);
	ck_assert_int_eq(t.flow.count, 4);
	ck_assert_int_eq(t.flow.time, 1795046400);
	ck_assert_int_eq(t.flow.src.n_labels, 0);
	rt_flow(&t,
		"{" CONN(
			"tcp",
			"5432") ",\"disposition\":\"deny\"," SRC ",\"dest\":"
				"{\"node_name\":\"gke-a-b-c\",\"workload_kind\":\"Node\"}," TS
				"}",
		CLIENT_KEY, "3|||||10.84.0.11|");
	ck_assert_int_eq(t.flow.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(t.flow.count, 1);
	rt_flow(&t, "{" CONN("icmp", "0") ",\"disposition\":\"allow\"," TS "}",
		"0|||||10.84.1.7|", "0|||||10.84.0.11|");
	ck_assert_int_eq(t.flow.port, 0);
	rt_done(&t);
}
END_TEST

START_TEST(test_gke_cloud_logging_entry)
{
	struct rt t;

	rt_init(&t, &fp_reader_gke);
	rt_flow(&t,
		"{\"insertId\":\"x\",\"jsonPayload\":{" CONN(
			"tcp", "5432") ",\"disposition\":\"allow\"," SRC "," DST
				       "},\"timestamp\":\"2026-11-19T00:01:00Z\","
				       "\"logName\":\"projects/p/logs/policy-action\"}",
		CLIENT_KEY, DB_KEY);
	ck_assert_int_eq(t.flow.time, 1795046460);
	rt_done(&t);
}
END_TEST

START_TEST(test_gke_rejects_bad_values)
{
	struct rt t;

	rt_init(&t, &fp_reader_gke);
	rt_rejects(&t, "{" CONN("tcp", "65536") ",\"disposition\":\"allow\"," TS "}", 0,
		   "\"connection.dest_port\": out of range (0-65535)");
	rt_rejects(&t, "{" CONN("gre", "1") ",\"disposition\":\"allow\"," TS "}", 0,
		   "\"connection.protocol\": unknown protocol \"gre\"");
	rt_rejects(&t, "{" CONN("tcp", "1") ",\"disposition\":\"audit\"," TS "}", 0,
		   "\"disposition\": expected \"allow\" or \"deny\", got \"audit\"");
	rt_rejects(&t, "{" CONN("tcp", "1") ",\"disposition\":\"allow\"}", 0,
		   "\"timestamp\": missing");
	rt_rejects(
		&t,
		"{" CONN("tcp", "1") ",\"disposition\":\"allow\",\"timestamp\":\"now\"}",
		0, "\"timestamp\": not a time: \"now\"");
	rt_rejects(&t,
		   "{\"connection\":{\"src_ip\":\"10.84.1\",\"dest_ip\":\"10.84.0.11\","
		   "\"dest_port\":1,\"protocol\":\"tcp\"},\"disposition\":\"allow\"," TS
		   "}",
		   0, "\"connection.src_ip\": not an IP address: \"10.84.1\"");
	rt_rejects(&t,
		   "{" CONN("tcp",
			    "1") ",\"disposition\":\"allow\",\"src\":{\"pod_name\":\"a\","
				 "\"pod_namespace\":\"x\",\"namespace\":\"y\"}," TS "}",
		   0, "\"src.pod_namespace\": \"x\" disagrees with \"src.namespace\"");
	rt_rejects(&t,
		   "{" CONN("tcp",
			    "1") ",\"disposition\":\"allow\",\"src\":{\"pod_name\":\"a\","
				 "\"pod_namespace\":\"Prod\"}," TS "}",
		   0, "\"src.pod_namespace\": invalid namespace name \"Prod\"");
	rt_rejects(
		&t,
		"{" CONN(
			"tcp",
			"1") ",\"disposition\":\"allow\",\"src\":{\"pod_name\":\"a\"}," TS
			     "}",
		0, "\"src.pod_name\": a pod without a namespace");
	rt_rejects(
		&t,
		"{" CONN("tcp", "1") ",\"disposition\":\"allow\",\"dest\":{\"instance\":"
				     "\"10.9.9.9\"}," TS "}",
		0, "\"dest.instance\": \"10.9.9.9\" is not the connection's address");
	rt_rejects(&t,
		   "{" CONN("tcp", "1") ",\"disposition\":\"allow\",\"count\":0," TS "}",
		   0, "\"count\": a count must be 1 to 1000000000000, not 0");
	rt_rejects(&t, "{\"jsonPayload\":[]}", 0,
		   "\"jsonPayload\": expected object, got array");
	rt_done(&t);
}
END_TEST

START_TEST(test_gke_detects_its_lines)
{
	const char *line = "{" CONN("tcp", "1") ",\"disposition\":\"allow\"," TS "}";

	ck_assert_ptr_eq(fp_reader_detect(line, strlen(line)), &fp_reader_gke);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-gke");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_gke_reads_sample);
	tcase_add_test(tc, test_gke_names_without_labels);
	tcase_add_test(tc, test_gke_cloud_logging_entry);
	tcase_add_test(tc, test_gke_rejects_bad_values);
	tcase_add_test(tc, test_gke_detects_its_lines);
	suite_add_tcase(s, tc);
	return s;
}
