/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layout.h - where the policies go in the output directory.
 *
 * Two layouts, for two ways of owning policies:
 *
 *   namespace  DIR/<namespace>.yaml, every policy of the namespace in one
 *              multi-document stream (the default);
 *   workload   DIR/<namespace>/<policy>.yaml, one file per policy
 *              (default-deny in its own file), for teams whose CODEOWNERS
 *              are per workload.
 *
 * Either way DIR/kustomization.yaml lists every file in a stable order, and
 * DIR/REVIEW.md stays at the top (lib/report.h links to the files).  Every
 * name in a path was validated as a DNS label (namespaces) or subdomain
 * (policies) and is checked again here, and a namespace folder that is a
 * symbolic link is refused, so nothing is ever written outside DIR.
 *
 * Policy files an earlier run left that this run did not write are removed
 * when flowpol wrote them itself (every document a NetworkPolicy of that
 * namespace labelled app.kubernetes.io/managed-by: flowpol): the other
 * layout's files when layouts switch (fp_layout_write), and the files of
 * policies and namespaces that are gone, pruned or no longer opted in
 * (fp_layout_sweep_stale).  Anything else in DIR is never touched.
 */
#ifndef FP_LAYOUT_H
#define FP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/policy.h"

enum fp_layout {
	FP_LAYOUT_NAMESPACE = 0,
	FP_LAYOUT_WORKLOAD = 1,
};

/* "namespace" or "workload" into *@out; 0, or FP_EINPUT for anything else. */
int fp_layout_parse(enum fp_layout *out, const char *s);
/* The name fp_layout_parse() reads back. */
const char *fp_layout_name(enum fp_layout l);

/*
 * The path, relative to DIR, of the file holding policy @pol of namespace
 * @pn in layout @l ("prod.yaml", "prod/allow-web.yaml"), into @buf of
 * @size bytes.  Returns @buf.
 */
const char *fp_layout_path(char *buf, size_t size, enum fp_layout l,
			   const struct fp_policy_ns *pn, const struct fp_policy *pol);

/*
 * Write the policies of @m under @dir in layout @l, each file atomically,
 * then DIR/kustomization.yaml, creating folders as needed; then remove the
 * other layout's files flowpol wrote (see above).  With @baseline (a
 * directory, or NULL), policies whose rules did not change keep the
 * baseline's bytes (lib/carry.h), found in the baseline's file of the same
 * path or, for the workload layout, in its namespace file.  *@digest gets a
 * hash of everything written, in order.  0, FP_EINPUT (a name that cannot
 * be a file, a namespace folder that is a link) or FP_EIO.
 */
int fp_layout_write(uint64_t *digest, const struct fp_policy_model *m, const char *dir,
		    enum fp_layout l, const char *baseline, struct fp_err *err);

/*
 * After fp_layout_write(): remove the policy files flowpol wrote earlier in
 * @dir that @m no longer has, in the namespaces @m holds and, when
 * @every_namespace (no --namespace filter), in any other namespace too.
 * *@removed counts them.  0 or FP_EIO.
 */
int fp_layout_sweep_stale(size_t *removed, const struct fp_policy_model *m, const char *dir,
			  enum fp_layout l, bool every_namespace, struct fp_err *err);

#endif
