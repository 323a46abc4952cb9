/* SPDX-License-Identifier: Apache-2.0 */
/*
 * endpoint.h - normalizing the endpoints readers produce, and their
 * canonical key.
 *
 * Every reader's endpoint passes fp_endpoint_normalize() before it is
 * counted, so all formats meet in the same form: labels sorted, volatile
 * labels gone, the owning workload named where the pod name tells it, and
 * per-pod details (pod name, address) dropped where the labels already say
 * who the pod is.  Two endpoints are the same exactly when their keys are.
 */
#ifndef FP_ENDPOINT_H
#define FP_ENDPOINT_H

#include "lib/err.h"
#include "lib/flow.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"

/*
 * Normalize @ep in place; new strings come from @arena.  Fails with
 * FP_EINPUT when a label key repeats with different values.
 */
int fp_endpoint_normalize(struct fp_endpoint *ep, struct fp_arena *arena, struct fp_err *err);

/*
 * The workload that owns pod @pod, from the pod name and the pod's own
 * labels (pod-template-hash, statefulset.kubernetes.io/pod-name, job-name,
 * controller-revision-hash), or from the shape of a generated name when the
 * CNI dropped those labels.  Writes the name's length to *@len_out (a
 * prefix of @pod) and the kind (NULL when the name cannot tell) to
 * *@kind_out; returns false for a bare pod.
 */
bool fp_endpoint_guess_workload(size_t *len_out, const char **kind_out, const char *pod,
				const struct fp_label *labels, size_t n_labels);

/*
 * Append the canonical key of a normalized endpoint to @out:
 * "kind|namespace|workload|workload_kind|pod|ip|k=v,k=v".
 */
int fp_endpoint_key(struct fp_buf *out, const struct fp_endpoint *ep);

/* Append "k=v,k=v" (sorted, as normalized) to @out. */
int fp_endpoint_labels_text(struct fp_buf *out, const struct fp_label *labels, size_t n);

#endif
