/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-gke.h - GKE Dataplane V2 network policy logs: the node's
 * /var/log/network/policy_action.log (one JSON object per line), and the
 * same records as Cloud Logging exports them (a LogEntry whose jsonPayload
 * holds the record).
 *
 * A record is one connection, or "count" of them, allowed or denied
 * ("disposition") between the endpoints of "connection".  Pods are named
 * (namespace, pod, owning workload) but carry no labels: they become pod
 * endpoints with their name and address, for an inventory to complete.
 * A ReplicaSet owner is left for normalization to name (its Deployment).
 * Nodes are nodes; an "instance" (any other address) is known by address
 * only.
 */
#ifndef FP_READER_GKE_H
#define FP_READER_GKE_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_gke;

#endif
