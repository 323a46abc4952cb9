/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-selector.c - label sets and selectors: choosing the smallest
 * selector that tells a workload apart, matching, and the stored forms.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/selector.h"
#include "tests/fp-check.h"

/* A sorted label set parsed from "k=v,k=v" (kept for the test's life). */
static struct fp_labelset
ls(const char *text)
{
	struct fp_label *l = NULL;
	size_t n = 0;

	ck_assert_int_eq(fp_labels_parse(&l, &n, text), 0);
	for (size_t i = 1; i < n; i++)
		ck_assert_msg(strcmp(l[i - 1].key, l[i].key) < 0, "test labels must be sorted: %s",
			      text);
	return (struct fp_labelset){ l, n };
}

static void
ls_free(struct fp_labelset *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fp_labels_free((struct fp_label *)s[i].labels, s[i].n);
}

/* The selector as "k=v,k=v !key !key" (static buffer). */
static const char *
sel_text(const struct fp_selector *sel)
{
	static char buf[512];
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sel->n_match; i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s=%s", i ? "," : "",
				       sel->match[i].key, sel->match[i].value);
	for (size_t i = 0; i < sel->n_absent; i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, " !%s", sel->absent[i]);
	return buf;
}

/*
 * Choose the selector of workload @w among @all (each workload with one
 * pod label set), and check it matches its own pods and no other's.  The
 * namespace's index must choose the very same selector.
 */
static const char *
choose_prefs(const struct fp_labelset *all, size_t n, size_t w,
	     const struct fp_k8s_labels *prefs)
{
	static char text[512];
	struct fp_labelset others[16];
	struct fp_selector sel, isel;
	struct fp_selector_index *ix = NULL;
	size_t owner[16], k = 0;
	bool found, ifound;

	for (size_t i = 0; i < n; i++) {
		owner[i] = i;
		if (i != w)
			others[k++] = all[i];
	}
	found = fp_selector_choose(&sel, &all[w], &all[w], 1, others, k, prefs);
	ck_assert_int_eq(fp_selector_index_new(&ix, all, owner, n), 0);
	ifound = fp_selector_choose_indexed(&isel, &all[w], &all[w], 1, ix, w, prefs);
	fp_selector_index_free(ix);
	ck_assert_int_eq(ifound, found);
	if (!found)
		return "(none)";
	snprintf(text, sizeof(text), "%s", sel_text(&isel));
	ck_assert_str_eq(sel_text(&sel), text);
	fp_selector_done(&isel);
	ck_assert(fp_selector_matches(&sel, &all[w]));
	for (size_t i = 0; i < k; i++)
		ck_assert_msg(!fp_selector_matches(&sel, &others[i]), "%s matches another workload",
			      sel_text(&sel));
	fp_selector_done(&sel);
	ck_assert_uint_eq(sel.n_match, 0);
	return text;
}

static const char *
choose(const struct fp_labelset *all, size_t n, size_t w)
{
	return choose_prefs(all, n, w, NULL);
}

START_TEST(test_selector_bookinfo)
{
	struct fp_labelset w[] = {
		ls("app=reviews,security.istio.io/tlsMode=istio,service.istio.io/canonical-name="
		   "reviews,service.istio.io/canonical-revision=v1,version=v1"),
		ls("app=reviews,security.istio.io/tlsMode=istio,service.istio.io/canonical-name="
		   "reviews,service.istio.io/canonical-revision=v2,version=v2"),
		ls("app=reviews,security.istio.io/tlsMode=istio,service.istio.io/canonical-name="
		   "reviews,service.istio.io/canonical-revision=v3,version=v3"),
		ls("app=ratings,security.istio.io/tlsMode=istio,version=v1"),
		ls("app=productpage,version=v1"),
	};

	/* The name key anchors the selector; version tells the three apart. */
	ck_assert_str_eq(choose(w, 5, 0), "app=reviews,version=v1");
	ck_assert_str_eq(choose(w, 5, 1), "app=reviews,version=v2");
	ck_assert_str_eq(choose(w, 5, 2), "app=reviews,version=v3");
	/* version=v1 alone would do for none of these: app is kept. */
	ck_assert_str_eq(choose(w, 5, 3), "app=ratings");
	ck_assert_str_eq(choose(w, 5, 4), "app=productpage");
	ls_free(w, 5);
}
END_TEST

START_TEST(test_selector_redis_roles)
{
	struct fp_labelset w[] = {
		ls("app=redis,role=primary,tier=data"),
		ls("app=redis,role=replica,tier=data"),
		ls("app=postgres,tier=data"),
	};
	struct fp_selector a, b;
	struct fp_labelset others_a[] = { w[1], w[2] }, others_b[] = { w[0], w[2] };

	ck_assert_str_eq(choose(w, 3, 0), "app=redis,role=primary");
	ck_assert_str_eq(choose(w, 3, 1), "app=redis,role=replica");
	ck_assert_str_eq(choose(w, 3, 2), "app=postgres");
	/* The two selectors are distinct and each misses the other's pods. */
	ck_assert(fp_selector_choose(&a, &w[0], &w[0], 1, others_a, 2, NULL));
	ck_assert(fp_selector_choose(&b, &w[1], &w[1], 1, others_b, 2, NULL));
	ck_assert(!fp_selector_matches(&a, &w[1]));
	ck_assert(!fp_selector_matches(&b, &w[0]));
	fp_selector_done(&a);
	fp_selector_done(&b);
	ls_free(w, 3);
}
END_TEST

START_TEST(test_selector_subset_gets_exclusion)
{
	struct fp_labelset w[] = {
		ls("app=web"),
		ls("app=web,track=canary"),
		ls("app=web,track=canary,zone=b"),
	};
	struct fp_labelset own[] = { ls("app=web"), ls("app=web,debug=on") };
	struct fp_labelset other[] = { ls("app=web,debug=on,track=canary") };
	struct fp_selector sel;

	/*
	 * Every label of the first workload is on the others too: only a key
	 * they carry and its pods do not can tell them apart.
	 */
	ck_assert_str_eq(choose(w, 3, 0), "app=web !track");
	ck_assert_str_eq(choose(w, 3, 1), "app=web,track=canary !zone");
	ck_assert_str_eq(choose(w, 3, 2), "app=web,zone=b");
	/* A key any of its own pods carries is never excluded. */
	ck_assert(fp_selector_choose(&sel, &own[0], own, 2, other, 1, NULL));
	ck_assert_str_eq(sel_text(&sel), "app=web !track");
	ck_assert(fp_selector_matches(&sel, &own[0]));
	ck_assert(fp_selector_matches(&sel, &own[1]));
	ck_assert(!fp_selector_matches(&sel, &other[0]));
	fp_selector_done(&sel);
	ls_free(w, 3);
	ls_free(own, 2);
	ls_free(other, 1);
}
END_TEST

START_TEST(test_selector_identical_or_empty)
{
	struct fp_labelset w[] = { ls("app=web,tier=front"), ls("app=web,tier=front"), ls("") };
	struct fp_labelset own[] = { ls("app=web,tier=front"), ls("app=web,debug=on,tier=front") };
	struct fp_labelset other[] = { ls("app=web,debug=on,tier=front") };
	struct fp_selector sel;

	/* Truly the same labels: no selector can tell them apart. */
	ck_assert_str_eq(choose(w, 2, 0), "(none)");
	/* A workload without labels cannot be selected at all. */
	ck_assert_str_eq(choose(w, 3, 2), "(none)");
	ck_assert(!fp_selector_choose(&sel, &w[2], &w[2], 1, NULL, 0, NULL));
	ck_assert_ptr_null(sel.match);
	/* Nor one whose every pod label set is another workload's. */
	ck_assert(!fp_selector_choose(&sel, &own[0], own, 2, other, 1, NULL));
	ls_free(w, 3);
	ls_free(own, 2);
	ls_free(other, 1);
}
END_TEST

START_TEST(test_selector_prefers_identity_keys)
{
	struct fp_labelset w[] = {
		ls("app.kubernetes.io/instance=shop,app.kubernetes.io/name=cart,helm.sh/chart=cart-1.2,"
		   "zone=a"),
		ls("app.kubernetes.io/instance=shop,app.kubernetes.io/name=cart,helm.sh/chart=cart-1.2,"
		   "zone=b"),
		ls("tier=db,zone=a"),
		ls("tier=db,zone=b"),
		ls("app.kubernetes.io/instance=shop,app.kubernetes.io/name=checkout"),
	};

	/* The name key first, then ordinary keys before tool keys. */
	ck_assert_str_eq(choose(w, 5, 0), "app.kubernetes.io/name=cart,zone=a");
	ck_assert_str_eq(choose(w, 5, 4), "app.kubernetes.io/name=checkout");
	/* Without a name key, the best-ranked keys that work. */
	ck_assert_str_eq(choose(w, 5, 2), "tier=db,zone=a");
	ls_free(w, 5);
}
END_TEST

/* flowpol.yaml "labels.prefer": those keys first, in the order given. */
START_TEST(test_selector_configured_preference)
{
	static const char *const team_zone[] = { "team", "zone" }, *const zone[] = { "zone" };
	const struct fp_k8s_labels p1 = { team_zone, 2, NULL, 0 }, p2 = { zone, 1, NULL, 0 };
	struct fp_labelset w[] = {
		ls("app=web,team=shop,zone=a"),
		ls("app=api,team=shop,zone=b"),
		ls("app=pay,team=pay,zone=a"),
	};

	ck_assert_str_eq(choose(w, 3, 0), "app=web");
	ck_assert_str_eq(choose_prefs(w, 3, 0, &p1), "team=shop,zone=a");
	ck_assert_str_eq(choose_prefs(w, 3, 2, &p1), "team=pay");
	/* zone alone names two workloads; app is the next best key */
	ck_assert_str_eq(choose_prefs(w, 3, 0, &p2), "app=web,zone=a");
	ls_free(w, 3);
}
END_TEST

START_TEST(test_selector_needs_many_labels)
{
	/* Each other workload lacks one key of the first: all five are needed. */
	struct fp_labelset five[] = {
		ls("app=a,b=1,c=1,d=1,e=1"), ls("app=a,c=1,d=1,e=1"), ls("app=a,b=1,d=1,e=1"),
		ls("app=a,b=1,c=1,e=1"),     ls("app=a,b=1,c=1,d=1"), ls("b=1,c=1,d=1,e=1"),
	};
	struct fp_labelset six[] = {
		ls("app=a,b=1,c=1,d=1,e=1,f=1"), ls("app=a,c=1,d=1,e=1,f=1"),
		ls("app=a,b=1,d=1,e=1,f=1"),     ls("app=a,b=1,c=1,e=1,f=1"),
		ls("app=a,b=1,c=1,d=1,f=1"),     ls("app=a,b=1,c=1,d=1,e=1"),
	};

	ck_assert_str_eq(choose(five, 6, 0), "app=a,b=1,c=1,d=1,e=1");
	ck_assert_str_eq(choose(six, 6, 0), "app=a,b=1,c=1,d=1,e=1,f=1");
	ls_free(five, 6);
	ls_free(six, 6);
}
END_TEST

/*
 * The index holds every set of the namespace: a workload's own sets (it may
 * have several) are never "others", whatever labels they share.
 */
START_TEST(test_selector_index_owners)
{
	struct fp_labelset sets[] = {
		ls("app=web"), ls("app=web,debug=on"),  /* workload 0 */
		ls("app=web,track=canary"),             /* workload 1 */
		ls("app=api"), ls(""),                  /* workload 2 */
	};
	const size_t owner[] = { 0, 0, 1, 2, 2 };
	struct fp_labelset canary[] = { ls("app=web,track=canary") };
	struct fp_selector_index *ix = NULL;
	struct fp_selector sel;

	ck_assert_int_eq(fp_selector_index_new(&ix, sets, owner, 5), 0);
	ck_assert(fp_selector_choose_indexed(&sel, &sets[0], sets, 2, ix, 0, NULL));
	ck_assert_str_eq(sel_text(&sel), "app=web !track");
	ck_assert(!fp_selector_index_selects_other(ix, &sel, 0));
	ck_assert(fp_selector_index_selects_other(ix, &sel, 1));
	fp_selector_done(&sel);
	ck_assert(fp_selector_choose_indexed(&sel, &canary[0], canary, 1, ix, 1, NULL));
	ck_assert_str_eq(sel_text(&sel), "app=web,track=canary");
	fp_selector_done(&sel);
	/* No match labels: every set of the others is looked at. */
	ck_assert_int_eq(fp_selector_from_k8s_json(&sel, "{\"matchExpressions\":[{\"key\":"
							 "\"debug\",\"operator\":\"DoesNotExist\"}]}"),
			 0);
	ck_assert(fp_selector_index_selects_other(ix, &sel, 0));
	fp_selector_done(&sel);
	fp_selector_index_free(ix);
	fp_selector_index_free(NULL);
	ls_free(sets, 5);
	ls_free(canary, 1);
}
END_TEST

START_TEST(test_selector_matches)
{
	struct fp_labelset pod = ls("app=web,tier=front,track=stable");
	struct fp_label app[] = { { "app", "web" } }, wrong[] = { { "app", "api" } };
	struct fp_label tier[] = { { "app", "web" }, { "tier", "front" } };
	char *absent_track[] = { (char *)"track" }, *absent_zone[] = { (char *)"zone" };
	struct fp_selector all = { 0 };

	ck_assert(fp_selector_matches(&all, &pod));
	ck_assert(fp_selector_matches(&(struct fp_selector){ app, 1, NULL, 0, NULL, 0 }, &pod));
	ck_assert(fp_selector_matches(&(struct fp_selector){ tier, 2, NULL, 0, NULL, 0 }, &pod));
	ck_assert(!fp_selector_matches(&(struct fp_selector){ wrong, 1, NULL, 0, NULL, 0 }, &pod));
	ck_assert(!fp_selector_matches(&(struct fp_selector){ app, 1, absent_track, 1, NULL, 0 }, &pod));
	ck_assert(fp_selector_matches(&(struct fp_selector){ app, 1, absent_zone, 1, NULL, 0 }, &pod));
	ck_assert(!fp_selector_matches(&(struct fp_selector){ app, 1, NULL, 0, NULL, 0 },
				       &(struct fp_labelset){ NULL, 0 }));
	ls_free(&pod, 1);
}
END_TEST

START_TEST(test_selector_json_roundtrip)
{
	struct fp_label m[] = { { "app", "web" }, { "tier", "" } };
	char *absent[] = { (char *)"track", (char *)"canary" };
	struct fp_selector sel = { m, 2, absent, 2, NULL, 0 }, back;
	char *text, *again;

	text = fp_selector_to_json(&sel);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "{\"absent\":[\"track\",\"canary\"],\"exprs\":[],\"matchLabels\":{\"app\":\"web\","
			       "\"tier\":\"\"}}");
	ck_assert_int_eq(fp_selector_from_json(&back, text), 0);
	ck_assert_uint_eq(back.n_match, 2);
	ck_assert_str_eq(back.match[0].key, "app");
	ck_assert_str_eq(back.match[0].value, "web");
	ck_assert_str_eq(back.match[1].key, "tier");
	ck_assert_str_eq(back.match[1].value, "");
	/* Absent keys come back sorted. */
	ck_assert_uint_eq(back.n_absent, 2);
	ck_assert_str_eq(back.absent[0], "canary");
	ck_assert_str_eq(back.absent[1], "track");
	again = fp_selector_to_json(&back);
	ck_assert_str_eq(again, "{\"absent\":[\"canary\",\"track\"],\"exprs\":[],\"matchLabels\":{\"app\":\"web\","
				"\"tier\":\"\"}}");
	fp_selector_done(&back);
	free(text);
	free(again);
	/* The empty selector, and text that is no selector. */
	text = fp_selector_to_json(&(struct fp_selector){ 0 });
	ck_assert_str_eq(text, "{\"absent\":[],\"exprs\":[],\"matchLabels\":{}}");
	ck_assert_int_eq(fp_selector_from_json(&back, text), 0);
	ck_assert_uint_eq(back.n_match, 0);
	ck_assert_uint_eq(back.n_absent, 0);
	fp_selector_done(&back);
	free(text);
	ck_assert_int_eq(fp_selector_from_json(&back, "{\"matchLabels\":"), FP_EINPUT);
	ck_assert_uint_eq(back.n_match, 0);
}
END_TEST

START_TEST(test_selector_labels_parse)
{
	struct fp_label *l;
	size_t n = 99;

	ck_assert_int_eq(fp_labels_parse(&l, &n, "app=web,tier=front"), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(l[0].key, "app");
	ck_assert_str_eq(l[0].value, "web");
	ck_assert_str_eq(l[1].key, "tier");
	ck_assert_str_eq(l[1].value, "front");
	fp_labels_free(l, n);
	/* A key without "=" has the empty value; only the first "=" splits. */
	ck_assert_int_eq(fp_labels_parse(&l, &n, "canary,x=a=b"), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(l[0].key, "canary");
	ck_assert_str_eq(l[0].value, "");
	ck_assert_str_eq(l[1].key, "x");
	ck_assert_str_eq(l[1].value, "a=b");
	fp_labels_free(l, n);
	ck_assert_int_eq(fp_labels_parse(&l, &n, ""), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(l);
	n = 5;
	ck_assert_int_eq(fp_labels_parse(&l, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(l);
	fp_labels_free(NULL, 0);
}
END_TEST

START_TEST(test_selector_labelsets)
{
	struct fp_labelset a = ls("app=web"), b = ls("app=web,tier=front"), c = ls("app=api,tier=front");
	struct fp_labelset d = ls("app=web,tier=front");

	ck_assert(fp_labelset_subset(a.labels, a.n, &b));
	ck_assert(!fp_labelset_subset(b.labels, b.n, &a));
	ck_assert(!fp_labelset_subset(a.labels, a.n, &c));
	ck_assert(fp_labelset_subset(NULL, 0, &a));
	ck_assert(fp_labelset_equal(&b, &d));
	ck_assert(!fp_labelset_equal(&a, &b));
	ck_assert(!fp_labelset_equal(&b, &c));
	ck_assert(fp_labelset_has_key(&c, "tier"));
	ck_assert(!fp_labelset_has_key(&a, "tier"));
	ls_free(&a, 1);
	ls_free(&b, 1);
	ls_free(&c, 1);
	ls_free(&d, 1);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("selector");
	TCase *tc = tcase_create("choose");

	tcase_add_test(tc, test_selector_bookinfo);
	tcase_add_test(tc, test_selector_redis_roles);
	tcase_add_test(tc, test_selector_subset_gets_exclusion);
	tcase_add_test(tc, test_selector_identical_or_empty);
	tcase_add_test(tc, test_selector_prefers_identity_keys);
	tcase_add_test(tc, test_selector_configured_preference);
	tcase_add_test(tc, test_selector_needs_many_labels);
	tcase_add_test(tc, test_selector_index_owners);
	suite_add_tcase(s, tc);
	tc = tcase_create("matches");
	tcase_add_test(tc, test_selector_matches);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_selector_json_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("labels");
	tcase_add_test(tc, test_selector_labels_parse);
	tcase_add_test(tc, test_selector_labelsets);
	suite_add_tcase(s, tc);
	return s;
}
