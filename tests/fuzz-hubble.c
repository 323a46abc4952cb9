/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-hubble.c - the Hubble reader and endpoint normalization on any bytes.
 *
 * Each input is split into lines like ingest does; every line goes through
 * the reader as ingest calls it (the fast path, and the jansson reference for
 * the lines it rejects) and, when it is a flow, through normalization and
 * the canonical key, so a crash anywhere on that path is found.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/reader-hubble.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	void *state = fp_reader_hubble.state_new();
	struct fp_arena arena;
	struct fp_buf key;

	if (state == NULL)
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
		fp_reader_hubble.detect(p, len);
		if (fp_reader_hubble.parse(state, &flow, &skip, &arena, p, len, &err) == FP_READ_FLOW &&
		    fp_endpoint_normalize(&flow.src, &arena, &err) == 0 &&
		    fp_endpoint_normalize(&flow.dst, &arena, &err) == 0) {
			fp_buf_reset(&key);
			fp_endpoint_key(&key, &flow.src);
			fp_endpoint_key(&key, &flow.dst);
		}
		p += len + (nl != NULL);
	}
	fp_buf_done(&key);
	fp_arena_done(&arena);
	fp_reader_hubble.state_free(state);
	return 0;
}
