/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-theia.h - an export of Theia's ClickHouse "flows" table, where
 * Antrea's Flow Aggregator stores its records: CSV with a header line
 * (clickhouse-client ... FORMAT CSVWithNames) or one JSON object per line
 * (FORMAT JSONEachRow).  Columns are found by name, so any selection and
 * order of them will do, as long as the ones this reader needs are there.
 *
 * A row is one export of a connection (the Flow Aggregator exports a
 * long-lived connection again at every active timeout, and each export
 * counts).  Pods are named and, when the row holds them, labelled
 * (sourcePodLabels / destinationPodLabels: JSON text); other ends are known
 * by address.  A rule action of Drop (2) or Reject (3) on either side makes
 * the connection DROPPED; otherwise it was FORWARDED.  DateTime values
 * without a zone are UTC, as Theia's ClickHouse stores them.
 */
#ifndef FP_READER_THEIA_H
#define FP_READER_THEIA_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_theia;

#endif
