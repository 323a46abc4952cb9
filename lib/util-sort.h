/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-sort.h - a stable sort whose comparison takes a context pointer
 * (qsort_r() is not portable, and lib/ keeps no globals to smuggle one in).
 */
#ifndef FP_UTIL_SORT_H
#define FP_UTIL_SORT_H

#include <stddef.h>
#include <stdlib.h>

typedef int (*fp_cmp_fn)(const void *a, const void *b, void *ctx);

/*
 * qsort() that accepts an empty array: a NULL pointer is undefined behaviour
 * for qsort() even with a count of zero, and empty arrays are often NULL.
 */
static inline void
fp_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Sort @n elements of @size bytes; stable.  0 or FP_ENOMEM (array unchanged). */
int fp_sort(void *base, size_t n, size_t size, fp_cmp_fn cmp, void *ctx);

#endif
