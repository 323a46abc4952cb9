/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-map.h - a string -> index hash map with borrowed keys.
 *
 * The caller keeps every key alive (and unchanged) while it is in the map;
 * the map stores only pointers.  Used wherever names are looked up by the
 * thousand: identity keys, policy names, endpoint ids.
 */
#ifndef FP_UTIL_MAP_H
#define FP_UTIL_MAP_H

#include <stddef.h>
#include <stdint.h>

struct fp_strmap {
	const char **keys;
	size_t *vals;
	uint64_t *hashes;
	size_t n, cap;
};

void fp_strmap_init(struct fp_strmap *m);
void fp_strmap_done(struct fp_strmap *m);
/* The value of @key, or -1 when absent. */
long fp_strmap_get(const struct fp_strmap *m, const char *key);
/* Set @key (borrowed) to @val, replacing an old value.  0 or FP_ENOMEM. */
int fp_strmap_put(struct fp_strmap *m, const char *key, size_t val);

#endif
