/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/reader-antrea-np.h"
#include "lib/reader-common.h"
#include "lib/util-str.h"

static const char *const np_fields[] = {
	"DATE TIME (UTC)",
	"DIRECTION",
	"ACTION",
	"APPLIED-TO",
	"SRC-IP",
	"DST-IP",
	"DST-PORT",
	"PROTOCOL",
	NULL,
};

enum {
	F_DATE,
	F_TIME,
	F_TABLE,
	F_POLICY,
	F_RULE,
	F_DIRECTION,
	F_ACTION,
	F_PRIORITY,
	F_APPLIED_TO,
	F_SRC_IP,
	F_SRC_PORT,
	F_DST_IP,
	F_DST_PORT,
	F_PROTO,
	F_LENGTH,
	F_LABEL,
	F__COUNT,
	F_MAX = F__COUNT + 4, /* "[N packets in D]" */
};

static const char *const field_names[F__COUNT] = {
	"date",
	"time",
	"table",
	"policy",
	"rule",
	"direction",
	"action",
	"priority",
	"applied-to",
	"source-ip",
	"source-port",
	"destination-ip",
	"destination-port",
	"protocol",
	"length",
	"log-label",
};

struct tokens {
	const char *v[F_MAX];
	size_t len[F_MAX];
	int col[F_MAX];
	size_t n;
};

/* Split on runs of spaces; false when there are more than F_MAX tokens. */
static bool
split(struct tokens *t, const char *line, size_t len)
{
	size_t i = 0;

	t->n = 0;
	while (i < len) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len)
			break;
		if (t->n == F_MAX)
			return false;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		t->v[t->n] = line + start;
		t->len[t->n] = i - start;
		t->col[t->n] = (int)start + 1;
		t->n++;
	}
	return true;
}

static bool
shape(const char *s, size_t len, const char *pattern)
{
	/* '9' is any digit; other characters stand for themselves. */
	if (len != strlen(pattern))
		return false;
	for (size_t i = 0; i < len; i++)
		if (pattern[i] == '9' ? (s[i] < '0' || s[i] > '9') : s[i] != pattern[i])
			return false;
	return true;
}

static int
np_detect(const char *line, size_t len)
{
	struct tokens t;

	if (!split(&t, line, len) || t.n < F__COUNT)
		return 0;
	if (!shape(t.v[F_DATE], t.len[F_DATE], "9999/99/99") || t.len[F_TIME] < 8 ||
	    !shape(t.v[F_TIME], 8, "99:99:99"))
		return 0;
	if (fp_equals(t.v[F_DIRECTION], t.len[F_DIRECTION], "Ingress") ||
	    fp_equals(t.v[F_DIRECTION], t.len[F_DIRECTION], "Egress"))
		return 90;
	return 0;
}

static bool
none(const struct tokens *t, int f)
{
	return fp_equals(t->v[f], t->len[f], "<nil>");
}

static int
applied_to(struct fp_endpoint *ep, struct fp_arena *arena, const struct tokens *t,
	   struct fp_err *err)
{
	const char *s = t->v[F_APPLIED_TO], *slash;
	size_t len = t->len[F_APPLIED_TO];
	int r;

	if (none(t, F_APPLIED_TO))
		return 0; /* the agent did not know the pod: address only */
	slash = memchr(s, '/', len);
	if (slash == NULL)
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"\"applied-to\": expected \"namespace/pod\", got \"%.*s\"",
			(int)(len > 64 ? 64 : len), s);
	ep->kind = FP_EP_POD;
	r = fp_reader__set_ns(ep, arena, "applied-to", s, (size_t)(slash - s), err);
	if (r == 0)
		r = fp_reader__set_pod(ep, arena, "applied-to", slash + 1,
				       len - (size_t)(slash - s) - 1, err);
	return r;
}

static int
np_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	 const char *line, size_t len, struct fp_err *err)
{
	struct tokens t;
	const char *act;
	size_t alen;
	uint16_t sport;
	char when[48];
	int f = 0, r;
	bool ingress;

	(void)state;
	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	if (!split(&t, line, len) || (t.n != F__COUNT && t.n != F_MAX))
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"expected %d space-separated fields (and \"[N packets in D]\"), "
			"got %zu",
			F__COUNT, t.n);
	if (t.n == F_MAX &&
	    (t.v[F__COUNT][0] != '[' ||
	     !fp_equals(t.v[F__COUNT + 1], t.len[F__COUNT + 1], "packets") ||
	     !fp_equals(t.v[F__COUNT + 2], t.len[F__COUNT + 2], "in") ||
	     t.v[F__COUNT + 3][t.len[F__COUNT + 3] - 1] != ']')) {
		f = F__COUNT;
		r = fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"expected \"[N packets in DURATION]\" after the log label");
		goto bad;
	}
	/* Go's log package: local time of the agent: UTC, or the zone of --tz. */
	f = F_DATE;
	if (t.len[F_DATE] + t.len[F_TIME] + 1 >= sizeof(when)) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"time\": not a time");
		goto bad;
	}
	snprintf(when, sizeof(when), "%.*s %.*s", (int)t.len[F_DATE], t.v[F_DATE],
		 (int)t.len[F_TIME], t.v[F_TIME]);
	if (!shape(t.v[F_DATE], t.len[F_DATE], "9999/99/99")) {
		r = fp_err_set(
			err, FP_EINPUT, NULL, 0, 0, "\"date\": not a date: \"%.*s\"",
			(int)(t.len[F_DATE] > 64 ? 64 : t.len[F_DATE]), t.v[F_DATE]);
		goto bad;
	}
	r = fp_reader__time(&out->time, "time", when, strlen(when), err);
	if (r < 0)
		goto bad;
	f = F_DIRECTION;
	ingress = fp_equals(t.v[F_DIRECTION], t.len[F_DIRECTION], "Ingress");
	if (!ingress && !fp_equals(t.v[F_DIRECTION], t.len[F_DIRECTION], "Egress")) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "\"direction\": expected Ingress or Egress, got \"%.*s\"",
			       (int)(t.len[F_DIRECTION] > 64 ? 64 : t.len[F_DIRECTION]),
			       t.v[F_DIRECTION]);
		goto bad;
	}
	f = F_ACTION;
	act = t.v[F_ACTION];
	alen = t.len[F_ACTION];
	if (fp_equals(act, alen, "Allow")) {
		out->verdict = FP_VERDICT_FORWARDED;
	} else if (fp_equals(act, alen, "Drop") || fp_equals(act, alen, "Reject")) {
		out->verdict = FP_VERDICT_DROPPED;
	} else if (fp_equals(act, alen, "Redirect")) {
		out->verdict = FP_VERDICT_REDIRECTED;
	} else if (!fp_equals(act, alen, "Pass")) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "\"action\": unknown action \"%.*s\"",
			       (int)(alen > 64 ? 64 : alen), act);
		goto bad;
	}
	f = F_PROTO;
	r = fp_reader__proto(&out->proto, "protocol", t.v[F_PROTO], t.len[F_PROTO], err);
	if (r < 0)
		goto bad;
	f = F_SRC_IP;
	r = fp_reader__addr(&out->src.addr, "source-ip", t.v[F_SRC_IP], t.len[F_SRC_IP],
			    err);
	if (r < 0)
		goto bad;
	f = F_DST_IP;
	r = fp_reader__addr(&out->dst.addr, "destination-ip", t.v[F_DST_IP],
			    t.len[F_DST_IP], err);
	if (r < 0)
		goto bad;
	for (f = F_SRC_PORT; f <= F_DST_PORT; f += F_DST_PORT - F_SRC_PORT) {
		if (none(&t, f))
			continue;
		r = fp_reader__port(f == F_SRC_PORT ? &sport : &out->port, field_names[f],
				    t.v[f], t.len[f], err);
		if (r < 0)
			goto bad;
	}
	f = F_APPLIED_TO;
	r = applied_to(ingress ? &out->dst : &out->src, arena, &t, err);
	if (r == FP_ENOMEM)
		return r;
	if (r < 0)
		goto bad;
	if (fp_equals(act, alen, "Pass")) {
		*skip = FP_SKIP_VERDICT;
		return FP_READ_SKIP;
	}
	if (fp_proto_has_ports(out->proto) && none(&t, F_DST_PORT)) {
		/* The agent writes ports for TCP and UDP only: SCTP has none. */
		*skip = FP_SKIP_NOL4;
		return FP_READ_SKIP;
	}
	if (!fp_proto_has_ports(out->proto))
		out->port = 0;
	out->count = 1;
	return FP_READ_FLOW;
bad:
	fp_reader__at_column(err, t.col[f]);
	return FP_EINPUT;
}

const struct fp_reader fp_reader_antrea_np = {
	.name = "antrea-np",
	.summary = "Antrea network policy audit log (np.log)",
	.fields = np_fields,
	.detect = np_detect,
	/* no state: each line stands alone */
	.parallel = true,
	.parse = np_parse,
};
