/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/util-sort.h"

/* Bottom-up merge sort: O(n log n), stable, one scratch array. */
int
fp_sort(void *base, size_t n, size_t size, fp_cmp_fn cmp, void *ctx)
{
	char *a = base, *tmp, *src, *dst;

	if (n < 2)
		return 0;
	tmp = malloc(n * size);
	if (tmp == NULL)
		return FP_ENOMEM;
	src = a;
	dst = tmp;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi) {
				if (cmp(src + j * size, src + i * size, ctx) < 0)
					memcpy(dst + k++ * size, src + j++ * size, size);
				else
					memcpy(dst + k++ * size, src + i++ * size, size);
			}
			memcpy(dst + k * size, src + i * size, (mid - i) * size);
			k += mid - i;
			memcpy(dst + k * size, src + j * size, (hi - j) * size);
		}
		char *t = src;

		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * size);
	free(tmp);
	return 0;
}
