/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-vpc.c - the VPC Flow Logs reader on any bytes, line by line with one
 * per-file state, as ingest drives it.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/reader-vpc.h"
#include "lib/util-arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	void *state = fp_reader_vpc.state_new();
	struct fp_arena arena;

	if (state == NULL)
		return 0;
	fp_arena_init(&arena);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct fp_err err = { 0 };
		struct fp_flow flow;
		enum fp_skip skip;

		fp_arena_reset(&arena);
		fp_reader_vpc.detect(p, len);
		if (fp_reader_vpc.parse(state, &flow, &skip, &arena, p, len, &err) == FP_READ_FLOW) {
			fp_endpoint_normalize(&flow.src, &arena, &err);
			fp_endpoint_normalize(&flow.dst, &arena, &err);
		}
		p += len + (nl != NULL);
	}
	fp_arena_done(&arena);
	fp_reader_vpc.state_free(state);
	return 0;
}
