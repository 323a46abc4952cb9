/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-net.h - IPv4/IPv6 addresses and CIDR blocks.
 *
 * Addresses are kept in network byte order in 16 bytes; an IPv4 address uses
 * the first four.  Parsing is strict (no leading zeros in IPv4 octets, no
 * zone ids) because a lenient parser would let "010.0.0.1" mean two things.
 */
#ifndef FP_UTIL_NET_H
#define FP_UTIL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FP_ADDR_BUFSZ 48 /* enough for any address plus "/128" */

struct fp_addr {
	uint8_t family; /* 0 = none, 4 or 6 */
	uint8_t bytes[16];
};

struct fp_cidr {
	struct fp_addr addr; /* the network address (host bits zero) */
	uint8_t prefix;
};

/* Parse an IPv4 or IPv6 address of exactly @len bytes.  0 or FP_EINPUT. */
int fp_addr_parse(struct fp_addr *out, const char *s, size_t len);
/* Canonical text form (RFC 5952 for IPv6) into @buf; returns @buf. */
char *fp_addr_format(char buf[FP_ADDR_BUFSZ], const struct fp_addr *a);
int fp_addr_cmp(const struct fp_addr *a, const struct fp_addr *b);

/*
 * Parse "addr/prefix".  With @strict, host bits set below the prefix are an
 * error (as the API server's ipBlock validation does); without, they are
 * cleared.  0 or FP_EINPUT.
 */
int fp_cidr_parse(struct fp_cidr *out, const char *s, bool strict);
char *fp_cidr_format(char buf[FP_ADDR_BUFSZ], const struct fp_cidr *c);
bool fp_cidr_contains(const struct fp_cidr *c, const struct fp_addr *a);
/* True when @inner lies entirely inside @outer. */
bool fp_cidr_within(const struct fp_cidr *inner, const struct fp_cidr *outer);
/* True when the two blocks share at least one address. */
bool fp_cidr_overlaps(const struct fp_cidr *a, const struct fp_cidr *b);
/* The /32 or /128 block of a single address. */
void fp_cidr_host(struct fp_cidr *out, const struct fp_addr *a);

#endif
