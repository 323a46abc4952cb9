/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/reader-antrea.h"
#include "lib/reader-common.h"
#include "lib/util-net.h"
#include "lib/util-str.h"

static const char *const antrea_csv_fields[] = {
	"1 flowStartSeconds",
	"3-4 sourceIP, destinationIP",
	"6 destinationTransportPort",
	"7 protocolIdentifier",
	"8-9 sourcePodName, sourcePodNamespace",
	"11-12 destinationPodName, destinationPodNamespace",
	"20, 25 ingress/egressNetworkPolicyRuleAction (21, 26 with the extra address column)",
	NULL,
};

/* Column numbers (0-based) of the fixed part. */
enum {
	C_START = 0,
	C_SRC_IP = 2,
	C_DST_IP = 3,
	C_SPORT = 4,
	C_DPORT = 5,
	C_PROTO = 6,
	C_SRC_POD = 7,
	C_SRC_NS = 8,
	C_DST_POD = 10,
	C_DST_NS = 11,
	C_CLUSTER_IP = 13,
	C_SVC_PORT = 14,
	C_ING_ACTION = 19,
	C_EG_ACTION = 24,
	C_MIN = 28, /* the shortest record a logger writes */
};

static const char *const column_names[] = {
	"flowStartSeconds",
	"flowEndSeconds",
	"sourceIP",
	"destinationIP",
	"sourceTransportPort",
	"destinationTransportPort",
	"protocolIdentifier",
	"sourcePodName",
	"sourcePodNamespace",
	"sourceNodeName",
	"destinationPodName",
	"destinationPodNamespace",
	"destinationNodeName",
	"destinationClusterIP",
	"destinationServicePort",
	"destinationServicePortName",
	"ingressNetworkPolicyName",
	"ingressNetworkPolicyNamespace",
	"ingressNetworkPolicyRuleName",
	"ingressNetworkPolicyRuleAction",
	"ingressNetworkPolicyType",
	"egressNetworkPolicyName",
	"egressNetworkPolicyNamespace",
	"egressNetworkPolicyRuleName",
	"egressNetworkPolicyRuleAction",
};

/*
 * The logger joins its fields with commas and quotes nothing, so a field
 * never holds a comma before httpVals, and httpVals (JSON) may hold many:
 * split on every comma, keep the first MAX_FIELDS - 1 fields and leave the
 * rest in the last one.
 */
#define MAX_FIELDS 40

struct fields {
	const char *v[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	int col[MAX_FIELDS];
	size_t n;
};

static void
split(struct fields *f, const char *line, size_t len)
{
	size_t start = 0;

	f->n = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && (line[i] != ',' || f->n == MAX_FIELDS - 1))
			continue;
		f->v[f->n] = line + start;
		f->len[f->n] = i - start;
		f->col[f->n] = (int)start + 1;
		f->n++;
		start = i + 1;
	}
}

static bool
digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
antrea_csv_detect(const char *line, size_t len)
{
	struct fields f;
	struct fp_addr a;

	split(&f, line, len);
	if (f.n < C_MIN)
		return 0;
	if (!digits(f.v[0], f.len[0]) || !digits(f.v[1], f.len[1]) ||
	    !digits(f.v[4], f.len[4]) || !digits(f.v[5], f.len[5]))
		return 0;
	if (fp_addr_parse(&a, f.v[2], f.len[2]) < 0 ||
	    fp_addr_parse(&a, f.v[3], f.len[3]) < 0)
		return 0;
	return 90;
}

static int
action(int *out, const char *field, const char *s, size_t len, struct fp_err *err)
{
	static const char *const names[] = { "", "Allow", "Drop", "Reject" };

	for (int i = 0; i < 4; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
			*out = i;
			return 0;
		}
	}
	if (len == 1 && s[0] >= '0' && s[0] <= '3') {
		*out = s[0] - '0';
		return 0;
	}
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			  "\"%s\": unknown rule action \"%.*s\"", field,
			  (int)(len > 64 ? 64 : len), s);
}

int
fp_reader_antrea__verdict(enum fp_verdict *out, const char *ingress, size_t ilen,
			  const char *egress, size_t elen, struct fp_err *err)
{
	int in = 0, eg = 0;
	bool in_ok = action(&in, "", ingress, ilen, NULL) == 0;
	bool eg_ok = action(&eg, "", egress, elen, NULL) == 0;

	/* A drop on one side is the connection's fate, whatever the other says
	 * (the logger writes "Invalid" for an action it does not know). */
	if ((in_ok && in >= 2) || (eg_ok && eg >= 2)) {
		*out = FP_VERDICT_DROPPED;
		return 0;
	}
	if (!in_ok)
		return action(&in, "ingressNetworkPolicyRuleAction", ingress, ilen, err);
	if (!eg_ok)
		return action(&eg, "egressNetworkPolicyRuleAction", egress, elen, err);
	*out = FP_VERDICT_FORWARDED;
	return 0;
}

int
fp_reader_antrea__endpoint(struct fp_endpoint *ep, struct fp_arena *arena,
			   const char *side, const char *ip, size_t iplen,
			   const char *pod, size_t podlen, const char *ns, size_t nslen,
			   const char *labels, size_t llen, struct fp_err *err)
{
	char f_ip[48], f_pod[48], f_ns[48], f_labels[48];
	int r = 0;

	memset(ep, 0, sizeof(*ep));
	snprintf(f_ip, sizeof(f_ip), "%sIP", side);
	snprintf(f_pod, sizeof(f_pod), "%sPodName", side);
	snprintf(f_ns, sizeof(f_ns), "%sPodNamespace", side);
	snprintf(f_labels, sizeof(f_labels), "%sPodLabels", side);
	if (ip == NULL || iplen == 0)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": missing", f_ip);
	if (fp_reader__addr(&ep->addr, f_ip, ip, iplen, err) < 0)
		return FP_EINPUT;
	if (podlen == 0 && nslen == 0) {
		if (llen > 0 && !fp_equals(labels, llen, "{}") &&
		    !fp_equals(labels, llen, "null"))
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "\"%s\": labels without a pod", f_labels);
		return 0; /* known by address only */
	}
	if (nslen == 0)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": a pod without a namespace", f_ns);
	ep->kind = FP_EP_POD;
	r = fp_reader__set_ns(ep, arena, f_ns, ns, nslen, err);
	if (r == 0 && podlen > 0)
		r = fp_reader__set_pod(ep, arena, f_pod, pod, podlen, err);
	if (r == 0 && llen > 0)
		r = fp_reader__labels_text(ep, arena, f_labels, labels, llen, err);
	return r;
}

static int
antrea_csv_parse(void *state, struct fp_flow *out, enum fp_skip *skip,
		 struct fp_arena *arena, const char *line, size_t len, struct fp_err *err)
{
	struct fields row;
	struct fp_addr vip;
	uint16_t sport;
	int shift, c = 0, r;

	(void)state;
	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	split(&row, line, len);
	if (row.n < C_MIN)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "expected at least %d comma-separated fields, got %zu",
				  C_MIN, row.n);
	/* Column 15 (1-based) is the service port, or the extra address. */
	shift = digits(row.v[C_SVC_PORT], row.len[C_SVC_PORT]) ? 0 : 1;
	if (shift && row.len[C_SVC_PORT] > 0) {
		struct fp_addr a;

		if (fp_addr_parse(&a, row.v[C_SVC_PORT], row.len[C_SVC_PORT]) < 0)
			return fp_err_set(
				err, FP_EINPUT, NULL, 0, row.col[C_SVC_PORT],
				"field 15: expected destinationServicePort or an address, "
				"got \"%.*s\"",
				(int)(row.len[C_SVC_PORT] > 64 ? 64
							       : row.len[C_SVC_PORT]),
				row.v[C_SVC_PORT]);
	}
#define COL(i) row.v[i], row.len[i]
	c = C_START;
	if (fp_reader__time(&out->time, column_names[C_START], COL(C_START), err) < 0)
		goto bad;
	c = C_PROTO;
	if (fp_reader__proto(&out->proto, column_names[C_PROTO], COL(C_PROTO), err) < 0)
		goto bad;
	c = C_SPORT;
	if (fp_reader__port(&sport, column_names[C_SPORT], COL(C_SPORT), err) < 0)
		goto bad;
	c = C_DPORT;
	if (fp_reader__port(&out->port, column_names[C_DPORT], COL(C_DPORT), err) < 0)
		goto bad;
	if (!fp_proto_has_ports(out->proto))
		out->port = 0;
	c = C_CLUSTER_IP;
	if (row.len[C_CLUSTER_IP] > 0 &&
	    fp_reader__addr(&vip, column_names[C_CLUSTER_IP], COL(C_CLUSTER_IP), err) < 0)
		goto bad;
	c = C_ING_ACTION + shift;
	r = fp_reader_antrea__verdict(&out->verdict, COL(C_ING_ACTION + shift),
				      COL(C_EG_ACTION + shift), err);
	if (r < 0) {
		/* Point at the action that was not understood. */
		if (fp_reader_antrea__verdict(&out->verdict, COL(C_ING_ACTION + shift),
					      "", 0, NULL) == 0)
			c = C_EG_ACTION + shift;
		goto bad;
	}
	c = C_SRC_IP;
	r = fp_reader_antrea__endpoint(&out->src, arena, "source", COL(C_SRC_IP),
				       COL(C_SRC_POD), COL(C_SRC_NS), NULL, 0, err);
	if (r == FP_ENOMEM)
		return r;
	if (r < 0)
		goto bad;
	c = C_DST_IP;
	r = fp_reader_antrea__endpoint(&out->dst, arena, "destination", COL(C_DST_IP),
				       COL(C_DST_POD), COL(C_DST_NS), NULL, 0, err);
	if (r == FP_ENOMEM)
		return r;
	if (r < 0)
		goto bad;
#undef COL
	out->count = 1;
	return FP_READ_FLOW;
bad:
	fp_reader__at_column(err, row.col[c]);
	return FP_EINPUT;
}

const struct fp_reader fp_reader_antrea_csv = {
	.name = "antrea-csv",
	.summary = "Antrea Flow Aggregator flow log (CSV without header)",
	.fields = antrea_csv_fields,
	.detect = antrea_csv_detect,
	/* no state: each line stands alone */
	.parallel = true,
	.parse = antrea_csv_parse,
};
