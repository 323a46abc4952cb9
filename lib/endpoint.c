/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/util-k8s.h"
#include "lib/util-macro.h"
#include "lib/util-sort.h"

static int
label_cmp(const void *a, const void *b)
{
	const struct fp_label *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static const char *
label_value(const struct fp_label *labels, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(labels[i].key, key) == 0)
			return labels[i].value;
	return NULL;
}

/* Characters of names Kubernetes generates (rand.String, SafeEncodeString). */
static bool
is_gen_char(char c)
{
	return strchr("bcdfghjklmnpqrstvwxz2456789", c) != NULL && c != '\0';
}

/* Does @s end in "-" followed by @n generated characters? */
static bool
has_gen_suffix(const char *s, size_t len, size_t n)
{
	if (len < n + 2 || s[len - n - 1] != '-')
		return false;
	for (size_t i = len - n; i < len; i++)
		if (!is_gen_char(s[i]))
			return false;
	return true;
}

static bool
ends_with_dash(const char *s, size_t len, const char *tail)
{
	size_t n = strlen(tail);

	return len > n + 1 && s[len - n - 1] == '-' && memcmp(s + len - n, tail, n) == 0;
}

bool
fp_endpoint_guess_workload(size_t *len_out, const char **kind_out, const char *pod,
			   const struct fp_label *labels, size_t n_labels)
{
	size_t len = strlen(pod);
	const char *v;

	/* What the pod's own labels prove comes first. */
	v = label_value(labels, n_labels, "statefulset.kubernetes.io/pod-name");
	if (v != NULL && strcmp(v, pod) == 0) {
		size_t i = len;

		while (i > 0 && pod[i - 1] >= '0' && pod[i - 1] <= '9')
			i--;
		if (i > 1 && i < len && pod[i - 1] == '-') {
			*len_out = i - 1;
			*kind_out = "StatefulSet";
			return true;
		}
	}
	v = label_value(labels, n_labels, "pod-template-hash");
	if (v != NULL && has_gen_suffix(pod, len, 5) && ends_with_dash(pod, len - 6, v)) {
		*len_out = len - 6 - strlen(v) - 1;
		*kind_out = "Deployment";
		return true;
	}
	v = label_value(labels, n_labels, "batch.kubernetes.io/job-name");
	if (v == NULL)
		v = label_value(labels, n_labels, "job-name");
	if (v != NULL && has_gen_suffix(pod, len, 5) && strlen(v) == len - 6 &&
	    memcmp(pod, v, len - 6) == 0) {
		size_t i = len - 6;

		/* A CronJob names its Jobs <cronjob>-<scheduled minute>. */
		while (i > 0 && pod[i - 1] >= '0' && pod[i - 1] <= '9')
			i--;
		if (len - 6 - i >= 8 && i > 1 && pod[i - 1] == '-') {
			*len_out = i - 1;
			*kind_out = "CronJob";
		} else {
			*len_out = len - 6;
			*kind_out = "Job";
		}
		return true;
	}
	if (label_value(labels, n_labels, "controller-revision-hash") != NULL &&
	    label_value(labels, n_labels, "pod-template-generation") != NULL &&
	    has_gen_suffix(pod, len, 5)) {
		*len_out = len - 6;
		*kind_out = "DaemonSet";
		return true;
	}
	/*
	 * CNIs drop the hash labels from their identities, so fall back on the
	 * shape of generated names: <deployment>-<hash>-<5>, <name>-<5>,
	 * <statefulset>-<ordinal>.
	 */
	if (has_gen_suffix(pod, len, 5)) {
		size_t rs = len - 6;

		for (size_t h = 10; h >= 6; h--) {
			if (has_gen_suffix(pod, rs, h)) {
				*len_out = rs - h - 1;
				*kind_out = "Deployment";
				return true;
			}
		}
		*len_out = rs;
		/* a DaemonSet, Job or bare ReplicaSet: the name cannot tell */
		*kind_out = NULL;
		return true;
	}
	{
		size_t i = len;

		while (i > 0 && pod[i - 1] >= '0' && pod[i - 1] <= '9')
			i--;
		if (i > 1 && i < len && len - i <= 5 && pod[i - 1] == '-') {
			*len_out = i - 1;
			*kind_out = "StatefulSet";
			return true;
		}
	}
	return false;
}

int
fp_endpoint_normalize(struct fp_endpoint *ep, struct fp_arena *arena, struct fp_err *err)
{
	size_t n = 0;

	/* Readers give labels nearly sorted (Hubble sorts them as whole
	 * "k8s:key=value" strings): an insertion sort is linear then.  Equal keys
	 * end up side by side either way, and any order of them gives the same
	 * result below (equal values) or the same error (different values). */
	if (ep->n_labels > 32)
		fp_qsort(ep->labels, ep->n_labels, sizeof(*ep->labels), label_cmp);
	for (size_t i = 1; i < ep->n_labels && ep->n_labels <= 32; i++) {
		struct fp_label l = ep->labels[i];
		size_t j = i;

		for (; j > 0 && strcmp(ep->labels[j - 1].key, l.key) > 0; j--)
			ep->labels[j] = ep->labels[j - 1];
		ep->labels[j] = l;
	}
	for (size_t i = 1; i < ep->n_labels; i++)
		if (strcmp(ep->labels[i - 1].key, ep->labels[i].key) == 0 &&
		    strcmp(ep->labels[i - 1].value, ep->labels[i].value) != 0)
			return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					  "label \"%s\" given twice with different values",
					  ep->labels[i].key);
	if (ep->kind == FP_EP_POD && ep->pod != NULL && ep->workload == NULL) {
		size_t wlen;
		const char *kind;

		if (fp_endpoint_guess_workload(&wlen, &kind, ep->pod, ep->labels, ep->n_labels)) {
			ep->workload = fp_arena_strndup(arena, ep->pod, wlen);
			ep->workload_kind = kind;
		} else {
			ep->workload = ep->pod;
			ep->workload_kind = "Pod";
		}
		if (ep->workload == NULL)
			return fp_err_nomem(err);
	}
	for (size_t i = 0; i < ep->n_labels; i++) {
		const char *k = ep->labels[i].key;

		if (fp_k8s_is_volatile_label(k, strlen(k)))
			continue;
		if (n > 0 && strcmp(ep->labels[n - 1].key, k) == 0)
			continue;
		ep->labels[n++] = ep->labels[i];
	}
	ep->n_labels = n;
	/* Labels say who a pod is; its name and address only say which copy. */
	if (ep->kind == FP_EP_POD && n > 0) {
		ep->pod = NULL;
		memset(&ep->addr, 0, sizeof(ep->addr));
	}
	if (ep->kind != FP_EP_POD) {
		ep->ns = NULL;
		ep->pod = NULL;
		ep->workload = NULL;
		ep->workload_kind = NULL;
		ep->n_labels = 0;
	}
	return 0;
}

/*
 * Plain copies into room reserved once, no printf: ingest builds two keys
 * per flow.
 */
static char *
put(char *at, const char *s, size_t n)
{
	memcpy(at, s, n);
	return at + n;
}

int
fp_endpoint_labels_text(struct fp_buf *out, const struct fp_label *labels, size_t n)
{
	size_t need = 0, len[2 * 64];
	char *at;

	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(labels[i].key), v = strlen(labels[i].value);

		if (i < 64) {
			len[2 * i] = k;
			len[2 * i + 1] = v;
		}
		need += k + v + 2;
	}
	if (fp_buf_reserve(out, need) < 0)
		return FP_ENOMEM;
	at = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		size_t k = i < 64 ? len[2 * i] : strlen(labels[i].key);
		size_t v = i < 64 ? len[2 * i + 1] : strlen(labels[i].value);

		if (i > 0)
			*at++ = ',';
		at = put(at, labels[i].key, k);
		*at++ = '=';
		at = put(at, labels[i].value, v);
	}
	out->len = (size_t)(at - out->data);
	out->data[out->len] = '\0';
	return 0;
}

int
fp_endpoint_key(struct fp_buf *out, const struct fp_endpoint *ep)
{
	const char *parts[] = { ep->ns, ep->workload, ep->workload_kind, ep->pod };
	size_t lens[4], need;
	char ip[FP_ADDR_BUFSZ] = "";
	char kind[16];
	int klen;
	char *at;

	if (ep->addr.family != 0)
		fp_addr_format(ip, &ep->addr);
	klen = snprintf(kind, sizeof(kind), "%d|", (int)ep->kind);
	need = (size_t)klen + strlen(ip) + 2;
	for (size_t i = 0; i < FP_ARRAY_SIZE(parts); i++) {
		lens[i] = parts[i] != NULL ? strlen(parts[i]) : 0;
		need += lens[i] + 1;
	}
	if (fp_buf_reserve(out, need) < 0)
		return FP_ENOMEM;
	at = put(out->data + out->len, kind, (size_t)klen);
	for (size_t i = 0; i < FP_ARRAY_SIZE(parts); i++) {
		at = put(at, parts[i] != NULL ? parts[i] : "", lens[i]);
		*at++ = '|';
	}
	at = put(at, ip, strlen(ip));
	*at++ = '|';
	out->len = (size_t)(at - out->data);
	out->data[out->len] = '\0';
	return fp_endpoint_labels_text(out, ep->labels, ep->n_labels);
}
