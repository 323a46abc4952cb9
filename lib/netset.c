/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/netset.h"
#include "lib/util-buf.h"
#include "lib/util-k8s.h"
#include "lib/util-sort.h"
#include "lib/yamltree.h"

void
fp_netset_done(struct fp_netset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->nets[i].name);
		free(s->nets[i].cidrs);
		free(s->nets[i].text);
	}
	free(s->nets);
	memset(s, 0, sizeof(*s));
}

static int
cidr_cmp(const void *a, const void *b)
{
	const struct fp_cidr *x = a, *y = b;
	int c = fp_addr_cmp(&x->addr, &y->addr);

	return c != 0 ? c : (int)x->prefix - (int)y->prefix;
}

static int
net_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fp_known_net *)a)->name, ((const struct fp_known_net *)b)->name);
}

static int
add_cidr(struct fp_known_net *n, const struct fp_yaml_node *v, const char *src,
	 struct fp_err *err)
{
	struct fp_cidr c;

	if (v->type != FP_YAML_SCALAR || v->len != strlen(v->value) || v->len > 64 ||
	    fp_cidr_parse(&c, v->value, true) < 0)
		return fp_err_set(err, FP_EINPUT, src, v->line, v->column,
				  "%s: not a CIDR block (address/prefix, host bits zero)", n->name);
	n->cidrs[n->n_cidrs++] = c;
	return 0;
}

int
fp_netset_from_yaml(struct fp_netset *out, const char *name, const struct fp_yaml_node *root,
		    struct fp_err *err)
{
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (root == NULL || root->type != FP_YAML_MAPPING)
		return fp_err_set(err, FP_EINPUT, name, root != NULL ? root->line : 0,
				  root != NULL ? root->column : 0,
				  "expected a mapping of network names to CIDR lists");
	out->nets = calloc(root->n_pairs + 1, sizeof(*out->nets));
	if (out->nets == NULL)
		return fp_err_nomem(err);
	for (size_t i = 0; i < root->n_pairs && r == 0; i++) {
		const struct fp_yaml_node *k = root->pairs[i].key, *v = root->pairs[i].value;
		struct fp_known_net *n = &out->nets[out->n];
		struct fp_buf t;

		if (k->len != strlen(k->value) || !fp_k8s_is_dns_label(k->value, k->len)) {
			r = fp_err_set(err, FP_EINPUT, name, k->line, k->column,
				       "network names are DNS-1123 labels (a-z, 0-9, '-')");
			break;
		}
		n->name = strdup(k->value);
		n->cidrs = calloc(v->type == FP_YAML_SEQUENCE ? v->n_items + 1 : 1, sizeof(*n->cidrs));
		out->n++;
		if (n->name == NULL || n->cidrs == NULL) {
			r = fp_err_nomem(err);
			break;
		}
		if (v->type == FP_YAML_SEQUENCE) {
			for (size_t j = 0; j < v->n_items && r == 0; j++)
				r = add_cidr(n, v->items[j], name, err);
		} else {
			r = add_cidr(n, v, name, err);
		}
		if (r == 0 && n->n_cidrs == 0)
			r = fp_err_set(err, FP_EINPUT, name, v->line, v->column, "%s: no CIDR blocks",
				       n->name);
		if (r < 0)
			break;
		fp_qsort(n->cidrs, n->n_cidrs, sizeof(*n->cidrs), cidr_cmp);
		fp_buf_init(&t);
		for (size_t j = 0; j < n->n_cidrs; j++) {
			char buf[FP_ADDR_BUFSZ];

			fp_buf_printf(&t, "%s%s", j ? "," : "", fp_cidr_format(buf, &n->cidrs[j]));
		}
		n->text = fp_buf_steal(&t);
		/* An address must belong to one network, or the rules depend on order. */
		for (size_t p = 0; p + 1 < out->n && r == 0; p++)
			for (size_t a = 0; a < out->nets[p].n_cidrs && r == 0; a++)
				for (size_t b = 0; b < n->n_cidrs && r == 0; b++)
					if (fp_cidr_overlaps(&out->nets[p].cidrs[a], &n->cidrs[b]))
						r = fp_err_set(err, FP_EINPUT, name, k->line, k->column,
							       "%s overlaps %s", n->name, out->nets[p].name);
	}
	if (r < 0) {
		fp_netset_done(out);
		return r;
	}
	fp_qsort(out->nets, out->n, sizeof(*out->nets), net_cmp);
	return 0;
}

int
fp_netset_parse(struct fp_netset *out, const char *name, const char *text, size_t len,
		struct fp_err *err)
{
	struct fp_yaml *y = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	r = fp_yaml_load(&y, name, text, len, NULL, err);
	if (r < 0)
		return r;
	/* the errors name nodes, which die with the document: convert first */
	r = fp_netset_from_yaml(out, name, fp_yaml_count(y) > 0 ? fp_yaml_root(y, 0) : NULL, err);
	fp_yaml_free(y);
	return r;
}

int
fp_netset_load(struct fp_netset *out, const char *path, struct fp_err *err)
{
	FILE *f = fopen(path, "rb");
	struct fp_buf b;
	char chunk[65536];
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	if (f == NULL)
		return fp_err_set(err, FP_EIO, path, 0, 0, "cannot open");
	fp_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len > (1u << 20) || fp_buf_add(&b, chunk, n) < 0) {
			fclose(f);
			fp_buf_done(&b);
			return fp_err_set(err, FP_EINPUT, path, 0, 0, "too large for a network list");
		}
	}
	fclose(f);
	r = fp_netset_parse(out, path, fp_buf_str(&b), b.len, err);
	fp_buf_done(&b);
	return r;
}

const struct fp_known_net *
fp_netset_find(const struct fp_netset *s, const struct fp_addr *a)
{
	const struct fp_known_net *best = NULL;
	int best_prefix = -1;

	for (size_t i = 0; s != NULL && i < s->n; i++)
		for (size_t j = 0; j < s->nets[i].n_cidrs; j++)
			if (fp_cidr_contains(&s->nets[i].cidrs[j], a) &&
			    s->nets[i].cidrs[j].prefix > best_prefix) {
				best = &s->nets[i];
				best_prefix = s->nets[i].cidrs[j].prefix;
			}
	return best;
}
