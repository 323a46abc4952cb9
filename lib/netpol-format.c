/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol-format.c - a decision of fp_netpol_evaluate() told in words, for
 * `check` reports and --show-allowed.
 */
#include "config.h"

#include <string.h>

#include "lib/netpol-private.h"

/* Policies listed by name before "and N more". */
#define LIST_MAX 8

static const char *
safe(char buf[96], const char *s)
{
	return fp_yaml_quote(buf, 96, s, strlen(s));
}

/* A peer in words; names come from flow logs, so they are escaped. */
static int
describe(struct fp_buf *b, const struct fp_netpol_peer *p)
{
	char a[FP_ADDR_BUFSZ], n1[96], n2[96];

	if (p->is_pod && p->name != NULL)
		return fp_buf_printf(b, "%s/%s", safe(n1, p->ns), safe(n2, p->name));
	if (p->is_pod && p->addr.family != 0)
		return fp_buf_printf(b, "pod %s in %s", fp_addr_format(a, &p->addr),
				     safe(n1, p->ns));
	if (p->is_pod)
		return fp_buf_printf(b, "a pod in %s", safe(n1, p->ns));
	if (p->is_node && p->node != NULL)
		return fp_buf_printf(b, "node %s", safe(n1, p->node));
	if (p->is_node && p->addr.family != 0)
		return fp_buf_printf(b, "node %s", fp_addr_format(a, &p->addr));
	if (p->is_node)
		return fp_buf_adds(b, "a node");
	if (p->addr.family != 0)
		return fp_buf_adds(b, fp_addr_format(a, &p->addr));
	return fp_buf_adds(b, "an unknown address");
}

static int
traffic(struct fp_buf *b, uint8_t proto, uint16_t port)
{
	const char *name = fp_proto_name(proto);

	if (name != NULL && fp_proto_has_ports(proto))
		return fp_buf_printf(b, "%s/%u", name, (unsigned)port);
	if (name != NULL)
		return fp_buf_adds(b, name);
	return fp_buf_printf(b, "protocol %u", (unsigned)proto);
}

static int
policy_list(struct fp_buf *b, const struct fp_netpol_set *s,
	    const struct fp_netpol_peer *pod, enum fp_netpol_dir dir)
{
	size_t idx[LIST_MAX];
	size_t n = fp_netpol_selecting(idx, LIST_MAX, s, pod, dir);
	int r = fp_buf_adds(b, n == 1 ? "policy " : "policies ");

	for (size_t i = 0; i < n && i < LIST_MAX && r == 0; i++) {
		const struct fp_netpol_info *in = fp_netpol_get(s, idx[i]);

		r = fp_buf_printf(b, "%s%s/%s", i > 0 ? ", " : "", in->ns, in->name);
	}
	if (n > LIST_MAX && r == 0)
		r = fp_buf_printf(b, " and %zu more", n - LIST_MAX);
	return r;
}

static int
side(struct fp_buf *b, bool *first, const struct fp_netpol_set *s,
     const struct fp_netpol_side *sd, enum fp_netpol_dir dir,
     const struct fp_netpol_peer *self, const struct fp_netpol_peer *other, uint8_t proto,
     uint16_t port, bool want_denied)
{
	const char *word = dir == FP_NETPOL_INGRESS ? "ingress" : "egress";
	int r = 0;

	if (!self->is_pod || sd->allowed == want_denied)
		return 0;
	if (!*first && (r = fp_buf_adds(b, "; ")) < 0)
		return r;
	*first = false;
	if (!sd->isolated) {
		if ((r = fp_buf_printf(b, "%s of ", word)) < 0 ||
		    (r = describe(b, self)) < 0)
			return r;
		return fp_buf_adds(b, " is not isolated");
	}
	if (sd->allowed) {
		const struct fp_netpol_info *in = fp_netpol_get(s, sd->policy);

		if ((r = fp_buf_printf(b, "%s of ", word)) < 0 ||
		    (r = describe(b, self)) < 0)
			return r;
		return fp_buf_printf(b, " allowed by %s/%s %s rule %zu (%s:%ld)", in->ns,
				     in->name, word, sd->rule, in->file,
				     fp_netpol_rule_line(s, sd->policy, dir, sd->rule));
	}
	if ((r = fp_buf_printf(b, "denied on %s: no rule in ", word)) < 0 ||
	    (r = policy_list(b, s, self, dir)) < 0 ||
	    (r = fp_buf_adds(b, " selecting ")) < 0 || (r = describe(b, self)) < 0 ||
	    (r = fp_buf_adds(b, " admits ")) < 0 || (r = describe(b, other)) < 0 ||
	    (r = fp_buf_adds(b, " on ")) < 0)
		return r;
	return traffic(b, proto, port);
}

int
fp_netpol_format_decision(struct fp_buf *out, const struct fp_netpol_set *s,
			  const struct fp_netpol_decision *d,
			  const struct fp_netpol_peer *src,
			  const struct fp_netpol_peer *dst, uint8_t proto, uint16_t port)
{
	bool first = true;
	int r;

	if (d->basis == FP_NETPOL_BY_SELF)
		return fp_buf_adds(out, "allowed: a pod may always connect to itself");
	if (d->basis == FP_NETPOL_BY_NODE)
		return fp_buf_adds(out,
				   "allowed: a node and its own pods may always connect");
	if (!d->allowed) {
		if ((r = side(out, &first, s, &d->egress, FP_NETPOL_EGRESS, src, dst,
			      proto, port, true)) < 0)
			return r;
		return side(out, &first, s, &d->ingress, FP_NETPOL_INGRESS, dst, src,
			    proto, port, true);
	}
	if ((r = fp_buf_adds(out, "allowed: ")) < 0)
		return r;
	if (!src->is_pod && !dst->is_pod)
		return fp_buf_adds(
			out, "no policy applies between two ends that are not pods");
	if ((r = side(out, &first, s, &d->egress, FP_NETPOL_EGRESS, src, dst, proto, port,
		      false)) < 0)
		return r;
	return side(out, &first, s, &d->ingress, FP_NETPOL_INGRESS, dst, src, proto, port,
		    false);
}
