/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-netpol.c - reading NetworkPolicies: streams, Lists, directories,
 * skipped documents, the API server's validation and its defaulting.
 * The evaluator has its own suite, test-netpol-eval.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/netpol-check.h"

#define NP_HEAD_ITEM "apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n"

/* The one invalid document of @text: its note must be exactly this. */
static void
assert_invalid(const char *text, long line, int column, const char *msg)
{
	struct notes n;
	struct fp_netpol_set *s = load_text(text, &n);

	ck_assert_uint_eq(n.n, 1);
	fp_assert_err(&n.v[0], FP_EINPUT, "np.yaml", line, column, msg);
	ck_assert_uint_eq(fp_netpol_count(s), 0);
	ck_assert_uint_eq(fp_netpol_invalid(s), 1);
	fp_netpol_set_free(s);
}

/* --- loading ------------------------------------------------------------ */

START_TEST(test_netpol_loads_multi_document_stream)
{
	struct notes n;
	struct fp_netpol_set *s =
		load_text(NP_HEAD "metadata: {name: a, namespace: prod}\n"
				  "spec: {podSelector: {}}\n"
				  "---\n" NP_HEAD "metadata: {name: b}\n"
				  "spec:\n"
				  "  podSelector: {matchLabels: {app: web}}\n"
				  "  ingress:\n"
				  "  - from: [{podSelector: {}}]\n"
				  "  - {}\n"
				  "---\n",
			  &n);
	const struct fp_netpol_info *a, *b;

	ck_assert_uint_eq(n.n, 0);
	ck_assert_uint_eq(fp_netpol_count(s), 2);
	ck_assert_uint_eq(fp_netpol_invalid(s), 0);
	a = fp_netpol_get(s, 0);
	b = fp_netpol_get(s, 1);
	ck_assert_str_eq(a->name, "a");
	ck_assert_str_eq(a->ns, "prod");
	ck_assert_str_eq(a->file, "np.yaml");
	ck_assert_int_eq(a->line, 1);
	ck_assert_int_eq(a->column, 1);
	ck_assert_str_eq(b->name, "b");
	ck_assert_str_eq(b->ns, "default");
	ck_assert_int_eq(b->line, 6);
	ck_assert_uint_eq(b->n_rules[FP_NETPOL_INGRESS], 2);
	ck_assert_uint_eq(b->n_rules[FP_NETPOL_EGRESS], 0);
	ck_assert_int_eq(fp_netpol_rule_line(s, 1, FP_NETPOL_INGRESS, 1), 13);
	ck_assert_int_eq(fp_netpol_rule_line(s, 1, FP_NETPOL_INGRESS, 2), 0);
	ck_assert_uint_eq(b->pod_selector->n_match_labels, 1);
	ck_assert_ptr_null(fp_netpol_get(s, 2));
	fp_netpol_set_free(s);
	fp_netpol_set_free(NULL);
}
END_TEST

START_TEST(test_netpol_loads_lists)
{
	struct notes n;
	struct fp_netpol_set *s = load_text(
		"apiVersion: v1\nkind: List\nitems:\n"
		"- " NP_HEAD_ITEM "  metadata: {name: a, namespace: x}\n"
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: svc}\n"
		"- kind: NetworkPolicy\n  metadata: {name: c}\n"
		"---\n"
		"{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": "
		"\"NetworkPolicyList\",\n"
		" \"items\": [{\"metadata\": {\"name\": \"b\", \"namespace\": \"z\"},\n"
		"            \"spec\": {\"podSelector\": {}}}]}\n",
		&n);

	/* Items of a typed list inherit kind and apiVersion; a List's do not. */
	ck_assert_uint_eq(fp_netpol_count(s), 2);
	ck_assert_str_eq(fp_netpol_get(s, 0)->name, "a");
	ck_assert_str_eq(fp_netpol_get(s, 1)->name, "b");
	ck_assert_uint_eq(n.n, 2);
	fp_assert_err(&n.v[0], FP_OK, "np.yaml", 7, 3, "skipping v1 Service 'svc'");
	fp_assert_err(&n.v[1], FP_EINPUT, "np.yaml", 10, 3, "apiVersion: required");
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_notes_and_skips_other_documents)
{
	struct notes n;
	struct fp_netpol_set *s = load_text(
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
		"---\n"
		"apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: "
		"c}\n"
		"---\n"
		"- just\n- a list\n"
		"---\n"
		"replicas: 3\n"
		"---\n"
		"apiVersion: v1\nkind: PodList\nitems: [{metadata: {name: p}}]\n",
		&n);

	ck_assert_uint_eq(fp_netpol_count(s), 0);
	ck_assert_uint_eq(fp_netpol_invalid(s), 0);
	ck_assert_uint_eq(n.n, 5);
	fp_assert_err(&n.v[0], FP_OK, "np.yaml", 1, 1,
		      "skipping apps/v1 Deployment 'web'");
	fp_assert_err(&n.v[1], FP_OK, "np.yaml", 5, 1,
		      "skipping projectcalico.org/v3 NetworkPolicy 'c'");
	fp_assert_err(&n.v[2], FP_OK, "np.yaml", 9, 1,
		      "skipping a sequence: not a Kubernetes object");
	fp_assert_err(&n.v[3], FP_OK, "np.yaml", 12, 1,
		      "skipping a mapping without kind: not a Kubernetes object");
	fp_assert_err(&n.v[4], FP_OK, "np.yaml", 14, 1, "skipping v1 PodList");
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_syntax_error_loses_the_file)
{
	struct notes n;
	struct fp_netpol_set *s = load_text(NP_HEAD "metadata: {name: a}\n"
						    "---\n" NP_HEAD "metadata:\n"
						    "  name: b\n"
						    " namespace: x\n",
					    &n);

	ck_assert_uint_eq(fp_netpol_count(s), 0);
	ck_assert_uint_eq(fp_netpol_invalid(s), 1);
	ck_assert_uint_eq(n.n, 1);
	fp_assert_err(&n.v[0], FP_EINPUT, "np.yaml", 9, 2,
		      "did not find expected key (while parsing a block mapping that "
		      "started at "
		      "line 5); nothing in this file was loaded");
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_walks_directories_in_order)
{
	const char *dir = fp_tmpdir();
	char sub[512], hidden[512], path[512];
	struct fp_netpol_set *s;
	struct notes n = { .n = 0 };
	struct fp_err err;

	snprintf(sub, sizeof(sub), "%s/b-dir", dir);
	snprintf(hidden, sizeof(hidden), "%s/.git", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(mkdir(hidden, 0700), 0);
	fp_write_file(dir, "c.yml", NP_HEAD "metadata: {name: c}\n");
	fp_write_file(
		dir, "a.json",
		"{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\", "
		"\"metadata\": {\"name\": \"a\"}}");
	fp_write_file(dir, "README.md", NP_HEAD "metadata: {name: readme}\n");
	fp_write_file(sub, "z.yaml",
		      NP_HEAD "metadata: {name: bz}\n---\n" NP_HEAD
			      "metadata: {name: by}\n");
	fp_write_file(hidden, "x.yaml", NP_HEAD "metadata: {name: hidden}\n");
	fp_write_file(dir, "bad.yaml", NP_HEAD "metadata: {name: Bad}\n");
	ck_assert_int_eq(fp_netpol_set_new(&s, NULL), 0);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_load_path(s, dir, keep_note, &n, &err), 0);
	/* Byte order of names: a.json, b-dir/z.yaml, bad.yaml, c.yml. */
	ck_assert_uint_eq(fp_netpol_count(s), 4);
	ck_assert_str_eq(fp_netpol_get(s, 0)->name, "a");
	ck_assert_str_eq(fp_netpol_get(s, 1)->name, "bz");
	ck_assert_str_eq(fp_netpol_get(s, 2)->name, "by");
	ck_assert_str_eq(fp_netpol_get(s, 3)->name, "c");
	snprintf(path, sizeof(path), "%s/b-dir/z.yaml", dir);
	ck_assert_str_eq(fp_netpol_get(s, 1)->file, path);
	ck_assert_int_eq(fp_netpol_get(s, 2)->line, 5);
	ck_assert_uint_eq(n.n, 1);
	snprintf(path, sizeof(path), "%s/bad.yaml", dir);
	fp_assert_err(&n.v[0], FP_EINPUT, path, 3, 18,
		      "metadata.name: invalid name 'Bad': must be a lowercase RFC 1123 "
		      "subdomain");
	/* A file named on its own is read whatever its suffix. */
	snprintf(path, sizeof(path), "%s/README.md", dir);
	ck_assert_int_eq(fp_netpol_load_path(s, path, NULL, NULL, &err), 0);
	ck_assert_uint_eq(fp_netpol_count(s), 5);
	fp_netpol_set_free(s);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_netpol_walk_follows_file_links_only_and_bounds_depth)
{
	const char *dir = fp_tmpdir();
	char path[4096], target[512], deepest[4096];
	struct fp_netpol_set *s;
	struct notes n = { .n = 0 };
	struct fp_err err;
	size_t len;

	snprintf(target, sizeof(target), "%s/.outside.yaml", dir);
	fp_write_file(dir, ".outside.yaml", NP_HEAD "metadata: {name: linked}\n");
	snprintf(path, sizeof(path), "%s/link.yaml", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	/* A link back to the top would loop forever if it were followed. */
	snprintf(path, sizeof(path), "%s/loop", dir);
	ck_assert_int_eq(symlink(dir, path), 0);
	/* 33 levels below the top: one too deep. */
	len = (size_t)snprintf(deepest, sizeof(deepest), "%s", dir);
	for (int i = 0; i < 33; i++) {
		len += (size_t)snprintf(deepest + len, sizeof(deepest) - len, "/d");
		ck_assert_int_eq(mkdir(deepest, 0700), 0);
	}
	fp_write_file(deepest, "deep.yaml", NP_HEAD "metadata: {name: deep}\n");
	ck_assert_int_eq(fp_netpol_set_new(&s, NULL), 0);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_load_path(s, dir, keep_note, &n, &err), 0);
	ck_assert_uint_eq(fp_netpol_count(s), 1);
	ck_assert_str_eq(fp_netpol_get(s, 0)->name, "linked");
	ck_assert_uint_eq(n.n, 1);
	fp_assert_err(&n.v[0], FP_EINPUT, deepest, 0, 0,
		      "directories nested deeper than 32; not loaded");
	fp_netpol_set_free(s);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_netpol_missing_path_is_an_io_error)
{
	struct fp_netpol_set *s;
	struct fp_err err;

	ck_assert_int_eq(fp_netpol_set_new(&s, NULL), 0);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_load_path(s, "/nonexistent/np", NULL, NULL, &err),
			 FP_EIO);
	fp_assert_err(&err, FP_EIO, "/nonexistent/np", 0, 0,
		      "cannot open: No such file or directory");
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_default_namespace)
{
	struct fp_netpol_set *s;
	struct fp_err err;
	const char *t = NP_HEAD "metadata: {name: a}\n";

	ck_assert_int_eq(fp_netpol_set_new(&s, NULL), 0);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_set_default_namespace(s, "Prod", &err), FP_EUSAGE);
	fp_assert_err(&err, FP_EUSAGE, "", 0, 0,
		      "invalid default namespace 'Prod': must be a DNS-1123 label");
	ck_assert_int_eq(fp_netpol_set_default_namespace(s, "team-a", NULL), 0);
	ck_assert_int_eq(fp_netpol_load_buffer(s, "t", t, strlen(t), NULL, NULL, NULL),
			 0);
	ck_assert_str_eq(fp_netpol_get(s, 0)->ns, "team-a");
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_refuses_duplicate_names)
{
	struct notes n;
	struct fp_netpol_set *s =
		load_text(NP_HEAD "metadata: {name: a, namespace: x}\n---\n" NP_HEAD
				  "metadata: {name: a, namespace: z}\n---\n" NP_HEAD
				  "metadata: {name: a, namespace: x}\n",
			  &n);

	ck_assert_uint_eq(fp_netpol_count(s), 2);
	ck_assert_uint_eq(fp_netpol_invalid(s), 1);
	fp_assert_err(&n.v[0], FP_EINPUT, "np.yaml", 9, 1,
		      "NetworkPolicy x/a is already defined at np.yaml:1");
	fp_netpol_set_free(s);
}
END_TEST

/* --- validation --------------------------------------------------------- */

START_TEST(test_netpol_rejects_invalid_names)
{
	assert_invalid(
		NP_HEAD "metadata: {name: web_policy}\n", 3, 18,
		"metadata.name: invalid name 'web_policy': must be a lowercase RFC 1123 "
		"subdomain");
	assert_invalid(NP_HEAD "metadata: {name: a, namespace: a.b}\n", 3, 32,
		       "metadata.namespace: invalid namespace 'a.b': must be a lowercase "
		       "RFC 1123 "
		       "label");
	assert_invalid(NP_HEAD "metadata: {generateName: a-}\n", 3, 11,
		       "metadata: name: required (generateName is not supported)");
	assert_invalid(NP_HEAD "spec: {}\n", 1, 1, "metadata: name: required");
	assert_invalid(NP_HEAD "metadata: {name: 123}\n", 3, 18,
		       "metadata.name: expected a string, got an integer");
}
END_TEST

START_TEST(test_netpol_rejects_unknown_fields)
{
	/* A typo would otherwise turn an allow rule into a default deny. */
	assert_invalid(NP_HEAD "metadata: {name: a}\nspec:\n  ingres: [{}]\n", 5, 3,
		       "spec: unknown field 'ingres'");
	assert_invalid(NP_HEAD "metadata: {name: a}\nspec:\n  ingress:\n  - to: []\n", 6,
		       5, "spec.ingress[0]: unknown field 'to'");
	assert_invalid(NP_HEAD "metadata: {name: a}\nextra: 1\n", 4, 1,
		       "unknown field 'extra'");
}
END_TEST

START_TEST(test_netpol_rejects_ip_block_errors)
{
	const char *head = NP_HEAD "metadata: {name: a}\nspec:\n  egress:\n  - to:\n";
	char t[512];

	/* An except outside its cidr, or as wide as it, is no strict subset. */
	snprintf(t, sizeof(t),
		 "%s    - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}\n", head);
	assert_invalid(t, 7, 45,
		       "spec.egress[0].to[0].ipBlock.except[0]: must be a strict "
		       "subset of cidr");
	snprintf(t, sizeof(t),
		 "%s    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}\n", head);
	assert_invalid(t, 7, 45,
		       "spec.egress[0].to[0].ipBlock.except[0]: must be a strict "
		       "subset of cidr");
	snprintf(t, sizeof(t), "%s    - ipBlock: {cidr: 10.0.0.0/8, except: ['::/64']}\n",
		 head);
	assert_invalid(t, 7, 44,
		       "spec.egress[0].to[0].ipBlock.except[0]: must be a strict "
		       "subset of cidr");
	snprintf(t, sizeof(t), "%s    - ipBlock: {cidr: 10.0.0.300/8}\n", head);
	assert_invalid(t, 7, 23,
		       "spec.egress[0].to[0].ipBlock.cidr: invalid CIDR '10.0.0.300/8'");
	snprintf(t, sizeof(t), "%s    - ipBlock: {except: [10.0.0.0/9]}\n", head);
	assert_invalid(t, 7, 16, "spec.egress[0].to[0].ipBlock: cidr: required");
	/* ipBlock cannot be combined with a selector in one peer. */
	snprintf(t, sizeof(t),
		 "%s    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n", head);
	assert_invalid(t, 7, 7,
		       "spec.egress[0].to[0]: may not specify both ipBlock and another "
		       "peer");
	snprintf(t, sizeof(t), "%s    - {}\n", head);
	assert_invalid(t, 7, 7, "spec.egress[0].to[0]: must specify a peer");
	/* A null selector is an absent pointer in Go: still no peer. */
	snprintf(t, sizeof(t), "%s    - podSelector: null\n", head);
	assert_invalid(t, 7, 7, "spec.egress[0].to[0]: must specify a peer");
}
END_TEST

START_TEST(test_netpol_rejects_port_errors)
{
	const char *head = NP_HEAD "metadata: {name: a}\nspec:\n  ingress:\n  - ports:\n";
	char t[512];

	snprintf(t, sizeof(t), "%s    - {port: 8080, endPort: 80}\n", head);
	assert_invalid(t, 7, 29,
		       "spec.ingress[0].ports[0].endPort: must be greater than or "
		       "equal to port");
	snprintf(t, sizeof(t), "%s    - {port: http, endPort: 80}\n", head);
	assert_invalid(t, 7, 29,
		       "spec.ingress[0].ports[0].endPort: may not be specified when "
		       "port is non-numeric");
	snprintf(t, sizeof(t), "%s    - {endPort: 80}\n", head);
	assert_invalid(t, 7, 17,
		       "spec.ingress[0].ports[0]: endPort: may not be specified when "
		       "port is not specified");
	snprintf(t, sizeof(t), "%s    - {port: 65536}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: must be between 1 and 65535, "
		       "inclusive");
	snprintf(t, sizeof(t), "%s    - {port: 0}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: must be between 1 and 65535, "
		       "inclusive");
	/* Quoted, 80 is a string: a port name, and not a valid one. */
	snprintf(t, sizeof(t), "%s    - {port: \"80\"}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: invalid port name '80': must "
		       "contain at least one letter (a-z)");
	snprintf(t, sizeof(t), "%s    - {port: web--api}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: invalid port name 'web--api': "
		       "must not contain consecutive hyphens");
	snprintf(t, sizeof(t), "%s    - {port: a-very-long-port-name}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: invalid port name "
		       "'a-very-long-port-name': must be no more than 15 characters");
	snprintf(t, sizeof(t), "%s    - {port: Http}\n", head);
	assert_invalid(
		t, 7, 14,
		"spec.ingress[0].ports[0].port: invalid port name 'Http': must "
		"contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	snprintf(t, sizeof(t), "%s    - {port: -http}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: invalid port name '-http': must "
		       "not begin or end with a hyphen");
	snprintf(t, sizeof(t), "%s    - {port: 80.5}\n", head);
	assert_invalid(t, 7, 14,
		       "spec.ingress[0].ports[0].port: expected an integer or a port "
		       "name, got a float");
	snprintf(t, sizeof(t), "%s    - {protocol: tcp, port: 80}\n", head);
	assert_invalid(t, 7, 18,
		       "spec.ingress[0].ports[0].protocol: unsupported value 'tcp': "
		       "supported values: 'TCP', 'UDP', 'SCTP'");
	snprintf(t, sizeof(t), "%s    - {port: 80, portt: 81}\n", head);
	assert_invalid(t, 7, 18, "spec.ingress[0].ports[0]: unknown field 'portt'");
}
END_TEST

START_TEST(test_netpol_rejects_selector_errors)
{
	const char *head = NP_HEAD "metadata: {name: a}\nspec:\n  podSelector:\n";
	char t[512];

	snprintf(t, sizeof(t), "%s    matchExpressions: [{key: app, operator: In}]\n",
		 head);
	assert_invalid(t, 6, 24,
		       "spec.podSelector.matchExpressions[0].values: must be specified "
		       "when operator is 'In' or 'NotIn'");
	snprintf(t, sizeof(t),
		 "%s    matchExpressions: [{key: app, operator: NotIn, values: []}]\n",
		 head);
	assert_invalid(t, 6, 24,
		       "spec.podSelector.matchExpressions[0].values: must be specified "
		       "when operator is 'In' or 'NotIn'");
	snprintf(t, sizeof(t),
		 "%s    matchExpressions: [{key: app, operator: Exists, values: [a]}]\n",
		 head);
	assert_invalid(t, 6, 61,
		       "spec.podSelector.matchExpressions[0].values: may not be "
		       "specified when operator is 'Exists' or 'DoesNotExist'");
	snprintf(t, sizeof(t),
		 "%s    matchExpressions: [{key: app, operator: in, values: [a]}]\n",
		 head);
	assert_invalid(t, 6, 45,
		       "spec.podSelector.matchExpressions[0].operator: 'in' is not a "
		       "valid selector operator");
	snprintf(t, sizeof(t), "%s    matchExpressions: [{operator: Exists}]\n", head);
	assert_invalid(t, 6, 24, "spec.podSelector.matchExpressions[0]: key: required");
	snprintf(t, sizeof(t), "%s    matchLabels: {\"bad key\": x}\n", head);
	assert_invalid(t, 6, 19,
		       "spec.podSelector.matchLabels: invalid label key 'bad key'");
	snprintf(t, sizeof(t), "%s    matchLabels: {app: \"-x\"}\n", head);
	assert_invalid(t, 6, 24,
		       "spec.podSelector.matchLabels: invalid label value '-x'");
	/* Plain `on` and `1` are a boolean and an integer to Kubernetes. */
	snprintf(t, sizeof(t), "%s    matchLabels: {enabled: on}\n", head);
	assert_invalid(t, 6, 28,
		       "spec.podSelector.matchLabels: expected a string, got a boolean");
	snprintf(t, sizeof(t), "%s    matchLabels: {version: 1}\n", head);
	assert_invalid(t, 6, 28,
		       "spec.podSelector.matchLabels: expected a string, got an "
		       "integer");
	snprintf(t, sizeof(t), "%s    matchLabels: [app]\n", head);
	assert_invalid(t, 6, 18,
		       "spec.podSelector.matchLabels: expected a mapping, got a "
		       "sequence");
}
END_TEST

START_TEST(test_netpol_rejects_policy_type_errors)
{
	assert_invalid(
		NP_HEAD "metadata: {name: a}\nspec:\n  policyTypes: [ingress]\n", 5, 17,
		"spec.policyTypes[0]: unsupported value 'ingress': supported values: "
		"'Ingress', 'Egress'");
	assert_invalid(NP_HEAD "metadata: {name: a}\n"
			       "spec:\n  policyTypes: [Ingress, Egress, Ingress]\n",
		       5, 16,
		       "spec.policyTypes: may not specify more than two policyTypes");
	assert_invalid(NP_HEAD "metadata: {name: a}\nspec:\n  ingress: {from: []}\n", 5,
		       12, "spec.ingress: expected a sequence, got a mapping");
}
END_TEST

/* --- defaulting --------------------------------------------------------- */

static const struct fp_netpol_info *
only_policy(struct fp_netpol_set **s, const char *spec)
{
	char t[1024];
	struct notes n;

	snprintf(t, sizeof(t), NP_HEAD "metadata: {name: a}\n%s", spec);
	*s = load_text(t, &n);
	ck_assert_uint_eq(n.n, 0);
	ck_assert_uint_eq(fp_netpol_count(*s), 1);
	return fp_netpol_get(*s, 0);
}

START_TEST(test_netpol_policy_types_default)
{
	struct fp_netpol_set *s;
	const struct fp_netpol_info *in;

	in = only_policy(&s, "spec: {podSelector: {}}\n");
	ck_assert(in->ingress && !in->egress);
	fp_netpol_set_free(s);
	/* Egress rules without policyTypes: ["Ingress", "Egress"]. */
	in = only_policy(&s, "spec:\n  egress: [{to: [{podSelector: {}}]}]\n");
	ck_assert(in->ingress && in->egress);
	fp_netpol_set_free(s);
	/* `egress: []` has no rules, so no Egress type. */
	in = only_policy(&s, "spec:\n  egress: []\n");
	ck_assert(in->ingress && !in->egress);
	fp_netpol_set_free(s);
	in = only_policy(&s, "spec:\n  policyTypes: []\n  egress: [{}]\n");
	ck_assert(in->ingress && in->egress);
	fp_netpol_set_free(s);
	in = only_policy(&s, "spec:\n  policyTypes: [Egress]\n  ingress: [{}]\n");
	ck_assert(!in->ingress && in->egress);
	ck_assert_uint_eq(in->n_rules[FP_NETPOL_INGRESS], 1);
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_missing_pod_selector_selects_all)
{
	struct fp_netpol_set *s;
	const struct fp_netpol_info *in;

	/* The API server stores an absent podSelector as {} (kubernetes#131354). */
	in = only_policy(&s, "spec:\n  policyTypes: [Ingress]\n");
	ck_assert_uint_eq(in->pod_selector->n_match_labels, 0);
	ck_assert_uint_eq(in->pod_selector->n_exprs, 0);
	fp_netpol_set_free(s);
	in = only_policy(&s, "");
	ck_assert(in->ingress && !in->egress);
	fp_netpol_set_free(s);
}
END_TEST

START_TEST(test_netpol_nulls_follow_go_decoding)
{
	struct fp_netpol_set *s;
	const struct fp_netpol_info *in;

	/* null is absent for lists and the zero value for list items. */
	in = only_policy(&s, "spec:\n  podSelector: ~\n  ingress: ~\n  egress:\n  - ~\n");
	ck_assert_uint_eq(in->n_rules[FP_NETPOL_INGRESS], 0);
	ck_assert_uint_eq(in->n_rules[FP_NETPOL_EGRESS], 1);
	ck_assert(in->egress);
	fp_netpol_set_free(s);
	in = only_policy(&s, "spec:\n  podSelector:\n    matchLabels: {app: }\n");
	ck_assert_str_eq(in->pod_selector->match_labels[0].value, "");
	fp_netpol_set_free(s);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("netpol");
	TCase *tc = tcase_create("load_buffer");

	tcase_add_test(tc, test_netpol_loads_multi_document_stream);
	tcase_add_test(tc, test_netpol_loads_lists);
	tcase_add_test(tc, test_netpol_notes_and_skips_other_documents);
	tcase_add_test(tc, test_netpol_syntax_error_loses_the_file);
	tcase_add_test(tc, test_netpol_refuses_duplicate_names);
	tcase_add_test(tc, test_netpol_rejects_invalid_names);
	tcase_add_test(tc, test_netpol_rejects_unknown_fields);
	tcase_add_test(tc, test_netpol_rejects_ip_block_errors);
	tcase_add_test(tc, test_netpol_rejects_port_errors);
	tcase_add_test(tc, test_netpol_rejects_selector_errors);
	tcase_add_test(tc, test_netpol_rejects_policy_type_errors);
	tcase_add_test(tc, test_netpol_policy_types_default);
	tcase_add_test(tc, test_netpol_missing_pod_selector_selects_all);
	tcase_add_test(tc, test_netpol_nulls_follow_go_decoding);
	suite_add_tcase(s, tc);
	tc = tcase_create("load_path");
	tcase_add_test(tc, test_netpol_walks_directories_in_order);
	tcase_add_test(tc, test_netpol_walk_follows_file_links_only_and_bounds_depth);
	tcase_add_test(tc, test_netpol_missing_path_is_an_io_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("set_default_namespace");
	tcase_add_test(tc, test_netpol_default_namespace);
	suite_add_tcase(s, tc);
	return s;
}
