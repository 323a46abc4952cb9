/* SPDX-License-Identifier: Apache-2.0 */
/*
 * carry.h - keep the bytes of policies whose rules did not change.
 *
 * Each policy's annotations record the window and the evidence it was
 * derived from, which change every week.  Written afresh, every file of a
 * weekly pull request would change, and the reviewer could not see the one
 * rule that did.  With --baseline (the policies merged last time), a
 * document that equals a baseline document in everything but its
 * annotations is written as the baseline has it: its annotations then tell
 * the window its rules were first derived from, and REVIEW.md carries this
 * window's evidence.
 */
#ifndef FP_CARRY_H
#define FP_CARRY_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/util-buf.h"

/*
 * @text is a YAML stream flowpol wrote ("---" before each document);
 * @baseline another, or NULL.  Append to @out @text with every document
 * that matches a baseline document outside its annotations replaced by
 * the baseline's bytes.  0 or FP_ENOMEM.
 */
int fp_carry_documents(struct fp_buf *out, const char *text, size_t len, const char *baseline,
		       size_t baseline_len);

/*
 * The same with the baseline file @dir/@name (none when it does not
 * exist), rewriting @text in place.  0, FP_EIO, FP_EINPUT (too large),
 * FP_ENOMEM.
 */
int fp_carry_file(struct fp_buf *text, const char *dir, const char *name, struct fp_err *err);

#endif
