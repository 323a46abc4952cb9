/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-native.h - flowpol's own flow format, documented by
 * schema/native-flow.schema.json: what a normalized flow holds, so that
 * anything (a GROUP BY in ClickHouse, Trino or Spark, a script) can hand
 * flowpol connections, pre-aggregated or not.
 *
 * One JSON object per line:
 *   {"time": "2026-11-19T08:00:00Z", "count": 3,
 *    "src": {"namespace": "shop", "pod": "web-7d9f8b6c5d-x2k4q",
 *            "labels": {"app": "web"}},
 *    "dst": {"kind": "world", "ip": "203.0.113.10"},
 *    "proto": "TCP", "port": 443, "verdict": "FORWARDED"}
 * or the same names flat ("src_namespace", "src_labels", ...), as SQL
 * engines write rows; or CSV whose header line names the columns:
 *   time|first_seen, last_seen, count, proto, port, verdict, reason,
 *   {src,dst}_{kind,ip,namespace,pod,workload,workload_kind,labels}
 * ("src.ip" is the same as "src_ip").  Labels are a JSON object, or text:
 * JSON or "k=v,k=v".  Times are RFC 3339, Unix seconds, or
 * "YYYY-MM-DD HH:MM:SS" in UTC.
 *
 * A row with "count" stands for that many connections; with first_seen and
 * last_seen, for connections over that span (group by minute, flowpol's
 * bucket, to keep windows and the "days" evidence exact).  An endpoint's
 * kind is "pod" when it has a namespace, else "unknown" (an address to
 * resolve), unless "kind" says otherwise: host, remote-node, world,
 * kube-apiserver, other.
 */
#ifndef FP_READER_NATIVE_H
#define FP_READER_NATIVE_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_native;

#endif
