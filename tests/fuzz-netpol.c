/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-netpol.c - fuzz the NetworkPolicy reader, and the evaluator on
 * whatever it accepts.
 *
 * The input is loaded with fp_netpol_load_buffer(); every note is formatted.
 * Then pods are made from the policies' own selectors (so that rules
 * select something) and evaluated against each other, a node and outside
 * addresses, checking invariants that must hold for any policy set:
 * fp_netpol_allowed_ports() agrees with fp_netpol_evaluate() at both ends
 * of every range and just past it, and every address class gets one answer
 * at both of its ends.  A broken invariant aborts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/netpol.h"
#include "tests/fuzz.h"

#define PODS 4

static void
on_note(void *ud, const struct fp_err *e)
{
	char buf[700];

	fp_err_format(buf, sizeof(buf), e);
	*(size_t *)ud += strlen(buf);
}

static bool
allowed(const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
	const struct fp_netpol_peer *dst, uint8_t proto, uint16_t port)
{
	struct fp_netpol_decision d;
	struct fp_buf b;

	if (fp_netpol_evaluate(&d, s, src, dst, proto, port, NULL) < 0)
		abort();
	fp_buf_init(&b);
	if (fp_netpol_format_decision(&b, s, &d, src, dst, proto, port) < 0 || b.len == 0)
		abort();
	fp_buf_done(&b);
	return d.allowed;
}

static void
check_ports(const struct fp_netpol_set *s, const struct fp_netpol_peer *src,
	    const struct fp_netpol_peer *dst, uint8_t proto)
{
	struct fp_netpol_port_range *r;
	size_t n;

	if (fp_netpol_allowed_ports(&r, &n, s, src, dst, proto, NULL) < 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (r[i].lo > r[i].hi || (i > 0 && r[i].lo <= r[i - 1].hi + 1))
			abort();
		if (!allowed(s, src, dst, proto, r[i].lo) ||
		    !allowed(s, src, dst, proto, r[i].hi))
			abort();
		if (r[i].hi < 65535 &&
		    allowed(s, src, dst, proto, (uint16_t)(r[i].hi + 1)))
			abort();
		if (r[i].lo > 1 && allowed(s, src, dst, proto, (uint16_t)(r[i].lo - 1)))
			abort();
	}
	if (n == 0 && allowed(s, src, dst, proto, 80))
		abort();
	free(r);
}

static void
check_addresses(const struct fp_netpol_set *s, const struct fp_netpol_peer *pod,
		enum fp_netpol_dir dir, uint8_t family)
{
	struct fp_netpol_addr_range *r;
	size_t n;

	if (fp_netpol_address_ranges(&r, &n, s, dir, family, NULL) < 0 || n == 0)
		abort();
	/* A few classes are enough; a big set would make each input slow. */
	for (size_t i = 0; i < n && i < 16; i++) {
		struct fp_netpol_peer lo = { .addr = r[i].lo }, hi = { .addr = r[i].hi };
		bool a, b;

		if (dir == FP_NETPOL_EGRESS) {
			a = allowed(s, pod, &lo, FP_PROTO_TCP, 443);
			b = allowed(s, pod, &hi, FP_PROTO_TCP, 443);
		} else {
			a = allowed(s, &lo, pod, FP_PROTO_TCP, 443);
			b = allowed(s, &hi, pod, FP_PROTO_TCP, 443);
		}
		if (a != b || fp_addr_cmp(&r[i].lo, &r[i].hi) > 0)
			abort();
	}
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fp_netpol_port ports[] = {
		{ "http", 8080, FP_PROTO_TCP },
		{ "dns", 53, FP_PROTO_UDP },
		{ "sctp", 9000, FP_PROTO_SCTP },
	};
	static const struct fp_label ns_labels[] = { { "team", "a" } };
	struct fp_netpol_peer peers[PODS + 3];
	struct fp_netpol_set *s;
	size_t noted = 0, n = 0;

	if (fp_netpol_set_new(&s, NULL) < 0)
		return 0;
	if (fp_netpol_load_buffer(s, "fuzz.yaml", (const char *)data, size, on_note,
				  &noted, NULL) < 0) {
		fp_netpol_set_free(s);
		return 0;
	}
	/* One pod per policy, labelled the way its podSelector asks. */
	memset(peers, 0, sizeof(peers));
	for (size_t i = 0; i < fp_netpol_count(s) && n < PODS; i++, n++) {
		const struct fp_netpol_info *in = fp_netpol_get(s, i);

		peers[n].is_pod = true;
		peers[n].ns = in->ns;
		peers[n].name = in->name;
		peers[n].labels = in->pod_selector->match_labels;
		peers[n].n_labels = in->pod_selector->n_match_labels;
		peers[n].ns_labels = ns_labels;
		peers[n].n_ns_labels = i % 2;
		peers[n].ports = ports;
		peers[n].n_ports = sizeof(ports) / sizeof(ports[0]);
		peers[n].node = "n1";
		fp_netpol_rule_line(s, i, FP_NETPOL_INGRESS, 0);
	}
	peers[n] = (struct fp_netpol_peer){ .is_node = true, .node = "n1" };
	fp_addr_parse(&peers[n++].addr, "10.0.0.1", 8);
	fp_addr_parse(&peers[n++].addr, "192.168.1.1", 11);
	fp_addr_parse(&peers[n++].addr, "2001:db8::1", 11);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			allowed(s, &peers[i], &peers[j], FP_PROTO_ICMP, 0);
			check_ports(s, &peers[i], &peers[j], FP_PROTO_TCP);
			check_ports(s, &peers[i], &peers[j], FP_PROTO_UDP);
			check_ports(s, &peers[i], &peers[j], FP_PROTO_SCTP);
		}
		if (peers[i].is_pod) {
			check_addresses(s, &peers[i], FP_NETPOL_INGRESS, 4);
			check_addresses(s, &peers[i], FP_NETPOL_EGRESS, 6);
		}
	}
	fp_netpol_set_free(s);
	return 0;
}
