/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "lib/util-arena.h"
#include "lib/util-hash.h"
#include "lib/util-macro.h"
#include "lib/yamltree.h"

/* The public node plus what only the loader needs. */
struct node {
	struct fp_yaml_node pub; /* first, so a public pointer converts back */
	size_t weight;           /* nodes reachable from here, aliases expanded */
};

struct doc {
	const struct fp_yaml_node *root;
	long line;
	int column;
};

struct fp_yaml {
	struct fp_arena arena;
	struct doc *docs;
	size_t n_docs;
	size_t cap_docs;
};

/* An open collection and the children seen so far. */
struct frame {
	struct node *node;
	struct node **kids; /* a mapping's are key, value, key, value, ... */
	size_t n_kids;
	size_t cap_kids;
	char *anchor; /* registered when the collection ends: no recursion */
};

struct anchor {
	const char *name; /* NULL: free slot */
	struct node *node;
};

struct loader {
	struct fp_yaml *y;
	struct fp_yaml_limits lim;
	const char *source;
	const char *data;
	size_t len;
	struct fp_err *err;
	struct frame *frames; /* lim.max_depth of them */
	size_t depth;
	struct node *root;
	long doc_line;
	int doc_column;
	struct anchor *anchors; /* open addressing, power-of-two size */
	size_t cap_anchors;
	size_t n_anchors;
};

static int fail_at(struct loader *l, long line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail_at(struct loader *l, long line, int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fp_err_setv(l->err, FP_EINPUT, l->source, line, column, fmt, ap);
	va_end(ap);
	return FP_EINPUT;
}

const char *
fp_yaml_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (i < len)
		memcpy(buf + o, "...", 3), o += 3;
	buf[o] = '\0';
	return buf;
}

static char *
arena_strdup(struct loader *l, const char *s, size_t len)
{
	return fp_arena_strndup(&l->y->arena, s, len);
}

static struct node *
new_node(struct loader *l, enum fp_yaml_type type, const yaml_event_t *ev)
{
	struct node *n = fp_arena_alloc(&l->y->arena, sizeof(*n));

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->pub.type = type;
	n->pub.line = (long)ev->start_mark.line + 1;
	n->pub.column = (int)FP_MIN(ev->start_mark.column + 1, (size_t)1 << 30);
	n->weight = 1;
	return n;
}

/* --- anchors ----------------------------------------------------------- */

static size_t
anchor_slot(const struct anchor *tab, size_t cap, const char *name)
{
	size_t i = (size_t)fp_hash64(name, strlen(name), 0) & (cap - 1);

	while (tab[i].name != NULL && strcmp(tab[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static int
anchor_grow(struct loader *l)
{
	size_t cap = l->cap_anchors == 0 ? 64 : l->cap_anchors * 2;
	struct anchor *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return fp_err_nomem(l->err);
	for (size_t i = 0; i < l->cap_anchors; i++)
		if (l->anchors[i].name != NULL)
			tab[anchor_slot(tab, cap, l->anchors[i].name)] = l->anchors[i];
	free(l->anchors);
	l->anchors = tab;
	l->cap_anchors = cap;
	return 0;
}

/* Anchors may be redefined: the latest definition wins (YAML 1.1, 3.2.2.2). */
static int
anchor_set(struct loader *l, const char *name, struct node *n)
{
	size_t i;

	if ((l->n_anchors + 1) * 2 > l->cap_anchors && anchor_grow(l) < 0)
		return FP_ENOMEM;
	i = anchor_slot(l->anchors, l->cap_anchors, name);
	if (l->anchors[i].name == NULL) {
		l->anchors[i].name = name;
		l->n_anchors++;
	}
	l->anchors[i].node = n;
	return 0;
}

static struct node *
anchor_get(const struct loader *l, const char *name)
{
	size_t i;

	if (l->cap_anchors == 0)
		return NULL;
	i = anchor_slot(l->anchors, l->cap_anchors, name);
	return l->anchors[i].node;
}

/* --- building ---------------------------------------------------------- */

static bool
is_merge_key(const struct fp_yaml_node *k)
{
	return k->type == FP_YAML_SCALAR && k->style == FP_YAML_PLAIN && k->tag == NULL &&
	       k->len == 2 && memcmp(k->value, "<<", 2) == 0;
}

/* Attach @n (at @line:@column, where an alias may differ from @n's own). */
static int
attach(struct loader *l, struct node *n, long line, int column)
{
	struct frame *f;

	if (n->weight > l->lim.max_nodes)
		return fail_at(l, line, column, "document expands to more than %zu nodes",
			       l->lim.max_nodes);
	if (l->depth == 0) {
		l->root = n;
		return 0;
	}
	f = &l->frames[l->depth - 1];
	if (f->node->pub.type == FP_YAML_MAPPING && f->n_kids % 2 == 0) {
		if (n->pub.type != FP_YAML_SCALAR)
			return fail_at(l, line, column, "mapping keys must be scalars");
		if (is_merge_key(&n->pub))
			return fail_at(l, line, column,
				       "merge keys ('<<') are not supported");
	}
	f->node->weight += n->weight;
	if (f->node->weight > l->lim.max_nodes)
		return fail_at(l, line, column, "document expands to more than %zu nodes",
			       l->lim.max_nodes);
	if (f->n_kids == f->cap_kids) {
		size_t cap = f->cap_kids == 0 ? 8 : f->cap_kids * 2;
		struct node **kids = realloc(f->kids, cap * sizeof(*kids));

		if (kids == NULL)
			return fp_err_nomem(l->err);
		f->kids = kids;
		f->cap_kids = cap;
	}
	f->kids[f->n_kids++] = n;
	return 0;
}

static int
set_tag_and_anchor(struct loader *l, struct node *n, const yaml_char_t *tag,
		   const yaml_char_t *anchor, char **anchor_out)
{
	if (tag != NULL) {
		n->pub.tag =
			arena_strdup(l, (const char *)tag, strlen((const char *)tag));
		if (n->pub.tag == NULL)
			return fp_err_nomem(l->err);
	}
	*anchor_out = NULL;
	if (anchor != NULL) {
		*anchor_out = arena_strdup(l, (const char *)anchor,
					   strlen((const char *)anchor));
		if (*anchor_out == NULL)
			return fp_err_nomem(l->err);
	}
	return 0;
}

static int
on_scalar(struct loader *l, const yaml_event_t *ev)
{
	static const enum fp_yaml_style styles[] = {
		[YAML_PLAIN_SCALAR_STYLE] = FP_YAML_PLAIN,
		[YAML_SINGLE_QUOTED_SCALAR_STYLE] = FP_YAML_SINGLE_QUOTED,
		[YAML_DOUBLE_QUOTED_SCALAR_STYLE] = FP_YAML_DOUBLE_QUOTED,
		[YAML_LITERAL_SCALAR_STYLE] = FP_YAML_LITERAL,
		[YAML_FOLDED_SCALAR_STYLE] = FP_YAML_FOLDED,
	};
	struct node *n = new_node(l, FP_YAML_SCALAR, ev);
	char *anchor;
	int r;

	if (n == NULL)
		return fp_err_nomem(l->err);
	if ((unsigned)ev->data.scalar.style < FP_ARRAY_SIZE(styles))
		n->pub.style = styles[ev->data.scalar.style];
	n->pub.len = ev->data.scalar.length;
	n->pub.value = arena_strdup(l, (const char *)ev->data.scalar.value, n->pub.len);
	if (n->pub.value == NULL)
		return fp_err_nomem(l->err);
	r = set_tag_and_anchor(l, n, ev->data.scalar.tag, ev->data.scalar.anchor,
			       &anchor);
	if (r < 0)
		return r;
	if (anchor != NULL && anchor_set(l, anchor, n) < 0)
		return FP_ENOMEM;
	return attach(l, n, n->pub.line, n->pub.column);
}

static int
on_start(struct loader *l, const yaml_event_t *ev, enum fp_yaml_type type)
{
	const yaml_char_t *tag, *anchor;
	struct node *n;
	struct frame *f;
	int r;

	if (l->depth >= l->lim.max_depth)
		return fail_at(l, (long)ev->start_mark.line + 1,
			       (int)ev->start_mark.column + 1,
			       "nesting deeper than %u levels", l->lim.max_depth);
	n = new_node(l, type, ev);
	if (n == NULL)
		return fp_err_nomem(l->err);
	if (type == FP_YAML_SEQUENCE) {
		tag = ev->data.sequence_start.tag;
		anchor = ev->data.sequence_start.anchor;
	} else {
		tag = ev->data.mapping_start.tag;
		anchor = ev->data.mapping_start.anchor;
	}
	f = &l->frames[l->depth];
	r = set_tag_and_anchor(l, n, tag, anchor, &f->anchor);
	if (r < 0)
		return r;
	f->node = n;
	f->n_kids = 0;
	l->depth++;
	return 0;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct fp_yaml_pair *const *pa = a, *const *pb = b;
	const struct fp_yaml_node *ka = (*pa)->key, *kb = (*pb)->key;
	int c = memcmp(ka->value, kb->value, FP_MIN(ka->len, kb->len));

	if (c != 0)
		return c;
	if (ka->len != kb->len)
		return ka->len < kb->len ? -1 : 1;
	/* Equal keys stay in document order, so the later one is reported. */
	return *pa < *pb ? -1 : *pa > *pb;
}

/*
 * Keys are compared as text, whatever their style: Kubernetes turns every
 * key into a JSON string, so 80 and "80" would collide there too.  Sorting
 * keeps a mapping with many keys from costing quadratic time.
 */
static int
check_duplicates(struct loader *l, const struct fp_yaml_pair *pairs, size_t n)
{
	const struct fp_yaml_pair **idx, *dup = NULL;
	char buf[64];

	if (n < 2)
		return 0;
	idx = malloc(n * sizeof(*idx));
	if (idx == NULL)
		return fp_err_nomem(l->err);
	for (size_t i = 0; i < n; i++)
		idx[i] = &pairs[i];
	qsort(idx, n, sizeof(*idx), cmp_key);
	for (size_t i = 1; i < n; i++) {
		const struct fp_yaml_node *a = idx[i - 1]->key, *b = idx[i]->key;

		if (a->len != b->len || memcmp(a->value, b->value, a->len) != 0)
			continue;
		/* Of all repeated keys, report the repeat that comes first. */
		if (dup == NULL || idx[i] < dup)
			dup = idx[i];
	}
	free(idx);
	if (dup == NULL)
		return 0;
	return fail_at(l, dup->key->line, dup->key->column, "duplicate key '%s'",
		       fp_yaml_quote(buf, sizeof(buf), dup->key->value, dup->key->len));
}

static int
on_end(struct loader *l)
{
	struct frame *f;
	struct node *n;
	int r;

	/* libyaml balances its events; do not index frames[-1] if it ever does not. */
	if (l->depth == 0)
		return fail_at(l, 0, 0, "unbalanced YAML events");
	f = &l->frames[l->depth - 1];
	n = f->node;

	if (n->pub.type == FP_YAML_SEQUENCE) {
		struct fp_yaml_node **items = NULL;

		if (f->n_kids > 0) {
			items = fp_arena_alloc(&l->y->arena, f->n_kids * sizeof(*items));
			if (items == NULL)
				return fp_err_nomem(l->err);
			for (size_t i = 0; i < f->n_kids; i++)
				items[i] = &f->kids[i]->pub;
		}
		n->pub.items = (const struct fp_yaml_node *const *)items;
		n->pub.n_items = f->n_kids;
	} else {
		struct fp_yaml_pair *pairs = NULL;
		size_t np = f->n_kids / 2;

		if (np > 0) {
			pairs = fp_arena_alloc(&l->y->arena, np * sizeof(*pairs));
			if (pairs == NULL)
				return fp_err_nomem(l->err);
			for (size_t i = 0; i < np; i++) {
				pairs[i].key = &f->kids[2 * i]->pub;
				pairs[i].value = &f->kids[2 * i + 1]->pub;
			}
		}
		n->pub.pairs = pairs;
		n->pub.n_pairs = np;
		r = check_duplicates(l, pairs, np);
		if (r < 0)
			return r;
	}
	l->depth--;
	if (f->anchor != NULL && anchor_set(l, f->anchor, n) < 0)
		return FP_ENOMEM;
	return attach(l, n, n->pub.line, n->pub.column);
}

static int
on_alias(struct loader *l, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct node *target = anchor_get(l, name);
	char buf[64];

	if (target == NULL)
		return fail_at(l, (long)ev->start_mark.line + 1,
			       (int)ev->start_mark.column + 1,
			       "alias '*%s' names no complete anchor before it",
			       fp_yaml_quote(buf, sizeof(buf), name, strlen(name)));
	return attach(l, target, (long)ev->start_mark.line + 1,
		      (int)ev->start_mark.column + 1);
}

static int
on_document_end(struct loader *l)
{
	struct fp_yaml *y = l->y;

	if (l->root == NULL || l->depth != 0)
		return fail_at(l, l->doc_line, l->doc_column, "unbalanced YAML events");
	if (y->n_docs == y->cap_docs) {
		size_t cap = y->cap_docs == 0 ? 4 : y->cap_docs * 2;
		struct doc *docs = realloc(y->docs, cap * sizeof(*docs));

		if (docs == NULL)
			return fp_err_nomem(l->err);
		y->docs = docs;
		y->cap_docs = cap;
	}
	y->docs[y->n_docs].root = &l->root->pub;
	y->docs[y->n_docs].line = l->doc_line;
	y->docs[y->n_docs].column = l->doc_column;
	y->n_docs++;
	l->root = NULL;
	/* Anchors are local to a document.  Dropping the table (instead of
	 * clearing it) keeps a stream of many small documents after one with
	 * many anchors from paying for the big table again and again. */
	if (l->n_anchors > 0) {
		free(l->anchors);
		l->anchors = NULL;
		l->cap_anchors = 0;
		l->n_anchors = 0;
	}
	return 0;
}

/* --- libyaml errors ---------------------------------------------------- */

static int
parser_error(struct loader *l, const yaml_parser_t *p)
{
	long line = (long)p->problem_mark.line + 1;
	int column = (int)p->problem_mark.column + 1;
	const char *problem = p->problem != NULL ? p->problem : "invalid YAML";

	if (p->error == YAML_MEMORY_ERROR)
		return fp_err_nomem(l->err);
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset and leaves the mark unset. */
		size_t off = FP_MIN(p->problem_offset, l->len), bol = 0;

		line = 1;
		for (size_t i = 0; i < off; i++)
			if (l->data[i] == '\n')
				line++, bol = i + 1;
		column = (int)FP_MIN(off - bol + 1, (size_t)1 << 30);
		if (p->problem_value != -1)
			return fail_at(l, line, column, "%s (byte 0x%02x)", problem,
				       (unsigned)p->problem_value & 0xffu);
		return fail_at(l, line, column, "%s", problem);
	}
	if (p->context != NULL)
		return fail_at(l, line, column, "%s (%s that started at line %lu)",
			       problem, p->context,
			       (unsigned long)p->context_mark.line + 1);
	return fail_at(l, line, column, "%s", problem);
}

/* --- entry points ------------------------------------------------------ */

static int
run(struct loader *l, yaml_parser_t *p)
{
	for (;;) {
		yaml_event_t ev;
		int r = 0;

		if (!yaml_parser_parse(p, &ev))
			return parser_error(l, p);
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			l->doc_line = (long)ev.start_mark.line + 1;
			l->doc_column = (int)ev.start_mark.column + 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			r = on_document_end(l);
			break;
		case YAML_SCALAR_EVENT:
			r = on_scalar(l, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			r = on_start(l, &ev, FP_YAML_SEQUENCE);
			break;
		case YAML_MAPPING_START_EVENT:
			r = on_start(l, &ev, FP_YAML_MAPPING);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			r = on_end(l);
			break;
		case YAML_ALIAS_EVENT:
			r = on_alias(l, &ev);
			break;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return 0;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (r < 0)
			return r;
	}
}

int
fp_yaml_load(struct fp_yaml **out, const char *source, const char *data, size_t len,
	     const struct fp_yaml_limits *limits, struct fp_err *err)
{
	struct loader l = { .source = source, .data = data, .len = len, .err = err };
	yaml_parser_t p;
	int r;

	*out = NULL;
	l.lim.max_bytes = limits != NULL && limits->max_bytes ? limits->max_bytes
							      : FP_YAML_MAX_BYTES;
	l.lim.max_depth = limits != NULL && limits->max_depth ? limits->max_depth
							      : FP_YAML_MAX_DEPTH;
	l.lim.max_nodes = limits != NULL && limits->max_nodes ? limits->max_nodes
							      : FP_YAML_MAX_NODES;
	if (len > l.lim.max_bytes)
		return fp_err_set(err, FP_EINPUT, source, 0, 0,
				  "%zu bytes is more than the limit of %zu", len,
				  l.lim.max_bytes);
	l.y = calloc(1, sizeof(*l.y));
	l.frames = calloc(l.lim.max_depth, sizeof(*l.frames));
	if (l.y == NULL || l.frames == NULL) {
		free(l.y);
		free(l.frames);
		return fp_err_nomem(err);
	}
	fp_arena_init(&l.y->arena);
	if (!yaml_parser_initialize(&p)) {
		r = fp_err_nomem(err);
		goto out;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	r = run(&l, &p);
	yaml_parser_delete(&p);
out:
	for (size_t i = 0; i < l.lim.max_depth; i++)
		free(l.frames[i].kids);
	free(l.frames);
	free(l.anchors);
	if (r < 0) {
		fp_yaml_free(l.y);
		return r;
	}
	*out = l.y;
	return 0;
}

void
fp_yaml_free(struct fp_yaml *y)
{
	if (y == NULL)
		return;
	fp_arena_done(&y->arena);
	free(y->docs);
	free(y);
}

size_t
fp_yaml_count(const struct fp_yaml *y)
{
	return y->n_docs;
}

const struct fp_yaml_node *
fp_yaml_root(const struct fp_yaml *y, size_t i)
{
	return i < y->n_docs ? y->docs[i].root : NULL;
}

void
fp_yaml_document_place(const struct fp_yaml *y, size_t i, long *line, int *column)
{
	*line = i < y->n_docs ? y->docs[i].line : 0;
	*column = i < y->n_docs ? y->docs[i].column : 0;
}

const struct fp_yaml_node *
fp_yaml_get(const struct fp_yaml_node *map, const char *key)
{
	size_t len = strlen(key);

	if (map == NULL || map->type != FP_YAML_MAPPING)
		return NULL;
	for (size_t i = 0; i < map->n_pairs; i++) {
		const struct fp_yaml_node *k = map->pairs[i].key;

		if (k->len == len && memcmp(k->value, key, len) == 0)
			return map->pairs[i].value;
	}
	return NULL;
}
