/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flow.h - the normalized flow record every reader produces.
 *
 * A struct fp_flow describes one observed connection (or several, with
 * count > 1): who opened it, to whom, on which protocol and destination port,
 * when, and what the policy engine decided.  All strings are borrowed from
 * the reader's per-record arena and stay valid until the next record.
 */
#ifndef FP_FLOW_H
#define FP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util-net.h"

/* Stored in the database: never renumber. */
enum fp_ep_kind {
	FP_EP_UNKNOWN = 0,     /* only an address: resolved later, or unresolved */
	FP_EP_POD = 1,         /* a pod: namespace with labels and/or a pod name */
	FP_EP_HOST = 2,        /* the node the flow was seen on */
	FP_EP_REMOTE_NODE = 3, /* another node of the cluster */
	FP_EP_WORLD = 4,       /* outside the cluster */
	FP_EP_APISERVER = 5,   /* the Kubernetes API server */
	FP_EP_OTHER = 6,       /* CNI-internal: health checks, init, unmanaged */
};

/* Stored in the database: never renumber. */
enum fp_verdict {
	FP_VERDICT_FORWARDED = 1,
	FP_VERDICT_DROPPED = 2,
	FP_VERDICT_AUDIT = 3,
	FP_VERDICT_REDIRECTED = 4,
	/* Allowed traffic whose direction the log does not tell (VPC Flow Logs):
	 * aggregation decides it.  The reason field holds the other port. */
	FP_VERDICT_UNDIRECTED = 5,
};

/* Why a record that parsed fine is not a connection.  Counted per source. */
enum fp_skip {
	FP_SKIP_NONE = 0,
	FP_SKIP_BLANK,    /* empty line */
	FP_SKIP_NONFLOW,  /* not a flow: node_status, agent events, a CSV header */
	FP_SKIP_L7,       /* L7 (HTTP, DNS, Kafka) records: the L4 flow is enough */
	FP_SKIP_SOCK,     /* socket-level trace events */
	FP_SKIP_REPLY,    /* the answering direction of a connection */
	FP_SKIP_LATER,    /* a packet after the first one of a connection */
	FP_SKIP_VERDICT,  /* TRACED, TRANSLATED, ERROR: not a policy decision */
	FP_SKIP_NOL4,     /* no transport header, so no port to allow */
	FP_SKIP_PART,     /* a line inside a record that spans several lines */
	FP_SKIP_DUPLICATE, /* the same connection as another record (Calico's other end) */
	FP_SKIP__COUNT,
};

#define FP_PROTO_ICMP 1
#define FP_PROTO_TCP 6
#define FP_PROTO_UDP 17
#define FP_PROTO_ICMPV6 58
#define FP_PROTO_SCTP 132

struct fp_label {
	const char *key;
	const char *value;
};

struct fp_endpoint {
	enum fp_ep_kind kind;
	struct fp_addr addr;       /* family 0 when the record had no address */
	const char *ns;            /* NULL when unknown */
	const char *pod;           /* NULL when unknown */
	const char *workload;      /* owning workload's name, NULL when unknown */
	const char *workload_kind; /* "Deployment", ... NULL when unknown */
	struct fp_label *labels;   /* pod labels, any order */
	size_t n_labels;
};

/*
 * For DROPPED flows, the reason's two high bits say which side's policy
 * dropped it, when the log says (the engine's reason codes are far below).
 */
#define FP_DROP_INGRESS 0x4000
#define FP_DROP_EGRESS 0x8000
#define FP_DROP_CODE(reason) ((reason) & 0x3fff)

struct fp_flow {
	int64_t time; /* seconds since the epoch */
	/* A pre-aggregated record stands for connections from @time to @last;
	 * 0 (or anything before @time) when it is one moment. */
	int64_t last;
	struct fp_endpoint src;
	struct fp_endpoint dst;
	uint8_t proto;   /* IANA protocol number */
	uint16_t port;   /* destination port; 0 for protocols without ports */
	enum fp_verdict verdict;
	uint16_t reason; /* the engine's drop reason code, 0 if none */
	uint64_t count;  /* connections this record stands for, at least 1 */
};

/* "TCP", "UDP", "SCTP", "ICMP", "ICMPv6", or NULL for other numbers. */
const char *fp_proto_name(uint8_t proto);
/* The protocol number for a name, case-insensitive; -1 when unknown. */
int fp_proto_from_name(const char *name, size_t len);
/* True for the protocols a NetworkPolicy port can name. */
bool fp_proto_has_ports(uint8_t proto);
const char *fp_verdict_name(enum fp_verdict v);
/* Observed traffic: the engine let it through (or only audited it). */
bool fp_verdict_is_observed(enum fp_verdict v);
const char *fp_ep_kind_name(enum fp_ep_kind k);
const char *fp_skip_name(enum fp_skip s);

#endif
