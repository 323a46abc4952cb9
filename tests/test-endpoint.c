/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-endpoint.c - naming the workload that owns a pod, normalizing
 * endpoints, and their canonical keys.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/endpoint.h"
#include "tests/fp-check.h"

#define L(k, v) { (k), (v) }

/* The workload fp_endpoint_guess_workload() names for @pod, or "" for none. */
static const char *
guess(const char **kind, const char *pod, const struct fp_label *labels, size_t n)
{
	static char name[256];
	size_t len = 999;

	*kind = "unset";
	if (!fp_endpoint_guess_workload(&len, kind, pod, labels, n))
		return "";
	ck_assert_uint_le(len, strlen(pod));
	memcpy(name, pod, len);
	name[len] = '\0';
	return name;
}

START_TEST(test_endpoint_guess_deployment)
{
	const struct fp_label hash[] = { L("app", "web"), L("pod-template-hash", "7d9f8b6c4b") };
	const struct fp_label odd[] = { L("pod-template-hash", "abc123") };
	const char *kind;

	ck_assert_str_eq(guess(&kind, "web-7d9f8b6c4b-x2kqp", hash, 2), "web");
	ck_assert_str_eq(kind, "Deployment");
	/* The label names the hash even when it is not made of generated characters. */
	ck_assert_str_eq(guess(&kind, "api-v2-abc123-x2kqp", odd, 1), "api-v2");
	ck_assert_str_eq(kind, "Deployment");
	/* CNIs drop the hash label: the shape of the name still tells. */
	ck_assert_str_eq(guess(&kind, "reviews-v1-545db77b95-s6jb8", NULL, 0), "reviews-v1");
	ck_assert_str_eq(kind, "Deployment");
	ck_assert_str_eq(guess(&kind, "coredns-5d78c9869d-x7k2p", NULL, 0), "coredns");
	ck_assert_str_eq(kind, "Deployment");
	/* Short hashes (6 characters) too. */
	ck_assert_str_eq(guess(&kind, "nginx-6799fc-tqrzp", NULL, 0), "nginx");
	ck_assert_str_eq(kind, "Deployment");
	/* A hash label that does not fit the name is not believed. */
	ck_assert_str_eq(guess(&kind, "web-7d9f8b6c4b-x2kqp", odd, 1), "web");
	ck_assert_str_eq(kind, "Deployment");
}
END_TEST

START_TEST(test_endpoint_guess_statefulset)
{
	const struct fp_label sts[] = { L("app", "redis"),
					L("statefulset.kubernetes.io/pod-name", "redis-node-0") };
	const struct fp_label other[] = { L("statefulset.kubernetes.io/pod-name", "db-3") };
	const char *kind;

	ck_assert_str_eq(guess(&kind, "redis-node-0", sts, 2), "redis-node");
	ck_assert_str_eq(kind, "StatefulSet");
	/* By shape: <name>-<ordinal>. */
	ck_assert_str_eq(guess(&kind, "postgres-12", NULL, 0), "postgres");
	ck_assert_str_eq(kind, "StatefulSet");
	/* The label must name this very pod. */
	ck_assert_str_eq(guess(&kind, "db-1", other, 1), "db");
	ck_assert_str_eq(kind, "StatefulSet");
	/* A long number is no ordinal, and a name of digits has no owner. */
	ck_assert_str_eq(guess(&kind, "build-20261112", NULL, 0), "");
	ck_assert_str_eq(guess(&kind, "0", NULL, 0), "");
	ck_assert_str_eq(guess(&kind, "-0", NULL, 0), "");
}
END_TEST

START_TEST(test_endpoint_guess_daemonset)
{
	const struct fp_label ds[] = { L("controller-revision-hash", "6c5d9b4f8"),
				       L("k8s-app", "cilium"), L("pod-template-generation", "3") };
	const char *kind;

	ck_assert_str_eq(guess(&kind, "cilium-x2kqp", ds, 3), "cilium");
	ck_assert_str_eq(kind, "DaemonSet");
	/* Without its labels the name says only "an owner": not which kind. */
	ck_assert_str_eq(guess(&kind, "cilium-x2kqp", NULL, 0), "cilium");
	ck_assert_ptr_null(kind);
	/* controller-revision-hash alone is a StatefulSet's too: not enough. */
	ck_assert_str_eq(guess(&kind, "cilium-x2kqp", ds, 2), "cilium");
	ck_assert_ptr_null(kind);
}
END_TEST

START_TEST(test_endpoint_guess_jobs)
{
	const struct fp_label job[] = { L("job-name", "backup") };
	const struct fp_label bjob[] = { L("batch.kubernetes.io/job-name", "db-migrate"),
					 L("controller-uid", "x") };
	const struct fp_label cron[] = { L("job-name", "report-29000000") };
	const struct fp_label wrong[] = { L("job-name", "other") };
	const char *kind;

	ck_assert_str_eq(guess(&kind, "backup-x2kqp", job, 1), "backup");
	ck_assert_str_eq(kind, "Job");
	ck_assert_str_eq(guess(&kind, "db-migrate-tqrzp", bjob, 2), "db-migrate");
	ck_assert_str_eq(kind, "Job");
	/* A CronJob names its Jobs <cronjob>-<scheduled minute>. */
	ck_assert_str_eq(guess(&kind, "report-29000000-x2kqp", cron, 1), "report");
	ck_assert_str_eq(kind, "CronJob");
	/* A job-name that is not this pod's prefix proves nothing. */
	ck_assert_str_eq(guess(&kind, "backup-x2kqp", wrong, 1), "backup");
	ck_assert_ptr_null(kind);
}
END_TEST

START_TEST(test_endpoint_guess_bare_pod)
{
	const struct fp_label app[] = { L("app", "debug") };
	const char *kind;

	ck_assert_str_eq(guess(&kind, "debug", app, 1), "");
	ck_assert_str_eq(guess(&kind, "my-pod", NULL, 0), "");
	ck_assert_str_eq(guess(&kind, "toolbox-shell", NULL, 0), "");
	/* Vowels never appear in generated suffixes. */
	ck_assert_str_eq(guess(&kind, "nginx-aeiou", NULL, 0), "");
	ck_assert_str_eq(guess(&kind, "x", NULL, 0), "");
}
END_TEST

/* Normalize @ep and return its key (static buffer). */
static const char *
key_of(struct fp_endpoint *ep, struct fp_arena *a)
{
	static char text[1024];
	struct fp_err err = { 0 };
	struct fp_buf b;

	ck_assert_int_eq(fp_endpoint_normalize(ep, a, &err), 0);
	fp_buf_init(&b);
	ck_assert_int_eq(fp_endpoint_key(&b, ep), 0);
	snprintf(text, sizeof(text), "%s", fp_buf_str(&b));
	fp_buf_done(&b);
	return text;
}

START_TEST(test_endpoint_normalize_labels)
{
	struct fp_label labels[] = { L("tier", "front"), L("pod-template-hash", "7d9f8b6c4b"),
				     L("app", "web"), L("batch.kubernetes.io/job-name", "x"),
				     L("controller-revision-hash", "1"), L("app", "web"),
				     L("statefulset.kubernetes.io/pod-name", "web-0"),
				     L("pod-template-generation", "2"), L("job-name", "j") };
	struct fp_endpoint ep = { .kind = FP_EP_POD, .ns = "shop", .pod = "web-7d9f8b6c4b-x2kqp",
				  .labels = labels, .n_labels = 9 };
	struct fp_arena a;

	fp_arena_init(&a);
	ck_assert_int_eq(fp_addr_parse(&ep.addr, "10.42.1.10", 10), 0);
	ck_assert_str_eq(key_of(&ep, &a), "1|shop|web|Deployment|||app=web,tier=front");
	/* Sorted, volatile keys gone, the repeated app=web kept once. */
	ck_assert_uint_eq(ep.n_labels, 2);
	ck_assert_str_eq(ep.labels[0].key, "app");
	ck_assert_str_eq(ep.labels[1].key, "tier");
	/* The labels say who it is: the pod's name and address only say which copy. */
	ck_assert_ptr_null(ep.pod);
	ck_assert_int_eq(ep.addr.family, 0);
	ck_assert_str_eq(ep.workload, "web");
	ck_assert_str_eq(ep.workload_kind, "Deployment");
	fp_arena_done(&a);
}
END_TEST

START_TEST(test_endpoint_normalize_rejects_conflict)
{
	struct fp_label labels[] = { L("version", "v1"), L("app", "web"), L("version", "v2") };
	struct fp_endpoint ep = { .kind = FP_EP_POD, .ns = "shop", .labels = labels, .n_labels = 3 };
	struct fp_err err = { 0 };
	struct fp_arena a;

	fp_arena_init(&a);
	ck_assert_int_eq(fp_endpoint_normalize(&ep, &a, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, "", 0, 0, "label \"version\" given twice with different values");
	fp_arena_done(&a);
}
END_TEST

START_TEST(test_endpoint_normalize_unlabelled_pod)
{
	struct fp_label hash[] = { L("pod-template-hash", "545db77b95") };
	struct fp_endpoint ep = { .kind = FP_EP_POD, .ns = "shop", .pod = "debug" };
	struct fp_arena a;

	fp_arena_init(&a);
	/* A bare pod is its own workload, known by name and address. */
	ck_assert_int_eq(fp_addr_parse(&ep.addr, "10.42.1.11", 10), 0);
	ck_assert_str_eq(key_of(&ep, &a), "1|shop|debug|Pod|debug|10.42.1.11|");
	/* Only volatile labels is no labels: the name and address stay. */
	ep = (struct fp_endpoint){ .kind = FP_EP_POD, .ns = "shop",
				   .pod = "reviews-v1-545db77b95-s6jb8", .labels = hash,
				   .n_labels = 1 };
	ck_assert_int_eq(fp_addr_parse(&ep.addr, "10.42.1.12", 10), 0);
	ck_assert_str_eq(key_of(&ep, &a),
			 "1|shop|reviews-v1|Deployment|reviews-v1-545db77b95-s6jb8|10.42.1.12|");
	/* Labels without a pod name: nothing to guess from. */
	ep = (struct fp_endpoint){ .kind = FP_EP_POD, .ns = "shop", .labels = hash + 0,
				   .n_labels = 0 };
	ck_assert_str_eq(key_of(&ep, &a), "1|shop|||||");
	fp_arena_done(&a);
}
END_TEST

START_TEST(test_endpoint_normalize_keeps_given_workload)
{
	struct fp_label labels[] = { L("app", "csi") };
	struct fp_endpoint ep = { .kind = FP_EP_POD, .ns = "kube-system",
				  .pod = "csi-cbs-controller-7788964bc-lsfw5",
				  .workload = "csi-cbs-controller", .workload_kind = "Deployment",
				  .labels = labels, .n_labels = 1 };
	struct fp_arena a;

	fp_arena_init(&a);
	ck_assert_str_eq(key_of(&ep, &a), "1|kube-system|csi-cbs-controller|Deployment|||app=csi");
	fp_arena_done(&a);
}
END_TEST

START_TEST(test_endpoint_normalize_non_pods)
{
	struct fp_label labels[] = { L("app", "x") };
	struct fp_endpoint ep = { .kind = FP_EP_WORLD, .ns = "shop", .pod = "p", .workload = "w",
				  .labels = labels, .n_labels = 1 };
	struct fp_arena a;

	fp_arena_init(&a);
	/* Outside the cluster only the address means anything. */
	ck_assert_int_eq(fp_addr_parse(&ep.addr, "2001:DB8::1", 11), 0);
	ck_assert_str_eq(key_of(&ep, &a), "4|||||2001:db8::1|");
	ep = (struct fp_endpoint){ .kind = FP_EP_HOST };
	ck_assert_int_eq(fp_addr_parse(&ep.addr, "10.0.0.5", 8), 0);
	ck_assert_str_eq(key_of(&ep, &a), "2|||||10.0.0.5|");
	ep = (struct fp_endpoint){ .kind = FP_EP_UNKNOWN };
	ck_assert_str_eq(key_of(&ep, &a), "0||||||");
	fp_arena_done(&a);
}
END_TEST

START_TEST(test_endpoint_key_is_canonical)
{
	struct fp_label l1[] = { L("tier", "front"), L("app", "web"), L("pod-template-hash", "aaa") };
	struct fp_label l2[] = { L("pod-template-hash", "bbb"), L("app", "web"), L("tier", "front"),
				 L("tier", "front") };
	struct fp_endpoint a = { .kind = FP_EP_POD, .ns = "shop", .pod = "web-aaa-x2kqp",
				 .labels = l1, .n_labels = 3 };
	struct fp_endpoint b = { .kind = FP_EP_POD, .ns = "shop", .pod = "web-bbb-tqrzp",
				 .labels = l2, .n_labels = 4 };
	struct fp_arena ar;
	char ka[1024];

	fp_arena_init(&ar);
	ck_assert_int_eq(fp_addr_parse(&a.addr, "10.42.1.10", 10), 0);
	ck_assert_int_eq(fp_addr_parse(&b.addr, "10.42.3.7", 9), 0);
	/* Two pods of one workload, before and after a rollout: one endpoint. */
	snprintf(ka, sizeof(ka), "%s", key_of(&a, &ar));
	ck_assert_str_eq(key_of(&b, &ar), ka);
	ck_assert_str_eq(ka, "1|shop|web|Deployment|||app=web,tier=front");
	/* Another namespace is another endpoint. */
	b = (struct fp_endpoint){ .kind = FP_EP_POD, .ns = "shop2", .pod = "web-aaa-x2kqp",
				  .labels = l1, .n_labels = 2 };
	ck_assert_str_ne(key_of(&b, &ar), ka);
	fp_arena_done(&ar);
}
END_TEST

START_TEST(test_endpoint_labels_text)
{
	const struct fp_label labels[] = { L("app", "web"), L("canary", ""), L("tier", "front") };
	struct fp_buf b;

	fp_buf_init(&b);
	ck_assert_int_eq(fp_endpoint_labels_text(&b, labels, 0), 0);
	ck_assert_str_eq(fp_buf_str(&b), "");
	ck_assert_int_eq(fp_endpoint_labels_text(&b, labels, 3), 0);
	ck_assert_str_eq(fp_buf_str(&b), "app=web,canary=,tier=front");
	fp_buf_done(&b);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("guess_workload");

	tcase_add_test(tc, test_endpoint_guess_deployment);
	tcase_add_test(tc, test_endpoint_guess_statefulset);
	tcase_add_test(tc, test_endpoint_guess_daemonset);
	tcase_add_test(tc, test_endpoint_guess_jobs);
	tcase_add_test(tc, test_endpoint_guess_bare_pod);
	suite_add_tcase(s, tc);
	tc = tcase_create("normalize");
	tcase_add_test(tc, test_endpoint_normalize_labels);
	tcase_add_test(tc, test_endpoint_normalize_rejects_conflict);
	tcase_add_test(tc, test_endpoint_normalize_unlabelled_pod);
	tcase_add_test(tc, test_endpoint_normalize_keeps_given_workload);
	tcase_add_test(tc, test_endpoint_normalize_non_pods);
	suite_add_tcase(s, tc);
	tc = tcase_create("key");
	tcase_add_test(tc, test_endpoint_key_is_canonical);
	tcase_add_test(tc, test_endpoint_labels_text);
	suite_add_tcase(s, tc);
	return s;
}
