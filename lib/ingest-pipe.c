/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/err.h"
#include "lib/ingest-pipe.h"

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE };

struct pipe {
	const struct fp_pipe_ops *ops;
	void *ctx;
	void **slots;
	size_t n_slots;
	enum slot_state *state;
	uint64_t *seq;
	pthread_mutex_t lock;  /* everything below but input_ended */
	pthread_cond_t cond;   /* a slot became free, or the run ends */
	pthread_mutex_t input; /* held while fetching: input is read in order */
	uint64_t next_seq;     /* under input */
	bool input_ended;      /* under input */
	uint64_t next_merge;
	bool input_done, stop, merging;
	int status;
};

struct thread_arg {
	struct pipe *p;
	void *wstate;
};

/* Merge every worked slot that is next in order; called with the lock held. */
static void
merge_ready(struct pipe *p)
{
	p->merging = true;
	while (!p->stop) {
		size_t j;
		int r;

		for (j = 0; j < p->n_slots; j++)
			if (p->state[j] == SLOT_DONE && p->seq[j] == p->next_merge)
				break;
		if (j == p->n_slots)
			break;
		/* merge() may take long (a spill to the database): let the
		 * others fetch and work meanwhile */
		pthread_mutex_unlock(&p->lock);
		r = p->ops->merge(p->ctx, p->slots[j]);
		pthread_mutex_lock(&p->lock);
		p->state[j] = SLOT_FREE;
		p->next_merge++;
		if (r < 0 && p->status == 0) {
			p->status = r;
			p->stop = true;
		}
		pthread_cond_broadcast(&p->cond);
	}
	p->merging = false;
}

static void
run(struct pipe *p, void *wstate)
{
	for (;;) {
		size_t i = 0;
		uint64_t seq;
		int last;

		pthread_mutex_lock(&p->lock);
		for (;;) {
			if (p->stop || p->input_done) {
				pthread_mutex_unlock(&p->lock);
				return;
			}
			for (i = 0; i < p->n_slots && p->state[i] != SLOT_FREE; i++)
				;
			if (i < p->n_slots)
				break;
			pthread_cond_wait(&p->cond, &p->lock);
		}
		p->state[i] = SLOT_BUSY;
		pthread_mutex_unlock(&p->lock);

		pthread_mutex_lock(&p->input);
		if (p->input_ended) {
			/* another thread fetched the last piece meanwhile */
			pthread_mutex_unlock(&p->input);
			pthread_mutex_lock(&p->lock);
			p->state[i] = SLOT_FREE;
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		last = p->ops->fetch(p->ctx, p->slots[i]);
		seq = p->next_seq++;
		p->input_ended = last != 0;
		pthread_mutex_unlock(&p->input);
		if (last) {
			pthread_mutex_lock(&p->lock);
			p->input_done = true;
			pthread_cond_broadcast(&p->cond);
			pthread_mutex_unlock(&p->lock);
		}

		p->ops->work(p->ctx, wstate, p->slots[i]);

		pthread_mutex_lock(&p->lock);
		p->seq[i] = seq;
		p->state[i] = SLOT_DONE;
		if (!p->merging)
			merge_ready(p);
		pthread_mutex_unlock(&p->lock);
	}
}

static void *
thread_main(void *arg)
{
	struct thread_arg *a = arg;

	run(a->p, a->wstate);
	return NULL;
}

int
fp_pipe_run(const struct fp_pipe_ops *ops, void *ctx, void **slots, size_t n_slots,
	    void **wstates, size_t n_threads)
{
	struct pipe p = { .ops = ops, .ctx = ctx, .slots = slots, .n_slots = n_slots };
	pthread_t *threads = NULL;
	struct thread_arg *args = NULL;
	size_t started = 0;

	p.state = calloc(n_slots, sizeof(*p.state));
	p.seq = calloc(n_slots, sizeof(*p.seq));
	if (n_threads > 1) {
		threads = calloc(n_threads - 1, sizeof(*threads));
		args = calloc(n_threads - 1, sizeof(*args));
	}
	if (p.state == NULL || p.seq == NULL || (n_threads > 1 && (threads == NULL || args == NULL))) {
		free(p.state);
		free(p.seq);
		free(threads);
		free(args);
		return FP_ENOMEM;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_mutex_init(&p.input, NULL);
	pthread_cond_init(&p.cond, NULL);
	/* A thread that cannot start only means fewer threads: the results
	 * are the same with any number of them. */
	for (size_t t = 1; t < n_threads; t++) {
		args[started] = (struct thread_arg){ &p, wstates[t] };
		if (pthread_create(&threads[started], NULL, thread_main, &args[started]) != 0)
			break;
		started++;
	}
	run(&p, wstates[0]);
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.input);
	pthread_mutex_destroy(&p.lock);
	free(p.state);
	free(p.seq);
	free(threads);
	free(args);
	return p.status;
}
