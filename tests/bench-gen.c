/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-gen.c - realistic Hubble jsonpb data of any size, for the benchmark.
 *
 *   bench-gen [--bytes N[K|M|G]] [--lines N] [--workloads W] [--namespaces N]
 *             [--edges E] [--days D] [--seed S] [--cover]  > flows.jsonl
 *
 * The lines look like what the Hubble exporter of Cilium 1.16-1.19 writes
 * (testdata/hubble/other/hubble-export-cilium-1.19.1.jsonl, testdata/demo):
 * about 2 KB each, with uuid, ethernet, node_labels, a dozen pod labels per
 * endpoint and workloads[].  A cluster of W workloads in N namespaces talks
 * over E distinct edges (workload to workload on a port, DNS to kube-dns,
 * HTTPS to outside addresses, kubelet probes from the node); busy services
 * get most connections.  Each connection is written as a capture shows it: an
 * AUDIT policy verdict and the traced first packet (both are flows), the
 * reply, some later packets, sometimes an L7 record; a few are DROPPED, and
 * node_status / lost_events records appear now and then.  Times run over D
 * days, in order, as in a log file.  --cover first writes one policy verdict
 * per edge, so "--cover --lines E" holds exactly the E edges (the aggregate
 * benchmark).
 *
 * Output depends only on the options: the same seed gives the same bytes.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T0 1794182400 /* 2026-11-09T00:00:00Z, a Monday */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* splitmix64: small, fast, and the same everywhere */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* Skewed towards small values: a few hot services get most traffic. */
static uint32_t
skewed(uint32_t n)
{
	double u = (double)(rnd() >> 11) / (double)(1ULL << 53);

	return (uint32_t)((double)n * u * u * u) % n;
}

struct out {
	char *p;
	size_t len, cap;
};

static void
grow(struct out *o, size_t extra)
{
	if (o->len + extra + 1 <= o->cap)
		return;
	o->cap = (o->len + extra + 1) * 2;
	o->p = realloc(o->p, o->cap);
	if (o->p == NULL) {
		perror("bench-gen");
		exit(1);
	}
}

static void
add(struct out *o, const char *s)
{
	size_t n = strlen(s);

	grow(o, n);
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
addf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	grow(o, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(o->p + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

static const char *const words[] = {
	"api",      "auth",     "billing",  "cart",     "catalog", "checkout", "search",
	"orders",   "payments", "profile",  "reviews",  "ratings", "shipping", "stock",
	"pricing",  "gateway",  "frontend", "notify",   "mailer",  "ledger",   "reports",
	"session",  "images",   "media",    "feed",     "graph",   "metrics",  "audit",
	"redis",    "postgres", "kafka",    "rabbitmq", "memcache", "elastic", "minio",
	"worker",   "scheduler", "importer", "exporter", "sync",
};
#define N_WORDS (sizeof(words) / sizeof(words[0]))

static const char *const tiers[] = { "frontend", "backend", "data", "edge" };
static const uint16_t service_ports[] = { 8080, 8080, 8443, 9090, 5432, 6379, 9092, 3000,
					  50051, 80 };

struct pod {
	char name[96];
	char ip[32];
	char endpoint[2048]; /* the JSON object of this pod as an endpoint */
	char mac[20];
};

struct workload {
	char name[64];
	int ns;
	const char *kind;
	uint16_t port;
	struct pod *pods;
	int n_pods;
};

struct edge {
	int src, dst; /* workload index; -1 = outside address, -2 = node */
	uint16_t port;
	uint8_t proto;
	uint32_t ext; /* outside address index */
};

static char ns_names[1024][48];
static char node_labels[8][1400];
static char node_names[8][64];
#define N_NODES 8

static void
gen_suffix(char *out, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[below(sizeof(alphabet) - 1)];
	out[n] = '\0';
}

static void
make_labels(struct out *o, const struct workload *w, const char *hash, int team)
{
	char l[24][200];
	int n = 0;
	const char *ns = ns_names[w->ns];

	snprintf(l[n++], 200, "k8s:app.kubernetes.io/instance=%s-%s", w->name, ns);
	snprintf(l[n++], 200, "k8s:app.kubernetes.io/name=%s", w->name);
	snprintf(l[n++], 200, "k8s:app=%s", w->name);
	snprintf(l[n++], 200, "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=%s",
		 ns);
	snprintf(l[n++], 200, "k8s:io.cilium.k8s.policy.cluster=prod-eu1");
	snprintf(l[n++], 200, "k8s:io.cilium.k8s.policy.serviceaccount=%s", w->name);
	snprintf(l[n++], 200, "k8s:io.kubernetes.pod.namespace=%s", ns);
	if (hash != NULL)
		snprintf(l[n++], 200, "k8s:pod-template-hash=%s", hash);
	snprintf(l[n++], 200, "k8s:team=team-%d", team);
	snprintf(l[n++], 200, "k8s:tier=%s", tiers[(w->ns + team) % 4]);
	/* Hubble prints labels sorted as whole strings */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(l[j - 1], l[j]) > 0; j--) {
			char t[200];

			memcpy(t, l[j], 200);
			memcpy(l[j], l[j - 1], 200);
			memcpy(l[j - 1], t, 200);
		}
	add(o, "[");
	for (int i = 0; i < n; i++)
		addf(o, "%s\"%s\"", i ? "," : "", l[i]);
	add(o, "]");
}

static void
make_pods(struct workload *w, int index)
{
	char hash[16], sfx[8];
	int team = index % 17;
	struct out o = { 0 };

	w->n_pods = 1 + (int)below(3);
	w->pods = calloc((size_t)w->n_pods, sizeof(*w->pods));
	gen_suffix(hash, 10);
	for (int p = 0; p < w->n_pods; p++) {
		struct pod *pod = &w->pods[p];

		if (strcmp(w->kind, "StatefulSet") == 0) {
			snprintf(pod->name, sizeof(pod->name), "%s-%d", w->name, p);
		} else if (strcmp(w->kind, "DaemonSet") == 0) {
			gen_suffix(sfx, 5);
			snprintf(pod->name, sizeof(pod->name), "%s-%s", w->name, sfx);
		} else {
			gen_suffix(sfx, 5);
			snprintf(pod->name, sizeof(pod->name), "%s-%s-%s", w->name, hash, sfx);
		}
		snprintf(pod->ip, sizeof(pod->ip), "10.%u.%u.%u", 40 + (index >> 14) % 200,
			 (unsigned)((index >> 6) & 255), (unsigned)((index & 63) * 4 + p + 1));
		snprintf(pod->mac, sizeof(pod->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 (unsigned)below(256) & 0xfe, (unsigned)below(256), (unsigned)below(256),
			 (unsigned)below(256), (unsigned)below(256), (unsigned)below(256));
		o.len = 0;
		addf(&o,
		     "{\"ID\":%u,\"identity\":%u,\"cluster_name\":\"prod-eu1\",\"namespace\":\"%s\","
		     "\"labels\":",
		     100 + below(4000), 10000 + (unsigned)index * 7 % 60000, ns_names[w->ns]);
		make_labels(&o, w, strcmp(w->kind, "Deployment") == 0 ? hash : NULL, team);
		addf(&o, ",\"pod_name\":\"%s\",\"workloads\":[{\"name\":\"%s\",\"kind\":\"%s\"}]}",
		     pod->name, w->name, w->kind);
		snprintf(pod->endpoint, sizeof(pod->endpoint), "%s", o.p);
	}
	free(o.p);
}

static void
make_nodes(void)
{
	for (int n = 0; n < N_NODES; n++) {
		struct out o = { 0 };

		snprintf(node_names[n], sizeof(node_names[n]), "ip-10-0-%d-%d.eu-west-1.compute.internal",
			 n + 1, 17 + n * 12);
		addf(&o,
		     "[\"beta.kubernetes.io/arch=amd64\","
		     "\"beta.kubernetes.io/os=linux\","
		     "\"eks.amazonaws.com/nodegroup=general-%d\","
		     "\"kubernetes.io/hostname=%s\",\"kubernetes.io/os=linux\","
		     "\"node.kubernetes.io/instance-type=m6i.2xlarge\",\"topology.kubernetes.io/zone=eu-west-1%c\"]",
		     n % 3, node_names[n], 'a' + n % 3);
		snprintf(node_labels[n], sizeof(node_labels[n]), "%s", o.p);
		free(o.p);
	}
}

static void
rfc3339(char *out, size_t size, int64_t sec, uint32_t nanos)
{
	time_t t = (time_t)sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos);
}

struct conn {
	const char *src_ep, *dst_ep; /* endpoint JSON objects */
	const char *src_ip, *dst_ip;
	const char *src_mac, *dst_mac;
	uint16_t sport, dport;
	uint8_t proto;
	int node;
	bool l7_http, l7_dns;
};

enum kind { K_VERDICT, K_NEW, K_REPLY, K_LATER, K_LATER_REPLY, K_L7, K_DROP };

static void
flow_line(struct out *o, const struct conn *c, enum kind k, const char *time)
{
	bool reply = k == K_REPLY || k == K_LATER_REPLY;
	const char *s_ep = reply ? c->dst_ep : c->src_ep, *d_ep = reply ? c->src_ep : c->dst_ep;
	const char *s_ip = reply ? c->dst_ip : c->src_ip, *d_ip = reply ? c->src_ip : c->dst_ip;
	uint16_t sport = reply ? c->dport : c->sport, dport = reply ? c->sport : c->dport;
	const char *proto = c->proto == 6 ? "TCP" : "UDP";
	const char *flags = "";
	const char *verdict = k == K_VERDICT ? "AUDIT" : k == K_DROP ? "DROPPED" : "FORWARDED";

	if (c->proto == 6) {
		switch (k) {
		case K_VERDICT:
		case K_NEW:
		case K_DROP: flags = ",\"flags\":{\"SYN\":true}"; break;
		case K_REPLY: flags = ",\"flags\":{\"SYN\":true,\"ACK\":true}"; break;
		default: flags = ",\"flags\":{\"PSH\":true,\"ACK\":true}"; break;
		}
	}
	addf(o,
	     "{\"flow\":{\"time\":\"%s\",\"uuid\":\"%08llx-%04llx-4%03llx-8%03llx-%012llx\","
	     "\"emitter\":{\"name\":\"Hubble\",\"version\":\"1.19.1+gd0d0c879\"},"
	     "\"verdict\":\"%s\",",
	     time, (unsigned long long)(rnd() & 0xffffffff), (unsigned long long)(rnd() & 0xffff),
	     (unsigned long long)(rnd() & 0xfff), (unsigned long long)(rnd() & 0xfff),
	     (unsigned long long)(rnd() & 0xffffffffffffULL), verdict);
	if (k == K_DROP)
		add(o, "\"drop_reason\":133,");
	addf(o,
	     "\"ethernet\":{\"source\":\"%s\",\"destination\":\"%s\"},"
	     "\"IP\":{\"source\":\"%s\",\"destination\":\"%s\",\"ipVersion\":\"IPv4\"},"
	     "\"l4\":{\"%s\":{\"source_port\":%u,\"destination_port\":%u%s}},"
	     "\"source\":%s,\"destination\":%s,",
	     reply ? c->dst_mac : c->src_mac, reply ? c->src_mac : c->dst_mac, s_ip, d_ip, proto,
	     sport, dport, flags, s_ep, d_ep);
	addf(o, "\"Type\":\"%s\",\"node_name\":\"%s\",\"node_labels\":%s,", k == K_L7 ? "L7" : "L3_L4",
	     node_names[c->node], node_labels[c->node]);
	if (reply)
		add(o, "\"reply\":true,");
	switch (k) {
	case K_VERDICT:
		add(o, "\"event_type\":{\"type\":5},\"traffic_direction\":\"EGRESS\","
		       "\"policy_match_type\":0,\"is_reply\":false,");
		break;
	case K_DROP:
		add(o, "\"event_type\":{\"type\":1,\"sub_type\":133},\"traffic_direction\":\"EGRESS\","
		       "\"drop_reason_desc\":\"POLICY_DENIED\",\"is_reply\":false,");
		break;
	case K_L7:
		add(o, "\"event_type\":{\"type\":129},\"traffic_direction\":\"EGRESS\",\"is_reply\":false,");
		if (c->l7_dns)
			addf(o, "\"l7\":{\"type\":\"REQUEST\",\"dns\":{\"query\":\"svc-%u.cluster.local.\","
				"\"observation_source\":\"proxy\",\"qtypes\":[\"A\"]}},",
			     (unsigned)dport);
		else
			addf(o, "\"l7\":{\"type\":\"REQUEST\",\"latency_ns\":\"%u\",\"http\":{\"code\":200,"
				"\"method\":\"GET\",\"url\":\"http://%s:%u/api/v1/items?page=%u\","
				"\"protocol\":\"HTTP/1.1\",\"headers\":[{\"key\":\"User-Agent\","
				"\"value\":\"Go-http-client/1.1\"}]}},",
			     below(5000000), d_ip, dport, below(100));
		break;
	default:
		addf(o,
		     "\"event_type\":{\"type\":4},\"traffic_direction\":\"EGRESS\","
		     "\"trace_observation_point\":\"TO_ENDPOINT\",\"trace_reason\":\"%s\","
		     "\"is_reply\":%s,\"interface\":{\"index\":%u,\"name\":\"lxc%08llx\"},",
		     k == K_NEW ? "NEW" : reply ? "REPLY" : "ESTABLISHED", reply ? "true" : "false",
		     10 + below(90), (unsigned long long)(rnd() & 0xffffffff));
		break;
	}
	addf(o, "\"Summary\":\"%s\"},\"node_name\":\"%s\",\"time\":\"%s\"}\n",
	     k == K_L7 ? (c->l7_dns ? "DNS Query" : "HTTP/1.1 GET") : c->proto == 6 ? "TCP Flags: SYN" : "UDP",
	     node_names[c->node], time);
}

static uint64_t
parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	switch (*end) {
	case 'K': case 'k': v <<= 10; break;
	case 'M': case 'm': v <<= 20; break;
	case 'G': case 'g': v <<= 30; break;
	default: break;
	}
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t max_bytes = 200ULL << 20, max_lines = 0, written = 0, lines = 0;
	int n_workloads = 600, n_ns = 40, n_edges = 4000, days = 7;
	bool cover = false;
	struct workload *w;
	struct edge *edges;
	char ext_ips[64][20];
	const char *world = "{\"identity\":2,\"labels\":[\"reserved:world\"]}";
	const char *host = "{\"identity\":1,\"labels\":[\"reserved:host\"]}";
	static char outbuf[1 << 20];
	struct out o = { 0 };
	uint64_t seed = 20261109;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";

		if (strcmp(a, "--bytes") == 0) max_bytes = parse_size(v), i++;
		else if (strcmp(a, "--lines") == 0) max_lines = parse_size(v), max_bytes = 0, i++;
		else if (strcmp(a, "--workloads") == 0) n_workloads = (int)strtol(v, NULL, 10), i++;
		else if (strcmp(a, "--namespaces") == 0) n_ns = (int)strtol(v, NULL, 10), i++;
		else if (strcmp(a, "--edges") == 0) n_edges = (int)strtol(v, NULL, 10), i++;
		else if (strcmp(a, "--days") == 0) days = (int)strtol(v, NULL, 10), i++;
		else if (strcmp(a, "--seed") == 0) seed = strtoull(v, NULL, 10), i++;
		else if (strcmp(a, "--cover") == 0) cover = true;
		else {
			fprintf(stderr, "usage: bench-gen [--bytes N[KMG] | --lines N] [--workloads W] "
					"[--namespaces N] [--edges E] [--days D] [--seed S] [--cover]\n");
			return 2;
		}
	}
	if (n_workloads < 2 || n_ns < 1 || n_ns > 1000 || n_edges < 1 || days < 1) {
		fprintf(stderr, "bench-gen: bad sizes\n");
		return 2;
	}
	rng_state = seed;
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	for (int n = 0; n < n_ns; n++)
		snprintf(ns_names[n], sizeof(ns_names[n]), "%s-%s-%d", words[n % N_WORDS],
			 n % 3 == 0 ? "prod" : n % 3 == 1 ? "staging" : "shared", n);
	make_nodes();
	/* workload 0 is kube-dns */
	w = calloc((size_t)n_workloads, sizeof(*w));
	for (int i = 0; i < n_workloads; i++) {
		w[i].ns = i == 0 ? 0 : (int)((uint32_t)i % (uint32_t)n_ns);
		if (i == 0)
			snprintf(w[i].name, sizeof(w[i].name), "coredns");
		else
			snprintf(w[i].name, sizeof(w[i].name), "%s-%s-%d", words[below(N_WORDS)],
				 words[below(N_WORDS)], i);
		w[i].kind = i % 10 == 3 ? "StatefulSet" : i % 10 == 7 ? "DaemonSet" : "Deployment";
		w[i].port = service_ports[below(sizeof(service_ports) / sizeof(service_ports[0]))];
		make_pods(&w[i], i);
	}
	for (int i = 0; i < 64; i++)
		snprintf(ext_ips[i], sizeof(ext_ips[i]), "%u.%u.%u.%u", 34 + below(150), below(256),
			 below(256), 1 + below(254));
	/* the edges: a DNS edge per workload, some HTTPS to outside, kubelet
	 * probes, the rest between workloads, towards a few busy services */
	edges = calloc((size_t)n_edges, sizeof(*edges));
	for (int e = 0; e < n_edges; e++) {
		struct edge *ed = &edges[e];
		uint32_t pick = below(100);

		if (e < n_workloads - 1 && e < n_edges / 8) {
			*ed = (struct edge){ .src = e + 1, .dst = 0, .port = 53, .proto = 17 };
		} else if (pick < 5) {
			*ed = (struct edge){ .src = 1 + (int)below((uint32_t)n_workloads - 1), .dst = -1,
					     .port = 443, .proto = 6, .ext = below(64) };
		} else if (pick < 10) {
			int d = 1 + (int)below((uint32_t)n_workloads - 1);

			*ed = (struct edge){ .src = -2, .dst = d, .port = w[d].port, .proto = 6 };
		} else {
			int d = 1 + (int)skewed((uint32_t)n_workloads - 1);
			int s = 1 + (int)below((uint32_t)n_workloads - 1);

			*ed = (struct edge){ .src = s, .dst = d, .port = w[d].port, .proto = 6 };
		}
	}
	for (uint64_t c_no = 0;; c_no++) {
		const struct edge *ed = cover && c_no < (uint64_t)n_edges ? &edges[c_no]
									 : &edges[skewed((uint32_t)n_edges)];
		struct conn c = { 0 };
		const struct pod *sp = NULL, *dp = NULL;
		char t[64];
		double done = max_bytes ? (double)written / (double)max_bytes
					: (double)lines / (double)max_lines;
		int64_t sec = T0 + (int64_t)(done * days * 86400.0);
		uint32_t nanos = below(1000000000);
		int later;
		bool drop = below(200) == 0 && ed->src >= 0;

		if (max_bytes ? written >= max_bytes : lines >= max_lines)
			break;
		if (ed->src >= 0) {
			sp = &w[ed->src].pods[below((uint32_t)w[ed->src].n_pods)];
			c.src_ep = sp->endpoint;
			c.src_ip = sp->ip;
			c.src_mac = sp->mac;
		} else {
			c.src_ep = host;
			c.src_ip = "10.0.1.17";
			c.src_mac = "02:42:ac:11:00:02";
		}
		if (ed->dst >= 0) {
			dp = &w[ed->dst].pods[below((uint32_t)w[ed->dst].n_pods)];
			c.dst_ep = dp->endpoint;
			c.dst_ip = dp->ip;
			c.dst_mac = dp->mac;
		} else {
			c.dst_ep = world;
			c.dst_ip = ext_ips[ed->ext];
			c.dst_mac = "02:42:ac:11:00:01";
		}
		c.sport = (uint16_t)(32768 + below(28000));
		c.dport = ed->port;
		c.proto = ed->proto;
		c.node = (int)below(N_NODES);
		c.l7_dns = ed->port == 53;
		c.l7_http = !c.l7_dns && below(4) == 0;
		rfc3339(t, sizeof(t), sec, nanos);
		o.len = 0;
		bool covering = cover && c_no < (uint64_t)n_edges;

		if (c_no % 5000 == 0 && !covering)
			addf(&o, "{\"node_status\":{\"state_change\":\"NODE_CONNECTED\",\"node_names\":"
				 "[\"%s\"],\"message\":\"Connected\"},\"node_name\":\"%s\",\"time\":\"%s\"}\n",
			     node_names[c.node], node_names[c.node], t);
		if (c_no % 7919 == 0 && !covering)
			addf(&o, "{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":%u,"
				 "\"cpu\":%u},\"node_name\":\"%s\",\"time\":\"%s\"}\n",
			     1 + below(40), below(8), node_names[c.node], t);
		if (covering) {
			/* covering the edges: the policy verdict is enough */
			flow_line(&o, &c, K_VERDICT, t);
		} else if (drop) {
			flow_line(&o, &c, K_DROP, t);
		} else {
			flow_line(&o, &c, K_VERDICT, t);
			flow_line(&o, &c, K_NEW, t);
			flow_line(&o, &c, K_REPLY, t);
			if (c.l7_dns || c.l7_http)
				flow_line(&o, &c, K_L7, t);
			later = c.proto == 6 ? (int)below(5) : 0;
			for (int i = 0; i < later; i++) {
				flow_line(&o, &c, K_LATER, t);
				flow_line(&o, &c, K_LATER_REPLY, t);
			}
		}
		fwrite(o.p, 1, o.len, stdout);
		written += o.len;
		for (size_t i = 0; i < o.len; i++)
			lines += o.p[i] == '\n';
	}
	free(o.p);
	for (int i = 0; i < n_workloads; i++)
		free(w[i].pods);
	free(w);
	free(edges);
	return fflush(stdout) == 0 ? 0 : 1;
}
