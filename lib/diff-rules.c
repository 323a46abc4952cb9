/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff-rules.c - the peers of every rule of a set, read back from the
 * policy files.
 *
 * lib/netpol.h answers whether a connection is admitted, but does not
 * show a rule's peers.  diff needs them twice: without a database, to make
 * up pods the rules name; and to skip, among all pairs of pods, those no
 * rule of either set could admit: asking the evaluator about every pair,
 * protocol and port interval of a cluster of a few hundred workloads takes
 * minutes, and nearly all of those pairs are denied by default-deny.
 *
 * The reading is an over-approximation: ports are ignored, an ipBlock may
 * match any address, and a policy whose object cannot be found again makes
 * the whole set "unknown", which admits every pair.  So a pair is skipped
 * only when the evaluator would certainly deny it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/diff-private.h"
#include "lib/util-macro.h"

struct peer {
	bool ip_block;
	bool has_ns; /* a namespaceSelector; without one, the policy's namespace */
	struct fp_diff__selector pod, ns;
};

struct rule {
	bool all_peers;
	struct peer *peers;
	size_t n_peers;
};

struct policy {
	const struct fp_netpol_info *in;
	struct rule *rules[2]; /* by enum fp_netpol_dir */
	size_t n_rules[2];
};

struct fp_diff__rules {
	bool unknown; /* some policy could not be read back */
	struct policy *pols;
	size_t n;
	struct fp_diff__files files; /* the trees the selectors' strings live in */
};

/* --- selectors as written --------------------------------------------------- */

void
fp_diff__selector_done(struct fp_diff__selector *y)
{
	free(y->ml);
	free(y->ex);
	free(y->vals);
	memset(y, 0, sizeof(*y));
}

static const char *
str(const struct fp_yaml_node *n)
{
	return n != NULL && n->type == FP_YAML_SCALAR && strlen(n->value) == n->len
		       ? n->value
		       : NULL;
}

int
fp_diff__selector_read(struct fp_diff__selector *y, const struct fp_yaml_node *n)
{
	static const char *const ops[] = { "In", "NotIn", "Exists", "DoesNotExist" };
	const struct fp_yaml_node *ml = fp_yaml_get(n, "matchLabels");
	const struct fp_yaml_node *ex = fp_yaml_get(n, "matchExpressions");
	size_t n_ml = ml != NULL && ml->type == FP_YAML_MAPPING ? ml->n_pairs : 0;
	size_t n_ex = ex != NULL && ex->type == FP_YAML_SEQUENCE ? ex->n_items : 0,
	       n_vals = 0;

	memset(y, 0, sizeof(*y));
	for (size_t i = 0; i < n_ex; i++) {
		const struct fp_yaml_node *v = fp_yaml_get(ex->items[i], "values");

		n_vals += v != NULL && v->type == FP_YAML_SEQUENCE ? v->n_items : 0;
	}
	y->ml = calloc(n_ml + 1, sizeof(*y->ml));
	y->ex = calloc(n_ex + 1, sizeof(*y->ex));
	y->vals = calloc(n_vals + 1, sizeof(*y->vals));
	if (y->ml == NULL || y->ex == NULL || y->vals == NULL) {
		fp_diff__selector_done(y);
		return FP_ENOMEM;
	}
	/* The reader validated the policy: anything unexpected is left out. */
	for (size_t i = 0; i < n_ml; i++) {
		const char *k = str(ml->pairs[i].key), *v = str(ml->pairs[i].value);

		if (k != NULL && v != NULL)
			y->ml[y->sel.n_match_labels++] = (struct fp_label){ k, v };
	}
	n_vals = 0;
	for (size_t i = 0; i < n_ex; i++) {
		const struct fp_yaml_node *v = fp_yaml_get(ex->items[i], "values");
		const char *key = str(fp_yaml_get(ex->items[i], "key"));
		const char *op = str(fp_yaml_get(ex->items[i], "operator"));
		struct fp_netpol_requirement *q = &y->ex[y->sel.n_exprs];

		for (size_t o = 0; key != NULL && op != NULL && o < FP_ARRAY_SIZE(ops);
		     o++)
			if (strcmp(op, ops[o]) == 0)
				q->op = (enum fp_netpol_op)(FP_NETPOL_OP_IN + (int)o);
		if (q->op == 0)
			continue;
		q->key = key;
		q->values = y->vals + n_vals;
		for (size_t k = 0;
		     v != NULL && v->type == FP_YAML_SEQUENCE && k < v->n_items; k++)
			if (str(v->items[k]) != NULL)
				y->vals[n_vals + q->n_values++] = str(v->items[k]);
		n_vals += q->n_values;
		y->sel.n_exprs++;
	}
	y->sel.match_labels = y->ml;
	y->sel.exprs = y->ex;
	return 0;
}

/* --- reading the rules ---------------------------------------------------------- */

static void
policy_done(struct policy *p)
{
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < p->n_rules[d]; i++) {
			for (size_t k = 0; k < p->rules[d][i].n_peers; k++) {
				fp_diff__selector_done(&p->rules[d][i].peers[k].pod);
				fp_diff__selector_done(&p->rules[d][i].peers[k].ns);
			}
			free(p->rules[d][i].peers);
		}
		free(p->rules[d]);
	}
}

void
fp_diff__rules_free(struct fp_diff__rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		policy_done(&r->pols[i]);
	free(r->pols);
	fp_diff__files_done(&r->files);
	free(r);
}

static int
read_peer(struct peer *pe, const struct fp_yaml_node *n)
{
	const struct fp_yaml_node *pod = fp_yaml_get(n, "podSelector");
	const struct fp_yaml_node *ns = fp_yaml_get(n, "namespaceSelector");

	/* null selectors are absent ones, as the reader takes them */
	pe->ip_block = fp_yaml_is_null(pod) && fp_yaml_is_null(ns);
	pe->has_ns = !fp_yaml_is_null(ns);
	if (fp_diff__selector_read(&pe->pod, fp_yaml_is_null(pod) ? NULL : pod) < 0 ||
	    fp_diff__selector_read(&pe->ns, pe->has_ns ? ns : NULL) < 0)
		return FP_ENOMEM;
	return 0;
}

static int
read_rules(struct policy *p, const struct fp_yaml_node *obj)
{
	static const char *const keys[2][2] = { { "ingress", "from" },
						{ "egress", "to" } };
	const struct fp_yaml_node *spec = fp_yaml_get(obj, "spec");

	for (int d = 0; d < 2; d++) {
		const struct fp_yaml_node *rules = fp_yaml_get(spec, keys[d][0]);
		size_t n = rules != NULL && rules->type == FP_YAML_SEQUENCE
				   ? rules->n_items
				   : 0;

		p->rules[d] = calloc(n + 1, sizeof(*p->rules[d]));
		if (p->rules[d] == NULL)
			return FP_ENOMEM;
		p->n_rules[d] = n;
		for (size_t i = 0; i < n; i++) {
			const struct fp_yaml_node *peers =
				fp_yaml_get(rules->items[i], keys[d][1]);
			size_t np = peers != NULL && peers->type == FP_YAML_SEQUENCE
					    ? peers->n_items
					    : 0;
			struct rule *r = &p->rules[d][i];

			/* no peers, or an empty list: every peer */
			r->all_peers = np == 0;
			r->peers = calloc(np + 1, sizeof(*r->peers));
			if (r->peers == NULL)
				return FP_ENOMEM;
			for (size_t k = 0; k < np; k++) {
				r->n_peers = k + 1;
				if (read_peer(&r->peers[k], peers->items[k]) < 0)
					return FP_ENOMEM;
			}
		}
	}
	return 0;
}

int
fp_diff__rules_read(struct fp_diff__rules **out, const struct fp_netpol_set *s)
{
	struct fp_diff__rules *r = calloc(1, sizeof(*r));
	size_t n = fp_netpol_count(s);
	int rc = 0;

	*out = NULL;
	if (r == NULL || (r->pols = calloc(n + 1, sizeof(*r->pols))) == NULL) {
		free(r);
		return FP_ENOMEM;
	}
	r->n = n;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct fp_yaml_node *obj;

		r->pols[i].in = fp_netpol_get(s, i);
		rc = fp_diff__object(&obj, &r->files, r->pols[i].in);
		if (rc == 0 && obj == NULL)
			r->unknown = true;
		else if (rc == 0)
			rc = read_rules(&r->pols[i], obj);
	}
	if (rc < 0) {
		fp_diff__rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

bool
fp_diff__rules_unknown(const struct fp_diff__rules *r)
{
	return r->unknown;
}

int
fp_diff__rules_each_peer(const struct fp_diff__rules *r, fp_diff__peer_fn *fn, void *ud)
{
	for (size_t i = 0; i < r->n; i++) {
		for (int d = 0; d < 2; d++) {
			for (size_t k = 0; k < r->pols[i].n_rules[d]; k++) {
				const struct rule *ru = &r->pols[i].rules[d][k];

				for (size_t p = 0; p < ru->n_peers; p++) {
					const struct peer *pe = &ru->peers[p];
					int rc;

					if (pe->ip_block)
						continue;
					rc = fn(ud, r->pols[i].in->ns, &pe->pod.sel,
						pe->has_ns ? &pe->ns.sel : NULL);
					if (rc != 0)
						return rc;
				}
			}
		}
	}
	return 0;
}

/* --- matching ------------------------------------------------------------------ */

/* The namespace's labels with its name first, so that it wins (netpol.h). */
static bool
ns_matches(const struct fp_netpol_selector *sel, const struct fp_netpol_peer *x)
{
	struct fp_label small[16], *v = small;
	size_t n = x->n_ns_labels + 1;
	bool ok;

	if (n > FP_ARRAY_SIZE(small) && (v = calloc(n, sizeof(*v))) == NULL)
		return true; /* cannot tell: may match */
	v[0] = (struct fp_label){ "kubernetes.io/metadata.name", x->ns };
	for (size_t i = 0; i < x->n_ns_labels; i++)
		v[i + 1] = x->ns_labels[i];
	ok = fp_netpol_selector_matches(sel, v, n);
	if (v != small)
		free(v);
	return ok;
}

static bool
peer_may_match(const struct policy *p, const struct peer *pe,
	       const struct fp_netpol_peer *x)
{
	if (pe->ip_block)
		return !x->is_pod && x->addr.family != 0;
	if (!x->is_pod)
		return false;
	if (!pe->has_ns ? strcmp(x->ns, p->in->ns) != 0 : !ns_matches(&pe->ns.sel, x))
		return false;
	return fp_netpol_selector_matches(&pe->pod.sel, x->labels, x->n_labels);
}

bool
fp_diff__rules_may_admit(const struct fp_diff__rules *r, size_t i, enum fp_netpol_dir dir,
			 const struct fp_netpol_peer *other)
{
	const struct policy *p;

	if (r->unknown || i >= r->n)
		return true;
	p = &r->pols[i];
	for (size_t k = 0; k < p->n_rules[dir]; k++) {
		const struct rule *ru = &p->rules[dir][k];

		if (ru->all_peers)
			return true;
		for (size_t j = 0; j < ru->n_peers; j++)
			if (peer_may_match(p, &ru->peers[j], other))
				return true;
	}
	return false;
}
