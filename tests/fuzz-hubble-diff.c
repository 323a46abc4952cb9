/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-hubble-diff.c - the Hubble fast path against its jansson reference.
 *
 * Each input is split into lines as ingest splits them.  For every line:
 *   - lib/json-scan.c must accept exactly what json_loadb() with
 *     JSON_REJECT_DUPLICATES accepts;
 *   - fp_reader_hubble_parse_fast() and fp_reader_hubble_parse_reference()
 *     must agree: both reject, both skip for the same reason, or both give
 *     the same flow (every field, every label, in order);
 *   - fp_reader_hubble.parse (fast path, reference for messages) must give
 *     what the reference gives, error text and column included;
 *   - so must a fast path whose endpoint memo has three slots, so that
 *     remembered endpoints are evicted all the time.
 * Any difference aborts, so libFuzzer keeps the input as a crasher.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/json-scan.h"
#include "lib/reader-hubble.h"
#include "lib/util-arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
differ(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz-hubble-diff: %s on line: %.*s\n", what, (int)(len > 2000 ? 2000 : len),
		line);
	abort();
}

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
same_endpoint(const struct fp_endpoint *a, const struct fp_endpoint *b)
{
	if (a->kind != b->kind || a->addr.family != b->addr.family ||
	    memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes)) != 0 ||
	    !same_str(a->ns, b->ns) || !same_str(a->pod, b->pod) ||
	    !same_str(a->workload, b->workload) || !same_str(a->workload_kind, b->workload_kind) ||
	    a->n_labels != b->n_labels)
		return false;
	for (size_t i = 0; i < a->n_labels; i++)
		if (strcmp(a->labels[i].key, b->labels[i].key) != 0 ||
		    strcmp(a->labels[i].value, b->labels[i].value) != 0)
			return false;
	return true;
}

static bool
same_flow(const struct fp_flow *a, const struct fp_flow *b)
{
	return a->time == b->time && a->last == b->last && a->proto == b->proto &&
	       a->port == b->port && a->verdict == b->verdict && a->reason == b->reason &&
	       a->count == b->count &&
	       same_endpoint(&a->src, &b->src) && same_endpoint(&a->dst, &b->dst);
}

static void
check_line(void *state, void *tiny, struct fp_jscan *js, struct fp_arena *a1,
	   struct fp_arena *a2, const char *line, size_t len)
{
	struct fp_err e1 = { 0 }, e3 = { 0 };
	struct fp_flow f1, f2, f3, f4;
	enum fp_skip s1, s2, s3, s4;
	json_error_t jerr;
	json_t *root;
	int r1, r2, r3, scan;

	/* 1. the scanner accepts what jansson accepts */
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	scan = fp_jscan_parse(js, line, len);
	if (scan >= 0 && (root != NULL) != (scan == 0))
		differ(root != NULL ? "jansson accepts, the scanner rejects"
				    : "the scanner accepts, jansson rejects",
		       line, len);
	json_decref(root);
	fp_jscan_trim(js);

	/* 2. the two readers decide alike */
	fp_arena_reset(a1);
	fp_arena_reset(a2);
	r1 = fp_reader_hubble_parse_reference(NULL, &f1, &s1, a1, line, len, &e1);
	r2 = fp_reader_hubble_parse_fast(state, &f2, &s2, a2, line, len);
	if (r1 == FP_ENOMEM || r2 == FP_ENOMEM)
		return;
	if (r1 != r2)
		differ(r1 == FP_READ_FLOW	? "reference: flow, fast: other"
		       : r1 == FP_READ_SKIP	? "reference: skip, fast: other"
						: "reference: rejects, fast: accepts",
		       line, len);
	if (r1 == FP_READ_SKIP && s1 != s2)
		differ("different skip reasons", line, len);
	if (r1 == FP_READ_FLOW && !same_flow(&f1, &f2))
		differ("different flows", line, len);

	/* 3. the reader as ingest calls it answers as the reference does */
	fp_arena_reset(a2);
	r3 = fp_reader_hubble.parse(state, &f3, &s3, a2, line, len, &e3);
	if (r3 != r1 || (r1 == FP_READ_SKIP && s3 != s1) || (r1 == FP_READ_FLOW && !same_flow(&f1, &f3)))
		differ("fp_reader_hubble.parse differs from the reference", line, len);
	if (r1 < 0 && (e1.code != e3.code || e1.column != e3.column || strcmp(e1.text, e3.text) != 0))
		differ("different error messages", line, len);

	/* 4. eviction does not change a thing */
	fp_arena_reset(a2);
	if (fp_reader_hubble_parse_fast(tiny, &f4, &s4, a2, line, len) != r1 ||
	    (r1 == FP_READ_SKIP && s4 != s1) || (r1 == FP_READ_FLOW && !same_flow(&f1, &f4)))
		differ("a tiny endpoint memo changes the result", line, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	void *state = fp_reader_hubble.state_new();
	void *tiny = fp_reader_hubble__fast_new_sized(3);
	struct fp_arena a1, a2;
	struct fp_jscan js;

	if (state == NULL || tiny == NULL) {
		fp_reader_hubble.state_free(state);
		fp_reader_hubble.state_free(tiny);
		return 0;
	}
	fp_arena_init(&a1);
	fp_arena_init(&a2);
	fp_jscan_init(&js);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		check_line(state, tiny, &js, &a1, &a2, p, len);
		p += len + (nl != NULL);
	}
	fp_jscan_done(&js);
	fp_arena_done(&a1);
	fp_arena_done(&a2);
	fp_reader_hubble.state_free(state);
	fp_reader_hubble.state_free(tiny);
	return 0;
}
