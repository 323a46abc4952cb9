/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/config-file.h"
#include "lib/util-zone.h"
#include "lib/jsonschema.h"
#include "lib/util-str.h"
#include "lib/util-time.h"
#include "lib/yamltree.h"

/* schema/flowpol.schema.json, compiled in by schema/embed.c */
extern const char *const fp_schema_config[];

#define MEMORY_MIN (64u << 10) /* as --memory */

const char *
fp_config_schema(void)
{
	return fp_schema_config[0];
}

/* ---- formats: the command line's own parsers ---- */

static bool
is_time(const char *s, size_t len)
{
	int64_t t;

	(void)len;
	return fp_time_parse_arg(&t, s, 0) == 0;
}

static bool
is_duration(const char *s, size_t len)
{
	int64_t t;

	(void)len;
	return fp_time_parse_duration(&t, s) == 0;
}

static bool
is_size(const char *s, size_t len)
{
	uint64_t v;

	(void)len;
	return fp_parse_size(&v, s) && v >= MEMORY_MIN;
}

static bool
is_cidr(const char *s, size_t len)
{
	struct fp_cidr c;

	return len < FP_ADDR_BUFSZ && fp_cidr_parse(&c, s, false) == 0;
}

static bool
is_network(const char *s, size_t len)
{
	struct fp_cidr c;

	return len < FP_ADDR_BUFSZ && fp_cidr_parse(&c, s, true) == 0;
}

static bool
is_zone(const char *s, size_t len)
{
	(void)len;
	return fp_zone_valid(s);
}

static const struct fp_jsonschema_format formats[] = {
	{ "flowpol-zone", "UTC, an offset like +02:00, or a zone like Europe/Berlin", is_zone },
	{ "flowpol-time", "an RFC 3339 time or a duration like 7d", is_time },
	{ "flowpol-duration", "a duration like 5m", is_duration },
	{ "flowpol-size", "a size of at least 64K, like 256M", is_size },
	{ "flowpol-cidr", "a CIDR block like 10.42.0.0/16", is_cidr },
	{ "flowpol-network", "a CIDR block with the host bits zero, like 203.0.113.0/24",
	  is_network },
	{ "flowpol-namespace", "a namespace name (a DNS-1123 label)", fp_k8s_is_dns_label },
	{ "flowpol-label-key", "a label key", fp_k8s_is_label_key },
	{ "flowpol-label-pattern", "a label key, or a prefix like example.com/ and '*'",
	  fp_k8s_is_label_pattern },
};

/* ---- the struct ---- */

void
fp_config_init(struct fp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->layout = FP_LAYOUT_NAMESPACE;
	c->max_errors = 1000;
	c->memory = 128u << 20;
	c->min_days = 1;
	c->stale_after = 4;
	c->default_deny = true;
	c->dns_tcp = true;
}

static void
list_done(struct fp_config_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

void
fp_config_done(struct fp_config *c)
{
	free(c->path);
	free(c->db);
	free(c->output);
	free(c->existing);
	free(c->baseline);
	free(c->format);
	free(c->tz);
	free(c->since);
	free(c->until);
	free(c->cluster_cidrs);
	free(c->service_cidrs);
	fp_netset_done(&c->nets);
	list_done(&c->namespaces);
	list_done(&c->skip_namespaces);
	list_done(&c->prefer_labels);
	list_done(&c->volatile_labels);
	fp_config_init(c);
}

bool
fp_config_has(const struct fp_config *c, enum fp_config_key k)
{
	return (c->given >> k) & 1;
}

/* ---- reading validated values ---- */

struct reader {
	struct fp_config *c;
	const struct fp_yaml_node *root;
	const char *source, *dir;
	struct fp_err *err;
};

/* The node of @key ("dns.tcp" looks in the mapping "dns"), marked as given. */
static const struct fp_yaml_node *
get(struct reader *r, const char *key, enum fp_config_key k)
{
	const struct fp_yaml_node *n = r->root;
	char part[32];

	for (const char *p = key; n != NULL && *p != '\0';) {
		size_t len = strcspn(p, ".");

		snprintf(part, sizeof(part), "%.*s", (int)len, p);
		n = fp_yaml_get(n, part);
		p += len + (p[len] == '.');
	}
	if (n != NULL)
		r->c->given |= (uint64_t)1 << k;
	return n;
}

static int
dup_str(struct reader *r, char **out, const struct fp_yaml_node *n)
{
	*out = strdup(n->value);
	return *out != NULL ? 0 : fp_err_nomem(r->err);
}

/*
 * A path as written, or joined to the folder of the file when relative:
 * "out" in conf/flowpol.yaml is conf/out, whatever the current directory.
 */
static int
path(struct reader *r, char **out, const char *key, enum fp_config_key k)
{
	const struct fp_yaml_node *n = get(r, key, k);
	size_t len;

	if (n == NULL)
		return 0;
	if (r->dir == NULL || n->value[0] == '/')
		return dup_str(r, out, n);
	len = strlen(r->dir) + n->len + 2;
	*out = malloc(len);
	if (*out == NULL)
		return fp_err_nomem(r->err);
	snprintf(*out, len, "%s%s%s", r->dir, r->dir[strlen(r->dir) - 1] == '/' ? "" : "/",
		 n->value);
	return 0;
}

static int
string(struct reader *r, char **out, const char *key, enum fp_config_key k)
{
	const struct fp_yaml_node *n = get(r, key, k);

	return n != NULL ? dup_str(r, out, n) : 0;
}

static void
count(struct reader *r, uint64_t *out, const char *key, enum fp_config_key k)
{
	const struct fp_yaml_node *n = get(r, key, k);
	int64_t v;

	/* the schema's minimum keeps it at 0 or more */
	if (n != NULL && fp_yaml_int(&v, n) == 0 && v >= 0)
		*out = (uint64_t)v;
}

static void
flag(struct reader *r, bool *out, const char *key, enum fp_config_key k)
{
	const struct fp_yaml_node *n = get(r, key, k);

	if (n != NULL)
		fp_yaml_bool(out, n);
}

static int
list(struct reader *r, struct fp_config_list *out, const char *key, enum fp_config_key k)
{
	const struct fp_yaml_node *n = get(r, key, k);

	if (n == NULL)
		return 0;
	out->v = calloc(n->n_items + 1, sizeof(*out->v));
	if (out->v == NULL)
		return fp_err_nomem(r->err);
	for (size_t i = 0; i < n->n_items; i++, out->n++)
		if (dup_str(r, &out->v[i], n->items[i]) < 0)
			return FP_ENOMEM;
	return 0;
}

static int
cidrs(struct reader *r, struct fp_cidr **out, size_t *n_out, const char *key,
      enum fp_config_key k)
{
	const struct fp_yaml_node *n = get(r, key, k);

	if (n == NULL)
		return 0;
	*out = calloc(n->n_items + 1, sizeof(**out));
	if (*out == NULL)
		return fp_err_nomem(r->err);
	for (size_t i = 0; i < n->n_items; i++)
		if (fp_cidr_parse(&(*out)[(*n_out)++], n->items[i]->value, false) < 0)
			return fp_err_set(r->err, FP_EINPUT, r->source, n->items[i]->line,
					  n->items[i]->column, "\"%s[%zu]\": not a CIDR block", key,
					  i);
	return 0;
}

static int
memory(struct reader *r)
{
	const struct fp_yaml_node *n = get(r, "memory", FP_CONFIG_MEMORY);
	int64_t v;

	if (n == NULL)
		return 0;
	if (fp_yaml_int(&v, n) == 0 && v >= (int64_t)MEMORY_MIN)
		r->c->memory = (uint64_t)v;
	else if (!fp_parse_size(&r->c->memory, n->value) || r->c->memory < MEMORY_MIN)
		return fp_err_set(r->err, FP_EINPUT, r->source, n->line, n->column,
				  "\"memory\": expected a size of at least 64K, like 256M");
	return 0;
}

/* known-networks: a file (relative to ours) or the mapping inline. */
static int
networks(struct reader *r)
{
	const struct fp_yaml_node *n = get(r, "known-networks", FP_CONFIG_KNOWN_NETWORKS);
	char *file = NULL;
	int rc;

	if (n == NULL)
		return 0;
	if (n->type == FP_YAML_MAPPING)
		return fp_netset_from_yaml(&r->c->nets, r->source, n, r->err);
	rc = path(r, &file, "known-networks", FP_CONFIG_KNOWN_NETWORKS);
	if (rc == 0)
		rc = fp_netset_load(&r->c->nets, file, r->err);
	free(file);
	return rc;
}

static int
read_values(struct reader *r)
{
	struct fp_config *c = r->c;
	const struct fp_yaml_node *n;
	int rc = 0;

	rc = rc < 0 ? rc : path(r, &c->db, "db", FP_CONFIG_DB);
	rc = rc < 0 ? rc : path(r, &c->output, "output", FP_CONFIG_OUTPUT);
	rc = rc < 0 ? rc : path(r, &c->existing, "existing", FP_CONFIG_EXISTING);
	rc = rc < 0 ? rc : path(r, &c->baseline, "baseline", FP_CONFIG_BASELINE);
	rc = rc < 0 ? rc : string(r, &c->format, "format", FP_CONFIG_FORMAT);
	rc = rc < 0 ? rc : string(r, &c->tz, "tz", FP_CONFIG_TZ);
	rc = rc < 0 ? rc : string(r, &c->since, "since", FP_CONFIG_SINCE);
	rc = rc < 0 ? rc : string(r, &c->until, "until", FP_CONFIG_UNTIL);
	rc = rc < 0 ? rc : memory(r);
	rc = rc < 0 ? rc : cidrs(r, &c->cluster_cidrs, &c->n_cluster_cidrs, "cluster-cidr",
				 FP_CONFIG_CLUSTER_CIDR);
	rc = rc < 0 ? rc : cidrs(r, &c->service_cidrs, &c->n_service_cidrs, "service-cidr",
				 FP_CONFIG_SERVICE_CIDR);
	rc = rc < 0 ? rc : list(r, &c->namespaces, "namespaces", FP_CONFIG_NAMESPACES);
	rc = rc < 0 ? rc : list(r, &c->skip_namespaces, "skip-namespaces", FP_CONFIG_SKIP_NAMESPACES);
	rc = rc < 0 ? rc : list(r, &c->prefer_labels, "labels.prefer", FP_CONFIG_PREFER_LABELS);
	rc = rc < 0 ? rc : list(r, &c->volatile_labels, "labels.volatile", FP_CONFIG_VOLATILE_LABELS);
	rc = rc < 0 ? rc : networks(r);
	if (rc < 0)
		return rc;
	count(r, &c->max_errors, "max-errors", FP_CONFIG_MAX_ERRORS);
	count(r, &c->min_flows, "min-flows", FP_CONFIG_MIN_FLOWS);
	count(r, &c->min_days, "min-days", FP_CONFIG_MIN_DAYS);
	count(r, &c->stale_after, "stale-after", FP_CONFIG_STALE_AFTER);
	flag(r, &c->require_stable, "require-stable", FP_CONFIG_REQUIRE_STABLE);
	flag(r, &c->prune, "prune", FP_CONFIG_PRUNE);
	flag(r, &c->allow_host, "allow-host", FP_CONFIG_ALLOW_HOST);
	flag(r, &c->default_deny, "default-deny", FP_CONFIG_DEFAULT_DENY);
	flag(r, &c->dns_tcp, "dns.tcp", FP_CONFIG_DNS_TCP);
	if ((n = get(r, "layout", FP_CONFIG_LAYOUT)) != NULL)
		fp_layout_parse(&c->layout, n->value); /* the schema's enum holds it */
	if ((n = get(r, "ip-grace", FP_CONFIG_IP_GRACE)) != NULL)
		fp_time_parse_duration(&c->ip_grace, n->value);
	return 0;
}

int
fp_config_parse(struct fp_config *c, const char *source, const char *dir, const char *text,
		size_t len, struct fp_err *err)
{
	/* far beyond any real configuration, far below what would hurt */
	const struct fp_yaml_limits lim = { FP_CONFIG_MAX_BYTES, 16, 20000 };
	const char *schema = fp_config_schema();
	struct fp_jsonschema *s = NULL;
	struct fp_yaml *y = NULL;
	struct reader r = { .c = c, .source = source, .err = err };
	int rc;

	/* "." adds nothing but noise to every path printed later */
	r.dir = dir != NULL && strcmp(dir, ".") != 0 ? dir : NULL;
	rc = fp_jsonschema_new(&s, schema, strlen(schema), formats,
			       sizeof(formats) / sizeof(formats[0]), err);
	if (rc == 0)
		rc = fp_yaml_load(&y, source, text, len, &lim, err);
	if (rc == 0 && fp_yaml_count(y) > 1) {
		long line;
		int column;

		fp_yaml_document_place(y, 1, &line, &column);
		rc = fp_err_set(err, FP_EINPUT, source, line, column,
				"expected one YAML document, found %zu", fp_yaml_count(y));
	}
	/* An empty file, or one with only "---", configures nothing. */
	if (rc == 0 && fp_yaml_count(y) == 1 && !fp_yaml_is_null(fp_yaml_root(y, 0))) {
		r.root = fp_yaml_root(y, 0);
		rc = fp_jsonschema_validate(s, r.root, source, err);
		if (rc == 0)
			rc = read_values(&r);
	}
	fp_yaml_free(y);
	fp_jsonschema_free(s);
	if (rc == 0 && (c->path = strdup(source)) == NULL)
		rc = fp_err_nomem(err);
	if (rc < 0)
		fp_config_done(c);
	return rc;
}

int
fp_config_load(struct fp_config *c, const char *path, bool required, struct fp_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data = NULL, *dir = NULL, *slash;
	size_t len = 0;
	struct stat st;
	int rc;

	if (fd < 0 && errno == ENOENT && !required)
		return 0;
	if (fd < 0)
		return fp_err_set(err, FP_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	/* a FIFO or a device could stall or never end */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fp_err_set(err, FP_EIO, path, 0, 0, "not a regular file");
	}
	data = malloc(FP_CONFIG_MAX_BYTES + 1);
	if (data == NULL) {
		close(fd);
		return fp_err_nomem(err);
	}
	/* one byte more than the limit tells "too big" without trusting st_size */
	while (len <= FP_CONFIG_MAX_BYTES) {
		ssize_t n = read(fd, data + len, FP_CONFIG_MAX_BYTES + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? errno : 0;
			if (rc != 0) {
				close(fd);
				free(data);
				return fp_err_set(err, FP_EIO, path, 0, 0, "cannot read: %s",
						  strerror(rc));
			}
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > FP_CONFIG_MAX_BYTES) {
		free(data);
		return fp_err_set(err, FP_EIO, path, 0, 0,
				  "larger than %u KiB: not a flowpol configuration",
				  FP_CONFIG_MAX_BYTES >> 10);
	}
	slash = strrchr(path, '/');
	if (slash != NULL && (dir = strndup(path, slash == path ? 1 : (size_t)(slash - path))) == NULL) {
		free(data);
		return fp_err_nomem(err);
	}
	rc = fp_config_parse(c, path, dir, data, len, err);
	free(dir);
	free(data);
	return rc;
}
