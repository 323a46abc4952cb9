/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol-eval.c - Kubernetes NetworkPolicy semantics over a loaded set:
 * selectors, one connection's decision, the ports a pair may use, and the
 * classes of outside addresses the policies tell apart.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/netpol-private.h"
#include "lib/util-macro.h"

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

/* A label set; for a namespace, ns_name answers kubernetes.io/metadata.name. */
struct labels_view {
	const struct fp_label *labels;
	size_t n;
	const char *ns_name;
};

static const char *
lookup(const struct labels_view *v, const char *key)
{
	/* The API server sets this label to the namespace's name and keeps it
	 * so, whatever labels the caller has seen. */
	if (v->ns_name != NULL && strcmp(key, NS_NAME_LABEL) == 0)
		return v->ns_name;
	for (size_t i = 0; i < v->n; i++)
		if (v->labels[i].key != NULL && strcmp(v->labels[i].key, key) == 0)
			return v->labels[i].value != NULL ? v->labels[i].value : "";
	return NULL;
}

static bool
value_in(const char *v, const struct fp_netpol_requirement *r)
{
	for (size_t i = 0; i < r->n_values; i++)
		if (strcmp(r->values[i], v) == 0)
			return true;
	return false;
}

static bool
matches(const struct fp_netpol_selector *sel, const struct labels_view *v)
{
	for (size_t i = 0; i < sel->n_match_labels; i++) {
		const char *have = lookup(v, sel->match_labels[i].key);

		if (have == NULL || strcmp(have, sel->match_labels[i].value) != 0)
			return false;
	}
	for (size_t i = 0; i < sel->n_exprs; i++) {
		const struct fp_netpol_requirement *r = &sel->exprs[i];
		const char *have = lookup(v, r->key);

		switch (r->op) {
		case FP_NETPOL_OP_IN:
			if (have == NULL || !value_in(have, r))
				return false;
			break;
		case FP_NETPOL_OP_NOT_IN:
			/* A set without the key is "not in" any values. */
			if (have != NULL && value_in(have, r))
				return false;
			break;
		case FP_NETPOL_OP_EXISTS:
			if (have == NULL)
				return false;
			break;
		case FP_NETPOL_OP_DOES_NOT_EXIST:
			if (have != NULL)
				return false;
			break;
		default:
			return false; /* never parsed: refuse rather than guess */
		}
	}
	return true;
}

bool
fp_netpol_selector_matches(const struct fp_netpol_selector *sel,
			   const struct fp_label *labels, size_t n_labels)
{
	struct labels_view v = { labels, n_labels, NULL };

	return matches(sel, &v);
}

static bool
selects(const struct np_policy *pol, const struct fp_netpol_peer *pod)
{
	struct labels_view v = { pod->labels, pod->n_labels, NULL };

	return strcmp(pol->info.ns, pod->ns) == 0 && matches(&pol->pod_sel, &v);
}

static bool
has_type(const struct np_policy *pol, enum fp_netpol_dir dir)
{
	return dir == FP_NETPOL_INGRESS ? pol->info.ingress : pol->info.egress;
}

size_t
fp_netpol_selecting(size_t *out, size_t max, const struct fp_netpol_set *s,
		    const struct fp_netpol_peer *peer, enum fp_netpol_dir dir)
{
	size_t n = 0;

	if (!peer->is_pod || peer->ns == NULL)
		return 0;
	for (size_t i = 0; i < s->n_pols; i++) {
		if (!has_type(s->pols[i], dir) || !selects(s->pols[i], peer))
			continue;
		if (n < max)
			out[n] = i;
		n++;
	}
	return n;
}

/* --- one connection ----------------------------------------------------- */

static bool
in_ip_block(const struct np_peer *pe, const struct fp_addr *a)
{
	if (!fp_cidr_contains(&pe->cidr, a))
		return false;
	for (size_t i = 0; i < pe->n_except; i++)
		if (fp_cidr_contains(&pe->except[i], a))
			return false;
	return true;
}

static bool
peer_matches(const struct np_policy *pol, const struct np_peer *pe,
	     const struct fp_netpol_peer *x)
{
	struct labels_view pod = { x->labels, x->n_labels, NULL };
	struct labels_view ns = { x->ns_labels, x->n_ns_labels, x->ns };

	if (pe->kind == NP_PEER_IPBLOCK) {
		/* Pods are matched by who they are, never by their address. */
		if (x->is_pod || x->addr.family == 0)
			return false;
		return in_ip_block(pe, &x->addr);
	}
	if (!x->is_pod)
		return false;
	if (pe->ns_sel == NULL ? strcmp(x->ns, pol->info.ns) != 0
			       : !matches(pe->ns_sel, &ns))
		return false;
	return pe->pod_sel == NULL || matches(pe->pod_sel, &pod);
}

static bool
port_matches(const struct np_port *p, uint8_t proto, uint16_t port,
	     const struct fp_netpol_peer *dst)
{
	if (p->proto != proto)
		return false;
	if (p->any_port)
		return true;
	if (p->name == NULL)
		return port >= p->lo && port <= p->hi;
	/* A named port exists only on pods, and only with its own protocol. */
	if (!dst->is_pod)
		return false;
	for (size_t i = 0; i < dst->n_ports; i++) {
		const struct fp_netpol_port *cp = &dst->ports[i];

		if (cp->name != NULL && cp->proto == proto && cp->port == port &&
		    strcmp(cp->name, p->name) == 0)
			return true;
	}
	return false;
}

static bool
rule_admits(const struct np_policy *pol, const struct np_rule *r,
	    const struct fp_netpol_peer *other, uint8_t proto, uint16_t port,
	    const struct fp_netpol_peer *dst)
{
	bool peer_ok = r->all_peers, port_ok = r->n_ports == 0;

	for (size_t i = 0; i < r->n_peers && !peer_ok; i++)
		peer_ok = peer_matches(pol, &r->peers[i], other);
	for (size_t i = 0; i < r->n_ports && peer_ok && !port_ok; i++)
		port_ok = port_matches(&r->ports[i], proto, port, dst);
	return peer_ok && port_ok;
}

static void
decide_side(struct fp_netpol_side *out, const struct fp_netpol_set *s,
	    const struct fp_netpol_peer *self, const struct fp_netpol_peer *other,
	    enum fp_netpol_dir dir, uint8_t proto, uint16_t port,
	    const struct fp_netpol_peer *dst)
{
	*out = (struct fp_netpol_side){ .allowed = true,
					.policy = FP_NETPOL_NONE,
					.rule = FP_NETPOL_NONE };
	if (!self->is_pod)
		return;
	for (size_t i = 0; i < s->n_pols; i++) {
		const struct np_policy *pol = s->pols[i];

		if (!has_type(pol, dir) || !selects(pol, self))
			continue;
		out->isolated = true;
		out->n_policies++;
		for (size_t r = 0;
		     r < pol->info.n_rules[dir] && out->policy == FP_NETPOL_NONE; r++) {
			if (rule_admits(pol, &pol->rules[dir][r], other, proto, port,
					dst)) {
				out->policy = i;
				out->rule = r;
			}
		}
	}
	out->allowed = !out->isolated || out->policy != FP_NETPOL_NONE;
}

static bool
same_pod(const struct fp_netpol_peer *a, const struct fp_netpol_peer *b)
{
	if (!a->is_pod || !b->is_pod)
		return false;
	if (a == b)
		return true;
	return a->name != NULL && b->name != NULL && strcmp(a->ns, b->ns) == 0 &&
	       strcmp(a->name, b->name) == 0;
}

static bool
node_and_own_pod(const struct fp_netpol_peer *a, const struct fp_netpol_peer *b)
{
	const struct fp_netpol_peer *node = a->is_node ? a : b, *pod = a->is_node ? b : a;

	return node->is_node && pod->is_pod && node->node != NULL && pod->node != NULL &&
	       strcmp(node->node, pod->node) == 0;
}

static int
check_peer(const struct fp_netpol_peer *p, const char *which, struct fp_err *err)
{
	if (p->is_pod && p->is_node)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0,
				  "%s is described as both a pod and a node", which);
	if (p->is_pod && p->ns == NULL)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0, "%s pod has no namespace",
				  which);
	return 0;
}

int
fp_netpol_evaluate(struct fp_netpol_decision *out, const struct fp_netpol_set *s,
		   const struct fp_netpol_peer *src, const struct fp_netpol_peer *dst,
		   uint8_t proto, uint16_t port, struct fp_err *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = check_peer(src, "source", err)) < 0 ||
	    (r = check_peer(dst, "destination", err)) < 0)
		return r;
	decide_side(&out->egress, s, src, dst, FP_NETPOL_EGRESS, proto, port, dst);
	decide_side(&out->ingress, s, dst, src, FP_NETPOL_INGRESS, proto, port, dst);
	out->basis = FP_NETPOL_BY_POLICY;
	out->allowed = out->egress.allowed && out->ingress.allowed;
	if (!out->allowed && same_pod(src, dst)) {
		out->basis = FP_NETPOL_BY_SELF;
		out->allowed = true;
	} else if (!out->allowed && node_and_own_pod(src, dst)) {
		out->basis = FP_NETPOL_BY_NODE;
		out->allowed = true;
	}
	return 0;
}

/* --- port ranges -------------------------------------------------------- */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct cuts {
	uint32_t *v;
	size_t n, cap;
};

static int
cut(struct cuts *c, uint32_t v)
{
	if (c->n == c->cap) {
		size_t cap = c->cap == 0 ? 64 : c->cap * 2;
		uint32_t *p = realloc(c->v, cap * sizeof(*p));

		if (p == NULL)
			return FP_ENOMEM;
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n++] = v;
	return 0;
}

/* Cut at the first port of every numeric range of @proto in rule @r. */
static int
rule_cuts(struct cuts *c, const struct np_rule *r, uint8_t proto)
{
	for (size_t p = 0; p < r->n_ports; p++) {
		const struct np_port *po = &r->ports[p];

		if (po->proto != proto || po->any_port || po->name != NULL)
			continue;
		if (cut(c, po->lo) < 0 || cut(c, (uint32_t)po->hi + 1) < 0)
			return FP_ENOMEM;
	}
	return 0;
}

/* The first port of every interval on which no rule's answer changes. */
static int
port_cuts(struct cuts *c, const struct fp_netpol_set *s, const struct fp_netpol_peer *dst,
	  uint8_t proto)
{
	size_t n = 0;

	if (cut(c, 1) < 0 || cut(c, 65536) < 0)
		return FP_ENOMEM;
	for (size_t i = 0; i < s->n_pols; i++)
		for (int dir = 0; dir < 2; dir++)
			for (size_t r = 0; r < s->pols[i]->info.n_rules[dir]; r++)
				if (rule_cuts(c, &s->pols[i]->rules[dir][r], proto) < 0)
					return FP_ENOMEM;
	/* Named ports can only resolve to the destination's own ports. */
	for (size_t i = 0; dst->is_pod && i < dst->n_ports; i++)
		if (dst->ports[i].proto == proto && dst->ports[i].port > 0 &&
		    (cut(c, dst->ports[i].port) < 0 ||
		     cut(c, (uint32_t)dst->ports[i].port + 1) < 0))
			return FP_ENOMEM;
	qsort(c->v, c->n, sizeof(*c->v), cmp_u32);
	for (size_t i = 0; i < c->n; i++)
		if (n == 0 || c->v[i] != c->v[n - 1])
			c->v[n++] = c->v[i];
	c->n = n;
	return 0;
}

int
fp_netpol_allowed_ports(struct fp_netpol_port_range **out, size_t *n_out,
			const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
			const struct fp_netpol_peer *dst, uint8_t proto,
			struct fp_err *err)
{
	struct cuts c = { 0 };
	struct fp_netpol_port_range *ranges = NULL;
	size_t n = 0;
	int r;

	*out = NULL;
	*n_out = 0;
	if (!fp_proto_has_ports(proto))
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0, "protocol %u has no ports",
				  (unsigned)proto);
	if ((r = check_peer(src, "source", err)) < 0 ||
	    (r = check_peer(dst, "destination", err)) < 0)
		return r;
	if (port_cuts(&c, s, dst, proto) < 0)
		goto nomem;
	/* Each interval but the sentinel 65536 may open a range. */
	ranges = malloc((c.n > 1 ? c.n - 1 : 1) * sizeof(*ranges));
	if (ranges == NULL)
		goto nomem;
	for (size_t i = 0; i + 1 < c.n; i++) {
		struct fp_netpol_decision d;
		uint16_t lo = (uint16_t)c.v[i], hi = (uint16_t)(c.v[i + 1] - 1);

		fp_netpol_evaluate(&d, s, src, dst, proto, lo, NULL);
		if (!d.allowed)
			continue;
		if (n > 0 && (uint32_t)ranges[n - 1].hi + 1 == lo)
			ranges[n - 1].hi = hi;
		else
			ranges[n++] = (struct fp_netpol_port_range){ lo, hi };
	}
	free(c.v);
	if (n == 0) {
		free(ranges);
		ranges = NULL;
	}
	*out = ranges;
	*n_out = n;
	return 0;
nomem:
	free(c.v);
	free(ranges);
	return fp_err_nomem(err);
}

/* --- address classes ---------------------------------------------------- */

static size_t
addr_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static void
cidr_last(struct fp_addr *out, const struct fp_cidr *c)
{
	size_t bits = addr_len(c->addr.family) * 8;

	*out = c->addr;
	for (size_t i = c->prefix; i < bits; i++)
		out->bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* a + 1; false when a was the last address. */
static bool
addr_inc(struct fp_addr *a)
{
	for (size_t i = addr_len(a->family); i-- > 0;)
		if (++a->bytes[i] != 0)
			return true;
	return false;
}

static void
addr_dec(struct fp_addr *a)
{
	for (size_t i = addr_len(a->family); i-- > 0;)
		if (a->bytes[i]-- != 0)
			return;
}

static int
cmp_addr(const void *a, const void *b)
{
	return fp_addr_cmp(a, b);
}

struct bounds {
	struct fp_addr *v;
	size_t n, cap;
	const struct np_peer **blocks;
	size_t n_blocks, cap_blocks;
};

static int
bound(struct bounds *b, const struct fp_cidr *c)
{
	struct fp_addr end;

	if (b->n + 2 > b->cap) {
		size_t cap = b->cap == 0 ? 64 : b->cap * 2;
		struct fp_addr *p = realloc(b->v, cap * sizeof(*p));

		if (p == NULL)
			return FP_ENOMEM;
		b->v = p;
		b->cap = cap;
	}
	b->v[b->n++] = c->addr;
	cidr_last(&end, c);
	if (addr_inc(&end))
		b->v[b->n++] = end;
	return 0;
}

static int
add_block(struct bounds *b, const struct np_peer *pe)
{
	if (b->n_blocks == b->cap_blocks) {
		size_t cap = b->cap_blocks == 0 ? 16 : b->cap_blocks * 2;
		const struct np_peer **q = realloc(b->blocks, cap * sizeof(*q));

		if (q == NULL)
			return FP_ENOMEM;
		b->blocks = q;
		b->cap_blocks = cap;
	}
	b->blocks[b->n_blocks++] = pe;
	if (bound(b, &pe->cidr) < 0)
		return FP_ENOMEM;
	for (size_t e = 0; e < pe->n_except; e++)
		if (bound(b, &pe->except[e]) < 0)
			return FP_ENOMEM;
	return 0;
}

/* Every ipBlock of @family in the @dir rules of @s, with its bounds. */
static int
collect_blocks(struct bounds *b, const struct fp_netpol_set *s, enum fp_netpol_dir dir,
	       uint8_t family)
{
	for (size_t i = 0; i < s->n_pols; i++) {
		const struct np_policy *pol = s->pols[i];

		for (size_t r = 0; r < pol->info.n_rules[dir]; r++) {
			const struct np_rule *ru = &pol->rules[dir][r];

			for (size_t p = 0; p < ru->n_peers; p++)
				if (ru->peers[p].kind == NP_PEER_IPBLOCK &&
				    ru->peers[p].cidr.addr.family == family &&
				    add_block(b, &ru->peers[p]) < 0)
					return FP_ENOMEM;
		}
	}
	return 0;
}

/* Does some block contain exactly one of @a and its predecessor? */
static bool
splits(const struct bounds *b, const struct fp_addr *a)
{
	struct fp_addr prev = *a;

	addr_dec(&prev);
	for (size_t i = 0; i < b->n_blocks; i++)
		if (in_ip_block(b->blocks[i], a) != in_ip_block(b->blocks[i], &prev))
			return true;
	return false;
}

int
fp_netpol_address_ranges(struct fp_netpol_addr_range **out, size_t *n_out,
			 const struct fp_netpol_set *s, enum fp_netpol_dir dir,
			 uint8_t family, struct fp_err *err)
{
	struct bounds b = { 0 };
	struct fp_netpol_addr_range *ranges = NULL;
	struct fp_cidr all = { .addr = { .family = family } };
	size_t n = 0, kept = 0;

	*out = NULL;
	*n_out = 0;
	if (family != 4 && family != 6)
		return fp_err_set(err, FP_EUSAGE, NULL, 0, 0,
				  "address family %u is not 4 or 6", (unsigned)family);
	if (bound(&b, &all) < 0 || collect_blocks(&b, s, dir, family) < 0)
		goto nomem;
	qsort(b.v, b.n, sizeof(*b.v), cmp_addr);
	/* Keep the lowest address and every bound where membership changes. */
	for (size_t i = 0; i < b.n; i++) {
		if (kept > 0 && fp_addr_cmp(&b.v[i], &b.v[kept - 1]) == 0)
			continue;
		if (kept == 0 || splits(&b, &b.v[i]))
			b.v[kept++] = b.v[i];
	}
	ranges = malloc(kept * sizeof(*ranges));
	if (ranges == NULL)
		goto nomem;
	for (size_t i = 0; i < kept; i++) {
		ranges[n].lo = b.v[i];
		if (i + 1 < kept) {
			ranges[n].hi = b.v[i + 1];
			addr_dec(&ranges[n].hi);
		} else {
			cidr_last(&ranges[n].hi, &all);
		}
		n++;
	}
	free(b.v);
	free(b.blocks);
	*out = ranges;
	*n_out = n;
	return 0;
nomem:
	free(b.v);
	free(b.blocks);
	free(ranges);
	return fp_err_nomem(err);
}
