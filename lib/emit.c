/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "lib/carry.h"
#include "lib/emit.h"
#include "lib/util-file.h"
#include "lib/util-hash.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"
#include "lib/util-time.h"

struct ye {
	yaml_emitter_t e;
	yaml_event_t ev;
	bool ok;
};

static int
write_handler(void *data, unsigned char *buffer, size_t size)
{
	return fp_buf_add(data, buffer, size) == 0;
}

static void
emit(struct ye *y)
{
	/* libyaml frees the event whether or not emitting succeeds. */
	if (y->ok && !yaml_emitter_emit(&y->e, &y->ev))
		y->ok = false;
	else if (!y->ok)
		yaml_event_delete(&y->ev);
}

/*
 * Would a YAML 1.1 or 1.2 parser read @s as something other than a string?
 * Then it must be quoted, or "1" would reach the API server as a number.
 */
static bool
needs_quotes(const char *s)
{
	static const char *const words[] = { "y", "yes", "n", "no", "true", "false", "on",
					     "off", "null", "~" };

	if (s[0] == '\0')
		return true;
	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '-' || s[0] == '.')
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

static void
str(struct ye *y, const char *s)
{
	bool quote = needs_quotes(s);

	if (!y->ok)
		return;
	y->ok = yaml_scalar_event_initialize(&y->ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
					     !quote, 1,
					     quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
						   : YAML_ANY_SCALAR_STYLE);
	if (y->ok)
		emit(y);
}

static void
num(struct ye *y, unsigned long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", v);
	if (!y->ok)
		return;
	y->ok = yaml_scalar_event_initialize(&y->ev, NULL, NULL, (yaml_char_t *)buf,
					     (int)strlen(buf), 1, 0, YAML_PLAIN_SCALAR_STYLE);
	if (y->ok)
		emit(y);
}

static void
map_start(struct ye *y)
{
	if (!y->ok)
		return;
	y->ok = yaml_mapping_start_event_initialize(&y->ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	if (y->ok)
		emit(y);
}

static void
map_end(struct ye *y)
{
	if (!y->ok)
		return;
	y->ok = yaml_mapping_end_event_initialize(&y->ev);
	if (y->ok)
		emit(y);
}

static void
seq_start(struct ye *y)
{
	if (!y->ok)
		return;
	y->ok = yaml_sequence_start_event_initialize(&y->ev, NULL, NULL, 1,
						     YAML_BLOCK_SEQUENCE_STYLE);
	if (y->ok)
		emit(y);
}

static void
seq_end(struct ye *y)
{
	if (!y->ok)
		return;
	y->ok = yaml_sequence_end_event_initialize(&y->ev);
	if (y->ok)
		emit(y);
}

static void
kv(struct ye *y, const char *k, const char *v)
{
	str(y, k);
	str(y, v);
}

static void
doc_start(struct ye *y)
{
	if (!y->ok)
		return;
	y->ok = yaml_document_start_event_initialize(&y->ev, NULL, NULL, NULL, 0);
	if (y->ok)
		emit(y);
}

static void
doc_end(struct ye *y)
{
	if (!y->ok)
		return;
	y->ok = yaml_document_end_event_initialize(&y->ev, 1);
	if (y->ok)
		emit(y);
}

static bool
ye_begin(struct ye *y, struct fp_buf *out)
{
	memset(y, 0, sizeof(*y));
	if (!yaml_emitter_initialize(&y->e))
		return false;
	yaml_emitter_set_output(&y->e, write_handler, out);
	yaml_emitter_set_unicode(&y->e, 1);
	yaml_emitter_set_indent(&y->e, 2);
	/* Never fold long values onto several lines. */
	yaml_emitter_set_width(&y->e, -1);
	y->ok = yaml_stream_start_event_initialize(&y->ev, YAML_UTF8_ENCODING);
	if (y->ok)
		emit(y);
	return true;
}

static int
ye_end(struct ye *y, struct fp_err *err)
{
	if (y->ok) {
		y->ok = yaml_stream_end_event_initialize(&y->ev);
		if (y->ok)
			emit(y);
	}
	if (y->ok && !yaml_emitter_flush(&y->e))
		y->ok = false;
	if (!y->ok)
		fp_err_set(err, FP_EIO, NULL, 0, 0, "cannot emit YAML: %s",
			   y->e.problem != NULL ? y->e.problem : "out of memory");
	yaml_emitter_delete(&y->e);
	return y->ok ? 0 : FP_EIO;
}

static void
selector(struct ye *y, const struct fp_selector *sel)
{
	map_start(y);
	if (sel->n_match > 0) {
		str(y, "matchLabels");
		map_start(y);
		for (size_t i = 0; i < sel->n_match; i++)
			kv(y, sel->match[i].key, sel->match[i].value);
		map_end(y);
	}
	if (sel->n_absent > 0 || sel->n_exprs > 0) {
		size_t a = 0, e = 0;

		str(y, "matchExpressions");
		seq_start(y);
		/* Both lists are sorted by key: merge them so the output is too. */
		while (a < sel->n_absent || e < sel->n_exprs) {
			bool take_absent = e == sel->n_exprs ||
					   (a < sel->n_absent &&
					    strcmp(sel->absent[a], sel->exprs[e].key) <= 0);

			map_start(y);
			if (take_absent) {
				kv(y, "key", sel->absent[a++]);
				kv(y, "operator", "DoesNotExist");
			} else {
				const struct fp_sel_expr *x = &sel->exprs[e++];

				kv(y, "key", x->key);
				kv(y, "operator", fp_sel_op_name(x->op));
				if (x->op == FP_SEL_IN || x->op == FP_SEL_NOTIN) {
					str(y, "values");
					seq_start(y);
					for (size_t v = 0; v < x->n_values; v++)
						str(y, x->values[v]);
					seq_end(y);
				}
			}
			map_end(y);
		}
		seq_end(y);
	}
	map_end(y);
}

static void
ns_selector(struct ye *y, const char *ns)
{
	map_start(y);
	str(y, "matchLabels");
	map_start(y);
	kv(y, "kubernetes.io/metadata.name", ns);
	map_end(y);
	map_end(y);
}

static void
ip_block(struct ye *y, const char *cidr)
{
	map_start(y);
	str(y, "ipBlock");
	map_start(y);
	kv(y, "cidr", cidr);
	map_end(y);
	map_end(y);
}

/* One peer: a workload's selectors, or one ipBlock per address block. */
static void
peer(struct ye *y, const struct fp_policy_peer *p)
{
	const struct fp_identity *id = p->id;

	if (id->kind == FP_ID_WORKLOAD) {
		map_start(y);
		if (p->other_ns) {
			str(y, "namespaceSelector");
			ns_selector(y, id->ns);
		}
		str(y, "podSelector");
		selector(y, &id->sel);
		map_end(y);
	} else if (id->cidrs != NULL) {
		/* a known network, or the nodes (--allow-host): validated blocks */
		char cidr[FP_ADDR_BUFSZ + 8];

		for (const char *c = id->cidrs; *c != '\0';) {
			size_t n = strcspn(c, ",");

			snprintf(cidr, sizeof(cidr), "%.*s", (int)(n < sizeof(cidr) ? n : 0), c);
			ip_block(y, cidr);
			c += n + (c[n] == ',');
		}
	} else {
		/* An address outside the pods: exactly that address. */
		struct fp_addr a;
		char cidr[FP_ADDR_BUFSZ + 8];

		if (fp_addr_parse(&a, id->name, strlen(id->name)) < 0) {
			y->ok = false;
			return;
		}
		snprintf(cidr, sizeof(cidr), "%s/%d", id->name, a.family == 4 ? 32 : 128);
		ip_block(y, cidr);
	}
}

static void
rules(struct ye *y, const char *key, const char *peers_key, const struct fp_policy_rule *r,
      size_t n)
{
	if (n == 0)
		return;
	str(y, key);
	seq_start(y);
	for (size_t i = 0; i < n; i++) {
		map_start(y);
		str(y, peers_key);
		seq_start(y);
		for (size_t p = 0; p < r[i].n_peers; p++)
			peer(y, &r[i].peers[p]);
		seq_end(y);
		str(y, "ports");
		seq_start(y);
		for (size_t p = 0; p < r[i].n_ports; p++) {
			map_start(y);
			kv(y, "protocol", fp_proto_name(r[i].ports[p].proto));
			str(y, "port");
			num(y, r[i].ports[p].port);
			if (r[i].ports[p].end_port != 0) {
				str(y, "endPort");
				num(y, r[i].ports[p].end_port);
			}
			map_end(y);
		}
		seq_end(y);
		map_end(y);
	}
	seq_end(y);
}

static void
metadata(struct ye *y, const struct fp_policy_model *m, const struct fp_policy_ns *pn,
	 const struct fp_policy *pol)
{
	char a[FP_TIME_BUFSZ], b[FP_TIME_BUFSZ], window[2 * FP_TIME_BUFSZ + 2], n[32];

	str(y, "metadata");
	map_start(y);
	kv(y, "name", pol->name);
	kv(y, "namespace", pn->ns);
	str(y, "labels");
	map_start(y);
	kv(y, "app.kubernetes.io/managed-by", "flowpol");
	map_end(y);
	str(y, "annotations");
	map_start(y);
	if (pol->target != NULL) {
		snprintf(n, sizeof(n), "%llu", (unsigned long long)pol->flows);
		kv(y, "flowpol/flows", n);
		kv(y, "flowpol/first-seen", fp_time_format(a, pol->first));
		kv(y, "flowpol/last-seen", fp_time_format(b, pol->last));
	}
	snprintf(window, sizeof(window), "%s/%s", fp_time_format(a, m->es->since),
		 fp_time_format(b, m->es->until));
	if (m->triage) {
		kv(y, "flowpol/expires", m->expires != NULL ? m->expires : "");
		kv(y, "flowpol/purpose",
		   "temporary: admits connections the policies denied in the window; replace "
		   "it with a reviewed policy before it expires");
	}
	kv(y, "flowpol/window", window);
	map_end(y);
	map_end(y);
}

static void
policy(struct ye *y, const struct fp_policy_model *m, const struct fp_policy_ns *pn,
       const struct fp_policy *pol)
{
	static const struct fp_selector all = { 0 };

	doc_start(y);
	map_start(y);
	kv(y, "apiVersion", "networking.k8s.io/v1");
	kv(y, "kind", "NetworkPolicy");
	metadata(y, m, pn, pol);
	str(y, "spec");
	map_start(y);
	str(y, "podSelector");
	/* default-deny selects every pod on purpose: that is what it is for. */
	selector(y, pol->target != NULL ? &pol->target->sel : &all);
	str(y, "policyTypes");
	seq_start(y);
	if (pol->types == 0 || (pol->types & FP_POLICY_INGRESS))
		str(y, "Ingress");
	if (pol->types == 0 || (pol->types & FP_POLICY_EGRESS))
		str(y, "Egress");
	seq_end(y);
	rules(y, "ingress", "from", pol->ingress, pol->n_ingress);
	rules(y, "egress", "to", pol->egress, pol->n_egress);
	map_end(y);
	map_end(y);
	doc_end(y);
}

int
fp_emit_namespace(struct fp_buf *out, const struct fp_policy_model *m,
		  const struct fp_policy_ns *pn, struct fp_err *err)
{
	struct ye y;

	if (!fp_k8s_is_dns_label(pn->ns, strlen(pn->ns)))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "invalid namespace name '%.64s'", pn->ns);
	if (!ye_begin(&y, out))
		return fp_err_nomem(err);
	for (size_t i = 0; i < pn->n; i++)
		policy(&y, m, pn, &pn->policies[i]);
	return ye_end(&y, err);
}

int
fp_emit_policy(struct fp_buf *out, const struct fp_policy_model *m, const struct fp_policy_ns *pn,
	       const struct fp_policy *pol, struct fp_err *err)
{
	struct ye y;

	if (!fp_k8s_is_dns_label(pn->ns, strlen(pn->ns)))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "invalid namespace name '%.64s'", pn->ns);
	if (!ye_begin(&y, out))
		return fp_err_nomem(err);
	policy(&y, m, pn, pol);
	return ye_end(&y, err);
}

int
fp_emit_kustomization_files(struct fp_buf *out, const char *const *files, size_t n,
			    struct fp_err *err)
{
	struct ye y;

	if (!ye_begin(&y, out))
		return fp_err_nomem(err);
	doc_start(&y);
	map_start(&y);
	kv(&y, "apiVersion", "kustomize.config.k8s.io/v1beta1");
	kv(&y, "kind", "Kustomization");
	str(&y, "resources");
	seq_start(&y);
	for (size_t i = 0; i < n; i++)
		str(&y, files[i]);
	seq_end(&y);
	map_end(&y);
	doc_end(&y);
	return ye_end(&y, err);
}

int
fp_emit_kustomization(struct fp_buf *out, const struct fp_policy_model *m, struct fp_err *err)
{
	char **names = calloc(m->n + 1, sizeof(*names));
	int r = 0;

	if (names == NULL)
		return fp_err_nomem(err);
	for (size_t i = 0; i < m->n && r == 0; i++) {
		size_t len = strlen(m->nss[i].ns) + sizeof(".yaml");

		names[i] = malloc(len);
		if (names[i] == NULL)
			r = fp_err_nomem(err);
		else
			snprintf(names[i], len, "%s.yaml", m->nss[i].ns);
	}
	if (r == 0)
		r = fp_emit_kustomization_files(out, (const char *const *)names, m->n, err);
	for (size_t i = 0; i < m->n; i++)
		free(names[i]);
	free(names);
	return r;
}

int
fp_emit_model(uint64_t *digest, const struct fp_policy_model *m, const char *dir,
	      const char *baseline, struct fp_err *err)
{
	struct fp_hasher h;
	struct fp_buf b;
	char name[80];
	int r;

	if (fp_dir_ensure(dir, err) < 0)
		return FP_EIO;
	fp_hasher_init(&h, 0);
	fp_buf_init(&b);
	for (size_t i = 0; i < m->n; i++) {
		fp_buf_reset(&b);
		r = fp_emit_namespace(&b, m, &m->nss[i], err);
		snprintf(name, sizeof(name), "%s.yaml", m->nss[i].ns);
		if (r == 0 && baseline != NULL)
			r = fp_carry_file(&b, baseline, name, err);
		if (r == 0)
			r = fp_file_write_atomic(dir, name, b.data, b.len, err);
		if (r < 0) {
			fp_buf_done(&b);
			return r;
		}
		fp_hasher_update(&h, b.data, b.len);
	}
	fp_buf_reset(&b);
	r = fp_emit_kustomization(&b, m, err);
	if (r == 0)
		r = fp_file_write_atomic(dir, "kustomization.yaml", b.data, b.len, err);
	if (r == 0)
		fp_hasher_update(&h, b.data, b.len);
	fp_buf_done(&b);
	*digest = fp_hasher_final(&h);
	return r;
}
