/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-hubble.h - Cilium Hubble flows: "hubble observe -o jsonpb/json"
 * lines, Hubble exporter files ({"flow":{...},"node_name":..,"time":..}) and
 * bare flow objects (HUBBLE_COMPAT=legacy-json-output and older CLIs).
 *
 * A record is a connection when it is a policy-verdict event, or the first
 * packet of a trace: TCP SYN without ACK, trace_reason NEW, or a request of
 * a protocol without handshake.  Replies, later packets, L7 and socket
 * events, and node_status / lost_events / agent / debug records are skipped
 * and counted.  An exporter-aggregated flow weighs aggregate.*_flow_count.
 */
#ifndef FP_READER_HUBBLE_H
#define FP_READER_HUBBLE_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_hubble;

#endif
