/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-str.h - small string helpers that C11 and POSIX lack.
 */
#ifndef FP_UTIL_STR_H
#define FP_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The first occurrence of @needle in @hay (memmem() is a GNU extension). */
static inline const char *
fp_memmem(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
	if (needle_len == 0)
		return hay;
	while (hay_len >= needle_len) {
		const char *p = memchr(hay, needle[0], hay_len - needle_len + 1);

		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, needle_len) == 0)
			return p;
		hay_len -= (size_t)(p - hay) + 1;
		hay = p + 1;
	}
	return NULL;
}

/* Does @s of @len bytes contain the literal @lit? */
#define fp_contains(s, len, lit) (fp_memmem((s), (len), (lit), sizeof(lit) - 1) != NULL)

/* Does @s of @len bytes equal the literal @lit? */
#define fp_equals(s, len, lit) ((len) == sizeof(lit) - 1 && memcmp((s), (lit), (len)) == 0)

/*
 * Make @s printable for a message: bytes outside printable ASCII become
 * "\xNN", so a hostile value can neither break a line of output nor send
 * terminal escapes.  Rewrites @s in place within @size bytes (truncating).
 */
void fp_str_sanitize(char *s, size_t size);

/*
 * Parse a decimal number in [0, @max]: digits only, no sign, no spaces.
 * False (and *@out untouched) when @s is not one.  The command line and the
 * configuration file read numbers through this one function.
 */
bool fp_parse_u64(uint64_t *out, const char *s, uint64_t max);
/* Parse a size such as "256M", "2G", "64k", "65536" (bytes); false when invalid. */
bool fp_parse_size(uint64_t *out, const char *s);

#endif
