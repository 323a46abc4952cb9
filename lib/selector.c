/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/selector.h"
#include "lib/util-hash.h"
#include "lib/util-k8s.h"
#include "lib/util-sort.h"

/* Subsets up to this size are searched for the smallest unique selector. */
#define SELECTOR_SEARCH_MAX 4

/* ---- label sets ---- */

void
fp_labels_free(struct fp_label *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)labels[i].key);
		free((char *)labels[i].value);
	}
	free(labels);
}

int
fp_labels_parse(struct fp_label **out, size_t *n, const char *text)
{
	struct fp_label *v = NULL;
	size_t count = 0, i = 0;
	const char *p = text;

	*out = NULL;
	*n = 0;
	if (text == NULL || *text == '\0')
		return 0;
	for (const char *q = text; *q != '\0'; q++)
		count += *q == ',';
	count++;
	v = calloc(count, sizeof(*v));
	if (v == NULL)
		return FP_ENOMEM;
	while (i < count) {
		const char *end = strchr(p, ','), *eq;

		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			eq = end;
		v[i].key = strndup(p, (size_t)(eq - p));
		v[i].value = eq < end ? strndup(eq + 1, (size_t)(end - eq - 1)) : strdup("");
		if (v[i].key == NULL || v[i].value == NULL) {
			fp_labels_free(v, i + 1);
			return FP_ENOMEM;
		}
		i++;
		p = *end != '\0' ? end + 1 : end;
	}
	*out = v;
	*n = count;
	return 0;
}

/* Is every label of @a (sorted) in @b (sorted)? */
bool
fp_labelset_subset(const struct fp_label *a, size_t na, const struct fp_labelset *b)
{
	size_t j = 0;

	for (size_t i = 0; i < na; i++) {
		int c = 1;

		while (j < b->n && (c = strcmp(b->labels[j].key, a[i].key)) < 0)
			j++;
		if (j == b->n || c != 0 || strcmp(b->labels[j].value, a[i].value) != 0)
			return false;
	}
	return true;
}

bool
fp_labelset_has_key(const struct fp_labelset *ls, const char *key)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->labels[i].key, key) == 0)
			return true;
	return false;
}

bool
fp_labelset_equal(const struct fp_labelset *a, const struct fp_labelset *b)
{
	return a->n == b->n && fp_labelset_subset(a->labels, a->n, b);
}

static const char *
value_of(const struct fp_labelset *ls, const char *key)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->labels[i].key, key) == 0)
			return ls->labels[i].value;
	return NULL;
}

static bool
expr_matches(const struct fp_sel_expr *e, const struct fp_labelset *ls)
{
	const char *v = value_of(ls, e->key);
	bool in = false;

	for (size_t i = 0; v != NULL && i < e->n_values && !in; i++)
		in = strcmp(e->values[i], v) == 0;
	switch (e->op) {
	case FP_SEL_IN: return in;
	case FP_SEL_NOTIN: return !in; /* a pod without the key is not in the set */
	case FP_SEL_EXISTS: return v != NULL;
	case FP_SEL_DOESNOTEXIST: return v == NULL;
	}
	return false;
}

bool
fp_selector_matches(const struct fp_selector *sel, const struct fp_labelset *ls)
{
	if (!fp_labelset_subset(sel->match, sel->n_match, ls))
		return false;
	for (size_t i = 0; i < sel->n_absent; i++)
		if (fp_labelset_has_key(ls, sel->absent[i]))
			return false;
	for (size_t i = 0; i < sel->n_exprs; i++)
		if (!expr_matches(&sel->exprs[i], ls))
			return false;
	return true;
}

const char *
fp_sel_op_name(enum fp_sel_op op)
{
	switch (op) {
	case FP_SEL_IN: return "In";
	case FP_SEL_NOTIN: return "NotIn";
	case FP_SEL_EXISTS: return "Exists";
	case FP_SEL_DOESNOTEXIST: return "DoesNotExist";
	}
	return "?";
}

bool
fp_selector_uses_key(const struct fp_selector *sel,
		     bool (*pred)(const char *key, size_t len, const void *ctx), const void *ctx)
{
	for (size_t i = 0; i < sel->n_match; i++)
		if (pred(sel->match[i].key, strlen(sel->match[i].key), ctx))
			return true;
	for (size_t i = 0; i < sel->n_absent; i++)
		if (pred(sel->absent[i], strlen(sel->absent[i]), ctx))
			return true;
	for (size_t i = 0; i < sel->n_exprs; i++)
		if (pred(sel->exprs[i].key, strlen(sel->exprs[i].key), ctx))
			return true;
	return false;
}

void
fp_selector_done(struct fp_selector *sel)
{
	fp_labels_free(sel->match, sel->n_match);
	for (size_t i = 0; i < sel->n_absent; i++)
		free(sel->absent[i]);
	free(sel->absent);
	for (size_t i = 0; i < sel->n_exprs; i++) {
		for (size_t j = 0; j < sel->exprs[i].n_values; j++)
			free(sel->exprs[i].values[j]);
		free(sel->exprs[i].values);
		free(sel->exprs[i].key);
	}
	free(sel->exprs);
	memset(sel, 0, sizeof(*sel));
}

/* ---- choosing a selector ---- */

struct ranked {
	const struct fp_label *l;
	int rank;
};

static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->l->key, y->l->key);
}

static int
label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fp_label *)a)->key, ((const struct fp_label *)b)->key);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- the other workloads' label sets: an array, or an index ---- */

struct posting {
	uint64_t hash; /* of one label */
	size_t set;
};

struct fp_selector_index {
	const struct fp_labelset *sets; /* borrowed */
	const size_t *owner;            /* borrowed */
	size_t n;
	struct posting *post;           /* every (label, set), by hash */
	size_t n_post;
};

static uint64_t
label_hash(const struct fp_label *l)
{
	return fp_hash64(l->value, strlen(l->value), fp_hash64(l->key, strlen(l->key), 0));
}

static int
posting_cmp(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->set < y->set ? -1 : x->set > y->set;
}

int
fp_selector_index_new(struct fp_selector_index **out, const struct fp_labelset *sets,
		      const size_t *owner, size_t n)
{
	struct fp_selector_index *ix = calloc(1, sizeof(*ix));
	size_t total = 0;

	*out = NULL;
	if (ix == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < n; i++)
		total += sets[i].n;
	ix->post = malloc((total ? total : 1) * sizeof(*ix->post));
	if (ix->post == NULL) {
		free(ix);
		return FP_ENOMEM;
	}
	ix->sets = sets;
	ix->owner = owner;
	ix->n = n;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < sets[i].n; j++)
			ix->post[ix->n_post++] = (struct posting){ label_hash(&sets[i].labels[j]), i };
	fp_qsort(ix->post, ix->n_post, sizeof(*ix->post), posting_cmp);
	*out = ix;
	return 0;
}

void
fp_selector_index_free(struct fp_selector_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->post);
	free(ix);
}

/* The postings of label @l: [*lo, *hi). */
static void
postings(const struct fp_selector_index *ix, const struct fp_label *l, size_t *lo, size_t *hi)
{
	uint64_t h = label_hash(l);
	size_t a = 0, b = ix->n_post;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (ix->post[m].hash < h)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	for (b = a; b < ix->n_post && ix->post[b].hash == h; b++)
		;
	*hi = b;
}

struct others {
	const struct fp_labelset *sets; /* without an index: all of them */
	size_t n;
	const struct fp_selector_index *ix; /* with one: every set but @self's */
	size_t self;
};

/*
 * The other sets that may hold all of @s: with an index, only those holding
 * its rarest label (a workload's name label is usually on none), so choosing
 * selectors for a namespace of thousands of workloads is not quadratic.
 * Without labels to go by, every other set.
 */
struct cursor {
	const struct others *o;
	size_t i, end;
	bool postings;
};

static void
cursor_init(struct cursor *c, const struct others *o, const struct fp_label *s, size_t ns)
{
	c->o = o;
	c->i = 0;
	c->end = o->ix != NULL ? o->ix->n : o->n;
	c->postings = false;
	for (size_t k = 0; o->ix != NULL && k < ns; k++) {
		size_t lo, hi;

		postings(o->ix, &s[k], &lo, &hi);
		if (!c->postings || hi - lo < c->end - c->i) {
			c->i = lo;
			c->end = hi;
			c->postings = true;
		}
	}
}

static const struct fp_labelset *
cursor_next(struct cursor *c)
{
	const struct fp_selector_index *ix = c->o->ix;

	if (ix == NULL)
		return c->i < c->end ? &c->o->sets[c->i++] : NULL;
	while (c->i < c->end) {
		size_t set = c->postings ? ix->post[c->i].set : c->i;

		c->i++;
		if (ix->owner[set] != c->o->self)
			return &ix->sets[set];
	}
	return NULL;
}

/* Does @sel select any of the other sets? */
static bool
selects_other(const struct fp_selector *sel, const struct others *o)
{
	const struct fp_labelset *set;
	struct cursor c;

	cursor_init(&c, o, sel->match, sel->n_match);
	while ((set = cursor_next(&c)) != NULL)
		if (fp_selector_matches(sel, set))
			return true;
	return false;
}

bool
fp_selector_index_selects_other(const struct fp_selector_index *ix,
				const struct fp_selector *sel, size_t self)
{
	struct others o = { .ix = ix, .self = self };

	return selects_other(sel, &o);
}

/* Does the candidate selector (sorted labels, absent keys) match any other? */
static bool
conflicts(const struct fp_label *s, size_t ns, char *const *absent, size_t n_absent,
	  const struct others *o)
{
	struct fp_selector sel = { (struct fp_label *)s, ns, (char **)absent, n_absent, NULL, 0 };

	return selects_other(&sel, o);
}

static bool
fill_selector(struct fp_selector *out, const struct fp_label *s, size_t n, char **absent,
	      size_t n_absent)
{
	memset(out, 0, sizeof(*out));
	out->match = calloc(n ? n : 1, sizeof(*out->match));
	if (out->match == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		out->match[i].key = strdup(s[i].key);
		out->match[i].value = strdup(s[i].value);
		out->n_match++;
		if (out->match[i].key == NULL || out->match[i].value == NULL)
			goto fail;
	}
	fp_qsort(out->match, n, sizeof(*out->match), label_cmp);
	if (n_absent > 0) {
		out->absent = calloc(n_absent, sizeof(*out->absent));
		if (out->absent == NULL)
			goto fail;
		for (size_t i = 0; i < n_absent; i++) {
			out->absent[i] = strdup(absent[i]);
			out->n_absent++;
			if (out->absent[i] == NULL)
				goto fail;
		}
		fp_qsort(out->absent, n_absent, sizeof(*out->absent), str_cmp);
	}
	return true;
fail:
	fp_selector_done(out);
	return false;
}

/*
 * Try every k-subset of @cand in lexicographic order of their ranks; with
 * @anchor, only subsets holding cand[0].  The first that matches none of
 * @others wins.
 */
static bool
search_k(struct fp_selector *out, const struct ranked *cand, size_t n, size_t k, bool anchor,
	 const struct others *others, bool *oom)
{
	size_t idx[SELECTOR_SEARCH_MAX + 1];
	struct fp_label s[SELECTOR_SEARCH_MAX + 1];
	size_t lo = anchor ? 1 : 0; /* positions below lo are fixed */

	if (k > n || k == 0)
		return false;
	for (size_t i = 0; i < k; i++)
		idx[i] = i;
	for (;;) {
		size_t i = k;

		for (size_t j = 0; j < k; j++)
			s[j] = *cand[idx[j]].l;
		fp_qsort(s, k, sizeof(*s), label_cmp);
		if (!conflicts(s, k, NULL, 0, others)) {
			if (!fill_selector(out, s, k, NULL, 0))
				*oom = true;
			return true;
		}
		/* next combination, leaving the anchor in place */
		while (i > lo && idx[i - 1] == n - k + i - 1)
			i--;
		if (i == lo)
			return false;
		idx[i - 1]++;
		for (size_t j = i; j < k; j++)
			idx[j] = idx[j - 1] + 1;
	}
}

static bool
choose(struct fp_selector *out, const struct fp_labelset *mine, const struct fp_labelset *own,
       size_t n_own, const struct others *others, const struct fp_k8s_labels *prefs)
{
	const struct fp_labelset *other;
	struct cursor cur;
	struct ranked *cand;
	char **absent = NULL;
	size_t n_absent = 0, n_others = others->ix != NULL ? others->ix->n : others->n;
	bool found = false, oom = false;

	memset(out, 0, sizeof(*out));
	if (mine->n == 0)
		return false;
	cand = calloc(mine->n, sizeof(*cand));
	if (cand == NULL)
		return false;
	for (size_t i = 0; i < mine->n; i++) {
		cand[i].l = &mine->labels[i];
		cand[i].rank = fp_k8s_labels_rank(prefs, mine->labels[i].key);
	}
	fp_qsort(cand, mine->n, sizeof(*cand), ranked_cmp);
	/*
	 * A workload's own name label (app, app.kubernetes.io/name, ...) is in
	 * its selector whenever it has one: {app: reviews, version: v2} says who
	 * it is, and keeps matching the right pods when another workload that
	 * happens to share version=v2 appears.
	 */
	if (cand[0].rank <= FP_K8S_RANK_NAME_LAST)
		for (size_t k = 1; k <= mine->n && k <= SELECTOR_SEARCH_MAX + 1 && !found; k++)
			found = search_k(out, cand, mine->n, k, true, others, &oom);
	for (size_t k = 1; k <= mine->n && k <= SELECTOR_SEARCH_MAX && !found; k++)
		found = search_k(out, cand, mine->n, k, false, others, &oom);
	if (!found && mine->n > SELECTOR_SEARCH_MAX &&
	    !conflicts(mine->labels, mine->n, NULL, 0, others)) {
		found = fill_selector(out, mine->labels, mine->n, NULL, 0);
		oom = !found;
	}
	if (found || oom) {
		free(cand);
		return found && !oom;
	}
	/*
	 * Every label of ours is on another workload too (its labels are a
	 * superset of ours).  Exclude each such workload by a key it has and
	 * none of our pods has.
	 */
	absent = calloc(n_others ? n_others : 1, sizeof(*absent));
	if (absent == NULL) {
		free(cand);
		return false;
	}
	/* Which workloads carry all of our labels does not depend on the order
	 * they are looked at in, and absent[] is sorted by fill_selector(). */
	cursor_init(&cur, others, mine->labels, mine->n);
	while ((other = cursor_next(&cur)) != NULL) {
		const char *best = NULL;
		int best_rank = 0;

		if (!fp_labelset_subset(mine->labels, mine->n, other))
			continue;
		for (size_t j = 0; j < other->n; j++) {
			const char *k = other->labels[j].key;
			bool ours = false;
			int rank = fp_k8s_labels_rank(prefs, k);

			for (size_t o = 0; o < n_own && !ours; o++)
				ours = fp_labelset_has_key(&own[o], k);
			if (ours)
				continue;
			if (best == NULL || rank < best_rank ||
			    (rank == best_rank && strcmp(k, best) < 0)) {
				best = k;
				best_rank = rank;
			}
		}
		if (best == NULL)
			goto out; /* indistinguishable */
		bool dup = false;

		for (size_t j = 0; j < n_absent && !dup; j++)
			dup = strcmp(absent[j], best) == 0;
		if (!dup)
			absent[n_absent++] = (char *)best;
	}
	if (!conflicts(mine->labels, mine->n, absent, n_absent, others))
		found = fill_selector(out, mine->labels, mine->n, absent, n_absent);
out:
	free(absent);
	free(cand);
	return found;
}

bool
fp_selector_choose(struct fp_selector *out, const struct fp_labelset *mine,
		   const struct fp_labelset *own, size_t n_own, const struct fp_labelset *others,
		   size_t n_others, const struct fp_k8s_labels *prefs)
{
	struct others o = { .sets = others, .n = n_others };

	return choose(out, mine, own, n_own, &o, prefs);
}

bool
fp_selector_choose_indexed(struct fp_selector *out, const struct fp_labelset *mine,
			   const struct fp_labelset *own, size_t n_own,
			   const struct fp_selector_index *ix, size_t self,
			   const struct fp_k8s_labels *prefs)
{
	struct others o = { .ix = ix, .self = self };

	return choose(out, mine, own, n_own, &o, prefs);
}


char *
fp_selector_to_json(const struct fp_selector *sel)
{
	json_t *root = json_object(), *ml = json_object(), *ab = json_array(), *ex = json_array();
	char *text;

	for (size_t i = 0; i < sel->n_match; i++)
		json_object_set_new(ml, sel->match[i].key, json_string(sel->match[i].value));
	for (size_t i = 0; i < sel->n_absent; i++)
		json_array_append_new(ab, json_string(sel->absent[i]));
	for (size_t i = 0; i < sel->n_exprs; i++) {
		json_t *vals = json_array();

		for (size_t j = 0; j < sel->exprs[i].n_values; j++)
			json_array_append_new(vals, json_string(sel->exprs[i].values[j]));
		json_array_append_new(ex, json_pack("{s:s, s:s, s:o}", "key", sel->exprs[i].key,
						    "operator", fp_sel_op_name(sel->exprs[i].op),
						    "values", vals));
	}
	json_object_set_new(root, "matchLabels", ml);
	json_object_set_new(root, "absent", ab);
	json_object_set_new(root, "exprs", ex);
	text = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(root);
	return text;
}

static int
expr_cmp(const void *a, const void *b)
{
	const struct fp_sel_expr *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (int)x->op - (int)y->op;
}

static enum fp_sel_op
op_from_name(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "In") == 0)
		return FP_SEL_IN;
	if (strcmp(s, "NotIn") == 0)
		return FP_SEL_NOTIN;
	if (strcmp(s, "Exists") == 0)
		return FP_SEL_EXISTS;
	if (strcmp(s, "DoesNotExist") == 0)
		return FP_SEL_DOESNOTEXIST;
	return 0;
}

/* Fill @sel from a matchLabels object, absent keys and expressions. */
static int
fill_from(struct fp_selector *sel, json_t *ml, json_t *ab, json_t *ex, bool k8s)
{
	const char *k;
	json_t *v, *e;
	size_t i, j;

	memset(sel, 0, sizeof(*sel));
	sel->match = calloc(json_object_size(ml) + 1, sizeof(*sel->match));
	sel->absent = calloc(json_array_size(ab) + json_array_size(ex) + 1, sizeof(*sel->absent));
	sel->exprs = calloc(json_array_size(ex) + 1, sizeof(*sel->exprs));
	if (sel->match == NULL || sel->absent == NULL || sel->exprs == NULL)
		goto nomem;
	json_object_foreach(ml, k, v) {
		if (!json_is_string(v))
			goto bad;
		sel->match[sel->n_match].key = strdup(k);
		sel->match[sel->n_match].value = strdup(json_string_value(v));
		if (sel->match[sel->n_match++].value == NULL)
			goto nomem;
	}
	json_array_foreach(ab, i, v) {
		if (!json_is_string(v))
			goto bad;
		if ((sel->absent[sel->n_absent++] = strdup(json_string_value(v))) == NULL)
			goto nomem;
	}
	json_array_foreach(ex, i, e) {
		const char *key = json_string_value(json_object_get(e, "key"));
		enum fp_sel_op op = op_from_name(json_string_value(json_object_get(e, "operator")));
		json_t *vals = json_object_get(e, "values");
		struct fp_sel_expr *x;

		if (key == NULL || op == 0)
			goto bad;
		/* A plain DoesNotExist is what flowpol writes as an absent key. */
		if (k8s && op == FP_SEL_DOESNOTEXIST) {
			if ((sel->absent[sel->n_absent++] = strdup(key)) == NULL)
				goto nomem;
			continue;
		}
		x = &sel->exprs[sel->n_exprs++];
		x->key = strdup(key);
		x->op = op;
		x->values = calloc(json_array_size(vals) + 1, sizeof(*x->values));
		if (x->key == NULL || x->values == NULL)
			goto nomem;
		json_array_foreach(vals, j, v) {
			if (!json_is_string(v))
				goto bad;
			if ((x->values[x->n_values++] = strdup(json_string_value(v))) == NULL)
				goto nomem;
		}
		fp_qsort(x->values, x->n_values, sizeof(*x->values), str_cmp);
	}
	fp_qsort(sel->match, sel->n_match, sizeof(*sel->match), label_cmp);
	fp_qsort(sel->absent, sel->n_absent, sizeof(*sel->absent), str_cmp);
	fp_qsort(sel->exprs, sel->n_exprs, sizeof(*sel->exprs), expr_cmp);
	return 0;
bad:
	fp_selector_done(sel);
	return FP_EINPUT;
nomem:
	fp_selector_done(sel);
	return FP_ENOMEM;
}

int
fp_selector_from_json(struct fp_selector *sel, const char *text)
{
	json_t *root = json_loads(text, 0, NULL);
	int r;

	memset(sel, 0, sizeof(*sel));
	if (root == NULL)
		return FP_EINPUT;
	r = fill_from(sel, json_object_get(root, "matchLabels"), json_object_get(root, "absent"),
		      json_object_get(root, "exprs"), false);
	json_decref(root);
	return r;
}

int
fp_selector_from_k8s_json(struct fp_selector *sel, const char *text)
{
	json_t *root = json_loads(text, 0, NULL);
	int r;

	memset(sel, 0, sizeof(*sel));
	if (root == NULL)
		return FP_EINPUT;
	r = fill_from(sel, json_object_get(root, "matchLabels"), NULL,
		      json_object_get(root, "matchExpressions"), true);
	json_decref(root);
	return r;
}
