/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-k8s.h - the API server's rules for names and labels, and flowpol's
 * knowledge of which labels identify a workload.
 *
 * Every namespace, name, label key and label value that reaches a policy, a
 * file name or the report passes one of these checks first: a value that the
 * API server would refuse is never emitted.
 */
#ifndef FP_UTIL_K8S_H
#define FP_UTIL_K8S_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util-buf.h"

#define FP_K8S_LABEL_MAX 63
#define FP_K8S_SUBDOMAIN_MAX 253

/* RFC 1123 label: lower-case alphanumerics and '-', at most 63 (namespaces). */
bool fp_k8s_is_dns_label(const char *s, size_t len);
/* RFC 1123 subdomain: dot-separated, at most 253 (object names). */
bool fp_k8s_is_dns_subdomain(const char *s, size_t len);
/* A label or annotation key: [prefix/]name. */
bool fp_k8s_is_label_key(const char *s, size_t len);
/* A label value: empty, or at most 63 of [A-Za-z0-9_.-] with alnum ends. */
bool fp_k8s_is_label_value(const char *s, size_t len);

/*
 * True for labels that change with every rollout or pod and so must never be
 * selected: pod-template-hash, controller-revision-hash, ...
 */
bool fp_k8s_is_volatile_label(const char *key, size_t len);
/*
 * True for labels that a CNI adds to its own view of a pod and that are not
 * pod labels at all (Cilium's io.cilium.k8s.*, io.kubernetes.pod.namespace).
 */
bool fp_k8s_is_cni_label(const char *key, size_t len);

/*
 * Preference rank of a label key for selectors: well-known identity keys
 * first (0, 1, ...), then ordinary keys, then keys that describe a version or
 * a tool rather than the workload.  Lower is better.
 */
int fp_k8s_label_rank(const char *key);
/* Ranks up to this one belong to keys that name a workload (app, k8s-app, ...). */
#define FP_K8S_RANK_NAME_LAST 5

/*
 * The label choices a configuration adds to the built-in ones (flowpol.yaml
 * "labels: {prefer: [...], volatile: [...]}"): keys to prefer in selectors,
 * in the order given and before every built-in key, and keys never to
 * select besides the built-in volatile ones.  A volatile entry is a label
 * key, or a DNS subdomain and "/" followed by '*' for every key under that
 * prefix (like the built-in batch.kubernetes.io one).  The arrays are
 * borrowed.
 * Every function below takes NULL for "the built-in choices alone", which
 * are exactly those of fp_k8s_is_volatile_label() and fp_k8s_label_rank().
 */
struct fp_k8s_labels {
	const char *const *prefer;
	size_t n_prefer;
	const char *const *volatile_keys;
	size_t n_volatile;
};

/* Is @s a volatile entry: a label key, or a DNS subdomain, "/" and '*'? */
bool fp_k8s_is_label_pattern(const char *s, size_t len);
/* fp_k8s_is_volatile_label(), or a match of one of @l's volatile entries. */
bool fp_k8s_labels_is_volatile(const struct fp_k8s_labels *l, const char *key, size_t len);
/*
 * fp_k8s_label_rank(), except that @l's preferred keys come first: the
 * first of them ranks -n_prefer, the last -1, so they count as keys that
 * name the workload.
 */
int fp_k8s_labels_rank(const struct fp_k8s_labels *l, const char *key);
/*
 * Append to @out the labels of @text ("k=v,k=v", as stored) that a policy
 * may select: neither volatile (under @l) nor the CNI's own.  @text may be
 * NULL.  0 or FP_ENOMEM.
 */
int fp_k8s_labels_stable(struct fp_buf *out, const struct fp_k8s_labels *l, const char *text);

#endif
