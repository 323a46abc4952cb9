/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff-universe.c - the pods and addresses two policy sets are compared
 * over: the identities of an edge set, or pods made up from the policies'
 * own selectors when there is no database.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diff-private.h"
#include "lib/identity.h"
#include "lib/selector.h"
#include "lib/util-buf.h"
#include "lib/util-macro.h"
#include "lib/util-sort.h"

static void
pod_done(struct fp_diff__pod *p)
{
	free(p->text);
	free(p->ns);
	for (size_t i = 0; i < p->n_vars; i++)
		fp_labels_free(p->vars[i].labels, p->vars[i].n);
	free(p->vars);
	fp_labels_free(p->ns_labels, p->n_ns_labels);
	free(p->ports);
	free(p->port_names);
}

void
fp_diff__universe_done(struct fp_diff__universe *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->n_pods; i++)
		pod_done(&u->pods[i]);
	free(u->pods);
	free(u->addr_of);
	free(u->first_edge);
	memset(u, 0, sizeof(*u));
}

static int
cmp_pod(const void *a, const void *b)
{
	return strcmp(((const struct fp_diff__pod *)a)->text,
		      ((const struct fp_diff__pod *)b)->text);
}

/* "name/proto/port,..." (identity.h) into evaluator ports, as check.c does. */
static int
parse_ports(struct fp_diff__pod *p, const char *text)
{
	size_t cap = 1;
	char *s;

	if (text == NULL || *text == '\0')
		return 0;
	for (const char *q = text; *q != '\0'; q++)
		cap += *q == ',';
	p->ports = calloc(cap, sizeof(*p->ports));
	p->port_names = strdup(text);
	if (p->ports == NULL || p->port_names == NULL)
		return FP_ENOMEM;
	s = p->port_names;
	while (*s != '\0') {
		char *end = s + strcspn(s, ","), *slash1, *slash2;
		bool last = *end == '\0';

		*end = '\0';
		slash1 = strchr(s, '/');
		slash2 = slash1 != NULL ? strchr(slash1 + 1, '/') : NULL;
		if (slash1 != NULL && slash2 != NULL && slash1 > s) {
			int proto = fp_proto_from_name(slash1 + 1,
						       (size_t)(slash2 - slash1 - 1));
			unsigned long port = strtoul(slash2 + 1, NULL, 10);

			*slash1 = '\0';
			if (proto > 0 && port <= 65535) {
				p->ports[p->n_ports].name = s;
				p->ports[p->n_ports].proto = (uint8_t)proto;
				p->ports[p->n_ports].port = (uint16_t)port;
				p->n_ports++;
			}
		}
		if (last)
			break;
		s = end + 1;
	}
	return 0;
}

static int
copy_labels(struct fp_diff__variant *v, const struct fp_label *labels, size_t n)
{
	v->labels = calloc(n ? n : 1, sizeof(*v->labels));
	if (v->labels == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v->labels[i].key = strdup(labels[i].key);
		v->labels[i].value = strdup(labels[i].value);
		v->n = i + 1;
		if (v->labels[i].key == NULL || v->labels[i].value == NULL)
			return FP_ENOMEM;
	}
	return 0;
}

/* A workload as a pod of every label set its pods carried. */
static int
workload_pod(struct fp_diff__pod *p, const struct fp_identity *id, long index)
{
	size_t n = id->n_sets > 0 ? id->n_sets : 1;
	struct fp_buf b;
	int r = 0;

	p->id = index;
	fp_buf_init(&b);
	if (fp_buf_printf(&b, "%s/%s", id->ns, id->name) < 0 ||
	    (p->ns = strdup(id->ns)) == NULL ||
	    (p->vars = calloc(n, sizeof(*p->vars))) == NULL) {
		fp_buf_done(&b);
		return FP_ENOMEM;
	}
	p->text = fp_buf_steal(&b);
	p->n_vars = n;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (id->n_sets > 0)
			r = fp_labels_parse(&p->vars[i].labels, &p->vars[i].n,
					    id->sets[i]);
		else /* read back from a stored run: the labels every pod carried */
			r = copy_labels(&p->vars[i], id->labels, id->n_labels);
	}
	if (r == 0)
		r = fp_labels_parse(&p->ns_labels, &p->n_ns_labels, id->ns_labels);
	if (r == 0)
		r = parse_ports(p, id->ports);
	return p->text == NULL ? FP_ENOMEM : r;
}

int
fp_diff__universe_from_edges(struct fp_diff__universe *u, const struct fp_edgeset *es,
			     struct fp_err *err)
{
	size_t n_ids = fp_idset_count(es->ids);

	memset(u, 0, sizeof(*u));
	u->es = es;
	u->pods = calloc(n_ids ? n_ids : 1, sizeof(*u->pods));
	u->addr_of = calloc(n_ids ? n_ids : 1, sizeof(*u->addr_of));
	u->first_edge = calloc(n_ids + 1, sizeof(*u->first_edge));
	if (u->pods == NULL || u->addr_of == NULL || u->first_edge == NULL)
		goto nomem;
	for (size_t i = 0; i < n_ids; i++) {
		const struct fp_identity *id = fp_idset_get(es->ids, i);

		switch (id->kind) {
		case FP_ID_WORKLOAD:
			/* Pods named by a log without their labels: what a
			 * policy selects of them is unknown. */
			if (id->n_sets == 0 && id->n_labels == 0) {
				u->skipped++;
				break;
			}
			if (workload_pod(&u->pods[u->n_pods++], id, (long)i) < 0)
				goto nomem;
			break;
		case FP_ID_EXTERNAL:
		case FP_ID_APISERVER:
			if (id->name != NULL &&
			    fp_addr_parse(&u->addr_of[i], id->name, strlen(id->name)) < 0)
				u->addr_of[i].family = 0;
			break;
		default: break;
		}
	}
	/* Edges are sorted by source: where each source's edges start. */
	for (size_t e = 0; e < es->n; e++)
		u->first_edge[es->edges[e].src + 1]++;
	for (size_t i = 0; i < n_ids; i++)
		u->first_edge[i + 1] += u->first_edge[i];
	fp_qsort(u->pods, u->n_pods, sizeof(*u->pods), cmp_pod);
	return 0;
nomem:
	fp_diff__universe_done(u);
	return fp_err_nomem(err);
}

/* --- without a database ------------------------------------------------- */

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct fp_label *)a)->key,
		      ((const struct fp_label *)b)->key);
}

static bool
has_key(const struct fp_label *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return true;
	return false;
}

/*
 * Labels of something @sel selects: its matchLabels, the first value of
 * each In, an empty value for Exists.  NotIn and DoesNotExist are met by
 * leaving the key out.  Borrowed strings; the caller checks the result
 * against the selector (a selector can contradict itself).
 */
static int
representative(struct fp_label **out, size_t *n_out, const struct fp_netpol_selector *sel)
{
	size_t cap = sel->n_match_labels + sel->n_exprs, n = 0;
	struct fp_label *v = calloc(cap ? cap : 1, sizeof(*v));

	if (v == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < sel->n_match_labels; i++)
		if (!has_key(v, n, sel->match_labels[i].key))
			v[n++] = sel->match_labels[i];
	for (size_t i = 0; i < sel->n_exprs; i++) {
		const struct fp_netpol_requirement *q = &sel->exprs[i];

		if (has_key(v, n, q->key))
			continue;
		if (q->op == FP_NETPOL_OP_IN && q->n_values > 0)
			v[n++] = (struct fp_label){ q->key, q->values[0] };
		else if (q->op == FP_NETPOL_OP_EXISTS)
			v[n++] = (struct fp_label){ q->key, "" };
	}
	fp_qsort(v, n, sizeof(*v), cmp_label);
	*out = v;
	*n_out = n;
	return 0;
}

static void
labels_text(struct fp_buf *b, const struct fp_label *v, size_t n, const char *skip)
{
	bool first = true;

	fp_buf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (skip != NULL && strcmp(v[i].key, skip) == 0)
			continue;
		fp_buf_printf(b, "%s%s=%s", first ? "" : ",", v[i].key, v[i].value);
		first = false;
	}
	fp_buf_addc(b, '}');
}

/* A made-up pod: @ns (NULL: named by its labels), its labels, pod labels. */
static int
add_fallback_pod(struct fp_diff__universe *u, size_t *cap, const char *ns,
		 const struct fp_label *ns_labels, size_t n_ns,
		 const struct fp_label *labels, size_t n)
{
	static const char name_key[] = "kubernetes.io/metadata.name";
	struct fp_diff__pod *p;
	struct fp_buf b, nsb;
	struct fp_diff__variant nsv = { 0 };
	int r;

	fp_buf_init(&b);
	fp_buf_init(&nsb);
	for (size_t i = 0; ns == NULL && i < n_ns; i++)
		if (strcmp(ns_labels[i].key, name_key) == 0)
			ns = ns_labels[i].value;
	/* A namespace known by its labels only is named by them. */
	if (ns != NULL)
		fp_buf_adds(&nsb, ns);
	if (ns == NULL || n_ns > has_key(ns_labels, n_ns, name_key))
		labels_text(&nsb, ns_labels, n_ns, name_key);
	fp_buf_printf(&b, "%s/", fp_buf_str(&nsb));
	labels_text(&b, labels, n, NULL);
	if (b.data == NULL || nsb.data == NULL)
		goto nomem;
	for (size_t i = 0; i < u->n_pods; i++) {
		if (strcmp(u->pods[i].text, fp_buf_str(&b)) == 0) {
			fp_buf_done(&b);
			fp_buf_done(&nsb);
			return 0;
		}
	}
	if (u->n_pods == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct fp_diff__pod *v = realloc(u->pods, c * sizeof(*v));

		if (v == NULL)
			goto nomem;
		u->pods = v;
		*cap = c;
	}
	p = &u->pods[u->n_pods++];
	memset(p, 0, sizeof(*p));
	p->id = -1;
	p->text = fp_buf_steal(&b);
	p->ns = fp_buf_steal(&nsb);
	p->vars = calloc(1, sizeof(*p->vars));
	if (p->text == NULL || p->ns == NULL || p->vars == NULL)
		return FP_ENOMEM;
	p->n_vars = 1;
	r = copy_labels(&p->vars[0], labels, n);
	if (r == 0 && n_ns > 0) {
		r = copy_labels(&nsv, ns_labels, n_ns);
		p->ns_labels = nsv.labels;
		p->n_ns_labels = nsv.n;
	}
	return r;
nomem:
	fp_buf_done(&b);
	fp_buf_done(&nsb);
	return FP_ENOMEM;
}

struct peers {
	struct fp_diff__universe *u;
	size_t *cap;
};

/* The pods a peer of a rule selects, and the other pods of their namespace. */
static int
add_peer(void *ud, const char *policy_ns, const struct fp_netpol_selector *pod_sel,
	 const struct fp_netpol_selector *ns_sel)
{
	struct peers *pc = ud;
	struct fp_label *pl = NULL, *nl = NULL;
	size_t n_pl = 0, n_nl = 0;
	int r;

	r = representative(&pl, &n_pl, pod_sel);
	if (r == 0 && ns_sel != NULL)
		r = representative(&nl, &n_nl, ns_sel);
	if (r == 0 && fp_netpol_selector_matches(pod_sel, pl, n_pl) &&
	    (ns_sel == NULL || fp_netpol_selector_matches(ns_sel, nl, n_nl))) {
		const char *in_ns = ns_sel == NULL ? policy_ns : NULL;

		r = add_fallback_pod(pc->u, pc->cap, in_ns, nl, n_nl, pl, n_pl);
		if (r == 0)
			r = add_fallback_pod(pc->u, pc->cap, in_ns, nl, n_nl, NULL, 0);
	}
	free(pl);
	free(nl);
	return r;
}

static int
add_set(struct fp_diff__universe *u, size_t *cap, const struct fp_netpol_set *s)
{
	struct peers pc = { u, cap };
	struct fp_diff__rules *rules = NULL;
	int r = 0;

	for (size_t i = 0; s != NULL && i < fp_netpol_count(s) && r == 0; i++) {
		const struct fp_netpol_info *in = fp_netpol_get(s, i);
		struct fp_label *labels;
		size_t n;

		if (representative(&labels, &n, in->pod_selector) < 0)
			return FP_ENOMEM;
		if (fp_netpol_selector_matches(in->pod_selector, labels, n))
			r = add_fallback_pod(u, cap, in->ns, NULL, 0, labels, n);
		free(labels);
		/* and "any other pod" of the namespace */
		if (r == 0)
			r = add_fallback_pod(u, cap, in->ns, NULL, 0, NULL, 0);
	}
	/* The peers of their rules, read back from their files. */
	if (r == 0 && s != NULL)
		r = fp_diff__rules_read(&rules, s);
	if (r == 0 && rules != NULL)
		r = fp_diff__rules_each_peer(rules, add_peer, &pc);
	fp_diff__rules_free(rules);
	return r;
}

int
fp_diff__universe_from_policies(struct fp_diff__universe *u,
				const struct fp_netpol_set *a,
				const struct fp_netpol_set *b, struct fp_err *err)
{
	size_t cap = 0;

	memset(u, 0, sizeof(*u));
	if (add_set(u, &cap, a) < 0 || add_set(u, &cap, b) < 0) {
		fp_diff__universe_done(u);
		return fp_err_nomem(err);
	}
	fp_qsort(u->pods, u->n_pods, sizeof(*u->pods), cmp_pod);
	return 0;
}

/* --- addresses ---------------------------------------------------------- */

static size_t
addr_bits(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

bool
fp_diff__addr_next(const struct fp_addr *a, const struct fp_addr *b)
{
	struct fp_addr n = *a;
	size_t len = addr_bits(a->family) / 8;

	if (a->family != b->family)
		return false;
	for (size_t i = len; i-- > 0;) {
		if (++n.bytes[i] != 0)
			return fp_addr_cmp(&n, b) == 0;
	}
	return false; /* a was the last address */
}

/* Is [lo, hi] exactly the block lo/prefix? */
static bool
is_block(const struct fp_addr *lo, const struct fp_addr *hi, size_t prefix)
{
	size_t bits = addr_bits(lo->family);

	for (size_t i = 0; i < bits; i++) {
		unsigned l = (lo->bytes[i / 8] >> (7 - i % 8)) & 1;
		unsigned h = (hi->bytes[i / 8] >> (7 - i % 8)) & 1;

		if (i < prefix ? l != h : l != 0 || h != 1)
			return false;
	}
	return true;
}

char *
fp_diff__range_text(const struct fp_addr *lo, const struct fp_addr *hi)
{
	char a[FP_ADDR_BUFSZ], b[FP_ADDR_BUFSZ];
	size_t bits = addr_bits(lo->family);
	struct fp_buf out;

	fp_buf_init(&out);
	fp_addr_format(a, lo);
	if (fp_addr_cmp(lo, hi) == 0) {
		fp_buf_adds(&out, a);
		return fp_buf_steal(&out);
	}
	for (size_t p = 0; p < bits; p++) {
		if (is_block(lo, hi, p)) {
			fp_buf_printf(&out, "%s/%zu", a, p);
			return fp_buf_steal(&out);
		}
	}
	fp_buf_printf(&out, "%s-%s", a, fp_addr_format(b, hi));
	return fp_buf_steal(&out);
}
