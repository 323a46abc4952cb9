/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conformance.c - the NetworkPolicy evaluator against netpol-analyzer's
 * expected connectivity (shared/conformance/netpol-analyzer, see its README).
 *
 * For each case, the resources under tests/<case>/ are read: NetworkPolicies
 * with fp_netpol_load_path(), and Pods, workloads (whose pod template counts
 * as one pod) and Namespaces with yamltree.  Every ordered pair of distinct
 * workloads, and every workload with every class of outside addresses that
 * the policies tell apart, is evaluated for TCP, UDP and SCTP, and the
 * allowed connections are printed in netpol-analyzer's text format.  The
 * sorted lines must equal expected/<case>.txt exactly.
 *
 * netpol-analyzer's readings that this harness follows (README): an ipBlock
 * never matches a pod, a workload's connections to itself are not listed,
 * and pods are never paired with their nodes.  Like netpol-analyzer, it
 * treats host-network pods as ordinary pods.  The pods of one workload must
 * all get the same answers; if they do not, the case fails.
 *
 * Output is TAP.  Without the suite (FP_CONFORMANCE unset or missing) the
 * plan is "1..0 # SKIP <why>", which meson reports as skipped (a TAP test
 * may not use exit status 77 for that).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/netpol.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"
#include "lib/yamltree.h"
#include "tests/conformance.h"

/*
 * Cases whose input the API server would refuse.  flowpol refuses it too,
 * so the case is checked twice: the refusal must be exactly @note, and with
 * the policy name repaired (names never change connectivity) the answers
 * must equal netpol-analyzer's, which does not validate names.
 */
static const struct divergence {
	const char *name;
	const char *file;
	const char *bad;
	const char *good;
	const char *note;
} divergences[] = {
	{ "example_pods_w_same_owner_and_labels_gap_with_good_match_expression",
	  "netpol.yaml", "use_common_labels_same_values", "use-common-labels-same-values",
	  "netpol.yaml:4:9: metadata.name: invalid name 'use_common_labels_same_values': "
	  "must be a lowercase RFC 1123 subdomain" },
	{ "example_pods_w_same_owner_and_labels_gap_with_good_match_expression2",
	  "netpol.yaml", "use_match_exp_with_all_gap_values_of_app",
	  "use-match-exp-with-all-gap-values-of-app",
	  "netpol.yaml:4:9: metadata.name: invalid name "
	  "'use_match_exp_with_all_gap_values_of_app': must be a lowercase RFC 1123 "
	  "subdomain" },
	{ "example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap",
	  "netpol.yaml", "use_common_labels_same_values", "use-common-labels-same-values",
	  "netpol.yaml:4:9: metadata.name: invalid name 'use_common_labels_same_values': "
	  "must be a lowercase RFC 1123 subdomain" },
};

static const struct divergence *
divergence_of(const char *name)
{
	for (size_t i = 0; i < sizeof(divergences) / sizeof(divergences[0]); i++)
		if (strcmp(divergences[i].name, name) == 0)
			return &divergences[i];
	return NULL;
}

/* --- notes ------------------------------------------------------------- */

struct notes {
	const char *dir;       /* stripped from sources */
	struct fp_buf invalid; /* one line per invalid document */
};

static void
on_note(void *ud, const struct fp_err *e)
{
	struct notes *n = ud;
	size_t dl = strlen(n->dir);
	struct fp_err copy = *e;
	char buf[700];

	if (e->code == FP_OK)
		return;
	if (strncmp(copy.source, n->dir, dl) == 0 && copy.source[dl] == '/')
		memmove(copy.source, copy.source + dl + 1,
			strlen(copy.source + dl + 1) + 1);
	fp_buf_printf(&n->invalid, "%s\n", fp_err_format(buf, sizeof(buf), &copy));
}

/* --- one case ---------------------------------------------------------- */

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct fp_buf b;
	char chunk[65536];
	size_t n;

	*len = 0;
	if (f == NULL)
		return NULL;
	fp_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fp_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.data != NULL ? fp_buf_steal(&b) : strdup("");
}

/* @text with every @bad replaced by @good; malloc()ed. */
static char *
replace(const char *text, size_t len, const char *bad, const char *good, size_t *out_len)
{
	struct fp_buf b;
	size_t bl = strlen(bad);

	fp_buf_init(&b);
	for (size_t i = 0; i < len;) {
		if (i + bl <= len && memcmp(text + i, bad, bl) == 0) {
			fp_buf_adds(&b, good);
			i += bl;
		} else {
			fp_buf_addc(&b, text[i++]);
		}
	}
	*out_len = b.len;
	return fp_buf_steal(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split @text into lines (modified in place), sorted; the array is malloc()ed. */
static char **
sorted_lines(char *text, size_t *n_out)
{
	size_t n = 0, cap = 16;
	char **v = xrealloc(NULL, cap * sizeof(*v));

	for (char *p = text; p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (nl != p && p[strlen(p) - 1] == '\r')
			p[strlen(p) - 1] = '\0';
		if (*p != '\0') {
			if (n == cap)
				v = xrealloc(v, (cap *= 2) * sizeof(*v));
			v[n++] = p;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*n_out = n;
	return v;
}

/* Compare line sets; print up to 10 differences each way as TAP comments. */
static bool
same_lines(char *got, char *want)
{
	size_t ng, nw, i = 0, j = 0, shown = 0;
	char **g = sorted_lines(got, &ng), **w = sorted_lines(want, &nw);
	bool same = true;

	while (i < ng || j < nw) {
		int c = i == ng ? 1 : j == nw ? -1 : strcmp(g[i], w[j]);

		if (c == 0) {
			i++, j++;
			continue;
		}
		same = false;
		if (shown++ < 20)
			printf("# %s %s\n", c < 0 ? "unexpected:" : "missing:   ",
			       c < 0 ? g[i] : w[j]);
		if (c < 0)
			i++;
		else
			j++;
	}
	if (!same)
		printf("# got %zu lines, expected %zu\n", ng, nw);
	free(g);
	free(w);
	return same;
}

static bool
run_case(const char *root, const char *name)
{
	const struct divergence *dv = divergence_of(name);
	char dir[2048], path[4096];
	struct notes notes = { .dir = dir };
	struct fp_netpol_set *set = NULL;
	struct world w;
	struct fp_buf got;
	struct fp_err err;
	char *want = NULL, ebuf[700];
	size_t want_len;
	bool ok = false;

	snprintf(dir, sizeof(dir), "%s/tests/%s", root, name);
	snprintf(path, sizeof(path), "%s/expected/%s.txt", root, name);
	fp_buf_init(&notes.invalid);
	fp_buf_init(&got);
	fp_err_clear(&err);
	world_init(&w);
	want = read_all(path, &want_len);
	if (want == NULL) {
		printf("# cannot read %s\n", path);
		goto out;
	}
	if (fp_netpol_set_new(&set, &err) < 0 ||
	    fp_netpol_load_path(set, dir, on_note, &notes, &err) < 0 ||
	    world_load(&w, dir, &err) < 0) {
		printf("# %s\n", fp_err_format(ebuf, sizeof(ebuf), &err));
		goto out;
	}
	if (dv != NULL) {
		char *text, *fixed;
		size_t len, flen;

		const char *seen = fp_buf_str(&notes.invalid);

		if (strncmp(seen, dv->note, strlen(dv->note)) != 0 ||
		    strcmp(seen + strlen(dv->note), "\n") != 0) {
			printf("# expected exactly this refusal: %s\n# got: %s", dv->note,
			       fp_buf_str(&notes.invalid));
			goto out;
		}
		printf("# refused as the API server would: %s\n", dv->note);
		printf("# compared with metadata.name '%s' instead\n", dv->good);
		snprintf(path, sizeof(path), "%s/%s", dir, dv->file);
		text = read_all(path, &len);
		fixed = replace(text != NULL ? text : "", len, dv->bad, dv->good, &flen);
		free(text);
		fp_buf_reset(&notes.invalid);
		fp_netpol_load_buffer(set, path, fixed, flen, on_note, &notes, &err);
		free(fixed);
	}
	if (notes.invalid.len > 0) {
		printf("# invalid documents:\n# %s", fp_buf_str(&notes.invalid));
		goto out;
	}
	if (world_connections(&got, &w, set, &err) < 0) {
		printf("# %s\n", err.text);
		goto out;
	}
	ok = same_lines(got.data != NULL ? got.data : (char[]){ "" }, want);
out:
	free(want);
	fp_buf_done(&got);
	fp_buf_done(&notes.invalid);
	world_done(&w);
	fp_netpol_set_free(set);
	return ok;
}

int
main(void)
{
	const char *root = getenv("FP_CONFORMANCE");
	char tests[4096];
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, failed = 0;
	DIR *d;

	if (root == NULL || root[0] == '\0') {
		printf("1..0 # SKIP FP_CONFORMANCE is not set\n");
		return 0;
	}
	snprintf(tests, sizeof(tests), "%s/tests", root);
	d = opendir(tests);
	if (d == NULL) {
		printf("1..0 # SKIP no conformance suite at %s\n", root);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		bool ok = run_case(root, names[i]);

		printf("%s %zu - %s\n", ok ? "ok" : "not ok", i + 1, names[i]);
		fflush(stdout);
		failed += !ok;
		free(names[i]);
	}
	free(names);
	return failed == 0 ? 0 : 1;
}
