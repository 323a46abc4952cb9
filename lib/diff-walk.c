/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff-walk.c - port range sets, and the walk that asks two policy sets
 * what they admit between every pair of universe members.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/diff-private.h"
#include "lib/util-macro.h"
#include "lib/util-sort.h"

/* --- port range sets ---------------------------------------------------- */

void
fp_diff__ranges_done(struct fp_diff__ranges *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Append [lo, hi] after everything in @r (lo above the last hi). */
int
fp_diff__ranges_add(struct fp_diff__ranges *r, uint32_t lo, uint32_t hi)
{
	if (r->n > 0 && (uint32_t)r->v[r->n - 1].hi + 1 >= lo) {
		if (hi > r->v[r->n - 1].hi)
			r->v[r->n - 1].hi = (uint16_t)hi;
		return 0;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		struct fp_netpol_port_range *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (struct fp_netpol_port_range){ (uint16_t)lo, (uint16_t)hi };
	return 0;
}

int
fp_diff__ranges_union(struct fp_diff__ranges *out, const struct fp_diff__ranges *a,
		      const struct fp_diff__ranges *b)
{
	size_t i = 0, j = 0;

	out->n = 0;
	while (i < a->n || j < b->n) {
		const struct fp_netpol_port_range *p;

		if (j >= b->n || (i < a->n && a->v[i].lo <= b->v[j].lo))
			p = &a->v[i++];
		else
			p = &b->v[j++];
		if (fp_diff__ranges_add(out, p->lo, p->hi) < 0)
			return FP_ENOMEM;
	}
	return 0;
}

int
fp_diff__ranges_inter(struct fp_diff__ranges *out, const struct fp_diff__ranges *a,
		      const struct fp_diff__ranges *b)
{
	size_t i = 0, j = 0;

	out->n = 0;
	while (i < a->n && j < b->n) {
		uint32_t lo = FP_MAX(a->v[i].lo, b->v[j].lo),
			 hi = FP_MIN(a->v[i].hi, b->v[j].hi);

		if (lo <= hi && fp_diff__ranges_add(out, lo, hi) < 0)
			return FP_ENOMEM;
		if (a->v[i].hi < b->v[j].hi)
			i++;
		else
			j++;
	}
	return 0;
}

int
fp_diff__ranges_minus(struct fp_diff__ranges *out, const struct fp_diff__ranges *a,
		      const struct fp_diff__ranges *b)
{
	size_t j = 0;

	out->n = 0;
	for (size_t i = 0; i < a->n; i++) {
		uint32_t lo = a->v[i].lo, hi = a->v[i].hi;

		while (j < b->n && b->v[j].hi < lo)
			j++;
		for (size_t k = j; k < b->n && b->v[k].lo <= hi && lo <= hi; k++) {
			if (b->v[k].lo > lo &&
			    fp_diff__ranges_add(out, lo, b->v[k].lo - 1u) < 0)
				return FP_ENOMEM;
			lo = (uint32_t)b->v[k].hi + 1;
		}
		if (lo <= hi && fp_diff__ranges_add(out, lo, hi) < 0)
			return FP_ENOMEM;
	}
	return 0;
}

bool
fp_diff__ranges_equal(const struct fp_diff__ranges *a, const struct fp_diff__ranges *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].lo != b->v[i].lo || a->v[i].hi != b->v[i].hi)
			return false;
	return true;
}

/* --- the walk ------------------------------------------------------------ */

enum { OLD = 0, NEW = 1 };
#define ISO(set, dir) (1u << ((set)*2 + (dir)))
#define SEL(w, pod, var, set, dir)                                                       \
	(&(w)->sel[(((w)->var_base[pod] + (var)) * 2 + (set)) * 2 + (dir)])

static const uint8_t protos[] = { FP_PROTO_TCP, FP_PROTO_UDP, FP_PROTO_SCTP };

/* The policies of one set that select a pod's label set for one direction. */
struct selecting {
	size_t *v;
	size_t n;
};

struct walk {
	const struct fp_netpol_set *sets[2];
	struct fp_diff__rules *const *rules; /* or NULL */
	const struct fp_diff__universe *u;
	size_t *var_base;      /* first isolation entry of each pod */
	uint8_t *iso;	       /* ISO() bits per pod label set */
	uint8_t *any_iso;      /* ISO() bits of any of a pod's label sets */
	struct selecting *sel; /* per label set, set and direction: SEL() */
	struct fp_diff__ranges o, n, a, r, c, tmp;
	struct fp_err *err;
};

/* A pod of the universe with one of its label sets, as the evaluator wants it. */
static void
pod_peer(struct fp_netpol_peer *p, const struct fp_diff__pod *pod, size_t var,
	 const char *name)
{
	memset(p, 0, sizeof(*p));
	p->is_pod = true;
	p->ns = pod->ns;
	/* Two different names: replicas of one workload are different pods,
	 * never "a pod reaching itself". */
	p->name = name;
	p->labels = pod->vars[var].labels;
	p->n_labels = pod->vars[var].n;
	p->ns_labels = pod->ns_labels;
	p->n_ns_labels = pod->n_ns_labels;
	p->ports = pod->ports;
	p->n_ports = pod->n_ports;
	/* as check.c: the node stands for the pod's own node */
	p->node = "the pod's own node";
}

static int
isolation(struct walk *w)
{
	const struct fp_diff__universe *u = w->u;
	size_t total = 0;

	w->var_base = calloc(u->n_pods + 1, sizeof(*w->var_base));
	w->any_iso = calloc(u->n_pods + 1, 1);
	for (size_t i = 0; w->var_base != NULL && i < u->n_pods; i++) {
		w->var_base[i] = total;
		total += u->pods[i].n_vars;
	}
	w->iso = calloc(total + 1, 1);
	w->sel = calloc(4 * total + 1, sizeof(*w->sel));
	if (w->var_base == NULL || w->any_iso == NULL || w->iso == NULL || w->sel == NULL)
		return fp_err_nomem(w->err);
	for (size_t i = 0; i < u->n_pods; i++) {
		for (size_t v = 0; v < u->pods[i].n_vars; v++) {
			struct fp_netpol_peer p;
			uint8_t bits = 0;

			pod_peer(&p, &u->pods[i], v, "pod");
			for (int s = OLD; s <= NEW; s++) {
				for (int d = FP_NETPOL_INGRESS; d <= FP_NETPOL_EGRESS;
				     d++) {
					struct selecting *sl = SEL(w, i, v, s, d);
					size_t n = fp_netpol_selecting(NULL, 0,
								       w->sets[s], &p, d);

					if (n == 0)
						continue;
					bits |= (uint8_t)ISO(s, d);
					if ((sl->v = malloc(n * sizeof(*sl->v))) == NULL)
						return fp_err_nomem(w->err);
					sl->n = fp_netpol_selecting(sl->v, n, w->sets[s],
								    &p, d);
				}
			}
			w->iso[w->var_base[i] + v] = bits;
			w->any_iso[i] |= bits;
		}
	}
	return 0;
}

/*
 * Might set @set admit anything from @self's side of @dir (label set @var of
 * pod @pod) towards @other?  Only the rules read back from the files can
 * say no; without them, or when the pod is not isolated, it might.
 */
static bool
may_admit(const struct walk *w, int set, size_t pod, size_t var, enum fp_netpol_dir dir,
	  const struct fp_netpol_peer *other)
{
	const struct fp_diff__rules *r = w->rules != NULL ? w->rules[set] : NULL;
	const struct selecting *sl = SEL(w, pod, var, set, dir);

	if (r == NULL || fp_diff__rules_unknown(r) || sl->n == 0)
		return true;
	for (size_t k = 0; k < sl->n; k++)
		if (fp_diff__rules_may_admit(r, sl->v[k], dir, other))
			return true;
	return false;
}

static int
allowed(struct fp_diff__ranges *out, const struct fp_netpol_set *s,
	const struct fp_netpol_peer *src, const struct fp_netpol_peer *dst, uint8_t proto,
	struct fp_err *err)
{
	struct fp_netpol_port_range *v;
	size_t n;
	int r = fp_netpol_allowed_ports(&v, &n, s, src, dst, proto, err);

	if (r < 0)
		return r;
	free(out->v);
	out->v = v;
	out->n = out->cap = n;
	return 0;
}

/* out |= x, through w->tmp */
static int
unite(struct walk *w, struct fp_diff__ranges *out, const struct fp_diff__ranges *x)
{
	struct fp_diff__ranges t;

	if (fp_diff__ranges_union(&w->tmp, out, x) < 0)
		return FP_ENOMEM;
	t = *out;
	*out = w->tmp;
	w->tmp = t;
	return 0;
}

/* out &= x, through w->tmp */
static int
narrow(struct walk *w, struct fp_diff__ranges *out, const struct fp_diff__ranges *x)
{
	struct fp_diff__ranges t;

	if (fp_diff__ranges_inter(&w->tmp, out, x) < 0)
		return FP_ENOMEM;
	t = *out;
	*out = w->tmp;
	w->tmp = t;
	return 0;
}

static int
copy(struct fp_diff__ranges *out, const struct fp_diff__ranges *x)
{
	out->n = 0;
	for (size_t i = 0; i < x->n; i++)
		if (fp_diff__ranges_add(out, x->v[i].lo, x->v[i].hi) < 0)
			return FP_ENOMEM;
	return 0;
}

static void
outcome_reset(struct fp_diff__outcome *o)
{
	o->added.n = o->removed.n = o->common.n = 0;
	o->added_partial = o->removed_partial = false;
}

/*
 * Compare one pair and protocol over every label set of each side; a side
 * is a pod (index) or, when @src or @dst is FP_NETPOL_NONE, the address
 * class o->cls.
 */
static int
compare(struct walk *w, struct fp_diff__outcome *o, struct fp_diff__ranges *every_added,
	struct fp_diff__ranges *every_removed)
{
	const struct fp_diff__universe *u = w->u;
	const struct fp_diff__pod *sp =
		o->src != FP_NETPOL_NONE ? &u->pods[o->src] : NULL;
	const struct fp_diff__pod *dp =
		o->dst != FP_NETPOL_NONE ? &u->pods[o->dst] : NULL;
	size_t ns = sp != NULL ? sp->n_vars : 1, nd = dp != NULL ? dp->n_vars : 1;
	bool first = true;
	int r;

	outcome_reset(o);
	for (size_t i = 0; i < ns; i++) {
		for (size_t j = 0; j < nd; j++) {
			struct fp_netpol_peer src, dst;
			bool iso_new = false;

			if (sp != NULL) {
				pod_peer(&src, sp, i, "source");
				iso_new = w->iso[w->var_base[o->src] + i] &
					  ISO(NEW, FP_NETPOL_EGRESS);
			} else {
				memset(&src, 0, sizeof(src));
				src.addr = o->cls->lo;
			}
			if (dp != NULL) {
				pod_peer(&dst, dp, j, "destination");
				iso_new |= (w->iso[w->var_base[o->dst] + j] &
					    ISO(NEW, FP_NETPOL_INGRESS)) != 0;
			} else {
				memset(&dst, 0, sizeof(dst));
				dst.addr = o->cls->lo;
			}
			for (int s = OLD; s <= NEW; s++) {
				struct fp_diff__ranges *out = s == OLD ? &w->o : &w->n;

				/* A set whose rules cannot admit the pair denies every
				 * port: no need to ask the evaluator port by port. */
				if ((sp == NULL || may_admit(w, s, o->src, i,
							     FP_NETPOL_EGRESS, &dst)) &&
				    (dp == NULL || may_admit(w, s, o->dst, j,
							     FP_NETPOL_INGRESS, &src))) {
					r = allowed(out, w->sets[s], &src, &dst, o->proto,
						    w->err);
					if (r < 0)
						return r;
				} else {
					out->n = 0;
				}
			}
			if (fp_diff__ranges_minus(&w->a, &w->n, &w->o) < 0 ||
			    fp_diff__ranges_minus(&w->r, &w->o, &w->n) < 0 ||
			    unite(w, &o->added, &w->a) < 0 ||
			    unite(w, &o->removed, &w->r) < 0)
				return fp_err_nomem(w->err);
			/* What every label set agrees on, to tell a partial change. */
			if (first) {
				if (copy(every_added, &w->a) < 0 ||
				    copy(every_removed, &w->r) < 0)
					return fp_err_nomem(w->err);
			} else if (narrow(w, every_added, &w->a) < 0 ||
				   narrow(w, every_removed, &w->r) < 0) {
				return fp_err_nomem(w->err);
			}
			first = false;
			/* Stale only where a rule of NEW admits it: an unisolated
			 * side admits everything and has no rule to go stale. */
			if (iso_new && (fp_diff__ranges_inter(&w->c, &w->n, &w->o) < 0 ||
					unite(w, &o->common, &w->c) < 0))
				return fp_err_nomem(w->err);
		}
	}
	o->added_partial = !fp_diff__ranges_equal(&o->added, every_added);
	o->removed_partial = !fp_diff__ranges_equal(&o->removed, every_removed);
	return 0;
}

static int
cmp_addr(const void *a, const void *b)
{
	return fp_addr_cmp(a, b);
}

/* The classes neither set's ipBlocks of @dir split: both partitions refined. */
static int
classes_of(struct fp_netpol_addr_range **out, size_t *n_out, const struct walk *w,
	   enum fp_netpol_dir dir, uint8_t family)
{
	struct fp_netpol_addr_range *a = NULL, *b = NULL, *v = NULL;
	struct fp_addr *bounds = NULL;
	size_t na = 0, nb = 0, nbounds = 0, n = 0;
	int r;

	*out = NULL;
	*n_out = 0;
	if ((r = fp_netpol_address_ranges(&a, &na, w->sets[OLD], dir, family, w->err)) <
		    0 ||
	    (r = fp_netpol_address_ranges(&b, &nb, w->sets[NEW], dir, family, w->err)) <
		    0)
		goto out;
	if (na == 0 || nb == 0) /* cannot happen: the ranges cover the space */
		goto out;
	bounds = malloc((na + nb) * sizeof(*bounds));
	v = malloc((na + nb) * sizeof(*v));
	if (bounds == NULL || v == NULL) {
		r = fp_err_nomem(w->err);
		goto out;
	}
	for (size_t i = 0; i < na; i++)
		bounds[nbounds++] = a[i].lo;
	for (size_t i = 0; i < nb; i++)
		bounds[nbounds++] = b[i].lo;
	fp_qsort(bounds, nbounds, sizeof(*bounds), cmp_addr);
	for (size_t i = 0; i < nbounds; i++) {
		if (n > 0 && fp_addr_cmp(&bounds[i], &v[n - 1].lo) == 0)
			continue;
		v[n].lo = bounds[i];
		v[n].hi = a[na - 1].hi; /* the last address, fixed below */
		n++;
	}
	/* Each class ends where the next one starts: take the hi of whichever
	 * input range ends first after lo. */
	for (size_t i = 0, ia = 0, ib = 0; i < n; i++) {
		while (fp_addr_cmp(&a[ia].hi, &v[i].lo) < 0)
			ia++;
		while (fp_addr_cmp(&b[ib].hi, &v[i].lo) < 0)
			ib++;
		v[i].hi = fp_addr_cmp(&a[ia].hi, &b[ib].hi) < 0 ? a[ia].hi : b[ib].hi;
	}
	*out = v;
	*n_out = n;
	v = NULL;
	r = 0;
out:
	free(a);
	free(b);
	free(bounds);
	free(v);
	return r;
}

static int
visit_pair(struct walk *w, struct fp_diff__outcome *o, fp_diff__visit_fn *visit, void *ud,
	   struct fp_diff__ranges *ea, struct fp_diff__ranges *er)
{
	for (size_t p = 0; p < FP_ARRAY_SIZE(protos); p++) {
		int r;

		o->proto = protos[p];
		if ((r = compare(w, o, ea, er)) < 0)
			return r;
		if (o->added.n + o->removed.n + o->common.n == 0)
			continue;
		if ((r = visit(ud, o)) != 0)
			return r;
	}
	return 0;
}

static int
walk_classes(struct walk *w, struct fp_diff__outcome *o, fp_diff__visit_fn *visit,
	     void *ud, struct fp_diff__ranges *ea, struct fp_diff__ranges *er,
	     size_t *classes)
{
	static const uint8_t families[] = { 4, 6 };
	const struct fp_diff__universe *u = w->u;
	int r = 0;

	for (int d = FP_NETPOL_INGRESS; d <= FP_NETPOL_EGRESS && r == 0; d++) {
		for (size_t f = 0; f < FP_ARRAY_SIZE(families) && r == 0; f++) {
			struct fp_netpol_addr_range *cls;
			size_t n;

			if ((r = classes_of(&cls, &n, w, d, families[f])) < 0)
				return r;
			*classes += n;
			for (size_t i = 0; i < u->n_pods && r == 0; i++) {
				/* only pods whose side of this direction has rules */
				uint8_t want = (uint8_t)(ISO(OLD, d) | ISO(NEW, d));

				if (!(w->any_iso[i] & want))
					continue;
				for (size_t c = 0; c < n && r == 0; c++) {
					o->cls = &cls[c];
					o->src = d == FP_NETPOL_EGRESS ? i
								       : FP_NETPOL_NONE;
					o->dst = d == FP_NETPOL_EGRESS ? FP_NETPOL_NONE
								       : i;
					r = visit_pair(w, o, visit, ud, ea, er);
				}
			}
			free(cls);
		}
	}
	return r;
}

int
fp_diff__walk(const struct fp_netpol_set *old, const struct fp_netpol_set *new,
	      struct fp_diff__rules *const *rules, const struct fp_diff__universe *u,
	      fp_diff__visit_fn *visit, void *ud, size_t *classes, struct fp_err *err)
{
	struct walk w = { .sets = { old, new }, .rules = rules, .u = u, .err = err };
	struct fp_diff__outcome o = { 0 };
	struct fp_diff__ranges ea = { 0 }, er = { 0 };
	size_t n_classes = 0;
	int r;

	r = isolation(&w);
	for (size_t i = 0; r == 0 && i < u->n_pods; i++) {
		for (size_t j = 0; r == 0 && j < u->n_pods; j++) {
			/* Neither the source's egress nor the destination's ingress
			 * is isolated in either set: both admit everything. */
			if (!(w.any_iso[i] & (ISO(OLD, FP_NETPOL_EGRESS) |
					      ISO(NEW, FP_NETPOL_EGRESS))) &&
			    !(w.any_iso[j] & (ISO(OLD, FP_NETPOL_INGRESS) |
					      ISO(NEW, FP_NETPOL_INGRESS))))
				continue;
			o.src = i;
			o.dst = j;
			o.cls = NULL;
			r = visit_pair(&w, &o, visit, ud, &ea, &er);
		}
	}
	if (r == 0)
		r = walk_classes(&w, &o, visit, ud, &ea, &er, &n_classes);
	if (classes != NULL)
		*classes = n_classes;
	for (size_t i = 0; w.sel != NULL && w.var_base != NULL && i < u->n_pods; i++)
		for (size_t v = 0; v < 4 * u->pods[i].n_vars; v++)
			free(w.sel[4 * w.var_base[i] + v].v);
	free(w.sel);
	free(w.var_base);
	free(w.iso);
	free(w.any_iso);
	fp_diff__ranges_done(&w.o);
	fp_diff__ranges_done(&w.n);
	fp_diff__ranges_done(&w.a);
	fp_diff__ranges_done(&w.r);
	fp_diff__ranges_done(&w.c);
	fp_diff__ranges_done(&w.tmp);
	fp_diff__ranges_done(&o.added);
	fp_diff__ranges_done(&o.removed);
	fp_diff__ranges_done(&o.common);
	fp_diff__ranges_done(&ea);
	fp_diff__ranges_done(&er);
	return r;
}
