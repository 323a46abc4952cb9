/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-policy.c - synthesis: the policies of each namespace, their rules,
 * ports and names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/policy.h"
#include "lib/util-k8s.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define WORKER "ns:shop pod:worker-6f8b7c9d54-tk4vn app=worker"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define DB "ns:shop pod:postgres-0 app=postgres"
#define DNS "ns:kube-system pod:coredns-5d78c9869d-8jxnt k8s-app=kube-dns"

struct fixture {
	struct fp_db *db;
	struct fp_edgeset *es;
	struct fp_policy_model *m;
};

static void
build(struct fixture *f, struct fp_buf *b, const struct fp_policy_opts *opts)
{
	struct fp_edge_opts eo = { 0 };
	struct fp_err err = { 0 };

	f->db = fp_test_db("t.db");
	fp_test_ingest(f->db, "flows.jsonl", fp_buf_str(b));
	fp_buf_done(b);
	ck_assert_int_eq(fp_edge_aggregate(&f->es, f->db, &eo, &err), 0);
	ck_assert_int_eq(fp_policy_synthesize(&f->m, f->es, opts, &err), 0);
	ck_assert_ptr_eq(f->m->es, f->es);
}

static void
done(struct fixture *f)
{
	fp_policy_model_free(f->m);
	fp_edgeset_free(f->es);
	fp_db_close(f->db);
	fp_tmpdir_cleanup();
}

static void
dump_rules(struct fp_buf *b, const char *dir, const struct fp_policy_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fp_buf_printf(b, "    %s", dir);
		for (size_t p = 0; p < r[i].n_peers; p++)
			fp_buf_printf(b, " %s%s%s", r[i].peers[p].id->key,
				      r[i].peers[p].other_ns ? "@" : "",
				      r[i].peers[p].dns_tcp_added ? "+tcp53" : "");
		fp_buf_adds(b, " :");
		for (size_t p = 0; p < r[i].n_ports; p++) {
			fp_buf_printf(b, " %s/%u", fp_proto_name(r[i].ports[p].proto),
				      r[i].ports[p].port);
			if (r[i].ports[p].end_port)
				fp_buf_printf(b, "-%u", r[i].ports[p].end_port);
		}
		fp_buf_adds(b, "\n");
	}
}

/*
 * The model as text: "ns" lines, then one line per policy ("name <- target
 * key"), then one per rule ("in|out peer peer : PROTO/port[-end] ...";
 * "@" marks a peer in another namespace, "+tcp53" an added TCP/53).
 */
static char *
dump(const struct fp_policy_model *m)
{
	struct fp_buf b;

	fp_buf_init(&b);
	fp_buf_adds(&b, "");
	for (size_t i = 0; i < m->n; i++) {
		const struct fp_policy_ns *pn = &m->nss[i];

		fp_buf_printf(&b, "%s%s\n", pn->ns, pn->system ? " (system)" : "");
		for (size_t p = 0; p < pn->n; p++) {
			const struct fp_policy *pol = &pn->policies[p];

			fp_buf_printf(&b, "  %s <- %s\n", pol->name,
				      pol->target != NULL ? pol->target->key : "all");
			dump_rules(&b, "in", pol->ingress, pol->n_ingress);
			dump_rules(&b, "out", pol->egress, pol->n_egress);
		}
	}
	return fp_buf_steal(&b);
}

START_TEST(test_policy_one_per_workload)
{
	struct fp_policy_opts opts = { 0 };
	struct fixture f;
	struct fp_buf b;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080, .count = 4);
	FP_HUBBLE(&b, .src = API, .dst = DB, .port = 5432, .time = "2026-11-12T11:00:00Z");
	/* Not admitted: nobody gets a rule for it. */
	FP_HUBBLE(&b, .src = "reserved:host ip:10.0.1.17", .dst = "ns:shop pod:idle-0 app=idle",
		  .port = 8080);
	build(&f, &b, &opts);
	text = dump(f.m);
	ck_assert_str_eq(text, "shop\n"
			       "  default-deny <- all\n"
			       "  allow-api <- w:shop/api\n"
			       "    in w:shop/web : TCP/8080\n"
			       "    out w:shop/postgres : TCP/5432\n"
			       "  allow-postgres <- w:shop/postgres\n"
			       "    in w:shop/api : TCP/5432\n"
			       "  allow-web <- w:shop/web\n"
			       "    out w:shop/api : TCP/8080\n");
	free(text);
	/* Evidence: flows and times over the policy's rules. */
	ck_assert_uint_eq(f.m->nss[0].policies[1].flows, 5);
	ck_assert_int_eq(f.m->nss[0].policies[1].first, 1794477600);
	ck_assert_int_eq(f.m->nss[0].policies[1].last, 1794481200);
	ck_assert_uint_eq(f.m->nss[0].policies[1].ingress[0].peers[0].flows, 4);
	ck_assert(fp_policy_has_ns(f.m, "shop"));
	ck_assert(!fp_policy_has_ns(f.m, "kube-system"));
	done(&f);
}
END_TEST

START_TEST(test_policy_no_default_deny)
{
	struct fp_policy_opts opts = { .no_default_deny = true };
	struct fixture f;
	struct fp_buf b;
	char *text;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	build(&f, &b, &opts);
	text = dump(f.m);
	ck_assert_str_eq(text, "shop\n"
			       "  allow-api <- w:shop/api\n"
			       "    in w:shop/web : TCP/8080\n"
			       "  allow-web <- w:shop/web\n"
			       "    out w:shop/api : TCP/8080\n");
	free(text);
	done(&f);
}
END_TEST

START_TEST(test_policy_rules_and_ports)
{
	struct fp_policy_opts opts = { 0 };
	struct fixture f;
	struct fp_buf b;
	char *text;

	fp_buf_init(&b);
	/* Two peers with the same ports share a rule; consecutive ports fold. */
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8081);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8082);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 9000);
	FP_HUBBLE(&b, .src = WORKER, .dst = API, .port = 9000);
	FP_HUBBLE(&b, .src = WORKER, .dst = API, .port = 8082);
	FP_HUBBLE(&b, .src = WORKER, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = WORKER, .dst = API, .port = 8081);
	/* A third peer with other ports has its own rule, and so does UDP. */
	FP_HUBBLE(&b, .src = DB, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = DB, .dst = API, .port = 8081, .proto = "UDP");
	/* The top of the port range does not wrap. */
	FP_HUBBLE(&b, .src = DB, .dst = WEB, .port = 65535);
	FP_HUBBLE(&b, .src = DB, .dst = WEB, .port = 65534);
	FP_HUBBLE(&b, .src = DB, .dst = WEB, .port = 1, .proto = "UDP");
	build(&f, &b, &opts);
	text = dump(f.m);
	ck_assert_str_eq(text, "shop\n"
			       "  default-deny <- all\n"
			       "  allow-api <- w:shop/api\n"
			       "    in w:shop/postgres : TCP/8080 UDP/8081\n"
			       "    in w:shop/web w:shop/worker : TCP/8080-8082 TCP/9000\n"
			       "  allow-postgres <- w:shop/postgres\n"
			       "    out w:shop/api : TCP/8080 UDP/8081\n"
			       "    out w:shop/web : TCP/65534-65535 UDP/1\n"
			       "  allow-web <- w:shop/web\n"
			       "    in w:shop/postgres : TCP/65534-65535 UDP/1\n"
			       "    out w:shop/api : TCP/8080-8082 TCP/9000\n"
			       "  allow-worker <- w:shop/worker\n"
			       "    out w:shop/api : TCP/8080-8082 TCP/9000\n");
	free(text);
	done(&f);
}
END_TEST

START_TEST(test_policy_dns_and_namespaces)
{
	struct fp_policy_opts opts = { 0 };
	const char *const only_system[] = { "kube-system" };
	struct fp_policy_opts sys = { .namespaces = only_system, .n_namespaces = 1 };
	const char *const front_and_shop[] = { "front", "shop" }, *const front[] = { "front" };
	struct fp_policy_opts no_tcp = { .namespaces = front_and_shop,
					 .n_namespaces = 2,
					 .skip_namespaces = front,
					 .n_skip_namespaces = 1,
					 .no_dns_tcp = true };
	struct fixture f;
	struct fp_buf b, copy;
	char *text;

	fp_buf_init(&b);
	/* UDP/53 seen: TCP/53 is added; seen both ways: nothing added. */
	FP_HUBBLE(&b, .src = WEB, .dst = DNS, .port = 53, .proto = "UDP");
	FP_HUBBLE(&b, .src = API, .dst = DNS, .port = 53, .proto = "UDP");
	FP_HUBBLE(&b, .src = API, .dst = DNS, .port = 53);
	FP_HUBBLE(&b, .src = "ns:front pod:proxy-7d9f8b6c4b-x2kqp app=proxy", .dst = WEB, .port = 80);
	fp_buf_init(&copy);
	fp_buf_adds(&copy, fp_buf_str(&b));
	build(&f, &b, &opts);
	text = dump(f.m);
	/* kube-system is left out unless asked for. */
	ck_assert_str_eq(text, "front\n"
			       "  default-deny <- all\n"
			       "  allow-proxy <- w:front/proxy\n"
			       "    out w:shop/web@ : TCP/80\n"
			       "shop\n"
			       "  default-deny <- all\n"
			       "  allow-api <- w:shop/api\n"
			       "    out w:kube-system/coredns@ : TCP/53 UDP/53\n"
			       "  allow-web <- w:shop/web\n"
			       "    in w:front/proxy@ : TCP/80\n"
			       "    out w:kube-system/coredns@+tcp53 : TCP/53 UDP/53\n");
	free(text);
	fp_policy_model_free(f.m);
	ck_assert_int_eq(fp_policy_synthesize(&f.m, f.es, &sys, NULL), 0);
	text = dump(f.m);
	ck_assert_str_eq(text, "kube-system (system)\n"
			       "  default-deny <- all\n"
			       "  allow-coredns <- w:kube-system/coredns\n"
			       "    in w:shop/api@ w:shop/web@+tcp53 : TCP/53 UDP/53\n");
	free(text);
	/* dns.tcp off: exactly the ports seen; skip-namespaces wins over a
	 * namespace named to include */
	fp_policy_model_free(f.m);
	ck_assert_int_eq(fp_policy_synthesize(&f.m, f.es, &no_tcp, NULL), 0);
	text = dump(f.m);
	ck_assert_str_eq(text, "shop\n"
			       "  default-deny <- all\n"
			       "  allow-api <- w:shop/api\n"
			       "    out w:kube-system/coredns@ : TCP/53 UDP/53\n"
			       "  allow-web <- w:shop/web\n"
			       "    in w:front/proxy@ : TCP/80\n"
			       "    out w:kube-system/coredns@ : UDP/53\n");
	free(text);
	fp_buf_done(&copy);
	done(&f);
}
END_TEST

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(test_policy_names_unique)
{
	struct fp_policy_opts opts = { 0 };
	const struct fp_policy_ns *pn;
	const char *names[8];
	struct fixture f;
	struct fp_buf b;

	fp_buf_init(&b);
	/* A workload named "web", one known by its label app=web, and one named "web-2". */
	FP_HUBBLE(&b, .src = "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web tier=a", .dst = API, .port = 80);
	FP_HUBBLE(&b, .src = "ns:shop app=web", .dst = API, .port = 81);
	FP_HUBBLE(&b, .src = "ns:shop pod:web-2-5c7d9f6b8d-q9wzt app=web2", .dst = API, .port = 82);
	build(&f, &b, &opts);
	ck_assert_uint_eq(f.m->n, 1);
	pn = &f.m->nss[0];
	ck_assert_uint_eq(pn->n, 5);
	ck_assert_str_eq(pn->policies[0].name, "default-deny");
	ck_assert_ptr_null(pn->policies[0].target);
	/* Later claimants of a name get -2, -3: names never collide. */
	for (size_t i = 0; i < pn->n; i++) {
		names[i] = pn->policies[i].name;
		if (strcmp(names[i], "allow-web") == 0)
			ck_assert_str_eq(pn->policies[i].target->key, "l:shop/app=web");
		if (strcmp(names[i], "allow-web-2") == 0)
			ck_assert_str_eq(pn->policies[i].target->key, "w:shop/web");
		if (strcmp(names[i], "allow-web-2-2") == 0)
			ck_assert_str_eq(pn->policies[i].target->key, "w:shop/web-2");
	}
	qsort(names, pn->n, sizeof(names[0]), str_cmp);
	ck_assert_str_eq(names[0], "allow-api");
	ck_assert_str_eq(names[1], "allow-web");
	ck_assert_str_eq(names[2], "allow-web-2");
	ck_assert_str_eq(names[3], "allow-web-2-2");
	ck_assert_str_eq(names[4], "default-deny");
	done(&f);
}
END_TEST

START_TEST(test_policy_long_names_stay_valid)
{
	struct fp_policy_opts opts = { 0 };
	const struct fp_policy_ns *pn;
	char pod[300], src[400];
	struct fixture f;
	struct fp_buf b;

	/*
	 * Two workloads of 246 characters that agree on their first 240, the
	 * 240th a dash and the 230th a dot: cut to fit (and suffixed), the
	 * policy names must still be DNS subdomains: no '-' or '.' at the end
	 * of a part.
	 */
	memset(pod, 'a', 246);
	pod[229] = '.';
	pod[239] = '-';
	memcpy(pod + 246, "-x2kqp", 7);
	fp_buf_init(&b);
	snprintf(src, sizeof(src), "ns:shop pod:%s app=long1", pod);
	FP_HUBBLE(&b, .src = src, .dst = API, .port = 80);
	pod[245] = 'b';
	snprintf(src, sizeof(src), "ns:shop pod:%s app=long2", pod);
	FP_HUBBLE(&b, .src = src, .dst = API, .port = 80);
	build(&f, &b, &opts);
	pn = &f.m->nss[0];
	ck_assert_uint_eq(pn->n, 4);
	for (size_t i = 0; i < pn->n; i++) {
		const char *name = pn->policies[i].name;

		ck_assert_msg(fp_k8s_is_dns_subdomain(name, strlen(name)), "invalid name '%s'", name);
		ck_assert_uint_le(strlen(name), FP_K8S_SUBDOMAIN_MAX);
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(name, pn->policies[k].name);
	}
	done(&f);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("synthesize");

	tcase_add_test(tc, test_policy_one_per_workload);
	tcase_add_test(tc, test_policy_no_default_deny);
	tcase_add_test(tc, test_policy_rules_and_ports);
	tcase_add_test(tc, test_policy_dns_and_namespaces);
	tcase_add_test(tc, test_policy_names_unique);
	tcase_add_test(tc, test_policy_long_names_stay_valid);
	suite_add_tcase(s, tc);
	return s;
}
