/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-layout.c - the two output layouts: which files, their order in the
 * kustomization, the clean-up of the other layout's files (only those
 * flowpol wrote), and the refusal to follow a link out of DIR.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/emit.h"
#include "lib/layout.h"
#include "tests/fp-check.h"

#define WEB "ns:shop pod:web-7d9f8b6c4b-x2kqp app=web"
#define API "ns:shop pod:api-5c7d9f6b8d-q9wzt app=api"
#define PROM "ns:mon pod:prometheus-0 app=prometheus"

struct fixture {
	struct fp_db *db;
	struct fp_edgeset *es;
	struct fp_policy_model *m;
};

static void
build(struct fixture *f)
{
	struct fp_edge_opts eo = { 0 };
	struct fp_policy_opts po = { 0 };
	struct fp_err err = { 0 };
	struct fp_buf b;

	fp_buf_init(&b);
	FP_HUBBLE(&b, .src = WEB, .dst = API, .port = 8080);
	FP_HUBBLE(&b, .src = PROM, .dst = API, .port = 9090);
	f->db = fp_test_db("t.db");
	fp_test_ingest(f->db, "flows.jsonl", fp_buf_str(&b));
	fp_buf_done(&b);
	ck_assert_int_eq(fp_edge_aggregate(&f->es, f->db, &eo, &err), 0);
	ck_assert_int_eq(fp_policy_synthesize(&f->m, f->es, &po, &err), 0);
}

static void
done(struct fixture *f)
{
	fp_policy_model_free(f->m);
	fp_edgeset_free(f->es);
	fp_db_close(f->db);
	fp_tmpdir_cleanup();
}

static const char *
path_in(const char *dir, const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return path;
}

static bool
exists(const char *dir, const char *rel)
{
	return access(path_in(dir, rel), F_OK) == 0;
}

static char *
read_rel(const char *dir, const char *rel)
{
	size_t len;

	return fp_read_file(path_in(dir, rel), &len);
}

START_TEST(test_layout_names)
{
	enum fp_layout l = FP_LAYOUT_WORKLOAD;
	struct fp_policy pol = { .name = (char *)"allow-web" };
	struct fp_policy_ns pn = { .ns = (char *)"shop" };
	char buf[64];

	ck_assert_int_eq(fp_layout_parse(&l, "namespace"), 0);
	ck_assert_int_eq(l, FP_LAYOUT_NAMESPACE);
	ck_assert_int_eq(fp_layout_parse(&l, "workload"), 0);
	ck_assert_int_eq(l, FP_LAYOUT_WORKLOAD);
	ck_assert_int_eq(fp_layout_parse(&l, "Workload"), FP_EINPUT);
	ck_assert_str_eq(fp_layout_name(FP_LAYOUT_WORKLOAD), "workload");
	ck_assert_str_eq(fp_layout_name(FP_LAYOUT_NAMESPACE), "namespace");
	ck_assert_str_eq(fp_layout_path(buf, sizeof(buf), FP_LAYOUT_WORKLOAD, &pn, &pol),
			 "shop/allow-web.yaml");
	ck_assert_str_eq(fp_layout_path(buf, sizeof(buf), FP_LAYOUT_NAMESPACE, &pn, &pol),
			 "shop.yaml");
}
END_TEST

START_TEST(test_layout_workload_files)
{
	struct fixture f;
	struct fp_err err = { 0 };
	struct fp_buf want;
	uint64_t d1 = 0, d2 = 0;
	char dir[1024], *text;

	build(&f);
	snprintf(dir, sizeof(dir), "%s/out", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d1, f.m, dir, FP_LAYOUT_WORKLOAD, NULL, &err), 0);
	text = read_rel(dir, "kustomization.yaml");
	/* namespaces in order; default-deny first, then policies by name */
	ck_assert_str_eq(text, "---\n"
			       "apiVersion: kustomize.config.k8s.io/v1beta1\n"
			       "kind: Kustomization\n"
			       "resources:\n"
			       "- mon/default-deny.yaml\n"
			       "- mon/allow-prometheus.yaml\n"
			       "- shop/default-deny.yaml\n"
			       "- shop/allow-api.yaml\n"
			       "- shop/allow-web.yaml\n");
	free(text);
	ck_assert(!exists(dir, "shop.yaml"));
	/* each file is exactly that policy, alone */
	fp_buf_init(&want);
	ck_assert_int_eq(fp_emit_policy(&want, f.m, &f.m->nss[1], &f.m->nss[1].policies[2], &err),
			 0);
	text = read_rel(dir, "shop/allow-web.yaml");
	ck_assert_str_eq(text, fp_buf_str(&want));
	ck_assert_ptr_nonnull(strstr(text, "name: allow-web\n"));
	ck_assert_ptr_null(strstr(text, "allow-api"));
	free(text);
	fp_buf_done(&want);
	/* same model, same bytes; the digest differs from the other layout's */
	ck_assert_int_eq(fp_layout_write(&d2, f.m, dir, FP_LAYOUT_WORKLOAD, NULL, &err), 0);
	ck_assert_uint_eq(d1, d2);
	snprintf(dir, sizeof(dir), "%s/out2", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d2, f.m, dir, FP_LAYOUT_NAMESPACE, NULL, &err), 0);
	ck_assert_uint_ne(d1, d2);
	done(&f);
}
END_TEST

#define OURS(ns, name)                                                           \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"      \
	"  name: " name "\n  namespace: " ns "\n  labels:\n"                      \
	"    app.kubernetes.io/managed-by: flowpol\n"

START_TEST(test_layout_sweeps_stale_files)
{
	struct fixture f;
	struct fp_err err = { 0 };
	uint64_t d = 0;
	size_t removed = 9;
	char dir[1024], sub[PATH_MAX];

	build(&f);
	snprintf(dir, sizeof(dir), "%s/out", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d, f.m, dir, FP_LAYOUT_NAMESPACE, NULL, &err), 0);
	/* a namespace an earlier run wrote, and a hand-written file */
	fp_write_file(dir, "gone.yaml", OURS("gone", "default-deny"));
	fp_write_file(dir, "legacy.yaml", "kind: NetworkPolicy\nmetadata: {namespace: legacy}\n");
	/* with a --namespace filter, other namespaces are not this run's */
	ck_assert_int_eq(fp_layout_sweep_stale(&removed, f.m, dir, FP_LAYOUT_NAMESPACE, false, &err),
			 0);
	ck_assert_uint_eq(removed, 0);
	ck_assert(exists(dir, "gone.yaml"));
	ck_assert_int_eq(fp_layout_sweep_stale(&removed, f.m, dir, FP_LAYOUT_NAMESPACE, true, &err),
			 0);
	ck_assert_uint_eq(removed, 1);
	ck_assert(!exists(dir, "gone.yaml") && exists(dir, "legacy.yaml"));
	ck_assert(exists(dir, "shop.yaml") && exists(dir, "mon.yaml"));

	/* one file per policy: a policy that is gone, in a namespace of the run */
	ck_assert_int_eq(fp_layout_write(&d, f.m, dir, FP_LAYOUT_WORKLOAD, NULL, &err), 0);
	snprintf(sub, sizeof(sub), "%s/shop", dir);
	fp_write_file(sub, "allow-old.yaml", OURS("shop", "allow-old"));
	fp_write_file(sub, "allow-theirs.yaml", "kind: NetworkPolicy\n");
	snprintf(sub, sizeof(sub), "%s/gone", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	fp_write_file(sub, "default-deny.yaml", OURS("gone", "default-deny"));
	ck_assert_int_eq(fp_layout_sweep_stale(&removed, f.m, dir, FP_LAYOUT_WORKLOAD, false, &err),
			 0);
	ck_assert_uint_eq(removed, 1);
	ck_assert(!exists(dir, "shop/allow-old.yaml") && exists(dir, "shop/allow-theirs.yaml"));
	ck_assert(exists(dir, "shop/allow-web.yaml") && exists(dir, "gone/default-deny.yaml"));
	ck_assert_int_eq(fp_layout_sweep_stale(&removed, f.m, dir, FP_LAYOUT_WORKLOAD, true, &err),
			 0);
	ck_assert_uint_eq(removed, 1);
	ck_assert(!exists(dir, "gone"));
	done(&f);
}
END_TEST

START_TEST(test_layout_switch_removes_only_flowpol_files)
{
	static const char foreign[] = "apiVersion: networking.k8s.io/v1\n"
				      "kind: NetworkPolicy\n"
				      "metadata: {name: mine, namespace: shop}\n";
	struct fixture f;
	struct fp_err err = { 0 };
	uint64_t d = 0;
	char dir[1024], sub[PATH_MAX];

	build(&f);
	snprintf(dir, sizeof(dir), "%s/out", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d, f.m, dir, FP_LAYOUT_NAMESPACE, NULL, &err), 0);
	ck_assert(exists(dir, "shop.yaml") && exists(dir, "mon.yaml"));
	/* a hand-written policy in a namespace file name, and a stray file */
	fp_write_file(dir, "legacy.yaml", foreign);
	fp_write_file(dir, "notes.yaml", "kind: NetworkPolicy\n");

	ck_assert_int_eq(fp_layout_write(&d, f.m, dir, FP_LAYOUT_WORKLOAD, NULL, &err), 0);
	ck_assert(!exists(dir, "shop.yaml") && !exists(dir, "mon.yaml"));
	ck_assert(exists(dir, "legacy.yaml") && exists(dir, "notes.yaml"));
	ck_assert(exists(dir, "shop/allow-web.yaml") && exists(dir, "mon/default-deny.yaml"));
	/* a file of someone else's in a namespace folder keeps that folder */
	snprintf(sub, sizeof(sub), "%s/shop", dir);
	fp_write_file(sub, "mine.yaml", foreign);
	fp_write_file(sub, "README", "ours\n");

	ck_assert_int_eq(fp_layout_write(&d, f.m, dir, FP_LAYOUT_NAMESPACE, NULL, &err), 0);
	ck_assert(exists(dir, "shop.yaml") && exists(dir, "mon.yaml"));
	ck_assert(!exists(dir, "shop/allow-web.yaml") && !exists(dir, "shop/default-deny.yaml"));
	ck_assert(exists(dir, "shop/mine.yaml") && exists(dir, "shop/README"));
	ck_assert(!exists(dir, "mon"));
	ck_assert(exists(dir, "legacy.yaml") && exists(dir, "notes.yaml"));
	done(&f);
}
END_TEST

/* @text with its flowpol/window annotations set to an older window (caller frees). */
static char *
older_window(const char *text)
{
	static const char key[] = "flowpol/window: \"";
	struct fp_buf b;
	const char *p = text, *at;

	fp_buf_init(&b);
	while ((at = strstr(p, key)) != NULL) {
		fp_buf_add(&b, p, (size_t)(at - p));
		fp_buf_adds(&b, "flowpol/window: \"2026-01-01T00:00:00Z/2026-01-08T00:00:00Z\"");
		p = strchr(at, '\n');
	}
	fp_buf_adds(&b, p);
	return fp_buf_steal(&b);
}

/* --baseline: unchanged policies keep the baseline's bytes, in either layout. */
START_TEST(test_layout_workload_keeps_baseline_bytes)
{
	struct fixture f;
	struct fp_err err = { 0 };
	uint64_t d = 0;
	char base[1024], out[1024], *text, *old, *got;

	build(&f);
	snprintf(base, sizeof(base), "%s/base", fp_tmpdir());
	snprintf(out, sizeof(out), "%s/out", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d, f.m, base, FP_LAYOUT_WORKLOAD, NULL, &err), 0);
	text = read_rel(base, "shop/allow-web.yaml");
	old = older_window(text);
	ck_assert_str_ne(old, text);
	fp_write_file(base, "shop/allow-web.yaml", old);
	ck_assert_int_eq(fp_layout_write(&d, f.m, out, FP_LAYOUT_WORKLOAD, base, &err), 0);
	got = read_rel(out, "shop/allow-web.yaml");
	ck_assert_str_eq(got, old);
	free(got);
	got = read_rel(out, "shop/allow-api.yaml");
	ck_assert_ptr_null(strstr(got, "2026-01-01T00:00:00Z"));
	free(got);
	free(text);
	free(old);
	/* a baseline still in the namespace layout: its namespace file */
	snprintf(base, sizeof(base), "%s/base-ns", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d, f.m, base, FP_LAYOUT_NAMESPACE, NULL, &err), 0);
	text = read_rel(base, "shop.yaml");
	old = older_window(text);
	fp_write_file(base, "shop.yaml", old);
	snprintf(out, sizeof(out), "%s/out-ns", fp_tmpdir());
	ck_assert_int_eq(fp_layout_write(&d, f.m, out, FP_LAYOUT_WORKLOAD, base, &err), 0);
	got = read_rel(out, "shop/allow-web.yaml");
	ck_assert_ptr_nonnull(strstr(got, "flowpol/window: \"2026-01-01T00:00:00Z/"));
	ck_assert_ptr_nonnull(strstr(old, got));
	free(got);
	free(text);
	free(old);
	done(&f);
}
END_TEST

START_TEST(test_layout_refuses_links)
{
	struct fixture f;
	struct fp_err err = { 0 };
	uint64_t d = 0;
	char dir[1024], outside[1024], link[PATH_MAX];

	build(&f);
	snprintf(dir, sizeof(dir), "%s/out", fp_tmpdir());
	snprintf(outside, sizeof(outside), "%s/elsewhere", fp_tmpdir());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	snprintf(link, sizeof(link), "%s/mon", dir);
	ck_assert_int_eq(symlink(outside, link), 0);
	ck_assert_int_eq(fp_layout_write(&d, f.m, dir, FP_LAYOUT_WORKLOAD, NULL, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, link, 0, 0,
		      "not a directory (flowpol does not follow a link here)");
	ck_assert(!exists(outside, "default-deny.yaml"));
	done(&f);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_layout_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("write");
	tcase_add_test(tc, test_layout_workload_files);
	tcase_add_test(tc, test_layout_switch_removes_only_flowpol_files);
	tcase_add_test(tc, test_layout_sweeps_stale_files);
	tcase_add_test(tc, test_layout_workload_keeps_baseline_bytes);
	tcase_add_test(tc, test_layout_refuses_links);
	suite_add_tcase(s, tc);
	return s;
}
