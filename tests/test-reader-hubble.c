/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-reader-hubble.c - the Hubble reader: every record shape Hubble
 * writes, which records are connections, how endpoints are typed, and the
 * exact error for each kind of bad record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reader-hubble.h"
#include "lib/reader-vpc.h"
#include "lib/reader.h"
#include "lib/util-arena.h"
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

/* Common members of a flow object. */
#define TIME "\"time\":\"2026-11-12T10:00:00.5Z\""
#define FWD "\"verdict\":\"FORWARDED\""
#define IPS "\"IP\":{\"source\":\"10.42.1.10\",\"destination\":\"10.42.2.21\",\"ipVersion\":\"IPv4\"}"
#define TCP(flags) \
	"\"l4\":{\"TCP\":{\"source_port\":52636,\"destination_port\":8080,\"flags\":{" flags "}}}"
#define SYN TCP("\"SYN\":true")
#define SRC \
	"\"source\":{\"ID\":3995,\"identity\":44196,\"namespace\":\"shop\",\"labels\":[" \
	"\"k8s:app=web\",\"k8s:io.cilium.k8s.policy.cluster=c1\",\"k8s:io.kubernetes.pod." \
	"namespace=shop\",\"k8s:tier=front\"],\"pod_name\":\"web-7d9f8b6c4b-x2kqp\"}"
#define DST "\"destination\":{\"namespace\":\"shop\",\"labels\":[\"k8s:app=db\"]}"
#define TRACE "\"event_type\":{\"type\":4}"
#define VERDICT_EV "\"event_type\":{\"type\":5}"
/* A jsonpb record around @members of the flow. */
#define JSONPB(members) "{\"flow\":{" members "},\"node_name\":\"n1\"}"
/* A trace event with everything but the members in @more. */
#define FLOW_WITH(more) JSONPB(TIME "," FWD "," IPS "," SRC "," DST "," TRACE "," more)

/* Parse @line; returns the reader's result. */
static int
parse(struct fp_flow *f, enum fp_skip *skip, struct fp_err *err, const char *line)
{
	fp_arena_reset(&arena);
	fp_err_clear(err);
	return fp_reader_hubble.parse(NULL, f, skip, &arena, line, strlen(line), err);
}

/* A record that must be a connection. */
static void
parse_flow(struct fp_flow *f, const char *line)
{
	struct fp_err err;
	enum fp_skip skip = FP_SKIP_NOL4;

	ck_assert_msg(parse(f, &skip, &err, line) == FP_READ_FLOW, "%s: %s [skip %s]", line,
		      err.text, fp_skip_name(skip));
	ck_assert_int_eq(skip, FP_SKIP_NONE);
	ck_assert_int_eq(err.code, FP_OK);
}

/* A record that must be skipped for @why. */
static void
parse_skip(const char *line, enum fp_skip why)
{
	struct fp_flow f;
	struct fp_err err;
	enum fp_skip skip = FP_SKIP_NONE;
	int r = parse(&f, &skip, &err, line);

	ck_assert_msg(r == FP_READ_SKIP, "%s: got %d (%s)", line, r, err.text);
	ck_assert_msg(skip == why, "%s: skipped as %s, not %s", line, fp_skip_name(skip),
		      fp_skip_name(why));
	ck_assert_int_eq(err.code, FP_OK);
}

/* A record that must be rejected with @text (and @column). */
static void
parse_bad(const char *line, int column, const char *text)
{
	struct fp_flow f;
	struct fp_err err;
	enum fp_skip skip;

	ck_assert_msg(parse(&f, &skip, &err, line) == FP_EINPUT, "%s: accepted", line);
	/* The reader knows no file or line: ingest adds them. */
	fp_assert_err(&err, FP_EINPUT, "", 0, column, text);
}

static const char *
label_value(const struct fp_endpoint *ep, const char *key)
{
	for (size_t i = 0; i < ep->n_labels; i++)
		if (strcmp(ep->labels[i].key, key) == 0)
			return ep->labels[i].value;
	return NULL;
}

static const char *
addr(const struct fp_endpoint *ep)
{
	static char buf[2][FP_ADDR_BUFSZ];
	static int k;

	k ^= 1;
	if (ep->addr.family == 0)
		return "";
	return fp_addr_format(buf[k], &ep->addr);
}

START_TEST(test_reader_hubble_jsonpb)
{
	struct fp_flow f;

	parse_flow(&f, FLOW_WITH(SYN));
	ck_assert_int_eq(f.time, 1794477600); /* 2026-11-12T10:00:00Z, fraction dropped */
	ck_assert_int_eq(f.verdict, FP_VERDICT_FORWARDED);
	ck_assert_int_eq(f.proto, FP_PROTO_TCP);
	ck_assert_int_eq(f.port, 8080);
	ck_assert_int_eq(f.reason, 0);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.src.kind, FP_EP_POD);
	ck_assert_str_eq(f.src.ns, "shop");
	ck_assert_str_eq(f.src.pod, "web-7d9f8b6c4b-x2kqp");
	ck_assert_str_eq(addr(&f.src), "10.42.1.10");
	ck_assert_ptr_null(f.src.workload);
	/* The CNI's own labels (io.cilium.*, the namespace label) are not pod labels. */
	ck_assert_uint_eq(f.src.n_labels, 2);
	ck_assert_str_eq(label_value(&f.src, "app"), "web");
	ck_assert_str_eq(label_value(&f.src, "tier"), "front");
	ck_assert_int_eq(f.dst.kind, FP_EP_POD);
	ck_assert_str_eq(f.dst.ns, "shop");
	ck_assert_ptr_null(f.dst.pod);
	ck_assert_str_eq(addr(&f.dst), "10.42.2.21");
	ck_assert_uint_eq(f.dst.n_labels, 1);
	ck_assert_str_eq(label_value(&f.dst, "app"), "db");
}
END_TEST

START_TEST(test_reader_hubble_exporter)
{
	struct fp_flow f;

	/* The exporter puts the time beside the flow; workloads name the owner. */
	parse_flow(&f, "{\"flow\":{" FWD "," IPS "," SYN "," VERDICT_EV ","
		       "\"source\":{\"namespace\":\"kube-system\",\"labels\":[\"k8s:app=csi\"],"
		       "\"pod_name\":\"csi-cbs-controller-7788964bc-lsfw5\",\"workloads\":[{\"name\":"
		       "\"csi-cbs-controller\",\"kind\":\"Deployment\"}]}," DST "},"
		       "\"node_name\":\"10.10.21.166\",\"time\":\"2026-02-24T08:47:58.042Z\"}");
	ck_assert_int_eq(f.time, 1771922878);
	ck_assert_str_eq(f.src.workload, "csi-cbs-controller");
	ck_assert_str_eq(f.src.workload_kind, "Deployment");
	ck_assert_str_eq(f.src.ns, "kube-system");

	/* The flow's own time wins over the wrapper's. */
	parse_flow(&f, "{\"flow\":{" TIME "," FWD "," SYN "," VERDICT_EV "},"
		       "\"time\":\"2000-01-01T00:00:00Z\"}");
	ck_assert_int_eq(f.time, 1794477600);
	ck_assert_int_eq(f.src.kind, FP_EP_UNKNOWN);
	ck_assert_int_eq(f.src.addr.family, 0);

	/* The real exporter capture: an AUDIT policy verdict to the API server. */
	{
		size_t len;
		char *text = fp_read_file(fp_testdata("hubble/other/hubble-policy-verdict-AUDIT.jsonl"),
					  &len);

		while (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		parse_flow(&f, text);
		ck_assert_int_eq(f.verdict, FP_VERDICT_AUDIT);
		ck_assert_int_eq(f.port, 6443);
		ck_assert_int_eq(f.src.kind, FP_EP_POD);
		ck_assert_str_eq(f.src.ns, "flux-system");
		ck_assert_uint_eq(f.src.n_labels, 1);
		ck_assert_int_eq(f.dst.kind, FP_EP_APISERVER);
		ck_assert_str_eq(addr(&f.dst), "172.18.0.3");
		free(text);
	}
}
END_TEST

START_TEST(test_reader_hubble_bare_flow)
{
	struct fp_flow f;

	/* Legacy JSON output: the flow object itself is the line. */
	parse_flow(&f, "{" TIME "," FWD "," IPS "," SRC "," DST "," TRACE ","
		       "\"l4\":{\"UDP\":{\"source_port\":5353,\"destination_port\":53}}}");
	ck_assert_int_eq(f.proto, FP_PROTO_UDP);
	ck_assert_int_eq(f.port, 53);
	ck_assert_str_eq(f.src.ns, "shop");
}
END_TEST

START_TEST(test_reader_hubble_skips_nonflow)
{
	parse_skip("{\"node_status\":{\"state_change\":\"NODE_CONNECTED\"},\"node_name\":\"n\","
		   "\"time\":\"2026-11-12T00:00:00Z\"}",
		   FP_SKIP_NONFLOW);
	parse_skip("{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":3}}",
		   FP_SKIP_NONFLOW);
	parse_skip("{\"agent_event\":{\"type\":\"AGENT_STARTED\"}}", FP_SKIP_NONFLOW);
	parse_skip("{\"debug_event\":{\"type\":\"DBG_GENERIC\"}}", FP_SKIP_NONFLOW);
	/* Agent (130), debug (2) and capture (3) events inside a flow. */
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"event_type\":{\"type\":130}"), FP_SKIP_NONFLOW);
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"event_type\":{\"type\":2}"), FP_SKIP_NONFLOW);
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"event_type\":{\"type\":3}"), FP_SKIP_NONFLOW);
}
END_TEST

START_TEST(test_reader_hubble_skips_l7_and_sock)
{
	parse_skip(JSONPB(TIME "," FWD ",\"event_type\":{\"type\":129},\"l7\":{\"type\":"
			  "\"REQUEST\",\"dns\":{\"query\":\"x.\"}}"),
		   FP_SKIP_L7);
	/* The type alone is enough, and so is "Type":"L7" or an l7 object. */
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"event_type\":{\"type\":129}"), FP_SKIP_L7);
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"Type\":\"L7\""), FP_SKIP_L7);
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"l7\":{}"), FP_SKIP_L7);
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"event_type\":{\"type\":7}"), FP_SKIP_SOCK);
	parse_skip(JSONPB(TIME "," FWD "," SYN ",\"Type\":\"SOCK\""), FP_SKIP_SOCK);
}
END_TEST

START_TEST(test_reader_hubble_replies)
{
	struct fp_flow f;

	parse_skip(FLOW_WITH(SYN ",\"is_reply\":true"), FP_SKIP_REPLY);
	/* Older Cilium writes only "reply". */
	parse_skip(FLOW_WITH(SYN ",\"reply\":true"), FP_SKIP_REPLY);
	/* Where both are present, is_reply is the one that counts. */
	parse_flow(&f, FLOW_WITH(SYN ",\"is_reply\":false,\"reply\":true"));
	parse_flow(&f, FLOW_WITH(SYN ",\"is_reply\":false"));
	/* Even a policy verdict is not a connection in the reply direction. */
	parse_skip(JSONPB(TIME "," FWD "," SYN "," VERDICT_EV ",\"is_reply\":true"), FP_SKIP_REPLY);
}
END_TEST

START_TEST(test_reader_hubble_tcp_flags)
{
	struct fp_flow f;

	parse_flow(&f, FLOW_WITH(SYN));
	parse_skip(FLOW_WITH(TCP("\"SYN\":true,\"ACK\":true")), FP_SKIP_LATER);
	parse_skip(FLOW_WITH(TCP("\"ACK\":true")), FP_SKIP_LATER);
	parse_skip(FLOW_WITH(TCP("\"FIN\":true,\"ACK\":true")), FP_SKIP_LATER);
	parse_skip(FLOW_WITH(TCP("")), FP_SKIP_LATER);
	parse_skip(FLOW_WITH("\"l4\":{\"TCP\":{\"destination_port\":80}}"), FP_SKIP_LATER);
	/* A SYN+ACK is not "the first packet" even without a reply flag. */
	parse_skip(FLOW_WITH(TCP("\"SYN\":true,\"ACK\":true") ",\"is_reply\":false"),
		   FP_SKIP_LATER);
}
END_TEST

START_TEST(test_reader_hubble_trace_reason)
{
	struct fp_flow f;

	/* The datapath's connection tracking outranks the TCP flags. */
	parse_flow(&f, FLOW_WITH(TCP("\"ACK\":true") ",\"trace_reason\":\"NEW\""));
	parse_flow(&f, FLOW_WITH(TCP("\"ACK\":true") ",\"trace_reason\":\"REOPENED\""));
	parse_skip(FLOW_WITH(SYN ",\"trace_reason\":\"ESTABLISHED\""), FP_SKIP_LATER);
	parse_skip(FLOW_WITH(SYN ",\"trace_reason\":\"RELATED\""), FP_SKIP_LATER);
	parse_skip(FLOW_WITH(SYN ",\"trace_reason\":\"REPLY\""), FP_SKIP_REPLY);
	/* UNKNOWN says nothing: the flags decide. */
	parse_flow(&f, FLOW_WITH(SYN ",\"trace_reason\":\"TRACE_REASON_UNKNOWN\""));
	parse_skip(FLOW_WITH(TCP("\"ACK\":true") ",\"trace_reason\":\"TRACE_REASON_UNKNOWN\""),
		   FP_SKIP_LATER);
	/* UDP has no handshake: trace_reason is all there is. */
	parse_skip(FLOW_WITH("\"l4\":{\"UDP\":{\"destination_port\":53}},\"trace_reason\":"
			     "\"ESTABLISHED\""),
		   FP_SKIP_LATER);
}
END_TEST

START_TEST(test_reader_hubble_udp_icmp_sctp)
{
	struct fp_flow f;

	parse_flow(&f, FLOW_WITH("\"l4\":{\"UDP\":{\"source_port\":41000,\"destination_port\":53}}"));
	ck_assert_int_eq(f.proto, FP_PROTO_UDP);
	ck_assert_int_eq(f.port, 53);
	parse_flow(&f, FLOW_WITH("\"l4\":{\"SCTP\":{\"destination_port\":\"3868\"}}"));
	ck_assert_int_eq(f.proto, FP_PROTO_SCTP);
	ck_assert_int_eq(f.port, 3868);
	/* Echo request: a connection without a port. */
	parse_flow(&f, FLOW_WITH("\"l4\":{\"ICMPv4\":{\"type\":8}}"));
	ck_assert_int_eq(f.proto, FP_PROTO_ICMP);
	ck_assert_int_eq(f.port, 0);
	parse_flow(&f, FLOW_WITH("\"l4\":{\"ICMPv6\":{\"type\":128}}"));
	ck_assert_int_eq(f.proto, FP_PROTO_ICMPV6);
	/* Echo replies and errors answer something. */
	parse_skip(FLOW_WITH("\"l4\":{\"ICMPv4\":{\"type\":0}}"), FP_SKIP_REPLY);
	parse_skip(FLOW_WITH("\"l4\":{\"ICMPv4\":{\"type\":3,\"code\":1}}"), FP_SKIP_REPLY);
	parse_skip(FLOW_WITH("\"l4\":{\"ICMPv6\":{\"type\":129}}"), FP_SKIP_REPLY);
	parse_skip(FLOW_WITH("\"l4\":{\"ICMPv6\":{\"type\":1}}"), FP_SKIP_REPLY);
	/* No transport header: nothing to allow. */
	parse_skip(FLOW_WITH("\"Summary\":\"IPv4\""), FP_SKIP_NOL4);
	parse_skip(FLOW_WITH("\"l4\":{}"), FP_SKIP_NOL4);
}
END_TEST

START_TEST(test_reader_hubble_policy_verdict)
{
	struct fp_flow f;

	/* A policy-verdict event is a decision about a connection, whatever the flags. */
	parse_flow(&f, JSONPB(TIME ",\"verdict\":\"AUDIT\"," IPS "," SRC "," DST "," VERDICT_EV ","
			      TCP("\"ACK\":true")));
	ck_assert_int_eq(f.verdict, FP_VERDICT_AUDIT);
	parse_flow(&f, JSONPB(TIME "," FWD "," SRC "," DST "," VERDICT_EV "," TCP("")
			      ",\"trace_reason\":\"ESTABLISHED\""));
	parse_flow(&f, JSONPB(TIME ",\"verdict\":\"REDIRECTED\"," SRC "," DST "," VERDICT_EV ","
			      TCP("\"PSH\":true")));
	ck_assert_int_eq(f.verdict, FP_VERDICT_REDIRECTED);
	/* Numeric verdicts, as protobuf enums may be written. */
	parse_flow(&f, JSONPB(TIME ",\"verdict\":2," SRC "," DST "," VERDICT_EV "," SYN));
	ck_assert_int_eq(f.verdict, FP_VERDICT_DROPPED);
	/* Not a policy decision at all. */
	parse_skip(JSONPB(TIME ",\"verdict\":\"TRACED\"," SRC "," DST "," TRACE "," SYN),
		   FP_SKIP_VERDICT);
	parse_skip(JSONPB(TIME ",\"verdict\":\"TRANSLATED\"," SRC "," DST "," TRACE "," SYN),
		   FP_SKIP_VERDICT);
	parse_skip(JSONPB(TIME ",\"verdict\":\"ERROR\"," SRC "," DST "," TRACE "," SYN),
		   FP_SKIP_VERDICT);
}
END_TEST

START_TEST(test_reader_hubble_dropped)
{
	struct fp_flow f;
	size_t len;
	char *text;

	parse_flow(&f, JSONPB(TIME ",\"verdict\":\"DROPPED\",\"drop_reason\":133," SRC "," DST ","
			      SYN ",\"event_type\":{\"type\":1,\"sub_type\":133}"));
	ck_assert_int_eq(f.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(f.reason, 133);
	/* Newer Cilium names the reason only. */
	parse_flow(&f, JSONPB(TIME ",\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"POLICY_DENIED\","
			      SRC "," DST "," SYN));
	ck_assert_int_eq(f.reason, 133);
	parse_flow(&f, JSONPB(TIME ",\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"POLICY_DENY\","
			      SRC "," DST "," SYN));
	ck_assert_int_eq(f.reason, 181);
	parse_flow(&f, JSONPB(TIME ",\"verdict\":\"DROPPED\"," SRC "," DST "," SYN));
	ck_assert_int_eq(f.reason, 0);
	/* A reason on a forwarded flow means nothing. */
	parse_flow(&f, JSONPB(TIME "," FWD ",\"drop_reason\":133," SRC "," DST "," SYN));
	ck_assert_int_eq(f.reason, 0);

	/* The real capture (Cilium 1.16.5, no event_type). */
	text = fp_read_file(fp_testdata("hubble/other/hubble-dropped-policy-denied.jsonl"), &len);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	parse_flow(&f, text);
	ck_assert_int_eq(f.verdict, FP_VERDICT_DROPPED);
	ck_assert_int_eq(FP_DROP_CODE(f.reason), 133);
	/* dropped on the way out: the source's egress policy denied it */
	ck_assert_int_eq(f.reason & (FP_DROP_EGRESS | FP_DROP_INGRESS), FP_DROP_EGRESS);
	ck_assert_int_eq(f.port, 8080);
	ck_assert_str_eq(f.src.ns, "agent-restricted");
	ck_assert_str_eq(f.dst.ns, "corp-prod");
	free(text);
}
END_TEST

START_TEST(test_reader_hubble_aggregate_count)
{
	struct fp_flow f;

	parse_flow(&f, FLOW_WITH(SYN ",\"aggregate\":{\"ingress_flow_count\":3,"
				 "\"egress_flow_count\":\"4\",\"unknown_direction_flow_count\":5}"));
	ck_assert_uint_eq(f.count, 12);
	parse_flow(&f, FLOW_WITH(SYN ",\"aggregate\":{\"egress_flow_count\":4294967295}"));
	ck_assert_uint_eq(f.count, 4294967295u);
	/* Nothing counted still means one connection. */
	parse_flow(&f, FLOW_WITH(SYN ",\"aggregate\":{}"));
	ck_assert_uint_eq(f.count, 1);
	parse_flow(&f, FLOW_WITH(SYN ",\"aggregate\":{\"ingress_flow_count\":0}"));
	ck_assert_uint_eq(f.count, 1);
	parse_flow(&f, FLOW_WITH(SYN));
	ck_assert_uint_eq(f.count, 1);
	parse_bad(FLOW_WITH(SYN ",\"aggregate\":{\"ingress_flow_count\":4294967296}"), 0,
		  "\"flow.aggregate.ingress_flow_count\": out of range (0-4294967295)");
	parse_bad(FLOW_WITH(SYN ",\"aggregate\":{\"egress_flow_count\":-1}"), 0,
		  "\"flow.aggregate.egress_flow_count\": out of range (0-4294967295)");
}
END_TEST

/* Parse a policy verdict whose destination is @dst; returns the kind. */
static enum fp_ep_kind
dst_kind(struct fp_flow *f, const char *dst)
{
	char line[1024];

	snprintf(line, sizeof(line), JSONPB(TIME "," FWD "," IPS "," SRC "," VERDICT_EV "," SYN
					    ",\"destination\":%s"),
		 dst);
	parse_flow(f, line);
	return f->dst.kind;
}

START_TEST(test_reader_hubble_reserved_identities)
{
	struct fp_flow f;

	ck_assert_int_eq(dst_kind(&f, "{\"identity\":2,\"labels\":[\"reserved:world\"]}"),
			 FP_EP_WORLD);
	ck_assert_str_eq(addr(&f.dst), "10.42.2.21");
	ck_assert_ptr_null(f.dst.ns);
	ck_assert_uint_eq(f.dst.n_labels, 0);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:world-ipv4\"]}"), FP_EP_WORLD);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"cidr:10.0.0.0/8\",\"reserved:world\"]}"),
			 FP_EP_WORLD);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"fqdn:api.example.com\"]}"), FP_EP_WORLD);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":1,\"labels\":[\"reserved:host\"]}"),
			 FP_EP_HOST);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":6,\"labels\":[\"reserved:remote-node\"]}"),
			 FP_EP_REMOTE_NODE);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:host\",\"reserved:remote-node\"]}"),
			 FP_EP_HOST);
	/* The API server wins over host and world, in any order. */
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:host\",\"reserved:kube-apiserver\"]}"),
			 FP_EP_APISERVER);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:kube-apiserver\",\"reserved:world\"]}"),
			 FP_EP_APISERVER);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:world\",\"reserved:kube-apiserver\"]}"),
			 FP_EP_APISERVER);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:health\"]}"), FP_EP_OTHER);
	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"reserved:init\"]}"), FP_EP_OTHER);
	/* A number alone, as some versions write it. */
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":2}"), FP_EP_WORLD);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":\"1\"}"), FP_EP_HOST);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":6}"), FP_EP_REMOTE_NODE);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":7}"), FP_EP_APISERVER);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":4}"), FP_EP_OTHER);
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":16777217}"), FP_EP_UNKNOWN);
	ck_assert_int_eq(dst_kind(&f, "{}"), FP_EP_UNKNOWN);
	ck_assert_int_eq(dst_kind(&f, "null"), FP_EP_UNKNOWN);
	ck_assert_str_eq(addr(&f.dst), "10.42.2.21");
	/* A pod name makes it a pod, whatever identity the proxy gave it. */
	ck_assert_int_eq(dst_kind(&f, "{\"identity\":2,\"namespace\":\"shop\",\"pod_name\":\"x\"}"),
			 FP_EP_POD);
}
END_TEST

START_TEST(test_reader_hubble_namespace_from_label)
{
	struct fp_flow f;

	ck_assert_int_eq(dst_kind(&f, "{\"labels\":[\"k8s:app=db\",\"k8s:io.kubernetes.pod."
				      "namespace=store\"]}"),
			 FP_EP_POD);
	ck_assert_str_eq(f.dst.ns, "store");
	ck_assert_uint_eq(f.dst.n_labels, 1);
	/* Agreeing is fine, and so is an empty namespace field. */
	ck_assert_int_eq(dst_kind(&f, "{\"namespace\":\"store\",\"labels\":[\"k8s:app=db\","
				      "\"k8s:io.kubernetes.pod.namespace=store\"]}"),
			 FP_EP_POD);
	ck_assert_str_eq(f.dst.ns, "store");
	ck_assert_int_eq(dst_kind(&f, "{\"namespace\":\"\",\"labels\":[\"k8s:app=db\","
				      "\"k8s:io.kubernetes.pod.namespace=store\"]}"),
			 FP_EP_POD);
	ck_assert_str_eq(f.dst.ns, "store");
	/* A k8s label without a value is a label with an empty value. */
	ck_assert_int_eq(dst_kind(&f, "{\"namespace\":\"store\",\"labels\":[\"k8s:canary\"]}"),
			 FP_EP_POD);
	ck_assert_str_eq(label_value(&f.dst, "canary"), "");
	/* Labels from other sources say nothing about the pod. */
	ck_assert_int_eq(dst_kind(&f, "{\"namespace\":\"store\",\"labels\":[\"container:x=y\","
				      "\"unspec:a=b\"]}"),
			 FP_EP_POD);
	ck_assert_uint_eq(f.dst.n_labels, 0);
}
END_TEST

static void
bad_dst(const char *dst, const char *text)
{
	char line[1024];

	snprintf(line, sizeof(line), JSONPB(TIME "," FWD "," IPS "," SRC "," VERDICT_EV "," SYN
					    ",\"destination\":%s"),
		 dst);
	parse_bad(line, 0, text);
}

START_TEST(test_reader_hubble_rejects_bad_endpoints)
{
	bad_dst("{\"namespace\":\"shop\",\"labels\":[\"k8s:io.kubernetes.pod.namespace=store\"]}",
		"\"flow.destination.namespace\": \"shop\" disagrees with its namespace label");
	bad_dst("{\"namespace\":\"../../etc\",\"labels\":[\"k8s:app=x\"]}",
		"\"flow.destination.namespace\": invalid namespace name \"../../etc\"");
	bad_dst("{\"labels\":[\"k8s:io.kubernetes.pod.namespace=../../etc\"]}",
		"\"flow.destination.namespace\": invalid namespace name \"../../etc\"");
	bad_dst("{\"namespace\":\"Shop\"}",
		"\"flow.destination.namespace\": invalid namespace name \"Shop\"");
	bad_dst("{\"namespace\":\"shop\",\"labels\":[\"k8s:app=x\",\"k8s:bad key=1\"]}",
		"\"flow.destination.labels[1]\": invalid label key \"bad key\"");
	bad_dst("{\"namespace\":\"shop\",\"labels\":[\"k8s:app: x\\ny: z=1\"]}",
		"\"flow.destination.labels[0]\": invalid label key \"app: x\ny: z\"");
	bad_dst("{\"namespace\":\"shop\",\"labels\":[\"k8s:app=-x\"]}",
		"\"flow.destination.labels[0]\": invalid value \"-x\" for label \"app\"");
	bad_dst("{\"namespace\":\"shop\",\"labels\":[\"k8s:app=a b\"]}",
		"\"flow.destination.labels[0]\": invalid value \"a b\" for label \"app\"");
	bad_dst("{\"namespace\":\"shop\",\"labels\":[\"app=web\"]}",
		"\"flow.destination.labels[0]\": label without a source prefix");
	bad_dst("{\"namespace\":\"shop\",\"labels\":[7]}",
		"\"flow.destination.labels[0]\": expected string, got integer");
	bad_dst("{\"namespace\":\"shop\",\"labels\":\"k8s:app=x\"}",
		"\"flow.destination.labels\": expected array, got string");
	bad_dst("{\"namespace\":\"shop\",\"pod_name\":\"Web_1\"}",
		"\"flow.destination.pod_name\": invalid pod name \"Web_1\"");
	bad_dst("{\"namespace\":7}", "\"flow.destination.namespace\": expected string, got integer");
	bad_dst("{\"namespace\":\"shop\",\"pod_name\":\"web-1\",\"workloads\":[{\"name\":\"web\","
		"\"kind\":\"Deploy ment\"}]}",
		"\"flow.destination.workloads[0].kind\": invalid kind \"Deploy ment\"");
	bad_dst("{\"namespace\":\"shop\",\"pod_name\":\"web-1\",\"workloads\":[{\"name\":\"../w\"}]}",
		"\"flow.destination.workloads[0].name\": invalid name \"../w\"");
	bad_dst("{\"identity\":-1}", "\"flow.destination.identity\": out of range (0-4294967295)");
	bad_dst("[]", "\"flow.destination\": expected object, got array");
}
END_TEST

START_TEST(test_reader_hubble_rejects_bad_fields)
{
	parse_bad(FLOW_WITH("\"l4\":{\"TCP\":{\"destination_port\":70000}}"), 0,
		  "\"flow.l4.TCP.destination_port\": out of range (0-65535)");
	parse_bad(FLOW_WITH("\"l4\":{\"UDP\":{\"destination_port\":53,\"source_port\":-1}}"), 0,
		  "\"flow.l4.UDP.source_port\": out of range (0-65535)");
	parse_bad(FLOW_WITH("\"l4\":{\"TCP\":{\"destination_port\":\"http\"}}"), 0,
		  "\"flow.l4.TCP.destination_port\": expected integer, got string");
	parse_bad(FLOW_WITH("\"l4\":{\"TCP\":{\"destination_port\":80.5}}"), 0,
		  "\"flow.l4.TCP.destination_port\": expected integer, got number");
	parse_bad(FLOW_WITH("\"l4\":{\"SCTP\":{\"destination_port\":\"65536\"}}"), 0,
		  "\"flow.l4.SCTP.destination_port\": out of range (0-65535)");
	parse_bad(FLOW_WITH("\"l4\":{\"ICMPv4\":{\"type\":256}}"), 0,
		  "\"flow.l4.ICMPv4.type\": out of range (0-255)");
	parse_bad(FLOW_WITH(TCP("\"SYN\":\"yes\"")), 0,
		  "\"flow.l4.TCP.flags.SYN\": expected boolean, got string");
	parse_bad(FLOW_WITH(SYN ",\"is_reply\":\"false\""), 0,
		  "\"flow.is_reply\": expected boolean, got string");
	parse_bad(JSONPB(TIME ",\"verdict\":\"MAYBE\"," SYN), 0,
		  "\"flow.verdict\": unknown verdict \"MAYBE\"");
	parse_bad(JSONPB(TIME ",\"verdict\":99," SYN), 0,
		  "\"flow.verdict\": expected string, got integer");
	parse_bad(JSONPB(TIME "," SYN), 0, "\"flow.verdict\": missing");
	parse_bad(JSONPB(FWD "," SYN), 0, "\"flow.time\": missing");
	parse_bad(JSONPB("\"time\":\"yesterday\"," FWD "," SYN), 0,
		  "\"flow.time\": not an RFC 3339 time: \"yesterday\"");
	parse_bad(JSONPB("\"time\":1700000000," FWD "," SYN), 0,
		  "\"flow.time\": expected string, got integer");
	parse_bad(JSONPB(TIME "," FWD "," SYN ",\"IP\":{\"source\":\"10.0.0\"}"), 0,
		  "\"flow.IP.source\": not an IP address: \"10.0.0\"");
}
END_TEST

START_TEST(test_reader_hubble_rejects_bad_json)
{
	parse_bad("{\"flow\":{\"verdict\":\"FORWARDED\",}}", 32,
		  "invalid JSON: string or '}' expected near '}'");
	parse_bad("{\"flow\":{\"verdict\":\"FORWARDED\"", 30,
		  "invalid JSON: '}' expected near end of file");
	/* Duplicate keys would let two readers see two different records. */
	parse_bad(JSONPB(TIME "," FWD "," FWD), 72,
		  "invalid JSON: duplicate object key near '\"verdict\"'");
	parse_bad(JSONPB(TIME "," FWD "," SRC "," SYN ",\"source\":{}"), 361,
		  "invalid JSON: duplicate object key near '\"source\"'");
	parse_bad("[1,2]", 0, "expected a JSON object, got array");
	parse_bad("\"flow\"", 6, "invalid JSON: '[' or '{' expected near '\"flow\"'");
	parse_bad("{\"flow\":{}} {}", 13, "invalid JSON: end of file expected near '{'");
	parse_bad("{\"flow\":[]}", 0, "\"flow\": expected object, got array");
	parse_bad("{\"hello\":\"world\"}", 0, "not a Hubble flow record");
	parse_bad("", 0, "invalid JSON: '[' or '{' expected near end of file");
}
END_TEST

START_TEST(test_reader_hubble_detect)
{
	const char *jsonpb = FLOW_WITH(SYN);
	const char *spaced = "  {\"flow\": {\"verdict\": \"FORWARDED\"}}";
	const char *status = "{\"node_status\":{\"state_change\":\"NODE_CONNECTED\"}}";
	const char *lost = "{\"lost_events\":{}}";
	const char *bare = "{\"verdict\":\"FORWARDED\",\"IP\":{\"source\":\"10.0.0.1\"}}";
	const char *bare_l4 = "\t{\"verdict\":\"DROPPED\",\"l4\":{}}";

	ck_assert_int_eq(fp_reader_hubble.detect(jsonpb, strlen(jsonpb)), 90);
	ck_assert_int_eq(fp_reader_hubble.detect(spaced, strlen(spaced)), 90);
	ck_assert_int_eq(fp_reader_hubble.detect(status, strlen(status)), 60);
	ck_assert_int_eq(fp_reader_hubble.detect(lost, strlen(lost)), 60);
	ck_assert_int_eq(fp_reader_hubble.detect(bare, strlen(bare)), 70);
	ck_assert_int_eq(fp_reader_hubble.detect(bare_l4, strlen(bare_l4)), 70);
	/* Other JSON, other text, nothing. */
	ck_assert_int_eq(fp_reader_hubble.detect("{\"verdict\":\"x\"}", 15), 0);
	ck_assert_int_eq(fp_reader_hubble.detect("{\"kind\":\"List\"}", 15), 0);
	ck_assert_int_eq(fp_reader_hubble.detect("flow=1 \"flow\":{", 15), 0);
	ck_assert_int_eq(fp_reader_hubble.detect("   ", 3), 0);
	ck_assert_int_eq(fp_reader_hubble.detect("", 0), 0);
	/* Detection reads only the bytes it is given. */
	ck_assert_int_eq(fp_reader_hubble.detect(jsonpb, 5), 0);
}
END_TEST

START_TEST(test_reader_registry)
{
	const char *status = "{\"node_status\":{}}";

	ck_assert_ptr_eq(fp_reader_find("hubble"), &fp_reader_hubble);
	ck_assert_ptr_eq(fp_reader_find("vpc"), &fp_reader_vpc);
	ck_assert_ptr_null(fp_reader_find("netflow"));
	ck_assert_ptr_null(fp_reader_find(""));
	ck_assert_ptr_eq(fp_reader_all()[0], &fp_reader_hubble);
	ck_assert_ptr_eq(fp_reader_detect(status, strlen(status)), &fp_reader_hubble);
	ck_assert_ptr_null(fp_reader_detect("src=1.2.3.4 dst=5.6.7.8", 23));
	ck_assert_str_eq(fp_reader_hubble.name, "hubble");
	ck_assert_ptr_nonnull(fp_reader_hubble.fields);
	ck_assert_ptr_nonnull(fp_reader_hubble.fields[0]);
}
END_TEST

/* Parse every line of a real capture; count flows and skips by reason. */
static void
parse_capture(const char *file, unsigned counts[FP_SKIP__COUNT])
{
	size_t len;
	char *text = fp_read_file(fp_testdata(file), &len), *p = text;
	unsigned lineno = 0;

	memset(counts, 0, FP_SKIP__COUNT * sizeof(counts[0]));
	while (*p != '\0') {
		char *nl = strchr(p, '\n');
		struct fp_flow f;
		struct fp_err err;
		enum fp_skip skip;
		int r;

		if (nl != NULL)
			*nl = '\0';
		lineno++;
		r = parse(&f, &skip, &err, p);
		ck_assert_msg(r >= 0, "%s:%u: %s", file, lineno, err.text);
		counts[r == FP_READ_FLOW ? FP_SKIP_NONE : skip]++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	ck_assert_uint_gt(lineno, 0);
	free(text);
}

START_TEST(test_reader_hubble_real_captures)
{
	static const char *const files[] = {
		"hubble/bookinfo/basic-sample-400-tcp-flows.json",
		"hubble/bookinfo/basic-sample-400-udp-flows.json",
		"hubble/bookinfo/basic-sample-400-icmpv4-flows.json",
		"hubble/bookinfo/basic-sample-330-dns-flows.json",
	};
	unsigned n[FP_SKIP__COUNT];

	/*
	 * The GKE sample, checked by hand: one host-to-pod SYN opens a
	 * connection; five records are replies (old "reply": true), four are
	 * later packets (ACK, PSH+ACK, FIN+ACK).
	 */
	parse_capture("hubble/bookinfo/basic-sample-10-flows.json", n);
	ck_assert_uint_eq(n[FP_SKIP_NONE], 1);
	ck_assert_uint_eq(n[FP_SKIP_REPLY], 5);
	ck_assert_uint_eq(n[FP_SKIP_LATER], 4);
	/* The exporter sample: a reply, a NEW SYN, an ESTABLISHED packet. */
	parse_capture("hubble/other/hubble-export-cilium-1.19.1.jsonl", n);
	ck_assert_uint_eq(n[FP_SKIP_NONE], 1);
	ck_assert_uint_eq(n[FP_SKIP_REPLY], 1);
	ck_assert_uint_eq(n[FP_SKIP_LATER], 1);
	/* Every line of the other captures is read, as a flow or a counted skip. */
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		parse_capture(files[i], n);
	/* Access-log records (type 129) are all L7. */
	parse_capture("hubble/bookinfo/basic-sample-348-http-flows.json", n);
	ck_assert_uint_eq(n[FP_SKIP_L7], 348);
	/* 400 policy verdicts (REDIRECTED to the proxy): each a decision. */
	parse_capture("hubble/bookinfo/basic-sample-400-l7-redirected-flows.json", n);
	ck_assert_uint_eq(n[FP_SKIP_NONE] + n[FP_SKIP_REPLY], 400);
	ck_assert_uint_gt(n[FP_SKIP_NONE], 0);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("reader-hubble");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reader_hubble_jsonpb);
	tcase_add_test(tc, test_reader_hubble_exporter);
	tcase_add_test(tc, test_reader_hubble_bare_flow);
	tcase_add_test(tc, test_reader_hubble_skips_nonflow);
	tcase_add_test(tc, test_reader_hubble_skips_l7_and_sock);
	tcase_add_test(tc, test_reader_hubble_replies);
	tcase_add_test(tc, test_reader_hubble_tcp_flags);
	tcase_add_test(tc, test_reader_hubble_trace_reason);
	tcase_add_test(tc, test_reader_hubble_udp_icmp_sctp);
	tcase_add_test(tc, test_reader_hubble_policy_verdict);
	tcase_add_test(tc, test_reader_hubble_dropped);
	tcase_add_test(tc, test_reader_hubble_aggregate_count);
	tcase_add_test(tc, test_reader_hubble_reserved_identities);
	tcase_add_test(tc, test_reader_hubble_namespace_from_label);
	tcase_add_test(tc, test_reader_hubble_rejects_bad_endpoints);
	tcase_add_test(tc, test_reader_hubble_rejects_bad_fields);
	tcase_add_test(tc, test_reader_hubble_rejects_bad_json);
	tcase_add_test(tc, test_reader_hubble_real_captures);
	suite_add_tcase(s, tc);
	tc = tcase_create("detect");
	tcase_add_test(tc, test_reader_hubble_detect);
	suite_add_tcase(s, tc);
	tc = tcase_create("registry");
	tcase_add_test(tc, test_reader_registry);
	suite_add_tcase(s, tc);
	return s;
}
