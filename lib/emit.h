/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emit.h - writing the policy model as Kubernetes YAML.
 *
 * YAML is only ever produced through the libyaml emitter, and every name,
 * label and address in it was validated when it entered flowpol, so no
 * value from a log can change the structure of a document.  Strings that a
 * YAML parser would read as numbers, booleans or null are quoted.
 */
#ifndef FP_EMIT_H
#define FP_EMIT_H

#include <stdint.h>

#include "lib/err.h"
#include "lib/policy.h"
#include "lib/util-buf.h"

/* Append namespace @pn's policies as a multi-document YAML stream to @out. */
int fp_emit_namespace(struct fp_buf *out, const struct fp_policy_model *m,
		      const struct fp_policy_ns *pn, struct fp_err *err);

/* Append policy @pol of namespace @pn alone, as a one-document stream, to @out. */
int fp_emit_policy(struct fp_buf *out, const struct fp_policy_model *m,
		   const struct fp_policy_ns *pn, const struct fp_policy *pol,
		   struct fp_err *err);

/* Append a kustomization.yaml naming every namespace file to @out. */
int fp_emit_kustomization(struct fp_buf *out, const struct fp_policy_model *m,
			  struct fp_err *err);

/*
 * Append a kustomization.yaml listing the @n paths @files (relative to it,
 * validated by the caller) in the order given, to @out.
 */
int fp_emit_kustomization_files(struct fp_buf *out, const char *const *files, size_t n,
				struct fp_err *err);

/*
 * Write DIR/<namespace>.yaml for every namespace and DIR/kustomization.yaml
 * (each atomically), creating DIR if needed: the namespace layout, with no
 * clean-up (lib/layout.h chooses the layout and cleans up).  With @baseline
 * (a directory, or NULL), policies that did not change keep its bytes
 * (lib/carry.h).  *@digest gets a hash of everything written, for the run
 * record.  0, FP_EINPUT or FP_EIO.
 */
int fp_emit_model(uint64_t *digest, const struct fp_policy_model *m, const char *dir,
		  const char *baseline, struct fp_err *err);

#endif
