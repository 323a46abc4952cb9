/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-config-file.c - flowpol.yaml: every key read, values checked as the
 * command line checks them, errors with file, line and column, relative
 * paths, and the limits that keep a hostile file bounded.  (Precedence of
 * the command line over the file is cmd/'s, tested by the golden cases
 * config-*.)
 */
#include "config.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/config-file.h"
#include "lib/reader.h"
#include "tests/fp-check.h"

static const char every_key[] = "# yaml-language-server: $schema=schema/flowpol.schema.json\n"
				"db: state/flowpol.db\n"
				"output: policies\n"
				"layout: workload\n"
				"format: hubble\n"
				"tz: \"+02:00\"\n"
				"max-errors: 10\n"
				"memory: 64M\n"
				"since: 7d\n"
				"until: 2026-11-19T00:00:00Z\n"
				"min-flows: 3\n"
				"min-days: 2\n"
				"require-stable: true\n"
				"stale-after: 5\n"
				"prune: yes\n"
				"baseline: /srv/previous\n"
				"ip-grace: 2m\n"
				"cluster-cidr: [10.42.0.0/16]\n"
				"service-cidr: [10.43.0.0/16, fd00::/108]\n"
				"known-networks:\n"
				"  office: 192.0.2.0/24\n"
				"  payment-provider: [203.0.113.0/25, 203.0.113.128/25]\n"
				"allow-host: true\n"
				"namespaces: [kube-system, shop]\n"
				"skip-namespaces: [legacy]\n"
				"default-deny: false\n"
				"existing: ../in-force\n"
				"dns: {tcp: false}\n"
				"labels:\n"
				"  prefer: [team, app]\n"
				"  volatile: [build, example.com/*]\n";

static int
parse(struct fp_config *c, struct fp_err *err, const char *dir, const char *text)
{
	fp_config_init(c);
	fp_err_clear(err);
	return fp_config_parse(c, "flowpol.yaml", dir, text, strlen(text), err);
}

/* The error of @text, formatted "file:line:col: text" (static buffer). */
static const char *
error_of(const char *text)
{
	static char buf[400];
	struct fp_config c;
	struct fp_err err;

	ck_assert_int_lt(parse(&c, &err, NULL, text), 0);
	ck_assert_ptr_null(c.path);
	ck_assert_uint_eq(c.given, 0);
	return fp_err_format(buf, sizeof(buf), &err);
}

START_TEST(test_config_every_key)
{
	struct fp_config c;
	struct fp_err err;
	char buf[FP_ADDR_BUFSZ];

	ck_assert_int_eq(parse(&c, &err, "conf", every_key), 0);
	ck_assert_str_eq(c.path, "flowpol.yaml");
	for (int k = 0; k < FP_CONFIG_N_KEYS; k++)
		ck_assert_msg(fp_config_has(&c, (enum fp_config_key)k), "key %d not read", k);
	/* relative paths are in the folder of the file; absolute ones stay */
	ck_assert_str_eq(c.db, "conf/state/flowpol.db");
	ck_assert_str_eq(c.output, "conf/policies");
	ck_assert_str_eq(c.existing, "conf/../in-force");
	ck_assert_str_eq(c.baseline, "/srv/previous");
	ck_assert_int_eq(c.layout, FP_LAYOUT_WORKLOAD);
	ck_assert_str_eq(c.tz, "+02:00");
	ck_assert_str_eq(c.format, "hubble");
	ck_assert_uint_eq(c.max_errors, 10);
	ck_assert_uint_eq(c.memory, 64u << 20);
	ck_assert_str_eq(c.since, "7d");
	ck_assert_str_eq(c.until, "2026-11-19T00:00:00Z");
	ck_assert_uint_eq(c.min_flows, 3);
	ck_assert_uint_eq(c.min_days, 2);
	ck_assert(c.require_stable && c.prune && c.allow_host);
	ck_assert(!c.default_deny && !c.dns_tcp);
	ck_assert_uint_eq(c.stale_after, 5);
	ck_assert_int_eq(c.ip_grace, 120);
	ck_assert_uint_eq(c.n_cluster_cidrs, 1);
	ck_assert_str_eq(fp_cidr_format(buf, &c.cluster_cidrs[0]), "10.42.0.0/16");
	ck_assert_uint_eq(c.n_service_cidrs, 2);
	ck_assert_str_eq(fp_cidr_format(buf, &c.service_cidrs[1]), "fd00::/108");
	ck_assert_uint_eq(c.nets.n, 2);
	ck_assert_str_eq(c.nets.nets[1].name, "payment-provider");
	ck_assert_str_eq(c.nets.nets[1].text, "203.0.113.0/25,203.0.113.128/25");
	/* kube-system may be named: it is opt-in, not forbidden */
	ck_assert_uint_eq(c.namespaces.n, 2);
	ck_assert_str_eq(c.namespaces.v[0], "kube-system");
	ck_assert_str_eq(c.skip_namespaces.v[0], "legacy");
	ck_assert_uint_eq(c.prefer_labels.n, 2);
	ck_assert_str_eq(c.prefer_labels.v[1], "app");
	ck_assert_str_eq(c.volatile_labels.v[1], "example.com/*");
	fp_config_done(&c);
	ck_assert_ptr_null(c.db);
	ck_assert_uint_eq(c.given, 0);
}
END_TEST

START_TEST(test_config_empty_is_defaults)
{
	static const char *const empty[] = { "", "# nothing yet\n", "---\n", "~\n" };
	struct fp_config c;
	struct fp_err err;

	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		ck_assert_int_eq(parse(&c, &err, NULL, empty[i]), 0);
		ck_assert_uint_eq(c.given, 0);
		ck_assert_str_eq(c.path, "flowpol.yaml");
		ck_assert_int_eq(c.layout, FP_LAYOUT_NAMESPACE);
		ck_assert_uint_eq(c.max_errors, 1000);
		ck_assert_uint_eq(c.memory, 128u << 20);
		ck_assert(c.default_deny && c.dns_tcp && !c.allow_host);
		fp_config_done(&c);
	}
	/* without a folder, paths stay as written */
	ck_assert_int_eq(parse(&c, &err, ".", "output: out\n"), 0);
	ck_assert_str_eq(c.output, "out");
	fp_config_done(&c);
}
END_TEST

START_TEST(test_config_typo_names_nearest_key)
{
	ck_assert_str_eq(error_of("db: x.db\n"
				  "\n"
				  "since: 7d\n"
				  "min-flows: 3\n"
				  "# the window\n"
				  "labels:\n"
				  "  prefer: [app]\n"
				  "min-day: 2\n"),
			 "flowpol.yaml:8:1: unknown key 'min-day'; did you mean 'min-days'?");
	ck_assert_str_eq(error_of("labels:\n  prefr: [app]\n"),
			 "flowpol.yaml:2:3: \"labels\": unknown key 'prefr'; did you mean 'prefer'?");
	ck_assert_str_eq(error_of("dns:\n  udp: true\n"), "flowpol.yaml:2:3: \"dns\": unknown key 'udp'");
	ck_assert_str_eq(error_of("namespace: [shop]\n"),
			 "flowpol.yaml:1:1: unknown key 'namespace'; did you mean 'namespaces'?");
	ck_assert_str_eq(error_of("frobnicate: 1\n"), "flowpol.yaml:1:1: unknown key 'frobnicate'");
}
END_TEST

START_TEST(test_config_wrong_types)
{
	ck_assert_str_eq(error_of("min-flows: '3'\n"),
			 "flowpol.yaml:1:12: \"min-flows\": expected integer, got string");
	ck_assert_str_eq(error_of("namespaces: shop\n"),
			 "flowpol.yaml:1:13: \"namespaces\": expected sequence, got string");
	ck_assert_str_eq(error_of("allow-host: 1\n"),
			 "flowpol.yaml:1:13: \"allow-host\": expected boolean, got integer");
	ck_assert_str_eq(error_of("dns: true\n"),
			 "flowpol.yaml:1:6: \"dns\": expected mapping, got boolean");
	ck_assert_str_eq(error_of("- db\n"), "flowpol.yaml:1:1: expected mapping, got sequence");
	ck_assert_str_eq(error_of("known-networks: [a]\n"),
			 "flowpol.yaml:1:17: \"known-networks\": expected string or mapping, got "
			 "sequence");
	ck_assert_str_eq(error_of("output:\n"),
			 "flowpol.yaml:1:8: \"output\": expected string, got null");
}
END_TEST

START_TEST(test_config_values_as_strict_as_options)
{
	ck_assert_str_eq(error_of("since: yesterday\n"),
			 "flowpol.yaml:1:8: \"since\": expected an RFC 3339 time or a duration "
			 "like 7d, got 'yesterday'");
	ck_assert_str_eq(error_of("ip-grace: 5x\n"),
			 "flowpol.yaml:1:11: \"ip-grace\": expected a duration like 5m, got '5x'");
	ck_assert_str_eq(error_of("memory: 1K\n"),
			 "flowpol.yaml:1:9: \"memory\": expected a size of at least 64K, like 256M, "
			 "got '1K'");
	ck_assert_str_eq(error_of("tz: Mars/Olympus\n"),
			 "flowpol.yaml:1:5: \"tz\": expected UTC, an offset like +02:00, or a zone "
			 "like Europe/Berlin, got 'Mars/Olympus'");
	ck_assert_str_eq(error_of("memory: 1024\n"),
			 "flowpol.yaml:1:9: \"memory\": expected an integer of at least 65536, got "
			 "1024");
	ck_assert_str_eq(error_of("max-errors: -1\n"),
			 "flowpol.yaml:1:13: \"max-errors\": expected an integer of at least 0, got -1");
	ck_assert_str_eq(error_of("min-days: 0\n"),
			 "flowpol.yaml:1:11: \"min-days\": expected an integer of at least 1, got 0");
	ck_assert_str_eq(error_of("cluster-cidr:\n  - 10.42.0.0/16\n  - 10.43.0.0/33\n"),
			 "flowpol.yaml:3:5: \"cluster-cidr[1]\": expected a CIDR block like "
			 "10.42.0.0/16, got '10.43.0.0/33'");
	ck_assert_str_eq(error_of("namespaces: [Shop]\n"),
			 "flowpol.yaml:1:14: \"namespaces[0]\": expected a namespace name (a DNS-1123 "
			 "label), got 'Shop'");
	ck_assert_str_eq(error_of("namespaces: []\n"),
			 "flowpol.yaml:1:13: \"namespaces\": expected at least 1 item");
	ck_assert_str_eq(error_of("labels: {volatile: ['app*']}\n"),
			 "flowpol.yaml:1:21: \"labels.volatile[0]\": expected a label key, or a "
			 "prefix like example.com/ and '*', got 'app*'");
	ck_assert_str_eq(error_of("layout: workloads\n"),
			 "flowpol.yaml:1:9: \"layout\": expected one of namespace, workload, got "
			 "'workloads'; did you mean 'workload'?");
	ck_assert_str_eq(error_of("format: cilium\n"),
			 "flowpol.yaml:1:9: \"format\": expected one of hubble, vpc, calico, gke, "
			 "eks, antrea-csv, antrea-np, theia, native, got 'cilium'");
	ck_assert_str_eq(error_of("db: \"a\\0b\"\n"), "flowpol.yaml:1:5: \"db\": contains a NUL byte");
}
END_TEST

START_TEST(test_config_known_networks)
{
	struct fp_config c;
	struct fp_err err;
	char dir[1024];

	/* inline: netset's own rules, at their place in flowpol.yaml */
	ck_assert_str_eq(error_of("known-networks:\n  office: [192.0.2.0/24]\n"
				  "  lab: 192.0.2.128/25\n"),
			 "flowpol.yaml:3:3: lab overlaps office");
	ck_assert_str_eq(error_of("known-networks:\n  Office: 192.0.2.0/24\n"),
			 "flowpol.yaml:2:3: network names are DNS-1123 labels (a-z, 0-9, '-')");
	ck_assert_str_eq(error_of("known-networks:\n  office: 192.0.2.1/24\n"),
			 "flowpol.yaml:2:11: \"known-networks.office\": expected a CIDR block with the "
			 "host bits zero, like 203.0.113.0/24, got '192.0.2.1/24'");
	ck_assert_str_eq(error_of("known-networks:\n  office: []\n"),
			 "flowpol.yaml:2:11: \"known-networks.office\": expected at least 1 item");
	/* a file, found next to flowpol.yaml */
	snprintf(dir, sizeof(dir), "%s/conf", fp_tmpdir());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fp_write_file(dir, "nets.yaml", "office: 192.0.2.0/24\n");
	ck_assert_int_eq(parse(&c, &err, dir, "known-networks: nets.yaml\n"), 0);
	ck_assert_uint_eq(c.nets.n, 1);
	ck_assert_str_eq(c.nets.nets[0].name, "office");
	fp_config_done(&c);
	ck_assert_int_eq(parse(&c, &err, dir, "known-networks: missing.yaml\n"), FP_EIO);
	ck_assert_ptr_nonnull(strstr(err.source, "conf/missing.yaml"));
	fp_config_done(&c);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_config_load)
{
	struct fp_config c;
	struct fp_err err = { 0 };
	char dir[1024], path[PATH_MAX], *big;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/site", fp_tmpdir());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/none.yaml", dir);
	/* ./flowpol.yaml may be missing; a file named with -c may not */
	fp_config_init(&c);
	ck_assert_int_eq(fp_config_load(&c, path, false, &err), 0);
	ck_assert_ptr_null(c.path);
	ck_assert_int_eq(fp_config_load(&c, path, true, &err), FP_EIO);
	fp_assert_err(&err, FP_EIO, path, 0, 0, "cannot open: No such file or directory");
	/* a folder is not a configuration */
	fp_err_clear(&err);
	ck_assert_int_eq(fp_config_load(&c, dir, false, &err), FP_EIO);
	fp_assert_err(&err, FP_EIO, dir, 0, 0, "not a regular file");
	/* paths are relative to the file's folder, errors name the file */
	snprintf(path, sizeof(path), "%s", fp_write_file(dir, "f.yaml", "output: out\n"));
	fp_err_clear(&err);
	ck_assert_int_eq(fp_config_load(&c, path, true, &err), 0);
	ck_assert_str_eq(c.path, path);
	snprintf(path, sizeof(path), "%s/out", dir);
	ck_assert_str_eq(c.output, path);
	fp_config_done(&c);
	snprintf(path, sizeof(path), "%s", fp_write_file(dir, "bad.yaml", "output: out\nouptut: x\n"));
	ck_assert_int_eq(fp_config_load(&c, path, true, &err), FP_EINPUT);
	fp_assert_err(&err, FP_EINPUT, path, 2, 1, "unknown key 'ouptut'; did you mean 'output'?");
	/* too big: refused before parsing */
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	f = fopen(path, "w");
	big = calloc(1, FP_CONFIG_MAX_BYTES + 2);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', FP_CONFIG_MAX_BYTES + 1);
	fputs(big, f);
	fclose(f);
	free(big);
	fp_err_clear(&err);
	ck_assert_int_eq(fp_config_load(&c, path, true, &err), FP_EIO);
	fp_assert_err(&err, FP_EIO, path, 0, 0, "larger than 256 KiB: not a flowpol configuration");
	fp_config_done(&c);
	fp_tmpdir_cleanup();
}
END_TEST

START_TEST(test_config_hostile)
{
	/* an alias bomb stops at the node limit, long before memory runs out */
	ck_assert_str_eq(error_of("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
				  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
				  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"),
			 "flowpol.yaml:5:12: document expands to more than 20000 nodes");
	ck_assert_str_eq(error_of("db: a\n---\ndb: b\n"),
			 "flowpol.yaml:2:1: expected one YAML document, found 2");
	ck_assert_str_eq(error_of("db: a\ndb: b\n"), "flowpol.yaml:2:1: duplicate key 'db'");
	ck_assert_str_eq(error_of("labels: {prefer: [[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]}\n"),
			 "flowpol.yaml:1:32: nesting deeper than 16 levels");
}
END_TEST

START_TEST(test_config_schema_matches_readers)
{
	json_error_t jerr;
	json_t *root = json_loads(fp_config_schema(), 0, &jerr), *formats;
	size_t n = 0;

	ck_assert_ptr_nonnull(root);
	formats = json_object_get(json_object_get(json_object_get(root, "properties"), "format"),
				  "enum");
	for (const struct fp_reader *const *r = fp_reader_all(); *r != NULL; r++, n++)
		ck_assert_str_eq(json_string_value(json_array_get(formats, n)), (*r)->name);
	ck_assert_uint_eq(json_array_size(formats), n);
	json_decref(root);
}
END_TEST

Suite *
fp_test_suite(void)
{
	Suite *s = suite_create("config-file");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_config_every_key);
	tcase_add_test(tc, test_config_empty_is_defaults);
	tcase_add_test(tc, test_config_typo_names_nearest_key);
	tcase_add_test(tc, test_config_wrong_types);
	tcase_add_test(tc, test_config_values_as_strict_as_options);
	tcase_add_test(tc, test_config_known_networks);
	tcase_add_test(tc, test_config_hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_test(tc, test_config_load);
	suite_add_tcase(s, tc);
	tc = tcase_create("schema");
	tcase_add_test(tc, test_config_schema_matches_readers);
	suite_add_tcase(s, tc);
	return s;
}
