/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"
#include "lib/util-net.h"

static int
parse_v4(uint8_t out[4], const char *s, size_t len)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;

		if (part > 0) {
			if (i >= len || s[i] != '.')
				return FP_EINPUT;
			start = ++i;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return FP_EINPUT;
		out[part] = (uint8_t)v;
	}
	return i == len ? 0 : FP_EINPUT;
}

int
fp_addr_parse(struct fp_addr *out, const char *s, size_t len)
{
	char tmp[64];

	memset(out, 0, sizeof(*out));
	if (len == 0 || len >= sizeof(tmp))
		return FP_EINPUT;
	if (memchr(s, ':', len) == NULL) {
		if (parse_v4(out->bytes, s, len) < 0)
			return FP_EINPUT;
		out->family = 4;
		return 0;
	}
	/* inet_pton() needs a terminated string and rejects zone ids for us. */
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET6, tmp, out->bytes) != 1)
		return FP_EINPUT;
	out->family = 6;
	return 0;
}

char *
fp_addr_format(char buf[FP_ADDR_BUFSZ], const struct fp_addr *a)
{
	if (a->family == 4)
		snprintf(buf, FP_ADDR_BUFSZ, "%u.%u.%u.%u", a->bytes[0], a->bytes[1],
			 a->bytes[2], a->bytes[3]);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->bytes, buf, FP_ADDR_BUFSZ);
	else
		snprintf(buf, FP_ADDR_BUFSZ, "-");
	return buf;
}

int
fp_addr_cmp(const struct fp_addr *a, const struct fp_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}

static unsigned
addr_bits(const struct fp_addr *a)
{
	return a->family == 4 ? 32 : 128;
}

/* Compare the first @prefix bits of two addresses of one family. */
static bool
prefix_equal(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int
fp_cidr_parse(struct fp_cidr *out, const char *s, bool strict)
{
	const char *slash = strchr(s, '/');
	unsigned prefix = 0, bits;
	const char *p;

	memset(out, 0, sizeof(*out));
	if (slash == NULL || slash[1] == '\0')
		return FP_EINPUT;
	if (fp_addr_parse(&out->addr, s, (size_t)(slash - s)) < 0)
		return FP_EINPUT;
	for (p = slash + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || p - slash > 3)
			return FP_EINPUT;
		prefix = prefix * 10 + (unsigned)(*p - '0');
	}
	if (slash[1] == '0' && slash[2] != '\0')
		return FP_EINPUT;
	bits = addr_bits(&out->addr);
	if (prefix > bits)
		return FP_EINPUT;
	for (unsigned i = prefix; i < bits; i++) {
		uint8_t mask = (uint8_t)(0x80 >> (i % 8));

		if (out->addr.bytes[i / 8] & mask) {
			if (strict)
				return FP_EINPUT;
			out->addr.bytes[i / 8] &= (uint8_t)~mask;
		}
	}
	out->prefix = (uint8_t)prefix;
	return 0;
}

char *
fp_cidr_format(char buf[FP_ADDR_BUFSZ], const struct fp_cidr *c)
{
	char a[FP_ADDR_BUFSZ];

	snprintf(buf, FP_ADDR_BUFSZ, "%s/%u", fp_addr_format(a, &c->addr), c->prefix);
	return buf;
}

bool
fp_cidr_contains(const struct fp_cidr *c, const struct fp_addr *a)
{
	if (c->addr.family != a->family)
		return false;
	return prefix_equal(c->addr.bytes, a->bytes, c->prefix);
}

bool
fp_cidr_within(const struct fp_cidr *inner, const struct fp_cidr *outer)
{
	return inner->addr.family == outer->addr.family && inner->prefix >= outer->prefix &&
	       prefix_equal(inner->addr.bytes, outer->addr.bytes, outer->prefix);
}

bool
fp_cidr_overlaps(const struct fp_cidr *a, const struct fp_cidr *b)
{
	return fp_cidr_within(a, b) || fp_cidr_within(b, a);
}

void
fp_cidr_host(struct fp_cidr *out, const struct fp_addr *a)
{
	out->addr = *a;
	out->prefix = (uint8_t)addr_bits(a);
}
