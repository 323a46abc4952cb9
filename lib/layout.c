/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/carry.h"
#include "lib/emit.h"
#include "lib/layout.h"
#include "lib/util-buf.h"
#include "lib/util-file.h"
#include "lib/util-hash.h"
#include "lib/util-k8s.h"
#include "lib/yamltree.h"

int
fp_layout_parse(enum fp_layout *out, const char *s)
{
	if (strcmp(s, "namespace") == 0)
		*out = FP_LAYOUT_NAMESPACE;
	else if (strcmp(s, "workload") == 0)
		*out = FP_LAYOUT_WORKLOAD;
	else
		return FP_EINPUT;
	return 0;
}

const char *
fp_layout_name(enum fp_layout l)
{
	return l == FP_LAYOUT_WORKLOAD ? "workload" : "namespace";
}

const char *
fp_layout_path(char *buf, size_t size, enum fp_layout l, const struct fp_policy_ns *pn,
	       const struct fp_policy *pol)
{
	if (l == FP_LAYOUT_WORKLOAD)
		snprintf(buf, size, "%s/%s.yaml", pn->ns, pol->name);
	else
		snprintf(buf, size, "%s.yaml", pn->ns);
	return buf;
}

/*
 * DIR/<ns>, created when missing.  A link there could lead anywhere, so
 * anything but a real directory is refused.
 */
static int
ns_dir(char *path, size_t size, const char *dir, const char *ns, struct fp_err *err)
{
	struct stat st;
	int n;

	if (!fp_k8s_is_dns_label(ns, strlen(ns)))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "invalid namespace name '%.64s'", ns);
	n = snprintf(path, size, "%s/%s", dir, ns);
	if (n < 0 || (size_t)n >= size)
		return fp_err_set(err, FP_EIO, dir, 0, 0, "path too long");
	if (lstat(path, &st) < 0) {
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return fp_err_set(err, FP_EIO, path, 0, 0, "cannot create directory: %s",
					  strerror(errno));
		if (lstat(path, &st) < 0)
			return fp_err_set(err, FP_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) /* lstat: a link is not a directory */
		return fp_err_set(err, FP_EINPUT, path, 0, 0,
				  "not a directory (flowpol does not follow a link here)");
	return 0;
}

struct names {
	char **v;
	size_t n, cap;
};

static int
names_add(struct names *l, const char *ns, const char *file)
{
	size_t len = strlen(ns) + strlen(file) + 2;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return FP_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = malloc(len);
	if (l->v[l->n] == NULL)
		return FP_ENOMEM;
	snprintf(l->v[l->n++], len, "%s/%s", ns, file);
	return 0;
}

static void
names_done(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/*
 * --baseline: keep the bytes of a policy whose rules did not change, from
 * the baseline's own file of it, or from the baseline's namespace file when
 * the baseline still has the namespace layout.
 */
static int
carry(struct fp_buf *b, const char *baseline, const char *ns, const char *file,
      struct fp_err *err)
{
	char sub[PATH_MAX], name[FP_K8S_LABEL_MAX + 8];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/%s", baseline, ns);
	snprintf(name, sizeof(name), "%s.yaml", ns);
	if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
		return fp_carry_file(b, sub, file, err);
	return fp_carry_file(b, baseline, name, err);
}

/* DIR/<ns>/<policy>.yaml for every policy, then the kustomization listing them. */
static int
write_workloads(uint64_t *digest, const struct fp_policy_model *m, const char *dir,
		const char *baseline, struct fp_err *err)
{
	char nsdir[PATH_MAX], file[300];
	struct names files = { 0 };
	struct fp_hasher h;
	struct fp_buf b;
	int r = 0;

	fp_hasher_init(&h, 0);
	fp_buf_init(&b);
	for (size_t i = 0; i < m->n && r == 0; i++) {
		const struct fp_policy_ns *pn = &m->nss[i];

		r = ns_dir(nsdir, sizeof(nsdir), dir, pn->ns, err);
		for (size_t p = 0; p < pn->n && r == 0; p++) {
			const char *name = pn->policies[p].name;

			if (!fp_k8s_is_dns_subdomain(name, strlen(name)))
				r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
					       "invalid policy name '%.64s'", name);
			if (r < 0)
				break;
			snprintf(file, sizeof(file), "%s.yaml", name);
			fp_buf_reset(&b);
			r = fp_emit_policy(&b, m, pn, &pn->policies[p], err);
			if (r == 0 && baseline != NULL)
				r = carry(&b, baseline, pn->ns, file, err);
			if (r == 0)
				r = fp_file_write_atomic(nsdir, file, b.data, b.len, err);
			if (r == 0 && names_add(&files, pn->ns, file) < 0)
				r = fp_err_nomem(err);
			if (r == 0)
				fp_hasher_update(&h, b.data, b.len);
		}
	}
	if (r == 0) {
		fp_buf_reset(&b);
		r = fp_emit_kustomization_files(&b, (const char *const *)files.v, files.n, err);
	}
	if (r == 0)
		r = fp_file_write_atomic(dir, "kustomization.yaml", b.data, b.len, err);
	if (r == 0)
		fp_hasher_update(&h, b.data, b.len);
	fp_buf_done(&b);
	names_done(&files);
	*digest = fp_hasher_final(&h);
	return r;
}

/*
 * Did flowpol write the file at @path, for namespace @ns: a regular file
 * (not a link) whose every document is a NetworkPolicy of @ns labelled as
 * managed by flowpol?  Anything unreadable or odd counts as "no".
 */
static bool
flowpol_wrote(const char *path, const char *ns)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct fp_yaml *y = NULL;
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	bool ok = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > FP_YAML_MAX_BYTES ||
	    (data = malloc((size_t)st.st_size)) == NULL)
		goto out;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		len += (size_t)n;
	}
	if (fp_yaml_load(&y, path, data, len, NULL, NULL) < 0)
		goto out;
	ok = fp_yaml_count(y) > 0;
	for (size_t i = 0; i < fp_yaml_count(y) && ok; i++) {
		const struct fp_yaml_node *root = fp_yaml_root(y, i);
		const struct fp_yaml_node *meta = fp_yaml_get(root, "metadata");

		ok = fp_yaml_is_str(fp_yaml_get(root, "kind"), "NetworkPolicy") &&
		     fp_yaml_is_str(fp_yaml_get(meta, "namespace"), ns) &&
		     fp_yaml_is_str(fp_yaml_get(fp_yaml_get(meta, "labels"),
						"app.kubernetes.io/managed-by"),
				    "flowpol");
	}
out:
	fp_yaml_free(y);
	free(data);
	close(fd);
	return ok;
}

/* The name part of "<name>.yaml" into @buf, or NULL when @e is not such a name. */
static const char *
yaml_base(char *buf, size_t size, const char *e)
{
	size_t len = strlen(e);

	if (len <= 5 || strcmp(e + len - 5, ".yaml") != 0 || len - 5 >= size)
		return NULL;
	memcpy(buf, e, len - 5);
	buf[len - 5] = '\0';
	return buf;
}

static int
remove_file(const char *path, struct fp_err *err)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return fp_err_set(err, FP_EIO, path, 0, 0, "cannot remove: %s", strerror(errno));
	return 0;
}

/*
 * Remove the policy files flowpol wrote in @dir for @ns (the files of
 * namespace folder @dir, when @ns is not NULL), or the namespace files at
 * the top of @dir (when it is).  *@removed counts them.
 */
/* Does the run that just wrote its files keep file @base of @ns? */
typedef bool (*keep_fn)(const char *base, const void *ctx);

static int
sweep_but(const char *dir, const char *ns, keep_fn keep, const void *ctx, size_t *removed,
	  struct fp_err *err);

static int
sweep(const char *dir, const char *ns, size_t *removed, struct fp_err *err)
{
	return sweep_but(dir, ns, NULL, NULL, removed, err);
}

static int
sweep_but(const char *dir, const char *ns, keep_fn keep, const void *ctx, size_t *removed,
	  struct fp_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX], base[FP_K8S_SUBDOMAIN_MAX + 1];
	int r = 0;

	if (d == NULL)
		return 0; /* nothing there to clean */
	while (r == 0 && (de = readdir(d)) != NULL) {
		const char *b = yaml_base(base, sizeof(base), de->d_name);

		if (b == NULL || (ns != NULL ? !fp_k8s_is_dns_subdomain(b, strlen(b))
					     : !fp_k8s_is_dns_label(b, strlen(b))))
			continue;
		if (keep != NULL && keep(b, ctx))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!flowpol_wrote(path, ns != NULL ? ns : b))
			continue;
		r = remove_file(path, err);
		*removed += r == 0;
	}
	closedir(d);
	return r;
}

/* Switching to the namespace layout: the workload layout's folders go. */
static int
sweep_workload_layout(const char *dir, struct fp_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX];
	struct stat st;
	int r = 0;

	if (d == NULL)
		return 0;
	while (r == 0 && (de = readdir(d)) != NULL) {
		size_t removed = 0;

		if (!fp_k8s_is_dns_label(de->d_name, strlen(de->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		r = sweep(path, de->d_name, &removed, err);
		/* A folder flowpol emptied goes too; one with other files stays. */
		if (r == 0 && removed > 0)
			rmdir(path);
	}
	closedir(d);
	return r;
}

int
fp_layout_write(uint64_t *digest, const struct fp_policy_model *m, const char *dir,
		enum fp_layout l, const char *baseline, struct fp_err *err)
{
	size_t removed = 0;
	int r;

	if (l == FP_LAYOUT_NAMESPACE) {
		r = fp_emit_model(digest, m, dir, baseline, err);
		return r < 0 ? r : sweep_workload_layout(dir, err);
	}
	if (fp_dir_ensure(dir, err) < 0)
		return FP_EIO;
	r = write_workloads(digest, m, dir, baseline, err);
	return r < 0 ? r : sweep(dir, NULL, &removed, err);
}

/* ---- stale files: what an earlier run wrote that this one did not ---- */

static const struct fp_policy_ns *
model_ns(const struct fp_policy_model *m, const char *ns)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->nss[i].ns, ns) == 0)
			return &m->nss[i];
	return NULL;
}

static bool
keep_namespace(const char *base, const void *ctx)
{
	return model_ns(ctx, base) != NULL;
}

static bool
keep_policy(const char *base, const void *ctx)
{
	const struct fp_policy_ns *pn = ctx;

	for (size_t i = 0; i < pn->n; i++)
		if (strcmp(pn->policies[i].name, base) == 0)
			return true;
	return false;
}

int
fp_layout_sweep_stale(size_t *removed, const struct fp_policy_model *m, const char *dir,
		      enum fp_layout l, bool every_namespace, struct fp_err *err)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	struct stat st;
	int r = 0;

	*removed = 0;
	if (l == FP_LAYOUT_NAMESPACE)
		return every_namespace ? sweep_but(dir, NULL, keep_namespace, m, removed, err) : 0;
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (r == 0 && (de = readdir(d)) != NULL) {
		const struct fp_policy_ns *pn;
		size_t n = 0;

		if (!fp_k8s_is_dns_label(de->d_name, strlen(de->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		pn = model_ns(m, de->d_name);
		if (pn != NULL)
			r = sweep_but(path, de->d_name, keep_policy, pn, &n, err);
		else if (every_namespace)
			r = sweep(path, de->d_name, &n, err);
		if (r == 0 && n > 0 && pn == NULL)
			rmdir(path); /* emptied by flowpol: goes too; with other files, stays */
		*removed += n;
	}
	closedir(d);
	return r;
}
