/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-parsers.c - the small parsers every reader leans on: RFC 3339 times,
 * durations, addresses and CIDR blocks, Kubernetes names and labels, and
 * the known-networks YAML.  The first byte picks the parser.  Round trips
 * are checked too: what parses and is formatted parses back the same.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/netset.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"
#include "lib/util-time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[256], out[FP_ADDR_BUFSZ + 8];
	const char *s = (const char *)data + 1;
	size_t len = size > 0 ? size - 1 : 0;
	int64_t t, t2;
	struct fp_addr a, a2;
	struct fp_cidr c, c2;
	struct fp_netset nets;
	struct fp_err err = { 0 };

	if (size == 0)
		return 0;
	switch (data[0] % 5) {
	case 0:
		if (fp_time_parse_rfc3339(&t, NULL, s, len) == 0) {
			char tb[FP_TIME_BUFSZ];

			fp_time_format(tb, t);
			if (t > -62135596800LL && t < 253402300800LL &&
			    (fp_time_parse_rfc3339(&t2, NULL, tb, strlen(tb)) != 0 || t2 != t))
				abort();
		}
		break;
	case 1:
		if (len < sizeof(buf)) {
			memcpy(buf, s, len);
			buf[len] = '\0';
			fp_time_parse_duration(&t, buf);
			fp_time_parse_arg(&t, buf, 1700000000);
		}
		break;
	case 2:
		if (fp_addr_parse(&a, s, len) == 0) {
			fp_addr_format(out, &a);
			if (fp_addr_parse(&a2, out, strlen(out)) != 0 || fp_addr_cmp(&a, &a2) != 0)
				abort();
		}
		if (len < sizeof(buf)) {
			memcpy(buf, s, len);
			buf[len] = '\0';
			if (fp_cidr_parse(&c, buf, false) == 0) {
				fp_cidr_format(out, &c);
				if (fp_cidr_parse(&c2, out, true) != 0 || !fp_cidr_within(&c, &c2) ||
				    !fp_cidr_within(&c2, &c))
					abort();
			}
		}
		break;
	case 3:
		fp_k8s_is_dns_label(s, len);
		fp_k8s_is_dns_subdomain(s, len);
		fp_k8s_is_label_key(s, len);
		fp_k8s_is_label_value(s, len);
		break;
	default:
		if (fp_netset_parse(&nets, "fuzz.yaml", s, len, &err) == 0) {
			if (fp_addr_parse(&a, "203.0.113.7", 11) == 0)
				fp_netset_find(&nets, &a);
			fp_netset_done(&nets);
		}
		break;
	}
	return 0;
}
