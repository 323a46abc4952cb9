/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-eks.h - Amazon EKS network policy agent (aws-network-policy-agent)
 * policy decision logs, in both forms the agent writes:
 *
 *   - its JSON log file (/var/log/aws-routed-eni/network-policy-agent.log):
 *     "Flow Info" records with "Src IP", "Src Port", "Dest IP",
 *     "Dest Port", "Proto", "Verdict" and the time in "ts" or "timestamp";
 *     the agent's other log records are skipped as non-flow;
 *   - the CloudWatch Logs message "Node: N;SIP: A;SPORT: P;DIP: B;DPORT: Q;
 *     PROTOCOL: T;PolicyVerdict: V", which carries no time itself: it must
 *     be preceded by one, as "aws logs tail" prints it
 *     ("2024-09-23T12:36:53.562000+00:00 <stream> Node: ...").
 *
 * Records carry addresses only: both ends are unknown endpoints for an
 * inventory to resolve.  ACCEPT is FORWARDED, DENY is DROPPED, and
 * EXPIRED/DELETED (a connection-tracking entry going away) is no decision.
 */
#ifndef FP_READER_EKS_H
#define FP_READER_EKS_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_eks;

#endif
