/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd/baseline.h"
#include "cmd/cli.h"
#include "cmd/pipeline.h"
#include "lib/check.h"
#include "lib/netpol.h"
#include "lib/policy.h"
#include "lib/report.h"
#include "lib/stats.h"
#include "lib/util-k8s.h"
#include "lib/util-net.h"
#include "lib/util-time.h"

/* kinds[] of the cidrs list */
#define CIDR_SERVICE 1u
#define CIDR_FROM_CONFIG 2u

void
fp_pipeline_init(struct fp_pipeline_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->layout = FP_LAYOUT_NAMESPACE;
}

void
fp_pipeline_done(struct fp_pipeline_opts *o)
{
	free(o->namespaces.v);
	free(o->skip.v);
	free(o->prefer.v);
	free(o->volatile_keys.v);
	free(o->cidrs);
	free(o->kinds);
	fp_netset_done(&o->nets);
}

static int
list_add(struct fp_pipeline_list *l, const char *s, bool from_config)
{
	const char **v;

	/* the command line replaces the file's list */
	if (l->from_config && !from_config)
		l->n = 0;
	l->from_config = from_config;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v == NULL)
		return FP_ENOMEM;
	l->v = v;
	l->v[l->n++] = s;
	return 0;
}

/* Point the library's views at the lists as they are now. */
static void
sync_views(struct fp_pipeline_opts *o)
{
	o->window.cidrs = o->cidrs;
	o->window.n_cidrs = o->n_cidrs;
	o->labels.prefer = o->prefer.v;
	o->labels.n_prefer = o->prefer.n;
	o->labels.volatile_keys = o->volatile_keys.v;
	o->labels.n_volatile = o->volatile_keys.n;
	o->window.labels = o->prefer.n > 0 || o->volatile_keys.n > 0 ? &o->labels : NULL;
}

static int
cidr_add(struct fp_pipeline_opts *o, const struct fp_cidr *c, unsigned kind)
{
	struct fp_cidr *v;
	unsigned char *k;

	/* --cluster-cidr replaces the file's cluster-cidr, not its service-cidr */
	if (!(kind & CIDR_FROM_CONFIG)) {
		size_t n = 0;

		for (size_t i = 0; i < o->n_cidrs; i++) {
			if (o->kinds[i] == (kind | CIDR_FROM_CONFIG))
				continue;
			o->cidrs[n] = o->cidrs[i];
			o->kinds[n++] = o->kinds[i];
		}
		o->n_cidrs = n;
	}
	v = realloc(o->cidrs, (o->n_cidrs + 1) * sizeof(*v));
	if (v != NULL)
		o->cidrs = v;
	k = realloc(o->kinds, o->n_cidrs + 1);
	if (k != NULL)
		o->kinds = k;
	if (v == NULL || k == NULL)
		return FP_ENOMEM;
	o->cidrs[o->n_cidrs] = *c;
	o->kinds[o->n_cidrs++] = (unsigned char)kind;
	sync_views(o);
	return 0;
}

static int
config_list(struct fp_pipeline_list *l, const struct fp_config_list *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (list_add(l, from->v[i], true) < 0)
			return FP_ENOMEM;
	return 0;
}

int
fp_pipeline_config(struct fp_pipeline_opts *o, const struct fp_config *cfg)
{
	int r = 0;

	if (fp_config_has(cfg, FP_CONFIG_SINCE)) {
		o->window.has_since = true;
		o->window.since_arg = cfg->since;
	}
	if (fp_config_has(cfg, FP_CONFIG_UNTIL)) {
		o->window.has_until = true;
		o->window.until_arg = cfg->until;
	}
	if (fp_config_has(cfg, FP_CONFIG_MIN_FLOWS))
		o->window.min_flows = cfg->min_flows;
	/* as --ip-grace: 0 would mean the default to the library */
	if (fp_config_has(cfg, FP_CONFIG_IP_GRACE))
		o->window.ip_grace = cfg->ip_grace > 0 ? cfg->ip_grace : 1;
	for (size_t i = 0; i < cfg->n_cluster_cidrs && r == 0; i++)
		r = cidr_add(o, &cfg->cluster_cidrs[i], CIDR_FROM_CONFIG);
	for (size_t i = 0; i < cfg->n_service_cidrs && r == 0; i++)
		r = cidr_add(o, &cfg->service_cidrs[i], CIDR_SERVICE | CIDR_FROM_CONFIG);
	if (fp_config_has(cfg, FP_CONFIG_KNOWN_NETWORKS))
		o->window.nets = &cfg->nets;
	if (fp_config_has(cfg, FP_CONFIG_ALLOW_HOST))
		o->window.allow_host = cfg->allow_host;
	/* the schema keeps both at most 100000, as --min-days and --stale-after */
	if (fp_config_has(cfg, FP_CONFIG_MIN_DAYS))
		o->window.min_days = (uint32_t)cfg->min_days;
	if (fp_config_has(cfg, FP_CONFIG_STALE_AFTER))
		o->window.stale_after = (uint32_t)cfg->stale_after;
	if (fp_config_has(cfg, FP_CONFIG_REQUIRE_STABLE))
		o->window.require_stable = cfg->require_stable;
	if (fp_config_has(cfg, FP_CONFIG_PRUNE))
		o->window.prune = cfg->prune;
	if (fp_config_has(cfg, FP_CONFIG_BASELINE))
		o->baseline = cfg->baseline;
	if (fp_config_has(cfg, FP_CONFIG_OUTPUT))
		o->out_dir = cfg->output;
	if (fp_config_has(cfg, FP_CONFIG_EXISTING))
		o->existing = cfg->existing;
	if (fp_config_has(cfg, FP_CONFIG_DEFAULT_DENY))
		o->no_default_deny = !cfg->default_deny;
	if (fp_config_has(cfg, FP_CONFIG_DNS_TCP))
		o->no_dns_tcp = !cfg->dns_tcp;
	if (fp_config_has(cfg, FP_CONFIG_LAYOUT))
		o->layout = cfg->layout;
	if (r == 0)
		r = config_list(&o->namespaces, &cfg->namespaces);
	if (r == 0)
		r = config_list(&o->skip, &cfg->skip_namespaces);
	if (r == 0)
		r = config_list(&o->prefer, &cfg->prefer_labels);
	if (r == 0)
		r = config_list(&o->volatile_keys, &cfg->volatile_labels);
	sync_views(o);
	return r;
}

int
fp_pipeline_window_option(struct fp_pipeline_opts *o, const char *cmd, int opt, const char *arg)
{
	int64_t t;

	/* Check the form now, so a typo is a usage error before any work. */
	if ((opt == 'S' || opt == 'U') && fp_time_parse_arg(&t, arg, 0) < 0)
		return fp_cli_usage(cmd, "%s: expected an RFC 3339 time or a duration like 7d: '%s'",
				    opt == 'S' ? "--since" : "--until", arg);
	switch (opt) {
	case 'S':
		o->window.has_since = true;
		o->window.since_arg = arg;
		return 0;
	case 'U':
		o->window.has_until = true;
		o->window.until_arg = arg;
		return 0;
	case 'F':
		if (!fp_parse_u64(&o->window.min_flows, arg, UINT64_MAX))
			return fp_cli_usage(cmd, "--min-flows: not a number: '%s'", arg);
		return 0;
	case 'G':
		if (fp_time_parse_duration(&o->window.ip_grace, arg) < 0)
			return fp_cli_usage(cmd, "--ip-grace: expected a duration like 5m: '%s'", arg);
		/* 0 means the default to the library: ask for one second at least */
		if (o->window.ip_grace == 0)
			o->window.ip_grace = 1;
		return 0;
	case 'K': {
		struct fp_err err = { 0 };

		fp_netset_done(&o->nets);
		if (fp_netset_load(&o->nets, arg, &err) < 0) {
			fp_cli_error(&err);
			return FP_EINPUT;
		}
		o->window.nets = &o->nets;
		return 0;
	}
	case 'H':
		o->window.allow_host = true;
		return 0;
	case 'C':
	case FP_OPT_SERVICE_CIDR: {
		struct fp_cidr c;

		if (fp_cidr_parse(&c, arg, false) < 0)
			return fp_cli_usage(cmd, "not a CIDR block: '%s'", arg);
		return cidr_add(o, &c, opt == 'C' ? 0 : CIDR_SERVICE);
	}
	case FP_OPT_PREFER_LABEL:
	case FP_OPT_VOLATILE_LABEL: {
		bool prefer = opt == FP_OPT_PREFER_LABEL;

		if (prefer ? !fp_k8s_is_label_key(arg, strlen(arg))
			   : !fp_k8s_is_label_pattern(arg, strlen(arg)))
			return fp_cli_usage(cmd, "%s: not a label key%s: '%s'",
					    prefer ? "--prefer-label" : "--volatile-label",
					    prefer ? "" : " or prefix like example.com/ and '*'", arg);
		if (list_add(prefer ? &o->prefer : &o->volatile_keys, arg, false) < 0)
			return FP_ENOMEM;
		sync_views(o);
		return 0;
	}
	default:
		return 1;
	}
}

int
fp_pipeline_history_option(struct fp_pipeline_opts *o, const char *cmd, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case FP_OPT_MIN_DAYS:
	case FP_OPT_STALE_AFTER:
		if (!fp_parse_u64(&v, arg, 100000) || v == 0)
			return fp_cli_usage(cmd, "%s: expected a number from 1: '%s'",
					    opt == FP_OPT_MIN_DAYS ? "--min-days" : "--stale-after", arg);
		if (opt == FP_OPT_MIN_DAYS)
			o->window.min_days = (uint32_t)v;
		else
			o->window.stale_after = (uint32_t)v;
		return 0;
	case FP_OPT_REQUIRE_STABLE:
		o->window.require_stable = true;
		return 0;
	case FP_OPT_PRUNE:
		o->window.prune = true;
		return 0;
	default:
		return 1;
	}
}

int
fp_pipeline_generate_option(struct fp_pipeline_opts *o, const char *cmd, int opt,
			    const char *arg)
{
	switch (opt) {
	case 'o':
		o->out_dir = arg;
		return 0;
	case 'n':
	case FP_OPT_SKIP_NAMESPACE:
		if (!fp_k8s_is_dns_label(arg, strlen(arg)))
			return fp_cli_usage(cmd, "%s: not a namespace name: '%s'",
					    opt == 'n' ? "--namespace" : "--skip-namespace", arg);
		return list_add(opt == 'n' ? &o->namespaces : &o->skip, arg, false) < 0 ? FP_ENOMEM
											 : 0;
	case 'D':
		o->no_default_deny = true;
		return 0;
	case 'X':
		o->existing = arg;
		return 0;
	case FP_OPT_BASELINE:
		o->baseline = arg;
		return 0;
	case FP_OPT_JSON:
		o->json = true;
		return 0;
	case FP_OPT_LAYOUT:
		if (fp_layout_parse(&o->layout, arg) < 0)
			return fp_cli_usage(cmd, "--layout: expected namespace or workload: '%s'", arg);
		return 0;
	case FP_OPT_NO_DNS_TCP:
		o->no_dns_tcp = true;
		return 0;
	default:
		return 1;
	}
}

int
fp_pipeline_aggregate(struct fp_edgeset **out, struct fp_db *db, const struct fp_pipeline_opts *o)
{
	struct fp_err err = { 0 };
	int r = fp_edge_aggregate(out, db, &o->window, &err);

	if (r == FP_EUSAGE)
		fp_cli_msg("%s", err.text);
	else if (r < 0)
		fp_cli_error(&err);
	return r;
}

/* The run record gets what generate wrote and how: digest and options. */
static int
record_digest(struct fp_db *db, int64_t run, uint64_t digest, const struct fp_pipeline_opts *o,
	      struct fp_err *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	json_t *g = json_pack("{s:s, s:s?, s:s?, s:b, s:[], s:[], s:s, s:b}", "output",
			      o->out_dir, "baseline", o->baseline, "existing", o->existing,
			      "default_deny", !o->no_default_deny, "namespaces",
			      "skip_namespaces", "layout", fp_layout_name(o->layout), "dns_tcp",
			      !o->no_dns_tcp);
	char hex[32], *text;

	for (size_t i = 0; g != NULL && i < o->namespaces.n; i++)
		json_array_append_new(json_object_get(g, "namespaces"),
				      json_string(o->namespaces.v[i]));
	for (size_t i = 0; g != NULL && i < o->skip.n; i++)
		json_array_append_new(json_object_get(g, "skip_namespaces"),
				      json_string(o->skip.v[i]));
	text = g != NULL ? json_dumps(g, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(g);
	if (text == NULL)
		return fp_err_nomem(err);
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)digest);
	if (fp_db_prepare(db, &st,
			  "UPDATE runs SET output_digest = ?, "
			  "options = json_set(options, '$.generate', json(?)) WHERE id = ?",
			  err) < 0) {
		free(text);
		return FP_EDB;
	}
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, free);
	sqlite3_bind_int64(st, 3, run);
	return fp_db_step(db, st, err) < 0 ? FP_EDB : 0;
}

static void
on_note(void *ud, const struct fp_err *note)
{
	char buf[600];

	(void)ud;
	if (note->code != FP_OK)
		fprintf(stderr, "%s (not evaluated)\n", fp_err_format(buf, sizeof(buf), note));
}

/*
 * --existing: edges the policies in force already admit need no new rule;
 * count per rule what each admitted, so the report can name the rules the
 * window never exercised.
 */
static int
apply_existing(struct fp_report_input *in, struct fp_netpol_set **set_out,
	       struct fp_check_result **res_out, size_t **use_out, struct fp_edgeset *es,
	       const char *dir, struct fp_err *err)
{
	struct fp_netpol_set *set = NULL;
	struct fp_check_result *res = NULL;
	size_t *use = NULL, n_rules = 0, *base;
	int r;

	r = fp_netpol_set_new(&set, err);
	if (r == 0)
		r = fp_netpol_load_path(set, dir, on_note, NULL, err);
	if (r == 0)
		r = fp_check_edges(&res, es, set, NULL, err);
	if (r < 0) {
		fp_netpol_set_free(set);
		return r;
	}
	for (size_t p = 0; p < fp_netpol_count(set); p++)
		n_rules += fp_netpol_get(set, p)->n_rules[0] + fp_netpol_get(set, p)->n_rules[1];
	use = calloc(n_rules + 1, sizeof(*use));
	base = calloc(2 * fp_netpol_count(set) + 1, sizeof(*base));
	if (use == NULL || base == NULL) {
		free(use);
		free(base);
		fp_check_result_free(res);
		fp_netpol_set_free(set);
		return fp_err_nomem(err);
	}
	/* base[2p + d]: where the rules of policy p, direction d start in use[] */
	for (size_t p = 0, k = 0; p < fp_netpol_count(set); p++)
		for (int d = 0; d < 2; d++) {
			base[2 * p + (size_t)d] = k;
			k += fp_netpol_get(set, p)->n_rules[d];
		}
	for (size_t i = 0; i < res->n; i++) {
		const struct fp_check_item *it = &res->items[i];
		struct fp_edge *e = &es->edges[it->edge];

		if (it->verdict != FP_CHECK_ALLOWED)
			continue;
		for (int d = 0; d < 2; d++)
			if (it->policy[d] != FP_NETPOL_NONE && it->rule[d] != FP_NETPOL_NONE)
				use[base[2 * it->policy[d] + (size_t)d] + it->rule[d]]++;
		/* A side needs no new rule only where a rule in force admits the
		 * connection: a side merely not isolated today will be, by
		 * default-deny, and then needs its rule. */
		if (e->status != FP_EDGE_ALLOW)
			continue;
		e->covered_sides =
			(uint8_t)((it->policy[FP_NETPOL_INGRESS] != FP_NETPOL_NONE ? FP_EDGE_SIDE_INGRESS : 0) |
				  (it->policy[FP_NETPOL_EGRESS] != FP_NETPOL_NONE ? FP_EDGE_SIDE_EGRESS : 0));
		if (e->covered_sides == (FP_EDGE_SIDE_INGRESS | FP_EDGE_SIDE_EGRESS))
			e->status = FP_EDGE_EXISTING;
	}
	free(base);
	in->existing_dir = dir;
	in->existing = set;
	in->existing_check = res;
	in->rule_use = use;
	*set_out = set;
	*res_out = res;
	*use_out = use;
	return 0;
}

int
fp_pipeline_generate(struct fp_db *db, struct fp_edgeset *es, const struct fp_pipeline_opts *o)
{
	struct fp_policy_opts po = {
		.no_default_deny = o->no_default_deny,
		.namespaces = o->namespaces.n > 0 ? o->namespaces.v : NULL,
		.n_namespaces = o->namespaces.n,
		.skip_namespaces = o->skip.v,
		.n_skip_namespaces = o->skip.n,
		.no_dns_tcp = o->no_dns_tcp,
	};
	struct fp_policy_model *m = NULL;
	struct fp_report_input in = { .layout = o->layout };
	struct fp_netpol_set *existing = NULL;
	struct fp_baseline base;
	struct fp_check_result *checked = NULL;
	size_t *use = NULL;
	struct fp_err err = { 0 };
	struct fp_stats st;
	uint64_t digest = 0;
	size_t removed = 0;
	int r;

	memset(&base, 0, sizeof(base));
	r = o->existing != NULL ? apply_existing(&in, &existing, &checked, &use, es, o->existing, &err)
				: 0;
	if (r == 0 && o->baseline != NULL)
		r = fp_baseline_open(&base, o->baseline, o->out_dir, &err);
	if (r == 0)
		r = fp_stats_collect(&st, db, &err);
	if (r == 0) {
		in.rejected = st.rejected;
		r = fp_policy_synthesize(&m, es, &po, &err);
	}
	if (r == 0)
		r = fp_layout_write(&digest, m, o->out_dir, o->layout, o->baseline, &err);
	/* Files of policies that are gone go too; with --namespace or
	 * --skip-namespace, only in the namespaces this run wrote. */
	if (r == 0)
		r = fp_layout_sweep_stale(&removed, m, o->out_dir, o->layout,
					  o->namespaces.n == 0 && o->skip.n == 0, &err);
	if (r == 0 && o->baseline != NULL) {
		r = fp_baseline_compare(&base, es, db, digest, o->out_dir, &err);
		in.changes = fp_buf_str(&base.md);
	}
	if (r == 0)
		r = fp_report_write(m, &in, o->out_dir, &err);
	if (r == 0)
		r = record_digest(db, es->run, digest, o, &err);
	if (r < 0) {
		fp_cli_error(&err);
		fp_policy_model_free(m);
		fp_check_result_free(checked);
		fp_netpol_set_free(existing);
		fp_baseline_close(&base);
		free(use);
		return r;
	}
	if (o->json) {
		r = fp_pipeline_print_json(o, es, m, digest, st.rejected,
					   o->baseline != NULL ? fp_buf_str(&base.json) : NULL);
	} else {
		for (size_t i = 0; i < m->n; i++)
			printf(o->layout == FP_LAYOUT_WORKLOAD ? "wrote %s/%s/ (%zu policies)\n"
							       : "wrote %s/%s.yaml (%zu policies)\n",
			       o->out_dir, m->nss[i].ns, m->nss[i].n);
		printf("wrote %s/kustomization.yaml\n", o->out_dir);
		printf("wrote %s/REVIEW.md\n", o->out_dir);
		if (removed > 0)
			printf("removed %zu policy file%s flowpol had written for policies that "
			       "are gone\n", removed, removed == 1 ? "" : "s");
	}
	if (m->n == 0)
		fp_cli_msg("no namespace had traffic to write policies for");
	fp_policy_model_free(m);
	fp_check_result_free(checked);
	fp_netpol_set_free(existing);
	fp_baseline_close(&base);
	free(use);
	return r;
}
