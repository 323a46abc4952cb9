/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol-load.c - the policy set: finding NetworkPolicy objects in files,
 * streams, Lists and directory trees, and keeping the valid ones.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/netpol-private.h"
#include "lib/util-hash.h"
#include "lib/util-k8s.h"
#include "lib/util-macro.h"

#define MAX_DIR_DEPTH 32

struct load {
	struct fp_netpol_set *s;
	const char *file;
	fp_netpol_note_fn *note;
	void *ud;
	struct fp_err *err;
};

int
fp_netpol_set_new(struct fp_netpol_set **out, struct fp_err *err)
{
	struct fp_netpol_set *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL)
		return fp_err_nomem(err);
	fp_arena_init(&s->arena);
	memcpy(s->default_ns, "default", sizeof("default"));
	*out = s;
	return 0;
}

void
fp_netpol_set_free(struct fp_netpol_set *s)
{
	if (s == NULL)
		return;
	fp_arena_done(&s->arena);
	free(s->pols);
	free(s->by_name);
	free(s);
}

int
fp_netpol_set_default_namespace(struct fp_netpol_set *s, const char *ns,
				struct fp_err *err)
{
	size_t len = strlen(ns);

	if (!fp_k8s_is_dns_label(ns, len) || len >= sizeof(s->default_ns))
		return fp_err_set(
			err, FP_EUSAGE, NULL, 0, 0,
			"invalid default namespace '%s': must be a DNS-1123 label", ns);
	memcpy(s->default_ns, ns, len + 1);
	return 0;
}

size_t
fp_netpol_count(const struct fp_netpol_set *s)
{
	return s->n_pols;
}

size_t
fp_netpol_invalid(const struct fp_netpol_set *s)
{
	return s->invalid;
}

const struct fp_netpol_info *
fp_netpol_get(const struct fp_netpol_set *s, size_t i)
{
	return i < s->n_pols ? &s->pols[i]->info : NULL;
}

long
fp_netpol_rule_line(const struct fp_netpol_set *s, size_t i, enum fp_netpol_dir dir,
		    size_t rule)
{
	if (i >= s->n_pols || (unsigned)dir > FP_NETPOL_EGRESS ||
	    rule >= s->pols[i]->info.n_rules[dir])
		return 0;
	return s->pols[i]->rules[dir][rule].line;
}

/* --- notes -------------------------------------------------------------- */

static void notify(struct load *l, enum fp_status code, long line, int column,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
notify(struct load *l, enum fp_status code, long line, int column, const char *fmt, ...)
{
	struct fp_err note;
	va_list ap;

	if (code != FP_OK)
		l->s->invalid++;
	if (l->note == NULL)
		return;
	fp_err_clear(&note);
	va_start(ap, fmt);
	fp_err_setv(&note, code, l->file, line, column, fmt, ap);
	va_end(ap);
	l->note(l->ud, &note);
}

static void
notify_err(struct load *l, const struct fp_err *e)
{
	l->s->invalid++;
	if (l->note != NULL)
		l->note(l->ud, e);
}

/* --- adding ------------------------------------------------------------- */

static uint64_t
name_hash(const char *ns, const char *name)
{
	return fp_hash_mix(fp_hash64(ns, strlen(ns), 0),
			   fp_hash64(name, strlen(name), 1));
}

static int
by_name_grow(struct fp_netpol_set *s)
{
	size_t cap = s->cap_by_name == 0 ? 64 : s->cap_by_name * 2;
	size_t *tab = malloc(cap * sizeof(*tab));

	if (tab == NULL)
		return FP_ENOMEM;
	for (size_t i = 0; i < cap; i++)
		tab[i] = FP_NETPOL_NONE;
	for (size_t p = 0; p < s->n_pols; p++) {
		const struct fp_netpol_info *in = &s->pols[p]->info;
		size_t i = (size_t)name_hash(in->ns, in->name) & (cap - 1);

		while (tab[i] != FP_NETPOL_NONE)
			i = (i + 1) & (cap - 1);
		tab[i] = p;
	}
	free(s->by_name);
	s->by_name = tab;
	s->cap_by_name = cap;
	return 0;
}

static const struct np_policy *
find_by_name(const struct fp_netpol_set *s, const char *ns, const char *name)
{
	size_t i;

	if (s->cap_by_name == 0)
		return NULL;
	i = (size_t)name_hash(ns, name) & (s->cap_by_name - 1);
	for (; s->by_name[i] != FP_NETPOL_NONE; i = (i + 1) & (s->cap_by_name - 1)) {
		const struct np_policy *p = s->pols[s->by_name[i]];

		if (strcmp(p->info.ns, ns) == 0 && strcmp(p->info.name, name) == 0)
			return p;
	}
	return NULL;
}

static int
add_policy(struct load *l, struct np_policy *pol)
{
	struct fp_netpol_set *s = l->s;
	const struct np_policy *dup = find_by_name(s, pol->info.ns, pol->info.name);
	size_t i;

	/* The API server holds one object per name: a second definition in the
	 * same tree is a conflict the reader cannot settle, so it is refused. */
	if (dup != NULL) {
		notify(l, FP_EINPUT, pol->info.line, pol->info.column,
		       "NetworkPolicy %s/%s is already defined at %s:%ld", pol->info.ns,
		       pol->info.name, dup->info.file, dup->info.line);
		return 0;
	}
	if (s->n_pols == s->cap_pols) {
		size_t cap = s->cap_pols == 0 ? 16 : s->cap_pols * 2;
		struct np_policy **pols = realloc(s->pols, cap * sizeof(*pols));

		if (pols == NULL)
			return fp_err_nomem(l->err);
		s->pols = pols;
		s->cap_pols = cap;
	}
	if ((s->n_pols + 1) * 2 > s->cap_by_name && by_name_grow(s) < 0)
		return fp_err_nomem(l->err);
	s->pols[s->n_pols] = pol;
	i = (size_t)name_hash(pol->info.ns, pol->info.name) & (s->cap_by_name - 1);
	while (s->by_name[i] != FP_NETPOL_NONE)
		i = (i + 1) & (s->cap_by_name - 1);
	s->by_name[i] = s->n_pols++;
	return 0;
}

/* --- documents ---------------------------------------------------------- */

/* A short printable form of a string field, or "" when it is not one. */
static const char *
text_of(char buf[64], const struct fp_yaml_node *n)
{
	buf[0] = '\0';
	if (fp_yaml_kind(n) != FP_YAML_KIND_STR)
		return buf;
	return fp_yaml_quote(buf, 64, n->value, n->len);
}

static int load_object(struct load *l, const struct fp_yaml_node *obj,
		       const char *list_kind, const struct fp_yaml_node *list_api);

static int
load_list(struct load *l, const struct fp_yaml_node *obj, const char *kind,
	  const struct fp_yaml_node *api)
{
	const struct fp_yaml_node *items = fp_yaml_get(obj, "items");
	char item_kind[64] = "";
	size_t klen = strlen(kind);
	int r;

	if (fp_yaml_is_null(items))
		return 0;
	if (items->type != FP_YAML_SEQUENCE) {
		notify(l, FP_EINPUT, items->line, items->column,
		       "items: expected a sequence, got a %s",
		       fp_yaml_kind_name(fp_yaml_kind(items)));
		return 0;
	}
	/* Items of a typed list (NetworkPolicyList) may leave out their kind and
	 * apiVersion; those of a List carry their own. */
	if (strcmp(kind, "List") == 0)
		api = NULL;
	else if (klen - 4 < sizeof(item_kind))
		memcpy(item_kind, kind, klen - 4), item_kind[klen - 4] = '\0';
	for (size_t i = 0; i < items->n_items; i++)
		if ((r = load_object(l, items->items[i], item_kind, api)) < 0)
			return r;
	return 0;
}

static int
load_object(struct load *l, const struct fp_yaml_node *obj, const char *list_kind,
	    const struct fp_yaml_node *list_api)
{
	const struct fp_yaml_node *kind_n, *api_n, *name_n;
	char kind[64], api[64], name[64], buf[64];
	struct fp_err e;
	struct np_policy *pol;
	int r;

	if (obj->type != FP_YAML_MAPPING) {
		notify(l, FP_OK, obj->line, obj->column,
		       "skipping a %s: not a Kubernetes object",
		       fp_yaml_kind_name(fp_yaml_kind(obj)));
		return 0;
	}
	kind_n = fp_yaml_get(obj, "kind");
	api_n = fp_yaml_get(obj, "apiVersion");
	if (fp_yaml_is_null(api_n))
		api_n = list_api;
	name_n = fp_yaml_get(fp_yaml_get(obj, "metadata"), "name");
	snprintf(kind, sizeof(kind), "%s",
		 fp_yaml_is_null(kind_n) && list_kind != NULL ? list_kind
							      : text_of(buf, kind_n));
	text_of(api, api_n);
	text_of(name, name_n);
	if (kind[0] == '\0') {
		notify(l, FP_OK, obj->line, obj->column,
		       "skipping a mapping without kind: not a Kubernetes object");
		return 0;
	}
	/* Items of a List are looked at one by one; a typed list of another kind
	 * (PodList) is one object that holds no policy. */
	if (list_kind == NULL &&
	    (strcmp(kind, "List") == 0 || strcmp(kind, "NetworkPolicyList") == 0))
		return load_list(l, obj, kind, api_n);
	if (strcmp(kind, "NetworkPolicy") == 0 && fp_yaml_is_null(api_n)) {
		notify(l, FP_EINPUT, obj->line, obj->column, "apiVersion: required");
		return 0;
	}
	if (strcmp(kind, "NetworkPolicy") != 0 ||
	    strcmp(api, "networking.k8s.io/v1") != 0) {
		notify(l, FP_OK, obj->line, obj->column, "skipping %s%s%s%s%s%s", api,
		       api[0] != '\0' ? " " : "", kind, name[0] != '\0' ? " '" : "", name,
		       name[0] != '\0' ? "'" : "");
		return 0;
	}
	fp_err_clear(&e);
	r = fp_netpol__parse(&pol, l->s, obj, l->file, &e);
	if (r == FP_EINPUT) {
		notify_err(l, &e);
		return 0;
	}
	if (r < 0)
		return fp_err_set(l->err, e.code, NULL, 0, 0, "%s", e.text);
	return add_policy(l, pol);
}

int
fp_netpol_load_buffer(struct fp_netpol_set *s, const char *name, const char *data,
		      size_t len, fp_netpol_note_fn *note, void *ud, struct fp_err *err)
{
	struct load l = { .s = s, .file = name, .note = note, .ud = ud, .err = err };
	struct fp_yaml *y;
	struct fp_err e;
	int r;

	fp_err_clear(&e);
	r = fp_yaml_load(&y, name, data, len, NULL, &e);
	if (r == FP_EINPUT) {
		/* libyaml cannot resume after an error: the file is lost as a whole. */
		size_t n = strlen(e.text);

		snprintf(e.text + n, sizeof(e.text) - n,
			 "; nothing in this file was loaded");
		notify_err(&l, &e);
		return 0;
	}
	if (r < 0)
		return fp_err_nomem(err);
	for (size_t i = 0; i < fp_yaml_count(y) && r == 0; i++) {
		const struct fp_yaml_node *root = fp_yaml_root(y, i);

		/* An empty document ("---" at the end of a file) holds nothing. */
		if (root->type == FP_YAML_SCALAR && fp_yaml_is_null(root))
			continue;
		r = load_object(&l, root, NULL, NULL);
	}
	fp_yaml_free(y);
	return r;
}

/* --- files and directories ---------------------------------------------- */

static int
load_file(struct load *l, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0;
	int r = 0;

	if (f == NULL)
		return fp_err_set(l->err, FP_EIO, path, 0, 0, "cannot open: %s",
				  strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *p;

			if (cap >= FP_YAML_MAX_BYTES) {
				l->file = path;
				notify(l, FP_EINPUT, 0, 0,
				       "larger than %u bytes; not loaded",
				       FP_YAML_MAX_BYTES);
				goto out;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			p = realloc(data, cap + 1);
			if (p == NULL) {
				r = fp_err_nomem(l->err);
				goto out;
			}
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		r = fp_err_set(l->err, FP_EIO, path, 0, 0, "read error: %s",
			       strerror(errno));
		goto out;
	}
	r = fp_netpol_load_buffer(l->s, path, data != NULL ? data : "", len, l->note,
				  l->ud, l->err);
out:
	free(data);
	fclose(f);
	return r;
}

static bool
has_policy_suffix(const char *name)
{
	static const char *const suffixes[] = { ".yaml", ".yml", ".json" };
	size_t len = strlen(name);

	for (size_t i = 0; i < FP_ARRAY_SIZE(suffixes); i++) {
		size_t n = strlen(suffixes[i]);

		if (len > n && strcmp(name + len - n, suffixes[i]) == 0)
			return true;
	}
	return false;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct load *l, const char *path, unsigned depth);

static int
load_entry(struct load *l, const char *path, const char *name, unsigned depth)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return fp_err_set(l->err, FP_EIO, path, 0, 0, "cannot stat: %s",
				  strerror(errno));
	/* A link to a directory could loop; a link to a file is followed. */
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) < 0 || S_ISDIR(st.st_mode))
			return 0;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(l, path, depth + 1);
	if (S_ISREG(st.st_mode) && has_policy_suffix(name))
		return load_file(l, path);
	return 0;
}

static int
load_dir(struct load *l, const char *path, unsigned depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (depth > MAX_DIR_DEPTH) {
		l->file = path;
		notify(l, FP_EINPUT, 0, 0,
		       "directories nested deeper than %d; not loaded", MAX_DIR_DEPTH);
		return 0;
	}
	d = opendir(path);
	if (d == NULL)
		return fp_err_set(l->err, FP_EIO, path, 0, 0, "cannot open directory: %s",
				  strerror(errno));
	while ((de = readdir(d)) != NULL) {
		/* ".", "..", and hidden entries such as .git are not policies. */
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p;

			cap = cap == 0 ? 32 : cap * 2;
			p = realloc(names, cap * sizeof(*names));
			if (p == NULL) {
				r = fp_err_nomem(l->err);
				goto out;
			}
			names = p;
		}
		names[n] = strdup(de->d_name);
		if (names[n++] == NULL) {
			r = fp_err_nomem(l->err);
			goto out;
		}
	}
	/* readdir() order depends on the file system: sort for determinism. */
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && r == 0; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(len);

		if (child == NULL) {
			r = fp_err_nomem(l->err);
			break;
		}
		snprintf(child, len, "%s/%s", path, names[i]);
		r = load_entry(l, child, names[i], depth);
		free(child);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

int
fp_netpol_load_path(struct fp_netpol_set *s, const char *path, fp_netpol_note_fn *note,
		    void *ud, struct fp_err *err)
{
	struct load l = { .s = s, .file = path, .note = note, .ud = ud, .err = err };
	struct stat st;

	if (stat(path, &st) < 0)
		return fp_err_set(err, FP_EIO, path, 0, 0, "cannot open: %s",
				  strerror(errno));
	if (S_ISDIR(st.st_mode))
		return load_dir(&l, path, 0);
	/* A file named on its own is read whatever its name ends with. */
	return load_file(&l, path);
}
