/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util-arena.h"

struct fp_arena_chunk {
	struct fp_arena_chunk *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

#define CHUNK_MIN 16384

void
fp_arena_init(struct fp_arena *a)
{
	a->head = NULL;
	a->full = NULL;
	a->total = 0;
}

static void
free_list(struct fp_arena_chunk *c)
{
	while (c != NULL) {
		struct fp_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
}

void
fp_arena_done(struct fp_arena *a)
{
	free_list(a->head);
	free_list(a->full);
	fp_arena_init(a);
}

void
fp_arena_reset(struct fp_arena *a)
{
	struct fp_arena_chunk *keep = a->head;

	/* Keep the biggest chunk so the next record of the same size fits in one. */
	for (struct fp_arena_chunk *c = a->full; c != NULL; c = c->next)
		if (keep == NULL || c->size > keep->size)
			keep = c;
	for (struct fp_arena_chunk *c = a->full; c != NULL;) {
		struct fp_arena_chunk *next = c->next;

		if (c != keep)
			free(c);
		c = next;
	}
	if (a->head != NULL && a->head != keep)
		free(a->head);
	a->full = NULL;
	a->head = keep;
	a->total = 0;
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
		a->total = keep->size;
	}
}

void *
fp_arena_alloc(struct fp_arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct fp_arena_chunk *c = a->head;
	size_t need;

	if (size > SIZE_MAX / 2)
		return NULL;
	need = (size + align - 1) & ~(align - 1);
	if (c == NULL || c->size - c->used < need) {
		size_t csize = need > CHUNK_MIN ? need : CHUNK_MIN;

		if (c != NULL && c->size * 2 > csize && c->size * 2 > c->size)
			csize = c->size * 2 > need ? c->size * 2 : csize;
		c = malloc(sizeof(*c) + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->used = 0;
		c->next = NULL;
		if (a->head != NULL) {
			a->head->next = a->full;
			a->full = a->head;
		}
		a->head = c;
		a->total += csize;
	}
	c->used += need;
	return c->data + c->used - need;
}

char *
fp_arena_strndup(struct fp_arena *a, const char *s, size_t len)
{
	char *p = fp_arena_alloc(a, len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
