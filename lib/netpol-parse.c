/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol-parse.c - one NetworkPolicy object, from a YAML tree to the parsed
 * form, with the API server's validation and defaulting.
 *
 * The rules follow k8s.io/kubernetes pkg/apis/networking/validation and
 * pkg/apis/networking/v1/defaults.go, and the decoding follows what
 * sigs.k8s.io/yaml and encoding/json do with the YAML: JSON null in a
 * pointer field (a peer's selectors, ipBlock, a port's port) means absent,
 * null in a struct field (spec, spec.podSelector, a rule) means the zero
 * value, and a string field refuses a plain scalar that YAML 1.1 reads as a
 * number or a boolean (`app: on`, `version: 1`), as the API server would.
 * Messages name the field the way kubectl does: "spec.ingress[0].ports[1]".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/netpol-private.h"
#include "lib/util-k8s.h"
#include "lib/util-macro.h"

struct ctx {
	struct fp_netpol_set *s;
	const char *file;
	struct fp_err *err;
	char path[192]; /* the field being read, for messages */
	size_t plen;
};

static int bad(struct ctx *c, const struct fp_yaml_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
bad(struct ctx *c, const struct fp_yaml_node *at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fp_err_set(c->err, FP_EINPUT, c->file, at->line, at->column, "%s%s%s", c->path,
		   c->plen > 0 ? ": " : "", msg);
	return FP_EINPUT;
}

/* Append to the field path; returns the length to restore with pop(). */
static size_t
push(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
push(struct ctx *c, const char *fmt, ...)
{
	size_t old = c->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen = FP_MIN(c->plen + (size_t)n, sizeof(c->path) - 1);
	return old;
}

static void
pop(struct ctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static const char *
q(char buf[48], const struct fp_yaml_node *n)
{
	return fp_yaml_quote(buf, 48, n->value, n->len);
}

static int
expect(struct ctx *c, const struct fp_yaml_node *n, enum fp_yaml_kind want)
{
	enum fp_yaml_kind k = fp_yaml_kind(n);

	if (k == want)
		return 0;
	return bad(c, n, "expected a %s, got a%s %s", fp_yaml_kind_name(want),
		   k == FP_YAML_KIND_INT ? "n" : "", fp_yaml_kind_name(k));
}

/* Every key of the mapping @n must be one of @fields. */
static int
known_fields(struct ctx *c, const struct fp_yaml_node *n, const char *const *fields,
	     size_t n_fields)
{
	char buf[48];

	for (size_t i = 0; i < n->n_pairs; i++) {
		const struct fp_yaml_node *k = n->pairs[i].key;
		bool known = false;

		for (size_t f = 0; f < n_fields && !known; f++)
			known = k->len == strlen(fields[f]) &&
				memcmp(k->value, fields[f], k->len) == 0;
		if (!known)
			return bad(c, k, "unknown field '%s'", q(buf, k));
	}
	return 0;
}

static void *
alloc(struct ctx *c, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = fp_arena_alloc(&c->s->arena, n * size);
	if (p == NULL)
		fp_err_nomem(c->err);
	else
		memset(p, 0, n * size);
	return p;
}

static const char *
copy(struct ctx *c, const struct fp_yaml_node *n)
{
	const char *p = fp_arena_strndup(&c->s->arena, n->value, n->len);

	if (p == NULL)
		fp_err_nomem(c->err);
	return p;
}

/* A string field: a quoted or plain scalar that YAML reads as a string. */
static int
string_at(struct ctx *c, const struct fp_yaml_node *n)
{
	if (n->type == FP_YAML_SCALAR && memchr(n->value, '\0', n->len) != NULL)
		return bad(c, n, "contains a NUL byte");
	return expect(c, n, FP_YAML_KIND_STR);
}

/* --- selectors ---------------------------------------------------------- */

static int
label_key(struct ctx *c, const struct fp_yaml_node *k)
{
	char buf[48];

	if (!fp_k8s_is_label_key(k->value, k->len))
		return bad(c, k, "invalid label key '%s'", q(buf, k));
	return 0;
}

static int
label_value(struct ctx *c, const struct fp_yaml_node *v)
{
	char buf[48];
	int r = string_at(c, v);

	if (r < 0)
		return r;
	if (!fp_k8s_is_label_value(v->value, v->len))
		return bad(c, v, "invalid label value '%s'", q(buf, v));
	return 0;
}

static int
match_labels(struct fp_netpol_selector *out, struct ctx *c, const struct fp_yaml_node *n)
{
	struct fp_label *labels;
	int r;

	if (fp_yaml_is_null(n))
		return 0;
	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0)
		return r;
	labels = alloc(c, n->n_pairs, sizeof(*labels));
	if (labels == NULL && n->n_pairs > 0)
		return FP_ENOMEM;
	for (size_t i = 0; i < n->n_pairs; i++) {
		const struct fp_yaml_node *k = n->pairs[i].key, *v = n->pairs[i].value;

		if ((r = label_key(c, k)) < 0)
			return r;
		/* encoding/json stores null in a map[string]string as "". */
		if (!fp_yaml_is_null(v) && (r = label_value(c, v)) < 0)
			return r;
		labels[i].key = copy(c, k);
		labels[i].value = fp_yaml_is_null(v) ? "" : copy(c, v);
		if (labels[i].key == NULL || labels[i].value == NULL)
			return FP_ENOMEM;
	}
	out->match_labels = labels;
	out->n_match_labels = n->n_pairs;
	return 0;
}

static int
requirement(struct fp_netpol_requirement *out, struct ctx *c,
	    const struct fp_yaml_node *n)
{
	static const char *const fields[] = { "key", "operator", "values" };
	static const struct {
		const char *name;
		enum fp_netpol_op op;
	} ops[] = {
		{ "In", FP_NETPOL_OP_IN },
		{ "NotIn", FP_NETPOL_OP_NOT_IN },
		{ "Exists", FP_NETPOL_OP_EXISTS },
		{ "DoesNotExist", FP_NETPOL_OP_DOES_NOT_EXIST },
	};
	const struct fp_yaml_node *key, *op, *values;
	const char **vals;
	char buf[48];
	size_t old;
	int r;

	if (fp_yaml_is_null(n))
		return bad(c, n, "key: required");
	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
	    (r = known_fields(c, n, fields, FP_ARRAY_SIZE(fields))) < 0)
		return r;
	key = fp_yaml_get(n, "key");
	op = fp_yaml_get(n, "operator");
	values = fp_yaml_get(n, "values");
	if (fp_yaml_is_null(key))
		return bad(c, n, "key: required");
	if (fp_yaml_is_null(op))
		return bad(c, n, "operator: required");
	old = push(c, ".key");
	if ((r = string_at(c, key)) < 0 || (r = label_key(c, key)) < 0)
		return r;
	pop(c, old);
	old = push(c, ".operator");
	if ((r = string_at(c, op)) < 0)
		return r;
	for (size_t i = 0; i < FP_ARRAY_SIZE(ops) && out->op == 0; i++)
		if (fp_yaml_is_str(op, ops[i].name))
			out->op = ops[i].op;
	if (out->op == 0)
		return bad(c, op, "'%s' is not a valid selector operator", q(buf, op));
	pop(c, old);
	old = push(c, ".values");
	if (!fp_yaml_is_null(values) &&
	    (r = expect(c, values, FP_YAML_KIND_SEQUENCE)) < 0)
		return r;
	if (fp_yaml_is_null(values) || values->n_items == 0) {
		if (out->op == FP_NETPOL_OP_IN || out->op == FP_NETPOL_OP_NOT_IN)
			return bad(c, n,
				   "must be specified when operator is 'In' or 'NotIn'");
	} else if (out->op == FP_NETPOL_OP_EXISTS ||
		   out->op == FP_NETPOL_OP_DOES_NOT_EXIST) {
		return bad(c, values,
			   "may not be specified when operator is 'Exists' or "
			   "'DoesNotExist'");
	} else {
		vals = alloc(c, values->n_items, sizeof(*vals));
		if (vals == NULL)
			return FP_ENOMEM;
		for (size_t i = 0; i < values->n_items; i++) {
			size_t o2 = push(c, "[%zu]", i);

			if ((r = label_value(c, values->items[i])) < 0)
				return r;
			if ((vals[i] = copy(c, values->items[i])) == NULL)
				return FP_ENOMEM;
			pop(c, o2);
		}
		out->values = vals;
		out->n_values = values->n_items;
	}
	pop(c, old);
	out->key = copy(c, key);
	return out->key != NULL ? 0 : FP_ENOMEM;
}

static int
selector(struct fp_netpol_selector *out, struct ctx *c, const struct fp_yaml_node *n)
{
	static const char *const fields[] = { "matchLabels", "matchExpressions" };
	const struct fp_yaml_node *ml, *me;
	struct fp_netpol_requirement *reqs;
	size_t old;
	int r;

	memset(out, 0, sizeof(*out));
	if (fp_yaml_is_null(n))
		return 0;
	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
	    (r = known_fields(c, n, fields, FP_ARRAY_SIZE(fields))) < 0)
		return r;
	ml = fp_yaml_get(n, "matchLabels");
	me = fp_yaml_get(n, "matchExpressions");
	old = push(c, ".matchLabels");
	if ((r = match_labels(out, c, ml)) < 0)
		return r;
	pop(c, old);
	if (fp_yaml_is_null(me))
		return 0;
	old = push(c, ".matchExpressions");
	if ((r = expect(c, me, FP_YAML_KIND_SEQUENCE)) < 0)
		return r;
	reqs = alloc(c, me->n_items, sizeof(*reqs));
	if (reqs == NULL && me->n_items > 0)
		return FP_ENOMEM;
	for (size_t i = 0; i < me->n_items; i++) {
		size_t o2 = push(c, "[%zu]", i);

		if ((r = requirement(&reqs[i], c, me->items[i])) < 0)
			return r;
		pop(c, o2);
	}
	pop(c, old);
	out->exprs = reqs;
	out->n_exprs = me->n_items;
	return 0;
}

/* A pointer field in Go: absent and null both mean "not set". */
static int
optional_selector(const struct fp_netpol_selector **out, struct ctx *c,
		  const struct fp_yaml_node *n, const char *field)
{
	struct fp_netpol_selector *sel;
	size_t old;
	int r;

	*out = NULL;
	if (fp_yaml_is_null(n))
		return 0;
	sel = alloc(c, 1, sizeof(*sel));
	if (sel == NULL)
		return FP_ENOMEM;
	old = push(c, ".%s", field);
	if ((r = selector(sel, c, n)) < 0)
		return r;
	pop(c, old);
	*out = sel;
	return 0;
}

/* --- peers and ports ---------------------------------------------------- */

static int
cidr_at(struct fp_cidr *out, struct ctx *c, const struct fp_yaml_node *n)
{
	char buf[48];
	int r;

	if ((r = string_at(c, n)) < 0)
		return r;
	/* Host bits below the prefix are cleared, as ParseCIDRSloppy does;
	 * leading zeros in IPv4 octets are refused (stricter than the API
	 * server) because they read as octal to some tools. */
	if (n->len == 0 || fp_cidr_parse(out, n->value, false) < 0)
		return bad(c, n, "invalid CIDR '%s'", q(buf, n));
	return 0;
}

static int
ip_block(struct np_peer *out, struct ctx *c, const struct fp_yaml_node *n)
{
	static const char *const fields[] = { "cidr", "except" };
	const struct fp_yaml_node *cidr, *except;
	struct fp_cidr *ex;
	size_t old;
	int r;

	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
	    (r = known_fields(c, n, fields, FP_ARRAY_SIZE(fields))) < 0)
		return r;
	cidr = fp_yaml_get(n, "cidr");
	except = fp_yaml_get(n, "except");
	if (fp_yaml_is_null(cidr))
		return bad(c, n, "cidr: required");
	old = push(c, ".cidr");
	if ((r = cidr_at(&out->cidr, c, cidr)) < 0)
		return r;
	pop(c, old);
	if (fp_yaml_is_null(except))
		return 0;
	old = push(c, ".except");
	if ((r = expect(c, except, FP_YAML_KIND_SEQUENCE)) < 0)
		return r;
	ex = alloc(c, except->n_items, sizeof(*ex));
	if (ex == NULL && except->n_items > 0)
		return FP_ENOMEM;
	for (size_t i = 0; i < except->n_items; i++) {
		size_t o2 = push(c, "[%zu]", i);

		if ((r = cidr_at(&ex[i], c, except->items[i])) < 0)
			return r;
		if (!fp_cidr_within(&ex[i], &out->cidr) ||
		    ex[i].prefix <= out->cidr.prefix)
			return bad(c, except->items[i],
				   "must be a strict subset of cidr");
		pop(c, o2);
	}
	pop(c, old);
	out->except = ex;
	out->n_except = except->n_items;
	return 0;
}

static int
peer(struct np_peer *out, struct ctx *c, const struct fp_yaml_node *n)
{
	static const char *const fields[] = { "podSelector", "namespaceSelector",
					      "ipBlock" };
	const struct fp_yaml_node *ib;
	size_t old;
	int r, count;

	if (fp_yaml_is_null(n))
		return bad(c, n, "must specify a peer");
	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
	    (r = known_fields(c, n, fields, FP_ARRAY_SIZE(fields))) < 0)
		return r;
	if ((r = optional_selector(&out->pod_sel, c, fp_yaml_get(n, "podSelector"),
				   "podSelector")) < 0 ||
	    (r = optional_selector(&out->ns_sel, c, fp_yaml_get(n, "namespaceSelector"),
				   "namespaceSelector")) < 0)
		return r;
	ib = fp_yaml_get(n, "ipBlock");
	count = (out->pod_sel != NULL) + (out->ns_sel != NULL) + !fp_yaml_is_null(ib);
	if (count == 0)
		return bad(c, n, "must specify a peer");
	if (fp_yaml_is_null(ib)) {
		out->kind = NP_PEER_PODS;
		return 0;
	}
	if (count > 1)
		return bad(c, n, "may not specify both ipBlock and another peer");
	out->kind = NP_PEER_IPBLOCK;
	old = push(c, ".ipBlock");
	if ((r = ip_block(out, c, ib)) < 0)
		return r;
	pop(c, old);
	return 0;
}

/* IANA_SVC_NAME, as validation.IsValidPortName() checks it. */
static const char *
port_name_problem(const char *s, size_t len)
{
	bool letter = false;

	if (len > 15)
		return "must be no more than 15 characters";
	for (size_t i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return "must contain only alpha-numeric characters (a-z, 0-9), "
			       "and hyphens (-)";
		letter |= s[i] >= 'a' && s[i] <= 'z';
	}
	if (!letter)
		return "must contain at least one letter (a-z)";
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '-' && s[i + 1] == '-')
			return "must not contain consecutive hyphens";
	if (s[0] == '-' || s[len - 1] == '-')
		return "must not begin or end with a hyphen";
	return NULL;
}

static int
port_number(uint16_t *out, struct ctx *c, const struct fp_yaml_node *n)
{
	int64_t v;

	if (fp_yaml_int(&v, n) < 0 || v < 1 || v > 65535)
		return bad(c, n, "must be between 1 and 65535, inclusive");
	*out = (uint16_t)v;
	return 0;
}

static int
port(struct np_port *out, struct ctx *c, const struct fp_yaml_node *n)
{
	static const char *const fields[] = { "protocol", "port", "endPort" };
	const struct fp_yaml_node *proto, *p, *end;
	const char *problem;
	char buf[48];
	size_t old;
	int r;

	out->proto = FP_PROTO_TCP;
	out->any_port = true;
	if (fp_yaml_is_null(n))
		return 0; /* null decodes to the zero port: every TCP port */
	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
	    (r = known_fields(c, n, fields, FP_ARRAY_SIZE(fields))) < 0)
		return r;
	proto = fp_yaml_get(n, "protocol");
	p = fp_yaml_get(n, "port");
	end = fp_yaml_get(n, "endPort");
	if (!fp_yaml_is_null(proto)) {
		old = push(c, ".protocol");
		if ((r = string_at(c, proto)) < 0)
			return r;
		if (fp_yaml_is_str(proto, "TCP"))
			out->proto = FP_PROTO_TCP;
		else if (fp_yaml_is_str(proto, "UDP"))
			out->proto = FP_PROTO_UDP;
		else if (fp_yaml_is_str(proto, "SCTP"))
			out->proto = FP_PROTO_SCTP;
		else
			return bad(c, proto,
				   "unsupported value '%s': supported values: "
				   "'TCP', 'UDP', 'SCTP'",
				   q(buf, proto));
		pop(c, old);
	}
	if (fp_yaml_is_null(p)) {
		if (!fp_yaml_is_null(end))
			return bad(c, end,
				   "endPort: may not be specified when port is not "
				   "specified");
		return 0;
	}
	out->any_port = false;
	old = push(c, ".port");
	switch (fp_yaml_kind(p)) {
	case FP_YAML_KIND_INT:
		if ((r = port_number(&out->lo, c, p)) < 0)
			return r;
		out->hi = out->lo;
		break;
	case FP_YAML_KIND_STR:
		/* A quoted "80" is a string, so a port name, and an invalid one. */
		problem = memchr(p->value, '\0', p->len) != NULL
				  ? "contains a NUL byte"
				  : port_name_problem(p->value, p->len);
		if (problem != NULL)
			return bad(c, p, "invalid port name '%s': %s", q(buf, p),
				   problem);
		if ((out->name = copy(c, p)) == NULL)
			return FP_ENOMEM;
		break;
	default:
		return bad(c, p, "expected an integer or a port name, got a %s",
			   fp_yaml_kind_name(fp_yaml_kind(p)));
	}
	pop(c, old);
	if (fp_yaml_is_null(end))
		return 0;
	old = push(c, ".endPort");
	if (out->name != NULL)
		return bad(c, end, "may not be specified when port is non-numeric");
	if ((r = port_number(&out->hi, c, end)) < 0)
		return r;
	if (out->hi < out->lo)
		return bad(c, end, "must be greater than or equal to port");
	pop(c, old);
	return 0;
}

/* --- rules and the policy ----------------------------------------------- */

static int
rule(struct np_rule *out, struct ctx *c, const struct fp_yaml_node *n,
     enum fp_netpol_dir dir)
{
	static const char *const in_fields[] = { "from", "ports" };
	static const char *const eg_fields[] = { "to", "ports" };
	const char *peers_key = dir == FP_NETPOL_INGRESS ? "from" : "to";
	const struct fp_yaml_node *peers, *ports;
	struct np_peer *pe;
	struct np_port *po;
	size_t old;
	int r;

	out->line = n->line;
	out->all_peers = true;
	if (fp_yaml_is_null(n))
		return 0; /* the zero rule: every peer, every port */
	if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
	    (r = known_fields(c, n, dir == FP_NETPOL_INGRESS ? in_fields : eg_fields,
			      2)) < 0)
		return r;
	peers = fp_yaml_get(n, peers_key);
	ports = fp_yaml_get(n, "ports");
	if (!fp_yaml_is_null(peers)) {
		old = push(c, ".%s", peers_key);
		if ((r = expect(c, peers, FP_YAML_KIND_SEQUENCE)) < 0)
			return r;
		pe = alloc(c, peers->n_items, sizeof(*pe));
		if (pe == NULL && peers->n_items > 0)
			return FP_ENOMEM;
		for (size_t i = 0; i < peers->n_items; i++) {
			size_t o2 = push(c, "[%zu]", i);

			if ((r = peer(&pe[i], c, peers->items[i])) < 0)
				return r;
			pop(c, o2);
		}
		pop(c, old);
		out->peers = pe;
		out->n_peers = peers->n_items;
		out->all_peers = peers->n_items == 0;
	}
	if (!fp_yaml_is_null(ports)) {
		old = push(c, ".ports");
		if ((r = expect(c, ports, FP_YAML_KIND_SEQUENCE)) < 0)
			return r;
		po = alloc(c, ports->n_items, sizeof(*po));
		if (po == NULL && ports->n_items > 0)
			return FP_ENOMEM;
		for (size_t i = 0; i < ports->n_items; i++) {
			size_t o2 = push(c, "[%zu]", i);

			if ((r = port(&po[i], c, ports->items[i])) < 0)
				return r;
			pop(c, o2);
		}
		pop(c, old);
		out->ports = po;
		out->n_ports = ports->n_items;
	}
	return 0;
}

static int
rules(struct np_policy *pol, struct ctx *c, const struct fp_yaml_node *n,
      enum fp_netpol_dir dir)
{
	const char *field = dir == FP_NETPOL_INGRESS ? "ingress" : "egress";
	struct np_rule *rs;
	size_t old;
	int r;

	if (fp_yaml_is_null(n))
		return 0;
	old = push(c, ".%s", field);
	if ((r = expect(c, n, FP_YAML_KIND_SEQUENCE)) < 0)
		return r;
	rs = alloc(c, n->n_items, sizeof(*rs));
	if (rs == NULL && n->n_items > 0)
		return FP_ENOMEM;
	for (size_t i = 0; i < n->n_items; i++) {
		size_t o2 = push(c, "[%zu]", i);

		if ((r = rule(&rs[i], c, n->items[i], dir)) < 0)
			return r;
		pop(c, o2);
	}
	pop(c, old);
	pol->rules[dir] = rs;
	pol->info.n_rules[dir] = n->n_items;
	return 0;
}

static int
policy_types(struct np_policy *pol, struct ctx *c, const struct fp_yaml_node *n)
{
	char buf[48];
	int r;

	if (fp_yaml_is_null(n))
		return 0;
	if ((r = expect(c, n, FP_YAML_KIND_SEQUENCE)) < 0)
		return r;
	if (n->n_items > 2)
		return bad(c, n, "may not specify more than two policyTypes");
	for (size_t i = 0; i < n->n_items; i++) {
		const struct fp_yaml_node *t = n->items[i];
		size_t old = push(c, "[%zu]", i);

		if ((r = string_at(c, t)) < 0)
			return r;
		if (fp_yaml_is_str(t, "Ingress"))
			pol->info.ingress = true;
		else if (fp_yaml_is_str(t, "Egress"))
			pol->info.egress = true;
		else
			return bad(c, t,
				   "unsupported value '%s': supported values: 'Ingress', "
				   "'Egress'",
				   q(buf, t));
		pop(c, old);
	}
	return 0;
}

static int
spec(struct np_policy *pol, struct ctx *c, const struct fp_yaml_node *n)
{
	static const char *const fields[] = { "podSelector", "policyTypes", "ingress",
					      "egress" };
	const struct fp_yaml_node *types;
	size_t old;
	int r;

	if (!fp_yaml_is_null(n)) {
		if ((r = expect(c, n, FP_YAML_KIND_MAPPING)) < 0 ||
		    (r = known_fields(c, n, fields, FP_ARRAY_SIZE(fields))) < 0)
			return r;
	}
	/* An absent podSelector is the empty selector: the API server has always
	 * stored it so, and v1.34 documents it (kubernetes#131354). */
	old = push(c, ".podSelector");
	if ((r = selector(&pol->pod_sel, c, fp_yaml_get(n, "podSelector"))) < 0)
		return r;
	pop(c, old);
	pol->info.pod_selector = &pol->pod_sel;
	types = fp_yaml_get(n, "policyTypes");
	old = push(c, ".policyTypes");
	if ((r = policy_types(pol, c, types)) < 0)
		return r;
	pop(c, old);
	if ((r = rules(pol, c, fp_yaml_get(n, "ingress"), FP_NETPOL_INGRESS)) < 0 ||
	    (r = rules(pol, c, fp_yaml_get(n, "egress"), FP_NETPOL_EGRESS)) < 0)
		return r;
	/* SetDefaults_NetworkPolicy: no policyTypes means Ingress, plus Egress
	 * when there are egress rules; `egress: []` has none. */
	if (fp_yaml_is_null(types) || types->n_items == 0) {
		pol->info.ingress = true;
		pol->info.egress = pol->info.n_rules[FP_NETPOL_EGRESS] > 0;
	}
	return 0;
}

static int
metadata(struct np_policy *pol, struct ctx *c, const struct fp_yaml_node *obj)
{
	const struct fp_yaml_node *md = fp_yaml_get(obj, "metadata"), *name, *ns;
	char buf[48];
	size_t old;
	int r;

	old = push(c, "metadata");
	if (fp_yaml_is_null(md))
		return bad(c, obj, "name: required");
	if ((r = expect(c, md, FP_YAML_KIND_MAPPING)) < 0)
		return r;
	name = fp_yaml_get(md, "name");
	ns = fp_yaml_get(md, "namespace");
	if (fp_yaml_is_null(name))
		return bad(c, md, "name: required%s",
			   fp_yaml_get(md, "generateName") != NULL
				   ? " (generateName is not "
				     "supported)"
				   : "");
	pop(c, old);
	old = push(c, "metadata.name");
	if ((r = string_at(c, name)) < 0)
		return r;
	if (!fp_k8s_is_dns_subdomain(name->value, name->len))
		return bad(c, name,
			   "invalid name '%s': must be a lowercase RFC 1123 subdomain",
			   q(buf, name));
	pop(c, old);
	old = push(c, "metadata.namespace");
	if (!fp_yaml_is_null(ns)) {
		if ((r = string_at(c, ns)) < 0)
			return r;
		if (!fp_k8s_is_dns_label(ns->value, ns->len))
			return bad(c, ns,
				   "invalid namespace '%s': must be a lowercase RFC 1123 "
				   "label",
				   q(buf, ns));
	}
	pop(c, old);
	pol->info.name = copy(c, name);
	pol->info.ns = fp_yaml_is_null(ns)
			       ? fp_arena_strndup(&c->s->arena, c->s->default_ns,
						  strlen(c->s->default_ns))
			       : copy(c, ns);
	return pol->info.name != NULL && pol->info.ns != NULL ? 0 : fp_err_nomem(c->err);
}

int
fp_netpol__parse(struct np_policy **out, struct fp_netpol_set *s,
		 const struct fp_yaml_node *obj, const char *file, struct fp_err *err)
{
	static const char *const fields[] = { "apiVersion", "kind", "metadata", "spec",
					      "status" };
	struct ctx c = { .s = s, .file = file, .err = err };
	struct np_policy *pol;
	size_t old;
	int r;

	*out = NULL;
	if ((r = known_fields(&c, obj, fields, FP_ARRAY_SIZE(fields))) < 0)
		return r;
	pol = alloc(&c, 1, sizeof(*pol));
	if (pol == NULL)
		return FP_ENOMEM;
	pol->info.file = fp_arena_strndup(&s->arena, file, strlen(file));
	if (pol->info.file == NULL)
		return fp_err_nomem(err);
	pol->info.line = obj->line;
	pol->info.column = obj->column;
	if ((r = metadata(pol, &c, obj)) < 0)
		return r;
	old = push(&c, "spec");
	if ((r = spec(pol, &c, fp_yaml_get(obj, "spec"))) < 0)
		return r;
	pop(&c, old);
	*out = pol;
	return 0;
}
