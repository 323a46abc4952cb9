/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reader-vpc.h"
#include "lib/util-net.h"
#include "lib/util-str.h"

/*
 * AWS VPC Flow Logs: space-separated records, in the default version 2
 * order or in a custom order named by a header line ("version srcaddr ..."
 * as S3 exports write it, or "# format: ..." as people annotate files).
 * Records carry addresses only; the inventory names them.  They come in
 * both directions with no reply flag, so the direction is decided here when
 * the TCP flags or the ports tell it, and left to aggregation otherwise.
 */

#define MAX_FIELDS 48
#define EPHEMERAL_MIN 32768 /* Linux and most others hand out ports above this */

enum field {
	F_NONE = 0,
	F_VERSION,
	F_SRCADDR,
	F_DSTADDR,
	F_SRCPORT,
	F_DSTPORT,
	F_PROTOCOL,
	F_PACKETS,
	F_START,
	F_ACTION,
	F_LOG_STATUS,
	F_PKT_SRCADDR,
	F_PKT_DSTADDR,
	F_TCP_FLAGS,
	F_OTHER,
};

static const struct {
	const char *name;
	enum field f;
} names[] = {
	{ "version", F_VERSION },	   { "srcaddr", F_SRCADDR },
	{ "dstaddr", F_DSTADDR },	   { "srcport", F_SRCPORT },
	{ "dstport", F_DSTPORT },	   { "protocol", F_PROTOCOL },
	{ "packets", F_PACKETS },	   { "start", F_START },
	{ "action", F_ACTION },		   { "log-status", F_LOG_STATUS },
	{ "pkt-srcaddr", F_PKT_SRCADDR }, { "pkt-dstaddr", F_PKT_DSTADDR },
	{ "tcp-flags", F_TCP_FLAGS },
	/* known, not needed */
	{ "account-id", F_OTHER },	   { "interface-id", F_OTHER },
	{ "bytes", F_OTHER },		   { "end", F_OTHER },
	{ "vpc-id", F_OTHER },		   { "subnet-id", F_OTHER },
	{ "instance-id", F_OTHER },	   { "type", F_OTHER },
	{ "region", F_OTHER },		   { "az-id", F_OTHER },
	{ "sublocation-type", F_OTHER },   { "sublocation-id", F_OTHER },
	{ "pkt-src-aws-service", F_OTHER }, { "pkt-dst-aws-service", F_OTHER },
	{ "flow-direction", F_OTHER },	   { "traffic-path", F_OTHER },
	{ "ecs-cluster-arn", F_OTHER },	   { "ecs-cluster-name", F_OTHER },
	{ "ecs-container-instance-arn", F_OTHER }, { "ecs-container-instance-id", F_OTHER },
	{ "ecs-container-id", F_OTHER },   { "ecs-second-container-id", F_OTHER },
	{ "ecs-service-name", F_OTHER },   { "ecs-task-definition-arn", F_OTHER },
	{ "ecs-task-arn", F_OTHER },	   { "ecs-task-id", F_OTHER },
	{ "reject-reason", F_OTHER },
};

/* The default format, version 2. */
static const enum field v2[] = { F_VERSION, F_OTHER, F_OTHER, F_SRCADDR, F_DSTADDR,
				 F_SRCPORT, F_DSTPORT, F_PROTOCOL, F_PACKETS, F_OTHER,
				 F_START, F_OTHER, F_ACTION, F_LOG_STATUS };

struct state {
	enum field order[MAX_FIELDS];
	size_t n;
	bool have_header;
};

static const char *const vpc_fields[] = {
	"srcaddr", "dstaddr", "srcport", "dstport", "protocol", "start", "action",
	"log-status", "pkt-srcaddr", "pkt-dstaddr", "tcp-flags", NULL,
};

struct tok {
	const char *s;
	size_t len;
};

/* Split on runs of blanks, stopping at a " #" comment. */
static size_t
split(struct tok *t, size_t max, const char *line, size_t len)
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (n == max)
			return max + 1;
		t[n].s = line + start;
		t[n].len = i - start;
		n++;
	}
	return n;
}

static enum field
field_of(const struct tok *t)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == t->len && memcmp(names[i].name, t->s, t->len) == 0)
			return names[i].f;
	return F_NONE;
}

/* A header: every token a known field name, srcaddr and dstaddr among them. */
static bool
parse_header(struct state *st, const char *line, size_t len)
{
	struct tok t[MAX_FIELDS + 1];
	size_t n, off = 0;
	bool src = false, dst = false;

	while (off < len && (line[off] == ' ' || line[off] == '\t'))
		off++;
	if (len - off >= 9 && memcmp(line + off, "# format:", 9) == 0)
		off += 9;
	else if (off < len && line[off] == '#')
		return false;
	n = split(t, MAX_FIELDS, line + off, len - off);
	if (n == 0 || n > MAX_FIELDS)
		return false;
	for (size_t i = 0; i < n; i++) {
		enum field f = field_of(&t[i]);

		if (f == F_NONE)
			return false;
		src |= f == F_SRCADDR;
		dst |= f == F_DSTADDR;
		if (st != NULL)
			st->order[i] = f;
	}
	if (st != NULL) {
		st->n = n;
		st->have_header = true;
	}
	return src && dst;
}

static int
vpc_detect(const char *line, size_t len)
{
	struct tok t[MAX_FIELDS + 1];
	size_t n;

	if (parse_header(NULL, line, len))
		return 80;
	n = split(t, MAX_FIELDS, line, len);
	/* A default-format record: "2 <account> eni-... <src> <dst> ..." */
	if (n == 14 && t[0].len == 1 && t[0].s[0] == '2' && t[2].len > 4 &&
	    memcmp(t[2].s, "eni-", 4) == 0)
		return 80;
	return 0;
}

static void *
vpc_state_new(void)
{
	return calloc(1, sizeof(struct state));
}

static void
vpc_state_free(void *state)
{
	free(state);
}

static bool
number(const struct tok *t, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (t == NULL || t->len == 0 || t->len > 20)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9' || v > (max - (uint64_t)(t->s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(t->s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
dash(const struct tok *t)
{
	return t == NULL || (t->len == 1 && t->s[0] == '-');
}

static int
bad(struct fp_err *err, const char *what, const struct tok *t)
{
	return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "%s: \"%.*s\"", what,
			  (int)(t != NULL ? (t->len > 64 ? 64 : t->len) : 0), t != NULL ? t->s : "");
}

static int
vpc_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	  const char *line, size_t len, struct fp_err *err)
{
	struct state *st = state;
	struct tok t[MAX_FIELDS + 1];
	const struct tok *f[F_OTHER] = { 0 };
	const struct tok *src, *dst;
	uint64_t sport = 0, dport = 0, proto, start, flags = 0, v;
	size_t n;

	(void)arena;
	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	if (parse_header(st, line, len)) {
		*skip = FP_SKIP_NONFLOW;
		return FP_READ_SKIP;
	}
	n = split(t, MAX_FIELDS, line, len);
	if (n == 0) {
		*skip = FP_SKIP_BLANK;
		return FP_READ_SKIP;
	}
	if (!st->have_header) {
		memcpy(st->order, v2, sizeof(v2));
		st->n = sizeof(v2) / sizeof(v2[0]);
	}
	if (n != st->n)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "expected %zu fields, got %zu", st->n,
				  n > MAX_FIELDS ? (size_t)MAX_FIELDS : n);
	for (size_t i = 0; i < n; i++)
		if (st->order[i] != F_OTHER)
			f[st->order[i]] = &t[i];
	if (f[F_LOG_STATUS] != NULL && !(f[F_LOG_STATUS]->len == 2 && memcmp(f[F_LOG_STATUS]->s, "OK", 2) == 0)) {
		/* NODATA and SKIPDATA records describe the capture, not traffic */
		*skip = FP_SKIP_NONFLOW;
		return FP_READ_SKIP;
	}
	if (f[F_START] == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "no start field: the record cannot be placed in time");
	if (!number(f[F_START], (uint64_t)INT64_MAX / 2, &start))
		return bad(err, "start: not a Unix time", f[F_START]);
	out->time = (int64_t)start;
	/* pkt-srcaddr/pkt-dstaddr are the packet's own endpoints behind NAT */
	src = !dash(f[F_PKT_SRCADDR]) ? f[F_PKT_SRCADDR] : f[F_SRCADDR];
	dst = !dash(f[F_PKT_DSTADDR]) ? f[F_PKT_DSTADDR] : f[F_DSTADDR];
	if (dash(src) || fp_addr_parse(&out->src.addr, src->s, src->len) < 0)
		return bad(err, "not an IP address", src);
	if (dash(dst) || fp_addr_parse(&out->dst.addr, dst->s, dst->len) < 0)
		return bad(err, "not an IP address", dst);
	if (f[F_PROTOCOL] == NULL || !number(f[F_PROTOCOL], 255, &proto))
		return bad(err, "protocol: not a protocol number", f[F_PROTOCOL]);
	/* a missing or "-" port stays 0: ICMP and NODATA records carry none */
	if (!dash(f[F_SRCPORT]) && !number(f[F_SRCPORT], 65535, &sport))
		return bad(err, "port out of range (0-65535)", f[F_SRCPORT]);
	if (!dash(f[F_DSTPORT]) && !number(f[F_DSTPORT], 65535, &dport))
		return bad(err, "port out of range (0-65535)", f[F_DSTPORT]);
	if (f[F_TCP_FLAGS] != NULL && !dash(f[F_TCP_FLAGS]) && !number(f[F_TCP_FLAGS], 255, &flags))
		return bad(err, "tcp-flags: not a number", f[F_TCP_FLAGS]);
	if (f[F_ACTION] == NULL || fp_equals(f[F_ACTION]->s, f[F_ACTION]->len, "ACCEPT"))
		out->verdict = FP_VERDICT_FORWARDED;
	else if (fp_equals(f[F_ACTION]->s, f[F_ACTION]->len, "REJECT"))
		out->verdict = FP_VERDICT_DROPPED;
	else
		return bad(err, "action: expected ACCEPT or REJECT", f[F_ACTION]);
	out->src.kind = FP_EP_UNKNOWN;
	out->dst.kind = FP_EP_UNKNOWN;
	out->proto = (uint8_t)proto;
	out->count = 1;
	if (f[F_PACKETS] != NULL && !dash(f[F_PACKETS]) && !number(f[F_PACKETS], UINT64_MAX, &v))
		return bad(err, "packets: not a number", f[F_PACKETS]);
	if (!fp_proto_has_ports(out->proto)) {
		out->port = 0;
		out->reason = 0;
		out->verdict = out->verdict == FP_VERDICT_DROPPED ? FP_VERDICT_DROPPED
								 : FP_VERDICT_UNDIRECTED;
		return FP_READ_FLOW;
	}
	/*
	 * Which side opened the connection: a SYN says the client, a SYN-ACK
	 * (18) the server; otherwise an ephemeral port on one side only marks
	 * the client; otherwise aggregation decides from the inventory.
	 */
	if (out->proto == FP_PROTO_TCP && (flags & 18) == 18) {
		*skip = FP_SKIP_REPLY;
		return FP_READ_SKIP;
	}
	if ((out->proto == FP_PROTO_TCP && (flags & 18) == 2) ||
	    (sport >= EPHEMERAL_MIN && dport < EPHEMERAL_MIN)) {
		out->port = (uint16_t)dport;
		return FP_READ_FLOW;
	}
	if (dport >= EPHEMERAL_MIN && sport < EPHEMERAL_MIN) {
		*skip = FP_SKIP_REPLY;
		return FP_READ_SKIP;
	}
	/*
	 * Undirected: both ports kept (the source port rides in reason).  Each
	 * connection is logged once in each direction; only the record with the
	 * higher source port counts, so a connection counts once whichever side
	 * aggregation finds to be the server.
	 */
	if (out->verdict == FP_VERDICT_FORWARDED)
		out->verdict = FP_VERDICT_UNDIRECTED;
	if (sport < dport || (sport == dport && fp_addr_cmp(&out->src.addr, &out->dst.addr) > 0)) {
		*skip = FP_SKIP_REPLY;
		return FP_READ_SKIP;
	}
	out->port = (uint16_t)dport;
	out->reason = (uint16_t)sport;
	return FP_READ_FLOW;
}

const struct fp_reader fp_reader_vpc = {
	.name = "vpc",
	.summary = "AWS VPC Flow Logs (default and custom formats, header line optional)",
	.fields = vpc_fields,
	.detect = vpc_detect,
	.state_new = vpc_state_new,
	.state_free = vpc_state_free,
	.parse = vpc_parse,
};
