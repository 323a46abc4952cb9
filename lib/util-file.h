/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-file.h - writing output files so that no reader ever sees half of one.
 */
#ifndef FP_UTIL_FILE_H
#define FP_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

/*
 * Is @name safe as a file name inside an output directory: not empty, no
 * '/', no NUL, not "." or "..", not hidden, at most 255 bytes?
 */
bool fp_file_name_ok(const char *name);

/* Create @path and its missing parents (like mkdir -p).  0 or FP_EIO. */
int fp_dir_ensure(const char *path, struct fp_err *err);

/*
 * Write @len bytes to @dir/@name through a temporary file in @dir that is
 * flushed and then renamed over the target: readers see the old file or the
 * new one, never a mix.  @name must pass fp_file_name_ok() (FP_EINPUT
 * otherwise).  0, FP_EINPUT or FP_EIO.
 */
int fp_file_write_atomic(const char *dir, const char *name, const void *data, size_t len,
			 struct fp_err *err);

#endif
