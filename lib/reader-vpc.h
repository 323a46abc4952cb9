/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-vpc.h - AWS VPC Flow Logs (version 2 default format, and custom
 * formats named by a header line), plain or gzip, as CloudWatch and S3
 * export them.  Address-only: the inventory resolves the endpoints.
 *
 * Records with the TCP SYN flag, or with an ephemeral port on one side only,
 * have a known direction; replies are skipped.  Others are stored undirected
 * (verdict FP_VERDICT_UNDIRECTED, the second port in the reason field) and
 * aggregation decides from the ports the inventory says pods listen on.
 * REJECT is stored like DROPPED.
 */
#ifndef FP_READER_VPC_H
#define FP_READER_VPC_H

#include "lib/reader.h"

extern const struct fp_reader fp_reader_vpc;

#endif
