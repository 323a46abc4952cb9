/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-calico.h - Calico Enterprise / Calico Cloud flow logs: felix's
 * /var/log/calico/flowlogs/flows.log (one JSON object per line), the same
 * records as Elasticsearch returns them ({"_source": {...}}), and
 * pretty-printed objects spanning several lines, as the documentation
 * shows them.
 *
 * A record stands for num_flows connections between two endpoints
 * (workload "wep", host "hep", network set "ns" or network "net"), seen
 * between start_time and end_time.  Calico reports a connection at each end
 * that it manages, so one connection can appear twice.  To count it once,
 * whatever the order of the lines, a record counts when
 *   - it was reported by the destination ("reporter":"dst") and the
 *     destination is a workload endpoint: the destination holds the final
 *     decision for traffic into a pod, after the source's egress policy; or
 *   - it was reported by the source and the destination is not a workload
 *     endpoint (no "dst" record exists), or the source denied it (the
 *     destination never saw it).
 * Every other record is skipped as "duplicate".  (With host-endpoint flow
 * reporting enabled, a workload's connection to a host endpoint is counted
 * from the source's record only.)
 *
 * "action":"deny" is DROPPED.  "allow" is AUDIT when the staged policies in
 * pending_policies would deny it (the first entry that is not "pass"
 * denies): Calico's audit signal.  Otherwise FORWARDED.  "-", "null", "pvt"
 * and "pub" are placeholders, not names; "pvt"/"pub" mark private and
 * public networks.  Aggregated records (name "-", name_aggr "<prefix>-*",
 * null IPs) keep the labels they carry and name the workload after the
 * prefix.
 */
#ifndef FP_READER_CALICO_H
#define FP_READER_CALICO_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_calico;

#endif
