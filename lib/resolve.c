/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/netset.h"
#include "lib/resolve-private.h"
#include "lib/selector.h"
#include "lib/util-buf.h"
#include "lib/util-k8s.h"
#include "lib/util-map.h"
#include "lib/util-sort.h"

const struct controller *
fp_resolver__find_controller(const struct fp_resolver *r, const char *ns, const char *kind, const char *name)
{
	char key[600];
	long i;

	snprintf(key, sizeof(key), "%s/%s/%s", ns, kind, name);
	i = fp_strmap_get(&r->ctl_index, key);
	return i >= 0 ? &r->ctls[i] : NULL;
}

/*
 * Among candidate intervals, the one covering @t with the latest start (the
 * newest holder: an end known only from a later snapshot may overlap the
 * next holder's exact start); else the nearest within the grace period.
 */
struct pick {
	struct fp_resolution res;
	int64_t best_start, best_dist;
};

static void
pick_init(struct pick *p)
{
	p->res.kind = FP_RESOLVED_NONE;
	p->res.match = FP_MATCH_NONE;
	p->res.ref = 0;
	p->best_start = INT64_MIN;
	p->best_dist = INT64_MAX;
}

static void
pick_consider(struct pick *p, int64_t grace, int64_t start, int64_t end, uint8_t kind,
	      size_t ref, int64_t t)
{
	int64_t dist;

	if (t >= start && t < end) {
		if (p->res.match != FP_MATCH_EXACT || start > p->best_start) {
			p->res = (struct fp_resolution){ kind, FP_MATCH_EXACT, ref };
			p->best_start = start;
		}
		return;
	}
	if (p->res.match == FP_MATCH_EXACT)
		return;
	dist = t < start ? start - t : t - end + 1;
	if (dist <= grace && dist < p->best_dist) {
		p->res = (struct fp_resolution){ kind, FP_MATCH_NEAR, ref };
		p->best_dist = dist;
	}
}

void
fp_resolver_ip(const struct fp_resolver *r, const struct fp_addr *a, int64_t t,
	       struct fp_resolution *out)
{
	size_t lo = 0, hi = r->n_ivs;
	struct pick p;

	pick_init(&p);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fp_addr_cmp(&r->ivs[mid].ip, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < r->n_ivs && fp_addr_cmp(&r->ivs[i].ip, a) == 0; i++)
		pick_consider(&p, r->grace, r->ivs[i].start, r->ivs[i].end, r->ivs[i].kind,
			      r->ivs[i].ref, t);
	*out = p.res;
}

void
fp_resolver_pod_name(const struct fp_resolver *r, const char *ns, const char *name, int64_t t,
		     struct fp_resolution *out)
{
	size_t lo = 0, hi = r->n_pods;
	struct pick p;

	pick_init(&p);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pod *m = &r->pods[r->by_name[mid]];
		int c = strcmp(m->pub.ns, ns);

		if (c == 0)
			c = strcmp(m->pub.name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < r->n_pods; i++) {
		const struct pod *m = &r->pods[r->by_name[i]];

		if (strcmp(m->pub.ns, ns) != 0 || strcmp(m->pub.name, name) != 0)
			break;
		pick_consider(&p, r->grace, m->pub.start, m->pub.end,
			      m->pub.host_network ? FP_RESOLVED_NODE : FP_RESOLVED_POD, r->by_name[i], t);
	}
	*out = p.res;
}

/* Do all "k=v" of @selector appear in @labels (both sorted "k=v,..." text)? */
static bool
labels_match(const char *selector, const char *labels)
{
	for (const char *p = selector; *p != '\0';) {
		size_t len = strcspn(p, ",");
		bool found = false;

		for (const char *q = labels; *q != '\0' && !found;) {
			size_t qlen = strcspn(q, ",");

			found = qlen == len && strncmp(p, q, len) == 0;
			q += qlen + (q[qlen] == ',');
		}
		if (!found)
			return false;
		p += len + (p[len] == ',');
	}
	return true;
}

/* The port on a pod that service port @port/@proto targets; 0 when none. */
static uint16_t
target_port(const struct service *s, const struct pod *p, uint8_t proto, uint16_t port)
{
	const char *want = fp_proto_name(proto);

	for (const char *q = s->ports != NULL ? s->ports : ""; *q != '\0';) {
		size_t len = strcspn(q, ",");
		char name[64] = "", pr[8] = "", target[64] = "";
		unsigned num = 0;

		/* "name/proto/port/target" */
		if (sscanf(q, "%63[^/,]/%7[^/,]/%u/%63[^,]", name, pr, &num, target) != 4 &&
		    sscanf(q, "/%7[^/,]/%u/%63[^,]", pr, &num, target) != 3) {
			q += len + (q[len] == ',');
			continue;
		}
		if (num == port && want != NULL && strcmp(pr, want) == 0) {
			if (target[0] >= '0' && target[0] <= '9')
				return (uint16_t)strtoul(target, NULL, 10);
			/* a named targetPort is looked up on each backend pod */
			for (const char *c = p->pub.ports != NULL ? p->pub.ports : ""; *c != '\0';) {
				size_t clen = strcspn(c, ",");
				char cname[64] = "", cpr[8] = "";
				unsigned cnum = 0;

				if (sscanf(c, "%63[^/,]/%7[^/,]/%u", cname, cpr, &cnum) == 3 &&
				    strcmp(cname, target) == 0 && strcmp(cpr, want) == 0)
					return (uint16_t)cnum;
				c += clen + (c[clen] == ',');
			}
			return 0;
		}
		q += len + (q[len] == ',');
	}
	return 0;
}

size_t
fp_resolver_backends(const struct fp_resolver *r, size_t svc, int64_t t, uint8_t proto,
		     uint16_t port, size_t *pods, uint16_t *ports, size_t max)
{
	const struct service *s = &r->svcs[svc];
	size_t n = 0;

	for (size_t i = 0; i < r->n_pods; i++) {
		const struct pod *p = &r->pods[i];
		bool member = false;

		if (strcmp(p->pub.ns, s->ns) != 0 || p->pub.host_network || t < p->pub.start ||
		    t >= p->pub.end)
			continue;
		if (s->selector != NULL && s->selector[0] != '\0') {
			member = labels_match(s->selector, p->pub.labels);
		} else if (s->slice_pods != NULL) {
			/* no selector: the EndpointSlices name the pods */
			size_t nlen = strlen(p->pub.name);

			for (const char *q = s->slice_pods; *q != '\0' && !member;) {
				size_t len = strcspn(q, ",");
				const char *eq = memchr(q, '=', len);

				member = eq != NULL && (size_t)(q + len - eq - 1) == nlen &&
					 strncmp(eq + 1, p->pub.name, nlen) == 0;
				q += len + (q[len] == ',');
			}
		}
		if (!member)
			continue;
		if (n < max) {
			uint16_t tp = target_port(s, p, proto, port);

			pods[n] = i;
			ports[n] = tp != 0 ? tp : port;
		}
		n++;
	}
	return n;
}

const char *
fp_resolver_service_name(const struct fp_resolver *r, size_t svc, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", r->svcs[svc].ns, r->svcs[svc].name);
	return buf;
}

const struct fp_known_net *
fp_resolver_network(const struct fp_resolver *r, const struct fp_addr *a)
{
	return r != NULL ? fp_netset_find(r->nets, a) : NULL;
}

void
fp_resolver_node_addrs(const struct fp_resolver *r, void (*fn)(void *ud, const struct fp_addr *a),
		       void *ud)
{
	for (size_t i = 0; i < r->n_nodes; i++)
		for (size_t k = 0; k < r->nodes[i].n_ips; k++)
			fn(ud, &r->nodes[i].ips[k]);
}

size_t
fp_resolver_ranges(const struct fp_resolver *r, const struct fp_cidr **out)
{
	*out = r->cidrs;
	return r->n_cidrs;
}

bool
fp_resolver_knows_ranges(const struct fp_resolver *r)
{
	return r->n_cidrs > 0 || r->n_ivs > 0;
}

bool
fp_resolver_in_cluster(const struct fp_resolver *r, const struct fp_addr *a)
{
	size_t lo = 0, hi = r->n_ivs;

	for (size_t i = 0; i < r->n_cidrs; i++)
		if (fp_cidr_contains(&r->cidrs[i], a))
			return true;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fp_addr_cmp(&r->ivs[mid].ip, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n_ivs && fp_addr_cmp(&r->ivs[lo].ip, a) == 0;
}

const char *
fp_resolver_controller_selector(const struct fp_resolver *r, const char *ns, const char *kind,
				const char *name)
{
	const struct controller *c = fp_resolver__find_controller(r, ns, kind, name);

	return c != NULL ? c->selector : NULL;
}

const char *
fp_resolver_workload_ports(const struct fp_resolver *r, const char *ns, const char *workload)
{
	const struct pod *best = NULL;

	for (size_t i = 0; i < r->n_pods; i++) {
		const struct pod *p = &r->pods[i];

		if (strcmp(p->pub.ns, ns) == 0 && strcmp(p->pub.workload, workload) == 0 &&
		    p->pub.ports != NULL && (best == NULL || p->pub.start > best->pub.start))
			best = p;
	}
	return best != NULL ? best->pub.ports : NULL;
}

const char *
fp_resolver_namespace_labels(const struct fp_resolver *r, const char *ns)
{
	for (size_t i = 0; i < r->n_nss; i++)
		if (strcmp(r->nss[i].name, ns) == 0)
			return r->nss[i].labels;
	return NULL;
}

bool
fp_resolver_pod_listens(const struct fp_resolver *r, size_t pod, uint8_t proto, uint16_t port)
{
	const char *want = fp_proto_name(proto);
	const char *c = r->pods[pod].pub.ports;

	for (; c != NULL && *c != '\0';) {
		size_t len = strcspn(c, ",");
		char name[64] = "", pr[8] = "";
		unsigned num = 0;

		if ((sscanf(c, "%63[^/,]/%7[^/,]/%u", name, pr, &num) == 3 ||
		     sscanf(c, "/%7[^/,]/%u", pr, &num) == 2) &&
		    num == port && want != NULL && strcmp(pr, want) == 0)
			return true;
		c += len + (c[len] == ',');
	}
	return false;
}

bool
fp_resolver_service_port(const struct fp_resolver *r, size_t svc, uint8_t proto, uint16_t port)
{
	const char *want = fp_proto_name(proto);

	for (const char *q = r->svcs[svc].ports; q != NULL && *q != '\0';) {
		size_t len = strcspn(q, ",");
		char name[64] = "", pr[8] = "";
		unsigned num = 0;

		if ((sscanf(q, "%63[^/,]/%7[^/,]/%u", name, pr, &num) == 3 ||
		     sscanf(q, "/%7[^/,]/%u", pr, &num) == 2) &&
		    num == port && want != NULL && strcmp(pr, want) == 0)
			return true;
		q += len + (q[len] == ',');
	}
	return false;
}

void
fp_resolver_counts(const struct fp_resolver *r, uint64_t counts[3])
{
	memcpy(counts, r->counts, sizeof(r->counts));
}

void
fp_resolver_count(struct fp_resolver *r, enum fp_match m)
{
	r->counts[m]++;
}
