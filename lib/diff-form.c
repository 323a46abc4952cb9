/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff-form.c - policy by policy: did a policy that both sets hold change
 * in form only, or in what it admits?
 *
 * A set keeps the meaning of its policies, not their text.  Each policy is
 * found again in the file the set recorded for it, at the line and column
 * of its object, and written back in a canonical form: keys sorted, every
 * scalar as it was written (a plain scalar stays plain, so "80" and 80 keep
 * their types; a quoted one is written double-quoted), layout and comments
 * dropped.  Two policies with the same canonical form are the same; two
 * with different forms are loaded alone, each into its own set, and
 * compared over the universe like whole sets.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "lib/diff-private.h"
#include "lib/util-macro.h"
#include "lib/util-sort.h"
#include "lib/yamltree.h"

struct canon {
	char *text;
	size_t len;
	struct fp_netpol_set *alone; /* the policy alone, read back from @text */
};

static void
canon_done(struct canon *c)
{
	free(c->text);
	fp_netpol_set_free(c->alone);
	memset(c, 0, sizeof(*c));
}

static char *
read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t n;

		if (len == cap) {
			char *p;

			if (cap > FP_YAML_MAX_BYTES)
				goto fail;
			cap = cap == 0 ? 65536 : cap * 2;
			p = realloc(data, cap + 1);
			if (p == NULL)
				goto fail;
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f) || data == NULL)
		goto fail;
	fclose(f);
	*len_out = len;
	return data;
fail:
	free(data);
	fclose(f);
	return NULL;
}

static int
cache_file(struct fp_diff__files *fc, const char *path)
{
	struct fp_yaml **all;
	char *data;
	size_t len = 0;
	struct fp_err e = { 0 };
	int r = 0;

	if (fc->path != NULL && strcmp(fc->path, path) == 0)
		return 0;
	free(fc->path);
	fc->y = NULL;
	all = realloc(fc->all, (fc->n_all + 1) * sizeof(*all));
	if (all == NULL || (fc->path = strdup(path)) == NULL) {
		fc->all = all != NULL ? all : fc->all;
		fc->path = NULL;
		return FP_ENOMEM;
	}
	fc->all = all;
	data = read_file(path, &len);
	/* Unreadable now (removed, changed, not a file at all): no form. */
	if (data != NULL && fp_yaml_load(&fc->y, path, data, len, NULL, &e) == FP_ENOMEM)
		r = FP_ENOMEM;
	if (fc->y != NULL)
		fc->all[fc->n_all++] = fc->y;
	free(data);
	return r;
}

static bool
at(const struct fp_yaml_node *n, long line, int column)
{
	return n != NULL && n->type == FP_YAML_MAPPING && n->line == line &&
	       n->column == column;
}

/* The object the loader read at @line:@column: a document, or a list item. */
static const struct fp_yaml_node *
find_object(const struct fp_yaml *y, long line, int column)
{
	for (size_t d = 0; y != NULL && d < fp_yaml_count(y); d++) {
		const struct fp_yaml_node *root = fp_yaml_root(y, d), *items;

		if (at(root, line, column))
			return root;
		items = fp_yaml_get(root, "items");
		for (size_t i = 0; items != NULL && items->type == FP_YAML_SEQUENCE &&
				   i < items->n_items;
		     i++)
			if (at(items->items[i], line, column))
				return items->items[i];
	}
	return NULL;
}

void
fp_diff__files_done(struct fp_diff__files *fc)
{
	free(fc->path);
	for (size_t i = 0; i < fc->n_all; i++)
		fp_yaml_free(fc->all[i]);
	free(fc->all);
	memset(fc, 0, sizeof(*fc));
}

int
fp_diff__object(const struct fp_yaml_node **out, struct fp_diff__files *fc,
		const struct fp_netpol_info *in)
{
	int r = cache_file(fc, in->file);
	const struct fp_yaml_node *obj =
		r == 0 ? find_object(fc->y, in->line, in->column) : NULL;

	/* A file changed since it was loaded may hold something else there. */
	if (obj != NULL &&
	    !fp_yaml_is_str(fp_yaml_get(fp_yaml_get(obj, "metadata"), "name"), in->name))
		obj = NULL;
	*out = obj;
	return r;
}

/* --- the canonical form ---------------------------------------------------- */

static int
write_buf(void *ud, unsigned char *data, size_t len)
{
	return fp_buf_add(ud, data, len) == 0;
}

/* Hand @ev to the emitter: 0, FP_ENOMEM, or FP_EINPUT when it refuses. */
static int
emitted(yaml_emitter_t *em, yaml_event_t *ev)
{
	if (yaml_emitter_emit(em, ev))
		return 0;
	return em->error == YAML_MEMORY_ERROR ? FP_ENOMEM : FP_EINPUT;
}

/* A string of flowpol's own (an added key or value), as strings are written. */
static int
emit_text(yaml_emitter_t *em, const char *s, size_t len)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 0,
					  1, YAML_DOUBLE_QUOTED_SCALAR_STYLE))
		return FP_ENOMEM;
	return emitted(em, &ev);
}

static int
emit_scalar(yaml_emitter_t *em, const struct fp_yaml_node *n)
{
	yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
	int plain_implicit = 1, quoted_implicit = 1;
	const char *value = n->value;
	size_t len = n->len;
	char num[32];
	int64_t v;
	yaml_event_t ev;

	/* By what the scalar means, not how it was written: every string
	 * double-quoted, every integer in decimal (0x50 is 80), the rest plain
	 * as written so that it keeps its type. */
	if (n->tag != NULL) {
		plain_implicit = quoted_implicit = 0;
		style = YAML_ANY_SCALAR_STYLE;
	} else if (fp_yaml_kind(n) == FP_YAML_KIND_STR) {
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		plain_implicit = 0;
	} else if (fp_yaml_kind(n) == FP_YAML_KIND_INT && fp_yaml_int(&v, n) == 0) {
		snprintf(num, sizeof(num), "%lld", (long long)v);
		value = num;
		len = strlen(num);
	}
	if (len > (size_t)INT32_MAX ||
	    !yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)n->tag,
					  (yaml_char_t *)value, (int)len, plain_implicit,
					  quoted_implicit, style))
		return FP_ENOMEM;
	return emitted(em, &ev);
}

struct entry {
	const char *key; /* the key's text, for sorting */
	size_t klen;
	const struct fp_yaml_node *knode, *value; /* NULL: an added pair */
	const char *text;			  /* the added pair's value */
};

static int
cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = memcmp(a->key, b->key, FP_MIN(a->klen, b->klen));

	return c != 0 ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

static int emit_node(yaml_emitter_t *em, const struct fp_yaml_node *n, bool top);

static int
emit_mapping(yaml_emitter_t *em, const struct fp_yaml_node *n, bool top)
{
	struct entry *v = calloc(n->n_pairs + 2, sizeof(*v));
	size_t m = 0;
	yaml_event_t ev;
	int r = 0;

	if (v == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < n->n_pairs; i++)
		v[m++] = (struct entry){ n->pairs[i].key->value, n->pairs[i].key->len,
					 n->pairs[i].key, n->pairs[i].value, NULL };
	/* Items of a NetworkPolicyList may leave these to the list. */
	if (top && fp_yaml_get(n, "kind") == NULL)
		v[m++] = (struct entry){ "kind", 4, NULL, NULL, "NetworkPolicy" };
	if (top && fp_yaml_get(n, "apiVersion") == NULL)
		v[m++] = (struct entry){ "apiVersion", 10, NULL, NULL,
					 "networking.k8s.io/v1" };
	/* Keys are unique (the tree refuses duplicates): a total order. */
	fp_qsort(v, m, sizeof(*v), cmp_entry);
	if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
						 YAML_BLOCK_MAPPING_STYLE))
		r = FP_ENOMEM;
	else
		r = emitted(em, &ev);
	for (size_t i = 0; i < m && r == 0; i++) {
		if (v[i].knode == NULL) {
			r = emit_text(em, v[i].key, v[i].klen);
			if (r == 0)
				r = emit_text(em, v[i].text, strlen(v[i].text));
		} else {
			r = emit_scalar(em, v[i].knode);
			if (r == 0)
				r = emit_node(em, v[i].value, false);
		}
	}
	if (r == 0)
		r = yaml_mapping_end_event_initialize(&ev) ? emitted(em, &ev) : FP_ENOMEM;
	free(v);
	return r;
}

static int
emit_node(yaml_emitter_t *em, const struct fp_yaml_node *n, bool top)
{
	yaml_event_t ev;
	int r = 0;

	switch (n->type) {
	case FP_YAML_SCALAR: return emit_scalar(em, n);
	case FP_YAML_SEQUENCE:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_SEQUENCE_STYLE))
			return FP_ENOMEM;
		r = emitted(em, &ev);
		for (size_t i = 0; i < n->n_items && r == 0; i++)
			r = emit_node(em, n->items[i], false);
		if (r == 0)
			r = yaml_sequence_end_event_initialize(&ev) ? emitted(em, &ev)
								    : FP_ENOMEM;
		return r;
	default: return emit_mapping(em, n, top);
	}
}

/* @obj as one canonical YAML document into @out. */
static int
emit_object(struct fp_buf *out, const struct fp_yaml_node *obj)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int r;

	if (!yaml_emitter_initialize(&em))
		return FP_ENOMEM;
	yaml_emitter_set_output(&em, write_buf, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	r = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING)
		    ? emitted(&em, &ev)
		    : FP_ENOMEM;
	if (r == 0)
		r = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1)
			    ? emitted(&em, &ev)
			    : FP_ENOMEM;
	if (r == 0)
		r = emit_node(&em, obj, true);
	if (r == 0)
		r = yaml_document_end_event_initialize(&ev, 1) ? emitted(&em, &ev)
							       : FP_ENOMEM;
	if (r == 0)
		r = yaml_stream_end_event_initialize(&ev) ? emitted(&em, &ev) : FP_ENOMEM;
	if (r == 0 && !yaml_emitter_flush(&em))
		r = FP_ENOMEM;
	yaml_emitter_delete(&em);
	return r;
}

/*
 * The canonical form of policy @i of @s, and the policy alone in a set of
 * its own.  Leaves @c empty (text NULL) when the policy cannot be found
 * again as it was loaded.  0 or FP_ENOMEM.
 */
static int
canonical(struct canon *c, const struct fp_netpol_set *s, size_t i,
	  struct fp_diff__files *fc)
{
	const struct fp_netpol_info *in = fp_netpol_get(s, i);
	const struct fp_yaml_node *obj;
	struct fp_buf b;
	struct fp_err e = { 0 };
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = fp_diff__object(&obj, fc, in)) < 0)
		return r;
	if (obj == NULL)
		return 0;
	fp_buf_init(&b);
	r = emit_object(&b, obj);
	if (r == 0)
		r = fp_netpol_set_new(&c->alone, &e);
	/* Read back with the namespace the set gave it, in case it had none. */
	if (r == 0)
		r = fp_netpol_set_default_namespace(c->alone, in->ns, &e);
	if (r == 0)
		r = fp_netpol_load_buffer(c->alone, in->file, fp_buf_str(&b), b.len, NULL,
					  NULL, &e);
	if (r == FP_ENOMEM) {
		fp_buf_done(&b);
		canon_done(c);
		return r;
	}
	/* The same policy must come back, or the form tells nothing. */
	if (r == 0 && fp_netpol_count(c->alone) == 1 &&
	    strcmp(fp_netpol_get(c->alone, 0)->name, in->name) == 0 &&
	    strcmp(fp_netpol_get(c->alone, 0)->ns, in->ns) == 0) {
		c->len = b.len;
		c->text = fp_buf_steal(&b);
		return 0;
	}
	fp_buf_done(&b);
	canon_done(c);
	return 0;
}

/* --- comparing policy by policy ------------------------------------------ */

static int
first_difference(void *ud, const struct fp_diff__outcome *o)
{
	(void)ud;
	return o->added.n + o->removed.n > 0;
}

/* "file:line", with bytes that are not printable ASCII written as \xNN. */
static char *
place(const struct fp_netpol_info *in)
{
	struct fp_buf b;

	fp_buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)in->file; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			fp_buf_addc(&b, (char)*p);
		else
			fp_buf_printf(&b, "\\x%02x", *p);
	}
	if (fp_buf_printf(&b, ":%ld", in->line) < 0) {
		fp_buf_done(&b);
		return NULL;
	}
	return fp_buf_steal(&b);
}

struct named {
	const struct fp_netpol_info *in;
	size_t index;
};

static int
cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int c = strcmp(a->in->ns, b->in->ns);

	return c != 0 ? c : strcmp(a->in->name, b->in->name);
}

static struct named *
by_name(const struct fp_netpol_set *s)
{
	size_t n = fp_netpol_count(s);
	struct named *v = calloc(n ? n : 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct named){ fp_netpol_get(s, i), i };
	fp_qsort(v, n, sizeof(*v), cmp_named);
	return v;
}

/* How @a of OLD became @b of NEW, both of the same namespace and name. */
static int
change_of(enum fp_diff_change *out, const struct fp_netpol_set *old, size_t a,
	  const struct fp_netpol_set *new, size_t b, const struct fp_diff__universe *u,
	  struct fp_diff__files fc[2], struct fp_err *err)
{
	struct canon ca, cb;
	int r;

	*out = FP_DIFF_UNREAD;
	if ((r = canonical(&ca, old, a, &fc[0])) < 0)
		return fp_err_nomem(err);
	if ((r = canonical(&cb, new, b, &fc[1])) < 0) {
		canon_done(&ca);
		return fp_err_nomem(err);
	}
	if (ca.text != NULL && cb.text != NULL) {
		if (ca.len == cb.len && memcmp(ca.text, cb.text, ca.len) == 0) {
			*out = FP_DIFF_SAME;
		} else {
			/* no rules to skip pairs with: these sets come from memory */
			r = fp_diff__walk(ca.alone, cb.alone, NULL, u, first_difference,
					  NULL, NULL, err);
			if (r >= 0)
				*out = r > 0 ? FP_DIFF_MEANING : FP_DIFF_FORM_ONLY;
		}
	}
	canon_done(&ca);
	canon_done(&cb);
	return r < 0 ? r : 0;
}

static int
add_policy(struct fp_diff_result *r, const struct fp_netpol_info *o,
	   const struct fp_netpol_info *n, enum fp_diff_change change)
{
	const struct fp_netpol_info *in = o != NULL ? o : n;
	struct fp_diff_policy *p = &r->policies[r->n_policies];

	r->changes[change]++;
	if (change == FP_DIFF_SAME)
		return 0;
	r->n_policies++;
	p->change = change;
	p->ns = strdup(in->ns);
	p->name = strdup(in->name);
	p->old_place = o != NULL ? place(o) : NULL;
	p->new_place = n != NULL ? place(n) : NULL;
	if (p->ns == NULL || p->name == NULL || (o != NULL && p->old_place == NULL) ||
	    (n != NULL && p->new_place == NULL))
		return FP_ENOMEM;
	return 0;
}

int
fp_diff__policies(struct fp_diff_result *r, const struct fp_netpol_set *old,
		  const struct fp_netpol_set *new, const struct fp_diff__universe *u,
		  struct fp_err *err)
{
	size_t no = fp_netpol_count(old), nn = fp_netpol_count(new), i = 0, j = 0;
	struct named *a = by_name(old), *b = by_name(new);
	struct fp_diff__files fc[2] = { { 0 } };
	int rc = 0;

	r->policies = calloc(no + nn + 1, sizeof(*r->policies));
	if (a == NULL || b == NULL || r->policies == NULL)
		rc = fp_err_nomem(err);
	while (rc == 0 && (i < no || j < nn)) {
		int c = i >= no ? 1 : j >= nn ? -1 : cmp_named(&a[i], &b[j]);
		enum fp_diff_change ch;

		if (c < 0) {
			rc = add_policy(r, a[i++].in, NULL, FP_DIFF_ONLY_OLD);
		} else if (c > 0) {
			rc = add_policy(r, NULL, b[j++].in, FP_DIFF_ONLY_NEW);
		} else {
			rc = change_of(&ch, old, a[i].index, new, b[j].index, u, fc, err);
			if (rc == 0)
				rc = add_policy(r, a[i].in, b[j].in, ch);
			i++;
			j++;
		}
		if (rc == FP_ENOMEM)
			fp_err_nomem(err);
	}
	fp_diff__files_done(&fc[0]);
	fp_diff__files_done(&fc[1]);
	free(a);
	free(b);
	return rc;
}
