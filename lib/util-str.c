/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/util-str.h"

void
fp_str_sanitize(char *s, size_t size)
{
	char out[1024];
	size_t o = 0;

	if (size == 0)
		return;
	for (size_t i = 0; s[i] != '\0' && i < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= sizeof(out))
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= sizeof(out))
				break;
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	snprintf(s, size, "%s", out);
}

bool
fp_parse_u64(uint64_t *out, const char *s, uint64_t max)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9')
			return false;
		/* max - d would wrap for a digit above a small max ("9", max 8) */
		if (d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
fp_parse_size(uint64_t *out, const char *s)
{
	char num[32];
	size_t len = strlen(s);
	uint64_t v, mul = 1;

	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'K': case 'k': mul = 1ull << 10; break;
	case 'M': case 'm': mul = 1ull << 20; break;
	case 'G': case 'g': mul = 1ull << 30; break;
	default: break;
	}
	if (mul != 1)
		num[--len] = '\0';
	if (!fp_parse_u64(&v, num, UINT64_MAX / mul))
		return false;
	*out = v * mul;
	return true;
}
