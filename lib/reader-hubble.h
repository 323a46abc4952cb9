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

/*
 * The reference implementation on jansson: a full parse of the line, then
 * the fields read from the tree.  Same contract as fp_reader.parse (@state
 * is unused).  fp_reader_hubble.parse uses it for the messages of rejected
 * lines; tests/fuzz-hubble-diff.c holds the fast path to it.
 */
int fp_reader_hubble_parse_reference(void *state, struct fp_flow *out, enum fp_skip *skip,
				     struct fp_arena *arena, const char *line, size_t len,
				     struct fp_err *err);

/*
 * The hot path (lib/reader-hubble-fast.c): lib/json-scan.c validates the
 * line as jansson would and the needed members are read off its tape.
 * @state comes from fp_reader_hubble.state_new().  Returns FP_READ_FLOW,
 * FP_READ_SKIP (*@skip says why), FP_EINPUT for a line the reference rejects
 * (no message: ask the reference), or FP_ENOMEM.  For FP_READ_SKIP only
 * *@skip is meaningful.
 */
int fp_reader_hubble_parse_fast(void *state, struct fp_flow *out, enum fp_skip *skip,
				struct fp_arena *arena, const char *line, size_t len);

/* The state of the hot path: its scanner's buffers and its endpoint memo. */
void *fp_reader_hubble__fast_new(void);
void fp_reader_hubble__fast_free(void *state);
/* The same with a memo of @slots endpoints: tests make it tiny to evict often. */
void *fp_reader_hubble__fast_new_sized(size_t slots);

#endif
