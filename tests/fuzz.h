/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz.h - the libFuzzer entry point every tests/fuzz-<reader>.c defines.
 *
 * A target is linked either with libFuzzer (-Dfuzzing=true, clang) or with
 * tests/fuzz-replay.c, which runs it over testdata/fuzz/<reader>/ in plain
 * `meson test`.  A target must not leak, print or keep state between calls,
 * and calls abort() when an invariant of the code under test breaks.
 */
#ifndef FP_FUZZ_H
#define FP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
