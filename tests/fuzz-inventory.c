/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-inventory.c - the Kubernetes snapshot reader on any bytes, into an
 * in-memory database, then the resolver built from what was stored.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "lib/db.h"
#include "lib/inventory.h"
#include "lib/resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fp_inventory_opts opts = { 0 };
	struct fp_inventory_stats st;
	struct fp_resolver *r = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	struct fp_addr a;

	if (size > (1u << 20) || fp_db_open(&db, ":memory:", 0, &err) < 0)
		return 0;
	fp_inventory_load_text(&st, db, "fuzz.json", (const char *)data, size, &opts, &err);
	if (fp_resolver_load(&r, db, NULL, &err) == 0) {
		struct fp_resolution res;

		fp_addr_parse(&a, "10.0.0.1", 8);
		fp_resolver_ip(r, &a, 0, &res);
		fp_resolver_pod_name(r, "default", "web-0", 0, &res);
		if (res.kind == FP_RESOLVED_SERVICE) {
			size_t pods[8];
			uint16_t ports[8];

			fp_resolver_backends(r, res.ref, 0, 6, 80, pods, ports, 8);
		}
		fp_resolver_free(r);
	}
	fp_db_close(db);
	return 0;
}
