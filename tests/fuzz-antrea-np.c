/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-antrea-np.c - the antrea-np reader, normalization and keys on any bytes.
 */
#include "config.h"

#include "lib/reader-antrea-np.h"
#include "tests/fuzz-reader.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fp_fuzz_reader(&fp_reader_antrea_np, data, size);
}
