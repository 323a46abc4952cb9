/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-emit.c - the YAML flowpol writes: it parses back with libyaml,
 * values that YAML would read as something else stay strings, no value can
 * change the structure, and the same data gives the same bytes.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "lib/emit.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"

/* ---- reading YAML back ---- */

struct docs {
	yaml_document_t d[16];
	int n;
};

static void
docs_load(struct docs *ds, const char *text)
{
	yaml_parser_t p;

	ds->n = 0;
	ck_assert(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	for (;;) {
		yaml_document_t *d = &ds->d[ds->n];

		ck_assert_msg(yaml_parser_load(&p, d), "YAML does not parse: %s at line %zu",
			      p.problem, p.problem_mark.line + 1);
		if (yaml_document_get_root_node(d) == NULL) {
			yaml_document_delete(d);
			break;
		}
		ds->n++;
		ck_assert_int_lt(ds->n, 16);
	}
	yaml_parser_delete(&p);
}

static void
docs_free(struct docs *ds)
{
	for (int i = 0; i < ds->n; i++)
		yaml_document_delete(&ds->d[i]);
}

static const char *
scalar(yaml_node_t *n)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->type, YAML_SCALAR_NODE);
	return (const char *)n->data.scalar.value;
}

/* The node at the path of map keys and "#i" sequence indexes, or NULL. */
static yaml_node_t *
at(yaml_document_t *d, ...)
{
	yaml_node_t *n = yaml_document_get_root_node(d);
	const char *k;
	va_list ap;

	va_start(ap, d);
	while (n != NULL && (k = va_arg(ap, const char *)) != NULL) {
		yaml_node_t *next = NULL;

		if (k[0] == '#' && n->type == YAML_SEQUENCE_NODE) {
			long i = strtol(k + 1, NULL, 10);

			if (i < n->data.sequence.items.top - n->data.sequence.items.start)
				next = yaml_document_get_node(d, n->data.sequence.items.start[i]);
		} else if (n->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
			     p < n->data.mapping.pairs.top; p++) {
				yaml_node_t *key = yaml_document_get_node(d, p->key);

				if (key->type == YAML_SCALAR_NODE &&
				    strcmp((const char *)key->data.scalar.value, k) == 0)
					next = yaml_document_get_node(d, p->value);
			}
		}
		n = next;
	}
	va_end(ap);
	return n;
}

static size_t
count(yaml_node_t *n)
{
	ck_assert_ptr_nonnull(n);
	if (n->type == YAML_MAPPING_NODE)
		return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	ck_assert_int_eq(n->type, YAML_SEQUENCE_NODE);
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* The document whose metadata.name is @name. */
static yaml_document_t *
doc_named(struct docs *ds, const char *name)
{
	for (int i = 0; i < ds->n; i++) {
		yaml_node_t *n = at(&ds->d[i], "metadata", "name", NULL);

		if (n != NULL && strcmp(scalar(n), name) == 0)
			return &ds->d[i];
	}
	ck_abort_msg("no document named %s", name);
	return NULL;
}

/* Is the scalar one a YAML 1.1 or 1.2 parser must read as a string? */
static bool
quoted(yaml_node_t *n)
{
	ck_assert_int_eq(n->type, YAML_SCALAR_NODE);
	return n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	       n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
}

/* The key node of @key in mapping @map. */
static yaml_node_t *
key_node(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	ck_assert_int_eq(map->type, YAML_MAPPING_NODE);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (strcmp(scalar(k), key) == 0)
			return k;
	}
	ck_abort_msg("no key %s", key);
	return NULL;
}

/* ---- building models ---- */

struct fixture {
	struct fp_db *db;
	struct fp_edgeset *es;
	struct fp_policy_model *m;
};

static void
build(struct fixture *f, const char *db_name, const char *text)
{
	struct fp_edge_opts eo = { 0 };
	struct fp_policy_opts po = { 0 };
	struct fp_err err = { 0 };

	f->db = fp_test_db(db_name);
	fp_test_ingest(f->db, db_name, text);
	ck_assert_int_eq(fp_edge_aggregate(&f->es, f->db, &eo, &err), 0);
	ck_assert_int_eq(fp_policy_synthesize(&f->m, f->es, &po, &err), 0);
}

static void
done(struct fixture *f)
{
	fp_policy_model_free(f->m);
	fp_edgeset_free(f->es);
	fp_db_close(f->db);
}

/* The YAML of namespace @ns (caller frees). */
static char *
emit_ns(const struct fp_policy_model *m, const char *ns)
{
	struct fp_err err = { 0 };
	struct fp_buf b;

	fp_buf_init(&b);
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->nss[i].ns, ns) == 0)
			ck_assert_int_eq(fp_emit_namespace(&b, m, &m->nss[i], &err), 0);
	ck_assert_ptr_nonnull(b.data);
	return fp_buf_steal(&b);
}

START_TEST(test_emit_parses_back)
{
	struct fixture f;
	struct fp_buf in;
	struct docs ds;
	yaml_document_t *d;
	char *yaml;

	fp_buf_init(&in);
	FP_HUBBLE(&in, .src = WEB, .dst = API, .port = 8080, .time = "2026-11-12T10:00:05Z");
	FP_HUBBLE(&in, .src = WEB, .dst = API, .port = 8081, .time = "2026-11-12T10:30:00Z");
	FP_HUBBLE(&in, .src = WEB, .dst = "reserved:world ip:93.184.216.34", .port = 443);
	FP_HUBBLE(&in, .src = WEB, .dst = "reserved:world ip:2001:db8::7", .port = 443);
	FP_HUBBLE(&in, .src = "ns:front pod:proxy-6f8b7c9d54-tk4vn app=proxy", .dst = WEB,
		  .port = 80);
	build(&f, "t.db", fp_buf_str(&in));
	fp_buf_done(&in);
	yaml = emit_ns(f.m, "shop");
	docs_load(&ds, yaml);
	ck_assert_int_eq(ds.n, 3);
	/* default-deny: every pod, both directions, nothing allowed. */
	d = &ds.d[0];
	ck_assert_str_eq(scalar(at(d, "apiVersion", NULL)), "networking.k8s.io/v1");
	ck_assert_str_eq(scalar(at(d, "kind", NULL)), "NetworkPolicy");
	ck_assert_str_eq(scalar(at(d, "metadata", "name", NULL)), "default-deny");
	ck_assert_str_eq(scalar(at(d, "metadata", "namespace", NULL)), "shop");
	ck_assert_str_eq(scalar(at(d, "metadata", "labels", "app.kubernetes.io/managed-by", NULL)),
			 "flowpol");
	ck_assert_str_eq(scalar(at(d, "metadata", "annotations", "flowpol/window", NULL)),
			 "2026-11-12T10:00:00Z/2026-11-12T10:31:00Z");
	ck_assert_uint_eq(count(at(d, "spec", "podSelector", NULL)), 0);
	ck_assert_str_eq(scalar(at(d, "spec", "policyTypes", "#0", NULL)), "Ingress");
	ck_assert_str_eq(scalar(at(d, "spec", "policyTypes", "#1", NULL)), "Egress");
	ck_assert_ptr_null(at(d, "spec", "ingress", NULL));
	ck_assert_ptr_null(at(d, "spec", "egress", NULL));
	/* The web policy. */
	d = doc_named(&ds, "allow-web");
	ck_assert_str_eq(scalar(at(d, "spec", "podSelector", "matchLabels", "app", NULL)), "web");
	ck_assert_str_eq(scalar(at(d, "metadata", "annotations", "flowpol/flows", NULL)), "5");
	ck_assert_str_eq(scalar(at(d, "metadata", "annotations", "flowpol/first-seen", NULL)),
			 "2026-11-12T10:00:00Z");
	ck_assert_str_eq(scalar(at(d, "metadata", "annotations", "flowpol/last-seen", NULL)),
			 "2026-11-12T10:30:00Z");
	/* Ingress from another namespace: namespaceSelector and podSelector in one peer. */
	ck_assert_uint_eq(count(at(d, "spec", "ingress", NULL)), 1);
	ck_assert_str_eq(scalar(at(d, "spec", "ingress", "#0", "from", "#0", "namespaceSelector",
				   "matchLabels", "kubernetes.io/metadata.name", NULL)),
			 "front");
	ck_assert_str_eq(scalar(at(d, "spec", "ingress", "#0", "from", "#0", "podSelector",
				   "matchLabels", "app", NULL)),
			 "proxy");
	ck_assert_str_eq(scalar(at(d, "spec", "ingress", "#0", "ports", "#0", "port", NULL)), "80");
	/* Egress, in port order: the two addresses on 443, then the API on a range. */
	ck_assert_uint_eq(count(at(d, "spec", "egress", NULL)), 2);
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#0", "to", "#0", "ipBlock", "cidr", NULL)),
			 "2001:db8::7/128");
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#0", "to", "#1", "ipBlock", "cidr", NULL)),
			 "93.184.216.34/32");
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#0", "ports", "#0", "port", NULL)), "443");
	ck_assert_ptr_null(at(d, "spec", "egress", "#0", "ports", "#0", "endPort", NULL));
	ck_assert_uint_eq(count(at(d, "spec", "egress", "#1", "to", "#0", NULL)), 1);
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#1", "to", "#0", "podSelector",
				   "matchLabels", "app", NULL)),
			 "api");
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#1", "ports", "#0", "protocol", NULL)),
			 "TCP");
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#1", "ports", "#0", "port", NULL)), "8080");
	ck_assert(!quoted(at(d, "spec", "egress", "#1", "ports", "#0", "port", NULL)));
	ck_assert_str_eq(scalar(at(d, "spec", "egress", "#1", "ports", "#0", "endPort", NULL)),
			 "8081");
	docs_free(&ds);
	free(yaml);
	/* The other namespace's file holds its own policies only. */
	yaml = emit_ns(f.m, "front");
	docs_load(&ds, yaml);
	ck_assert_int_eq(ds.n, 2);
	ck_assert_str_eq(scalar(at(&ds.d[1], "spec", "egress", "#0", "to", "#0", "namespaceSelector",
				   "matchLabels", "kubernetes.io/metadata.name", NULL)),
			 "shop");
	docs_free(&ds);
	free(yaml);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_emit_quotes_ambiguous_values)
{
	/* Label values YAML 1.1 or 1.2 reads as numbers, booleans or null. */
	static const char *const values[] = { "1", "true", "null", "0755", "yes", "No", "on",
					      "OFF", "y", "1e3", "0x1f", "1.5", "Null" };
	/* The names of their label-only workloads' policies ("Null" sorts first). */
	static const char *const names[] = { "allow-1", "allow-true", "allow-null-2", "allow-0755",
					     "allow-yes", "allow-no", "allow-on", "allow-off",
					     "allow-y", "allow-1e3", "allow-0x1f", "allow-1-5",
					     "allow-null" };
	struct fixture f;
	struct fp_buf in;
	struct docs ds;
	char *yaml, src[128];

	fp_buf_init(&in);
	/* Label-only workloads, in a namespace called "123". */
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(src, sizeof(src), "ns:123 app=%s", values[i]);
		FP_HUBBLE(&in, .src = src, .dst = "ns:123 n=y", .port = 80);
	}
	build(&f, "t.db", fp_buf_str(&in));
	fp_buf_done(&in);
	yaml = emit_ns(f.m, "123");
	docs_load(&ds, yaml);
	ck_assert_int_eq(ds.n, 2 + (int)(sizeof(values) / sizeof(values[0])));
	for (int i = 0; i < ds.n; i++) {
		yaml_document_t *d = &ds.d[i];
		yaml_node_t *ns = at(d, "metadata", "namespace", NULL);

		ck_assert_str_eq(scalar(ns), "123");
		ck_assert(quoted(ns));
		if (at(d, "metadata", "annotations", "flowpol/flows", NULL) != NULL)
			ck_assert(quoted(at(d, "metadata", "annotations", "flowpol/flows", NULL)));
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		yaml_document_t *d;
		yaml_node_t *v;

		/* The policy of app=<value> selects the string <value>. */
		d = doc_named(&ds, names[i]);
		v = at(d, "spec", "podSelector", "matchLabels", "app", NULL);
		ck_assert_str_eq(scalar(v), values[i]);
		ck_assert_msg(quoted(v), "%s is not quoted", values[i]);
	}
	/* Keys too: {n: y} reads as {false: true} in YAML 1.1. */
	{
		yaml_document_t *d = doc_named(&ds, "allow-y");
		yaml_node_t *to = at(d, "spec", "egress", "#0", "to", "#0", "podSelector",
				     "matchLabels", NULL);

		ck_assert_str_eq(scalar(at(d, "spec", "egress", "#0", "to", "#0", "podSelector",
					   "matchLabels", "n", NULL)),
				 "y");
		ck_assert(quoted(key_node(d, to, "n")));
		ck_assert(quoted(at(d, "spec", "egress", "#0", "to", "#0", "podSelector",
				    "matchLabels", "n", NULL)));
		/* Plain words need no quotes. */
		ck_assert(!quoted(at(d, "kind", NULL)));
	}
	docs_free(&ds);
	free(yaml);
	done(&f);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_emit_values_cannot_break_structure)
{
	/* Values no reader lets through, to show the emitter holds on its own. */
	struct fp_label match[] = {
		{ "a: b", "x\n  evil: true" }, { "app", "- [c]" }, { "k", "#not a comment" },
		{ "q", "\"'\\" },              { "r", "*alias &anchor !tag {}" },
		{ "s", "--- \n..." },
	};
	char *absent[] = { (char *)"gone: [1]" };
	struct fp_identity id = { .kind = FP_ID_WORKLOAD, .key = (char *)"w:shop/x",
				  .ns = (char *)"shop", .name = (char *)"x", .selectable = true,
				  .sel = { match, 6, absent, 1 } };
	struct fp_policy pol[] = { { .name = (char *)"default-deny" },
				   { .name = (char *)"allow-x", .target = &id } };
	struct fp_policy_ns pn = { .ns = (char *)"shop", .policies = pol, .n = 2 };
	struct fp_edgeset es = { .since = 0, .until = 60 };
	struct fp_policy_model m = { .es = &es, .nss = &pn, .n = 1 };
	struct fp_policy_ns bad = { .ns = (char *)"../x", .policies = pol, .n = 1 };
	struct fp_err err = { 0 };
	struct fp_buf b;
	struct docs ds;
	yaml_node_t *ml;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_emit_namespace(&b, &m, &pn, &err), 0);
	docs_load(&ds, fp_buf_str(&b));
	ck_assert_int_eq(ds.n, 2);
	ml = at(&ds.d[1], "spec", "podSelector", "matchLabels", NULL);
	ck_assert_uint_eq(count(ml), 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(scalar(at(&ds.d[1], "spec", "podSelector", "matchLabels",
					   match[i].key, NULL)),
				 match[i].value);
	ck_assert_str_eq(scalar(at(&ds.d[1], "spec", "podSelector", "matchExpressions", "#0", "key",
				   NULL)),
			 "gone: [1]");
	ck_assert_str_eq(scalar(at(&ds.d[1], "spec", "podSelector", "matchExpressions", "#0",
				   "operator", NULL)),
			 "DoesNotExist");
	/* Nothing else appeared at the top of the spec. */
	ck_assert_uint_eq(count(at(&ds.d[1], "spec", NULL)), 2);
	ck_assert_uint_eq(count(at(&ds.d[1], NULL)), 4);
	docs_free(&ds);
	/* A namespace that is no namespace name is refused. */
	ck_assert_int_eq(fp_emit_namespace(&b, &m, &bad, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "invalid namespace name '../x'");
	fp_buf_done(&b);
}
END_TEST

/* Generate @text's policies into @dir; returns the digest. */
static uint64_t
generate(const char *db_name, const char *text, const char *dir)
{
	struct fixture f;
	struct fp_err err = { 0 };
	uint64_t digest = 0;

	build(&f, db_name, text);
	ck_assert_int_eq(fp_emit_model(&digest, f.m, dir, NULL, &err), 0);
	done(&f);
	return digest;
}

static void
assert_same_file(const char *dir1, const char *dir2, const char *name)
{
	char p1[PATH_MAX], p2[PATH_MAX];
	size_t l1, l2;
	char *a, *b;

	snprintf(p1, sizeof(p1), "%s/%s", dir1, name);
	snprintf(p2, sizeof(p2), "%s/%s", dir2, name);
	a = fp_read_file(p1, &l1);
	b = fp_read_file(p2, &l2);
	ck_assert_uint_gt(l1, 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}

START_TEST(test_emit_same_input_same_bytes)
{
	size_t len;
	char *text = fp_read_file(fp_testdata("demo/hubble-ip-10-0-1-17.jsonl"), &len);
	char *lines[4096], d1[PATH_MAX], d2[PATH_MAX], d3[PATH_MAX], *kust;
	struct fp_buf rev;
	uint64_t g1, g2, g3;
	size_t n = 0;

	snprintf(d1, sizeof(d1), "%s/out1", fp_tmpdir());
	snprintf(d2, sizeof(d2), "%s/out2", fp_tmpdir());
	snprintf(d3, sizeof(d3), "%s/nested/out3", fp_tmpdir());
	g1 = generate("a.db", text, d1);
	g2 = generate("b.db", text, d2);
	/* The same lines backwards: another input order, the same traffic. */
	for (char *p = text; *p != '\0' && n < 4096;) {
		char *nl = strchr(p, '\n');

		lines[n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	fp_buf_init(&rev);
	while (n > 0)
		fp_buf_printf(&rev, "%s\n", lines[--n]);
	g3 = generate("c.db", fp_buf_str(&rev), d3);
	ck_assert(g1 != 0);
	ck_assert(g1 == g2);
	ck_assert(g1 == g3);
	assert_same_file(d1, d2, "prod.yaml");
	assert_same_file(d1, d3, "prod.yaml");
	assert_same_file(d1, d3, "ingress-nginx.yaml");
	assert_same_file(d1, d3, "kustomization.yaml");
	ck_assert_int_lt(snprintf(d3, sizeof(d3), "%.4000s/kustomization.yaml", d1), PATH_MAX);
	kust = fp_read_file(d3, &len);
	ck_assert_str_eq(kust, "---\n"
			       "apiVersion: kustomize.config.k8s.io/v1beta1\n"
			       "kind: Kustomization\n"
			       "resources:\n"
			       "- ingress-nginx.yaml\n"
			       "- monitoring.yaml\n"
			       "- prod.yaml\n");
	free(kust);
	fp_buf_done(&rev);
	free(text);
	fp_tmpdir_cleanup();
}
END_TEST

/* The podSelector of policy @name in namespace shop, as JSON-ish text. */
static char *
pod_selector_of(const char *db_name, const char *text, const char *name)
{
	struct fixture f;
	struct docs ds;
	yaml_document_t *d;
	yaml_node_t *sel;
	struct fp_buf b;
	char *yaml;

	build(&f, db_name, text);
	yaml = emit_ns(f.m, "shop");
	docs_load(&ds, yaml);
	d = doc_named(&ds, name);
	sel = at(d, "spec", "podSelector", NULL);
	ck_assert_ptr_nonnull(sel);
	fp_buf_init(&b);
	fp_buf_adds(&b, "");
	ck_assert_ptr_null(at(d, "spec", "podSelector", "matchExpressions", NULL));
	sel = at(d, "spec", "podSelector", "matchLabels", NULL);
	for (yaml_node_pair_t *p = sel->data.mapping.pairs.start; p < sel->data.mapping.pairs.top;
	     p++)
		fp_buf_printf(&b, "%s=%s;", scalar(yaml_document_get_node(d, p->key)),
			      scalar(yaml_document_get_node(d, p->value)));
	docs_free(&ds);
	free(yaml);
	done(&f);
	return fp_buf_steal(&b);
}

START_TEST(test_emit_rollout_keeps_selector)
{
	struct fp_buf before, after;
	char *s1, *s2;

	fp_buf_init(&before);
	FP_HUBBLE(&before, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web tier=front "
				  "pod-template-hash=7d9f8b6c4b",
		  .dst = API, .port = 8080);
	FP_HUBBLE(&before, .src = "ns:shop pod:web-7d9f8b6c4b-tqrzp app=web tier=front "
				  "pod-template-hash=7d9f8b6c4b",
		  .dst = API, .port = 8080);
	FP_HUBBLE(&before, .src = "ns:shop pod:worker-6f8b7c9d54-tk4vn app=worker tier=front",
		  .dst = API, .port = 8080);
	fp_buf_init(&after);
	fp_buf_adds(&after, fp_buf_str(&before));
	/* The rollout: a new ReplicaSet, a new hash. */
	FP_HUBBLE(&after, .time = "2026-11-13T10:00:00Z",
		  .src = "ns:shop pod:web-5c7d9f6b8d-q9wzt app=web tier=front "
			 "pod-template-hash=5c7d9f6b8d",
		  .dst = API, .port = 8080);
	s1 = pod_selector_of("before.db", fp_buf_str(&before), "allow-web");
	s2 = pod_selector_of("after.db", fp_buf_str(&after), "allow-web");
	ck_assert_str_eq(s1, "app=web;");
	ck_assert_str_eq(s2, s1);
	free(s1);
	free(s2);
	fp_buf_done(&before);
	fp_buf_done(&after);
	fp_tmpdir_cleanup();
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("namespace");

	tcase_add_test(tc, test_emit_parses_back);
	tcase_add_test(tc, test_emit_quotes_ambiguous_values);
	tcase_add_test(tc, test_emit_values_cannot_break_structure);
	tcase_add_test(tc, test_emit_rollout_keeps_selector);
	suite_add_tcase(s, tc);
	tc = tcase_create("model");
	/* Three databases of a real node file: slow under sanitizers. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_emit_same_input_same_bytes);
	suite_add_tcase(s, tc);
	return s;
}
