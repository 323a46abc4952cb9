/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/err.h"
#include "lib/util-k8s.h"
#include "lib/util-macro.h"

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool
fp_k8s_is_dns_label(const char *s, size_t len)
{
	if (len == 0 || len > FP_K8S_LABEL_MAX)
		return false;
	if (!is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool
fp_k8s_is_dns_subdomain(const char *s, size_t len)
{
	size_t start = 0;

	if (len == 0 || len > FP_K8S_SUBDOMAIN_MAX)
		return false;
	/* Each dot-separated part follows the label pattern; the API server puts
	 * no 63-byte limit on the parts of a subdomain, only on the whole. */
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t n = i - start;

			if (n == 0 || !is_lower_alnum(s[start]) || !is_lower_alnum(s[i - 1]))
				return false;
			for (size_t k = start; k < i; k++)
				if (!is_lower_alnum(s[k]) && s[k] != '-')
					return false;
			start = i + 1;
		}
	}
	return true;
}

/* The name part of a qualified name: 1-63 of [A-Za-z0-9_.-], alnum ends. */
static bool
is_qualified_name_part(const char *s, size_t len)
{
	if (len == 0 || len > FP_K8S_LABEL_MAX)
		return false;
	if (!is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

bool
fp_k8s_is_label_key(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);

	if (slash == NULL)
		return is_qualified_name_part(s, len);
	if (!fp_k8s_is_dns_subdomain(s, (size_t)(slash - s)))
		return false;
	return is_qualified_name_part(slash + 1, len - (size_t)(slash - s) - 1);
}

bool
fp_k8s_is_label_value(const char *s, size_t len)
{
	return len == 0 || is_qualified_name_part(s, len);
}

static bool
key_equals(const char *key, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(key, lit, len) == 0;
}

static bool
key_has_prefix(const char *key, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(key, prefix, n) == 0;
}

bool
fp_k8s_is_volatile_label(const char *key, size_t len)
{
	static const char *const exact[] = {
		"pod-template-hash",
		"controller-revision-hash",
		"pod-template-generation",
		"statefulset.kubernetes.io/pod-name",
		"apps.kubernetes.io/pod-index",
		"job-name",
		"controller-uid",
	};

	for (size_t i = 0; i < FP_ARRAY_SIZE(exact); i++)
		if (key_equals(key, len, exact[i]))
			return true;
	/* batch.kubernetes.io/job-name, /controller-uid, /job-completion-index. */
	return key_has_prefix(key, len, "batch.kubernetes.io/");
}

bool
fp_k8s_is_cni_label(const char *key, size_t len)
{
	return key_has_prefix(key, len, "io.cilium.") ||
	       key_equals(key, len, "io.kubernetes.pod.namespace");
}

int
fp_k8s_label_rank(const char *key)
{
	/* The first FP_K8S_RANK_NAME_LAST + 1 name the workload. */
	static const char *const preferred[] = {
		"app.kubernetes.io/name",
		"app.kubernetes.io/instance",
		"app.kubernetes.io/component",
		"app",
		"k8s-app",
		"name",
		"component",
		"tier",
		"role",
		"release",
		"version",
	};
	/* Labels that name a tool, a chart revision or a mesh setting: legal to
	 * select, but they change with upgrades or mean nothing about identity. */
	static const char *const discouraged[] = {
		"app.kubernetes.io/version",
		"app.kubernetes.io/managed-by",
		"app.kubernetes.io/part-of",
		"helm.sh/chart",
		"chart",
		"heritage",
	};
	size_t len = strlen(key);

	for (size_t i = 0; i < FP_ARRAY_SIZE(preferred); i++)
		if (strcmp(key, preferred[i]) == 0)
			return (int)i;
	for (size_t i = 0; i < FP_ARRAY_SIZE(discouraged); i++)
		if (strcmp(key, discouraged[i]) == 0)
			return 2000 + (int)i;
	if (key_has_prefix(key, len, "security.istio.io/") ||
	    key_has_prefix(key, len, "service.istio.io/") ||
	    key_has_prefix(key, len, "sidecar.istio.io/") ||
	    key_has_prefix(key, len, "sidecar.opentelemetry.io/"))
		return 3000;
	return 1000;
}

bool
fp_k8s_is_label_pattern(const char *s, size_t len)
{
	if (len >= 2 && s[len - 1] == '*' && s[len - 2] == '/')
		return fp_k8s_is_dns_subdomain(s, len - 2);
	return fp_k8s_is_label_key(s, len);
}

bool
fp_k8s_labels_is_volatile(const struct fp_k8s_labels *l, const char *key, size_t len)
{
	if (fp_k8s_is_volatile_label(key, len))
		return true;
	for (size_t i = 0; l != NULL && i < l->n_volatile; i++) {
		const char *v = l->volatile_keys[i];
		size_t n = strlen(v);

		/* "example.com/" and '*' hold every key under "example.com/" */
		if (n >= 2 && v[n - 1] == '*' && v[n - 2] == '/') {
			if (len >= n - 1 && memcmp(key, v, n - 1) == 0)
				return true;
		} else if (key_equals(key, len, v)) {
			return true;
		}
	}
	return false;
}

int
fp_k8s_labels_rank(const struct fp_k8s_labels *l, const char *key)
{
	for (size_t i = 0; l != NULL && i < l->n_prefer; i++)
		if (strcmp(key, l->prefer[i]) == 0)
			return (int)i - (int)l->n_prefer;
	return fp_k8s_label_rank(key);
}

int
fp_k8s_labels_stable(struct fp_buf *out, const struct fp_k8s_labels *l, const char *text)
{
	bool first = true;

	for (const char *p = text != NULL ? text : ""; *p != '\0';) {
		size_t len = strcspn(p, ","), klen = strcspn(p, "=");

		if (klen > len)
			klen = len;
		if (!fp_k8s_labels_is_volatile(l, p, klen) && !fp_k8s_is_cni_label(p, klen)) {
			if (fp_buf_printf(out, "%s%.*s", first ? "" : ",", (int)len, p) < 0)
				return FP_ENOMEM;
			first = false;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}
