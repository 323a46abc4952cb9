/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline.h - the aggregate and generate steps as 'aggregate', 'generate'
 * and 'run' share them: option parsing and the calls into lib/.
 */
#ifndef FP_CMD_PIPELINE_H
#define FP_CMD_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/config-file.h"
#include "lib/db.h"
#include "lib/edge.h"
#include "lib/layout.h"
#include "lib/netset.h"
#include "lib/util-k8s.h"

/* Long options without a short letter (getopt's values above any character). */
enum {
	FP_OPT_MIN_DAYS = 0x100,
	FP_OPT_REQUIRE_STABLE,
	FP_OPT_STALE_AFTER,
	FP_OPT_PRUNE,
	FP_OPT_BASELINE,
	FP_OPT_JSON,
	FP_OPT_SERVICE_CIDR,
	FP_OPT_LAYOUT,
	FP_OPT_SKIP_NAMESPACE,
	FP_OPT_NO_DNS_TCP,
	FP_OPT_PREFER_LABEL,
	FP_OPT_VOLATILE_LABEL,
	FP_OPT_NO_CONFIG,
};

/*
 * A list option.  Entries from flowpol.yaml come first; the first entry
 * given on the command line drops them: the command line replaces the
 * file's list, it does not add to it.
 */
struct fp_pipeline_list {
	const char **v; /* borrowed strings (argv, or the configuration) */
	size_t n;
	bool from_config;
};

struct fp_pipeline_opts {
	struct fp_edge_opts window;
	/* --cluster-cidr and --service-cidr in the order given, one list for
	 * the resolver; kinds[i] says which option and where it came from */
	struct fp_cidr *cidrs;
	unsigned char *kinds;
	size_t n_cidrs;
	struct fp_netset nets; /* --known-networks FILE */
	struct fp_pipeline_list prefer, volatile_keys; /* --prefer-label, --volatile-label */
	struct fp_k8s_labels labels;                    /* the two above, for the library */
	const char *out_dir;
	const char *existing; /* --existing DIR */
	const char *baseline; /* --baseline DIR: the policies merged last time */
	bool json;            /* --json: one JSON document on stdout, nothing else */
	struct fp_pipeline_list namespaces, skip;
	bool no_default_deny;
	bool no_dns_tcp;
	enum fp_layout layout;
};

void fp_pipeline_init(struct fp_pipeline_opts *o);
void fp_pipeline_done(struct fp_pipeline_opts *o);

/*
 * Take the defaults in @cfg (borrowed: it must outlive @o) before the
 * command line is read.  Every key is taken, whether the command uses it
 * or not.
 */
int fp_pipeline_config(struct fp_pipeline_opts *o, const struct fp_config *cfg);

/*
 * Window and resolution options: 'S' --since, 'U' --until, 'F' --min-flows,
 * 'G' --ip-grace, 'C' --cluster-cidr, FP_OPT_SERVICE_CIDR --service-cidr,
 * 'K' --known-networks, 'H' --allow-host, FP_OPT_PREFER_LABEL and
 * FP_OPT_VOLATILE_LABEL.  1 = not mine.
 */
int fp_pipeline_window_option(struct fp_pipeline_opts *o, const char *cmd, int opt,
			      const char *arg);
/*
 * History options of aggregate and run: --min-days, --require-stable,
 * --stale-after, --prune.  1 = not mine.
 */
int fp_pipeline_history_option(struct fp_pipeline_opts *o, const char *cmd, int opt,
			       const char *arg);
#define FP_PIPELINE_HISTORY_LONGOPTS                                              \
	{ "min-days", required_argument, NULL, FP_OPT_MIN_DAYS },                 \
	{ "prune", no_argument, NULL, FP_OPT_PRUNE },                             \
	{ "require-stable", no_argument, NULL, FP_OPT_REQUIRE_STABLE },           \
	{ "stale-after", required_argument, NULL, FP_OPT_STALE_AFTER }
#define FP_PIPELINE_HISTORY_HELP                                                           \
	"      --min-days N      edges seen on fewer days (over every recorded window)\n"  \
	"                        are low evidence (default: 1)\n"                          \
	"      --require-stable  low-evidence edges get no rule (they stay in the report)\n" \
	"      --stale-after N   flag rules carried for N windows without traffic\n"        \
	"                        (default: 4)\n"                                           \
	"      --prune           drop the flagged rules (kept by default)\n"

/*
 * Generate options: 'o' -o, 'n' --namespace, 'D' --no-default-deny,
 * 'X' --existing, --baseline, --json, FP_OPT_LAYOUT, FP_OPT_SKIP_NAMESPACE
 * and FP_OPT_NO_DNS_TCP.  1 = not mine.
 */
int fp_pipeline_generate_option(struct fp_pipeline_opts *o, const char *cmd, int opt,
				const char *arg);

/* Aggregate the window; prints errors.  *@out is freed by the caller. */
int fp_pipeline_aggregate(struct fp_edgeset **out, struct fp_db *db,
			  const struct fp_pipeline_opts *o);
/* Synthesize and write YAML and REVIEW.md for @es; prints what it wrote. */
int fp_pipeline_generate(struct fp_db *db, struct fp_edgeset *es,
			 const struct fp_pipeline_opts *o);

struct fp_policy_model;
/* --json: the document 'run' and 'generate' print (pipeline-json.c). */
int fp_pipeline_print_json(const struct fp_pipeline_opts *o, const struct fp_edgeset *es,
			   const struct fp_policy_model *m, uint64_t digest, uint64_t rejected,
			   const char *changes_json);

#endif
