/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-hubble-fast.c - the Hubble reader's hot path.
 *
 * The same decisions as fp_reader_hubble_parse_reference() (reader-hubble.c,
 * on jansson), taken on the tape of lib/json-scan.c instead of a DOM: the
 * JSON is validated exactly as jansson validates it, then only the members
 * the reader needs are looked at, in the reference's order, so the same
 * records are accepted, with the same values, and the same are rejected.
 * tests/fuzz-hubble-diff.c holds the two to that.  A rejected line carries
 * no message here: fp_reader_hubble.parse asks the reference why, so every
 * message is jansson's or the reference's own.
 *
 * What becomes of a record (a flow, or skipped as a reply, a later packet,
 * L7...) is decided on structure before its endpoints are looked at; those
 * of a skipped record are then only validated (the reference rejects a reply
 * with a bad label too).  Endpoints seen before come from the memo
 * (lib/reader-hubble-memo.c): the scanner steps over their objects without
 * scanning them, and they are neither validated nor parsed again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/json-scan.h"
#include "lib/reader-hubble-int.h"
#include "lib/reader-hubble.h"
#include "lib/util-k8s.h"
#include "lib/util-time.h"

#define MAX_LABELS 256
#define BAD FP_EINPUT /* rejected: the reference says why */

enum { EV_DROP = 1, EV_TRACE = 4, EV_POLICY_VERDICT = 5, EV_TRACE_SOCK = 7, EV_ACCESS_LOG = 129 };

/* At most this many endpoint objects per line are stepped over (source and
 * destination of the flow, and of a bare flow at the root). */
#define MAX_VOUCHED 4

struct hubble_fast {
	struct fp_jscan js;
	struct fp_hubble_memo memo;
	/* the objects the scanner stepped over in this line, and what they are */
	struct {
		uint32_t tok;
		const struct fp_hubble_memo_entry *e;
	} vouched[MAX_VOUCHED];
	size_t n_vouched;
};

void *
fp_reader_hubble__fast_new_sized(size_t slots)
{
	struct hubble_fast *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	fp_jscan_init(&st->js);
	if (fp_reader_hubble__memo_init(&st->memo, slots) < 0) {
		free(st);
		return NULL;
	}
	return st;
}

void *
fp_reader_hubble__fast_new(void)
{
	return fp_reader_hubble__fast_new_sized(FP_HUBBLE_MEMO_SLOTS);
}

void
fp_reader_hubble__fast_free(void *state)
{
	struct hubble_fast *st = state;

	if (st == NULL)
		return;
	fp_reader_hubble__memo_done(&st->memo);
	fp_jscan_done(&st->js);
	free(st);
}

static bool
str_is(const struct fp_jscan *js, uint32_t v, const char *lit)
{
	return v != FP_JSCAN_NONE && fp_jscan_type(js, v) == FP_JSCAN_STRING &&
	       fp_jscan_str_eq(js, v, lit, strlen(lit));
}

/* ---- endpoints ---- */

static bool
mem_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* One "source:key=value" label; @keep stores pod labels in @ep. */
static int
label(struct fp_endpoint *ep, struct fp_hubble_ep_flags *f, const char **ns_label, size_t *ns_label_len,
      struct fp_arena *arena, const char *s, size_t len, bool keep)
{
	const char *colon = memchr(s, ':', len), *key, *eq;
	size_t plen, klen, vlen;

	if (colon == NULL)
		return BAD;
	key = colon + 1;
	plen = (size_t)(colon - s);
	klen = len - plen - 1;
	if (mem_is(s, plen, "reserved")) {
		if (mem_is(key, klen, "host"))
			f->host = true;
		else if (mem_is(key, klen, "remote-node"))
			f->remote_node = true;
		else if (mem_is(key, klen, "kube-apiserver"))
			f->apiserver = true;
		else if (klen >= 5 && memcmp(key, "world", 5) == 0)
			f->world = true;
		else
			f->other = true;
		return 0;
	}
	if (mem_is(s, plen, "cidr") || mem_is(s, plen, "fqdn")) {
		f->world = true;
		return 0;
	}
	if (!mem_is(s, plen, "k8s"))
		return 0;
	eq = memchr(key, '=', klen);
	vlen = eq != NULL ? klen - (size_t)(eq - key) - 1 : 0;
	if (eq != NULL)
		klen = (size_t)(eq - key);
	f->k8s = true;
	if (fp_k8s_is_cni_label(key, klen)) {
		if (eq != NULL && mem_is(key, klen, "io.kubernetes.pod.namespace")) {
			*ns_label = eq + 1;
			*ns_label_len = vlen;
		}
		return 0;
	}
	if (!fp_k8s_is_label_key(key, klen) || (eq != NULL && !fp_k8s_is_label_value(eq + 1, vlen)))
		return BAD;
	if (ep->n_labels >= MAX_LABELS)
		return BAD;
	if (keep) {
		struct fp_label *l = &ep->labels[ep->n_labels];

		l->key = fp_arena_strndup(arena, key, klen);
		l->value = fp_arena_strndup(arena, eq != NULL ? eq + 1 : "", vlen);
		if (l->key == NULL || l->value == NULL)
			return FP_ENOMEM;
	}
	ep->n_labels++;
	return 0;
}

static int
workloads(struct fp_endpoint *ep, const struct fp_jscan *js, uint32_t v, struct fp_arena *arena,
	  bool keep)
{
	static const struct fp_jscan_name names[] = {
		FP_JSCAN_NAME("name"), FP_JSCAN_NAME("kind"),
	};
	uint32_t arr, m[2];
	const char *name, *kind;
	size_t nlen, klen;

	if (fp_jscan_as(js, &arr, v, FP_JSCAN_ARRAY) < 0)
		return BAD;
	if (arr == FP_JSCAN_NONE || fp_jscan_end(js, arr) == arr + 1)
		return 0;
	if (fp_jscan_type(js, arr + 1) != FP_JSCAN_OBJECT)
		return BAD;
	fp_jscan_pick(js, arr + 1, names, 2, m);
	if (fp_jscan_as_string(js, &name, &nlen, m[0], arena) < 0 ||
	    fp_jscan_as_string(js, &kind, &klen, m[1], arena) < 0)
		return BAD;
	if (name == NULL)
		return 0;
	if (!fp_k8s_is_dns_subdomain(name, nlen))
		return BAD;
	if (keep && (ep->workload = fp_arena_strndup(arena, name, nlen)) == NULL)
		return FP_ENOMEM;
	if (kind != NULL) {
		bool ok = klen > 0 && klen <= 63;

		for (size_t i = 0; ok && i < klen; i++)
			ok = (kind[i] >= 'A' && kind[i] <= 'Z') || (kind[i] >= 'a' && kind[i] <= 'z');
		if (!ok)
			return BAD;
		if (keep && (ep->workload_kind = fp_arena_strndup(arena, kind, klen)) == NULL)
			return FP_ENOMEM;
	}
	return 0;
}

static int
endpoint(struct fp_endpoint *ep, const struct fp_jscan *js, uint32_t v,
	 const struct fp_addr *addr, struct fp_arena *arena, bool keep)
{
	static const struct fp_jscan_name names[] = {
		FP_JSCAN_NAME("labels"), FP_JSCAN_NAME("namespace"),
		FP_JSCAN_NAME("pod_name"), FP_JSCAN_NAME("identity"),
		FP_JSCAN_NAME("workloads"),
	};
	struct fp_hubble_ep_flags f = { 0 };
	const char *ns = NULL, *ns_label = NULL, *pod = NULL;
	size_t ns_len = 0, ns_label_len = 0, pod_len = 0, count = 0;
	uint32_t obj, m[5], labels;
	uint64_t identity;
	bool has_identity;
	int r;

	memset(ep, 0, sizeof(*ep));
	ep->addr = *addr;
	if (fp_jscan_as(js, &obj, v, FP_JSCAN_OBJECT) < 0)
		return BAD;
	if (obj == FP_JSCAN_NONE)
		return 0;
	fp_jscan_pick(js, obj, names, 5, m);
	if (fp_jscan_as(js, &labels, m[0], FP_JSCAN_ARRAY) < 0 ||
	    fp_jscan_as_string(js, &ns, &ns_len, m[1], arena) < 0 ||
	    fp_jscan_as_string(js, &pod, &pod_len, m[2], arena) < 0 ||
	    fp_jscan_as_uint(js, &identity, &has_identity, m[3], UINT32_MAX, arena) < 0)
		return BAD;
	if (labels != FP_JSCAN_NONE) {
		for (uint32_t e = labels + 1; e != fp_jscan_end(js, labels); e = js->tok[e].next)
			count++;
		if (keep && (ep->labels = fp_arena_alloc(arena, sizeof(*ep->labels) *
								    (count < MAX_LABELS ? count + 1
											: MAX_LABELS + 1))) == NULL)
			return FP_ENOMEM;
	}
	for (uint32_t e = labels + 1; labels != FP_JSCAN_NONE && e != fp_jscan_end(js, labels);
	     e = js->tok[e].next) {
		const char *s;
		size_t len;

		if (fp_jscan_type(js, e) != FP_JSCAN_STRING)
			return BAD;
		s = fp_jscan_str(js, e, arena, &len);
		if (s == NULL)
			return FP_ENOMEM;
		r = label(ep, &f, &ns_label, &ns_label_len, arena, s, len, keep);
		if (r < 0)
			return r;
	}
	if (ns != NULL && ns_len == 0)
		ns = NULL;
	if (ns == NULL && ns_label != NULL) {
		ns = ns_label;
		ns_len = ns_label_len;
	} else if (ns != NULL && ns_label != NULL &&
		   (ns_label_len != ns_len || memcmp(ns, ns_label, ns_len) != 0)) {
		return BAD;
	}
	if (ns != NULL && !fp_k8s_is_dns_label(ns, ns_len))
		return BAD;
	if (pod != NULL && pod_len == 0)
		pod = NULL;
	if (pod != NULL && !fp_k8s_is_dns_subdomain(pod, pod_len))
		return BAD;
	if (has_identity && labels == FP_JSCAN_NONE) {
		switch (identity) {
		case 1: f.host = true; break;
		case 2: case 9: case 10: f.world = true; break;
		case 6: f.remote_node = true; break;
		case 7: f.apiserver = true; break;
		case 3: case 4: case 5: case 8: f.other = true; break;
		default: break;
		}
	}
	if (ns != NULL || pod != NULL || f.k8s) {
		ep->kind = FP_EP_POD;
		if (keep && ns != NULL && (ep->ns = fp_arena_strndup(arena, ns, ns_len)) == NULL)
			return FP_ENOMEM;
		if (keep && pod != NULL && (ep->pod = fp_arena_strndup(arena, pod, pod_len)) == NULL)
			return FP_ENOMEM;
		return workloads(ep, js, m[4], arena, keep);
	}
	ep->n_labels = 0;
	fp_hubble__reserved_kind(ep, &f);
	return 0;
}

/*
 * The scanner's hook: the object of a "source" or "destination" member that
 * the memo holds is not scanned again.  Its bytes were validated as an
 * object before, at a depth that left room for its nesting; the same bytes
 * are the same valid object, and the same endpoint.
 */
static size_t
vouch(void *ctx, const struct fp_jscan *js, uint32_t key, const char *p, size_t avail,
      size_t depth)
{
	struct hubble_fast *st = ctx;
	const struct fp_hubble_memo_entry *e;

	if (st->n_vouched == MAX_VOUCHED || depth > 3 ||
	    (!fp_jscan_str_eq(js, key, "source", 6) && !fp_jscan_str_eq(js, key, "destination", 11)))
		return 0;
	e = fp_reader_hubble__memo_match(&st->memo, p, avail);
	/* the values inside its deepest container sit one level deeper still */
	if (e == NULL || depth + e->depth > FP_JSCAN_MAX_DEPTH)
		return 0;
	/* the token the scanner is about to push */
	st->vouched[st->n_vouched].tok = (uint32_t)js->n;
	st->vouched[st->n_vouched++].e = e;
	return e->raw_len;
}

/* endpoint(), through the memo.  The strings of *@ep live until the next record. */
static int
endpoint_memo(struct hubble_fast *st, struct fp_endpoint *ep, uint32_t v,
	      const struct fp_addr *addr, struct fp_arena *arena, bool keep)
{
	const struct fp_jscan *js = &st->js;
	const struct fp_hubble_memo_entry *e = NULL;
	const char *raw;
	size_t raw_len;
	uint64_t hash;
	int r;

	if (v == FP_JSCAN_NONE || fp_jscan_type(js, v) != FP_JSCAN_OBJECT)
		return endpoint(ep, js, v, addr, arena, keep);
	raw = js->text + js->tok[v].off;
	raw_len = js->tok[v].len;
	hash = fp_reader_hubble__memo_hash(raw, raw_len);
	if (js->tok[v].flags & FP_JSCAN_VOUCHED) {
		/* the entry stays alive for this record even if evicted */
		for (size_t i = 0; i < st->n_vouched && e == NULL; i++)
			if (st->vouched[i].tok == v)
				e = st->vouched[i].e;
		if (e == NULL)
			return BAD; /* cannot happen; the reference will read it */
	} else {
		e = fp_reader_hubble__memo_find(&st->memo, hash, raw, raw_len);
	}
	if (e != NULL) {
		*ep = e->ep;
		ep->addr = *addr;
		/* normalizing sorts the labels in place: give it a copy */
		if (keep && e->ep.n_labels > 0) {
			ep->labels = fp_arena_alloc(arena, e->ep.n_labels * sizeof(*ep->labels));
			if (ep->labels == NULL)
				return FP_ENOMEM;
			memcpy(ep->labels, e->ep.labels, e->ep.n_labels * sizeof(*ep->labels));
		}
		return 0;
	}
	r = endpoint(ep, js, v, addr, arena, true);
	if (r == 0)
		fp_reader_hubble__memo_put(&st->memo, hash, raw, raw_len, ep);
	return r;
}

/* ---- the flow ---- */

struct l4 {
	uint8_t proto;
	uint16_t port;
	bool syn, ack, is_icmp_answer, present;
};

static int
ports(struct l4 *l4, const struct fp_jscan *js, uint32_t obj, struct fp_arena *arena)
{
	static const struct fp_jscan_name names[] = {
		FP_JSCAN_NAME("destination_port"), FP_JSCAN_NAME("source_port"),
		FP_JSCAN_NAME("flags"),
	};
	uint32_t m[3], flags, fm[2];
	uint64_t port;
	bool has;

	fp_jscan_pick(js, obj, names, l4->proto == FP_PROTO_TCP ? 3 : 2, m);
	if (fp_jscan_as_uint(js, &port, &has, m[0], 65535, arena) < 0)
		return BAD;
	l4->port = (uint16_t)port;
	if (fp_jscan_as_uint(js, &port, &has, m[1], 65535, arena) < 0)
		return BAD;
	if (l4->proto != FP_PROTO_TCP)
		return 0;
	if (fp_jscan_as(js, &flags, m[2], FP_JSCAN_OBJECT) < 0)
		return BAD;
	fm[0] = fm[1] = FP_JSCAN_NONE;
	if (flags != FP_JSCAN_NONE) {
		static const struct fp_jscan_name fnames[] = {
			FP_JSCAN_NAME("SYN"), FP_JSCAN_NAME("ACK"),
		};

		fp_jscan_pick(js, flags, fnames, 2, fm);
	}
	if (fp_jscan_as_bool(js, &l4->syn, &has, fm[0]) < 0 || fp_jscan_as_bool(js, &l4->ack, &has, fm[1]) < 0)
		return BAD;
	return 0;
}

static int
parse_l4(struct l4 *l4, const struct fp_jscan *js, uint32_t v, struct fp_arena *arena)
{
	static const struct fp_jscan_name names[] = {
		FP_JSCAN_NAME("TCP"), FP_JSCAN_NAME("UDP"), FP_JSCAN_NAME("SCTP"),
		FP_JSCAN_NAME("ICMPv4"), FP_JSCAN_NAME("ICMPv6"),
	};
	static const uint8_t protos[] = { FP_PROTO_TCP, FP_PROTO_UDP, FP_PROTO_SCTP, FP_PROTO_ICMP,
					  FP_PROTO_ICMPV6 };
	uint32_t obj, m[5], p;
	uint64_t type;
	bool has;

	memset(l4, 0, sizeof(*l4));
	if (fp_jscan_as(js, &obj, v, FP_JSCAN_OBJECT) < 0)
		return BAD;
	if (obj == FP_JSCAN_NONE)
		return 0;
	fp_jscan_pick(js, obj, names, 5, m);
	/* the first protocol present wins; the ones after it are not looked at */
	for (int i = 0; i < 5; i++) {
		if (fp_jscan_as(js, &p, m[i], FP_JSCAN_OBJECT) < 0)
			return BAD;
		if (p == FP_JSCAN_NONE)
			continue;
		l4->proto = protos[i];
		l4->present = true;
		if (i < 3)
			return ports(l4, js, p, arena);
		if (fp_jscan_as_uint(js, &type, &has, fp_jscan_get(js, p, "type"), 255, arena) < 0)
			return BAD;
		if (i == 3)
			l4->is_icmp_answer = type == 0 || type == 3 || type == 11 || type == 14 ||
					     type == 16 || type == 18;
		else
			l4->is_icmp_answer = (type >= 1 && type <= 4) || type == 129;
		return 0;
	}
	return 0;
}

static int
parse_verdict(enum fp_verdict *out, bool *skip, const struct fp_jscan *js, uint32_t v)
{
	static const struct fp_jscan_name names[] = {
		FP_JSCAN_NAME("VERDICT_UNKNOWN"), FP_JSCAN_NAME("FORWARDED"),
		FP_JSCAN_NAME("DROPPED"), FP_JSCAN_NAME("ERROR"), FP_JSCAN_NAME("AUDIT"),
		FP_JSCAN_NAME("REDIRECTED"), FP_JSCAN_NAME("TRACED"),
		FP_JSCAN_NAME("TRANSLATED"),
	};
	static const int verdicts[] = { 0, FP_VERDICT_FORWARDED, FP_VERDICT_DROPPED, 0,
					FP_VERDICT_AUDIT, FP_VERDICT_REDIRECTED, 0, 0 };
	int found = -1;

	v = fp_jscan_present(js, v);
	if (v == FP_JSCAN_NONE)
		return BAD;
	if (fp_jscan_type(js, v) == FP_JSCAN_INT) {
		int64_t i = fp_jscan_int(js, v);

		found = i >= 0 && i <= 7 ? (int)i : -1;
	} else if (fp_jscan_type(js, v) == FP_JSCAN_STRING) {
		for (int i = 0; i < 8 && found < 0; i++)
			if (fp_jscan_str_eq(js, v, names[i].s, names[i].len))
				found = i;
	}
	if (found < 0)
		return BAD;
	*skip = verdicts[found] == 0;
	*out = (enum fp_verdict)verdicts[found];
	return 0;
}

static int
parse_time(int64_t *out, const struct fp_jscan *js, uint32_t flow_time, uint32_t root_time,
	   struct fp_arena *arena)
{
	const char *s;
	size_t len;

	if (fp_jscan_as_string(js, &s, &len, flow_time, arena) < 0)
		return BAD;
	if (s == NULL && fp_jscan_as_string(js, &s, &len, root_time, arena) < 0)
		return BAD;
	if (s == NULL || fp_time_parse_rfc3339(out, NULL, s, len) < 0)
		return BAD;
	return 0;
}

static int
parse_addr(struct fp_addr *out, const struct fp_jscan *js, uint32_t v, struct fp_arena *arena)
{
	const char *s;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (fp_jscan_as_string(js, &s, &len, v, arena) < 0)
		return BAD;
	if (s == NULL || len == 0)
		return 0;
	return fp_addr_parse(out, s, len) < 0 ? BAD : 0;
}

static int
parse_count(uint64_t *out, const struct fp_jscan *js, uint32_t v, struct fp_arena *arena)
{
	static const struct fp_jscan_name names[] = {
		FP_JSCAN_NAME("ingress_flow_count"), FP_JSCAN_NAME("egress_flow_count"),
		FP_JSCAN_NAME("unknown_direction_flow_count"),
	};
	uint32_t agg, m[3];
	uint64_t sum = 0, n;
	bool has;

	if (fp_jscan_as(js, &agg, v, FP_JSCAN_OBJECT) < 0)
		return BAD;
	if (agg != FP_JSCAN_NONE) {
		fp_jscan_pick(js, agg, names, 3, m);
		for (int i = 0; i < 3; i++) {
			if (fp_jscan_as_uint(js, &n, &has, m[i], UINT32_MAX, arena) < 0)
				return BAD;
			sum += n;
		}
	}
	*out = sum > 0 ? sum : 1;
	return 0;
}

enum {
	F_EVENT_TYPE, F_TYPE, F_L7, F_VERDICT, F_TIME, F_L4, F_IS_REPLY, F_REPLY, F_IP,
	F_SOURCE, F_DESTINATION, F_AGGREGATE, F_TRACE_REASON, F_DROP_REASON,
	F_DROP_REASON_DESC, F_TRAFFIC_DIRECTION, F__COUNT
};

static const struct fp_jscan_name flow_names[] = {
	FP_JSCAN_NAME("event_type"), FP_JSCAN_NAME("Type"), FP_JSCAN_NAME("l7"),
	FP_JSCAN_NAME("verdict"), FP_JSCAN_NAME("time"), FP_JSCAN_NAME("l4"),
	FP_JSCAN_NAME("is_reply"), FP_JSCAN_NAME("reply"), FP_JSCAN_NAME("IP"),
	FP_JSCAN_NAME("source"), FP_JSCAN_NAME("destination"), FP_JSCAN_NAME("aggregate"),
	FP_JSCAN_NAME("trace_reason"), FP_JSCAN_NAME("drop_reason"),
	FP_JSCAN_NAME("drop_reason_desc"), FP_JSCAN_NAME("traffic_direction"),
};

/* Is this record a connection?  The reference's classify(). */
static enum fp_skip
classify(const struct fp_jscan *js, const uint32_t *m, int ev, const struct l4 *l4, bool reply)
{
	uint32_t reason = m[F_TRACE_REASON];

	if (reply || l4->is_icmp_answer)
		return FP_SKIP_REPLY;
	if (ev == EV_POLICY_VERDICT)
		return FP_SKIP_NONE;
	/* a trace_reason that is not a string counts as none */
	if (reason != FP_JSCAN_NONE && fp_jscan_type(js, reason) == FP_JSCAN_STRING &&
	    !str_is(js, reason, "TRACE_REASON_UNKNOWN")) {
		if (str_is(js, reason, "REPLY"))
			return FP_SKIP_REPLY;
		if (!str_is(js, reason, "NEW") && !str_is(js, reason, "REOPENED"))
			return FP_SKIP_LATER;
		return FP_SKIP_NONE;
	}
	if (l4->proto == FP_PROTO_TCP)
		return l4->syn && !l4->ack ? FP_SKIP_NONE : FP_SKIP_LATER;
	return FP_SKIP_NONE;
}

static uint16_t
drop_reason(const struct fp_jscan *js, const uint32_t *m)
{
	uint32_t v = m[F_DROP_REASON];

	if (v != FP_JSCAN_NONE && fp_jscan_type(js, v) == FP_JSCAN_INT) {
		int64_t i = fp_jscan_int(js, v);

		/* the two high bits say which side dropped it (FP_DROP_*) */
		if (i > 0 && i < FP_DROP_INGRESS)
			return (uint16_t)i;
	}
	if (str_is(js, m[F_DROP_REASON_DESC], "POLICY_DENIED"))
		return 133;
	if (str_is(js, m[F_DROP_REASON_DESC], "POLICY_DENY"))
		return 181;
	return 0;
}

static int
parse_flow(struct fp_flow *out, enum fp_skip *skip, struct hubble_fast *st, uint32_t flow,
	   uint32_t root_time, struct fp_arena *arena)
{
	const struct fp_jscan *js = &st->js;
	uint32_t m[F__COUNT], evobj, ip, ipm[2];
	uint64_t ev = 0;
	const char *type;
	size_t type_len;
	bool ev_has, reply, has, verdict_skip, keep;
	struct fp_addr src, dst;
	struct l4 l4;
	enum fp_skip outcome;

	fp_jscan_pick(js, flow, flow_names, F__COUNT, m);
	if (fp_jscan_as(js, &evobj, m[F_EVENT_TYPE], FP_JSCAN_OBJECT) < 0 ||
	    fp_jscan_as_uint(js, &ev, &ev_has,
		     evobj != FP_JSCAN_NONE ? fp_jscan_get(js, evobj, "type") : FP_JSCAN_NONE, 255,
		     arena) < 0 ||
	    fp_jscan_as_string(js, &type, &type_len, m[F_TYPE], arena) < 0)
		return BAD;
	/* null counts: the reference asks whether the member exists */
	if (ev == EV_ACCESS_LOG || (type != NULL && mem_is(type, type_len, "L7")) ||
	    m[F_L7] != FP_JSCAN_NONE) {
		*skip = FP_SKIP_L7;
		return FP_READ_SKIP;
	}
	if (ev == EV_TRACE_SOCK || (type != NULL && mem_is(type, type_len, "SOCK"))) {
		*skip = FP_SKIP_SOCK;
		return FP_READ_SKIP;
	}
	if (ev_has && ev != EV_DROP && ev != EV_TRACE && ev != EV_POLICY_VERDICT) {
		*skip = FP_SKIP_NONFLOW;
		return FP_READ_SKIP;
	}
	if (parse_verdict(&out->verdict, &verdict_skip, js, m[F_VERDICT]) < 0 ||
	    parse_time(&out->time, js, m[F_TIME], root_time, arena) < 0 ||
	    parse_l4(&l4, js, m[F_L4], arena) < 0 || fp_jscan_as_bool(js, &reply, &has, m[F_IS_REPLY]) < 0)
		return BAD;
	/* Older Cilium says "reply"; newer says both, or only is_reply. */
	if (!has && fp_jscan_as_bool(js, &reply, &has, m[F_REPLY]) < 0)
		return BAD;
	/* What becomes of the record is known now; the rest only has to be valid. */
	if (verdict_skip)
		outcome = FP_SKIP_VERDICT;
	else if (!l4.present)
		outcome = FP_SKIP_NOL4;
	else
		outcome = classify(js, m, (int)ev, &l4, reply);
	keep = outcome == FP_SKIP_NONE;
	if (fp_jscan_as(js, &ip, m[F_IP], FP_JSCAN_OBJECT) < 0)
		return BAD;
	ipm[0] = ipm[1] = FP_JSCAN_NONE;
	if (ip != FP_JSCAN_NONE) {
		static const struct fp_jscan_name names[] = {
			FP_JSCAN_NAME("source"), FP_JSCAN_NAME("destination"),
		};

		fp_jscan_pick(js, ip, names, 2, ipm);
	}
	if (parse_addr(&src, js, ipm[0], arena) < 0 || parse_addr(&dst, js, ipm[1], arena) < 0 ||
	    endpoint_memo(st, &out->src, m[F_SOURCE], &src, arena, keep) < 0 ||
	    endpoint_memo(st, &out->dst, m[F_DESTINATION], &dst, arena, keep) < 0 ||
	    parse_count(&out->count, js, m[F_AGGREGATE], arena) < 0)
		return BAD;
	*skip = outcome;
	if (outcome != FP_SKIP_NONE) {
		/* the reference leaves the endpoints filled; nobody reads them */
		memset(&out->src, 0, sizeof(out->src));
		memset(&out->dst, 0, sizeof(out->dst));
		return FP_READ_SKIP;
	}
	out->proto = l4.proto;
	out->port = fp_proto_has_ports(l4.proto) ? l4.port : 0;
	out->reason = out->verdict == FP_VERDICT_DROPPED ? drop_reason(js, m) : 0;
	/* Which side's policy dropped it: triage must only open that side. */
	if (out->verdict == FP_VERDICT_DROPPED && str_is(js, m[F_TRAFFIC_DIRECTION], "EGRESS"))
		out->reason |= FP_DROP_EGRESS;
	else if (out->verdict == FP_VERDICT_DROPPED &&
		 str_is(js, m[F_TRAFFIC_DIRECTION], "INGRESS"))
		out->reason |= FP_DROP_INGRESS;
	return FP_READ_FLOW;
}

int
fp_reader_hubble_parse_fast(void *state, struct fp_flow *out, enum fp_skip *skip,
			    struct fp_arena *arena, const char *line, size_t len)
{
	static const struct fp_jscan_name root_names[] = {
		FP_JSCAN_NAME("flow"), FP_JSCAN_NAME("node_status"),
		FP_JSCAN_NAME("lost_events"), FP_JSCAN_NAME("agent_event"),
		FP_JSCAN_NAME("debug_event"), FP_JSCAN_NAME("verdict"),
		FP_JSCAN_NAME("time"),
	};
	struct hubble_fast *st = state;
	struct fp_jscan *js = &st->js;
	uint32_t m[7], flow;
	int r;

	struct fp_jscan_hook hook = { vouch, st };

	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	fp_reader_hubble__memo_bury(&st->memo);
	/* a huge line before this one must not keep its tape for the whole file */
	fp_jscan_trim(js);
	st->n_vouched = 0;
	r = fp_jscan_parse_hooked(js, line, len, &hook);
	if (r != 0)
		return r < 0 ? r : BAD;
	if (fp_jscan_type(js, 0) != FP_JSCAN_OBJECT)
		return BAD;
	fp_jscan_pick(js, 0, root_names, 7, m);
	if (fp_jscan_as(js, &flow, m[0], FP_JSCAN_OBJECT) < 0)
		return BAD;
	if (flow == FP_JSCAN_NONE) {
		if (m[1] != FP_JSCAN_NONE || m[2] != FP_JSCAN_NONE || m[3] != FP_JSCAN_NONE ||
		    m[4] != FP_JSCAN_NONE) {
			*skip = FP_SKIP_NONFLOW;
			return FP_READ_SKIP;
		}
		/* A bare flow object, as legacy JSON output writes it. */
		if (m[5] == FP_JSCAN_NONE)
			return BAD;
		flow = 0;
	}
	r = parse_flow(out, skip, st, flow, m[6], arena);
	if (r == BAD || r == FP_ENOMEM)
		memset(out, 0, sizeof(*out));
	return r;
}
