/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config-file.h - flowpol.yaml: the defaults of the command-line options.
 *
 * (The module is config-file, not config: a lib/config.h would shadow the
 * generated config.h that every .c file under lib/ includes first.)
 *
 * The file is untrusted input.  It is read whole up to a small size limit,
 * parsed by lib/yamltree with tight limits (aliases counted as often as
 * they are used, so an alias bomb stops early), validated against the JSON
 * Schema compiled in from schema/flowpol.schema.json (unknown keys are
 * errors, with the nearest valid key), and every value is then checked as
 * strictly as its command-line option checks it, by the same parsers.
 * Errors name the file, line and column.
 *
 * Relative paths in the file (db, output, existing, baseline, a
 * known-networks file) are made relative to the folder of the file.  The
 * struct owns everything in it; fp_config_done() releases it.  What a
 * command does with the values (command line first, then the file) is
 * cmd/'s business: this module only reads.
 */
#ifndef FP_CONFIG_FILE_H
#define FP_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/layout.h"
#include "lib/netset.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"

/* The file looked for in the current directory. */
#define FP_CONFIG_NAME "flowpol.yaml"
/* No real configuration comes near this; a bigger file is refused. */
#define FP_CONFIG_MAX_BYTES (256u << 10)

/* One bit per key, for fp_config_has(). */
enum fp_config_key {
	FP_CONFIG_DB,
	FP_CONFIG_OUTPUT,
	FP_CONFIG_LAYOUT,
	FP_CONFIG_FORMAT,
	FP_CONFIG_TZ,
	FP_CONFIG_MAX_ERRORS,
	FP_CONFIG_MEMORY,
	FP_CONFIG_SINCE,
	FP_CONFIG_UNTIL,
	FP_CONFIG_MIN_FLOWS,
	FP_CONFIG_MIN_DAYS,
	FP_CONFIG_REQUIRE_STABLE,
	FP_CONFIG_STALE_AFTER,
	FP_CONFIG_PRUNE,
	FP_CONFIG_BASELINE,
	FP_CONFIG_IP_GRACE,
	FP_CONFIG_CLUSTER_CIDR,
	FP_CONFIG_SERVICE_CIDR,
	FP_CONFIG_KNOWN_NETWORKS,
	FP_CONFIG_ALLOW_HOST,
	FP_CONFIG_NAMESPACES,
	FP_CONFIG_SKIP_NAMESPACES,
	FP_CONFIG_DEFAULT_DENY,
	FP_CONFIG_EXISTING,
	FP_CONFIG_DNS_TCP,
	FP_CONFIG_PREFER_LABELS,
	FP_CONFIG_VOLATILE_LABELS,
	FP_CONFIG_N_KEYS
};

struct fp_config_list {
	char **v;
	size_t n;
};

struct fp_config {
	char *path;      /* the file read, or NULL when none was */
	uint64_t given;  /* 1 << enum fp_config_key for every key in the file */

	char *db, *output, *existing, *baseline; /* relative to the file's folder */
	enum fp_layout layout;
	char *format;                            /* a reader's name */
	char *tz;                                /* the zone of zone-less log times */
	uint64_t max_errors, memory;
	char *since, *until;                     /* checked by fp_time_parse_arg() */
	uint64_t min_flows, min_days, stale_after;
	bool require_stable, prune;
	int64_t ip_grace;                        /* seconds, >= 0 */
	struct fp_cidr *cluster_cidrs, *service_cidrs;
	size_t n_cluster_cidrs, n_service_cidrs;
	struct fp_netset nets;                   /* known-networks, loaded */
	bool allow_host, default_deny, dns_tcp;
	struct fp_config_list namespaces, skip_namespaces;
	struct fp_config_list prefer_labels, volatile_labels;
};

/* Empty, with the defaults the schema states; no file read. */
void fp_config_init(struct fp_config *c);
/* Release everything @c owns and empty it; takes an initialized @c only. */
void fp_config_done(struct fp_config *c);

/* Did the file give key @k? */
bool fp_config_has(const struct fp_config *c, enum fp_config_key k);

/*
 * Parse the @len bytes at @text as a configuration named @source in
 * errors; relative paths are joined to @dir (NULL: left as written).  @c
 * must be freshly initialized; on error it is left initialized and empty.
 * 0, FP_EINPUT (the place and the reason in @err), FP_EIO (a known-networks
 * file that cannot be read) or FP_ENOMEM.
 */
int fp_config_parse(struct fp_config *c, const char *source, const char *dir,
		    const char *text, size_t len, struct fp_err *err);

/*
 * Read the configuration at @path.  When @required is false, a file that
 * does not exist is no error: @c stays as it is and c->path NULL.  Anything
 * else that keeps the file from being read (not a regular file, too big,
 * unreadable) is FP_EIO.  Otherwise as fp_config_parse().
 */
int fp_config_load(struct fp_config *c, const char *path, bool required, struct fp_err *err);

/* The JSON Schema compiled in (schema/flowpol.schema.json); static. */
const char *fp_config_schema(void);

#endif
