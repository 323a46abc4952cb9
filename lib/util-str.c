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
