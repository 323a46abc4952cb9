/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-config.c - flowpol.yaml on any bytes: the YAML tree, the schema
 * validator and the value checks behind it.  What is accepted must hold
 * what the schema promises; what is refused must leave an empty struct and
 * an error with a message.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config-file.h"
#include "lib/util-str.h"
#include "tests/fuzz.h"

static void
check_list(const struct fp_config_list *l, bool (*ok)(const char *, size_t))
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == NULL || !ok(l->v[i], strlen(l->v[i])))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct fp_config c;
	struct fp_err err = { 0 };

	/* known-networks may name a file: keep away from files that never end
	 * or block (the loader itself refuses those only for flowpol.yaml) */
	if (fp_memmem(text, size, "/dev", 4) != NULL || fp_memmem(text, size, "/proc", 5) != NULL ||
	    fp_memmem(text, size, "/sys", 4) != NULL)
		return 0;
	fp_config_init(&c);
	if (fp_config_parse(&c, "fuzz.yaml", "/nonexistent", text, size, &err) < 0) {
		if (c.given != 0 || c.path != NULL || err.code == FP_OK || err.text[0] == '\0')
			abort();
		return 0;
	}
	if (c.path == NULL || c.given >> FP_CONFIG_N_KEYS != 0)
		abort();
	if ((fp_config_has(&c, FP_CONFIG_DB) && c.db == NULL) ||
	    (fp_config_has(&c, FP_CONFIG_OUTPUT) && c.output == NULL) ||
	    (fp_config_has(&c, FP_CONFIG_SINCE) && c.since == NULL) ||
	    (fp_config_has(&c, FP_CONFIG_KNOWN_NETWORKS) && c.nets.n == 0))
		abort();
	if (c.memory < (64u << 10) || c.min_days < 1 || c.stale_after < 1 || c.ip_grace < 0 ||
	    (c.layout != FP_LAYOUT_NAMESPACE && c.layout != FP_LAYOUT_WORKLOAD))
		abort();
	check_list(&c.namespaces, fp_k8s_is_dns_label);
	check_list(&c.skip_namespaces, fp_k8s_is_dns_label);
	check_list(&c.prefer_labels, fp_k8s_is_label_key);
	check_list(&c.volatile_labels, fp_k8s_is_label_pattern);
	fp_config_done(&c);
	if (c.given != 0 || c.db != NULL)
		abort();
	return 0;
}
