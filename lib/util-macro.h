/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-macro.h - small macros shared by every module.
 */
#ifndef FP_UTIL_MACRO_H
#define FP_UTIL_MACRO_H

#include <stdlib.h>

#define FP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FP_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FP_MAX(a, b) ((a) > (b) ? (a) : (b))
#define FP_UNUSED __attribute__((unused))

static inline void
fp_freep(void *p)
{
	free(*(void **)p);
}

/* A pointer freed with free() when it leaves scope (kmod's _cleanup_free_). */
#define _cleanup_free_ __attribute__((cleanup(fp_freep)))

#endif
