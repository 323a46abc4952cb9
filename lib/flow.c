/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "lib/flow.h"
#include "lib/util-macro.h"

static const struct {
	uint8_t num;
	const char *name;
} protos[] = {
	{ FP_PROTO_TCP, "TCP" },   { FP_PROTO_UDP, "UDP" },       { FP_PROTO_SCTP, "SCTP" },
	{ FP_PROTO_ICMP, "ICMP" }, { FP_PROTO_ICMPV6, "ICMPv6" },
};

const char *
fp_proto_name(uint8_t proto)
{
	for (size_t i = 0; i < FP_ARRAY_SIZE(protos); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	return NULL;
}

int
fp_proto_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i < FP_ARRAY_SIZE(protos); i++)
		if (strlen(protos[i].name) == len && strncasecmp(protos[i].name, name, len) == 0)
			return protos[i].num;
	if (len == 6 && strncasecmp(name, "ICMPv4", 6) == 0)
		return FP_PROTO_ICMP;
	return -1;
}

bool
fp_proto_has_ports(uint8_t proto)
{
	return proto == FP_PROTO_TCP || proto == FP_PROTO_UDP || proto == FP_PROTO_SCTP;
}

const char *
fp_verdict_name(enum fp_verdict v)
{
	switch (v) {
	case FP_VERDICT_FORWARDED: return "FORWARDED";
	case FP_VERDICT_DROPPED: return "DROPPED";
	case FP_VERDICT_AUDIT: return "AUDIT";
	case FP_VERDICT_REDIRECTED: return "REDIRECTED";
	case FP_VERDICT_UNDIRECTED: return "UNDIRECTED";
	}
	return "UNKNOWN";
}

bool
fp_verdict_is_observed(enum fp_verdict v)
{
	return v == FP_VERDICT_FORWARDED || v == FP_VERDICT_AUDIT || v == FP_VERDICT_REDIRECTED;
}

const char *
fp_ep_kind_name(enum fp_ep_kind k)
{
	switch (k) {
	case FP_EP_UNKNOWN: return "unknown";
	case FP_EP_POD: return "pod";
	case FP_EP_HOST: return "host";
	case FP_EP_REMOTE_NODE: return "remote-node";
	case FP_EP_WORLD: return "world";
	case FP_EP_APISERVER: return "kube-apiserver";
	case FP_EP_OTHER: return "other";
	}
	return "unknown";
}

const char *
fp_skip_name(enum fp_skip s)
{
	static const char *const names[FP_SKIP__COUNT] = {
		[FP_SKIP_NONE] = "none",       [FP_SKIP_BLANK] = "blank",
		[FP_SKIP_NONFLOW] = "non-flow", [FP_SKIP_L7] = "l7",
		[FP_SKIP_SOCK] = "socket",     [FP_SKIP_REPLY] = "reply",
		[FP_SKIP_LATER] = "later-packet", [FP_SKIP_VERDICT] = "verdict",
		[FP_SKIP_NOL4] = "no-l4",      [FP_SKIP_PART] = "continued",
		[FP_SKIP_DUPLICATE] = "duplicate",
	};

	return (unsigned)s < FP_SKIP__COUNT ? names[s] : "unknown";
}
