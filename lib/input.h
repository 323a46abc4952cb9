/* SPDX-License-Identifier: Apache-2.0 */
/*
 * input.h - reading an input file line by line: a path, '-' for standard
 * input, plain or gzip (known by its magic bytes, whatever the name).
 *
 * The raw bytes are fingerprinted as they pass, so a file is recognised by
 * its content.  Memory stays bounded whatever the input: a line longer than
 * FP_INPUT_MAX_LINE is skipped and reported, and a gzip stream that expands
 * beyond any log's ratio is stopped.
 */
#ifndef FP_INPUT_H
#define FP_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/util-buf.h"

#define FP_INPUT_MAX_LINE (8u << 20)
#define FP_FINGERPRINT_BUFSZ 48

struct fp_input;

/*
 * Open @path ("-" is standard input).  *@out is freed with fp_input_close().
 * Returns 0, FP_EIO (cannot open or read) or FP_ENOMEM.
 */
int fp_input_open(struct fp_input **out, const char *path, struct fp_err *err);
void fp_input_close(struct fp_input *in);

/* The name for messages: the path, or "<stdin>".  Borrowed. */
const char *fp_input_name(const struct fp_input *in);
bool fp_input_is_gzip(const struct fp_input *in);
/* Raw bytes consumed so far, and the file's size when known (else 0). */
uint64_t fp_input_raw_offset(const struct fp_input *in);
uint64_t fp_input_raw_size(const struct fp_input *in);

/*
 * For a regular file, read it whole to compute its fingerprint before any
 * line is parsed (so an already-ingested file is skipped cheaply), then
 * rewind.  Returns 1 with @out filled, 0 when the input cannot be rewound
 * (a pipe: the fingerprint is known only at the end), or FP_EIO.
 */
int fp_input_prefingerprint(struct fp_input *in, char out[FP_FINGERPRINT_BUFSZ],
			    struct fp_err *err);

/*
 * The next line, without its "\n" or "\r\n".  *@line is borrowed until the
 * next call; *@lineno is its 1-based number.  Returns 1 for a line, 0 at the
 * end, FP_EINPUT for a line that is too long or a damaged gzip stream (with
 * @err naming the file and line; reading may go on after a long line, not
 * after damage), or FP_EIO.
 */
int fp_input_next_line(struct fp_input *in, const char **line, size_t *len, long *lineno,
		       struct fp_err *err);

/*
 * The fingerprint the first @size raw bytes of a regular file would have
 * as a file of their own (read with pread(), the position stays): how an
 * appended-to log is recognised.  1 with @out set, 0 when the input is not
 * a regular file of at least @size bytes, or FP_EIO.
 */
int fp_input_prefix_fingerprint(struct fp_input *in, uint64_t size,
				char out[FP_FINGERPRINT_BUFSZ], struct fp_err *err);
/* True when the line fp_input_next_line() last returned had no newline:
 * the file's last line, complete or still being written. */
bool fp_input_unterminated(const struct fp_input *in);

/* The raw byte at @offset of a regular file (the position stays), or -1. */
int fp_input_byte_at(struct fp_input *in, uint64_t offset);

/*
 * Read the rest of the input, decoded, into @out (for formats that are not
 * line-based, such as kubectl's pretty-printed JSON).  More than @max bytes
 * is FP_EINPUT; a damaged gzip stream FP_EINPUT; FP_EIO, FP_ENOMEM.
 */
int fp_input_read_all(struct fp_input *in, struct fp_buf *out, size_t max, struct fp_err *err);

/* After the end: "<hash>-<size>" of the raw bytes. */
void fp_input_fingerprint(const struct fp_input *in, char out[FP_FINGERPRINT_BUFSZ]);

#endif
