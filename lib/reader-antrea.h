/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-antrea.h - Antrea's Flow Aggregator flow log: the CSV file its
 * flowLogger writes (/tmp/antrea-flows.log by default), one record per
 * line, no header, in a fixed column order:
 *
 *   flowStartSeconds, flowEndSeconds, sourceIP, destinationIP,
 *   sourceTransportPort, destinationTransportPort, protocolIdentifier,
 *   sourcePodName, sourcePodNamespace, sourceNodeName,
 *   destinationPodName, destinationPodNamespace, destinationNodeName,
 *   destinationClusterIP, destinationServicePort,
 *   destinationServicePortName, ingressNetworkPolicyName,
 *   ingressNetworkPolicyNamespace, ingressNetworkPolicyRuleName,
 *   ingressNetworkPolicyRuleAction, ingressNetworkPolicyType,
 *   egressNetworkPolicyName, egressNetworkPolicyNamespace,
 *   egressNetworkPolicyRuleName, egressNetworkPolicyRuleAction,
 *   egressNetworkPolicyType, egressName, egressIP, [appProtocolName,
 *   httpVals,] egressNodeName
 *
 * Some versions write one more address column right after
 * destinationClusterIP; a record says which layout it has by what is in
 * column 15 (a port number, or an address or nothing).  Protocols and rule
 * actions are numbers, or names when the logger pretty-prints.  Only the
 * first 26 (27) columns are read: httpVals is not quoted and may hold
 * commas.
 *
 * Pods are named but not labelled: they become pod endpoints with name and
 * address, for an inventory to complete; other ends are known by address.
 * Each record counts once; a connection that outlives the active timeout is
 * exported, and counted, once per timeout.
 */
#ifndef FP_READER_ANTREA_H
#define FP_READER_ANTREA_H

#include "lib/reader.h"
#include "lib/util-arena.h"

extern const struct fp_reader fp_reader_antrea_csv;

/*
 * Helpers shared by the Antrea readers.  The verdict from the ingress and
 * egress rule actions (numbers 0-3 or Allow/Drop/Reject, empty for none):
 * a drop or reject on either side wins.
 */
int fp_reader_antrea__verdict(enum fp_verdict *out, const char *ingress, size_t ilen,
			      const char *egress, size_t elen, struct fp_err *err);
/*
 * An endpoint from what Antrea records: an address, and for a pod its
 * namespace, name and labels (JSON text; may be NULL).  @side is "source"
 * or "destination", for messages ("sourcePodName").
 */
int fp_reader_antrea__endpoint(struct fp_endpoint *ep, struct fp_arena *arena,
			       const char *side, const char *ip, size_t iplen,
			       const char *pod, size_t podlen, const char *ns,
			       size_t nslen, const char *labels, size_t llen,
			       struct fp_err *err);

#endif
