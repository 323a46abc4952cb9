/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-reader.h - the body every reader's fuzz target shares.
 *
 * Each input is one file: split into lines like ingest does, every line
 * goes through detection, then the reader with one per-file state, and
 * every flow through normalization and the canonical key; finish() ends
 * the file.  A crash anywhere on that path is found.
 */
#ifndef FP_FUZZ_READER_H
#define FP_FUZZ_READER_H

#include <stdint.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/reader.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline int
fp_fuzz_reader(const struct fp_reader *rd, const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct fp_arena arena;
	struct fp_buf key;
	void *state = rd->state_new != NULL ? rd->state_new() : NULL;

	if (rd->state_new != NULL && state == NULL)
		return 0;
	fp_arena_init(&arena);
	fp_buf_init(&key);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct fp_err err = { 0 };
		struct fp_flow flow;
		enum fp_skip skip;

		fp_arena_reset(&arena);
		rd->detect(p, len);
		fp_reader_detect(p, len);
		if (rd->parse(state, &flow, &skip, &arena, p, len, &err) ==
			    FP_READ_FLOW &&
		    fp_endpoint_normalize(&flow.src, &arena, &err) == 0 &&
		    fp_endpoint_normalize(&flow.dst, &arena, &err) == 0) {
			fp_buf_reset(&key);
			fp_endpoint_key(&key, &flow.src);
			fp_endpoint_key(&key, &flow.dst);
		}
		p += len + (nl != NULL);
	}
	if (rd->finish != NULL) {
		struct fp_err err = { 0 };

		rd->finish(state, &err);
	}
	if (rd->state_free != NULL)
		rd->state_free(state);
	fp_buf_done(&key);
	fp_arena_done(&arena);
	return 0;
}

#endif
