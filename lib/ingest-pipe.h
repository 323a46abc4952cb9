/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest-pipe.h - an ordered parallel pipeline: read in order, work in
 * parallel, merge in order.  Internal to lib/ (ingest).
 *
 * Slots travel through three steps.  fetch() fills a free slot with the next
 * piece of input; it runs under a lock, so input is read in order, one piece
 * at a time (decompression included).  work() then runs on the slot in any
 * thread, in parallel with other slots.  merge() takes the worked slots in
 * fetch order, one at a time, whichever thread finished last: results are
 * combined in input order, so they do not depend on the number of threads or
 * on timing.  With one thread the caller's thread does everything in turn.
 */
#ifndef FP_INGEST_PIPE_H
#define FP_INGEST_PIPE_H

#include <stddef.h>

struct fp_pipe_ops {
	/*
	 * Fill @slot with the next piece of input.  Returns 1 when it is the
	 * last one (end of input, or an error the slot records for merge() to
	 * report in order), 0 when more follows.
	 */
	int (*fetch)(void *ctx, void *slot);
	/* Work on @slot with the thread's own @wstate.  Errors stay in the slot. */
	void (*work)(void *ctx, void *wstate, void *slot);
	/* Combine @slot, in fetch order.  A negative return stops the pipeline. */
	int (*merge)(void *ctx, void *slot);
};

/*
 * Run the pipeline until the last slot is merged or merge() fails, with
 * @n_threads threads (the caller's included), each with its @wstates entry,
 * over @n_slots slots (at least @n_threads + 1).  Returns 0, merge()'s
 * first error, or FP_ENOMEM when a thread cannot be started.
 */
int fp_pipe_run(const struct fp_pipe_ops *ops, void *ctx, void **slots, size_t n_slots,
		void **wstates, size_t n_threads);

#endif
