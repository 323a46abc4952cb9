/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-antrea-np.h - Antrea's network policy audit log,
 * /var/log/antrea/networkpolicy/np.log: one packet that a logged rule
 * matched per line, fields separated by spaces:
 *
 *   DATE TIME TABLE POLICY-REF RULE-NAME DIRECTION ACTION OF-PRIORITY
 *   APPLIED-TO SRC-IP SRC-PORT DST-IP DST-PORT PROTOCOL LENGTH LOG-LABEL
 *   [[N packets in DURATION]]
 *
 * "<nil>" marks a field without a value.  The time has no zone: it is read
 * as UTC (the agent's container clock; a --tz option may come later).  A
 * line is one connection attempt (the agent logs the first packet of an
 * allowed connection, and folds repeats of a dropped one into "[N packets
 * ...]").  The pod the rule applies to (APPLIED-TO, "namespace/name") is
 * the destination of an Ingress rule and the source of an Egress rule: it
 * becomes a pod endpoint with name and address, without labels; the other
 * end is known by address.  Allow is FORWARDED, Drop and Reject are
 * DROPPED, Redirect (to the L7 engine) is REDIRECTED, and Pass (handed on
 * to the next policies) decides nothing.
 */
#ifndef FP_READER_ANTREA_NP_H
#define FP_READER_ANTREA_NP_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_antrea_np;

#endif
