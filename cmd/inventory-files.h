/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inventory-files.h - loading inventory snapshots, as 'inventory' and
 * 'run -i' share it.
 */
#ifndef FP_CMD_INVENTORY_FILES_H
#define FP_CMD_INVENTORY_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/db.h"

/*
 * Load each snapshot (a path, '-', or a quoted glob pattern such as
 * 'inventory-*.json', expanded here in sorted order), printing one summary
 * line per file and each rejected object on stderr.  With @has_at, every
 * snapshot is taken at @at.  Returns 0 or the first error's status.
 */
int fp_inventory_files(struct fp_db *db, char **args, int n, bool has_at, int64_t at, bool quiet);

#endif
